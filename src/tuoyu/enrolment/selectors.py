"""Reads of enrolment data: who may see which child, the queue, and live vacancies.

Vacancy of a class = capacity − placements holding a place − open offers (not yet expired). A place is
held from the placement's creation until ``ends_on``, so a child starting next month already takes it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tuoyu.accounts.access import Perm, actor_may, actor_pk, in_scope_of
from tuoyu.accounts.models import User
from tuoyu.enrolment.eligibility import age_refusal
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    Consent,
    Offer,
    OfferStatus,
    Placement,
    PrivacyNotice,
    QueuePriority,
)
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import classes_of_caregiver, institutions_visible_to
from tuoyu.registry.standards import BAND_STANDARDS
from tuoyu.rules import shared_read

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Vacancy(TypedDict):
    placed: int
    offered: int
    vacancy: int


def current_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-published_at", "-pk").first()


def has_current_consent(user: object) -> bool:
    notice = current_notice()
    return notice is not None and Consent.objects.filter(user_id=actor_pk(user), notice=notice).exists()


# Who sees what (which child: ``Child.objects.visible_to``) ------------------------------------------


def applications_visible_to(actor: object) -> QuerySet[Application]:
    """A guardian's own children's applications and the applications to institutions the actor enrols for."""
    institutions = institutions_visible_to(actor, Perm.MANAGE_ENROLMENT)
    return Application.objects.filter(
        Q(child__in=Child.objects.of_guardian(actor)) | Q(institution__in=institutions)
    )


def offers_visible_to(actor: object) -> QuerySet[Offer]:
    return Offer.objects.filter(application__in=applications_visible_to(actor))


def placements_visible_to(actor: object) -> QuerySet[Placement]:
    institutions = institutions_visible_to(actor, Perm.VIEW_CHILDREN)
    return Placement.objects.filter(
        Q(child__in=Child.objects.of_guardian(actor)) | Q(institution__in=institutions)
    )


def classes_with_children_visible_to(actor: object) -> QuerySet[CareClass]:
    """Classes whose roster the actor may see: the staff of the institution."""
    return CareClass.objects.filter(institution__in=institutions_visible_to(actor, Perm.VIEW_CHILDREN))


def may_see_sensitive_data(actor: object, child: Child) -> bool:
    """Allergies and special needs: for the child's guardians and the staff of an institution caring for them,
    not for an institution the family has only applied to."""
    return is_guardian_of(actor, child) or placements_visible_to(actor).filter(child=child).exists()


def child_photos_visible_to(actor: object, day: datetime.date) -> QuerySet[Child]:
    """The children whose photo the actor may see, as the guardian's consent says: their own children, the
    children holding a place (after ``day``) in a class the actor looks after, and those holding a place at an
    institution the actor directs. Never an institution the family only applied to or has left, nor its
    other staff (health workers, caregivers of other classes)."""
    current = Placement.objects.filter(ends_on__gt=day)
    in_their_classes = current.filter(care_class__in=classes_of_caregiver(actor))
    directed = in_scope_of(current, actor, Perm.MESSAGE_FAMILIES, "institution__")
    return Child.objects.filter(
        Q(pk__in=Child.objects.of_guardian(actor).values("pk"))
        | Q(pk__in=in_their_classes.values("child"))
        | Q(pk__in=directed.values("child"))
    )


def sees_class_photos(actor: object, care_class: CareClass) -> bool:
    """Whether the class screen shows the actor the children's photos: for its caregivers and the
    institution's directors (those ``child_photos_visible_to`` serves them to)."""
    return actor_may(actor, Perm.MESSAGE_FAMILIES, care_class.institution_id) or (
        classes_of_caregiver(actor).filter(pk=care_class.pk).exists()
    )


def guardians_of(child: Child) -> QuerySet[User]:
    """The child's guardians with an active account: whom to tell about the child."""
    return User.objects.filter(guardianships__child=child, is_active=True).order_by("pk")


def is_guardian_of(user: object, child: Child) -> bool:
    return child.guardianships.filter(user_id=actor_pk(user)).exists()


# Places and vacancies ------------------------------------------------------------------------------


