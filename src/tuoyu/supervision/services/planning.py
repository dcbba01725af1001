"""Inspection plans drawn at random from a published seed (双随机、一公开).

The draw reads its inputs (the region's operating institutions with their risk group and last inspector,
the inspectors, the period and the rates) into one canonical JSON text, seeds ``random.Random`` with the
SHA-256 of the seed and that text, and draws: within each risk group (high, medium, low), the institutions
sorted by code, a sample of the group's share (rounded up); then for each institution drawn, by code, an
inspector among those who did not inspect it last time. Anyone holding the seed and the inputs re-runs it
(``draw``, or ``manage.py plan_verify``) and gets the same plan, byte for byte. An approved plan is public.
"""

import datetime
import hashlib
import json
import random
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.supervision.models import InspectionPlan
from tuoyu.supervision.selectors.planning import plan_inputs
from tuoyu.supervision.selectors.risk import GROUP_ORDER, regions_supervised_by

DEFAULT_RATES = {"high": 100, "medium": 30, "low": 10}
MAX_SEED_LENGTH = 64


def canonical(value: Any) -> bytes:
    """The one JSON text of ``value``: keys sorted, no whitespace, UTF-8 (Chinese names as they are)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _rng(seed: str, inputs: dict[str, Any]) -> random.Random:
    digest = hashlib.sha256(seed.encode() + b"\n" + canonical(inputs)).digest()
    return random.Random(int.from_bytes(digest, "big"))


def draw(seed: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan drawn from ``seed`` and ``inputs`` (as ``plan_inputs`` gives them); a pure function."""
    rng = _rng(seed, inputs)
    inspectors = sorted(inputs["inspectors"], key=lambda row: row["id"])
    drawn: list[dict[str, Any]] = []
    for group in GROUP_ORDER:
        members = sorted(
            (row for row in inputs["institutions"] if row["group"] == group), key=lambda r: r["code"]
        )
        share = (len(members) * int(inputs["rates"].get(group, 0)) + 99) // 100  # rounded up
        for institution in sorted(rng.sample(members, share), key=lambda row: row["code"]):
            candidates = [row for row in inspectors if row["id"] != institution["last_inspector"]]
            if not candidates:
                raise Refusal(
                    _("No inspector is left for %(name)s: the only one inspected it last time.")
                    % {"name": institution["name"]},
                    code="no_inspector_left",
                    conflict=True,
                )
            inspector = rng.choice(candidates)
            drawn.append(
                {
                    "code": institution["code"],
                    "name": institution["name"],
                    "group": group,
                    "inspector_id": inspector["id"],
                    "inspector_name": inspector["name"],
                }
            )
    return drawn


def _checked_rates(rates: dict[str, int] | None) -> dict[str, int]:
    checked = dict(DEFAULT_RATES)
    for group, rate in (rates or {}).items():
        if group not in DEFAULT_RATES:
            raise Refusal(_("Unknown risk group: %(group)s.") % {"group": group}, code="unknown_risk_group")
        if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 100:
            raise Refusal(_("A share is a whole percentage from 0 to 100."), code="rate_out_of_range")
        checked[group] = rate
    return checked


def _supervised(actor: User, region: Region) -> None:
    if not regions_supervised_by(actor).filter(pk=region.pk).exists():
        raise NotPermitted(f"{actor} does not supervise {region.code}")


@transaction.atomic
def plan_draw(
    *,
    region: Region,
    period_start: datetime.date,
    period_end: datetime.date,
    seed: str,
    rates: dict[str, int] | None,
    actor: User,
) -> InspectionPlan:
    """Draw the plan of ``region`` for the period from ``seed`` and store it with its inputs."""
    _supervised(actor, region)
    if period_end < period_start:
        raise Refusal(_("The period ends before it starts."), code="period_reversed")
    seed = seed.strip()
    if not seed or len(seed) > MAX_SEED_LENGTH:
        raise Refusal(_("Give a seed of 1 to 64 characters."), code="seed_invalid")
    checked = _checked_rates(rates)
    now = timezone.now()
    inputs = plan_inputs(
        actor=actor,
        region=region,
        period_start=period_start,
        period_end=period_end,
        rates=checked,
        on=timezone.localdate(now),
    )
    if not inputs["inspectors"]:
        raise Refusal(_("The region has no inspector to draw."), code="no_inspectors", conflict=True)
    plan = InspectionPlan(
        region=region,
        title=f"{region.name}{period_start:%Y年%m月%d日}至{period_end:%Y年%m月%d日}双随机抽查计划",
        period_start=period_start,
        period_end=period_end,
        seed=seed,
        rates=checked,
        inputs=inputs,
        drawn=draw(seed, inputs),
        drawn_at=now,
        drawn_by=actor,
    )
    plan.full_clean()
    plan.save()
    return plan


def plan_redraw(plan: InspectionPlan) -> bytes:
    """The plan drawn again from its stored seed and inputs, as canonical JSON."""
    return canonical(draw(plan.seed, plan.inputs))


def plan_matches(plan: InspectionPlan) -> bool:
    """Whether drawing again from the stored seed and inputs gives the stored plan, byte for byte."""
    return plan_redraw(plan) == canonical(plan.drawn)


@transaction.atomic
def plan_approve(*, plan: InspectionPlan, actor: User) -> InspectionPlan:
    """Approve the plan (any regulator of its region, its drawer too): it is published (一公开) and the
    inspectors drawn are told."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    _supervised(actor, plan.region)
    if plan.approved_at is not None:
        raise Refusal(_("This plan is approved already."), code="plan_already_approved", conflict=True)
    if not plan_matches(plan):
        raise Refusal(
            _("The stored plan does not match its draw: it cannot be approved."),
            code="plan_mismatch",
            conflict=True,
        )
    plan.approved_at = timezone.now()
    plan.approved_by = actor
    plan.full_clean()
    plan.save(update_fields=["approved_at", "approved_by"])
    inspector_ids = sorted({row["inspector_id"] for row in plan.drawn})
    notify_all(
        User.objects.filter(pk__in=inspector_ids, is_active=True).order_by("pk"),
        kind=NotificationKind.INSPECTION_PLAN_PUBLISHED,
        title=_("Inspection plan published: %(title)s"),
        body=_("You were drawn to inspect institutions from %(start)s to %(end)s."),
        params={
            "title": plan.title,
            "start": plan.period_start.isoformat(),
            "end": plan.period_end.isoformat(),
        },
        link=reverse("supervision:plan", kwargs={"pk": plan.pk}),
    )
    return plan
