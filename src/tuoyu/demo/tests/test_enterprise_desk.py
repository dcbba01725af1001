"""The enterprise service desk in the demo district: the newspaper page's story as the page tells it, and a
year of invented requests that gives the figures something to count in every month."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.cases.models import CaseEvent
from tuoyu.demo.enterprise_desk import CITY_TEAM, DEPARTMENTS, DISTRICT_TEAM
from tuoyu.demo.management.commands.seed_demo import DEMO_PASSWORD
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Category,
    Department,
    Dispatch,
    Enterprise,
    Extension,
    ExtensionStatus,
    Rating,
    RatingChannel,
    Satisfaction,
    ServiceRequest,
    ServiceTeam,
    TeamLevel,
    Urgency,
    Visit,
)
from tuoyu.workdays import is_working_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

JOINT_VISIT = datetime.date(2023, 6, 8)
SUIGENG, LIMEI = "济宁岁耕农业发展有限公司", "济宁理美酒店有限公司"
LONGNENG = "龙能城市运营管理股份有限公司济宁分公司"


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def months_of_the_year(today: datetime.date) -> list[tuple[int, int]]:
    """The twelve months up to today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [((index - back) // 12, (index - back) % 12 + 1) for back in range(11, -1, -1)]


def next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def year_requests() -> list[ServiceRequest]:
    first_year, first_month = months_of_the_year(timezone.localdate())[0]
    start = datetime.date(first_year, first_month, 1)
    return [
        request
        for request in ServiceRequest.objects.select_related("case", "enterprise").order_by("recorded_at")
        if local_day(request.recorded_at) >= start
    ]


def closures(request: ServiceRequest) -> list[CaseEvent]:
    return list(request.case.events.filter(action=kinds.CLOSE).order_by("at"))


# The page's story -------------------------------------------------------------------------------------------


def test_on_8_june_2023_the_two_teams_revisit_suigeng_and_limei_about_their_spring_requests() -> None:
    revisits = Visit.objects.filter(visited_on=JOINT_VISIT).exclude(follow_up_of=None).distinct()

    assert {visit.enterprise.name for visit in revisits} == {SUIGENG, LIMEI}
    for visit in revisits:
        assert {team.name for team in visit.teams.all()} == {CITY_TEAM, DISTRICT_TEAM}
        assert visit.is_joint
        assert local_day(visit.recorded_at) == JOINT_VISIT
        followed = set(visit.follow_up_of.select_related("visit", "case"))
        raised_before = set(ServiceRequest.objects.filter(enterprise=visit.enterprise))
        assert followed == raised_before and len(followed) == 2
        for request in followed:
            assert request.visit is not None
            spring_visit = request.visit.visited_on
            assert datetime.date(2023, 3, 1) <= spring_visit <= datetime.date(2023, 5, 31)
            assert request.visit.teams.get().name == DISTRICT_TEAM
            assert request.case.status == kinds.RATED  # followed through to the rating
            assert local_day(request.case.closed_at) <= request.case.deadline  # type: ignore[arg-type,operator]
        # The follow-up rating of what closed the day before, given on the visit.
        rated_there = Rating.objects.filter(request__in=followed, channel=RatingChannel.VISIT)
        assert [local_day(rating.at) for rating in rated_there] == [JOINT_VISIT]
        assert rated_there.get().satisfaction == Satisfaction.SATISFIED


def test_then_they_visit_longneng_for_the_first_time_and_record_its_problems() -> None:
    longneng = Enterprise.objects.get(name=LONGNENG)

    (visit,) = longneng.visits.all()
    assert visit.visited_on == JOINT_VISIT
    assert visit.is_joint and not visit.follow_up_of.exists()
    suigeng_revisit = Visit.objects.get(enterprise__name=SUIGENG, visited_on=JOINT_VISIT)
    assert visit.recorded_at > suigeng_revisit.recorded_at  # 随后: after the revisits
    problems = list(visit.requests.select_related("case", "team", "joint_team"))
    assert len(problems) == 3
    for request in problems:
        assert local_day(request.recorded_at) == JOINT_VISIT
        assert request.case.number.startswith("企服〔2023〕")
        assert request.team.level == TeamLevel.DISTRICT
        assert request.joint_team is not None and request.joint_team.level == TeamLevel.CITY  # 市县联动
        assert request.case.status == kinds.RATED
        assert request.accepted_at is not None and request.accepted_at <= request.accept_by


def test_the_story_comes_first_in_the_numbering_and_in_time() -> None:
    # The problems of one visit are recorded at the same moment, in the order they were raised.
    story = ServiceRequest.objects.filter(enterprise__name__in=[SUIGENG, LIMEI, LONGNENG]).order_by(
        "recorded_at", "pk"
    )

    assert [request.case.number for request in story] == [f"企服〔2023〕{n}号" for n in range(1, 8)]


# The year ---------------------------------------------------------------------------------------------------


def in_month(moment: datetime.datetime, month: tuple[int, int]) -> bool:
    day = local_day(moment)
    return (day.year, day.month) == month


def test_every_month_of_the_year_has_requests_closures_and_ratings() -> None:
    today = timezone.localdate()
    requests = year_requests()
    closed = list(CaseEvent.objects.filter(case__kind=kinds.REQUEST, action=kinds.CLOSE))
    ratings = list(Rating.objects.all())

    *whole_months, this_month = months_of_the_year(today)
    for month in whole_months:
        assert len([r for r in requests if in_month(r.recorded_at, month)]) >= 4, month
        assert [event for event in closed if in_month(event.at, month)], month
        assert [rating for rating in ratings if in_month(rating.at, month)], month
    # This month's requests so far (the fixed clock is late in the month: some are closed and rated already).
    assert len([r for r in requests if in_month(r.recorded_at, this_month)]) >= 4
    assert [event for event in closed if in_month(event.at, this_month)]


def test_each_step_happens_at_its_own_moment_in_order_and_none_after_now() -> None:
    now = timezone.now()

    for request in ServiceRequest.objects.select_related("case"):
        events = list(request.case.events.order_by("pk"))
        assert events[0].at == request.case.opened_at == request.recorded_at
        assert [event.at for event in events] == sorted(event.at for event in events), request.case.number
        assert events[-1].at <= now
        if request.accepted_at is not None:
            accepted = request.case.events.get(action=kinds.ACCEPT)
            assert accepted.at == request.accepted_at
        for rating in request.ratings.all():
            assert rating.at > closures(request)[0].at
    days = {local_day(request.recorded_at) for request in year_requests()}
    assert len(days) >= 40  # spread over the year, not loaded on one day


def test_most_are_accepted_and_closed_on_time_and_satisfied_some_late() -> None:
    requests = year_requests()
    accepted = [r for r in requests if r.accepted_at is not None]
    on_time = [r for r in accepted if r.accepted_at <= r.accept_by]  # type: ignore[operator]
    closed = [r for r in requests if closures(r)]
    closed_on_time = [r for r in closed if local_day(closures(r)[0].at) <= r.case.deadline]  # type: ignore[operator]
    ratings = list(Rating.objects.filter(request__in=requests))
    content = [r for r in ratings if r.satisfaction != Satisfaction.NOT_SATISFIED]

    assert 0.8 <= len(on_time) / len(accepted) < 1
    assert 0.8 <= len(closed_on_time) / len(closed) < 1
    assert 0.9 <= len(content) / len(ratings) < 1
    assert {rating.channel for rating in ratings} == set(RatingChannel.values)
    assert any(r.resolved is False for r in closed)


def test_a_few_are_overdue_and_reminded_the_working_day_after_their_deadline() -> None:
    today = timezone.localdate()
    overdue = [
        r
        for r in ServiceRequest.objects.select_related("case")
        if r.case.status in kinds.HANDLING and r.case.deadline is not None and r.case.deadline < today
    ]

    assert 2 <= len(overdue) <= 5
    for request in overdue:
        deadline = request.case.deadline
        assert deadline is not None
        reminders = request.case.events.filter(action=kinds.REMIND)
        assert reminders.exists(), request.case.number
        assert {local_day(event.at) for event in reminders} == {next_working_day(deadline)}
        for dispatch in request.dispatches.filter(replied_at=None):
            assert dispatch.reminded_for == deadline
    # Some departments were reminded, and a team that handles a request itself too.
    notes = " ".join(CaseEvent.objects.filter(action=kinds.REMIND).values_list("note", flat=True))
    assert any(name in notes for name, _contact in DEPARTMENTS.values())
    assert (
        Dispatch.objects.exclude(reminded_for=None).exclude(replied_at=None).exists()
    )  # late, then answered


def test_one_is_reopened_after_a_not_satisfied_rating_and_still_open() -> None:
    (request,) = ServiceRequest.objects.filter(case__status=kinds.REOPENED)

    assert request.times_reopened == 1
    last = request.ratings.order_by("at").last()
    assert last is not None and last.satisfaction == Satisfaction.NOT_SATISFIED and last.comment
    assert request.case.closed_at is None
    assert request.case.deadline is not None and request.case.deadline >= timezone.localdate()
    # Another was reopened months ago, closed again and rated.
    again = ServiceRequest.objects.filter(times_reopened=1, case__status=kinds.RATED).get()
    assert [rating.satisfaction for rating in again.ratings.order_by("at")] == [
        Satisfaction.NOT_SATISFIED,
        Satisfaction.SATISFIED,
    ]
    assert len(closures(again)) == 2


def test_one_extension_asked_before_the_deadline_is_granted_and_the_request_closed_within_it() -> None:
    (extension,) = Extension.objects.select_related("request__case")

    assert extension.status == ExtensionStatus.GRANTED
    assert extension.deadline_before is not None
    assert local_day(extension.asked_at) < extension.deadline_before
    request = extension.request
    assert request.case.deadline is not None and request.case.deadline > extension.deadline_before
    closed_on = local_day(closures(request)[0].at)
    assert extension.deadline_before < closed_on <= request.case.deadline


def test_every_category_urgency_team_and_department_is_represented() -> None:
    requests = ServiceRequest.objects.all()

    assert set(requests.values_list("category", flat=True)) == set(Category.values)
    assert set(requests.values_list("urgency", flat=True)) == set(Urgency.values)
    assert set(requests.values_list("team__name", flat=True)) == {CITY_TEAM, DISTRICT_TEAM}
    assert set(requests.exclude(joint_team=None).values_list("joint_team__name", flat=True)) == {
        CITY_TEAM,
        DISTRICT_TEAM,
    }
    assert set(Dispatch.objects.values_list("department__name", flat=True)) == {
        name for name, _contact in DEPARTMENTS.values()
    }


# The enterprises and the people -----------------------------------------------------------------------------


def test_no_enterprise_without_a_note_saying_what_is_invented() -> None:
    enterprises = list(Enterprise.objects.all())

    assert len(enterprises) == 15
    for enterprise in enterprises:
        enterprise.full_clean()  # the credit code's check character (GB 32100) among the rest
        assert "虚构" in enterprise.note, enterprise.name
    from_the_page = [e for e in enterprises if "取自" in e.note]
    assert {e.name for e in from_the_page} == {SUIGENG, LIMEI, LONGNENG}
    assert len([e for e in enterprises if e.note.startswith("演示虚构企业")]) == 12
    assert len({e.credit_code for e in enterprises}) == 15


def test_the_employer_planning_workplace_childcare_is_linked_to_its_institution_by_credit_code() -> None:
    (employer,) = Enterprise.objects.exclude(institution=None).select_related("institution")

    assert employer.institution is not None
    assert employer.credit_code == employer.institution.credit_code
    assert employer.requests.filter(category=Category.CHILDCARE).exists()


def test_the_teams_and_departments_hold_their_roles_through_the_desk() -> None:
    for name, level in ((CITY_TEAM, TeamLevel.CITY), (DISTRICT_TEAM, TeamLevel.DISTRICT)):
        team = ServiceTeam.objects.get(name=name)
        assert team.level == level
        assert team.leader is not None and team.leader in team.members.all()
        assert 3 <= team.members.count() <= 4  # the leader and two or three members
        for member in team.members.all():
            assert RoleAssignment.objects.filter(
                user=member, role=Role.ENTERPRISE_SERVICE, region=team.region
            ).exists()
    for department in Department.objects.all():
        (contact,) = department.contacts.all()
        assert RoleAssignment.objects.filter(
            user=contact, role=Role.DEPARTMENT_CONTACT, region=department.region
        ).exists()


def test_the_desk_logins_are_listed_with_the_other_demo_accounts() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    accounts = {account["persona"]: account for account in json.loads(out.getvalue())}

    desk_people = set(ServiceTeam.objects.values_list("members__phone", flat=True)) | set(
        Department.objects.values_list("contacts__phone", flat=True)
    )
    assert desk_people <= {account["phone"] for account in accounts.values()}
    assert accounts["desk_officer"]["role"] == Role.ENTERPRISE_SERVICE
    assert accounts["contact_market"]["role"] == Role.DEPARTMENT_CONTACT
    assert "otp_secret" not in accounts["desk_officer"]  # the same second-factor rule as everyone


def test_one_enterprise_contact_signs_in_and_sees_the_firms_requests() -> None:
    contact = User.objects.get(phone="13800000024")
    enterprise = Enterprise.objects.get(contact_phone=contact.phone)

    assert contact.check_password(DEMO_PASSWORD)
    visible = ServiceRequest.objects.visible_to(contact)
    assert set(visible) == set(enterprise.requests.all())
    statuses = set(visible.values_list("case__status", flat=True))
    assert {kinds.RATED, kinds.REOPENED, kinds.CLOSED} <= statuses  # and one to rate now
