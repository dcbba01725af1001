"""What pages of lower apps show from the day in care: the enrolment desk's health tasks list the children
coming back from a long absence, who need a new health examination before their next check-in."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from tuoyu.daycare.selectors.attendance import (
    LongAbsence,
    exam_months_after_absence,
    long_absences_visible_to,
)

register = template.Library()


@dataclass(frozen=True)
class LongAbsences:
    months: int  # away this many months or more
    children: list[LongAbsence]


@register.simple_tag(takes_context=True)
def long_absences(context: dict[str, Any]) -> LongAbsences:
    today = timezone.localdate()
    return LongAbsences(
        exam_months_after_absence(today), long_absences_visible_to(context["request"].user, today)
    )
