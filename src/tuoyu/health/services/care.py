"""Examinations, development screenings, referrals and immunisation-certificate checks, and the daily
reminders of overdue examinations.

Who records what (``selectors.access``, ``selectors.care``):

- examinations, screenings, referrals and their outcomes: whoever records medical data for the child
  (``record_medical``: the director and health worker of the institution where the child holds a place,
  the doctor of its partner hospital). A doctor's records are marked as the hospital's;
- immunisation-certificate checks (预防接种证查验): the institution's act (``record_health``: its director and
  health worker), never a doctor's.

Anyone else is refused with ``NotPermitted`` (pages and API answer 404). Every write runs in one
transaction and refuses bad input with a :class:`Refusal` before writing anything.

What follows from a record:

- haemoglobin below 110 g/L is anaemia (§10.12): a referral (reason anaemia) with the examination;
- a hearing screen "refer": a referral (reason hearing);
- any positive development warning sign (§10.5): a referral (reason development) with the screening;
- a referral tells the child's guardians and the institution's health workers; its outcome may be recorded
  several times while it is followed up, and closing it needs an outcome;
- an entry immunisation check completes the child's open vaccination-check task (ENR-05 watches the task);
  an incomplete certificate names the missing doses and the guardians are urged at once, also by text.

Referral details and task notes written here are records in Chinese, the district's language of record
(like the evidence of the compliance rules).

Refusal codes (400): ``exam_kind_invalid``, ``date_in_future``, ``date_before_birth``,
``haemoglobin_required``, ``haemoglobin_implausible``, ``haemoglobin_not_for_kind``,
``hearing_result_required``, ``hearing_result_not_for_kind``, ``checkpoint_invalid``,
``checkpoint_not_reached``, ``checkpoint_passed``, ``sign_unknown``, ``reason_invalid``,
``detail_required``, ``outcome_required``, ``outcome_before_referral``, ``check_kind_invalid``,
``missing_doses_required``, ``missing_doses_for_complete``; (409): ``exam_duplicate``,
``screening_duplicate``, ``referral_closed``, ``entry_check_done``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuoyu.accounts.access import Perm, scope_of
from tuoyu.accounts.models import User
from tuoyu.enrolment.models import CareTask, Child, Guardianship, TaskKind, completed_months
from tuoyu.enrolment.selectors import guardians_of
from tuoyu.enrolment.services import task_complete
from tuoyu.health.development import CHECKPOINTS, SIGNS_BY_CODE, checkpoints_open_at, signs_at
from tuoyu.health.models import (
    DevelopmentScreening,
    ExamKind,
    ExamReminder,
    HealthExam,
    HearingResult,
    ImmunisationCheck,
    ImmunisationCheckKind,
    MeasurementSource,
    Referral,
    ReferralReason,
)
from tuoyu.health.selectors.access import institution_of_care
from tuoyu.health.selectors.care import anaemia_grade, institution_for_immunisation, may_record_medical
from tuoyu.health.selectors.schedule import ChildSchedule, institution_schedules
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import health_workers_of
from tuoyu.registry.signals import announce_change

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HAEMOGLOBIN_MIN_G_L = 30
HAEMOGLOBIN_MAX_G_L = 250
"""Outside this range a haemoglobin value is a typing error, refused."""
ANAEMIA_GRADES_ZH = {"mild": "轻度贫血", "moderate": "中度贫血", "severe": "重度贫血"}

CHECK_COMPLETE_NOTE = "预防接种证已查验，接种完整。"
CHECK_INCOMPLETE_NOTE = "预防接种证已查验，缺种：{doses}；已告知家长补种。"


def _care_link(child: Child) -> str:
    return reverse("health:care", kwargs={"code": child.code})


# Shared checks ---------------------------------------------------------------------------------------------


def _require_recorder(actor: User, child: Child) -> Institution | None:
    """The institution where the child is cared for (as the actor sees it), if the actor may record
    medical data for the child; else ``NotPermitted``."""
    if not may_record_medical(actor, child):
        raise NotPermitted
    return institution_of_care(child, actor)


def _source(actor: User, institution: Institution | None) -> str:
    """The institution's own record, or the partner hospital's when a doctor records it."""
    scope = scope_of(actor, Perm.RECORD_MEDICAL)
    if institution is not None and (scope.everything or institution.pk in scope.institution_ids):
        return MeasurementSource.INSTITUTION
    return MeasurementSource.HOSPITAL


def _require_past(day: datetime.date, child: Child, what: "StrOrPromise") -> None:
    if day > timezone.localdate():
        raise Refusal(
            _("The date of the %(what)s cannot be in the future.") % {"what": what}, "date_in_future"
        )
    if day < child.birth_date:
        raise Refusal(
            _("The date of the %(what)s cannot be before %(child)s was born (%(birth)s).")
            % {"what": what, "child": child.name, "birth": child.birth_date.isoformat()},
            "date_before_birth",
        )


def _announce_for(child: Child) -> None:
    """The compliance rules of the institutions caring for the child read what changed."""
    today = timezone.localdate()
    for institution_id in child.placements.filter(ends_on__gt=today).values_list("institution_id", flat=True):
        announce_change(institution_id)


# Referrals -----------------------------------------------------------------------------------------------


def _refer(
    *,
    actor: User,
    child: Child,
    institution: Institution | None,
    reason: str,
    detail: str,
    referred_on: datetime.date,
    referred_to: str = "",
    exam: HealthExam | None = None,
    screening: DevelopmentScreening | None = None,
) -> Referral:
    referral = Referral(
        child=child,
        reason=reason,
        detail=detail[:300],
        referred_on=referred_on,
        referred_to=referred_to.strip(),
        institution=institution,
        referred_by=actor,
        exam=exam,
        screening=screening,
    )
    referral.full_clean()
    referral.save()
    _tell_about_referral(referral, actor)
    return referral


def _tell_about_referral(referral: Referral, actor: User) -> None:
    child = referral.child
    params: dict[str, object] = {
        "child": child.name,
        "reason": ReferralReason(referral.reason).label,
        "detail": referral.detail,
    }
    notify_all(
        guardians_of(child),
        kind=NotificationKind.HEALTH_REFERRAL,
        title=_("%(child)s is referred to a doctor: %(reason)s"),
        body=_("%(detail)s Please take %(child)s to the doctor; the health worker will follow up with you."),
        params=params,
        link=_care_link(child),
    )
    if referral.institution_id is None:
        return
    notify_all(
        health_workers_of(referral.institution_id).exclude(pk=actor.pk),
        kind=NotificationKind.HEALTH_REFERRAL,
        title=_("%(child)s is referred: %(reason)s"),
        body=_("%(detail)s Follow the referral up until its outcome closes it."),
        params=params,
        link=_care_link(child),
    )


@transaction.atomic
def referral_create(
    *,
    actor: User,
    child: Child,
    reason: str,
    detail: str,
    referred_on: datetime.date,
    referred_to: str = "",
) -> Referral:
    """A referral written by a professional (the doctor's or the health worker's own)."""
    institution = _require_recorder(actor, child)
    if reason not in ReferralReason.values:
        raise Refusal(_("Choose the reason for the referral."), "reason_invalid")
    if not detail.strip():
        raise Refusal(_("Say why the child is referred."), "detail_required")
    _require_past(referred_on, child, _("referral"))
    referral = _refer(
        actor=actor,
        child=child,
        institution=institution,
        reason=reason,
        detail=detail.strip(),
        referred_on=referred_on,
        referred_to=referred_to,
    )
    _announce_for(child)
    return referral


@transaction.atomic
def referral_record_outcome(
    *,
    actor: User,
    referral: Referral,
    outcome: str,
    outcome_on: datetime.date | None = None,
    close: bool = False,
    now: datetime.datetime | None = None,
) -> Referral:
    """Record what came of a referral (it may be updated while it is followed up); ``close`` ends the
    follow-up, which needs an outcome. The guardians are told when it closes."""
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().select_related("child").get(pk=referral.pk)
    child = referral.child
    _require_recorder(actor, child)
    if referral.closed_at is not None:
        raise Refusal(_("This referral is already closed."), "referral_closed", conflict=True)
    outcome = outcome.strip()
    if not outcome:
        message = (
            _("Record the outcome before closing the referral.")
            if close
            else _("Write what came of the referral: the diagnosis, the advice, the next visit.")
        )
        raise Refusal(message, "outcome_required")
    outcome_on = outcome_on or timezone.localdate(now)
    _require_past(outcome_on, child, pgettext_lazy("referral", "outcome"))
    if outcome_on < referral.referred_on:
        raise Refusal(
            _("The outcome cannot be dated before the referral (%(day)s).")
            % {"day": referral.referred_on.isoformat()},
            "outcome_before_referral",
        )
    referral.outcome, referral.outcome_on = outcome, outcome_on
    if close:
        referral.closed_at, referral.closed_by = now, actor
    referral.full_clean()
    referral.save()
    if close:
        notify_all(
            guardians_of(child),
            kind=NotificationKind.HEALTH_REFERRAL_CLOSED,
            title=_("The referral of %(child)s is closed"),
            body=_("Outcome: %(outcome)s"),
            params={"child": child.name, "outcome": outcome},
            link=_care_link(child),
        )
    _announce_for(child)
    return referral


# Examinations --------------------------------------------------------------------------------------------


def _require_exam_values(kind: str, haemoglobin_g_l: int | None, hearing_result: str) -> None:
    if kind == ExamKind.HAEMOGLOBIN:
        if haemoglobin_g_l is None:
            raise Refusal(_("Enter the haemoglobin in g/L."), "haemoglobin_required")
        if not HAEMOGLOBIN_MIN_G_L <= haemoglobin_g_l <= HAEMOGLOBIN_MAX_G_L:
            raise Refusal(
                _("%(value)s g/L is not a plausible haemoglobin (%(min)s–%(max)s g/L): check the result.")
                % {"value": haemoglobin_g_l, "min": HAEMOGLOBIN_MIN_G_L, "max": HAEMOGLOBIN_MAX_G_L},
                "haemoglobin_implausible",
            )
    elif haemoglobin_g_l is not None:
        raise Refusal(_("Record a haemoglobin value as a haemoglobin test."), "haemoglobin_not_for_kind")
    if kind == ExamKind.HEARING:
        if hearing_result not in HearingResult.values:
            raise Refusal(
                _("Choose the result of the hearing screen: pass or refer."), "hearing_result_required"
            )
    elif hearing_result:
        raise Refusal(_("Record a hearing result as a hearing screen."), "hearing_result_not_for_kind")


@transaction.atomic
def health_exam_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    examined_on: datetime.date,
    haemoglobin_g_l: int | None = None,
    hearing_result: str = "",
    note: str = "",
    referred_to: str = "",
) -> HealthExam:
    """An examination, test or screen of the schedule; anaemia and a failed hearing screen are referred."""
    institution = _require_recorder(actor, child)
    if kind not in ExamKind.values:
        raise Refusal(_("Choose which examination it was."), "exam_kind_invalid")
    _require_past(examined_on, child, _("examination"))
    _require_exam_values(kind, haemoglobin_g_l, hearing_result)
    if HealthExam.objects.filter(child=child, kind=kind, examined_on=examined_on).exists():
        raise Refusal(
            _("This examination of %(child)s on %(day)s is already recorded.")
            % {"child": child.name, "day": examined_on.isoformat()},
            "exam_duplicate",
            conflict=True,
        )
    exam = HealthExam(
        child=child,
        kind=kind,
        examined_on=examined_on,
        haemoglobin_g_l=haemoglobin_g_l,
        hearing_result=hearing_result,
        note=note.strip(),
        source=_source(actor, institution),
        institution=institution,
        recorded_by=actor,
    )
    exam.full_clean()
    exam.save()
    grade = anaemia_grade(haemoglobin_g_l) if kind == ExamKind.HAEMOGLOBIN else ""
    if grade:
        detail = f"血红蛋白{haemoglobin_g_l} g/L，低于110 g/L（{ANAEMIA_GRADES_ZH[grade]}）"
        _refer(
            actor=actor,
            child=child,
            institution=institution,
            reason=ReferralReason.ANAEMIA,
            detail=detail,
            referred_on=examined_on,
            referred_to=referred_to,
            exam=exam,
        )
    if kind == ExamKind.HEARING and hearing_result == HearingResult.REFER:
        _refer(
            actor=actor,
            child=child,
            institution=institution,
            reason=ReferralReason.HEARING,
            detail=f"{examined_on:%Y-%m-%d}听力筛查未通过，需复筛及听力诊断",
            referred_on=examined_on,
            referred_to=referred_to,
            exam=exam,
        )
    _announce_for(child)
    return exam


# Development warning signs --------------------------------------------------------------------------------


def _require_checkpoint(child: Child, checkpoint: int, screened_on: datetime.date) -> None:
    if checkpoint not in CHECKPOINTS:
        raise Refusal(
            _("Choose one of the checkpoints: 3, 6, 8, 12, 18, 24, 30 or 36 months."), "checkpoint_invalid"
        )
    age = completed_months(child.birth_date, screened_on)
    open_now = checkpoints_open_at(age)
    if checkpoint in open_now:
        return
    params = {"child": child.name, "age": age, "day": screened_on.isoformat(), "checkpoint": checkpoint}
    if checkpoint > age:
        raise Refusal(
            _("On %(day)s %(child)s is %(age)s months old: not yet at the %(checkpoint)s-month checkpoint.")
            % params,
            "checkpoint_not_reached",
        )
    if open_now:
        raise Refusal(
            _("At %(age)s months the %(current)s-month checklist applies, not the %(checkpoint)s-month one.")
            % {**params, "current": open_now[-1]},
            "checkpoint_passed",
        )
    raise Refusal(
        _("The warning-sign checklists here end at 36 months; %(child)s is %(age)s months old.") % params,
        "checkpoint_passed",
    )


def _signs_in_table_order(checkpoint: int, codes: Iterable[str]) -> list[str]:
    chosen = set(codes)
    allowed = {sign.code for sign in signs_at(checkpoint)}
    unknown = sorted(chosen - allowed)
    if unknown:
        raise Refusal(
            _("“%(code)s” is not a sign of the %(checkpoint)s-month checklist.")
            % {"code": unknown[0], "checkpoint": checkpoint},
            "sign_unknown",
        )
    return [sign.code for sign in signs_at(checkpoint) if sign.code in chosen]


@transaction.atomic
def development_screening_record(
    *,
    actor: User,
    child: Child,
    checkpoint_months: int,
    screened_on: datetime.date,
    positive_signs: Iterable[str] = (),
    note: str = "",
    referred_to: str = "",
) -> DevelopmentScreening:
    """The warning-sign checklist of the child's checkpoint; any positive sign is referred at once."""
    institution = _require_recorder(actor, child)
    _require_past(screened_on, child, _("screening"))
    _require_checkpoint(child, checkpoint_months, screened_on)
    signs = _signs_in_table_order(checkpoint_months, positive_signs)
    if DevelopmentScreening.objects.filter(
        child=child, checkpoint_months=checkpoint_months, screened_on=screened_on
    ).exists():
        raise Refusal(
            _("The %(checkpoint)s-month screening of %(child)s on %(day)s is already recorded.")
            % {"checkpoint": checkpoint_months, "child": child.name, "day": screened_on.isoformat()},
            "screening_duplicate",
            conflict=True,
        )
    screening = DevelopmentScreening(
        child=child,
        checkpoint_months=checkpoint_months,
        screened_on=screened_on,
        positive_signs=signs,
        note=note.strip(),
        institution=institution,
        screened_by=actor,
    )
    screening.full_clean()
    screening.save()
    if signs:
        texts = "；".join(SIGNS_BY_CODE[code].text for code in signs)
        _refer(
            actor=actor,
            child=child,
            institution=institution,
            reason=ReferralReason.DEVELOPMENT,
            detail=f"{checkpoint_months}月龄发育预警征象阳性：{texts}",
            referred_on=screened_on,
            referred_to=referred_to,
            screening=screening,
        )
    _announce_for(child)
    return screening


