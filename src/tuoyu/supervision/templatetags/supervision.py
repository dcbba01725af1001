"""What pages of lower apps show of supervision (the registry's public institution page shows the
institution's public record): the app below renders it without importing supervision."""

from django import template
from django.utils import timezone

from tuoyu.registry.models import Institution
from tuoyu.supervision.selectors.public_record import (
    InspectionRecord,
    RectificationRecord,
    public_inspection_record,
    public_rectification_record,
)

register = template.Library()


@register.simple_tag
def inspection_record(institution: Institution) -> list[InspectionRecord]:
    """The institution's completed inspections of the last five years, for anyone (public)."""
    return public_inspection_record(institution, timezone.localdate())


@register.simple_tag
def rectification_record(institution: Institution) -> list[RectificationRecord]:
    """The institution's rectification orders of the last five years and where each stands (public)."""
    return public_rectification_record(institution, timezone.localdate())
