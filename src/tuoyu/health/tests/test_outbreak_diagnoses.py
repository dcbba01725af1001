"""Diagnoses: a notifiable disease is reported at once, the disease table's cluster rules open a report due
within 24 hours, and every diagnosis excludes the child from check-in until the exclusion period has passed
and (for a notifiable disease) the health worker has checked a return certificate (复课证明).
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Attendance, CheckDecision
from tuoyu.daycare.services import attendance as attendance_services
from tuoyu.health.models import Diagnosis, DiagnosisStatus, OutbreakReport, OutbreakTrigger, ReturnCertificate
from tuoyu.health.selectors.outbreaks import excluded_children, exclusions_of
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import (
    HOUR,
    _english,
    children,
    days_ago,
    diagnose,
    disease,
    refusal_of,
    sms_outbox,
    today,
)
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db

__all__ = ["_english", "sms_outbox"]  # fixtures used by name


@pytest.fixture
def other_class(institution_x: Institution) -> CareClass:
    return CareClassFactory.create(
        institution=institution_x, name="星星托小班", age_band=AgeBand.TODDLER, capacity=15
    )


def check_in(care_class: CareClass, child: Any, by: User, day: datetime.date | None = None) -> Attendance:
    moment = timezone.make_aware(datetime.datetime.combine(day or today(), datetime.time(8, 30)))
    return attendance_services.attendance_check_in(
        care_class=care_class,
        child=child,
        by=by,
        temperature_c="36.5",
        decision=CheckDecision.ADMIT,
        now=moment,
    )


# Recording --------------------------------------------------------------------------------------------------


def test_a_diagnosis_excludes_the_child_from_the_onset_for_the_diseases_period(
    class_x: CareClass, health_worker_x: User
) -> None:
    (child,) = children(class_x, 1)

    diagnosis = diagnose(child, "hfmd", health_worker_x, onset_on=days_ago(2), diagnosed_on=days_ago(1))

    assert diagnosis.excluded_until == days_ago(2) + datetime.timedelta(days=14)
    assert (diagnosis.institution, diagnosis.care_class) == (class_x.institution, class_x)
    assert (diagnosis.status, diagnosis.diagnosed_by, diagnosis.recorded_by) == (
        DiagnosisStatus.CONFIRMED,
        "甲区人民医院",
        health_worker_x,
    )
    assert exclusions_of(child, today()) == [diagnosis]


def test_a_notifiable_case_is_due_for_report_immediately_and_alerts_at_once(
    class_x: CareClass, health_worker_x: User, director_x: User, regulator_a: User, regulator_b: User
) -> None:
    (child,) = children(class_x, 1)
    health_worker_x.preferred_language = "en"
    health_worker_x.save()
    now = timezone.now()

    diagnose(child, "scarlet_fever", health_worker_x, now=now)

    outbreak = OutbreakReport.objects.get()
    assert (outbreak.trigger, outbreak.disease, outbreak.care_class) == (
        OutbreakTrigger.NOTIFIABLE_CASE,
        disease("scarlet_fever"),
        class_x,
    )
    assert outbreak.opened_at == now and outbreak.due_at == now
    assert list(outbreak.cases.all()) == [child] and outbreak.case_count == 1
    told = {
        n.user for n in Notification.objects.filter(kind=NotificationKind.OUTBREAK_OPENED, sent_by_sms=True)
    }
    assert told == {health_worker_x, director_x, regulator_a}
    note = Notification.objects.get(user=health_worker_x)
    assert note.title == "Report at once: 猩红热 at 星星托育园"
    assert note.body.endswith("Report it now.") and "星星托大班" in note.body


def test_a_suspected_notifiable_case_is_reported_too(class_x: CareClass, director_x: User) -> None:
    (child,) = children(class_x, 1)

    diagnose(child, "measles", director_x, status=DiagnosisStatus.SUSPECTED)

    assert OutbreakReport.objects.get().trigger == OutbreakTrigger.NOTIFIABLE_CASE


def test_a_non_notifiable_disease_opens_no_report_by_itself(
    class_x: CareClass, health_worker_x: User
) -> None:
    (child,) = children(class_x, 1)

    diagnosis = diagnose(child, "varicella", health_worker_x)

    assert not OutbreakReport.objects.exists()
    assert diagnosis.excluded_until == today() + datetime.timedelta(days=14)


def test_a_second_unreported_case_in_the_class_joins_the_pending_report(
    class_x: CareClass, health_worker_x: User
) -> None:
    a, b, c = children(class_x, 3)
    diagnose(a, "mumps", health_worker_x, onset_on=days_ago(1))
    diagnose(b, "mumps", health_worker_x)
    (outbreak,) = OutbreakReport.objects.all()
    assert (outbreak.case_count, outbreak.first_day, outbreak.last_day) == (2, days_ago(1), today())

    services.outbreak_report_submit(outbreak=outbreak, report="已报告疾控中心", by=health_worker_x)
    diagnose(c, "mumps", health_worker_x)

    assert OutbreakReport.objects.filter(trigger=OutbreakTrigger.NOTIFIABLE_CASE).count() == 2
    newest = OutbreakReport.objects.order_by("-pk").first()
    assert newest is not None and list(newest.cases.all()) == [c]


def test_two_hand_foot_and_mouth_cases_in_a_class_within_7_days_make_the_pending_report_a_cluster(
    class_x: CareClass, health_worker_x: User
) -> None:
    a, b = children(class_x, 2)
    first = timezone.now() - HOUR
    diagnose(a, "hfmd", health_worker_x, onset_on=days_ago(6), now=first)
    case = OutbreakReport.objects.get()
    assert case.trigger == OutbreakTrigger.NOTIFIABLE_CASE

    diagnose(b, "hfmd", health_worker_x)

    cluster = OutbreakReport.objects.get()  # one report: the cases gather while it is not submitted
    assert (cluster.pk, cluster.trigger, cluster.disease, cluster.care_class) == (
        case.pk,
        OutbreakTrigger.DISEASE_CLUSTER,
        disease("hfmd"),
        class_x,
    )
    assert set(cluster.cases.all()) == {a, b} and cluster.case_count == 2
    assert (cluster.first_day, cluster.last_day) == (days_ago(6), today())
    assert cluster.due_at == first  # still due at once: hand, foot and mouth disease is notifiable


def test_a_case_after_the_report_is_submitted_is_a_new_report_of_the_cluster(
    class_x: CareClass, health_worker_x: User
) -> None:
    a, b = children(class_x, 2)
    diagnose(a, "hfmd", health_worker_x, onset_on=days_ago(2))
    services.outbreak_report_submit(
        outbreak=OutbreakReport.objects.get(), report="已报告", by=health_worker_x
    )
    now = timezone.now()

    diagnose(b, "hfmd", health_worker_x, now=now)

    cluster = OutbreakReport.objects.get(reported_at__isnull=True)
    assert cluster.trigger == OutbreakTrigger.DISEASE_CLUSTER and cluster.due_at == now
    assert set(cluster.cases.all()) == {a, b}


def test_a_cluster_of_a_disease_that_is_not_notifiable_is_due_within_24_hours(
    class_x: CareClass, other_class: CareClass, health_worker_x: User
) -> None:
    # Varicella (not notifiable): 5 in the institution within 7 days.
    kids = [*children(class_x, 3), *children(other_class, 2, prefix="小班")]
    for child in kids[:4]:
        diagnose(child, "varicella", health_worker_x, onset_on=days_ago(3))
    assert not OutbreakReport.objects.exists()
    now = timezone.now()

    diagnose(kids[4], "varicella", health_worker_x, now=now)

    cluster = OutbreakReport.objects.get()
    assert (cluster.trigger, cluster.care_class, cluster.case_count) == (
        OutbreakTrigger.DISEASE_CLUSTER,
        None,
        5,
    )
    assert cluster.due_at == now + datetime.timedelta(hours=24)


def test_two_hand_foot_and_mouth_cases_8_days_apart_are_no_cluster(
    class_x: CareClass, health_worker_x: User
) -> None:
    a, b = children(class_x, 2)
    diagnose(a, "hfmd", health_worker_x, onset_on=days_ago(7))
    diagnose(b, "hfmd", health_worker_x)

    assert not OutbreakReport.objects.filter(trigger=OutbreakTrigger.DISEASE_CLUSTER).exists()


def test_a_case_recorded_late_with_an_earlier_onset_still_makes_the_cluster(
    class_x: CareClass, health_worker_x: User
) -> None:
    a, b = children(class_x, 2)
    diagnose(a, "hfmd", health_worker_x)
    diagnose(b, "hfmd", health_worker_x, onset_on=days_ago(3))

    cluster = OutbreakReport.objects.get(trigger=OutbreakTrigger.DISEASE_CLUSTER)
    assert (cluster.first_day, cluster.last_day) == (days_ago(3), today())


def test_hand_foot_and_mouth_in_two_classes_is_no_class_cluster(
    class_x: CareClass, other_class: CareClass, health_worker_x: User
) -> None:
    (a,) = children(class_x, 1)
    (b,) = children(other_class, 1, prefix="小班")
    diagnose(a, "hfmd", health_worker_x)
    diagnose(b, "hfmd", health_worker_x)

    assert not OutbreakReport.objects.filter(trigger=OutbreakTrigger.DISEASE_CLUSTER).exists()


def test_cases_across_classes_make_an_institution_cluster(
    class_x: CareClass, other_class: CareClass, health_worker_x: User
) -> None:
    # Acute haemorrhagic conjunctivitis: 3 in the institution within 7 days.
    a, b = children(class_x, 2)
    (c,) = children(other_class, 1, prefix="小班")
    for child in (a, b):
        diagnose(child, "conjunctivitis", health_worker_x, onset_on=days_ago(2))
    assert not OutbreakReport.objects.filter(trigger=OutbreakTrigger.DISEASE_CLUSTER).exists()

    diagnose(c, "conjunctivitis", health_worker_x)

    cluster = OutbreakReport.objects.get(trigger=OutbreakTrigger.DISEASE_CLUSTER)
    assert cluster.care_class is None and set(cluster.cases.all()) == {a, b, c}


def test_a_further_case_joins_the_active_cluster(class_x: CareClass, health_worker_x: User) -> None:
    a, b, c = children(class_x, 3)
    diagnose(a, "hfmd", health_worker_x, onset_on=days_ago(1))
    diagnose(b, "hfmd", health_worker_x, onset_on=days_ago(1))

    diagnose(c, "hfmd", health_worker_x)

    cluster = OutbreakReport.objects.get(trigger=OutbreakTrigger.DISEASE_CLUSTER)
    assert cluster.case_count == 3 and cluster.last_day == today()


def test_a_suspected_case_is_confirmed_rather_than_recorded_twice(
    class_x: CareClass, health_worker_x: User
) -> None:
    (child,) = children(class_x, 1)
    suspected = diagnose(
        child, "hfmd", health_worker_x, onset_on=days_ago(2), status=DiagnosisStatus.SUSPECTED
    )

    confirmed = diagnose(child, "hfmd", health_worker_x, onset_on=days_ago(1))

    assert confirmed.pk == suspected.pk and Diagnosis.objects.count() == 1
    suspected.refresh_from_db()
    assert suspected.status == DiagnosisStatus.CONFIRMED
    assert suspected.onset_on == days_ago(2)  # the exclusion runs from the first onset
    assert OutbreakReport.objects.count() == 1
    refused = refusal_of(lambda: diagnose(child, "hfmd", health_worker_x))
    assert (refused.code, refused.conflict) == ("already_diagnosed", True)


@pytest.mark.parametrize(
    ("onset", "diagnosed", "code"),
    [
        (1, 0, "onset_in_future"),
        (0, 1, "diagnosed_in_future"),
        (-1, -3, "diagnosed_before_onset"),
    ],
)
def test_impossible_dates_are_refused_and_nothing_is_written(
    class_x: CareClass, health_worker_x: User, onset: int, diagnosed: int, code: str
) -> None:
    (child,) = children(class_x, 1)

    refused = refusal_of(
        lambda: diagnose(
            child,
            "hfmd",
            health_worker_x,
            onset_on=today() + datetime.timedelta(days=onset),
            diagnosed_on=today() + datetime.timedelta(days=diagnosed),
        )
    )

    assert refused.code == code
    assert not Diagnosis.objects.exists() and not OutbreakReport.objects.exists()


def test_an_unknown_status_is_refused(class_x: CareClass, health_worker_x: User) -> None:
    (child,) = children(class_x, 1)

    assert (
        refusal_of(lambda: diagnose(child, "hfmd", health_worker_x, status="maybe")).code == "status_invalid"
    )


@pytest.mark.parametrize("persona", ["director_y", "caregiver_x", "doctor", "regulator_a"])
def test_only_the_childs_institution_records_a_diagnosis(
    class_x: CareClass, persona: str, request: pytest.FixtureRequest
) -> None:
    (child,) = children(class_x, 1)
    outsider = request.getfixturevalue(persona)

    refused = refusal_of(lambda: diagnose(child, "hfmd", outsider))

    assert refused.code == "not_in_care" and not Diagnosis.objects.exists()


# Exclusion at check-in --------------------------------------------------------------------------------------


def test_an_excluded_child_is_refused_at_check_in_with_the_disease_and_the_end_date(
    class_x: CareClass, health_worker_x: User, caregiver_x: User
) -> None:
    (child,) = children(class_x, 1)
    diagnosis = diagnose(child, "hfmd", health_worker_x, onset_on=days_ago(3))

    refused = refusal_of(lambda: check_in(class_x, child, caregiver_x))

    assert (refused.code, refused.conflict) == ("child_excluded", True)
    assert "手足口病" in refused.text and diagnosis.excluded_until.isoformat() in refused.text
    assert "return certificate" in refused.text
    assert not Attendance.objects.exists()


def test_check_in_waits_for_the_end_date_and_the_return_certificate(
    class_x: CareClass, health_worker_x: User, caregiver_x: User
) -> None:
    (child,) = children(class_x, 1)
    diagnosis = diagnose(child, "scarlet_fever", health_worker_x, onset_on=days_ago(10))
    assert diagnosis.excluded_until == days_ago(3)

    # The period is over, but no certificate has been checked.
    refused = refusal_of(lambda: check_in(class_x, child, caregiver_x))
    assert refused.code == "child_excluded" and "no return certificate" in refused.text

    services.return_certificate_record(
        diagnosis=diagnosis, issued_by="甲区人民医院儿科", issued_on=days_ago(2), by=health_worker_x
    )
    attendance = check_in(class_x, child, caregiver_x)

    assert attendance.child == child
    assert exclusions_of(child, today()) == []


def test_a_certificate_does_not_shorten_the_exclusion_period(
    class_x: CareClass, health_worker_x: User, caregiver_x: User
) -> None:
    (child,) = children(class_x, 1)
    diagnosis = diagnose(child, "influenza", health_worker_x, onset_on=days_ago(3))
    assert diagnosis.excluded_until == today()

    services.return_certificate_record(
        diagnosis=diagnosis, issued_by="社区卫生服务中心", issued_on=today(), by=health_worker_x
    )

    assert refusal_of(lambda: check_in(class_x, child, caregiver_x)).code == "child_excluded"
    tomorrow = today() + datetime.timedelta(days=1)
    assert check_in(class_x, child, caregiver_x, day=tomorrow).day == tomorrow


def test_a_non_notifiable_disease_excludes_until_the_end_date_without_a_certificate(
    class_x: CareClass, health_worker_x: User, caregiver_x: User
) -> None:
    (child,) = children(class_x, 1)
    diagnosis = diagnose(child, "norovirus", health_worker_x, onset_on=days_ago(1))  # 3 days
    last_day = diagnosis.excluded_until

    refused = refusal_of(lambda: check_in(class_x, child, caregiver_x, day=last_day))
    assert refused.code == "child_excluded" and last_day.isoformat() in refused.text

    day_after = last_day + datetime.timedelta(days=1)
    assert check_in(class_x, child, caregiver_x, day=day_after).day == day_after


def test_sending_an_excluded_child_home_at_the_gate_is_still_recorded(
    class_x: CareClass, health_worker_x: User, caregiver_x: User
) -> None:
    (child,) = children(class_x, 1)
    diagnose(child, "hfmd", health_worker_x)

    attendance = attendance_services.attendance_check_in(
        care_class=class_x,
        child=child,
        by=caregiver_x,
        temperature_c="36.8",
        decision=CheckDecision.SEND_HOME,
        reason="手足口病隔离期内",
        guardian_notified_at=timezone.now(),
        action="已通知家长接回",
    )

    assert attendance.status == "sent_home"


def test_the_excluded_children_of_an_institution_are_listed_until_they_may_return(
    class_x: CareClass, health_worker_x: User, director_y: User, class_y: CareClass
) -> None:
    a, b, c = children(class_x, 3)
    (d,) = children(class_y, 1, prefix="月亮")
    in_period = diagnose(a, "hfmd", health_worker_x)
    uncertified = diagnose(b, "measles", health_worker_x, onset_on=days_ago(20))
    certified = diagnose(c, "measles", health_worker_x, onset_on=days_ago(20))
    services.return_certificate_record(
        diagnosis=certified, issued_by="医院", issued_on=today(), by=health_worker_x
    )
    diagnose(d, "hfmd", director_y)

    assert list(excluded_children(health_worker_x)) == [uncertified, in_period]
    assert [diagnosis.child for diagnosis in excluded_children(director_y)] == [d]


# Return certificates ----------------------------------------------------------------------------------------


@pytest.fixture
def measles(class_x: CareClass, health_worker_x: User) -> Diagnosis:
    (child,) = children(class_x, 1)
    return diagnose(child, "measles", health_worker_x, onset_on=days_ago(10))  # excluded until 5 days ago


def test_the_health_worker_checks_a_return_certificate(measles: Diagnosis, health_worker_x: User) -> None:
    certificate = services.return_certificate_record(
        diagnosis=measles, issued_by=" 甲区人民医院 ", issued_on=days_ago(1), by=health_worker_x
    )

    assert (certificate.diagnosis, certificate.issued_by, certificate.issued_on) == (
        measles,
        "甲区人民医院",
        days_ago(1),
    )
    assert certificate.checked_by == health_worker_x


@pytest.mark.parametrize(
    ("issued_by", "issued_days_ago", "code"),
    [
        ("", 1, "issuer_required"),
        ("医院", -1, "issued_in_future"),
        ("医院", 6, "certificate_before_exclusion_ends"),
    ],
)
def test_a_doubtful_certificate_is_refused(
    measles: Diagnosis, health_worker_x: User, issued_by: str, issued_days_ago: int, code: str
) -> None:
    refused = refusal_of(
        lambda: services.return_certificate_record(
            diagnosis=measles, issued_by=issued_by, issued_on=days_ago(issued_days_ago), by=health_worker_x
        )
    )

    assert refused.code == code and not ReturnCertificate.objects.exists()


def test_a_certificate_issued_on_the_last_day_of_exclusion_is_accepted(
    measles: Diagnosis, health_worker_x: User
) -> None:
    services.return_certificate_record(
        diagnosis=measles, issued_by="医院", issued_on=measles.excluded_until, by=health_worker_x
    )

    assert ReturnCertificate.objects.filter(diagnosis=measles).exists()


def test_a_certificate_is_checked_once(measles: Diagnosis, health_worker_x: User) -> None:
    services.return_certificate_record(
        diagnosis=measles, issued_by="医院", issued_on=today(), by=health_worker_x
    )

    refused = refusal_of(
        lambda: services.return_certificate_record(
            diagnosis=measles, issued_by="医院", issued_on=today(), by=health_worker_x
        )
    )

    assert (refused.code, refused.conflict) == ("already_certified", True)


@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "regulator_a", "doctor"])
def test_only_the_institution_checks_a_certificate(
    measles: Diagnosis, persona: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(NotPermitted):
        services.return_certificate_record(
            diagnosis=measles, issued_by="医院", issued_on=today(), by=request.getfixturevalue(persona)
        )

    assert not ReturnCertificate.objects.exists()
