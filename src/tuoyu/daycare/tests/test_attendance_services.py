"""The attendance rules against the database: check-in with the morning check, the noon check, absences and
their follow-up, check-out to authorised persons only, and the expected-but-absent alert.

Every refusal is checked with its code and with the proof that nothing was written.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.daycare.factories import AttendanceFactory, placed_child
from tuoyu.daycare.models import (
    Absence,
    Attendance,
    AttendanceStatus,
    CheckDecision,
    CheckKind,
    HealthCheck,
    IllnessFollowUp,
    PickupRefusal,
)
from tuoyu.daycare.selectors.attendance import DayState, day_entry, day_roster, expected_absent
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.factories import PickupPersonFactory
from tuoyu.enrolment.models import Child, Placement
from tuoyu.enrolment.services import entry_exam_record
from tuoyu.enrolment.tests.helpers import _english, sms_outbox
from tuoyu.notifications.models import Notification
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

pytestmark = pytest.mark.django_db

__all__ = ["_english", "sms_outbox"]  # fixtures used by name


@pytest.fixture
def parent() -> User:
    return UserFactory.create(display_name="家长孙女士", preferred_language="en")


@pytest.fixture
def child(class_x: CareClass, parent: User) -> Child:
    return placed_child(class_x, guardian=parent, name="孙小萌")


def nothing_written() -> bool:
    return not (
        Attendance.objects.exists()
        or HealthCheck.objects.exists()
        or Absence.objects.exists()
        or IllnessFollowUp.objects.exists()
        or PickupRefusal.objects.exists()
    )


def check_in(care_class: CareClass, child: Child, by: User, **fields: Any) -> Attendance:
    fields.setdefault("temperature_c", "36.5")
    fields.setdefault("decision", CheckDecision.ADMIT)
    return services.attendance_check_in(care_class=care_class, child=child, by=by, **fields)


def refused(action: Callable[[], object]) -> Refusal:
    with pytest.raises(Refusal) as caught:
        action()
    return caught.value


# Check-in with the morning check ----------------------------------------------------------------------------


def test_check_in_records_attendance_and_the_morning_check(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    attendance = check_in(class_x, child, caregiver_x, temperature_c="36.6")

    assert attendance.status == AttendanceStatus.CHECKED_IN
    assert (attendance.day, attendance.care_class, attendance.checked_in_by) == (
        timezone.localdate(),
        class_x,
        caregiver_x,
    )
    check = HealthCheck.objects.get(attendance=attendance)
    assert (check.kind, check.temperature_c, check.decision) == (CheckKind.MORNING, Decimal("36.6"), "admit")
    assert check.observations == [] and not check.is_abnormal
    assert day_entry(child, timezone.localdate()).state == DayState.CHECKED_IN


@pytest.mark.parametrize("temperature", ["33.9", "43.1", "3.65", "365", "-36.5"])
def test_an_implausible_temperature_is_refused_and_nothing_written(
    class_x: CareClass, child: Child, caregiver_x: User, temperature: str
) -> None:
    refusal = refused(lambda: check_in(class_x, child, caregiver_x, temperature_c=temperature))

    assert refusal.code == "temperature_implausible" and not refusal.conflict
    assert "not a plausible body temperature" in refusal.text
    assert nothing_written()


@pytest.mark.parametrize("temperature", ["34", "43.0", "34.0"])
def test_the_bounds_34_and_43_are_plausible(
    class_x: CareClass, child: Child, caregiver_x: User, temperature: str
) -> None:
    notified = timezone.now()
    attendance = check_in(
        class_x,
        child,
        caregiver_x,
        temperature_c=temperature,
        decision=CheckDecision.SEND_HOME,
        reason="体温异常",
        guardian_notified_at=notified,
        action="已电话通知家长接回",
    )
    assert attendance.health_checks.get().temperature_c == Decimal(temperature)


@pytest.mark.parametrize(("value", "code"), [("", "temperature_required"), ("abc", "temperature_invalid")])
def test_a_missing_or_unreadable_temperature_is_refused(
    class_x: CareClass, child: Child, caregiver_x: User, value: str, code: str
) -> None:
    assert refused(lambda: check_in(class_x, child, caregiver_x, temperature_c=value)).code == code
    assert nothing_written()


@pytest.mark.parametrize(
    "abnormal",
    [
        {"temperature_c": "37.3"},
        {"temperature_c": "38.4"},
        {"observations": ["cough"]},
        {"decision": CheckDecision.WATCH},
        {"decision": CheckDecision.SEND_HOME, "reason": "发热"},
    ],
    ids=["fever-from-37.3", "high-fever", "observation", "watch", "send-home"],
)
def test_an_abnormal_check_needs_the_guardian_notified_and_an_action(
    class_x: CareClass, child: Child, caregiver_x: User, abnormal: dict[str, Any]
) -> None:
    refusal = refused(lambda: check_in(class_x, child, caregiver_x, **abnormal))
    assert refusal.code == "abnormal_needs_notification"
    assert nothing_written()

    only_time = refused(
        lambda: check_in(class_x, child, caregiver_x, guardian_notified_at=timezone.now(), **abnormal)
    )
    only_action = refused(lambda: check_in(class_x, child, caregiver_x, action="观察", **abnormal))
    assert only_time.code == only_action.code == "abnormal_needs_notification"
    assert nothing_written()

    notified = timezone.now() - datetime.timedelta(minutes=3)
    attendance = check_in(
        class_x, child, caregiver_x, guardian_notified_at=notified, action="已电话告知家长，留观", **abnormal
    )
    check = attendance.health_checks.get()
    assert check.is_abnormal and check.guardian_notified_at == notified
    assert check.action == "已电话告知家长，留观"


def test_372_is_normal_and_373_is_a_fever(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    assert (
        check_in(class_x, child, caregiver_x, temperature_c="37.2").health_checks.get().is_abnormal is False
    )
    other = placed_child(class_x, name="钱小多")
    assert refused(lambda: check_in(class_x, other, caregiver_x, temperature_c="37.3")).code == (
        "abnormal_needs_notification"
    )


def test_sending_home_needs_a_reason_and_records_the_child_sent_home(
    class_x: CareClass, child: Child, caregiver_x: User, parent: User
) -> None:
    notified = timezone.now()
    fields = {
        "temperature_c": "38.1",
        "decision": CheckDecision.SEND_HOME,
        "guardian_notified_at": notified,
        "action": "家长已接回",
    }
    assert refused(lambda: check_in(class_x, child, caregiver_x, **fields)).code == "reason_required"
    assert nothing_written()

    attendance = check_in(class_x, child, caregiver_x, reason="发热 38.1 °C", **fields)

    assert attendance.status == AttendanceStatus.SENT_HOME
    assert day_entry(child, attendance.day).state == DayState.SENT_HOME
    message = Notification.objects.get(user=parent, kind="sent_home")
    assert "孙小萌" in message.title and "38.1" in message.body


def test_observations_are_kept_in_checklist_order_and_unknown_ones_refused(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    abnormal = {"guardian_notified_at": timezone.now(), "action": "告知家长", "decision": CheckDecision.WATCH}
    assert (
        refused(lambda: check_in(class_x, child, caregiver_x, observations=["measles"], **abnormal)).code
        == "observation_unknown"
    )
    attendance = check_in(class_x, child, caregiver_x, observations=["red_eyes", "rash", "rash"], **abnormal)
    assert attendance.health_checks.get().observations == ["rash", "red_eyes"]
    assert attendance.status == AttendanceStatus.CHECKED_IN  # watching: admitted


def test_a_guardian_cannot_have_been_notified_in_the_future(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    later = timezone.now() + datetime.timedelta(hours=1)
    refusal = refused(
        lambda: check_in(
            class_x, child, caregiver_x, temperature_c="37.8", guardian_notified_at=later, action="通知"
        )
    )
    assert refusal.code == "notified_in_future"
    assert nothing_written()


def test_a_second_check_in_is_refused_as_a_conflict(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    check_in(class_x, child, caregiver_x)

    refusal = refused(lambda: check_in(class_x, child, caregiver_x, temperature_c="36.8"))

    assert refusal.code == "already_checked_in" and refusal.conflict
    assert Attendance.objects.count() == HealthCheck.objects.count() == 1
    assert HealthCheck.objects.get().temperature_c == Decimal("36.5")


def test_a_child_without_a_place_in_the_class_today_is_refused(
    class_x: CareClass, class_y: CareClass, caregiver_x: User
) -> None:
    elsewhere = placed_child(class_y, name="周小乐")
    starts_tomorrow = placed_child(
        class_x, name="吴小安", start_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert refused(lambda: check_in(class_x, elsewhere, caregiver_x)).code == "not_on_roster"
    assert refused(lambda: check_in(class_x, starts_tomorrow, caregiver_x)).code == "not_on_roster"
    assert nothing_written()


# The noon check ---------------------------------------------------------------------------------------------


def test_noon_check_of_a_child_present(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    check_in(class_x, child, caregiver_x)

    check = services.noon_check_record(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.7", decision=CheckDecision.ADMIT
    )

    assert (check.kind, check.temperature_c) == (CheckKind.NOON, Decimal("36.7"))
    assert day_entry(child, timezone.localdate()).noon == check
    again = refused(
        lambda: services.noon_check_record(
            care_class=class_x, child=child, by=caregiver_x, temperature_c="36.6", decision="admit"
        )
    )
    assert again.code == "already_checked" and again.conflict
    assert HealthCheck.objects.filter(kind=CheckKind.NOON).count() == 1


def test_noon_check_follows_the_same_rules(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    check_in(class_x, child, caregiver_x)

    def noon(**fields: Any) -> object:
        fields.setdefault("decision", CheckDecision.ADMIT)
        return services.noon_check_record(care_class=class_x, child=child, by=caregiver_x, **fields)

    assert refused(lambda: noon(temperature_c="44")).code == "temperature_implausible"
    assert refused(lambda: noon(temperature_c="37.9")).code == "abnormal_needs_notification"
    assert refused(lambda: noon(temperature_c="36.5", observations=["vomiting_diarrhoea"])).code == (
        "abnormal_needs_notification"
    )
    assert not HealthCheck.objects.filter(kind=CheckKind.NOON).exists()

    check = noon(
        temperature_c="37.9",
        decision=CheckDecision.SEND_HOME,
        reason="午睡后发热",
        action="通知接回",
        guardian_notified_at=timezone.now(),
    )
    assert isinstance(check, HealthCheck) and check.is_abnormal
    # Sent home at noon: still present until someone collects the child.
    assert Attendance.objects.get().status == AttendanceStatus.CHECKED_IN


def test_noon_check_of_a_child_not_present_is_refused(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    refusal = refused(
        lambda: services.noon_check_record(
            care_class=class_x, child=child, by=caregiver_x, temperature_c="36.5", decision="admit"
        )
    )
    assert refusal.code == "not_checked_in" and refusal.conflict
    assert nothing_written()


# Absence and the illness follow-up --------------------------------------------------------------------------


def test_an_illness_absence_needs_a_symptom(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    refusal = refused(
        lambda: services.absence_record(care_class=class_x, child=child, by=caregiver_x, reason="illness")
    )
    assert refusal.code == "symptom_required" and not refusal.conflict
    assert nothing_written()


def test_an_illness_absence_opens_a_follow_up_and_tells_the_health_workers(
    class_x: CareClass, child: Child, caregiver_x: User, health_worker_x: User, director_x: User
) -> None:
    absence = services.absence_record(
        care_class=class_x, child=child, by=caregiver_x, reason="illness", symptom="fever", note="妈妈来电"
    )

    follow_up = IllnessFollowUp.objects.get(absence=absence)
    assert follow_up.closed_at is None
    message = Notification.objects.get(kind="illness_absence")
    assert message.user == health_worker_x and "孙小萌" in message.title
    assert message.link == "/care/follow-ups/"
    assert not Notification.objects.filter(user=director_x).exists()
    assert day_entry(child, absence.day).state == DayState.ABSENT


def test_a_personal_absence_opens_no_follow_up(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    absence = services.absence_record(
        care_class=class_x, child=child, by=caregiver_x, reason="personal", symptom="fever"
    )
    assert absence.symptom == ""  # a symptom means nothing without illness
    assert not IllnessFollowUp.objects.exists() and not Notification.objects.exists()


def test_absence_refusals(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    def absent(**fields: Any) -> object:
        fields.setdefault("reason", "personal")
        return services.absence_record(care_class=class_x, child=child, by=caregiver_x, **fields)

    assert refused(lambda: absent(reason="holiday")).code == "reason_invalid"
    assert refused(lambda: absent(reason="illness", symptom="headache")).code == "symptom_invalid"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert refused(lambda: absent(day=yesterday)).code == "day_in_past"
    assert nothing_written()

    absent()
    twice = refused(absent)
    assert twice.code == "already_absent" and twice.conflict
    assert Absence.objects.count() == 1


def test_an_absence_can_be_announced_ahead(class_x: CareClass, child: Child, caregiver_x: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    absence = services.absence_record(
        care_class=class_x, child=child, by=caregiver_x, reason="personal", day=tomorrow
    )
    assert absence.day == tomorrow
    assert child in expected_absent(class_x, timezone.localdate())
    assert child not in expected_absent(class_x, tomorrow)


def test_a_child_checked_in_cannot_be_marked_absent(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    check_in(class_x, child, caregiver_x)
    refusal = refused(
        lambda: services.absence_record(care_class=class_x, child=child, by=caregiver_x, reason="personal")
    )
    assert refusal.code == "already_checked_in"
    assert not Absence.objects.exists()


def test_a_child_marked_absent_who_comes_after_all_is_checked_in(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    services.absence_record(care_class=class_x, child=child, by=caregiver_x, reason="personal")
    check_in(class_x, child, caregiver_x)
    assert day_entry(child, timezone.localdate()).state == DayState.CHECKED_IN


def test_the_health_worker_records_the_outcome_and_closes_the_follow_up(
    class_x: CareClass, child: Child, caregiver_x: User, health_worker_x: User
) -> None:
    absence = services.absence_record(
        care_class=class_x, child=child, by=caregiver_x, reason="illness", symptom="respiratory"
    )
    follow_up = absence.follow_up
    day_before = absence.day - datetime.timedelta(days=1)
    refusal = refused(
        lambda: services.follow_up_update(follow_up=follow_up, by=health_worker_x, expected_return=day_before)
    )
    assert refusal.code == "expected_return_before_absence"
    assert refused(
        lambda: services.follow_up_update(follow_up=follow_up, by=health_worker_x, close=True)
    ).code == ("outcome_required")
    follow_up.refresh_from_db()
    assert (follow_up.expected_return, follow_up.closed_at) == (None, None)

    back = absence.day + datetime.timedelta(days=3)
    services.follow_up_update(
        follow_up=follow_up, by=health_worker_x, diagnosis="上呼吸道感染", expected_return=back
    )
    closed = services.follow_up_update(
        follow_up=follow_up, by=health_worker_x, outcome="痊愈返园", close=True
    )

    assert (closed.diagnosis, closed.expected_return, closed.outcome) == ("上呼吸道感染", back, "痊愈返园")
    assert closed.closed_at is not None and closed.closed_by == health_worker_x
    again = refused(lambda: services.follow_up_update(follow_up=follow_up, by=health_worker_x, outcome="x"))
    assert again.code == "follow_up_closed" and again.conflict


# Check-out --------------------------------------------------------------------------------------------------


def test_check_out_to_an_authorised_pick_up_person(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    grandma = PickupPersonFactory.create(child=child, name="孙桂兰")
    check_in(class_x, child, caregiver_x)

    attendance = services.attendance_check_out(
        care_class=class_x, child=child, by=caregiver_x, pickup_person=grandma
    )

    assert attendance.status == AttendanceStatus.CHECKED_OUT
    assert attendance.picked_up_by_person == grandma and attendance.picked_up_by_name == "孙桂兰"
    assert attendance.checked_out_by == caregiver_x
    assert attendance.checked_out_at is not None and attendance.checked_out_at >= attendance.checked_in_at
    assert not PickupRefusal.objects.exists()


def test_check_out_to_a_guardian(class_x: CareClass, child: Child, caregiver_x: User, parent: User) -> None:
    check_in(class_x, child, caregiver_x)

    attendance = services.attendance_check_out(
        care_class=class_x, child=child, by=caregiver_x, guardian=parent
    )

    assert attendance.picked_up_by_guardian == parent and attendance.picked_up_by_name == "家长孙女士"
    assert day_entry(child, attendance.day).state == DayState.CHECKED_OUT


def test_someone_else_is_refused_recorded_and_the_director_alerted_at_once(
    class_x: CareClass,
    child: Child,
    caregiver_x: User,
    director_x: User,
    director_y: User,
    django_capture_on_commit_callbacks: Any,
    sms_outbox: list[tuple[str, str]],
) -> None:
    check_in(class_x, child, caregiver_x)

    with django_capture_on_commit_callbacks(execute=True):
        refusal = refused(
            lambda: services.attendance_check_out(
                care_class=class_x, child=child, by=caregiver_x, person_name="陌生人张三", note="自称舅舅"
            )
        )

    assert refusal.code == "pickup_not_authorised" and not refusal.conflict
    assert "陌生人张三" in refusal.text and "孙小萌" in refusal.text
    attendance = Attendance.objects.get()
    assert attendance.status == AttendanceStatus.CHECKED_IN and attendance.checked_out_at is None
    record = PickupRefusal.objects.get()
    assert (record.attendance, record.person_name, record.note, record.refused_by) == (
        attendance,
        "陌生人张三",
        "自称舅舅",
        caregiver_x,
    )
    alert = Notification.objects.get(kind="pickup_refused")
    assert alert.user == director_x and alert.sent_by_sms
    assert "孙小萌" in alert.title and "陌生人张三" in alert.body
    assert [phone for phone, _text in sms_outbox] == [director_x.phone]
    assert not Notification.objects.filter(user=director_y).exists()


def test_a_pick_up_person_of_another_child_or_a_stranger_guardian_is_refused(
    class_x: CareClass, child: Child, caregiver_x: User, guardian: User
) -> None:
    check_in(class_x, child, caregiver_x)
    someone_elses = PickupPersonFactory.create(name="李秀英")  # authorised for another child

    by_person = refused(
        lambda: services.attendance_check_out(
            care_class=class_x, child=child, by=caregiver_x, pickup_person=someone_elses
        )
    )
    by_user = refused(
        lambda: services.attendance_check_out(
            care_class=class_x, child=child, by=caregiver_x, guardian=guardian
        )
    )

    assert by_person.code == by_user.code == "pickup_not_authorised"
    assert sorted(PickupRefusal.objects.values_list("person_name", flat=True)) == sorted(
        ["李秀英", guardian.display_name]
    )
    assert Attendance.objects.get().status == AttendanceStatus.CHECKED_IN


def test_check_out_refusals_write_nothing(
    class_x: CareClass, child: Child, caregiver_x: User, parent: User
) -> None:
    def out(**fields: Any) -> object:
        return services.attendance_check_out(care_class=class_x, child=child, by=caregiver_x, **fields)

    before = refused(lambda: out(guardian=parent))
    assert before.code == "not_checked_in" and before.conflict
    stranger_before = refused(lambda: out(person_name="张三"))
    assert stranger_before.code == "not_checked_in"  # nothing to refuse from: no attendance yet
    assert nothing_written()

    check_in(class_x, child, caregiver_x)
    assert refused(out).code == "pickup_person_required"
    out(guardian=parent)
    twice = refused(lambda: out(guardian=parent))
    assert twice.code == "already_checked_out" and twice.conflict
    assert not PickupRefusal.objects.exists()


def test_a_child_sent_home_is_not_checked_out(
    class_x: CareClass, child: Child, caregiver_x: User, parent: User
) -> None:
    check_in(
        class_x,
        child,
        caregiver_x,
        temperature_c="38.0",
        decision=CheckDecision.SEND_HOME,
        reason="发热",
        guardian_notified_at=timezone.now(),
        action="家长带回",
    )
    refusal = refused(
        lambda: services.attendance_check_out(
            care_class=class_x, child=child, by=caregiver_x, guardian=parent
        )
    )
    assert refusal.code == "not_checked_in"


# The roster of the day --------------------------------------------------------------------------------------


def test_the_roster_shows_every_state(class_x: CareClass, caregiver_x: User) -> None:
    names = ["甲", "乙", "丙", "丁", "戊"]
    kids = {name: placed_child(class_x, name=name) for name in names}
    placed_child(class_x, name="己", start_date=timezone.localdate() + datetime.timedelta(days=3))  # not yet
    check_in(class_x, kids["乙"], caregiver_x)
    check_in(class_x, kids["丙"], caregiver_x)
    parent = kids["丙"].guardianships.get().user
    services.attendance_check_out(care_class=class_x, child=kids["丙"], by=caregiver_x, guardian=parent)
    services.absence_record(care_class=class_x, child=kids["丁"], by=caregiver_x, reason="personal")
    check_in(
        class_x,
        kids["戊"],
        caregiver_x,
        temperature_c="38.2",
        decision="send_home",
        reason="发热",
        guardian_notified_at=timezone.now(),
        action="接回",
    )

    roster = day_roster(class_x, timezone.localdate())

    assert [(entry.child.name, entry.state) for entry in roster] == [
        ("丁", "absent"),
        ("丙", "checked_out"),
        ("乙", "checked_in"),
        ("戊", "sent_home"),
        ("甲", "expected"),
    ]
    assert [entry.child.name for entry in roster if entry.needs_noon_check] == ["乙"]


# Expected but absent ----------------------------------------------------------------------------------------


def test_expected_absent_lists_children_with_neither_check_in_nor_absence(
    class_x: CareClass, class_y: CareClass, caregiver_x: User
) -> None:
    today = timezone.localdate()
    came, excused, missing = (placed_child(class_x, name=n) for n in ("来了", "请假", "没来"))
    other_institution = placed_child(class_y, name="别处")
    ended = placed_child(class_x, name="已离园")
    ended.placements.update(ends_on=today)
    check_in(class_x, came, caregiver_x)
    services.absence_record(care_class=class_x, child=excused, by=caregiver_x, reason="personal")

    assert list(expected_absent(class_x, today)) == [missing]
    assert list(expected_absent(class_x.institution, today)) == [missing]
    assert set(expected_absent(None, today)) == {missing, other_institution}


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute)))


def test_guardians_are_told_once_per_child_and_day_after_the_configured_time(
    class_x: CareClass, caregiver_x: User, settings: Any
) -> None:
    settings.EXPECTED_ABSENT_AFTER = "09:30"
    mother, father = (UserFactory.create(preferred_language="en") for _ in range(2))
    missing = placed_child(class_x, guardian=mother, name="没来")
    missing.guardianships.create(user=father, relation="father")
    came = placed_child(class_x, name="来了")
    AttendanceFactory.create(placement=came.placements.get())

    assert services.expected_absent_notify(now=at(9, 29)) == 0
    assert not Notification.objects.exists()

    assert services.expected_absent_notify(now=at(9, 31)) == 2
    assert services.expected_absent_notify(now=at(10, 0)) == 0  # once a day

    messages = Notification.objects.filter(kind="expected_absent")
    assert sorted(m.user_id for m in messages) == sorted([mother.pk, father.pk])
    message = messages.get(user=mother)
    assert "没来" in message.title and class_x.institution.name in message.title
    assert message.link == f"/care/children/{missing.code}/attendance/?day={timezone.localdate().isoformat()}"


def test_the_command_notifies_once_a_day(class_x: CareClass, caregiver_x: User, settings: Any) -> None:
    settings.EXPECTED_ABSENT_AFTER = "00:00"  # the tests' clock: a working Wednesday
    parent = UserFactory.create(preferred_language="en")
    placed_child(class_x, guardian=parent, name="没来")

    first, second = StringIO(), StringIO()
    call_command("expected_absent", stdout=first)
    call_command("expected_absent", stdout=second)

    assert Notification.objects.filter(user=parent, kind="expected_absent").count() == 1
    assert "1 guardian" in first.getvalue() and "0 guardian" in second.getvalue()


@pytest.mark.clock("2026-11-28T10:00:00+08:00")  # a Saturday
def test_the_command_does_nothing_on_a_day_off(class_x: CareClass, settings: Any) -> None:
    settings.EXPECTED_ABSENT_AFTER = "00:00"
    placed_child(class_x, name="没来")
    out = StringIO()

    call_command("expected_absent", stdout=out)

    assert not Notification.objects.exists()
    assert "not a working day" in out.getvalue()


# Back after a long absence (托育机构管理规范 art. 11; national rules §7.3) ----------------------------


def in_care_on(child: Child, day: datetime.date) -> Attendance:
    nine = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return AttendanceFactory.create(placement=child.placements.get(), day=day, checked_in_at=nine)


def test_a_child_back_after_3_months_needs_a_new_exam_before_check_in(
    class_x: CareClass, child: Child, caregiver_x: User, health_worker_x: User, client_as: Any
) -> None:
    today = timezone.localdate()
    last = months_later(today, -3)
    Placement.objects.filter(child=child).update(start_date=last - datetime.timedelta(days=60))
    in_care_on(child, last)

    refusal = refused(lambda: check_in(class_x, child, caregiver_x))

    assert (refusal.code, refusal.conflict) == ("exam_after_absence_required", True)
    assert child.name in refusal.text and last.isoformat() in refusal.text
    assert not Attendance.objects.filter(day=today).exists()
    tasks = client_as("health_worker_x").get("/enrolment/tasks/").content.decode()
    assert f'data-long-absence="{child.code}"' in tasks and last.isoformat() in tasks

    entry_exam_record(
        actor=health_worker_x,
        child=child,
        examined_on=today,
        medical_institution="甲区妇幼保健院",
        result="pass",
    )

    assert check_in(class_x, child, caregiver_x).status == AttendanceStatus.CHECKED_IN
    tasks = client_as("health_worker_x").get("/enrolment/tasks/").content.decode()
    assert f'data-long-absence="{child.code}"' not in tasks


def test_a_day_that_ended_with_a_check_out_counts_as_a_day_in_care(
    class_x: CareClass, child: Child, caregiver_x: User, client_as: Any
) -> None:
    today = timezone.localdate()
    last = months_later(today, -3)
    Placement.objects.filter(child=child).update(start_date=last - datetime.timedelta(days=60))
    day = in_care_on(child, last)
    Attendance.objects.filter(pk=day.pk).update(
        status=AttendanceStatus.CHECKED_OUT, checked_out_at=day.checked_in_at + datetime.timedelta(hours=8)
    )

    refusal = refused(lambda: check_in(class_x, child, caregiver_x))

    assert refusal.code == "exam_after_absence_required"
    tasks = client_as("health_worker_x").get("/enrolment/tasks/").content.decode()
    assert f'data-long-absence="{child.code}"' in tasks


def test_a_child_back_after_less_than_3_months_is_checked_in(
    class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    today = timezone.localdate()
    last = months_later(today, -3) + datetime.timedelta(days=1)
    Placement.objects.filter(child=child).update(start_date=last - datetime.timedelta(days=60))
    in_care_on(child, last)

    assert check_in(class_x, child, caregiver_x).status == AttendanceStatus.CHECKED_IN
