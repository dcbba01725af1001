"""From measurement items to z-scores, flags and classification: the one path every caller takes.

The batch calculator API, the measurement service and the demo all hand a list of items (dicts as in the
API: ``sex`` 1|2, ``age_days``, ``age_months`` or ``birth_date`` + ``measured_on``, ``weight_kg``,
``length_cm``, ``position`` "l"|"h", ``head_cm``, ``oedema``) to :func:`assess`, with the standard to
assess against (WHO 2006 unless told). Each item is checked on its own: a bad
item gets an :class:`ItemError` in its place (which field, a code, a message), the others are computed in
one call of the engine. Impossible measurements are not errors: they are computed as far as WHO's method
allows and explained by flags, never dropped.

Flags are stable codes (``FLAG_EXPLANATIONS`` explains each); classifications come from
:func:`tuoyu.health.growth.classification.classify`, put in words by :func:`classification_words`.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.health.growth.classification import CONDITIONS, bands, classify, nutrition
from tuoyu.health.growth.standards import (
    DAYS_PER_MONTH,
    GrowthStandard,
    who_2006,
)
from tuoyu.health.growth.zscores import SCORES, Measurements, ZScores, compute
from tuoyu.regions.choices import GrowthStandardCode

MEASURES = ("weight_kg", "length_cm", "head_cm")
POSITIONS = ("l", "h")

# Flags: what is unusual about a measurement and why a z-score may be missing --------------------------

FLAG_EXPLANATIONS: dict[str, Promise] = {
    "zwei_implausible": gettext_lazy(
        "Weight-for-age is outside WHO's plausible range (below −6 or above +5 SD): check the weight and "
        "the date of birth. It is not used to classify."
    ),
    "zlen_implausible": gettext_lazy(
        "Length/height-for-age is outside WHO's plausible range (beyond ±6 SD): check the length and the "
        "date of birth. It is not used to classify."
    ),
    "zwfl_implausible": gettext_lazy(
        "Weight-for-length/height is outside WHO's plausible range (beyond ±5 SD): check the weight and "
        "the length. It is not used to classify."
    ),
    "zbmi_implausible": gettext_lazy(
        "BMI-for-age is outside WHO's plausible range (beyond ±5 SD): check the weight and the length."
    ),
    "zhc_implausible": gettext_lazy(
        "Head circumference-for-age is outside WHO's plausible range (beyond ±5 SD): check the measurement."
    ),
    "standing_under_9_months": gettext_lazy(
        "Measured standing before 9 months, which is not plausible: the length is used as measured, without "
        "the standing-to-lying correction. Measure a baby lying down."
    ),
    "weight_not_positive": gettext_lazy("The weight is zero or negative: no weight-based z-score."),
    "length_not_positive": gettext_lazy("The length/height is zero or negative: no length-based z-score."),
    "head_not_positive": gettext_lazy("The head circumference is zero or negative: no z-score for it."),
    "length_outside_table": gettext_lazy(
        "The length/height is outside WHO's weight-for-length (45–110 cm) or weight-for-height "
        "(65–120 cm) table: no weight-for-length/height z-score."
    ),
    "age_over_60_months": gettext_lazy(
        "The child is 60 months or older: the WHO Child Growth Standards give no age-based z-score."
    ),
    "age_over_81_months": gettext_lazy(
        "The child is older than 81 months: WS/T 423—2022 gives no age-based value beyond its tables."
    ),
    "position_corrected": gettext_lazy(
        "Measured standing before 24 months, or lying from 24 months: WS/T 423—2022 tabulates length lying "
        "below 24 months and height standing from 24, so 0.7 cm was added to a standing measure (taken off a "
        "lying one) before it was evaluated."
    ),
    "head_age_outside_table": gettext_lazy(
        "WS/T 423—2022 gives head circumference-for-age up to 36 months only: no value for it."
    ),
    "age_unknown": gettext_lazy("No age was given: only weight-for-length/height can be computed."),
    "oedema": gettext_lazy(
        "Bilateral pitting oedema: the weight is not meaningful, so no weight-based z-score is given; "
        "oedema counts as severe wasting."
    ),
}


# Where WS/T 423—2022 says otherwise than WHO: its own tables, and WHO's plausible ranges borrowed.
WST_FLAG_EXPLANATIONS: dict[str, Promise] = {
    "zwei_implausible": gettext_lazy(
        "Weight-for-age is far outside the standard's lines (below −6 or above +5 SD, WHO's plausible "
        "range): check the weight and the date of birth. It is not used to classify."
    ),
    "zlen_implausible": gettext_lazy(
        "Length/height-for-age is far outside the standard's lines (beyond ±6 SD, WHO's plausible range): "
        "check the length and the date of birth. It is not used to classify."
    ),
    "zwfl_implausible": gettext_lazy(
        "Weight-for-length/height is far outside the standard's lines (beyond ±5 SD, WHO's plausible range): "
        "check the weight and the length. It is not used to classify."
    ),
    "zbmi_implausible": gettext_lazy(
        "BMI-for-age is far outside the standard's lines (beyond ±5 SD, WHO's plausible range): check the "
        "weight and the length."
    ),
    "zhc_implausible": gettext_lazy(
        "Head circumference-for-age is far outside the standard's lines (beyond ±5 SD, WHO's plausible "
        "range): check the measurement."
    ),
    "length_outside_table": gettext_lazy(
        "The length/height is outside WS/T 423—2022's weight-for-length (45–100 cm) or weight-for-height "
        "(75–130 cm) table: no weight-for-length/height value."
    ),
}
EXPLANATIONS_BY_STANDARD = {
    GrowthStandardCode.WHO_2006: FLAG_EXPLANATIONS,
    GrowthStandardCode.WST_423_2022: {**FLAG_EXPLANATIONS, **WST_FLAG_EXPLANATIONS},
}


def flag_explanations(
    flags: Sequence[str], standard: str = GrowthStandardCode.WHO_2006
) -> list[tuple[str, str]]:
    """``(code, explanation)`` for each flag of a result of ``standard``, in the reader's language (unknown
    codes explained by code)."""
    explanations = EXPLANATIONS_BY_STANDARD[GrowthStandardCode(standard)]
    return [(code, str(explanations.get(code, code))) for code in flags]


# Classification in words -------------------------------------------------------------------------------

CLASSIFICATION_WORDS: dict[tuple[str, str], Promise] = {
    ("underweight", "moderate"): gettext_lazy("Moderate underweight"),
    ("underweight", "severe"): gettext_lazy("Severe underweight"),
    ("stunting", "moderate"): gettext_lazy("Moderate stunting"),
    ("stunting", "severe"): gettext_lazy("Severe stunting"),
    ("wasting", "moderate"): gettext_lazy("Moderate wasting"),
    ("wasting", "severe"): gettext_lazy("Severe wasting"),
    ("overweight", "overweight"): gettext_lazy("Overweight"),
    ("overweight", "obesity"): gettext_lazy("Obesity"),
}
SEVERE_STATUSES = {"severe", "obesity"}


@dataclass(frozen=True)
class ClassificationFinding:
    """One condition found (not normal), in words, with its status."""

    condition: str
    status: str
    label: str

    @property
    def severe(self) -> bool:
        return self.status in SEVERE_STATUSES


def classification_findings(classification: dict[str, Any]) -> list[ClassificationFinding]:
    """The conditions found (moderate or severe undernutrition, overweight, obesity), in words, always in
    the order of ``classification.CONDITIONS`` (a stored classification may come back with its keys in
    another order: PostgreSQL's jsonb sorts them)."""
    found = []
    for condition in CONDITIONS:
        status = str(classification.get(condition))
        if (condition, status) in CLASSIFICATION_WORDS:
            found.append(
                ClassificationFinding(condition, status, str(CLASSIFICATION_WORDS[condition, status]))
            )
    return found


def classification_words(classification: dict[str, Any]) -> str:
    """The classification as a person reads it: "Moderate underweight, Severe wasting", "Normal" or
    "Not assessed" (nothing could be judged)."""
    found = classification_findings(classification)
    if found:
        return ", ".join(finding.label for finding in found)
    if any(status is not None for status in classification.values()):
        return _("Normal")
    return _("Not assessed")


# Items in, results out ---------------------------------------------------------------------------------


def item_of(measurement: Any) -> dict[str, Any]:
    """A measurement (a ``models.Measurement``, saved or not, with its child) as an item of :func:`assess`."""
    return {
        "sex": measurement.child.sex,
        "birth_date": measurement.child.birth_date,
        "measured_on": measurement.measured_on,
        "weight_kg": measurement.weight_kg,
        "length_cm": measurement.length_cm,
        "position": measurement.position,
        "head_cm": measurement.head_cm,
        "oedema": measurement.oedema,
    }


@dataclass(frozen=True)
class ItemError:
    """Why an item could not be computed: the field at fault, a code a program acts on, and a message."""

    field: str
    code: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"error": {"field": self.field, "code": self.code, "detail": self.detail}}


