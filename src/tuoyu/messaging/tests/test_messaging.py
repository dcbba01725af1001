"""家园沟通: who takes part in a child's conversation (outsiders get 404), messages with photos checked by
their bytes, one notification per unread burst with a link to the conversation, read receipts, the API, and
notices with per-recipient read rows."""

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from PIL import Image
from rest_framework.test import APIClient

from tuoyu.accounts.factories import RoleAssignmentFactory
from tuoyu.accounts.models import User
from tuoyu.daycare.tests.carelog_helpers import jpeg, placed_child, text_as_jpeg
from tuoyu.enrolment.models import Child, Placement
from tuoyu.enrolment.tests.helpers import make_guardian
from tuoyu.messaging import services
from tuoyu.messaging.models import Message, NoticeRecipient
from tuoyu.messaging.selectors import conversations_visible_to, read_state_of, with_unread
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def child(guardian: User, class_x: CareClass, caregiver_x: User) -> Child:
    class_x.caregivers.add(caregiver_x)
    return placed_child(guardian, class_x, name="赵小宝")


@pytest.fixture
def other_family() -> User:
    return make_guardian("家长钱先生")


def url(child: Child) -> str:
    return f"/conversations/{child.code}/"


def api_url(child: Child) -> str:
    return f"/api/v1/conversations/{child.code}/"


def told(user: User, kind: str = NotificationKind.FAMILY_MESSAGE) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind))


def test_the_family_writes_and_the_class_caregivers_and_directors_are_told_with_a_link(
    child: Child, guardian: User, caregiver_x: User, director_x: User, health_worker_x: User
) -> None:
    message = services.message_send(actor=guardian, child=child, body="明天奶奶来接")

    assert message.side == "family" and message.conversation.institution == child.placements.get().institution
    for staff in (caregiver_x, director_x):
        (notice,) = told(staff)
        assert notice.link == url(child) and "明天奶奶来接" in notice.body
    assert told(health_worker_x) == [] and told(guardian) == []


def test_outsiders_take_no_part(
    client_as: Callable[[str], Client],
    child: Child,
    class_x: CareClass,
    health_worker_x: User,
    director_y: User,
    other_family: User,
) -> None:
    other_caregiver = User.objects.create_user(phone="13912345670", password="x", display_name="别班老师")
    other_class = CareClassFactory.create(institution=class_x.institution, name="别的班")
    RoleAssignmentFactory.create(user=other_caregiver, role="caregiver", institution=class_x.institution)
    other_class.caregivers.add(other_caregiver)
    services.message_send(actor=child.guardianships.get().user, child=child, body="你好")

    for outsider in (health_worker_x, director_y, other_family, other_caregiver):
        with pytest.raises(NotPermitted):
            services.message_send(actor=outsider, child=child, body="?")
        assert not conversations_visible_to(outsider, timezone.localdate()).exists()
    for persona in ("health_worker_x", "director_y", "regulator_a", "doctor"):
        assert client_as(persona).get(url(child)).status_code == 404
    assert client_as("caregiver_x").get(url(child)).status_code == 200
    assert client_as("director_x").get(url(child)).status_code == 200


def test_a_burst_of_messages_is_one_notification_until_it_is_read(
    child: Child, guardian: User, caregiver_x: User
) -> None:
    services.message_send(actor=guardian, child=child, body="第一条")
    services.message_send(actor=guardian, child=child, body="第二条")
    assert len(told(caregiver_x)) == 1

    services.conversation_open(actor=caregiver_x, child=child)
    services.message_send(actor=guardian, child=child, body="第三条")
    assert len(told(caregiver_x)) == 2


def test_a_caregiver_assigned_after_the_first_message_is_told_once_per_burst(
    child: Child, guardian: User, class_x: CareClass
) -> None:
    services.message_send(actor=guardian, child=child, body="第一条")
    newcomer = User.objects.create_user(phone="13912345671", password="x", display_name="新来的老师")
    RoleAssignmentFactory.create(user=newcomer, role="caregiver", institution=class_x.institution)
    class_x.caregivers.add(newcomer)

    services.message_send(actor=guardian, child=child, body="第二条")
    services.message_send(actor=guardian, child=child, body="第三条")
    assert len(told(newcomer)) == 1

    services.conversation_open(actor=newcomer, child=child)
    services.message_send(actor=guardian, child=child, body="第四条")
    assert len(told(newcomer)) == 2


def test_read_receipts_and_unread_counts(
    client_as: Callable[[str], Client], child: Child, guardian: User, caregiver_x: User
) -> None:
    message = services.message_send(actor=guardian, child=child, body="今天有点咳嗽")
    talk = message.conversation
    assert not read_state_of(talk).is_read(message)
    (row,) = with_unread(conversations_visible_to(caregiver_x, timezone.localdate()), caregiver_x)
    assert row.unread == 1  # type: ignore[attr-defined]
    assert "data-receipt>Unread<" in client_as("guardian").get(url(child)).content.decode()

    page = client_as("caregiver_x").get(url(child)).content.decode()
    assert "今天有点咳嗽" in page

    assert read_state_of(talk).is_read(message)
    (row,) = with_unread(conversations_visible_to(caregiver_x, timezone.localdate()), caregiver_x)
    assert row.unread == 0  # type: ignore[attr-defined]
    assert "data-receipt>Read<" in client_as("guardian").get(url(child)).content.decode()


