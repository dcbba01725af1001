"""The demo district's last week in care: every class of every filed institution has five working days of
attendance, checks, care log, reports, outings and staff on duty; menus and food samples; one ratio breach,
one hazy day indoors; nothing dated in the future, and nothing for a child before their place began."""

import datetime
import io
import math
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.daycare.models import (
    Absence,
    AbsenceReason,
    ActivityArea,
    Attendance,
    AttendanceStatus,
    CareLogEntry,
    CheckDecision,
    CheckKind,
    ClassDuty,
    DailyReport,
    FoodSample,
    HealthCheck,
    IllnessFollowUp,
    LogKind,
    Meal,
    MedicationInstruction,
    Outing,
    PickupRefusal,
    RatioBreach,
    ReportPhoto,
    WeatherExemption,
    WeeklyMenu,
)
from tuoyu.demo import district
from tuoyu.demo.daycare import (
    AFTERNOON_SNACKS,
    BREAKFASTS,
    EGG_FREE,
    LUNCHES,
    care_days,
    caregivers_needed,
    is_working_day,
    monday_of,
    seed_daycare,
)
from tuoyu.enrolment.models import Child, Guardianship, PickupPerson, Placement
from tuoyu.registry.models import CareClass, Institution
from tuoyu.workforce.models import Staff, StaffRole
from tuoyu.workforce.selectors import certified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

AIBIBAO = "爱彼宝济宁托育中心"
MEDICAL = "济宁托育集团济医附院医育结合托育园"
HOME = "小星星家庭托育点"
GUARDIAN = "13800000006"
CAREGIVER = "13800000003"
DAYCARE_MODELS: tuple[type[models.Model], ...] = (
    Attendance,
    HealthCheck,
    Absence,
    IllnessFollowUp,
    PickupRefusal,
    ClassDuty,
    RatioBreach,
    CareLogEntry,
    MedicationInstruction,
    ActivityArea,
    DailyReport,
    ReportPhoto,
    Outing,
    WeatherExemption,
    WeeklyMenu,
    FoodSample,
)


def days() -> list[datetime.date]:
    return care_days(timezone.localdate())


def week_attendance() -> QuerySet[Attendance]:
    """The last week's attendance (the demo's day in care); the months before it are the attendance
    history of the subsidies (demo/history.py), with no checks or care log."""
    return Attendance.objects.filter(day__gte=days()[0])


def local_time(moment: datetime.datetime) -> datetime.time:
    return timezone.localtime(moment).time()


def filed_classes() -> list[CareClass]:
    names = [spec.name for spec in district.INSTITUTIONS]
    return list(CareClass.objects.filter(institution__name__in=names).select_related("institution"))


def placed_on(day: datetime.date) -> set[tuple[int, int]]:
    """(child, class) of the placements under way on ``day``."""
    return set(
        Placement.objects.filter(start_date__lte=day, ends_on__gt=day).values_list(
            "child_id", "care_class_id"
        )
    )


def ratio_at(care_class: CareClass, moment: datetime.datetime) -> tuple[int, int]:
    """(children present, certified caregivers on duty) in a class at a moment of the week."""
    day = timezone.localdate(moment)
    present = Attendance.objects.filter(
        care_class=care_class, day=day, checked_in_at__lte=moment, checked_out_at__gt=moment
    ).count()
    on_duty = Staff.objects.filter(
        role=StaffRole.CAREGIVER,
        class_duties__care_class=care_class,
        class_duties__started_at__lte=moment,
        class_duties__ended_at__gt=moment,
    )
    return present, certified(on_duty, day).count()


def test_the_week_is_the_last_five_working_days_before_today() -> None:
    week, today = days(), timezone.localdate()
    between = [week[0] + datetime.timedelta(days=n) for n in range((today - week[0]).days)]

    assert len(week) == 5
    assert week == [day for day in between if is_working_day(day)]
    # On the Chinese calendar: after the National Day holidays of 2026, with Saturday 10 October worked.
    assert care_days(datetime.date(2026, 10, 12)) == [
        datetime.date(2026, 9, 29),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 9),
        datetime.date(2026, 10, 10),
    ]


