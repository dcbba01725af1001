"""A child's growth chart, drawn on the server as SVG: a standard's reference curves and the child's points.

The curves are the standard's own lines at −3 … +3 SD (``Table.lines``: from WHO's LMS tables, or WS/T
423—2022's SD tables interpolated between their rows; nothing is hard-coded); the child's points are
placed with the same derived values the engine used (the length after the lying/standing correction, the
BMI from it), and each carries the value the engine gives it under that standard, so a point sits between
the curves where its value says. :func:`growth_chart` returns the geometry; the template
``health/growth/_chart.html`` writes the SVG.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.health.growth.classification import band
from tuoyu.health.growth.standards import (
    DAYS_PER_MONTH,
    FloatArray,
    GrowthStandard,
    Indicator,
    Table,
    who_2006,
)
from tuoyu.health.growth.zscores import Measurements, ZScores, compute

WIDTH, HEIGHT = 520, 380
LEFT, RIGHT, TOP, BOTTOM = 58, 34, 12, 46
CURVE_POINTS = 160
"""Points per reference curve: smooth at any size, small in the page."""
CLAMP_SHARE = 0.3
"""Points further than this share of the curves' span beyond them are drawn on the edge, marked outside."""


@dataclass(frozen=True)
class ChartKind:
    code: str
    label: Promise
    indicator: Indicator
    score: str  # the z-score of the measurement shown with each point
    x_label: Promise
    y_label: Promise

    @property
    def by_age(self) -> bool:
        return self.indicator not in (Indicator.WEIGHT_FOR_LENGTH, Indicator.WEIGHT_FOR_HEIGHT)


AGE_MONTHS = _("Age (months)")
WEIGHT_KG = _("Weight (kg)")
CHARTS: dict[str, ChartKind] = {
    kind.code: kind
    for kind in (
        ChartKind("wfa", _("Weight-for-age"), Indicator.WEIGHT_FOR_AGE, "zwei", AGE_MONTHS, WEIGHT_KG),
        ChartKind(
            "lfa",
            _("Length/height-for-age"),
            Indicator.LENGTH_FOR_AGE,
            "zlen",
            AGE_MONTHS,
            _("Length/height (cm)"),
        ),
        ChartKind(
            "wfl",
            _("Weight-for-length (under 2 years)"),
            Indicator.WEIGHT_FOR_LENGTH,
            "zwfl",
            _("Length (cm)"),
            WEIGHT_KG,
        ),
        ChartKind(
            "wfh",
            _("Weight-for-height (2 years and over)"),
            Indicator.WEIGHT_FOR_HEIGHT,
            "zwfl",
            _("Height (cm)"),
            WEIGHT_KG,
        ),
        ChartKind("bmi", _("BMI-for-age"), Indicator.BMI_FOR_AGE, "zbmi", AGE_MONTHS, _("BMI (kg/m²)")),
        ChartKind(
            "hc", _("Head circumference-for-age"), Indicator.HEAD_FOR_AGE, "zhc", AGE_MONTHS, _("Head (cm)")
        ),
    )
}
DEFAULT_CHART = "wfa"

# The reference lines: SD, label, colour, dash pattern (WHO's charts: 0 green, ±2 red, ±3 black).
REFERENCE_LINES = (
    (3, "+3", "#1f2933", ""),
    (2, "+2", "#c53030", ""),
    (1, "+1", "#dd6b20", "4 3"),
    (0, "0", "#2f855a", ""),
    (-1, "−1", "#dd6b20", "4 3"),
    (-2, "−2", "#c53030", ""),
    (-3, "−3", "#1f2933", ""),
)


