"""Codes by text message: guardian self-registration, sign-in by code, and a new password by code.

Codes are 6 digits, valid 10 minutes, stored only as a keyed digest, and allow 5 attempts; a code serves only
the purpose it was sent for. A number gets at most one code a minute and 5 an hour, whatever the purpose, so
the gateway cannot be used to flood someone's phone. Nobody learns from the answer whether a number has an
account: asking for a code is answered the same either way.
"""

import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import PhoneVerification, Role, RoleAssignment, User, VerificationPurpose
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.refusals import Refusal
from tuoyu.sms import text_send

CODE_VALID = datetime.timedelta(minutes=10)
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_ATTEMPTS = 5


def _digest(phone: str, code: str) -> str:
    return salted_hmac("tuoyu.phone-verification", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _account(phone: str) -> User | None:
    return User.objects.filter(phone=phone, is_active=True).first()


def verification_send(
    *, phone: str, purpose: str = VerificationPurpose.REGISTER, now: datetime.datetime | None = None
) -> PhoneVerification:
    """Text a code for ``purpose`` to the number. The answer is the same whether or not the number has an
    account (nobody learns who is registered). To register: an existing account gets a text saying to sign
    in instead, with no code. To sign in or to set a new password: only an active account gets the code; for
    any other number a code is recorded all the same (so that the limits and the answer do not differ) and no
    text is sent. Either way the send counts towards the number's limits."""
    now = now or timezone.now()
    validate_mainland_mobile(phone)
    recent = PhoneVerification.objects.filter(phone=phone, sent_at__gt=now - datetime.timedelta(hours=1))
    if recent.filter(sent_at__gt=now - RESEND_AFTER).exists():
        raise Refusal(
            _("A code was just sent; wait a minute before asking for another."),
            "code_too_soon",
            conflict=True,
        )
    if recent.count() >= MAX_PER_HOUR:
        raise Refusal(_("Too many codes for this number; try again in an hour."), "code_limit", conflict=True)
    code = _new_code()
    verification = PhoneVerification.objects.create(
        phone=phone,
        purpose=purpose,
        code_digest=_digest(phone, code),
        sent_at=now,
        expires_at=now + CODE_VALID,
    )
    account = _account(phone)
    if purpose == VerificationPurpose.REGISTER:
        if User.objects.filter(phone=phone).exists():
            text = (
                "【托育】此手机号已注册托育账号，请直接登录；"
                "忘记密码可在登录页选择“忘记密码”，用短信验证码重设。"
            )
        else:
            text = f"【托育】您的注册验证码是 {code}，10分钟内有效。请勿告诉他人。"
        text_send(phone, text)
    elif account is not None:
        doing = "登录" if purpose == VerificationPurpose.SIGN_IN else "重设密码"
        text_send(phone, f"【托育】您正在{doing}，验证码是 {code}，10分钟内有效。请勿告诉他人。")
    return verification


def _check_code(
    phone: str, code: str, now: datetime.datetime, purpose: str = VerificationPurpose.REGISTER
) -> tuple[PhoneVerification | None, Refusal | None]:
    """The unused verification the code matches, or the refusal; a wrong code uses up one attempt."""
    verification = (
        PhoneVerification.objects.select_for_update()
        .filter(phone=phone, purpose=purpose, used_at__isnull=True)
        .order_by("-sent_at")
        .first()
    )
    if verification is None or verification.expires_at <= now or verification.attempts >= MAX_ATTEMPTS:
        return None, Refusal(_("The code has expired or was never sent: ask for a new one."), "code_expired")
    if not constant_time_compare(verification.code_digest, _digest(phone, code.strip())):
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        return None, Refusal(_("The code is not correct."), "code_wrong")
    return verification, None


def _code_user(phone: str, code: str, purpose: str, now: datetime.datetime) -> User:
    """The active account of ``phone`` once the code sent for ``purpose`` is confirmed (the code is used up).
    A number without an account can only ever answer "not correct": it never received its code."""
    with transaction.atomic():
        verification, refusal = _check_code(phone, code, now, purpose)
        account = _account(phone)
        if verification is not None and account is None:
            refusal = Refusal(_("The code is not correct."), "code_wrong")
        elif verification is not None:
            verification.used_at = now
            verification.save(update_fields=["used_at"])
    if refusal is not None or account is None:
        raise refusal or Refusal(
            _("The code is not correct."), "code_wrong"
        )  # after the block: attempts kept
    return account


def sign_in_code_check(*, phone: str, code: str, now: datetime.datetime | None = None) -> User:
    """Sign-in by text message, the first factor only: the account whose code this is. The caller signs the
    user in, or asks for the second factor of an account that has one, as after a password."""
    return _code_user(phone, code, VerificationPurpose.SIGN_IN, now or timezone.now())


def password_reset_by_code(
    *, phone: str, code: str, password: str, now: datetime.datetime | None = None
) -> User:
    """A new password for the account of ``phone`` once the code sent to it is confirmed. The new password
    passes Django's validators; every session signed in with the old one ends (the session's hash changes)
    and the app tokens are revoked (``User.save``), and the account's owner is told by text message."""
    now = now or timezone.now()
    validate_password(password, _account(phone))  # before the code is used up: a weak password keeps it
    user = _code_user(phone, code, VerificationPurpose.RESET, now)
    user.set_password(password)
    user.save(update_fields=["password"])
    moment = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    text_send(
        phone, f"【托育】您的托育账号密码已于{moment}通过短信验证码重设。如非本人操作，请立即联系所在机构。"
    )
    return user


def guardian_register(
    *,
    phone: str,
    code: str,
    display_name: str,
    password: str,
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> User:
    """Create a guardian account once the code sent to ``phone`` is confirmed."""
    now = now or timezone.now()
    validate_password(password)
    with transaction.atomic():
        verification, refusal = _check_code(phone, code, now)
        if verification is not None:
            if User.objects.filter(phone=phone).exists():
                raise Refusal(
                    _("This mobile number already has an account: sign in instead."),
                    "phone_registered",
                    conflict=True,
                )
            fields = {"preferred_language": language} if language else {}
            user = User.objects.create_user(
                phone=phone, password=password, display_name=display_name, **fields
            )
            RoleAssignment.objects.create(user=user, role=Role.GUARDIAN)
            verification.used_at = now
            verification.save(update_fields=["used_at"])
    if refusal is not None:
        raise refusal  # raised after the block, so that the used attempt is kept
    return user
