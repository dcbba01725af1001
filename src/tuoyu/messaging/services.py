"""Writes of 家园沟通: messages (text and a photo), reading a conversation, daily report replies, notices.

A message tells the other side through ``notify_all``, once per unread burst: whoever has not yet read the
sender side's previous message was told already and is not told again.
"""

import datetime
from collections.abc import Iterable

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.enrolment.models import Child
from tuoyu.messaging.models import Conversation, ConversationRead, Message, Notice, NoticeRecipient, Side
from tuoyu.messaging.selectors import current_placement, participants_of, side_of
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.selectors import users_told_of
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import caregivers_of
from tuoyu.uploads import photo_checked

MAX_MESSAGE_CHARS = 2000


def conversation_link(child: Child) -> str:
    return reverse("messaging:conversation", kwargs={"child": child.code})


def _institution_of(child: Child, now: datetime.datetime) -> Institution:
    placement = current_placement(child, timezone.localdate(now))
    if placement is None:
        raise NotPermitted("the child holds no place")
    return placement.institution


def _conversation(child: Child, institution: Institution, now: datetime.datetime) -> Conversation:
    conversation, _created = Conversation.objects.get_or_create(
        child=child, institution=institution, defaults={"created_at": now}
    )
    return conversation


def _mark_read(conversation: Conversation, user: User, side: str, now: datetime.datetime) -> None:
    ConversationRead.objects.update_or_create(
        conversation=conversation, user=user, defaults={"side": side, "last_read_at": now}
    )


def _not_yet_told(conversation: Conversation, users: Iterable[User], side: str) -> list[User]:
    """Those of ``users`` who read the conversation after the side's previous message, or who never opened it
    and were never told of it (a caregiver newly assigned to the class, a new director): a burst of messages
    is one notification."""
    previous = (
        conversation.messages.filter(side=side)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
    ).first()
    if previous is None:
        return list(users)
    read = dict(
        ConversationRead.objects.filter(conversation=conversation).values_list("user_id", "last_read_at")
    )
    told = users_told_of(conversation_link(conversation.child), NotificationKind.FAMILY_MESSAGE)
    return [
        user
        for user in users
        if (user.pk in read and read[user.pk] >= previous) or (user.pk not in read and user.pk not in told)
    ]


def message_send(
    *,
    actor: User,
    child: Child,
    body: str = "",
    photo: File | None = None,
    report_day: datetime.date | None = None,
    institution: Institution | None = None,
    also_tell: Iterable[User] = (),
    now: datetime.datetime | None = None,
) -> Message:
    """A participant writes in the child's conversation (text, a photo or both); the other side is told.

    The conversation is the one at the institution where the child holds a place (or ``institution``)."""
    now = now or timezone.now()
    institution = institution or _institution_of(child, now)
    side = side_of(actor, child, institution, timezone.localdate(now))
    if side is None:
        raise NotPermitted("not a participant of the conversation")
    body = (body or "").strip()
    if not body and not photo:
        raise Refusal(_("Write a message or choose a photo first."), "message_empty")
    if len(body) > MAX_MESSAGE_CHARS:
        raise Refusal(
            _("A message may be at most %(n)d characters.") % {"n": MAX_MESSAGE_CHARS}, "message_too_long"
        )
    if photo:
        photo = photo_checked(photo)
    with transaction.atomic():
        conversation = _conversation(child, institution, now)
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        participants = participants_of(child, institution, timezone.localdate(now))
        other = Side.INSTITUTION if side == Side.FAMILY else Side.FAMILY
        recipients = [user for user in participants[other] if user.pk != actor.pk]
        if report_day is None:
            recipients = _not_yet_told(conversation, recipients, side)
        recipients += [user for user in also_tell if user.pk != actor.pk and user not in recipients]
        message = Message(
            conversation=conversation,
            author=actor,
            side=side,
            body=body,
            photo=photo or "",
            report_day=report_day,
            created_at=now,
        )
        try:
            message.full_clean()
            message.save()
        except Exception:
            if photo:
                message.photo.delete(save=False)
            raise
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        _mark_read(conversation, actor, side, now)
        params = {"author": actor.display_name, "child": child.name}
        text = body[:200].replace("%", "%%") if body else _("(a photo)")
        if report_day is not None:
            notify_all(
                recipients,
                kind=NotificationKind.DAILY_REPORT_REPLY,
                title=_("%(author)s replied to %(child)s's report of %(day)s"),
                body=text,
                params={**params, "day": report_day.isoformat()},
                link=conversation_link(child),
            )
        else:
            notify_all(
                recipients,
                kind=NotificationKind.FAMILY_MESSAGE,
                title=_("New message from %(author)s about %(child)s"),
                body=text,
                params=params,
                link=conversation_link(child),
            )
    return message


