"""Growth standards as tables, one per indicator, read once from the files shipped with the package.

Two kinds of table stand behind one interface (``lines``, ``z``, ``start``, ``stop``):

* :class:`LmsTable`, the WHO Child Growth Standards (2006): the Box-Cox parameters L, M and S per sex on a
  regular grid (age in completed days, or length/height every 0.1 cm); a z-score is WHO's formula.
* :class:`SdTable`, China's WS/T 423—2022: the seven SD lines (−3 … +3 SD) per sex at tabulated keys (age
  in months, or length/height by 1 cm); the lines are interpolated linearly between the keys, and a
  measurement's value is interpolated linearly between the two lines around it, since the standard
  publishes no L, M, S.

A :class:`GrowthStandard` names its tables and the few ways standards differ: how age indexes the tables,
where lying length gives way to standing height, up to which age the standard goes, and whether z-scores
are judged rounded (WHO's software) or against the lines themselves (the standard's own bands).
"""

import csv
import functools
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise

from tuoyu.regions.choices import GrowthStandardCode

DATA_DIR = Path(__file__).resolve().parent / "data"
DAYS_PER_MONTH = 30.4375
HEIGHT_FROM_DAYS = 731
"""WHO's switch from lying length to standing height, in completed days; WS/T's 24 months (730.5 days) falls
between the same two whole days."""

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

SD_LINES = (-3, -2, -1, 0, 1, 2, 3)
"""The SD lines every table gives, lowest first: column ``k + 3`` of :meth:`lines` is the line at k SD."""


class Indicator(StrEnum):
    WEIGHT_FOR_AGE = "wfa"
    LENGTH_FOR_AGE = "lfa"
    WEIGHT_FOR_LENGTH = "wfl"  # below 24 months, recumbent length
    WEIGHT_FOR_HEIGHT = "wfh"  # from 24 months, standing height
    BMI_FOR_AGE = "bmi"
    HEAD_FOR_AGE = "hc"


# The LMS method (WHO) ----------------------------------------------------------------------------------


