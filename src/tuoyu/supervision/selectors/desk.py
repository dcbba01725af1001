"""The regulator's desk: what to act on now, each section a count and its first rows, in set-based queries
(a province holds 7,000 institutions)."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tuoyu.accounts.access import Perm
from tuoyu.cases.models import Case
from tuoyu.cases.selectors import cases_visible_to
from tuoyu.filings.models import Filing
from tuoyu.filings.selectors import review_queue
from tuoyu.health.models import OutbreakReport
from tuoyu.health.selectors.outbreaks import active_first, outbreaks_visible_to
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.rules import Severity
from tuoyu.supervision.casekinds import ANSWERED, COMPLAINT, RECEIVED
from tuoyu.supervision.models import Finding
from tuoyu.supervision.selectors.cases import overdue_q, rectifications_visible_to
from tuoyu.supervision.selectors.risk import risk_of_institutions
from tuoyu.workforce.models import Certificate
from tuoyu.workforce.selectors import certificates_expiring

ROWS_SHOWN = 20  # rows of a section on the page; the export and the count hold all of them


def supervised_institutions(actor: object) -> QuerySet[Institution]:
    return institutions_visible_to(actor, Perm.SUPERVISE_REGION)


def streets_supervised(actor: object) -> QuerySet[Region]:
    """The streets of the supervised institutions, for the desk's filter."""
    return Region.objects.filter(pk__in=supervised_institutions(actor).values("street")).order_by("name")


def filings_to_review(actor: object) -> QuerySet[Filing]:
    """Filings waiting for the regulator's decision, by review deadline."""
    return review_queue(actor)


@dataclass
class InstitutionFindings:
    """One institution's open findings as the desk counts them (no finding's detail: counts and rules)."""

    institution: Institution
    block: int = 0
    violation: int = 0
    warning: int = 0
    rules: list[str] = field(default_factory=list)
    risk_score: int = 0
    risk_group: str = ""
    risk_group_label: str = ""

    @property
    def total(self) -> int:
        return self.block + self.violation + self.warning


def desk_sort_key(row: InstitutionFindings) -> tuple[Any, ...]:
    """The desk's order of institutions with open findings: the most blocking findings first, then
    violations, then warnings, then the higher risk score, then by name."""
    return (
        -row.block,
        -row.violation,
        -row.warning,
        -row.risk_score,
        row.institution.name,
        row.institution.pk,
    )


def risk_sort_key(row: InstitutionFindings) -> tuple[Any, ...]:
    """Highest risk score first (the score weighs findings with everything else), then by severity."""
    return (-row.risk_score, *desk_sort_key(row))


def open_findings_by_institution(
    actor: object,
    *,
    street: int | None = None,
    rule: str = "",
    sort: str = "severity",
    on: datetime.date | None = None,
) -> list[InstitutionFindings]:
    """The supervised institutions with open findings, counted by severity with their rules, optionally of
    one street or having one rule open, each with its risk score; by severity (``desk_sort_key``) or by risk
    (``risk_sort_key``). A constant number of queries whatever the number."""
    findings = Finding.objects.filter(resolved_at=None, institution__in=supervised_institutions(actor))
    if street is not None:
        findings = findings.filter(institution__street_id=street)
    if rule:
        findings = findings.filter(institution__in=findings.filter(rule_code=rule).values("institution"))
    counts = (
        findings.order_by()
        .values("institution")
        .annotate(**{level: Count("pk", filter=Q(severity=level)) for level in Severity.values})
    )
    rows: dict[int, dict[str, Any]] = {row["institution"]: dict(row) for row in counts}
    rules: dict[int, set[str]] = {}
    for institution_id, code in findings.order_by().values_list("institution", "rule_code").distinct():
        rules.setdefault(institution_id, set()).add(code)
    institutions = Institution.objects.filter(pk__in=rows).select_related("street")
    result = [
        InstitutionFindings(
            institution=risk.institution,
            block=rows[risk.institution.pk][Severity.BLOCK.value],
            violation=rows[risk.institution.pk][Severity.VIOLATION.value],
            warning=rows[risk.institution.pk][Severity.WARNING.value],
            rules=sorted(rules.get(risk.institution.pk, ())),
            risk_score=risk.score,
            risk_group=risk.group,
            risk_group_label=risk.group_label,
        )
        for risk in risk_of_institutions(institutions, on or timezone.localdate())
    ]
    return sorted(result, key=risk_sort_key if sort == "risk" else desk_sort_key)


def rectifications_to_act_on(actor: object, today: datetime.date) -> QuerySet[Case]:
    """Orders overdue, or answered and awaiting the regulator's verification; the oldest deadline first."""
    return (
        rectifications_visible_to(actor)
        .filter(Q(closed_at=None, status=ANSWERED) | overdue_q(today))
        .filter(institution__in=supervised_institutions(actor))
        .order_by("deadline", "opened_at", "pk")
    )


def complaints_to_start(actor: object) -> QuerySet[Case]:
    """Complaints received and not started yet, the earliest start-by first (their ``complaint`` row gives
    the start-by date and category; who complained is not read here)."""
    return (
        cases_visible_to(actor)
        .filter(kind=COMPLAINT, status=RECEIVED, institution__in=supervised_institutions(actor))
        .select_related("complaint")
        .order_by("complaint__start_by", "opened_at", "pk")
    )


def active_outbreaks(actor: object) -> QuerySet[OutbreakReport]:
    return active_first(outbreaks_visible_to(actor).filter(resolved_at__isnull=True))


def certificates_soon_expiring(actor: object, today: datetime.date) -> QuerySet[Certificate]:
    return certificates_expiring(actor, on=today)


@dataclass(frozen=True)
class DeskCounts:
    filings: int
    findings: int  # institutions with open findings
    rectifications: int
    complaints: int
    outbreaks: int
    certificates: int


def desk_counts(actor: object, today: datetime.date) -> DeskCounts:
    return DeskCounts(
        filings=filings_to_review(actor).count(),
        findings=Finding.objects.filter(resolved_at=None, institution__in=supervised_institutions(actor))
        .values("institution")
        .distinct()
        .count(),
        rectifications=rectifications_to_act_on(actor, today).count(),
        complaints=complaints_to_start(actor).count(),
        outbreaks=active_outbreaks(actor).count(),
        certificates=certificates_soon_expiring(actor, today).count(),
    )
