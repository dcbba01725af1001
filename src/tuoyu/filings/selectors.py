import datetime

from django.db.models import Q, QuerySet

from tuoyu.accounts.access import Perm, get_visible_or_404
from tuoyu.filings.models import Filing, FilingMaterial, FilingState, MaterialKind
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


def published_decisions() -> QuerySet[Filing]:
    """Non-compliance decisions the regulator chose to publish (备案办法 art. 9): public."""
    return (
        Filing.objects.filter(decision_published=True)
        .select_related("institution")
        .prefetch_related("return_reasons")
        .order_by("-decided_at")
    )


def material_get_for(actor: object, code: str) -> FilingMaterial:
    return get_visible_or_404(FilingMaterial.objects.filter(filing__in=filings_visible_to(actor)), code=code)
