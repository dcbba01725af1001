"""The figures page, its Excel download, the monthly PDF report and ``GET regions/{code}/service-figures/``:
who reaches them, what they show, and the API's contract."""

import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.test import APIClient

from tests.personas import signed_in_client
from tuoyu.accounts.models import User
from tuoyu.enterprises.factories import DepartmentFactory, EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import Department, Enterprise, ServiceRequest, ServiceTeam, TeamLevel, Urgency
from tuoyu.enterprises.services.register import team_member_add
from tuoyu.enterprises.services.requests import Problem, request_accept, request_dispatch, request_record
from tuoyu.enterprises.tests.figures_world import Desk, build_year
from tuoyu.regions.models import Region

pytestmark = pytest.mark.django_db

PAGE = "/enterprise-service/figures/"
REPORT = "/enterprise-service/figures/report.pdf"
CONTRACT_KEYS = {
    "region",
    "month",
    "response_rate",
    "on_time_closure_rate",
    "resolution_rate",
    "satisfaction_rate",
    "counts",
}
COUNT_KEYS = {"recorded", "accepted_on_time", "closed", "closed_on_time", "resolved", "ratings", "satisfied"}


@pytest.fixture
def year(
    clock: time_machine.Traveller,
    officer: User,
    city_officer: User,
    market_contact: User,
    tax_contact: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
    market_bureau: Department,
    tax_bureau: Department,
    enterprise_b: Enterprise,
    officer_b: User,
    district_b: Region,
) -> dict[str, ServiceRequest]:
    desk = Desk(
        officer=officer,
        city_officer=city_officer,
        market_contact=market_contact,
        tax_contact=tax_contact,
        enterprise=enterprise,
        district_team=district_team,
        city_team=city_team,
        market_bureau=market_bureau,
        tax_bureau=tax_bureau,
    )
    return build_year(clock, desk, enterprise_b, officer_b, district_b)


def _chinese(user: User) -> Client:
    client = signed_in_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


# The page ------------------------------------------------------------------------------------------------


def test_the_page_opens_on_the_last_full_month_with_the_four_rates_and_their_counts(
    year: dict[str, ServiceRequest], officer: User, district_a: Region
) -> None:
    response = signed_in_client(officer).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response.content)
    assert "甲区" in text and "October 2026" in text  # the default: the last full month
    assert re.search(r'data-rate="response_rate"><span class="value">71\.4%', html)
    assert re.search(r'data-rate="on_time_closure_rate"><span class="value">60\.0%', html)
    assert re.search(r'data-rate="resolution_rate"><span class="value">80\.0%', html)
    assert re.search(r'data-rate="satisfaction_rate"><span class="value">80\.0%', html)
    assert "5 of 7 recorded accepted on time" in text
    assert "3 of 5 closed on time" in text
    assert "A reopened request counts in the month of its last closure." in text
    # By team, department and category, the 12-month trend, the 堵点.
    assert 'data-section="team"' in html and "甲市企业服务队" in text and "甲区企业服务队" in text
    assert 'data-section="department"' in html and "甲区税务局" in text
    assert 'data-section="category"' in html
    assert html.count('<tr data-month="') == 12
    assert 'data-month="2026-10" class="current"' in html
    assert 'data-blockages="month"' in html and 'data-category="approval"' in html
    assert f'href="?region={district_a.code}&amp;month=2026-10&amp;format=xlsx"' in html


def test_the_page_in_chinese_names_the_rates_as_the_bureau_does(
    year: dict[str, ServiceRequest], officer: User
) -> None:
    text = _text(_chinese(officer).get(PAGE, {"month": "2026-10"}).content)

    assert "2026年10月" in text


def test_a_month_without_data_shows_no_data_not_zero(year: dict[str, ServiceRequest], officer: User) -> None:
    response = signed_in_client(officer).get(PAGE, {"month": "2026-06"})

    html = response.content.decode()
    assert response.status_code == 200
    for rate in ("response_rate", "on_time_closure_rate", "resolution_rate", "satisfaction_rate"):
        assert f'data-rate="{rate}"><span class="value">—</span>' in html
    assert "data-empty-month" in html
    assert "0.0%" not in html.split("<h2>")[0]


