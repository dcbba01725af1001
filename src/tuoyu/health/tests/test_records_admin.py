"""The health back office: read-only, scoped like the pages, opening a record entry is a logged read, and
the access log cannot be changed or deleted by anyone."""

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.enrolment.models import RECORD_VIEW_LABELS, AccessChannel, Child, HealthRecordAccess
from tuoyu.health.admin import ReadOnlyAdmin
from tuoyu.health.models import Disease, OutbreakReport, OutbreakTrigger
from tuoyu.health.services.access import health_record_read
from tuoyu.health.tests.records_helpers import CHILD_NAME, child_x, family, measurement
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db

__all__ = ["child_x", "family"]  # fixtures used by name

MEASUREMENTS = "/admin/health/measurement/"
ACCESS_LOG = "/admin/enrolment/healthrecordaccess/"


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory.create(display_name="系统管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def entry(child_x: Child, doctor: User) -> HealthRecordAccess:
    health_record_read(doctor, child_x, view="overview", channel=AccessChannel.PAGE)
    return HealthRecordAccess.objects.get()


def test_a_director_lists_the_measurements_of_their_childrens_records(
    client_as: Callable[[str], Client], child_x: Child, director_x: User, director_y: User
) -> None:
    measurement(child_x)

    own = client_as("director_x").get(MEASUREMENTS)
    other = client_as("director_y").get(MEASUREMENTS)

    assert [m.child for m in own.context["cl"].result_list] == [child_x]
    assert list(other.context["cl"].result_list) == []
    assert CHILD_NAME not in other.content.decode()


def test_opening_a_record_entry_in_the_back_office_is_a_logged_read(
    client_as: Callable[[str], Client], child_x: Child, director_x: User
) -> None:
    entry = measurement(child_x)

    response = client_as("director_x").get(f"{MEASUREMENTS}{entry.pk}/change/")

    assert response.status_code == 200
    log = HealthRecordAccess.objects.get()
    assert (log.user, log.child, log.view, log.channel) == (
        director_x,
        child_x,
        "back office: measurement",
        AccessChannel.PAGE,
    )


def test_a_record_entry_outside_the_scope_is_not_found_and_not_logged(
    client_as: Callable[[str], Client], child_x: Child, director_y: User
) -> None:
    entry = measurement(child_x)

    assert client_as("director_y").get(f"{MEASUREMENTS}{entry.pk}/change/").status_code == 404
    assert not HealthRecordAccess.objects.exists()


def test_record_entries_are_not_changed_in_the_back_office(
    client_as: Callable[[str], Client], child_x: Child, director_x: User
) -> None:
    entry = measurement(child_x)
    client = client_as("director_x")

    changed = client.post(f"{MEASUREMENTS}{entry.pk}/change/", {"weight_kg": "99.00"})
    added = client.get(f"{MEASUREMENTS}add/")

    assert (changed.status_code, added.status_code) == (404, 404)
    entry.refresh_from_db()
    assert str(entry.weight_kg) == "11.20"


def test_a_regulator_reads_no_individual_record_in_the_back_office(
    client_as: Callable[[str], Client], child_x: Child, regulator_a: User
) -> None:
    measurement(child_x)
    client = client_as("regulator_a")

    assert client.get(MEASUREMENTS).status_code == 404
    assert MEASUREMENTS not in client.get("/admin/").content.decode()


def test_the_regulator_audits_the_access_log_of_their_district_only(
    client_as: Callable[[str], Client], entry: HealthRecordAccess, regulator_a: User, regulator_b: User
) -> None:
    mine = client_as("regulator_a").get(ACCESS_LOG)
    theirs = client_as("regulator_b").get(ACCESS_LOG)

    assert list(mine.context["cl"].result_list) == [entry]
    assert list(theirs.context["cl"].result_list) == []
    assert client_as("regulator_b").get(f"{ACCESS_LOG}{entry.pk}/change/").status_code == 404


@pytest.mark.parametrize("persona", ["regulator_a", "superuser"])
def test_nobody_changes_adds_or_deletes_an_access_log_entry(
    client_as: Callable[[str], Client], entry: HealthRecordAccess, persona: str, superuser: User
) -> None:
    client = client_as(persona)

    assert client.get(f"{ACCESS_LOG}{entry.pk}/change/").status_code == 200  # read-only view
    changed = client.post(f"{ACCESS_LOG}{entry.pk}/change/", {"view": "改写", "child_name": "改写"})
    deleted = client.post(f"{ACCESS_LOG}{entry.pk}/delete/", {"post": "yes"})
    added = client.get(f"{ACCESS_LOG}add/")
    bulk = client.post(
        ACCESS_LOG, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    assert (changed.status_code, deleted.status_code, added.status_code) == (404, 404, 404)
    assert bulk.status_code in (200, 302)
    assert HealthRecordAccess.objects.count() == 1
    entry.refresh_from_db()
    assert (entry.view, entry.child_name) == ("overview", CHILD_NAME)


def fever_outbreak(institution: Institution) -> OutbreakReport:
    today = timezone.localdate()
    return OutbreakReport.objects.create(
        institution=institution,
        trigger=OutbreakTrigger.SAME_DAY,
        symptom="fever",
        first_day=today,
        last_day=today,
        case_count=3,
        due_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("persona", "sees"), [("regulator_a", True), ("regulator_b", False), ("director_x", True)]
)
def test_outbreaks_are_listed_for_whoever_watches_them_there(
    client_as: Callable[[str], Client], institution_x: Institution, persona: str, sees: bool
) -> None:
    outbreak = fever_outbreak(institution_x)

    response = client_as(persona).get("/admin/health/outbreakreport/")

    assert (list(response.context["cl"].result_list) == [outbreak]) == sees


def test_the_disease_table_is_changed_by_superusers_only(
    client_as: Callable[[str], Client], regulator_a: User, superuser: User
) -> None:
    disease, _created = Disease.objects.get_or_create(
        code="hfmd", defaults={"name": "手足口病", "exclusion_days": 14}
    )
    url = f"/admin/health/disease/{disease.pk}/change/"

    regulator = client_as("regulator_a").post(url, {"name": "改名", "exclusion_days": 1, "window_days": 7})

    assert client_as("regulator_a").get("/admin/health/disease/").status_code == 200
    assert regulator.status_code == 404
    assert client_as("superuser").get(url).context["has_change_permission"] is True


def test_opening_an_outbreak_report_in_the_back_office_is_a_read_of_each_case(
    client_as: Callable[[str], Client], institution_x: Institution, child_x: Child, regulator_a: User
) -> None:
    outbreak = fever_outbreak(institution_x)
    outbreak.cases.add(child_x)

    response = client_as("regulator_a").get(f"/admin/health/outbreakreport/{outbreak.pk}/change/")

    assert response.status_code == 200
    log = HealthRecordAccess.objects.get()
    assert (log.user, log.child, log.view_label) == (regulator_a, child_x, "Back office: outbreak reports")


def test_every_back_office_screen_of_health_records_names_its_reads_for_the_auditor() -> None:
    logging_screens = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ReadOnlyAdmin)
        and type(model_admin).children_shown is not ReadOnlyAdmin.children_shown
    ]

    assert len(logging_screens) == 8
    assert [
        screen._view_name for screen in logging_screens if screen._view_name not in RECORD_VIEW_LABELS
    ] == []
