"""Sign-in lockout: after 5 failures for one account, or 20 from one client address, within 15 minutes,
further attempts are refused for 15 minutes, with a message that says when to try again, on the page
login, the back-office login and the token API alike. The lockout is logged; a regulator of the account's
region or an administrator lifts it."""

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from tests.personas import app_device, current_code, signed_in_client
from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import LockoutReason, LoginLockout, User

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def page_login(
    user_phone: str, password: str, *, path: str = "/accounts/login/", address: str = "10.0.0.1"
) -> Any:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(path, {"username": user_phone, "password": password})


def token_login(user_phone: str, password: str, *, address: str = "10.0.0.1") -> Any:
    client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return client.post("/api/v1/auth/token/", {"phone": user_phone, "password": password}, format="json")


@contextlib.contextmanager
def fresh_axes_handler() -> Iterator[None]:
    """django-axes keeps one handler (and its cache) per process: make it again for other settings."""
    AxesProxyHandler.get_implementation(force=True)
    try:
        yield
    finally:
        AxesProxyHandler.implementation = None


def signed_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/?next=/admin/"])
def test_five_wrong_passwords_lock_the_account_then_even_the_right_one_is_refused(
    guardian: User, path: str
) -> None:
    failures = [page_login(guardian.phone, WRONG, path=path).status_code for _ in range(4)]
    fifth = page_login(guardian.phone, WRONG, path=path)
    right = page_login(guardian.phone, DEFAULT_PASSWORD, path=path)

    assert failures == [200] * 4  # the form again, with its error
    assert fifth.status_code == 429
    assert right.status_code == 429
    text = right.content.decode()
    until = timezone.localtime(LoginLockout.objects.get().locked_until)
    assert f"Too many failed sign-in attempts. Please try again after {until:%H:%M}." in text
    assert int(right["Retry-After"]) > 14 * 60


def test_the_lockout_ends_after_15_minutes(guardian: User) -> None:
    for _ in range(5):
        page_login(guardian.phone, WRONG)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14)):
        assert page_login(guardian.phone, DEFAULT_PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert signed_in(page_login(guardian.phone, DEFAULT_PASSWORD))


def test_the_message_is_in_chinese_for_a_chinese_browser(guardian: User) -> None:
    for _ in range(5):
        page_login(guardian.phone, WRONG)

    response = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        "/accounts/login/", {"username": guardian.phone, "password": DEFAULT_PASSWORD}
    )

    until = timezone.localtime(LoginLockout.objects.get().locked_until)
    assert response.status_code == 429
    assert f"登录失败次数过多，请于{until:%H:%M}后再试。" in response.content.decode()


def test_the_token_api_locks_out_the_same_way_and_answers_json(guardian: User) -> None:
    statuses = [token_login(guardian.phone, WRONG).status_code for _ in range(5)]
    refused = token_login(guardian.phone, DEFAULT_PASSWORD)

    assert statuses == [400] * 4 + [429]
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "locked_out"
    assert "Please try again after" in body["detail"]
    assert int(refused["Retry-After"]) > 0


def test_failures_on_the_page_and_the_api_add_up(guardian: User) -> None:
    for _ in range(3):
        page_login(guardian.phone, WRONG)
    token_login(guardian.phone, WRONG)
    page_login(guardian.phone, WRONG)

    assert token_login(guardian.phone, DEFAULT_PASSWORD).status_code == 429


def test_wrong_second_factor_codes_count_too(guardian: User) -> None:
    device = app_device(guardian)
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"username": guardian.phone, "password": DEFAULT_PASSWORD})

    statuses = [client.post("/accounts/login/verify/", {"code": "000000"}).status_code for _ in range(5)]
    right = client.post("/accounts/login/verify/", {"code": current_code(device)})

    assert statuses == [200] * 4 + [429]
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(
    guardian: User, director_x: User
) -> None:
    for n in range(20):
        page_login(f"1390000{n:04d}", WRONG, address="10.0.0.9")

    assert page_login(guardian.phone, DEFAULT_PASSWORD, address="10.0.0.9").status_code == 429
    assert signed_in(page_login(guardian.phone, DEFAULT_PASSWORD, address="10.0.0.10"))
    assert LoginLockout.objects.get().reason == LockoutReason.ADDRESS


def test_nineteen_failures_from_one_address_do_not_lock_it(guardian: User) -> None:
    for n in range(19):
        page_login(f"1390000{n:04d}", WRONG, address="10.0.0.9")

    assert signed_in(page_login(guardian.phone, DEFAULT_PASSWORD, address="10.0.0.9"))
    assert not LoginLockout.objects.exists()