@dataclass(frozen=True)
class ItemResult:
    """The z-scores of an item (rounded to 2 decimals, None where not computable), flags, classification,
    and the standard that produced them; under WS/T 423—2022 the scores are values interpolated between the
    SD lines, with their bands and the nutrition categories that apply."""

    age_days: int | None
    scores: dict[str, float | None]
    flags: list[str] = field(default_factory=list)
    classification: dict[str, str | None] = field(default_factory=dict)
    standard: str = GrowthStandardCode.WHO_2006
    bands: dict[str, str | None] | None = None  # WS/T only

    @property
    def nutrition(self) -> list[str]:
        return nutrition(self.classification)

    def as_json(self) -> dict[str, Any]:
        """The item as the batch API answers it (whose response names the standard once for all items)."""
        result = {**self.scores, "flags": self.flags, "classification": self.classification}
        if self.bands is not None:
            result |= {"bands": self.bands, "nutrition": self.nutrition}
        return result


class _Invalid(Exception):
    def __init__(self, field: str, code: str, detail: str) -> None:
        super().__init__(detail)
        self.error = ItemError(field, code, detail)


@dataclass(frozen=True)
class _Valid:
    sex: int
    age_days: float  # NaN when unknown
    weight_kg: float
    length_cm: float
    position: str
    head_cm: float
    oedema: bool


