"""Reads of growth: a child's measurements, who records a measurement and as what source, and the
children in care whose undernutrition is not followed up (rule HLT-04).

Opening a child's record (and logging the read) is ``services.access.health_record_open``; these
selectors take a child already opened.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.enrolment.models import Child, completed_months
from tuoyu.enrolment.selectors import is_guardian_of, placements_in_care_at
from tuoyu.health.growth.batch import (
    ClassificationFinding,
    ItemResult,
    assess,
    classification_findings,
    classification_words,
    flag_explanations,
    item_of,
)
from tuoyu.health.growth.classification import nutrition
from tuoyu.health.growth.standards import GrowthStandard, standard_of
from tuoyu.health.growth.zscores import SCORES
from tuoyu.health.models import Measurement, MeasurementSource
from tuoyu.regions.selectors import growth_standard_of
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to

UNDERNUTRITION = ("underweight", "stunting", "wasting")
FOLLOW_UP_STATUSES = ("moderate", "severe")
FOLLOW_UP_DAYS = 31
"""An undernourished child is measured again at least monthly: a gap of more than 31 days is overdue."""


def growth_standard_at(institution: Institution | None) -> GrowthStandard:
    """The growth standard of the institution's region (``regions.selectors.growth_standard_of``); without
    an institution, the default (WS/T 423—2022)."""
    return standard_of(growth_standard_of(institution.street if institution is not None else None))


def growth_standard_of_child(child: Child, day: datetime.date | None = None) -> GrowthStandard:
    """The standard the child's growth is evaluated against: that of the institution holding their place
    on ``day`` (today by default), else the default."""
    return growth_standard_at(institution_holding_place(child, day or timezone.localdate()))


def measurements_of(child: Child) -> QuerySet[Measurement]:
    """The child's measurements, newest first."""
    return (
        Measurement.objects.filter(child=child)
        .select_related("child", "measured_by", "institution")
        .order_by("-measured_on", "-pk")
    )


def institution_holding_place(
    child: Child, day: datetime.date, institutions: QuerySet[Institution] | None = None
) -> Institution | None:
    """The institution where the child holds a place on ``day`` (among ``institutions`` if given)."""
    placements = child.placements.filter(ends_on__gt=day)
    if institutions is not None:
        placements = placements.filter(institution__in=institutions)
    placement = placements.select_related("institution").order_by("-start_date", "-pk").first()
    return placement.institution if placement else None


@dataclass(frozen=True)
class GrowthRecorder:
    """As what a person records a child's measurement: the source, and the institution it belongs to."""

    source: str
    institution: Institution | None


def growth_recorder(
    actor: object, child: Child, *, day: datetime.date | None = None
) -> GrowthRecorder | None:
    """How ``actor`` records this child's measurements, or None if they may not.

    The institution's director and health worker record for the institution, the partner hospital's doctor
    for the hospital (both need ``record_medical`` where the child holds a place); a guardian records their
    own child's measurements as guardian-reported.
    """
    day = day or timezone.localdate()
    if Child.objects.visible_to(actor, Perm.RECORD_MEDICAL, on=day).filter(pk=child.pk).exists():
        institution = institution_holding_place(
            child, day, institutions_visible_to(actor, Perm.RECORD_MEDICAL)
        )
        assert institution is not None  # recordable: the child holds a place where the actor records
        scope = scope_of(actor, Perm.RECORD_MEDICAL)
        staff = scope.everything or institution.pk in scope.institution_ids
        source = MeasurementSource.INSTITUTION if staff else MeasurementSource.HOSPITAL
        return GrowthRecorder(source, institution)
    if is_guardian_of(actor, child):
        return GrowthRecorder(MeasurementSource.GUARDIAN, institution_holding_place(child, day))
    return None


# Follow-up of undernutrition (HLT-04) ------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpDue:
    """A child in care whose latest assessed measurement shows undernutrition, not measured since."""

    child: Child
    measurement: Measurement
    conditions: dict[str, str]  # condition -> "moderate" / "severe"
    days_since: int


def undernutrition_of(classification: dict[str, object]) -> dict[str, str]:
    """The undernutrition conditions of a classification that call for a monthly follow-up."""
    return {
        condition: str(classification[condition])
        for condition in UNDERNUTRITION
        if classification.get(condition) in FOLLOW_UP_STATUSES
    }


