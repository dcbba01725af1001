"""Reads of the health records: the list of children whose record one may open, a record's front page and
its export, doctor's visits and the access log.

Listing children is not a read of their records (nothing is logged); opening one goes through
``services.access.health_record_open``, which logs the read. Nothing here reads families' contacts or fees
except ``family_contacts_for``, which answers only the child's guardians and the institution caring for
the child (never a doctor).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.db.models import Count, IntegerField, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, roles_of, scope_of
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.enrolment.models import Child, HealthRecordAccess, Placement
from tuoyu.enrolment.selectors import is_guardian_of, placements_visible_to
from tuoyu.health.growth.batch import ClassificationFinding, classification_findings
from tuoyu.health.models import (
    DevelopmentScreening,
    Diagnosis,
    DoctorVisit,
    HealthExam,
    ImmunisationCheck,
    Measurement,
    Referral,
)
from tuoyu.health.selectors.access import access_log_visible_to
from tuoyu.health.selectors.schedule import institution_schedules
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.widgets import DateInput

# Growth, as a person reads it ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthReading:
    """What the latest measurement says: its date, its findings, and whether anything could be judged."""

    measured_on: datetime.date | None
    findings: list[ClassificationFinding] = field(default_factory=list)
    classified: bool = False

    @property
    def measured(self) -> bool:
        return self.measured_on is not None

    @property
    def normal(self) -> bool:
        return self.classified and not self.findings


def growth_reading(measured_on: datetime.date | None, classification: dict[str, Any] | None) -> GrowthReading:
    classification = classification or {}
    classified = any(value is not None for value in classification.values())
    return GrowthReading(measured_on, classification_findings(classification), classified)


# The children whose record one may open -----------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    """A line of the children list: the child, where they are cared for, growth and open referrals."""

    child: Child
    institution: Institution | None
    care_class: CareClass | None
    growth: GrowthReading
    open_referrals: int
    overdue_exams: int = 0

    @property
    def growth_concern(self) -> bool:
        """A moderate or severe growth finding (undernutrition, obesity) in the latest measurement."""
        return any(finding.status in ATTENTION_STATUSES for finding in self.growth.findings)

    @property
    def needs_attention(self) -> bool:
        """需关注: a moderate or severe growth finding, an open referral or an overdue examination."""
        return self.growth_concern or self.open_referrals > 0 or self.overdue_exams > 0


ATTENTION_STATUSES = {"moderate", "severe", "obesity"}


@dataclass
class ChildGroup:
    """Children of one class of one institution (for guardians: their own children, without a class)."""

    institution: Institution | None
    care_class: CareClass | None
    rows: list[ChildRow] = field(default_factory=list)


def _latest_measurement(child_ref: str) -> QuerySet[Measurement]:
    return Measurement.objects.filter(child=OuterRef(child_ref)).order_by("-measured_on", "-pk")


def _with_health_summary(queryset: QuerySet[Any], child_ref: str) -> QuerySet[Any]:
    """Annotate each row with its child's latest classification and the count of open referrals."""
    latest = _latest_measurement(child_ref)
    open_referrals = (
        Referral.objects.filter(child=OuterRef(child_ref), closed_at__isnull=True)
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        latest_classification=Subquery(latest.values("classification")[:1], output_field=JSONField()),
        latest_measured_on=Subquery(latest.values("measured_on")[:1]),
        open_referral_count=Coalesce(Subquery(open_referrals, output_field=IntegerField()), 0),
    )


def _current_placements(day: datetime.date) -> Prefetch:
    return Prefetch(
        "placements",
        queryset=Placement.objects.filter(ends_on__gt=day)
        .select_related("institution", "care_class")
        .order_by("-start_date"),
        to_attr="current_placements",
    )


def own_children_rows(actor: object, *, day: datetime.date | None = None) -> list[ChildRow]:
    """A guardian's own children, each with the place they hold (if any)."""
    day = day or timezone.localdate()
    children = _with_health_summary(Child.objects.of_guardian(actor), "pk").prefetch_related(
        _current_placements(day)
    )
    rows = []
    for child in children.order_by("name", "pk"):
        placement = child.current_placements[0] if child.current_placements else None
        rows.append(
            ChildRow(
                child=child,
                institution=placement.institution if placement else None,
                care_class=placement.care_class if placement else None,
                growth=growth_reading(child.latest_measured_on, child.latest_classification),
                open_referrals=child.open_referral_count,
            )
        )
    return rows


