"""Two-step verification (TOTP with recovery codes): required for regulators and administrators, optional for
everyone else, required by the back office; set up with a QR code drawn on the server; reset by an
administrator."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.personas import app_device, current_code, signed_in_client
from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import User

pytestmark = pytest.mark.django_db


def password_step(user: User, *, next_url: str = "") -> tuple[Client, Any]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = {"username": user.phone, "password": DEFAULT_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post("/accounts/login/", data)


def pending_device_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key):06d}"


# Required roles ------------------------------------------------------------------------------------------


def test_a_regulator_without_a_second_factor_is_sent_to_set_it_up_and_reaches_nothing_else(
    regulator_a: User,
) -> None:
    client, response = password_step(regulator_a)

    page = client.get("/manage/institutions/")
    api = client.get("/api/v1/me/")

    assert response.status_code == 302
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/two-factor/?next=")
    assert (api.status_code, api.json()["code"]) == (403, "second_factor_required")


def test_setting_up_shows_a_qr_code_drawn_here_and_the_key_then_turns_on_with_the_apps_code(
    regulator_a: User,
) -> None:
    client, _ = password_step(regulator_a)

    setup = client.get("/accounts/two-factor/").content.decode()
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    right = client.post("/accounts/two-factor/", {"code": pending_device_code(regulator_a)}, follow=True)

    assert "<svg" in setup and "<path" in setup  # the QR code, as markup: nothing fetched from outside
    assert "data:image" not in setup and "http" not in re.sub(
        r'xmlns[:a-z]*="[^"]+"', "", setup.split("<svg")[1].split("</svg>")[0]
    )
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", setup)
    assert secret and len(secret.group(1).replace(" ", "")) == 32
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert right.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", right.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=regulator_a).confirmed
    assert client.get("/manage/institutions/").status_code == 200  # verified for this session


def test_recovery_codes_are_shown_once(regulator_a: User) -> None:
    client, _ = password_step(regulator_a)
    client.get("/accounts/two-factor/")
    client.post("/accounts/two-factor/", {"code": pending_device_code(regulator_a)})

    first = client.get("/accounts/two-factor/").content.decode()
    again = client.get("/accounts/two-factor/").content.decode()

    assert "data-recovery-codes" in first
    assert "data-recovery-codes" not in again
    assert "10 recovery codes left." in again


def test_an_account_with_a_second_factor_signs_in_in_two_steps(regulator_a: User) -> None:
    device = app_device(regulator_a)
    client, response = password_step(regulator_a, next_url="/filings/")

    before = client.get("/accounts/me/")
    wrong = client.post("/accounts/login/verify/", {"code": "123456"})
    right = client.post("/accounts/login/verify/", {"code": current_code(device)})

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/verify/")
    assert before.status_code == 302 and before["Location"].startswith(
        "/accounts/login/"
    )  # not signed in yet
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, "/filings/")
    assert client.get("/filings/").status_code == 200


def test_a_recovery_code_signs_in_once(regulator_a: User) -> None:
    app_device(regulator_a)
    from tuoyu.accounts.second_factor import recovery_codes_renew

    code = recovery_codes_renew(user=regulator_a)[0]

    first, _ = password_step(regulator_a)
    used = first.post("/accounts/login/verify/", {"code": code.upper()})
    second, _ = password_step(regulator_a)
    again = second.post("/accounts/login/verify/", {"code": code})

    assert used.status_code == 302
    assert again.status_code == 200
    assert StaticToken.objects.filter(device__user=regulator_a).count() == 9


def test_the_second_step_expires_and_cannot_be_skipped(regulator_a: User) -> None:
    app_device(regulator_a)
    client = Client()

    response = client.post("/accounts/login/verify/", {"code": "123456"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")


def test_an_administrator_needs_the_second_factor_too(db: None) -> None:
    admin = User.objects.create_superuser(
        phone="13900009999", password=DEFAULT_PASSWORD, display_name="管理员"
    )
    client, _ = password_step(admin)

    assert client.get("/admin/").status_code == 302
    assert client.get("/accounts/me/")["Location"].startswith("/accounts/two-factor/")


# The back office --------------------------------------------------------------------------------------


def test_the_back_office_asks_a_director_for_a_second_factor(director_x: User) -> None:
    client, _ = password_step(director_x)

    front = client.get("/accounts/me/")
    back = client.get("/admin/", follow=True)

    assert front.status_code == 200  # optional for the front office
    assert back.redirect_chain[-1][0].startswith("/accounts/two-factor/?next=")
    client.post("/accounts/two-factor/", {"code": pending_device_code(director_x)})
    assert client.get("/admin/").status_code == 200


def test_the_back_office_login_is_the_same_two_step_sign_in(director_x: User) -> None:
    device = app_device(director_x)
    client = Client()

    form = client.get("/admin/login/?next=/admin/")
    password = client.post(
        "/admin/login/?next=/admin/", {"username": director_x.phone, "password": DEFAULT_PASSWORD}
    )
    code = client.post("/accounts/login/verify/", {"code": current_code(device)})

    assert form.status_code == 200 and 'name="username"' in form.content.decode()
    assert password["Location"] == "/accounts/login/verify/"
    assert code["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_someone_without_the_back_office_gets_404_from_its_login(client_as: Callable[[str], Client]) -> None:
    assert client_as("guardian").get("/admin/login/?next=/admin/").status_code == 404


# Optional for everyone else ---------------------------------------------------------------------------


def test_a_guardian_may_turn_it_on_and_off(guardian: User) -> None:
    client = signed_in_client(guardian)

    client.get("/accounts/two-factor/")
    client.post("/accounts/two-factor/", {"code": pending_device_code(guardian)})
    on_page = client.get("/accounts/two-factor/").content.decode()
    off = client.post("/accounts/two-factor/off/")

    assert "Turn off" in on_page
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=guardian).exists()
    _, response = password_step(guardian)
    assert response["Location"] == "/"


def test_a_regulator_cannot_turn_it_off(client_as: Callable[[str], Client], regulator_a: User) -> None:
    client = client_as("regulator_a")

    page = client.get("/accounts/two-factor/").content.decode()
    response = client.post("/accounts/two-factor/off/")

    assert "Turn off" not in page
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=regulator_a).exists()


def test_new_recovery_codes_replace_the_old(client_as: Callable[[str], Client], regulator_a: User) -> None:
    from tuoyu.accounts.second_factor import recovery_codes_renew

    old = recovery_codes_renew(user=regulator_a)
    client = client_as("regulator_a")

    client.post("/accounts/two-factor/recovery-codes/")

    tokens = set(StaticToken.objects.filter(device__user=regulator_a).values_list("token", flat=True))
    assert len(tokens) == 10 and not tokens & set(old)


# Reset by an administrator ----------------------------------------------------------------------------


def test_an_administrator_resets_a_users_second_factor_and_it_is_logged(regulator_a: User) -> None:
    app_device(regulator_a)
    admin = User.objects.create_superuser(
        phone="13900009999", password=DEFAULT_PASSWORD, display_name="管理员"
    )

    response = signed_in_client(admin).post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [regulator_a.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=regulator_a).exists()
    entry = LogEntry.objects.get(object_id=str(regulator_a.pk))
    assert (entry.user, entry.change_message) == (admin, "Two-step verification reset")
    client, _ = password_step(regulator_a)
    assert client.get("/accounts/me/")["Location"].startswith("/accounts/two-factor/")


def test_a_regulator_cannot_reset_anyones_second_factor(
    client_as: Callable[[str], Client], director_x: User
) -> None:
    app_device(director_x)

    response = client_as("regulator_a").post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [director_x.pk]}
    )

    assert response.status_code in {302, 403, 404}
    assert TOTPDevice.objects.filter(user=director_x).exists()


def test_the_api_refuses_a_session_of_a_regulator_not_yet_verified(regulator_a: User) -> None:
    client, _ = password_step(regulator_a)
    api = APIClient()
    api.cookies = client.cookies

    assert api.get("/api/v1/me/").status_code == 403
