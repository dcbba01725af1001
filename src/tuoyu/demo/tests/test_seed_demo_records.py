"""The demo's daily records: certificates (a few expiring, one expired), filings in each state, training —
and the district's figures still those of the report."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.personas import signed_in_client
from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.supervision.models import Finding
from tuoyu.workforce.models import Certificate, CertificateType, Staff, TrainingSession, valid_on
from tuoyu.workforce.selectors import certificates_expiring, certification_of

pytestmark = pytest.mark.django_db

DISTRICT = "370872"
REGULATOR = "13800000001"


@pytest.fixture
def demo(seeded_demo: str) -> None:
    """The demo district, loaded once for this module (these tests only read it)."""


@pytest.mark.usefixtures("demo")
def test_district_figures_still_match_the_report_and_one_person_is_not_certified(
    anonymous_api: APIClient,
) -> None:
    body = anonymous_api.get(f"/api/v1/regions/{DISTRICT}/indicators/").json()

    assert (body["institutions"], body["staff"], body["places"]) == (14, 180, 1300)
    assert round(body["places_per_1000"], 1) == 7.6
    assert body["certified_staff"] == 179
    assert body["certified_share"] == 179 / 180
    assert body["certified_share"] < 1


@pytest.mark.usefixtures("demo")
def test_overview_page_shows_the_certified_staff(anonymous_client: Client) -> None:
    html = anonymous_client.get(f"/regions/{DISTRICT}/").content.decode()

    found = re.search(r'data-figure="certified_share">([^<]*)</span>', html)
    assert found
    assert found.group(1).strip() == "179 fully certified (99%)"


@pytest.mark.usefixtures("demo")
def test_exactly_one_person_has_an_expired_health_certificate_and_no_valid_one() -> None:
    today = timezone.localdate()
    uncertified = [status for status in certification_of(Staff.objects.all(), today) if not status.certified]

    assert [status.missing for status in uncertified] == [frozenset({CertificateType.HEALTH})]
    person = uncertified[0].staff
    assert Certificate.objects.filter(
        staff=person, certificate_type=CertificateType.HEALTH, expires_on__lt=today
    ).exists()
    assert not person.certificates.filter(valid_on(today), certificate_type=CertificateType.HEALTH).exists()


@pytest.mark.usefixtures("demo")
def test_some_certificates_expire_within_45_days_for_the_regulator() -> None:
    today = timezone.localdate()
    expiring = list(certificates_expiring(User.objects.get(phone=REGULATOR), on=today))

    assert len(expiring) >= 2
    for certificate in expiring:
        assert certificate.expires_on is not None
        assert today <= certificate.expires_on <= today + datetime.timedelta(days=45)


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_filing_awaiting_review_and_a_returned_one_with_its_reasons() -> None:
    awaiting = Filing.objects.filter(state=FilingState.SUBMITTED)
    returned = Filing.objects.filter(state=FilingState.RETURNED)

    assert awaiting.count() >= 1
    assert all(filing.versions.exists() for filing in awaiting)
    assert returned.count() >= 1
    assert all(filing.return_reasons.filter(version=filing.version).exists() for filing in returned)
    approved = Filing.objects.filter(state=FilingState.APPROVED)
    assert approved.filter(kind=FilingKind.INITIAL).count() == 14  # each listed institution's
    # The two inclusive institutions that added places this year (their construction subsidies).
    assert approved.filter(kind=FilingKind.CHANGE).count() == 2


@pytest.mark.usefixtures("demo")
def test_the_regulator_sees_the_filing_awaiting_review_in_the_queue() -> None:
    client = signed_in_client(User.objects.get(phone=REGULATOR))

    queue = client.get("/filings/").context["queue"]

    assert [filing.state for filing, _overdue in queue] == [FilingState.SUBMITTED] * len(queue)
    assert len(queue) >= 1


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_training_session_with_attendance() -> None:
    sessions = TrainingSession.objects.all()

    assert sessions.count() >= 1
    assert any(session.enrolments.filter(attended=True).exists() for session in sessions)


@pytest.mark.usefixtures("demo")
def test_the_demo_findings_include_the_expired_certificate() -> None:
    assert Finding.objects.filter(rule_code="STF-03", resolved_at=None).count() == 1
