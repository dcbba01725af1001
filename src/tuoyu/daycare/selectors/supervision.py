"""Reads of staff duty, outings, menus and food samples, and the district's daily supervision figures.

The district view (``daily_supervision``) reads a page of the institutions of a region in a fixed number
of queries, whatever the number of institutions: a grouped count of each figure, then menus and samples;
``daily_supervision_totals`` sums the figures of the whole region in one aggregate query each.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tuoyu.accounts.access import Perm
from tuoyu.daycare.models import (
    Attendance,
    AttendanceStatus,
    CheckKind,
    ClassDuty,
    FoodSample,
    HealthCheck,
    Meal,
    Outing,
    RatioBreach,
    WeatherExemption,
    WeeklyMenu,
)
from tuoyu.enrolment.models import Child, Placement
from tuoyu.policies.values import policy
from tuoyu.registry.models import CareClass, Institution, OperatingStatus
from tuoyu.registry.selectors import institutions_visible_to, with_open_findings
from tuoyu.workforce.models import Staff, StaffRole, employed_on
from tuoyu.workforce.selectors import certified

SAMPLED_MEALS: tuple[str, ...] = (Meal.BREAKFAST, Meal.LUNCH, Meal.DINNER)
"""The meals whose every dish must be sampled (留样): the main meals, lunch above all (GZ12; §8.9)."""


def sample_min_grams(day: datetime.date) -> int:
    """GZ12: at least 100 g of every dish (national rules §8.9), as in force on ``day``."""
    return policy("food_sample.min_grams", on=day)


def sample_min_hours(day: datetime.date) -> int:
    """GZ12: refrigerated at least 48 hours before a sample may be thrown away, as in force on ``day``."""
    return policy("food_sample.min_hours", on=day)


# Scope ------------------------------------------------------------------------------------------------


def care_institutions_of(actor: object) -> QuerySet[Institution]:
    """Institutions where the actor records the day in care (caregivers, health workers, directors)."""
    return institutions_visible_to(actor, Perm.RECORD_CARE)


def care_classes_of(actor: object) -> QuerySet[CareClass]:
    return CareClass.objects.filter(institution__in=care_institutions_of(actor)).select_related("institution")


def outings_visible_to(actor: object) -> QuerySet[Outing]:
    return Outing.objects.filter(care_class__institution__in=care_institutions_of(actor)).select_related(
        "care_class__institution"
    )


def food_samples_visible_to(actor: object) -> QuerySet[FoodSample]:
    return FoodSample.objects.filter(institution__in=care_institutions_of(actor))


def menu_institutions_of(actor: object, day: datetime.date) -> QuerySet[Institution]:
    """Institutions whose menus the actor may read: the families of children placed there on ``day``, and
    anyone who sees the institution's file (its staff, its regulator)."""
    placed = Placement.objects.filter(
        child__in=Child.objects.of_guardian(actor), start_date__lte=day, ends_on__gt=day
    ).values("institution_id")
    staff = institutions_visible_to(actor, Perm.VIEW_INSTITUTION_FILE).values("pk")
    return Institution.objects.filter(Q(pk__in=placed) | Q(pk__in=staff))


def daily_supervision_institutions(actor: object) -> QuerySet[Institution]:
    """The operating institutions whose daily figures the actor watches (a regulator's region, a director's
    own institution), in the order of the district view: by street, then name; each with its count of
    ``open_findings``."""
    return with_open_findings(
        institutions_visible_to(actor, Perm.VIEW_DAILY_SUPERVISION)
        .filter(operating_status=OperatingStatus.OPERATING)
        .select_related("street")
        .order_by("street__name", "name", "pk")
    )


# Staff on duty ----------------------------------------------------------------------------------------


def duties_open(care_class: CareClass, day: datetime.date) -> QuerySet[ClassDuty]:
    return (
        ClassDuty.objects.filter(care_class=care_class, day=day, ended_at__isnull=True)
        .select_related("staff")
        .order_by("started_at")
    )


def duty_candidates(care_class: CareClass, day: datetime.date) -> QuerySet[Staff]:
    """The institution's staff employed on ``day``, caregivers first."""
    return Staff.objects.filter(employed_on(day), institution_id=care_class.institution_id).order_by(
        "role", "name"
    )