# Immunisation-certificate checks ------------------------------------------------------------------------


@transaction.atomic
def immunisation_check_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    checked_on: datetime.date,
    complete: bool,
    missing_doses: str = "",
    now: datetime.datetime | None = None,
) -> ImmunisationCheck:
    """预防接种证查验 on entry or the yearly re-check; missing doses are named, the family urged at once."""
    now = now or timezone.now()
    institution = institution_for_immunisation(actor, child, day=timezone.localdate(now))
    if institution is None:
        raise NotPermitted
    if kind not in ImmunisationCheckKind.values:
        raise Refusal(_("Choose the check: on entry or the yearly re-check."), "check_kind_invalid")
    _require_past(checked_on, child, pgettext_lazy("immunisation", "certificate check"))
    missing = missing_doses.strip()
    if not complete and not missing:
        raise Refusal(
            _("Name the missing doses (vaccine and dose), so that the family knows what to catch up."),
            "missing_doses_required",
        )
    if complete and missing:
        raise Refusal(
            _("A complete certificate has no missing doses: clear them or mark the certificate incomplete."),
            "missing_doses_for_complete",
        )
    if (
        kind == ImmunisationCheckKind.ENTRY
        and ImmunisationCheck.objects.filter(
            child=child, institution=institution, kind=ImmunisationCheckKind.ENTRY
        ).exists()
    ):
        raise Refusal(
            _("The entry check of %(child)s is already recorded; record a re-check instead.")
            % {"child": child.name},
            "entry_check_done",
            conflict=True,
        )
    check = ImmunisationCheck(
        child=child,
        institution=institution,
        kind=kind,
        checked_on=checked_on,
        complete=complete,
        missing_doses=missing,
        guardian_urged_at=None if complete else now,
        checked_by=actor,
        recorded_at=now,
    )
    check.full_clean()
    check.save()
    if kind == ImmunisationCheckKind.ENTRY:
        _complete_vaccination_task(actor, check, now)
    if not complete:
        _urge_guardians(child, missing)
    announce_change(institution.pk)
    return check


