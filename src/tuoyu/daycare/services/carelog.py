"""The care log and the family's daily report: the rules of every write.

Each function runs in one ``transaction.atomic`` and raises :class:`Refusal` before writing anything, so a
refused action writes nothing. Staff act only where they hold ``record_care`` (``NotPermitted``
otherwise, which pages and the API show as 404); guardians act only for their own children.

Rules:

- An entry is for a child with a placement under way in that class on that day (``not_in_class``).
- Each kind has its required details: a portion for meals and snacks, millilitres for bottles and water,
  a mood, an activity corner of the institution, the cause, response and outcome of responsive care
  (``responsive_incomplete``), what, where, first aid and when the guardian was informed of an incident
  (``incident_incomplete``). A sleep cannot end before it starts (``sleep_ends_before_start``).
- Medication only with the guardian's written instruction valid on that day
  (``medication_without_instruction``), only its medicine (``medicine_not_instructed``) and no more than its
  dose (``dose_above_instruction``).
- Once a child's report of a day is published, the day is closed: further entries are refused
  (``report_published``), except incidents, which are added and the guardians told at once.
- Families see a day only once its report is published (see the selectors).
- Photos: JPEG or PNG by their first bytes (``photo_not_image``), at most
  ``settings.REPORT_PHOTO_MAX_BYTES`` (``photo_too_large``), at most six per report (``too_many_photos``).
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.daycare.models import (
    ActivityArea,
    CareLogEntry,
    DailyReport,
    LogKind,
    MedicationInstruction,
    Mood,
    Portion,
    ReportPhoto,
)
from tuoyu.daycare.selectors.carelog import (
    attended_children,
    instructions_valid_on,
    is_in_class,
    present_children,
)
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.selectors import is_guardian_of
from tuoyu.messaging.services import report_reply_post
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.uploads import delete_on_commit, photo_checked

DEFAULT_ACTIVITY_AREAS = ("阅读区角", "艺术区角", "生活区角")
"""The corners every institution starts with (reading, art, everyday life); directors add more."""

MAX_PHOTOS_PER_REPORT = 6
MAX_AMOUNT_ML = 1000
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
"""A time a little ahead of the server's clock is a clock difference, not a typing error."""

RELATED_FIELDS = ["child", "care_class", "recorded_by", "medication_instruction"]
"""Checking a foreign key costs a query; a batch checks the other fields of each entry only."""

BATCH_KINDS = frozenset(
    {LogKind.MEAL, LogKind.SNACK, LogKind.BOTTLE, LogKind.WATER, LogKind.SLEEP, LogKind.NAPPY, LogKind.MOOD}
    | {LogKind.ACTIVITY}
)
"""Kinds a caregiver may log for the whole class at once; the others need each child's own details."""

# Which fields each kind keeps; any other field given is dropped, so a default never leaks into a kind.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    LogKind.MEAL: ("portion", "text"),
    LogKind.SNACK: ("portion", "text"),
    LogKind.BOTTLE: ("amount_ml", "text"),
    LogKind.WATER: ("amount_ml", "text"),
    LogKind.SLEEP: ("ends_at", "text"),
    LogKind.NAPPY: ("text",),
    LogKind.MOOD: ("mood", "text"),
    LogKind.RESPONSIVE: ("cause", "response", "outcome", "text"),
    LogKind.ACTIVITY: ("activity_area", "text"),
    LogKind.MEDICATION: ("medication_instruction", "medicine", "dose_given", "text"),
    LogKind.INCIDENT: ("text", "place", "first_aid", "guardian_informed_at"),
    LogKind.NOTE: ("text",),
}


# Shared checks -----------------------------------------------------------------------------------------


def _require_recorder(actor: User, institution_id: int) -> None:
    if not actor_may(actor, Perm.RECORD_CARE, institution_id):
        raise NotPermitted


def _require_guardian(actor: User, child: Child) -> None:
    if not is_guardian_of(actor, child):
        raise NotPermitted


def _day_text(day: datetime.date) -> str:
    return day.isoformat()


