"""Certified staff (持证上岗) among the district's figures: selector, API and overview page."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.insights.selectors import region_indicators
from tuoyu.regions.models import Region
from tuoyu.registry.factories import FiledInstitutionFactory
from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import CertificateType, Staff
from tuoyu.workforce.tests.helpers import certify

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 30)


@pytest.fixture
def staffed(
    institution_x: Institution, institution_y: Institution, institution_z: Institution, street_a1: Region
) -> Callable[[datetime.date], list[Staff]]:
    """District A on ``on``: X has 3 certified staff and 1 without a caregiver certificate, Y 1 certified
    and 1 whose health certificate lapsed; a suspended institution of A and Z of B have certified staff."""

    def make(on: datetime.date) -> list[Staff]:
        issued = on - datetime.timedelta(days=30)
        suspended = FiledInstitutionFactory.create(
            street=street_a1, operating_status=OperatingStatus.SUSPENDED
        )
        counted = []
        for institution, certified, missing in [(institution_x, 3, 1), (institution_y, 1, 1)]:
            for _ in range(certified):
                person = StaffFactory.create(institution=institution)
                certify(person, issued_on=issued)
                counted.append(person)
            for _ in range(missing):
                person = StaffFactory.create(institution=institution)
                if institution == institution_x:
                    certify(person, issued_on=issued, except_types=(CertificateType.CAREGIVER,))
                else:
                    certify(person, issued_on=on - datetime.timedelta(days=400))  # health lapsed
                counted.append(person)
        for institution in (suspended, institution_z):
            certify(StaffFactory.create(institution=institution), issued_on=issued)
        return counted

    return make


def test_certified_staff_counts_people_with_every_required_certificate_on_the_day(
    district_a: Region, staffed: Callable[[datetime.date], list[Staff]]
) -> None:
    staffed(ON)

    indicators = region_indicators(district_a, ON)

    assert (indicators.staff, indicators.certified_staff) == (6, 4)
    assert indicators.certified_share == 4 / 6


def test_certified_share_follows_the_day(
    district_a: Region, staffed: Callable[[datetime.date], list[Staff]]
) -> None:
    staffed(ON)

    # Two months before, only the person whose health certificate has lapsed since held valid ones.
    assert region_indicators(district_a, ON - datetime.timedelta(days=60)).certified_staff == 1
    assert region_indicators(district_a, ON - datetime.timedelta(days=401)).certified_staff == 0
    assert region_indicators(district_a, ON).certified_staff == 4


def test_certified_share_is_none_without_staff(district_b: Region) -> None:
    indicators = region_indicators(district_b, ON)

    assert (indicators.staff, indicators.certified_staff, indicators.certified_share) == (0, 0, None)


def test_indicators_api_reports_certified_staff_and_share(
    district_a: Region, staffed: Callable[[datetime.date], list[Staff]], anonymous_api: APIClient
) -> None:
    staffed(timezone.localdate())

    body = anonymous_api.get("/api/v1/regions/990101/indicators/").json()

    assert (body["staff"], body["certified_staff"], body["certified_share"]) == (6, 4, 4 / 6)


def test_indicators_api_gives_null_certified_share_without_staff(
    district_b: Region, anonymous_api: APIClient
) -> None:
    body = anonymous_api.get("/api/v1/regions/990102/indicators/").json()

    assert (body["certified_staff"], body["certified_share"]) == (0, None)


def test_overview_page_shows_how_many_staff_are_fully_certified(
    district_a: Region, staffed: Callable[[datetime.date], list[Staff]], anonymous_client: Client
) -> None:
    staffed(timezone.localdate())

    html = anonymous_client.get("/regions/990101/").content.decode()

    found = re.search(r'data-figure="certified_share">([^<]*)</span>', html)
    assert found, "no certified_share figure"
    assert found.group(1).strip() == "4 fully certified (67%)"


def test_overview_page_without_staff_shows_no_certified_share(
    district_b: Region, anonymous_client: Client
) -> None:
    html = anonymous_client.get("/regions/990102/").content.decode()

    assert 'data-figure="certified_share"' not in html
