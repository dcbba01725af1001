"""The filing workflow (备案): prepare, submit, review (approve or return with reasons), change, cancel.

Rules: 托育机构登记和备案办法（试行） art. 7-10 (materials, receipt within 5 working days, changes);
docs/national-rules.md §3.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.filings.models import (
    OPEN_STATES,
    Filing,
    FilingKind,
    FilingMaterial,
    FilingState,
    FilingVersion,
    MaterialKind,
    ReturnReason,
)
from tuoyu.filings.selectors import current_materials
from tuoyu.filings.signals import announce_approval
from tuoyu.policies.values import policy
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry import services as registry_services
from tuoyu.registry.models import FilingStatus, Institution, ServiceType
from tuoyu.uploads import validate_upload, with_extension_of
from tuoyu.workdays import CalendarYearUnknown, add_working_days, months_later
from tuoyu.workforce.models import CertificateType, Staff, StaffRole, employed_on
from tuoyu.workforce.selectors import certification_of

logger = logging.getLogger(__name__)

MIN_LEASE_YEARS = 3  # 托育机构设置标准（试行）: own premises or a lease of at least 3 years
REQUIRED_MATERIALS = (
    MaterialKind.BUSINESS_LICENCE,
    MaterialKind.PREMISES,
    MaterialKind.HEALTH_EVALUATION,
    MaterialKind.FIRE_SAFETY,
)


@dataclass(frozen=True)
class Problem:
    """One thing that stops a filing from being submitted: the item concerned and what is wrong."""

    item: str
    message: str


def _require(actor: User, perm: Perm, institution: Institution) -> None:
    if not actor_may(actor, perm, institution.pk):
        raise NotPermitted


def _current_services(institution: Institution) -> list[dict[str, str]]:
    return [
        {"service_type": s.service_type, "price_yuan": str(s.price_yuan), "price_unit": s.price_unit}
        for s in institution.services.order_by("service_type")
    ]


def prefilled_filing(*, institution: Institution, kind: str, author: User) -> Filing:
    """An unsaved filing carrying the institution's current particulars."""
    director = (
        Staff.objects.filter(
            employed_on(timezone.localdate()), institution=institution, role=StaffRole.DIRECTOR
        )
        .order_by("employed_from")
        .first()
    )
    return Filing(
        institution=institution,
        kind=kind,
        name=institution.name,
        address=institution.address,
        director_name=director.name if director else "",
        filed_places=institution.filed_places or 1,
        service_types=_current_services(institution),
        serves_meals=institution.serves_meals,
        created_by=author,
    )


@transaction.atomic
def filing_start(*, actor: User, institution: Institution, kind: str) -> Filing:
    """Open a filing, prefilled with the institution's current particulars."""
    _require(actor, Perm.PREPARE_FILING, institution)
    if Filing.objects.filter(institution=institution, state__in=OPEN_STATES).exists():
        raise Refusal(
            _("This institution already has a filing in progress; finish it first."),
            "filing_in_progress",
            conflict=True,
        )
    filed = institution.filing_status == FilingStatus.FILED
    if kind == FilingKind.INITIAL and filed:
        raise Refusal(_("This institution is already filed; changes need a change filing."), "already_filed")
    if kind in (FilingKind.CHANGE, FilingKind.DEREGISTRATION) and not filed:
        raise Refusal(_("Only a filed institution can file a change or cancel its filing."), "not_filed")
    filing = prefilled_filing(institution=institution, kind=kind, author=actor)
    # A draft may lack a director or services: filing_problems names them before submission.
    filing.full_clean(exclude=["director_name", "service_types"])
    filing.save()
    return filing


def _editable(actor: User, filing: Filing) -> None:
    _require(actor, Perm.PREPARE_FILING, filing.institution)
    if not filing.is_editable:
        raise Refusal(
            _("This filing is %(state)s and cannot be changed.") % {"state": filing.get_state_display()},
            "filing_not_editable",
            conflict=True,
        )


@transaction.atomic
def filing_update(
    *,
    actor: User,
    filing: Filing,
    name: str,
    address: str,
    director_name: str,
    filed_places: int,
    services: dict[str, Decimal],
    serves_meals: bool,
    resettlement: str = "",
    commitment_accepted: bool = False,
) -> Filing:
    """Save the 备案书 fields; accepting the 备案承诺书 is recorded with its time."""
    _editable(actor, filing)
    filing.name, filing.address, filing.director_name = name, address, director_name
    filing.filed_places, filing.serves_meals, filing.resettlement = filed_places, serves_meals, resettlement
    units = {s["service_type"]: s["price_unit"] for s in filing.service_types}
    filing.service_types = [
        {
            "service_type": service_type,
            "price_yuan": str(price),
            "price_unit": units.get(service_type, "hour" if service_type == ServiceType.HOURLY else "month"),
        }
        for service_type, price in sorted(services.items())
    ]
    filing.commitment_accepted_at = timezone.now() if commitment_accepted else None
    filing.full_clean(exclude=["service_types"])  # none chosen: a problem at submission, not an error here
    filing.save()
    return filing


