"""The finder (page /institutions/, API GET /api/v1/institutions/): is there a place for my child, near me,
at a price I can pay?

X (星星, 35.38 N 116.56 E): an older-toddler class (24-36 months) of 20, full-day 2,000 yuan.
Y (月亮, 35.40 N 116.60 E): a younger-toddler class (12-24 months) of 15, full-day 1,500 yuan, hourly 40.
Z (太阳, 35.50 N 116.80 E): a mixed-age class (18-36 months) of 18, full-day 2,600 yuan.
"""

import datetime
import math
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.finder import bounding_box
from tuoyu.enrolment.tests.helpers import fill, raw_application, raw_child, raw_offer
from tuoyu.registry.factories import FiledInstitutionFactory, ServiceOfferingFactory
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db

X, Y, Z = "星星托育园", "月亮托育园", "太阳托育园"
POINTS = {X: (35.38, 116.56), Y: (35.40, 116.60), Z: (35.50, 116.80)}


@pytest.fixture
def three(
    institution_x: Institution,
    institution_y: Institution,
    institution_z: Institution,
    class_x: CareClass,
    class_y: CareClass,
    class_z: CareClass,
    full_day_x: Any,
    full_day_y: Any,
    full_day_z: Any,
) -> dict[str, Institution]:
    institutions = {X: institution_x, Y: institution_y, Z: institution_z}
    for name, (lat, lon) in POINTS.items():
        Institution.objects.filter(pk=institutions[name].pk).update(
            latitude=Decimal(str(lat)), longitude=Decimal(str(lon))
        )
    ServiceOfferingFactory.create(
        institution=institution_y, service_type="hourly", price_yuan=Decimal(40), price_unit="hour"
    )
    return institutions


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def names(api: APIClient, **query: Any) -> list[str]:
    response = api.get("/api/v1/institutions/", query)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def in_order(listed: list[str], expected: list[str], query: dict[str, object]) -> bool:
    """Sorted by distance from ``near``; otherwise by name (whose order is the database's collation)."""
    return listed == expected if "near" in query else sorted(listed) == sorted(expected)


# (query, institutions listed in that order)
FILTERS = [
    pytest.param({}, [X, Z, Y], id="all-by-name"),
    pytest.param({"age_months": 20}, [Z, Y], id="age-20-toddler-and-mixed"),
    pytest.param({"age_months": 30}, [X, Z], id="age-30-preschool-and-mixed"),
    pytest.param({"age_months": 12}, [Y], id="age-12-toddler"),
    pytest.param({"age_months": 8}, [], id="age-8-no-infant-class"),
    pytest.param({"age_months": 36}, [], id="age-36-too-old"),
    pytest.param({"age_months": 20, "age_band": "mixed"}, [Z], id="age-and-band"),
    pytest.param({"service_type": "hourly"}, [Y], id="service-type"),
    pytest.param({"price_max": 2000}, [X, Y], id="full-day-up-to-2000"),
    pytest.param({"price_min": 2000}, [X, Z], id="full-day-from-2000"),
    pytest.param({"price_min": 1600, "price_max": 2100}, [X], id="full-day-between"),
    pytest.param({"service_type": "hourly", "price_max": 50}, [Y], id="hourly-up-to-50"),
    pytest.param({"service_type": "hourly", "price_max": 30}, [], id="hourly-up-to-30"),
    pytest.param({"has_vacancy": "true"}, [X, Z, Y], id="all-have-vacancy"),
    pytest.param({"has_vacancy": "false"}, [], id="none-full"),
    pytest.param({"has_vacancy": "true", "age_months": 40}, [], id="vacancy-for-no-band"),
    pytest.param(
        {"has_vacancy": "true", "age_months": 30, "age_band": "toddler"}, [], id="vacancy-band-mismatch"
    ),
    pytest.param({"has_vacancy": "false", "age_band": "infant"}, [], id="no-vacancy-in-no-class"),
    pytest.param({"near": "35.50,116.80"}, [Z, Y, X], id="near-z"),
    pytest.param({"near": "35.38,116.56"}, [X, Y, Z], id="near-x"),
    pytest.param({"near": "35.38，116.56"}, [X, Y, Z], id="near-with-chinese-comma"),
    pytest.param({"near": "35.38,116.56", "radius_km": 5}, [X, Y], id="within-5-km"),
    pytest.param({"near": "35.38,116.56", "radius_km": 1}, [X], id="within-1-km"),
    pytest.param({"near": "35.38,116.56", "age_months": 20}, [Y, Z], id="near-and-age"),
]


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_finder_api_filters(anonymous_api: APIClient, query: dict[str, Any], expected: list[str]) -> None:
    assert in_order(names(anonymous_api, **query), expected, query)


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_finder_page_filters_the_same_way(
    anonymous_client: Client, query: dict[str, Any], expected: list[str]
) -> None:
    response = anonymous_client.get("/institutions/", query)

    assert response.status_code == 200
    assert in_order(
        [institution.name for institution, _vacancies in response.context["rows"]], expected, query
    )


