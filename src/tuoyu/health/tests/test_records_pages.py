"""The children list, a record's front page and its export: what each reader sees, what is logged, and
that no family contact or fee reaches a doctor."""

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tuoyu.accounts.models import User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.factories import ServiceAgreementFactory
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.models import DoctorVisit
from tuoyu.health.tests.records_helpers import (
    CHILD_NAME,
    FAMILY_PHONE,
    PICKUP_PHONE,
    child_x,
    days_ago,
    family,
    full_record,
    measurement,
    other_doctor,
    other_hospital,
    referral,
)
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db

__all__ = ["child_x", "family", "other_doctor", "other_hospital"]  # fixtures used by name

FEE = "2468.00"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# The children list ------------------------------------------------------------------------------------


def test_the_doctor_lists_the_children_of_partner_institutions_by_institution_and_class(
    client_as: Callable[[str], Client], child_x: Child, class_x: CareClass, class_y: CareClass
) -> None:
    at_y = placed_child(class_y, name="月亮班孩子")
    measurement(child_x, zwei=-2.5, classification={"underweight": "moderate", "stunting": "severe"})
    referral(child_x)
    referral(child_x, reason="hearing")
    referral(child_x, closed=True)

    response = client_as("doctor").get(reverse("health:children"))

    assert response.status_code == 200
    [group] = response.context["groups"]
    assert (group.institution.name, group.care_class.name) == ("星星托育园", class_x.name)
    [row] = group.rows
    assert row.child == child_x
    assert row.open_referrals == 2
    assert [f.label for f in row.growth.findings] == ["Moderate underweight", "Severe stunting"]
    html = response.content.decode()
    assert f'data-child="{child_x.code}"' in html
    assert 'data-growth="stunting-severe"' in html
    assert 'data-open-referrals="2"' in html
    assert at_y.name not in html


def test_listing_the_children_with_their_growth_is_a_read_of_each_record(
    client_as: Callable[[str], Client], child_x: Child, doctor: User, family: User
) -> None:
    page(client_as("doctor"), reverse("health:children"))
    page(client_as("family"), reverse("health:children"))

    reads = HealthRecordAccess.objects.filter(child=child_x, view="children_list")
    assert sorted(reads.values_list("user", flat=True)) == sorted([doctor.pk, family.pk])


def test_a_guardian_lists_only_their_own_children_with_where_they_are_cared_for(
    client_as: Callable[[str], Client], child_x: Child, class_x: CareClass
) -> None:
    placed_child(class_x, name="别人家孩子")
    measurement(child_x)

    response = client_as("family").get(reverse("health:children"))

    [row] = response.context["own_rows"]
    assert (row.child, row.institution.name, row.care_class) == (child_x, "星星托育园", class_x)
    assert row.growth.normal
    assert response.context["groups"] == []
    assert "别人家孩子" not in response.content.decode()
    assert 'data-growth="normal"' in response.content.decode()


def test_a_child_never_measured_is_listed_as_not_measured(
    client_as: Callable[[str], Client], child_x: Child
) -> None:
    html = page(client_as("director_x"), reverse("health:children"))

    assert 'data-growth="none"' in html


@pytest.mark.parametrize("persona", ["director_y", "health_worker_x"])
def test_staff_list_only_the_children_of_their_own_institution(
    client_as: Callable[[str], Client], child_x: Child, health_worker_x: User, persona: str
) -> None:
    response = client_as(persona).get(reverse("health:children"))

    listed = [row.child for group in response.context["groups"] for row in group.rows]
    assert listed == ([child_x] if persona == "health_worker_x" else [])


@pytest.mark.parametrize("persona", ["caregiver_x", "regulator_a"])
def test_caregivers_and_regulators_have_no_children_list(
    client_as: Callable[[str], Client], child_x: Child, persona: str
) -> None:
    assert client_as(persona).get(reverse("health:children")).status_code == 404


@pytest.mark.parametrize("persona", ["doctor", "director_x"])
def test_the_children_list_costs_the_same_queries_for_3_or_20_children(
    client_as: Callable[[str], Client], institution_x: Institution, persona: str
) -> None:
    classes = [
        CareClassFactory.create(
            institution=institution_x, name=f"班{i}", age_band=AgeBand.TODDLER, capacity=15
        )
        for i in range(2)
    ]
    client = client_as(persona)

    def queries_with(total: int) -> int:
        while Child.objects.count() < total:
            child = placed_child(classes[Child.objects.count() % 2])
            measurement(child)
            referral(child)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("health:children"))
        assert sum(len(group.rows) for group in response.context["groups"]) == total
        return len(captured)

    assert queries_with(3) == queries_with(20)


# A record's front page -----------------------------------------------------------------------------------


