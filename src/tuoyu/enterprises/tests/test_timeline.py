"""A request's two timelines: the public one never shows an internal step, the internal one shows every step
to the desk and the departments only."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from tuoyu.accounts.models import User
from tuoyu.enterprises.models import Department, Enterprise, RatingChannel, ServiceTeam, Urgency
from tuoyu.enterprises.selectors.timeline import (
    internal_timeline,
    internal_timelines,
    progress_of,
    public_timeline,
    request_by_token,
)
from tuoyu.enterprises.services.requests import (
    extension_ask,
    extension_decide,
    request_accept,
    request_rate,
    requests_remind_overdue,
)
from tuoyu.enterprises.tests.progress_helpers import ANSWER, NOTE, PROBLEM, REPLY, handled, recorded
from tuoyu.refusals import NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_public_timeline_has_the_loops_steps_and_no_internal_one(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    request = handled(officer, enterprise, district_team, market_bureau, market_contact)
    request_rate(
        request=request, satisfaction="not_satisfied", channel=RatingChannel.ONLINE, comment="证没拿到"
    )

    steps = public_timeline(request)

    assert [step.action for step in steps] == ["recorded", "accepted", "dispatched", "closed", "reopened"]
    assert steps[2].note == market_bureau.name
    assert steps[3].note == ANSWER
    assert steps[4].note == "Not satisfied: 证没拿到"
    shown = repr(steps)
    assert REPLY not in shown and NOTE not in shown


def test_an_extension_shows_only_once_granted_with_its_new_deadline(
    officer: User, team_leader: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = recorded(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    extension_ask(request=request, actor=officer, days=5, reason="需现场踏勘QXE")
    assert [step.action for step in public_timeline(request)] == ["recorded", "accepted"]

    extension_decide(request=request, actor=team_leader, grant=True, note="队长内部意见QXD")

    granted = public_timeline(request)[-1]
    assert granted.action == "extension_granted"
    assert granted.note == "New deadline: Dec. 11, 2026"  # 2026-12-04 + 5 working days
    assert "QXE" not in repr(public_timeline(request)) and "QXD" not in repr(public_timeline(request))


def test_reminders_and_refused_extensions_stay_internal(
    officer: User, team_leader: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = recorded(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    extension_ask(request=request, actor=officer, days=2, reason="原因QXE")
    extension_decide(request=request, actor=team_leader, grant=False, note="不同意QXF")
    assert requests_remind_overdue(on=datetime.date(2026, 12, 8)) == 1

    assert [step.action for step in public_timeline(request)] == ["recorded", "accepted"]
    internal = [step.action for step in internal_timeline(request, officer)]
    assert internal == ["opened", "accept", "extension_asked", "extension_refused", "remind"]


def test_the_internal_timeline_is_every_step_for_the_desk_the_course_for_the_department(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    officer_b: User,
    tax_contact: User,
    contact_user: User,
) -> None:
    request = handled(officer, enterprise, district_team, market_bureau, market_contact)

    steps = internal_timeline(request, officer)
    assert [step.action for step in steps] == ["opened", "accept", "dispatch", "reply", "note", "close"]
    assert [step.public for step in steps] == [True, True, True, False, False, True]
    reply = steps[3]
    assert reply.note == f"{market_bureau.name}：{REPLY}" and reply.by == market_contact.display_name
    # The department reads its own reply, never the desk's internal note.
    steps = internal_timeline(request, market_contact)
    assert [step.action for step in steps] == ["opened", "accept", "dispatch", "reply", "close"]
    for outsider in (officer_b, tax_contact, contact_user, None):
        with pytest.raises(NotPermitted):
            internal_timeline(request, outsider)


def test_a_request_is_found_by_its_code_and_token_only(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = recorded(officer, enterprise, district_team)

    assert request_by_token(request.code, request.token) == request
    assert request_by_token(str(request.code), request.token) == request
    assert request_by_token(request.code, request.token[:-1] + "x") is None
    assert request_by_token(request.code, "") is None
    assert request_by_token("00000000-0000-0000-0000-000000000000", request.token) is None
    assert request_by_token(request.code, "令牌" * 40) is None


def test_the_progress_says_the_status_in_plain_words_and_the_answer_once_closed(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    request = handled(officer, enterprise, district_team, market_bureau, market_contact, close=False)
    shown = progress_of(request)
    assert (shown.status, shown.answer, shown.rating_due) == ("dispatched", None, False)
    assert shown.status_label == "Being handled with the departments concerned"
    assert (shown.problem, shown.category_label) == (PROBLEM, "Approvals and licences")
    assert shown.deadline == datetime.date(2026, 12, 4)  # accepted Wednesday, ordinary: 7 working days

    closed = handled(officer, enterprise, district_team, market_bureau, market_contact)
    shown = progress_of(closed)
    assert (shown.status, shown.answer, shown.rating_due) == ("closed", ANSWER, True)
    assert closed.urgency == Urgency.ORDINARY


def test_the_timelines_of_an_enterprises_requests_at_once_for_its_desk(
    officer: User,
    enterprise: Enterprise,
    enterprise_b: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    officer_b: User,
    django_assert_num_queries: Any,
) -> None:
    first = handled(officer, enterprise, district_team, market_bureau, market_contact)
    second = recorded(officer, enterprise, district_team)

    desk = User.objects.get(pk=officer.pk)  # as a new request sees them: their roles not read yet
    with django_assert_num_queries(3):  # the actor's roles, the enterprises served, the steps
        timelines = internal_timelines([first, second], desk)

    assert [step.action for step in timelines[first.pk]] == [
        s.action for s in internal_timeline(first, officer)
    ]
    assert [step.action for step in timelines[second.pk]] == ["opened"]
    for outsider in (officer_b, market_contact, None):
        with pytest.raises(NotPermitted):
            internal_timelines([first, second], outsider)
