"""The symptom watch (YQ06): 3 children of a class with the same symptom on one day, or 5 within 3
consecutive days, open an outbreak report due within 24 hours, alerting the institution's health workers
and directors and the district's regulators; further cases join the active report.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Absence, AbsenceReason, CheckDecision, CheckKind, Observation, Symptom
from tuoyu.daycare.services import attendance as attendance_services
from tuoyu.health import tasks as health_tasks
from tuoyu.health.models import OutbreakReport, OutbreakTrigger
from tuoyu.health.selectors.outbreaks import symptom_log
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import (
    _english,
    absent_ill,
    checked,
    children,
    days_ago,
    regulator_of,
    run_watch,
    sms_outbox,
    today,
)
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.operations.models import TaskFailure
from tuoyu.regions.models import Region
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import regulators_of
from tuoyu.registry.standards import AgeBand
from tuoyu.sms import MemoryBackend

pytestmark = pytest.mark.django_db

__all__ = ["_english", "sms_outbox"]  # fixtures used by name


# Thresholds -------------------------------------------------------------------------------------------------


def test_two_children_with_fever_on_one_day_open_nothing(class_x: CareClass) -> None:
    for child in children(class_x, 2):
        absent_ill(child, class_x, Symptom.FEVER)

    assert run_watch(class_x) == []
    assert not OutbreakReport.objects.exists()


def test_three_children_absent_with_fever_on_one_day_open_a_report_due_in_24_hours(
    class_x: CareClass,
) -> None:
    kids = children(class_x, 3)
    for child in kids:
        absent_ill(child, class_x, Symptom.FEVER)
    now = timezone.now()

    (outbreak,) = run_watch(class_x, now=now)

    assert (outbreak.trigger, outbreak.symptom, outbreak.care_class) == (
        OutbreakTrigger.SAME_DAY,
        Symptom.FEVER,
        class_x,
    )
    assert outbreak.institution == class_x.institution
    assert (outbreak.first_day, outbreak.last_day, outbreak.case_count) == (today(), today(), 3)
    assert set(outbreak.cases.all()) == set(kids)
    assert outbreak.opened_at == now
    assert outbreak.due_at == now + datetime.timedelta(hours=24)
    assert outbreak.is_active and outbreak.reported_at is None


def test_illness_absences_announced_for_tomorrow_count_only_once_tomorrow_comes(
    class_x: CareClass, clock: Any
) -> None:
    tomorrow = today() + datetime.timedelta(days=1)
    for child in children(class_x, 3):
        absent_ill(child, class_x, Symptom.FEVER, day=tomorrow)

    assert symptom_log(class_x, today(), tomorrow) == {}
    assert run_watch(class_x, day=tomorrow) == []
    assert not OutbreakReport.objects.exists()

    clock.shift(datetime.timedelta(days=1))

    (outbreak,) = run_watch(class_x, day=tomorrow)
    assert (outbreak.first_day, outbreak.case_count) == (tomorrow, 3)


def test_abnormal_checks_count_by_their_symptom_category(class_x: CareClass) -> None:
    a, b, c = children(class_x, 3)
    checked(a, class_x, temperature="37.3", decision=CheckDecision.SEND_HOME)
    checked(b, class_x, temperature="36.6", observations=[Observation.RASH])
    checked(c, class_x, temperature="36.6", observations=[Observation.COUGH, Observation.RUNNY_NOSE])
    checked(c, class_x, temperature="38.2", kind=CheckKind.NOON, decision=CheckDecision.SEND_HOME)

    log = symptom_log(class_x, today(), today())

    assert log == {
        Symptom.FEVER: {today(): {a.pk, c.pk}},
        Symptom.RASH: {today(): {b.pk}},
        Symptom.RESPIRATORY: {today(): {c.pk}},
    }


def test_a_temperature_just_under_fever_injuries_and_other_are_no_symptom(class_x: CareClass) -> None:
    a, b, c, d = children(class_x, 4)
    checked(a, class_x, temperature="37.2", decision=CheckDecision.WATCH)
    checked(b, class_x, observations=[Observation.INJURY])
    checked(c, class_x, observations=[Observation.OTHER])
    absent_ill(d, class_x, Symptom.OTHER)

    assert symptom_log(class_x, today(), today()) == {}
    assert run_watch(class_x) == []


def test_three_children_with_fever_at_the_morning_or_noon_check_open_a_report(class_x: CareClass) -> None:
    a, b, c = children(class_x, 3)
    checked(a, class_x, temperature="38.0", decision=CheckDecision.SEND_HOME)
    checked(b, class_x, temperature="37.5", decision=CheckDecision.SEND_HOME)
    checked(c, class_x)
    checked(c, class_x, temperature="37.8", kind=CheckKind.NOON, decision=CheckDecision.SEND_HOME)

    (outbreak,) = run_watch(class_x)

    assert (outbreak.trigger, outbreak.case_count) == (OutbreakTrigger.SAME_DAY, 3)


def test_a_child_with_fever_in_the_morning_and_at_noon_counts_once(class_x: CareClass) -> None:
    a, b = children(class_x, 2)
    checked(a, class_x, temperature="37.6", decision=CheckDecision.WATCH)
    checked(a, class_x, temperature="38.1", kind=CheckKind.NOON, decision=CheckDecision.SEND_HOME)
    absent_ill(b, class_x, Symptom.FEVER)

    assert run_watch(class_x) == []


def test_different_symptoms_do_not_add_up(class_x: CareClass) -> None:
    a, b, c, d, e = children(class_x, 5)
    absent_ill(a, class_x, Symptom.FEVER)
    absent_ill(b, class_x, Symptom.FEVER)
    absent_ill(c, class_x, Symptom.RASH)
    absent_ill(d, class_x, Symptom.GASTRO)
    checked(e, class_x, observations=[Observation.RED_EYES])

    assert run_watch(class_x) == []
    assert not OutbreakReport.objects.exists()


def test_children_of_another_class_do_not_add_up(class_x: CareClass, institution_x: Institution) -> None:
    other = CareClassFactory.create(
        institution=institution_x, name="星星托小班", age_band=AgeBand.TODDLER, capacity=15
    )
    a, b = children(class_x, 2)
    (c,) = children(other, 1, prefix="小班")
    for child, care_class in ((a, class_x), (b, class_x), (c, other)):
        absent_ill(child, care_class, Symptom.FEVER)

    assert run_watch(class_x) == [] and run_watch(other) == []


def test_five_children_with_the_same_symptom_within_three_days_open_a_report(class_x: CareClass) -> None:
    a, b, c, d, e = children(class_x, 5)
    absent_ill(a, class_x, Symptom.GASTRO, day=days_ago(2))
    absent_ill(b, class_x, Symptom.GASTRO, day=days_ago(2))
    checked(c, class_x, day=days_ago(1), observations=[Observation.VOMITING_DIARRHOEA], decision="send_home")
    absent_ill(d, class_x, Symptom.GASTRO)
    absent_ill(e, class_x, Symptom.GASTRO)

    assert run_watch(class_x, days_ago(2)) == [] and run_watch(class_x, days_ago(1)) == []
    (outbreak,) = run_watch(class_x)

    assert (outbreak.trigger, outbreak.symptom) == (OutbreakTrigger.THREE_DAYS, Symptom.GASTRO)
    assert (outbreak.first_day, outbreak.last_day, outbreak.case_count) == (days_ago(2), today(), 5)
    assert set(outbreak.cases.all()) == {a, b, c, d, e}


def test_four_children_within_three_days_open_nothing(class_x: CareClass) -> None:
    a, b, c, d = children(class_x, 4)
    absent_ill(a, class_x, Symptom.RESPIRATORY, day=days_ago(2))
    absent_ill(b, class_x, Symptom.RESPIRATORY, day=days_ago(1))
    absent_ill(c, class_x, Symptom.RESPIRATORY)
    absent_ill(d, class_x, Symptom.RESPIRATORY)

    assert run_watch(class_x) == []


def test_five_children_over_four_days_open_nothing(class_x: CareClass) -> None:
    a, b, c, d, e = children(class_x, 5)
    absent_ill(a, class_x, Symptom.RESPIRATORY, day=days_ago(3))
    absent_ill(b, class_x, Symptom.RESPIRATORY, day=days_ago(2))
    absent_ill(c, class_x, Symptom.RESPIRATORY, day=days_ago(1))
    absent_ill(d, class_x, Symptom.RESPIRATORY)
    absent_ill(e, class_x, Symptom.RESPIRATORY)

    assert run_watch(class_x) == []


def test_a_child_sent_home_with_fever_and_absent_the_next_days_counts_once_per_day(
    class_x: CareClass,
) -> None:
    a, b, c, d = children(class_x, 4)
    checked(a, class_x, day=days_ago(2), temperature="38.3", decision=CheckDecision.SEND_HOME)
    absent_ill(a, class_x, Symptom.FEVER, day=days_ago(1))
    absent_ill(b, class_x, Symptom.FEVER, day=days_ago(1))
    absent_ill(a, class_x, Symptom.FEVER)
    absent_ill(c, class_x, Symptom.FEVER)
    absent_ill(d, class_x, Symptom.FEVER, day=days_ago(2))

    # Six child-days of fever, but four children within the three days, two or three on each day.
    assert run_watch(class_x) == []
    # A fifth child makes three on the day: A counts on each day she is ill.
    (e,) = children(class_x, 1, prefix="新")
    absent_ill(e, class_x, Symptom.FEVER)
    (outbreak,) = run_watch(class_x)
    assert (outbreak.trigger, outbreak.case_count) == (OutbreakTrigger.SAME_DAY, 3)
    assert set(outbreak.cases.all()) == {a, c, e}


def test_a_child_who_comes_after_all_with_a_noon_fever_counts_once_that_day(class_x: CareClass) -> None:
    a, b = children(class_x, 2)
    absent_ill(a, class_x, Symptom.FEVER)
    checked(a, class_x, temperature="38.0", kind=CheckKind.NOON, decision=CheckDecision.SEND_HOME)
    absent_ill(b, class_x, Symptom.FEVER)

    assert symptom_log(class_x, today(), today()) == {Symptom.FEVER: {today(): {a.pk, b.pk}}}
    assert run_watch(class_x) == []


# One report per class and symptom -------------------------------------------------------------------------


def test_running_the_watch_again_changes_nothing(class_x: CareClass, health_worker_x: User) -> None:
    for child in children(class_x, 3):
        absent_ill(child, class_x, Symptom.FEVER)
    (first,) = run_watch(class_x)

    (again,) = run_watch(class_x)

    assert again.pk == first.pk and OutbreakReport.objects.count() == 1
    assert OutbreakReport.objects.get().case_count == 3
    assert (
        Notification.objects.filter(user=health_worker_x, kind=NotificationKind.OUTBREAK_OPENED).count() == 1
    )


def test_a_further_case_joins_the_active_report_instead_of_opening_another(class_x: CareClass) -> None:
    kids = children(class_x, 5)
    for child in kids[:3]:
        absent_ill(child, class_x, Symptom.FEVER, day=days_ago(1))
    (outbreak,) = run_watch(class_x, days_ago(1))
    alerts = Notification.objects.count()

    absent_ill(kids[3], class_x, Symptom.FEVER)
    (updated,) = run_watch(class_x)

    assert updated.pk == outbreak.pk and OutbreakReport.objects.count() == 1
    outbreak.refresh_from_db()
    assert (outbreak.case_count, outbreak.first_day, outbreak.last_day) == (4, days_ago(1), today())
    assert kids[3] in outbreak.cases.all()
    assert Notification.objects.count() == alerts  # no new alert for a further case
    # Another symptom in the same class is another outbreak.
    absent_ill(kids[4], class_x, Symptom.RASH)
    assert run_watch(class_x) == [outbreak]
    assert OutbreakReport.objects.count() == 1


def test_after_the_report_is_resolved_a_new_cluster_opens_a_new_report(
    class_x: CareClass, health_worker_x: User
) -> None:
    kids = children(class_x, 6)
    for child in kids[:3]:
        absent_ill(child, class_x, Symptom.FEVER, day=days_ago(5))
    (old,) = run_watch(class_x, days_ago(5))
    services.outbreak_report_submit(outbreak=old, report="已报告区疾控中心", by=health_worker_x)
    services.outbreak_resolve(outbreak=old, resolution="无新发病例，已结案", by=health_worker_x)

    for child in kids[3:]:
        absent_ill(child, class_x, Symptom.FEVER)
    (new,) = run_watch(class_x)

    assert new.pk != old.pk and new.is_active
    assert set(new.cases.all()) == set(kids[3:])


# Alerts ---------------------------------------------------------------------------------------------------


def test_opening_alerts_health_workers_directors_and_district_regulators_only(
    class_x: CareClass,
    health_worker_x: User,
    director_x: User,
    caregiver_x: User,
    regulator_a: User,
    regulator_b: User,
    director_y: User,
    doctor: User,
    street_a1: Region,
    street_a2: Region,
    django_capture_on_commit_callbacks: Any,
) -> None:
    street_regulator = regulator_of(street_a1, "甲一街道监管员")
    other_street_regulator = regulator_of(street_a2, "甲二街道监管员")
    for child in children(class_x, 3):
        absent_ill(child, class_x, Symptom.FEVER)

    with django_capture_on_commit_callbacks(execute=True):
        (outbreak,) = run_watch(class_x)

    told = {n.user for n in Notification.objects.filter(kind=NotificationKind.OUTBREAK_OPENED)}
    assert told == {health_worker_x, director_x, regulator_a, street_regulator}
    assert {caregiver_x, regulator_b, director_y, doctor, other_street_regulator}.isdisjoint(told)
    assert set(regulators_of(class_x.institution)) == {regulator_a, street_regulator}
    note = Notification.objects.get(user=regulator_a, kind=NotificationKind.OUTBREAK_OPENED)
    assert note.link == f"/health/outbreaks/{outbreak.pk}/" and note.sent_by_sms
    assert "星星托育园" in note.title and "星星托大班" in note.body
    due = timezone.localtime(outbreak.due_at).strftime("%Y-%m-%d %H:%M")
    assert due in note.title
    assert {phone for phone, _text in MemoryBackend.outbox} == {
        u.phone for u in (health_worker_x, director_x, regulator_a, street_regulator)
    }


def test_each_person_reads_the_alert_in_their_own_language(
    class_x: CareClass, regulator_a: User, health_worker_x: User
) -> None:
    regulator_a.preferred_language = "zh-hans"
    regulator_a.save()
    health_worker_x.preferred_language = "en"
    health_worker_x.save()
    for child in children(class_x, 3):
        absent_ill(child, class_x, Symptom.FEVER)

    run_watch(class_x)

    assert "(Fever)" in Notification.objects.get(user=health_worker_x).body
    assert "（发热）" in Notification.objects.get(user=regulator_a).body


# Wiring: the daycare recordings run the watch once committed ----------------------------------------------


def test_three_illness_absences_recorded_through_the_class_screen_open_a_report(
    class_x: CareClass, caregiver_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    for child in children(class_x, 3):
        with django_capture_on_commit_callbacks(execute=True):
            attendance_services.absence_record(
                care_class=class_x, child=child, by=caregiver_x, reason=AbsenceReason.ILLNESS, symptom="fever"
            )

    outbreak = OutbreakReport.objects.get()
    assert (outbreak.trigger, outbreak.case_count) == (OutbreakTrigger.SAME_DAY, 3)


def test_three_fevers_at_the_morning_check_open_a_report(
    class_x: CareClass, caregiver_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    for child in children(class_x, 3):
        with django_capture_on_commit_callbacks(execute=True):
            attendance_services.attendance_check_in(
                care_class=class_x,
                child=child,
                by=caregiver_x,
                temperature_c="38.1",
                decision=CheckDecision.SEND_HOME,
                reason="发热",
                guardian_notified_at=timezone.now(),
                action="已通知家长接回",
            )

    assert OutbreakReport.objects.get().case_count == 3


def test_nothing_is_watched_before_the_recording_commits(
    class_x: CareClass, caregiver_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    kids = children(class_x, 3)
    for child in kids[:2]:
        absent_ill(child, class_x, Symptom.FEVER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attendance_services.absence_record(
            care_class=class_x, child=kids[2], by=caregiver_x, reason=AbsenceReason.ILLNESS, symptom="fever"
        )

    assert not OutbreakReport.objects.exists()
    for callback in callbacks:
        callback()
    assert OutbreakReport.objects.count() == 1


def test_a_failing_watch_is_kept_as_a_failed_task_to_retry_and_the_recording_kept(
    class_x: CareClass,
    caregiver_x: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(health_tasks, "outbreak_watch", broken)
    (child,) = children(class_x, 1)

    with django_capture_on_commit_callbacks(execute=True):
        absence = attendance_services.absence_record(
            care_class=class_x, child=child, by=caregiver_x, reason=AbsenceReason.ILLNESS, symptom="fever"
        )

    assert Absence.objects.filter(pk=absence.pk).exists()
    failure = TaskFailure.objects.get()
    assert failure.task == "tuoyu.health.tasks.outbreak_watch_of"
    assert "database went away" in failure.error and failure.retries_left == 3
    assert [task.name for task in HUEY.scheduled()] == ["outbreak_watch_of"]  # tried again in a minute
