"""The regulator's desk: each section a count and its rows, empty states, the open findings sorted and
filtered, the exports, the sign-in landing, the open-findings column of the lists."""

import datetime
import io
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.personas import app_device, current_code
from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import User
from tuoyu.cases.services import case_open
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.filings.services import filing_start
from tuoyu.health.models import OutbreakReport
from tuoyu.registry.models import Institution
from tuoyu.rules import Severity
from tuoyu.supervision.casekinds import COMPLAINT
from tuoyu.supervision.models import Checklist, Complaint, ComplaintCategory
from tuoyu.supervision.selectors.desk import InstitutionFindings, desk_sort_key
from tuoyu.supervision.services.complaints import complaint_submit
from tuoyu.supervision.services.inspections import inspection_start
from tuoyu.supervision.services.rectification import rectification_answer, rectification_issue
from tuoyu.supervision.tests.rectification_helpers import finding_at
from tuoyu.workforce.factories import CertificateFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-01T10:00:00+08:00")]

Clients = Callable[[str], Client]
SECTIONS = ("filings", "findings", "rectifications", "complaints", "outbreaks", "certificates")


def section_counts(html: str) -> dict[str, int]:
    import re

    return {
        name: int(count)
        for name, count in re.findall(r'<section class="desk-section" id="(\w+)" data-count="(\d+)">', html)
    }


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


def test_an_empty_desk_says_so_in_every_section(client_as: Clients, regulator_a: User) -> None:
    html = client_as("regulator_a").get("/supervision/desk/").content.decode()

    assert section_counts(html) == dict.fromkeys(SECTIONS, 0)
    for empty in (
        "No filing waits for your review.",
        "No open finding: every rule passes.",
        "No rectification is overdue or waiting for your verification.",
        "No complaint waits to be started.",
        "No active outbreak.",
        "No certificate expires soon.",
    ):
        assert empty in html


def test_the_desk_shows_what_to_act_on_in_the_region_only(
    client_as: Clients,
    clock: object,
    institution_x: Institution,
    institution_z: Institution,
    regulator_a: User,
    director_x: User,
) -> None:
    staff = StaffFactory.create(institution=institution_x, name="证件将过期")
    CertificateFactory.create(staff=staff, expires_on=datetime.date(2026, 6, 20))
    for institution in (institution_x, institution_z):
        OutbreakReport.objects.create(
            institution=institution,
            trigger="same_day",
            symptom="fever",
            first_day=datetime.date(2026, 6, 1),
            last_day=datetime.date(2026, 6, 1),
            case_count=3,
            due_at=timezone.now(),
        )
    filing = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    Filing.objects.filter(pk=filing.pk).update(
        state=FilingState.SUBMITTED, submitted_at=timezone.now(), review_deadline=datetime.date(2026, 6, 10)
    )
    complaint_case = case_open(
        kind=COMPLAINT, institution=institution_x, subject="投诉：餐食不卫生", actor=None
    )
    Complaint.objects.create(
        ticket="T0001",
        case=complaint_case,
        category=ComplaintCategory.HEALTH,
        content="孩子说午饭有异味",
        anonymous=False,
        complainant_name="王女士",
        complainant_phone="13900000001",
        received_at=timezone.now(),
        start_by=datetime.date(2026, 6, 3),
    )
    overdue = rectification_issue(
        institution=institution_x, subject="逾期未整改", actor=regulator_a, deadline_days=1
    )
    answered = rectification_issue(institution=institution_x, subject="已答复待核查", actor=regulator_a)
    rectification_answer(case=answered, actor=director_x, note="已整改")
    waiting = rectification_issue(institution=institution_x, subject="尚在期限内", actor=regulator_a)
    finding_at(institution_x, severity=Severity.BLOCK)
    finding_at(institution_z)
    clock.move_to("2026-06-04T10:00:00+08:00")  # type: ignore[attr-defined]

    html = client_as("regulator_a").get("/supervision/desk/").content.decode()

    assert section_counts(html) == {
        "filings": 1,
        "findings": 1,
        "rectifications": 2,
        "complaints": 1,
        "outbreaks": 1,
        "certificates": 1,
    }
    assert overdue.number in html and answered.number in html and waiting.number not in html
    assert complaint_case.number in html and "2026-06-03" in html
    assert "王女士" not in html and "13900000001" not in html  # no identity on the desk
    assert institution_z.name not in html
    assert "证件将过期" in html


