"""The pages where requests are worked: the desk, the request list, the request page with its actions, the
department contact's dispatches and the signed-in enterprise contact's requests; who reaches each."""

import datetime
import importlib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.personas import sign_in
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.cases.models import Case
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Category,
    Department,
    Dispatch,
    Enterprise,
    ExtensionStatus,
    ServiceRequest,
    ServiceTeam,
    Urgency,
)
from tuoyu.enterprises.services.requests import (
    Problem,
    dispatch_reply,
    extension_ask,
    request_accept,
    request_close,
    request_dispatch,
    request_note,
    request_rate,
    request_record,
    requests_remind_overdue,
)

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ClientAs = Callable[[str], Client]


def _record(
    officer: User,
    enterprise: Enterprise,
    team: ServiceTeam,
    urgency: str = Urgency.ORDINARY,
    description: str = "食品经营许可证延续办理慢",
    category: str = Category.APPROVAL,
) -> ServiceRequest:
    return request_record(
        actor=officer,
        enterprise=enterprise,
        team=team,
        problem=Problem(category=category, urgency=urgency, description=description),
    )


def _url(name: str, request: ServiceRequest, **kwargs: Any) -> str:
    return reverse(f"enterprises:{name}", kwargs={"code": request.code, **kwargs})


def _section(html: str, key: str) -> str:
    """The desk section ``key``'s HTML."""
    return html.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]


