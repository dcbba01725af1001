"""The back office follows the same roles as every other page, and some fields stay the regulator's."""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.registry.models import Institution


@pytest.mark.django_db
def test_caregiver_with_the_staff_flag_still_gets_no_back_office(
    caregiver_x: User, institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    caregiver_x.is_staff = True
    caregiver_x.save()
    client = client_as("caregiver_x")
    assert client.get(f"/admin/registry/institution/{institution_x.pk}/change/").status_code == 404
    assert client.get("/admin/registry/careclass/").status_code == 404


@pytest.mark.django_db
def test_director_without_the_staff_flag_sees_no_back_office_link(
    director_x: User, client_as: Callable[[str], Client]
) -> None:
    director_x.is_staff = False
    director_x.save()
    page = client_as("director_x").get("/").content.decode()
    assert 'data-nav="admin"' not in page


@pytest.mark.django_db
def test_director_cannot_move_their_institution_or_change_its_regulatory_fields(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    page = (
        client_as("director_x")
        .get(f"/admin/registry/institution/{institution_x.pk}/change/")
        .content.decode()
    )
    for field in ("street", "partner_hospital", "operating_status", "credit_code", "filed_places"):
        assert f'name="{field}"' not in page, field
    assert 'name="opening_hours"' in page


@pytest.mark.django_db
def test_token_endpoint_slows_down_password_guessing_across_accounts(director_x: User) -> None:
    client = APIClient()
    responses = [
        client.post("/api/v1/auth/token/", {"phone": f"1390000{n:04d}", "password": "wrong"}, format="json")
        for n in range(11)
    ]

    assert [r.status_code for r in responses[:10]] == [400] * 10
    assert responses[10].status_code == 429
    assert responses[10].json()["code"] == "throttled"
    assert int(responses[10]["Retry-After"]) > 0
