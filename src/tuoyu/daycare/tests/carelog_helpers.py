"""Helpers of the care-log tests: a day in the past (so every time of it has happened), children placed
in a class, attendance written directly (check-in belongs to another part of the app), photos as bytes.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Attendance, AttendanceStatus, DailyReport, MedicationInstruction
from tuoyu.enrolment.models import Child, Placement
from tuoyu.enrolment.tests.helpers import make_guardian, raw_child
from tuoyu.registry.models import CareClass
from tuoyu.workdays import months_later

DAY = timezone.localdate() - datetime.timedelta(days=1)
"""The day the tests log: yesterday, so that 07:00 to 23:59 of it are all in the past."""


def _small_picture(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 60)).save(buffer, format=kind)
    return buffer.getvalue()


JPEG = _small_picture("JPEG")  # a real picture: photos are decoded and re-encoded when they are added
PNG = _small_picture("PNG")


def at(hour: int, minute: int = 0, *, day: datetime.date = DAY) -> datetime.datetime:
    """A moment of ``day`` (yesterday by default), local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def placed_child(
    guardian: User, care_class: CareClass, *, name: str, start: datetime.date | None = None
) -> Child:
    """A child of ``guardian`` placed in the class since 30 days before ``DAY`` (or ``start``)."""
    child = raw_child(guardian, name=name, months=30)
    Placement.objects.create(
        child=child,
        institution=care_class.institution,
        care_class=care_class,
        service_type="full_day",
        start_date=start or DAY - datetime.timedelta(days=30),
        ends_on=months_later(child.birth_date, 36),
    )
    return child


def check_in(
    child: Child,
    care_class: CareClass,
    by: User,
    *,
    day: datetime.date = DAY,
    status: str = AttendanceStatus.CHECKED_IN,
) -> Attendance:
    placement = child.placements.get(care_class=care_class)
    moment = at(8, 0, day=day)
    return Attendance.objects.create(
        child=child,
        placement=placement,
        care_class=care_class,
        day=day,
        status=status,
        checked_in_at=moment,
        checked_in_by=by,
        checked_out_at=moment + datetime.timedelta(hours=8)
        if status == AttendanceStatus.CHECKED_OUT
        else None,
        checked_out_by=by if status == AttendanceStatus.CHECKED_OUT else None,
    )


def class_of(care_class: CareClass, caregiver: User, n: int, *, prefix: str = "宝宝") -> list[Child]:
    """``n`` children of one new family, placed in the class and checked in on ``DAY``."""
    guardian = make_guardian(f"{prefix}家长")
    children = [placed_child(guardian, care_class, name=f"{prefix}{i:02d}") for i in range(n)]
    for child in children:
        check_in(child, care_class, caregiver)
    return children


def instruction(
    child: Child,
    guardian: User,
    *,
    valid_from: datetime.date = DAY,
    valid_until: datetime.date = DAY,
    medicine: str = "布洛芬混悬液",
) -> MedicationInstruction:
    return MedicationInstruction.objects.create(
        child=child,
        medicine=medicine,
        dose="5 ml",
        times="午饭后",
        valid_from=valid_from,
        valid_until=valid_until,
        given_by=guardian,
    )


def publish_raw(child: Child, care_class: CareClass, by: User, *, day: datetime.date = DAY) -> DailyReport:
    """A published report written directly."""
    report, _created = DailyReport.objects.update_or_create(
        child=child,
        day=day,
        defaults={"care_class": care_class, "published_at": timezone.now(), "published_by": by},
    )
    return report


def jpeg(name: str = "photo.jpg", size: int | None = None) -> SimpleUploadedFile:
    content = JPEG if size is None else JPEG + b"\x00" * (size - len(JPEG))
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def text_as_jpeg() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.jpg", b"just some text, not a picture\n", content_type="image/jpeg")
