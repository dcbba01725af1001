"""Reads of 家园沟通: who takes part in a child's conversation, the conversations an actor sees with their
unread counts, the read receipts, and the notices an actor receives or posted.

Who takes part comes from the access layer: a child's guardians (``Guardianship``); the caregivers assigned
to the class where the child holds a place (``classes_of_caregiver``); the directors of the institution
(``Perm.MESSAGE_FAMILIES``). Anyone else gets 404.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tuoyu.accounts.access import Perm, actor_may, actor_pk, in_scope_of
from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, ChildQuerySet, Placement
from tuoyu.enrolment.selectors import guardians_of, is_guardian_of
from tuoyu.messaging.models import Conversation, ConversationRead, Message, Notice, NoticeRecipient, Side
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import caregivers_of, classes_of_caregiver, directors_of

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def current_placement(child: Child, day: datetime.date) -> Placement | None:
    """The place the child holds after ``day`` (the latest started), with its class and institution."""
    return (
        Placement.objects.filter(child=child, ends_on__gt=day)
        .select_related("care_class", "institution")
        .order_by("-start_date", "-pk")
        .first()
    )


def _holding(day: datetime.date) -> QuerySet[Placement]:
    return Placement.objects.filter(ends_on__gt=day)


def children_to_talk_about(actor: object, day: datetime.date) -> ChildQuerySet:
    """The children whose conversation the actor takes part in: their own children holding a place, the
    children placed at an institution they direct, and those placed in the classes they look after."""
    holding = _holding(day)
    directed = in_scope_of(holding, actor, Perm.MESSAGE_FAMILIES, "institution__")
    cared_for = holding.filter(care_class__in=classes_of_caregiver(actor))
    own = holding.filter(child__guardianships__user_id=actor_pk(actor))
    condition = (
        Q(pk__in=own.values("child"))
        | Q(pk__in=directed.values("child"))
        | Q(pk__in=cared_for.values("child"))
    )
    return Child.objects.filter(condition)


def conversations_visible_to(actor: object, day: datetime.date) -> QuerySet[Conversation]:
    """The conversations of the actor's children, and of the children still holding a place (after ``day``)
    at an institution the actor directs or in a class they look after (at the institution of that place)."""
    own = Q(child__guardianships__user_id=actor_pk(actor))
    directed = Q(
        pk__in=in_scope_of(Conversation.objects.all(), actor, Perm.MESSAGE_FAMILIES, "institution__")
        .filter(child__placements__ends_on__gt=day, child__placements__institution=F("institution"))
        .values("pk")
    )
    cared_for = Q(
        pk__in=Conversation.objects.filter(
            child__placements__care_class__in=classes_of_caregiver(actor),
            child__placements__ends_on__gt=day,
            child__placements__institution=F("institution"),
        ).values("pk")
    )
    return Conversation.objects.filter(
        pk__in=Conversation.objects.filter(own | directed | cared_for).values("pk")
    ).select_related("child", "institution")


def side_of(actor: object, child: Child, institution: Institution, day: datetime.date) -> str | None:
    """Which side of the child's conversation the actor is on, or None when they take no part."""
    if is_guardian_of(actor, child):
        return Side.FAMILY
    if actor_may(actor, Perm.MESSAGE_FAMILIES, institution.pk):
        return Side.INSTITUTION
    placement = current_placement(child, day)
    if (
        placement is not None
        and placement.institution_id == institution.pk
        and classes_of_caregiver(actor).filter(pk=placement.care_class_id).exists()
    ):
        return Side.INSTITUTION
    return None


def institution_side_of(institution: Institution, care_class: CareClass | None) -> list[User]:
    """Whom to tell on the institution's side: the class's caregivers and the institution's directors."""
    users = list(caregivers_of(care_class)) if care_class is not None else []
    users += [user for user in directors_of(institution.pk) if user not in users]
    return users


def participants_of(child: Child, institution: Institution, day: datetime.date) -> dict[str, list[User]]:
    """The people on each side of the child's conversation at the institution."""
    placement = current_placement(child, day)
    care_class = placement.care_class if placement and placement.institution_id == institution.pk else None
    return {
        Side.FAMILY: list(guardians_of(child)),
        Side.INSTITUTION: institution_side_of(institution, care_class),
    }