def cared_for_groups(actor: object, *, day: datetime.date | None = None) -> list[ChildGroup]:
    """The children holding a place at an institution where the actor reads health records (its director
    and health worker; the partner hospital's doctor), grouped by institution and class."""
    day = day or timezone.localdate()
    placements = _with_health_summary(
        Placement.objects.filter(
            institution__in=institutions_visible_to(actor, Perm.VIEW_HEALTH), ends_on__gt=day
        ),
        "child_id",
    ).select_related("child", "institution", "care_class")
    overdue = {
        schedule.child.pk: len(schedule.overdue)
        for schedule in institution_schedules(institutions_visible_to(actor, Perm.VIEW_HEALTH), day)
    }
    groups: list[ChildGroup] = []
    for placement in placements.order_by("institution__name", "care_class__name", "child__name", "pk"):
        if not groups or groups[-1].care_class != placement.care_class:
            groups.append(ChildGroup(placement.institution, placement.care_class))
        groups[-1].rows.append(
            ChildRow(
                child=placement.child,
                institution=placement.institution,
                care_class=placement.care_class,
                growth=growth_reading(placement.latest_measured_on, placement.latest_classification),
                open_referrals=placement.open_referral_count,
                overdue_exams=overdue.get(placement.child_id, 0),
            )
        )
    return groups


def attention_rows(actor: object, *, day: datetime.date | None = None) -> list[ChildRow]:
    """The children in care whose health records the actor reads who need attention (需关注: a moderate or
    severe growth finding, an open referral, an overdue examination), the most urgent first."""
    rows = [row for group in cared_for_groups(actor, day=day) for row in group.rows if row.needs_attention]
    return sorted(
        rows,
        key=lambda row: (
            not any(finding.severe for finding in row.growth.findings),
            not row.growth_concern,
            -row.open_referrals,
            -row.overdue_exams,
            row.child.name,
            row.child.pk,
        ),
    )


def may_list_health_children(actor: object) -> bool:
    """Guardians (their own children) and whoever reads health records at an institution."""
    return Role.GUARDIAN in roles_of(actor) or not scope_of(actor, Perm.VIEW_HEALTH).is_empty


# One child's record ---------------------------------------------------------------------------------------


def record_placements(actor: object, child: Child, *, day: datetime.date | None = None) -> list[Placement]:
    """Where the child holds a place: every place for their guardian, the actor's institutions for staff
    and doctors."""
    day = day or timezone.localdate()
    placements = child.placements.filter(ends_on__gt=day).select_related("institution", "care_class")
    if not is_guardian_of(actor, child):
        placements = placements.filter(institution__in=institutions_visible_to(actor, Perm.VIEW_HEALTH))
    return list(placements.order_by("-start_date", "pk"))


def latest_measurement(child: Child) -> Measurement | None:
    return child.measurements.order_by("-measured_on", "-pk").first()


def growth_reading_of(measurement: Measurement | None) -> GrowthReading:
    """What a measurement (the latest, if any) says."""
    if measurement is None:
        return growth_reading(None, None)
    return growth_reading(measurement.measured_on, measurement.classification)


def open_referrals_of(child: Child) -> QuerySet[Referral]:
    return (
        child.referrals.filter(closed_at__isnull=True)
        .select_related("institution")
        .order_by("referred_on", "pk")
    )


def visits_seeing(child: Child) -> QuerySet[DoctorVisit]:
    """Doctor's visits during which the child was seen."""
    return child.doctor_visits.select_related("institution", "doctor").order_by("-visited_on", "-pk")


@dataclass(frozen=True)
class FamilyContact:
    name: str
    relation: str
    phone: str


def family_contacts_for(actor: object, child: Child) -> list[FamilyContact]:
    """The guardians' names and mobile numbers, for the child's guardians and the staff of the institution
    caring for the child; nobody else (a doctor never) gets any."""
    if not (is_guardian_of(actor, child) or placements_visible_to(actor).filter(child=child).exists()):
        return []
    return [
        FamilyContact(g.user.display_name, g.get_relation_display(), g.user.phone)
        for g in child.guardianships.select_related("user").order_by("pk")
    ]


