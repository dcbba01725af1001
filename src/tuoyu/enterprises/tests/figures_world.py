"""A year's end of the desk in district A, step by step on the clock, for the figures' tests: on-time and
late acceptances, on-time and late closures, resolved and not, all three ratings, a request reopened after a
不满意 rating, a request dispatched to two departments, requests at the edges of October 2026 (the 1st 00:00,
the 31st 23:59, November's first instant), and one of district B that district A's figures must not count.

October 2026 in Beijing: the 1st to the 7th are the National Day holiday, Saturday the 10th is a working day,
Saturday the 31st is not."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from tuoyu.accounts.models import User
from tuoyu.enterprises.factories import ServiceTeamFactory
from tuoyu.enterprises.models import (
    Department,
    Enterprise,
    RatingChannel,
    Satisfaction,
    ServiceRequest,
    ServiceTeam,
    TeamLevel,
    Urgency,
)
from tuoyu.enterprises.services.register import team_member_add
from tuoyu.enterprises.services.requests import (
    Problem,
    dispatch_reply,
    request_accept,
    request_close,
    request_dispatch,
    request_rate,
    request_record,
)
from tuoyu.regions.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(clock: time_machine.Traveller, month: int, day: int, hour: int, minute: int, second: int = 0) -> None:
    clock.move_to(datetime.datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI))


@dataclass
class Desk:
    officer: User
    city_officer: User
    market_contact: User
    tax_contact: User
    enterprise: Enterprise
    district_team: ServiceTeam
    city_team: ServiceTeam
    market_bureau: Department
    tax_bureau: Department

    def record(self, category: str, urgency: str = Urgency.ORDINARY, *, city: bool = False) -> ServiceRequest:
        return request_record(
            actor=self.city_officer if city else self.officer,
            enterprise=self.enterprise,
            team=self.city_team if city else self.district_team,
            problem=Problem(category=category, urgency=urgency, description=f"{category}问题"),
        )

    def accept(self, request: ServiceRequest) -> None:
        request_accept(request=request, actor=self.officer)

    def close(self, request: ServiceRequest, *, resolved: bool = True) -> None:
        request.refresh_from_db()
        request_close(request=request, actor=self.officer, answer="已答复企业。", resolved=resolved)

    def rate(self, request: ServiceRequest, satisfaction: str, comment: str = "") -> None:
        request.refresh_from_db()
        request_rate(
            request=request,
            satisfaction=satisfaction,
            channel=RatingChannel.PHONE,
            comment=comment,
            actor=self.officer,
        )


def build_year(
    clock: time_machine.Traveller,
    desk: Desk,
    enterprise_b: Enterprise,
    officer_b: User,
    district_b: Region,
) -> dict[str, ServiceRequest]:
    """Every step in the order it happened; returns the requests by name."""
    r: dict[str, ServiceRequest] = {}
    team_b = ServiceTeamFactory.create(name="乙区企业服务队", level=TeamLevel.DISTRICT, region=district_b)
    team_member_add(team=team_b, user=officer_b)

    # September: one closed on time (then reopened in October), one closed at the month's last minute.
    at(clock, 9, 10, 10, 0)
    r["reopened"] = desk.record("approval", Urgency.SIMPLE)
    at(clock, 9, 10, 10, 30)
    desk.accept(r["reopened"])  # deadline 15 September
    at(clock, 9, 14, 15, 0)
    desk.close(r["reopened"])
    at(clock, 9, 28, 9, 0)
    r["september"] = desk.record("tax", Urgency.SIMPLE)
    at(clock, 9, 28, 9, 10)
    desk.accept(r["september"])  # deadline 8 October
    at(clock, 9, 30, 23, 59, 0)
    r["before"] = desk.record("approval", Urgency.SIMPLE)  # recorded in September, handled in October
    at(clock, 9, 30, 23, 59, 20)
    desk.close(r["september"])  # closed in September

    # October.
    at(clock, 10, 1, 0, 0, 0)
    r["first"] = desk.record("land")  # the month's first instant; to be accepted by 8 October 10:30
    at(clock, 10, 1, 0, 0, 30)
    desk.rate(r["september"], Satisfaction.SATISFIED)  # a rating in October of a September closure
    at(clock, 10, 8, 9, 0)
    desk.accept(r["before"])  # on time (by 10:30); deadline 12 October
    at(clock, 10, 8, 11, 0)
    desk.accept(r["first"])  # late; deadline 16 October
    at(clock, 10, 9, 10, 0)
    desk.rate(r["reopened"], Satisfaction.NOT_SATISFIED, "证照仍未办下来")  # reopened: deadline 13 October
    at(clock, 10, 12, 9, 0)
    r["across"] = desk.record("approval")
    at(clock, 10, 12, 9, 30)
    desk.accept(r["across"])  # deadline 21 October
    at(clock, 10, 12, 16, 0)
    desk.close(r["before"])  # on its deadline: on time
    at(clock, 10, 13, 9, 0)
    r["open"] = desk.record("tax", Urgency.SIMPLE)
    at(clock, 10, 13, 9, 5)
    desk.accept(r["open"])  # deadline 16 October; never closed
    at(clock, 10, 13, 9, 10)
    request_dispatch(request=r["open"], actor=desk.officer, departments=[desk.tax_bureau, desk.market_bureau])
    at(clock, 10, 13, 10, 0)
    desk.rate(r["before"], Satisfaction.SATISFIED)
    at(clock, 10, 14, 9, 0)
    r["dispatched"] = desk.record("market")
    at(clock, 10, 14, 9, 10)
    desk.accept(r["dispatched"])  # deadline 23 October
    at(clock, 10, 14, 9, 20)
    (dispatch,) = request_dispatch(
        request=r["dispatched"], actor=desk.officer, departments=[desk.market_bureau]
    )
    at(clock, 10, 15, 9, 0)
    r["district_b"] = request_record(
        actor=officer_b,
        enterprise=enterprise_b,
        team=team_b,
        problem=Problem(category="finance", urgency=Urgency.SIMPLE, description="乙区的问题"),
    )
    at(clock, 10, 15, 9, 10)
    request_accept(request=r["district_b"], actor=officer_b)
    at(clock, 10, 15, 10, 0)
    dispatch_reply(dispatch=dispatch, actor=desk.market_contact, reply="已现场指导。")
    at(clock, 10, 15, 11, 0)
    r["district_b"].refresh_from_db()
    request_close(request=r["district_b"], actor=officer_b, answer="已办结。", resolved=False)
    at(clock, 10, 16, 10, 0)
    desk.close(r["dispatched"])
    at(clock, 10, 19, 10, 0)
    r["city"] = desk.record("approval", Urgency.SIMPLE, city=True)
    at(clock, 10, 19, 10, 5)
    request_accept(request=r["city"], actor=desk.city_officer)  # deadline 22 October
    at(clock, 10, 20, 9, 0)
    r["never_accepted"] = desk.record("utilities")
    at(clock, 10, 20, 10, 0)
    desk.close(r["first"], resolved=False)  # late
    at(clock, 10, 21, 10, 0)
    desk.rate(r["first"], Satisfaction.FAIRLY_SATISFIED)
    at(clock, 10, 22, 17, 0)
    r["city"].refresh_from_db()
    request_close(request=r["city"], actor=desk.city_officer, answer="已办结。", resolved=True)
    at(clock, 10, 31, 23, 59, 0)
    desk.close(r["reopened"])  # its last closure: late, on the month's last day
    at(clock, 10, 31, 23, 59, 20)
    desk.rate(r["dispatched"], Satisfaction.SATISFIED)
    at(clock, 10, 31, 23, 59, 30)
    r["last"] = desk.record("tax")  # to be accepted by 2 November 10:30

    # November.
    at(clock, 11, 1, 0, 0, 0)
    r["next"] = desk.record("approval")
    at(clock, 11, 1, 0, 0, 10)
    desk.close(r["across"])  # closed in November, late
    at(clock, 11, 1, 0, 0, 20)
    desk.rate(r["across"], Satisfaction.SATISFIED)
    at(clock, 11, 2, 9, 0)
    desk.accept(r["last"])  # on time
    at(clock, 11, 2, 9, 5)
    desk.accept(r["next"])
    at(clock, 11, 25, 10, 0)
    for request in r.values():
        request.refresh_from_db()
    return r
