"""WS/T 423—2022《7岁以下儿童生长标准》 behind the growth engine: every tabulated row of every table, for both
sexes, through the engine and through the batch API; the bands at their edges; interpolation between rows;
the 24-month switch; the edges of the tables and nothing beyond them; the nutrition categories."""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from rest_framework.test import APIClient

from tuoyu.enrolment.tests.helpers import _english
from tuoyu.health.growth.batch import ItemError, ItemResult, assess, flag_explanations
from tuoyu.health.growth.classification import Band, band
from tuoyu.health.growth.standards import (
    DATA_DIR,
    DAYS_PER_MONTH,
    SD_LINES,
    Indicator,
    SdTable,
    who_2006,
    wst_423_2022,
)
from tuoyu.health.growth.zscores import Measurements, ZScores, compute

__all__ = ["_english"]  # fixtures used by name: the explanations are checked in English
from tuoyu.regions.choices import GrowthStandardCode

ZSCORES = "/api/v1/growth/zscores/"
STANDARD = wst_423_2022()
BANDS_OF_LINES = {-3: "下", -2: "中下", -1: "中", 0: "中", 1: "中", 2: "中上", 3: "上"}
RAW = json.loads((DATA_DIR / "wst423_2022" / "china_growth_standard_2022.json").read_text("utf-8"))


def table(indicator: Indicator) -> SdTable:
    found = STANDARD.tables[indicator]
    assert isinstance(found, SdTable)
    return found


def one(**values: Any) -> ZScores:
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return compute(
            Measurements.from_columns(**{name: [value] for name, value in values.items()}), STANDARD
        )


def result(**item: Any) -> ItemResult:
    (outcome,) = assess([{"sex": 1, **item}], standard=STANDARD)
    assert isinstance(outcome, ItemResult), outcome
    return outcome


# Every tabulated row of every table, both sexes ----------------------------------------------------------


@dataclass(frozen=True)
class OnTheLines:
    """For one table: an item exactly on each SD line of each tabulated row of both sexes, the value it
    must get, and which score it is."""

    score: str
    items: list[dict[str, Any]]
    lines: list[int]
    # (sex, key, k) of each item, to say which one failed
    where: list[tuple[int, float, int]]


def on_the_lines(name: str) -> OnTheLines:
    """The items of the table named as in the standard's file: ``ageBased.<sex>.<name>`` or
    ``statureBasedWeight.<sex>.<name>``; each row read from the file itself, not from the engine."""
    items, lines, where = [], [], []
    for sex, key in ((1, "boy"), (2, "girl")):
        by_age = name in RAW["ageBased"][key]
        rows = RAW["ageBased"][key][name] if by_age else RAW["statureBasedWeight"][key][name]
        for row in rows:
            at, values = row[0], row[1:]
            for k, value in zip(SD_LINES, values, strict=True):
                items.append({"sex": sex, **_measured(name, at, value)})
                lines.append(k)
                where.append((sex, at, k))
    score = {
        "weight": "zwei",
        "stature": "zlen",
        "bmi": "zbmi",
        "headCircumference": "zhc",
        "length": "zwfl",
        "height": "zwfl",
    }[name]
    return OnTheLines(score, items, lines, where)


def _measured(name: str, at: float, value: float) -> dict[str, Any]:
    """A measurement whose value for the table is exactly ``value`` at ``at`` (months or cm)."""
    lying = at < 24
    if name == "weight":
        return {"age_months": at, "weight_kg": value}
    if name == "stature":  # in the position the standard tabulates: no correction
        return {"age_months": at, "length_cm": value, "position": "l" if lying else "h"}
    if name == "bmi":  # 100 cm makes the BMI the weight itself, exactly
        return {"age_months": at, "weight_kg": value, "length_cm": 100.0, "position": "l" if lying else "h"}
    if name == "headCircumference":
        return {"age_months": at, "head_cm": value}
    # weight-for-length / -height without an age: the position chooses the table
    return {"length_cm": at, "weight_kg": value, "position": "l" if name == "length" else "h"}


TABLE_NAMES = ("weight", "stature", "bmi", "headCircumference", "length", "height")


