"""Sign-in by a text-message code and a new password by code (the registration's codes, for two more
purposes): the code expires and allows 5 attempts, numbers and client addresses are throttled, nobody learns
whether a number has an account, the second factor is still asked of the accounts that have one, the lockout
counts wrong codes, and a new password passes Django's validators and ends the other sessions."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from knox.models import AuthToken

from tests.personas import app_device, current_code
from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import PhoneVerification, User, VerificationPurpose
from tuoyu.accounts.services import password_reset_by_code, sign_in_code_check, verification_send
from tuoyu.accounts.tests.helpers import _english, outbox
from tuoyu.refusals import Refusal
from tuoyu.sms import MemoryBackend

pytestmark = pytest.mark.django_db
__all__ = ["_english", "outbox"]  # fixtures used by name

UNKNOWN = "13712340000"
NEW_PASSWORD = "a-new-family-pass-2026"
MINUTE = datetime.timedelta(seconds=61)


def code_sent_to(phone: str) -> str:
    texts = [text for to, text in MemoryBackend.outbox if to == phone]
    assert texts, f"no text message to {phone}"
    match = re.search(r"\b(\d{6})\b", texts[-1])
    assert match, texts[-1]
    return match.group(1)


def send(phone: str, purpose: str, captured: Any) -> None:
    with captured(execute=True):
        verification_send(phone=phone, purpose=purpose)


def refusal_code(action: Any) -> str:
    with pytest.raises(Refusal) as refused:
        action()
    return str(refused.value.code)


def browser() -> Client:
    return Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")


def ask_code(client: Client, path: str, phone: str) -> Any:
    return client.post(path, {"phone": phone, "send_code": "1"}, follow=True)


# The services ---------------------------------------------------------------------------------------------


def test_a_sign_in_code_goes_to_the_account_and_signs_it_in_once(
    guardian: User, django_capture_on_commit_callbacks: Any
) -> None:
    send(guardian.phone, VerificationPurpose.SIGN_IN, django_capture_on_commit_callbacks)
    code = code_sent_to(guardian.phone)
    assert "登录" in MemoryBackend.outbox[-1][1]

    assert sign_in_code_check(phone=guardian.phone, code=code) == guardian
    assert refusal_code(lambda: sign_in_code_check(phone=guardian.phone, code=code)) == "code_expired"


def test_an_unknown_number_gets_the_same_answer_and_no_text(
    outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    send(UNKNOWN, VerificationPurpose.SIGN_IN, django_capture_on_commit_callbacks)

    assert outbox == []
    assert PhoneVerification.objects.filter(phone=UNKNOWN).count() == 1  # counts towards the limits
    assert refusal_code(lambda: sign_in_code_check(phone=UNKNOWN, code="123456")) == "code_wrong"


def test_a_code_serves_only_its_purpose(guardian: User, django_capture_on_commit_callbacks: Any) -> None:
    send(guardian.phone, VerificationPurpose.RESET, django_capture_on_commit_callbacks)
    code = code_sent_to(guardian.phone)

    assert refusal_code(lambda: sign_in_code_check(phone=guardian.phone, code=code)) == "code_expired"


def test_wrong_expired_and_exhausted_codes(
    guardian: User, django_capture_on_commit_callbacks: Any, clock: time_machine.Traveller
) -> None:
    send(guardian.phone, VerificationPurpose.SIGN_IN, django_capture_on_commit_callbacks)
    code = code_sent_to(guardian.phone)
    wrong = "000000" if code != "000000" else "111111"
    assert refusal_code(lambda: sign_in_code_check(phone=guardian.phone, code=wrong)) == "code_wrong"
    assert PhoneVerification.objects.get().attempts == 1  # kept, though refused

    clock.shift(datetime.timedelta(minutes=11))
    assert refusal_code(lambda: sign_in_code_check(phone=guardian.phone, code=code)) == "code_expired"

    send(guardian.phone, VerificationPurpose.SIGN_IN, django_capture_on_commit_callbacks)
    code = code_sent_to(guardian.phone)
    for _ in range(5):
        refusal_code(lambda: sign_in_code_check(phone=guardian.phone, code=wrong))
    assert refusal_code(lambda: sign_in_code_check(phone=guardian.phone, code=code)) == "code_expired"


def test_codes_are_throttled_per_number_whatever_the_purpose(guardian: User) -> None:
    verification_send(phone=guardian.phone, purpose=VerificationPurpose.RESET)
    assert (
        refusal_code(lambda: verification_send(phone=guardian.phone, purpose=VerificationPurpose.SIGN_IN))
        == "code_too_soon"
    )


def test_a_reset_sets_a_valid_password_and_tells_the_owner(
    guardian: User, django_capture_on_commit_callbacks: Any, outbox: list[tuple[str, str]]
) -> None:
    send(guardian.phone, VerificationPurpose.RESET, django_capture_on_commit_callbacks)
    code = code_sent_to(guardian.phone)

    weak = refusal_or_error(
        lambda: password_reset_by_code(phone=guardian.phone, code=code, password="12345678")
    )
    assert weak  # Django's validators: nothing changed, the code is still good
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_by_code(phone=guardian.phone, code=code, password=NEW_PASSWORD)

    guardian.refresh_from_db()
    assert guardian.check_password(NEW_PASSWORD)
    assert "重设" in outbox[-1][1] and outbox[-1][0] == guardian.phone


def refusal_or_error(action: Any) -> str:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        action()
    return " ".join(refused.value.messages)


# The pages ------------------------------------------------------------------------------------------------


def test_the_sign_in_page_offers_both(client_as: Any) -> None:
    page = client_as("anonymous").get("/accounts/login/").content.decode()
    assert "/accounts/login/code/" in page and "/accounts/password/reset/" in page


def test_sign_in_by_code_on_the_page(guardian: User, django_capture_on_commit_callbacks: Any) -> None:
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask_code(client, "/accounts/login/code/", guardian.phone)
    assert f"If {guardian.phone} has an account" in asked.content.decode()

    response = client.post("/accounts/login/code/", {"code": code_sent_to(guardian.phone)})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(guardian.pk)


def test_the_page_answers_an_unknown_number_as_a_known_one(
    guardian: User, django_capture_on_commit_callbacks: Any
) -> None:
    def answer(phone: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            text = ask_code(browser(), "/accounts/login/code/", phone).content.decode()
        text = re.sub(r'(value|nonce)="[^"]{20,}"', "", text)  # the form's token and the page's nonce
        return text.replace(phone, "PHONE")

    assert answer(guardian.phone) == answer(UNKNOWN)


def test_a_wrong_code_on_the_page_counts_towards_the_lockout(
    guardian: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(client, "/accounts/login/code/", guardian.phone)
    code = code_sent_to(guardian.phone)
    wrong = "000000" if code != "000000" else "111111"

    statuses = [client.post("/accounts/login/code/", {"code": wrong}).status_code for _ in range(5)]
    right = client.post("/accounts/login/code/", {"code": code})

    assert statuses == [200] * 4 + [429]
    assert right.status_code == 429 and SESSION_KEY not in client.session


def test_the_second_factor_is_still_asked(regulator_a: User, django_capture_on_commit_callbacks: Any) -> None:
    device = app_device(regulator_a)
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(client, "/accounts/login/code/", regulator_a.phone)

    response = client.post("/accounts/login/code/", {"code": code_sent_to(regulator_a.phone)})

    assert response.status_code == 302 and response["Location"] == "/accounts/login/verify/"
    assert SESSION_KEY not in client.session
    verified = client.post("/accounts/login/verify/", {"code": current_code(device)})
    assert verified.status_code == 302 and client.session[SESSION_KEY] == str(regulator_a.pk)


def test_requests_for_codes_are_throttled_per_address(django_capture_on_commit_callbacks: Any) -> None:
    client = browser()
    answers = []
    for i in range(11):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(ask_code(client, "/accounts/password/reset/", f"1371234{i:04d}").content.decode())
    assert "Too many requests from this network" in answers[-1]
    assert all("Too many requests" not in answer for answer in answers[:10])


def test_a_reset_on_the_page_ends_other_sessions_and_app_tokens_and_says_so(
    guardian: User, django_capture_on_commit_callbacks: Any
) -> None:
    other = browser()
    other.force_login(guardian)
    AuthToken.objects.create(user=guardian)
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(client, "/accounts/password/reset/", guardian.phone)
    code = code_sent_to(guardian.phone)

    mismatch = client.post(
        "/accounts/password/reset/", {"code": code, "password1": NEW_PASSWORD, "password2": "other-pass-2026"}
    )
    assert "The two passwords differ." in mismatch.content.decode()
    done = client.post(
        "/accounts/password/reset/",
        {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Your password is changed" in done.content.decode()
    guardian.refresh_from_db()
    assert guardian.check_password(NEW_PASSWORD) and not guardian.check_password(DEFAULT_PASSWORD)
    assert other.get("/accounts/me/").status_code == 302  # signed out by the new password
    assert not AuthToken.objects.filter(user=guardian).exists()  # revoked, as the page says
    assert "apps you connected must sign in again" in done.content.decode()


def test_a_wrong_reset_code_changes_nothing(guardian: User, django_capture_on_commit_callbacks: Any) -> None:
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(client, "/accounts/password/reset/", guardian.phone)
    code = code_sent_to(guardian.phone)
    wrong = "000000" if code != "000000" else "111111"

    page = client.post(
        "/accounts/password/reset/", {"code": wrong, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert "The code is not correct." in page.content.decode()
    guardian.refresh_from_db()
    assert guardian.check_password(DEFAULT_PASSWORD)


def test_wrong_reset_codes_count_towards_the_lockout_which_holds_the_reset_too(
    guardian: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(client, "/accounts/password/reset/", guardian.phone)
    wrong = "000000" if code_sent_to(guardian.phone) != "000000" else "111111"
    new = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    statuses = [
        client.post("/accounts/password/reset/", {"code": wrong, **new}).status_code for _ in range(5)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(client, "/accounts/password/reset/", guardian.phone)  # a fresh code, while locked
    right = client.post("/accounts/password/reset/", {"code": code_sent_to(guardian.phone), **new})

    assert statuses == [200] * 4 + [429]
    assert right.status_code == 429
    guardian.refresh_from_db()
    assert guardian.check_password(DEFAULT_PASSWORD) and not guardian.check_password(NEW_PASSWORD)
