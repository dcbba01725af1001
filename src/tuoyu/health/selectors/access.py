"""Who may read and record a child's health data.

- Guardians: their own children.
- The institution's director and health worker (``view_health``): the children holding a place there.
- A partner-hospital doctor: the children holding a place at an institution their hospital partners with
  (``institutions_visible_to`` resolves the hospital scope). Never families' contacts or fees.
- Regulators read no individual health record; they see outbreaks and the access log.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from tuoyu.accounts.access import Perm, has_perm, scope_of
from tuoyu.enrolment.models import Child, HealthRecordAccess
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import institutions_visible_to


def institution_of_care(
    child: Child, actor: object, *, day: datetime.date | None = None
) -> Institution | None:
    """The institution (seen by the actor) where the child holds a place today, if any."""
    day = day or timezone.localdate()
    placement = (
        child.placements.filter(
            ends_on__gt=day, institution__in=institutions_visible_to(actor, Perm.VIEW_HEALTH)
        )
        .select_related("institution")
        .order_by("-start_date")
        .first()
    )
    return placement.institution if placement else None


def access_log_visible_to(actor: object) -> QuerySet[HealthRecordAccess]:
    """The reads a regulator audits: those of children cared for in their region (or everything for a
    superuser); nothing for anyone else."""
    if not has_perm(actor, Perm.SUPERVISE_REGION):
        return HealthRecordAccess.objects.none()
    scope = scope_of(actor, Perm.SUPERVISE_REGION)
    entries = HealthRecordAccess.objects.select_related("user", "child")
    if scope.everything:
        return entries
    institutions = institutions_visible_to(actor, Perm.SUPERVISE_REGION)
    return entries.filter(child__placements__institution__in=institutions).distinct()