def test_photos_are_checked_by_their_bytes_and_served_to_participants_only(
    client_as: Callable[[str], Client], child: Child, guardian: User, settings: Any
) -> None:
    with pytest.raises(Refusal) as refused:
        services.message_send(actor=guardian, child=child, photo=text_as_jpeg())
    assert refused.value.code == "photo_not_image"
    settings.REPORT_PHOTO_MAX_BYTES = 1000
    with pytest.raises(Refusal) as refused:
        services.message_send(actor=guardian, child=child, photo=jpeg(size=2000))
    assert refused.value.code == "photo_too_large"
    with pytest.raises(Refusal) as refused:
        services.message_send(actor=guardian, child=child, body="  ")
    assert refused.value.code == "message_empty"
    assert not Message.objects.exists()

    message = services.message_send(actor=guardian, child=child, photo=jpeg("家里.html"))
    assert str(message.photo.name).endswith(".jpg")
    photo = client_as("caregiver_x").get(f"/conversations/photos/{message.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert client_as("health_worker_x").get(f"/conversations/photos/{message.pk}/").status_code == 404
    assert client_as("director_y").get(f"/api/v1/conversations/photos/{message.pk}/").status_code == 404


def test_the_page_sends_text_and_a_photo(client_as: Callable[[str], Client], child: Child) -> None:
    sent = client_as("guardian").post(url(child), {"body": "看，她画的", "photo": jpeg()})
    assert sent.status_code == 302
    message = Message.objects.get()
    assert message.body == "看，她画的" and message.photo
    page = client_as("guardian").get(url(child)).content.decode()
    assert f"/conversations/photos/{message.pk}/" in page

    refused = client_as("guardian").post(url(child), {"body": "", "photo": text_as_jpeg()}, follow=True)
    assert "not a photo" in refused.content.decode() and Message.objects.count() == 1


def test_the_api_lists_reads_sends_and_marks_read(
    api_as: Callable[[str], APIClient], child: Child, caregiver_x: User
) -> None:
    family, staff = api_as("guardian"), api_as("caregiver_x")
    sent = family.post(
        api_url(child) + "messages/", {"body": "下午早点接", "photo": jpeg()}, format="multipart"
    )
    assert sent.status_code == 201 and sent.json()["photo_url"] and sent.json()["read"] is False
    bad = family.post(api_url(child) + "messages/", {"photo": text_as_jpeg()}, format="multipart")
    assert bad.status_code == 400 and bad.json()["code"] == "photo_not_image"

    (row,) = staff.get("/api/v1/conversations/").json()["results"]
    assert row["child"] == str(child.code) and row["unread"] == 1 and row["my_side"] == "institution"
    assert staff.get(api_url(child)).json()["messages"][0]["read"] is False  # reading is not marking
    assert staff.post(api_url(child) + "read/").status_code == 200
    assert staff.get("/api/v1/conversations/").json()["results"][0]["unread"] == 0
    (message,) = family.get(api_url(child)).json()["messages"]
    assert message["read"] is True and message["body"] == "下午早点接"
    assert staff.get(message["photo_url"]).status_code == 200
    for outsider in ("health_worker_x", "director_y", "regulator_a"):
        client = api_as(outsider)
        assert client.get(api_url(child)).status_code == 404
        assert client.post(api_url(child) + "messages/", {"body": "?"}, format="multipart").status_code == 404
        assert client.post(api_url(child) + "read/").status_code == 404


def test_a_class_notice_reaches_its_families_and_staff_and_the_director_sees_who_read_it(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    child: Child,
    class_x: CareClass,
    guardian: User,
    caregiver_x: User,
    director_x: User,
    health_worker_x: User,
    other_family: User,
) -> None:
    notice = services.notice_post(
        actor=director_x,
        institution=class_x.institution,
        care_class=class_x,
        title="周五开放日",
        body="欢迎家长",
    )
    readers = {row.user: row for row in NoticeRecipient.objects.filter(notice=notice)}
    assert set(readers) == {guardian, caregiver_x}
    assert readers[guardian].side == "family" and readers[caregiver_x].side == "institution"
    (note,) = told(guardian, NotificationKind.NOTICE_POSTED)
    assert note.link == f"/notices/{notice.code}/"

    assert client_as("guardian").get(f"/notices/{notice.code}/").status_code == 200
    assert NoticeRecipient.objects.get(notice=notice, user=guardian).read_at is not None
    assert NoticeRecipient.objects.get(notice=notice, user=caregiver_x).read_at is None
    page = client_as("director_x").get(f"/notices/{notice.code}/").content.decode()
    assert "Read by 1 of 2" in page and caregiver_x.display_name in page and "Not read" in page
    rows = api_as("director_x").get(f"/api/v1/notices/{notice.code}/readers/").json()["results"]
    assert {(row["name"], row["read_at"] is not None) for row in rows} == {
        (guardian.display_name, True),
        (caregiver_x.display_name, False),
    }
    assert api_as("guardian").get(f"/api/v1/notices/{notice.code}/readers/").status_code == 404
    for outsider in ("other_family", "health_worker_x", "director_y"):
        assert client_as(outsider).get(f"/notices/{notice.code}/").status_code == 404

    whole = services.notice_post(
        actor=director_x, institution=class_x.institution, title="放假通知", body="元旦放假"
    )
    assert set(NoticeRecipient.objects.filter(notice=whole).values_list("user", flat=True)) == {
        guardian.pk,
        caregiver_x.pk,
        health_worker_x.pk,
    }
    with pytest.raises(NotPermitted):
        services.notice_post(actor=guardian, institution=class_x.institution, title="x", body="y")


def test_the_notice_api_posts_lists_and_marks_read(
    api_as: Callable[[str], APIClient], child: Child, class_x: CareClass, guardian: User
) -> None:
    director = api_as("director_x")
    posted = director.post(
        "/api/v1/notices/",
        {
            "institution": str(class_x.institution.code),
            "care_class": str(class_x.code),
            "title": "体检",
            "body": "周三体检",
        },
        format="json",
    )
    assert posted.status_code == 201 and posted.json()["recipient_count"] == 2
    code = posted.json()["code"]
    empty = director.post(
        "/api/v1/notices/",
        {"institution": str(class_x.institution.code), "title": " ", "body": "x"},
        format="json",
    )
    assert empty.status_code == 400
    assert (
        api_as("director_y")
        .post(
            "/api/v1/notices/",
            {"institution": str(class_x.institution.code), "title": "x", "body": "y"},
            format="json",
        )
        .status_code
        == 404
    )

    family = api_as("guardian")
    (row,) = family.get("/api/v1/notices/").json()["results"]
    assert row["code"] == code and row["read_at"] is None
    assert family.post(f"/api/v1/notices/{code}/read/").json()["read_at"] is not None
    assert director.get(f"/api/v1/notices/{code}/").json()["read_count"] == 1
    assert api_as("other_family").get(f"/api/v1/notices/{code}/").status_code == 404


def test_the_old_director_no_longer_sees_the_conversation_or_its_photos_once_the_child_leaves(
    client_as: Callable[[str], Client], child: Child, guardian: User, director_x: User
) -> None:
    message = services.message_send(actor=guardian, child=child, body="我们搬家了", photo=jpeg())
    director = client_as("director_x")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(director_x)
    assert director.get(f"/conversations/photos/{message.pk}/").status_code == 200

    Placement.objects.filter(child=child).update(ends_on=timezone.localdate())

    assert not conversations_visible_to(director_x, timezone.localdate()).exists()
    assert str(child.code) not in api.get("/api/v1/conversations/").content.decode()
    assert "赵小宝" not in director.get("/conversations/").content.decode()
    assert director.get(f"/conversations/photos/{message.pk}/").status_code == 404
    assert api.get(f"/api/v1/conversations/photos/{message.pk}/").status_code == 404
    assert client_as("guardian").get(f"/conversations/photos/{message.pk}/").status_code == 200


def test_the_inbox_and_a_conversation_run_the_same_number_of_queries_for_few_and_many_rows(
    client_as: Callable[[str], Client], class_x: CareClass, caregiver_x: User, guardian: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class_x.caregivers.add(caregiver_x)
    counter = iter(range(100))

    def families_write(n: int) -> Child:
        for _ in range(n):
            family = make_guardian(f"家长{next(counter)}")
            kid = placed_child(family, class_x, name=f"孩子{next(counter)}")
            services.message_send(actor=family, child=kid, body="你好", photo=jpeg())
        return kid

    def queries(client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    staff = client_as("caregiver_x")
    kid = families_write(3)
    services.message_send(actor=caregiver_x, child=kid, body="收到")  # both times the staff side has written
    staff.get("/conversations/")
    few = (queries(staff, "/conversations/"), queries(staff, url(kid)))
    kid = families_write(10)
    for _ in range(10):
        services.message_send(actor=caregiver_x, child=kid, body="收到")
    many = (queries(staff, "/conversations/"), queries(staff, url(kid)))
    assert many == few  # each count on its own: a tuple compares only up to its first difference


def test_a_photo_from_a_phone_is_stored_without_its_gps_position_or_device(
    child: Child, guardian: User
) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8825)[2] = (31.0, 14.0, 9.0)  # GPSLatitude: where the family lives
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (90, 140, 200)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert b"PhoneMaker" in buffer.getvalue()

    message = services.message_send(actor=guardian, child=child, photo=upload)

    with message.photo.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"\xff\xd8\xff") and b"PhoneMaker" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == (16, 12) and not picture.getexif()
