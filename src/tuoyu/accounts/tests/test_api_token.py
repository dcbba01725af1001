"""API sign-in: a mobile number and password (and, with two-step verification, the current code) buy a token
that expires; the token is sent as ``Token <key>``, listed and revoked by its owner, and revoked by a new
password, a deactivated account or ``POST /api/v1/auth/logout/``."""

import datetime
import io
from collections.abc import Callable

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.personas import app_device, current_code
from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import User

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def obtain(client: APIClient, user: User, **extra: str) -> dict:
    response = client.post(
        TOKEN_URL, {"phone": user.phone, "password": DEFAULT_PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def authorised(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_token_endpoint_answers_a_token_and_when_it_expires(
    anonymous_api: APIClient, director_x: User
) -> None:
    body = obtain(anonymous_api, director_x)

    stored = AuthToken.objects.get(user=director_x)
    assert body["token"].startswith(stored.token_key)
    assert stored.digest != body["token"]  # only a digest is kept
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert abs(expiry - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)


def test_each_sign_in_gets_its_own_token(anonymous_api: APIClient, director_x: User) -> None:
    first = obtain(anonymous_api, director_x)["token"]
    second = obtain(anonymous_api, director_x)["token"]

    assert first != second
    assert AuthToken.objects.filter(user=director_x).count() == 2


def test_a_token_stops_working_after_30_days(anonymous_api: APIClient, director_x: User) -> None:
    token = obtain(anonymous_api, director_x)["token"]

    with time_machine.travel(timezone.now() + datetime.timedelta(days=29, hours=23)):
        assert authorised(token).get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, minutes=1)):
        assert authorised(token).get("/api/v1/me/").status_code == 401


def test_the_lifetime_is_configurable(anonymous_api: APIClient, director_x: User, settings: object) -> None:
    from django.test import override_settings

    with override_settings(
        REST_KNOX={"TOKEN_TTL": datetime.timedelta(days=1), "AUTH_HEADER_PREFIX": "Token"}
    ):
        body = obtain(anonymous_api, director_x)

    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert expiry < timezone.now() + datetime.timedelta(days=1, minutes=1)


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

    response = anonymous_api.post(TOKEN_URL, data, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("data", [{}, {"phone": "13800000001"}, {"password": "x"}])
def test_token_endpoint_answers_400_when_a_field_is_missing(anonymous_api: APIClient, data: dict) -> None:
    response = anonymous_api.post(TOKEN_URL, data, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_token_endpoint_refuses_a_disabled_account(anonymous_api: APIClient, director_x: User) -> None:
    director_x.is_active = False
    director_x.save()

    response = anonymous_api.post(
        TOKEN_URL, {"phone": director_x.phone, "password": DEFAULT_PASSWORD}, format="json"
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


# Listing and revoking ------------------------------------------------------------------------------------


def test_the_owner_lists_their_tokens_and_sees_which_one_is_in_use(
    anonymous_api: APIClient, director_x: User
) -> None:
    phone_token = obtain(anonymous_api, director_x)["token"]
    obtain(anonymous_api, director_x)

    listed = authorised(phone_token).get("/api/v1/auth/tokens/").json()

    assert len(listed) == 2
    assert [item["current"] for item in listed].count(True) == 1
    current = next(item for item in listed if item["current"])
    assert phone_token.startswith(current["key"])


def test_the_owner_revokes_one_token_and_the_other_keeps_working(
    anonymous_api: APIClient, director_x: User
) -> None:
    kept = obtain(anonymous_api, director_x)["token"]
    lost = obtain(anonymous_api, director_x)["token"]
    lost_key = AuthToken.objects.get(token_key=lost[:15]).token_key

    response = authorised(kept).delete(f"/api/v1/auth/tokens/{lost_key}/")

    assert response.status_code == 204
    assert authorised(lost).get("/api/v1/me/").status_code == 401
    assert authorised(kept).get("/api/v1/me/").status_code == 200


def test_another_users_token_cannot_be_listed_or_revoked(
    anonymous_api: APIClient, director_x: User, director_y: User
) -> None:
    victim = obtain(anonymous_api, director_y)["token"]
    attacker = obtain(anonymous_api, director_x)["token"]

    listed = authorised(attacker).get("/api/v1/auth/tokens/").json()
    response = authorised(attacker).delete(f"/api/v1/auth/tokens/{victim[:15]}/")

    assert all(not victim.startswith(item["key"]) for item in listed)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert authorised(victim).get("/api/v1/me/").status_code == 200


def test_logout_revokes_the_token_it_was_sent_with(anonymous_api: APIClient, director_x: User) -> None:
    token = obtain(anonymous_api, director_x)["token"]
    other = obtain(anonymous_api, director_x)["token"]

    response = authorised(token).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert authorised(token).get("/api/v1/me/").status_code == 401
    assert authorised(other).get("/api/v1/me/").status_code == 200


def test_a_new_password_revokes_every_token(anonymous_api: APIClient, director_x: User) -> None:
    token = obtain(anonymous_api, director_x)["token"]

    director_x.set_password("another-long-password-2026")
    director_x.save()

    assert authorised(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=director_x).exists()


def test_changing_the_password_on_the_page_revokes_every_token(
    anonymous_api: APIClient, client_as: Callable, director_x: User
) -> None:
    token = obtain(anonymous_api, director_x)["token"]
    new = "another-long-password-2026"

    response = client_as("director_x").post(
        "/accounts/password/", {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response.status_code == 302
    assert authorised(token).get("/api/v1/me/").status_code == 401


def test_deactivating_the_account_revokes_every_token(anonymous_api: APIClient, director_x: User) -> None:
    token = obtain(anonymous_api, director_x)["token"]

    director_x.is_active = False
    director_x.save(update_fields=["is_active"])

    assert not AuthToken.objects.filter(user=director_x).exists()
    assert authorised(token).get("/api/v1/me/").status_code == 401


def test_saving_other_fields_keeps_the_tokens(anonymous_api: APIClient, director_x: User) -> None:
    token = obtain(anonymous_api, director_x)["token"]

    director_x.display_name = "星星园长李（新）"
    director_x.save()

    assert authorised(token).get("/api/v1/me/").status_code == 200


# Two-step verification ---------------------------------------------------------------------------------


def test_an_account_with_a_second_factor_needs_its_code(anonymous_api: APIClient, director_x: User) -> None:
    device = app_device(director_x)
    credentials = {"phone": director_x.phone, "password": DEFAULT_PASSWORD}

    without = anonymous_api.post(TOKEN_URL, credentials, format="json")
    wrong = anonymous_api.post(TOKEN_URL, {**credentials, "otp": "000000"}, format="json")
    right = anonymous_api.post(TOKEN_URL, {**credentials, "otp": current_code(device)}, format="json")

    assert (without.status_code, without.json()["code"]) == (400, "otp_required")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "otp_invalid")
    assert right.status_code == 200
    assert AuthToken.objects.filter(user=director_x).count() == 1


def test_a_regulator_without_a_second_factor_gets_no_token(
    anonymous_api: APIClient, regulator_a: User
) -> None:
    response = anonymous_api.post(
        TOKEN_URL, {"phone": regulator_a.phone, "password": DEFAULT_PASSWORD}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "second_factor_setup_required")
    assert not AuthToken.objects.exists()


def test_a_regulator_with_the_code_gets_a_token(anonymous_api: APIClient, regulator_a: User) -> None:
    body = obtain(anonymous_api, regulator_a, otp=current_code(app_device(regulator_a)))

    assert authorised(body["token"]).get("/api/v1/me/").status_code == 200


def test_an_administrator_revokes_every_token_or_one_users(
    anonymous_api: APIClient, director_x: User, guardian: User
) -> None:
    obtain(anonymous_api, director_x)
    kept = obtain(anonymous_api, guardian)["token"]
    out = io.StringIO()

    call_command("revoke_api_tokens", "--user", director_x.phone, stdout=out)

    assert "Revoked 1 API tokens." in out.getvalue()
    assert not AuthToken.objects.filter(user=director_x).exists()
    assert authorised(kept).get("/api/v1/me/").status_code == 200
    call_command("revoke_api_tokens", stdout=out)
    assert not AuthToken.objects.exists()


def test_revoking_the_tokens_of_an_unknown_number_says_so(anonymous_api: APIClient, guardian: User) -> None:
    obtain(anonymous_api, guardian)

    with pytest.raises(CommandError, match="No account has the mobile number 13999999999"):
        call_command("revoke_api_tokens", "--user", "13999999999")
    assert AuthToken.objects.filter(user=guardian).exists()


def test_a_token_stops_working_when_its_owner_must_now_sign_in_with_a_second_factor(
    anonymous_api: APIClient, director_x: User
) -> None:
    token = obtain(anonymous_api, director_x)["token"]
    director_x.is_superuser = True  # the role came after the token was issued without a code
    director_x.save(update_fields=["is_superuser"])

    response = authorised(token).get("/api/v1/me/")

    assert (response.status_code, response.json()["code"]) == (403, "second_factor_required")


def test_setting_up_a_second_factor_revokes_the_tokens_issued_without_it(
    anonymous_api: APIClient, director_x: User
) -> None:
    from tuoyu.accounts.second_factor import app_device_confirm, app_device_pending

    token = obtain(anonymous_api, director_x)["token"]
    device = app_device_pending(director_x)

    app_device_confirm(user=director_x, device=device, code=current_code(device))

    assert authorised(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=director_x).exists()


def test_resetting_the_second_factor_revokes_every_token(anonymous_api: APIClient, regulator_a: User) -> None:
    from tuoyu.accounts.second_factor import second_factor_remove

    token = obtain(anonymous_api, regulator_a, otp=current_code(app_device(regulator_a)))["token"]

    second_factor_remove(user=regulator_a)  # an administrator's reset after a lost phone

    assert authorised(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=regulator_a).exists()
