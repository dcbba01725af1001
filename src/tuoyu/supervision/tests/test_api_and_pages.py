"""The rules catalogue (public, page and API), the findings API and the institution file: who sees what."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from tuoyu.registry.models import Institution
from tuoyu.rules import RULES
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import StaffRole

pytestmark = pytest.mark.django_db

RULE_CODES = [
    "CLS-01",
    "PLC-01",
    "FIL-01",
    "STF-01",
    "STF-02",
    "STF-03",
    "STF-04",
    "STF-06",
    "STF-07",
    "ENR-01",
    "ENR-02",
    "ENR-03",
    "ENR-04",
    "ENR-05",
    "ENR-06",
    "STF-05",
    "DAY-01",
    "DAY-02",
    "DAY-03",
    "DAY-04",
    "DAY-05",
    "DAY-06",
    "DAY-07",
    "DAY-11",
    "DAY-08",
    "DAY-09",
    "DAY-10",
    "HLT-01",
    "HLT-02",
    "HLT-03",
    "HLT-04",
    "OUT-01",
    "FEE-01",
]


def test_rules_api_lists_every_rule_with_code_title_source_and_severity(anonymous_api: APIClient) -> None:
    response = anonymous_api.get("/api/v1/rules/")

    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body] == RULE_CODES
    for row in body:
        rule = RULES[row["code"]]
        assert {"code", "title", "source", "severity"} <= set(row)
        assert row["title"] == rule.title_en  # the client asked for English
        assert (row["title_zh"], row["source"], row["severity"], row["refused_with"]) == (
            rule.title_zh,
            rule.source,
            rule.severity,
            list(rule.refused_with),
        )
    refused_when_recorded = {row["code"]: row["refused_with"] for row in body if row["refused_with"]}
    assert refused_when_recorded["STF-07"] == ["staff_not_employed", "health_certificate_missing"]
    assert {row["severity"] for row in body if row["refused_with"]} == {"block"}


def test_rules_api_gives_chinese_titles_to_a_chinese_client(anonymous_api: APIClient) -> None:
    body = anonymous_api.get("/api/v1/rules/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert [row["title"] for row in body] == [RULES[code].title_zh for code in RULE_CODES]


def test_rules_page_is_public_and_shows_every_rules_source(anonymous_client: Client) -> None:
    response = anonymous_client.get("/rules/")

    assert response.status_code == 200
    html = response.content.decode()
    for code, rule in RULES.items():
        assert f'<tr data-rule="{code}">' in html
        assert rule.source in html, code
        assert escape(rule.title_en) in html, code


@pytest.fixture
def findings_of_x(institution_x: Institution, institution_y: Institution) -> list[Finding]:
    """X has a caregiver without certificates and no director or health worker; Y's problems are its own."""
    StaffFactory.create(institution=institution_x, name="赵无证", role=StaffRole.CAREGIVER)
    findings_refresh(institution=institution_x)
    findings_refresh(institution=institution_y)
    return list(Finding.objects.filter(institution=institution_x, resolved_at=None))


@pytest.mark.parametrize("persona", ["regulator_a", "director_x"])
def test_regulator_and_own_director_get_the_open_findings_of_x(
    findings_of_x: list[Finding], institution_x: Institution, api_as: Callable[[str], APIClient], persona: str
) -> None:
    response = api_as(persona).get(f"/api/v1/institutions/{institution_x.code}/findings/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(row["rule_code"] for row in rows) == ["STF-01", "STF-02", "STF-03"]
    assert sorted(row["rule_code"] for row in rows) == sorted(f.rule_code for f in findings_of_x)
    staff_row = next(row for row in rows if row["rule_code"] == "STF-03")
    assert staff_row["subject_label"] == "赵无证"
    assert staff_row["rule_title"] == RULES["STF-03"].title_en
    assert {"severity", "evidence", "detected_at"} <= set(staff_row)


def test_findings_api_leaves_out_resolved_findings(
    findings_of_x: list[Finding], institution_x: Institution, api_as: Callable[[str], APIClient]
) -> None:
    Finding.objects.filter(rule_code="STF-02").update(resolved_at=timezone.now())

    rows = api_as("regulator_a").get(f"/api/v1/institutions/{institution_x.code}/findings/").json()["results"]

    assert sorted(row["rule_code"] for row in rows) == ["STF-01", "STF-03"]


@pytest.mark.parametrize(
    "persona", ["director_y", "regulator_b", "caregiver_x", "health_worker_x", "doctor", "guardian"]
)
def test_findings_api_of_x_is_404_for_everyone_else(
    findings_of_x: list[Finding], institution_x: Institution, api_as: Callable[[str], APIClient], persona: str
) -> None:
    response = api_as(persona).get(f"/api/v1/institutions/{institution_x.code}/findings/")

    assert response.status_code == 404
    assert "赵无证" not in response.content.decode()


def test_findings_api_asks_anonymous_to_authenticate(
    findings_of_x: list[Finding], institution_x: Institution, anonymous_api: APIClient
) -> None:
    response = anonymous_api.get(f"/api/v1/institutions/{institution_x.code}/findings/")

    assert response.status_code in (401, 403)
    assert "赵无证" not in response.content.decode()


def test_findings_api_works_with_a_token(
    findings_of_x: list[Finding], institution_x: Institution, token_api_as: Callable[[str], APIClient]
) -> None:
    assert (
        token_api_as("director_x").get(f"/api/v1/institutions/{institution_x.code}/findings/").status_code
        == 200
    )
    assert (
        token_api_as("director_y").get(f"/api/v1/institutions/{institution_x.code}/findings/").status_code
        == 404
    )


def test_institution_file_lists_the_open_findings_with_their_rule_and_source(
    findings_of_x: list[Finding], institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    response = client_as("regulator_a").get(f"/supervision/institutions/{institution_x.code}/")

    assert response.status_code == 200
    html = response.content.decode()
    for finding in findings_of_x:
        assert f'data-rule="{finding.rule_code}"' in html
        assert RULES[finding.rule_code].source in html
    assert "赵无证" in html


def test_institution_file_shows_staff_without_their_identity_number(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    person = StaffFactory.create(
        institution=institution_x, name="孙在岗", employed_from=datetime.date(2024, 1, 1)
    )

    html = client_as("director_x").get(f"/supervision/institutions/{institution_x.code}/").content.decode()

    assert "孙在岗" in html
    assert person.id_number not in html


@pytest.mark.parametrize("persona", ["director_y", "regulator_b", "caregiver_x", "doctor", "guardian"])
def test_institution_file_of_x_is_404_for_outsiders(
    findings_of_x: list[Finding], institution_x: Institution, client_as: Callable[[str], Client], persona: str
) -> None:
    response = client_as(persona).get(f"/supervision/institutions/{institution_x.code}/")

    assert response.status_code == 404
    assert "赵无证" not in response.content.decode()


def test_findings_keep_their_rule_title_in_each_language(
    findings_of_x: list[Finding], institution_x: Institution, api_as: Callable[[str], APIClient]
) -> None:
    client: Any = api_as("regulator_a")
    rows = client.get(
        f"/api/v1/institutions/{institution_x.code}/findings/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()["results"]

    assert {row["rule_title"] for row in rows} == {
        RULES[code].title_zh for code in ("STF-01", "STF-02", "STF-03")
    }
