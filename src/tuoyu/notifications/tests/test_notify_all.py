"""One message to many people: one insert for them all, each row in its recipient's language, one text message
each once the transaction commits, and nobody told twice."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.notifications.services import notify_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[User]:
    """Three users: the first and the third read Chinese, the second English."""
    return [
        UserFactory.create(display_name="家长甲", preferred_language="zh-hans"),
        UserFactory.create(display_name="Parent B", preferred_language="en"),
        UserFactory.create(display_name="家长丙", preferred_language="zh-hans"),
    ]


def _inserts(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].upper().startswith('INSERT INTO "NOTIFICATIONS_NOTIFICATION"')
    ]


def test_three_recipients_are_written_in_one_insert(people: list[User]) -> None:
    with CaptureQueriesContext(connection) as queries:
        sent = notify_all(
            people,
            kind=NotificationKind.APPLICATION_RECEIVED,
            title="New application: 钱小满",
            link="/queue/",
        )

    assert len(_inserts(queries)) == 1
    assert len(queries.captured_queries) == 1
    assert [n.user for n in sent] == people
    assert all(n.pk is not None for n in sent)
    rows = Notification.objects.order_by("pk")
    assert [(n.user, n.kind, n.title, n.link) for n in rows] == [
        (person, "application_received", "New application: 钱小满", "/queue/") for person in people
    ]


def test_each_row_is_in_its_recipients_language(people: list[User]) -> None:
    chinese, english, _also_chinese = notify_all(
        people,
        kind=NotificationKind.OFFER_MADE,
        title=_("%(institution)s offers %(child)s a place"),
        body=_("Class %(class)s from %(start)s. Please answer by %(deadline)s."),
        params={
            "institution": "星星托育园",
            "child": "钱小满",
            "class": "小一班",
            "start": "2026-09-01",
            "deadline": "2026-06-30 18:00",
        },
    )

    assert (chinese.title, chinese.body) == (
        "星星托育园向钱小满发出录取通知",
        "班级：小一班，入托日期：2026-09-01。请于 2026-06-30 18:00 前确认。",
    )
    assert (english.title, english.body) == (
        "星星托育园 offers 钱小满 a place",
        "Class 小一班 from 2026-09-01. Please answer by 2026-06-30 18:00.",
    )
    assert Notification.objects.get(pk=english.pk).title == "星星托育园 offers 钱小满 a place"


def test_the_texts_are_built_once_per_language(people: list[User]) -> None:
    built: list[str | None] = []

    def title() -> str:
        built.append(get_language())
        return f"Built in {get_language()}"

    sent = notify_all(people, kind=NotificationKind.BOOKING_CONFIRMED, title=lazy(title, str)())

    assert sorted(built, key=str) == ["en", "zh-hans"]
    assert [n.title for n in sent] == ["Built in zh-hans", "Built in en", "Built in zh-hans"]


def test_each_recipient_gets_a_text_message_only_after_commit(
    people: list[User], sms_outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = notify_all(
            people,
            kind=NotificationKind.OFFER_EXPIRED,
            title=_("The offer from %(institution)s has expired"),
            body=_("Your application is back in the queue in its original place."),
            params={"institution": "星星托育园"},
            sms=True,
        )
        assert sms_outbox == []  # nothing leaves before the commit

    assert len(callbacks) == len(people)  # one queued text message each
    assert all(n.sent_by_sms for n in sent)
    assert sms_outbox == [(n.user.phone, f"【托育】{n.title} {n.body}") for n in sent]
    assert sms_outbox[1] == (
        people[1].phone,
        "【托育】The offer from 星星托育园 has expired "
        "Your application is back in the queue in its original place.",
    )


def test_without_sms_no_text_message_is_sent(
    people: list[User], sms_outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = notify_all(people, kind=NotificationKind.DAILY_REPORT, title="Only in the inbox")

    assert callbacks == []
    assert sms_outbox == []
    assert not any(n.sent_by_sms for n in sent)


def test_a_user_given_twice_is_told_once_in_first_seen_order(
    people: list[User], sms_outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    first, second, third = people
    again = User.objects.get(pk=second.pk)  # the same user, another instance

    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_all(
            [second, first, again, second, third, first],
            kind=NotificationKind.RATIO_BREACH,
            title="Alert",
            sms=True,
        )

    assert [n.user for n in sent] == [second, first, third]
    assert Notification.objects.count() == 3
    assert [phone for phone, _text in sms_outbox] == [second.phone, first.phone, third.phone]


def test_nobody_to_tell_writes_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        sent = notify_all([], kind=NotificationKind.DOCTOR_VISIT, title="Nobody reads this", sms=True)

    assert sent == []
    assert queries.captured_queries == []
    assert callbacks == []
    assert not Notification.objects.exists()
