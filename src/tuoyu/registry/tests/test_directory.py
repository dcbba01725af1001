"""The public directory (page /institutions/ and API /api/v1/institutions/): filters and what it hides."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region
from tuoyu.registry.factories import (
    CareClassFactory,
    FiledInstitutionFactory,
    InstitutionFactory,
    ProviderTagFactory,
    ServiceOfferingFactory,
    StreetFactory,
)
from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.registry.standards import AgeBand
from tuoyu.registry.views import MANAGE_PAGE_SIZE
from tuoyu.workforce.models import Staff

pytestmark = pytest.mark.django_db

X, Y = "星星托育园", "月亮托育园"


@pytest.fixture
def two_listed(institution_x: Institution, institution_y: Institution) -> tuple[Institution, Institution]:
    """X: street A1, full-day, community-embedded, inclusive, medical-integrated, an older-toddler class.
    Y: street A2, hourly, employer-run, neither inclusive nor medical-integrated, an infant class."""
    ServiceOfferingFactory.create(institution=institution_x, service_type="full_day")
    ProviderTagFactory.create(institution=institution_x, model="community")
    CareClassFactory.create(institution=institution_x, age_band=AgeBand.PRESCHOOL, capacity=20)
    ServiceOfferingFactory.create(
        institution=institution_y, service_type="hourly", price_yuan=Decimal(40), price_unit="hour"
    )
    ProviderTagFactory.create(institution=institution_y, model="employer")
    CareClassFactory.create(institution=institution_y, age_band=AgeBand.INFANT, capacity=10)
    return institution_x, institution_y


# (query, institutions that match, institutions that do not)
FILTERS = [
    pytest.param({"street": "990101001"}, [X], [Y], id="street"),
    pytest.param({"street": "990101002"}, [Y], [X], id="street-other"),
    pytest.param({"service_type": "full_day"}, [X], [Y], id="service_type"),
    pytest.param({"service_type": "hourly"}, [Y], [X], id="service_type-other"),
    pytest.param({"service_type": "parent_child"}, [], [X, Y], id="service_type-none"),
    pytest.param({"provider_model": "community"}, [X], [Y], id="provider_model"),
    pytest.param({"provider_model": "employer"}, [Y], [X], id="provider_model-other"),
    pytest.param({"inclusive": "true"}, [X], [Y], id="inclusive"),
    pytest.param({"inclusive": "false"}, [Y], [X], id="not-inclusive"),
    pytest.param({"medical_integrated": "true"}, [X], [Y], id="medical_integrated"),
    pytest.param({"medical_integrated": "false"}, [Y], [X], id="not-medical_integrated"),
    pytest.param({"age_band": "preschool"}, [X], [Y], id="age_band"),
    pytest.param({"age_band": "infant"}, [Y], [X], id="age_band-other"),
    pytest.param({"inclusive": "true", "street": "990101002"}, [], [X, Y], id="combined"),
    pytest.param({}, [X, Y], [], id="no-filter"),
]


@pytest.mark.usefixtures("two_listed")
@pytest.mark.parametrize(("query", "included", "excluded"), FILTERS)
def test_directory_page_filter_includes_and_excludes_the_right_institutions(
    anonymous_client: Client, query: dict[str, str], included: list[str], excluded: list[str]
) -> None:
    response = anonymous_client.get("/institutions/", query)

    assert response.status_code == 200
    listed = [institution.name for institution in response.context["page"].object_list]
    assert sorted(listed) == sorted(included)
    html = response.content.decode()
    for name in included:
        assert name in html
    for name in excluded:
        assert name not in html


@pytest.mark.usefixtures("two_listed")
@pytest.mark.parametrize(("query", "included", "excluded"), FILTERS)
def test_directory_api_filter_includes_and_excludes_the_right_institutions(
    anonymous_api: APIClient, query: dict[str, str], included: list[str], excluded: list[str]
) -> None:
    response = anonymous_api.get("/api/v1/institutions/", query)

    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert sorted(names) == sorted(included)
    assert response.json()["count"] == len(included)


@pytest.mark.usefixtures("two_listed")
def test_directory_filter_by_service_lists_an_institution_once_even_with_several_matching_rows(
    anonymous_api: APIClient, institution_x: Institution
) -> None:
    CareClassFactory.create(institution=institution_x, age_band=AgeBand.PRESCHOOL, capacity=18)

    response = anonymous_api.get("/api/v1/institutions/", {"age_band": "preschool"})

    assert [row["name"] for row in response.json()["results"]] == [X]


def test_directory_api_reports_tags_of_the_institution(
    anonymous_api: APIClient, two_listed: tuple[Institution, Institution]
) -> None:
    response = anonymous_api.get("/api/v1/institutions/", {"street": "990101001"})

    (row,) = response.json()["results"]
    assert row["inclusive"] is True
    assert row["medical_integrated"] is True
    assert row["partner_hospital"] == "甲区人民医院"
    assert row["provider_models"] == ["community"]
    assert [s["service_type"] for s in row["services"]] == ["full_day"]
    assert row["street_code"] == "990101001"


@pytest.fixture
def hidden(street_a1: Region) -> list[Institution]:
    """Institutions the public must not see: not filed, or filed but not operating."""
    return [
        InstitutionFactory.create(name="未备案托育园", street=street_a1, filed_places=30),
        FiledInstitutionFactory.create(
            name="筹备中托育园", street=street_a1, operating_status=OperatingStatus.PREPARING
        ),
        FiledInstitutionFactory.create(
            name="停业托育园", street=street_a1, operating_status=OperatingStatus.SUSPENDED
        ),
        FiledInstitutionFactory.create(
            name="关闭托育园", street=street_a1, operating_status=OperatingStatus.CLOSED
        ),
    ]


@pytest.mark.usefixtures("institution_x")
def test_directory_page_never_lists_unfiled_or_non_operating_institutions(
    anonymous_client: Client, hidden: list[Institution]
) -> None:
    response = anonymous_client.get("/institutions/")

    html = response.content.decode()
    assert X in html
    for institution in hidden:
        assert institution.name not in html
    assert response.context["page"].paginator.count == 1


@pytest.mark.usefixtures("institution_x")
def test_directory_api_never_lists_unfiled_or_non_operating_institutions(
    anonymous_api: APIClient, hidden: list[Institution]
) -> None:
    response = anonymous_api.get("/api/v1/institutions/")

    assert [row["name"] for row in response.json()["results"]] == [X]


@pytest.mark.usefixtures("institution_x")
def test_directory_filters_do_not_reveal_hidden_institutions(
    anonymous_api: APIClient, hidden: list[Institution]
) -> None:
    for institution in hidden:
        ServiceOfferingFactory.create(institution=institution, service_type="temporary")

    response = anonymous_api.get("/api/v1/institutions/", {"service_type": "temporary"})

    assert response.json()["results"] == []


def test_public_detail_page_of_filed_operating_institution_shows_it(
    anonymous_client: Client, institution_x: Institution
) -> None:
    response = anonymous_client.get(f"/institutions/{institution_x.code}/")

    assert response.status_code == 200
    assert X in response.content.decode()


def test_public_detail_page_of_unfiled_or_non_operating_institution_is_404(
    anonymous_client: Client, hidden: list[Institution]
) -> None:
    for institution in hidden:
        assert anonymous_client.get(f"/institutions/{institution.code}/").status_code == 404


def test_public_detail_api_of_unfiled_or_non_operating_institution_is_404(
    anonymous_api: APIClient, hidden: list[Institution]
) -> None:
    for institution in hidden:
        assert anonymous_api.get(f"/api/v1/institutions/{institution.code}/").status_code == 404


def test_public_detail_of_unfiled_institution_is_404_even_for_its_regulator(
    client_as: Callable[[str], Client], hidden: list[Institution]
) -> None:
    client = client_as("regulator_a")

    assert client.get(f"/institutions/{hidden[0].code}/").status_code == 404


def test_public_detail_of_unknown_code_is_404(anonymous_client: Client, anonymous_api: APIClient) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"

    assert anonymous_client.get(f"/institutions/{unknown}/").status_code == 404
    assert anonymous_api.get(f"/api/v1/institutions/{unknown}/").status_code == 404


def test_public_api_never_exposes_staff_names(
    anonymous_api: APIClient, institution_x: Institution, staff_x: Staff
) -> None:
    director = Staff.objects.create(
        institution=institution_x, name="园长吴静", role="director", employed_from=datetime.date(2023, 1, 1)
    )

    listing = anonymous_api.get("/api/v1/institutions/")
    detail = anonymous_api.get(f"/api/v1/institutions/{institution_x.code}/")

    for response in (listing, detail):
        assert response.status_code == 200
        body = response.content.decode()
        assert staff_x.name not in body
        assert director.name not in body
        assert "staff" not in body
    assert X in detail.content.decode()


def test_public_pages_never_show_staff_names(
    anonymous_client: Client, institution_x: Institution, staff_x: Staff
) -> None:
    for url in ("/institutions/", f"/institutions/{institution_x.code}/"):
        body = anonymous_client.get(url).content.decode()
        assert X in body
        assert staff_x.name not in body


# Districts first, then their streets ---------------------------------------------------------------------


def options(html: str, name: str) -> list[str]:
    """The values of the options of the select ``name`` in the page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return re.findall(r'<option value="([^"]*)"', select.group(0))


