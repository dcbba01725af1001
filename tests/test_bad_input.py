"""Bad input gets a clear 4xx with a code and changes nothing: lists too long for a query, races with a
deletion, a busy database, physically impossible values, yes/no parameters that are neither."""

import datetime
import sqlite3
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.factories import ChildFactory, GuardianshipFactory
from tuoyu.enrolment.models import Child, EntryExam
from tuoyu.enrolment.privacy import child_delete_request
from tuoyu.enrolment.services import entry_exam_record
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, Institution

ApiAs = Callable[[str], APIClient]


# Lists ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_marking_260000_notifications_read_is_a_400_and_marks_nothing(api_as: ApiAs, guardian: User) -> None:
    notify_all([guardian], kind=NotificationKind.OFFER_MADE, title="你好", body="")

    response = api_as("guardian").post(
        "/api/v1/notifications/read/", {"ids": list(range(1, 260_001))}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "1000" in str(response.json()["detail"]["ids"])
    assert Notification.objects.get().read_at is None


@pytest.mark.django_db
def test_an_id_beyond_a_database_integer_is_a_400(api_as: ApiAs) -> None:
    response = api_as("guardian").post("/api/v1/notifications/read/", {"ids": [2**70]}, format="json")

    assert response.status_code == 400


BOUNDED_STRING_FORMATS = {"date", "date-time", "uuid", "binary", "decimal", "email"}
# Strings bounded otherwise: looked up by a code (an unknown one is a 400).
LOOKED_UP = {"DiagnosisInputRequest.properties.disease"}


def uncapped_request_fields(is_uncapped: Callable[[dict[str, Any]], bool]) -> list[str]:
    """Where in the OpenAPI schema's request bodies a node is uncapped, by the test given."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    uncapped: list[str] = []

    def walk(node: object, where: str, seen: set[str]) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name not in seen:
                    walk(components[name], name, seen | {name})
                return
            if not node.get("readOnly") and is_uncapped(node):
                uncapped.append(where)
            for key, value in node.items():
                walk(value, f"{where}.{key}", seen)
        elif isinstance(node, list):
            for item in node:
                walk(item, where, seen)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                walk(media.get("schema", {}), f"{method.upper()} {path}", set())
    return uncapped


def test_every_list_a_request_may_send_is_capped() -> None:
    """In the OpenAPI schema, every array of every request body has a maxItems."""
    uncapped = uncapped_request_fields(lambda node: node.get("type") == "array" and "maxItems" not in node)

    assert uncapped == [], "\n".join(uncapped)


def test_every_text_a_request_may_send_is_capped() -> None:
    """Every free string of every request body has a maxLength (dates, codes, choices and patterns are
    bounded by their form)."""

    def free_string(node: dict[str, Any]) -> bool:
        return (
            node.get("type") == "string"
            and not {"maxLength", "enum", "pattern"} & set(node)
            and node.get("format") not in BOUNDED_STRING_FORMATS
        )

    uncapped = uncapped_request_fields(free_string)

    assert [where for where in uncapped if where not in LOOKED_UP] == []


# A deletion racing a write ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_write_about_a_child_deleted_meanwhile_is_a_409_not_a_crash(guardian: User) -> None:
    child = ChildFactory.create()
    GuardianshipFactory.create(child=child, user=guardian)
    stale = Child.objects.get(pk=child.pk)  # as a request read it before the deletion

    child_delete_request(guardian=guardian, child=child, confirm=child.name)
    with pytest.raises(Refusal) as refused:
        entry_exam_record(
            actor=guardian,
            child=stale,
            examined_on=timezone.localdate(),
            medical_institution="甲区妇幼保健院",
            result="pass",
        )

    assert (refused.value.code, refused.value.conflict) == ("child_deleted", True)
    assert not EntryExam.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_deletion_and_an_exam_at_the_same_moment_never_fail_with_a_server_error(guardian: User) -> None:
    outcomes: list[str] = []
    for _ in range(5):
        child = ChildFactory.create()
        GuardianshipFactory.create(child=child, user=guardian)
        start = threading.Barrier(2)

        def run(action: Callable[[], object], start: threading.Barrier = start) -> None:
            try:
                start.wait()
                action()
                outcomes.append("ok")
            except Refusal as refusal:
                outcomes.append(refusal.code)
            except Exception as error:  # a crash: what this test looks for
                outcomes.append(f"crash: {error!r}")
            finally:
                close_old_connections()
                connection.close()

        threads = [
            threading.Thread(
                target=run,
                args=(lambda c=child: child_delete_request(guardian=guardian, child=c, confirm=c.name),),
            ),
            threading.Thread(
                target=run,
                args=(
                    lambda c=child: entry_exam_record(
                        actor=guardian,
                        child=c,
                        examined_on=timezone.localdate(),
                        medical_institution="甲区妇幼保健院",
                        result="pass",
                    ),
                ),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert not [outcome for outcome in outcomes if outcome.startswith("crash")], outcomes
    assert set(outcomes) <= {"ok", "child_deleted"}


# A busy database ----------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
@pytest.mark.django_db(transaction=True)
def test_a_write_that_waits_too_long_for_sqlites_lock_is_a_503_with_retry_after(
    client_as: Callable[[str], Client], guardian: User
) -> None:
    client = client_as("guardian")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 100")
        response = client.post("/messages/read/")
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 20000")

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "nothing was saved" in response.content.decode()


# Physically impossible values ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("weight_kg", "-3"), ("weight_kg", "500"), ("length_cm", "400"), ("head_cm", "0.1")],
)
def test_an_impossible_measurement_is_refused_by_the_api(
    api_as: ApiAs, class_x: CareClass, health_worker_x: User, field: str, value: str
) -> None:
    from tuoyu.daycare.factories import placed_child
    from tuoyu.health.models import Measurement

    child = placed_child(class_x)
    body = {"measured_on": timezone.localdate().isoformat(), field: value}
    if field == "length_cm":
        body["position"] = "l"

    response = api_as("health_worker_x").post(
        f"/api/v1/health/children/{child.code}/measurements/", body, format="json"
    )

    assert response.status_code == 400
    assert "is not possible here" in str(response.json()["detail"])
    assert not Measurement.objects.exists()


@pytest.mark.django_db
def test_a_food_sample_of_2_to_the_62_grams_is_refused(api_as: ApiAs, institution_x: Institution) -> None:
    from tuoyu.daycare.models import FoodSample

    response = api_as("director_x").post(
        f"/api/v1/institutions/{institution_x.code}/food-samples/",
        {"day": timezone.localdate().isoformat(), "meal": "lunch", "dish": "米饭", "weight_g": 2**62},
        format="json",
    )

    assert response.status_code == 400
    assert not FoodSample.objects.exists()


@pytest.mark.django_db
def test_a_slot_of_a_billion_places_is_refused(api_as: ApiAs, institution_x: Institution) -> None:
    from tuoyu.bookings.models import TemporaryCareSlot
    from tuoyu.registry.factories import ServiceOfferingFactory
    from tuoyu.registry.models import ServiceType

    ServiceOfferingFactory.create(institution=institution_x, service_type=ServiceType.TEMPORARY)
    response = api_as("director_x").post(
        "/api/v1/temporary-care/slots/",
        {
            "institution": str(institution_x.code),
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "period": "full_day",
            "capacity": 10**9,
        },
        format="json",
    )

    assert response.status_code == 400
    assert not TemporaryCareSlot.objects.exists()


# Yes/no parameters ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["true", "false", "1", "0", "TRUE", ""])
def test_a_yes_no_parameter_takes_true_false_1_or_0(anonymous_api: APIClient, value: str) -> None:
    assert anonymous_api.get("/api/v1/institutions/", {"has_vacancy": value}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["maybe", "yes", "2", "null"])
def test_anything_else_is_a_400_naming_the_parameter(
    anonymous_api: APIClient, anonymous_client: Client, value: str
) -> None:
    api = anonymous_api.get("/api/v1/institutions/", {"has_vacancy": value})
    page = anonymous_client.get("/institutions/", {"has_vacancy": value})

    assert api.status_code == 400
    assert api.json()["detail"]["has_vacancy"] == ["Use true or false (or 1 or 0)."]
    assert "Use true or false (or 1 or 0)." in page.content.decode()


@pytest.mark.django_db
def test_the_outbreak_lists_active_flag_is_strict_too(api_as: ApiAs) -> None:
    assert api_as("regulator_a").get("/api/v1/health/outbreaks/", {"active": "maybe"}).status_code == 400
    assert api_as("regulator_a").get("/api/v1/health/outbreaks/", {"active": "1"}).status_code == 200


__all__ = ["Decimal"]
