"""The kinds of case and their workflows, declared as data.

A kind says its states, which of them are closed, and its transitions: an action, the states it may start
from, the state it leads to and which side takes it (the regulator, the institution, or the system). The
app that owns a kind registers it when it is ready (supervision: rectification orders and complaints; the
enterprise service desk: enterprises' requests); the case engine (``cases.services``) runs any kind by its
declaration and knows none of them by name. A kind also says whom a step is told to (``tell``): the engine
calls it, and a kind without one is told by its owning app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from tuoyu.cases.models import Case

# The engine's own steps, which every kind has: the case opened, and a step up the escalation ladder.
OPENED = "opened"
ESCALATED = "escalated"


class Side(StrEnum):
    REGULATOR = "regulator"
    INSTITUTION = "institution"
    SYSTEM = "system"
    # The enterprise service desk's sides: the service team that owns a request, the department it is
    # dispatched to, and the enterprise that raised it.
    DESK = "desk"
    DEPARTMENT = "department"
    ENTERPRISE = "enterprise"


# Whom a step is told to: (case, the side to tell, the title, its parameters).
Teller = Callable[["Case", Side, Any, dict[str, Any]], None]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[str]
    target: str  # "" (or the source state) for an action that records without moving (a reminder)
    side: Side
    needs_note: bool = False  # the action must say why or what (a return, an answer, an outcome)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    number_prefix: str  # the case number's prefix, e.g. 整改 → 整改〔2026〕3号
    initial: str
    states: dict[str, str | Promise]  # state → its label
    closed: frozenset[str]
    transitions: tuple[Transition, ...]
    visible_to_institution: bool  # whether the institution's own staff see cases of this kind
    escalates: bool = False  # an overdue open case climbs the escalation ladder
    opened_label: str | Promise = ""  # what the first step is called on the timeline (issued, received)
    tell: Teller | None = None  # tells a side about a step; None: the owning app tells whom it must
    _by_action: dict[str, Transition] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for transition in self.transitions:
            self._by_action[transition.action] = transition

    def transition(self, action: str) -> Transition | None:
        return self._by_action.get(action)

    def actions_from(self, status: str, side: Side) -> list[Transition]:
        return [t for t in self.transitions if status in t.sources and t.side == side]


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def kind_of(code: str) -> Kind:
    return KINDS[code]
