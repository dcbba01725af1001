"""The growth chart's geometry: reference curves from the LMS tables, the child's points where their z-scores
say, the length/height charts split at 2 years, and impossible values drawn on the edge, never lost."""

import datetime
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tuoyu.health.growth.batch import ItemResult, assess
from tuoyu.health.growth.chart import CHARTS, Chart, growth_chart, nice_step
from tuoyu.health.growth.standards import Indicator, LmsTable, sd_value, who_2006

BIRTH = datetime.date(2023, 1, 1)
TODAY = datetime.date(2026, 1, 1)


def measured(days: int, *, sex: int = 1, **values: Any) -> SimpleNamespace:
    """A measurement ``days`` after birth with its z-scores and flags, as the service stores them."""
    measured_on = BIRTH + datetime.timedelta(days=days)
    item = {"sex": sex, "birth_date": BIRTH, "measured_on": measured_on, **values}
    (result,) = assess([item], today=TODAY)
    assert isinstance(result, ItemResult), result
    fields = {name: values.get(name) for name in ("weight_kg", "length_cm", "head_cm")}
    return SimpleNamespace(
        measured_on=measured_on,
        age_days=days,
        position=values.get("position", ""),
        oedema=values.get("oedema", False),
        flags=result.flags,
        **fields,
        **result.scores,
    )


def median(indicator: Indicator, index: int, sex: int = 1, k: float = 0) -> float:
    table = who_2006().tables[indicator]
    assert isinstance(table, LmsTable)
    row = sex - 1
    return float(sd_value(k, table.l[row][index], table.m[row][index], table.s[row][index]))


def curve_y_at(chart: Chart, sd: int, x: float) -> float:
    (curve,) = (curve for curve in chart.curves if curve.sd == sd)
    pairs = [tuple(map(float, point.split(","))) for point in curve.points.split()]
    xs, ys = zip(*pairs, strict=True)
    return float(np.interp(x, xs, ys))


def test_there_are_six_charts_and_an_unknown_one_is_weight_for_age() -> None:
    assert list(CHARTS) == ["wfa", "lfa", "wfl", "wfh", "bmi", "hc"]
    assert growth_chart("nonsense", sex=1, measurements=[]).kind.code == "wfa"


def test_the_reference_curves_are_the_tables_sd_values() -> None:
    chart = growth_chart("wfa", sex=2, measurements=[])

    assert [curve.sd for curve in chart.curves] == [3, 2, 1, 0, -1, -2, -3]
    # At birth (the left edge) each curve starts at the table's value for day 0 (to the 0.1 px drawn).
    kg_per_pixel = abs(chart_value(chart, 1) - chart_value(chart, 0))
    for sd in (3, 2, 0, -2, -3):
        value = chart_value(chart, curve_y_at(chart, sd, chart.left))
        expected = median(Indicator.WEIGHT_FOR_AGE, 0, sex=2, k=sd)
        assert value == pytest.approx(expected, abs=0.05 * kg_per_pixel)


def chart_value(chart: Chart, y: float) -> float:
    """The measurement value at SVG height ``y``, from the labelled y ticks."""
    (top, top_label), (bottom, bottom_label) = (
        (chart.y_ticks[-1].position, float(chart.y_ticks[-1].label)),
        (chart.y_ticks[0].position, float(chart.y_ticks[0].label)),
    )
    return bottom_label + (y - bottom) / (top - bottom) * (top_label - bottom_label)


@pytest.mark.parametrize("k", [-2, 0, 2])
def test_a_child_at_k_sd_sits_on_the_k_curve(k: int) -> None:
    weight = round(median(Indicator.WEIGHT_FOR_AGE, 400, k=k), 2)
    point = measured(400, weight_kg=weight)

    chart = growth_chart("wfa", sex=1, measurements=[point])

    (drawn,) = chart.points
    assert drawn.z == pytest.approx(k, abs=0.01)
    assert drawn.cy == pytest.approx(curve_y_at(chart, k, drawn.cx), abs=0.6)
    assert drawn.x == pytest.approx(400 / 30.4375)


def test_length_for_age_plots_the_corrected_length() -> None:
    point = measured(500, length_cm=78.0, position="h")  # standing before 2 years: +0.7 cm

    (drawn,) = growth_chart("lfa", sex=1, measurements=[point]).points

    assert drawn.y == pytest.approx(78.7)


def test_weight_for_length_and_for_height_each_take_their_own_ages() -> None:
    young = measured(600, weight_kg=10.5, length_cm=80.0, position="l")
    older = measured(800, weight_kg=12.0, length_cm=86.0, position="h")

    for_length = growth_chart("wfl", sex=1, measurements=[young, older])
    for_height = growth_chart("wfh", sex=1, measurements=[young, older])

    assert [p.measurement for p in for_length.points] == [young]
    assert [p.measurement for p in for_height.points] == [older]
    assert for_length.not_shown == for_height.not_shown == 1
    assert for_length.points[0].x == 80.0
    assert float(for_length.x_ticks[0].label) >= 45 and float(for_height.x_ticks[0].label) >= 65


def test_points_are_in_date_order_and_the_age_axis_covers_the_latest_one() -> None:
    points = [measured(days, weight_kg=weight) for days, weight in ((700, 11.8), (30, 4.4), (365, 9.5))]

    chart = growth_chart("wfa", sex=1, measurements=points)

    assert [p.measurement.age_days for p in chart.points] == [30, 365, 700]
    assert chart.path.count(",") == 3
    labels = [tick.label for tick in chart.x_ticks]
    assert labels[0] == "0" and labels[-1] == "30"  # 23 months + 2, up to the next 6 months
    assert [float(label) % 6 for label in labels] == [0.0] * len(labels)


def test_an_impossible_value_is_drawn_on_the_edge_and_marked() -> None:
    infant = measured(100, weight_kg=40.0)

    chart = growth_chart("wfa", sex=1, measurements=[infant])

    (drawn,) = chart.points
    assert drawn.outside and drawn.flagged
    assert drawn.cy == pytest.approx(chart.top)
    assert drawn.y == 40.0


def test_measurements_without_the_charts_value_are_counted_not_drawn() -> None:
    points = [measured(200, head_cm=43.0), measured(210, weight_kg=-1.0), measured(220, weight_kg=7.9)]

    chart = growth_chart("wfa", sex=1, measurements=points)

    assert [p.measurement.age_days for p in chart.points] == [220]
    assert chart.not_shown == 2


def test_head_circumference_and_bmi_charts_draw_their_values() -> None:
    point = measured(365, weight_kg=9.6, length_cm=75.7, position="l", head_cm=46.0)

    (head,) = growth_chart("hc", sex=1, measurements=[point]).points
    (bmi,) = growth_chart("bmi", sex=1, measurements=[point]).points

    assert head.y == 46.0 and head.z == point.zhc
    assert bmi.y == pytest.approx(9.6 / 0.757**2)


@pytest.mark.parametrize(("span", "step"), [(10, 2), (25, 5), (2.4, 0.5), (120, 20), (0.9, 0.2)])
def test_axis_steps_are_1_2_or_5_times_a_power_of_ten(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)