def _complete_vaccination_task(actor: User, check: ImmunisationCheck, now: datetime.datetime) -> None:
    task = (
        CareTask.objects.select_for_update()
        .filter(
            kind=TaskKind.VACCINATION_CHECK,
            child=check.child,
            institution=check.institution,
            done_at__isnull=True,
        )
        .order_by("due_on", "pk")
        .first()
    )
    if task is None:
        return
    note = CHECK_COMPLETE_NOTE if check.complete else CHECK_INCOMPLETE_NOTE.format(doses=check.missing_doses)
    task_complete(actor=actor, task=task, note=note[:200], now=now)


def _urge_guardians(child: Child, missing: str) -> None:
    notify_all(
        guardians_of(child),
        kind=NotificationKind.IMMUNISATION_MISSING_DOSES,
        title=_("%(child)s's vaccination certificate is missing doses"),
        body=_(
            "Missing: %(doses)s. Please take %(child)s to the vaccination clinic to catch up, then show "
            "the certificate to the health worker again."
        ),
        params={"child": child.name, "doses": missing},
        link=_care_link(child),
        sms=True,
    )


# Reminders of overdue examinations ----------------------------------------------------------------------


def _claim_reminder(schedule: ChildSchedule, kind: str, due_on: datetime.date) -> bool:
    """Whether this run is the one to remind (the unique reminder row is the claim)."""
    with transaction.atomic():
        _reminder, created = ExamReminder.objects.get_or_create(
            child=schedule.child, kind=kind, due_on=due_on
        )
    return created


