"""Signing in with a mainland mobile number, the account page and changing one's password."""

from collections.abc import Callable

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tuoyu.accounts.factories import DEFAULT_PASSWORD, RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.regions.models import Region

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Huaishu-lu-89-hao"


@pytest.mark.parametrize(
    "phone",
    [
        "12800000001",  # second digit 2: no mainland mobile network
        "10800000001",
        "1380000000",  # 10 digits
        "138000000011",  # 12 digits
        "1380000000a",
        "+8613800000001",
        "138 0000 0001",
        "23800000001",
    ],
)
def test_badly_formatted_mobile_number_is_refused_with_a_clear_message(phone: str) -> None:
    user = User(phone=phone, display_name="新用户")

    with pytest.raises(ValidationError) as raised:
        user.full_clean(exclude=["password"])

    with translation.override("en"):
        messages = raised.value.message_dict["phone"]
        assert "Enter a mainland China mobile number: 11 digits starting with 13 to 19." in messages


def test_create_user_refuses_a_badly_formatted_mobile_number() -> None:
    with pytest.raises(ValidationError):
        User.objects.create_user("12345", DEFAULT_PASSWORD, display_name="新用户")

    assert not User.objects.filter(phone="12345").exists()


@pytest.mark.parametrize("phone", ["13000000000", "15912345678", "19999999999"])
def test_mainland_mobile_number_is_accepted(phone: str) -> None:
    validate_mainland_mobile(phone)
    user = User.objects.create_user(phone, DEFAULT_PASSWORD, display_name="新用户")

    assert user.check_password(DEFAULT_PASSWORD)


def test_login_page_signs_in_with_mobile_number_and_password(anonymous_client: Client) -> None:
    user = UserFactory.create(phone="13912345678")

    response = anonymous_client.post(
        "/accounts/login/", {"username": "13912345678", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"  # the home of the roles
    assert anonymous_client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.parametrize(
    ("phone", "password"),
    [("13912345678", "wrong-password"), ("13912345679", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-number"],
)
def test_login_page_refuses_wrong_credentials_with_a_message(
    anonymous_client: Client, phone: str, password: str
) -> None:
    UserFactory.create(phone="13912345678")

    response = anonymous_client.post("/accounts/login/", {"username": phone, "password": password})

    assert response.status_code == 200
    assert SESSION_KEY not in anonymous_client.session
    assert "The mobile number or the password is not right." in response.content.decode()


def test_login_page_refuses_a_disabled_account(anonymous_client: Client) -> None:
    UserFactory.create(phone="13912345678", is_active=False)

    response = anonymous_client.post(
        "/accounts/login/", {"username": "13912345678", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    assert SESSION_KEY not in anonymous_client.session


def test_login_page_follows_next_after_signing_in(anonymous_client: Client) -> None:
    UserFactory.create(phone="13912345678")

    response = anonymous_client.post(
        "/accounts/login/",
        {"username": "13912345678", "password": DEFAULT_PASSWORD, "next": "/manage/institutions/"},
    )

    assert response["Location"] == "/manage/institutions/"


def test_account_page_requires_signing_in(anonymous_client: Client) -> None:
    response = anonymous_client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/me/"


def test_account_page_lists_the_role_and_its_scope(client_as: Callable[[str], Client]) -> None:
    response = client_as("director_x").get("/accounts/me/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Institution director" in html
    assert "星星托育园" in html
    assert "星星园长李" in html


def test_account_page_lists_every_role_a_user_holds(
    client_as: Callable[[str], Client], regulator_a: User, district_a: Region
) -> None:
    RoleAssignmentFactory.create(user=regulator_a, role=Role.GUARDIAN)

    html = client_as("regulator_a").get("/accounts/me/").content.decode()

    assert "District regulator" in html
    assert "甲区" in html
    assert "Guardian" in html
    assert "own children" in html


def test_account_page_masks_the_mobile_number(client_as: Callable[[str], Client], guardian: User) -> None:
    html = client_as("guardian").get("/accounts/me/").content.decode()

    assert guardian.masked_phone in html
    assert guardian.phone not in html


def test_account_page_of_user_without_roles_says_so(anonymous_client: Client) -> None:
    user = UserFactory.create()
    anonymous_client.force_login(user)

    html = anonymous_client.get("/accounts/me/").content.decode()

    assert "You hold no role yet." in html


def test_password_change_replaces_the_password(client_as: Callable[[str], Client], guardian: User) -> None:
    client = client_as("guardian")

    response = client.post(
        "/accounts/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    guardian.refresh_from_db()
    assert guardian.check_password(NEW_PASSWORD)
    assert not guardian.check_password(DEFAULT_PASSWORD)
    assert client.get("/accounts/password/done/").status_code == 200
    # The session survives the change; the new password signs in, the old one no longer does.
    assert client.get("/accounts/me/").status_code == 200
    old = Client().post("/accounts/login/", {"username": guardian.phone, "password": DEFAULT_PASSWORD})
    new = Client().post("/accounts/login/", {"username": guardian.phone, "password": NEW_PASSWORD})
    assert old.status_code == 200  # the form again, with its error
    assert (new.status_code, new["Location"]) == (302, "/")


def test_password_change_refuses_a_wrong_old_password(
    client_as: Callable[[str], Client], guardian: User
) -> None:
    response = client_as("guardian").post(
        "/accounts/password/",
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    guardian.refresh_from_db()
    assert guardian.check_password(DEFAULT_PASSWORD)


def test_password_change_refuses_an_all_digit_password(
    client_as: Callable[[str], Client], guardian: User
) -> None:
    response = client_as("guardian").post(
        "/accounts/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": "3870125946", "new_password2": "3870125946"},
    )

    assert response.status_code == 200
    guardian.refresh_from_db()
    assert guardian.check_password(DEFAULT_PASSWORD)


def test_password_change_requires_signing_in(anonymous_client: Client) -> None:
    response = anonymous_client.get("/accounts/password/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_out_ends_the_session(client_as: Callable[[str], Client]) -> None:
    client = client_as("guardian")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/accounts/me/").status_code == 302