def certified_caregiver_ids(staff: QuerySet[Staff], day: datetime.date) -> set[int]:
    """Those of ``staff`` who count towards the ratio: caregivers holding every required certificate."""
    return set(certified(staff.filter(role=StaffRole.CAREGIVER), day).values_list("pk", flat=True))


def breaches_of(care_class: CareClass, day: datetime.date) -> QuerySet[RatioBreach]:
    return RatioBreach.objects.filter(care_class=care_class, day=day).order_by("started_at")


# Outings ----------------------------------------------------------------------------------------------


def children_present(care_class: CareClass, day: datetime.date) -> QuerySet[Child]:
    """Children checked in to the class on ``day`` and not checked out."""
    present = Attendance.objects.filter(care_class=care_class, day=day, status=AttendanceStatus.CHECKED_IN)
    return Child.objects.filter(pk__in=present.values("child_id")).order_by("name", "pk")


def outings_of(care_class: CareClass, day: datetime.date) -> list[Outing]:
    return list(
        Outing.objects.filter(care_class=care_class, day=day)
        .prefetch_related(
            Prefetch("children_out", queryset=Child.objects.order_by("name")),
            Prefetch("children_back", queryset=Child.objects.order_by("name")),
        )
        .order_by("left_at")
    )


def open_outing(care_class: CareClass) -> Outing | None:
    return (
        Outing.objects.filter(care_class=care_class, returned_at__isnull=True)
        .prefetch_related(Prefetch("children_out", queryset=Child.objects.order_by("name")))
        .first()
    )


