"""A request from recording to the follow-up, on the case engine, with the rules of each step."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Department,
    Dispatch,
    Enterprise,
    Extension,
    RatingChannel,
    Satisfaction,
    ServiceRequest,
    ServiceTeam,
    Urgency,
)
from tuoyu.enterprises.services import requests as services
from tuoyu.enterprises.services.requests import (
    Problem,
    dispatch_reply,
    extension_ask,
    extension_decide,
    request_accept,
    request_close,
    request_dispatch,
    request_rate,
    request_record,
    requests_remind_overdue,
)
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted, Refusal

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _record(
    officer: User, enterprise: Enterprise, team: ServiceTeam, urgency: str = Urgency.ORDINARY
) -> ServiceRequest:
    return request_record(
        actor=officer,
        enterprise=enterprise,
        team=team,
        problem=Problem(category="approval", urgency=urgency, description="食品经营许可证延续办理慢"),
    )


@pytest.mark.clock("2026-11-27T16:45:00+08:00")  # a Friday, 45 office minutes before the close
def test_a_request_is_to_be_accepted_within_two_office_hours(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)

    assert request.case.number.startswith("企服〔2026〕")
    assert request.case.status == kinds.RECORDED
    # 45 minutes on Friday, then 75 from Monday 08:30.
    assert request.accept_by.replace(second=0, microsecond=0) == datetime.datetime(
        2026, 11, 30, 9, 45, tzinfo=SHANGHAI
    )


def test_accepting_starts_the_deadline_in_working_days(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.COMPLEX)

    request_accept(request=request, actor=officer)

    request.case.refresh_from_db()
    assert request.case.status == kinds.ACCEPTED
    # Wednesday 2026-11-25 + 15 working days.
    assert request.case.deadline == datetime.date(2026, 12, 16)


def test_the_full_loop_with_a_department_and_a_reopening(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    team_leader: User,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[market_bureau])
    assert dispatch.lead
    assert Notification.objects.filter(user=market_contact, kind=NotificationKind.DISPATCH_RECEIVED).exists()

    with pytest.raises(Refusal) as unanswered:
        request_close(request=request, actor=officer, answer="已办", resolved=True)
    assert unanswered.value.code == "request_dispatch_unanswered"

    dispatch_reply(dispatch=dispatch, actor=market_contact, reply="已开通绿色通道，3日内办结")
    request_close(request=request, actor=officer, answer="许可证已延续", resolved=True)
    request.case.refresh_from_db()
    assert request.case.status == kinds.CLOSED and request.case.closed_at is not None

    request_rate(
        request=request,
        satisfaction=Satisfaction.NOT_SATISFIED,
        channel=RatingChannel.ONLINE,
        comment="证还没拿到",
    )
    request.refresh_from_db()
    request.case.refresh_from_db()
    assert request.case.status == kinds.REOPENED
    assert request.case.closed_at is None
    assert request.times_reopened == 1
    assert Notification.objects.filter(user=team_leader, kind=NotificationKind.ENTERPRISE_REQUEST).exists()


def test_outsiders_get_not_permitted(
    officer_b: User, market_contact: User, enterprise: Enterprise, district_team: ServiceTeam, officer: User
) -> None:
    request = _record(officer, enterprise, district_team)
    with pytest.raises(NotPermitted):
        request_accept(request=request, actor=officer_b)
    with pytest.raises(NotPermitted):
        request_accept(request=request, actor=market_contact)
    assert not ServiceRequest.objects.visible_to(officer_b).exists()
    assert not ServiceRequest.objects.visible_to(market_contact).exists()


def test_one_extension_asked_before_the_deadline_and_decided_by_the_leader(
    officer: User, team_leader: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.SIMPLE)
    request_accept(request=request, actor=officer)
    deadline = request.case.deadline
    assert deadline == datetime.date(2026, 11, 30)

    extension_ask(request=request, actor=officer, days=5, reason="需现场踏勘")
    with pytest.raises(Refusal) as twice:
        extension_ask(request=request, actor=officer, days=2, reason="再延")
    assert twice.value.code == "extension_once"
    with pytest.raises(NotPermitted):
        extension_decide(request=request, actor=officer, grant=True)

    extension_decide(request=request, actor=team_leader, grant=True)
    request.case.refresh_from_db()
    assert request.case.deadline == datetime.date(2026, 12, 7)


def test_a_missed_deadline_is_reminded_the_working_day_after_once(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    clock,
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.SIMPLE)
    request_accept(request=request, actor=officer)
    request_dispatch(request=request, actor=officer, departments=[market_bureau])
    deadline = request.case.deadline  # Monday 2026-11-30

    assert requests_remind_overdue(on=deadline) == 0
    assert requests_remind_overdue(on=datetime.date(2026, 12, 1)) == 1
    assert requests_remind_overdue(on=datetime.date(2026, 12, 1)) == 0
    assert requests_remind_overdue(on=datetime.date(2026, 12, 2)) == 0
    assert (
        Notification.objects.filter(user=market_contact, kind=NotificationKind.DISPATCH_REMINDER).count() == 1
    )
    assert request.case.events.filter(action=kinds.REMIND).count() == 1


def test_an_extension_after_the_deadline_is_refused(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam, clock
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.SIMPLE)
    request_accept(request=request, actor=officer)
    clock.move_to(datetime.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI))
    with pytest.raises(Refusal) as late:
        extension_ask(request=request, actor=officer, days=3, reason="晚了")
    assert late.value.code == "extension_too_late"
    assert timezone.localdate() > request.case.deadline  # type: ignore[operator]


@pytest.mark.clock("2026-12-15T10:00:00+08:00")
def test_a_deadline_in_a_year_whose_holidays_are_not_published_says_so(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.COMPLEX)

    request_accept(request=request, actor=officer)

    request.case.refresh_from_db()
    assert request.case.deadline is None
    assert request.case.deadline_year_unknown == 2027
    with pytest.raises(Refusal) as no_deadline:
        extension_ask(request=request, actor=officer, days=3, reason="等待")
    assert no_deadline.value.code == "extension_no_deadline"


def test_a_visit_with_two_problems_opens_two_requests_jointly_with_the_city_team(
    officer: User,
    city_officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
) -> None:
    visit = visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=datetime.date(2026, 11, 25),
        teams=[city_team, district_team],
        visitors=[city_officer],
        discussed="了解企业扩建用地和用工情况",
        problems=[
            Problem(category="land", urgency=Urgency.COMPLEX, description="扩建用地规划许可"),
            Problem(category="labour", urgency=Urgency.SIMPLE, description="招工难"),
        ],
    )

    requests = list(visit.requests.all())
    assert len(requests) == 2
    assert {r.team for r in requests} == {district_team}  # the recording officer's own team is in charge
    assert {r.joint_team for r in requests} == {city_team}
    assert visit.is_joint


def test_a_visit_is_refused_whole_when_one_problem_is_empty(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    with pytest.raises(Refusal):
        visit_record(
            actor=officer,
            enterprise=enterprise,
            visited_on=datetime.date(2026, 11, 25),
            teams=[district_team],
            discussed="走访",
            problems=[
                Problem(category="tax", urgency=Urgency.SIMPLE, description="留抵退税"),
                Problem(category="tax", urgency=Urgency.SIMPLE, description="  "),
            ],
        )
    assert not ServiceRequest.objects.exists()
    assert not enterprise.visits.exists()


# Two clicks: the second, read before the first was saved, is refused, never an error nor a second write.


def _after_another_click(monkeypatch: pytest.MonkeyPatch, other: Callable[[], object]) -> None:
    """The other click's write lands just before this one takes the request (the case engine's lock)."""
    real = services.case_act
    done: list[bool] = []

    def act(**kwargs: Any) -> Any:
        if not done:
            done.append(True)
            other()
        return real(**kwargs)

    monkeypatch.setattr(services, "case_act", act)


def test_a_second_click_sending_to_a_department_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    now = timezone.now()
    _after_another_click(
        monkeypatch,
        lambda: Dispatch.objects.create(
            request=request, department=market_bureau, lead=True, dispatched_at=now, dispatched_by=officer
        ),
    )

    with pytest.raises(Refusal) as refused:
        request_dispatch(request=request, actor=officer, departments=[market_bureau])

    assert refused.value.code == "dispatch_already_sent"


def test_a_second_click_asking_the_extension_is_refused(
    monkeypatch: pytest.MonkeyPatch, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    _after_another_click(
        monkeypatch,
        lambda: Extension.objects.create(
            request=request, days=2, reason="原因", asked_at=timezone.now(), asked_by=officer
        ),
    )

    with pytest.raises(Refusal) as refused:
        extension_ask(request=request, actor=officer, days=2, reason="原因")

    assert refused.value.code == "extension_once"


def test_a_department_replies_once_however_many_clicks(
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[market_bureau])
    first, second = Dispatch.objects.get(pk=dispatch.pk), Dispatch.objects.get(pk=dispatch.pk)
    dispatch_reply(dispatch=first, actor=market_contact, reply="第一次答复")

    with pytest.raises(Refusal) as refused:
        dispatch_reply(dispatch=second, actor=market_contact, reply="第二次答复")

    assert refused.value.code == "dispatch_already_replied"
    assert Dispatch.objects.get(pk=dispatch.pk).reply == "第一次答复"
    assert request.case.events.filter(action=kinds.REPLY).count() == 1
