"""API sign-in: a mobile number and password buy a token; the token is sent as ``Token <key>``."""

from collections.abc import Callable

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import User

pytestmark = pytest.mark.django_db


def test_token_endpoint_returns_the_users_token_for_right_credentials(
    anonymous_api: APIClient, director_x: User
) -> None:
    response = anonymous_api.post(
        "/api/v1/auth/token/", {"phone": director_x.phone, "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=director_x).key}


def test_token_endpoint_returns_the_same_token_twice(anonymous_api: APIClient, director_x: User) -> None:
    credentials = {"phone": director_x.phone, "password": DEFAULT_PASSWORD}

    first = anonymous_api.post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    second = anonymous_api.post("/api/v1/auth/token/", credentials, format="json").json()["token"]

    assert first == second


@pytest.mark.parametrize(
    "credentials",
    [
        {"phone": "PHONE", "password": "wrong-password"},
        {"phone": "13999999999", "password": DEFAULT_PASSWORD},
        {"phone": "PHONE", "password": DEFAULT_PASSWORD.upper()},
    ],
    ids=["wrong-password", "unknown-number", "password-case"],
)
def test_token_endpoint_answers_400_for_wrong_credentials(
    anonymous_api: APIClient, director_x: User, credentials: dict[str, str]
) -> None:
    data = {key: director_x.phone if value == "PHONE" else value for key, value in credentials.items()}

    response = anonymous_api.post("/api/v1/auth/token/", data, format="json")

    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


@pytest.mark.parametrize("data", [{}, {"phone": "13800000001"}, {"password": "x"}])
def test_token_endpoint_answers_400_when_a_field_is_missing(anonymous_api: APIClient, data: dict) -> None:
    assert anonymous_api.post("/api/v1/auth/token/", data, format="json").status_code == 400


def test_token_endpoint_refuses_a_disabled_account(anonymous_api: APIClient, director_x: User) -> None:
    director_x.is_active = False
    director_x.save()

    response = anonymous_api.post(
        "/api/v1/auth/token/", {"phone": director_x.phone, "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 400


def test_token_works_as_authorization_header_on_me(
    token_api_as: Callable[[str], APIClient], director_x: User
) -> None:
    response = token_api_as("director_x").get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["phone"] == director_x.phone
    assert body["display_name"] == "星星园长李"
    assert body["roles"] == [
        {"role": "director", "role_label": "Institution director", "scope": "星星托育园"}
    ]


def test_me_without_credentials_is_401(anonymous_api: APIClient) -> None:
    response = anonymous_api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_with_an_unknown_token_is_401(anonymous_api: APIClient) -> None:
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert anonymous_api.get("/api/v1/me/").status_code == 401


def test_me_lists_the_roles_of_a_guardian_with_no_children(api_as: Callable[[str], APIClient]) -> None:
    response = api_as("guardian").get("/api/v1/me/")

    assert response.json()["roles"] == [
        {"role": "guardian", "role_label": "Guardian", "scope": "own children"}
    ]
