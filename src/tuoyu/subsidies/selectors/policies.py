"""Reads of subsidy policies: a regulator's district's policies, and the one in force on a day."""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, districts_in_scope, scope_of
from tuoyu.regions.models import Region
from tuoyu.subsidies.models import Claim, SubsidyPolicy

POLICY_PERM = Perm.DECIDE_SUBSIDIES


def _within(scope_paths: tuple[str, ...], lookup: str) -> Q:
    condition = Q(pk__in=[])
    for path in scope_paths:
        condition |= Q(**{f"{lookup}path__startswith": path})
    return condition


def policies_visible_to(actor: object) -> QuerySet[SubsidyPolicy]:
    """The subsidy policies of the districts where the actor decides subsidies (a regulator's district)."""
    scope = scope_of(actor, POLICY_PERM)
    policies = SubsidyPolicy.objects.select_related("region")
    if scope.everything:
        return policies.all()
    if not scope.region_paths:
        return policies.none()
    return policies.filter(_within(scope.region_paths, "region__"))


def policy_regions_of(actor: object) -> QuerySet[Region]:
    """The districts for which the actor may keep subsidy policies."""
    return districts_in_scope(actor, POLICY_PERM)


def policy_in_force(region: Region, basis: str, on: datetime.date) -> SubsidyPolicy | None:
    """The district's policy of ``basis`` in force on ``on`` (at most one: overlaps are refused)."""
    return (
        SubsidyPolicy.objects.filter(region=region, basis=basis, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


def policy_in_use(policy: SubsidyPolicy) -> bool:
    """Whether a claim uses the policy (its rate and conditions then stand: end it, add a new one)."""
    return Claim.objects.filter(policy=policy).exists()


def last_claimed_month(policy: SubsidyPolicy) -> datetime.date | None:
    """The first day of the latest month a claim under the policy is for."""
    return (
        Claim.objects.filter(policy=policy, month__isnull=False)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


STATUS_LABELS = {"in_force": _("In force"), "future": _("Not yet in force"), "ended": _("Ended")}


def policy_status(policy: SubsidyPolicy, today: datetime.date) -> str:
    """``in_force``, ``future`` or ``ended`` on ``today``."""
    if policy.effective_from > today:
        return "future"
    if policy.effective_to is not None and policy.effective_to < today:
        return "ended"
    return "in_force"
