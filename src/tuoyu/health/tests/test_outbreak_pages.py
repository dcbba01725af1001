"""The outbreak-watch pages, called as every persona: the district's regulator sees every active outbreak of
the district with its deadline (and the children's names, not their families), the institution records
diagnoses, certificates, reports, resolutions and quarantines; everyone else gets a plain 404.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Symptom
from tuoyu.enrolment.models import Child, HealthRecordAccess
from tuoyu.health.models import ClassQuarantine, Diagnosis, OutbreakReport, ReturnCertificate
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import (
    _english,
    children,
    cluster_opened,
    days_ago,
    diagnose,
    kids,
    outbreak,
    sms_outbox,
    today,
)
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db

__all__ = ["_english", "kids", "outbreak", "sms_outbox"]  # fixtures used by name

ClientAs = Callable[[str], Client]
OUTSIDERS = ["caregiver_x", "doctor", "guardian"]


def outbreak_in(care_class: CareClass, *, prefix: str, hours_ago: int = 1) -> OutbreakReport:
    return cluster_opened(
        care_class, children(care_class, 3, prefix=prefix), Symptom.GASTRO, hours_ago=hours_ago
    )


def listed(response: Any) -> str:
    return response.content.decode()


# The list -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("regulator_a", True),
        ("director_x", True),
        ("health_worker_x", True),
        ("regulator_b", False),
        ("director_y", False),
    ],
)
def test_the_list_shows_the_outbreaks_each_watcher_may_see(
    outbreak: OutbreakReport, client_as: ClientAs, persona: str, sees: bool
) -> None:
    response = client_as(persona).get("/health/outbreaks/")

    assert response.status_code == 200
    assert (f'data-outbreak="{outbreak.pk}"' in listed(response)) is sees


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_people_who_do_not_watch_outbreaks_get_404(
    outbreak: OutbreakReport, client_as: ClientAs, persona: str
) -> None:
    for url in ("/health/outbreaks/", f"/health/outbreaks/{outbreak.pk}/", "/health/outbreaks/excluded/"):
        assert client_as(persona).get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(outbreak: OutbreakReport, client_as: ClientAs) -> None:
    response = client_as("anonymous").get(f"/health/outbreaks/{outbreak.pk}/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_regulator_sees_the_deadline_counting_down(outbreak: OutbreakReport, client_as: ClientAs) -> None:
    page = listed(client_as("regulator_a").get("/health/outbreaks/"))

    assert 'data-status="due"' in page and 'data-hours-left="13"' in page
    assert "Due in 13 h" in page
    assert timezone.localtime(outbreak.due_at).strftime("%Y-%m-%d %H:%M") in page
    assert "星星托育园" in page and "Fever" in page


def test_an_overdue_report_is_marked_and_listed_before_the_others(
    outbreak: OutbreakReport, class_y: CareClass, client_as: ClientAs
) -> None:
    late = outbreak_in(class_y, prefix="月亮宝", hours_ago=30)

    page = listed(client_as("regulator_a").get("/health/outbreaks/"))

    assert page.index(f'data-outbreak="{late.pk}"') < page.index(f'data-outbreak="{outbreak.pk}"')
    assert 'data-status="overdue"' in page and "Overdue" in page


def test_resolved_outbreaks_are_listed_apart(
    outbreak: OutbreakReport, health_worker_x: User, client_as: ClientAs
) -> None:
    services.outbreak_report_submit(outbreak=outbreak, report="已报告", by=health_worker_x)
    services.outbreak_resolve(outbreak=outbreak, resolution="已结案", by=health_worker_x)

    page = listed(client_as("regulator_a").get("/health/outbreaks/"))

    assert 'id="no-active-outbreak"' in page
    assert 'id="resolved-outbreaks"' in page and f'data-outbreak="{outbreak.pk}"' in page


def test_the_list_costs_the_same_queries_for_one_or_many_outbreaks(
    outbreak: OutbreakReport, institution_x: Institution, client_as: ClientAs
) -> None:
    client = client_as("regulator_a")
    client.get("/health/outbreaks/")
    with CaptureQueriesContext(connection) as one:
        client.get("/health/outbreaks/")
    for number in range(3):
        care_class = CareClassFactory.create(
            institution=institution_x, name=f"班{number}", age_band=AgeBand.PRESCHOOL, capacity=20
        )
        outbreak_in(care_class, prefix=f"班{number}宝")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/health/outbreaks/")

    assert listed(response).count("data-outbreak=") == 4
    assert len(many) == len(one)


# One outbreak ---------------------------------------------------------------------------------------------


def test_the_regulator_reads_the_cases_with_names_but_no_family_contacts(
    outbreak: OutbreakReport, kids: list[Child], regulator_a: User, client_as: ClientAs
) -> None:
    response = client_as("regulator_a").get(f"/health/outbreaks/{outbreak.pk}/")

    page = listed(response)
    assert response.status_code == 200
    for child in kids:
        assert child.name in page
        for guardianship in child.guardianships.select_related("user"):
            assert guardianship.user.phone not in page
    assert f'data-day="{today().isoformat()}"' in page
    assert 'id="report-form"' not in page and 'id="quarantine-form"' not in page
    reads = HealthRecordAccess.objects.filter(user=regulator_a, view="outbreak", channel="page")
    assert {read.child for read in reads} == set(kids)


@pytest.mark.parametrize("persona", ["regulator_b", "director_y", *OUTSIDERS])
def test_an_outbreak_elsewhere_is_404_and_nothing_is_logged(
    outbreak: OutbreakReport, client_as: ClientAs, persona: str
) -> None:
    assert client_as(persona).get(f"/health/outbreaks/{outbreak.pk}/").status_code == 404
    assert not HealthRecordAccess.objects.exists()


def test_the_health_worker_reports_then_resolves_through_the_page(
    outbreak: OutbreakReport, client_as: ClientAs, health_worker_x: User
) -> None:
    client = client_as("health_worker_x")
    page = listed(client.get(f"/health/outbreaks/{outbreak.pk}/"))
    assert 'id="report-form"' in page and 'id="resolve-form"' not in page

    response = client.post(f"/health/outbreaks/{outbreak.pk}/report/", {"report": "已电话报告区疾控中心"})
    assert response.status_code == 302 and response["Location"] == f"/health/outbreaks/{outbreak.pk}/"
    outbreak.refresh_from_db()
    assert outbreak.report == "已电话报告区疾控中心" and outbreak.reported_by == health_worker_x

    page = listed(client.get(f"/health/outbreaks/{outbreak.pk}/"))
    assert 'id="resolve-form"' in page and 'id="report-text"' in page
    client.post(f"/health/outbreaks/{outbreak.pk}/resolve/", {"resolution": "无新发病例"})
    outbreak.refresh_from_db()
    assert outbreak.resolution == "无新发病例" and not outbreak.is_active


def test_a_refused_report_shows_the_reason_and_writes_nothing(
    outbreak: OutbreakReport, client_as: ClientAs
) -> None:
    client = client_as("director_x")

    response = client.post(f"/health/outbreaks/{outbreak.pk}/resolve/", {"resolution": "结案"}, follow=True)

    assert "Submit the report before resolving the outbreak." in listed(response)
    outbreak.refresh_from_db()
    assert outbreak.resolved_at is None


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "director_y"])
def test_only_the_institution_may_post_the_report(
    outbreak: OutbreakReport, client_as: ClientAs, persona: str
) -> None:
    response = client_as(persona).post(f"/health/outbreaks/{outbreak.pk}/report/", {"report": "报告"})

    assert response.status_code == 404
    outbreak.refresh_from_db()
    assert outbreak.reported_at is None


def test_the_class_is_put_in_quarantine_from_the_outbreak(
    outbreak: OutbreakReport, class_x: CareClass, client_as: ClientAs
) -> None:
    client = client_as("health_worker_x")
    page = listed(client.get(f"/health/outbreaks/{outbreak.pk}/"))
    assert 'id="quarantine-form"' in page
    suggested = today() + datetime.timedelta(days=6)  # 7 days, the last one included
    assert f'name="ends_on" value="{suggested.isoformat()}"' in page
    until = today() + datetime.timedelta(days=7)

    response = client.post(
        f"/health/outbreaks/classes/{class_x.code}/quarantine/",
        {"starts_on": today(), "ends_on": until, "reason": "发热聚集，医学观察", "outbreak": outbreak.pk},
    )

    assert response["Location"] == f"/health/outbreaks/{outbreak.pk}/"
    quarantine = ClassQuarantine.objects.get()
    assert (quarantine.care_class, quarantine.outbreak, quarantine.ends_on) == (class_x, outbreak, until)
    assert "发热聚集，医学观察" in listed(client.get(f"/health/outbreaks/{outbreak.pk}/"))


def test_a_regulator_cannot_put_a_class_in_quarantine(
    outbreak: OutbreakReport, class_x: CareClass, client_as: ClientAs
) -> None:
    response = client_as("regulator_a").post(
        f"/health/outbreaks/classes/{class_x.code}/quarantine/",
        {"starts_on": today(), "ends_on": today(), "reason": "观察"},
    )

    assert response.status_code == 404 and not ClassQuarantine.objects.exists()


# A class, diagnoses, certificates, the excluded children --------------------------------------------------


def test_the_class_page_shows_who_is_excluded_and_the_quarantine(
    class_x: CareClass, kids: list[Child], health_worker_x: User, client_as: ClientAs
) -> None:
    diagnose(kids[0], "hfmd", health_worker_x)
    services.quarantine_record(
        care_class=class_x, starts_on=today(), ends_on=today(), reason="医学观察", by=health_worker_x
    )

    page = listed(client_as("health_worker_x").get(f"/health/outbreaks/classes/{class_x.code}/"))

    assert f'data-child="{kids[0].name}" data-excluded="true"' in page
    assert f'data-child="{kids[1].name}" data-excluded="false"' in page
    assert f'data-quarantine-until="{today().isoformat()}"' in page


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "doctor", "director_y"])
def test_the_class_page_is_the_institutions(class_x: CareClass, client_as: ClientAs, persona: str) -> None:
    assert client_as(persona).get(f"/health/outbreaks/classes/{class_x.code}/").status_code == 404


def test_the_health_worker_records_a_diagnosis_and_returns_to_the_outbreak(
    outbreak: OutbreakReport, kids: list[Child], health_worker_x: User, client_as: ClientAs
) -> None:
    client = client_as("health_worker_x")
    url = f"/health/outbreaks/children/{kids[0].code}/diagnosis/"
    back = f"/health/outbreaks/{outbreak.pk}/"
    form = client.get(url, {"next": back})
    assert form.status_code == 200
    assert f'name="onset_on" value="{today().isoformat()}"' in listed(form)  # the date picker reads ISO dates

    response = client.post(
        url,
        {
            "disease": "influenza",
            "status": "confirmed",
            "onset_on": days_ago(1),
            "diagnosed_on": today(),
            "next": back,
        },
    )

    assert response.status_code == 302 and response["Location"] == back
    diagnosis = Diagnosis.objects.get()
    assert (diagnosis.child, diagnosis.disease.code, diagnosis.excluded_until) == (
        kids[0],
        "influenza",
        days_ago(1) + datetime.timedelta(days=3),
    )
    assert (
        HealthRecordAccess.objects.filter(user=health_worker_x, child=kids[0], view="diagnosis_add").count()
        == 2
    )


def test_a_diagnosis_never_sends_the_user_to_another_site(
    kids: list[Child], class_x: CareClass, client_as: ClientAs
) -> None:
    response = client_as("director_x").post(
        f"/health/outbreaks/children/{kids[0].code}/diagnosis/",
        {
            "disease": "varicella",
            "status": "suspected",
            "onset_on": today(),
            "diagnosed_on": today(),
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == f"/health/outbreaks/classes/{class_x.code}/"


def test_a_refused_diagnosis_shows_the_reason_and_writes_nothing(
    kids: list[Child], client_as: ClientAs
) -> None:
    tomorrow = today() + datetime.timedelta(days=1)
    response = client_as("health_worker_x").post(
        f"/health/outbreaks/children/{kids[0].code}/diagnosis/",
        {"disease": "hfmd", "status": "confirmed", "onset_on": tomorrow, "diagnosed_on": tomorrow},
    )

    assert response.status_code == 200
    assert "The onset cannot be in the future." in listed(response)
    assert not Diagnosis.objects.exists()


@pytest.mark.parametrize("persona", ["doctor", "director_y", "caregiver_x", "regulator_a", "guardian"])
def test_only_the_institution_opens_the_diagnosis_form_and_nothing_is_logged(
    kids: list[Child], client_as: ClientAs, persona: str
) -> None:
    assert client_as(persona).get(f"/health/outbreaks/children/{kids[0].code}/diagnosis/").status_code == 404
    assert not HealthRecordAccess.objects.exists()


def test_the_health_worker_checks_a_return_certificate_through_the_page(
    kids: list[Child], health_worker_x: User, client_as: ClientAs
) -> None:
    diagnosis = diagnose(kids[0], "measles", health_worker_x, onset_on=days_ago(10))
    client = client_as("health_worker_x")
    excluded = listed(client.get("/health/outbreaks/excluded/"))
    assert f'data-diagnosis="{diagnosis.pk}"' in excluded and "麻疹" in excluded

    url = f"/health/outbreaks/diagnoses/{diagnosis.pk}/return-certificate/"
    assert 'id="certificate-form"' in listed(client.get(url))
    response = client.post(url, {"issued_by": "甲区人民医院", "issued_on": today()})

    assert response["Location"] == "/health/outbreaks/excluded/"
    assert ReturnCertificate.objects.get().diagnosis == diagnosis
    assert 'id="certificate-checked"' in listed(client.get(url))
    assert f'data-diagnosis="{diagnosis.pk}"' not in listed(client.get("/health/outbreaks/excluded/"))


def test_a_certificate_before_the_exclusion_ends_is_refused_on_the_page(
    kids: list[Child], health_worker_x: User, client_as: ClientAs
) -> None:
    diagnosis = diagnose(kids[0], "hfmd", health_worker_x)

    response = client_as("health_worker_x").post(
        f"/health/outbreaks/diagnoses/{diagnosis.pk}/return-certificate/",
        {"issued_by": "医院", "issued_on": today()},
    )

    assert response.status_code == 200 and "before the exclusion" in listed(response)
    assert not ReturnCertificate.objects.exists()


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "doctor", "director_y"])
def test_certificates_and_the_excluded_list_are_the_institutions(
    kids: list[Child], health_worker_x: User, client_as: ClientAs, persona: str
) -> None:
    diagnosis = diagnose(kids[0], "hfmd", health_worker_x)
    client = client_as(persona)

    assert client.get(f"/health/outbreaks/diagnoses/{diagnosis.pk}/return-certificate/").status_code == 404
    response = client.get("/health/outbreaks/excluded/")
    if persona == "director_y":  # records health at another institution: sees only its own children
        assert response.status_code == 200 and f'data-diagnosis="{diagnosis.pk}"' not in listed(response)
    else:
        assert response.status_code == 404