def test_the_desk_is_for_regulators_only(client_as: Clients, director_x: User, regulator_a: User) -> None:
    assert client_as("director_x").get("/supervision/desk/").status_code == 404
    assert client_as("regulator_a").get("/supervision/desk/").status_code == 200


def test_open_findings_are_sorted_by_severity_and_filtered_by_street_and_rule(
    client_as: Clients, institution_x: Institution, institution_y: Institution, regulator_a: User
) -> None:
    finding_at(institution_x, rule_code="STF-01", severity=Severity.WARNING)
    finding_at(institution_y, rule_code="STF-02", severity=Severity.BLOCK, subject="staff:2")
    finding_at(institution_y, rule_code="STF-01", severity=Severity.WARNING, subject="staff:3")
    client = client_as("regulator_a")

    def institutions(query: str) -> list[str]:
        html = client.get(f"/supervision/desk/{query}").content.decode()
        rows = html.split('id="findings"')[1].split("</section>")[0]
        return [
            name
            for _, name in sorted(
                (rows.index(i.name), i.name) for i in (institution_x, institution_y) if i.name in rows
            )
        ]

    assert institutions("") == [institution_y.name, institution_x.name]
    assert institutions("?sort=institution") == sorted([institution_x.name, institution_y.name])
    assert institutions(f"?street={institution_x.street_id}") == [institution_x.name]
    assert institutions("?rule=STF-02") == [institution_y.name]
    assert institutions("?rule=STF-01") == [institution_y.name, institution_x.name]


def test_open_findings_can_be_sorted_by_risk_which_weighs_more_than_findings(
    client_as: Clients, institution_x: Institution, institution_y: Institution, regulator_a: User
) -> None:
    finding_at(institution_x, rule_code="STF-02", severity=Severity.BLOCK)
    finding_at(institution_y, rule_code="STF-01", severity=Severity.WARNING)
    for day in (5, 6):  # two rectification orders of Y long overdue: its risk is the higher
        with time_machine.travel(datetime.datetime(2026, 3, day, 10, tzinfo=datetime.UTC)):
            rectification_issue(
                institution=institution_y, subject=f"逾期{day}", actor=regulator_a, deadline_days=5
            )
    client = client_as("regulator_a")

    def order(query: str) -> list[str]:
        html = client.get(f"/supervision/desk/{query}").content.decode()
        rows = html.split('id="findings"')[1].split("</section>")[0]
        return sorted((i.name for i in (institution_x, institution_y)), key=rows.index)

    assert order("") == [institution_x.name, institution_y.name]  # a blocking finding comes first
    assert order("?sort=risk") == [institution_y.name, institution_x.name]
    html = client.get("/supervision/desk/?sort=risk").content.decode()
    risk_of_y = html.split(f'data-institution="{institution_y.code}"')[1].split("</tr>")[0]
    assert 'data-col="risk"' in risk_of_y and "High" in risk_of_y


def test_the_sort_key_puts_blocking_findings_first(
    institution_x: Institution, institution_y: Institution
) -> None:
    many_warnings = InstitutionFindings(institution=institution_x, warning=9)
    one_block = InstitutionFindings(institution=institution_y, block=1)
    assert sorted([many_warnings, one_block], key=desk_sort_key) == [one_block, many_warnings]


