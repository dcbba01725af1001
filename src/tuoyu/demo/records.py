"""The demo district's daily records: certificates, filings, training, and an institution preparing to open.

Dates are relative to the day the demo is loaded, so that "expiring soon" and "overdue" stay true.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.demo.district import demo_institutions
from tuoyu.filings.models import (
    Filing,
    FilingKind,
    FilingMaterial,
    FilingState,
    MaterialKind,
    ReturnReason,
)
from tuoyu.filings.services import prefilled_filing, record_submission
from tuoyu.regions.models import Region
from tuoyu.registry.factories import (
    InstitutionFactory,
    ProviderTagFactory,
    ServiceOfferingFactory,
    make_credit_code,
)
from tuoyu.registry.models import ClosedDay, Institution, OperatingStatus
from tuoyu.workdays import is_working_day, months_later
from tuoyu.workforce.factories import (
    CertificateFactory,
    StaffFactory,
    TrainingEnrolmentFactory,
    TrainingSessionFactory,
)
from tuoyu.workforce.models import (
    CertificateRequirement,
    CertificateType,
    Education,
    Staff,
    StaffRole,
    TrainingTopic,
)
from tuoyu.workforce.services import certificate_requirements_load

ISSUERS = {
    CertificateType.HEALTH: "济宁市疾病预防控制中心",
    CertificateType.NO_CRIMINAL_RECORD: "济宁市公安局太白湖分局",
    CertificateType.CAREGIVER: "山东省人力资源和社会保障厅",
    CertificateType.HEALTH_CARE_TRAINING: "济宁市妇幼保健院",
    CertificateType.SECURITY_GUARD: "济宁市公安局",
    CertificateType.DIRECTOR_TRAINING: "济宁市卫生健康委员会",
    CertificateType.TEACHER: "济宁市教育局",
}
# A placeholder scan: a one-page PDF is enough for the demo's downloads.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_certificates(today: datetime.date) -> None:
    """Every demo staff member holds what their role needs; a few expire soon, one has expired."""
    certificate_requirements_load()
    required: dict[str, list[str]] = {}
    for role, certificate_type in CertificateRequirement.objects.values_list("role", "certificate_type"):
        required.setdefault(role, []).append(certificate_type)
    staff = list(Staff.objects.filter(institution__in=demo_institutions()).order_by("pk"))
    expiring = {person.pk for person in staff[7::37]}  # five or so across the district
    expired = staff[40].pk  # a caregiver whose health certificate lapsed last month
    for index, person in enumerate(staff):
        for certificate_type in required.get(person.role, []):
            issued = today - datetime.timedelta(days=60 + index % 200)
            expires = None
            if certificate_type == CertificateType.HEALTH:
                if person.pk in expiring:
                    issued = today - datetime.timedelta(days=365 - 10 - index % 30)
                elif person.pk == expired:
                    issued = today - datetime.timedelta(days=400)
                expires = months_later(issued, 12) - datetime.timedelta(days=1)
            CertificateFactory.create(
                staff=person,
                certificate_type=certificate_type,
                number=f"{certificate_type[:2].upper()}{issued:%Y}{person.pk:05d}",
                issuer=ISSUERS[CertificateType(certificate_type)],
                issued_on=issued,
                expires_on=expires,
            )


def _materials(filing: Filing, today: datetime.date, *, skip: tuple[str, ...] = ()) -> None:
    facts: dict[str, dict[str, object]] = {
        MaterialKind.BUSINESS_LICENCE: {},
        MaterialKind.PREMISES: {
            "tenure": FilingMaterial.Tenure.LEASED,
            "lease_start": months_later(today, -12),
            "lease_end": months_later(today, 48),
        },
        MaterialKind.HEALTH_EVALUATION: {"rating": FilingMaterial.Rating.PASS},
        MaterialKind.FIRE_SAFETY: {},
        MaterialKind.FOOD_LICENCE: {"valid_until": months_later(today, 36)},
    }
    for kind, extra in facts.items():
        if kind in skip:
            continue
        name = f"{MaterialKind(kind).name.lower()}.pdf"
        FilingMaterial.objects.create(
            filing=filing,
            kind=kind,
            file=ContentFile(PDF, name=name),
            original_name=name,
            content_type="application/pdf",
            **extra,
        )


def _filing(institution: Institution, kind: str, author: User, **fields: object) -> Filing:
    filing = prefilled_filing(institution=institution, kind=kind, author=author)
    for name, value in fields.items():
        setattr(filing, name, value)
    filing.save()
    return filing


def seed_filings(regulator: User, directors: dict[str, User], today: datetime.date) -> None:
    """Each filed institution's approved initial filing, and one change filing awaiting review."""
    now = timezone.now()
    for institution in demo_institutions().filter(filing_status="filed").order_by("filed_on"):
        assert institution.filed_on is not None
        at = datetime.datetime.combine(institution.filed_on, datetime.time(9, 30), tzinfo=now.tzinfo)
        filing = _filing(
            institution,
            FilingKind.INITIAL,
            directors.get(institution.name, regulator),
            commitment_accepted_at=at - datetime.timedelta(days=6),
        )
        _materials(filing, institution.filed_on)
        record_submission(filing=filing, author=filing.created_by, at=at - datetime.timedelta(days=5))
        filing.state, filing.decided_at, filing.decided_by = FilingState.APPROVED, at, regulator
        filing.receipt_no = institution.filing_receipt_no
        filing.save()
    mall = Institution.objects.get(name="万达广场宝贝港湾托育中心")
    author = directors[mall.name]
    change = _filing(mall, FilingKind.CHANGE, author, commitment_accepted_at=now - datetime.timedelta(days=3))
    change.filed_places = 108
    change.save()
    _materials(change, today)
    record_submission(filing=change, author=change.created_by, at=now - datetime.timedelta(days=3))
    change.state = FilingState.SUBMITTED
    change.save()


