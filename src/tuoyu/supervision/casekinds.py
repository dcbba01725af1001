"""The kinds of case supervision owns: rectification orders (整改) and complaints (投诉举报)."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.cases.kinds import Kind, Side, Transition
from tuoyu.cases.models import Case
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.registry.selectors import directors_of, regulators_of

RECTIFICATION = "rectification"
COMPLAINT = "complaint"

# Rectification: issued → answered by the director (with evidence) → verified and closed, or returned.
ISSUED, ANSWERED, RETURNED, VERIFIED = "issued", "answered", "returned", "verified"
# Complaint: received → being handled (started) → concluded with an outcome.
RECEIVED, HANDLING, CONCLUDED = "received", "handling", "concluded"

ANSWER, VERIFY, RETURN = "answer", "verify", "return"
START, CONCLUDE = "start", "conclude"


def _recipients(case: Case, side: Side) -> Iterable[User]:
    if side == Side.INSTITUTION:
        return directors_of(case.institution_concerned.pk)
    return [case.assignee] if case.assignee is not None else regulators_of(case.institution_concerned)


def tell_supervision_side(case: Case, side: Side, title: Any, params: dict[str, Any]) -> None:
    """The institution's directors, or the regulator assigned (else the region's regulators), in their inbox,
    with a link to the case. A kind the institution never sees (a complaint) is never told to it either."""
    if side == Side.INSTITUTION and not case.kind_spec.visible_to_institution:
        return
    notify_all(
        _recipients(case, side),
        kind=NotificationKind.CASE_UPDATED,
        title=title,
        params=params,
        link=reverse("supervision:case", kwargs={"pk": case.pk}),
    )


RECTIFICATION_KIND = Kind(
    code=RECTIFICATION,
    label=_("Rectification order"),
    number_prefix="整改",
    initial=ISSUED,
    states={
        ISSUED: _("Awaiting rectification"),
        ANSWERED: _("Awaiting verification"),
        RETURNED: _("Returned for more rectification"),
        VERIFIED: _("Verified and closed"),
    },
    closed=frozenset({VERIFIED}),
    transitions=(
        Transition(ANSWER, _("answered"), frozenset({ISSUED, RETURNED}), ANSWERED, Side.INSTITUTION, True),
        Transition(VERIFY, _("verified and closed"), frozenset({ANSWERED}), VERIFIED, Side.REGULATOR),
        Transition(RETURN, _("returned"), frozenset({ANSWERED}), RETURNED, Side.REGULATOR, True),
    ),
    visible_to_institution=True,
    escalates=True,
    opened_label=_("issued"),
    tell=tell_supervision_side,
)

COMPLAINT_KIND = Kind(
    code=COMPLAINT,
    label=_("Complaint"),
    number_prefix="投诉",
    initial=RECEIVED,
    states={
        RECEIVED: _("Received, waiting to be started"),
        HANDLING: _("Being handled"),
        CONCLUDED: _("Concluded"),
    },
    closed=frozenset({CONCLUDED}),
    transitions=(
        Transition(START, _("started"), frozenset({RECEIVED}), HANDLING, Side.REGULATOR),
        Transition(CONCLUDE, _("concluded"), frozenset({HANDLING}), CONCLUDED, Side.REGULATOR, True),
    ),
    visible_to_institution=False,  # the institution never reads a complaint, nor who made it
    opened_label=_("received"),
    tell=tell_supervision_side,
)
