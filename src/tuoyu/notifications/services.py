from collections.abc import Iterable, Mapping

from django.utils import timezone, translation
from django.utils.functional import Promise

from tuoyu.accounts.models import User
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.sms import text_send


def _fill(text: str | Promise, params: Mapping[str, object] | None) -> str:
    """The text in the active language, filled in with its params."""
    filled = str(text)
    return filled % params if params and filled else filled


def notify_all(
    users: Iterable[User],
    *,
    kind: NotificationKind,
    title: str | Promise,
    body: str | Promise = "",
    params: Mapping[str, object] | None = None,
    link: str = "",
    sms: bool = False,
) -> list[Notification]:
    """Put the message in each user's inbox, in their language; with ``sms`` also text it once committed.

    Pass ``title`` and ``body`` untranslated (gettext_lazy) with their ``params``: they are translated and
    filled in each recipient's language (once per language), not the language of whoever caused the message.
    A user given twice is told once; the messages are written in one insert, in the order of ``users``.
    """
    recipients: dict[int, User] = {}
    for user in users:
        recipients.setdefault(user.pk, user)
    if not recipients:
        return []
    texts: dict[str, tuple[str, str]] = {}
    for user in recipients.values():
        if user.preferred_language not in texts:
            with translation.override(user.preferred_language):
                texts[user.preferred_language] = (_fill(title, params), _fill(body, params))
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=kind,
                title=texts[user.preferred_language][0],
                body=texts[user.preferred_language][1],
                link=link,
                sent_by_sms=sms,
            )
            for user in recipients.values()
        ]
    )
    if sms:
        for notification in notifications:
            body = f" {notification.body}" if notification.body else ""
            text_send(notification.user.phone, f"【托育】{notification.title}{body}")
    return notifications


def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