def test_every_class_of_every_filed_institution_has_attendance_on_each_of_the_five_days() -> None:
    classes = filed_classes()
    attended = set(week_attendance().values_list("care_class_id", "day"))

    assert len({c.institution_id for c in classes}) == 14
    for care_class in classes:
        for day in days():
            assert (care_class.pk, day) in attended, (care_class.institution.name, care_class.name, day)
    assert set(week_attendance().values_list("day", flat=True)) == set(days())
    assert not week_attendance().filter(care_class__institution__name="太白湖新区金色童年托育园").exists()


def test_every_child_placed_that_day_came_or_was_reported_absent_and_nobody_else() -> None:
    present = Counter(week_attendance().values_list("child_id", "care_class_id", "day"))
    absent = Counter(Absence.objects.values_list("child_id", "care_class_id", "day"))

    assert max(present.values()) == 1 and max(absent.values()) == 1
    expected = {(child, care_class, day) for day in days() for child, care_class in placed_on(day)}
    assert set(present) | set(absent) == expected
    assert not set(present) & set(absent)
    assert 0.86 <= len(present) / len(expected) <= 0.94  # about nine in ten come
    reasons = Counter(Absence.objects.values_list("reason", flat=True))
    assert reasons[AbsenceReason.PERSONAL] > reasons[AbsenceReason.ILLNESS] > 0
    for model in (CareLogEntry, DailyReport):
        rows = set(model._default_manager.values_list("child_id", "care_class_id", "day"))
        assert rows <= set(present), model.__name__


def test_attendance_times_and_who_checked_in_and_collected_each_child() -> None:
    caregiver = User.objects.get(phone=CAREGIVER)
    directors = dict(
        RoleAssignment.objects.filter(role=Role.DIRECTOR).values_list("institution_id", "user_id")
    )
    guardians = set(Guardianship.objects.values_list("child_id", "user_id"))
    pickup = set(PickupPerson.objects.values_list("child_id", "pk"))
    by_person = 0
    for attendance in week_attendance().select_related(
        "care_class__institution", "placement", "picked_up_by_person"
    ):
        assert attendance.status == AttendanceStatus.CHECKED_OUT
        assert attendance.placement.is_active_on(attendance.day)
        assert datetime.time(7, 40) <= local_time(attendance.checked_in_at) <= datetime.time(9, 10)
        assert attendance.checked_out_at is not None
        assert datetime.time(16, 30) <= local_time(attendance.checked_out_at) <= datetime.time(18)
        institution = attendance.care_class.institution_id
        if attendance.care_class.institution.name == AIBIBAO:
            assert attendance.checked_in_by_id == attendance.checked_out_by_id == caregiver.pk
        else:
            assert attendance.checked_in_by_id == attendance.checked_out_by_id == directors[institution]
        if attendance.picked_up_by_person is not None:
            by_person += 1
            assert (attendance.child_id, attendance.picked_up_by_person_id) in pickup
            assert attendance.picked_up_by_name == attendance.picked_up_by_person.name
        else:
            assert (attendance.child_id, attendance.picked_up_by_guardian_id) in guardians
        assert attendance.picked_up_by_name
    assert 200 < by_person < week_attendance().count() / 3


def test_every_attendance_has_a_morning_check_by_9_20_and_most_a_noon_check() -> None:
    attendances = week_attendance().count()
    morning = HealthCheck.objects.filter(kind=CheckKind.MORNING).select_related("attendance")

    assert morning.count() == attendances
    for check in morning:
        assert Decimal("36.2") <= check.temperature_c <= Decimal("37.1")
        assert check.attendance.checked_in_at <= check.checked_at
        assert local_time(check.checked_at) <= datetime.time(9, 20)
        if check.decision == CheckDecision.WATCH:
            assert check.observations == ["runny_nose"]
            assert check.guardian_notified_at is not None and check.action
        else:
            assert check.decision == CheckDecision.ADMIT and check.observations == []
    watched = morning.filter(decision=CheckDecision.WATCH).count()
    assert 0 < watched < attendances * 0.05
    noon = HealthCheck.objects.filter(kind=CheckKind.NOON)
    assert attendances * 0.8 < noon.count() < attendances
    assert all(Decimal("36.2") <= t < Decimal("37.3") for t in noon.values_list("temperature_c", flat=True))