def _assessed(measurement: Measurement) -> bool:
    """Whether any undernutrition condition could be judged (a head circumference alone judges none)."""
    return any(measurement.classification.get(condition) is not None for condition in UNDERNUTRITION)


def growth_follow_ups_due(institution: Institution, day: datetime.date) -> list[FollowUpDue]:
    """Children in care at the institution on ``day`` whose latest assessed measurement (up to ``day``)
    shows moderate or severe underweight, stunting or wasting and is more than 31 days old."""
    children = {placement.child_id: placement.child for placement in placements_in_care_at(institution, day)}
    latest: dict[int, Measurement] = {}
    measurements = Measurement.objects.filter(child_id__in=children, measured_on__lte=day).order_by(
        "child_id", "-measured_on", "-pk"
    )
    for measurement in measurements:
        if measurement.child_id not in latest and _assessed(measurement):
            latest[measurement.child_id] = measurement
    due = []
    for child_id, measurement in latest.items():
        conditions = undernutrition_of(measurement.classification)
        days_since = (day - measurement.measured_on).days
        if conditions and days_since > FOLLOW_UP_DAYS:
            due.append(FollowUpDue(children[child_id], measurement, conditions, days_since))
    return sorted(due, key=lambda entry: (entry.child.name, entry.child.pk))


# A child's measurements as a page shows them -------------------------------------------------------------


SCORE_LABELS = {
    "zwei": gettext_lazy("Weight-for-age"),
    "zlen": gettext_lazy("Length/height-for-age"),
    "zwfl": gettext_lazy("Weight-for-length/height"),
    "zbmi": gettext_lazy("BMI-for-age"),
    "zhc": gettext_lazy("Head circumference-for-age"),
}


@dataclass(frozen=True)
class MeasurementRow:
    """A measurement as evaluated against one standard: the age in completed months, the values (z-scores,
    or under WS/T values interpolated between the SD lines) with their bands, the classification and the
    flags in words. ``stored`` when these are the ones recorded with the measurement, not computed anew
    for another standard."""

    measurement: Measurement
    age_months: int
    standard: GrowthStandard
    scores: dict[str, float | None]
    bands: dict[str, str | None]
    findings: list[ClassificationFinding]
    nutrition: list[str]
    classification: str
    assessed: bool  # whether any condition could be judged
    flags: list[tuple[str, str]]
    stored: bool

    @property
    def values(self) -> list[tuple[str, str, float | None, str | None]]:
        """``(score, label, value, band)`` in the order of ``zscores.SCORES``."""
        return [
            (name, str(SCORE_LABELS[name]), self.scores.get(name), self.bands.get(name)) for name in SCORES
        ]


def _row(
    child: Child, measurement: Measurement, standard: GrowthStandard, result: ItemResult | None
) -> MeasurementRow:
    if result is None:  # the stored evaluation
        scores = {name: getattr(measurement, name) for name in SCORES}
        bands, flags, classification = measurement.bands or {}, measurement.flags, measurement.classification
    else:
        scores, bands = result.scores, result.bands or {}
        flags, classification = result.flags, result.classification
    return MeasurementRow(
        measurement=measurement,
        age_months=completed_months(child.birth_date, measurement.measured_on),
        standard=standard,
        scores=scores,
        bands=bands,
        findings=classification_findings(classification),
        nutrition=nutrition(classification),
        classification=classification_words(classification),
        assessed=any(status is not None for status in classification.values()),
        flags=flag_explanations(flags, standard.code),
        stored=result is None,
    )


def measurement_rows(
    child: Child, measurements: list[Measurement], standard: GrowthStandard | None = None
) -> list[MeasurementRow]:
    """The child's measurements evaluated against ``standard`` (that of each measurement if not given):
    what was recorded where the standard is the one recorded with, computed anew (in one engine call)
    where it is another."""
    anew = [m for m in measurements if standard is not None and m.standard != standard.code]
    results = {}
    if standard is not None and anew:
        outcomes = assess(
            [item_of(m) for m in anew], today=max(m.measured_on for m in anew), standard=standard
        )
        results = {m.pk: outcome for m, outcome in zip(anew, outcomes, strict=True)}
    rows = []
    for measurement in measurements:
        result = results.get(measurement.pk)
        if isinstance(result, ItemResult):
            rows.append(_row(child, measurement, standard or standard_of(measurement.standard), result))
        else:  # recorded with this standard (or, should it fail now, as recorded)
            rows.append(_row(child, measurement, standard_of(measurement.standard), None))
    return rows