def test_each_desk_section_exports_to_excel_with_formula_text_kept_as_text(
    client_as: Clients, institution_x: Institution, regulator_a: User
) -> None:
    Institution.objects.filter(pk=institution_x.pk).update(name='=HYPERLINK("http://x")')
    finding_at(institution_x)
    client = client_as("regulator_a")

    response = client.get("/supervision/desk/?section=findings&format=xlsx")
    for section in SECTIONS:
        assert client.get(f"/supervision/desk/?section={section}&format=xlsx").status_code == 200
    assert client.get("/supervision/desk/?section=nothing&format=xlsx").status_code == 404

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.active["A2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s" and cell.quotePrefix


def test_a_regulator_signs_in_in_two_steps_and_lands_on_the_desk(regulator_a: User, clock: object) -> None:
    device = app_device(regulator_a)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    password = client.post("/accounts/login/", {"username": regulator_a.phone, "password": DEFAULT_PASSWORD})
    code = client.post("/accounts/login/verify/", {"code": current_code(device)})

    assert password["Location"] == "/accounts/login/verify/"
    assert code["Location"] == "/supervision/desk/"

    clock.shift(60)  # type: ignore[attr-defined]  # a code is accepted once: the next one
    with_next = Client(HTTP_ACCEPT_LANGUAGE="en")
    with_next.post(
        "/accounts/login/", {"username": regulator_a.phone, "password": DEFAULT_PASSWORD, "next": "/filings/"}
    )
    assert (
        with_next.post("/accounts/login/verify/", {"code": current_code(device)})["Location"] == "/filings/"
    )


def test_everyone_else_lands_on_their_home(director_x: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"username": director_x.phone, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_institution_list_and_the_daily_view_count_open_findings(
    client_as: Clients,
    api_as: Callable[[str], APIClient],
    institution_x: Institution,
    institution_y: Institution,
    regulator_a: User,
) -> None:
    finding_at(institution_x)
    finding_at(institution_x, rule_code="STF-02", subject="staff:2")
    resolved = finding_at(institution_x, rule_code="STF-03", subject="staff:3")
    resolved.resolved_at = timezone.now()
    resolved.save()
    client = client_as("regulator_a")

    listing = client.get("/manage/institutions/").content.decode()
    daily = client.get("/care/district/").content.decode()
    api = api_as("regulator_a").get("/api/v1/supervision/daily/").json()
    rows = {row["name"]: row["open_findings"] for row in api["institutions"]}

    assert '<td data-col="open_findings"><a class="tag bad" href="/supervision/institutions/' in listing
    assert f'{institution_x.code}/">2</a>' in listing
    assert f'{institution_x.code}/">2</a>' in daily
    assert rows == {institution_x.name: 2, institution_y.name: 0}

    exported = sheet_rows(client.get("/manage/institutions/?format=xlsx").content)
    assert exported[0][-1] == "Open findings"
    assert {row[0]: row[-1] for row in exported[1:]} == {institution_x.name: 2, institution_y.name: 0}
    daily_sheet = sheet_rows(client.get("/care/district/?format=xlsx").content)
    assert {row[0]: row[-1] for row in daily_sheet[1:]} == {institution_x.name: 2, institution_y.name: 0}


def test_the_rectification_list_exports_what_it_filters(
    client_as: Clients, institution_x: Institution, regulator_a: User
) -> None:
    rectification_issue(institution=institution_x, subject="=1+1", actor=regulator_a)
    rows = sheet_rows(client_as("regulator_a").get("/supervision/rectifications/?format=xlsx").content)
    assert rows[0][0] == "Number" and rows[1][3] == "=1+1"
    closed = sheet_rows(
        client_as("regulator_a").get("/supervision/rectifications/?status=closed&format=xlsx").content
    )
    assert len(closed) == 1


@pytest.mark.parametrize(
    ("url", "header"),
    [
        ("/supervision/complaints/", "Category"),
        ("/supervision/inspections/", "Kind of inspection"),
        ("/supervision/risk/", "Risk score"),
    ],
)
def test_the_other_supervision_lists_export_to_excel_for_regulators_only(
    client_as: Clients, institution_x: Institution, regulator_a: User, director_x: User, url: str, header: str
) -> None:
    finding_at(institution_x, rule_code="=HYPERLINK(1)")
    complaint_submit(
        institution_code=str(institution_x.code),
        category=ComplaintCategory.FEES,
        content="收费未公示",
        anonymous=True,
    )
    inspection_start(
        institution=institution_x, checklist=Checklist.objects.get(code="routine"), actor=regulator_a
    )
    page = client_as("regulator_a").get(url).content.decode()
    assert "data-export" in page

    response = client_as("regulator_a").get(f"{url}?format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert header in rows[0]
    assert [row[rows[0].index("Institution")] for row in rows[1:]].count(institution_x.name) == 1
    assert client_as("director_x").get(f"{url}?format=xlsx").status_code == 404