def _require_kind(kind: str) -> None:
    if kind not in LogKind.values:
        raise Refusal(_("Unknown kind of entry: “%(kind)s”.") % {"kind": kind}, "invalid_kind")


def _require_in_class(child: Child, care_class: CareClass, day: datetime.date) -> None:
    if not is_in_class(child, care_class, day):
        raise Refusal(
            _("%(child)s has no place in %(class)s on %(day)s.")
            % {"child": child.name, "class": care_class.name, "day": _day_text(day)},
            "not_in_class",
        )


def _require_not_future(moment: datetime.datetime, now: datetime.datetime) -> None:
    if moment > now + FUTURE_TOLERANCE:
        raise Refusal(
            _("%(moment)s has not happened yet: record it once it has.")
            % {"moment": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")},
            "time_in_future",
        )


def _missing(fields: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    return [name for name in names if fields.get(name) in (None, "")]


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _validate(
    *,
    kind: str,
    child: Child,
    care_class: CareClass,
    at: datetime.datetime,
    day: datetime.date,
    fields: Mapping[str, Any],
    areas: list[str],
    now: datetime.datetime,
) -> dict[str, Any]:
    """The fields the entry keeps, checked for its kind; a Refusal names what is wrong or missing."""
    _require_kind(kind)
    kept = {name: _clean_text(fields.get(name)) for name in KIND_FIELDS[kind]}
    kept = {name: value for name, value in kept.items() if value not in (None, "")}
    _require_not_future(at, now)
    name = child.name

    if kind in (LogKind.MEAL, LogKind.SNACK):
        if kept.get("portion") not in Portion.values:
            raise Refusal(
                _("How much did %(child)s eat? Choose all, most, half, a little or none.") % {"child": name},
                "entry_incomplete",
            )
    elif kind in (LogKind.BOTTLE, LogKind.WATER):
        amount = kept.get("amount_ml")
        if amount is None:
            raise Refusal(_("How many ml did %(child)s drink?") % {"child": name}, "entry_incomplete")
        if not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT_ML:
            raise Refusal(
                _("%(amount)s ml is not a plausible amount (1 to %(max)d ml).")
                % {"amount": amount, "max": MAX_AMOUNT_ML},
                "amount_out_of_range",
            )
    elif kind == LogKind.SLEEP:
        ends_at = kept.get("ends_at")
        if ends_at is not None:
            if ends_at <= at:
                raise Refusal(
                    _("A sleep cannot end (%(end)s) before it starts (%(start)s).")
                    % {
                        "end": timezone.localtime(ends_at).strftime("%H:%M"),
                        "start": timezone.localtime(at).strftime("%H:%M"),
                    },
                    "sleep_ends_before_start",
                )
            _require_not_future(ends_at, now)
    elif kind == LogKind.MOOD:
        if kept.get("mood") not in Mood.values:
            raise Refusal(_("Choose %(child)s's mood.") % {"child": name}, "entry_incomplete")
    elif kind == LogKind.ACTIVITY:
        area = kept.get("activity_area")
        if not area:
            raise Refusal(
                _("Which activity corner did %(child)s choose?") % {"child": name}, "entry_incomplete"
            )
        if area not in areas:
            raise Refusal(
                _("“%(area)s” is not one of the institution's activity corners.") % {"area": area},
                "activity_area_unknown",
            )
    elif kind == LogKind.RESPONSIVE:
        if _missing(kept, ("cause", "response", "outcome")):
            raise Refusal(
                _("Responsive care needs all three: the cause you found, how you responded and the outcome."),
                "responsive_incomplete",
            )
    elif kind == LogKind.INCIDENT:
        if _missing(kept, ("text", "place", "first_aid", "guardian_informed_at")):
            raise Refusal(
                _(
                    "An incident needs what happened, where, the first aid given and when the guardian "
                    "was informed."
                ),
                "incident_incomplete",
            )
        _require_not_future(kept["guardian_informed_at"], now)
    elif kind == LogKind.MEDICATION:
        kept.update(_medication(child=child, day=day, fields=kept))
        kept.pop("medicine", None)  # checked against the instruction, which names the medicine
    elif kind == LogKind.NOTE and not kept.get("text"):
        raise Refusal(_("Write the note."), "entry_incomplete")
    return kept


def _medication(*, child: Child, day: datetime.date, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The guardian's instruction that covers the day; the dose given defaults to the instructed dose."""
    valid = list(instructions_valid_on(child, day))
    chosen = fields.get("medication_instruction")
    refusal = Refusal(
        _(
            "No medicine without the guardian's written instruction: %(child)s has none on file for "
            "%(day)s. Ask the family to fill in the medication instruction first."
        )
        % {"child": child.name, "day": _day_text(day)},
        "medication_without_instruction",
    )
    if chosen is not None:
        chosen_pk = chosen.pk if isinstance(chosen, MedicationInstruction) else chosen
        instruction = next((i for i in valid if i.pk == chosen_pk), None)
        if instruction is None:
            raise refusal
    elif len(valid) == 1:
        instruction = valid[0]
    elif not valid:
        raise refusal
    else:
        raise Refusal(
            _("%(child)s has several medication instructions for %(day)s: choose the one you followed.")
            % {"child": child.name, "day": _day_text(day)},
            "medication_instruction_ambiguous",
        )
    dose_given = (fields.get("dose_given") or "").strip() or instruction.dose
    _require_as_instructed(instruction, (fields.get("medicine") or "").strip(), dose_given)
    return {"medication_instruction": instruction, "dose_given": dose_given}


DOSE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(.*?)\s*$")


def _dose_amount(dose: str) -> tuple[Decimal, str] | None:
    """ "5 ml" → (5, "ml"); None for a dose that is not a number and a unit ("半袋")."""
    match = DOSE.match(dose)
    return (Decimal(match[1]), match[2].casefold()) if match else None


def _within_dose(given: str, instructed: str) -> bool:
    """The instructed dose, or a smaller amount of the same unit; anything that cannot be shown to be no
    more than instructed is not (a child's medicine errs on the side of the instruction)."""
    if given.replace(" ", "").casefold() == instructed.replace(" ", "").casefold():
        return True
    given_amount, instructed_amount = _dose_amount(given), _dose_amount(instructed)
    return (
        given_amount is not None
        and instructed_amount is not None
        and given_amount[1] == instructed_amount[1]
        and given_amount[0] <= instructed_amount[0]
    )


def _require_as_instructed(instruction: MedicationInstruction, medicine: str, dose_given: str) -> None:
    """Only the instructed medicine, and no more than the instructed dose (托育机构管理规范: 凭家长委托)."""
    named = {"medicine": instruction.medicine, "dose": instruction.dose, "times": instruction.times}
    if medicine and medicine.replace(" ", "").casefold() != instruction.medicine.replace(" ", "").casefold():
        raise Refusal(
            _(
                "The family's instruction is for %(medicine)s, %(dose)s (%(times)s), not %(given)s: give "
                "only the instructed medicine."
            )
            % {**named, "given": medicine},
            "medicine_not_instructed",
        )
    if not _within_dose(dose_given, instruction.dose):
        raise Refusal(
            _(
                "The family's instruction is %(medicine)s, %(dose)s (%(times)s): %(given)s is more than "
                "instructed or cannot be compared with it."
            )
            % {**named, "given": dose_given},
            "dose_above_instruction",
        )


def _report_link(child: Child, day: datetime.date) -> str:
    return reverse("daycare:family_report", kwargs={"child": child.code, "day": day.isoformat()})


# Activity corners --------------------------------------------------------------------------------------


def activity_areas_of(institution: Institution) -> list[ActivityArea]:
    """The institution's activity corners; an institution with none gets the three default corners."""
    areas = list(ActivityArea.objects.filter(institution=institution).order_by("pk"))
    if areas:
        return areas
    with transaction.atomic():
        ActivityArea.objects.bulk_create(
            [ActivityArea(institution=institution, name=name) for name in DEFAULT_ACTIVITY_AREAS],
            ignore_conflicts=True,  # two first uses at the same moment create them once
        )
    return list(ActivityArea.objects.filter(institution=institution).order_by("pk"))


def activity_area_add(*, actor: User, institution: Institution, name: str) -> ActivityArea:
    """A director adds an activity corner to their institution."""
    if not actor_may(actor, Perm.CHANGE_INSTITUTION, institution.pk):
        raise NotPermitted
    name = (name or "").strip()
    if not name:
        raise Refusal(_("Name the activity corner."), "activity_area_blank")
    with transaction.atomic():
        activity_areas_of(institution)
        if ActivityArea.objects.filter(institution=institution, name=name).exists():
            raise Refusal(
                _("“%(name)s” is already one of the activity corners.") % {"name": name},
                "activity_area_exists",
                conflict=True,
            )
        area = ActivityArea(institution=institution, name=name)
        area.full_clean()
        area.save()
    return area


# Entries -----------------------------------------------------------------------------------------------


def care_entry_record(
    *,
    actor: User,
    child: Child,
    care_class: CareClass,
    kind: str,
    at: datetime.datetime | None = None,
    **fields: Any,
) -> CareLogEntry:
    """Record one entry of a child's care log at ``at`` (now by default); the day is the local date of it."""
    _require_recorder(actor, care_class.institution_id)
    _require_kind(kind)
    now = timezone.now()
    at = at or now
    day = timezone.localdate(at)
    with transaction.atomic():
        _require_in_class(child, care_class, day)
        published = DailyReport.objects.filter(child=child, day=day, published_at__isnull=False).exists()
        if published and kind != LogKind.INCIDENT:
            raise Refusal(
                _(
                    "%(child)s's report of %(day)s is already published: that day is closed. Tell the "
                    "family directly, or record an incident if it is one."
                )
                % {"child": child.name, "day": _day_text(day)},
                "report_published",
                conflict=True,
            )
        areas = (
            [a.name for a in activity_areas_of(care_class.institution)] if kind == LogKind.ACTIVITY else []
        )
        kept = _validate(
            kind=kind,
            child=child,
            care_class=care_class,
            at=at,
            day=day,
            fields=fields,
            areas=areas,
            now=now,
        )
        entry = CareLogEntry(
            child=child, care_class=care_class, day=day, kind=kind, at=at, recorded_by=actor, **kept
        )
        entry.full_clean()
        entry.save()
        if published:  # an incident after the report went out: the family hears of it now
            notify_all(
                [guardianship.user for guardianship in child.guardianships.select_related("user")],
                kind=NotificationKind.CARE_INCIDENT,
                title=_("Incident recorded for %(child)s on %(day)s"),
                body=_("Please read it and confirm that you have."),
                params={"child": child.name, "day": _day_text(day)},
                link=_report_link(child, day),
            )
    return entry


def care_sleep_end(
    *, actor: User, entry: CareLogEntry, ends_at: datetime.datetime | None = None
) -> CareLogEntry:
    """The child woke up: end an open sleep entry."""
    _require_recorder(actor, entry.care_class.institution_id)
    now = timezone.now()
    ends_at = ends_at or now
    with transaction.atomic():
        entry = CareLogEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.kind != LogKind.SLEEP or entry.ends_at is not None:
            raise Refusal(_("This sleep has already ended."), "sleep_already_ended", conflict=True)
        if DailyReport.objects.filter(
            child_id=entry.child_id, day=entry.day, published_at__isnull=False
        ).exists():
            raise Refusal(
                _("The report of this day is already published: that day is closed."),
                "report_published",
                conflict=True,
            )
        if ends_at <= entry.at:
            raise Refusal(
                _("A sleep cannot end (%(end)s) before it starts (%(start)s).")
                % {
                    "end": timezone.localtime(ends_at).strftime("%H:%M"),
                    "start": timezone.localtime(entry.at).strftime("%H:%M"),
                },
                "sleep_ends_before_start",
            )
        _require_not_future(ends_at, now)
        entry.ends_at = ends_at
        entry.full_clean()
        entry.save(update_fields=["ends_at"])
    return entry


def care_batch_record(
    *,
    actor: User,
    care_class: CareClass,
    kind: str,
    at: datetime.datetime | None = None,
    defaults: Mapping[str, Any] | None = None,
    exceptions: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> int:
    """Log one kind of entry for every child present in the class (checked in, not yet collected).

    ``defaults`` hold the details for everyone (``{"portion": "all"}``); ``exceptions`` map a child's
    code to the details that differ for them (``at`` included), or to ``None`` to leave the child out.
    Children whose report of the day is already published are left out. One transaction, a fixed number
    of queries; returns the number of entries written.
    """
    _require_recorder(actor, care_class.institution_id)
    if kind not in BATCH_KINDS:
        raise Refusal(
            _("Entries of this kind need each child's own details: record them one child at a time."),
            "batch_kind_not_allowed",
        )
    now = timezone.now()
    at = at or now
    day = timezone.localdate(at)
    defaults = dict(defaults or {})
    exceptions = {str(code): details for code, details in (exceptions or {}).items()}
    with transaction.atomic():
        present = list(present_children(care_class, day))
        present_ids = {child.pk for child in present}
        strangers = set(exceptions) - {str(child.code) for child in present}
        if strangers:
            raise Refusal(
                _("Some children of the list are not present in %(class)s on %(day)s.")
                % {"class": care_class.name, "day": _day_text(day)},
                "not_in_class",
            )
        published = set(
            DailyReport.objects.filter(
                child__in=present_ids, day=day, published_at__isnull=False
            ).values_list("child_id", flat=True)
        )
        areas = (
            [a.name for a in activity_areas_of(care_class.institution)] if kind == LogKind.ACTIVITY else []
        )
        entries = []
        for child in present:
            if child.pk in published:
                continue
            code = str(child.code)
            if code in exceptions and exceptions[code] is None:
                continue
            fields = {**defaults, **(exceptions.get(code) or {})}
            child_at = fields.pop("at", None) or at
            kept = _validate(
                kind=kind,
                child=child,
                care_class=care_class,
                at=child_at,
                day=day,
                fields=fields,
                areas=areas,
                now=now,
            )
            if timezone.localdate(child_at) != day:
                raise Refusal(_("Every entry of a batch must be on the same day."), "batch_mixed_days")
            entry = CareLogEntry(
                child=child, care_class=care_class, day=day, kind=kind, at=child_at, recorded_by=actor, **kept
            )
            entry.clean_fields(exclude=RELATED_FIELDS)  # lengths and choices; related rows are known
            entries.append(entry)
        CareLogEntry.objects.bulk_create(entries)
    return len(entries)


# Medication instructions -------------------------------------------------------------------------------


def medication_instruction_create(
    *,
    guardian: User,
    child: Child,
    medicine: str,
    dose: str,
    times: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
) -> MedicationInstruction:
    """The guardian's written instruction to give a medicine (家长委托喂药单), signed now."""
    _require_guardian(guardian, child)
    if not (medicine or "").strip() or not (dose or "").strip() or not (times or "").strip():
        raise Refusal(_("Write the medicine, the dose and when to give it."), "instruction_incomplete")
    if valid_until < valid_from:
        raise Refusal(
            _("The instruction cannot end (%(until)s) before it starts (%(from)s).")
            % {"until": _day_text(valid_until), "from": _day_text(valid_from)},
            "instruction_period_invalid",
        )
    if valid_until < timezone.localdate():
        raise Refusal(_("This instruction would already have expired."), "instruction_period_invalid")
    with transaction.atomic():
        instruction = MedicationInstruction(
            child=child,
            medicine=medicine.strip(),
            dose=dose.strip(),
            times=times.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            given_by=guardian,
        )
        instruction.full_clean()
        instruction.save()
    return instruction


# The daily report --------------------------------------------------------------------------------------


def _report_for_update(child: Child, care_class: CareClass, day: datetime.date) -> DailyReport:
    report, _created = DailyReport.objects.get_or_create(
        child=child, day=day, defaults={"care_class": care_class}
    )
    return DailyReport.objects.select_for_update().get(pk=report.pk)


def daily_report_save_summary(
    *, actor: User, child: Child, care_class: CareClass, day: datetime.date, summary: str
) -> DailyReport:
    """The caregiver's word on the day (optional). It may be corrected after publishing too."""
    _require_recorder(actor, care_class.institution_id)
    with transaction.atomic():
        _require_in_class(child, care_class, day)
        report = _report_for_update(child, care_class, day)
        report.summary = (summary or "").strip()
        report.full_clean()
        report.save(update_fields=["summary"])
    return report


def report_photo_add(
    *,
    actor: User,
    child: Child,
    care_class: CareClass,
    day: datetime.date,
    upload: UploadedFile,
    caption: str = "",
) -> ReportPhoto:
    """Add a photo to the child's report of the day: a JPEG or PNG, small enough, six at most."""
    _require_recorder(actor, care_class.institution_id)
    image = photo_checked(upload)  # metadata dropped
    with transaction.atomic():
        _require_in_class(child, care_class, day)
        report = _report_for_update(child, care_class, day)
        if report.photos.count() >= MAX_PHOTOS_PER_REPORT:
            raise Refusal(
                _("A report holds at most %(n)d photos.") % {"n": MAX_PHOTOS_PER_REPORT},
                "too_many_photos",
                conflict=True,
            )
        photo = ReportPhoto(report=report, caption=(caption or "").strip()[:100], image=image)
        try:
            photo.full_clean()
            photo.save()  # stored under a random name: no family names on disk
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def report_photo_delete(*, actor: User, photo: ReportPhoto) -> None:
    _require_recorder(actor, photo.report.care_class.institution_id)
    with transaction.atomic():
        delete_on_commit(photo.image)
        photo.delete()


def _publish(actor: User, report: DailyReport, now: datetime.datetime) -> None:
    report.published_at = now
    report.published_by = actor
    report.save(update_fields=["published_at", "published_by"])
    child = report.child
    notify_all(
        [guardianship.user for guardianship in child.guardianships.select_related("user")],
        kind=NotificationKind.DAILY_REPORT,
        title=_("%(child)s's day, %(day)s"),
        body=_("The caregivers of %(class)s have published %(child)s's daily report."),
        params={"child": child.name, "day": _day_text(report.day), "class": report.care_class.name},
        link=_report_link(child, report.day),
    )


def daily_report_publish(
    *, actor: User, child: Child, care_class: CareClass, day: datetime.date, summary: str | None = None
) -> DailyReport:
    """Publish the child's report of the day, with the caregiver's word on it if given: the family sees the
    day's entries and photos from now on. A refused publication changes nothing, the word included."""
    _require_recorder(actor, care_class.institution_id)
    with transaction.atomic():
        _require_in_class(child, care_class, day)
        report = _report_for_update(child, care_class, day)
        if summary is not None:
            report.summary = summary.strip()
            report.full_clean()
        if report.published_at is not None:
            raise Refusal(
                _("%(child)s's report of %(day)s is already published.")
                % {"child": child.name, "day": _day_text(day)},
                "report_already_published",
                conflict=True,
            )
        has_entries = CareLogEntry.objects.filter(child=child, day=day).exists()
        if not (has_entries or report.summary or report.photos.exists()):
            raise Refusal(
                _("%(child)s's report of %(day)s is empty: record the day before publishing it.")
                % {"child": child.name, "day": _day_text(day)},
                "report_empty",
                conflict=True,
            )
        if summary is not None:
            report.save(update_fields=["summary"])
        _publish(actor, report, timezone.now())
    return report


@dataclass(frozen=True)
class PublishedAll:
    """What "publish all" did: how many reports went to the families, and the children whose day held
    nothing to tell (no entry, no word, no photo), left unpublished so that no family gets an empty report."""

    published: int
    empty: list[Child]


def daily_report_publish_all(
    *,
    actor: User,
    care_class: CareClass,
    day: datetime.date,
    summaries: Mapping[str, str] | None = None,
) -> PublishedAll:
    """Publish the report of every child who attended the class that day and has something in it.

    ``summaries`` are the words typed for single children on the same page (by child code): each is saved
    first, published or not, so that nothing typed is lost, and a word alone is something to publish.
    Reports already published are left as they are; empty days are not published (and no empty report is
    written) and are named in the answer.
    """
    _require_recorder(actor, care_class.institution_id)
    typed = {code: text.strip() for code, text in (summaries or {}).items()}
    now = timezone.now()
    published = 0
    empty = []
    with transaction.atomic():
        children = list(attended_children(care_class, day).distinct())
        with_entries = set(
            CareLogEntry.objects.filter(child__in=children, day=day).values_list("child_id", flat=True)
        )
        started = {
            report.child_id: report
            for report in DailyReport.objects.filter(child__in=children, day=day).annotate(
                photo_count=Count("photos")
            )
        }
        for child in sorted(children, key=lambda c: (c.name, c.pk)):
            existing = started.get(child.pk)
            summary, photos = (existing.summary, existing.photo_count) if existing is not None else ("", 0)
            published_at = existing.published_at if existing is not None else None
            word = typed.get(str(child.code))
            if word is not None and word != summary:
                report = _report_for_update(child, care_class, day)
                report.summary = summary = word
                report.full_clean()
                report.save(update_fields=["summary"])
            if published_at is not None:
                continue
            has_content = child.pk in with_entries or bool(summary or photos)
            if not has_content:  # nothing to tell the family: no empty report is written
                empty.append(child)
                continue
            report = _report_for_update(child, care_class, day)
            if report.published_at is not None:  # published meanwhile by a colleague
                continue
            _publish(actor, report, now)
            published += 1
    return PublishedAll(published=published, empty=empty)


def daily_report_mark_read(*, guardian: User, report: DailyReport) -> DailyReport:
    """The family opened the published report: remember when, the first time."""
    _require_guardian(guardian, report.child)
    if report.published_at is None:
        raise NotPermitted
    if report.read_at is None:
        with transaction.atomic():
            DailyReport.objects.filter(pk=report.pk, read_at__isnull=True).update(read_at=timezone.now())
        report.refresh_from_db(fields=["read_at"])
    return report


def daily_report_reply(*, guardian: User, report: DailyReport, reply: str) -> DailyReport:
    """The family answers the report; the caregiver who published it and the directors are told."""
    _require_guardian(guardian, report.child)
    if report.published_at is None:
        raise NotPermitted
    reply = (reply or "").strip()
    if not reply:
        raise Refusal(_("Write your reply first."), "reply_empty")
    with transaction.atomic():
        report = (
            DailyReport.objects.select_for_update().select_related("child", "care_class").get(pk=report.pk)
        )
        report.reply = reply
        report.replied_at = timezone.now()
        if report.read_at is None:
            report.read_at = report.replied_at
        report.save(update_fields=["reply", "replied_at", "read_at"])
        # The reply is a message of the child's conversation: the class's caregivers, the directors and the
        # caregiver who published the report are told, with a link to the conversation.
        report_reply_post(
            guardian=guardian,
            child=report.child,
            care_class=report.care_class,
            day=report.day,
            reply=reply,
            also_tell=[report.published_by] if report.published_by is not None else [],
            now=report.replied_at,
        )
    return report


def incident_acknowledge(*, guardian: User, entry: CareLogEntry) -> CareLogEntry:
    """The guardian confirms having read an incident of a published day (once; later calls change nothing)."""
    _require_guardian(guardian, entry.child)
    if entry.kind != LogKind.INCIDENT:
        raise Refusal(_("Only incidents are acknowledged."), "not_an_incident")
    if not DailyReport.objects.filter(
        child_id=entry.child_id, day=entry.day, published_at__isnull=False
    ).exists():
        raise NotPermitted
    with transaction.atomic():
        CareLogEntry.objects.filter(pk=entry.pk, guardian_acknowledged_at__isnull=True).update(
            guardian_acknowledged_at=timezone.now()
        )
    entry.refresh_from_db(fields=["guardian_acknowledged_at"])
    return entry