@transaction.atomic
def filing_attach(
    *,
    actor: User,
    filing: Filing,
    kind: str,
    upload: UploadedFile,
    valid_until: datetime.date | None = None,
    tenure: str = "",
    lease_start: datetime.date | None = None,
    lease_end: datetime.date | None = None,
    rating: str = "",
) -> FilingMaterial:
    """Attach a material; a newer one of the same kind replaces the older in the filing (both are kept)."""
    _editable(actor, filing)
    content_type = validate_upload(upload)
    material = FilingMaterial(
        filing=filing,
        kind=kind,
        file=upload,
        original_name=with_extension_of(upload.name or "", content_type)[-200:],
        content_type=content_type,
        valid_until=valid_until,
        tenure=tenure,
        lease_start=lease_start,
        lease_end=lease_end,
        rating=rating,
    )
    material.full_clean()
    material.save()
    return material


def _material_problems(filing: Filing, today: datetime.date) -> list[Problem]:
    materials = current_materials(filing)
    required = list(REQUIRED_MATERIALS) + ([MaterialKind.FOOD_LICENCE] if filing.serves_meals else [])
    problems = []
    for kind in required:
        label = MaterialKind(kind).label
        material = materials.get(kind)
        if material is None:
            problems.append(Problem(kind, _("Missing: %(material)s.") % {"material": label}))
        elif material.valid_until is not None and material.valid_until < today:
            problems.append(
                Problem(
                    kind,
                    _("Expired on %(day)s: %(material)s.") % {"day": material.valid_until, "material": label},
                )
            )
        elif kind == MaterialKind.PREMISES and material.tenure != FilingMaterial.Tenure.OWNED:
            if not (material.lease_start and material.lease_end):
                problems.append(Problem(kind, _("Proof of premises: give the lease's start and end dates.")))
            elif (
                material.lease_end < months_later(material.lease_start, 12 * MIN_LEASE_YEARS)
                or material.lease_end < today
            ):
                problems.append(
                    Problem(
                        kind,
                        _("Proof of premises: the lease must run at least 3 years and must not have ended."),
                    )
                )
        elif kind == MaterialKind.HEALTH_EVALUATION and material.rating != FilingMaterial.Rating.PASS:
            problems.append(Problem(kind, _("The health evaluation must be rated 合格 (pass).")))
    return problems


def _staff_problems(institution: Institution, today: datetime.date) -> list[Problem]:
    staff = Staff.objects.filter(employed_on(today), institution=institution).order_by("name")
    if not staff.exists():
        return [Problem("staff", _("No staff are registered: add them to the workforce register first."))]
    problems = []
    for status in certification_of(staff, today):
        if status.certified:
            continue
        missing = "、".join(str(CertificateType(kind).label) for kind in sorted(status.missing))
        problems.append(
            Problem(
                "staff",
                _("%(name)s (%(role)s) has no valid %(missing)s.")
                % {"name": status.staff.name, "role": status.staff.get_role_display(), "missing": missing},
            )
        )
    return problems


def filing_problems(filing: Filing, today: datetime.date | None = None) -> list[Problem]:
    """Everything that stops submission, one message per item (empty: ready to submit)."""
    today = today or timezone.localdate()
    problems = []
    if filing.commitment_accepted_at is None:
        problems.append(Problem("commitment", _("The commitment letter (备案承诺书) has not been accepted.")))
    if not filing.director_name:
        problems.append(Problem("director_name", _("Name the director (负责人).")))
    if filing.kind == FilingKind.DEREGISTRATION:
        if not filing.resettlement.strip():
            problems.append(Problem("resettlement", _("Say how the children have been resettled.")))
        return problems
    if not filing.service_types:
        problems.append(Problem("service_types", _("Choose at least one service type.")))
    problems += _material_problems(filing, today)
    problems += _staff_problems(filing.institution, today)
    return problems


def review_deadline(submitted_on: datetime.date) -> datetime.date | None:
    try:
        return add_working_days(submitted_on, policy("filing.review_working_days", on=submitted_on))
    except CalendarYearUnknown as unknown:
        logger.warning("No working-day calendar for %s: the review deadline is left open.", unknown.year)
        return None


