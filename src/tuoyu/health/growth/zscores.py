"""Vectorised z-scores of the WHO Child Growth Standards, computed as WHO's own software computes them.

The method (WHO anthro / igrowup):

* z = ((x / M)^L − 1) / (L·S), with L, M, S for the child's sex and age in completed days (or, for
  weight-for-length/height, the length/height interpolated between the 0.1 cm rows).
* Weight-based indicators (weight-for-age, weight-for-length/height, BMI-for-age) are restricted beyond
  ±3 SD: the distance past SD3 is measured in units of the SD2–SD3 distance. Length/height-for-age and
  head circumference-for-age use the plain formula.
* Below 731 days a child is measured lying (length), from 731 days standing (height): a standing measure
  before 731 days gets +0.7 cm, a lying one from 731 days −0.7 cm. A standing measure before 9 months is
  not plausible: its position is not used (no correction) and the measurement is flagged.
* Weight-for-length (45–110 cm) applies below 731 days, weight-for-height (65–120 cm) from 731 days;
  without an age, the position chooses (and without a position, below 87 cm is length).
* Z-scores are given from 0 to 1856 days and below 60 months (days / 30.4375); oedema gives no weight-based
  z-score; a measure ≤ 0 gives none.
* Implausible values are flagged, never dropped: |zlen| > 6, zwei < −6 or > 5, |zwfl|, |zbmi|, |zhc| > 5,
  judged on the z-score rounded to 2 decimals as WHO does.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tuoyu.health.growth.standards import FloatArray, GrowthStandard, Indicator, LmsTable, who_2006

DAYS_PER_MONTH = 30.4375
HEIGHT_FROM_DAYS = 731  # 24 months: standing height from here on
POSITION_CORRECTION_CM = 0.7
STANDING_PLAUSIBLE_FROM_MONTHS = 9
MAX_AGE_DAYS = 1856
MAX_AGE_MONTHS = 60
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
    length_used_cm: FloatArray  # after the ±0.7 cm position correction
    bmi: FloatArray

    def score(self, name: str) -> FloatArray:
        value: FloatArray = getattr(self, name)
        return value


def lms_z(x: FloatArray, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """The plain LMS z-score."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((x / m) ** l - 1) / (l * s)


def sd_value(k: float, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """The measurement at ``k`` standard deviations: M·(1 + L·S·k)^(1/L)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return m * (1 + l * s * k) ** (1 / l)


def restricted_z(x: FloatArray, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """WHO's restricted application of the LMS method beyond ±3 SD (weight-based indicators)."""
    z = lms_z(x, l, m, s)
    with np.errstate(invalid="ignore"):
        above, below = z > 3, z < -3
    # Only the few values beyond ±3 SD need the SD2/SD3 measurements: compute them for those alone.
    if above.any():
        xa, la, ma, sa = x[above], l[above], m[above], s[above]
        sd3, sd2 = sd_value(3, la, ma, sa), sd_value(2, la, ma, sa)
        z[above] = 3 + (xa - sd3) / (sd3 - sd2)
    if below.any():
        xb, lb, mb, sb = x[below], l[below], m[below], s[below]
        sd3, sd2 = sd_value(-3, lb, mb, sb), sd_value(-2, lb, mb, sb)
        z[below] = -3 + (xb - sd3) / (sd2 - sd3)
    return z


def _z_for(
    table: LmsTable, sex_row: npt.NDArray[np.intp], index: FloatArray, x: FloatArray, *, restricted: bool
) -> FloatArray:
    l, m, s = table.lookup(sex_row, index)  # noqa: E741
    usable = np.isfinite(x) & (x > 0)
    x = np.where(usable, x, np.nan)
    z = restricted_z(x, l, m, s) if restricted else lms_z(x, l, m, s)
    return np.where(usable, z, np.nan)


def compute(data: Measurements, standard: GrowthStandard | None = None) -> ZScores:
    standard = standard or who_2006()
    tables = standard.tables
    sex_row = np.where(np.isin(data.sex, (1, 2)), data.sex - 1, -1).astype(np.intp)
    age = np.where(data.age_days >= 0, np.floor(data.age_days), np.nan)
    months = age / DAYS_PER_MONTH
    has_age = np.isfinite(age)
    age_valid = has_age & (age <= MAX_AGE_DAYS) & (months < MAX_AGE_MONTHS)

    standing_under_9_months = has_age & (data.position == "h") & (months < STANDING_PLAUSIBLE_FROM_MONTHS)
    position = np.where(standing_under_9_months, "", data.position)
    length = data.length_cm.copy()
    length = np.where(
        has_age & (age < HEIGHT_FROM_DAYS) & (position == "h"), length + POSITION_CORRECTION_CM, length
    )
    length = np.where(
        has_age & (age >= HEIGHT_FROM_DAYS) & (position == "l"), length - POSITION_CORRECTION_CM, length
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        bmi = np.where(length > 0, data.weight_kg / (length / 100) ** 2, np.nan)

    age_index = np.where(age_valid, age, np.nan)
    weight_allowed = ~data.oedema

    zwei = _z_for(tables[Indicator.WEIGHT_FOR_AGE], sex_row, age_index, data.weight_kg, restricted=True)
    zlen = _z_for(tables[Indicator.LENGTH_FOR_AGE], sex_row, age_index, length, restricted=False)
    zbmi = _z_for(tables[Indicator.BMI_FOR_AGE], sex_row, age_index, bmi, restricted=True)
    zhc = _z_for(tables[Indicator.HEAD_FOR_AGE], sex_row, age_index, data.head_cm, restricted=False)

    on_length_table = np.where(
        has_age,
        age < HEIGHT_FROM_DAYS,
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
        length_used_cm=length,
        bmi=bmi,
    )
