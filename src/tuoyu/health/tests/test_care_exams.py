"""Recording examinations: who may, what is refused, and what anaemia and a failed hearing screen set off."""

import datetime

import pytest

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.models import ExamKind, HealthExam, MeasurementSource, Referral, ReferralReason
from tuoyu.health.selectors.care import anaemia_grade
from tuoyu.health.services.care import health_exam_record
from tuoyu.health.tests.care_helpers import _english, days_ago, family, kid, sms_outbox, today
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name


def record(actor: User, child: Child, **fields: object) -> HealthExam:
    fields.setdefault("kind", ExamKind.IN_CARE)
    fields.setdefault("examined_on", days_ago(1))
    return health_exam_record(actor=actor, child=child, **fields)  # type: ignore[arg-type]


def refused(code: str, actor: User, child: Child, **fields: object) -> Refusal:
    with pytest.raises(Refusal) as caught:
        record(actor, child, **fields)
    assert caught.value.code == code, caught.value.text
    assert not HealthExam.objects.exists()
    return caught.value


def test_the_health_worker_records_an_exam_as_the_institutions(kid: Child, health_worker_x: User) -> None:
    exam = record(health_worker_x, kid, note="发育良好")

    assert (exam.kind, exam.source, exam.institution, exam.recorded_by, exam.note) == (
        ExamKind.IN_CARE,
        MeasurementSource.INSTITUTION,
        kid.placements.get().institution,
        health_worker_x,
        "发育良好",
    )
    assert not Referral.objects.exists()


def test_the_partner_doctors_exam_is_the_hospitals(kid: Child, doctor: User) -> None:
    exam = record(doctor, kid, kind=ExamKind.COMMUNITY)

    assert exam.source == MeasurementSource.HOSPITAL
    assert exam.institution == kid.placements.get().institution


@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "regulator_a", "family", "guardian"])
def test_others_may_not_record_an_exam(request: pytest.FixtureRequest, kid: Child, persona: str) -> None:
    with pytest.raises(NotPermitted):
        record(request.getfixturevalue(persona), kid)
    assert not HealthExam.objects.exists()


def test_an_exam_in_the_future_is_refused(kid: Child, health_worker_x: User) -> None:
    refused("date_in_future", health_worker_x, kid, examined_on=today() + datetime.timedelta(days=1))


def test_an_exam_before_the_birth_is_refused(kid: Child, health_worker_x: User) -> None:
    refused(
        "date_before_birth", health_worker_x, kid, examined_on=kid.birth_date - datetime.timedelta(days=1)
    )


def test_an_unknown_kind_is_refused(kid: Child, health_worker_x: User) -> None:
    refused("exam_kind_invalid", health_worker_x, kid, kind="eyes")


def test_a_haemoglobin_test_needs_a_plausible_value(kid: Child, health_worker_x: User) -> None:
    refused("haemoglobin_required", health_worker_x, kid, kind=ExamKind.HAEMOGLOBIN)
    error = refused(
        "haemoglobin_implausible", health_worker_x, kid, kind=ExamKind.HAEMOGLOBIN, haemoglobin_g_l=1150
    )
    assert "1150 g/L" in error.text
    refused("haemoglobin_implausible", health_worker_x, kid, kind=ExamKind.HAEMOGLOBIN, haemoglobin_g_l=12)


def test_values_belong_to_their_own_kind_of_exam(kid: Child, health_worker_x: User) -> None:
    refused("haemoglobin_not_for_kind", health_worker_x, kid, haemoglobin_g_l=120)
    refused("hearing_result_not_for_kind", health_worker_x, kid, hearing_result="pass")
    refused("hearing_result_required", health_worker_x, kid, kind=ExamKind.HEARING)
    refused("hearing_result_required", health_worker_x, kid, kind=ExamKind.HEARING, hearing_result="deaf")


def test_the_same_exam_twice_on_one_day_is_refused(kid: Child, health_worker_x: User) -> None:
    record(health_worker_x, kid)

    with pytest.raises(Refusal) as caught:
        record(health_worker_x, kid)

    assert (caught.value.code, caught.value.conflict) == ("exam_duplicate", True)
    assert HealthExam.objects.count() == 1


def test_haemoglobin_of_110_is_not_anaemia(kid: Child, health_worker_x: User) -> None:
    record(health_worker_x, kid, kind=ExamKind.HAEMOGLOBIN, haemoglobin_g_l=110)

    assert not Referral.objects.exists()
    assert not Notification.objects.filter(user__guardianships__child=kid).exists()


def test_haemoglobin_below_110_is_anaemia_referred_and_the_family_and_health_workers_told(
    kid: Child, family: User, doctor: User, health_worker_x: User
) -> None:
    exam = record(doctor, kid, kind=ExamKind.HAEMOGLOBIN, haemoglobin_g_l=96, referred_to="甲区妇幼保健院")

    referral = Referral.objects.get()
    assert (referral.reason, referral.exam, referral.child, referral.referred_by) == (
        ReferralReason.ANAEMIA,
        exam,
        kid,
        doctor,
    )
    assert (referral.referred_on, referral.referred_to, referral.closed_at) == (
        exam.examined_on,
        "甲区妇幼保健院",
        None,
    )
    assert "96 g/L" in referral.detail and "轻度贫血" in referral.detail
    told = Notification.objects.get(user=family)
    assert told.title == f"{kid.name} is referred to a doctor: Anaemia"
    assert told.link == f"/health/children/{kid.code}/care/"
    assert Notification.objects.filter(user=health_worker_x, kind="health_referral").count() == 1


def test_the_health_worker_who_records_is_not_told_of_their_own_referral(
    kid: Child, health_worker_x: User
) -> None:
    record(health_worker_x, kid, kind=ExamKind.HAEMOGLOBIN, haemoglobin_g_l=85)

    assert Referral.objects.get().detail.endswith("（中度贫血）")
    assert not Notification.objects.filter(user=health_worker_x).exists()


@pytest.mark.parametrize(
    ("value", "grade"),
    [(110, ""), (109, "mild"), (90, "mild"), (89, "moderate"), (60, "moderate"), (59, "severe"), (None, "")],
)
def test_anaemia_grades(value: int | None, grade: str) -> None:
    assert anaemia_grade(value) == grade


def test_a_hearing_screen_refer_is_referred(kid: Child, family: User, health_worker_x: User) -> None:
    passed = record(
        health_worker_x, kid, kind=ExamKind.HEARING, hearing_result="pass", examined_on=days_ago(3)
    )
    failed = record(health_worker_x, kid, kind=ExamKind.HEARING, hearing_result="refer")

    referral = Referral.objects.get()
    assert (referral.reason, referral.exam) == (ReferralReason.HEARING, failed)
    assert passed.pk != failed.pk
    assert Notification.objects.filter(user=family, kind="health_referral").count() == 1
