"""How a page shows a service's refusal: ``refusal_shown`` puts it on the next page as messages and keeps it;
anything else, ``NotPermitted`` included, goes on up to become the answer."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from tuoyu.refusals import NotPermitted, Refusal, refusal_shown


@pytest.fixture
def request_with_messages(rf: RequestFactory) -> HttpRequest:
    request = rf.post("/")
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _shown(request: HttpRequest) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in messages.get_messages(request)]


def test_a_refusal_becomes_messages_and_is_kept(request_with_messages: HttpRequest) -> None:
    refusal = Refusal(["The licence is missing.", "The floor plan is missing."], "filing_incomplete")
    with refusal_shown(request_with_messages) as attempt:
        raise refusal
    assert attempt.refused is refusal
    assert _shown(request_with_messages) == [
        (messages.ERROR, "The licence is missing."),
        (messages.ERROR, "The floor plan is missing."),
    ]


def test_the_rest_of_the_block_is_skipped(request_with_messages: HttpRequest) -> None:
    with refusal_shown(request_with_messages) as attempt:
        raise Refusal("The class is full.", "class_full", conflict=True)
        messages.success(request_with_messages, "Done.")
    assert attempt.refused is not None and attempt.refused.code == "class_full"
    assert _shown(request_with_messages) == [(messages.ERROR, "The class is full.")]


def test_a_models_validation_error_is_shown_too(request_with_messages: HttpRequest) -> None:
    with refusal_shown(request_with_messages) as attempt:
        raise ValidationError({"name": ["This field cannot be blank."]})
    assert isinstance(attempt.refused, ValidationError)
    assert _shown(request_with_messages) == [(messages.ERROR, "This field cannot be blank.")]


def test_success_leaves_refused_none(request_with_messages: HttpRequest) -> None:
    with refusal_shown(request_with_messages) as attempt:
        messages.success(request_with_messages, "Done.")
    assert attempt.refused is None
    assert _shown(request_with_messages) == [(messages.SUCCESS, "Done.")]


def test_kept_without_messages_when_the_page_shows_it_in_place(request_with_messages: HttpRequest) -> None:
    with refusal_shown(request_with_messages, show=False) as attempt:
        raise Refusal("Not a plausible body temperature.", "implausible_temperature")
    assert attempt.refused is not None and attempt.refused.messages == ["Not a plausible body temperature."]
    assert _shown(request_with_messages) == []


def test_not_permitted_goes_on_up(request_with_messages: HttpRequest) -> None:
    with pytest.raises(NotPermitted), refusal_shown(request_with_messages) as attempt:
        raise NotPermitted("Only the director may.")
    assert attempt.refused is None
    assert _shown(request_with_messages) == []


def test_other_errors_go_on_up(request_with_messages: HttpRequest) -> None:
    with pytest.raises(KeyError), refusal_shown(request_with_messages) as attempt:
        raise KeyError("posted field")
    assert attempt.refused is None