@dataclass(frozen=True)
class Curve:
    sd: int
    label: str
    colour: str
    dash: str
    points: str  # "x,y x,y ..." in SVG coordinates
    label_y: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ChartPoint:
    cx: float
    cy: float
    x: float
    y: float
    measurement: Any
    z: float | None
    outside: bool  # beyond the drawn area: shown on its edge
    flagged: bool
    band: str | None = None  # WS/T 423—2022's band of the point


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    standard: GrowthStandard
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    curves: list[Curve]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    points: list[ChartPoint]
    not_shown: int  # measurements with no value for this chart (or outside its table)

    @property
    def path(self) -> str:
        return " ".join(f"{point.cx:.1f},{point.cy:.1f}" for point in self.points)

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def x_label_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y_label_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_step(span: float, target: int = 6) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``target`` intervals over ``span``."""
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step - 1e-9) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 6) for i in range(max(count, 0))]


def _label(value: float) -> str:
    return f"{value:g}"


def _derived(sex: int, measurements: Sequence[Any], standard: GrowthStandard) -> ZScores:
    """The engine's derived values (corrected length, BMI) of the child's measurements, in one call."""

    def column(name: str) -> list[float]:
        values = (getattr(m, name) for m in measurements)
        return [math.nan if value is None else float(value) for value in values]

    data = Measurements.from_columns(
        sex=[sex] * len(measurements),
        age_days=[m.age_days for m in measurements],
        weight_kg=column("weight_kg"),
        length_cm=column("length_cm"),
        position=[m.position or "" for m in measurements],
        head_cm=column("head_cm"),
        oedema=[m.oedema for m in measurements],
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return compute(data, standard)


def _values(kind: ChartKind, measurements: Sequence[Any], derived: ZScores) -> tuple[FloatArray, FloatArray]:
    """x and y of each measurement on this chart (NaN where it has none)."""
    ages = np.array([m.age_days for m in measurements], dtype=np.float64)
    weight = np.array(
        [math.nan if m.weight_kg is None else float(m.weight_kg) for m in measurements], dtype=np.float64
    )
    head = np.array(
        [math.nan if m.head_cm is None else float(m.head_cm) for m in measurements], dtype=np.float64
    )
    months = ages / DAYS_PER_MONTH
    length = derived.length_used_cm
    if kind.indicator == Indicator.WEIGHT_FOR_AGE:
        return months, weight
    if kind.indicator == Indicator.LENGTH_FOR_AGE:
        return months, length
    if kind.indicator == Indicator.BMI_FOR_AGE:
        return months, derived.bmi
    if kind.indicator == Indicator.HEAD_FOR_AGE:
        return months, head
    lying = derived.standard.on_length_table(derived.standard.age_days_used(ages))
    on_this_table = lying == (kind.indicator == Indicator.WEIGHT_FOR_LENGTH)
    return np.where(on_this_table, length, np.nan), weight


def _oldest_month(standard: GrowthStandard, table: Table) -> float:
    """The oldest age in months the standard draws this age table to."""
    stop = table.stop if standard.age_in_months else table.stop / DAYS_PER_MONTH
    return min(standard.max_age_months, stop)


def _age_shown(standard: GrowthStandard, table: Table, months: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether a measurement at this age in months has a place on an age chart of the standard."""
    days = standard.age_days_used(months * DAYS_PER_MONTH)
    with np.errstate(invalid="ignore"):
        return standard.age_covered(days) & (standard.age_index(days) <= table.stop)


def _x_range(kind: ChartKind, standard: GrowthStandard, table: Table, xs: FloatArray) -> tuple[float, float]:
    shown = xs[np.isfinite(xs)]
    if kind.by_age:
        latest = float(shown.max()) if shown.size else 0.0
        oldest = _oldest_month(standard, table)
        months = min(oldest, max(12, math.ceil((latest + 2) / 6) * 6))
        return 0.0, float(months)
    if not shown.size:
        return table.start, table.stop
    low = max(table.start, math.floor((float(shown.min()) - 5) / 5) * 5)
    high = min(table.stop, math.ceil((float(shown.max()) + 5) / 5) * 5)
    if high - low < 20:
        low = max(table.start, min((low + high) / 2 - 10, table.stop - 20))
        high = low + 20
    return float(low), float(high)


