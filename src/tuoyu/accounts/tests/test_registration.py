"""Guardian self-registration by mobile number: a 6-digit code by text message, then the account.

The code exists only in the text message (the database keeps a keyed digest), so the tests read it from
``tuoyu.sms.MemoryBackend.outbox``. Messages are sent when the transaction commits.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tuoyu.accounts.models import PhoneVerification, Role, User
from tuoyu.accounts.services import guardian_register, verification_send
from tuoyu.accounts.tests.helpers import _english, outbox
from tuoyu.refusals import Refusal
from tuoyu.sms import MemoryBackend

pytestmark = pytest.mark.django_db
__all__ = ["_english", "outbox"]  # fixtures used by name

PHONE = "13712345678"
PASSWORD = "zhao-family-2026"


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Callable[..., str]:
    """Ask for a code (committed, so the text message leaves) and return the code the message carries."""

    def send(phone: str = PHONE, now: datetime.datetime | None = None) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            verification_send(phone=phone, now=now)
        return code_sent_to(phone)

    return send


def code_sent_to(phone: str) -> str:
    texts = [text for to, text in MemoryBackend.outbox if to == phone]
    assert texts, f"no text message to {phone}"
    match = re.search(r"\b(\d{6})\b", texts[-1])
    assert match, texts[-1]
    return match.group(1)


def refusal_code(action: Callable[[], object]) -> str:
    with pytest.raises(Refusal) as refused:
        action()
    return str(refused.value.code)


def register(code: str, **extra: Any) -> User:
    values = {"phone": PHONE, "code": code, "display_name": "赵女士", "password": PASSWORD, **extra}
    return guardian_register(**values)


# Sending the code -----------------------------------------------------------------------------------------


def test_the_code_goes_out_by_text_message_and_only_its_digest_is_stored(
    send: Callable[..., str], outbox: list[tuple[str, str]]
) -> None:
    code = send()

    ((phone, text),) = outbox
    assert phone == PHONE
    assert "验证码" in text and "10分钟" in text
    verification = PhoneVerification.objects.get()
    assert code not in verification.code_digest
    assert verification.expires_at - verification.sent_at == datetime.timedelta(minutes=10)
    assert verification.attempts == 0 and verification.used_at is None


def test_no_text_message_leaves_before_the_commit(
    outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        verification_send(phone=PHONE)

    assert outbox == []
    assert len(callbacks) == 1


def test_a_number_with_an_account_gets_a_text_to_sign_in_and_no_code(
    guardian: User, outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        verification_send(phone=guardian.phone)

    ((phone, text),) = outbox
    assert phone == guardian.phone
    assert "已注册" in text and "请直接登录" in text
    assert not re.search(r"\d{6}", text)
    assert PhoneVerification.objects.filter(phone=guardian.phone).count() == 1  # counts towards the limits


def test_a_registered_number_cannot_be_texted_more_often_than_a_new_one(guardian: User) -> None:
    now = timezone.now()
    verification_send(phone=guardian.phone, now=now)

    assert (
        refusal_code(
            lambda: verification_send(phone=guardian.phone, now=now + datetime.timedelta(seconds=30))
        )
        == "code_too_soon"
    )


def test_a_number_that_is_not_a_mainland_mobile_gets_no_code() -> None:
    with pytest.raises(ValidationError):
        verification_send(phone="12345678901")

    assert not PhoneVerification.objects.exists()


def test_a_second_code_within_a_minute_is_refused(send: Callable[..., str]) -> None:
    now = timezone.now()
    send(now=now)

    assert (
        refusal_code(lambda: verification_send(phone=PHONE, now=now + datetime.timedelta(seconds=59)))
        == "code_too_soon"
    )
    send(now=now + datetime.timedelta(seconds=61))
    assert PhoneVerification.objects.count() == 2


def test_at_most_5_codes_an_hour(send: Callable[..., str]) -> None:
    now = timezone.now()
    for minute in range(0, 50, 10):
        send(now=now + datetime.timedelta(minutes=minute))

    sixth = refusal_code(lambda: verification_send(phone=PHONE, now=now + datetime.timedelta(minutes=55)))
    send(now=now + datetime.timedelta(minutes=61))  # the first one is more than an hour old

    assert sixth == "code_limit"
    assert PhoneVerification.objects.count() == 6


def test_limits_are_per_number(send: Callable[..., str]) -> None:
    now = timezone.now()
    send(now=now)

    send(phone="13712345679", now=now)

    assert PhoneVerification.objects.count() == 2


# Registering ---------------------------------------------------------------------------------------------


def test_the_right_code_creates_a_guardian(send: Callable[..., str]) -> None:
    user = register(send(), language="en")

    assert (user.phone, user.display_name, user.preferred_language) == (PHONE, "赵女士", "en")
    assert user.check_password(PASSWORD)
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.GUARDIAN]
    assert PhoneVerification.objects.get().used_at is not None


def test_a_wrong_code_uses_up_an_attempt_that_is_kept(send: Callable[..., str]) -> None:
    code = send()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert refusal_code(lambda: register(wrong)) == "code_wrong"

    assert PhoneVerification.objects.get().attempts == 1
    assert not User.objects.filter(phone=PHONE).exists()
    assert register(code).phone == PHONE  # a wrong try does not spoil the right code


def test_after_5_wrong_codes_even_the_right_one_is_expired(send: Callable[..., str]) -> None:
    code = send()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    codes = [refusal_code(lambda: register(wrong)) for _ in range(5)]

    assert codes == ["code_wrong"] * 5
    assert PhoneVerification.objects.get().attempts == 5
    assert refusal_code(lambda: register(code)) == "code_expired"
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_code_older_than_10_minutes_is_expired(send: Callable[..., str]) -> None:
    now = timezone.now()
    code = send(now=now)

    late = refusal_code(lambda: register(code, now=now + datetime.timedelta(minutes=10, seconds=1)))

    assert late == "code_expired"
    assert register(code, now=now + datetime.timedelta(minutes=9)).phone == PHONE


def test_a_code_never_sent_is_expired() -> None:
    assert refusal_code(lambda: register("123456")) == "code_expired"


def test_only_the_latest_code_counts(send: Callable[..., str]) -> None:
    now = timezone.now()
    first = send(now=now)
    second = send(now=now + datetime.timedelta(minutes=2))

    if first != second:
        assert refusal_code(lambda: register(first, now=now + datetime.timedelta(minutes=3))) == "code_wrong"
    assert register(second, now=now + datetime.timedelta(minutes=3)).phone == PHONE


def test_a_used_code_cannot_open_a_second_account(send: Callable[..., str]) -> None:
    code = send()
    register(code)

    assert refusal_code(lambda: register(code)) == "code_expired"
    assert User.objects.filter(phone=PHONE).count() == 1


def test_a_weak_password_is_refused_without_using_an_attempt(send: Callable[..., str]) -> None:
    code = send()

    with pytest.raises(ValidationError):
        register(code, password="12345678")

    assert PhoneVerification.objects.get().attempts == 0
    assert not User.objects.filter(phone=PHONE).exists()


# The API ---------------------------------------------------------------------------------------------------


def test_the_api_sends_a_code_and_registers_with_a_token(
    anonymous_api: APIClient, outbox: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = anonymous_api.post("/api/v1/auth/verification-code/", {"phone": PHONE}, format="json")
    code = code_sent_to(PHONE)

    response = anonymous_api.post(
        "/api/v1/auth/register/",
        {"phone": PHONE, "code": code, "display_name": "赵女士", "password": PASSWORD},
        format="json",
    )

    assert sent.status_code == 202
    assert "valid for 10 minutes" in sent.json()["detail"]
    assert response.status_code == 201, response.content
    user = User.objects.get(phone=PHONE)
    assert response.json()["token"].startswith(AuthToken.objects.get(user=user).token_key)
    assert user.preferred_language == "en"  # the language the app asked in
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert [r["role"] for r in me.get("/api/v1/me/").json()["roles"]] == ["guardian"]


def test_the_api_answers_refusals_with_their_codes(
    anonymous_api: APIClient, guardian: User, send: Callable[..., str]
) -> None:
    code = send()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    too_soon = anonymous_api.post("/api/v1/auth/verification-code/", {"phone": PHONE}, format="json")
    wrong_code = anonymous_api.post(
        "/api/v1/auth/register/",
        {"phone": PHONE, "code": wrong, "display_name": "赵女士", "password": PASSWORD},
        format="json",
    )

    assert (too_soon.status_code, too_soon.json()["code"]) == (409, "code_too_soon")
    assert (wrong_code.status_code, wrong_code.json()["code"]) == (400, "code_wrong")
    assert PhoneVerification.objects.get().attempts == 1  # kept although the request failed
    assert not User.objects.filter(phone=PHONE).exists()


# The page --------------------------------------------------------------------------------------------------


def test_registering_on_the_page_signs_in_and_leads_to_the_privacy_notice(
    anonymous_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    start = anonymous_client.get("/accounts/register/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = anonymous_client.post("/accounts/register/", {"phone": PHONE, "send_code": "1"}, follow=True)
    code = code_sent_to(PHONE)

    registered = anonymous_client.post(
        "/accounts/register/",
        {"code": code, "display_name": "赵女士", "password": PASSWORD, "register": "1"},
    )

    assert "Send me a code" in start and 'data-step="register"' not in start
    assert f"A text message is on its way to {PHONE}." in sent.content.decode()
    assert f"Enter the code sent to {PHONE}." in sent.content.decode()
    assert (registered.status_code, registered["Location"]) == (302, "/family/privacy/")
    user = User.objects.get(phone=PHONE)
    assert int(anonymous_client.session["_auth_user_id"]) == user.pk
    assert user.role_assignments.get().role == Role.GUARDIAN
    assert "赵女士" in anonymous_client.get("/family/privacy/").content.decode()


def test_a_wrong_code_on_the_page_is_shown_and_creates_nothing(
    anonymous_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        anonymous_client.post("/accounts/register/", {"phone": PHONE, "send_code": "1"})
    wrong = f"{(int(code_sent_to(PHONE)) + 1) % 1_000_000:06d}"

    response = anonymous_client.post(
        "/accounts/register/",
        {"code": wrong, "display_name": "赵女士", "password": PASSWORD, "register": "1"},
    )

    assert response.status_code == 200
    assert "The code is not correct." in response.content.decode()
    assert not User.objects.filter(phone=PHONE).exists()
    assert "_auth_user_id" not in anonymous_client.session


def test_the_page_and_the_api_answer_a_registered_number_as_a_new_one(
    anonymous_client: Client, anonymous_api: APIClient, guardian: User
) -> None:
    """Nobody learns from the answer whether a number has an account (the text message says it)."""
    page = {
        phone: Client(HTTP_ACCEPT_LANGUAGE="en").post(
            "/accounts/register/", {"phone": phone, "send_code": "1"}, follow=True
        )
        for phone in (guardian.phone, PHONE)
    }
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):  # past the resend limit
        api = {
            phone: APIClient().post("/api/v1/auth/verification-code/", {"phone": phone}, format="json")
            for phone in (guardian.phone, "13712340000")
        }

    assert [r.status_code for r in page.values()] == [200, 200]
    assert [r.redirect_chain for r in page.values()] == [[("/accounts/register/", 302)]] * 2
    for phone, response in page.items():
        assert f"A text message is on its way to {phone}." in response.content.decode()
        assert "already" not in response.content.decode()
    assert [r.status_code for r in api.values()] == [202, 202]
    assert len({r.content for r in api.values()}) == 1


def test_a_signed_in_user_is_sent_to_their_family_page(client_as: Callable[[str], Client]) -> None:
    response = client_as("guardian").get("/accounts/register/")

    assert (response.status_code, response["Location"]) == (302, "/family/")


def test_the_header_offers_registration_to_visitors(anonymous_client: Client) -> None:
    assert 'href="/accounts/register/"' in anonymous_client.get("/accounts/login/").content.decode()