def seed_preparing_institution(
    street: Region, director: User, regulator: User, today: datetime.date
) -> Institution:
    """An institution preparing to open: its filing was returned once and is being corrected."""
    institution = InstitutionFactory.create(
        name="太白湖新区金色童年托育园",
        credit_code=make_credit_code("enterprise", "370872", 9_999),
        registration_type="enterprise",
        street=street,
        address="太白湖新区许庄街道同济路66号一层",
        operating_status=OperatingStatus.PREPARING,
        description="筹备中，尚未备案，暂不对外招生。（演示机构：名称与数据均为虚构。）",
    )
    ProviderTagFactory.create(institution=institution, model="community")
    ServiceOfferingFactory.create(
        institution=institution, service_type="full_day", price_yuan=Decimal("1680")
    )
    ServiceOfferingFactory.create(
        institution=institution, service_type="half_day", price_yuan=Decimal("1080")
    )
    people = [
        ("孙晓燕", StaffRole.DIRECTOR, Education.BACHELOR, Decimal("6")),
        ("钱丽", StaffRole.HEALTH_WORKER, Education.COLLEGE, Decimal("0")),
        ("吴佳", StaffRole.CAREGIVER, Education.COLLEGE, Decimal("0")),
        ("郑欣", StaffRole.CAREGIVER, Education.SENIOR, Decimal("0")),
    ]
    for name, role, education, years in people:
        StaffFactory.create(
            institution=institution,
            name=name,
            role=role,
            education=education,
            management_years=years,
            employed_from=today - datetime.timedelta(days=90),
        )
    seed_certificates_for(institution, today)
    filing = _filing(
        institution, FilingKind.INITIAL, director, filed_places=60, commitment_accepted_at=timezone.now()
    )
    _materials(filing, today, skip=(MaterialKind.FIRE_SAFETY,))
    record_submission(filing=filing, author=director, at=timezone.now() - datetime.timedelta(days=4))
    filing.state, filing.decided_at, filing.decided_by = FilingState.RETURNED, timezone.now(), regulator
    filing.save()
    ReturnReason.objects.create(
        filing=filing,
        version=filing.version,
        item=MaterialKind.FIRE_SAFETY,
        reason="未提交消防安全检查合格证明，请补充后重新提交。",
        decided_at=filing.decided_at,
    )
    return institution


def seed_certificates_for(institution: Institution, today: datetime.date) -> None:
    for person in institution.staff.all():
        for certificate_type in CertificateRequirement.objects.filter(role=person.role).values_list(
            "certificate_type", flat=True
        ):
            issued = today - datetime.timedelta(days=30)
            CertificateFactory.create(
                staff=person,
                certificate_type=certificate_type,
                issuer=ISSUERS[CertificateType(certificate_type)],
                issued_on=issued,
                expires_on=months_later(issued, 12) - datetime.timedelta(days=1)
                if certificate_type == CertificateType.HEALTH
                else None,
            )


def seed_training(district: Region, today: datetime.date) -> None:
    """A session held earlier this year with attendance, and one coming up with enrolments."""
    held = TrainingSessionFactory.create(
        region=district,
        topic=TrainingTopic.INFECTIOUS_DISEASE,
        title="婴幼儿常见传染病防控与晨午检规范培训",
        expert="济宁市疾病预防控制中心 传染病防制科专家",
        day=max(today.replace(month=1, day=15), today - datetime.timedelta(days=120)),
        hours=Decimal("3.0"),
        capacity=80,
        location="太白湖新区卫生健康服务中心三楼报告厅",
    )
    coming = TrainingSessionFactory.create(
        region=district,
        topic=TrainingTopic.PAEDIATRIC_HEALTH,
        title="婴幼儿回应性照护与常见病识别专题培训",
        expert="济宁医学院附属医院 儿科主任医师",
        day=today + datetime.timedelta(days=14),
        hours=Decimal("4.0"),
        capacity=60,
        location="济宁医学院附属医院太白湖院区学术报告厅",
    )
    caregivers = Staff.objects.filter(
        role__in=[StaffRole.CAREGIVER, StaffRole.HEALTH_WORKER, StaffRole.DIRECTOR],
        institution__operating_status=OperatingStatus.OPERATING,
    ).order_by("pk")
    for index, person in enumerate(caregivers[:70]):
        TrainingEnrolmentFactory.create(session=held, staff=person, attended=index % 9 != 0)
    for person in caregivers.filter(institution__name="爱彼宝济宁托育中心")[:8]:
        TrainingEnrolmentFactory.create(session=coming, staff=person)


def seed_closed_day(today: datetime.date) -> ClosedDay:
    """爱彼宝 closes for a staff training day on the next working day: no child is expected that day, and a
    check-in then is warned of."""
    day = today + datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    institution = Institution.objects.get(name="爱彼宝济宁托育中心")
    return ClosedDay.objects.create(institution=institution, day=day, reason="教职工保育技能培训，闭园一天")
