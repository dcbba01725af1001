"""Print the demo's current two-step verification code (regulator and administrator accounts)."""

from base64 import b32decode
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from tuoyu.demo.management.commands.seed_demo import DEMO_OTP_SECRET


class Command(BaseCommand):
    help = "Print the current 6-digit code of the demo's second factor (13800000001 and 13800000000)."

    def handle(self, *args: Any, **options: Any) -> None:
        code = totp(b32decode(DEMO_OTP_SECRET))
        self.stdout.write(f"{code:06d}")