def test_illness_absences_have_a_symptom_and_a_follow_up_the_older_ones_closed() -> None:
    illness = Absence.objects.filter(reason=AbsenceReason.ILLNESS).select_related("follow_up")

    assert illness.exists()
    assert not illness.filter(symptom="").exists()
    assert not Absence.objects.filter(reason=AbsenceReason.PERSONAL).exclude(symptom="").exists()
    assert IllnessFollowUp.objects.count() == illness.count()
    closed = IllnessFollowUp.objects.filter(closed_at__isnull=False)
    assert closed.exists() and IllnessFollowUp.objects.filter(closed_at__isnull=True).exists()
    for follow_up in closed.select_related("absence"):
        assert follow_up.diagnosis and follow_up.outcome and follow_up.closed_by_id
        assert follow_up.expected_return is not None and follow_up.expected_return > follow_up.absence.day
        back = Attendance.objects.get(child=follow_up.absence.child, day=follow_up.expected_return)
        assert follow_up.closed_at is not None and follow_up.closed_at > back.checked_in_at
    assert {"上呼吸道感染", "普通感冒"} & set(closed.values_list("diagnosis", flat=True))
    assert not Absence.objects.filter(note="").exists()


def test_every_present_child_has_a_published_report_for_each_day_most_read() -> None:
    attended = set(week_attendance().values_list("child_id", "day"))
    reports = DailyReport.objects.all()

    assert set(reports.values_list("child_id", "day")) == attended
    assert not reports.filter(published_at__isnull=True).exists()
    assert not reports.filter(published_by__isnull=True).exists()
    assert not reports.filter(summary="").exists()
    for published in reports.values_list("published_at", flat=True)[::97]:
        assert published is not None
        assert datetime.time(16, 50) <= local_time(published) <= datetime.time(17, 15)
    read = reports.filter(read_at__isnull=False)
    assert 0.75 < read.count() / reports.count() < 0.95
    assert not read.filter(read_at__lt=models.F("published_at")).exists()
    replies = reports.exclude(reply="")
    assert 0 < replies.count() < reports.count() * 0.1
    assert not replies.filter(replied_at__isnull=True).exists()
    assert not replies.filter(read_at__isnull=True).exists()
    assert len(set(reports.values_list("summary", flat=True))) > reports.count() * 0.9  # varied


def test_guardian_zhao_reads_five_published_reports_one_with_responsive_care() -> None:
    zhao = User.objects.get(phone=GUARDIAN)
    daughter = Child.objects.get(guardianships__user=zhao, name="陆可馨")

    reports = DailyReport.objects.filter(child=daughter, published_at__isnull=False).order_by("day")

    assert [report.day for report in reports] == days()
    assert all(report.care_class.institution.name == MEDICAL for report in reports)
    assert all(report.read_at is not None for report in reports)
    responsive = CareLogEntry.objects.get(child=daughter, kind=LogKind.RESPONSIVE)
    assert (responsive.cause, responsive.response, responsive.outcome) == (
        "午睡醒来找妈妈",
        "抱起安抚，轻声告诉她妈妈下午来接，陪她看绘本",
        "情绪平复，参与区角活动",
    )
    assert "想妈妈" in reports.get(day=responsive.day).summary
    assert not Absence.objects.filter(child=daughter).exists()
    # She is allergic to eggs: what she is served has none.
    lunches = CareLogEntry.objects.filter(child=daughter, kind__in=[LogKind.MEAL, LogKind.SNACK])
    assert not [entry.text for entry in lunches if "蛋" in entry.text]


def test_every_dish_with_egg_on_the_menus_has_an_egg_free_alternative() -> None:
    dishes = {dish for menu in (*BREAKFASTS, *LUNCHES, *AFTERNOON_SNACKS) for dish in menu}

    assert {dish for dish in dishes if "蛋" in dish} == set(EGG_FREE)
    assert not [dish for dish in EGG_FREE.values() if "蛋" in dish]


