"""Two-step sign-in: a code from an authenticator app (TOTP, django-otp), or a one-time recovery code.

Required for regulators and administrators (they read a whole district's data); any other user may turn it
on under 我的账号. An administrator resets a user's second factor in the back office when a phone is lost;
the user then sets it up again at their next sign-in.
"""

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.access import roles_of
from tuoyu.accounts.models import Role, User
from tuoyu.accounts.tokens import tokens_revoke_all
from tuoyu.refusals import Refusal

APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODES = 10
WRONG_CODE = _("The code is not right. Check the time on your phone and try again.")


def second_factor_required(user: object) -> bool:
    """Regulators and administrators sign in with a second factor; for everyone else it is a choice."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or Role.REGULATOR in roles_of(user)


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def app_device_pending(user: User) -> TOTPDevice:
    """The authenticator-app device being set up (created with a new random key on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(re.findall(".{1,4}", secret))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG drawing, made here: nothing leaves the intranet."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    markup: str = image.to_string(encoding="unicode")
    return markup[markup.index("<svg") :]


def _clean(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


def app_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Turn on the second factor once the app shows the right code; returns new recovery codes."""
    if device.user_id != user.pk or device.confirmed:
        raise Refusal(_("Start setting up two-step verification again."), "otp_setup_stale", conflict=True)
    if not device.verify_token(_clean(code)):
        raise Refusal(WRONG_CODE, "otp_invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        tokens_revoke_all(user)  # tokens issued without the code stop working
        return recovery_codes_renew(user=user)


def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_verify(user: User, code: str) -> Device | None:
    """The device that accepts this code (an app code or an unused recovery code), or None."""
    code = _clean(code)
    if not code:
        return None
    return match_token(user, code.lower() if not code.isdigit() else code)


def second_factor_remove(*, user: User) -> int:
    """Remove every device and revoke every API token: after a reset by an administrator (a lost phone may
    hold an app signed in), or when a user turns it off."""
    removed = 0
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        tokens_revoke_all(user)
    return removed
