from django.db.models import QuerySet

from tuoyu.accounts.access import actor_pk
from tuoyu.notifications.models import Notification


def inbox_of(user: object) -> QuerySet[Notification]:
    """A user's own notifications, newest first; nobody else's."""
    return Notification.objects.filter(user_id=actor_pk(user))


def unread_count(user: object) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_of(user).filter(read_at__isnull=True).count()


def users_told_of(link: str, kind: str) -> set[int]:
    """The ids of the users with a notification of ``kind`` linking to ``link`` (read or not)."""
    return set(Notification.objects.filter(link=link, kind=kind).values_list("user_id", flat=True))
