"""Identity numbers are masked on every screen and export, for everyone, and in the audit log; the staff
member's own director may reveal one, and the reveal is logged."""

import io
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.test import Client
from openpyxl import load_workbook

from tuoyu.accounts.identity import mask_identity_number, validate_identity_number
from tuoyu.accounts.models import User
from tuoyu.workforce.models import Staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["regulator_a", "director_x"])
def test_the_back_office_staff_page_shows_the_number_masked(
    client_as: Callable[[str], Client], staff_x: Staff, persona: str
) -> None:
    page = client_as(persona).get(f"/admin/workforce/staff/{staff_x.pk}/change/").content.decode()
    listing = client_as(persona).get("/admin/workforce/staff/").content.decode()

    assert staff_x.id_number not in page
    assert staff_x.id_number not in listing
    assert mask_identity_number(staff_x.id_number) in page


def test_a_director_still_saves_the_staff_page_without_the_number(
    client_as: Callable[[str], Client], staff_x: Staff
) -> None:
    client = client_as("director_x")
    page = client.get(f"/admin/workforce/staff/{staff_x.pk}/change/").content.decode()

    assert 'name="id_number"' not in page


def test_a_new_staff_member_in_the_back_office_is_given_a_number(client_as: Callable[[str], Client]) -> None:
    page = client_as("director_x").get("/admin/workforce/staff/add/").content.decode()

    assert 'name="id_number"' in page


def test_the_audit_log_keeps_identity_numbers_masked(staff_x: Staff) -> None:
    entry = LogEntry.objects.get_for_object(staff_x).get(action=LogEntry.Action.CREATE)

    assert staff_x.id_number not in str(entry.changes)
    assert staff_x.id_number not in entry.changes_text
    assert staff_x.id_number not in str(LogEntry.objects.values_list("changes", flat=True)[::1])


def test_every_audited_model_masks_its_identity_numbers() -> None:
    for model in auditlog.get_models():
        identity_fields = {
            field.name
            for field in model._meta.concrete_fields
            if validate_identity_number in getattr(field, "validators", [])
        }
        masked = set(auditlog.get_model_fields(model)["mask_fields"])
        assert identity_fields <= masked, model


def test_the_director_reveals_a_number_and_the_reveal_is_logged(
    client_as: Callable[[str], Client], staff_x: Staff, director_x: User
) -> None:
    response = client_as("director_x").post(f"/workforce/staff/{staff_x.code}/identity-number/")

    assert response.status_code == 200
    assert staff_x.id_number in response.content.decode()
    entry = LogEntry.objects.get_for_object(staff_x).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == director_x


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "director_y", "guardian"])
def test_nobody_else_may_reveal_a_number(
    client_as: Callable[[str], Client], staff_x: Staff, persona: str
) -> None:
    response = client_as(persona).post(f"/workforce/staff/{staff_x.code}/identity-number/")

    assert response.status_code == 404
    assert staff_x.id_number not in response.content.decode()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_staff_pages_and_export_show_the_number_masked(
    client_as: Callable[[str], Client], staff_x: Staff, institution_x: object
) -> None:
    client = client_as("director_x")
    detail = client.get(f"/workforce/staff/{staff_x.code}/").content.decode()
    export = client.get(f"/workforce/staff-export.xlsx?institution={institution_x.code}")  # type: ignore[attr-defined]

    cells = [
        str(cell)
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert staff_x.id_number not in detail
    assert mask_identity_number(staff_x.id_number) in cells
    assert staff_x.id_number not in cells


def test_the_guardians_data_download_masks_identity_numbers(
    api_as: Callable[[str], object], guardian: User
) -> None:
    from tuoyu.enrolment.factories import ChildFactory, GuardianshipFactory

    child = ChildFactory.create()
    GuardianshipFactory.create(child=child, user=guardian)

    body = api_as("guardian").get(f"/api/v1/children/{child.code}/export/").content.decode()  # type: ignore[attr-defined]

    assert child.identity_number not in body
    assert mask_identity_number(child.identity_number) in body
