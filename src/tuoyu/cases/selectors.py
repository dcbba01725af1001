from django.db.models import Prefetch, QuerySet

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.cases.models import Case, CaseAttachment, CaseEvent


def cases_visible_to(actor: object) -> QuerySet[Case]:
    return Case.objects.visible_to(actor).select_related("institution", "assignee")


def may_act_for_regulator(actor: object, case: Case) -> bool:
    return case.institution_id is not None and actor_may(actor, Perm.SUPERVISE_REGION, case.institution_id)


def may_act_for_institution(actor: object, case: Case) -> bool:
    return (
        case.kind_spec.visible_to_institution
        and case.institution_id is not None
        and actor_may(actor, Perm.CHANGE_INSTITUTION, case.institution_id)
    )


def timeline_of(case: Case, actor: object) -> list[CaseEvent]:
    """The case's events as the actor may read them: the institution's staff never read internal notes."""
    events = case.events.select_related("actor").prefetch_related(Prefetch("attachments"))
    if not may_act_for_regulator(actor, case):
        events = events.filter(visible_to_institution=True)
    return list(events)


def attachments_readable(case: Case, actor: object) -> QuerySet[CaseAttachment]:
    """The files of the steps of ``case`` the actor may read (never those of an internal step for the
    institution's staff)."""
    events = case.events.all()
    if not may_act_for_regulator(actor, case):
        events = events.filter(visible_to_institution=True)
    return CaseAttachment.objects.filter(event__in=events)
