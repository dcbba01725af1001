"""What pages of lower apps show of supervision (the registry's public institution page shows the
institution's public record): the app below renders it without importing supervision."""

from django import template
from django.utils import timezone

from tuoyu.registry.models import Institution
from tuoyu.supervision.selectors.public_record import InspectionRecord, public_inspection_record

register = template.Library()


@register.simple_tag
def inspection_record(institution: Institution) -> list[InspectionRecord]:
    """The institution's completed inspections of the last five years, for anyone (public)."""
    return public_inspection_record(institution, timezone.localdate())