def test_a_month_that_is_not_a_month_is_a_400(officer: User) -> None:
    client = signed_in_client(officer)

    assert client.get(PAGE, {"month": "2026-13"}).status_code == 400
    assert client.get(REPORT, {"month": "October"}).status_code == 400


def test_a_city_officer_may_open_a_district_below_and_nobody_else_may(
    year: dict[str, ServiceRequest],
    officer: User,
    city_officer: User,
    officer_b: User,
    market_contact: User,
    contact_user: User,
    regulator_a: User,
    district_a: Region,
    city: Region,
) -> None:
    assert signed_in_client(city_officer).get(PAGE).status_code == 200  # their city
    response = signed_in_client(city_officer).get(PAGE, {"region": district_a.code})
    assert response.status_code == 200 and "3 of 5 closed on time" in _text(response.content)
    # The district's officer may not open the city above, nor district B; neither may district B's officer
    # open district A. A department's contact, the enterprise's contact and a regulator have no figures.
    assert signed_in_client(officer).get(PAGE, {"region": city.code}).status_code == 404
    assert signed_in_client(officer_b).get(PAGE, {"region": district_a.code}).status_code == 404
    for outsider in (market_contact, contact_user, regulator_a):
        assert signed_in_client(outsider).get(PAGE).status_code == 404
        assert signed_in_client(outsider).get(REPORT).status_code == 404
    # An outsider learns nothing from a bad month either.
    assert signed_in_client(market_contact).get(PAGE, {"month": "2026-13"}).status_code == 404
    assert Client().get(PAGE).status_code == 302


# Excel and PDF ----------------------------------------------------------------------------------------------


def test_the_figures_download_as_excel_with_the_region_and_the_four_rates(
    year: dict[str, ServiceRequest], officer: User
) -> None:
    response = signed_in_client(officer).get(PAGE, {"month": "2026-10", "format": "xlsx"})

    assert response.status_code == 200
    assert "enterprise-service-figures-990101-202610" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == [
        "Section",
        "Figures for",
        "Requests recorded",
        "Accepted on time",
        "Response rate (%)",
    ]
    assert rows[1] == ["Overall", "甲区", 7, 5, 71.4, 5, 3, 60, 4, 80, 5, 4, 80]
    sections = {row[0] for row in rows[1:]}
    assert {"By team", "By department", "By category", "By month"} <= sections
    tax = next(row for row in rows if row[1] == "甲区税务局")
    assert tax[7] == "—"  # closed nothing: no data


