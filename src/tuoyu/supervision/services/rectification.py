"""Rectification orders (整改通知): issued from a finding, a failed inspection item or a substantiated
complaint; answered by the director with evidence; verified and closed, or returned, by the regulator.

A finding that closes itself by data (its rule no longer fires) shows that on the order, but the order
closes only on the regulator's verification.
"""

import datetime
from collections.abc import Sequence

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.cases.kinds import Side
from tuoyu.cases.models import Case, CaseEvent
from tuoyu.cases.services import case_act, case_open
from tuoyu.policies.values import policy
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution
from tuoyu.rules import RULES, Severity
from tuoyu.supervision.casekinds import ANSWER, RECTIFICATION, RETURN, VERIFY
from tuoyu.supervision.models import FOUND_ON_SITE, Finding

MAX_DEADLINE_DAYS = 90


def default_deadline_days(severity: str, on: datetime.date | None = None) -> int:
    """The working days given to rectify by default for a finding of ``severity`` (policy values)."""
    return policy(f"rectification.deadline.{severity or Severity.VIOLATION}", on=on or timezone.localdate())


def _checked_days(deadline_days: int | None, severity: str) -> int:
    if deadline_days is None:
        return default_deadline_days(severity)
    if not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        raise Refusal(
            _("The deadline must be between 1 and %(max)d working days.") % {"max": MAX_DEADLINE_DAYS},
            code="rectification_deadline_out_of_range",
        )
    return deadline_days


def rectification_issue(
    *,
    institution: Institution,
    subject: str,
    actor: User | None,
    severity: str = Severity.VIOLATION,
    requirement: str = "",
    deadline_days: int | None = None,
    source_key: str = "",
    source_label: str = "",
    rule_code: str = "",
) -> Case:
    """Issue a 整改通知 to the institution with a deadline in working days (by default by severity)."""
    if not subject.strip():
        raise Refusal(_("Say what is to be rectified."), code="rectification_subject_required")
    return case_open(
        kind=RECTIFICATION,
        institution=institution,
        subject=subject.strip()[:200],
        detail=requirement.strip(),
        severity=severity,
        actor=actor,
        deadline_days=_checked_days(deadline_days, severity),
        source_key=source_key,
        source_label=source_label,
        rule_code=rule_code,
        assignee=actor,
    )


def rectification_issue_for_finding(
    *, finding: Finding, actor: User | None, requirement: str = "", deadline_days: int | None = None
) -> Case:
    """Issue an order from an open finding: its rule and summary as the subject (no child's name)."""
    if not finding.is_open:
        raise Refusal(_("This finding is already resolved."), code="finding_resolved")
    rule = RULES.get(finding.rule_code)
    title = rule.title if rule else finding.rule_code
    concerning = _("a child") if finding.about_child else finding.subject_label
    return rectification_issue(
        institution=finding.institution,
        subject=f"{finding.rule_code} {title}",
        actor=actor,
        severity=finding.severity,
        requirement=requirement or finding.summary or finding.evidence,
        deadline_days=deadline_days,
        source_key=f"finding:{finding.pk}",
        source_label=f"{finding.rule_code} · {concerning}",
        rule_code=finding.rule_code,
    )


def rectification_answer(*, case: Case, actor: User, note: str, evidence: Sequence[File] = ()) -> CaseEvent:
    """The director answers: what was done, with photos or documents."""
    return case_act(
        case=case, action=ANSWER, actor=actor, side=Side.INSTITUTION, note=note, attachments=evidence
    )


def rectification_verify(*, case: Case, actor: User, note: str = "", on_site: bool = False) -> CaseEvent:
    """The regulator verifies (on site or on paper) and closes the order."""
    how = _("Verified on site.") if on_site else _("Verified on paper.")
    event = case_act(case=case, action=VERIFY, actor=actor, side=Side.REGULATOR, note=f"{how} {note}".strip())
    finding = finding_of(case)
    if finding is not None and finding.rule_code == FOUND_ON_SITE and finding.is_open:
        Finding.objects.filter(pk=finding.pk).update(resolved_at=event.at)
    return event


def rectification_return(*, case: Case, actor: User, note: str) -> CaseEvent:
    """The regulator returns the answer: not enough, with what is still missing."""
    return case_act(case=case, action=RETURN, actor=actor, side=Side.REGULATOR, note=note)


def finding_of(case: Case) -> Finding | None:
    """The finding an order was issued from, if any."""
    kind, _sep, ref = case.source_key.partition(":")
    if kind != "finding" or not ref.isdigit():
        return None
    return Finding.objects.filter(pk=int(ref)).first()
