import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.filings.models import (
    OPEN_STATES,
    Filing,
    FilingKind,
    FilingMaterial,
    FilingState,
    MaterialKind,
    ReturnReason,
)
from tuoyu.registry.models import FilingStatus, Institution
from tuoyu.registry.selectors import institutions_visible_to


def filings_visible_to(actor: object) -> QuerySet[Filing]:
    """Filings of the institutions the actor prepares filings for or reviews."""
    scope = Q(institution__in=institutions_visible_to(actor, Perm.PREPARE_FILING)) | Q(
        institution__in=institutions_visible_to(actor, Perm.REVIEW_FILING)
    )
    return Filing.objects.filter(scope).select_related("institution", "institution__street")


def review_queue(actor: object) -> QuerySet[Filing]:
    """Filings awaiting the actor's review, the most urgent first (an unknown deadline sorts last)."""
    return (
        Filing.objects.filter(
            state=FilingState.SUBMITTED, institution__in=institutions_visible_to(actor, Perm.REVIEW_FILING)
        )
        .select_related("institution", "institution__street")
        .order_by("review_deadline", "submitted_at")
    )


def is_overdue(filing: Filing, today: datetime.date) -> bool:
    return (
        filing.state == FilingState.SUBMITTED
        and filing.review_deadline is not None
        and filing.review_deadline < today
    )


def current_materials(filing: Filing) -> dict[str, FilingMaterial]:
    """The latest material of each kind (older uploads stay in earlier versions)."""
    latest: dict[str, FilingMaterial] = {}
    for material in filing.materials.order_by("uploaded_at", "pk"):
        if material.kind != MaterialKind.OTHER:
            latest[material.kind] = material
    return latest


@dataclass(frozen=True)
class PublishedDecision:
    filing: Filing
    version: int
    decided_at: datetime.datetime
    reasons: list[str]


def published_decisions() -> list[PublishedDecision]:
    """Non-compliance decisions the regulator chose to publish (备案办法 art. 9), newest first: public.

    Each return is its own decision; a filing approved later keeps its published decision, and the page
    says it was approved since.
    """
    reasons = (
        ReturnReason.objects.filter(published=True)
        .select_related("filing__institution")
        .order_by("-decided_at", "filing_id", "version", "item")
    )
    decisions: dict[tuple[int, int], PublishedDecision] = {}
    for reason in reasons:
        key = (reason.filing_id, reason.version)
        if key not in decisions:
            decisions[key] = PublishedDecision(reason.filing, reason.version, reason.decided_at, [])
        decisions[key].reasons.append(reason.reason)
    return list(decisions.values())


def material_get_for(actor: object, code: str) -> FilingMaterial:
    return get_visible_or_404(FilingMaterial.objects.filter(filing__in=filings_visible_to(actor)), code=code)


def startable_filings(actor: object) -> list[tuple[Institution, list[tuple[str, str]]]]:
    """For each institution the actor files for and that has no filing in progress, the kinds it may start."""
    busy = Filing.objects.filter(state__in=OPEN_STATES).values("institution")
    institutions = institutions_visible_to(actor, Perm.PREPARE_FILING).exclude(pk__in=busy).order_by("name")
    result = []
    for institution in institutions:
        kinds = (
            [FilingKind.CHANGE, FilingKind.DEREGISTRATION]
            if institution.filing_status == FilingStatus.FILED
            else [FilingKind.INITIAL]
            if institution.filing_status == FilingStatus.NOT_FILED
            else []
        )
        if kinds:
            result.append((institution, [(kind.value, str(kind.label)) for kind in kinds]))
    return result
