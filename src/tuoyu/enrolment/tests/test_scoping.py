"""Who sees what (the acceptance line): a guardian only their own children; a director only their
institution's applications and rosters; a caregiver the roster but not the enrolment desk; nobody
anonymous anything. Outside the scope is a 404, as for a thing that does not exist.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    Child,
    DeletionRequest,
    EntryExam,
    Offer,
    OfferStatus,
    PickupPerson,
    Placement,
)
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import apply, make_offer, raw_child, raw_placement, today
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.workforce.factories import make_identity_number

pytestmark = pytest.mark.django_db


@dataclass
class Family:
    child: Child
    application: Application
    offer: Offer
    pickup: PickupPerson
    placed: Placement  # another child of the family, in class X


@pytest.fixture
def family(
    guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    full_day_x: ServiceOffering,
) -> Family:
    """``guardian``'s 赵小宝 applied to X and holds an open offer; their 赵大宝 is placed in class X."""
    child = make_child(guardian, exam=True)
    application = apply(guardian, child, institution_x)
    offer = make_offer(director_x, application, class_x)
    pickup = services.pickup_person_add(
        guardian=guardian,
        child=child,
        name="赵奶奶",
        relation="grandparent",
        phone="13912345678",
        identity_number=make_identity_number(5, datetime.date(1960, 1, 1)),
    )
    placed = raw_placement(raw_child(guardian, name="赵大宝"), class_x, start_date=today())
    return Family(child, application, offer, pickup, placed)


def unchanged(family: Family) -> None:
    assert Child.objects.filter(pk=family.child.pk).exists()
    assert Offer.objects.get(pk=family.offer.pk).status == OfferStatus.OPEN
    assert Application.objects.get(pk=family.application.pk).status == ApplicationStatus.OFFERED
    assert PickupPerson.objects.filter(pk=family.pickup.pk).exists()
    assert Placement.objects.get(pk=family.placed.pk).ends_on == family.placed.ends_on
    assert not DeletionRequest.objects.exists()
    assert EntryExam.objects.filter(child=family.child).count() == 1


def family_pages(f: Family) -> list[tuple[str, str]]:
    c, o = f.child.code, f.offer.code
    return [
        ("get", f"/family/children/{c}/"),
        ("post", f"/family/children/{c}/"),
        ("get", f"/family/children/{c}/export/"),
        ("get", f"/family/children/{c}/delete/"),
        ("post", f"/family/children/{c}/delete/"),
        ("post", f"/family/children/{c}/pickup/{f.pickup.pk}/remove/"),
        ("get", f"/family/offers/{o}/"),
        ("post", f"/family/offers/{o}/"),
        ("post", f"/family/applications/{f.application.code}/withdraw/"),
    ]


def family_api(f: Family) -> list[tuple[str, str]]:
    c, o = f.child.code, f.offer.code
    return [
        ("get", f"/api/v1/children/{c}/"),
        ("get", f"/api/v1/children/{c}/export/"),
        ("post", f"/api/v1/children/{c}/deletion/"),
        ("get", f"/api/v1/children/{c}/pickup-persons/"),
        ("post", f"/api/v1/children/{c}/pickup-persons/"),
        ("get", f"/api/v1/children/{c}/entry-exams/"),
        ("post", f"/api/v1/children/{c}/entry-exams/"),
        ("get", f"/api/v1/offers/{o}/"),
        ("post", f"/api/v1/offers/{o}/accept/"),
        ("post", f"/api/v1/offers/{o}/decline/"),
        ("post", f"/api/v1/applications/{f.application.code}/withdraw/"),
        ("post", f"/api/v1/placements/{f.placed.code}/end/"),
    ]


def post_data(url: str) -> dict[str, object]:
    if url.endswith("/accept/"):
        return {"accept_agreement": True}
    if url.endswith("/pickup-persons/"):
        return {
            "name": "钱某",
            "relation": "other",
            "phone": "13900000000",
            "identity_number": make_identity_number(9),
        }
    if url.endswith("/entry-exams/"):
        return {"examined_on": today().isoformat(), "medical_institution": "某医院", "result": "pass"}
    if url.endswith("/end/"):
        return {"ends_on": today().isoformat(), "reason": "withdrawn"}
    if "/family/offers/" in url:
        return {"accept_agreement": "on", "accept": "1"}
    if url.startswith("/family/children/") and url.count("/") == 4:
        return {
            "pickup": "1",
            "pickup-name": "钱某",
            "pickup-relation": "other",
            "pickup-phone": "13900000000",
        }
    return {}