def exam_reminders_send(*, day: datetime.date | None = None) -> tuple[int, int]:
    """Remind the guardians of each overdue examination once (per child, kind and due date), and send each
    institution's health workers a digest of what is overdue, once a day. Returns (reminders, digests)."""
    day = day or timezone.localdate()
    overdue = [s for s in institution_schedules(Institution.objects.all(), day) if s.overdue]
    sent_before = set(
        ExamReminder.objects.filter(child__in=[s.child for s in overdue]).values_list(
            "child_id", "kind", "due_on"
        )
    )
    guardians: dict[int, list[User]] = defaultdict(list)
    for guardianship in Guardianship.objects.filter(
        child__in=[s.child for s in overdue], user__is_active=True
    ).select_related("user"):
        guardians[guardianship.child_id].append(guardianship.user)
    reminders = 0
    for schedule in overdue:
        for item in schedule.overdue:
            if (schedule.child.pk, item.kind, item.due_on) in sent_before:
                continue
            if not _claim_reminder(schedule, item.kind, item.due_on):
                continue
            reminded = notify_all(
                guardians[schedule.child.pk],
                kind=NotificationKind.EXAM_OVERDUE,
                title=_("%(child)s is due for: %(exam)s"),
                body=_(
                    "It was due on %(due)s (at %(age)s months). Please arrange it and bring the result "
                    "to the health worker."
                ),
                params={
                    "child": schedule.child.name,
                    "exam": ExamKind(item.kind).label,
                    "due": item.due_on.isoformat(),
                    "age": item.age_months,
                },
                link=_care_link(schedule.child),
            )
            reminders += len(reminded)
    return reminders, _send_digests(overdue, day)


