"""The district's figures (region_indicators), the overview page and the indicators API."""

import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.insights.selectors import INDICATORS_FRESH_FOR, region_indicators
from tuoyu.regions.factories import PopulationFactory
from tuoyu.regions.models import Region
from tuoyu.registry.factories import FiledInstitutionFactory, InstitutionFactory, ProviderTagFactory
from tuoyu.registry.models import Institution, OperatingStatus, ProviderModel
from tuoyu.workforce.factories import StaffFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 30)
API_KEYS = {
    "institutions",
    "staff",
    "places",
    "population",
    "places_per_1000",
    "inclusive_places",
    "classes",
    "by_provider_model",
}


@pytest.fixture
def district_a_world(
    district_a: Region, street_a1: Region, street_a2: Region, street_b1: Region
) -> dict[str, Institution]:
    """District A on 2025-06-30 (7,000 residents):

    counted      X  filed 2024-06-01, 60 places, inclusive since 2024-01-01, community + public
                 Y  filed 2024-06-01, 40 places, inclusive only from 2025-09-01, community
                 U  not filed (30 places written down anyway), employer-run
                 W  filed only on 2025-12-01, 25 places
    not counted  S  filed, 50 places, but suspended; community-embedded
                 P  filed, preparing to open
                 B  filed, operating, 70 places, in district B
    """
    PopulationFactory.create(region=district_a, year=2025, residents=7_000)
    filed = datetime.date(2024, 6, 1)
    world = {
        "X": FiledInstitutionFactory.create(
            street=street_a1,
            filed_on=filed,
            filed_places=60,
            inclusive_recognized_on=datetime.date(2024, 1, 1),
        ),
        "Y": FiledInstitutionFactory.create(
            street=street_a2,
            filed_on=filed,
            filed_places=40,
            inclusive_recognized_on=datetime.date(2025, 9, 1),
        ),
        "U": InstitutionFactory.create(street=street_a1, filed_places=30),
        "W": FiledInstitutionFactory.create(
            street=street_a2, filed_on=datetime.date(2025, 12, 1), filed_places=25
        ),
        "S": FiledInstitutionFactory.create(
            street=street_a1, filed_on=filed, filed_places=50, operating_status=OperatingStatus.SUSPENDED
        ),
        "P": FiledInstitutionFactory.create(
            street=street_a1, filed_on=filed, filed_places=20, operating_status=OperatingStatus.PREPARING
        ),
        "B": FiledInstitutionFactory.create(street=street_b1, filed_on=filed, filed_places=70),
    }
    for key, model in [("X", "community"), ("X", "public"), ("Y", "community"), ("U", "employer")]:
        ProviderTagFactory.create(institution=world[key], model=model)
    ProviderTagFactory.create(institution=world["S"], model="community")
    ProviderTagFactory.create(institution=world["B"], model="home_based")
    return world


def figure(html: str, key: str) -> str:
    """The value shown in the overview's ``data-figure`` box."""
    found = re.search(rf'data-figure="{key}">\s*<span class="value">([^<]*)</span>', html)
    assert found, f"no figure {key}"
    return found.group(1).strip()


