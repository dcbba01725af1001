"""The enterprise's progress page: the link's token is the key (a wrong one is the same 404 as an unknown
code), nothing internal ever shows, the rating there (不满意 reopens), the throttles, and the page kept out of
search engines and caches."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tuoyu.accounts.models import User
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import Department, Enterprise, Rating, ServiceRequest, ServiceTeam
from tuoyu.enterprises.services.requests import progress_link
from tuoyu.enterprises.tests.progress_helpers import ANSWER, NOTE, PROBLEM, REPLY, handled, recorded

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
UNKNOWN = "/service/progress/00000000-0000-0000-0000-000000000000/"


@pytest.fixture
def closed(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> ServiceRequest:
    return handled(officer, enterprise, district_team, market_bureau, market_contact)


def _page_of(request: ServiceRequest) -> str:
    return f"/service/progress/{request.code}/"


def _without_what_varies(html: str, *paths: str) -> str:
    """A page's text without its form tokens and the address it was asked at."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    for path in paths:
        html = html.replace(path, "")
    return html


def test_the_link_shows_the_request_its_steps_and_the_answer(closed: ServiceRequest) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(progress_link(closed))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (closed.enterprise.name, closed.case.number, "Approvals and licences", PROBLEM, ANSWER):
        assert shown in html
    assert "Answered: please tell us whether you are satisfied" in html
    assert "Dec. 4, 2026" in html  # the deadline
    assert re.findall(r'data-step="(\w+)"', html) == ["recorded", "accepted", "dispatched", "closed"]
    assert REPLY not in html and NOTE not in html
    assert "data-rating-form" in html and "data-confirm=" in html


def test_the_page_is_not_indexed_nor_kept(closed: ServiceRequest) -> None:
    response = Client().get(progress_link(closed))

    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_page_reads_in_chinese(closed: ServiceRequest) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(progress_link(closed)).content.decode()

    assert "2026年12月4日" in html  # the deadline as an official writes it
    assert "满意" in html and "基本满意" in html and "不满意" in html


def test_a_wrong_or_missing_token_is_the_same_404_as_an_unknown_code(closed: ServiceRequest) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = _page_of(closed)
    for query in (f"?token={closed.token[:-2]}xy", "", "?token="):
        unknown = client.get(UNKNOWN + query)
        known = client.get(page + query)

        assert unknown.status_code == known.status_code == 404
        assert _without_what_varies(known.content.decode(), page) == _without_what_varies(
            unknown.content.decode(), UNKNOWN
        )
        assert known.headers.keys() == unknown.headers.keys()
        assert closed.enterprise.name not in known.content.decode()


def test_a_rating_of_not_satisfied_reopens_and_the_page_says_so_with_the_new_deadline(
    closed: ServiceRequest,
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(
        progress_link(closed), {"satisfaction": "not_satisfied", "comment": "证还没拿到"}, follow=True
    )

    closed.case.refresh_from_db()
    assert closed.case.status == kinds.REOPENED
    html = response.content.decode()
    assert "data-reopened" in html and "The new deadline is Dec. 4, 2026." in html
    assert "Your request is reopened and will be handled again." in html
    assert re.findall(r'data-step="(\w+)"', html)[-1] == "reopened" and "证还没拿到" in html
    assert "data-rating-form" not in html
    rating = Rating.objects.get(request=closed)
    assert (rating.channel, rating.recorded_by) == ("online", None)


def test_not_satisfied_needs_a_comment_and_changes_nothing_without_one(closed: ServiceRequest) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        progress_link(closed), {"satisfaction": "not_satisfied"}
    )

    assert response.status_code == 200
    assert "Please say what is still not solved." in response.content.decode()
    assert not Rating.objects.exists()
    closed.case.refresh_from_db()
    assert closed.case.status == kinds.CLOSED


def test_a_satisfied_rating_ends_it_and_a_second_one_is_refused(closed: ServiceRequest) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(progress_link(closed), {"satisfaction": "satisfied"})
    closed.case.refresh_from_db()
    assert closed.case.status == kinds.RATED

    again = client.post(progress_link(closed), {"satisfaction": "fairly_satisfied"}, follow=True)

    assert "This request has no closure waiting for a rating." in again.content.decode()
    assert Rating.objects.filter(request=closed).count() == 1


def test_the_signed_in_contact_rates_as_themselves_anyone_else_as_the_links_holder(
    closed: ServiceRequest, client_as: ClientAs, contact_user: User, officer: User
) -> None:
    client_as("contact_user").post(progress_link(closed), {"satisfaction": "satisfied"})
    assert Rating.objects.get(request=closed).recorded_by == contact_user


def test_someone_else_signed_in_rates_as_the_links_holder(
    closed: ServiceRequest, client_as: ClientAs, officer_b: User
) -> None:
    client_as("officer_b").post(progress_link(closed), {"satisfaction": "satisfied"})
    assert Rating.objects.get(request=closed).recorded_by is None


def test_a_rating_with_a_wrong_token_is_a_404_and_writes_nothing(closed: ServiceRequest) -> None:
    response = Client().post(f"{_page_of(closed)}?token=nope", {"satisfaction": "satisfied"})

    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_no_rating_form_before_the_closure(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = recorded(officer, enterprise, district_team)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(progress_link(request)).content.decode()

    assert "data-rating-form" not in html
    assert "Set when your request is accepted." in html
    assert "data-answer" not in html


def test_looks_are_throttled_per_client_with_the_api(closed: ServiceRequest) -> None:
    client = Client()
    statuses = [client.get(f"{UNKNOWN}?token=x").status_code for _ in range(30)]
    statuses += [
        client.get(f"/api/v1/service-requests/{closed.code}/progress/").status_code for _ in range(30)
    ]
    assert statuses == [404] * 60

    refused = client.get(progress_link(closed))

    assert refused.status_code == 429
    assert closed.enterprise.name not in refused.content.decode()


def test_ratings_are_throttled_per_client(closed: ServiceRequest) -> None:
    client = Client()
    statuses = [client.post(progress_link(closed), {"satisfaction": "nope"}).status_code for _ in range(10)]
    assert statuses == [200] * 10

    refused = client.post(progress_link(closed), {"satisfaction": "satisfied"})

    assert refused.status_code == 429
    assert not Rating.objects.exists()
