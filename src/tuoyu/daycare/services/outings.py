"""Outings (户外活动): a head count out and back, an alert at once when it does not match, and the weather
exemptions that excuse a day's short outdoor time (national rules §8.4; rule DAY-02)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Attendance, AttendanceStatus, ClassDuty, Outing, WeatherExemption
from tuoyu.daycare.services.staffing import require_care_recorder, users_of_staff
from tuoyu.enrolment.models import Child
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import directors_of
from tuoyu.registry.signals import announce_change


def outing_start(
    *,
    actor: User,
    care_class: CareClass,
    children: Iterable[Child],
    now: datetime.datetime | None = None,
) -> Outing:
    """Take children of the class outdoors: each must be present (checked in and not yet out)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    require_care_recorder(actor, care_class.institution_id)
    out = {child.pk: child for child in children}
    if not out:
        raise Refusal(_("Choose the children going out."), "no_children")
    with transaction.atomic():
        care_class = CareClass.objects.select_for_update().get(pk=care_class.pk)
        if Outing.objects.filter(care_class=care_class, returned_at__isnull=True).exists():
            raise Refusal(
                _("The class is already outdoors: record its return first."), "outing_open", conflict=True
            )
        present = set(
            Attendance.objects.filter(
                care_class=care_class, day=day, status=AttendanceStatus.CHECKED_IN, child_id__in=out
            ).values_list("child_id", flat=True)
        )
        absent = [child.name for pk, child in out.items() if pk not in present]
        if absent:
            raise Refusal(
                _("Not present in this class: %(names)s.") % {"names": "、".join(sorted(absent))},
                "child_not_present",
                conflict=True,
            )
        outing = Outing(care_class=care_class, day=day, left_at=now, led_by=actor)
        outing.full_clean()
        outing.save()
        outing.children_out.set(list(out))
    return outing


def outing_return(
    *,
    actor: User,
    outing: Outing,
    children_back: Iterable[Child],
    now: datetime.datetime | None = None,
) -> Outing:
    """Record who came back. Anyone missing marks the outing and alerts the directors and the staff on
    duty in the class at once, by text message, naming the missing children."""
    now = now or timezone.now()
    require_care_recorder(actor, outing.care_class.institution_id)
    back = {child.pk for child in children_back}
    with transaction.atomic():
        outing = (
            Outing.objects.select_for_update().select_related("care_class__institution").get(pk=outing.pk)
        )
        if outing.returned_at is not None:
            raise Refusal(_("This outing's return is already recorded."), "outing_returned", conflict=True)
        if now < outing.left_at:
            raise Refusal(_("The return cannot be before the class went out."), "return_before_leave")
        out = {child.pk: child for child in outing.children_out.all()}
        strangers = back - set(out)
        if strangers:
            raise Refusal(_("Only children who went out can come back."), "child_not_out")
        outing.returned_at = now
        outing.mismatch = back != set(out)
        outing.full_clean()
        outing.save(update_fields=["returned_at", "mismatch"])
        outing.children_back.set(list(back))
        if outing.mismatch:
            missing = sorted(child.name for pk, child in out.items() if pk not in back)
            _alert_missing(outing, missing, len(out), len(back))
        announce_change(outing.care_class.institution_id)
    return outing


def _alert_missing(outing: Outing, missing: list[str], out: int, back: int) -> None:
    care_class = outing.care_class
    on_duty = [
        duty.staff
        for duty in ClassDuty.objects.filter(care_class=care_class, ended_at__isnull=True).select_related(
            "staff"
        )
    ]
    recipients = {user.pk: user for user in directors_of(care_class.institution_id)}
    for user in users_of_staff(care_class.institution_id, on_duty):
        recipients.setdefault(user.pk, user)
    recipients.setdefault(outing.led_by.pk, outing.led_by)
    params = {
        "institution": care_class.institution.name,
        "class": care_class.name,
        "out": out,
        "back": back,
        "missing": "、".join(missing),
    }
    link = reverse("daycare:outings", args=[care_class.code])
    notify_all(
        recipients.values(),
        kind=NotificationKind.OUTING_MISMATCH,
        title=_("Head count mismatch after an outing of %(class)s"),
        body=_(
            "%(institution)s, %(class)s: %(out)s children went out, %(back)s came back. "
            "Missing: %(missing)s. Search now."
        ),
        params=params,
        link=link,
        sms=True,
    )


def weather_exempt(
    *, actor: object, institution: Institution, day: datetime.date, reason: str
) -> WeatherExemption:
    """Excuse a day's short outdoor time (rain, heat, haze): no outdoor-time warning that day."""
    require_care_recorder(actor, institution.pk)
    reason = reason.strip()
    if not reason:
        raise Refusal(_("Give the reason (rain, heat, haze …)."), "reason_missing")
    with transaction.atomic():
        exemption, _created = WeatherExemption.objects.update_or_create(
            institution=institution, day=day, defaults={"reason": reason[:100]}
        )
        announce_change(institution.pk)
    return exemption
