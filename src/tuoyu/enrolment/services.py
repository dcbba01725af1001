"""The enrolment rules: consent, children, applications, offers, placements, agreements.

Every rule about places lives here, not in views or forms. Refusals raise :class:`Refusal` inside the
transaction, so a refused action writes nothing. Places are guarded by locking the institution row and
then the class row (always in that order) before counting; on SQLite the IMMEDIATE transaction mode
serialises writers the same way.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.enrolment.eligibility import OLDEST_MONTHS, age_refusal
from tuoyu.enrolment.models import (
    PLACE_SERVICE_TYPES,
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    Consent,
    EndReason,
    EntryExam,
    ExamResult,
    Guardianship,
    Offer,
    OfferStatus,
    PickupPerson,
    Placement,
    PrivacyNotice,
    QueuePriority,
    ServiceAgreement,
    TaskKind,
)
from tuoyu.enrolment.notices import FIRST_BODY, FIRST_TITLE, FIRST_VERSION
from tuoyu.enrolment.selectors import (
    applications_closed_by_accepting,
    applications_passed_over,
    current_notice,
    guardians_of,
    has_current_consent,
    holding_placements,
    institution_places_taken,
    is_guardian_of,
    open_offers,
)
from tuoyu.guards import Guards
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.policies.values import policy
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.registry.selectors import directors_of, institutions_public
from tuoyu.registry.signals import announce_change
from tuoyu.registry.standards import BAND_STANDARDS, AgeBand, class_cap
from tuoyu.uploads import delete_on_commit, photo_checked
from tuoyu.workdays import months_later

MAX_OUT_OF_ORDER_REASON = 500
AGREEMENT_REQUIRED = _("Read and accept the service agreement to take the place.")


# Guardians and their children --------------------------------------------------------------------


def first_notice_ensure() -> PrivacyNotice:
    """The first privacy notice, as its migration publishes it (again, after a test emptied the tables)."""
    notice, _created = PrivacyNotice.objects.get_or_create(
        version=FIRST_VERSION, defaults={"title": FIRST_TITLE, "body": FIRST_BODY}
    )
    return notice


def give_consent(
    *, user: User, notice: PrivacyNotice | None = None, now: datetime.datetime | None = None
) -> Consent:
    notice = notice or current_notice()
    if notice is None:
        raise Refusal(_("No privacy notice is published yet."), "no_privacy_notice", conflict=True)
    consent, _created = Consent.objects.get_or_create(
        user=user, notice=notice, defaults={"given_at": now or timezone.now()}
    )
    return consent


def require_guardian(actor: User, child: Child) -> None:
    if not is_guardian_of(actor, child):
        raise Refusal(_("Only the child's guardians may do this."), "not_guardian")


def child_lock(child: Child) -> Child:
    """Lock the child's row until the transaction ends, so that a guardian's deletion of the child and a
    write about the child happen one after the other; the later one of a write is refused with 409."""
    locked = Child.objects.select_for_update().filter(pk=child.pk).first()
    if locked is None:
        raise Refusal(_("This child's record was deleted in the meantime."), "child_deleted", conflict=True)
    return locked


@transaction.atomic
def child_register(*, guardian: User, relation: str, **fields: Any) -> Child:
    """Record a child for a guardian who has consented to the current privacy notice."""
    if not has_current_consent(guardian):
        raise Refusal(
            _("Please read and accept the privacy notice before recording your child's data."),
            "consent_required",
        )
    child = Child(**fields)
    child.full_clean()
    if child.birth_date > timezone.localdate():
        raise Refusal(_("The date of birth cannot be in the future."), "birth_date_future")
    child.save()
    guardianship = Guardianship(child=child, user=guardian, relation=relation)
    guardianship.full_clean()
    guardianship.save()
    return child


@transaction.atomic
def child_photo_set(
    *, guardian: User, child: Child, upload: UploadedFile, consent: bool, now: datetime.datetime | None = None
) -> Child:
    """The guardian gives the child's photo (a JPEG or PNG) and consents to the class's staff seeing it on the
    class screen. A new photo replaces the old one."""
    child = child_lock(child)
    require_guardian(guardian, child)
    if not consent:
        raise Refusal(
            _("Consent to the staff of the child's class seeing the photo, or leave the photo out."),
            "photo_consent_missing",
        )
    image = photo_checked(upload)  # metadata dropped
    if child.photo:
        delete_on_commit(child.photo)
    child.photo = image
    child.photo_consent_at = now or timezone.now()
    try:
        child.full_clean()
        child.save(
            update_fields=["photo", "photo_consent_at"]
        )  # under a random name: no family names on disk
    except Exception:
        child.photo.delete(save=False)
        raise
    return child


@transaction.atomic
def child_photo_remove(*, guardian: User, child: Child) -> Child:
    """The guardian withdraws the consent: the photo is removed (the file once the transaction commits)."""
    child = child_lock(child)
    require_guardian(guardian, child)
    if child.photo:
        delete_on_commit(child.photo)
    child.photo = ""
    child.photo_consent_at = None
    child.save(update_fields=["photo", "photo_consent_at"])
    return child


@transaction.atomic
def pickup_person_add(*, guardian: User, child: Child, **fields: Any) -> PickupPerson:
    child = child_lock(child)
    require_guardian(guardian, child)
    person = PickupPerson(child=child, **fields)
    person.full_clean()
    person.save()
    return person


def pickup_person_remove(*, guardian: User, person: PickupPerson) -> None:
    require_guardian(guardian, person.child)
    person.delete()


@transaction.atomic
def entry_exam_record(*, actor: User, child: Child, **fields: Any) -> EntryExam:
    """A guardian records their child's exam; an institution's health worker records it for applicants."""
    child = child_lock(child)
    if not (is_guardian_of(actor, child) or _serves_child(actor, child, Perm.RECORD_HEALTH)):
        raise NotPermitted(_("Only the child's guardians or the institution's health staff may record this."))
    exam = EntryExam(child=child, recorded_by=actor, **fields)
    exam.full_clean()
    if exam.examined_on > timezone.localdate():
        raise Refusal(_("The examination date cannot be in the future."), "exam_date_future")
    exam.save()
    return exam


def _serves_child(actor: User, child: Child, perm: Perm) -> bool:
    institution_ids = set(child.applications.values_list("institution_id", flat=True))
    institution_ids |= set(child.placements.values_list("institution_id", flat=True))
    return any(actor_may(actor, perm, pk) for pk in institution_ids)


# Applications ----------------------------------------------------------------------------------------


def _offering(institution: Institution, service_type: str) -> ServiceOffering:
    offering = institution.services.filter(service_type=service_type).first()
    if offering is None or service_type not in PLACE_SERVICE_TYPES:
        raise Refusal(
            _("%(institution)s does not offer this service.") % {"institution": institution.name},
            "service_not_offered",
        )
    return offering


@transaction.atomic
def application_submit(
    *,
    guardian: User,
    child: Child,
    institution: Institution,
    service_type: str,
    desired_start: datetime.date,
    priorities: Iterable[QueuePriority] = (),
    now: datetime.datetime | None = None,
) -> Application:
    now = now or timezone.now()
    child = child_lock(child)
    require_guardian(guardian, child)
    if not institutions_public().filter(pk=institution.pk).exists():
        raise Refusal(_("This institution is not taking applications."), "institution_not_open")
    _offering(institution, service_type)
    if desired_start < timezone.localdate(now):
        raise Refusal(_("The desired start date has already passed."), "start_in_past")
    bands = set(institution.classes.values_list("age_band", flat=True))
    refusals = [age_refusal(child.birth_date, band, desired_start) for band in bands]
    if not bands or all(refusals):
        hard = next((r for r in refusals if r and r.code != "age_outside_band"), None)
        raise hard or Refusal(
            _("%(institution)s has no class for a child of this age on %(day)s.")
            % {"institution": institution.name, "day": desired_start.isoformat()},
            "no_class_for_age",
        )
    claimed = [p for p in priorities if p.institution_id == institution.pk]
    rank = Application.objects.filter(
        child=child,
        service_type=service_type,
        status__in=[ApplicationStatus.WAITING, ApplicationStatus.OFFERED],
    ).count()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                child=child,
                institution=institution,
                service_type=service_type,
                desired_start=desired_start,
                rank=rank + 1,
                priority_points=sum(p.points for p in claimed),
                applied_by=guardian,
                applied_at=now,
            )
    except IntegrityError:
        raise Refusal(
            _("%(child)s already has an open application to %(institution)s for this service.")
            % {"child": child.name, "institution": institution.name},
            "already_applied",
            conflict=True,
        ) from None
    application.priorities.set(claimed)
    notify_all(
        directors_of(institution.pk),
        kind=NotificationKind.APPLICATION_RECEIVED,
        title=_("New application: %(child)s"),
        params={"child": child.name},
        link=reverse("enrolment:queue"),
    )
    return application


@transaction.atomic
def application_withdraw(
    *, guardian: User, application: Application, now: datetime.datetime | None = None
) -> None:
    require_guardian(guardian, application.child)
    if application.status not in (ApplicationStatus.WAITING, ApplicationStatus.OFFERED):
        raise Refusal(_("This application is already closed."), "application_closed", conflict=True)
    _close_applications([application], now or timezone.now())


def _close_applications(applications: Iterable[Application], now: datetime.datetime) -> None:
    for application in applications:
        application.offers.filter(status=OfferStatus.OPEN).update(
            status=OfferStatus.WITHDRAWN, answered_at=now
        )
        application.status = ApplicationStatus.WITHDRAWN
        application.closed_at = now
        application.save(update_fields=["status", "closed_at"])


def priority_publish(*, director: User, institution: Institution, label: str, points: int) -> QueuePriority:
    """An admission priority the institution publishes; guardians claim it when they apply."""
    if not actor_may(director, Perm.MANAGE_ENROLMENT, institution.pk):
        raise NotPermitted(_("Only the institution's director may publish its admission priorities."))
    priority = QueuePriority(institution=institution, label=label, points=points)
    priority.full_clean()
    priority.save()
    return priority


# Places --------------------------------------------------------------------------------------------


ADMISSION_GUARDS: Guards[[CareClass, datetime.date]] = Guards("admission")
"""Checks another app adds before a child is offered or given a place in a class."""


def _lock_places(institution_id: int, class_id: int) -> tuple[Institution, CareClass]:
    """Lock the institution, then the class: every writer of places takes the locks in this order."""
    institution = Institution.objects.select_for_update().get(pk=institution_id)
    care_class = CareClass.objects.select_for_update().get(pk=class_id)
    return institution, care_class


def _require_room(
    institution: Institution, care_class: CareClass, now: datetime.datetime, *, count_offers: bool
) -> None:
    """Refuse when the class (its capacity or its band's national cap) or the filed places are used up, or
    another app's admission guard refuses (health: a class in quarantine)."""
    day = timezone.localdate(now)
    ADMISSION_GUARDS.check(care_class, day)
    in_class = holding_placements(day).filter(care_class=care_class).count()
    in_institution = holding_placements(day).filter(institution=institution).count()
    if count_offers:
        in_class += open_offers(now).filter(care_class=care_class).count()
        in_institution = institution_places_taken(institution, now=now)
    standard = BAND_STANDARDS[care_class.age_band]
    band = AgeBand(care_class.age_band).label
    cap = class_cap(care_class.age_band, on=day)
    if in_class >= cap:
        raise Refusal(
            _("%(class)s is full: a %(band)s may hold at most %(cap)d children (%(source)s).")
            % {
                "class": care_class.name,
                "band": band,
                "cap": cap,
                "source": standard.source,
            },
            "band_cap_reached",
            conflict=True,
        )
    if in_class >= care_class.capacity:
        raise Refusal(
            _("%(class)s is full: all %(capacity)d places are taken.")
            % {"class": care_class.name, "capacity": care_class.capacity},
            "class_full",
            conflict=True,
        )
    if in_institution >= institution.filed_places:
        raise Refusal(
            _("%(institution)s has reached its %(places)d filed places; it may not enrol more children.")
            % {"institution": institution.name, "places": institution.filed_places},
            "filed_places_reached",
            conflict=True,
        )


def _require_age(child: Child, care_class: CareClass, start: datetime.date) -> None:
    refusal = age_refusal(child.birth_date, care_class.age_band, start)
    if refusal is not None:
        raise refusal


def _require_entry_exam(child: Child, day: datetime.date) -> None:
    valid_days = settings.ENTRY_EXAM_VALID_DAYS
    valid = child.entry_exams.filter(
        result=ExamResult.PASS,
        examined_on__gte=day - datetime.timedelta(days=valid_days),
        examined_on__lte=day,
    )
    if not valid.exists():
        raise Refusal(
            _(
                "No entry health examination passed (合格) in the last %(days)d days is recorded for "
                "%(child)s. Record the examination (date, medical institution, result) first."
            )
            % {"days": valid_days, "child": child.name},
            "entry_exam_missing",
        )


def _require_no_place(child: Child, day: datetime.date) -> None:
    if holding_placements(day).filter(child=child).exists():
        raise Refusal(
            _("%(child)s already holds a place; end it before taking another.") % {"child": child.name},
            "already_placed",
            conflict=True,
        )


@transaction.atomic
def offer_make(
    *,
    director: User,
    application: Application,
    care_class: CareClass,
    start_date: datetime.date,
    expires_at: datetime.datetime | None = None,
    out_of_order_reason: str = "",
    now: datetime.datetime | None = None,
) -> Offer:
    """Offer a waiting application a place. Waiting applications ahead of it in the queue whose child fits
    the class are passed over only with the director's reason, recorded on the offer for the regulator."""
    now = now or timezone.now()
    if not actor_may(director, Perm.MANAGE_ENROLMENT, application.institution_id):
        raise NotPermitted(_("Only the institution's director may offer its places."))
    if care_class.institution_id != application.institution_id:
        raise Refusal(_("This class belongs to another institution."), "class_elsewhere")
    institution, care_class = _lock_places(application.institution_id, care_class.pk)
    application = Application.objects.select_for_update().select_related("child").get(pk=application.pk)
    if application.status != ApplicationStatus.WAITING:
        raise Refusal(
            _("Only a waiting application can be offered a place."), "application_not_waiting", conflict=True
        )
    if start_date < timezone.localdate(now):
        raise Refusal(_("The start date has already passed."), "start_in_past")
    expires_at = expires_at or now + datetime.timedelta(hours=settings.OFFER_VALID_HOURS)
    if expires_at <= now:
        raise Refusal(_("The answer deadline must be in the future."), "expiry_in_past")
    _require_age(application.child, care_class, start_date)
    _require_room(institution, care_class, now, count_offers=True)
    passed_over = applications_passed_over(application, care_class, start_date)
    reason = (out_of_order_reason or "").strip() if passed_over else ""
    if passed_over and not reason:
        raise Refusal(
            ngettext(
                "%(n)d waiting application ahead in the queue fits this class: say why this child is offered "
                "the place first.",
                "%(n)d waiting applications ahead in the queue fit this class: say why this child is offered "
                "the place first.",
                len(passed_over),
            )
            % {"n": len(passed_over)},
            "out_of_order_reason_missing",
        )
    if len(reason) > MAX_OUT_OF_ORDER_REASON:
        raise Refusal(
            _("The reason may be at most %(max)d characters.") % {"max": MAX_OUT_OF_ORDER_REASON},
            "out_of_order_reason_too_long",
        )
    offer = Offer.objects.create(
        application=application,
        care_class=care_class,
        start_date=start_date,
        expires_at=expires_at,
        made_by=director,
        made_at=now,
        passed_over=len(passed_over),
        out_of_order_reason=reason,
    )
    application.status = ApplicationStatus.OFFERED
    application.save(update_fields=["status"])
    deadline = timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M")
    notify_all(
        guardians_of(application.child),
        kind=NotificationKind.OFFER_MADE,
        title=_("%(institution)s offers %(child)s a place"),
        body=_("Class %(class)s from %(start)s. Please answer by %(deadline)s."),
        params={
            "institution": institution.name,
            "child": application.child.name,
            "class": care_class.name,
            "start": start_date.isoformat(),
            "deadline": deadline,
        },
        link=reverse("enrolment:offer", args=[offer.code]),
        sms=True,
    )
    return offer


def agreement_terms(offer: Offer, language: str | None = None) -> dict[str, Any]:
    """The service agreement for an offer, built from the institution's fee catalogue only."""
    institution = offer.care_class.institution
    offering = _offering(institution, offer.application.service_type)
    with translation.override(language or translation.get_language()):  # labels and text alike
        items = [
            {
                "service_type": offering.service_type,
                "label": str(offering.get_service_type_display()),
                "price_yuan": str(offering.price_yuan),
                "unit": offering.price_unit,
                "unit_label": str(offering.get_price_unit_display()),
            }
        ]
        context = {
            "institution": institution,
            "child": offer.application.child,
            "care_class": offer.care_class,
            "start_date": offer.start_date,
            "items": items,
            "government_guided": institution.is_inclusive,
        }
        text = render_to_string("enrolment/agreement.txt", context).strip()
    return {"items": items, "government_guided": institution.is_inclusive, "text": text}


@transaction.atomic
def offer_accept(*, guardian: User, offer: Offer, now: datetime.datetime | None = None) -> Placement:
    """The guardian accepts the offer and its service agreement: the child takes the place."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    offer = Offer.objects.select_related("application__child", "care_class").get(pk=offer.pk)
    child = offer.application.child
    require_guardian(guardian, child)
    institution, care_class = _lock_places(offer.care_class.institution_id, offer.care_class_id)
    offer = Offer.objects.select_for_update().select_related("application").get(pk=offer.pk)
    if offer.status != OfferStatus.OPEN:
        raise Refusal(_("This offer is no longer open."), "offer_closed", conflict=True)
    if offer.expires_at <= now:
        raise Refusal(
            _("This offer expired at %(moment)s; the application is back in the queue.")
            % {"moment": timezone.localtime(offer.expires_at).strftime("%Y-%m-%d %H:%M")},
            "offer_expired",
            conflict=True,
        )
    _require_age(child, care_class, offer.start_date)
    _require_entry_exam(child, today)
    _require_no_place(child, today)
    _require_room(institution, care_class, now, count_offers=False)
    terms = agreement_terms(offer, guardian.preferred_language)
    placement = Placement.objects.create(
        child=child,
        institution=institution,
        care_class=care_class,
        service_type=offer.application.service_type,
        start_date=offer.start_date,
        ends_on=months_later(child.birth_date, OLDEST_MONTHS),
        offer=offer,
        created_at=now,
    )
    ServiceAgreement.objects.create(
        placement=placement,
        items=terms["items"],
        government_guided_price=terms["government_guided"],
        text=terms["text"],
        accepted_at=now,
        accepted_by=guardian,
    )
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    application = offer.application
    application.status = ApplicationStatus.PLACED
    application.closed_at = now
    application.save(update_fields=["status", "closed_at"])
    _close_applications(list(applications_closed_by_accepting(offer)), now)
    CareTask.objects.create(
        kind=TaskKind.VACCINATION_CHECK,
        child=child,
        institution=institution,
        placement=placement,
        due_on=offer.start_date
        + datetime.timedelta(days=policy("enrolment.vaccination_check_days", on=offer.start_date)),
    )
    notify_all(
        directors_of(institution.pk),
        kind=NotificationKind.OFFER_ACCEPTED,
        title=_("%(child)s accepted the place in %(class)s"),
        params={"child": child.name, "class": care_class.name},
        link=reverse("enrolment:class_roster", args=[care_class.code]),
    )
    announce_change(institution.pk)
    return placement


@transaction.atomic
def offer_decline(*, guardian: User, offer: Offer, now: datetime.datetime | None = None) -> Offer:
    now = now or timezone.now()
    offer = (
        Offer.objects.select_for_update()
        .select_related("application__child", "care_class__institution")
        .get(pk=offer.pk)
    )
    require_guardian(guardian, offer.application.child)
    if offer.status != OfferStatus.OPEN:
        raise Refusal(_("This offer is no longer open."), "offer_closed", conflict=True)
    offer.status = OfferStatus.DECLINED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    application = offer.application
    application.status = ApplicationStatus.DECLINED
    application.closed_at = now
    application.save(update_fields=["status", "closed_at"])
    notify_all(
        directors_of(offer.care_class.institution_id),
        kind=NotificationKind.OFFER_DECLINED,
        title=_("%(child)s declined the place in %(class)s"),
        params={"child": application.child.name, "class": offer.care_class.name},
        link=reverse("enrolment:queue"),
    )
    return offer


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Close the offers whose answer deadline has passed; their applications return to the queue."""
    now = now or timezone.now()
    expired = 0
    for offer_id in Offer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            offer = (
                Offer.objects.select_for_update()
                .select_related("application__child", "care_class__institution")
                .get(pk=offer_id)
            )
            if offer.status != OfferStatus.OPEN:
                continue
            offer.status = OfferStatus.EXPIRED
            offer.answered_at = now
            offer.save(update_fields=["status", "answered_at"])
            application = offer.application
            if application.status == ApplicationStatus.OFFERED:
                application.status = ApplicationStatus.WAITING
                application.save(update_fields=["status"])
            institution = offer.care_class.institution
            notify_all(
                guardians_of(application.child),
                kind=NotificationKind.OFFER_EXPIRED,
                title=_("The offer from %(institution)s has expired"),
                params={"institution": institution.name},
                body=_("Your application is back in the queue in its original place."),
                link=reverse("enrolment:family"),
                sms=True,
            )
            notify_all(
                directors_of(institution.pk),
                kind=NotificationKind.OFFER_EXPIRED,
                title=_("The offer to %(child)s has expired"),
                params={"child": application.child.name},
                link=reverse("enrolment:queue"),
            )
            expired += 1
    return expired


@transaction.atomic
def placement_end(*, director: User, placement: Placement, ends_on: datetime.date, reason: str) -> Placement:
    """End a placement early (withdrawal, transfer): the place is free from ``ends_on``."""
    if not actor_may(director, Perm.MANAGE_ENROLMENT, placement.institution_id):
        raise NotPermitted(_("Only the institution's director may end a placement."))
    _lock_places(placement.institution_id, placement.care_class_id)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if reason not in EndReason.values:
        raise Refusal(_("Choose a reason for ending the placement."), "end_reason_invalid")
    if ends_on < placement.start_date:
        raise Refusal(
            _("A placement cannot end before it starts (%(start)s).")
            % {"start": placement.start_date.isoformat()},
            "end_before_start",
        )
    if ends_on >= placement.ends_on:
        raise Refusal(
            _("The placement already ends on %(day)s.") % {"day": placement.ends_on.isoformat()},
            "end_not_earlier",
        )
    placement.ends_on = ends_on
    placement.end_reason = reason
    placement.save(update_fields=["ends_on", "end_reason"])
    announce_change(placement.institution_id)
    return placement


def task_complete(
    *, actor: User, task: CareTask, note: str = "", now: datetime.datetime | None = None
) -> CareTask:
    if not actor_may(actor, Perm.RECORD_HEALTH, task.institution_id):
        raise NotPermitted(_("Only the institution's health staff may complete this task."))
    if task.done_at is not None:
        raise Refusal(_("This task is already done."), "task_done", conflict=True)
    task.done_at = now or timezone.now()
    task.done_by = actor
    task.note = note
    task.save(update_fields=["done_at", "done_by", "note"])
    announce_change(task.institution_id)
    return task
