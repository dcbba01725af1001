"""API tokens (django-rest-knox): stored as digests, expiring after ``API_TOKEN_DAYS``, each one listed and
revocable by its owner; a new password or a deactivated account revokes them all (``User.save``)."""

from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from tuoyu.accounts.models import User


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The owner's tokens that still work, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def token_issue(user: User) -> tuple[AuthToken, str]:
    """A new token; the key itself is returned once and stored only as a digest."""
    return AuthToken.objects.create(user)


def token_revoke(user: User, key: str) -> bool:
    """Revoke one of the owner's tokens by its key; False if the owner has no such token."""
    deleted, _rows = tokens_of(user).filter(token_key=key).delete()
    return bool(deleted)


def tokens_revoke_all(user: User) -> int:
    """Revoke every token of the account (new password, deactivation, second factor set up or removed)."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted
