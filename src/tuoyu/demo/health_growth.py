"""The demo district's growth data: realistic curves for the children in care at 爱彼宝 and the medical-
integrated centre.

Each child follows a course of their own on the district's growth standard, WS/T 423—2022 (a value
at birth and one today for weight, length/height and head circumference, a little measurement
noise), measured where a child is measured: at the hospital at birth, at the community child-health
checks (1, 3, 6, 8, 12, 18, 24 and 30 months) until the place began, then by the institution every
one to three months. 赵女士's daughter 陆可馨 has a smooth curve, with two measurements her mother took at
home. Two children need attention: one at 爱彼宝 slid from moderate to severe underweight (an open
growth referral to the hospital's nutrition clinic), one at the medical-integrated centre is
moderately stunted and has not been measured for 40 days (rule HLT-04).

All measurements go through ``growth.batch.assess`` in one call, as the measurement service computes
them, and are bulk-inserted. Dates are relative to the day of loading; nothing is dated after it.
"""

import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.growth.standards import HEIGHT_FROM_DAYS, Indicator, standard_of
from tuoyu.health.models import Measurement, MeasurementSource, Position, Referral, ReferralReason
from tuoyu.health.selectors.growth import growth_standard_at
from tuoyu.health.services.growth import measurements_assess
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import directors_of, health_workers_of
from tuoyu.workdays import months_later

INSTITUTIONS = ("爱彼宝济宁托育中心", "济宁托育集团济医附院医育结合托育园")
UNDERWEIGHT_AT, STUNTED_AT = INSTITUTIONS
SEED = 2026
COMMUNITY_CHECK_MONTHS = (1, 3, 6, 8, 12, 18, 24, 30)
HOME_MONTHS = (15, 21)  # 赵女士 weighs and measures her daughter at home between the checks
NUTRITION_CLINIC = "济宁医学院附属医院儿科营养门诊"
UNDERWEIGHT_LAST_DAYS_AGO = 8
STUNTED_LAST_DAYS_AGO = 40


@dataclass(frozen=True)
class Course:
    """A child's own course on the standards: z-scores at birth and today, and the measurement noise."""

    weight: tuple[float, float]
    length: tuple[float, float]
    head: tuple[float, float]
    noise: float

    def at(self, share: float, rng: random.Random) -> tuple[float, float, float]:
        def z(course: tuple[float, float]) -> float:
            return course[0] + (course[1] - course[0]) * share + rng.gauss(0, self.noise)

        return z(self.weight), z(self.length), z(self.head)


def ordinary_course(rng: random.Random) -> Course:
    """A child growing normally: within −1.5 … +1.7 SD, weight close to what the length says."""

    def clip(value: float) -> float:
        return min(max(value, -1.5), 1.7)

    length_birth = clip(rng.gauss(0.1, 0.8))
    length_now = clip(length_birth + rng.gauss(0, 0.3))
    weight_birth = clip(length_birth + max(min(rng.gauss(0, 0.4), 0.6), -0.6))
    weight_now = clip(length_now + max(min(rng.gauss(0, 0.4), 0.6), -0.6))
    head = clip(rng.gauss(0, 0.8))
    return Course(
        (weight_birth, weight_now), (length_birth, length_now), (head, head + rng.gauss(0, 0.2)), 0.12
    )


NICE_COURSE = Course(weight=(0.25, 0.45), length=(0.3, 0.5), head=(0.2, 0.3), noise=0.05)
UNDERWEIGHT_COURSE = Course(weight=(-0.8, -3.35), length=(-0.6, -2.2), head=(-0.3, -0.8), noise=0.05)
STUNTED_COURSE = Course(weight=(-0.6, -1.6), length=(-0.7, -2.45), head=(0.0, -0.4), noise=0.05)


@dataclass(frozen=True)
class Planned:
    """One measurement to take: of whom, when, where, by whom, and the course it follows."""

    child: Child
    measured_on: datetime.date
    source: str
    institution: Institution | None
    measured_by: User | None
    z: tuple[float, float, float]
    head: bool = True


