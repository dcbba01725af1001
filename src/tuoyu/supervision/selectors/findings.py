from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuoyu.accounts.access import Perm
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.supervision.models import Finding


def findings_visible_to(actor: object) -> QuerySet[Finding]:
    """Findings of the institutions where the actor may see findings; ``detail_visible`` says whether the
    actor may read their detail (children's names and health), which only the institution's own staff may."""
    return (
        Finding.objects.filter(institution__in=institutions_visible_to(actor, Perm.VIEW_FINDINGS))
        .annotate(
            detail_visible=Case(
                When(institution__in=institutions_visible_to(actor, Perm.VIEW_CHILDREN), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("institution")
    )


def open_findings_of(actor: object, institution_id: int) -> QuerySet[Finding]:
    return (
        findings_visible_to(actor)
        .filter(institution_id=institution_id, resolved_at=None)
        .order_by("rule_code", "subject_label")
    )


@dataclass(frozen=True)
class FindingRow:
    """A finding as one actor may read it; for a regulator, the findings about single children of one rule
    and summary make one row that counts them."""

    rule_code: str
    severity: str
    subject_label: str
    evidence: str
    detected_at: datetime
    children: int | None = None  # how many children the row counts (regulators' rows about children)
    finding_id: int | None = None  # the finding (the earliest of a counted row) an order is issued from


def finding_row(finding: Finding) -> FindingRow:
    """One finding as the actor whose query annotated ``detail_visible`` may read it: the detail, or the
    summary without names ("a child" for the one it concerns)."""
    if getattr(finding, "detail_visible", False):
        concerning, evidence = finding.subject_label, finding.evidence
    else:
        concerning = str(_("a child")) if finding.about_child else finding.subject_label
        evidence = finding.summary or finding.evidence
    return FindingRow(
        finding.rule_code, finding.severity, concerning, evidence, finding.detected_at, finding_id=finding.pk
    )


def finding_rows(findings: list[Finding]) -> list[FindingRow]:
    """The rows an actor reads: the detail where ``detail_visible``, else summaries without names, the
    findings about single children of one rule and summary counted in one row."""
    rows: list[FindingRow] = []
    counted: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.about_child and not getattr(finding, "detail_visible", False):
            counted.setdefault((finding.rule_code, finding.summary), []).append(finding)
        else:
            rows.append(finding_row(finding))
    for (rule_code, summary), group in counted.items():
        n = len(group)
        earliest = min(group, key=lambda finding: (finding.detected_at, finding.pk))
        rows.append(
            FindingRow(
                rule_code,
                group[0].severity,
                ngettext("%(n)d child", "%(n)d children", n) % {"n": n},
                summary,
                earliest.detected_at,
                children=n,
                finding_id=earliest.pk,
            )
        )
    return sorted(rows, key=lambda row: (row.rule_code, row.subject_label))


def open_finding_rows(actor: object, institution_id: int) -> list[FindingRow]:
    return finding_rows(list(open_findings_of(actor, institution_id)))
