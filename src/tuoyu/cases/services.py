"""The case engine: open a case, take one of its kind's transitions, climb the escalation ladder.

It runs every kind by its declaration (``cases.kinds``); the app that owns a kind supplies what the kind
means (supervision: what a rectification order asks, what a complaint's outcome opens).
"""

import datetime
from collections.abc import Sequence

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.cases.kinds import ESCALATED, OPENED, Kind, Side, kind_of
from tuoyu.cases.models import Case, CaseAttachment, CaseEvent, EscalationStep
from tuoyu.policies.values import policy
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution
from tuoyu.workdays import CalendarYearUnknown, add_working_days, working_days_between

MAX_ATTACHMENTS = 6


def deadline_after(start: datetime.date, days: int) -> tuple[datetime.date | None, int | None]:
    """The ``days``-th working day after ``start``, or (None, the year) when that year's holidays are not
    published yet: the case then says so instead of guessing."""
    try:
        return add_working_days(start, days), None
    except CalendarYearUnknown as unknown:
        return None, unknown.year


def _next_number(kind: Kind, year: int) -> str:
    prefix = f"{kind.number_prefix}〔{year}〕"
    taken = Case.objects.filter(kind=kind.code, number__startswith=prefix).count()
    return f"{prefix}{taken + 1}号"


def case_open(
    *,
    kind: str,
    institution: Institution | None,
    subject: str,
    actor: User | None,
    detail: str = "",
    severity: str = "",
    deadline_days: int = 0,
    source_key: str = "",
    source_label: str = "",
    rule_code: str = "",
    assignee: User | None = None,
    note: str = "",
    visible_note: bool = True,
) -> Case:
    """Open a case of ``kind`` in its initial state; ``deadline_days`` working days from today (0: none).
    ``institution`` is the institution the case is about (None for a kind about something else: an
    enterprise's request).

    Refuses a second open case of the same kind from the same source (one order per finding)."""
    spec = kind_of(kind)
    now = timezone.now()
    today = timezone.localdate(now)
    deadline, unknown_year = deadline_after(today, deadline_days) if deadline_days else (None, None)
    if source_key and Case.objects.filter(kind=kind, source_key=source_key, closed_at=None).exists():
        raise Refusal(_("A case from this source is already open."), code="case_already_open")
    for _attempt in range(5):  # two cases opened at once may draw the same number: draw again
        try:
            with transaction.atomic():
                case = Case(
                    kind=kind,
                    number=_next_number(spec, today.year),
                    institution=institution,
                    subject=subject,
                    detail=detail,
                    severity=severity,
                    status=spec.initial,
                    opened_at=now,
                    updated_at=now,
                    deadline=deadline,
                    deadline_year_unknown=unknown_year,
                    deadline_days=deadline_days,
                    assignee=assignee,
                    source_key=source_key,
                    source_label=source_label[:200],
                    rule_code=rule_code,
                )
                case.full_clean(exclude=["number"])
                case.save()
                break
        except IntegrityError:
            if source_key and Case.objects.filter(kind=kind, source_key=source_key, closed_at=None).exists():
                raise Refusal(
                    _("A case from this source is already open."), code="case_already_open"
                ) from None
    else:  # pragma: no cover - five collisions in a row
        raise Refusal(_("Please try again."), code="case_number_busy")
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=actor,
        action=OPENED,
        status_after=case.status,
        note=note,
        visible_to_institution=visible_note,
    )
    if spec.visible_to_institution:
        _tell(case, Side.INSTITUTION, _("New case %(number)s: %(subject)s"))
    return case


