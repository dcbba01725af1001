"""The finder shows a signed-in guardian the vacancies of the age bands that fit their children (or the child
they choose), not every band; a visitor keeps seeing every band. Page and API.

星星托育园 has a younger-toddler class (12-24 months) and an older-toddler class (24-36 months).
"""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.finder import finder_fit
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import raw_child
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db


@pytest.fixture
def star(institution_x: Institution, class_x: CareClass) -> Institution:
    assert class_x.age_band == AgeBand.PRESCHOOL
    CareClassFactory.create(institution=institution_x, name="托小班", age_band=AgeBand.TODDLER, capacity=15)
    return institution_x


def months(child: Child) -> int:
    return child.age_months()


def bands_of(api: APIClient, **query: str) -> list[str]:
    (row,) = api.get("/api/v1/institutions/", query).json()["results"]
    return [vacancy["age_band"] for vacancy in row["vacancies"]]


def test_a_visitor_sees_every_band(star: Institution, anonymous_api: APIClient) -> None:
    assert bands_of(anonymous_api) == ["toddler", "preschool"]


def test_a_guardian_sees_the_band_that_fits_the_child(
    star: Institution, guardian: User, api_as: Callable[[str], APIClient]
) -> None:
    young = raw_child(guardian, name="赵小萌", months=15)
    assert 12 <= months(young) < 24

    assert bands_of(api_as("guardian")) == ["toddler"]


def test_with_two_children_each_childs_band_and_a_chosen_child_only_its_own(
    star: Institution, guardian: User, api_as: Callable[[str], APIClient]
) -> None:
    raw_child(guardian, name="赵小萌", months=15)
    older = raw_child(guardian, name="赵大萌", months=30)

    assert bands_of(api_as("guardian")) == ["toddler", "preschool"]
    assert bands_of(api_as("guardian"), child=str(older.code)) == ["preschool"]


def test_someone_elses_child_is_ignored(star: Institution, guardian: User, caregiver_x: User) -> None:
    child = raw_child(caregiver_x, name="钱小宝", months=15)
    raw_child(guardian, name="赵大萌", months=30)

    fit = finder_fit(guardian, str(child.code))

    assert fit.chosen is None and fit.bands == ["preschool", "mixed"]


def test_a_guardian_without_children_or_whose_child_no_class_fits_sees_every_band(
    star: Institution, guardian: User, api_as: Callable[[str], APIClient]
) -> None:
    assert bands_of(api_as("guardian")) == ["toddler", "preschool"]
    raw_child(guardian, name="赵小小", months=3)
    assert bands_of(api_as("guardian")) == ["toddler", "preschool"]


def test_the_page_shows_the_fitting_band_and_offers_the_choice_of_child(
    star: Institution, guardian: User, client_as: Callable[[str], Client], anonymous_client: Client
) -> None:
    young = raw_child(guardian, name="赵小萌", months=15)

    page = client_as("guardian").get("/institutions/").content.decode()
    assert 'data-band="toddler"' in page and 'data-band="preschool"' not in page
    assert f'<option value="{young.code}">赵小萌</option>' in page

    chosen = client_as("guardian").get("/institutions/", {"child": str(young.code)}).content.decode()
    assert f'<option value="{young.code}" selected>' in chosen

    public = anonymous_client.get("/institutions/").content.decode()
    assert 'data-band="toddler"' in public and 'data-band="preschool"' in public
    assert "data-finder-child" not in public
