"""growth.batch.assess: items in, a result or an error per item out, in order; impossible values flagged and
explained, never dropped; the classification from the rounded z-scores."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tuoyu.enrolment.tests.helpers import _english
from tuoyu.health.growth.batch import (
    FLAG_EXPLANATIONS,
    ItemError,
    ItemResult,
    assess,
    classification_findings,
    classification_words,
    flag_explanations,
)

__all__ = ["_english"]  # fixtures used by name

TODAY = datetime.date(2025, 6, 30)


def result_of(item: Any) -> ItemResult:
    (outcome,) = assess([item], today=TODAY)
    assert isinstance(outcome, ItemResult), outcome
    return outcome


def error_of(item: Any) -> ItemError:
    (outcome,) = assess([item], today=TODAY)
    assert isinstance(outcome, ItemError), outcome
    return outcome


def test_results_come_back_in_the_order_of_the_items_with_errors_in_place() -> None:
    items = [
        {"sex": 1, "age_days": 365, "weight_kg": 9.6},
        {"sex": 9, "age_days": 365, "weight_kg": 9.6},
        {"sex": 2, "age_days": 365, "weight_kg": 8.9},
        "not an item",
    ]

    outcomes = assess(items, today=TODAY)

    assert [type(outcome) for outcome in outcomes] == [ItemResult, ItemError, ItemResult, ItemError]
    first, _bad, third, _worse = outcomes
    assert isinstance(first, ItemResult) and isinstance(third, ItemResult)
    assert first.scores["zwei"] == pytest.approx(-0.04, abs=0.006)  # a boy of 1 year at the median, 9.6 kg
    assert third.scores["zwei"] == pytest.approx(-0.04, abs=0.006)  # a girl of 1 year at the median, 8.9 kg


def test_z_scores_are_rounded_to_2_decimals_and_null_where_not_computable() -> None:
    result = result_of({"sex": 1, "age_days": 987, "length_cm": 72.86, "position": "l"})

    assert result.scores == {"zwei": None, "zlen": -6.09, "zwfl": None, "zbmi": None, "zhc": None}
    assert result.as_json()["zlen"] == -6.09
    assert result.flags == ["zlen_implausible"]


def test_the_age_comes_from_the_dates_when_no_age_in_days_is_given() -> None:
    result = result_of(
        {
            "sex": 2,
            "birth_date": "2023-06-30",
            "measured_on": "2025-06-30",
            "length_cm": 77.5,
            "position": "h",
        }
    )

    assert result.age_days == 731
    assert result.scores["zlen"] == -2.55


def test_dates_may_be_date_objects_and_numbers_decimals() -> None:
    item = {
        "sex": "2",
        "birth_date": datetime.date(2024, 6, 30),
        "measured_on": datetime.date(2025, 6, 30),
        "weight_kg": Decimal("8.90"),
    }

    assert result_of(item).age_days == 365


@pytest.mark.parametrize(
    ("item", "field", "code"),
    [
        (["a", "list"], "item", "not_an_object"),
        (None, "item", "not_an_object"),
        ({"age_days": 30, "weight_kg": 4}, "sex", "sex_invalid"),
        ({"sex": 0, "age_days": 30, "weight_kg": 4}, "sex", "sex_invalid"),
        ({"sex": True, "age_days": 30, "weight_kg": 4}, "sex", "sex_invalid"),
        ({"sex": "boy", "age_days": 30, "weight_kg": 4}, "sex", "sex_invalid"),
        ({"sex": 1, "head_cm": 40}, "age_days", "age_missing"),
        ({"sex": 1, "weight_kg": 4}, "age_days", "age_missing"),
        ({"sex": 1, "age_days": -1, "weight_kg": 4}, "age_days", "age_negative"),
        ({"sex": 1, "age_days": "30", "weight_kg": 4}, "age_days", "not_a_number"),
        ({"sex": 1, "age_days": 10**400, "weight_kg": 4}, "age_days", "out_of_range"),
        ({"sex": 1, "age_days": float("nan"), "weight_kg": 4}, "age_days", "out_of_range"),
        ({"sex": 1, "age_days": 30, "weight_kg": "4.2"}, "weight_kg", "not_a_number"),
        ({"sex": 1, "age_days": 30, "weight_kg": [4.2]}, "weight_kg", "not_a_number"),
        ({"sex": 1, "age_days": 30, "length_cm": {"cm": 50}}, "length_cm", "not_a_number"),
        ({"sex": 1, "age_days": 30, "head_cm": float("inf")}, "head_cm", "out_of_range"),
        ({"sex": 1, "age_days": 30, "weight_kg": False}, "weight_kg", "not_a_number"),
        ({"sex": 1, "age_days": 30}, "weight_kg", "nothing_measured"),
        ({"sex": 1, "age_days": 30, "weight_kg": 4, "position": "x"}, "position", "position_invalid"),
        ({"sex": 1, "age_days": 30, "weight_kg": 4, "position": 1}, "position", "position_invalid"),
        ({"sex": 1, "age_days": 30, "weight_kg": 4, "oedema": "yes"}, "oedema", "oedema_invalid"),
        ({"sex": 1, "birth_date": "2025-01-01", "weight_kg": 4}, "measured_on", "date_missing"),
        ({"sex": 1, "measured_on": "2025-01-01", "weight_kg": 4}, "birth_date", "date_missing"),
        (
            {"sex": 1, "birth_date": "2025-13-01", "measured_on": "2025-06-01", "weight_kg": 4},
            "birth_date",
            "date_invalid",
        ),
        (
            {"sex": 1, "birth_date": 20250101, "measured_on": "2025-06-01", "weight_kg": 4},
            "birth_date",
            "date_invalid",
        ),
        (
            {"sex": 1, "birth_date": "2025-01-01", "measured_on": "2025-07-01", "weight_kg": 4},
            "measured_on",
            "measured_in_future",
        ),
        (
            {"sex": 1, "age_days": 30, "measured_on": "2025-07-01", "weight_kg": 4},
            "measured_on",
            "measured_in_future",
        ),
        (
            {"sex": 1, "birth_date": "2025-03-01", "measured_on": "2025-02-01", "weight_kg": 4},
            "measured_on",
            "measured_before_birth",
        ),
        (
            {
                "sex": 1,
                "birth_date": "2025-01-01",
                "measured_on": "2025-02-01",
                "age_days": 40,
                "weight_kg": 4,
            },
            "age_days",
            "age_mismatch",
        ),
    ],
)
def test_a_bad_item_gets_its_own_error_naming_the_field(item: Any, field: str, code: str) -> None:
    error = error_of(item)

    assert (error.field, error.code) == (field, code)
    assert error.detail
    assert error.as_json() == {"error": {"field": field, "code": code, "detail": error.detail}}


def test_the_age_in_days_may_come_with_matching_dates() -> None:
    item = {
        "sex": 1,
        "birth_date": "2025-01-01",
        "measured_on": "2025-02-01",
        "age_days": 31,
        "weight_kg": 4.3,
    }

    assert result_of(item).age_days == 31


def test_without_an_age_weight_for_length_is_computed_and_the_missing_age_flagged() -> None:
    result = result_of({"sex": 1, "weight_kg": 9.0, "length_cm": 75.0, "position": "l"})

    assert result.age_days is None
    assert result.scores["zwfl"] is not None
    assert {result.scores[name] for name in ("zwei", "zlen", "zbmi", "zhc")} == {None}
    assert result.flags == ["age_unknown"]
    assert result.classification == {
        "underweight": None,
        "stunting": None,
        "wasting": "normal",
        "overweight": "normal",
    }


@pytest.mark.parametrize(
    ("item", "flags"),
    [
        ({"sex": 1, "age_days": 100, "weight_kg": 40}, ["zwei_implausible"]),  # a 40 kg infant
        ({"sex": 1, "age_days": 244, "length_cm": 60, "position": "h"}, ["standing_under_9_months"]),
        ({"sex": 1, "age_days": 300, "weight_kg": -3}, ["weight_not_positive"]),
        ({"sex": 1, "age_days": 300, "length_cm": 0, "position": "l"}, ["length_not_positive"]),
        ({"sex": 1, "age_days": 300, "head_cm": -44}, ["head_not_positive"]),
        (
            {"sex": 1, "age_days": 300, "weight_kg": 8, "length_cm": 40, "position": "l"},
            ["zlen_implausible", "zbmi_implausible", "length_outside_table"],
        ),
        (
            {"sex": 1, "age_days": 900, "weight_kg": 13, "length_cm": 125, "position": "h"},
            ["zlen_implausible", "zbmi_implausible", "length_outside_table"],
        ),
        (
            {"sex": 1, "age_days": 2000, "weight_kg": 18, "length_cm": 110, "position": "h"},
            ["age_over_60_months"],
        ),
        (
            {"sex": 2, "age_days": 400, "weight_kg": 8, "length_cm": 72, "position": "l", "oedema": True},
            ["oedema"],
        ),
    ],
)
def test_impossible_or_unusual_measurements_are_computed_as_far_as_possible_and_flagged(
    item: dict[str, Any], flags: list[str]
) -> None:
    result = result_of(item)

    assert result.flags == flags
    assert all(code in FLAG_EXPLANATIONS for code in result.flags)


def test_a_40_kg_infant_keeps_its_z_score_but_is_not_classified() -> None:
    result = result_of({"sex": 1, "age_days": 100, "weight_kg": 40})

    assert result.scores["zwei"] is not None and result.scores["zwei"] > 5
    assert result.classification["underweight"] is None


def test_an_absurd_number_gives_no_z_score_and_a_flag_never_an_infinity() -> None:
    result = result_of({"sex": 2, "age_days": 400, "weight_kg": 1e308, "length_cm": 80, "position": "l"})

    assert result.scores["zwei"] is None
    assert "zwei_implausible" in result.flags
    assert result.scores["zlen"] is not None


def test_oedema_classifies_wasting_as_severe() -> None:
    result = result_of(
        {"sex": 2, "age_days": 400, "weight_kg": 8, "length_cm": 72, "position": "l", "oedema": True}
    )

    assert result.classification["wasting"] == "severe"
    assert result.scores["zwei"] is None and result.scores["zwfl"] is None


def test_classification_follows_whos_cut_offs_on_the_rounded_z_score() -> None:
    # A girl of 400 days, 6.3 kg and 70.0 cm lying: zwei −3.20, zlen −2.04, zwfl −3.00 (rounded).
    result = result_of({"sex": 2, "age_days": 400, "weight_kg": 6.3, "length_cm": 70.0, "position": "l"})

    assert (result.scores["zwei"], result.scores["zlen"], result.scores["zwfl"]) == (-3.2, -2.04, -3.0)
    assert result.classification == {
        "underweight": "severe",
        "stunting": "moderate",
        "wasting": "moderate",  # −3.00 is not below −3
        "overweight": "normal",
    }


def test_every_flag_has_an_explanation_in_the_readers_language() -> None:
    explained = flag_explanations(["oedema", "standing_under_9_months", "unknown_code"])

    assert explained[0] == ("oedema", str(FLAG_EXPLANATIONS["oedema"]))
    assert "9 months" in explained[1][1]
    assert explained[2] == ("unknown_code", "unknown_code")


def test_the_classification_in_words() -> None:
    assert classification_words({"underweight": "moderate", "stunting": "normal", "wasting": "severe"}) == (
        "Moderate underweight, Severe wasting"
    )
    assert classification_words({"underweight": "normal", "overweight": "normal"}) == "Normal"
    assert classification_words({"underweight": None, "stunting": None}) == "Not assessed"
    assert classification_words({}) == "Not assessed"
    assert [f.label for f in classification_findings({"overweight": "obesity"})] == ["Obesity"]


def test_findings_come_in_a_fixed_order_whatever_the_order_of_the_stored_keys() -> None:
    # PostgreSQL's jsonb gives the keys back sorted by length: wasting, stunting, overweight, underweight.
    stored = {"wasting": "severe", "stunting": "moderate", "overweight": "normal", "underweight": "moderate"}

    findings = classification_findings(stored)

    assert [(f.condition, f.status, f.severe) for f in findings] == [
        ("underweight", "moderate", False),
        ("stunting", "moderate", False),
        ("wasting", "severe", True),
    ]
    assert classification_words(stored) == "Moderate underweight, Moderate stunting, Severe wasting"


def test_an_empty_list_gives_an_empty_list() -> None:
    assert assess([], today=TODAY) == []
