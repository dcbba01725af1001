"""Service teams and departments: the teams an officer sees, a team's leader and members (its leader adds
a member by mobile number or removes one), the departments an officer may dispatch to with their contacts
(a team leader of their region names or removes a contact)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.enterprises.forms.register import AccountByPhoneForm, TeamMemberForm
from tuoyu.enterprises.models import Department, ServiceTeam
from tuoyu.enterprises.selectors.access import departments_dispatchable_by, teams_visible_to
from tuoyu.enterprises.selectors.enterprise import (
    departments_with_contacts,
    may_manage_department,
    may_manage_team,
    serves_enterprises,
    team_members,
    teams_with_members,
)
from tuoyu.enterprises.services.register import (
    department_contact_add,
    department_contact_remove,
    team_member_add,
    team_member_remove,
)
from tuoyu.exports import wants_xlsx, xlsx_response
from tuoyu.refusals import refusal_shown


def _must_serve(request: AuthenticatedRequest) -> None:
    if not serves_enterprises(request.user):
        raise Http404


@login_required
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    """The teams the officer sees: their own, and those of the regions above (who visit with them)."""
    _must_serve(request)
    teams = teams_with_members(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            filename="service-teams",
            title=_("Service teams"),
            header=[_("Team"), _("Level"), _("Region"), _("Team leader"), _("Members")],
            rows=(
                [
                    team.name,
                    team.get_level_display(),
                    team.region.name,
                    team.leader.display_name if team.leader else "",
                    "、".join(member.display_name for member in team.members.all()),
                ]
                for team in teams
            ),
        )
    rows = [(team, len(team.members.all()), may_manage_team(request.user, team)) for team in teams]
    return render(request, "enterprises/team_list.html", {"rows": rows})


def _team_of(request: AuthenticatedRequest, pk: int) -> ServiceTeam:
    return get_visible_or_404(teams_visible_to(request.user), pk=pk)


@login_required
def team_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = _team_of(request, pk)
    manages = may_manage_team(request.user, team)
    context = {
        "team": team,
        "members": team_members(team),
        "manages": manages,
        "form": TeamMemberForm() if manages else None,
    }
    return render(request, "enterprises/team_detail.html", context)


@login_required
@require_POST
def team_member_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = _team_of(request, pk)
    if not may_manage_team(request.user, team):
        raise Http404
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        context = {"team": team, "members": team_members(team), "manages": True, "form": form}
        return render(request, "enterprises/team_detail.html", context, status=400)
    user = form.cleaned_data["phone"]
    with refusal_shown(request):
        team_member_add(team=team, user=user, leader=form.cleaned_data["leader"], actor=request.user)
        messages.success(
            request, _("%(name)s is now on %(team)s.") % {"name": user.display_name, "team": team.name}
        )
    return redirect("enterprises:team", pk=team.pk)


@login_required
@require_POST
def team_member_remove_view(request: AuthenticatedRequest, pk: int, user: int) -> HttpResponse:
    team = _team_of(request, pk)
    member = next((person for person in team_members(team) if person.pk == user), None)
    if member is None or not may_manage_team(request.user, team):
        raise Http404
    with refusal_shown(request):
        team_member_remove(team=team, user=member, actor=request.user)
        messages.success(
            request,
            _("%(name)s is no longer on %(team)s.") % {"name": member.display_name, "team": team.name},
        )
    return redirect("enterprises:team", pk=team.pk)


@login_required
def department_list(request: AuthenticatedRequest) -> HttpResponse:
    """The departments the officer may dispatch to, with their contacts; a team leader over a department's
    region names and removes its contacts."""
    _must_serve(request)
    departments = departments_with_contacts(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            filename="departments",
            title=_("Departments"),
            header=[_("Department"), _("Region"), _("Contacts")],
            rows=(
                [
                    department.name,
                    department.region.name,
                    "、".join(contact.display_name for contact in department.contacts.all()),
                ]
                for department in departments
            ),
        )
    rows = [
        (
            department,
            sorted(department.contacts.all(), key=lambda user: (user.display_name, user.pk)),
            AccountByPhoneForm(prefix=f"d{department.pk}")
            if may_manage_department(request.user, department)
            else None,
        )
        for department in departments
    ]
    return render(request, "enterprises/department_list.html", {"rows": rows})


def _department_of(request: AuthenticatedRequest, pk: int) -> Department:
    department = get_visible_or_404(departments_dispatchable_by(request.user), pk=pk)
    if not may_manage_department(request.user, department):
        raise Http404
    return department


@login_required
@require_POST
def department_contact_add_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    department = _department_of(request, pk)
    form = AccountByPhoneForm(request.POST, prefix=f"d{department.pk}")
    if not form.is_valid():
        for error in form["phone"].errors:
            messages.error(request, str(error))
        return redirect("enterprises:departments")
    user = form.cleaned_data["phone"]
    with refusal_shown(request):
        department_contact_add(department=department, user=user, actor=request.user)
        messages.success(
            request,
            _("%(name)s now answers for %(department)s.")
            % {"name": user.display_name, "department": department.name},
        )
    return redirect("enterprises:departments")


@login_required
@require_POST
def department_contact_remove_view(request: AuthenticatedRequest, pk: int, user: int) -> HttpResponse:
    department = _department_of(request, pk)
    contact = next((person for person in department.contacts.all() if person.pk == user), None)
    if contact is None:
        raise Http404
    with refusal_shown(request):
        department_contact_remove(department=department, user=contact, actor=request.user)
        messages.success(
            request,
            _("%(name)s no longer answers for %(department)s.")
            % {"name": contact.display_name, "department": department.name},
        )
    return redirect("enterprises:departments")