def test_a_full_class_makes_the_institution_drop_out_of_has_vacancy(
    anonymous_api: APIClient, three: dict[str, Institution], class_y: CareClass, guardian: User
) -> None:
    fill(class_y, guardian, 15)

    assert sorted(names(anonymous_api, has_vacancy="true")) == sorted([X, Z])
    assert names(anonymous_api, has_vacancy="false") == [Y]
    assert names(anonymous_api, has_vacancy="true", age_months=20) == [Z]
    assert names(anonymous_api, has_vacancy="false", age_months=20) == [Y]
    # Near a point vacancies are counted among the institutions there only: the same answers.
    near_x = {"near": "35.38,116.56", "radius_km": 5}
    assert names(anonymous_api, has_vacancy="true", **near_x) == [X]
    assert names(anonymous_api, has_vacancy="false", **near_x) == [Y]
    assert names(anonymous_api, has_vacancy="true", near="35.38,116.56") == [X, Z]


def test_open_offers_take_places_in_the_finder(
    anonymous_api: APIClient,
    three: dict[str, Institution],
    class_z: CareClass,
    guardian: User,
    director_x: User,
) -> None:
    fill(class_z, guardian, 17)
    child = raw_child(guardian, name="候补")
    offer = raw_offer(raw_application(child, three[Z]), class_z, director_x)

    assert sorted(names(anonymous_api, has_vacancy="true")) == sorted([X, Y])
    offer.expires_at = timezone.now() - datetime.timedelta(minutes=1)  # an expired offer holds nothing
    offer.save()
    assert sorted(names(anonymous_api, has_vacancy="true")) == sorted([X, Y, Z])


def test_each_item_has_vacancies_per_age_band_and_a_distance(
    anonymous_api: APIClient, three: dict[str, Institution], class_x: CareClass, guardian: User
) -> None:
    fill(class_x, guardian, 5)

    rows = anonymous_api.get("/api/v1/institutions/", {"near": "35.50,116.80"}).json()["results"]
    without_point = anonymous_api.get("/api/v1/institutions/").json()["results"]

    by_name = {row["name"]: row for row in rows}
    assert by_name[X]["vacancies"] == [
        {
            "age_band": "preschool",
            "label": "Older toddler class (24-36 months)",
            "capacity": 20,
            "vacancy": 15,
        }
    ]
    assert by_name[Z]["vacancies"] == [
        {"age_band": "mixed", "label": "Mixed-age class (18-36 months)", "capacity": 18, "vacancy": 18}
    ]
    assert by_name[Z]["distance_km"] == 0.0
    for name in (X, Y):
        assert by_name[name]["distance_km"] == pytest.approx(haversine_km(POINTS[Z], POINTS[name]), abs=0.01)
    assert by_name[X]["classes"] == [{"age_band": "preschool", "capacity": 20, "vacancy": 15}]
    assert {row["distance_km"] for row in without_point} == {None}