def growth_chart(
    code: str, *, sex: int | str, measurements: Sequence[Any], standard: GrowthStandard | None = None
) -> Chart:
    """The chart ``code`` (one of ``CHARTS``; the default if unknown) of ``standard`` (WHO 2006 unless
    given) for a child of ``sex`` (1 or 2) with these measurements (objects with the fields of
    ``models.Measurement``)."""
    standard = standard or who_2006()
    kind = CHARTS.get(code, CHARTS[DEFAULT_CHART])
    table = standard.tables[kind.indicator]
    row = int(sex) - 1
    derived = _derived(int(sex), measurements, standard)
    xs, ys = _values(kind, measurements, derived)

    with np.errstate(invalid="ignore"):
        in_table = np.isfinite(xs) & np.isfinite(ys) & (ys > 0)
        in_table &= (xs >= 0) if kind.by_age else (xs >= table.start) & (xs <= table.stop)
        if kind.by_age:
            in_table &= _age_shown(standard, table, xs)
    # An age chart spans the child's measured ages (up to the standard's oldest), shown or not.
    spanned = (np.isfinite(ys) & (ys > 0) & (xs >= 0)) if kind.by_age else in_table
    x_low, x_high = _x_range(kind, standard, table, np.where(spanned, xs, np.nan))

    # The reference curves over the x range, from the standard's own lines.
    grid = np.linspace(x_low, x_high, CURVE_POINTS)
    index = standard.age_index(standard.age_days_used(grid * DAYS_PER_MONTH)) if kind.by_age else grid
    table_lines = table.lines(
        np.full(grid.shape, row, dtype=np.intp), np.clip(index, table.start, table.stop)
    )
    lines = {sd: table_lines[:, sd + 3] for sd, *_rest in REFERENCE_LINES}
    y_low, y_high = float(lines[-3].min()), float(lines[3].max())
    span = y_high - y_low
    shown_ys = ys[in_table]
    lowest = max(float(shown_ys.min()) if shown_ys.size else y_low, y_low - CLAMP_SHARE * span)
    highest = min(float(shown_ys.max()) if shown_ys.size else y_high, y_high + CLAMP_SHARE * span)
    y_low, y_high = min(y_low, lowest), max(y_high, highest)
    y_step = nice_step(y_high - y_low)
    y_low, y_high = math.floor(y_low / y_step) * y_step, math.ceil(y_high / y_step) * y_step

    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x_low) / (x_high - x_low) * (right - LEFT)

    def sy(y: float) -> float:
        return TOP + (y_high - y) / (y_high - y_low) * (bottom - TOP)

    curves = [
        Curve(
            sd,
            label,
            colour,
            dash,
            " ".join(
                f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(grid.tolist(), lines[sd].tolist(), strict=True)
            ),
            sy(float(lines[sd][-1])),
        )
        for sd, label, colour, dash in REFERENCE_LINES
    ]
    x_step = (3.0 if x_high <= 24 else 6.0) if kind.by_age else nice_step(x_high - x_low, 8)
    points = []
    scores, implausible = derived.score(kind.score), derived.implausible[kind.score]
    for i in np.flatnonzero(in_table).tolist():
        measurement = measurements[i]
        x, y = float(xs[i]), float(ys[i])
        drawn_y = min(max(y, y_low), y_high)
        z = float(scores[i])
        flagged = bool(implausible[i])
        points.append(
            ChartPoint(
                cx=sx(x),
                cy=sy(drawn_y),
                x=x,
                y=y,
                measurement=measurement,
                z=None if math.isnan(z) else round(z, 2),
                outside=drawn_y != y,
                flagged=flagged,
                band=None if standard.rounded_judgement or flagged else band(z),
            )
        )
    points.sort(key=lambda point: (point.measurement.measured_on, point.x))
    return Chart(
        kind=kind,
        standard=standard,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        right=right,
        bottom=bottom,
        curves=curves,
        x_ticks=[Tick(sx(x), _label(x)) for x in _ticks(x_low, x_high, x_step)],
        y_ticks=[Tick(sy(y), _label(y)) for y in _ticks(y_low, y_high, y_step)],
        points=points,
        not_shown=len(measurements) - len(points),
    )
