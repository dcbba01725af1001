"""Visits to enterprises (走访、回访): recorded on a phone, each problem raised becomes a request."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.enterprises.models import Enterprise, ServiceRequest, ServiceTeam, Visit
from tuoyu.enterprises.services.requests import Problem, request_record
from tuoyu.refusals import NotPermitted, Refusal


def visit_record(
    *,
    actor: User,
    enterprise: Enterprise,
    visited_on: datetime.date,
    teams: Sequence[ServiceTeam],
    discussed: str,
    problems: Sequence[Problem] = (),
    visitors: Sequence[User] = (),
    met: str = "",
    planned: bool = True,
    follow_up_of: Sequence[ServiceRequest] = (),
) -> Visit:
    """Record a visit and open a request for each problem raised, in the first team's charge (with the second
    team as the joint team when a city and a district team went together). All or nothing."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise NotPermitted("not on the desk for this enterprise")
    if not teams:
        raise Refusal(_("Say which team went."), code="visit_team_required")
    if visited_on > timezone.localdate():
        raise Refusal(_("A visit is recorded once it has taken place."), code="visit_in_future")
    if any(request.enterprise_id != enterprise.pk for request in follow_up_of):
        raise Refusal(
            _("A follow-up visit checks this enterprise's own requests."), code="visit_follow_up_other"
        )
    if not discussed.strip():
        raise Refusal(_("Please write what was discussed."), code="visit_discussed_required")
    in_charge = _team_in_charge(actor, teams)
    joint = next((team for team in teams if team.level != in_charge.level), None)
    with transaction.atomic():
        visit = Visit(
            enterprise=enterprise,
            visited_on=visited_on,
            planned=planned,
            met=met.strip(),
            discussed=discussed.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        visit.full_clean()
        visit.save()
        visit.teams.set(teams)
        visit.visitors.set({actor, *visitors})
        visit.follow_up_of.set(follow_up_of)
        for problem in problems:
            request_record(
                actor=actor,
                enterprise=enterprise,
                team=in_charge,
                problem=problem,
                visit=visit,
                joint_team=joint,
            )
    return visit


def _team_in_charge(actor: User, teams: Sequence[ServiceTeam]) -> ServiceTeam:
    """The actor's own team among those that went (else the first): the problems are theirs to follow."""
    return next((team for team in teams if team.members.filter(pk=actor.pk).exists()), teams[0])