def report_reply_post(
    *,
    guardian: User,
    child: Child,
    care_class: CareClass,
    day: datetime.date,
    reply: str,
    also_tell: Iterable[User] = (),
    now: datetime.datetime | None = None,
) -> Message:
    """The family's reply to a daily report, as a message of the child's conversation at the report's
    institution: the caregivers of the report's class and the directors are told (and ``also_tell``, the
    caregiver who published it)."""
    return message_send(
        actor=guardian,
        child=child,
        body=reply,
        report_day=day,
        institution=care_class.institution,
        also_tell=[*caregivers_of(care_class), *also_tell],
        now=now,
    )


def conversation_open(*, actor: User, child: Child, now: datetime.datetime | None = None) -> Conversation:
    """The child's conversation at the institution where the child holds a place (started if new), read
    by the actor now."""
    now = now or timezone.now()
    institution = _institution_of(child, now)
    side = side_of(actor, child, institution, timezone.localdate(now))
    if side is None:
        raise NotPermitted("not a participant of the conversation")
    with transaction.atomic():
        conversation = _conversation(child, institution, now)
        _mark_read(conversation, actor, side, now)
    return conversation


def conversation_mark_read(
    *, actor: User, conversation: Conversation, now: datetime.datetime | None = None
) -> Conversation:
    """The actor has read the conversation up to now (their side's read receipt for the other side)."""
    now = now or timezone.now()
    side = side_of(actor, conversation.child, conversation.institution, timezone.localdate(now))
    if side is None:
        raise NotPermitted("not a participant of the conversation")
    with transaction.atomic():
        _mark_read(conversation, actor, side, now)
    return conversation


# Notices -------------------------------------------------------------------------------------------------


def notice_audience(
    institution: Institution, care_class: CareClass | None, day: datetime.date
) -> dict[int, str]:
    """Who receives a notice, by user id with their side: the guardians of the children holding a place
    there, and the staff (the class's caregivers and the directors; every role of the institution for a
    notice to the whole institution)."""
    children = Child.objects.filter(
        placements__institution=institution, placements__ends_on__gt=day
    ).distinct()
    if care_class is not None:
        children = children.filter(placements__care_class=care_class, placements__ends_on__gt=day)
    audience: dict[int, str] = {}
    for user_id in User.objects.filter(guardianships__child__in=children, is_active=True).values_list(
        "pk", flat=True
    ):
        audience[user_id] = Side.FAMILY
    if care_class is not None:
        staff = [user.pk for user in caregivers_of(care_class)]
        staff += list(
            RoleAssignment.objects.filter(institution=institution, role=Role.DIRECTOR).values_list(
                "user", flat=True
            )
        )
    else:
        staff = list(RoleAssignment.objects.filter(institution=institution).values_list("user", flat=True))
    for user_id in User.objects.filter(pk__in=staff, is_active=True).values_list("pk", flat=True):
        audience.setdefault(user_id, Side.INSTITUTION)
    return audience


def notice_post(
    *,
    actor: User,
    institution: Institution,
    title: str,
    body: str,
    care_class: CareClass | None = None,
    now: datetime.datetime | None = None,
) -> Notice:
    """The director posts a notice to the institution or one of its classes; every recipient is told and
    has a row that records when they read it."""
    if not actor_may(actor, Perm.MESSAGE_FAMILIES, institution.pk):
        raise NotPermitted("not the institution's director")
    if care_class is not None and care_class.institution_id != institution.pk:
        raise NotPermitted("a class of another institution")
    now = now or timezone.now()
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise Refusal(_("A notice needs a title and a text."), "notice_empty")
    with transaction.atomic():
        notice = Notice(
            institution=institution,
            care_class=care_class,
            title=title,
            body=body,
            posted_by=actor,
            posted_at=now,
        )
        notice.full_clean()
        notice.save()
        audience = notice_audience(institution, care_class, timezone.localdate(now))
        audience.pop(actor.pk, None)
        NoticeRecipient.objects.bulk_create(
            [NoticeRecipient(notice=notice, user_id=user_id, side=side) for user_id, side in audience.items()]
        )
        notify_all(
            User.objects.filter(pk__in=audience).order_by("pk"),
            kind=NotificationKind.NOTICE_POSTED,
            title=_("Notice from %(institution)s: %(title)s"),
            params={"institution": institution.name, "title": title},
            link=reverse("messaging:notice", kwargs={"code": notice.code}),
        )
    return notice


def notice_mark_read(*, actor: User, notice: Notice, now: datetime.datetime | None = None) -> Notice:
    """A recipient opened the notice: remember when, the first time."""
    now = now or timezone.now()
    NoticeRecipient.objects.filter(notice=notice, user=actor, read_at__isnull=True).update(read_at=now)
    return notice
