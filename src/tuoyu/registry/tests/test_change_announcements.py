"""Writers announce that an institution changed, once per transaction, so the compliance rules refresh."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tuoyu.registry.models import CareClass
from tuoyu.registry.signals import announce_change, institution_data_changed


@pytest.fixture
def announced() -> Iterator[list[int]]:
    received: list[int] = []

    def record(sender: Any, institution_id: int, **kwargs: Any) -> None:
        received.append(institution_id)

    institution_data_changed.connect(record, dispatch_uid="test-record")
    yield received
    institution_data_changed.disconnect(dispatch_uid="test-record")


@pytest.mark.django_db
def test_each_institution_is_announced_once_per_transaction(
    announced: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for institution_id in (1, 1, 2, 1, 2):
            announce_change(institution_id)

    assert announced == [1, 2]


@pytest.mark.django_db
def test_nothing_is_announced_when_the_transaction_rolls_back(
    announced: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            announce_change(1)
            raise RuntimeError("rolled back")
        with transaction.atomic():
            announce_change(1)

    assert announced == [1]


@pytest.mark.django_db
def test_a_back_office_edit_of_a_class_is_announced(
    announced: list[int],
    class_x: CareClass,
    client_as: Callable[[str], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = {
        "institution": class_x.institution_id,
        "name": class_x.name,
        "age_band": class_x.age_band,
        "capacity": "9",
        "room_area_m2": "50.0",
        "_save": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("director_x").post(f"/admin/registry/careclass/{class_x.pk}/change/", data)

    assert response.status_code == 302
    assert announced == [class_x.institution_id]