def test_the_file_holds_546_rows_checked_when_read() -> None:
    counts = [
        len(RAW[group][sex][name])
        for group in RAW
        if group != "metadata"
        for sex in RAW[group]
        for name in RAW[group][sex]
    ]
    assert sum(counts) == 546
    assert {indicator: table(indicator).keys.size for indicator in Indicator} == {
        Indicator.WEIGHT_FOR_AGE: 44,
        Indicator.LENGTH_FOR_AGE: 44,
        Indicator.BMI_FOR_AGE: 44,
        Indicator.HEAD_FOR_AGE: 29,
        Indicator.WEIGHT_FOR_LENGTH: 56,
        Indicator.WEIGHT_FOR_HEIGHT: 56,
    }


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_through_the_engine_a_value_on_a_line_gets_that_lines_value_and_band(name: str) -> None:
    case = on_the_lines(name)

    exact = compute(Measurements.from_columns(**columns_of(case.items)), STANDARD).score(case.score)
    outcomes = assess(case.items, standard=STANDARD)

    assert exact.tolist() == case.lines  # the unrounded value is the line's k itself
    for outcome, k, where in zip(outcomes, case.lines, case.where, strict=True):
        assert isinstance(outcome, ItemResult), (where, outcome)
        assert outcome.scores[case.score] == k, where
        assert outcome.bands is not None and outcome.bands[case.score] == BANDS_OF_LINES[k], where