def test_indicators_count_only_operating_institutions_below_the_region(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    indicators = region_indicators(district_a, ON)

    assert indicators.institutions == 4  # X, Y, U, W
    assert indicators.filed_institutions == 2  # X, Y (W filed after the date)


def test_indicators_of_a_street_count_only_that_street(
    street_a1: Region, street_a2: Region, district_a_world: dict[str, Institution]
) -> None:
    assert region_indicators(street_a1, ON).institutions == 2  # X, U
    assert region_indicators(street_a2, ON).institutions == 2  # Y, W
    assert region_indicators(street_a1, ON).places == 60


def test_indicators_do_not_count_a_region_whose_code_merely_starts_alike(district_a: Region) -> None:
    lookalike = Region.objects.create(
        code="9901011", name="相似编码区", level=Region.Level.DISTRICT, path="9901011/"
    )
    FiledInstitutionFactory.create(street=lookalike)

    assert region_indicators(district_a, ON).institutions == 0


def test_indicators_count_staff_employed_on_the_date(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    x, u = district_a_world["X"], district_a_world["U"]
    StaffFactory.create(institution=x, employed_from=datetime.date(2023, 1, 1))
    StaffFactory.create(institution=x, employed_from=ON, employed_until=ON)  # one day: counted
    StaffFactory.create(institution=u, employed_from=datetime.date(2024, 1, 1))  # unfiled but operating
    StaffFactory.create(  # left before the date
        institution=x, employed_from=datetime.date(2023, 1, 1), employed_until=datetime.date(2025, 6, 29)
    )
    StaffFactory.create(institution=x, employed_from=datetime.date(2025, 7, 1))  # starts after the date
    StaffFactory.create(institution=district_a_world["S"], employed_from=datetime.date(2023, 1, 1))
    StaffFactory.create(institution=district_a_world["B"], employed_from=datetime.date(2023, 1, 1))

    assert region_indicators(district_a, ON).staff == 3


def test_indicators_count_places_of_institutions_filed_by_the_date_only(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    indicators = region_indicators(district_a, ON)

    assert indicators.places == 100  # X 60 + Y 40; not U (unfiled), W (filed later), S, P, B
    assert region_indicators(district_a, datetime.date(2025, 12, 1)).places == 125


def test_places_per_1000_is_unrounded(district_a: Region, district_a_world: dict[str, Institution]) -> None:
    indicators = region_indicators(district_a, ON)

    assert indicators.population == 7_000
    assert indicators.places_per_1000 == 100 / 7_000 * 1_000  # 14.285714...
    assert indicators.places_per_1000 != round(indicators.places_per_1000, 1)


def test_indicators_use_the_latest_population_up_to_the_year_of_the_date(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    PopulationFactory.create(region=district_a, year=2024, residents=5_000)
    PopulationFactory.create(region=district_a, year=2026, residents=10_000)

    indicators = region_indicators(district_a, ON)

    assert (indicators.population, indicators.population_year) == (7_000, 2025)


def test_inclusive_places_count_only_institutions_recognised_by_the_date(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    assert region_indicators(district_a, ON).inclusive_places == 60  # X; Y only from 2025-09-01
    assert region_indicators(district_a, datetime.date(2025, 9, 1)).inclusive_places == 100
    assert region_indicators(district_a, datetime.date(2023, 12, 31)).inclusive_places == 0


def test_inclusive_share_is_inclusive_places_over_places(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    assert region_indicators(district_a, ON).inclusive_share == 0.6


def test_by_provider_model_counts_operating_institutions_per_model(
    district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    by_model = region_indicators(district_a, ON).by_provider_model

    assert set(by_model) == set(ProviderModel.values)
    assert by_model["community"] == 2  # X and Y; not the suspended S
    assert by_model["public"] == 1
    assert by_model["employer"] == 1
    assert by_model["home_based"] == 0  # only in district B
    assert sum(by_model.values()) == 4


def test_region_without_population_has_no_places_per_1000(district_b: Region, street_b1: Region) -> None:
    FiledInstitutionFactory.create(street=street_b1, filed_places=70)

    indicators = region_indicators(district_b, ON)

    assert indicators.population is None
    assert indicators.places == 70
    assert indicators.places_per_1000 is None


def test_region_with_no_institution_has_zero_figures(district_b: Region) -> None:
    indicators = region_indicators(district_b, ON)

    assert (indicators.institutions, indicators.places, indicators.staff, indicators.classes) == (0, 0, 0, 0)
    assert indicators.inclusive_share is None


def test_overview_page_of_region_without_population_says_it_cannot_compute_places_per_1000(
    anonymous_client: Client, district_b: Region, street_b1: Region
) -> None:
    FiledInstitutionFactory.create(street=street_b1, filed_places=70)

    response = anonymous_client.get("/regions/990102/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "No population recorded: places per 1,000 residents cannot be computed." in html
    assert figure(html, "places_per_1000") == "—"
    assert figure(html, "places") == "70"
    assert response.context["indicators"].places_per_1000 is None


def test_overview_page_shows_places_per_1000_to_one_decimal(
    anonymous_client: Client, district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    response = anonymous_client.get("/regions/990101/")

    html = response.content.decode()
    assert figure(html, "places_per_1000") == "17.9"  # today: 125 places / 7,000 residents = 17.857...
    assert figure(html, "places") == "125"
    assert "No population recorded" not in html


@override_settings(TUOYU_HOME_REGION_CODE="990101")
def test_home_page_shows_the_configured_region(anonymous_client: Client, district_a: Region) -> None:
    response = anonymous_client.get("/")

    assert response.status_code == 200
    assert response.context["indicators"].region == district_a


def test_home_page_without_the_configured_region_explains_how_to_load_one(anonymous_client: Client) -> None:
    response = anonymous_client.get("/")

    assert response.status_code == 200
    assert "seed_demo" in response.content.decode()


def test_overview_page_of_unknown_region_is_404(anonymous_client: Client) -> None:
    assert anonymous_client.get("/regions/000000/").status_code == 404


def test_indicators_api_returns_the_figures_of_today(
    anonymous_api: APIClient, district_a: Region, district_a_world: dict[str, Institution]
) -> None:
    response = anonymous_api.get("/api/v1/regions/990101/indicators/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= API_KEYS
    expected = region_indicators(district_a, timezone.localdate())
    assert body["institutions"] == expected.institutions == 4
    assert body["staff"] == expected.staff
    assert body["places"] == expected.places == 125
    assert body["population"] == 7_000
    assert body["places_per_1000"] == 125 / 7_000 * 1_000
    assert body["inclusive_places"] == expected.inclusive_places == 100
    assert body["classes"] == expected.classes
    assert body["by_provider_model"] == expected.by_provider_model
    assert body["region"] == "990101"


def test_indicators_api_gives_null_places_per_1000_without_population(
    anonymous_api: APIClient, district_b: Region
) -> None:
    body = anonymous_api.get("/api/v1/regions/990102/indicators/").json()

    assert body["population"] is None
    assert body["places_per_1000"] is None


@pytest.mark.parametrize("code", ["000000", "not-a-code", "99010"])
def test_indicators_api_of_unknown_region_is_404(
    anonymous_api: APIClient, district_a: Region, code: str
) -> None:
    assert anonymous_api.get(f"/api/v1/regions/{code}/indicators/").status_code == 404


def test_indicators_api_is_public_and_signed_in_users_get_the_same(
    anonymous_api: APIClient, api_as: Callable[[str], APIClient], district_a_world: dict[str, Institution]
) -> None:
    anonymous = anonymous_api.get("/api/v1/regions/990101/indicators/").json()
    regulator = api_as("regulator_a").get("/api/v1/regions/990101/indicators/").json()

    assert anonymous == regulator


@pytest.mark.clock("2026-03-02T10:00:00+08:00")  # not near midnight: the figures are kept per day
def test_published_figures_are_counted_again_once_they_are_five_minutes_old(
    anonymous_api: APIClient,
    district_a: Region,
    street_a1: Region,
    district_a_world: dict[str, Institution],
    clock: time_machine.Traveller,
) -> None:
    before = anonymous_api.get("/api/v1/regions/990101/indicators/").json()["institutions"]
    FiledInstitutionFactory.create(street=street_a1)

    clock.shift(datetime.timedelta(seconds=INDICATORS_FRESH_FOR - 30))
    still = anonymous_api.get("/api/v1/regions/990101/indicators/").json()["institutions"]
    clock.shift(datetime.timedelta(seconds=31))
    after = anonymous_api.get("/api/v1/regions/990101/indicators/").json()["institutions"]

    assert (before, still, after) == (4, 4, 5)