def test_vacancies_of_several_classes_of_a_band_are_summed(
    anonymous_api: APIClient, three: dict[str, Institution], guardian: User
) -> None:
    from tuoyu.registry.factories import CareClassFactory
    from tuoyu.registry.standards import AgeBand

    second = CareClassFactory.create(
        institution=three[X], name="托大二班", age_band=AgeBand.PRESCHOOL, capacity=10
    )
    CareClassFactory.create(institution=three[X], name="托小班", age_band=AgeBand.TODDLER, capacity=15)
    fill(second, guardian, 4)

    (row,) = [r for r in anonymous_api.get("/api/v1/institutions/").json()["results"] if r["name"] == X]

    assert [(v["age_band"], v["capacity"], v["vacancy"]) for v in row["vacancies"]] == [
        ("toddler", 15, 15),
        ("preschool", 30, 26),
    ]


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(
    ("near", "message"),
    [
        ("somewhere", "Give the point as latitude,longitude, for example 35.3921,116.5874."),
        ("35.38", "Give the point as latitude,longitude, for example 35.3921,116.5874."),
        ("1,2,3", "Give the point as latitude,longitude, for example 35.3921,116.5874."),
        ("95,116", "This point is not on the map."),
        ("35,200", "This point is not on the map."),
    ],
)
def test_a_bad_point_is_a_400_with_a_message(anonymous_api: APIClient, near: str, message: str) -> None:
    response = anonymous_api.get("/api/v1/institutions/", {"near": near})

    assert response.status_code == 400
    assert response.json()["detail"]["near"] == [message]


@pytest.mark.usefixtures("three")
def test_a_bad_point_on_the_page_is_shown_next_to_the_field(anonymous_client: Client) -> None:
    response = anonymous_client.get("/institutions/", {"near": "somewhere"})

    assert response.status_code == 200
    assert "Give the point as latitude,longitude" in response.content.decode()


@pytest.mark.usefixtures("three")
def test_other_bad_filters_are_400(anonymous_api: APIClient) -> None:
    assert anonymous_api.get("/api/v1/institutions/", {"age_months": "-1"}).status_code == 400
    assert anonymous_api.get("/api/v1/institutions/", {"radius_km": "0", "near": "35,116"}).status_code == 400


def test_the_finder_page_shows_vacancies_and_distance(
    anonymous_client: Client, three: dict[str, Institution], class_y: CareClass, guardian: User
) -> None:
    fill(class_y, guardian, 15)

    html = anonymous_client.get("/institutions/", {"near": "35.50,116.80"}).content.decode()

    assert '<li data-band="preschool" data-vacancy="20" class="open">' in html
    assert "20 places free" in html
    assert '<li data-band="toddler" data-vacancy="0" class="full">' in html
    assert "0.0 km" in html
    assert f"{haversine_km(POINTS[Z], POINTS[X]):.1f} km" in html
    assert f'href="/institutions/{three[X].code}/apply/"' in html
    assert '<form class="card filters"' in html


@pytest.mark.usefixtures("three")
def test_htmx_gets_only_the_results(anonymous_client: Client) -> None:
    response = anonymous_client.get("/institutions/", {"age_months": 20}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html and "<form" not in html
    assert "2 institutions found" in html
    assert Y in html and Z in html and X not in html


def test_the_api_counts_vacancies_at_the_time_of_the_request(
    anonymous_api: APIClient,
    three: dict[str, Institution],
    class_x: CareClass,
    guardian: User,
    director_x: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server runs for weeks: offers that expired since it started no longer hold their places."""
    offer_child = raw_child(guardian, name="候补")
    raw_offer(
        raw_application(offer_child, three[X]), class_x, director_x, expires_in=datetime.timedelta(days=2)
    )
    assert anonymous_api.get("/api/v1/institutions/").status_code == 200  # the view is loaded and used
    later = timezone.now() + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)

    (row,) = [r for r in anonymous_api.get("/api/v1/institutions/").json()["results"] if r["name"] == X]

    assert row["vacancies"][0]["vacancy"] == 20


# The bounding box before the exact distance ----------------------------------------------------------------


def destination(origin: tuple[float, float], bearing: float, km: float) -> tuple[Decimal, Decimal]:
    """The point ``km`` from ``origin`` on the great circle leaving it at ``bearing`` degrees from north, to
    the 6 decimal places an institution's position is stored with."""
    lat1, lon1, angle = math.radians(origin[0]), math.radians(origin[1]), km / 6371.0088
    theta = math.radians(bearing)
    lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(theta))
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(lat1), math.cos(angle) - math.sin(lat1) * math.sin(lat2)
    )
    longitude = (math.degrees(lon2) + 540) % 360 - 180
    return Decimal(f"{math.degrees(lat2):.6f}"), Decimal(f"{longitude:.6f}")


