"""Filings to work on: a new institution of district A preparing to open, with its director, a filing of it
that is complete (form, commitment, materials, certified staff) as of a given day, and one submitted; and a
submitted change filing of institution X."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.filings.models import Filing, FilingKind
from tuoyu.filings.services import filing_start, filing_submit
from tuoyu.filings.tests.helpers import NEW_NAME, attach_all, fill_in
from tuoyu.regions.models import Region
from tuoyu.registry.factories import InstitutionFactory, ServiceOfferingFactory
from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.workforce.tests.helpers import hire_certified_team


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded materials go to a directory of the test, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def newcomer(street_a1: Region) -> Institution:
    """An institution of district A preparing to open, not filed yet."""
    institution = InstitutionFactory.create(
        name=NEW_NAME,
        street=street_a1,
        address="甲一街道新苗路8号",
        operating_status=OperatingStatus.PREPARING,
        serves_meals=True,
    )
    ServiceOfferingFactory.create(
        institution=institution, service_type="full_day", price_yuan=Decimal("1800")
    )
    return institution


@pytest.fixture
def director_n(newcomer: Institution) -> User:
    """The director of the newcomer (a persona like those of the root conftest)."""
    user = UserFactory.create(display_name="新苗园长吴", is_staff=True)
    RoleAssignmentFactory.create(user=user, role=Role.DIRECTOR, institution=newcomer)
    return user


@pytest.fixture
def ready_filing(newcomer: Institution, director_n: User) -> Callable[..., Filing]:
    """An initial filing of the newcomer that can be submitted on ``on`` (default: today), 50 places."""

    def make(on: datetime.date | None = None, **changes: Any) -> Filing:
        day = on or timezone.localdate()
        hire_certified_team(newcomer, day)
        filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
        fill_in(director_n, filing, filed_places=changes.pop("filed_places", 50), **changes)
        attach_all(director_n, filing, day)
        return filing

    return make


@pytest.fixture
def submitted(ready_filing: Callable[..., Filing], director_n: User) -> Filing:
    filing = ready_filing()
    filing_submit(actor=director_n, filing=filing)
    filing.refresh_from_db()
    return filing


@pytest.fixture
def filing_of_x(institution_x: Institution, director_x: User) -> Filing:
    """A submitted change filing of X (filed, district A) with its materials."""
    today = timezone.localdate()
    hire_certified_team(institution_x, today)
    filing = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    fill_in(director_x, filing, services={"full_day": Decimal("1800")})
    attach_all(director_x, filing, today)
    filing_submit(actor=director_x, filing=filing)
    filing.refresh_from_db()
    return filing
