"""The daily report: publishing (one child or the whole class) and notifying the family; unpublished days
invisible to families (page, API, photos, replies, acknowledgements all 404); reading, replying and
acknowledging incidents; photo checks."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import translation
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.models import CareLogEntry, DailyReport, LogKind, ReportPhoto
from tuoyu.daycare.services import carelog as services
from tuoyu.daycare.tests.carelog_helpers import (
    DAY,
    PNG,
    at,
    check_in,
    jpeg,
    placed_child,
    text_as_jpeg,
)
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import make_guardian
from tuoyu.messaging.models import Message
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def child(guardian: User, class_x: CareClass, caregiver_x: User) -> Child:
    child = placed_child(guardian, class_x, name="赵小宝")
    check_in(child, class_x, caregiver_x)
    return child


@pytest.fixture
def other_family() -> User:
    return make_guardian("家长钱先生")


@pytest.fixture
def logged(child: Child, class_x: CareClass, caregiver_x: User) -> dict[str, CareLogEntry]:
    """A day of entries: lunch, a nap, a cry answered, and a fall in the garden."""

    def record(kind: str, **fields: Any) -> CareLogEntry:
        return services.care_entry_record(
            actor=caregiver_x, child=child, care_class=class_x, kind=kind, **fields
        )

    return {
        "lunch": record(LogKind.MEAL, at=at(11, 30), portion="most"),
        "nap": record(LogKind.SLEEP, at=at(12, 30), ends_at=at(14, 40)),
        "cry": record(
            LogKind.RESPONSIVE,
            at=at(9, 10),
            cause="想妈妈",
            response="抱着安抚",
            outcome="平静下来去了阅读区",
        ),
        "fall": record(
            LogKind.INCIDENT,
            at=at(10, 0),
            text="滑梯上摔倒，膝盖擦伤",
            place="户外滑梯",
            first_aid="清洗消毒",
            guardian_informed_at=at(10, 15),
        ),
    }


def publish(caregiver: User, child: Child, care_class: CareClass) -> DailyReport:
    return services.daily_report_publish(actor=caregiver, child=child, care_class=care_class, day=DAY)


def report_url(child: Child) -> str:
    return f"/care/reports/{child.code}/{DAY.isoformat()}/"


def api_report_url(child: Child) -> str:
    return f"/api/v1/care/reports/{child.code}/{DAY.isoformat()}/"


# Invisible until published -----------------------------------------------------------------------------


def test_an_unpublished_day_does_not_exist_for_the_family(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    logged: dict[str, CareLogEntry],
) -> None:
    photo = services.report_photo_add(
        actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=jpeg()
    )
    page, api = client_as("guardian"), api_as("guardian")

    assert page.get(report_url(child)).status_code == 404
    assert child.name not in page.get("/care/reports/").content.decode()
    assert api.get(api_report_url(child)).status_code == 404
    assert api.get("/api/v1/care/reports/").json()["results"] == []
    assert page.get(f"/care/photos/{photo.pk}/").status_code == 404
    assert api.get(f"/api/v1/care/photos/{photo.pk}/").status_code == 404
    assert page.post(report_url(child) + "reply/", {"reply": "谢谢"}).status_code == 404
    assert api.post(api_report_url(child) + "reply/", {"reply": "谢谢"}).status_code == 404
    fall = logged["fall"]
    assert page.post(f"/care/incidents/{fall.code}/acknowledge/").status_code == 404
    assert api.post(f"/api/v1/care/incidents/{fall.code}/acknowledge/").status_code == 404
    # the staff endpoints of the child's day are not for families either
    day_api = f"/api/v1/care/classes/{class_x.code}/children/{child.code}/days/{DAY.isoformat()}/"
    assert api.get(day_api).status_code == 404
    assert page.get(f"/care/classes/{class_x.code}/children/{child.code}/").status_code == 404
    fall.refresh_from_db()
    report = DailyReport.objects.get(child=child)
    assert fall.guardian_acknowledged_at is None and report.reply == "" and report.read_at is None


def test_publishing_shows_the_day_to_the_family_and_tells_them(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    guardian: User,
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    logged: dict[str, CareLogEntry],
) -> None:
    services.daily_report_save_summary(
        actor=caregiver_x, child=child, care_class=class_x, day=DAY, summary="今天很开心，午饭吃得很好。"
    )

    report = publish(caregiver_x, child, class_x)

    assert report.published_at is not None and report.published_by == caregiver_x
    notice = Notification.objects.get(user=guardian, kind="daily_report")
    assert notice.link == report_url(child)
    html = client_as("guardian").get(report_url(child)).content.decode()
    assert "今天很开心" in html and "想妈妈" in html and "Slept 2 h 10 min" in html
    assert "I have read this" in html
    data = api_as("guardian").get(api_report_url(child)).json()
    assert [e["kind"] for e in data["entries"]] == ["responsive", "incident", "meal", "sleep"]
    assert data["summary"] == "今天很开心，午饭吃得很好。" and data["published"] is True
    listed = api_as("guardian").get("/api/v1/care/reports/").json()["results"]
    assert [(r["child"], r["day"]) for r in listed] == [(str(child.code), DAY.isoformat())]


def test_opening_the_report_marks_it_read_once(
    client_as: Callable[[str], Client], child: Child, class_x: CareClass, caregiver_x: User, logged: Any
) -> None:
    publish(caregiver_x, child, class_x)
    client = client_as("guardian")

    client.get(report_url(child))
    first = DailyReport.objects.get(child=child).read_at
    client.get(report_url(child))

    assert first is not None
    assert DailyReport.objects.get(child=child).read_at == first


def test_staff_opening_the_family_page_get_404_and_mark_nothing(
    client_as: Callable[[str], Client], child: Child, class_x: CareClass, caregiver_x: User, logged: Any
) -> None:
    publish(caregiver_x, child, class_x)

    assert client_as("caregiver_x").get(report_url(child)).status_code == 404
    assert DailyReport.objects.get(child=child).read_at is None


def test_the_guardian_replies_and_the_directors_and_publisher_are_told(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    director_x: User,
    logged: Any,
) -> None:
    publish(caregiver_x, child, class_x)

    client_as("guardian").post(report_url(child) + "reply/", {"reply": "谢谢老师！明天她会带100%的精神来"})

    report = DailyReport.objects.get(child=child)
    assert report.reply == "谢谢老师！明天她会带100%的精神来" and report.replied_at is not None
    review = client_as("caregiver_x").get(f"/care/classes/{class_x.code}/reports/?day={DAY.isoformat()}")
    assert "明天她会带" in review.content.decode()

    empty = api_as("guardian").post(api_report_url(child) + "reply/", {"reply": "  "}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "reply_empty"
    assert DailyReport.objects.get(child=child).reply.startswith("谢谢老师")

    class_x.caregivers.add(caregiver_x)
    client_as("guardian").post(report_url(child) + "reply/", {"reply": "她今天很开心"})
    for staff in (director_x, caregiver_x):
        notices = Notification.objects.filter(user=staff, kind="daily_report_reply").order_by("pk")
        assert "100%" in notices[0].body and "她今天很开心" in notices[1].body
        assert {notice.link for notice in notices} == {f"/conversations/{child.code}/"}
    # The replies are messages of the child's conversation, naming the report's day.
    replies = Message.objects.filter(conversation__child=child).order_by("pk")
    assert [(m.body, m.report_day, m.side) for m in replies] == [
        ("谢谢老师！明天她会带100%的精神来", DAY, "family"),
        ("她今天很开心", DAY, "family"),
    ]
    conversation = client_as("caregiver_x").get(f"/conversations/{child.code}/").content.decode()
    assert "明天她会带" in conversation and "她今天很开心" in conversation


def test_the_guardian_acknowledges_an_incident_on_the_page_and_by_api(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    logged: dict[str, CareLogEntry],
) -> None:
    publish(caregiver_x, child, class_x)
    fall = logged["fall"]

    response = client_as("guardian").post(f"/care/incidents/{fall.code}/acknowledge/")

    assert response.status_code == 302
    fall.refresh_from_db()
    first = fall.guardian_acknowledged_at
    assert first is not None
    again = api_as("guardian").post(f"/api/v1/care/incidents/{fall.code}/acknowledge/")
    assert again.status_code == 200 and again.json()["guardian_acknowledged_at"] is not None
    fall.refresh_from_db()
    assert fall.guardian_acknowledged_at == first
    lunch = logged["lunch"]
    assert api_as("guardian").post(f"/api/v1/care/incidents/{lunch.code}/acknowledge/").status_code == 404
    review = client_as("caregiver_x").get(f"/care/classes/{class_x.code}/reports/?day={DAY.isoformat()}")
    assert "Read by the family" in review.content.decode()


def test_another_family_gets_404_on_reports_photos_replies_and_acknowledgements(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    other_family: User,
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    logged: dict[str, CareLogEntry],
) -> None:
    photo = services.report_photo_add(
        actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=jpeg()
    )
    publish(caregiver_x, child, class_x)
    page, api = Client(HTTP_ACCEPT_LANGUAGE="en"), APIClient()
    page.force_login(other_family)
    api.force_authenticate(other_family)
    fall = logged["fall"]

    assert page.get(report_url(child)).status_code == 404
    assert api.get(api_report_url(child)).status_code == 404
    assert api.get("/api/v1/care/reports/").json()["results"] == []
    assert api.get(f"/api/v1/care/reports/?child={child.code}").json()["results"] == []
    assert page.get(f"/care/photos/{photo.pk}/").status_code == 404
    assert api.get(f"/api/v1/care/photos/{photo.pk}/").status_code == 404
    assert page.post(report_url(child) + "reply/", {"reply": "?"}).status_code == 404
    assert api.post(api_report_url(child) + "reply/", {"reply": "?"}).status_code == 404
    assert page.post(f"/care/incidents/{fall.code}/acknowledge/").status_code == 404
    assert api.post(f"/api/v1/care/incidents/{fall.code}/acknowledge/").status_code == 404
    report = DailyReport.objects.get(child=child)
    fall.refresh_from_db()
    assert report.reply == "" and report.read_at is None and fall.guardian_acknowledged_at is None
    # the child's own guardian does see the photo, through the checking view only
    own = client_as("guardian").get(f"/care/photos/{photo.pk}/")
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert b"".join(own.streaming_content).startswith(b"\xff\xd8\xff")  # type: ignore[attr-defined]


# Publishing --------------------------------------------------------------------------------------------


def test_publishing_twice_or_an_empty_day_is_refused(
    guardian: User, child: Child, class_x: CareClass, caregiver_x: User, logged: Any
) -> None:
    publish(caregiver_x, child, class_x)
    with pytest.raises(Refusal) as twice:
        publish(caregiver_x, child, class_x)
    assert twice.value.code == "report_already_published" and twice.value.conflict
    assert Notification.objects.filter(user=guardian, kind="daily_report").count() == 1

    quiet = placed_child(guardian, class_x, name="赵安静")
    check_in(quiet, class_x, caregiver_x)
    with pytest.raises(Refusal) as empty:
        publish(caregiver_x, quiet, class_x)
    assert empty.value.code == "report_empty"
    assert not DailyReport.objects.filter(child=quiet, published_at__isnull=False).exists()


def test_publish_all_publishes_every_child_with_a_day_to_report(
    guardian: User, child: Child, class_x: CareClass, caregiver_x: User, director_y: User, logged: Any
) -> None:
    second = placed_child(guardian, class_x, name="赵二宝")
    check_in(second, class_x, caregiver_x)
    services.care_entry_record(
        actor=caregiver_x, child=second, care_class=class_x, kind=LogKind.MOOD, at=at(9), mood="calm"
    )
    nothing = placed_child(guardian, class_x, name="赵三宝")
    check_in(nothing, class_x, caregiver_x)

    with pytest.raises(NotPermitted):  # another institution's director
        services.daily_report_publish_all(actor=director_y, care_class=class_x, day=DAY)
    assert services.daily_report_publish_all(actor=caregiver_x, care_class=class_x, day=DAY).published == 2
    assert services.daily_report_publish_all(actor=caregiver_x, care_class=class_x, day=DAY).published == 0

    published = DailyReport.objects.filter(published_at__isnull=False)
    assert set(published.values_list("child__name", flat=True)) == {"赵小宝", "赵二宝"}
    assert not DailyReport.objects.filter(child=nothing).exists()  # no empty report written
    assert Notification.objects.filter(user=guardian, kind="daily_report").count() == 2


def test_publish_all_keeps_the_words_typed_for_each_child_and_names_the_empty_days(
    client_as: Callable[[str], Client],
    guardian: User,
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    logged: Any,
) -> None:
    only_a_word = placed_child(guardian, class_x, name="赵二宝")
    check_in(only_a_word, class_x, caregiver_x)
    nothing = placed_child(guardian, class_x, name="赵三宝")
    check_in(nothing, class_x, caregiver_x)
    client = client_as("caregiver_x")
    page = client.get(f"/care/classes/{class_x.code}/reports/?day={DAY.isoformat()}").content.decode()

    response = client.post(
        f"/care/classes/{class_x.code}/reports/{DAY.isoformat()}/publish-all/",
        {
            f"summary-{child.code}": "今天搭了高高的积木",
            f"summary-{only_a_word.code}": "午饭吃得很香",
            f"summary-{nothing.code}": "",
        },
        follow=True,
    )

    # every child's word is a field of the form that publishes all
    assert f'name="summary-{child.code}" form="reports"' in page
    assert 'id="reports"' in page and "2 children's days are empty" in page
    reports = {r.child_id: r for r in DailyReport.objects.all()}
    assert reports[child.pk].summary == "今天搭了高高的积木" and reports[child.pk].published_at is not None
    assert (
        reports[only_a_word.pk].summary == "午饭吃得很香" and reports[only_a_word.pk].published_at is not None
    )
    assert nothing.pk not in reports  # no empty report is written, let alone published
    shown = [str(m) for m in response.context["messages"]]
    assert "2 reports published to the families." in shown
    assert any("Not published" in m and "赵三宝" in m and "赵二宝" not in m for m in shown)


def test_the_review_page_lists_the_children_present_and_publishes_from_one_form(
    client_as: Callable[[str], Client], child: Child, class_x: CareClass, caregiver_x: User, logged: Any
) -> None:
    client = client_as("caregiver_x")
    page = client.get(f"/care/classes/{class_x.code}/reports/?day={DAY.isoformat()}")
    assert page.status_code == 200
    html = page.content.decode()
    assert child.name in html and "Not published" in html and "想妈妈" in html

    response = client.post(
        f"/care/classes/{class_x.code}/reports/{DAY.isoformat()}/{child.code}/publish/",
        {"summary": "午睡睡得很香"},
    )

    assert response.status_code == 302
    report = DailyReport.objects.get(child=child)
    assert report.summary == "午睡睡得很香" and report.published_at is not None


def test_publishing_by_api_then_the_family_reads_it(
    api_as: Callable[[str], APIClient], child: Child, class_x: CareClass, logged: Any
) -> None:
    base = f"/api/v1/care/classes/{class_x.code}/reports/{DAY.isoformat()}/"

    before = api_as("caregiver_x").get(base).json()
    published = api_as("caregiver_x").post(f"{base}{child.code}/publish/", {"summary": "很棒"}, format="json")
    again = api_as("caregiver_x").post(f"{base}{child.code}/publish/", {}, format="json")
    read = api_as("guardian").get(api_report_url(child))

    assert [d["published"] for d in before] == [False]
    assert published.status_code == 200 and published.json()["published"] is True
    assert again.status_code == 409 and again.json()["code"] == "report_already_published"
    assert read.status_code == 200 and read.json()["summary"] == "很棒"
    assert DailyReport.objects.get(child=child).read_at is not None


# Photos ------------------------------------------------------------------------------------------------


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_jpeg_and_a_png_are_added_and_stored_under_a_neutral_name(
    settings: Any, child: Child, class_x: CareClass, caregiver_x: User
) -> None:
    first = services.report_photo_add(
        actor=caregiver_x,
        child=child,
        care_class=class_x,
        day=DAY,
        upload=jpeg("赵小宝.jpg"),
        caption="搭积木",
    )
    second = services.report_photo_add(
        actor=caregiver_x,
        child=child,
        care_class=class_x,
        day=DAY,
        upload=SimpleUploadedFile("a.png", PNG),
    )

    assert first.caption == "搭积木" and str(first.image.name).endswith(".jpg")
    assert str(second.image.name).endswith(".png") and "赵小宝" not in str(first.image.name)
    assert len(files_under(Path(settings.MEDIA_ROOT))) == 2


def test_a_text_file_named_jpg_is_refused_and_nothing_is_written(
    settings: Any, child: Child, class_x: CareClass, caregiver_x: User
) -> None:
    with pytest.raises(Refusal) as caught:
        services.report_photo_add(
            actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=text_as_jpeg()
        )

    assert caught.value.code == "photo_not_image"
    assert ReportPhoto.objects.count() == 0 and DailyReport.objects.count() == 0
    assert files_under(Path(settings.MEDIA_ROOT)) == []


def test_a_6_mb_photo_is_refused_and_nothing_is_written(
    settings: Any, child: Child, class_x: CareClass, caregiver_x: User
) -> None:
    with pytest.raises(Refusal) as caught:
        services.report_photo_add(
            actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=jpeg(size=6 * 1024 * 1024)
        )

    assert caught.value.code == "photo_too_large" and "5 MB" in caught.value.text
    assert ReportPhoto.objects.count() == 0 and files_under(Path(settings.MEDIA_ROOT)) == []


def test_a_seventh_photo_is_refused(
    settings: Any, child: Child, class_x: CareClass, caregiver_x: User
) -> None:
    for _ in range(6):
        services.report_photo_add(actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=jpeg())

    with pytest.raises(Refusal) as caught:
        services.report_photo_add(actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=jpeg())

    assert caught.value.code == "too_many_photos"
    assert ReportPhoto.objects.count() == 6 and len(files_under(Path(settings.MEDIA_ROOT))) == 6


def test_the_photo_api_answers_400_with_the_codes(
    api_as: Callable[[str], APIClient], settings: Any, child: Child, class_x: CareClass
) -> None:
    url = f"/api/v1/care/classes/{class_x.code}/reports/{DAY.isoformat()}/{child.code}/photos/"
    api = api_as("caregiver_x")

    not_image = api.post(url, {"image": text_as_jpeg()}, format="multipart")
    too_large = api.post(url, {"image": jpeg(size=6 * 1024 * 1024)}, format="multipart")
    added = api.post(url, {"image": jpeg(), "caption": "画画"}, format="multipart")

    assert not_image.status_code == 400 and not_image.json()["code"] == "photo_not_image"
    assert too_large.status_code == 400 and too_large.json()["code"] == "photo_too_large"
    assert added.status_code == 201 and added.json()["url"] == f"/api/v1/care/photos/{added.json()['id']}/"
    assert ReportPhoto.objects.count() == 1


def test_the_photo_page_shows_a_clear_message_and_writes_nothing(
    client_as: Callable[[str], Client], child: Child, class_x: CareClass
) -> None:
    url = f"/care/classes/{class_x.code}/reports/{DAY.isoformat()}/{child.code}/photos/"

    response = client_as("caregiver_x").post(url, {"image": text_as_jpeg()}, follow=True)

    assert "is not a photo: only JPEG or PNG images can be added" in response.content.decode()
    assert ReportPhoto.objects.count() == 0


def test_photos_are_not_served_by_a_media_url(settings: Any) -> None:
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL}daily-reports/2026/01/x.jpg")


def test_director_y_gets_404_on_photos_and_cannot_remove_them(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
) -> None:
    photo = services.report_photo_add(
        actor=caregiver_x, child=child, care_class=class_x, day=DAY, upload=jpeg()
    )

    assert client_as("director_y").get(f"/care/photos/{photo.pk}/").status_code == 404
    assert client_as("director_y").post(f"/care/photos/{photo.pk}/delete/").status_code == 404
    assert api_as("director_y").delete(f"/api/v1/care/photos/{photo.pk}/").status_code == 404
    assert client_as("caregiver_x").get(f"/care/photos/{photo.pk}/").status_code == 200
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()
    assert api_as("caregiver_x").delete(f"/api/v1/care/photos/{photo.pk}/").status_code == 204
    assert not ReportPhoto.objects.exists()


# Lists run a fixed number of queries -------------------------------------------------------------------


def a_day_for(child: Child, care_class: CareClass, caregiver: User) -> None:
    for kind, fields in (
        (LogKind.MEAL, {"portion": "all", "at": at(11, 30)}),
        (LogKind.SLEEP, {"at": at(12, 30), "ends_at": at(14, 0)}),
        (LogKind.ACTIVITY, {"activity_area": "阅读区角", "at": at(9, 30)}),
    ):
        services.care_entry_record(actor=caregiver, child=child, care_class=care_class, kind=kind, **fields)
    services.report_photo_add(actor=caregiver, child=child, care_class=care_class, day=DAY, upload=jpeg())


def test_the_review_page_and_the_family_list_run_a_fixed_number_of_queries(
    client_as: Callable[[str], Client], guardian: User, class_x: CareClass, caregiver_x: User
) -> None:
    def counts() -> tuple[int, int]:
        staff, family = client_as("caregiver_x"), client_as("guardian")
        with CaptureQueriesContext(connection) as review:
            assert (
                staff.get(f"/care/classes/{class_x.code}/reports/?day={DAY.isoformat()}").status_code == 200
            )
        with CaptureQueriesContext(connection) as reports:
            assert family.get("/care/reports/").status_code == 200
        return len(review), len(reports)

    def add(n: int, prefix: str) -> None:
        for i in range(n):
            kid = placed_child(guardian, class_x, name=f"{prefix}{i}")
            check_in(kid, class_x, caregiver_x)
            a_day_for(kid, class_x, caregiver_x)
        services.daily_report_publish_all(actor=caregiver_x, care_class=class_x, day=DAY)

    add(2, "甲")
    few = counts()
    add(8, "乙")
    many = counts()

    assert many == few


def test_a_refused_publication_keeps_the_published_word_on_the_day(
    guardian: User, child: Child, class_x: CareClass, caregiver_x: User, logged: Any
) -> None:
    services.daily_report_publish(
        actor=caregiver_x, child=child, care_class=class_x, day=DAY, summary="午睡很好"
    )
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(caregiver_x)

    response = api.post(
        f"/api/v1/care/classes/{class_x.code}/reports/{DAY.isoformat()}/{child.code}/publish/",
        {"summary": "被覆盖的内容"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "report_already_published")
    assert DailyReport.objects.get(child=child, day=DAY).summary == "午睡很好"