class GrowthDemo:
    def __init__(self, *, users: dict[str, Any], today: datetime.date) -> None:
        self.users = users
        self.today = today
        self.rng = random.Random(SEED)
        self.placements = list(
            Placement.objects.filter(institution__name__in=INSTITUTIONS, ends_on__gt=today)
            .select_related("child", "institution")
            .order_by("institution__name", "start_date", "pk")
        )
        self.recorders = {
            placement.institution_id: health_workers_of(placement.institution_id).first()
            or directors_of(placement.institution_id).first()
            for placement in self.placements
        }

    def seed(self) -> None:
        guardian_child = self.guardian_child()
        underweight = self.long_in_care(UNDERWEIGHT_AT, exclude=guardian_child)
        stunted = self.long_in_care(STUNTED_AT, exclude=guardian_child)
        plans: list[Planned] = []
        for placement in self.placements:
            child = placement.child
            if child == underweight:
                plans += self.plan(placement, UNDERWEIGHT_COURSE, last_days_ago=UNDERWEIGHT_LAST_DAYS_AGO)
            elif child == stunted:
                plans += self.plan(placement, STUNTED_COURSE, last_days_ago=STUNTED_LAST_DAYS_AGO)
            elif child == guardian_child:
                plans += self.plan(placement, NICE_COURSE, at_home=self.users["guardian"])
            else:
                plans += self.plan(placement, ordinary_course(self.rng))
        measurements = self.measure(plans)
        Measurement.objects.bulk_create(measurements, batch_size=500)
        if underweight is not None:
            self.refer(underweight)

    def guardian_child(self) -> Child | None:
        guardian = self.users["guardian"]
        return next(
            (p.child for p in self.placements if p.child.guardianships.filter(user=guardian).exists()), None
        )

    def long_in_care(self, institution_name: str, *, exclude: Child | None) -> Child | None:
        """The child longest in care at the institution (several of its measurements show the course)."""
        candidates = [
            p.child
            for p in self.placements
            if p.institution.name == institution_name
            and p.child != exclude
            and p.start_date <= self.today - datetime.timedelta(days=150)
        ]
        return candidates[0] if candidates else None

    # When and where each child is measured -----------------------------------------------------------

    def dates(self, placement: Placement, *, last_days_ago: int | None) -> list[tuple[datetime.date, str]]:
        birth, start = placement.child.birth_date, placement.start_date
        dated: list[tuple[datetime.date, str]] = [(birth, MeasurementSource.HOSPITAL)]
        for months in COMMUNITY_CHECK_MONTHS:
            day = months_later(birth, months) + datetime.timedelta(days=self.rng.randrange(0, 6))
            if day < start and day <= self.today:
                dated.append((day, MeasurementSource.HOSPITAL))
        day = start + datetime.timedelta(days=self.rng.randrange(3, 11))
        cutoff = self.today - datetime.timedelta(days=last_days_ago or 0)
        while day <= cutoff:
            dated.append((day, MeasurementSource.INSTITUTION))
            day += datetime.timedelta(days=self.rng.randrange(30, 92))
        if last_days_ago is not None and dated[-1][0] < cutoff:
            if dated[-1][0] > cutoff - datetime.timedelta(days=20):
                dated.pop()
            dated.append((cutoff, MeasurementSource.INSTITUTION))
        return dated

    def plan(
        self,
        placement: Placement,
        course: Course,
        *,
        last_days_ago: int | None = None,
        at_home: User | None = None,
    ) -> list[Planned]:
        child, institution = placement.child, placement.institution
        dated = self.dates(placement, last_days_ago=last_days_ago)
        if at_home is not None:
            for months in HOME_MONTHS:
                day = months_later(child.birth_date, months) + datetime.timedelta(days=2)
                if day < placement.start_date and day <= self.today:
                    dated.append((day, MeasurementSource.GUARDIAN))
            dated.sort()
        span = max((dated[-1][0] - child.birth_date).days, 1)
        plans = []
        for day, source in dated:
            share = (day - child.birth_date).days / span
            by_institution = source == MeasurementSource.INSTITUTION
            plans.append(
                Planned(
                    child=child,
                    measured_on=day,
                    source=source,
                    institution=institution if by_institution else None,
                    measured_by=self.recorders[institution.pk] if by_institution else at_home,
                    z=course.at(share, self.rng),
                    head=source != MeasurementSource.GUARDIAN,
                )
            )
        return plans

    # The values, the z-scores, the rows ---------------------------------------------------------------

    def measure(self, plans: list[Planned]) -> list[Measurement]:
        """The values of each planned measurement from its course on the standard of the district; the
        values against the standard then computed back as the measurement service computes them."""
        institutions = {p.institution for p in self.placements}
        standards = {growth_standard_at(institution).code for institution in institutions}
        assert len(standards) <= 1, "the demo's two institutions are in one district"
        standard = growth_standard_at(next(iter(institutions), None))
        ages = np.array([(plan.measured_on - plan.child.birth_date).days for plan in plans], dtype=np.float64)
        rows = np.array([int(plan.child.sex) - 1 for plan in plans], dtype=np.intp)
        z = np.array([plan.z for plan in plans], dtype=np.float64)
        index = standard.age_index(standard.age_days_used(ages))

        def measure_at(indicator: Indicator, column: int) -> list[float]:
            values: list[float] = standard.tables[indicator].value_at(rows, index, z[:, column]).tolist()
            return values

        weights = measure_at(Indicator.WEIGHT_FOR_AGE, 0)
        lengths = measure_at(Indicator.LENGTH_FOR_AGE, 1)  # lying below 731 days, standing from: as measured
        heads = measure_at(Indicator.HEAD_FOR_AGE, 2)
        measurements = [
            Measurement(
                child=plan.child,
                measured_on=plan.measured_on,
                weight_kg=Decimal(f"{weight:.2f}"),
                length_cm=Decimal(f"{length:.1f}"),
                position=Position.LYING if age < HEIGHT_FROM_DAYS else Position.STANDING,
                # WS/T gives head circumference to 36 months: older children's heads are not measured.
                head_cm=Decimal(f"{head:.1f}") if plan.head and math.isfinite(head) else None,
                source=plan.source,
                institution=plan.institution,
                measured_by=plan.measured_by,
                recorded_at=timezone.make_aware(
                    datetime.datetime.combine(plan.measured_on, datetime.time(10, 30))
                ),
            )
            for plan, weight, length, head, age in zip(plans, weights, lengths, heads, ages, strict=True)
        ]
        errors = measurements_assess(measurements, today=self.today, standard=standard)
        assert not any(errors), errors
        return measurements

    def refer(self, child: Child) -> None:
        """The open growth referral of the child who slid into severe underweight."""
        latest = child.measurements.order_by("-measured_on", "-pk").select_related("institution").first()
        assert latest is not None and latest.classification.get("underweight") == "severe", latest
        first_moderate = (
            child.measurements.filter(classification__underweight="moderate").order_by("measured_on").first()
        )
        since = f"自{chinese_month(first_moderate.measured_on)}起体重增长缓慢，" if first_moderate else ""
        day = latest.measured_on
        Referral.objects.create(
            child=child,
            reason=ReferralReason.GROWTH,
            detail=f"{chinese_month(day)}{day.day}日测量体重{latest.weight_kg}kg，年龄别体重低于-3SD"
            f"（按{standard_of(latest.standard).short_name}为{latest.zwei:.2f}），"
            f"为重度低体重；{since}已建议家长带孩子到营养门诊进一步评估和干预。",
            referred_on=latest.measured_on,
            referred_to=NUTRITION_CLINIC,
            institution=latest.institution,
            referred_by=latest.measured_by,
            measurement=latest,
        )


def chinese_month(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"


def seed_growth(*, users: dict[str, Any]) -> None:
    GrowthDemo(users=users, today=timezone.localdate()).seed()
