"""The district's subsidy policies: the list (in force, not yet in force, ended), a new one, an edit while no
claim uses it, and its end."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.access import AuthenticatedRequest, get_visible_or_404
from tuoyu.refusals import refusal_shown
from tuoyu.subsidies.forms.policies import PolicyEndForm, PolicyForm
from tuoyu.subsidies.selectors.policies import (
    STATUS_LABELS,
    policies_visible_to,
    policy_regions_of,
    policy_status,
)
from tuoyu.subsidies.services.policies import policy_create, policy_end, policy_update


def _keeper_or_404(request: HttpRequest) -> None:
    if not policy_regions_of(request.user).exists():
        raise Http404


@login_required
def policies(request: AuthenticatedRequest) -> HttpResponse:
    """The policies of the regulator's district, in force first, then the future ones, then the ended."""
    _keeper_or_404(request)
    today = timezone.localdate()
    groups: dict[str, list] = {"in_force": [], "future": [], "ended": []}
    claimed = set(policies_visible_to(request.user).filter(claims__isnull=False).values_list("pk", flat=True))
    for policy in policies_visible_to(request.user).order_by("basis", "-effective_from", "pk"):
        groups[policy_status(policy, today)].append((policy, policy.pk in claimed))
    context = {
        "groups": [(STATUS_LABELS[key], key, rows) for key, rows in groups.items()],
        "end_form": PolicyEndForm(initial={"effective_to": today}),
    }
    return render(request, "subsidies/policies.html", context)


@login_required
def policy_new(request: AuthenticatedRequest) -> HttpResponse:
    _keeper_or_404(request)
    form = PolicyForm(request.POST or None, regions=policy_regions_of(request.user))
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as attempt:
            policy = policy_create(
                region=form.cleaned_data["region"], actor=request.user, **form.fields_for_service()
            )
            messages.success(request, _("The policy “%(name)s” was added.") % {"name": policy.name})
        if attempt.refused is None:
            return redirect("subsidies:policies")
    return render(request, "subsidies/policy_form.html", {"form": form, "policy": None})


@login_required
def policy_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = get_visible_or_404(policies_visible_to(request.user), code=code)
    form = PolicyForm(request.POST or None, regions=policy_regions_of(request.user), policy=policy)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as attempt:
            policy_update(policy=policy, actor=request.user, **form.fields_for_service())
            messages.success(request, _("The policy “%(name)s” was changed.") % {"name": policy.name})
        if attempt.refused is None:
            return redirect("subsidies:policies")
    return render(request, "subsidies/policy_form.html", {"form": form, "policy": policy})


@login_required
@require_POST
def policy_end_view(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = get_visible_or_404(policies_visible_to(request.user), code=code)
    form = PolicyEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day the policy is in force."))
        return redirect("subsidies:policies")
    with refusal_shown(request):
        policy_end(policy=policy, effective_to=form.cleaned_data["effective_to"], actor=request.user)
        messages.success(
            request,
            _("The policy “%(name)s” ends on %(day)s.")
            % {"name": policy.name, "day": form.cleaned_data["effective_to"].isoformat()},
        )
    return redirect("subsidies:policies")


urlpatterns = [
    path("policies/", policies, name="policies"),
    path("policies/new/", policy_new, name="policy_new"),
    path("policies/<uuid:code>/edit/", policy_edit, name="policy_edit"),
    path("policies/<uuid:code>/end/", policy_end_view, name="policy_end"),
]