def placed_at(street: Any, name: str, point: tuple[Decimal, Decimal]) -> Institution:
    return FiledInstitutionFactory.create(name=name, street=street, latitude=point[0], longitude=point[1])


CENTRE = (35.38, 116.56)
BEARINGS = range(0, 360, 5)


@pytest.fixture
def ring(street_a1: Any) -> tuple[set[str], set[str]]:
    """Institutions 1 metre inside a 5 km circle round CENTRE every 5 degrees, and 10 metres outside it due
    north, east, south and west (there the circle touches its bounding box)."""
    inside = {
        placed_at(street_a1, f"内{bearing}", destination(CENTRE, bearing, 5 - 0.001)).name
        for bearing in BEARINGS
    }
    outside = {
        placed_at(street_a1, f"外{bearing}", destination(CENTRE, bearing, 5 + 0.01)).name
        for bearing in (0, 90, 180, 270)
    }
    for name in inside:
        point = Institution.objects.values_list("latitude", "longitude").get(name=name)
        assert haversine_km(CENTRE, (float(point[0]), float(point[1]))) < 5  # still inside once rounded
    return inside, outside


def test_the_bounding_box_keeps_every_institution_just_inside_the_radius_and_drops_those_outside_it(
    ring: tuple[set[str], set[str]],
) -> None:
    inside, outside = ring

    boxed = set(Institution.objects.filter(bounding_box(*CENTRE, 5)).values_list("name", flat=True))

    assert inside <= boxed
    assert not outside & boxed


def test_the_finder_lists_every_institution_just_inside_the_radius_and_none_outside(
    anonymous_api: APIClient, ring: tuple[set[str], set[str]]
) -> None:
    inside, _outside = ring
    listed: list[str] = []
    url: str | None = "/api/v1/institutions/?near=35.38,116.56&radius_km=5"
    while url:
        body = anonymous_api.get(url).json()
        listed += [row["name"] for row in body["results"]]
        url = body["next"]

    assert sorted(listed) == sorted(inside)


@pytest.mark.parametrize(
    ("centre", "near", "far"),
    [
        pytest.param((-16.5, 179.99), (-16.5, -179.97), (-16.5, -179.9), id="across-the-180th-meridian"),
        pytest.param((-16.5, -179.99), (-16.5, 179.97), (-16.5, 179.9), id="across-it-westwards"),
        pytest.param((89.99, 10.0), (89.99, -170.0), (89.9, 10.0), id="round-the-north-pole"),
        pytest.param((53.33, 122.2), (53.33, 122.27), (53.33, 122.36), id="far-north-of-china"),
    ],
)
def test_the_bounding_box_at_the_edges_of_the_map(
    street_a1: Any, centre: tuple[float, float], near: tuple[float, float], far: tuple[float, float]
) -> None:
    """Within 5 km: ``near`` is (its longitudes wrap round, or it lies across the pole), ``far`` is not."""
    assert haversine_km(centre, near) < 5 < haversine_km(centre, far)
    for name, point in (("近", near), ("远", far)):
        placed_at(street_a1, name, (Decimal(str(point[0])), Decimal(str(point[1]))))

    boxed = set(Institution.objects.filter(bounding_box(*centre, 5)).values_list("name", flat=True))

    assert "近" in boxed and "远" not in boxed
