"""The four rates of a month, by team, department, category and month, and the 堵点 ranking: each figure
recomputed here by plain Python over every row of the tables and compared with what the selectors answer."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tuoyu.accounts.models import User
from tuoyu.enterprises.models import (
    Category,
    Department,
    Dispatch,
    Enterprise,
    Rating,
    ServiceRequest,
    ServiceTeam,
    Urgency,
)
from tuoyu.enterprises.selectors.figures import (
    Counts,
    Month,
    Rate,
    blockages,
    figures_by_category,
    figures_by_department,
    figures_by_month,
    figures_by_team,
    figures_of,
    last_full_month,
    month_parsed,
    overdue_in_month,
    regions_served_by,
    reopened_in_month,
    requests_in_region,
    requests_of_region,
)
from tuoyu.enterprises.services.requests import Problem, request_accept, request_close, request_record
from tuoyu.enterprises.tests.figures_world import Desk, build_year
from tuoyu.regions.models import Region

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = Month(2026, 10)
SEPTEMBER = Month(2026, 9)


@pytest.fixture
def desk(
    officer: User,
    city_officer: User,
    market_contact: User,
    tax_contact: User,
    enterprise: Enterprise,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
    market_bureau: Department,
    tax_bureau: Department,
) -> Desk:
    return Desk(
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


@pytest.fixture
def year(
    clock: time_machine.Traveller,
    desk: Desk,
    enterprise_b: Enterprise,
    officer_b: User,
    district_b: Region,
) -> dict[str, ServiceRequest]:
    return build_year(clock, desk, enterprise_b, officer_b, district_b)


# The independent count: every row read in Python, local dates computed by zoneinfo ---------------------


@dataclass
class Recount:
    recorded: int
    accepted_on_time: int
    closed: int
    closed_on_time: int
    resolved: int
    ratings: int
    satisfied: int


def recount(
    region: Region, month: Month, keep: Callable[[ServiceRequest], bool] = lambda request: True
) -> Recount:
    def in_month(moment: datetime.datetime | None) -> bool:
        if moment is None:
            return False
        local = moment.astimezone(SHANGHAI)
        return (local.year, local.month) == (month.year, month.month)

    requests = [
        request
        for request in ServiceRequest.objects.select_related("case", "enterprise__street").all()
        if request.enterprise.street.path.startswith(region.path) and keep(request)
    ]
    ids = {request.pk for request in requests}
    recorded = [request for request in requests if in_month(request.recorded_at)]
    closed = [
        request
        for request in requests
        if request.case.status in ("closed", "rated") and in_month(request.case.closed_at)
    ]
    ratings = [rating for rating in Rating.objects.all() if rating.request_id in ids and in_month(rating.at)]
    return Recount(
        recorded=len(recorded),
        accepted_on_time=sum(
            1 for r in recorded if r.accepted_at is not None and r.accepted_at <= r.accept_by
        ),
        closed=len(closed),
        closed_on_time=sum(
            1
            for r in closed
            if r.case.deadline is not None
            and r.case.closed_at is not None
            and r.case.closed_at.astimezone(SHANGHAI).date() <= r.case.deadline
        ),
        resolved=sum(1 for r in closed if r.resolved is True),
        ratings=len(ratings),
        satisfied=sum(1 for g in ratings if g.satisfaction in ("satisfied", "fairly_satisfied")),
    )


def with_value(attribute: str, value: object) -> Callable[[ServiceRequest], bool]:
    return lambda request: getattr(request, attribute) == value


def same(counts: Counts, expected: Recount) -> bool:
    return counts.as_dict() == expected.__dict__


# Months and rates ---------------------------------------------------------------------------------------


def test_a_month_is_written_yyyy_mm() -> None:
    assert month_parsed("2026-10") == OCTOBER
    assert str(OCTOBER) == "2026-10"
    assert OCTOBER.start == datetime.datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert OCTOBER.end == datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    assert Month(2026, 12).shifted(1) == Month(2027, 1)
    assert Month(2026, 1).shifted(-12) == Month(2025, 1)
    assert Month(2026, 2).last == datetime.date(2026, 2, 28)
    for bad in (
        "2026-13",
        "2026-00",
        "2026-1",
        "202610",
        "",
        "1999-12",
        "2101-01",
        "２０２６-10",
        "2026-10x",
    ):
        with pytest.raises(ValueError):
            month_parsed(bad)
    assert last_full_month(datetime.date(2026, 11, 25)) == OCTOBER
    assert last_full_month(datetime.date(2027, 1, 1)) == Month(2026, 12)


def test_a_rate_without_a_denominator_is_no_data_never_0_or_100() -> None:
    assert Rate(0, 0).fraction is None
    assert Rate(0, 0).shown == "—"
    assert Rate(0, 3).fraction == 0.0
    assert Rate(5, 7).fraction == 0.7143
    assert Rate(5, 7).shown == "71.4%"
    assert Rate(1, 8).fraction == 0.125
    assert Rate(1, 3).percent is not None and str(Rate(2, 3).percent) == "66.7"


# The four rates of October, against the independent count ------------------------------------------------


def test_the_four_rates_of_a_month_match_an_independent_count(
    year: dict[str, ServiceRequest], district_a: Region, officer: User
) -> None:
    requests = requests_of_region(officer, district_a)

    october = figures_of(requests, OCTOBER)

    assert same(october, recount(district_a, OCTOBER))
    # And what the independent count should find, request by request (see figures_world): recorded in
    # October: first (accepted late), across, open, dispatched, city, never_accepted, last (accepted on
    # 2 November, on time); closed in October: before (on its deadline), first (late, not resolved),
    # dispatched, city (on its deadline), reopened (last closure on the 31st at 23:59, late); rated in
    # October: september 满意 (1 October 00:00), reopened 不满意, before 满意, first 基本满意, dispatched 满意
    # (31 October 23:59).
    assert october == Counts(
        recorded=7, accepted_on_time=5, closed=5, closed_on_time=3, resolved=4, ratings=5, satisfied=4
    )
    assert october.response_rate.fraction == 0.7143
    assert october.on_time_closure_rate.fraction == 0.6
    assert october.resolution_rate.fraction == 0.8
    assert october.satisfaction_rate.fraction == 0.8


def test_neighbouring_months_and_the_reopened_request_count_where_they_happened(
    year: dict[str, ServiceRequest], district_a: Region, officer: User
) -> None:
    requests = requests_of_region(officer, district_a)

    september = figures_of(requests, SEPTEMBER)
    november = figures_of(requests, Month(2026, 11))

    assert same(september, recount(district_a, SEPTEMBER))
    assert same(november, recount(district_a, Month(2026, 11)))
    # The reopened request's September closure no longer counts: only its last closure does (October).
    assert september == Counts(
        recorded=3, accepted_on_time=3, closed=1, closed_on_time=1, resolved=1, ratings=0, satisfied=0
    )
    assert year["reopened"].times_reopened == 1
    assert november == Counts(
        recorded=1, accepted_on_time=1, closed=1, closed_on_time=0, resolved=1, ratings=1, satisfied=1
    )


def test_an_empty_month_has_no_data_in_every_rate(
    year: dict[str, ServiceRequest], district_a: Region
) -> None:
    june = figures_of(requests_in_region(district_a), Month(2026, 6))

    assert june == Counts()
    assert june.is_empty
    assert [rate.fraction for rate in june.rates] == [None, None, None, None]


def test_another_districts_requests_are_not_counted(
    year: dict[str, ServiceRequest], district_a: Region, district_b: Region, officer_b: User
) -> None:
    district_b_october = figures_of(requests_of_region(officer_b, district_b), OCTOBER)

    assert district_b_october == Counts(recorded=1, accepted_on_time=1, closed=1, closed_on_time=1)
    assert same(district_b_october, recount(district_b, OCTOBER))
    # The district officer sees nothing of district B even when asking for it.
    assert figures_of(requests_of_region(year["first"].recorded_by, district_b), OCTOBER) == Counts()


# Breakdowns ----------------------------------------------------------------------------------------------


def test_by_team_department_and_category_match_the_independent_count(
    year: dict[str, ServiceRequest],
    district_a: Region,
    officer: User,
    district_team: ServiceTeam,
    city_team: ServiceTeam,
    market_bureau: Department,
    tax_bureau: Department,
) -> None:
    requests = requests_of_region(officer, district_a)

    by_team = {row.key: row for row in figures_by_team(requests, OCTOBER)}
    by_department = {row.key: row for row in figures_by_department(requests, OCTOBER)}
    by_category = {row.key: row for row in figures_by_category(requests, OCTOBER)}

    assert set(by_team) == {district_team.pk, city_team.pk}
    for team in (district_team, city_team):
        assert by_team[team.pk].label == team.name
        assert same(by_team[team.pk].counts, recount(district_a, OCTOBER, with_value("team_id", team.pk)))
    assert by_team[city_team.pk].counts == Counts(
        recorded=1, accepted_on_time=1, closed=1, closed_on_time=1, resolved=1
    )

    def sent_to(department: Department) -> Callable[[ServiceRequest], bool]:
        ids = set(Dispatch.objects.filter(department=department).values_list("request_id", flat=True))
        return lambda request: request.pk in ids

    assert set(by_department) == {market_bureau.pk, tax_bureau.pk}
    for department in (market_bureau, tax_bureau):
        assert same(by_department[department.pk].counts, recount(district_a, OCTOBER, sent_to(department)))
    # The request sent to both departments counts for both.
    assert by_department[tax_bureau.pk].counts == Counts(recorded=1, accepted_on_time=1)
    assert by_department[tax_bureau.pk].counts.on_time_closure_rate.fraction is None
    assert by_department[market_bureau.pk].counts == Counts(
        recorded=2, accepted_on_time=2, closed=1, closed_on_time=1, resolved=1, ratings=1, satisfied=1
    )

    categories = {r.category for r in ServiceRequest.objects.all()}
    for category in categories:
        expected = recount(district_a, OCTOBER, with_value("category", category))
        if category in by_category:
            assert same(by_category[category].counts, expected)
        else:
            assert expected == Recount(0, 0, 0, 0, 0, 0, 0)
    assert [row.key for row in figures_by_category(requests, OCTOBER)] == [
        "approval",
        "market",
        "tax",
        "land",
        "utilities",
    ]


def test_the_trend_is_the_twelve_months_up_to_the_month(
    year: dict[str, ServiceRequest], district_a: Region, officer: User
) -> None:
    rows = figures_by_month(requests_of_region(officer, district_a), OCTOBER)

    assert [row.label for row in rows] == [str(Month(2025, 11).shifted(n)) for n in range(12)]
    for row in rows:
        assert same(row.counts, recount(district_a, row.key)), row.label
    assert [row.counts.recorded for row in rows][-3:] == [0, 3, 7]


def test_the_blockages_rank_categories_by_requests_recorded(
    year: dict[str, ServiceRequest], district_a: Region, officer: User
) -> None:
    requests = requests_of_region(officer, district_a)

    month = blockages(requests, OCTOBER, OCTOBER)
    twelve = blockages(requests, OCTOBER.shifted(-11), OCTOBER)

    # October: approval (across, city), tax (open, last), then one each in the categories' order.
    assert [(r.category, r.requests) for r in month] == [
        ("approval", 2),
        ("tax", 2),
        ("market", 1),
        ("land", 1),
        ("utilities", 1),
    ]
    assert [(r.category, r.requests) for r in twelve][:2] == [("approval", 4), ("tax", 3)]
    assert sum(r.requests for r in twelve) == 10
    assert month[0].label == str(Category.APPROVAL.label)


def test_the_overdue_and_reopened_requests_of_the_month(
    year: dict[str, ServiceRequest], district_a: Region, officer: User
) -> None:
    requests = requests_of_region(officer, district_a)

    overdue = overdue_in_month(requests, OCTOBER, datetime.date(2026, 11, 25))
    reopened = reopened_in_month(requests, OCTOBER)

    # Closed late in October (first, reopened), closed late in November (across), still open (open).
    assert {r.pk for r in overdue} == {year[name].pk for name in ("first", "reopened", "across", "open")}
    assert [rating.request_id for rating in reopened] == [year["reopened"].pk]
    assert reopened[0].comment == "证照仍未办下来"
    # Before the month has begun, nothing was overdue in it.
    assert overdue_in_month(requests, Month(2026, 12), datetime.date(2026, 11, 25)) == []


# Who sees which region -----------------------------------------------------------------------------------


def test_the_regions_served_are_the_teams_and_everything_below(
    officer: User,
    city_officer: User,
    officer_b: User,
    market_contact: User,
    regulator_a: User,
    district_a: Region,
    street_a1: Region,
    city: Region,
    district_b: Region,
) -> None:
    assert set(regions_served_by(officer)) == {district_a, street_a1}
    assert set(regions_served_by(city_officer)) >= {city, district_a, street_a1}
    assert district_b not in set(regions_served_by(city_officer))
    assert set(regions_served_by(officer_b)) == {district_b}
    assert not regions_served_by(market_contact).exists()
    assert not regions_served_by(regulator_a).exists()


# A deadline in a year whose holidays are not published ----------------------------------------------------


@pytest.mark.clock("2026-12-28T09:00:00+08:00")
def test_a_closure_before_an_unpublished_years_deadline_is_on_time(
    clock: time_machine.Traveller, officer: User, enterprise: Enterprise, district_team: ServiceTeam
) -> None:
    def record() -> ServiceRequest:
        request = request_record(
            actor=officer,
            enterprise=enterprise,
            team=district_team,
            problem=Problem(category="land", urgency=Urgency.COMPLEX, description="用地手续"),
        )
        request_accept(request=request, actor=officer)
        request.refresh_from_db()
        return request

    in_december, in_january = record(), record()
    assert in_december.case.deadline is None and in_december.case.deadline_year_unknown == 2027
    clock.move_to(datetime.datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI))
    request_close(request=in_december, actor=officer, answer="已办结。", resolved=True)
    clock.move_to(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    request_close(request=in_january, actor=officer, answer="已办结。", resolved=True)

    requests = requests_in_region(enterprise.street)
    # Closed in 2026: before 2027 began, so before any day of 2027. In 2027, with no date to compare to,
    # the closure is not counted as on time.
    assert figures_of(requests, Month(2026, 12)).closed_on_time == 1
    assert figures_of(requests, Month(2027, 1)) == Counts(closed=1, closed_on_time=0, resolved=1)
