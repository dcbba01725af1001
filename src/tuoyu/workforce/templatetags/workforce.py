"""What pages of lower apps show of an institution's workforce (the registry's institution page): the app
below renders it without importing the workforce, so the layers keep facing one way."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import QuerySet
from django.utils import timezone

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.registry.models import Institution
from tuoyu.workforce.models import Staff
from tuoyu.workforce.selectors import certificates_expiring, staff_of_institution

register = template.Library()


@dataclass(frozen=True)
class StaffSummary:
    staff: QuerySet[Staff]
    expiring: int  # certificates of the institution's staff expiring soon


@register.simple_tag(takes_context=True)
def staff_summary(context: dict[str, Any], institution: Institution) -> StaffSummary | None:
    """The institution's staff and their expiring certificates, or None for a reader who may not see staff."""
    actor = context["request"].user
    if not actor_may(actor, Perm.VIEW_STAFF, institution.pk):
        return None
    today = timezone.localdate()
    expiring = certificates_expiring(actor, on=today).filter(staff__institution=institution).count()
    return StaffSummary(staff_of_institution(actor, institution.pk, on=today), expiring)
