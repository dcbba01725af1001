"""Reads of rectification orders and complaints as cases: lists by status, the open order of a finding."""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.cases.kinds import ESCALATED, OPENED
from tuoyu.cases.models import Case
from tuoyu.cases.selectors import cases_visible_to
from tuoyu.supervision.casekinds import ANSWERED, ISSUED, RECTIFICATION, RETURNED

# The filters of the rectification list: key → label.
STATUS_FILTERS = {
    "overdue": _("Overdue"),
    "awaiting": _("Awaiting verification"),
    "open": _("Open"),
    "closed": _("Closed"),
}


def overdue_q(today: datetime.date) -> Q:
    """Open orders past their deadline that wait for the institution."""
    return Q(closed_at=None, deadline__lt=today, status__in=[ISSUED, RETURNED])


def action_label(case: Case, action: str) -> str:
    """What a step of the timeline is called: the kind's transition, or the engine's own steps."""
    spec = case.kind_spec
    transition = spec.transition(action)
    if transition is not None:
        return str(transition.label)
    if action == OPENED and spec.opened_label:
        return str(spec.opened_label)
    return str(ENGINE_STEPS.get(action, action))


ENGINE_STEPS = {OPENED: _("opened"), ESCALATED: _("escalated (overdue)")}


def rectifications_visible_to(actor: object) -> QuerySet[Case]:
    return cases_visible_to(actor).filter(kind=RECTIFICATION).select_related("institution__street")


def rectifications_by_status(actor: object, status: str, today: datetime.date) -> QuerySet[Case]:
    """The actor's rectification orders of one filter of ``STATUS_FILTERS`` (any other: all of them), the
    open ones by deadline (an unknown deadline last), the closed ones the latest first."""
    cases = rectifications_visible_to(actor)
    if status == "overdue":
        cases = cases.filter(overdue_q(today))
    elif status == "awaiting":
        cases = cases.filter(closed_at=None, status=ANSWERED)
    elif status == "open":
        cases = cases.filter(closed_at=None)
    elif status == "closed":
        return cases.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    return cases.order_by("closed_at", "deadline", "opened_at", "pk")


def is_overdue(case: Case, today: datetime.date) -> bool:
    return case.is_open and case.deadline is not None and case.deadline < today and case.status != ANSWERED


def open_orders_by_finding(actor: object, institution_id: int) -> dict[int, Case]:
    """The open rectification orders of an institution the actor sees issued from a finding: finding id →
    order."""
    cases = rectifications_visible_to(actor).filter(
        institution_id=institution_id, closed_at=None, source_key__startswith="finding:"
    )
    result: dict[int, Case] = {}
    for case in cases:
        ref = case.source_key.partition(":")[2]
        if ref.isdigit():
            result[int(ref)] = case
    return result