def test_every_present_child_has_the_day_s_care_log() -> None:
    areas = defaultdict(set)
    for institution_id, name in ActivityArea.objects.values_list("institution_id", "name"):
        areas[institution_id].add(name)
    kinds: dict[tuple[int, datetime.date], Counter[str]] = defaultdict(Counter)
    for child, day, kind in CareLogEntry.objects.values_list("child_id", "day", "kind"):
        kinds[child, day][kind] += 1
    infants = set(week_attendance().filter(care_class__age_band="infant").values_list("child_id", "day"))

    assert set(kinds) == set(week_attendance().values_list("child_id", "day"))
    for child_day, counted in kinds.items():
        for kind in (LogKind.MOOD, LogKind.ACTIVITY, LogKind.SLEEP, LogKind.WATER):
            assert counted[kind] == 1, (child_day, kind)
        assert counted[LogKind.MEAL] >= 1
        if child_day in infants:
            assert counted[LogKind.BOTTLE] == 2
        else:
            assert counted[LogKind.SNACK] == 2
    assert len(areas) == Institution.objects.count()
    assert all(names == {"阅读区角", "艺术区角", "生活区角"} for names in areas.values())
    for entry in CareLogEntry.objects.filter(kind=LogKind.ACTIVITY).select_related("care_class")[::53]:
        assert entry.activity_area in areas[entry.care_class.institution_id]
    sleep = CareLogEntry.objects.filter(kind=LogKind.SLEEP)
    assert not sleep.filter(ends_at__isnull=True).exists()
    for entry in sleep[::41]:
        assert entry.ends_at is not None
        assert datetime.time(11, 50) <= local_time(entry.at) <= datetime.time(12, 25)
        assert datetime.time(14, 5) <= local_time(entry.ends_at) <= datetime.time(14, 40)
    lunches = CareLogEntry.objects.filter(kind=LogKind.MEAL, text__startswith="午餐")
    portions = Counter(lunches.values_list("portion", flat=True))
    assert portions["all"] + portions["most"] > 0.85 * lunches.count()
    bottles = CareLogEntry.objects.filter(kind=LogKind.BOTTLE).values_list("amount_ml", flat=True)
    assert all(amount is not None and 150 <= amount <= 210 for amount in bottles)


def test_responsive_care_and_a_few_incidents_one_not_yet_acknowledged() -> None:
    responsive = CareLogEntry.objects.filter(kind=LogKind.RESPONSIVE)
    incidents = CareLogEntry.objects.filter(kind=LogKind.INCIDENT).order_by("day")

    assert 0.05 < responsive.count() / week_attendance().count() < 0.2
    assert not responsive.filter(models.Q(cause="") | models.Q(response="") | models.Q(outcome="")).exists()
    assert responsive.filter(cause="午睡醒来找妈妈").count() > 1
    assert 2 <= incidents.count() <= 4
    assert "擦伤" in incidents[0].text and incidents[0].first_aid == "清洁伤口并贴创可贴，冰敷5分钟"
    for incident in incidents:
        assert incident.place and incident.first_aid
        assert incident.guardian_informed_at is not None and incident.guardian_informed_at > incident.at
    assert [i.guardian_acknowledged_at is None for i in incidents].count(True) == 1
    assert incidents.last().guardian_acknowledged_at is None  # type: ignore[union-attr]
    report = DailyReport.objects.get(child=incidents[0].child, day=incidents[0].day)
    assert "创可贴" in report.summary


def test_a_medication_instruction_and_the_doses_given() -> None:
    instruction = MedicationInstruction.objects.get()
    doses = CareLogEntry.objects.filter(kind=LogKind.MEDICATION)

    assert instruction.child.placements.get().institution.name == AIBIBAO
    assert instruction.given_by.guardianships.filter(child=instruction.child).exists()
    assert {dose.day for dose in doses} == {
        day for day in days() if instruction.valid_from <= day <= instruction.valid_until
    }
    assert all(dose.medication_instruction == instruction for dose in doses)


