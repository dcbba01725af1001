"""The demo district 太白湖新区 reproduces the June 2023 newspaper report, and loading it is idempotent.

Loading it on an empty database is tested in test_seed_demo_first_run.py."""

import io
import json
import re
from base64 import b32decode

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from rest_framework.test import APIClient

from tuoyu.accounts.models import RoleAssignment, User
from tuoyu.demo import district
from tuoyu.demo.management.commands.seed_demo import DEMO_OTP_SECRET
from tuoyu.enterprises.models import Department, Enterprise, Rating, ServiceRequest, ServiceTeam, Visit
from tuoyu.regions.models import Population, Region
from tuoyu.registry.models import (
    CareClass,
    Hospital,
    Institution,
    ProviderModel,
    ProviderTag,
    ServiceOffering,
    ServiceType,
)
from tuoyu.registry.standards import class_cap
from tuoyu.workforce.models import Staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

DISTRICT = "370872"
COUNTED_MODELS: tuple[type[Model], ...] = (
    Region,
    Population,
    Hospital,
    Institution,
    ProviderTag,
    ServiceOffering,
    CareClass,
    Staff,
    User,
    RoleAssignment,
    Enterprise,
    ServiceTeam,
    Department,
    Visit,
    ServiceRequest,
    Rating,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED_MODELS}


def demo_accounts() -> list[dict[str, str | None]]:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    accounts: list[dict[str, str | None]] = json.loads(out.getvalue())
    return accounts


def test_demo_district_figures_match_the_report_through_the_api(anonymous_api: APIClient) -> None:
    body = anonymous_api.get(f"/api/v1/regions/{DISTRICT}/indicators/").json()

    assert body["institutions"] == 14
    assert body["staff"] == 180
    assert body["places"] == 1300
    assert round(body["places_per_1000"], 1) == 7.6


@pytest.mark.parametrize("url", ["/", f"/regions/{DISTRICT}/"])
def test_demo_district_figures_match_the_report_on_the_overview_page(
    anonymous_client: Client, url: str
) -> None:
    html = anonymous_client.get(url).content.decode()

    def figure(key: str) -> str:
        found = re.search(rf'data-figure="{key}">\s*<span class="value">([^<]*)</span>', html)
        assert found, key
        return found.group(1).strip()

    assert "太白湖新区" in html
    assert figure("institutions") == "14"
    assert figure("staff") == "180"
    assert figure("places") == "1,300"
    assert figure("places_per_1000") == "7.6"


def test_seed_demo_twice_changes_nothing() -> None:
    first = row_counts()
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert row_counts() == first
    assert "already loaded" in out.getvalue()
    # 14 operating institutions with 180 staff, and one preparing to open with 4 (not in the figures).
    assert first["Institution"] == 15
    assert first["Staff"] == 184


def test_seed_demo_json_lists_every_demo_account() -> None:
    accounts = demo_accounts()

    assert isinstance(accounts, list)
    for account in accounts:
        second_factor = {"otp_secret"} if account["role"] in ("regulator", "admin") else set()
        assert set(account) == {"persona", "role", "phone", "password", "institution"} | second_factor
    personas = {account["persona"]: account for account in accounts}
    assert {"regulator", "director", "caregiver", "health_worker", "doctor", "guardian"} <= set(personas)
    assert personas["director"]["role"] == "director"
    assert personas["director"]["institution"] == "爱彼宝济宁托育中心"
    assert personas["regulator"]["institution"] is None
    assert personas["regulator"]["otp_secret"] == personas["admin"]["otp_secret"] == DEMO_OTP_SECRET


def test_every_demo_account_can_sign_in_with_the_documented_second_factor() -> None:
    for account in demo_accounts():
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": account["phone"], "password": account["password"]}
        )
        assert response.status_code == 302, account["persona"]
        if "otp_secret" in account:  # the regulator and the administrator: the app's code next
            assert response["Location"] == "/accounts/login/verify/"
            code = f"{totp(b32decode(str(account['otp_secret']))):06d}"
            response = client.post("/accounts/login/verify/", {"code": code})
            assert response.status_code == 302, account["persona"]
        assert client.session[SESSION_KEY] == str(User.objects.get(phone=account["phone"]).pk)
        assert client.get("/accounts/me/").status_code == 200


def test_demo_director_sees_only_her_own_institution(anonymous_client: Client) -> None:
    anonymous_client.force_login(User.objects.get(phone="13800000002"))  # director of 爱彼宝

    html = anonymous_client.get("/manage/institutions/").content.decode()

    assert "爱彼宝济宁托育中心" in html
    assert "万达广场宝贝港湾托育中心" not in html


def test_aibibao_has_four_classes_of_12_to_15_children_in_legal_bands() -> None:
    aibibao = Institution.objects.get(name__contains="爱彼宝")

    classes = list(aibibao.classes.all())

    assert len(classes) == 4
    for care_class in classes:
        assert 12 <= care_class.capacity <= 15
        assert care_class.capacity <= class_cap(care_class.age_band, on=timezone.localdate())
        care_class.full_clean()


def test_medical_integrated_centre_has_two_classes_forty_places_and_a_partner_hospital() -> None:
    (centre,) = Institution.objects.filter(partner_hospital__isnull=False)

    assert "医育结合" in centre.name
    assert centre.classes.count() == 2
    assert centre.filed_places == 40
    assert sum(care_class.capacity for care_class in centre.classes.all()) == 40
    assert centre.partner_hospital is not None
    assert centre.partner_hospital.name == "济宁医学院附属医院"


def test_every_institution_not_in_the_report_says_it_is_invented() -> None:
    reported = Institution.objects.filter(name__contains="爱彼宝") | Institution.objects.filter(
        partner_hospital__isnull=False
    )
    others = Institution.objects.exclude(pk__in=reported.values("pk"))

    assert reported.count() == 2
    assert others.count() == 13  # the twelve invented operating ones and the one preparing to open
    for institution in others:
        assert "演示机构" in institution.description, institution.name
    for institution in reported:
        assert "演示机构" not in institution.description


def test_every_provider_model_and_service_type_appears_at_least_once() -> None:
    assert set(ProviderTag.objects.values_list("model", flat=True)) == set(ProviderModel.values)
    assert set(ServiceOffering.objects.values_list("service_type", flat=True)) == set(ServiceType.values)


def test_every_demo_record_passes_its_own_validation() -> None:
    models: tuple[type[Model], ...] = (
        Region,
        Institution,
        ProviderTag,
        ServiceOffering,
        CareClass,
        Staff,
        RoleAssignment,
    )
    for model in models:
        for row in model._default_manager.all():
            row.full_clean()


def test_demo_institutions_are_all_filed_operating_and_in_the_demo_district(anonymous_api: APIClient) -> None:
    assert Institution.objects.exclude(street__path__startswith="37/3708/370872/").count() == 0
    assert anonymous_api.get("/api/v1/institutions/").json()["count"] == len(district.INSTITUTIONS) == 14
