"""The enterprise's request (企业诉求) as a kind of case: 12345-style closed loop, 国办发〔2020〕53号.

recorded → accepted (受理, within 2 office hours) → dispatched to departments (交办; each replies) →
closed with the answer to the enterprise (办结) → followed up and rated (回访): 满意 / 基本满意 end it,
不满意 reopens it with a new deadline. Reminders (催办), replies and extensions are steps that record
without moving.
"""

from django.utils.translation import gettext_lazy as _

from tuoyu.cases.kinds import Kind, Side, Transition

REQUEST = "enterprise_request"

RECORDED, ACCEPTED, DISPATCHED, CLOSED, RATED, REOPENED = (
    "recorded",
    "accepted",
    "dispatched",
    "closed",
    "rated",
    "reopened",
)
# Actions. The ones whose target is "" record a step without moving the case.
ACCEPT, DISPATCH, REPLY, REMIND, CLOSE, RATE, REOPEN = (
    "accept",
    "dispatch",
    "reply",
    "remind",
    "close",
    "rate",
    "reopen",
)
EXTENSION_ASKED, EXTENSION_GRANTED, EXTENSION_REFUSED, NOTE = (
    "extension_asked",
    "extension_granted",
    "extension_refused",
    "note",
)

HANDLING = frozenset({ACCEPTED, DISPATCHED, REOPENED})  # open and being handled: the deadline runs
OPEN_STATES = HANDLING | {RECORDED}

REQUEST_KIND = Kind(
    code=REQUEST,
    label=_("Enterprise request"),
    number_prefix="企服",
    initial=RECORDED,
    states={
        RECORDED: _("Recorded, to be accepted"),
        ACCEPTED: _("Accepted for handling"),
        DISPATCHED: _("With the departments"),
        CLOSED: _("Closed, to be followed up"),
        RATED: _("Followed up and rated"),
        REOPENED: _("Reopened after a rating of not satisfied"),
    },
    closed=frozenset({CLOSED, RATED}),
    transitions=(
        Transition(ACCEPT, _("accepted"), frozenset({RECORDED}), ACCEPTED, Side.DESK),
        Transition(DISPATCH, _("dispatched"), HANDLING, DISPATCHED, Side.DESK),
        Transition(REPLY, _("replied"), frozenset({DISPATCHED}), "", Side.DEPARTMENT, needs_note=True),
        Transition(REMIND, _("reminded"), HANDLING, "", Side.SYSTEM),
        Transition(EXTENSION_ASKED, _("extension asked"), HANDLING, "", Side.DESK, needs_note=True),
        Transition(EXTENSION_GRANTED, _("extension granted"), HANDLING, "", Side.DESK),
        Transition(EXTENSION_REFUSED, _("extension refused"), HANDLING, "", Side.DESK, needs_note=True),
        Transition(NOTE, _("noted"), OPEN_STATES | {CLOSED, RATED}, "", Side.DESK, needs_note=True),
        Transition(CLOSE, _("closed"), HANDLING, CLOSED, Side.DESK, needs_note=True),
        Transition(RATE, _("rated"), frozenset({CLOSED}), RATED, Side.ENTERPRISE),
        Transition(REOPEN, _("reopened"), frozenset({CLOSED}), REOPENED, Side.ENTERPRISE),
    ),
    visible_to_institution=False,
    opened_label=_("recorded"),
)
