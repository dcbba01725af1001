from django.db.models import QuerySet

from tuoyu.accounts.access import Perm
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.supervision.models import Finding


def findings_visible_to(actor: object) -> QuerySet[Finding]:
    return Finding.objects.filter(
        institution__in=institutions_visible_to(actor, Perm.VIEW_FINDINGS)
    ).select_related("institution")


def open_findings_of(actor: object, institution_id: int) -> QuerySet[Finding]:
    return (
        findings_visible_to(actor)
        .filter(institution_id=institution_id, resolved_at=None)
        .order_by("rule_code", "subject_label")
    )