def test_outdoor_two_hours_on_most_class_days_the_hazy_day_exempt_and_head_counts_match() -> None:
    minutes: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for outing in Outing.objects.all():
        assert outing.returned_at is not None and not outing.mismatch
        minutes[outing.care_class_id, outing.day] += (outing.returned_at - outing.left_at).seconds // 60
    class_days = {(c.pk, day): c.institution_id for c in filed_classes() for day in days()}
    exemption = WeatherExemption.objects.get()

    assert exemption.reason == "雾霾天气，户外活动改为室内"
    indoors = {
        key
        for key, institution in class_days.items()
        if (institution, key[1]) == (exemption.institution_id, exemption.day)
    }
    assert indoors and not indoors & set(minutes)
    assert set(minutes) == set(class_days) - indoors
    short = [key for key, spent in minutes.items() if spent < settings.OUTDOOR_MINUTES_PER_DAY]
    assert 1 <= len(short) <= 3
    assert all(spent <= 150 for spent in minutes.values())
    for outing in Outing.objects.prefetch_related("children_out", "children_back")[::23]:
        out = {child.pk for child in outing.children_out.all()}
        present = set(
            Attendance.objects.filter(care_class=outing.care_class, day=outing.day).values_list(
                "child_id", flat=True
            )
        )
        assert out == {child.pk for child in outing.children_back.all()} == present
        assert all(
            a.checked_in_at < outing.left_at and outing.returned_at < a.checked_out_at  # type: ignore[operator]
            for a in Attendance.objects.filter(care_class=outing.care_class, day=outing.day)
        )


def test_menus_of_last_week_and_this_week_published_by_monday() -> None:
    this_week = monday_of(timezone.localdate())
    serving = Institution.objects.filter(
        name__in=[spec.name for spec in district.INSTITUTIONS], serves_meals=True
    )

    assert serving.count() == 14
    for institution in serving:
        menus = {menu.week_start: menu for menu in WeeklyMenu.objects.filter(institution=institution)}
        assert {this_week, this_week - datetime.timedelta(days=7)} <= set(menus)
        for week, menu in menus.items():
            assert menu.published_at is not None
            assert menu.published_at <= timezone.make_aware(datetime.datetime.combine(week, datetime.time(8)))
            working = [week + datetime.timedelta(days=n) for n in range(7)]
            assert set(menu.dishes) == {day.isoformat() for day in working if is_working_day(day)}
            for meals in menu.dishes.values():
                assert all(meals[meal] for meal in (Meal.BREAKFAST, Meal.LUNCH, Meal.AFTERNOON_SNACK))


def test_food_samples_of_every_breakfast_and_lunch_dish_kept_48_hours() -> None:
    now, today = timezone.now(), timezone.localdate()
    cooks = defaultdict(set)
    for institution_id, name in Staff.objects.values_list("institution_id", "name"):
        cooks[institution_id].add(name)
    samples = {(s.institution_id, s.day, s.meal, s.dish): s for s in FoodSample.objects.all()}

    expected = set()
    for menu in WeeklyMenu.objects.all():
        for day, meals in menu.dishes.items():
            if datetime.date.fromisoformat(day) < today:
                for meal in (Meal.BREAKFAST, Meal.LUNCH):
                    expected |= {
                        (menu.institution_id, datetime.date.fromisoformat(day), meal, d) for d in meals[meal]
                    }
    assert set(samples) == expected
    for sample in samples.values():
        assert 100 <= sample.weight_g <= 150
        assert timezone.localdate(sample.refrigerated_at) == sample.day
        assert sample.sampled_by in cooks[sample.institution_id]
        if sample.discarded_at is None:
            assert now - sample.refrigerated_at < datetime.timedelta(hours=52)
        else:
            kept = sample.discarded_at - sample.refrigerated_at
            assert datetime.timedelta(hours=48) <= kept <= datetime.timedelta(hours=52)
    assert FoodSample.objects.filter(discarded_at__isnull=False).exists()


def test_caregivers_on_duty_in_every_class_three_each_at_aibibao() -> None:
    duties = ClassDuty.objects.select_related("staff", "care_class")

    for care_class in filed_classes():
        for day in days():
            on_duty = [d for d in duties if d.care_class_id == care_class.pk and d.day == day]
            assert on_duty, (care_class.name, day)
            assert all(d.staff.institution_id == care_class.institution_id for d in on_duty)
            assert all(d.staff.role == StaffRole.CAREGIVER for d in on_duty)
            if care_class.institution.name == AIBIBAO:
                assert len({d.staff_id for d in on_duty}) == 3
    assert not duties.filter(ended_at__isnull=True).exists()
    staff_days = Counter((d.staff_id, d.day) for d in duties)
    assert not [key for key, count in staff_days.items() if count > 2]  # one duty, or two around a break