def _reload(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_related("case").get(pk=request.pk)


# The desk ---------------------------------------------------------------------------------------------------


@pytest.mark.clock("2026-11-27T16:45:00+08:00")
def test_the_desk_lists_requests_to_accept_and_marks_those_not_accepted_in_time(
    client_as: ClientAs, clock: Any, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)  # to be accepted by Monday 09:45

    html = client_as("officer").get("/enterprise-service/").content.decode()
    accept = _section(html, "accept")
    assert str(request.code) in accept and "data-late" not in accept

    clock.move_to(datetime.datetime(2026, 11, 30, 9, 50, tzinfo=SHANGHAI))
    accept = _section(client_as("officer").get("/enterprise-service/").content.decode(), "accept")
    assert str(request.code) in accept and "data-late" in accept
    assert "Not accepted in time" in accept


def test_the_team_leader_sees_the_request_on_the_overdue_list_once_its_deadline_passes(
    client_as: ClientAs,
    clock: Any,
    officer: User,
    team_leader: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.SIMPLE)
    request_accept(request=request, actor=officer)  # deadline Monday 2026-11-30
    leader = client_as("team_leader")

    clock.move_to(datetime.datetime(2026, 11, 30, 17, 0, tzinfo=SHANGHAI))
    assert str(request.code) not in _section(leader.get("/enterprise-service/").content.decode(), "overdue")

    clock.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    overdue = _section(leader.get("/enterprise-service/").content.decode(), "overdue")
    assert str(request.code) in overdue
    assert "data-mine" in overdue  # the leader's own team


def test_the_desk_lists_follow_ups_due_extensions_awaiting_and_recently_reopened(
    client_as: ClientAs,
    officer: User,
    team_leader: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
) -> None:
    closed = _record(officer, enterprise, district_team, description="用电增容")
    request_accept(request=closed, actor=officer)
    request_close(request=closed, actor=officer, answer="已协调供电公司", resolved=True)
    extended = _record(officer, enterprise, district_team, description="消防验收")
    request_accept(request=extended, actor=officer)
    extension_ask(request=extended, actor=officer, days=5, reason="需现场踏勘")
    reopened = _record(officer, enterprise, district_team, description="招工难")
    request_accept(request=reopened, actor=officer)
    request_close(request=reopened, actor=officer, answer="已推送招聘会", resolved=True)
    reopened.case.refresh_from_db()
    request_rate(request=reopened, satisfaction="not_satisfied", channel="online", comment="仍缺人")

    leader_html = client_as("team_leader").get("/enterprise-service/").content.decode()
    officer_html = client_as("officer").get("/enterprise-service/").content.decode()

    assert str(closed.code) in _section(leader_html, "follow_up")
    extensions = _section(leader_html, "extensions")
    assert str(extended.code) in extensions and "data-decides" in extensions
    assert "data-decides" not in _section(officer_html, "extensions")  # not theirs to decide
    assert str(reopened.code) in _section(leader_html, "reopened")
    assert 'data-figure="reopened">1<' in leader_html


def test_each_desk_section_downloads_as_excel(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)

    response = client_as("officer").get("/enterprise-service/?section=accept&format=xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [request.case.number]
    assert client_as("officer").get("/enterprise-service/?section=nope&format=xlsx").status_code == 404


def test_an_empty_desk_says_so_plainly(client_as: ClientAs, officer: User) -> None:
    html = client_as("officer").get("/enterprise-service/").content.decode()

    for key in ("accept", "overdue", "follow_up", "extensions", "reopened"):
        assert 'class="empty"' in _section(html, key)


# The request list -------------------------------------------------------------------------------------------


def _listed(client: Client, query: str = "") -> list[str]:
    html = client.get(f"/enterprise-service/requests/{query}").content.decode()
    return re.findall(r'<li class="result[^"]*" data-request="([^"]+)"', html)


@pytest.mark.clock("2026-10-20T10:00:00+08:00")
def test_the_request_list_filters_by_status_team_category_urgency_overdue_and_month(
    client_as: ClientAs,
    clock: Any,
    officer: User,
    city_officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
) -> None:
    october = _record(officer, enterprise, district_team, Urgency.SIMPLE, category=Category.TAX)
    request_accept(request=october, actor=officer)  # deadline 2026-10-23
    clock.move_to(datetime.datetime(2026, 11, 25, 10, tzinfo=SHANGHAI))
    november = _record(officer, enterprise, city_team, Urgency.COMPLEX, category=Category.LAND)
    client = client_as("officer")
    both = {str(october.code), str(november.code)}

    assert set(_listed(client)) == both
    assert _listed(client, "?status=recorded") == [str(november.code)]
    assert _listed(client, "?status=handling") == [str(october.code)]
    assert _listed(client, f"?team={city_team.pk}") == [str(november.code)]
    assert _listed(client, "?category=tax") == [str(october.code)]
    assert _listed(client, "?urgency=complex") == [str(november.code)]
    assert _listed(client, "?overdue=on") == [str(october.code)]
    assert _listed(client, "?month=2026-10") == [str(october.code)]
    assert set(_listed(client, "?month=not-a-month&category=nope")) == both  # a bad value narrows nothing


def test_a_month_at_the_calendars_ends_is_no_error(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)
    client = client_as("officer")

    for month in ("9999-12", "0001-01"):
        assert client.get(f"/enterprise-service/requests/?month={month}").status_code == 200, month
        assert _listed(client, f"?month={month}") == [str(request.code)]  # a bad value narrows nothing


def test_the_request_list_downloads_as_excel_with_its_filters(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    tax = _record(officer, enterprise, district_team, category=Category.TAX)
    _record(officer, enterprise, district_team, category=Category.LAND)

    response = client_as("officer").get("/enterprise-service/requests/?category=tax&format=xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [tax.case.number]
    assert rows[0][1] == enterprise.name


def test_an_empty_request_list_says_so(client_as: ClientAs, officer: User) -> None:
    html = client_as("officer").get("/enterprise-service/requests/").content.decode()

    assert 'class="empty"' in html


# The request page -------------------------------------------------------------------------------------------


def test_the_request_page_shows_the_request_its_deadline_timeline_and_progress_link(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.COMPLEX)
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(
        request=request, actor=officer, departments=[market_bureau], instruction="请开通绿色通道"
    )
    dispatch_reply(dispatch=dispatch, actor=market_contact, reply="已受理，3日内办结")
    request_note(request=request, actor=officer, note="已电话联系企业负责人")

    html = client_as("officer").get(_url("request", request)).content.decode()

    assert enterprise.name in html and enterprise.contact_phone in html
    assert "食品经营许可证延续办理慢" in html
    assert re.search(r"data-deadline>Dec\. 16, 2026 \(15 working days\)", html)
    assert "请开通绿色通道" in html and "已受理，3日内办结" in html
    steps = re.findall(r'<li data-action="([^"]+)">', html)
    assert steps == ["opened", "accept", "dispatch", "reply", "note"]
    assert "李专员" in html and "市监联络员" in html  # every step with its actor
    link = f"{settings.TUOYU_SITE_URL}/service/progress/{request.code}/?token={request.token}"
    assert f'value="{link}"' in html


@pytest.mark.clock("2026-12-15T10:00:00+08:00")
def test_a_deadline_in_a_year_not_yet_published_says_so(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.COMPLEX)
    request_accept(request=request, actor=officer)

    html = client_as("officer").get(_url("request", request)).content.decode()

    assert "the holidays of 2027 are not published yet" in html
    assert 'id="extension-ask"' not in html  # nothing to extend yet


def _forms(html: str) -> set[str]:
    return set(re.findall(r'<section class="card action" id="([^"]+)"', html))


def test_each_action_form_shows_only_to_who_may_take_it(
    client_as: ClientAs,
    officer: User,
    team_leader: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    request = _record(officer, enterprise, district_team)
    assert _forms(client_as("officer").get(_url("request", request)).content.decode()) == {"accept", "note"}

    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[market_bureau])
    extension_ask(request=request, actor=officer, days=3, reason="需会商")

    officer_forms = _forms(client_as("officer").get(_url("request", request)).content.decode())
    leader_forms = _forms(client_as("team_leader").get(_url("request", request)).content.decode())
    contact_html = client_as("market_contact").get(_url("request", request)).content.decode()

    assert officer_forms == {"dispatch", "close", "note"}
    assert leader_forms == {"dispatch", "close", "note", "decide"}
    assert _forms(contact_html) == {f"reply-{dispatch.pk}"}
    assert "data-progress-link" not in contact_html  # the enterprise's key is the desk's to send
    assert enterprise.contact_phone not in contact_html and enterprise.masked_contact_phone in contact_html

    request_close_ready = _record(officer, enterprise, district_team)
    request_accept(request=request_close_ready, actor=officer)
    request_close(request=request_close_ready, actor=officer, answer="已办", resolved=True)
    assert _forms(client_as("officer").get(_url("request", request_close_ready)).content.decode()) == {
        "follow-up",
        "note",
    }


def test_a_department_contact_reads_neither_internal_notes_nor_other_departments_replies(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    tax_bureau: Department,
    tax_contact: User,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    _market, tax = request_dispatch(request=request, actor=officer, departments=[market_bureau, tax_bureau])
    dispatch_reply(dispatch=tax, actor=tax_contact, reply="税务答复标记")
    request_note(request=request, actor=officer, note="内部备注标记")

    html = client_as("market_contact").get(_url("request", request)).content.decode()

    assert "税务答复标记" not in html and "内部备注标记" not in html
    assert tax_bureau.name in html  # they know who else has it, and whether it replied
    assert re.findall(r'<li data-action="([^"]+)">', html) == ["opened", "accept", "dispatch"]
    assert "内部备注标记" in client_as("officer").get(_url("request", request)).content.decode()


def test_the_enterprise_contact_signed_in_is_sent_to_the_progress_page(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam, contact_user: User
) -> None:
    request = _record(officer, enterprise, district_team)

    response = client_as("contact_user").get(_url("request", request))

    assert response.status_code == 302
    assert response["Location"] == f"/service/progress/{request.code}/?token={request.token}"


# Actions ----------------------------------------------------------------------------------------------------


def test_the_full_loop_through_the_pages(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    """record → accept → dispatch → reply → close → follow-up 不满意 → reopened, each step a page's form."""
    request = _record(officer, enterprise, district_team)
    desk, department = client_as("officer"), client_as("market_contact")

    assert desk.post(_url("request_accept", request)).status_code == 302
    assert _reload(request).case.status == kinds.ACCEPTED

    answer = desk.post(
        _url("request_dispatch", request), {"departments": [market_bureau.pk], "instruction": "请三日内答复"}
    )
    assert answer.status_code == 302
    dispatch = Dispatch.objects.get(request=request)
    assert dispatch.lead and _reload(request).case.status == kinds.DISPATCHED

    inbox = department.get("/enterprise-service/dispatches/").content.decode()
    assert f'data-dispatch="{dispatch.pk}"' in _section(inbox, "awaiting")
    reply = department.post(
        _url("dispatch_reply", request, pk=dispatch.pk), {f"reply-{dispatch.pk}-reply": "已开通绿色通道"}
    )
    assert reply.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.reply == "已开通绿色通道"
    assert f'data-dispatch="{dispatch.pk}"' in _section(
        department.get("/enterprise-service/dispatches/").content.decode(), "replied"
    )

    closed = desk.post(
        _url("request_close", request), {"answer": "许可证已延续", "resolved": "yes", "confirm": "on"}
    )
    assert closed.status_code == 302
    request = _reload(request)
    assert request.case.status == kinds.CLOSED and request.resolved is True

    followed = desk.post(
        _url("request_follow_up", request),
        {"channel": "phone", "satisfaction": "not_satisfied", "comment": "证还没拿到"},
    )
    assert followed.status_code == 302
    request = _reload(request)
    assert request.case.status == kinds.REOPENED and request.times_reopened == 1
    page = desk.get(_url("request", request)).content.decode()
    assert 'data-rating="not_satisfied"' in page and "证还没拿到" in page
    assert str(request.code) in _section(desk.get("/enterprise-service/").content.decode(), "reopened")


def test_an_extension_is_asked_and_granted_through_the_page(
    client_as: ClientAs,
    officer: User,
    team_leader: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
) -> None:
    request = _record(officer, enterprise, district_team, Urgency.SIMPLE)
    request_accept(request=request, actor=officer)  # deadline 2026-11-30

    asked = client_as("officer").post(
        _url("request_extension", request), {"days": "5", "reason": "需现场踏勘"}
    )
    assert asked.status_code == 302
    assert (
        client_as("officer")
        .post(_url("request_extension_decide", request), {"decision": "grant"})
        .status_code
        == 404
    )

    granted = client_as("team_leader").post(_url("request_extension_decide", request), {"decision": "grant"})

    assert granted.status_code == 302
    request = _reload(request)
    assert request.case.deadline == datetime.date(2026, 12, 7)
    assert request.extension.status == ExtensionStatus.GRANTED


def test_refusing_an_extension_needs_a_reason(
    client_as: ClientAs, officer: User, team_leader: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    extension_ask(request=request, actor=officer, days=3, reason="需会商")

    without = client_as("team_leader").post(_url("request_extension_decide", request), {"decision": "refuse"})
    assert without.status_code == 400
    assert _reload(request).extension.status == ExtensionStatus.ASKED

    refused = client_as("team_leader").post(
        _url("request_extension_decide", request), {"decision": "refuse", "note": "期限内可办结"}
    )
    assert refused.status_code == 302
    assert _reload(request).extension.status == ExtensionStatus.REFUSED


def test_an_internal_note_is_added_through_the_page(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)

    client_as("officer").post(_url("request_note", request), {"note": "企业负责人出差，下周联系"})

    assert request.case.events.filter(action=kinds.NOTE, note="企业负责人出差，下周联系").exists()


def test_an_action_refused_by_the_rules_shows_its_message_on_the_page(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    request_dispatch(request=request, actor=officer, departments=[market_bureau])

    response = client_as("officer").post(
        _url("request_close", request),
        {"answer": "已办", "resolved": "yes", "confirm": "on"},
        follow=True,
    )

    assert response.status_code == 200
    assert "A department has not replied yet: wait for its reply or remind it." in response.content.decode()
    assert _reload(request).case.status == kinds.DISPATCHED


def test_an_incomplete_form_comes_back_with_its_errors_and_changes_nothing(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)

    response = client_as("officer").post(
        _url("request_close", request), {"answer": "已办", "resolved": "yes"}
    )

    assert response.status_code == 400
    assert 'id="close"' in response.content.decode() and "errorlist" in response.content.decode()
    assert _reload(request).case.status == kinds.ACCEPTED


# The department contact's dispatches ---------------------------------------------------------------------


def test_the_inbox_puts_reminded_and_past_deadline_dispatches_first(
    client_as: ClientAs,
    clock: Any,
    officer: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
) -> None:
    def dispatched(urgency: str, text: str) -> Dispatch:
        request = _record(officer, enterprise, district_team, urgency, description=text)
        request_accept(request=request, actor=officer)
        return request_dispatch(request=request, actor=officer, departments=[market_bureau])[0]

    ordinary = dispatched(Urgency.COMPLEX, "复杂")  # deadline 2026-12-16
    past = dispatched(Urgency.ORDINARY, "一般")  # deadline 2026-12-04
    reminded = dispatched(Urgency.SIMPLE, "简易")  # deadline 2026-11-30, reminded on 12-01
    requests_remind_overdue(on=datetime.date(2026, 12, 1))
    clock.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))

    html = client_as("market_contact").get("/enterprise-service/dispatches/").content.decode()

    awaiting = re.findall(r'data-dispatch="(\d+)"', _section(html, "awaiting"))
    assert awaiting == [str(reminded.pk), str(past.pk), str(ordinary.pk)]
    assert "data-reminded" in _section(html, "awaiting") and "data-past" in _section(html, "awaiting")


def test_an_empty_inbox_says_so(client_as: ClientAs, market_contact: User) -> None:
    html = client_as("market_contact").get("/enterprise-service/dispatches/").content.decode()

    assert 'class="empty"' in _section(html, "awaiting")


# The signed-in enterprise contact --------------------------------------------------------------------------


def test_the_enterprise_contact_sees_their_requests_each_linking_to_its_progress_page(
    client_as: ClientAs,
    officer: User,
    enterprise: Enterprise,
    enterprise_b: Enterprise,
    district_team: ServiceTeam,
    contact_user: User,
) -> None:
    request = _record(officer, enterprise, district_team)

    html = client_as("contact_user").get("/enterprise-service/mine/").content.decode()

    assert f'href="/service/progress/{request.code}/?token={request.token}"' in html
    assert enterprise_b.name not in html


@pytest.mark.parametrize("persona", ["officer", "market_contact", "director_x"])
def test_anyone_else_sees_an_empty_page_of_their_own_requests(
    client_as: ClientAs, persona: str, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    _record(officer, enterprise, district_team)

    response = client_as(persona).get("/enterprise-service/mine/")

    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()
    assert "data-my-requests" not in response.content.decode()


# Homes ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "home"),
    [("officer", "/enterprise-service/"), ("market_contact", "/enterprise-service/dispatches/")],
)
def test_an_officer_lands_on_the_desk_and_a_department_contact_on_their_dispatches(
    client_as: ClientAs, persona: str, home: str
) -> None:
    response = client_as(persona).get("/")

    assert response.status_code == 302
    assert response["Location"] == home


def test_the_enterprise_contact_finds_their_requests_on_their_home(
    client_as: ClientAs, officer: User, enterprise: Enterprise, district_team: ServiceTeam, contact_user: User
) -> None:
    request = _record(officer, enterprise, district_team)

    html = client_as("contact_user").get("/").content.decode()

    assert 'data-panel="enterprise_requests"' in html and request.case.number in html


# Who reaches what -------------------------------------------------------------------------------------------

# (route, the method it answers, the personas who reach it); every other persona gets a 404 and an anonymous
# visitor is sent to sign in.
OUTSIDERS = ["officer_b", "tax_contact", "director_x", "contact_user"]
ROUTES: list[tuple[str, str, set[str]]] = [
    ("desk", "get", {"officer", "team_leader", "officer_b"}),  # district B's officer: their own (empty) desk
    ("requests", "get", {"officer", "team_leader", "officer_b"}),
    ("dispatches", "get", {"market_contact", "tax_contact"}),
    ("request", "get", {"officer", "team_leader", "market_contact", "contact_user"}),
    ("request_accept", "post", {"officer", "team_leader"}),
    ("request_dispatch", "post", {"officer", "team_leader"}),
    ("request_close", "post", {"officer", "team_leader"}),
    ("request_follow_up", "post", {"officer", "team_leader"}),
    ("request_extension", "post", {"officer", "team_leader", "market_contact"}),
    ("request_extension_decide", "post", {"team_leader"}),
    ("request_note", "post", {"officer", "team_leader"}),
    ("dispatch_reply", "post", {"market_contact"}),
]
PERSONAS = ["officer", "team_leader", "market_contact", *OUTSIDERS]


@pytest.mark.parametrize(("route", "method", "allowed"), ROUTES, ids=[r[0] for r in ROUTES])
def test_each_page_and_action_answers_its_side_and_404s_everyone_else(
    client_as: ClientAs,
    route: str,
    method: str,
    allowed: set[str],
    officer: User,
    team_leader: User,
    officer_b: User,
    enterprise: Enterprise,
    enterprise_b: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    tax_contact: User,
    contact_user: User,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[market_bureau])
    kwargs: dict[str, Any] = {}
    if route == "request" or route.startswith("request_"):
        kwargs = {"code": request.code}
    if route == "dispatch_reply":
        kwargs = {"code": request.code, "pk": dispatch.pk}
    url = reverse(f"enterprises:{route}", kwargs=kwargs)

    for persona in PERSONAS:
        response = getattr(client_as(persona), method)(url)
        if persona in allowed:
            assert response.status_code in (200, 302, 400), (persona, response.status_code)
        else:
            assert response.status_code == 404, (persona, response.status_code)
    anonymous = getattr(client_as("anonymous"), method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert _reload(request).case.status == kinds.DISPATCHED  # empty forms changed nothing


def test_district_b_officer_sees_none_of_district_a_on_their_desk_and_list(
    client_as: ClientAs, officer: User, officer_b: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    request = _record(officer, enterprise, district_team)
    client = client_as("officer_b")

    assert str(request.code) not in client.get("/enterprise-service/").content.decode()
    assert _listed(client) == []


def test_the_supervision_cases_of_an_administrator_leave_out_enterprise_requests(
    officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    """An enterprise's request is a case about no institution: the supervision case lists (which show each
    case's institution) do not read it, even for an administrator who sees everything."""
    _record(officer, enterprise, district_team)
    administrator = UserFactory.create(is_superuser=True, is_staff=True)

    assert not Case.objects.visible_to(administrator).exists()


def test_the_pages_write_chinese_as_an_official_does(
    officer: User,
    team_leader: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    contact_user: User,
) -> None:
    request = _record(officer, enterprise, district_team)
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[market_bureau])
    extension_ask(request=request, actor=officer, days=3, reason="需现场踏勘")
    dispatch_reply(dispatch=dispatch, actor=market_contact, reply="已开通绿色通道")
    pages = {
        team_leader: [
            "/enterprise-service/",
            "/enterprise-service/requests/",
            _url("request", request),
        ],
        market_contact: ["/enterprise-service/dispatches/", _url("request", request)],
        contact_user: ["/enterprise-service/mine/", "/"],
    }
    # The project's own check (tests/test_chinese_text.py), loaded by name: the app's type check stays out of
    # the access tests' world it imports.
    chinese = importlib.import_module("tests.test_chinese_text")
    found = []
    for user, urls in pages.items():
        client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = chinese.visible_text(response.content.decode())
            found += [f"{url}: {problem}" for problem in chinese.problems_in(text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("team_leader", "/enterprise-service/"),
        ("team_leader", "/enterprise-service/requests/"),
        ("market_contact", "/enterprise-service/dispatches/"),
        ("contact_user", "/enterprise-service/mine/"),
    ],
)
def test_the_lists_run_as_many_queries_for_many_requests_as_for_few(
    client_as: ClientAs,
    persona: str,
    url: str,
    officer: User,
    team_leader: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
    market_bureau: Department,
    market_contact: User,
    contact_user: User,
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            request = _record(
                officer, enterprise, district_team if i % 2 else city_team, description=f"问题{i}"
            )
            if i % 3:
                request_accept(request=request, actor=officer)
                request_dispatch(request=request, actor=officer, departments=[market_bureau])
            if i % 3 == 2:
                extension_ask(request=request, actor=officer, days=2, reason="需会商")

    client = client_as(persona)
    add(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(9)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) <= len(few), "\n".join(query["sql"] for query in many.captured_queries)