@pytest.fixture
def province(district_a: Region, district_b: Region) -> Region:
    """Districts A and B in a city of a province, with many more streets of another city's district."""
    province = RegionFactory.create(code="99", name="测试省", level=Region.Level.PROVINCE)
    city = RegionFactory.create(code="9901", name="测试市", level=Region.Level.CITY, parent=province)
    Region.objects.filter(pk__in=[district_a.pk, district_b.pk]).update(parent=city)
    other_city = RegionFactory.create(code="9902", name="另一市", level=Region.Level.CITY, parent=province)
    far = RegionFactory.create(code="990201", name="远区", level=Region.Level.DISTRICT, parent=other_city)
    for n in range(1, 41):
        StreetFactory.create(code=f"990201{n:03d}", name=f"远区第{n}街道", parent=far)
    return province


@pytest.mark.usefixtures("province", "institution_x", "institution_y", "institution_z")
def test_the_directory_lists_districts_and_no_street_until_a_district_is_chosen(
    anonymous_client: Client,
) -> None:
    html = anonymous_client.get("/institutions/").content.decode()

    assert options(html, "district") == ["", "990101", "990102", "990201"]
    assert '<optgroup label="测试市">' in html and '<optgroup label="另一市">' in html
    assert options(html, "street") == [""]
    assert "Choose a district first" in html
    assert "街道" not in re.sub(r"<li class=\"result\".*?</li>", "", html, flags=re.S)


