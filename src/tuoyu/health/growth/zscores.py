"""Vectorised growth z-scores, for the WHO Child Growth Standards as WHO's own software computes them, and
for WS/T 423—2022 as values interpolated between its SD lines.

The method (WHO anthro / igrowup), which WS/T follows where it says nothing else:

* WHO: z = ((x / M)^L − 1) / (L·S), with L, M, S for the child's sex and age in completed days (or, for
  weight-for-length/height, the length/height interpolated between the 0.1 cm rows). Weight-based
  indicators (weight-for-age, weight-for-length/height, BMI-for-age) are restricted beyond ±3 SD: the
  distance past SD3 is measured in units of the SD2–SD3 distance. Length/height-for-age and head
  circumference-for-age use the plain formula.
* WS/T: the SD lines at the age in months (days / 30.4375) or the length/height, interpolated linearly
  between the tabulated rows; the value placed linearly between the two lines around it (beyond ±3 SD with
  the outermost interval's width). See ``standards.SdTable``.
* A child is measured lying (length) below 24 months and standing (height) from then on: WHO switches at 731
  completed days, WS/T at 24 months (730.5 days). A standing measure before the switch gets +0.7 cm, a
  lying one from the switch −0.7 cm. A standing measure before 9 months is not plausible: its position is
  not used (no correction) and the measurement is flagged.
* Weight-for-length applies below the switch, weight-for-height from it (WHO: 45–110 cm and 65–120 cm;
  WS/T: 45–100 cm and 75–130 cm); without an age, the position chooses (and without a position, below
  87 cm is length).
* Age-based values are given from birth to the standard's oldest age (WHO: below 60 months; WS/T: to 81
  months, head circumference to 36); oedema gives no weight-based value; a measure ≤ 0 gives none.
* Implausible values are flagged, never dropped: |zlen| > 6, zwei < −6 or > 5, |zwfl|, |zbmi|, |zhc| > 5,
  judged on the value rounded to 2 decimals as WHO does.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tuoyu.health.growth.standards import (
    DAYS_PER_MONTH,
    FloatArray,
    GrowthStandard,
    IndexArray,
    Indicator,
    Table,
    who_2006,
)

POSITION_CORRECTION_CM = 0.7
STANDING_PLAUSIBLE_FROM_MONTHS = 9
LENGTH_WITHOUT_AGE_CUTOFF_CM = 87

# Which z-scores are computed, under which name, and when WHO flags them as implausible (low, high).
SCORES = ("zwei", "zlen", "zwfl", "zbmi", "zhc")
IMPLAUSIBLE: dict[str, tuple[float, float]] = {
    "zwei": (-6, 5),
    "zlen": (-6, 6),
    "zwfl": (-5, 5),
    "zbmi": (-5, 5),
    "zhc": (-5, 5),
}

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Measurements:
    """Columns of measurements; a missing value is NaN (numbers) or "" (position)."""

    sex: npt.NDArray[np.int64]  # 1 boy, 2 girl; anything else gives no z-score
    age_days: FloatArray
    weight_kg: FloatArray
    length_cm: FloatArray
    position: npt.NDArray[np.str_]  # "l" lying, "h" standing, "" unknown
    head_cm: FloatArray
    oedema: BoolArray

    @classmethod
    def from_columns(
        cls,
        *,
        sex: npt.ArrayLike,
        age_days: npt.ArrayLike | None = None,
        weight_kg: npt.ArrayLike | None = None,
        length_cm: npt.ArrayLike | None = None,
        position: npt.ArrayLike | None = None,
        head_cm: npt.ArrayLike | None = None,
        oedema: npt.ArrayLike | None = None,
    ) -> "Measurements":
        sexes = np.asarray(sex, dtype=np.int64)
        n = sexes.shape[0]

        def numbers(values: npt.ArrayLike | None) -> FloatArray:
            if values is None:
                return np.full(n, np.nan)
            return np.asarray(values, dtype=np.float64)

        return cls(
            sex=sexes,
            age_days=numbers(age_days),
            weight_kg=numbers(weight_kg),
            length_cm=numbers(length_cm),
            position=np.full(n, "", dtype="<U1")
            if position is None
            else np.char.lower(np.asarray(position, dtype="<U1")),
            head_cm=numbers(head_cm),
            oedema=np.zeros(n, dtype=bool) if oedema is None else np.asarray(oedema, dtype=bool),
        )


@dataclass(frozen=True)
class ZScores:
    """Unrounded z-scores (NaN where not computable), the implausibility flags and the derived inputs."""

    zwei: FloatArray
    zlen: FloatArray
    zwfl: FloatArray
    zbmi: FloatArray
    zhc: FloatArray
    implausible: dict[str, BoolArray]
    standing_under_9_months: BoolArray
    position_corrected: BoolArray  # measured in the other position than the age's: ±0.7 cm
    age_beyond_standard: BoolArray  # older than the standard gives age-based values for
    age_beyond_head_table: BoolArray  # within the standard, but older than its head circumference table
    length_used_cm: FloatArray  # after the ±0.7 cm position correction
    bmi: FloatArray
    standard: GrowthStandard

    def score(self, name: str) -> FloatArray:
        value: FloatArray = getattr(self, name)
        return value


def _z_for(
    table: Table, sex_row: IndexArray, index: FloatArray, x: FloatArray, *, restricted: bool
) -> FloatArray:
    usable = np.isfinite(x) & (x > 0)
    x = np.where(usable, x, np.nan)
    z = table.z(sex_row, index, x, restricted=restricted)
    return np.where(usable, z, np.nan)


def compute(data: Measurements, standard: GrowthStandard | None = None) -> ZScores:
    standard = standard or who_2006()
    tables = standard.tables
    sex_row = np.where(np.isin(data.sex, (1, 2)), data.sex - 1, -1).astype(np.intp)
    age = standard.age_days_used(np.where(data.age_days >= 0, data.age_days, np.nan))
    has_age = np.isfinite(age)
    age_valid = has_age & standard.age_covered(age)
    lying_age = has_age & standard.on_length_table(age)
    standing_age = has_age & ~lying_age

    months = age / DAYS_PER_MONTH
    standing_under_9_months = has_age & (data.position == "h") & (months < STANDING_PLAUSIBLE_FROM_MONTHS)
    position = np.where(standing_under_9_months, "", data.position)
    standing_too_early = lying_age & (position == "h")
    lying_too_late = standing_age & (position == "l")
    length = data.length_cm.copy()
    length = np.where(standing_too_early, length + POSITION_CORRECTION_CM, length)
    length = np.where(lying_too_late, length - POSITION_CORRECTION_CM, length)
    with np.errstate(invalid="ignore", divide="ignore"):
        bmi = np.where(length > 0, data.weight_kg / (length / 100) ** 2, np.nan)

    age_index = np.where(age_valid, standard.age_index(age), np.nan)
    with np.errstate(invalid="ignore"):
        age_beyond_head_table = age_index > tables[Indicator.HEAD_FOR_AGE].stop
    weight_allowed = ~data.oedema

    zwei = _z_for(tables[Indicator.WEIGHT_FOR_AGE], sex_row, age_index, data.weight_kg, restricted=True)
    zlen = _z_for(tables[Indicator.LENGTH_FOR_AGE], sex_row, age_index, length, restricted=False)
    zbmi = _z_for(tables[Indicator.BMI_FOR_AGE], sex_row, age_index, bmi, restricted=True)
    zhc = _z_for(tables[Indicator.HEAD_FOR_AGE], sex_row, age_index, data.head_cm, restricted=False)

    on_length_table = np.where(
        has_age,
        lying_age,
        np.where(position == "", length < LENGTH_WITHOUT_AGE_CUTOFF_CM, position == "l"),
    )
    wfl = _z_for(tables[Indicator.WEIGHT_FOR_LENGTH], sex_row, length, data.weight_kg, restricted=True)
    wfh = _z_for(tables[Indicator.WEIGHT_FOR_HEIGHT], sex_row, length, data.weight_kg, restricted=True)
    zwfl = np.where(on_length_table, wfl, wfh)
    zwfl = np.where(~has_age | age_valid, zwfl, np.nan)

    zwei, zbmi, zwfl = (np.where(weight_allowed, z, np.nan) for z in (zwei, zbmi, zwfl))
    scores = {"zwei": zwei, "zlen": zlen, "zwfl": zwfl, "zbmi": zbmi, "zhc": zhc}
    implausible = {}
    for name, (low, high) in IMPLAUSIBLE.items():
        rounded = np.round(scores[name], 2)
        with np.errstate(invalid="ignore"):
            implausible[name] = (rounded < low) | (rounded > high)
    return ZScores(
        **scores,
        implausible=implausible,
        standing_under_9_months=standing_under_9_months,
        position_corrected=(standing_too_early | lying_too_late) & np.isfinite(data.length_cm),
        age_beyond_standard=has_age & ~age_valid,
        age_beyond_head_table=age_beyond_head_table,
        length_used_cm=length,
        bmi=bmi,
        standard=standard,
    )