def with_unread(conversations: QuerySet[Conversation], actor: object) -> QuerySet[Conversation]:
    """Each conversation with ``my_side`` and ``unread``: the other side's messages after the actor last
    read it."""
    last_read = ConversationRead.objects.filter(conversation=OuterRef("pk"), user_id=actor_pk(actor)).values(
        "last_read_at"
    )[:1]
    own = Child.objects.filter(guardianships__user_id=actor_pk(actor)).values("pk")
    my_side = Case(
        When(child__in=own, then=Value(Side.FAMILY.value)),
        default=Value(Side.INSTITUTION.value),
        output_field=CharField(),
    )
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            created_at__gt=Coalesce(OuterRef("last_read_at"), Value(EPOCH, output_field=DateTimeField())),
        )
        .exclude(side=OuterRef("my_side"))
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return conversations.annotate(
        last_read_at=Subquery(last_read, output_field=DateTimeField()), my_side=my_side
    ).annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))


def unread_message_count(actor: object, day: datetime.date) -> int:
    """How many messages wait for the actor across their conversations."""
    return sum(getattr(c, "unread", 0) for c in with_unread(conversations_visible_to(actor, day), actor))


def messages_of(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("author").order_by("created_at", "pk")


@dataclass(frozen=True)
class ReadState:
    """When each side last read the conversation: a message is read once the other side read after it."""

    family: datetime.datetime | None
    institution: datetime.datetime | None

    def is_read(self, message: Message) -> bool:
        other = self.institution if message.side == Side.FAMILY else self.family
        return other is not None and other >= message.created_at


def read_state_of(conversation: Conversation | None) -> ReadState:
    if conversation is None or conversation.pk is None:
        return ReadState(None, None)
    latest: dict[str, datetime.datetime] = {}
    for side, moment in ConversationRead.objects.filter(conversation=conversation).values_list(
        "side", "last_read_at"
    ):
        if side not in latest or moment > latest[side]:
            latest[side] = moment
    return ReadState(latest.get(Side.FAMILY), latest.get(Side.INSTITUTION))


def message_photos_visible_to(actor: object, day: datetime.date) -> QuerySet[Message]:
    """Messages with a photo in the conversations the actor sees."""
    return Message.objects.filter(conversation__in=conversations_visible_to(actor, day).values("pk")).exclude(
        photo=""
    )


# Notices -------------------------------------------------------------------------------------------------


def notices_posted_visible_to(actor: object) -> QuerySet[Notice]:
    """The notices of the institutions the actor directs (they see who has read them)."""
    return in_scope_of(Notice.objects.all(), actor, Perm.MESSAGE_FAMILIES, "institution__").select_related(
        "institution", "care_class", "posted_by"
    )


def notices_visible_to(actor: object) -> QuerySet[Notice]:
    """The notices sent to the actor, and those of the institutions they direct."""
    received = NoticeRecipient.objects.filter(user_id=actor_pk(actor)).values("notice")
    directed = notices_posted_visible_to(actor).values("pk")
    return (
        Notice.objects.filter(Q(pk__in=received) | Q(pk__in=directed))
        .select_related("institution", "care_class", "posted_by")
        .annotate(
            my_read_at=Subquery(
                NoticeRecipient.objects.filter(notice=OuterRef("pk"), user_id=actor_pk(actor)).values(
                    "read_at"
                )[:1]
            ),
            is_recipient=Exists(
                NoticeRecipient.objects.filter(notice=OuterRef("pk"), user_id=actor_pk(actor))
            ),
            recipient_count=Count("recipients", distinct=True),
            read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False), distinct=True),
        )
    )


def notice_readers(notice: Notice) -> QuerySet[NoticeRecipient]:
    """Every recipient of a notice with when they read it: unread first, then by name."""
    return notice.recipients.select_related("user").order_by(
        F("read_at").asc(nulls_first=True), "user__display_name", "pk"
    )


def unread_notice_count(actor: object) -> int:
    return NoticeRecipient.objects.filter(user_id=actor_pk(actor), read_at__isnull=True).count()


def conversation_of(child: Child, institution: Institution) -> Conversation | None:
    """The child's conversation at the institution, if anyone has written or read it yet."""
    return Conversation.objects.filter(child=child, institution=institution).first()