def test_a_success_clears_the_accounts_count_but_not_the_addresss(guardian: User, director_x: User) -> None:
    for _ in range(4):
        page_login(guardian.phone, WRONG)
    assert signed_in(page_login(guardian.phone, DEFAULT_PASSWORD))
    for _ in range(4):
        page_login(guardian.phone, WRONG)

    assert signed_in(page_login(guardian.phone, DEFAULT_PASSWORD))
    for n in range(12):  # 8 + 12 = 20 failures from the address
        page_login(f"1390000{n:04d}", WRONG)
    assert page_login(director_x.phone, DEFAULT_PASSWORD).status_code == 429


def test_the_lockout_is_logged(guardian: User, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="tuoyu.security"):
        for _ in range(5):
            page_login(guardian.phone, WRONG)

    lockout = LoginLockout.objects.get()
    assert (lockout.reason, lockout.user, lockout.phone, lockout.ip_address) == (
        LockoutReason.ACCOUNT,
        guardian,
        guardian.phone,
        "10.0.0.1",
    )
    assert lockout.path == "/accounts/login/"
    assert lockout.locked_until - lockout.locked_at == datetime.timedelta(minutes=15)
    assert any("Sign-in locked" in record.getMessage() for record in caplog.records)


def test_lockout_state_lives_in_the_shared_database_cache(guardian: User) -> None:
    """With the default CACHE_URL (the database), every worker process reads the same counts."""
    database_cache = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tuoyu_cache"}
    }
    with override_settings(CACHES=database_cache), fresh_axes_handler():
        call_command("createcachetable", verbosity=0)
        for _ in range(5):
            page_login(guardian.phone, WRONG)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM tuoyu_cache")
            (rows,) = cursor.fetchone()
        assert rows >= 2  # the account's count and the address's
        caches["default"].close()  # as another process would, with nothing in memory
        assert page_login(guardian.phone, DEFAULT_PASSWORD).status_code == 429


# Lifting -----------------------------------------------------------------------------------------------


def locked(user: User) -> LoginLockout:
    for _ in range(5):
        page_login(user.phone, WRONG)
    return LoginLockout.objects.get(user=user)


def test_the_regulator_of_the_accounts_region_lifts_the_lockout(
    client_as: Callable[[str], Client], director_x: User, regulator_a: User
) -> None:
    lockout = locked(director_x)
    page = client_as("regulator_a").get("/accounts/lockouts/")

    response = client_as("regulator_a").post(f"/accounts/lockouts/{lockout.pk}/lift/")

    assert director_x.display_name in page.content.decode()
    assert response.status_code == 302
    lockout.refresh_from_db()
    assert (lockout.lifted_by, lockout.lifted_at is not None) == (regulator_a, True)
    assert signed_in(page_login(director_x.phone, DEFAULT_PASSWORD))


def test_after_the_lift_the_account_signs_in_at_once(
    client_as: Callable[[str], Client], guardian: User
) -> None:
    lockout = locked(guardian)
    admin = User.objects.create_superuser(
        phone="13900009999", password=DEFAULT_PASSWORD, display_name="管理员"
    )
    signed_in_client(admin).post(f"/accounts/lockouts/{lockout.pk}/lift/")

    assert signed_in(page_login(guardian.phone, DEFAULT_PASSWORD))


@pytest.mark.parametrize("persona", ["regulator_b", "director_x", "guardian"])
def test_nobody_else_sees_or_lifts_a_lockout(
    client_as: Callable[[str], Client], director_y: User, persona: str
) -> None:
    lockout = locked(director_y)
    client = client_as(persona)

    listing = client.get("/accounts/lockouts/")
    lift = client.post(f"/accounts/lockouts/{lockout.pk}/lift/")

    assert lift.status_code == 404
    assert listing.status_code == 404 or director_y.display_name not in listing.content.decode()
    lockout.refresh_from_db()
    assert lockout.lifted_at is None


def test_wrong_codes_on_the_verification_of_a_signed_in_session_lock_it_too(guardian: User) -> None:
    device = app_device(guardian)  # set up in another browser: this session has not shown a code
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(guardian)

    wrong = [client.post("/accounts/two-factor/", {"code": "000000"}).status_code for _ in range(5)]
    right = client.post("/accounts/two-factor/", {"code": current_code(device)})

    assert wrong == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert "Too many failed sign-in attempts. Please try again after" in right.content.decode()
