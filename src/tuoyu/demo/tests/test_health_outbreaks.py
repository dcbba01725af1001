"""The demo district's outbreak watch: one past outbreak (hand, foot and mouth disease in 爱彼宝's 托小班
about four weeks ago), reported within its deadline, with its diagnoses, return certificates and ended
quarantine, resolved; no active outbreak, and the week of daily care makes no cluster by the watch's
thresholds."""

import datetime

import pytest
from django.utils import timezone

from tests.personas import signed_in_client
from tuoyu.accounts.models import User
from tuoyu.daycare.models import Absence, Attendance
from tuoyu.demo.daycare import is_working_day
from tuoyu.demo.health_outbreaks import CASES, CLASS, INSTITUTION, outbreak_day
from tuoyu.health.models import ClassQuarantine, Diagnosis, OutbreakReport, OutbreakTrigger, ReturnCertificate
from tuoyu.health.selectors.outbreaks import (
    deadline_of,
    excluded_children,
    outbreak_case_days,
    outbreaks_visible_to,
    quarantine_covering,
    symptom_log,
)
from tuoyu.health.services.outbreaks import SAME_DAY_CASES, THREE_DAY_CASES
from tuoyu.registry.models import CareClass
from tuoyu.supervision.models import Finding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]
REGULATOR, HEALTH_WORKER = "13800000001", "13800000004"


def the_outbreak() -> OutbreakReport:
    (outbreak,) = OutbreakReport.objects.all()
    return outbreak


def test_the_demo_has_one_past_outbreak_reported_in_time_and_resolved() -> None:
    outbreak = the_outbreak()
    today = timezone.localdate()
    day = outbreak_day(today)

    assert (outbreak.institution.name, outbreak.care_class and outbreak.care_class.name) == (
        INSTITUTION,
        CLASS,
    )
    assert (outbreak.trigger, outbreak.disease and outbreak.disease.code) == (
        OutbreakTrigger.DISEASE_CLUSTER,
        "hfmd",
    )
    assert outbreak.case_count == CASES == outbreak.cases.count()
    assert is_working_day(day) and 21 <= (today - day).days <= 42
    assert outbreak.due_at == outbreak.opened_at  # a notifiable disease: reported at once
    assert outbreak.reported_at is not None and outbreak.reported_at > outbreak.due_at
    assert not deadline_of(outbreak).late  # within the 2 hours allowed
    assert "疾病预防控制中心" in outbreak.report
    assert outbreak.resolved_at is not None and outbreak.resolved_at < timezone.now()
    assert "结案" in outbreak.resolution and not outbreak.is_active
    assert outbreak.reported_by is not None and outbreak.resolved_by is not None


def test_its_cases_are_the_diagnoses_by_onset() -> None:
    outbreak = the_outbreak()
    day = outbreak_day(timezone.localdate())

    case_days = outbreak_case_days(outbreak)

    assert [case_day.day for case_day in case_days] == [day - datetime.timedelta(days=1), day]
    assert [len(case_day.children) for case_day in case_days] == [1, 2]
    assert (outbreak.first_day, outbreak.last_day) == (case_days[0].day, day)


def test_the_children_were_excluded_and_came_back_with_a_checked_certificate() -> None:
    outbreak = the_outbreak()
    diagnoses = Diagnosis.objects.filter(child__in=outbreak.cases.all())

    assert diagnoses.count() == CASES
    for diagnosis in diagnoses:
        assert diagnosis.disease.code == "hfmd" and diagnosis.status == "confirmed"
        assert diagnosis.excluded_until == diagnosis.onset_on + datetime.timedelta(days=14)
        certificate = ReturnCertificate.objects.get(diagnosis=diagnosis)
        assert certificate.issued_on >= diagnosis.excluded_until
        # In care again only after the exclusion and the certificate.
        attended = Attendance.objects.filter(child=diagnosis.child, day__gte=diagnosis.onset_on)
        days = list(attended.values_list("day", flat=True))
        assert all(attended_day > diagnosis.excluded_until for attended_day in days)
        assert timezone.localdate(certificate.checked_at) < min(days, default=timezone.localdate())
    health_worker = User.objects.get(phone=HEALTH_WORKER)
    assert list(excluded_children(health_worker)) == []


def test_the_quarantine_lasted_ten_days_and_has_ended() -> None:
    outbreak = the_outbreak()
    quarantine = ClassQuarantine.objects.get(outbreak=outbreak)
    assert outbreak.care_class is not None

    assert quarantine.care_class == outbreak.care_class
    assert (quarantine.ends_on - quarantine.starts_on).days == 9
    assert quarantine.ends_on < timezone.localdate()
    assert quarantine_covering(outbreak.care_class, timezone.localdate()) is None
    assert outbreak.resolved_at is not None and timezone.localdate(outbreak.resolved_at) > quarantine.ends_on


def test_no_outbreak_finding_and_the_regulator_sees_it_as_resolved() -> None:
    regulator = User.objects.get(phone=REGULATOR)
    assert list(outbreaks_visible_to(regulator)) == [the_outbreak()]
    assert not Finding.objects.filter(rule_code="OUT-01").exists()

    client = signed_in_client(regulator)
    page = client.get("/health/outbreaks/").content.decode()

    assert 'id="no-active-outbreak"' in page and f'data-outbreak="{the_outbreak().pk}"' in page


def test_the_week_of_daily_care_stays_below_the_outbreak_thresholds() -> None:
    """The week of daily care is written in bulk, so the watch never looks at it: its symptoms must not add
    up to a cluster the watch would have reported (3 in a class on one day, 5 within 3 days)."""
    today = timezone.localdate()
    since = today - datetime.timedelta(days=10)
    assert Absence.objects.filter(day__gte=since, reason="illness").exists()

    for care_class in CareClass.objects.filter(absences__day__gte=since).distinct():
        for symptom, by_day in symptom_log(care_class, since, today).items():
            for day in by_day:
                window = [by_day.get(day + datetime.timedelta(days=n), set()) for n in range(3)]
                assert len(by_day[day]) < SAME_DAY_CASES, (care_class.name, symptom, day)
                assert len(set().union(*window)) < THREE_DAY_CASES, (care_class.name, symptom, day)
    assert OutbreakReport.objects.filter(opened_at__date__gte=since).count() == 0