def lms_z(x: FloatArray, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """The plain LMS z-score."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((x / m) ** l - 1) / (l * s)


def sd_value(k: float | FloatArray, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """The measurement at ``k`` standard deviations: M·(1 + L·S·k)^(1/L)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return m * (1 + l * s * k) ** (1 / l)


def restricted_z(x: FloatArray, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """WHO's restricted application of the LMS method beyond ±3 SD (weight-based indicators): the distance
    past SD3 is measured in units of the SD2–SD3 distance."""
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


@dataclass(frozen=True)
class LmsTable:
    """L, M and S on a regular grid ``start, start + step, ...`` for sex 1 (row 0) and 2 (row 1)."""

    start: float
    step: float
    l: FloatArray  # noqa: E741 - the names of the method
    m: FloatArray
    s: FloatArray

    @property
    def stop(self) -> float:
        return self.start + self.step * (self.m.shape[1] - 1)

    def index_values(self) -> FloatArray:
        return np.asarray(self.start + self.step * np.arange(self.m.shape[1]), dtype=np.float64)

    def lookup(self, sex: IndexArray, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """L, M, S at ``x`` (NaN outside the grid), interpolated linearly between grid rows.

        On the grid (a whole age in days, a length given to 0.1 cm) this is the row itself; between rows it
        is WHO's linear interpolation of each parameter.
        """
        position = (x - self.start) / self.step
        # A length such as 65.3 cm lands on 652.9999… rows: snap values within 1e-9 of a row onto it.
        nearest = np.rint(position)
        position = np.where(np.abs(position - nearest) < 1e-9, nearest, position)
        columns = self.m.shape[1]
        with np.errstate(invalid="ignore"):
            inside = (position >= 0) & (position <= columns - 1) & (sex >= 0)
        position = np.where(inside, position, 0.0)
        low = np.minimum(position.astype(np.intp), columns - 1)
        fraction = position - low
        # The two sexes side by side in one flat array: one gather per parameter instead of a 2-D lookup.
        flat_low = np.where(inside, sex, 0) * columns + low
        between_rows = bool(fraction.any())
        flat_high = np.minimum(flat_low + 1, 2 * columns - 1) if between_rows else flat_low

        def interpolate(values: FloatArray) -> FloatArray:
            flat = values.reshape(-1)
            result = flat.take(flat_low)
            if between_rows:
                result += fraction * (flat.take(flat_high) - result)
            result[~inside] = np.nan
            return result

        return interpolate(self.l), interpolate(self.m), interpolate(self.s)

    def z(self, sex: IndexArray, x: FloatArray, value: FloatArray, *, restricted: bool) -> FloatArray:
        """The z-score of ``value`` at ``x``; ``restricted`` for the weight-based indicators."""
        l, m, s = self.lookup(sex, x)  # noqa: E741
        return restricted_z(value, l, m, s) if restricted else lms_z(value, l, m, s)

    def lines(self, sex: IndexArray, x: FloatArray) -> FloatArray:
        """The measurements at −3 … +3 SD at ``x``, one row per x (NaN outside the grid)."""
        l, m, s = self.lookup(sex, x)  # noqa: E741
        return np.column_stack([sd_value(k, l, m, s) for k in SD_LINES])

    def value_at(self, sex: IndexArray, x: FloatArray, k: FloatArray) -> FloatArray:
        """The measurement at ``k`` SD at ``x``: the inverse of the plain z-score."""
        l, m, s = self.lookup(sex, x)  # noqa: E741
        return sd_value(k, l, m, s)


# The SD lines (WS/T 423—2022) --------------------------------------------------------------------------


@dataclass(frozen=True)
class SdTable:
    """The seven SD lines at tabulated ``keys`` (rising, not necessarily evenly spaced), for sex 1 and 2:
    ``values[sex, row]`` is the row's −3 … +3 SD."""

    keys: FloatArray
    values: FloatArray  # shape (2, rows, 7)

    @property
    def start(self) -> float:
        return float(self.keys[0])

    @property
    def stop(self) -> float:
        return float(self.keys[-1])

    def index_values(self) -> FloatArray:
        return self.keys

    def lines(self, sex: IndexArray, x: FloatArray) -> FloatArray:
        """Each SD line at ``x``, interpolated linearly between the two tabulated keys around it; on a key,
        the row itself. NaN outside the table or for an unknown sex."""
        keys = self.keys
        # A corrected length such as 85.7 − 0.7 lands on 84.99999…: snap values within 1e-9 of a key onto it.
        nearest = np.clip(np.searchsorted(keys, x), 0, keys.size - 1)
        x = np.where(np.abs(keys[nearest] - x) < 1e-9, keys[nearest], x)
        with np.errstate(invalid="ignore"):
            inside = (x >= keys[0]) & (x <= keys[-1]) & (sex >= 0)
        x = np.where(inside, x, keys[0])
        low = np.clip(np.searchsorted(keys, x, side="right") - 1, 0, keys.size - 1)
        high = np.minimum(low + 1, keys.size - 1)
        span = keys[high] - keys[low]
        fraction = np.where(span > 0, (x - keys[low]) / np.where(span > 0, span, 1.0), 0.0)
        row = np.where(inside, sex, 0)
        below, above = self.values[row, low], self.values[row, high]
        # fraction 0 leaves the row exactly as tabulated (v + 0·(w − v) is v).
        result: FloatArray = below + fraction[:, None] * (above - below)
        result[~inside] = np.nan
        return result

    def z(self, sex: IndexArray, x: FloatArray, value: FloatArray, *, restricted: bool = False) -> FloatArray:
        """The value placed between the SD lines at ``x``: k + (value − line k) / (line k+1 − line k) for the
        two lines around it; beyond ±3 SD the outermost interval's width. Exactly on a line it is that
        line's k. ``restricted`` changes nothing: the lines already give the standard's scale."""
        lines = self.lines(sex, x)
        with np.errstate(invalid="ignore"):
            at_or_above = (value[:, None] >= lines).sum(axis=1)
        lower = np.clip(at_or_above - 1, 0, len(SD_LINES) - 2)
        picked = np.arange(value.shape[0])
        line, next_line = lines[picked, lower], lines[picked, lower + 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            z: FloatArray = (lower - 3) + (value - line) / (next_line - line)
        return z

    def value_at(self, sex: IndexArray, x: FloatArray, k: FloatArray) -> FloatArray:
        """The measurement whose interpolated value at ``x`` is ``k``: the inverse of :meth:`z`."""
        lines = self.lines(sex, x)
        lower = np.clip(np.floor(k).astype(np.intp) + 3, 0, len(SD_LINES) - 2)
        picked = np.arange(lines.shape[0])
        line, next_line = lines[picked, lower], lines[picked, lower + 1]
        value: FloatArray = line + (k - (lower - 3)) * (next_line - line)
        return value


Table = LmsTable | SdTable


# Standards ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthStandard:
    """A growth standard: its tables and how it reads an age.

    ``age_in_months``: the age tables are indexed by months (days / 30.4375, the days as given) rather than
    by completed days. ``height_from_days``: from this age standing height replaces lying length.
    ``max_age_months``: the oldest age the standard gives an age-based value for (``inclusive`` or not).
    ``rounded_judgement``: cut-offs are applied to the value rounded to 2 decimals (WHO's software) rather
    than to the value itself (a measurement against the standard's lines). ``flags_position_correction``:
    a length or height measured in the other position than the age's is flagged as corrected (WHO's
    software corrects it silently).
    """

    code: GrowthStandardCode
    name: Promise  # in the reader's language, as the region's setting names it
    short_name: str
    tables: dict[Indicator, Table]
    age_in_months: bool
    height_from_days: float
    max_age_months: float
    max_age_inclusive: bool
    rounded_judgement: bool
    flags_position_correction: bool

    def age_days_used(self, age_days: FloatArray) -> FloatArray:
        """The age in days as the standard reads it: completed days (WHO), or as given (by months)."""
        return age_days if self.age_in_months else np.floor(age_days)

    # The methods below take the age as ``age_days_used`` gives it.

    def age_index(self, days: FloatArray) -> FloatArray:
        """What the age tables are indexed by: days, or months (days / 30.4375)."""
        return days / DAYS_PER_MONTH if self.age_in_months else days

    def age_covered(self, days: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether the standard gives age-based values at this age (False where the age is unknown)."""
        months = days / DAYS_PER_MONTH
        with np.errstate(invalid="ignore"):
            covered = (
                months <= self.max_age_months if self.max_age_inclusive else months < self.max_age_months
            )
            return np.asarray(covered & (days >= 0), dtype=bool)

    def on_length_table(self, days: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether a child of this age is measured lying (weight-for-length) rather than standing."""
        with np.errstate(invalid="ignore"):
            return np.asarray(days < self.height_from_days, dtype=bool)


def read_lms_table(path: Path, index_column: str) -> LmsTable:
    """Read a tab-separated WHO table (sex, index, l, m, s[, loh]) into a grid per sex."""
    rows: dict[int, list[tuple[float, float, float, float]]] = {1: [], 2: []}
    with path.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle, delimiter="\t"):
            rows[int(record["sex"])].append(
                (float(record[index_column]), float(record["l"]), float(record["m"]), float(record["s"]))
            )
    by_sex = [np.array(sorted(rows[sex]), dtype=np.float64) for sex in (1, 2)]
    index = by_sex[0][:, 0]
    if not all(np.array_equal(table[:, 0], index) for table in by_sex):
        raise ValueError(f"{path.name}: the two sexes are not on the same grid")
    step = round(float(index[1] - index[0]), 6)
    if not np.allclose(np.diff(index), step):
        raise ValueError(f"{path.name}: the index is not a regular grid")
    return LmsTable(
        start=float(index[0]),
        step=step,
        l=np.vstack([table[:, 1] for table in by_sex]),
        m=np.vstack([table[:, 2] for table in by_sex]),
        s=np.vstack([table[:, 3] for table in by_sex]),
    )


def sd_table(name: str, by_sex: dict[str, list[list[float]]]) -> SdTable:
    """An SD table from rows ``[key, -3SD … +3SD]`` per sex ("boy", "girl"), checked: the same keys for both
    sexes, keys rising, and each row's seven lines rising."""
    rows = [np.array(by_sex[sex], dtype=np.float64) for sex in ("boy", "girl")]
    keys = rows[0][:, 0]
    if not np.array_equal(rows[1][:, 0], keys):
        raise ValueError(f"{name}: the two sexes are not tabulated at the same keys")
    if not (np.diff(keys) > 0).all():
        raise ValueError(f"{name}: the keys do not rise row by row")
    values = np.stack([table[:, 1:] for table in rows])
    if values.shape[2] != len(SD_LINES) or not (np.diff(values, axis=2) > 0).all():
        raise ValueError(f"{name}: a row's seven SD values do not rise")
    return SdTable(keys=keys, values=values)


@functools.cache
def who_2006() -> GrowthStandard:
    """The WHO Child Growth Standards (2006), from the tables WHO ships with its own software."""
    folder = DATA_DIR / "who2006"
    return GrowthStandard(
        code=GrowthStandardCode.WHO_2006,
        name=GrowthStandardCode.WHO_2006.label,
        short_name="WHO 2006",
        tables={
            Indicator.WEIGHT_FOR_AGE: read_lms_table(folder / "weianthro.txt", "age"),
            Indicator.LENGTH_FOR_AGE: read_lms_table(folder / "lenanthro.txt", "age"),
            Indicator.WEIGHT_FOR_LENGTH: read_lms_table(folder / "wflanthro.txt", "length"),
            Indicator.WEIGHT_FOR_HEIGHT: read_lms_table(folder / "wfhanthro.txt", "height"),
            Indicator.BMI_FOR_AGE: read_lms_table(folder / "bmianthro.txt", "age"),
            Indicator.HEAD_FOR_AGE: read_lms_table(folder / "hcanthro.txt", "age"),
        },
        age_in_months=False,
        height_from_days=HEIGHT_FROM_DAYS,
        max_age_months=60,
        max_age_inclusive=False,
        rounded_judgement=True,
        flags_position_correction=False,
    )


@functools.cache
def wst_423_2022() -> GrowthStandard:
    """WS/T 423—2022《7岁以下儿童生长标准》, from the standard's SD tables (Appendix B)."""
    data = json.loads((DATA_DIR / "wst423_2022" / "china_growth_standard_2022.json").read_text("utf-8"))
    by_age, by_stature = data["ageBased"], data["statureBasedWeight"]

    def table(source: dict[str, dict[str, list[list[float]]]], name: str) -> SdTable:
        return sd_table(name, {sex: source[sex][name] for sex in ("boy", "girl")})

    return GrowthStandard(
        code=GrowthStandardCode.WST_423_2022,
        name=GrowthStandardCode.WST_423_2022.label,
        short_name="WS/T 423—2022",
        tables={
            Indicator.WEIGHT_FOR_AGE: table(by_age, "weight"),
            Indicator.LENGTH_FOR_AGE: table(by_age, "stature"),
            Indicator.WEIGHT_FOR_LENGTH: table(by_stature, "length"),
            Indicator.WEIGHT_FOR_HEIGHT: table(by_stature, "height"),
            Indicator.BMI_FOR_AGE: table(by_age, "bmi"),
            Indicator.HEAD_FOR_AGE: table(by_age, "headCircumference"),
        },
        age_in_months=True,
        height_from_days=24 * DAYS_PER_MONTH,
        max_age_months=81,
        max_age_inclusive=True,
        rounded_judgement=False,
        flags_position_correction=True,
    )


STANDARDS = {GrowthStandardCode.WHO_2006: who_2006, GrowthStandardCode.WST_423_2022: wst_423_2022}


def is_standard_code(value: object) -> bool:
    return isinstance(value, str) and value in GrowthStandardCode.values


def standard_of(code: str) -> GrowthStandard:
    """The standard with this code (``GrowthStandardCode``); ValueError for an unknown one."""
    return STANDARDS[GrowthStandardCode(code)]()
