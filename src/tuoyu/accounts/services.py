"""Guardian self-registration by mobile number: a code by text message, then the account.

Codes are 6 digits, valid 10 minutes, stored only as a keyed digest, and allow 5 attempts. A number gets
at most one code a minute and 5 an hour, so the gateway cannot be used to flood someone's phone.
"""

import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import PhoneVerification, Role, RoleAssignment, User
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.refusals import Refusal
from tuoyu.sms import text_send

CODE_VALID = datetime.timedelta(minutes=10)
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_ATTEMPTS = 5


def _digest(phone: str, code: str) -> str:
    return salted_hmac("tuoyu.phone-verification", f"{phone}:{code}", algorithm="sha256").hexdigest()


def verification_send(*, phone: str, now: datetime.datetime | None = None) -> PhoneVerification:
    """Text a registration code to the number. The answer is the same whether or not the number already has
    an account (nobody learns who is registered); the text message to an existing account says to sign in
    instead and carries no code. Either way the send counts towards the number's limits."""
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
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification = PhoneVerification.objects.create(
        phone=phone, code_digest=_digest(phone, code), sent_at=now, expires_at=now + CODE_VALID
    )
    if User.objects.filter(phone=phone).exists():
        text = "【托育】此手机号已注册托育账号，请直接登录；忘记密码可联系所在机构或区卫生健康局重置。"
    else:
        text = f"【托育】您的注册验证码是 {code}，10分钟内有效。请勿告诉他人。"
    text_send(phone, text)
    return verification


def _check_code(
    phone: str, code: str, now: datetime.datetime
) -> tuple[PhoneVerification | None, Refusal | None]:
    """The unused verification the code matches, or the refusal; a wrong code uses up one attempt."""
    verification = (
        PhoneVerification.objects.select_for_update()
        .filter(phone=phone, used_at__isnull=True)
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
