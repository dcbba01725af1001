"""The care log's rules: each kind's details, the refusals (and that a refusal writes nothing), medication
only with the guardian's instruction of that day, incidents, activity corners and who may record."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import ActivityArea, CareLogEntry, LogKind, MedicationInstruction
from tuoyu.daycare.selectors.carelog import child_day, describe
from tuoyu.daycare.services import carelog as services
from tuoyu.daycare.tests.carelog_helpers import DAY, at, instruction, placed_child, publish_raw
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixtures used by name


@pytest.fixture
def child(guardian: User, class_x: CareClass) -> Child:
    return placed_child(guardian, class_x, name="赵小宝")


def record(actor: User, child: Child, care_class: CareClass, kind: str, **fields: Any) -> CareLogEntry:
    fields.setdefault("at", at(10, 0))
    return services.care_entry_record(actor=actor, child=child, care_class=care_class, kind=kind, **fields)


def refused(code: str, actor: User, child: Child, care_class: CareClass, kind: str, **fields: Any) -> Refusal:
    before = CareLogEntry.objects.count()
    with pytest.raises(Refusal) as caught:
        record(actor, child, care_class, kind, **fields)
    assert caught.value.code == code, caught.value.text
    assert CareLogEntry.objects.count() == before
    return caught.value


# Each kind with its details ----------------------------------------------------------------------------


def test_meal_bottle_water_mood_nappy_and_note_are_recorded_on_the_day_of_their_time(
    caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    meal = record(caregiver_x, child, class_x, LogKind.MEAL, portion="most", at=at(11, 30))
    record(caregiver_x, child, class_x, LogKind.SNACK, portion="all", at=at(15, 0))
    record(caregiver_x, child, class_x, LogKind.BOTTLE, amount_ml=180, at=at(9, 0))
    record(caregiver_x, child, class_x, LogKind.WATER, amount_ml=120, at=at(10, 15))
    record(caregiver_x, child, class_x, LogKind.MOOD, mood="happy", at=at(10, 20))
    record(caregiver_x, child, class_x, LogKind.NAPPY, text="wet", at=at(10, 30))
    record(caregiver_x, child, class_x, LogKind.NOTE, text="今天学会了说“谢谢”", at=at(16, 0))

    assert meal.day == DAY and meal.recorded_by == caregiver_x and meal.portion == "most"
    assert CareLogEntry.objects.filter(child=child, day=DAY).count() == 7
    lines = [item.line for item in child_day(child, DAY).items]
    assert lines[0] == "180 ml"  # in time order: the bottle at 09:00 first
    assert "Ate: Most" in lines and "Wet" in lines and "Happy" in lines


def test_fields_of_another_kind_are_not_kept(caregiver_x: User, child: Child, class_x: CareClass) -> None:
    entry = record(caregiver_x, child, class_x, LogKind.MEAL, portion="all", amount_ml=200, mood="upset")

    assert entry.amount_ml is None and entry.mood == ""


def test_a_sleep_with_its_end_shows_its_duration(caregiver_x: User, child: Child, class_x: CareClass) -> None:
    entry = record(caregiver_x, child, class_x, LogKind.SLEEP, at=at(12, 30), ends_at=at(14, 45))

    assert describe(entry) == "Slept 2 h 15 min"
    assert child_day(child, DAY).total_sleep == "2 h 15 min"


def test_an_open_sleep_is_ended_when_the_child_wakes(
    caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    entry = record(caregiver_x, child, class_x, LogKind.SLEEP, at=at(12, 30))
    assert describe(entry) == "Asleep (not yet woken)"

    services.care_sleep_end(actor=caregiver_x, entry=entry, ends_at=at(14, 0))

    entry.refresh_from_db()
    assert entry.ends_at == at(14, 0)
    with pytest.raises(Refusal) as caught:
        services.care_sleep_end(actor=caregiver_x, entry=entry, ends_at=at(15, 0))
    assert caught.value.code == "sleep_already_ended"


@pytest.mark.parametrize("end", [(12, 0), (12, 30)])
def test_a_sleep_ending_before_it_starts_is_refused(
    caregiver_x: User, child: Child, class_x: CareClass, end: tuple[int, int]
) -> None:
    refusal = refused(
        "sleep_ends_before_start", caregiver_x, child, class_x, LogKind.SLEEP, at=at(12, 30), ends_at=at(*end)
    )
    assert "cannot end" in refusal.text


def test_waking_before_falling_asleep_is_refused_and_the_sleep_stays_open(
    caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    entry = record(caregiver_x, child, class_x, LogKind.SLEEP, at=at(12, 30))

    with pytest.raises(Refusal) as caught:
        services.care_sleep_end(actor=caregiver_x, entry=entry, ends_at=at(12, 0))

    assert caught.value.code == "sleep_ends_before_start"
    entry.refresh_from_db()
    assert entry.ends_at is None


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (LogKind.MEAL, {}),
        (LogKind.SNACK, {"portion": "plenty"}),
        (LogKind.BOTTLE, {}),
        (LogKind.WATER, {"amount_ml": None}),
        (LogKind.MOOD, {"mood": ""}),
        (LogKind.ACTIVITY, {}),
        (LogKind.NOTE, {"text": "   "}),
    ],
)
def test_an_entry_without_its_detail_is_refused(
    caregiver_x: User, child: Child, class_x: CareClass, kind: str, fields: dict[str, Any]
) -> None:
    refused("entry_incomplete", caregiver_x, child, class_x, kind, **fields)


@pytest.mark.parametrize("amount", [0, -20, 1500])
def test_an_implausible_amount_is_refused(
    caregiver_x: User, child: Child, class_x: CareClass, amount: int
) -> None:
    refused("amount_out_of_range", caregiver_x, child, class_x, LogKind.WATER, amount_ml=amount)


def test_a_time_that_has_not_come_yet_is_refused(caregiver_x: User, child: Child, class_x: CareClass) -> None:
    later = timezone.now() + datetime.timedelta(hours=1)
    if timezone.localdate(later) != timezone.localdate():
        later = timezone.now() + datetime.timedelta(minutes=30)
    refused("time_in_future", caregiver_x, child, class_x, LogKind.MEAL, portion="all", at=later)


def test_an_unknown_kind_is_refused(caregiver_x: User, child: Child, class_x: CareClass) -> None:
    refused("invalid_kind", caregiver_x, child, class_x, "dance")


# Responsive care ---------------------------------------------------------------------------------------


def test_responsive_care_keeps_cause_response_and_outcome(
    caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    entry = record(
        caregiver_x,
        child,
        class_x,
        LogKind.RESPONSIVE,
        cause="想妈妈",
        response="抱着安抚，一起看照片",
        outcome="十分钟后平静，去了阅读区",
    )

    assert (entry.cause, entry.response, entry.outcome) == (
        "想妈妈",
        "抱着安抚，一起看照片",
        "十分钟后平静，去了阅读区",
    )
    assert "想妈妈" in describe(entry)


@pytest.mark.parametrize("missing", ["cause", "response", "outcome"])
def test_responsive_care_without_one_of_its_three_parts_is_refused(
    caregiver_x: User, child: Child, class_x: CareClass, missing: str
) -> None:
    fields = {"cause": "饿了", "response": "提前给了点心", "outcome": "不哭了"}
    fields[missing] = ""
    refused("responsive_incomplete", caregiver_x, child, class_x, LogKind.RESPONSIVE, **fields)


# Incidents ---------------------------------------------------------------------------------------------


INCIDENT = {"text": "滑梯上摔倒，膝盖擦伤", "place": "户外滑梯", "first_aid": "清洗消毒，贴创可贴"}


def test_an_incident_with_what_where_first_aid_and_informed_time_is_recorded(
    caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    entry = record(caregiver_x, child, class_x, LogKind.INCIDENT, **INCIDENT, guardian_informed_at=at(10, 20))

    assert entry.place == "户外滑梯" and entry.guardian_informed_at == at(10, 20)
    assert entry.guardian_acknowledged_at is None


@pytest.mark.parametrize("missing", ["text", "place", "first_aid", "guardian_informed_at"])
def test_an_incomplete_incident_is_refused(
    caregiver_x: User, child: Child, class_x: CareClass, missing: str
) -> None:
    fields: dict[str, Any] = {**INCIDENT, "guardian_informed_at": at(10, 20)}
    fields[missing] = None if missing == "guardian_informed_at" else ""
    refused("incident_incomplete", caregiver_x, child, class_x, LogKind.INCIDENT, **fields)


# Medication --------------------------------------------------------------------------------------------


def test_medication_without_any_instruction_is_refused(
    caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    refusal = refused(
        "medication_without_instruction", caregiver_x, child, class_x, LogKind.MEDICATION, dose_given="5 ml"
    )
    assert "written instruction" in refusal.text


def test_medication_with_an_expired_instruction_is_refused(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    old = instruction(
        child,
        guardian,
        valid_from=DAY - datetime.timedelta(days=5),
        valid_until=DAY - datetime.timedelta(days=1),
    )
    refused("medication_without_instruction", caregiver_x, child, class_x, LogKind.MEDICATION)
    refused(
        "medication_without_instruction",
        caregiver_x,
        child,
        class_x,
        LogKind.MEDICATION,
        medication_instruction=old.pk,
    )


def test_medication_with_an_instruction_starting_later_or_for_another_child_is_refused(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    instruction(
        child,
        guardian,
        valid_from=DAY + datetime.timedelta(days=1),
        valid_until=DAY + datetime.timedelta(days=3),
    )
    sibling = placed_child(guardian, class_x, name="赵二宝")
    theirs = instruction(sibling, guardian)

    refused("medication_without_instruction", caregiver_x, child, class_x, LogKind.MEDICATION)
    refused(
        "medication_without_instruction",
        caregiver_x,
        child,
        class_x,
        LogKind.MEDICATION,
        medication_instruction=theirs.pk,
    )


def test_medication_with_an_instruction_valid_that_day_is_recorded_with_the_instructed_dose(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    valid = instruction(child, guardian, valid_from=DAY - datetime.timedelta(days=1), valid_until=DAY)

    entry = record(caregiver_x, child, class_x, LogKind.MEDICATION, at=at(12, 45))

    assert entry.medication_instruction == valid and entry.dose_given == "5 ml"
    assert "布洛芬混悬液" in describe(entry)


def test_medication_other_than_instructed_is_refused_naming_the_instruction(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    instruction(child, guardian)  # 布洛芬混悬液, 5 ml

    other = refused(
        "medicine_not_instructed", caregiver_x, child, class_x, LogKind.MEDICATION, medicine="对乙酰氨基酚"
    )
    assert "布洛芬混悬液" in other.text and "5 ml" in other.text

    for larger in ("6 ml", "5.5ml", "1 tablet", "一勺"):
        more = refused(
            "dose_above_instruction", caregiver_x, child, class_x, LogKind.MEDICATION, dose_given=larger
        )
        assert "布洛芬混悬液" in more.text and larger in more.text
    assert not CareLogEntry.objects.filter(kind=LogKind.MEDICATION).exists()

    for allowed in ("5ml", "4 ML", "2.5 ml"):
        entry = record(
            caregiver_x, child, class_x, LogKind.MEDICATION, medicine="布洛芬 混悬液", dose_given=allowed
        )
        assert entry.dose_given == allowed


def test_medication_with_two_instructions_that_day_needs_the_one_followed(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    instruction(child, guardian)
    drops = instruction(child, guardian, medicine="氯雷他定糖浆")

    refused("medication_instruction_ambiguous", caregiver_x, child, class_x, LogKind.MEDICATION)
    entry = record(caregiver_x, child, class_x, LogKind.MEDICATION, medication_instruction=drops.pk)
    assert entry.medication_instruction == drops


def test_guardian_writes_an_instruction_for_their_own_child_only(
    guardian: User, director_x: User, child: Child
) -> None:
    today = timezone.localdate()
    written = services.medication_instruction_create(
        guardian=guardian,
        child=child,
        medicine="小儿感冒颗粒",
        dose="半袋",
        times="午睡后",
        valid_from=today,
        valid_until=today,
    )
    assert written.given_by == guardian

    with pytest.raises(NotPermitted):
        services.medication_instruction_create(
            guardian=director_x,
            child=child,
            medicine="x",
            dose="y",
            times="z",
            valid_from=today,
            valid_until=today,
        )
    with pytest.raises(Refusal) as caught:
        services.medication_instruction_create(
            guardian=guardian,
            child=child,
            medicine="x",
            dose="y",
            times="z",
            valid_from=today,
            valid_until=today - datetime.timedelta(days=1),
        )
    assert caught.value.code == "instruction_period_invalid"
    with pytest.raises(Refusal) as caught:
        services.medication_instruction_create(
            guardian=guardian,
            child=child,
            medicine="药",
            dose=" ",
            times="z",
            valid_from=today,
            valid_until=today,
        )
    assert caught.value.code == "instruction_incomplete"
    assert MedicationInstruction.objects.count() == 1


# Who, where and when -----------------------------------------------------------------------------------


def test_a_child_without_a_place_in_that_class_that_day_is_refused(
    guardian: User, caregiver_x: User, director_x: User, institution_x: Any, class_x: CareClass
) -> None:
    other_class = CareClassFactory.create(
        institution=institution_x, name="星星托小班", age_band=AgeBand.TODDLER, capacity=15
    )
    elsewhere = placed_child(guardian, other_class, name="钱小宝")
    not_yet = placed_child(guardian, class_x, name="孙小宝", start=DAY + datetime.timedelta(days=1))

    refused("not_in_class", caregiver_x, elsewhere, class_x, LogKind.MEAL, portion="all")
    refused("not_in_class", director_x, not_yet, class_x, LogKind.MEAL, portion="all")


def test_only_staff_recording_care_at_the_institution_may_record(
    director_y: User, doctor: User, guardian: User, child: Child, class_x: CareClass, health_worker_x: User
) -> None:
    for outsider in (director_y, doctor, guardian):
        with pytest.raises(NotPermitted):
            record(outsider, child, class_x, LogKind.MEAL, portion="all")
    assert CareLogEntry.objects.count() == 0
    assert record(health_worker_x, child, class_x, LogKind.MOOD, mood="calm").pk


def test_a_published_day_is_closed_except_for_incidents_which_the_family_hears_of(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    publish_raw(child, class_x, caregiver_x)

    refused("report_published", caregiver_x, child, class_x, LogKind.MEAL, portion="all")
    entry = record(
        caregiver_x,
        child,
        class_x,
        LogKind.INCIDENT,
        **INCIDENT,
        guardian_informed_at=at(17, 5),
        at=at(17, 0),
    )

    assert entry.pk
    notice = Notification.objects.get(user=guardian, kind="care_incident")
    assert notice.link == f"/care/reports/{child.code}/{DAY.isoformat()}/"


# Activity corners --------------------------------------------------------------------------------------


def test_an_institution_starts_with_three_default_corners_created_once(institution_x: Any) -> None:
    first = services.activity_areas_of(institution_x)
    again = services.activity_areas_of(institution_x)

    assert [a.name for a in first] == ["阅读区角", "艺术区角", "生活区角"]
    assert [a.pk for a in again] == [a.pk for a in first]
    assert ActivityArea.objects.filter(institution=institution_x).count() == 3


def test_the_director_adds_a_corner_and_the_child_may_choose_it(
    director_x: User, caregiver_x: User, child: Child, class_x: CareClass, institution_x: Any
) -> None:
    services.activity_area_add(actor=director_x, institution=institution_x, name="建构区角")

    assert [a.name for a in services.activity_areas_of(institution_x)][-1] == "建构区角"
    entry = record(caregiver_x, child, class_x, LogKind.ACTIVITY, activity_area="建构区角")
    assert describe(entry) == "Chose the 建构区角"
    refused("activity_area_unknown", caregiver_x, child, class_x, LogKind.ACTIVITY, activity_area="游泳池")


def test_a_corner_is_added_by_the_director_only_and_once(
    director_x: User, caregiver_x: User, director_y: User, institution_x: Any
) -> None:
    services.activity_areas_of(institution_x)
    for outsider in (caregiver_x, director_y):
        with pytest.raises(NotPermitted):
            services.activity_area_add(actor=outsider, institution=institution_x, name="沙水区角")
    with pytest.raises(Refusal) as caught:
        services.activity_area_add(actor=director_x, institution=institution_x, name="阅读区角")
    assert caught.value.code == "activity_area_exists" and caught.value.conflict
    with pytest.raises(Refusal) as blank:
        services.activity_area_add(actor=director_x, institution=institution_x, name="  ")
    assert blank.value.code == "activity_area_blank"
    assert ActivityArea.objects.filter(institution=institution_x).count() == 3


def test_only_an_incident_is_acknowledged(
    guardian: User, caregiver_x: User, child: Child, class_x: CareClass
) -> None:
    meal = record(caregiver_x, child, class_x, LogKind.MEAL, portion="all")
    publish_raw(child, class_x, caregiver_x)

    with pytest.raises(Refusal) as caught:
        services.incident_acknowledge(guardian=guardian, entry=meal)

    assert caught.value.code == "not_an_incident"
    meal.refresh_from_db()
    assert meal.guardian_acknowledged_at is None
