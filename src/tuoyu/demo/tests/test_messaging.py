"""家园沟通 in the demo district: every reply to a daily report is a message of the child's
conversation; a conversation at 爱彼宝's 托小班 with 张敏 and a photo; 李静's notices with their read rows;
and every notification the demo wrote links to what it is about."""

import pytest
from django.db.models import Count, F

from tuoyu.accounts.models import User
from tuoyu.daycare.models import DailyReport
from tuoyu.messaging.models import Conversation, ConversationRead, Message, Notice, NoticeRecipient, Side
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.registry.selectors import caregivers_of
from tuoyu.uploads import sniff_content_type

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

CAREGIVER = "13800000003"
DIRECTOR = "13800000002"


def test_every_reply_to_a_daily_report_is_a_message_of_the_childs_conversation() -> None:
    replies = DailyReport.objects.exclude(reply="")
    messages = Message.objects.exclude(report_day=None)

    assert replies.count() > 200
    assert set(replies.values_list("child_id", "day", "reply")) == set(
        messages.values_list("conversation__child_id", "report_day", "body")
    )
    assert not messages.exclude(side=Side.FAMILY).exists()
    assert not messages.exclude(author__guardianships__child=F("conversation__child")).exists()
    # Conversations know their latest message; the caregivers have read all but the last day's replies.
    for conversation in Conversation.objects.annotate(n=Count("messages"))[:40]:
        latest = conversation.messages.order_by("-created_at").first()
        assert latest is not None and conversation.last_message_at == latest.created_at
    assert ConversationRead.objects.filter(side=Side.INSTITUTION).exists()


def test_a_family_of_aibibaos_toddler_class_writes_with_zhang_min_and_sends_a_photo() -> None:
    zhang = User.objects.get(phone=CAREGIVER)
    talk = (
        Conversation.objects.filter(institution__name="爱彼宝济宁托育中心", messages__author=zhang)
        .distinct()
        .get()
    )
    placement = talk.child.placements.get()
    assert placement.care_class.name == "托小班" and zhang in caregivers_of(placement.care_class)
    messages = list(talk.messages.order_by("created_at"))
    assert {m.side for m in messages} == {Side.FAMILY, Side.INSTITUTION} and len(messages) >= 4
    (photo,) = [m for m in messages if m.photo]
    with photo.photo.open("rb") as stored:
        assert sniff_content_type(stored) == "image/png"
    # One notification for the family's last burst of two messages, with a link to the conversation.
    told = Notification.objects.filter(user=zhang, kind=NotificationKind.FAMILY_MESSAGE)
    assert told.count() >= 1 and {n.link for n in told} == {f"/conversations/{talk.child.code}/"}


def test_the_directors_notices_have_a_read_row_for_each_recipient() -> None:
    director = User.objects.get(phone=DIRECTOR)
    notices = Notice.objects.filter(posted_by=director).order_by("posted_at")
    assert [n.care_class.name if n.care_class else None for n in notices] == [None, "托小班"]
    for notice in notices:
        rows = NoticeRecipient.objects.filter(notice=notice)
        assert rows.filter(side=Side.FAMILY).exists() and rows.filter(side=Side.INSTITUTION).exists()
        assert 0 < rows.filter(read_at__isnull=False).count() < rows.count()
        assert not rows.filter(user=director).exists()
        assert "（" in notice.body or "：" in notice.body  # written as an official writes Chinese


def test_every_notification_of_the_demo_links_to_what_it_is_about() -> None:
    unlinked = Notification.objects.filter(link="").values_list("kind", flat=True).distinct()
    assert list(unlinked) == []
    assert Notification.objects.values("kind").distinct().count() > 5
