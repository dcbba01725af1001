"""Subsidy policies as dated data the district's regulator keeps: created, edited while no claim uses them,
ended (then followed by a new one). Two policies of the same basis are never in force the same day in a
district, and a policy a claim uses is never edited (the claim's basis would change under it)."""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.rules import Severity
from tuoyu.subsidies.models import Basis, SubsidyPolicy
from tuoyu.subsidies.selectors.policies import (
    last_claimed_month,
    policies_visible_to,
    policy_in_use,
    policy_regions_of,
)

EDITABLE_FIELDS = (
    "name",
    "basis",
    "rate_yuan",
    "cap_per_institution_year_yuan",
    "min_attendance_days",
    "requires_inclusive",
    "requires_filed",
    "requires_guided_price",
    "holding_severities",
    "holding_rule_prefixes",
    "instalments",
    "effective_from",
    "effective_to",
    "source_document",
    "article",
    "is_demo_value",
)

# Lists that may be empty (the model's JSON fields are not blank=True): checked by ``_check`` instead.
CHECKED_HERE = ["holding_severities", "holding_rule_prefixes", "instalments"]


def _lock_district(region: Region) -> None:
    """Serialise the writes of one district's policies, so that two overlapping ones cannot both pass."""
    Region.objects.select_for_update().filter(pk=region.pk).first()


def _check(policy: SubsidyPolicy) -> None:
    """The policy's own rules, then the overlap with the district's other policies of the same basis."""
    if policy.rate_yuan is None or Decimal(policy.rate_yuan) <= 0:
        raise Refusal(_("The rate must be more than zero yuan."), "policy_rate_invalid")
    if policy.effective_to is not None and policy.effective_to < policy.effective_from:
        raise Refusal(_("A policy cannot end before it starts."), "policy_end_before_start")
    unknown = [value for value in policy.holding_severities if value not in Severity.values]
    if unknown:
        raise Refusal(
            _("Unknown severity: %(values)s. Choose among blocking, violation and warning.")
            % {"values": "、".join(str(value) for value in unknown)},
            "policy_severity_invalid",
        )
    if policy.basis == Basis.PER_NEW_PLACE:
        shares = policy.instalments
        if not shares or any(not isinstance(s, int) or s <= 0 for s in shares) or sum(shares) != 100:
            raise Refusal(
                _(
                    "A construction subsidy is paid in instalments that add up to 100 %% (for example "
                    "60,40); these add up to %(total)s."
                )
                % {"total": sum(s for s in shares if isinstance(s, int))},
                "policy_instalments_invalid",
            )
    else:
        policy.instalments = []
    overlapping = SubsidyPolicy.objects.filter(region=policy.region, basis=policy.basis).exclude(pk=policy.pk)
    if policy.effective_to is not None:
        overlapping = overlapping.filter(effective_from__lte=policy.effective_to)
    overlapping = overlapping.exclude(effective_to__lt=policy.effective_from)
    other = overlapping.order_by("effective_from").first()
    if other is not None:
        raise Refusal(
            _(
                "“%(other)s” of the same kind is in force from %(start)s%(until)s: two policies of one "
                "kind cannot be in force on the same day. End it first, or choose other dates."
            )
            % {
                "other": other.name,
                "start": other.effective_from.isoformat(),
                "until": _(" until %(end)s") % {"end": other.effective_to.isoformat()}
                if other.effective_to
                else "",
            },
            "policy_overlap",
            conflict=True,
        )


def _checked_region(actor: User, region: Region) -> Region:
    if not policy_regions_of(actor).filter(pk=region.pk).exists():
        raise NotPermitted("not a regulator of this district")
    return region


@transaction.atomic
def policy_create(
    *, region: Region, actor: User, now: datetime.datetime | None = None, **fields: Any
) -> SubsidyPolicy:
    """Add a policy to the district (fields as in ``EDITABLE_FIELDS``)."""
    now = now or timezone.now()
    _checked_region(actor, region)
    _lock_district(region)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    assert not unknown, f"not a policy field: {unknown}"
    policy = SubsidyPolicy(region=region, created_by=actor, **fields)
    _check(policy)
    policy.full_clean(exclude=CHECKED_HERE)
    policy.save()
    SubsidyPolicy.objects.filter(pk=policy.pk).update(created_at=now)
    policy.created_at = now
    return policy


@transaction.atomic
def policy_update(*, policy: SubsidyPolicy, actor: User, **fields: Any) -> SubsidyPolicy:
    """Change a policy no claim uses yet; one in use is refused (``policy_in_use``): end it, add a new one."""
    policy = _locked(actor, policy)
    if policy_in_use(policy):
        raise Refusal(
            _(
                "A claim already uses this policy, so its rate and conditions stay as they are. End it "
                "(give the day it stops) and add a new policy from the next day."
            ),
            "policy_in_use",
            conflict=True,
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    assert not unknown, f"not a policy field: {unknown}"
    for name, value in fields.items():
        setattr(policy, name, value)
    _check(policy)
    policy.full_clean(exclude=CHECKED_HERE)
    policy.save()
    return policy


@transaction.atomic
def policy_end(*, policy: SubsidyPolicy, effective_to: datetime.date, actor: User) -> SubsidyPolicy:
    """End a policy on ``effective_to`` (its last day in force): not before it starts, nor before the end of
    the last month a claim under it is for."""
    policy = _locked(actor, policy)
    if effective_to < policy.effective_from:
        raise Refusal(_("A policy cannot end before it starts."), "policy_end_before_start")
    last = last_claimed_month(policy)
    if last is not None:
        last_day = last.replace(day=calendar.monthrange(last.year, last.month)[1])
        if effective_to < last_day:
            raise Refusal(
                _("A claim for %(month)s uses this policy: it can end on %(day)s at the earliest.")
                % {"month": f"{last:%Y-%m}", "day": last_day.isoformat()},
                "policy_end_before_claims",
                conflict=True,
            )
    policy.effective_to = effective_to
    _check(policy)
    policy.full_clean(exclude=CHECKED_HERE)
    policy.save(update_fields=["effective_to"])
    return policy


def _locked(actor: User, policy: SubsidyPolicy) -> SubsidyPolicy:
    """The policy read again under the district's lock, if the actor keeps its district's policies."""
    if not policies_visible_to(actor).filter(pk=policy.pk).exists():
        raise NotPermitted("not a regulator of this policy's district")
    _lock_district(policy.region)
    return SubsidyPolicy.objects.select_related("region").get(pk=policy.pk)
