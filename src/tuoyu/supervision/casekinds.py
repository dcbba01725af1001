"""The kinds of case supervision owns: rectification orders (整改) and complaints (投诉举报)."""

from django.utils.translation import gettext_lazy as _

from tuoyu.cases.kinds import Kind, Side, Transition

RECTIFICATION = "rectification"
COMPLAINT = "complaint"

# Rectification: issued → answered by the director (with evidence) → verified and closed, or returned.
ISSUED, ANSWERED, RETURNED, VERIFIED = "issued", "answered", "returned", "verified"
# Complaint: received → being handled (started) → concluded with an outcome.
RECEIVED, HANDLING, CONCLUDED = "received", "handling", "concluded"

ANSWER, VERIFY, RETURN = "answer", "verify", "return"
START, CONCLUDE = "start", "conclude"

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
)