def columns_of(items: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The items as the engine's columns (an age in months as days × 30.4375, as the batch path does)."""

    def column(name: str) -> list[Any]:
        return [item.get(name, math.nan) for item in items]

    return {
        "sex": column("sex"),
        "age_days": [item.get("age_months", math.nan) * DAYS_PER_MONTH for item in items],
        "weight_kg": column("weight_kg"),
        "length_cm": column("length_cm"),
        "position": [item.get("position", "") for item in items],
        "head_cm": column("head_cm"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", TABLE_NAMES)
def test_through_the_api_a_value_on_a_line_gets_that_lines_value_and_band(
    api_as: Callable[[str], APIClient], name: str
) -> None:
    case = on_the_lines(name)

    response = api_as("doctor").post(ZSCORES, {"standard": "wst423_2022", "items": case.items}, format="json")

    assert response.status_code == 200
    answered = response.json()
    assert answered["standard"] == "wst423_2022"
    for item, k, where in zip(answered["items"], case.lines, case.where, strict=True):
        assert item[case.score] == k, where
        assert item["bands"][case.score] == BANDS_OF_LINES[k], where


def test_the_engine_reads_the_unrounded_lines_of_the_file() -> None:
    weights = table(Indicator.WEIGHT_FOR_AGE)
    assert weights.values[0, 0].tolist() == RAW["ageBased"]["boy"]["weight"][0][1:]
    assert weights.values[1, -1].tolist() == RAW["ageBased"]["girl"]["weight"][-1][1:]
    assert weights.keys.tolist() == [*range(25), *range(27, 82, 3)]


# The bands at their edges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "expected"),
    [
        (-3.5, Band.LOW),
        (-2.0001, Band.LOW),
        (-2.0, Band.LOWER_MIDDLE),
        (-1.0001, Band.LOWER_MIDDLE),
        (-1.0, Band.MIDDLE),
        (0.0, Band.MIDDLE),
        (1.0, Band.MIDDLE),
        (1.0001, Band.UPPER_MIDDLE),
        (2.0, Band.UPPER_MIDDLE),
        (2.0001, Band.HIGH),
        (3.7, Band.HIGH),
    ],
)
def test_the_bands_edges(z: float, expected: Band) -> None:
    assert band(z) == expected


def test_just_below_minus_2sd_is_low_and_underweight_though_it_rounds_to_minus_2() -> None:
    minus_2 = RAW["ageBased"]["boy"]["weight"][12][2]  # 12 months, −2SD

    on_line = result(age_months=12, weight_kg=minus_2)
    just_below = result(age_months=12, weight_kg=minus_2 - 0.0001)

    assert (on_line.bands or {})["zwei"] == "中下" and on_line.classification["underweight"] == "normal"
    assert just_below.scores["zwei"] == -2.0  # shown to 2 decimals
    assert (just_below.bands or {})["zwei"] == "下"  # judged against the line itself
    assert just_below.classification["underweight"] == "moderate"
    assert just_below.nutrition == ["低体重"]


# Interpolation --------------------------------------------------------------------------------------------


def test_between_24_and_27_months_each_line_is_interpolated_linearly() -> None:
    rows = {row[0]: row[1:] for row in RAW["ageBased"]["girl"]["stature"]}
    at_24, at_27 = np.array(rows[24]), np.array(rows[27])

    for months, share in ((24.0, 0.0), (25.0, 1 / 3), (25.5, 0.5), (26.0, 2 / 3), (27.0, 1.0)):
        expected = at_24 + share * (at_27 - at_24)
        lines = table(Indicator.LENGTH_FOR_AGE).lines(np.array([1]), np.array([months]))[0]
        assert lines == pytest.approx(expected, abs=1e-12), months


def test_between_two_lines_the_value_is_interpolated_and_beyond_3sd_extended() -> None:
    lines = np.array(RAW["ageBased"]["boy"]["weight"][6][1:])  # 6 months
    median, plus_1 = lines[3], lines[4]
    width_out = lines[6] - lines[5]

    assert result(age_months=6, weight_kg=(median + plus_1) / 2).scores["zwei"] == 0.5
    assert result(age_months=6, weight_kg=median + 0.25 * (plus_1 - median)).scores["zwei"] == 0.25
    assert result(age_months=6, weight_kg=lines[6] + width_out).scores["zwei"] == 4.0
    below = result(age_months=6, weight_kg=lines[0] - 0.5 * (lines[1] - lines[0]))
    assert below.scores["zwei"] == -3.5
    assert below.classification["underweight"] == "severe"


def test_between_whole_centimetres_the_lines_are_interpolated() -> None:
    rows = {row[0]: row[1:] for row in RAW["statureBasedWeight"]["boy"]["length"]}
    expected = np.array(rows[70]) + 0.4 * (np.array(rows[71]) - np.array(rows[70]))

    lines = table(Indicator.WEIGHT_FOR_LENGTH).lines(np.array([0]), np.array([70.4]))[0]

    assert lines == pytest.approx(expected, abs=1e-12)
    assert result(length_cm=70.4, position="l", weight_kg=float(expected[3])).scores["zwfl"] == 0.0


def test_age_in_days_becomes_months_by_30_4375() -> None:
    at_27_months = 27 * DAYS_PER_MONTH  # 821.8125 days
    minus_1 = RAW["ageBased"]["boy"]["weight"][25][3]  # row of 27 months, −1SD

    assert result(age_days=at_27_months, weight_kg=minus_1).scores["zwei"] == -1.0
    assert result(age_months=27, weight_kg=minus_1).scores["zwei"] == -1.0
    # a whole day later the line has moved on (it rises with age): the same weight is a little below it
    later = one(sex=1, age_days=822, weight_kg=minus_1).zwei[0]
    assert -1.01 < later < -1.0


# The 24-month switch ----------------------------------------------------------------------------------


def test_length_below_24_months_and_height_from_24() -> None:
    lying_at_730 = one(sex=1, age_days=730, weight_kg=12.0, length_cm=88.0, position="l")
    standing_at_731 = one(sex=1, age_days=731, weight_kg=12.0, length_cm=88.0, position="h")
    wfl = table(Indicator.WEIGHT_FOR_LENGTH).z(np.array([0]), np.array([88.0]), np.array([12.0]))
    wfh = table(Indicator.WEIGHT_FOR_HEIGHT).z(np.array([0]), np.array([88.0]), np.array([12.0]))

    assert lying_at_730.zwfl[0] == wfl[0]  # 730 days: 23.98 months, weight-for-length
    assert standing_at_731.zwfl[0] == wfh[0]  # 731 days: 24.02 months, weight-for-height
    assert lying_at_730.length_used_cm[0] == standing_at_731.length_used_cm[0] == 88.0
    assert not lying_at_730.position_corrected[0] and not standing_at_731.position_corrected[0]


def test_the_other_position_is_corrected_by_0_7_cm_and_flagged() -> None:
    standing_early = result(age_days=700, weight_kg=12.0, length_cm=85.3, position="h")
    lying_late = result(age_days=800, weight_kg=12.0, length_cm=88.7, position="l")

    assert one(sex=1, age_days=700, length_cm=85.3, position="h").length_used_cm[0] == pytest.approx(86.0)
    assert one(sex=1, age_days=800, length_cm=88.7, position="l").length_used_cm[0] == pytest.approx(88.0)
    assert (
        standing_early.scores["zwfl"]
        == result(age_days=700, weight_kg=12.0, length_cm=86.0, position="l").scores["zwfl"]
    )
    assert (
        lying_late.scores["zwfl"]
        == result(age_days=800, weight_kg=12.0, length_cm=88.0, position="h").scores["zwfl"]
    )
    assert "position_corrected" in standing_early.flags and "position_corrected" in lying_late.flags
    (explanation,) = [
        text
        for code, text in flag_explanations(lying_late.flags, "wst423_2022")
        if code == "position_corrected"
    ]
    assert "0.7 cm" in explanation


def test_who_corrects_silently_as_before() -> None:
    (outcome,) = assess([{"sex": 1, "age_days": 700, "weight_kg": 12.0, "length_cm": 85.3, "position": "h"}])

    assert isinstance(outcome, ItemResult)
    assert outcome.flags == [] and outcome.standard == GrowthStandardCode.WHO_2006 and outcome.bands is None


# The edges of the tables, and nothing beyond -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "position", "edge", "beyond"),
    [
        ("length", "l", 45.0, 44.9),
        ("length", "l", 100.0, 100.1),
        ("height", "h", 75.0, 74.9),
        ("height", "h", 130.0, 130.1),
    ],
)
def test_weight_for_length_and_height_at_their_edges_and_nothing_beyond(
    name: str, position: str, edge: float, beyond: float
) -> None:
    rows = {row[0]: row[1:] for row in RAW["statureBasedWeight"]["boy"][name]}
    median = rows[edge][3]

    at_edge = result(length_cm=edge, position=position, weight_kg=median)
    outside = result(length_cm=beyond, position=position, weight_kg=median)

    assert at_edge.scores["zwfl"] == 0.0 and (at_edge.bands or {})["zwfl"] == "中"
    assert outside.scores["zwfl"] is None and (outside.bands or {})["zwfl"] is None
    assert "length_outside_table" in outside.flags
    explained = dict(flag_explanations(outside.flags, "wst423_2022"))["length_outside_table"]
    assert "45–100 cm" in explained and "75–130 cm" in explained


def test_81_months_is_the_last_row_and_beyond_it_no_age_based_value() -> None:
    last = RAW["ageBased"]["girl"]["weight"][-1]
    assert last[0] == 81

    at_81 = assess(
        [{"sex": 2, "age_months": 81, "weight_kg": last[4], "length_cm": 120.0, "position": "h"}],
        standard=STANDARD,
    )[0]
    beyond = assess(
        [{"sex": 2, "age_months": 81.1, "weight_kg": last[4], "length_cm": 120.0, "position": "h"}],
        standard=STANDARD,
    )[0]

    assert isinstance(at_81, ItemResult) and isinstance(beyond, ItemResult)
    assert at_81.scores["zwei"] == 0.0 and at_81.flags == []
    assert {name: beyond.scores[name] for name in ("zwei", "zlen", "zbmi", "zhc", "zwfl")} == dict.fromkeys(
        ("zwei", "zlen", "zbmi", "zhc", "zwfl")
    )
    assert beyond.flags == ["age_over_81_months"]


def test_head_circumference_ends_at_36_months() -> None:
    last = RAW["ageBased"]["boy"]["headCircumference"][-1]
    assert last[0] == 36

    at_36 = result(age_months=36, head_cm=last[4])
    beyond = result(age_months=37, head_cm=last[4], weight_kg=15.0)

    assert at_36.scores["zhc"] == 0.0
    assert beyond.scores["zhc"] is None and beyond.scores["zwei"] is not None
    assert beyond.flags == ["head_age_outside_table"]


def test_who_still_gives_values_to_60_months() -> None:
    (who,) = assess([{"sex": 1, "age_months": 70, "weight_kg": 20.0}])
    (wst,) = assess([{"sex": 1, "age_months": 70, "weight_kg": 20.0}], standard=STANDARD)

    assert isinstance(who, ItemResult) and isinstance(wst, ItemResult)
    assert who.scores["zwei"] is None and who.flags == ["age_over_60_months"]
    assert wst.scores["zwei"] is not None and wst.flags == []


# Nutrition categories --------------------------------------------------------------------------------


def _line(name: str, sex: str, row: int, k: int) -> float:
    group = "ageBased" if name in RAW["ageBased"][sex] else "statureBasedWeight"
    value: float = RAW[group][sex][name][row][k + 4]
    return value


def test_the_nutrition_categories() -> None:
    # a boy of 12 months (row 12), 75 cm lying
    short = result(age_months=12, length_cm=_line("stature", "boy", 12, -2) - 0.5, position="l")
    light_and_thin = result(
        length_cm=75.0, position="l", weight_kg=_line("length", "boy", 30, -2) - 0.1, age_months=12
    )
    heavy = result(
        length_cm=75.0,
        position="l",
        weight_kg=(_line("length", "boy", 30, 2) + _line("length", "boy", 30, 3)) / 2,
        age_months=12,
    )
    obese = result(length_cm=75.0, position="l", weight_kg=_line("length", "boy", 30, 3) + 0.2, age_months=12)
    oedema = result(age_months=12, weight_kg=9.0, oedema=True)

    assert short.nutrition == ["生长迟缓"]
    assert "消瘦" in light_and_thin.nutrition
    assert heavy.nutrition == ["超重"] and (heavy.bands or {})["zwfl"] == "上"
    assert obese.nutrition == ["肥胖"]
    assert oedema.nutrition == ["消瘦"]  # oedema is severe wasting


def test_an_implausible_value_has_no_band_and_classifies_nothing() -> None:
    outcome = result(age_months=3, weight_kg=40.0)

    assert "zwei_implausible" in outcome.flags
    assert (outcome.bands or {})["zwei"] is None and outcome.classification["underweight"] is None
    explained = dict(flag_explanations(outcome.flags, "wst423_2022"))["zwei_implausible"]
    assert "standard's lines" in explained


# The API contract -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_defaults_to_who_with_the_keys_it_always_had(api_as: Callable[[str], APIClient]) -> None:
    items = [{"sex": 1, "age_days": 400, "weight_kg": 9.5, "length_cm": 76.0, "position": "l"}]

    answered = api_as("doctor").post(ZSCORES, {"items": items}, format="json").json()

    assert answered["standard"] == "who2006"
    assert set(answered["items"][0]) == {"zwei", "zlen", "zwfl", "zbmi", "zhc", "flags", "classification"}


@pytest.mark.django_db
def test_the_api_gives_bands_and_nutrition_for_ws_t(api_as: Callable[[str], APIClient]) -> None:
    items = [{"sex": 1, "age_days": 400, "weight_kg": 7.6, "length_cm": 76.0, "position": "l"}]

    answered = (
        api_as("doctor").post(ZSCORES, {"standard": "wst423_2022", "items": items}, format="json").json()
    )

    (item,) = answered["items"]
    assert set(item) == {
        "zwei",
        "zlen",
        "zwfl",
        "zbmi",
        "zhc",
        "flags",
        "classification",
        "bands",
        "nutrition",
    }
    assert set(item["bands"]) == {"zwei", "zlen", "zwfl", "zbmi", "zhc"}
    assert item["bands"]["zhc"] is None  # no head measured
    assert item["bands"]["zwei"] == "下" and "低体重" in item["nutrition"]
    assert all(value is None or round(value, 2) == value for value in (item[name] for name in item["bands"]))
    (expected,) = assess(items, standard=STANDARD)
    assert isinstance(expected, ItemResult) and item == expected.as_json()


@pytest.mark.django_db
@pytest.mark.parametrize("standard", ["wst", "WHO2006", 2006, None, ["who2006"]])
def test_an_unknown_standard_is_refused_naming_the_choices(
    api_as: Callable[[str], APIClient], standard: object
) -> None:
    response = api_as("doctor").post(ZSCORES, {"standard": standard, "items": []}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "standard_unknown"
    assert "who2006, wst423_2022" in response.json()["detail"]


def test_the_age_is_given_one_way() -> None:
    (twice,) = assess([{"sex": 1, "age_months": 12, "age_days": 365, "weight_kg": 9.0}], standard=STANDARD)
    (negative,) = assess([{"sex": 1, "age_months": -1, "weight_kg": 9.0}], standard=STANDARD)
    (endless,) = assess([{"sex": 1, "age_months": 1e308, "weight_kg": 9.0}], standard=STANDARD)

    assert isinstance(twice, ItemError) and twice.code == "age_given_twice"
    assert isinstance(negative, ItemError) and (negative.field, negative.code) == (
        "age_months",
        "age_negative",
    )
    assert isinstance(endless, ItemError) and (endless.field, endless.code) == ("age_months", "out_of_range")


def test_both_standards_are_loaded_once() -> None:
    assert wst_423_2022() is STANDARD and who_2006() is who_2006()


def each_table() -> Iterator[SdTable]:
    yield from (table(indicator) for indicator in Indicator)


def test_a_table_whose_lines_do_not_rise_is_refused_on_reading() -> None:
    from tuoyu.health.growth.standards import sd_table

    good = RAW["ageBased"]["boy"]["weight"][:3]
    crossed = [good[0], [1, 3.0, 2.9, 4.0, 4.5, 5.0, 5.5, 6.0], good[2]]
    with pytest.raises(ValueError, match="do not rise"):
        sd_table("weight", {"boy": crossed, "girl": crossed})
    with pytest.raises(ValueError, match="same keys"):
        sd_table("weight", {"boy": good, "girl": [good[0], [1.5, *good[1][1:]], good[2]]})
    assert all(np.all(np.diff(each.values, axis=2) > 0) for each in each_table())
