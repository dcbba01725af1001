"""The complaint pages: the public form (throttled, size-limited) and its confirmation, the status by ticket,
the regulator's list and complaint page; and the director, who never reads who complained."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import signed_in_client
from tuoyu.accounts.models import User
from tuoyu.cases.models import Case
from tuoyu.notifications.models import Notification
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import HANDLING, RECTIFICATION
from tuoyu.supervision.models import Complaint
from tuoyu.supervision.services.complaints import complaint_conclude, complaint_start, complaint_submit
from tuoyu.supervision.tests.test_complaints import colleague_of

pytestmark = pytest.mark.django_db

NAME, PHONE = "投诉人王五", "13912345678"
NEW = "/complaints/new/"
STATUS = "/complaints/status/"


def form(institution: Institution, **kwargs: Any) -> dict[str, Any]:
    data = {
        "institution": str(institution.code),
        "category": "safety",
        "content": "户外活动区围栏松动，孩子可以钻出去。",
        "happened_on": "2026-11-20",
        "name": NAME,
        "phone": PHONE,
    }
    data.update(kwargs)
    return data


def submit(institution: Institution, **kwargs: Any) -> Complaint:
    values: dict[str, Any] = {
        "institution_code": str(institution.code),
        "category": "care",
        "content": "午睡时老师大声呵斥孩子。",
        "anonymous": False,
        "name": NAME,
        "phone": PHONE,
    }
    values.update(kwargs)
    return complaint_submit(**values)


def test_the_public_form_needs_no_sign_in_and_lists_the_public_directory(
    anonymous_client: Client, institution_x: Institution, institution_y: Institution
) -> None:
    response = anonymous_client.get(NEW, {"institution": str(institution_x.code)})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Make a complaint" in text
    assert f'<option value="{institution_x.code}" selected>' in text
    assert institution_y.name in text


def test_an_anonymous_complaint_gets_a_ticket_and_its_status_page_shows_progress(
    anonymous_client: Client, institution_x: Institution, regulator_a: User
) -> None:
    response = anonymous_client.post(NEW, form(institution_x, anonymous="on", name="", phone=""), follow=True)

    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.complainant_name == ""
    assert response.redirect_chain[-1][0] == reverse("supervision:complaint_received")
    text = response.content.decode()
    assert complaint.ticket in text
    assert "it is the only way to check your complaint" in text

    status = anonymous_client.get(STATUS, {"ticket": complaint.ticket})
    text = status.content.decode()
    assert "Received, waiting to be started" in text
    assert "to be started by 2026-12-09" in text

    complaint_start(complaint=complaint, actor=regulator_a, progress="已约谈园长，正在核查。")
    text = anonymous_client.get(STATUS, {"ticket": complaint.ticket.lower()}).content.decode()
    assert "Being handled" in text and "已约谈园长，正在核查。" in text


def test_the_confirmation_page_without_a_complaint_leads_back_to_the_form(anonymous_client: Client) -> None:
    response = anonymous_client.get(reverse("supervision:complaint_received"))
    assert response.status_code == 302 and response["Location"] == NEW


def test_a_wrong_ticket_says_so_plainly(anonymous_client: Client, institution_x: Institution) -> None:
    submit(institution_x)
    response = anonymous_client.get(STATUS, {"ticket": "TS2345678923"})
    assert response.status_code == 200
    assert "No complaint has this ticket." in response.content.decode()
    assert 'data-result="found"' not in response.content.decode()


def test_a_signed_in_guardian_s_complaint_keeps_the_account(
    client_as: Callable[[str], Client], institution_x: Institution, guardian: User
) -> None:
    client_as("guardian").post(NEW, form(institution_x, name="", phone=""))
    complaint = Complaint.objects.get()
    assert complaint.complainant == guardian and complaint.complainant_phone == guardian.phone


def test_a_refused_complaint_is_shown_on_the_form(
    anonymous_client: Client, institution_x: Institution
) -> None:
    response = anonymous_client.post(NEW, form(institution_x, name="", phone=""))
    assert response.status_code == 200
    assert "Give your name and mobile number, or choose to complain anonymously." in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_form_is_size_limited(anonymous_client: Client, institution_x: Institution) -> None:
    too_long = anonymous_client.post(NEW, form(institution_x, content="字" * 2001))
    assert too_long.status_code == 200 and "at most 2000 characters" in too_long.content.decode()
    huge = anonymous_client.post(NEW, form(institution_x, content="字" * 2000, padding="x" * 30_000))
    assert huge.status_code == 413
    assert not Complaint.objects.exists()


def test_the_form_is_throttled_per_client_with_the_api(
    anonymous_client: Client, anonymous_api: Any, institution_x: Institution
) -> None:
    for _n in range(3):
        assert anonymous_client.post(NEW, form(institution_x)).status_code == 302
    body = {
        "institution": str(institution_x.code),
        "category": "fees",
        "content": "乱收费",
        "anonymous": True,
    }
    for _n in range(2):
        assert anonymous_api.post("/api/v1/complaints/", body, format="json").status_code == 201

    response = anonymous_client.post(NEW, form(institution_x))

    assert response.status_code == 429
    assert "Too many requests from this network" in response.content.decode()
    assert Complaint.objects.count() == 5
    assert anonymous_api.post("/api/v1/complaints/", body, format="json").status_code == 429


def test_the_status_page_is_throttled(anonymous_client: Client) -> None:
    statuses = [anonymous_client.get(STATUS, {"ticket": f"TS{n:010d}"}).status_code for n in range(31)]
    assert statuses == [200] * 30 + [429]
    assert anonymous_client.get(STATUS).status_code == 200  # the empty form is not counted


@pytest.mark.clock("2026-12-28T10:00:00+08:00")
def test_the_status_page_says_when_the_holidays_are_not_published(
    anonymous_client: Client, institution_x: Institution
) -> None:
    complaint = submit(institution_x)
    text = anonymous_client.get(STATUS, {"ticket": complaint.ticket}).content.decode()
    assert "the holidays of 2027 are not published yet, so the date is not set" in text


def test_the_regulator_s_list_shows_the_start_by_day_and_marks_the_overdue(
    client_as: Callable[[str], Client], institution_x: Institution, institution_z: Institution, clock: Any
) -> None:
    old = submit(institution_x)
    clock.shift(datetime.timedelta(days=20))
    new = submit(institution_x)
    elsewhere = submit(institution_z)

    text = client_as("regulator_a").get("/supervision/complaints/").content.decode()

    assert text.index(f'data-complaint="{old.pk}"') < text.index(f'data-complaint="{new.pk}"')
    row = re.search(rf'<tr data-complaint="{old.pk}" class="overdue">.*?</tr>', text, re.S)
    assert row is not None and "Overdue" in row.group(0) and "2026-12-09" in row.group(0)
    assert f'<tr data-complaint="{new.pk}">' in text
    assert f'data-complaint="{elsewhere.pk}"' not in text
    assert NAME not in text and PHONE not in text


def test_the_complaint_page_shows_who_complained_to_its_handler_only(
    client_as: Callable[[str], Client], institution_x: Institution, regulator_a: User, district_a: Any
) -> None:
    colleague = colleague_of(district_a)
    complaint = submit(institution_x)
    url = f"/supervision/complaints/{complaint.pk}/"
    regulator = client_as("regulator_a")
    before = regulator.get(url).content.decode()
    assert NAME not in before and 'data-action="start"' in before

    started = regulator.post(f"{url}start/", {"progress": "已受理"}, follow=True)

    text = started.content.decode()
    assert NAME in text and PHONE in text
    assert Complaint.objects.get().case.status == HANDLING
    seen_by_colleague = signed_in_client(colleague).get(url)
    assert seen_by_colleague.status_code == 200
    assert NAME not in seen_by_colleague.content.decode()


def test_the_handler_concludes_on_the_page_and_a_substantiated_complaint_opens_an_order(
    client_as: Callable[[str], Client], institution_x: Institution, regulator_a: User
) -> None:
    complaint = complaint_start(complaint=submit(institution_x), actor=regulator_a)
    regulator = client_as("regulator_a")
    url = f"/supervision/complaints/{complaint.pk}/"
    missing = regulator.post(f"{url}conclude/", {"outcome": "substantiated", "reasons": "属实"}, follow=True)
    assert "say what is to be rectified" in missing.content.decode()

    done = regulator.post(
        f"{url}conclude/",
        {
            "outcome": "substantiated",
            "reasons": "属实",
            "progress": "已责令整改",
            "rectification_subject": "户外围栏松动",
            "rectification_days": "5",
        },
        follow=True,
    )

    text = done.content.decode()
    order = Case.objects.get(kind=RECTIFICATION)
    assert "The complaint is concluded." in text and order.number in text
    assert 'data-outcome="substantiated"' in text


def test_the_director_never_reads_who_complained(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], Any],
    institution_x: Institution,
    regulator_a: User,
    director_x: User,
    guardian: User,
) -> None:
    """Every complaint-related and case route the director can reach: none names the complainant."""
    complaint = complaint_start(complaint=submit(institution_x, account=guardian), actor=regulator_a)
    complaint_conclude(
        complaint=complaint,
        actor=regulator_a,
        outcome="substantiated",
        reasons=f"{NAME}反映属实",  # the regulator's reasons stay with the regulator
        rectification_subject="户外围栏松动",
        rectification_requirement="更换围栏并提交照片。",
    )
    order = Case.objects.get(kind=RECTIFICATION)
    secrets = (NAME, PHONE, guardian.phone, guardian.display_name, complaint.ticket)
    page, api = client_as("director_x"), api_as("director_x")
    pages = {
        NEW: 200,
        STATUS: 200,
        f"{STATUS}?ticket={complaint.ticket}": 200,
        "/supervision/complaints/": 404,
        f"/supervision/complaints/{complaint.pk}/": 404,
        f"/supervision/cases/{complaint.case_id}/": 404,
        f"/supervision/cases/{order.pk}/": 200,
        f"/institutions/{institution_x.code}/": 200,
        f"/supervision/institutions/{institution_x.code}/": 200,
        "/messages/": 200,
    }
    answers = {
        f"/api/v1/complaints/{complaint.ticket}/": 200,
        "/api/v1/supervision/complaints/": 404,
        f"/api/v1/supervision/complaints/{complaint.pk}/": 404,
        f"/api/v1/institutions/{institution_x.code}/inspections/": 200,
        f"/api/v1/institutions/{institution_x.code}/findings/": 200,
        "/api/v1/notifications/": 200,
    }
    for client, routes in ((page, pages), (api, answers)):
        for url, expected in routes.items():
            response = client.get(url)
            assert response.status_code == expected, url
            text = response.content.decode()
            # Who asks by ticket holds the ticket: it may be echoed, nothing else.
            hidden = [
                secret for secret in secrets if secret != complaint.ticket or complaint.ticket not in url
            ]
            assert not [secret for secret in hidden if secret in text], url
    for action in ("start", "conclude"):
        assert page.post(f"/supervision/complaints/{complaint.pk}/{action}/").status_code == 404
        assert api.post(f"/api/v1/supervision/complaints/{complaint.pk}/{action}/").status_code == 404
    assert Notification.objects.filter(user=director_x).exists()  # told of the order, not of who
