"""Revoke API tokens: every one (after a suspected leak, or with a new SECRET_KEY), or one user's."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from tuoyu.accounts.models import User


class Command(BaseCommand):
    help = "Revoke every API token, or those of one user (--user <mobile number>)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", help="The mobile number of the account whose tokens to revoke")

    def handle(self, *args: Any, user: str | None = None, **options: Any) -> None:
        tokens = AuthToken.objects.all()
        if user:
            account = User.objects.filter(phone=user).first()
            if account is None:
                raise CommandError(f"No account has the mobile number {user}.")
            tokens = tokens.filter(user=account)
        revoked, _kinds = tokens.delete()
        self.stdout.write(f"Revoked {revoked} API tokens.")
