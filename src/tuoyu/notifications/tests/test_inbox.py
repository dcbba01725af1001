"""The in-app inbox (站内消息): each user reads only their own messages, marks them read, and sees how many
are unread in the header; important messages also go out by text message once the transaction commits."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils.translation import gettext_lazy as _
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.notifications.selectors import inbox_of, unread_count
from tuoyu.notifications.services import mark_read, notify_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(guardian: User, director_x: User) -> dict[str, Notification]:
    """Two messages for the guardian (one read), one for the director."""
    [offer] = notify_all(
        [guardian], kind=NotificationKind.OFFER_MADE, title="星星托育园 offers a place", link="/family/"
    )
    [old] = notify_all([guardian], kind=NotificationKind.OFFER_EXPIRED, title="An old message")
    [director] = notify_all(
        [director_x], kind=NotificationKind.APPLICATION_RECEIVED, title="New application: 钱小满"
    )
    return {"offer": offer, "old": old, "director": director}


def test_notify_writes_in_the_users_language(guardian: User, director_x: User) -> None:
    director_x.preferred_language = "en"

    chinese, english = notify_all(
        [guardian, director_x],
        kind=NotificationKind.OFFER_MADE,
        title=_("Full-day care"),
        body=_("Half-day care"),
    )

    assert (chinese.title, chinese.body) == ("全日托", "半日托")
    assert (english.title, english.body) == ("Full-day care", "Half-day care")


def test_a_text_message_goes_out_only_when_asked_and_only_on_commit(
    guardian: User, sms_outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        [quiet] = notify_all([guardian], kind=NotificationKind.OFFER_MADE, title="Only in the inbox")
        [loud] = notify_all(
            [guardian], kind=NotificationKind.OFFER_MADE, title="Offer", body="Answer by Friday", sms=True
        )

    assert (quiet.sent_by_sms, loud.sent_by_sms) == (False, True)
    assert sms_outbox == [(guardian.phone, "【托育】Offer Answer by Friday")]


def test_no_text_message_when_the_transaction_rolls_back(
    guardian: User, sms_outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify_all([guardian], kind=NotificationKind.OFFER_MADE, title="Offer", sms=True)
                raise RuntimeError("the offer failed after notifying")
        except RuntimeError:
            pass

    assert sms_outbox == []
    assert not Notification.objects.exists()


def test_the_inbox_holds_only_the_users_own_messages(
    messages: dict[str, Notification], guardian: User, director_x: User, doctor: User
) -> None:
    assert list(inbox_of(guardian)) == [messages["old"], messages["offer"]]  # newest first
    assert list(inbox_of(director_x)) == [messages["director"]]
    assert list(inbox_of(doctor)) == []
    assert list(inbox_of(None)) == []


def test_marking_read_touches_only_the_users_messages(
    messages: dict[str, Notification], guardian: User, director_x: User
) -> None:
    assert mark_read(guardian, [messages["offer"].pk, messages["director"].pk]) == 1
    assert unread_count(guardian) == 1
    assert unread_count(director_x) == 1
    assert mark_read(guardian) == 1
    assert unread_count(guardian) == 0
    assert Notification.objects.get(pk=messages["director"].pk).read_at is None


def test_the_inbox_page_shows_own_messages_with_links(
    client_as: Callable[[str], Client], messages: dict[str, Notification]
) -> None:
    response = client_as("guardian").get("/messages/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/family/">星星托育园 offers a place</a>' in html
    assert "An old message" in html
    assert "New application" not in html
    assert html.count('class="result unread"') == 2


def test_the_inbox_page_marks_all_read(
    client_as: Callable[[str], Client], messages: dict[str, Notification], guardian: User, director_x: User
) -> None:
    client = client_as("guardian")

    response = client.post("/messages/read/")

    assert (response.status_code, response["Location"]) == (302, "/messages/")
    assert unread_count(guardian) == 0
    assert unread_count(director_x) == 1
    assert 'class="result unread"' not in client.get("/messages/").content.decode()


def test_the_header_shows_the_number_of_unread_messages(
    client_as: Callable[[str], Client], messages: dict[str, Notification], guardian: User
) -> None:
    client = client_as("guardian")

    before = client.get("/messages/").content.decode()
    mark_read(guardian, [messages["offer"].pk])
    after_one = client.get("/messages/").content.decode()
    mark_read(guardian)
    after_all = client.get("/messages/").content.decode()

    assert '<span class="badge" data-unread="2">2</span>' in before
    assert '<span class="badge" data-unread="1">1</span>' in after_one
    assert "data-unread" not in after_all
    assert 'data-nav="messages"' in after_all


def test_the_inbox_page_says_when_it_is_empty(client_as: Callable[[str], Client]) -> None:
    assert "No messages yet." in client_as("doctor").get("/messages/").content.decode()


def test_the_api_lists_own_messages_and_marks_them_read(
    api_as: Callable[[str], APIClient], messages: dict[str, Notification], guardian: User, director_x: User
) -> None:
    api = api_as("guardian")

    listed = api.get("/api/v1/notifications/").json()["results"]
    some = api.post(
        "/api/v1/notifications/read/", {"ids": [messages["offer"].pk, messages["director"].pk]}, format="json"
    )
    rest = api.post("/api/v1/notifications/read/", {}, format="json")

    assert [n["title"] for n in listed] == ["An old message", "星星托育园 offers a place"]
    assert {n["read_at"] for n in listed} == {None}
    assert some.json() == {"marked": 1}
    assert rest.json() == {"marked": 1}
    assert unread_count(guardian) == 0
    assert unread_count(director_x) == 1


def test_anonymous_has_no_inbox(anonymous_client: Client, anonymous_api: APIClient) -> None:
    assert anonymous_client.get("/messages/")["Location"].startswith("/accounts/login/")
    assert anonymous_api.get("/api/v1/notifications/").status_code in (401, 403)
    assert anonymous_api.post("/api/v1/notifications/read/").status_code in (401, 403)
    assert 'data-nav="messages"' not in anonymous_client.get("/").content.decode()