def case_act(
    *,
    case: Case,
    action: str,
    actor: User | None,
    side: Side,
    note: str = "",
    attachments: Sequence[File] = (),
    outcome: str = "",
    internal: bool = False,
) -> CaseEvent:
    """Take ``action`` on the case as ``side``: refused unless the kind allows it from the current state, for
    that side, with a note where the kind asks for one."""
    spec = case.kind_spec
    transition = spec.transition(action)
    if transition is None or transition.side != side:
        raise Refusal(_("This action is not possible on this case."), code="case_action_unknown")
    if len(attachments) > MAX_ATTACHMENTS:
        raise Refusal(
            _("At most %(n)d files can be attached to one step.") % {"n": MAX_ATTACHMENTS},
            code="case_too_many_attachments",
        )
    if transition.needs_note and not note.strip():
        raise Refusal(_("Please say what was done or why."), code="case_note_required")
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in transition.sources:
            raise Refusal(
                _("This case is %(status)s: it cannot be %(action)s.")
                % {"status": case.status_label, "action": transition.label},
                code="case_wrong_status",
            )
        was_closed = case.status in spec.closed
        case.status = transition.target or case.status
        case.updated_at = now
        if outcome:
            case.outcome = outcome
        if case.status not in spec.closed:
            case.closed_at = None  # a kind may reopen a closed case (an enterprise not satisfied)
        elif not was_closed:
            case.closed_at = now
        case.save(update_fields=["status", "updated_at", "outcome", "closed_at"])
        event = CaseEvent.objects.create(
            case=case,
            at=now,
            actor=actor,
            action=action,
            status_after=case.status,
            note=note.strip(),
            visible_to_institution=spec.visible_to_institution and not internal,
        )
        for upload in attachments:
            attachment = CaseAttachment(event=event, file=upload, name=(upload.name or "")[:120])
            attachment.full_clean()
            attachment.save()
    if not internal:
        other = Side.INSTITUTION if side == Side.REGULATOR else Side.REGULATOR
        _tell(case, other, _("Case %(number)s: %(subject)s is now %(status)s"))
    return event


ESCALATION_STEPS = (
    EscalationStep.REMINDER,
    EscalationStep.INTERVIEW,
    EscalationStep.PUBLIC_NOTICE,
    EscalationStep.SUSPENSION,
)


def escalation_due(overdue_days: int, on: datetime.date) -> int:
    """The highest step of the ladder due after ``overdue_days`` working days overdue (policy values)."""
    due = EscalationStep.NONE
    for step in ESCALATION_STEPS:
        if overdue_days >= policy(f"cases.escalate.{step.name.lower()}", on=on):
            due = step
    return due


def cases_escalate_overdue(*, on: datetime.date | None = None) -> int:
    """Climb the ladder for every open case of an escalating kind past its deadline, one logged and notified
    event per step taken. Idempotent: a case already at the step due is left alone. Returns steps taken."""
    today = on or timezone.localdate()
    taken = 0
    overdue = Case.objects.filter(closed_at=None, deadline__lt=today).select_related("institution")
    for case in overdue:
        if not case.kind_spec.escalates or case.status not in _awaiting_institution(case.kind_spec):
            continue
        due = escalation_due(working_days_between(case.deadline, today), today)  # type: ignore[arg-type]
        for step in range(case.escalation + 1, due + 1):
            _escalate(case, EscalationStep(step))
            taken += 1
    return taken


def _awaiting_institution(spec: Kind) -> set[str]:
    return {state for t in spec.transitions if t.side == Side.INSTITUTION for state in t.sources}


@transaction.atomic
def _escalate(case: Case, step: EscalationStep) -> None:
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, escalation=step - 1).update(escalation=step, updated_at=now)
    if not updated:  # another run took it
        return
    case.escalation = step
    CaseEvent.objects.create(
        case=case, at=now, actor=None, action=ESCALATED, status_after=case.status, note=str(step.label)
    )
    _tell(case, Side.INSTITUTION, _("Case %(number)s is overdue: %(step)s"), step=step.label)
    _tell(case, Side.REGULATOR, _("Case %(number)s is overdue: %(step)s"), step=step.label)


def _tell(case: Case, side: Side, title: object, **params: object) -> None:
    """Tell ``side`` about a step, as the case's kind says (nothing when it leaves telling to its app)."""
    tell = case.kind_spec.tell
    if tell is not None:
        tell(
            case,
            side,
            title,
            {"number": case.number, "subject": case.subject, "status": case.status_label, **params},
        )