@pytest.mark.usefixtures("province", "institution_x", "institution_y", "institution_z")
def test_choosing_a_district_lists_its_streets_and_its_institutions(
    anonymous_client: Client, anonymous_api: APIClient
) -> None:
    response = anonymous_client.get("/institutions/", {"district": "990101"})

    html = response.content.decode()
    assert options(html, "street") == ["", "990101001", "990101002"]
    assert '<option value="990101" selected>' in html
    assert sorted(i.name for i in response.context["page"].object_list) == sorted([X, Y])
    far = anonymous_client.get("/institutions/", {"district": "990201"}).content.decode()
    assert options(far, "street") == ["", *(f"990201{n:03d}" for n in range(1, 41))]
    api = anonymous_api.get("/api/v1/institutions/", {"district": "990102"}).json()
    assert [row["name"] for row in api["results"]] == ["太阳托育园"]


@pytest.mark.usefixtures("province", "institution_x", "institution_y", "institution_z")
def test_a_street_given_alone_brings_its_district(anonymous_client: Client) -> None:
    response = anonymous_client.get("/institutions/", {"street": "990101002"})

    html = response.content.decode()
    assert '<option value="990101" selected>' in html
    assert options(html, "street") == ["", "990101001", "990101002"]
    assert '<option value="990101002" selected>' in html
    assert [i.name for i in response.context["page"].object_list] == [Y]


@pytest.mark.usefixtures("province", "institution_x", "institution_y", "institution_z")
def test_a_street_outside_the_chosen_district_is_dropped(
    anonymous_client: Client, anonymous_api: APIClient
) -> None:
    """Choosing another district (the street select still holding a street of the first) starts afresh."""
    query = {"district": "990102", "street": "990101001"}

    response = anonymous_client.get("/institutions/", query)

    html = response.content.decode()
    assert options(html, "street") == ["", "990102001"]
    assert "selected" not in re.search(r'<select name="street".*?</select>', html, re.S).group(0)  # type: ignore[union-attr]
    assert [i.name for i in response.context["page"].object_list] == ["太阳托育园"]
    assert [row["name"] for row in anonymous_api.get("/api/v1/institutions/", query).json()["results"]] == [
        "太阳托育园"
    ]


@pytest.mark.usefixtures("province", "institution_x", "institution_y", "institution_z")
def test_with_htmx_choosing_a_district_swaps_the_street_select_too(anonymous_client: Client) -> None:
    response = anonymous_client.get("/institutions/", {"district": "990102"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert '<div id="street-filter" hx-swap-oob="true">' in html
    assert options(html, "street") == ["", "990102001"]
    full = anonymous_client.get("/institutions/", {"district": "990102"}).content.decode()
    assert '<div id="street-filter">' in full and "hx-swap-oob" not in full


@pytest.mark.usefixtures("province")
def test_an_unknown_district_is_shown_next_to_the_field_and_refused_by_the_api(
    anonymous_client: Client, anonymous_api: APIClient
) -> None:
    assert (
        "Select a valid choice"
        in anonymous_client.get("/institutions/", {"district": "990999"}).content.decode()
    )
    assert anonymous_api.get("/api/v1/institutions/", {"district": "990999"}).status_code == 400
    assert (
        anonymous_api.get("/api/v1/institutions/", {"district": "990201001"}).status_code == 400
    )  # a street


def test_the_regulators_list_of_institutions_is_paged_with_the_total(
    client_as: Callable[[str], Client], street_a1: Region
) -> None:
    FiledInstitutionFactory.create_batch(MANAGE_PAGE_SIZE + 5, street=street_a1)
    client = client_as("regulator_a")

    first = client.get("/manage/institutions/")
    second = client.get("/manage/institutions/", {"page": 2})

    assert (len(first.context["institutions"]), len(second.context["institutions"])) == (MANAGE_PAGE_SIZE, 5)
    shown = {i.pk for response in (first, second) for i in response.context["institutions"]}
    assert len(shown) == MANAGE_PAGE_SIZE + 5
    assert f"{MANAGE_PAGE_SIZE + 5} institutions in all." in first.content.decode()
    assert "page=2" in first.content.decode()