def _number(item: dict[str, Any], name: str) -> float:
    """A finite number (NaN when left out)."""
    value = item.get(name)
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _Invalid(name, "not_a_number", _("%(field)s must be a number.") % {"field": name})
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _Invalid(name, "out_of_range", _("%(field)s is not a finite number.") % {"field": name})
    return number


def _date(item: dict[str, Any], name: str) -> datetime.date | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise _Invalid(name, "date_invalid", _("%(field)s must be a date (YYYY-MM-DD).") % {"field": name})


def _sex(item: dict[str, Any]) -> int:
    value = item.get("sex")
    if not isinstance(value, bool) and value in (1, 2, "1", "2"):
        return int(value)
    raise _Invalid("sex", "sex_invalid", _("sex must be 1 (boy) or 2 (girl)."))


def _age_from_dates(item: dict[str, Any], today: datetime.date) -> float | None:
    birth_date, measured_on = _date(item, "birth_date"), _date(item, "measured_on")
    if measured_on is not None and measured_on > today:
        raise _Invalid("measured_on", "measured_in_future", _("The date measured is in the future."))
    if birth_date is None or measured_on is None:
        if birth_date is not None or measured_on is not None:
            missing = "measured_on" if measured_on is None else "birth_date"
            raise _Invalid(
                missing,
                "date_missing",
                _("Give both birth_date and measured_on, or the age in days (age_days)."),
            )
        return None
    if measured_on < birth_date:
        raise _Invalid("measured_on", "measured_before_birth", _("The date measured is before the birth."))
    return float((measured_on - birth_date).days)


def _age(item: dict[str, Any], today: datetime.date) -> float:
    """The age in days, from ``age_days``, ``age_months`` (× 30.4375) or the dates (NaN if none is given)."""
    from_dates = _age_from_dates(item, today)
    age = _number(item, "age_days")
    months = _number(item, "age_months")
    if not math.isnan(months):
        if not math.isnan(age) or from_dates is not None:
            raise _Invalid(
                "age_months",
                "age_given_twice",
                _("Give the age one way: age_days, age_months, or birth_date and measured_on."),
            )
        if months < 0:
            raise _Invalid("age_months", "age_negative", _("age_months cannot be negative."))
        if not math.isfinite(months * DAYS_PER_MONTH):
            raise _Invalid(
                "age_months", "out_of_range", _("%(field)s is not a finite number.") % {"field": "age_months"}
            )
        return months * DAYS_PER_MONTH
    if math.isnan(age):
        return math.nan if from_dates is None else from_dates
    if age < 0:
        raise _Invalid("age_days", "age_negative", _("age_days cannot be negative."))
    if from_dates is not None and math.floor(age) != from_dates:
        raise _Invalid("age_days", "age_mismatch", _("age_days does not match birth_date and measured_on."))
    return age


def _position(item: dict[str, Any]) -> str:
    value = item.get("position")
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value.lower() in POSITIONS:
        return value.lower()
    raise _Invalid("position", "position_invalid", _('position must be "l" (lying) or "h" (standing).'))


def _oedema(item: dict[str, Any]) -> bool:
    value = item.get("oedema")
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _Invalid("oedema", "oedema_invalid", _("oedema must be true or false."))