def _count(queryset: QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def holding_placements(day: datetime.date) -> QuerySet[Placement]:
    return Placement.objects.filter(ends_on__gt=day)


@shared_read
def placements_in_care_at(institution: Institution, day: datetime.date) -> tuple[Placement, ...]:
    """The places held at the institution on ``day`` (started, not ended), with child and class, by class
    and child name (shared by the rules of one evaluation)."""
    return tuple(
        Placement.objects.filter(institution=institution, start_date__lte=day, ends_on__gt=day)
        .select_related("child", "care_class")
        .order_by("care_class__name", "child__name", "child_id", "pk")
    )


def open_offers(now: datetime.datetime) -> QuerySet[Offer]:
    return Offer.objects.filter(status=OfferStatus.OPEN, expires_at__gt=now)


def classes_with_vacancy(
    classes: QuerySet[CareClass], *, now: datetime.datetime | None = None
) -> "QuerySet[WithAnnotations[CareClass, Vacancy]]":
    """Annotate ``placed``, ``offered`` and ``vacancy`` (never below 0) on each class."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    return classes.annotate(
        placed=_count(holding_placements(day).filter(care_class=OuterRef("pk")), "care_class"),
        offered=_count(open_offers(now).filter(care_class=OuterRef("pk")), "care_class"),
    ).annotate(vacancy=Greatest(F("capacity") - F("placed") - F("offered"), Value(0)))


def institutions_with_vacancy(
    bands: Sequence[str] | None = None,
    *,
    among: Sequence[int] | None = None,
    now: datetime.datetime | None = None,
) -> RawSQL:
    """The ids of the institutions with a class (of one of ``bands``; any band when None) that has a
    vacancy now, as a subquery for ``pk__in``; only those ``among`` the given institution ids, when given
    (the other filters' result: near a point, the count stays small).

    Set-based, whatever the number of classes: the places held and the open offers are each counted in one
    grouped query, joined once to the classes (not two counts run for each class). What holds a place is
    ``holding_placements`` and ``open_offers``, compiled by the ORM; only the join is written here.
    """
    if bands is not None and not bands:
        return RawSQL("SELECT 0 WHERE 1 = 0", ())  # no band, no class: no institution (ids start at 1)
    now = now or timezone.now()
    classes = CareClass.objects.all()
    placements = holding_placements(timezone.localdate(now))
    offers = open_offers(now)
    if bands is not None:
        classes = classes.filter(age_band__in=list(bands))
    if among is not None:
        classes = classes.filter(institution__in=among)
        placements = placements.filter(institution__in=among)
        offers = offers.filter(care_class__institution__in=among)
    placed = _counts_per_class(placements)
    offered = _counts_per_class(offers)
    classes_sql, classes_params = _sql(
        classes.order_by().values(class_pk=F("pk"), owner=F("institution"), seats=F("capacity"))
    )
    placed_sql, placed_params = _sql(placed)
    offered_sql, offered_params = _sql(offered)
    return RawSQL(
        f"SELECT c.owner FROM ({classes_sql}) c"
        f" LEFT JOIN ({placed_sql}) p ON p.class_id = c.class_pk"
        f" LEFT JOIN ({offered_sql}) o ON o.class_id = c.class_pk"
        " WHERE c.seats - COALESCE(p.n, 0) - COALESCE(o.n, 0) > 0",
        classes_params + placed_params + offered_params,
    )


def _counts_per_class(queryset: QuerySet) -> QuerySet:
    """(class_id, n) of each class with rows in ``queryset``; ``COUNT(*)``, which an index alone answers."""
    return queryset.order_by().values(class_id=F("care_class")).annotate(n=Count("*"))


def _sql(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def institution_places_taken(institution: Institution, *, now: datetime.datetime | None = None) -> int:
    """Places held or offered in the institution, to compare with its filed places."""
    now = now or timezone.now()
    placed = holding_placements(timezone.localdate(now)).filter(institution=institution).count()
    offered = open_offers(now).filter(care_class__institution=institution).count()
    return placed + offered


@dataclass(frozen=True)
class BandVacancy:
    age_band: str
    label: str
    capacity: int
    vacancy: int


def vacancies_by_band(classes: Sequence[CareClass]) -> list[BandVacancy]:
    """Sum the annotated classes of one institution per age band, in the order of the standards."""
    totals: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for care_class in classes:
        entry = totals.setdefault(care_class.age_band, [0, 0])
        entry[0] += care_class.capacity
        entry[1] += getattr(care_class, "vacancy", 0)
        labels[care_class.age_band] = care_class.get_age_band_display()
    return [BandVacancy(band, labels[band], *totals[band]) for band in BAND_STANDARDS if band in totals]


# The queue --------------------------------------------------------------------------------------------


def queue_of(institution: Institution, service_type: str | None = None) -> QuerySet[Application]:
    """Open applications to an institution in queue order: priority points, then application time."""
    queue = Application.objects.filter(
        institution=institution, status__in=[ApplicationStatus.WAITING, ApplicationStatus.OFFERED]
    )
    if service_type:
        queue = queue.filter(service_type=service_type)
    return queue.select_related("child").order_by("-priority_points", "applied_at", "pk")


def _ahead_of(application: Application) -> QuerySet[Application]:
    """The waiting applications before this one in the queue of its institution and service."""
    return Application.objects.filter(
        institution_id=application.institution_id,
        service_type=application.service_type,
        status=ApplicationStatus.WAITING,
    ).filter(
        Q(priority_points__gt=application.priority_points)
        | Q(priority_points=application.priority_points, applied_at__lt=application.applied_at)
        | Q(
            priority_points=application.priority_points,
            applied_at=application.applied_at,
            pk__lt=application.pk,
        )
    )


def queue_position(application: Application) -> int | None:
    """1-based place among waiting applications to the same institution and service; None if not waiting."""
    if application.status != ApplicationStatus.WAITING:
        return None
    return _ahead_of(application).count() + 1


def applications_passed_over(
    application: Application, care_class: CareClass, start_date: datetime.date
) -> list[Application]:
    """The waiting applications ahead of this one whose child fits the class's band on ``start_date``:
    offering this one the place passes them over (the director says why)."""
    ahead = _ahead_of(application).select_related("child").order_by("-priority_points", "applied_at", "pk")
    return [
        other
        for other in ahead
        if age_refusal(other.child.birth_date, care_class.age_band, start_date) is None
    ]


def applications_closed_by_accepting(offer: Offer) -> QuerySet[Application]:
    """The child's other open applications for the same service: accepting the offer withdraws them (one
    place per child and service), so the family is told which before accepting."""
    application = offer.application
    return (
        Application.objects.filter(
            child_id=application.child_id,
            service_type=application.service_type,
            status__in=[ApplicationStatus.WAITING, ApplicationStatus.OFFERED],
        )
        .exclude(pk=application.pk)
        .select_related("institution")
        .order_by("applied_at", "pk")
    )


def offers_out_of_order(institution_id: int) -> QuerySet[Offer]:
    """The institution's offers made before applications ahead in the queue, with the director's reason,
    newest first (the regulator reads them on the institution file)."""
    return (
        Offer.objects.filter(care_class__institution_id=institution_id, passed_over__gt=0)
        .select_related("care_class", "made_by")
        .order_by("-made_at", "-pk")
    )


def priorities_of(institution: Institution) -> QuerySet[QueuePriority]:
    return QueuePriority.objects.filter(institution=institution).order_by("-points", "label")


def roster_of(care_class: CareClass, day: datetime.date) -> QuerySet[Placement]:
    """Children holding a place in the class on ``day``: present now or starting later."""
    return (
        holding_placements(day)
        .filter(care_class=care_class)
        .select_related("child")
        .order_by("start_date", "child__name")
    )


def open_tasks_visible_to(actor: User) -> QuerySet[CareTask]:
    institutions = institutions_visible_to(actor, Perm.RECORD_HEALTH)
    return (
        CareTask.objects.filter(institution__in=institutions, done_at__isnull=True)
        .select_related("child", "institution")
        .order_by("due_on", "pk")
    )


def open_offers_of_guardian(user: object, now: datetime.datetime) -> QuerySet[Offer]:
    """Offers to the user's own children that still await their answer, the soonest to expire first."""
    return (
        open_offers(now)
        .filter(application__child__in=Child.objects.of_guardian(user).values("pk"))
        .select_related("application__child", "application__institution", "care_class")
        .order_by("expires_at", "pk")
    )


def desk_enrolment_counts(actor: object, now: datetime.datetime) -> tuple[int, int]:
    """The enrolment desk's figures for the institutions where the actor manages enrolment: applications
    waiting in the queue, and offers awaiting the guardians' answer."""
    institutions = institutions_visible_to(actor, Perm.MANAGE_ENROLMENT)
    waiting = Application.objects.filter(status=ApplicationStatus.WAITING, institution__in=institutions)
    offers = open_offers(now).filter(application__institution__in=institutions)
    return waiting.count(), offers.count()
