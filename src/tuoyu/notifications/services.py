from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from tuoyu.accounts.models import User
from tuoyu.notifications.models import Notification
from tuoyu.sms import send_sms


def notify(
    user: User,
    *,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    params: dict[str, object] | None = None,
    link: str = "",
    sms: bool = False,
) -> Notification:
    """Put a message in the user's inbox, in their language; with ``sms`` also text it once committed.

    Pass ``title`` and ``body`` untranslated (gettext_lazy) with their ``params``: they are translated and
    filled in the recipient's language, not the language of whoever caused the message.
    """
    with translation.override(user.preferred_language):
        title_text = str(title) % params if params else str(title)
        body_text = (str(body) % params if params else str(body)) if body else ""
    notification = Notification.objects.create(
        user=user, kind=kind, title=title_text, body=body_text, link=link, sent_by_sms=sms
    )
    if sms:
        text = f"【托育】{title_text}" + (f" {body_text}" if body_text else "")
        transaction.on_commit(lambda: send_sms(user.phone, text))
    return notification


def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
