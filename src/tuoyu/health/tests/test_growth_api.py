"""The growth API: the batch calculator (10,000 items in one request, errors in place, never a 500, who may
use it) and a child's measurements (read and added by those who may, logged, 404 for everyone else)."""

import datetime
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, HealthRecordAccess
from tuoyu.health.growth.batch import ItemResult, assess
from tuoyu.health.models import Measurement, MeasurementSource
from tuoyu.health.tests.growth_helpers import child_in_care, days_ago, raw_measurement
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

ZSCORES = "/api/v1/growth/zscores/"
CALCULATOR_USERS = ["director_x", "health_worker_x", "doctor", "regulator_a", "regulator_b", "director_y"]
READERS = ["guardian", "director_x", "health_worker_x", "doctor"]
OUTSIDERS = ["caregiver_x", "director_y", "regulator_a", "regulator_b"]

ApiAs = Callable[[str], APIClient]


def realistic_items(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Children of 0-5 years with weights and lengths around WHO's medians, some without an age."""
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        age = rng.randrange(0, 1800)
        item: dict[str, Any] = {
            "sex": rng.choice([1, 2]),
            "weight_kg": round(3.3 + age * 0.0075 + rng.gauss(0, 1), 2),
            "length_cm": round(50 + 40 * (age / 1800) ** 0.6 * 1.4 + rng.gauss(0, 3), 1),
            "position": "l" if age < 731 else "h",
            "head_cm": round(34.5 + 15 * (age / 1800) ** 0.4 + rng.gauss(0, 1), 1),
            "oedema": rng.random() < 0.01,
        }
        if rng.random() < 0.9:
            item["age_days"] = age
        items.append(item)
    return items


# The batch calculator: who -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", CALCULATOR_USERS)
def test_health_workers_doctors_directors_and_regulators_use_the_calculator(
    api_as: ApiAs, persona: str
) -> None:
    response = api_as(persona).post(
        ZSCORES, {"items": [{"sex": 1, "age_days": 365, "weight_kg": 9.6}]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["items"][0]["zwei"] == -0.04


@pytest.mark.parametrize("persona", ["caregiver_x", "guardian"])
def test_caregivers_and_guardians_may_not_use_the_calculator(api_as: ApiAs, persona: str) -> None:
    response = api_as(persona).post(ZSCORES, {"items": []}, format="json")

    assert response.status_code == 404  # for them the calculator does not exist


def test_anonymous_callers_are_told_to_authenticate(anonymous_api: APIClient) -> None:
    assert anonymous_api.post(ZSCORES, {"items": []}, format="json").status_code == 401


def test_a_token_works_as_for_every_other_endpoint(token_api_as: ApiAs) -> None:
    response = token_api_as("doctor").post(
        ZSCORES, {"items": [{"sex": 2, "weight_kg": 9, "length_cm": 75}]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["items"][0]["flags"] == ["age_unknown"]


# The batch calculator: what -----------------------------------------------------------------------------


def test_10000_items_are_answered_in_one_request_in_the_same_order(api_as: ApiAs) -> None:
    items = realistic_items(10_000)

    response = api_as("health_worker_x").post(ZSCORES, {"items": items}, format="json")

    assert response.status_code == 200
    answered = response.json()["items"]
    assert len(answered) == 10_000
    expected = assess(items)
    assert all(isinstance(outcome, ItemResult) for outcome in expected)
    assert answered == [outcome.as_json() for outcome in expected]
    assert sum(1 for item in answered if item["zwei"] is not None) > 8_000


def test_more_than_10000_items_is_refused_with_a_clear_message(api_as: ApiAs) -> None:
    response = api_as("doctor").post(ZSCORES, {"items": [{"sex": 1}] * 10_001}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "too_many_items",
        "detail": "At most 10,000 items per request; this one has 10,001.",
    }


def test_a_bad_item_gets_its_own_error_in_place(api_as: ApiAs) -> None:
    items = [
        {"sex": 1, "age_days": 365, "weight_kg": 9.6},
        {"sex": 3, "age_days": 365, "weight_kg": 9.6},
        {"sex": 2, "birth_date": "2024-01-01", "measured_on": "2099-01-01", "weight_kg": 9},
        {"sex": 2, "age_days": -5, "weight_kg": 9},
        {"sex": 2, "age_days": 200, "weight_kg": "heavy"},
    ]

    answered = api_as("doctor").post(ZSCORES, {"items": items}, format="json").json()["items"]

    assert answered[0]["zwei"] == -0.04
    assert [item.get("error", {}).get("field") for item in answered] == [
        None,
        "sex",
        "measured_on",
        "age_days",
        "weight_kg",
    ]
    assert answered[2]["error"] == {
        "field": "measured_on",
        "code": "measured_in_future",
        "detail": "The date measured is in the future.",
    }


def test_impossible_values_come_back_flagged(api_as: ApiAs) -> None:
    items = [{"sex": 1, "age_days": 100, "weight_kg": 40}, {"sex": 1, "age_days": 300, "weight_kg": -2}]

    answered = api_as("doctor").post(ZSCORES, {"items": items}, format="json").json()["items"]

    assert answered[0]["flags"] == ["zwei_implausible"]
    assert answered[0]["classification"]["underweight"] is None
    assert answered[1] == {
        "zwei": None,
        "zlen": None,
        "zwfl": None,
        "zbmi": None,
        "zhc": None,
        "flags": ["weight_not_positive"],
        "classification": {"underweight": None, "stunting": None, "wasting": None, "overweight": None},
    }


@pytest.mark.parametrize(
    "body",
    [
        [1, 2, 3],
        "items",
        12,
        None,
        {},
        {"items": None},
        {"items": "all"},
        {"items": {"sex": 1}},
        {"item": []},
    ],
)
def test_a_body_without_a_list_of_items_is_a_400(api_as: ApiAs, body: Any) -> None:
    response = api_as("doctor").post(ZSCORES, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "items_missing"


def test_malformed_json_and_forms_are_refused_not_crashed(api_as: ApiAs) -> None:
    client = api_as("doctor")

    assert client.post(ZSCORES, '{"items": [', content_type="application/json").status_code == 400
    assert client.post(ZSCORES, '{"items": [NaN]}', content_type="application/json").status_code == 400
    assert client.post(ZSCORES, {"items": "x"}).status_code == 415
    nested = '{"items": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert client.post(ZSCORES, nested, content_type="application/json").status_code == 400
    huge = '{"items": [{"sex": 1, "age_days": 1' + "0" * 5_000 + "}]}"
    assert client.post(ZSCORES, huge, content_type="application/json").status_code == 400


def garbage(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["str", "none", "bool", "int", "huge", "negative", "float", "list", "dict"]
    kind = rng.choice(kinds if depth < 3 else kinds[:7])
    if kind == "str":
        return rng.choice(["", "1", "l", "H", "2024-02-30", "2024-01-01", "NaN", "托育", "1e400"])
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.randrange(-5, 3000)
    if kind == "huge":
        return rng.choice([10**30, -(10**30), 10**400, 1.7e308, -1.7e308])
    if kind == "negative":
        return -rng.random() * 1000
    if kind == "float":
        return rng.random() * 200
    if kind == "list":
        return [garbage(rng, depth + 1) for _ in range(rng.randrange(0, 3))]
    return {rng.choice(["sex", "age_days", "weight_kg", "x"]): garbage(rng, depth + 1)}


def garbage_item(rng: random.Random) -> Any:
    if rng.random() < 0.1:
        return garbage(rng)
    fields = [
        "sex",
        "age_days",
        "birth_date",
        "measured_on",
        "weight_kg",
        "length_cm",
        "position",
        "head_cm",
        "oedema",
    ]
    item = {field: garbage(rng) for field in fields if rng.random() < 0.6}
    if rng.random() < 0.5:
        item["sex"] = rng.choice([1, 2])  # let more items reach the engine
    return item


def test_random_garbage_never_gives_a_500(api_as: ApiAs) -> None:
    rng = random.Random(2026)
    items = [garbage_item(rng) for _ in range(3_000)]

    response = api_as("regulator_a").post(ZSCORES, {"items": items}, format="json")

    assert response.status_code == 200
    answered = response.json()["items"]
    assert len(answered) == len(items)
    errors = sum(1 for item in answered if "error" in item)
    assert 0 < errors < len(items)
    for item in answered:
        assert ("error" in item) != ("flags" in item)


# A child's measurements -----------------------------------------------------------------------------------


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    child = child_in_care(class_x, guardian)
    raw_measurement(child, measured_on=days_ago(60), weight_kg="12.10", length_cm="89.0", position="h")
    raw_measurement(child, measured_on=days_ago(1), weight_kg="12.60", length_cm="90.2", position="h")
    return child


def measurements_url(child: Child) -> str:
    return f"/api/v1/health/children/{child.code}/measurements/"


@pytest.mark.parametrize("persona", READERS)
def test_readers_get_the_measurements_newest_first_and_each_read_is_logged(
    request: pytest.FixtureRequest, api_as: ApiAs, child: Child, persona: str
) -> None:
    response = api_as(persona).get(measurements_url(child))

    assert response.status_code == 200
    body = response.json()
    assert [row["measured_on"] for row in body] == [days_ago(1).isoformat(), days_ago(60).isoformat()]
    assert body[0]["weight_kg"] == "12.60"
    assert body[0]["classification_label"] == "Normal"
    assert set(body[0]["classification"]) == {"underweight", "stunting", "wasting", "overweight"}
    entry = HealthRecordAccess.objects.get()
    assert (entry.user, entry.child, entry.view, entry.channel) == (
        request.getfixturevalue(persona),
        child,
        "growth",
        "api",
    )


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_a_404_and_nothing_is_logged(api_as: ApiAs, child: Child, persona: str) -> None:
    client = api_as(persona)

    assert client.get(measurements_url(child)).status_code == 404
    assert (
        client.post(
            measurements_url(child), {"measured_on": days_ago(0).isoformat(), "weight_kg": "12.5"}
        ).status_code
        == 404
    )
    assert not HealthRecordAccess.objects.exists()
    assert Measurement.objects.count() == 2


def test_anonymous_callers_get_a_401(anonymous_api: APIClient, child: Child) -> None:
    assert anonymous_api.get(measurements_url(child)).status_code == 401


@pytest.mark.parametrize(
    ("persona", "source"), [("guardian", MeasurementSource.GUARDIAN), ("doctor", MeasurementSource.HOSPITAL)]
)
def test_a_measurement_is_added_with_its_z_scores(
    request: pytest.FixtureRequest, api_as: ApiAs, child: Child, persona: str, source: str
) -> None:
    body = {
        "measured_on": timezone.localdate().isoformat(),
        "weight_kg": "40.00",
        "length_cm": "91.0",
        "position": "h",
    }

    response = api_as(persona).post(measurements_url(child), body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["source"] == source
    assert created["measured_by"] == request.getfixturevalue(persona).display_name
    assert created["zwei"] is not None and created["zwei"] > 5
    assert "zwei_implausible" in created["flags"]
    assert created["flag_explanations"][created["flags"].index("zwei_implausible")].startswith(
        "Weight-for-age is"
    )
    assert Measurement.objects.filter(child=child).count() == 3


def test_a_measurement_in_the_future_is_refused(api_as: ApiAs, child: Child) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api_as("health_worker_x").post(
        measurements_url(child), {"measured_on": tomorrow.isoformat(), "weight_kg": "12.5"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"code": "measured_in_future", "detail": "The date measured is in the future."}
    assert Measurement.objects.count() == 2


def test_a_malformed_measurement_is_a_400(api_as: ApiAs, child: Child) -> None:
    response = api_as("health_worker_x").post(
        measurements_url(child), {"measured_on": "soon", "weight_kg": "12.555"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["detail"]) >= {"measured_on", "weight_kg"}


def test_a_measurement_nested_too_deeply_is_a_400(api_as: ApiAs, child: Child) -> None:
    nested = "[" * 100_000 + "]" * 100_000

    response = api_as("guardian").post(measurements_url(child), nested, content_type="application/json")

    assert response.status_code == 400