# The whole record, as data --------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def _institution(institution: Institution | None) -> dict[str, Any] | None:
    if institution is None:
        return None
    return {"code": str(institution.code), "name": institution.name}


def _measurements(child: Child) -> list[dict[str, Any]]:
    rows = Measurement.objects.filter(child=child).select_related("institution", "measured_by")
    return [
        {
            "measured_on": m.measured_on,
            "age_days": m.age_days,
            "weight_kg": _number(m.weight_kg),
            "length_cm": _number(m.length_cm),
            "position": m.position,
            "head_cm": _number(m.head_cm),
            "oedema": m.oedema,
            "source": m.source,
            "institution": _institution(m.institution),
            "recorded_by": _name(m.measured_by),
            "standard": m.standard,
            "z_scores": {"wfa": m.zwei, "lhfa": m.zlen, "wflh": m.zwfl, "bmifa": m.zbmi, "hcfa": m.zhc},
            "bands": m.bands,
            "flags": m.flags,
            "classification": m.classification,
        }
        for m in rows.order_by("measured_on", "pk")
    ]


def _exams(child: Child) -> list[dict[str, Any]]:
    rows = HealthExam.objects.filter(child=child).select_related("institution", "recorded_by")
    return [
        {
            "kind": e.kind,
            "examined_on": e.examined_on,
            "haemoglobin_g_l": e.haemoglobin_g_l,
            "hearing_result": e.hearing_result,
            "findings": e.note,
            "source": e.source,
            "institution": _institution(e.institution),
            "recorded_by": _name(e.recorded_by),
        }
        for e in rows.order_by("examined_on", "pk")
    ]


def _screenings(child: Child) -> list[dict[str, Any]]:
    rows = DevelopmentScreening.objects.filter(child=child).select_related("institution", "screened_by")
    return [
        {
            "checkpoint_months": s.checkpoint_months,
            "screened_on": s.screened_on,
            "positive_signs": s.positive_signs,
            "note": s.note,
            "institution": _institution(s.institution),
            "screened_by": _name(s.screened_by),
        }
        for s in rows.order_by("screened_on", "pk")
    ]


def _referrals(child: Child) -> list[dict[str, Any]]:
    rows = Referral.objects.filter(child=child).select_related("institution", "referred_by")
    return [
        {
            "reason": r.reason,
            "detail": r.detail,
            "referred_on": r.referred_on,
            "referred_to": r.referred_to,
            "institution": _institution(r.institution),
            "referred_by": _name(r.referred_by),
            "outcome": r.outcome,
            "outcome_on": r.outcome_on,
            "closed_at": r.closed_at,
        }
        for r in rows.order_by("referred_on", "pk")
    ]


def _immunisation_checks(child: Child) -> list[dict[str, Any]]:
    rows = ImmunisationCheck.objects.filter(child=child).select_related("institution", "checked_by")
    return [
        {
            "kind": c.kind,
            "checked_on": c.checked_on,
            "complete": c.complete,
            "missing_doses": c.missing_doses,
            "guardian_urged_at": c.guardian_urged_at,
            "institution": _institution(c.institution),
            "checked_by": _name(c.checked_by),
        }
        for c in rows.order_by("checked_on", "pk")
    ]


def _diagnoses(child: Child) -> list[dict[str, Any]]:
    rows = Diagnosis.objects.filter(child=child).select_related(
        "institution", "disease", "recorded_by", "return_certificate__checked_by"
    )
    body = []
    for d in rows.order_by("onset_on", "pk"):
        certificate = getattr(d, "return_certificate", None)
        body.append(
            {
                "disease": {"code": d.disease.code, "name": d.disease.name},
                "status": d.status,
                "onset_on": d.onset_on,
                "diagnosed_on": d.diagnosed_on,
                "diagnosed_by": d.diagnosed_by,
                "excluded_until": d.excluded_until,
                "institution": _institution(d.institution),
                "recorded_by": _name(d.recorded_by),
                "return_certificate": None
                if certificate is None
                else {
                    "issued_by": certificate.issued_by,
                    "issued_on": certificate.issued_on,
                    "checked_by": _name(certificate.checked_by),
                    "checked_at": certificate.checked_at,
                },
            }
        )
    return body


