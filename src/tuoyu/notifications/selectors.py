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