def _snapshot(filing: Filing) -> dict[str, Any]:
    return {
        "kind": filing.kind,
        "name": filing.name,
        "address": filing.address,
        "director_name": filing.director_name,
        "filed_places": filing.filed_places,
        "service_types": filing.service_types,
        "serves_meals": filing.serves_meals,
        "resettlement": filing.resettlement,
        "commitment_accepted_at": filing.commitment_accepted_at.isoformat()
        if filing.commitment_accepted_at
        else None,
        "materials": [
            {"kind": m.kind, "name": m.original_name, "code": str(m.code)}
            for m in current_materials(filing).values()
        ],
    }


@transaction.atomic
def filing_submit(*, actor: User, filing: Filing, now: datetime.datetime | None = None) -> Filing:
    """Submit for review; refused with one message per missing or expired item."""
    _editable(actor, filing)
    now = now or timezone.now()
    problems = filing_problems(filing, timezone.localdate(now))
    if problems:
        raise Refusal([problem.message for problem in problems], "filing_incomplete", conflict=True)
    return record_submission(filing=filing, author=actor, at=now)


def record_submission(*, filing: Filing, author: User, at: datetime.datetime) -> Filing:
    """Record a submission: the next version, its snapshot and the review deadline (no checks here)."""
    filing.version += 1
    filing.state = FilingState.SUBMITTED
    filing.submitted_at = at
    filing.review_deadline = review_deadline(timezone.localdate(at))
    filing.save()
    FilingVersion.objects.create(
        filing=filing, number=filing.version, submitted_at=at, submitted_by=author, snapshot=_snapshot(filing)
    )
    return filing


def _awaiting_review(actor: User, filing: Filing) -> None:
    _require(actor, Perm.REVIEW_FILING, filing.institution)
    if filing.state != FilingState.SUBMITTED:
        raise Refusal(
            _("Only a filing awaiting review can be decided."), "not_awaiting_review", conflict=True
        )


def _next_receipt_no(institution: Institution, year: int) -> str:
    """The district's next receipt number of the year; the district row is locked while numbering."""
    district_id = institution.street.parent_id or institution.street_id
    district = Region.objects.select_for_update().get(pk=district_id)
    prefix = f"{district.name}托育备〔{year}〕"
    issued = Filing.objects.filter(receipt_no__startswith=prefix).count()
    return f"{prefix}{issued + 1:03d}号"


@transaction.atomic
def filing_approve(*, actor: User, filing: Filing) -> Filing:
    """Approve: a receipt is issued and the filed particulars take effect."""
    filing = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the street's parent.
        Filing.objects.select_for_update(of=("self",))
        .select_related("institution__street__parent")
        .get(pk=filing.pk)
    )
    _awaiting_review(actor, filing)
    now = timezone.now()
    institution = filing.institution
    filing.receipt_no = _next_receipt_no(institution, timezone.localdate(now).year)
    filing.state, filing.decided_at, filing.decided_by = FilingState.APPROVED, now, actor
    filing.save()
    if filing.kind == FilingKind.DEREGISTRATION:
        registry_services.institution_close_filing(institution=institution)
    else:
        registry_services.institution_apply_particulars(
            institution=institution,
            name=filing.name,
            address=filing.address,
            filed_places=filing.filed_places,
            serves_meals=filing.serves_meals,
            offerings=[
                registry_services.Offering(s["service_type"], Decimal(s["price_yuan"]), s["price_unit"])
                for s in filing.service_types
            ],
        )
        if filing.kind == FilingKind.INITIAL:
            registry_services.institution_open_filed(
                institution=institution, receipt_no=filing.receipt_no, filed_on=timezone.localdate(now)
            )
    announce_approval(filing)
    return filing


@transaction.atomic
def filing_return(*, actor: User, filing: Filing, reasons: dict[str, str], publish: bool = False) -> Filing:
    """Return for correction with a reason per item; the decision may be published (备案办法 art. 9)."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    _awaiting_review(actor, filing)
    reasons = {item: reason.strip() for item, reason in reasons.items() if reason.strip()}
    if not reasons:
        raise Refusal(_("Give the reason for at least one item."), "return_reason_missing")
    now = timezone.now()
    filing.state, filing.decided_at, filing.decided_by = FilingState.RETURNED, now, actor
    filing.save()
    ReturnReason.objects.bulk_create(
        ReturnReason(
            filing=filing, version=filing.version, item=item, reason=reason, decided_at=now, published=publish
        )
        for item, reason in reasons.items()
    )
    return filing
