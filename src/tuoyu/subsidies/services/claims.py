"""Claims (补助申报): prepared from the data, reviewed and submitted by the director, reviewed line by line by
the regulator (a line excluded, the claim returned).

An operating claim is one institution's month under a per-child-month policy: its lines are the child-months
of ``selectors.child_months`` (amount = rate for a counted line, 0 otherwise). A construction claim is one
approved filing that added inclusive places: one line, places × rate. A claim is recomputed while it is a
draft or returned; once submitted its lines change only by the reviewer's exclusions, and once decided never.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.notifications.models import NotificationKind
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import district_of
from tuoyu.subsidies.models import Basis, Claim, ClaimLine, ClaimState, LineReason, SubsidyPolicy
from tuoyu.subsidies.selectors.child_months import child_months, month_bounds, month_last_day
from tuoyu.subsidies.selectors.claims import (
    claim_conditions,
    claim_holds,
    may_claim,
    may_decide,
    policies_in_force,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal("0.00")
OPEN_STATES = (ClaimState.DRAFT, ClaimState.RETURNED)


def _locked(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("institution__street__parent", "policy", "filing")
        .get(pk=claim.pk)
    )


def _recount(claim: Claim) -> None:
    claim.amount_yuan = sum((line.amount_yuan for line in claim.lines.all()), ZERO)


# Operating claims ----------------------------------------------------------------------------------------


def _operating_lines(claim: Claim) -> list[ClaimLine]:
    assert claim.month is not None
    rate = claim.policy.rate_yuan
    return [
        ClaimLine(
            claim=claim,
            child=row.child,
            attendance_days=row.attendance_days,
            days=row.days,
            counted=row.counted,
            reason=row.reason,
            reason_detail=row.detail[:200],
            amount_yuan=rate if row.counted else ZERO,
        )
        for row in child_months(institution=claim.institution, month=claim.month, policy=claim.policy)
    ]


@transaction.atomic
def claim_prepare(
    *,
    institution: Institution,
    policy: SubsidyPolicy,
    month: datetime.date,
    now: datetime.datetime | None = None,
) -> Claim:
    """The institution's operating claim of ``month`` under ``policy``, created or recomputed from the
    attendance records (lines replaced) while a draft or returned; a submitted or decided claim is returned
    as it is. Only for a month that has ended, that the policy covers, and an institution that meets the
    policy's conditions on the month's last day."""
    now = now or timezone.now()
    first, _following = month_bounds(month)
    last = month_last_day(first)
    if policy.basis != Basis.PER_CHILD_MONTH:
        raise Refusal(_("This policy is not paid per child-month."), "policy_not_operating")
    if district_of(institution).pk != policy.region_id:
        raise NotPermitted(f"{policy} is not a policy of the district of {institution}")
    if last >= timezone.localdate(now):
        raise Refusal(_("A month is claimed once it has ended."), "month_not_ended", conflict=True)
    if policy.effective_from > last or (policy.effective_to is not None and policy.effective_to < first):
        raise Refusal(_("The policy was not in force in that month."), "policy_not_in_force")
    reasons: list[StrOrPromise] = list(claim_conditions(institution=institution, policy=policy, on=last))
    if reasons:
        raise Refusal(list(reasons), "claim_not_eligible", conflict=True)
    try:
        with transaction.atomic():
            claim, _created = Claim.objects.get_or_create(
                policy=policy, institution=institution, month=first, defaults={"prepared_at": now}
            )
    except IntegrityError:  # prepared at the same moment by another run
        claim = Claim.objects.get(policy=policy, institution=institution, month=first)
    claim = _locked(claim)
    if claim.state not in OPEN_STATES:
        return claim
    claim.lines.all().delete()
    lines = ClaimLine.objects.bulk_create(_operating_lines(claim))
    claim.amount_yuan = sum((line.amount_yuan for line in lines), ZERO)
    claim.holds = claim_holds(institution, policy, timezone.localdate(now))
    claim.prepared_at = now
    claim.full_clean()
    claim.save()
    return claim


def claim_recompute(*, claim: Claim, actor: User, now: datetime.datetime | None = None) -> Claim:
    """The director's "recompute" (重新核算) of a draft or returned claim from today's data."""
    if not may_claim(actor, claim):
        raise NotPermitted(f"{actor} does not claim for {claim.institution_id}")
    if claim.state not in OPEN_STATES:
        raise Refusal(_("Only a draft or returned claim is recomputed."), "claim_not_open", conflict=True)
    if claim.filing_id is not None:
        prepared = construction_claim_prepare(filing=claim.filing, now=now)  # type: ignore[arg-type]
        return prepared or claim
    assert claim.month is not None
    return claim_prepare(institution=claim.institution, policy=claim.policy, month=claim.month, now=now)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def claims_prepare_for_month(*, month: datetime.date, now: datetime.datetime | None = None) -> int:
    """Prepare ``month``'s operating claim of every eligible institution under every per-child-month policy
    of its district in force then (idempotent: a submitted or decided claim is left alone). How many."""
    now = now or timezone.now()
    first, _following = month_bounds(month)
    last = month_last_day(first)
    prepared = 0
    policies = SubsidyPolicy.objects.filter(basis=Basis.PER_CHILD_MONTH).select_related("region")
    for policy in policies:
        if policy.effective_from > last or (policy.effective_to is not None and policy.effective_to < first):
            continue
        institutions = Institution.objects.filter(street__path__startswith=policy.region.path).select_related(
            "street__parent"
        )
        for institution in institutions.order_by("pk"):
            if claim_conditions(institution=institution, policy=policy, on=last):
                continue
            claim_prepare(institution=institution, policy=policy, month=first, now=now)
            prepared += 1
    return prepared


# Construction claims -------------------------------------------------------------------------------------


def new_places_of(filing: Filing) -> int:
    """The places an approved initial or change filing added: its filed places less those of the
    institution's previous approved filing (none for an initial one)."""
    if filing.kind == FilingKind.INITIAL:
        return filing.filed_places
    previous = (
        Filing.objects.filter(
            institution_id=filing.institution_id,
            state=FilingState.APPROVED,
            kind__in=[FilingKind.INITIAL, FilingKind.CHANGE],
            decided_at__lt=filing.decided_at,
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
    return filing.filed_places - (previous.filed_places if previous else 0)


def construction_policy_for(filing: Filing) -> SubsidyPolicy | None:
    assert filing.decided_at is not None
    day = timezone.localdate(filing.decided_at)
    region = district_of(filing.institution)
    return policies_in_force(region, Basis.PER_NEW_PLACE, first=day, last=day).first()


@transaction.atomic
def construction_claim_prepare(*, filing: Filing, now: datetime.datetime | None = None) -> Claim | None:
    """The construction claim of an approved filing that added inclusive places (one line: places × rate),
    created or recomputed while a draft or returned; None when the filing gives none (not approved, a
    cancellation, no places added, the institution not inclusive on the approval day, no policy in force).
    Idempotent."""
    now = now or timezone.now()
    filing = Filing.objects.select_related("institution__street__parent").get(pk=filing.pk)
    if filing.state != FilingState.APPROVED or filing.kind == FilingKind.DEREGISTRATION:
        return None
    assert filing.decided_at is not None
    approved_on = timezone.localdate(filing.decided_at)
    institution = filing.institution
    recognised = institution.inclusive_recognized_on
    if recognised is None or recognised > approved_on:
        return None
    places = new_places_of(filing)
    policy = construction_policy_for(filing)
    if places <= 0 or policy is None:
        return None
    try:
        with transaction.atomic():
            claim, _created = Claim.objects.get_or_create(
                policy=policy, filing=filing, defaults={"institution": institution, "prepared_at": now}
            )
    except IntegrityError:
        claim = Claim.objects.get(policy=policy, filing=filing)
    claim = _locked(claim)
    if claim.state not in OPEN_STATES:
        return claim
    claim.lines.all().delete()
    line = ClaimLine.objects.create(
        claim=claim,
        places=places,
        counted=True,
        reason=LineReason.NEW_PLACES,
        reason_detail=_("Filing %(receipt)s: %(places)d new inclusive places.")
        % {"receipt": filing.receipt_no or filing.code, "places": places},
        amount_yuan=places * policy.rate_yuan,
    )
    claim.amount_yuan = line.amount_yuan
    claim.holds = claim_holds(institution, policy, timezone.localdate(now))
    claim.prepared_at = now
    claim.full_clean()
    claim.save()
    return claim


def construction_claims_sweep(*, now: datetime.datetime | None = None, days: int = 30) -> int:
    """Prepare the construction claims of the filings approved in the last ``days`` days that have none
    (an approval the queue missed). Idempotent; how many claims exist for them now."""
    now = now or timezone.now()
    approved = Filing.objects.filter(
        state=FilingState.APPROVED,
        kind__in=[FilingKind.INITIAL, FilingKind.CHANGE],
        decided_at__gte=now - datetime.timedelta(days=days),
        claims__isnull=True,
    ).order_by("decided_at", "pk")
    return sum(1 for filing in approved if construction_claim_prepare(filing=filing, now=now) is not None)


# The director --------------------------------------------------------------------------------------------


@transaction.atomic
def claim_submit(
    *, claim: Claim, actor: User, remarks: str = "", now: datetime.datetime | None = None
) -> Claim:
    """The director submits the claim as prepared, with remarks, for the regulator's review."""
    now = now or timezone.now()
    claim = _locked(claim)
    if not may_claim(actor, claim):
        raise NotPermitted(f"{actor} does not claim for {claim.institution_id}")
    if claim.state not in OPEN_STATES:
        raise Refusal(_("This claim was submitted already."), "claim_not_open", conflict=True)
    if claim.amount_yuan == ZERO and not claim.lines.exists():
        raise Refusal(_("This claim has nothing to claim."), "claim_empty", conflict=True)
    claim.remarks = remarks.strip()
    claim.state = ClaimState.SUBMITTED
    claim.submitted_at, claim.submitted_by = now, actor
    claim.holds = claim_holds(claim.institution, claim.policy, timezone.localdate(now))
    claim.full_clean()
    claim.save()
    return claim


# The regulator -------------------------------------------------------------------------------------------


def _reviewing(actor: User, claim: Claim) -> None:
    if not may_decide(actor, claim):
        raise NotPermitted(f"{actor} does not decide on {claim.institution_id}")
    if claim.state == ClaimState.DECIDED:
        raise Refusal(_("This claim is decided already."), "claim_already_decided", conflict=True)
    if claim.state != ClaimState.SUBMITTED:
        raise Refusal(_("This claim is not submitted."), "claim_not_submitted", conflict=True)


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise Refusal(_("Say why, in a note."), "note_required")
    return note


@transaction.atomic
def claim_line_exclude(*, line: ClaimLine, actor: User, note: str) -> ClaimLine:
    """The reviewer excludes a line of a submitted claim (amount 0, with the reason); the claim's amount is
    recomputed."""
    claim = _locked(line.claim)
    _reviewing(actor, claim)
    line = claim.lines.select_for_update().get(pk=line.pk)
    if line.reason == LineReason.EXCLUDED_BY_REVIEW:
        raise Refusal(_("This line is excluded already."), "line_already_excluded", conflict=True)
    line.counted, line.reason = False, LineReason.EXCLUDED_BY_REVIEW
    line.reason_detail = _note(note)[:200]
    line.amount_yuan = ZERO
    line.full_clean()
    line.save()
    _recount(claim)
    claim.save(update_fields=["amount_yuan"])
    return line


@transaction.atomic
def claim_return(*, claim: Claim, actor: User, note: str) -> Claim:
    """The reviewer returns a submitted claim to the institution, saying why; the director is told."""
    from tuoyu.subsidies.services.decisions import notify_directors

    claim = _locked(claim)
    _reviewing(actor, claim)
    claim.review_note = _note(note)
    claim.state = ClaimState.RETURNED
    claim.full_clean()
    claim.save()
    notify_directors(
        claim,
        kind=NotificationKind.SUBSIDY_CLAIM_RETURNED,
        title=gettext_lazy("Subsidy claim returned: %(claim)s"),
        body=gettext_lazy("The regulator returned the claim: %(note)s"),
        params={"claim": claim_title(claim), "note": claim.review_note},
        link=_claim_link(claim),
    )
    return claim


def claim_title(claim: Claim) -> str:
    period = f"{claim.month:%Y年%m月}" if claim.month else _("new places")
    return f"{claim.institution.name} {claim.policy.name} {period}"


def _claim_link(claim: Claim) -> str:
    from django.urls import reverse

    return reverse("subsidies:claim", kwargs={"code": claim.code})