def test_the_ratio_holds_where_the_roster_allows_except_the_one_breach() -> None:
    breach = RatioBreach.objects.get()
    assert breach.ended_at is not None

    for name in (AIBIBAO, MEDICAL, HOME):
        for care_class in CareClass.objects.filter(institution__name=name):
            for day in days():
                for hour, minute in ((8, 0), (9, 30), (11, 0), (15, 0), (17, 40)):
                    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
                    present, on_duty = ratio_at(care_class, moment)
                    in_breach = (
                        care_class == breach.care_class and breach.started_at <= moment < breach.ended_at
                    )
                    assert (on_duty < caregivers_needed(present, care_class.age_band)) == in_breach, (
                        name,
                        care_class.name,
                        moment,
                    )


def test_exactly_one_ratio_breach_of_30_minutes_as_the_duties_and_attendance_say() -> None:
    breach = RatioBreach.objects.select_related("care_class__institution").get()

    assert breach.care_class.institution.name != AIBIBAO
    assert breach.ended_at is not None
    assert breach.ended_at - breach.started_at == datetime.timedelta(minutes=30)
    assert breach.day in days()
    present, on_duty = ratio_at(breach.care_class, breach.started_at)
    assert (breach.children_present, breach.caregivers_on_duty) == (present, on_duty)
    assert breach.caregivers_required == caregivers_needed(present, breach.care_class.age_band)
    assert breach.caregivers_on_duty < breach.caregivers_required
    assert math.ceil(breach.children_present / 7) == breach.caregivers_required  # a 托大班


def test_nothing_is_dated_in_the_future() -> None:
    now, today = timezone.now(), timezone.localdate()
    plans = {(IllnessFollowUp, "expected_return"), (MedicationInstruction, "valid_until")}

    for model in DAYCARE_MODELS:
        for field in model._meta.concrete_fields:
            if (model, field.name) in plans:
                continue
            if isinstance(field, models.DateTimeField):
                latest = model._default_manager.aggregate(latest=models.Max(field.name))["latest"]
                assert latest is None or latest <= now, (model.__name__, field.name)
            elif isinstance(field, models.DateField):
                latest = model._default_manager.aggregate(latest=models.Max(field.name))["latest"]
                assert latest is None or latest <= today, (model.__name__, field.name)
    assert not FoodSample.objects.filter(day__gte=today).exists()
    assert not Attendance.objects.filter(day__gte=today).exists()


def test_day_in_care_rows_pass_their_own_validation() -> None:
    """Every row of the small tables, a sample of the bulk ones (they come from one code path each)."""
    for model in DAYCARE_MODELS:
        rows = list(model._default_manager.order_by("pk"))
        for row in rows if len(rows) < 200 else rows[:: len(rows) // 60]:
            row.full_clean()


def test_the_week_is_the_same_when_loaded_again_on_the_same_day() -> None:
    def fingerprint() -> tuple[list[tuple[object, ...]], ...]:
        return (
            list(
                week_attendance()
                .order_by("child_id", "day")
                .values_list("child_id", "day", "checked_in_at", "checked_out_at", "picked_up_by_name")
            ),
            list(
                DailyReport.objects.order_by("child_id", "day").values_list(
                    "child_id", "day", "summary", "read_at"
                )
            ),
            list(
                CareLogEntry.objects.order_by("child_id", "day", "at", "kind").values_list(
                    "child_id", "kind", "at", "text"
                )
            ),
            list(
                Absence.objects.order_by("child_id", "day").values_list(
                    "child_id", "day", "reason", "symptom"
                )
            ),
        )

    before = fingerprint()
    first: tuple[type[models.Model], ...] = (CareLogEntry, MedicationInstruction)  # protected by the log
    with disable_auditlog():  # an audit entry per deleted row would take most of the test's time
        for model in first + DAYCARE_MODELS:
            model._default_manager.all().delete()

    seed_daycare()

    assert fingerprint() == before


def test_seed_demo_twice_changes_nothing_in_the_day_in_care() -> None:
    before = {model.__name__: model._default_manager.count() for model in DAYCARE_MODELS}
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert {model.__name__: model._default_manager.count() for model in DAYCARE_MODELS} == before
    assert "already loaded" in out.getvalue()