def _validate(item: object, today: datetime.date) -> _Valid:
    if not isinstance(item, dict):
        raise _Invalid("item", "not_an_object", _("Each item must be an object."))
    sex = _sex(item)
    age = _age(item, today)
    weight, length, head = (_number(item, name) for name in MEASURES)
    position, oedema = _position(item), _oedema(item)
    if all(math.isnan(value) for value in (weight, length, head)):
        raise _Invalid(
            "weight_kg",
            "nothing_measured",
            _("Give at least a weight, a length/height or a head circumference."),
        )
    if math.isnan(age) and (math.isnan(weight) or math.isnan(length)):
        raise _Invalid(
            "age_days",
            "age_missing",
            _(
                "Give the age in days (age_days), in months (age_months) or birth_date and measured_on; "
                "without an age only weight-for-length/height can be computed, from a weight and a length."
            ),
        )
    return _Valid(sex, age, weight, length, position, head, oedema)


def _flags(item: _Valid, z: ZScores, i: int) -> list[str]:
    standard = z.standard
    flags = [f"{name}_implausible" for name in SCORES if bool(z.implausible[name][i])]
    if z.standing_under_9_months[i]:
        flags.append("standing_under_9_months")
    if standard.flags_position_correction and z.position_corrected[i]:
        flags.append("position_corrected")
    for name, code in (("weight_kg", "weight"), ("length_cm", "length"), ("head_cm", "head")):
        if getattr(item, name) <= 0:
            flags.append(f"{code}_not_positive")
    weight_length_usable = item.weight_kg > 0 and item.length_cm > 0 and not item.oedema
    age_known = not math.isnan(item.age_days)
    too_old = bool(z.age_beyond_standard[i])
    if weight_length_usable and not too_old and math.isnan(z.zwfl[i]):
        flags.append("length_outside_table")
    if too_old:
        flags.append(f"age_over_{standard.max_age_months:g}_months")
    elif item.head_cm > 0 and z.age_beyond_head_table[i]:
        flags.append("head_age_outside_table")
    if not age_known:
        flags.append("age_unknown")
    if item.oedema:
        flags.append("oedema")
    return flags


def _compute(valid: list[_Valid], standard: GrowthStandard) -> ZScores:
    data = Measurements.from_columns(
        sex=[item.sex for item in valid],
        age_days=[item.age_days for item in valid],
        weight_kg=[item.weight_kg for item in valid],
        length_cm=[item.length_cm for item in valid],
        position=[item.position for item in valid],
        head_cm=[item.head_cm for item in valid],
        oedema=[item.oedema for item in valid],
    )
    # Absurd inputs (1e300 kg) overflow to infinity: flagged as implausible below, not warned about.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return compute(data, standard)


def assess(
    items: Sequence[object],
    *,
    today: datetime.date | None = None,
    standard: GrowthStandard | None = None,
) -> list[ItemResult | ItemError]:
    """Check each item, compute all valid ones in one engine call against ``standard`` (WHO 2006 unless
    given), and give a result or an error per item, in the same order. Dates after ``today`` (the local
    date by default) are refused."""
    today = today or timezone.localdate()
    standard = standard or who_2006()
    outcomes: list[_Valid | ItemError] = []
    for item in items:
        try:
            outcomes.append(_validate(item, today))
        except _Invalid as invalid:
            outcomes.append(invalid.error)
    valid = [outcome for outcome in outcomes if isinstance(outcome, _Valid)]
    computed = iter(_results(valid, standard)) if valid else iter(())
    return [outcome if isinstance(outcome, ItemError) else next(computed) for outcome in outcomes]


def _results(valid: list[_Valid], standard: GrowthStandard) -> list[ItemResult]:
    z = _compute(valid, standard)
    by_lines = not standard.rounded_judgement
    # Rounded as the engine rounds when it judges plausibility; NaN and infinity become None.
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = {name: np.round(z.score(name), 2) for name in SCORES}
    columns = {
        name: np.where(np.isfinite(values), values, np.nan).tolist() for name, values in rounded.items()
    }
    implausible = {name: z.implausible[name].tolist() for name in SCORES}
    results = []
    for i, item in enumerate(valid):
        scores = {name: None if math.isnan(columns[name][i]) else columns[name][i] for name in SCORES}
        judged = {name: implausible[name][i] for name in SCORES}
        # Under WS/T the value is judged against the lines as it is, not as rounded for display.
        exact = {name: None if math.isnan(v := float(z.score(name)[i])) else v for name in SCORES}
        assessed = exact if by_lines else scores
        classification = {
            condition: None if status is None else str(status)
            for condition, status in classify(
                assessed, judged, oedema=item.oedema, rounded=standard.rounded_judgement
            ).items()
        }
        age = None if math.isnan(item.age_days) else math.floor(item.age_days)
        results.append(
            ItemResult(
                age,
                scores,
                _flags(item, z, i),
                classification,
                standard=standard.code,
                bands=bands(exact, judged) if by_lines else None,
            )
        )
    return results
