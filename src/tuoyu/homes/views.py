"""``/``: the district overview for visitors; for a signed-in user, the home of their roles."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tuoyu.accounts.access import roles_of
from tuoyu.accounts.models import Role
from tuoyu.enrolment.access_log import health_records_read
from tuoyu.enrolment.models import AccessChannel
from tuoyu.homes.panels import panels_for
from tuoyu.insights import views as insights
from tuoyu.registry.selectors import classes_of_caregiver


def home(request: HttpRequest) -> HttpResponse:
    """A regulator lands on the supervision desk, an enterprise service officer on the enterprise service
    desk, a department contact on their dispatches and a caregiver of one class on its screen; every other
    signed-in user (and one holding several roles) sees the panels of their roles."""
    user = request.user
    if not user.is_authenticated:
        return insights.home(request)
    roles = roles_of(user)
    if roles == {Role.REGULATOR}:
        return redirect("supervision:desk")
    if roles and roles <= {Role.ENTERPRISE_SERVICE, Role.DEPARTMENT_CONTACT}:
        return redirect("enterprises:desk" if Role.ENTERPRISE_SERVICE in roles else "enterprises:dispatches")
    if roles == {Role.CAREGIVER}:
        classes = list(classes_of_caregiver(user)[:2])
        if len(classes) == 1:
            return redirect("daycare:class", classes[0].code)
    panels = panels_for(user, roles, timezone.now())
    shown = [child for panel in panels for child in panel.health_read]
    health_records_read(user, shown, view="home", channel=AccessChannel.PAGE)
    return render(request, "homes/home.html", {"panels": panels, "roles": roles})