def test_the_front_page_shows_the_child_their_class_the_latest_measurement_and_open_referrals(
    client_as: Callable[[str], Client], child_x: Child, class_x: CareClass
) -> None:
    measurement(child_x, on=days_ago(40), weight_kg=Decimal("10.10"))
    measurement(
        child_x, on=days_ago(5), weight_kg=Decimal("10.90"), zwfl=-2.3, classification={"wasting": "moderate"}
    )
    referral(child_x, detail="体重增长缓慢")
    referral(child_x, detail="已复查关闭", closed=True)

    response = client_as("doctor").get(reverse("health:child", args=[child_x.code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert CHILD_NAME in html
    assert f"{child_x.age_months()} months" in html
    assert class_x.name in html and "星星托育园" in html
    assert "花生过敏" in html
    assert "10.90 kg" in html and "10.10 kg" not in html
    assert 'data-growth="wasting-moderate"' in html
    assert "体重增长缓慢" in html and "已复查关闭" not in html
    for name in ("health:growth", "health:care", "health:child_export"):
        assert reverse(name, args=[child_x.code]) in html


def test_opening_the_front_page_is_logged_as_an_overview_read_on_a_page(
    client_as: Callable[[str], Client], child_x: Child, doctor: User
) -> None:
    url = reverse("health:child", args=[child_x.code])

    page(client_as("doctor"), url)
    page(client_as("doctor"), url)

    entries = HealthRecordAccess.objects.order_by("pk")
    assert [(e.user, e.child, e.child_name, e.view, e.channel) for e in entries] == [
        (doctor, child_x, CHILD_NAME, "overview", AccessChannel.PAGE)
    ] * 2


@pytest.mark.parametrize(
    ("persona", "sees_contacts"),
    [("family", True), ("director_x", True), ("health_worker_x", True), ("doctor", False)],
)
def test_family_contacts_reach_the_family_and_the_institution_never_the_doctor(
    client_as: Callable[[str], Client], child_x: Child, persona: str, sees_contacts: bool
) -> None:
    ServiceAgreementFactory.create(
        placement=child_x.placements.get(), items=[{"label": "保育费", "price_yuan": FEE}]
    )

    html = page(client_as(persona), reverse("health:child", args=[child_x.code]))

    assert (FAMILY_PHONE in html) == sees_contacts
    assert ("data-family-contacts" in html) == sees_contacts
    assert PICKUP_PHONE not in html
    assert FEE not in html and "2468" not in html


def test_the_front_page_lists_the_doctors_visits_that_saw_the_child(
    client_as: Callable[[str], Client], child_x: Child, institution_x: Institution, doctor: User
) -> None:
    visit = DoctorVisit.objects.create(
        institution=institution_x, doctor=doctor, visited_on=days_ago(2), summary="检查口腔卫生"
    )
    visit.children.add(child_x)

    html = page(client_as("family"), reverse("health:child", args=[child_x.code]))

    assert "检查口腔卫生" in html and doctor.display_name in html


def test_the_front_page_of_a_child_not_in_care_says_so(
    client_as: Callable[[str], Client], child_x: Child
) -> None:
    child_x.placements.update(start_date=days_ago(100), ends_on=days_ago(1))

    html = page(client_as("family"), reverse("health:child", args=[child_x.code]))

    assert "Not in care at an institution now." in html


# The export ---------------------------------------------------------------------------------------------


def test_the_export_holds_the_whole_record_as_json_and_is_logged_as_an_export(
    client_as: Callable[[str], Client],
    child_x: Child,
    institution_x: Institution,
    health_worker_x: User,
    doctor: User,
) -> None:
    full_record(child_x, institution_x, health_worker_x)
    visit = DoctorVisit.objects.create(
        institution=institution_x, doctor=doctor, visited_on=days_ago(1), summary="巡诊：体格检查"
    )
    visit.children.add(child_x)

    response = client_as("doctor").get(reverse("health:child_export", args=[child_x.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="health-record-{child_x.code}.json"'
    data = json.loads(response.content)
    assert data["child"]["name"] == CHILD_NAME and data["child"]["allergies"] == "花生过敏"
    [m] = data["measurements"]
    assert m["z_scores"]["wfa"] == -2.4 and m["classification"]["underweight"] == "moderate"
    assert (m["standard"], m["bands"]) == ("who2006", {})  # written as WHO's, the values say so
    assert m["weight_kg"] == 11.2
    assert data["examinations"][0]["haemoglobin_g_l"] == 118
    assert data["development_screenings"][0]["checkpoint_months"] == 18
    assert data["referrals"][0]["detail"] == "体重增长缓慢"
    assert data["immunisation_checks"][0]["complete"] is True
    [diagnosis] = data["diagnoses"]
    assert diagnosis["disease"]["code"] == "hfmd"
    assert diagnosis["return_certificate"]["issued_by"] == "甲区人民医院"
    assert data["doctor_visits"][0]["summary"] == "巡诊：体格检查"
    text = response.content.decode()
    assert FAMILY_PHONE not in text and PICKUP_PHONE not in text
    entry = HealthRecordAccess.objects.get()
    assert (entry.user, entry.child, entry.view, entry.channel) == (doctor, child_x, "export", "export")


def test_the_family_page_links_each_child_to_their_health_record(
    client_as: Callable[[str], Client], child_x: Child
) -> None:
    html = page(client_as("family"), reverse("enrolment:family"))

    assert f'href="{reverse("health:child", args=[child_x.code])}" data-health-record' in html