def _visits(child: Child) -> list[dict[str, Any]]:
    return [
        {
            "visited_on": v.visited_on,
            "institution": _institution(v.institution),
            "doctor": _name(v.doctor),
            "summary": v.summary,
        }
        for v in visits_seeing(child).order_by("visited_on", "pk")
    ]


def health_record_data(child: Child, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The child's whole health record as plain data (no family contacts, no fees)."""
    return {
        "exported_at": now or timezone.now(),
        "child": {
            "code": str(child.code),
            "name": child.name,
            "sex": child.sex,
            "birth_date": child.birth_date,
            "allergies": child.allergies,
            "special_needs": child.special_needs,
        },
        "measurements": _measurements(child),
        "examinations": _exams(child),
        "development_screenings": _screenings(child),
        "referrals": _referrals(child),
        "immunisation_checks": _immunisation_checks(child),
        "diagnoses": _diagnoses(child),
        "doctor_visits": _visits(child),
    }


# Doctor's visits ------------------------------------------------------------------------------------------


def visits_visible_to(actor: object) -> QuerySet[DoctorVisit]:
    """Visits to the institutions where the actor reads health records: the institution's director and
    health worker, and the doctors of its partner hospital."""
    return (
        DoctorVisit.objects.filter(institution__in=institutions_visible_to(actor, Perm.VIEW_HEALTH))
        .select_related("institution", "doctor")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("name", "pk")))
        .order_by("-visited_on", "-pk")
    )


def institutions_visited_by(actor: object) -> QuerySet[Institution]:
    """Institutions partnered with the hospital where the actor is a doctor: where they record visits."""
    hospitals = scope_of(actor, Perm.RECORD_MEDICAL).hospital_ids
    return Institution.objects.filter(partner_hospital_id__in=hospitals).order_by("name", "pk")


def children_in_care_at(institution: Institution, day: datetime.date) -> QuerySet[Child]:
    """Children holding a place at the institution that has started by ``day`` and not yet ended."""
    placed = Placement.objects.filter(institution=institution, start_date__lte=day, ends_on__gt=day)
    return Child.objects.filter(pk__in=placed.values("child_id")).order_by("name", "pk")


# The access log -------------------------------------------------------------------------------------------


def _log_institutions(request: HttpRequest | None) -> QuerySet[Institution]:
    actor = request.user if request is not None else None
    return institutions_visible_to(actor, Perm.SUPERVISE_REGION).order_by("name")


class AccessLogFilter(django_filters.FilterSet):
    """The access log by child, user, institution and date range (the page and the API filter alike)."""

    child = django_filters.CharFilter(label=_("Child"), field_name="child_name", lookup_expr="icontains")
    user = django_filters.CharFilter(label=_("User (name or mobile number)"), method="filter_user")
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=_log_institutions,
        to_field_name="code",
        field_name="child__placements__institution",
        distinct=True,
        empty_label=_("All institutions"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = HealthRecordAccess
        fields: list[str] = []

    def filter_user(
        self, queryset: QuerySet[HealthRecordAccess], name: str, value: str
    ) -> QuerySet[HealthRecordAccess]:
        value = value.strip()
        return queryset.filter(Q(user__display_name__icontains=value) | Q(user__phone=value))


def access_log_entries(actor: object) -> QuerySet[HealthRecordAccess]:
    """The log the actor audits, newest first, with each reader's roles at hand."""
    return (
        access_log_visible_to(actor)
        .prefetch_related(
            Prefetch(
                "user__role_assignments",
                queryset=RoleAssignment.objects.select_related("region", "institution", "hospital"),
            )
        )
        .order_by("-at", "-pk")
    )


def reader_roles(entry: HealthRecordAccess) -> list[str]:
    """ "Doctor (甲区人民医院)", 医生（甲区人民医院） in Chinese: the reader's roles with where they hold them
    (from the prefetched rows)."""
    labels = []
    for assignment in entry.user.role_assignments.all():
        place = assignment.institution or assignment.hospital or assignment.region
        role = assignment.get_role_display()
        labels.append(str(_("%(role)s (%(place)s)") % {"role": role, "place": place}) if place else str(role))
    return labels