def _send_digests(overdue: list[ChildSchedule], day: datetime.date) -> int:
    """One digest a day for each health worker, covering every institution they work at."""
    by_institution: dict[int, list[ChildSchedule]] = defaultdict(list)
    for schedule in overdue:
        assert schedule.placement is not None  # the institutions' schedules are of children in care
        by_institution[schedule.placement.institution_id].append(schedule)
    by_worker: dict[User, list[int]] = defaultdict(list)
    for institution_id in by_institution:
        for worker in health_workers_of(institution_id):
            by_worker[worker].append(institution_id)
    start_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    sent_today = set(
        Notification.objects.filter(
            user__in=list(by_worker), kind=NotificationKind.EXAM_OVERDUE_DIGEST, created_at__gte=start_of_day
        ).values_list("user_id", flat=True)
    )
    # Health workers of the same institutions get the same digest: one message for them all.
    workers_of: dict[tuple[int, ...], list[User]] = defaultdict(list)
    for worker, institution_ids in by_worker.items():
        if worker.pk not in sent_today:
            workers_of[tuple(institution_ids)].append(worker)
    digests = 0
    for same_institutions, workers in workers_of.items():
        groups = [by_institution[institution_id] for institution_id in same_institutions]
        names = "、".join(group[0].placement.institution.name for group in groups)  # type: ignore[union-attr]
        sent = notify_all(
            workers,
            kind=NotificationKind.EXAM_OVERDUE_DIGEST,
            title=_("%(count)s examinations overdue"),
            body=_("%(children)s children at %(institutions)s have examinations more than 30 days overdue."),
            params={
                "count": sum(len(s.overdue) for group in groups for s in group),
                "children": sum(len(group) for group in groups),
                "institutions": names,
            },
            link=reverse("health:overdue"),
        )
        digests += len(sent)
    return digests
