"""The public record of an institution (公开): its completed inspections of the last five years with their
grade, the items it failed in plain words and where the rectification of each stands. Checklist wording
only: never an inspector's note or evidence, never a child's data."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.cases.models import Case
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import RECTIFICATION
from tuoyu.supervision.models import Inspection, InspectionItem, InspectionKind, InspectionStatus, ItemResult

RECORD_YEARS = 5


@dataclass(frozen=True)
class FailedItem:
    text: str  # the checklist item's wording
    rectification_status: str  # the order's state ("" when none was issued)
    rectification_label: str


@dataclass(frozen=True)
class InspectionRecord:
    date: datetime.date
    kind: str
    kind_label: str
    grade: str
    failed_items: list[FailedItem]


def record_since(on: datetime.date) -> datetime.date:
    """The first day of the five years up to ``on`` (29 February falls back to 28)."""
    try:
        return on.replace(year=on.year - RECORD_YEARS)
    except ValueError:
        return on.replace(year=on.year - RECORD_YEARS, day=28)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def public_inspection_record(institution: Institution, on: datetime.date) -> list[InspectionRecord]:
    """The completed inspections of the last five years up to ``on``, newest first."""
    failed = (
        InspectionItem.objects.filter(result=ItemResult.FAIL)
        .select_related("item", "case")
        .order_by("item__position", "pk")
    )
    inspections = (
        Inspection.objects.filter(
            institution=institution,
            status=InspectionStatus.COMPLETED,
            ended_at__gte=_start_of(record_since(on)),
            ended_at__lt=_start_of(on + datetime.timedelta(days=1)),
        )
        .prefetch_related(Prefetch("items", queryset=failed, to_attr="failed"))
        .order_by("-ended_at", "-pk")
    )
    records = []
    for inspection in inspections:
        assert inspection.ended_at is not None
        records.append(
            InspectionRecord(
                date=timezone.localdate(inspection.ended_at),
                kind=inspection.kind,
                kind_label=str(InspectionKind(inspection.kind).label),
                grade=inspection.grade,
                failed_items=[_failed(item) for item in inspection.failed],
            )
        )
    return records


def _failed(item: InspectionItem) -> FailedItem:
    case = item.case
    if case is None:
        return FailedItem(item.item.text, "", _("No rectification order"))
    return FailedItem(item.item.text, case.status, case.status_label)


@dataclass(frozen=True)
class RectificationRecord:
    number: str
    subject: str
    issued: datetime.date
    deadline: datetime.date | None
    status: str
    status_label: str
    closed: datetime.date | None


def public_rectification_record(institution: Institution, on: datetime.date) -> list[RectificationRecord]:
    """The rectification orders issued to the institution in the last five years up to ``on``, newest first:
    number, subject, dates and where each stands (the subject only: never the requirement's detail, the
    answers or their evidence)."""
    orders = Case.objects.filter(
        kind=RECTIFICATION,
        institution=institution,
        opened_at__gte=_start_of(record_since(on)),
        opened_at__lt=_start_of(on + datetime.timedelta(days=1)),
    ).order_by("-opened_at", "-pk")
    return [
        RectificationRecord(
            number=order.number,
            subject=order.subject,
            issued=timezone.localdate(order.opened_at),
            deadline=order.deadline,
            status=order.status,
            status_label=order.status_label,
            closed=timezone.localdate(order.closed_at) if order.closed_at else None,
        )
        for order in orders
    ]