def test_the_monthly_report_is_a_pdf_in_chinese_with_the_rates_the_blockages_and_the_late_requests(
    year: dict[str, ServiceRequest], officer: User
) -> None:
    response = signed_in_client(officer).get(REPORT, {"month": "2026-10"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "enterprise-service-report-990101-202610.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "甲区企业服务月报（2026年10月）" in flat
    assert "2026年11月25日" in flat  # printed today
    with translation.override("zh-hans"):  # the report is in Chinese whoever prints it
        labels = [gettext(label) for label in ("Response rate", "On-time closure rate", "Resolution rate")]
        labels.append(gettext("Satisfaction rate"))
    for label in labels:
        assert re.sub(r"\s+", "", label) in flat
    for shown in ("71.4%", "60.0%", "80.0%"):
        assert shown in flat
    assert "甲区企业服务队" in flat and "甲区市场监督管理局" in flat
    assert year["open"].case.number in flat and year["across"].case.number in flat  # overdue
    assert "证照仍未办下来" in flat  # the reopened request's rating
    assert "13700001111" not in flat  # no contact's phone in a report


# The API ---------------------------------------------------------------------------------------------------


def _api(user: User | None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_api_answers_the_contract(
    year: dict[str, ServiceRequest], officer: User, city_officer: User, district_a: Region
) -> None:
    url = f"/api/v1/regions/{district_a.code}/service-figures/"

    body = _api(officer).get(url, {"month": "2026-10"}).json()

    assert set(body) == CONTRACT_KEYS
    assert set(body["counts"]) == COUNT_KEYS
    assert body == {
        "region": "990101",
        "month": "2026-10",
        "response_rate": 0.7143,
        "on_time_closure_rate": 0.6,
        "resolution_rate": 0.8,
        "satisfaction_rate": 0.8,
        "counts": {
            "recorded": 7,
            "accepted_on_time": 5,
            "closed": 5,
            "closed_on_time": 3,
            "resolved": 4,
            "ratings": 5,
            "satisfied": 4,
        },
    }
    # The city's officer serves the district too ("or above").
    assert _api(city_officer).get(url, {"month": "2026-10"}).json() == body


def test_the_api_says_null_for_a_month_without_data(
    year: dict[str, ServiceRequest], officer: User, district_a: Region
) -> None:
    body = (
        _api(officer).get(f"/api/v1/regions/{district_a.code}/service-figures/", {"month": "2026-06"}).json()
    )

    assert body["response_rate"] is None and body["on_time_closure_rate"] is None
    assert body["resolution_rate"] is None and body["satisfaction_rate"] is None
    assert set(body["counts"].values()) == {0}


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "", None, "2026-10-01", "abc"])
def test_a_bad_or_missing_month_is_a_400_naming_it(
    month: str | None, officer: User, district_a: Region
) -> None:
    params = {} if month is None else {"month": month}

    response = _api(officer).get(f"/api/v1/regions/{district_a.code}/service-figures/", params)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "invalid" and "month" in body["detail"]


def test_outsiders_get_404_from_the_api(
    year: dict[str, ServiceRequest],
    officer: User,
    officer_b: User,
    market_contact: User,
    contact_user: User,
    regulator_a: User,
    district_a: Region,
    city: Region,
) -> None:
    def status(user: User | None, code: str, month: str = "2026-10") -> int:
        return _api(user).get(f"/api/v1/regions/{code}/service-figures/", {"month": month}).status_code

    for outsider in (officer_b, market_contact, contact_user, regulator_a):
        assert status(outsider, district_a.code) == 404
        assert status(outsider, district_a.code, month="2026-13") == 404
    assert status(officer, city.code) == 404  # above the officer's district
    assert status(officer, "000000") == 404
    assert status(None, district_a.code) in (401, 403)


def test_the_page_and_the_report_read_a_fixed_number_of_queries_however_many_requests(
    year: dict[str, ServiceRequest],
    clock: time_machine.Traveller,
    officer: User,
    enterprise: Enterprise,
    district_a: Region,
    street_a1: Region,
) -> None:
    client = signed_in_client(officer)
    client.get(PAGE)  # the session and the roles, read once

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"month": "2026-10"}).status_code == 200
        return len(captured)

    before = (queries(PAGE), queries(REPORT))
    team = ServiceTeamFactory.create(name="甲区第二服务队", level=TeamLevel.DISTRICT, region=district_a)
    team_member_add(team=team, user=officer)
    department = DepartmentFactory.create(name="甲区自然资源局", region=district_a)
    other = EnterpriseFactory.create(name="另一家企业", street=street_a1)
    clock.move_to(
        datetime.datetime(2026, 10, 27, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    )
    for category in ("finance", "labour", "policy", "childcare"):
        request = request_record(
            actor=officer,
            enterprise=other,
            team=team,
            problem=Problem(category=category, urgency=Urgency.SIMPLE, description="又一个问题"),
        )
        request_accept(request=request, actor=officer)
        request_dispatch(request=request, actor=officer, departments=[department])
    clock.move_to(
        datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    )

    assert (queries(PAGE), queries(REPORT)) == before
