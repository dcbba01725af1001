"""Findings about children as the regulator reads them: counts and words without a name or a diagnosis, on
the institution file, the findings API and the back office (list, entry, history); the institution's own
director reads the names."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.registry.models import Institution
from tuoyu.rules import Severity
from tuoyu.supervision.models import Finding

pytestmark = pytest.mark.django_db

NAMES = ("吴小满", "陈安安")
SUMMARY = "转诊超过30天未记录结果"


@pytest.fixture
def referral_findings(institution_x: Institution) -> list[Finding]:
    return [
        Finding.objects.create(
            rule_code="HLT-02",
            severity=Severity.WARNING,
            institution=institution_x,
            subject_key=f"child:{index}",
            subject_label=name,
            evidence=f"{name}：转诊（体重低下）超过30天未记录结果",
            summary=SUMMARY,
            about_child=True,
            detected_at=timezone.now(),
        )
        for index, name in enumerate(NAMES)
    ]


def names_in(text: str) -> list[str]:
    return [name for name in (*NAMES, "体重低下") if name in text]


def test_the_regulator_reads_a_count_on_the_institution_file_and_in_the_api(
    referral_findings: list[Finding],
    institution_x: Institution,
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
) -> None:
    page = client_as("regulator_a").get(f"/supervision/institutions/{institution_x.code}/").content.decode()
    rows = api_as("regulator_a").get(f"/api/v1/institutions/{institution_x.code}/findings/").json()["results"]

    assert names_in(page) == []
    assert SUMMARY in page
    assert [(row["subject_label"], row["evidence"], row["children"]) for row in rows] == [
        ("2 children", SUMMARY, 2)
    ]


def test_the_institutions_director_reads_the_names(
    referral_findings: list[Finding], institution_x: Institution, api_as: Callable[[str], APIClient]
) -> None:
    rows = api_as("director_x").get(f"/api/v1/institutions/{institution_x.code}/findings/").json()["results"]

    assert sorted(row["subject_label"] for row in rows) == sorted(NAMES)
    assert all("体重低下" in row["evidence"] for row in rows)


@pytest.mark.parametrize("screen", ["", "{pk}/change/", "{pk}/history/"])
def test_the_back_office_shows_the_regulator_no_name(
    referral_findings: list[Finding], client_as: Callable[[str], Client], screen: str
) -> None:
    url = "/admin/supervision/finding/" + screen.format(pk=referral_findings[0].pk)

    response = client_as("regulator_a").get(url)

    assert response.status_code == 200
    assert names_in(response.content.decode()) == []
    if screen != "{pk}/history/":
        assert SUMMARY in response.content.decode()