def outing_minutes(left_at: datetime.datetime, returned_at: datetime.datetime | None) -> int:
    if returned_at is None:
        return 0
    return int((returned_at - left_at).total_seconds() // 60)


def outdoor_minutes(care_class: CareClass, day: datetime.date) -> int:
    """Minutes the class spent outdoors on ``day``: the sum of its returned outings."""
    times = Outing.objects.filter(care_class=care_class, day=day, returned_at__isnull=False).values_list(
        "left_at", "returned_at"
    )
    return sum(outing_minutes(left, back) for left, back in times)


def weather_exemption_on(institution_id: int, day: datetime.date) -> WeatherExemption | None:
    return WeatherExemption.objects.filter(institution_id=institution_id, day=day).first()


# Menus and food samples -------------------------------------------------------------------------------


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def menu_of_week(institution: Institution, week_start: datetime.date) -> WeeklyMenu | None:
    return WeeklyMenu.objects.filter(institution=institution, week_start=week_start).first()


def published_menu(institution: Institution, day: datetime.date) -> WeeklyMenu | None:
    """The published menu of ``day``'s week, if any."""
    return WeeklyMenu.objects.filter(
        institution=institution, week_start=week_start_of(day), published_at__isnull=False
    ).first()


def menu_days(menu: WeeklyMenu) -> list[tuple[datetime.date, list[tuple[str, str, list[str]]]]]:
    """The menu as rows to show: each day of the week with its meals in serving order (label and dishes)."""
    labels = dict(Meal.choices)
    rows = []
    for offset in range(7):
        day = menu.week_start + datetime.timedelta(days=offset)
        meals = menu.dishes.get(day.isoformat(), {})
        served = [(meal, str(labels[meal]), meals[meal]) for meal in Meal.values if meals.get(meal)]
        if served or offset < 5:
            rows.append((day, served))
    return rows


def samples_of(institution: Institution, day: datetime.date) -> QuerySet[FoodSample]:
    return FoodSample.objects.filter(institution=institution, day=day).order_by("meal", "dish")


@dataclass(frozen=True)
class SampleGap:
    """A dish of a published menu without a proper sample."""

    day: datetime.date
    meal: str
    dish: str
    problem: str  # "missing", "underweight" or "discarded_early"
    weight_g: int | None = None
    kept_hours: float | None = None

    def describe(self) -> str:
        """In Chinese, as the findings' evidence."""
        meals: dict[str, str] = {
            Meal.BREAKFAST: "早餐",
            Meal.MORNING_SNACK: "上午点心",
            Meal.LUNCH: "午餐",
            Meal.AFTERNOON_SNACK: "下午点心",
            Meal.DINNER: "晚餐",
        }
        meal = meals.get(self.meal, self.meal)
        if self.problem == "missing":
            return f"{meal}“{self.dish}”无留样记录"
        if self.problem == "underweight":
            return f"{meal}“{self.dish}”留样{self.weight_g}克，不足{sample_min_grams(self.day)}克"
        hours = sample_min_hours(self.day)
        return f"{meal}“{self.dish}”留样冷藏{self.kept_hours:.0f}小时即废弃，不足{hours}小时"


def dishes_to_sample(menu: WeeklyMenu, day: datetime.date) -> list[tuple[str, str]]:
    """(meal, dish) of ``day`` on the menu that must be sampled."""
    meals = menu.dishes.get(day.isoformat(), {}) if isinstance(menu.dishes, dict) else {}
    return [(meal, dish) for meal in SAMPLED_MEALS for dish in meals.get(meal, [])]


def sample_gaps(
    day: datetime.date, dishes: Iterable[tuple[str, str]], samples: Iterable[FoodSample]
) -> list[SampleGap]:
    """What is wrong with the samples of one day: a dish without a sample, an underweight sample, or any
    sample of the day thrown away before 48 hours."""
    by_dish = {(sample.meal, sample.dish): sample for sample in samples}
    gaps: list[SampleGap] = []
    for meal, dish in dishes:
        sample = by_dish.get((meal, dish))
        if sample is None:
            gaps.append(SampleGap(day, meal, dish, "missing"))
        elif sample.weight_g < sample_min_grams(day):
            gaps.append(SampleGap(day, meal, dish, "underweight", weight_g=sample.weight_g))
    for sample in by_dish.values():
        if sample.discarded_at is not None:
            kept = (sample.discarded_at - sample.refrigerated_at).total_seconds() / 3600
            if kept < sample_min_hours(day):
                gaps.append(SampleGap(day, sample.meal, sample.dish, "discarded_early", kept_hours=kept))
    return gaps


# Morning checks ---------------------------------------------------------------------------------------


def morning_deadline(day: datetime.date) -> datetime.datetime:
    """``settings.MORNING_CHECK_DEADLINE`` ("09:30") on ``day``, local time."""
    hour, minute = (int(part) for part in settings.MORNING_CHECK_DEADLINE.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# The district's daily view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyRow:
    """One institution's day, as the regulator's district view shows it."""

    institution: Institution
    enrolled: int
    present: int
    check_ins: int
    checked_in_by_deadline: int
    morning_checks_by_deadline: int
    ratio_breaches: int
    outing_mismatches: int
    food_sample_gaps: int | None  # None: not counted (the day is not over, or no meals served)
    open_findings: int = 0  # compliance findings open now (counted through the reverse relation)

    @property
    def morning_checks_pct(self) -> int | None:
        """Share of the children checked in by the deadline whose morning check was done by then."""
        if not self.checked_in_by_deadline:
            return None
        return round(100 * self.morning_checks_by_deadline / self.checked_in_by_deadline)


InstitutionsIn = QuerySet[Institution] | list[int]
"""Whose figures: a queryset of institutions (read as a subquery) or the ids of a page of them."""


def _enrolled(institutions: InstitutionsIn, day: datetime.date) -> QuerySet[Placement]:
    return Placement.objects.filter(institution__in=institutions, start_date__lte=day, ends_on__gt=day)


def _attendance(institutions: InstitutionsIn, day: datetime.date) -> QuerySet[Attendance]:
    return Attendance.objects.filter(care_class__institution__in=institutions, day=day)


def _breaches(institutions: InstitutionsIn, day: datetime.date) -> QuerySet[RatioBreach]:
    return RatioBreach.objects.filter(care_class__institution__in=institutions, day=day)


def _mismatches(institutions: InstitutionsIn, day: datetime.date) -> QuerySet[Outing]:
    return Outing.objects.filter(care_class__institution__in=institutions, day=day, mismatch=True)


def _per_institution(queryset: QuerySet, path: str, **counts: Count) -> dict[int, dict[str, int]]:
    """``counts`` of ``queryset`` grouped by the institution at ``path``: one query."""
    grouped = queryset.order_by().values(owner=F(path)).annotate(**counts)
    return {row.pop("owner"): row for row in grouped}


def daily_supervision(institutions: Iterable[Institution], day: datetime.date) -> list[DailyRow]:
    """The day's figures of each of ``institutions`` (a page of ``daily_supervision_institutions``, in their
    order, with their count of open findings), in a fixed number of
    queries whatever their number: a count grouped by institution of the placements, of the attendance with
    its morning checks, of the ratio breaches and of the outing mismatches; then menus and samples.

    Enrolled: placements active on the day. Present: children checked in and not sent home at the
    morning check. Check-ins: every attendance recorded. Morning checks by the deadline: children checked
    in by ``MORNING_CHECK_DEADLINE`` whose morning check was recorded by then. Food-sample gaps: dishes of
    the published menu's main meals without a proper sample, once the day is over.
    """
    rows = list(institutions)
    ids = [institution.pk for institution in rows]
    deadline = morning_deadline(day)
    in_time = Q(checked_in_at__lte=deadline)
    checked_by_deadline = HealthCheck.objects.filter(
        attendance=OuterRef("pk"), kind=CheckKind.MORNING, checked_at__lte=deadline
    )
    enrolled = _per_institution(_enrolled(ids, day), "institution", n=Count("*"))
    attendance = _per_institution(
        _attendance(ids, day),
        "care_class__institution",
        check_ins=Count("*"),
        present=Count("pk", filter=~Q(status=AttendanceStatus.SENT_HOME)),
        by_deadline=Count("pk", filter=in_time),
        checked=Count("pk", filter=in_time & Q(Exists(checked_by_deadline))),
    )
    breaches = _per_institution(_breaches(ids, day), "care_class__institution", n=Count("*"))
    mismatches = _per_institution(_mismatches(ids, day), "care_class__institution", n=Count("*"))
    no_attendance = {"check_ins": 0, "present": 0, "by_deadline": 0, "checked": 0}
    gaps = _sample_gap_counts(
        [row for row in rows if attendance.get(row.pk, no_attendance)["check_ins"]], day
    )
    result = []
    for row in rows:
        day_of = attendance.get(row.pk, no_attendance)
        result.append(
            DailyRow(
                institution=row,
                enrolled=enrolled.get(row.pk, {}).get("n", 0),
                present=day_of["present"],
                check_ins=day_of["check_ins"],
                checked_in_by_deadline=day_of["by_deadline"],
                morning_checks_by_deadline=day_of["checked"],
                ratio_breaches=breaches.get(row.pk, {}).get("n", 0),
                outing_mismatches=mismatches.get(row.pk, {}).get("n", 0),
                food_sample_gaps=gaps.get(row.pk),
                open_findings=row.open_findings,  # type: ignore[attr-defined]
            )
        )
    return result


@dataclass(frozen=True)
class DailyTotals:
    """The day's figures summed over every institution the regulator watches (not only a page of them)."""

    enrolled: int
    present: int
    check_ins: int
    ratio_breaches: int
    outing_mismatches: int


def daily_supervision_totals(institutions: QuerySet[Institution], day: datetime.date) -> DailyTotals:
    """``DailyTotals`` of ``institutions`` on ``day``: four aggregate queries, whatever their number."""
    attendance = _attendance(institutions, day).aggregate(
        check_ins=Count("*"), present=Count("pk", filter=~Q(status=AttendanceStatus.SENT_HOME))
    )
    return DailyTotals(
        enrolled=_enrolled(institutions, day).count(),
        present=attendance["present"],
        check_ins=attendance["check_ins"],
        ratio_breaches=_breaches(institutions, day).count(),
        outing_mismatches=_mismatches(institutions, day).count(),
    )


def _sample_gap_counts(institutions: list[Institution], day: datetime.date) -> dict[int, int]:
    """Institution id -> food-sample gaps of ``day``, for those of ``institutions`` (the ones open that day)
    that serve meals: none before the day is over."""
    if day >= timezone.localdate():
        return {}
    serving = [row.pk for row in institutions if row.serves_meals]
    counts = dict.fromkeys(serving, 0)
    if not serving:
        return counts
    menus = {
        menu.institution_id: menu
        for menu in WeeklyMenu.objects.filter(
            institution_id__in=serving, week_start=week_start_of(day), published_at__isnull=False
        )
    }
    samples: dict[int, list[FoodSample]] = defaultdict(list)
    for sample in FoodSample.objects.filter(institution_id__in=serving, day=day):
        samples[sample.institution_id].append(sample)
    for institution_id in serving:
        menu = menus.get(institution_id)
        dishes = dishes_to_sample(menu, day) if menu is not None else []
        counts[institution_id] = len(sample_gaps(day, dishes, samples[institution_id]))
    return counts
