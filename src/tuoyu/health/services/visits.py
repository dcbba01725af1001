"""Doctor's visits (巡诊): a doctor of the partner hospital records a visit to an institution their hospital
partners with, and the children seen (national rules §10.13). The institution's directors and health
workers are told."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.models import DoctorVisit
from tuoyu.health.selectors.records import children_in_care_at, institutions_visited_by
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import directors_of, health_workers_of


def doctor_visit_record(
    *,
    actor: User,
    institution: Institution,
    visited_on: datetime.date,
    summary: str,
    children: Iterable[Child] = (),
    today: datetime.date | None = None,
) -> DoctorVisit:
    """Record a visit on a day not in the future, with what was done and the institution's children seen."""
    today = today or timezone.localdate()
    if not institutions_visited_by(actor).filter(pk=institution.pk).exists():
        raise NotPermitted(_("Only a doctor of the institution's partner hospital records its visits."))
    if visited_on > today:
        raise Refusal(_("The visit date cannot be in the future."), "visit_in_future")
    summary = summary.strip()
    if not summary:
        raise Refusal(_("Write what was done during the visit."), "summary_missing")
    seen = {child.pk: child for child in children}
    in_care = set(
        children_in_care_at(institution, visited_on).filter(pk__in=seen).values_list("pk", flat=True)
    )
    strangers = sorted(child.name for pk, child in seen.items() if pk not in in_care)
    if strangers:
        raise Refusal(
            _("Not in care at %(institution)s on %(day)s: %(names)s.")
            % {"institution": institution.name, "day": visited_on.isoformat(), "names": "、".join(strangers)},
            "child_not_at_institution",
        )
    with transaction.atomic():
        visit = DoctorVisit(institution=institution, doctor=actor, visited_on=visited_on, summary=summary)
        visit.full_clean()
        visit.save()
        visit.children.set(list(seen.values()))
        _tell_the_institution(visit, children_seen=len(seen))
    return visit


def _tell_the_institution(visit: DoctorVisit, *, children_seen: int) -> None:
    recipients = {user.pk: user for user in directors_of(visit.institution_id)}
    recipients.update({user.pk: user for user in health_workers_of(visit.institution_id)})
    notify_all(
        recipients.values(),
        kind=NotificationKind.DOCTOR_VISIT,
        title=_("Doctor's visit on %(day)s"),
        body=_("%(doctor)s recorded a visit to %(institution)s; children seen: %(count)s."),
        params={
            "day": visit.visited_on.isoformat(),
            "doctor": visit.doctor.display_name,
            "institution": visit.institution.name,
            "count": children_seen,
        },
        link=reverse("health:visits"),
    )
