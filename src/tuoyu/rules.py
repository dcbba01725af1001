"""The rules registry: every compliance rule of every app, each with its source and severity.

Most rules are a function of (institution, day) yielding what it :class:`Detected`; ``supervision``
evaluates them and keeps what they find as findings. Some rules are applied when data is written, and a
write that breaks them is refused (``Refusal`` with one of the rule's codes): they are declared with
``refusal_rule(...)`` so that the catalogue lists them too. An app declares its rules in its own
``rules.py`` and imports that module in its ``AppConfig.ready()``; every rule appears in the rules catalogue
(``GET /api/v1/rules/``). docs/national-rules.md holds the sources.

Several rules often need the same rows of an institution (its classes, the children in care, the staff): such
a read is declared with ``@shared_read``, and inside ``one_evaluation()`` (every rule of one institution,
as ``supervision`` evaluates them) it is made once and its result handed to each rule that asks.
"""

import datetime
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    BLOCK = "block", _("Blocking")
    VIOLATION = "violation", _("Violation")
    WARNING = "warning", _("Warning")


@dataclass(frozen=True)
class Detected:
    """What a rule found. ``subject_label`` and ``evidence`` are for the institution's own staff and may name
    children; ``summary`` is the same finding as a regulator reads it (class-level words and counts, never a
    child's name or health detail) and is required whenever the evidence names a child. A finding about one
    child (``about_child``) is shown to regulators counted with the others of its rule and summary."""

    subject_key: str
    subject_label: str
    evidence: str
    summary: str = ""
    about_child: bool = False


# (institution, day) -> what the rule detects; the institution is a registry.Institution.
Evaluator = Callable[[Any, datetime.date], Iterator[Detected]]


@dataclass(frozen=True)
class Rule:
    code: str
    title_zh: str
    title_en: str
    source: str
    severity: str
    evaluate: Evaluator
    refused_with: tuple[str, ...] = ()  # a rule applied when data is written: the codes it refuses with

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") else self.title_zh


RULES: dict[str, Rule] = {}


def rule(
    *, code: str, title_zh: str, title_en: str, source: str, severity: str
) -> Callable[[Evaluator], Evaluator]:
    def register(evaluate: Evaluator) -> Evaluator:
        _add(Rule(code, title_zh, title_en, source, severity, evaluate))
        return evaluate

    return register


def refusal_rule(
    *, code: str, title_zh: str, title_en: str, source: str, refused_with: tuple[str, ...]
) -> None:
    """A rule applied when data is written: the service refuses the write with one of ``refused_with``."""
    _add(Rule(code, title_zh, title_en, source, Severity.BLOCK, _nothing_to_find, refused_with))


def _nothing_to_find(institution: Any, day: datetime.date) -> Iterator[Detected]:
    """A rule applied when data is written leaves nothing to find afterwards."""
    yield from ()


def _add(new: Rule) -> None:
    if new.code in RULES:
        raise ValueError(f"Duplicate rule code {new.code}")
    RULES[new.code] = new


# Reads shared by the rules of one evaluation ---------------------------------------------------------------

P = ParamSpec("P")
T = TypeVar("T")

_shared_reads: ContextVar[dict[tuple[object, ...], Any] | None] = ContextVar("shared_reads", default=None)


@contextmanager
def one_evaluation() -> Iterator[None]:
    """Evaluating the rules of an institution: inside, each ``@shared_read`` is made once per institution
    and arguments, and what it read is kept until the end of the block."""
    token = _shared_reads.set({})
    try:
        yield
    finally:
        _shared_reads.reset(token)


def shared_read(
    read: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], T]:
    """A read of an institution's rows that several rules need. Inside ``one_evaluation()`` it is made once
    and every caller gets the same object, which callers only read (a tuple where it can be); outside, every
    call reads. Its other arguments (a day) must be hashable."""

    @functools.wraps(read)
    def read_once(institution: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        kept = _shared_reads.get()
        if kept is None:
            return read(institution, *args, **kwargs)
        key = (read, institution.pk, args, tuple(sorted(kwargs.items())))
        if key not in kept:
            kept[key] = read(institution, *args, **kwargs)
        result: T = kept[key]
        return result

    return read_once
