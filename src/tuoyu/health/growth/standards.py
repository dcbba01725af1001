"""Growth standards as LMS tables on a regular grid, read once from the files shipped with the package.

A standard is a set of tables, one per indicator, each giving the Box-Cox parameters L, M and S per sex
along an index (age in days, or length/height in cm every 0.1 cm). Adding a standard (for example
China's WS/T 423-2022) means adding its tables and a :class:`GrowthStandard` naming them; the engine in
:mod:`tuoyu.health.growth.zscores` does not change.
"""

import csv
import functools
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt

DATA_DIR = Path(__file__).resolve().parent / "data"

FloatArray = npt.NDArray[np.float64]


class Indicator(StrEnum):
    WEIGHT_FOR_AGE = "wfa"
    LENGTH_FOR_AGE = "lfa"
    WEIGHT_FOR_LENGTH = "wfl"  # below 731 days, recumbent length
    WEIGHT_FOR_HEIGHT = "wfh"  # from 731 days, standing height
    BMI_FOR_AGE = "bmi"
    HEAD_FOR_AGE = "hc"


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

    def lookup(self, sex: npt.NDArray[np.intp], x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
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


@dataclass(frozen=True)
class GrowthStandard:
    code: str
    name: str
    tables: dict[Indicator, LmsTable]


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


@functools.cache
def who_2006() -> GrowthStandard:
    """The WHO Child Growth Standards (2006), from the tables WHO ships with its own software."""
    folder = DATA_DIR / "who2006"
    return GrowthStandard(
        code="who2006",
        name="WHO Child Growth Standards (2006)",
        tables={
            Indicator.WEIGHT_FOR_AGE: read_lms_table(folder / "weianthro.txt", "age"),
            Indicator.LENGTH_FOR_AGE: read_lms_table(folder / "lenanthro.txt", "age"),
            Indicator.WEIGHT_FOR_LENGTH: read_lms_table(folder / "wflanthro.txt", "length"),
            Indicator.WEIGHT_FOR_HEIGHT: read_lms_table(folder / "wfhanthro.txt", "height"),
            Indicator.BMI_FOR_AGE: read_lms_table(folder / "bmianthro.txt", "age"),
            Indicator.HEAD_FOR_AGE: read_lms_table(folder / "hcanthro.txt", "age"),
        },
    )