# Another family ------------------------------------------------------------------------------------------


def test_another_guardian_gets_404_on_every_page_of_the_family(
    client_as: Callable[[str], Client], family: Family, other_guardian: User
) -> None:
    client = client_as("other_guardian")

    for method, url in family_pages(family):
        response = getattr(client, method)(url, post_data(url))
        assert response.status_code == 404, (method, url, response.status_code)
    unchanged(family)


def test_another_guardian_gets_404_on_every_api_of_the_family(
    api_as: Callable[[str], APIClient], family: Family, other_guardian: User
) -> None:
    api = api_as("other_guardian")

    for method, url in family_api(family):
        response = getattr(api, method)(url, post_data(url), format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    unchanged(family)


def test_another_guardians_lists_are_empty(
    api_as: Callable[[str], APIClient],
    client_as: Callable[[str], Client],
    family: Family,
    other_guardian: User,
) -> None:
    api = api_as("other_guardian")

    for url in ("/api/v1/children/", "/api/v1/applications/", "/api/v1/offers/", "/api/v1/placements/"):
        assert api.get(url).json()["results"] == [], url
    html = client_as("other_guardian").get("/family/").content.decode()
    assert "赵小宝" not in html and "赵大宝" not in html


def test_the_guardian_reaches_every_page_and_api_of_their_own_child(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient], family: Family
) -> None:
    client, api = client_as("guardian"), api_as("guardian")

    for url in (f"/family/children/{family.child.code}/", f"/family/offers/{family.offer.code}/", "/family/"):
        assert client.get(url).status_code == 200, url
    for url in (
        f"/api/v1/children/{family.child.code}/",
        f"/api/v1/children/{family.child.code}/pickup-persons/",
        f"/api/v1/children/{family.child.code}/entry-exams/",
        f"/api/v1/offers/{family.offer.code}/",
    ):
        assert api.get(url).status_code == 200, url
    assert {c["name"] for c in api.get("/api/v1/children/").json()["results"]} == {"赵小宝", "赵大宝"}


# Directors -------------------------------------------------------------------------------------------------


def test_a_director_lists_only_the_applications_to_their_institution(
    api_as: Callable[[str], APIClient], family: Family, director_y: User
) -> None:
    assert [a["code"] for a in api_as("director_x").get("/api/v1/applications/").json()["results"]] == [
        str(family.application.code)
    ]
    assert api_as("director_y").get("/api/v1/applications/").json()["results"] == []
    assert api_as("director_y").get("/api/v1/offers/").json()["results"] == []
    assert api_as("director_y").get("/api/v1/placements/").json()["results"] == []


def test_another_institutions_director_gets_404_on_the_desk_of_x(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    family: Family,
    class_x: CareClass,
    director_y: User,
) -> None:
    client, api = client_as("director_y"), api_as("director_y")
    offer_body = {"care_class": str(class_x.code), "start_date": today().isoformat()}

    assert client.get(f"/enrolment/applications/{family.application.code}/offer/").status_code == 404
    assert (
        client.post(f"/enrolment/applications/{family.application.code}/offer/", offer_body).status_code
        == 404
    )
    assert client.get(f"/enrolment/classes/{class_x.code}/").status_code == 404
    assert (
        client.post(f"/enrolment/placements/{family.placed.code}/end/", post_data("/end/")).status_code == 404
    )
    assert (
        api.post(
            f"/api/v1/applications/{family.application.code}/offer/", offer_body, format="json"
        ).status_code
        == 404
    )
    assert api.get(f"/api/v1/classes/{class_x.code}/roster/").status_code == 404
    assert api.get(f"/api/v1/children/{family.child.code}/").status_code == 404
    queue = client.get("/enrolment/queue/").content.decode()
    assert "月亮托育园" in queue and "赵小宝" not in queue
    unchanged(family)


