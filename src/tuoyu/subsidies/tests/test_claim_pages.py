"""The pages: the director's claims, the regulator's queue, a decision and its letter; outsiders 404."""

from collections.abc import Callable

import pytest
from django.test import Client

from tuoyu.accounts.models import User
from tuoyu.registry.models import CareClass, Institution
from tuoyu.subsidies.models import Claim, ClaimState, Decision, SubsidyPolicy
from tuoyu.subsidies.services.claims import claim_prepare
from tuoyu.subsidies.tests.conftest import OCTOBER, Attend, Place, october_days

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


@pytest.fixture
def claim(class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend) -> Claim:
    attend(place(class_x, name="周甲"), october_days(12))
    return claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)


def test_the_director_submits_and_the_regulator_decides_through_the_pages(
    client_as: ClientAs, claim: Claim, budget: None
) -> None:
    director, regulator = client_as("director_x"), client_as("regulator_a")
    page = director.get(f"/subsidies/claims/{claim.code}/")
    assert page.status_code == 200 and "周甲" in page.content.decode() and "¥300.00" in page.content.decode()
    assert "2026-10-01" in page.content.decode()  # the dates, on demand

    director.post(f"/subsidies/claims/{claim.code}/submit/", {"remarks": "十月", "confirm": "on"})
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED
    queue = regulator.get("/subsidies/claims/")
    assert claim.institution.name in queue.content.decode()

    response = regulator.post(f"/subsidies/claims/{claim.code}/decide/", {"note": ""})
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/decisions/{decision.code}/"
    assert decision.number in director.get(f"/subsidies/decisions/{decision.code}/").content.decode()
    letter = director.get(f"/subsidies/decisions/{decision.code}/letter.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", ["director_y", "caregiver_x", "guardian", "regulator_b"])
def test_outsiders_get_404(client_as: ClientAs, claim: Claim, persona: str) -> None:
    assert client_as(persona).get(f"/subsidies/claims/{claim.code}/").status_code == 404


@pytest.mark.parametrize("persona", ["caregiver_x", "guardian"])
def test_the_list_is_for_directors_and_regulators(client_as: ClientAs, persona: str) -> None:
    assert client_as(persona).get("/subsidies/claims/").status_code == 404


def test_a_director_of_an_institution_that_may_not_claim_reads_why(
    client_as: ClientAs, institution_y: Institution, policy: SubsidyPolicy, director_y: User
) -> None:
    page = client_as("director_y").get("/subsidies/claims/")

    assert "not recognised as inclusive" in page.content.decode()
