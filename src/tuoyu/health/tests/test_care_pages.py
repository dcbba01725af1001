"""The care pages: who reads them (every read logged), which forms each reader gets, what posting does, and
the overdue and referral lists (scoped, constant queries)."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import AccessChannel, CareTask, Child, HealthRecordAccess
from tuoyu.health.models import (
    DevelopmentScreening,
    ExamKind,
    HealthExam,
    ImmunisationCheck,
    Referral,
    ReferralReason,
)
from tuoyu.health.tests.care_helpers import (
    _english,
    children_in_care,
    days_ago,
    exam,
    family,
    kid,
    referral,
    sms_outbox,
    today,
)
from tuoyu.notifications.models import Notification
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name

ClientAs = Callable[[str], Client]
READERS = ["family", "director_x", "health_worker_x", "doctor"]
OUTSIDERS = ["caregiver_x", "director_y", "regulator_a", "regulator_b", "guardian"]
FORMS = ["data-exam-form", "data-screening-form", "data-referral-form", "data-immunisation-form"]


def care_url(child: Child) -> str:
    return f"/health/children/{child.code}/care/"


def page(client: Client, child: Child) -> str:
    response = client.get(care_url(child))
    assert response.status_code == 200
    return response.content.decode()


# Reading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
def test_readers_get_the_page_and_the_read_is_logged(
    request: pytest.FixtureRequest, client_as: ClientAs, kid: Child, persona: str
) -> None:
    response = client_as(persona).get(care_url(kid))

    assert response.status_code == 200
    entry = HealthRecordAccess.objects.get()
    assert (entry.user, entry.child, entry.view, entry.channel) == (
        request.getfixturevalue(persona),
        kid,
        "care",
        AccessChannel.PAGE,
    )


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_a_plain_404_and_nothing_is_logged(
    client_as: ClientAs, kid: Child, persona: str
) -> None:
    assert client_as(persona).get(care_url(kid)).status_code == 404
    assert not HealthRecordAccess.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client: Client, kid: Child) -> None:
    response = anonymous_client.get(care_url(kid))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "forms"),
    [
        ("health_worker_x", FORMS),
        ("director_x", FORMS),
        ("doctor", FORMS[:3]),  # immunisation checks are the institution's
        ("family", []),
    ],
)
def test_each_reader_gets_the_forms_they_may_use(
    client_as: ClientAs, kid: Child, persona: str, forms: list[str]
) -> None:
    html = page(client_as(persona), kid)

    assert [form for form in FORMS if form in html] == forms


def test_the_family_sees_the_schedule_and_the_results(client_as: ClientAs, kid: Child) -> None:
    exam(kid, ExamKind.HAEMOGLOBIN, days_ago(20), haemoglobin_g_l=98)
    exam(kid, ExamKind.HEARING, months_later(kid.birth_date, 12))
    DevelopmentScreening.objects.create(
        child=kid, checkpoint_months=18, screened_on=days_ago(60), positive_signs=["m18_walk"]
    )
    referral(
        kid,
        referred_on=days_ago(60),
        reason=ReferralReason.DEVELOPMENT,
        detail="18月龄发育预警征象阳性：不会独走",
    )

    html = page(client_as("family"), kid)

    assert 'data-overdue-count="4"' in html  # Hb at 18 months and hearing at 12 are done
    assert 'data-item="hearing-12" data-status="done"' in html
    assert 'data-item="in_care-18" data-status="overdue"' in html
    assert 'data-anaemia="mild"' in html and "Mild anaemia" in html
    assert 'data-sign="m18_walk">不会独走 (cannot walk alone)' in html
    assert "18月龄发育预警征象阳性：不会独走" in html
    assert "卫办妇社发〔2013〕26号" in html  # the checklist's source is cited
    assert "data-outcome-form" not in html


def test_the_screening_form_offers_the_checklist_of_the_childs_age(client_as: ClientAs, kid: Child) -> None:
    html = page(client_as("health_worker_x"), kid)

    assert re.findall(r'data-checklist="(\d+)"', html) == ["18"]
    assert 'value="m18_walk"' in html and 'value="m24_spoon"' not in html


# Posting ----------------------------------------------------------------------------------------------------


def test_a_haemoglobin_below_110_is_recorded_and_referred(
    client_as: ClientAs, kid: Child, family: User
) -> None:
    response = client_as("health_worker_x").post(
        care_url(kid) + "exams/",
        {
            "kind": ExamKind.HAEMOGLOBIN,
            "examined_on": days_ago(1),
            "haemoglobin_g_l": "95",
            "referred_to": "济医附院",
        },
    )

    assert response.status_code == 302 and response["Location"] == care_url(kid) + "#exams"
    assert HealthExam.objects.get().haemoglobin_g_l == 95
    assert Referral.objects.get().reason == ReferralReason.ANAEMIA
    assert Notification.objects.filter(user=family, kind="health_referral").exists()


def test_a_refused_exam_shows_the_page_again_with_the_reason_and_writes_nothing(
    client_as: ClientAs, kid: Child
) -> None:
    tomorrow = today() + datetime.timedelta(days=1)

    response = client_as("doctor").post(
        care_url(kid) + "exams/", {"kind": ExamKind.IN_CARE, "examined_on": tomorrow}
    )

    assert response.status_code == 200
    assert "The date of the examination cannot be in the future." in response.content.decode()
    assert not HealthExam.objects.exists()
    assert HealthRecordAccess.objects.get().view == "care"  # showing the page again is a read


def test_a_screening_with_a_sign_is_referred(client_as: ClientAs, kid: Child) -> None:
    response = client_as("doctor").post(
        care_url(kid) + "screenings/",
        {
            "checkpoint_months": "18",
            "screened_on": today(),
            "positive_signs": ["m18_point"],
            "referred_to": "",
        },
    )

    assert response.status_code == 302
    assert DevelopmentScreening.objects.get().positive_signs == ["m18_point"]
    assert Referral.objects.get().reason == ReferralReason.DEVELOPMENT


def test_a_screening_for_a_checkpoint_not_reached_is_refused_on_the_page(
    client_as: ClientAs, kid: Child
) -> None:
    response = client_as("health_worker_x").post(
        care_url(kid) + "screenings/", {"checkpoint_months": "24", "screened_on": today()}
    )

    assert response.status_code == 200
    assert "not yet at the 24-month checkpoint" in response.content.decode()
    assert not DevelopmentScreening.objects.exists()


def test_the_health_worker_records_an_incomplete_certificate_check(
    client_as: ClientAs, kid: Child, family: User
) -> None:
    response = client_as("health_worker_x").post(
        care_url(kid) + "immunisation-checks/",
        {
            "kind": "entry",
            "checked_on": days_ago(2),
            "certificate": "incomplete",
            "missing_doses": "百白破第4剂",
        },
    )

    assert response.status_code == 302
    check = ImmunisationCheck.objects.get()
    assert (check.complete, check.missing_doses) == (False, "百白破第4剂")
    assert CareTask.objects.get(child=kid).done_at is not None
    assert Notification.objects.get(user=family).kind == "immunisation_missing_doses"


def test_the_doctor_may_not_record_a_certificate_check(client_as: ClientAs, kid: Child) -> None:
    response = client_as("doctor").post(
        care_url(kid) + "immunisation-checks/",
        {"kind": "entry", "checked_on": days_ago(2), "certificate": "complete"},
    )

    assert response.status_code == 404
    assert not ImmunisationCheck.objects.exists()


def test_a_referral_is_made_and_followed_up_to_its_close_on_the_page(client_as: ClientAs, kid: Child) -> None:
    doctor = client_as("doctor")
    doctor.post(
        care_url(kid) + "referrals/",
        {"reason": "other", "detail": "心脏杂音待查", "referred_on": days_ago(3), "referred_to": "心内科"},
    )
    made = Referral.objects.get()

    response = doctor.post(f"/health/referrals/{made.pk}/outcome/", {"outcome": "", "close": "on"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()

    response = doctor.post(
        f"/health/referrals/{made.pk}/outcome/", {"outcome": "功能性杂音，无需处理", "close": "on"}
    )

    assert response["Location"] == care_url(kid) + f"#referral-{made.pk}"
    made.refresh_from_db()
    assert (made.outcome, made.outcome_on) == ("功能性杂音，无需处理", today())
    assert made.closed_at is not None


@pytest.mark.parametrize("path", ["exams/", "screenings/", "referrals/", "immunisation-checks/"])
@pytest.mark.parametrize("persona", ["family", "caregiver_x", "director_y"])
def test_others_posting_get_404_and_nothing_is_written(
    client_as: ClientAs, kid: Child, persona: str, path: str
) -> None:
    data = {
        "kind": "in_care" if path == "exams/" else "entry",
        "examined_on": days_ago(1),
        "checkpoint_months": "18",
        "screened_on": days_ago(1),
        "reason": "other",
        "detail": "x",
        "referred_on": days_ago(1),
        "checked_on": days_ago(1),
        "certificate": "complete",
    }

    assert client_as(persona).post(care_url(kid) + path, data).status_code == 404
    assert not (HealthExam.objects.exists() or DevelopmentScreening.objects.exists())
    assert not (Referral.objects.exists() or ImmunisationCheck.objects.exists())


@pytest.mark.parametrize("path", ["exams/", "screenings/", "referrals/", "immunisation-checks/"])
def test_a_guardian_posting_an_incomplete_form_gets_404_not_the_form(
    client_as: ClientAs, kid: Child, path: str
) -> None:
    response = client_as("family").post(care_url(kid) + path, {"checkpoint_months": "18"})

    assert response.status_code == 404
    assert not HealthRecordAccess.objects.exists()


def test_a_guardian_may_not_record_a_referral_outcome(client_as: ClientAs, kid: Child) -> None:
    made = referral(kid, referred_on=days_ago(3))

    response = client_as("family").post(f"/health/referrals/{made.pk}/outcome/", {"outcome": "好了"})

    assert response.status_code == 404
    made.refresh_from_db()
    assert made.outcome == ""


# The lists -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["health_worker_x", "director_x", "doctor"])
def test_the_overdue_list_shows_each_child_with_its_overdue_exams(
    client_as: ClientAs, kid: Child, persona: str
) -> None:
    response = client_as(persona).get("/health/overdue/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-child="{kid.code}"' in html
    assert html.count("data-item=") == 6
    read = HealthRecordAccess.objects.get()  # the list shows each child's overdue exams: a read
    assert (read.child, read.view, read.user.pk) == (kid, "overdue", response.wsgi_request.user.pk)


@pytest.mark.parametrize("url", ["/health/overdue/", "/health/referrals/"])
@pytest.mark.parametrize("persona", ["caregiver_x", "family", "regulator_a"])
def test_the_lists_are_404_for_those_who_do_not_follow_up_health(
    client_as: ClientAs, kid: Child, persona: str, url: str
) -> None:
    assert client_as(persona).get(url).status_code == 404


def test_the_overdue_list_of_another_institution_is_not_shown(client_as: ClientAs, kid: Child) -> None:
    html = client_as("director_y").get("/health/overdue/").content.decode()

    assert str(kid.code) not in html and "No examination is overdue." in html


@pytest.mark.parametrize("url", ["/health/overdue/", "/health/referrals/"])
def test_the_lists_take_the_same_queries_for_3_or_20_children(
    client_as: ClientAs, class_x: CareClass, family: User, url: str
) -> None:
    counts = []
    client = client_as("health_worker_x")
    for count in (3, 20):
        children_in_care(class_x, family, count - (3 if count == 20 else 0))
        for child in Child.objects.filter(referrals__isnull=True):
            referral(child, referred_on=days_ago(40))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_the_referrals_list_shows_open_ones_first_and_marks_those_without_an_outcome_after_30_days(
    client_as: ClientAs, kid: Child
) -> None:
    late = referral(kid, referred_on=days_ago(45))
    recent = referral(kid, referred_on=days_ago(5))
    closed = referral(kid, referred_on=days_ago(90), outcome="好", closed_at=timezone.now())

    html = client_as("doctor").get("/health/referrals/").content.decode()

    assert re.findall(r'data-referral="(\d+)" data-open', html) == [
        str(late.pk),
        str(recent.pk),
        str(closed.pk),
    ]
    assert html.count("data-late") == 1
    assert list(HealthRecordAccess.objects.values_list("child", "view")) == [(kid.pk, "referrals")]