def test_the_director_sees_the_applicant_and_the_roster(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient], family: Family, class_x: CareClass
) -> None:
    api = api_as("director_x")

    child = api.get(f"/api/v1/children/{family.child.code}/")
    roster = api.get(f"/api/v1/classes/{class_x.code}/roster/")

    assert (child.status_code, child.json()["name"]) == (200, "赵小宝")
    assert [p["child_name"] for p in roster.json()] == ["赵大宝"]
    html = client_as("director_x").get(f"/enrolment/classes/{class_x.code}/").content.decode()
    assert "赵大宝" in html and "End placement" in html


# Caregivers ----------------------------------------------------------------------------------------------


def test_a_caregiver_sees_the_roster_of_class_x_but_cannot_make_offers(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], APIClient],
    family: Family,
    class_x: CareClass,
    caregiver_x: User,
) -> None:
    client, api = client_as("caregiver_x"), api_as("caregiver_x")
    offer_body = {"care_class": str(class_x.code), "start_date": today().isoformat()}

    roster = client.get(f"/enrolment/classes/{class_x.code}/")
    assert roster.status_code == 200
    assert "赵大宝" in roster.content.decode()
    assert "End placement" not in roster.content.decode()
    assert [p["child_name"] for p in api.get(f"/api/v1/classes/{class_x.code}/roster/").json()] == ["赵大宝"]

    assert client.get(f"/enrolment/applications/{family.application.code}/offer/").status_code == 404
    assert (
        api.post(
            f"/api/v1/applications/{family.application.code}/offer/", offer_body, format="json"
        ).status_code
        == 404
    )
    assert (
        "You do not manage enrolment for any institution." in client.get("/enrolment/queue/").content.decode()
    )
    assert api.get("/api/v1/applications/").json()["results"] == []


def test_the_guardian_sees_no_roster_or_desk(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient], family: Family, class_x: CareClass
) -> None:
    assert client_as("guardian").get(f"/enrolment/classes/{class_x.code}/").status_code == 404
    assert api_as("guardian").get(f"/api/v1/classes/{class_x.code}/roster/").status_code == 404
    assert (
        client_as("guardian").get(f"/enrolment/applications/{family.application.code}/offer/").status_code
        == 404
    )


# Anonymous -------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_on_every_page(
    anonymous_client: Client, family: Family, class_x: CareClass
) -> None:
    urls = [url for _method, url in family_pages(family)] + [
        "/family/",
        "/family/privacy/",
        "/family/children/add/",
        "/enrolment/queue/",
        "/enrolment/tasks/",
        f"/enrolment/classes/{class_x.code}/",
        f"/enrolment/applications/{family.application.code}/offer/",
        f"/institutions/{family.application.institution.code}/apply/",
        "/messages/",
    ]

    for url in urls:
        response = anonymous_client.get(url)
        if response.status_code == 405:  # POST-only
            response = anonymous_client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    unchanged(family)


def test_anonymous_gets_401_or_403_from_every_api(
    anonymous_api: APIClient, family: Family, class_x: CareClass
) -> None:
    urls = [(m, u) for m, u in family_api(family)] + [
        ("get", "/api/v1/children/"),
        ("post", "/api/v1/children/"),
        ("get", "/api/v1/applications/"),
        ("post", "/api/v1/applications/"),
        ("get", "/api/v1/offers/"),
        ("get", "/api/v1/placements/"),
        ("get", "/api/v1/tasks/"),
        ("get", f"/api/v1/classes/{class_x.code}/roster/"),
        ("post", f"/api/v1/applications/{family.application.code}/offer/"),
        ("post", "/api/v1/privacy-notice/"),
        ("get", "/api/v1/notifications/"),
    ]

    for method, url in urls:
        response = getattr(anonymous_api, method)(url, {}, format="json")
        assert response.status_code in (401, 403), (method, url, response.status_code)
    unchanged(family)


def test_the_finder_and_the_priorities_are_public(
    anonymous_api: APIClient, anonymous_client: Client, family: Family
) -> None:
    code = family.application.institution.code

    assert anonymous_client.get("/institutions/").status_code == 200
    assert anonymous_api.get("/api/v1/institutions/").status_code == 200
    assert anonymous_api.get(f"/api/v1/institutions/{code}/priorities/").status_code == 200
    assert anonymous_api.post(
        f"/api/v1/institutions/{code}/priorities/", {"label": "x", "points": 1}
    ).status_code in (
        401,
        403,
    )
