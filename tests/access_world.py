"""The world the access tests walk: the demo district, its personas, two outsiders it lacks (a second
district's regulator and the doctor of a hospital that partners with nobody), and one child whose health data
carries
markers, so that a test can tell from any response whether it shows that child's health data.

The target is 周嘉树 of 爱彼宝's 托小班: in care, underweight with an open referral, a case of the demo's past
outbreak. ``family`` is his guardian; ``guardian`` (13800000006) is another family.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from knox.models import AuthToken

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import LockoutReason, LoginLockout, Role, User
from tuoyu.bookings.models import ParentChildSession, SessionBooking, TemporaryCareBooking, TemporaryCareSlot
from tuoyu.cases.models import Case, CaseAttachment
from tuoyu.daycare.models import (
    Absence,
    AbsenceReason,
    CareLogEntry,
    DailyReport,
    FoodSample,
    HealthCheck,
    IllnessFollowUp,
    LogKind,
    MedicationInstruction,
    Outing,
    ReportPhoto,
    Symptom,
)
from tuoyu.enrolment.factories import ApplicationFactory, ChildFactory, GuardianshipFactory, OfferFactory
from tuoyu.enrolment.models import (
    CareTask,
    Child,
    EntryExam,
    HealthRecordAccess,
    PickupPerson,
    Placement,
    PrivacyNotice,
    QueuePriority,
)
from tuoyu.enterprises.factories import DepartmentFactory, EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import TeamLevel
from tuoyu.enterprises.services.register import department_contact_add, team_member_add
from tuoyu.enterprises.services.requests import (
    Problem,
    extension_ask,
    request_accept,
    request_dispatch,
)
from tuoyu.enterprises.services.visits import visit_record
from tuoyu.fees.models import MealPlan
from tuoyu.fees.services import statement_issue
from tuoyu.filings.models import Filing, FilingMaterial
from tuoyu.health.models import (
    ClassQuarantine,
    DevelopmentScreening,
    Diagnosis,
    Disease,
    DoctorVisit,
    HealthExam,
    ImmunisationCheck,
    Measurement,
    OutbreakReport,
    Referral,
)
from tuoyu.messaging.services import message_send, notice_post
from tuoyu.operations.models import Heartbeat, TaskFailure
from tuoyu.policies.models import PolicyValue
from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region
from tuoyu.registry.factories import HospitalFactory
from tuoyu.registry.models import CareClass, ClosedDay, Hospital, Institution, InstitutionPhoto
from tuoyu.subsidies.factories import SubsidyPolicyFactory
from tuoyu.subsidies.models import Claim, ClaimLine, ClaimState, Decision, DecisionKind, LineReason
from tuoyu.subsidies.tests.ledger_helpers import decision_made
from tuoyu.supervision.models import Checklist, Finding, ItemResult
from tuoyu.supervision.services.complaints import complaint_conclude, complaint_start, complaint_submit
from tuoyu.supervision.services.inspections import (
    inspection_add_photo,
    inspection_complete,
    inspection_record_item,
)
from tuoyu.supervision.services.planning import plan_draw
from tuoyu.supervision.services.rectification import rectification_answer, rectification_issue
from tuoyu.supervision.tests.inspection_helpers import answer_all, png_upload, sign_both, started
from tuoyu.workforce.models import Certificate, Staff, TrainingSession

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"

# Text put into the target child's health data: a response showing one of them shows his health data.
MARKERS = {
    "allergy": "过敏标记QXA",
    "special_needs": "特需标记QXB",
    "referral": "转诊标记QXC",
    "exam": "体检标记QXD",
    "screening": "筛查标记QXE",
    "check": "晨检标记QXF",
    "follow_up": "随访标记QXG",
    "medication": "用药标记QXH",
    "incident": "受伤标记QXI",
    "visit": "巡诊标记QXJ",
    "entry_exam": "入托体检机构标记QXK",
}

# Who made the world's complaint: only the regulator handling it (``regulator``) may read it.
COMPLAINANT = {"name": "投诉人标记QXY", "phone": "13912340099"}

PERSONAS = (
    "anonymous",
    "regulator",
    "other_regulator",
    "director",
    "other_director",
    "caregiver",
    "health_worker",
    "doctor",
    "other_doctor",
    "family",
    "guardian",
    "admin",
    # The enterprise service desk: the district's officer (leader of its team) and another district's, the
    # contact of the department the world's request is sent to and of another, the enterprise's own contact.
    "service_officer",
    "other_service_officer",
    "department_contact",
    "other_department_contact",
    "enterprise_contact",
)
DEMO_PHONES = {
    "regulator": "13800000001",
    "director": "13800000002",
    "caregiver": "13800000003",
    "health_worker": "13800000004",
    "doctor": "13800000005",
    "guardian": "13800000006",
    "other_director": "13800000007",
    "admin": "13800000000",
}


@dataclass
class World:
    users: dict[str, User | None]
    institution: Institution
    care_class: CareClass
    child: Child
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _outsiders() -> dict[str, User]:
    elsewhere = RegionFactory.create(code="999901", name="另一区", level=Region.Level.DISTRICT)
    other_regulator = UserFactory.create(display_name="另一区监管员", is_staff=True)
    RoleAssignmentFactory.create(user=other_regulator, role=Role.REGULATOR, region=elsewhere)
    other_doctor = UserFactory.create(display_name="别院医生")
    RoleAssignmentFactory.create(
        user=other_doctor, role=Role.DOCTOR, hospital=HospitalFactory.create(name="不合作医院")
    )
    return {"other_regulator": other_regulator, "other_doctor": other_doctor}


def _mark_health_data(
    child: Child, care_class: CareClass, family: User, staff_user: User, doctor: User
) -> None:
    today = timezone.localdate()
    Child.objects.filter(pk=child.pk).update(
        allergies=MARKERS["allergy"], special_needs=MARKERS["special_needs"]
    )
    Referral.objects.filter(child=child).update(detail=MARKERS["referral"])
    exam = HealthExam.objects.filter(child=child).order_by("-examined_on").first()
    assert exam is not None
    HealthExam.objects.filter(pk=exam.pk).update(note=MARKERS["exam"])
    screening = child.development_screenings.order_by("-screened_on").first()
    assert screening is not None
    type(screening).objects.filter(pk=screening.pk).update(note=MARKERS["screening"])
    assert EntryExam.objects.filter(child=child).update(medical_institution=MARKERS["entry_exam"])
    check = HealthCheck.objects.filter(attendance__child=child).order_by("-checked_at").first()
    assert check is not None
    HealthCheck.objects.filter(pk=check.pk).update(action=MARKERS["check"], reason=MARKERS["check"])
    absence = Absence.objects.create(
        child=child,
        care_class=care_class,
        day=today - datetime.timedelta(days=30),
        reason=AbsenceReason.ILLNESS,
        symptom=Symptom.FEVER,
        note="发烧",
        recorded_by=staff_user,
    )
    IllnessFollowUp.objects.create(absence=absence, diagnosis=MARKERS["follow_up"])
    MedicationInstruction.objects.create(
        child=child,
        medicine=MARKERS["medication"],
        dose="5毫升",
        times="午饭后",
        valid_from=today,
        valid_until=today,
        given_by=family,
    )
    DoctorVisit.objects.create(
        institution=care_class.institution, visited_on=today, summary=MARKERS["visit"], doctor=doctor
    ).children.add(child)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _family_absence(child: Child, care_class: CareClass, family: User, *, days_ahead: int) -> Absence:
    """A day ahead the family has reported (请假), which they may still withdraw."""
    return Absence.objects.create(
        child=child,
        care_class=care_class,
        day=timezone.localdate() + datetime.timedelta(days=days_ahead),
        reason=AbsenceReason.PERSONAL,
        recorded_by=family,
        by_family=True,
    )


def _incident(child: Child, care_class: CareClass, staff_user: User, day: datetime.date) -> CareLogEntry:
    return CareLogEntry.objects.create(
        child=child,
        care_class=care_class,
        day=day,
        kind=LogKind.INCIDENT,
        at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))),
        text=MARKERS["incident"],
        place="户外",
        first_aid="清洗",
        guardian_informed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 10))),
        recorded_by=staff_user,
    )


def _complaints(institution: Institution, regulator: User | None) -> dict[str, Any]:
    """A named complaint being handled by the district's regulator, and the rectification order opened by
    another, substantiated one."""
    assert regulator is not None
    named = complaint_submit(
        institution_code=str(institution.code),
        category="care",
        content="午睡时老师大声呵斥孩子。",
        anonymous=False,
        name=COMPLAINANT["name"],
        phone=COMPLAINANT["phone"],
    )
    named = complaint_start(complaint=named, actor=regulator)
    substantiated = complaint_start(
        complaint=complaint_submit(
            institution_code=str(institution.code),
            category="safety",
            content="户外围栏松动。",
            anonymous=False,
            name=COMPLAINANT["name"],
            phone=COMPLAINANT["phone"],
        ),
        actor=regulator,
    )
    complaint_conclude(
        complaint=substantiated,
        actor=regulator,
        outcome="substantiated",
        reasons="经查属实。",
        rectification_subject="户外围栏松动",
    )
    order = Case.objects.get(source_key=f"complaint:{substantiated.pk}", kind="rectification")
    return {"complaint": named, "complaint_order": order}


def build_world() -> World:
    users: dict[str, User | None] = {key: User.objects.get(phone=phone) for key, phone in DEMO_PHONES.items()}
    users["anonymous"] = None
    users.update(_outsiders())
    child = Child.objects.get(name="周嘉树")
    placement = Placement.objects.select_related("institution", "care_class").get(child=child)
    institution, care_class = placement.institution, placement.care_class
    family = child.guardianships.select_related("user").get().user
    users["family"] = family
    staff_user = users["caregiver"]
    assert staff_user is not None and users["doctor"] is not None
    _mark_health_data(child, care_class, family, staff_user, users["doctor"])

    report = DailyReport.objects.filter(child=child, published_at__isnull=False).order_by("-day").first()
    assert report is not None
    incident = _incident(child, care_class, staff_user, report.day)
    photo = ReportPhoto(report=report, caption="", image=SimpleUploadedFile("p.png", PNG))
    photo.save()
    if not child.photo:  # the child's own photo, given with consent (enrolment:child_photo)
        child.photo = SimpleUploadedFile("c.png", PNG)  # type: ignore[assignment]
        child.photo_consent_at = timezone.now()
        child.save(update_fields=["photo", "photo_consent_at"])
    sleep = CareLogEntry.objects.filter(child=child, kind=LogKind.SLEEP).order_by("-day").first()

    sibling = ChildFactory.create(name="周小妹")
    GuardianshipFactory.create(child=sibling, user=family)
    application = ApplicationFactory.create(child=sibling, institution=institution)
    offered = ApplicationFactory.create(child=ChildFactory.create(name="周小弟"), institution=institution)
    GuardianshipFactory.create(child=offered.child, user=family)
    offer = OfferFactory.create(application=offered, care_class=care_class)

    staff = Staff.objects.filter(institution=institution, employed_until__isnull=True).order_by("pk").first()
    assert staff is not None
    certificate = Certificate.objects.filter(staff=staff).first()
    assert certificate is not None
    certificate.scan = SimpleUploadedFile("scan.pdf", PDF)  # type: ignore[assignment]
    certificate.save()
    filing = Filing.objects.filter(institution=institution).order_by("pk").first()
    material = FilingMaterial.objects.filter(filing=filing).first()

    slot = TemporaryCareSlot.objects.filter(institution=institution).order_by("date").first()
    session = ParentChildSession.objects.filter(institution=institution).order_by("date").first()
    assert slot is not None and session is not None
    slot_booking = TemporaryCareBooking.objects.create(slot=slot, child=sibling, booked_by=family)
    session_booking = SessionBooking.objects.create(
        session=session, child=sibling, booked_by=family, adult_name="周女士"
    )
    pickup = PickupPerson.objects.create(
        child=child, name="周奶奶", relation="grandparent", phone="13700000001"
    )
    task = CareTask.objects.filter(institution=institution, done_at__isnull=True).order_by("pk").first()
    task = task or CareTask.objects.create(
        child=child, institution=institution, kind="vaccination_check", due_on=timezone.localdate()
    )
    objects: dict[str, Any] = {
        "placement": placement,
        "family": family,
        "report": report,
        "day": report.day,
        "incident": incident,
        "photo": photo,
        "sleep": sleep,
        "application": application,
        "offer": offer,
        "staff": staff,
        "certificate": certificate,
        "filing": filing,
        "material": material,
        "version": filing.versions.order_by("number").first() if filing else None,
        "training": TrainingSession.objects.order_by("pk").first(),
        "task": task,
        "pickup": pickup,
        "follow_up": IllnessFollowUp.objects.get(absence__child=child, diagnosis=MARKERS["follow_up"]),
        "family_absence": _family_absence(child, care_class, family, days_ahead=7),
        "institution_photo": InstitutionPhoto.objects.create(
            institution=institution, image=ContentFile(PNG_BYTES, "garden.png"), caption="户外活动场地"
        ),
        "family_absence_api": _family_absence(child, care_class, family, days_ahead=8),
        "referral": Referral.objects.filter(child=child).first(),
        "outbreak": OutbreakReport.objects.filter(care_class=care_class).first(),
        "diagnosis": Diagnosis.objects.filter(child=child).first(),
        "slot": slot,
        "slot_booking": slot_booking,
        "session": session,
        "session_booking": session_booking,
        "token": AuthToken.objects.create(user=family)[0],
        "lockout": LoginLockout.objects.create(
            reason=LockoutReason.ACCOUNT,
            phone=family.phone,
            user=family,
            locked_at=timezone.now(),
            locked_until=timezone.now() + datetime.timedelta(minutes=15),
        ),
        "outing": Outing.objects.filter(care_class=care_class).order_by("-day").first(),
        "food_sample": FoodSample.objects.filter(institution=institution).order_by("-day").first(),
    }
    objects.update(_complaints(institution, users["regulator"]))
    objects.update(_messages(child, care_class, family, users["director"]))
    regulator = users["regulator"]
    assert regulator is not None
    objects["plan"] = plan_draw(
        region=institution.street.parent,
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 31),
        seed="20261201-518",
        rates=None,
        actor=regulator,
    )
    objects["subsidy_decision"] = decision_made(institution, regulator, amount="3000.00", commit=False)
    objects.update(_rectification(institution, users))
    objects["subsidy_policy"] = SubsidyPolicyFactory.create(region=institution.street.parent)
    objects.update(_fees(child, institution))
    objects.update(_subsidies(institution, child, users))
    desk = _enterprise_desk(institution)
    users.update(desk.pop("users"))
    objects.update(desk)
    world = World(users=users, institution=institution, care_class=care_class, child=child, objects=objects)
    world.objects.update(_inspections(world))
    world.objects["admin_objects"] = _admin_objects(world)
    world.objects["admin_objects"].update(
        {
            "enterprises.Enterprise": objects["desk_enterprise"],
            "enterprises.ServiceTeam": objects["desk_team"],
            "enterprises.Department": objects["desk_department"],
        }
    )
    return world


def _messages(child: Child, care_class: CareClass, family: User, director: User | None) -> dict[str, Any]:
    """A photo the family sent in the target child's conversation, and a notice of the director to his
    class (his family and the class's caregivers receive it)."""
    assert director is not None
    photo = png_upload("home.png")  # a real picture: a message photo is decoded and re-encoded
    message = message_send(actor=family, child=child, body="在家画的画", photo=photo)
    notice = notice_post(
        actor=director,
        institution=care_class.institution,
        care_class=care_class,
        title="开放日",
        body="周五上午",
    )
    return {"message_photo": message, "notice": notice}


def _subsidies(institution: Institution, child: Child, users: dict[str, User | None]) -> dict[str, Any]:
    """A submitted operating claim of 爱彼宝 naming the target child, and a decided one with its decision."""
    regulator, director = users["regulator"], users["director"]
    assert regulator is not None and director is not None
    policy = SubsidyPolicyFactory.create(region=institution.street.parent)
    now = timezone.now()

    def claim(month: int, state: str) -> tuple[Claim, ClaimLine]:
        made = Claim.objects.create(
            institution=institution,
            policy=policy,
            month=datetime.date(2026, month, 1),
            state=state,
            amount_yuan=policy.rate_yuan,
            prepared_at=now,
            submitted_at=now,
            submitted_by=director,
        )
        line = ClaimLine.objects.create(
            claim=made,
            child=child,
            attendance_days=12,
            days=[f"2026-{month:02d}-{day:02d}" for day in range(1, 13)],
            counted=True,
            reason=LineReason.COUNTED,
            amount_yuan=policy.rate_yuan,
        )
        return made, line

    submitted, line = claim(10, ClaimState.SUBMITTED)
    decided, _line = claim(9, ClaimState.DECIDED)
    decision = Decision.objects.create(
        number=f"{institution.street.parent.name}托育补〔2026〕901号",  # beyond the demo's numbers
        claim=decided,
        kind=DecisionKind.ORIGINAL,
        amount_yuan=policy.rate_yuan,
        basis={"policy": policy.name, "rate_yuan": "300.00", "instalments": []},
        decided_at=now,
        decided_by=regulator,
        payment_due_on=timezone.localdate(),
    )
    return {"claim": submitted, "claim_line": line, "decided_claim": decided, "decision": decision}


def _inspections(world: World) -> dict[str, Any]:
    """An inspection of 爱彼宝 completed (one item not met, with a photo, both signatures) and one in
    progress, by the district's regulator."""
    regulator = world.users["regulator"]
    assert regulator is not None
    done = started(world.institution, regulator)
    answer_all(done, regulator)
    failed = done.items.select_related("item").get(item__number="R03")
    inspection_record_item(item=failed, actor=regulator, result=ItemResult.FAIL, note="楼梯间停放电动自行车")
    photo = inspection_add_photo(item=failed, actor=regulator, file=png_upload())
    sign_both(done, regulator)
    done = inspection_complete(inspection=done, actor=regulator)
    open_one = started(world.institution, regulator)
    return {
        "inspection": done,
        "inspection_item": failed,
        "inspection_photo": photo,
        "inspection_open": open_one,
        "inspection_open_item": open_one.items.order_by("pk").first(),
    }


def _rectification(institution: Institution, users: dict[str, User | None]) -> dict[str, Any]:
    """An open finding of 爱彼宝, and a rectification order answered by its director with a photo."""
    regulator, director = users["regulator"], users["director"]
    assert regulator is not None and director is not None
    finding = Finding.objects.create(
        rule_code="STF-01",
        severity="violation",
        institution=institution,
        subject_key="staff:matrix",
        subject_label="保育人员（矩阵）",
        evidence="保育人员（矩阵）：无有效健康证",
        detected_at=timezone.now(),
    )
    case = rectification_issue(institution=institution, subject="消防通道堆放杂物", actor=regulator)
    image = SimpleUploadedFile("gate.png", PNG, content_type="image/png")
    rectification_answer(case=case, actor=director, note="已清理", evidence=[image])
    return {"finding": finding, "case": case, "case_attachment": CaseAttachment.objects.get(event__case=case)}


def _fees(child: Child, institution: Institution) -> dict[str, Any]:
    """爱彼宝's meal plan and the target child's fee statement of this month."""
    MealPlan.objects.get_or_create(institution=institution, defaults={"price_per_day_yuan": Decimal("15.00")})
    month = timezone.localdate().replace(day=1)
    return {"fee_statement": statement_issue(child=child, institution=institution, month=month)}


def _admin_objects(world: World) -> dict[str, Any]:
    """One object of each model the back office shows, from 爱彼宝 and the target child where it has them."""
    child, institution = world.child, world.institution
    return {
        "accounts.User": world.family,
        "regions.Region": institution.street.parent,
        "registry.Institution": institution,
        "registry.CareClass": world.care_class,
        "registry.ClosedDay": ClosedDay.objects.create(
            institution=institution, day=datetime.date(2026, 12, 31), reason="年终检修"
        ),
        "registry.Hospital": Hospital.objects.order_by("pk").first(),
        "workforce.Staff": world.staff,
        "workforce.TrainingSession": world.training,
        "filings.Filing": world.filing,
        "enrolment.Application": world.application,
        "enrolment.Placement": world.placement,
        "enrolment.QueuePriority": QueuePriority.objects.filter(institution=institution).first(),
        "enrolment.PrivacyNotice": PrivacyNotice.objects.order_by("pk").first(),
        "bookings.TemporaryCareSlot": world.slot,
        "bookings.TemporaryCareBooking": world.slot_booking,
        "bookings.ParentChildSession": world.session,
        "bookings.SessionBooking": world.session_booking,
        "health.Measurement": Measurement.objects.filter(child=child).first(),
        "health.HealthExam": HealthExam.objects.filter(child=child).first(),
        "health.DevelopmentScreening": DevelopmentScreening.objects.filter(child=child).first(),
        "health.Referral": world.referral,
        "health.ImmunisationCheck": ImmunisationCheck.objects.filter(child=child).first(),
        "health.Diagnosis": world.diagnosis,
        "health.DoctorVisit": DoctorVisit.objects.filter(children=child).first(),
        "health.OutbreakReport": world.outbreak,
        "health.ClassQuarantine": ClassQuarantine.objects.filter(care_class=world.care_class).first(),
        "health.Disease": Disease.objects.order_by("pk").first(),
        "enrolment.HealthRecordAccess": HealthRecordAccess.objects.create(
            user=world.users["health_worker"],
            child=child,
            child_name=child.name,
            view="overview",
            channel="page",
        ),
        "supervision.Finding": Finding.objects.filter(institution=institution).first(),
        "supervision.Checklist": Checklist.objects.get(code="routine"),
        "auditlog.LogEntry": LogEntry.objects.order_by("pk").first(),
        "policies.PolicyValue": PolicyValue.objects.order_by("pk").first(),
        "operations.Heartbeat": Heartbeat.objects.create(name="scheduler", beat_at=timezone.now()),
        "operations.TaskFailure": TaskFailure.objects.create(
            task="tuoyu.supervision.tasks.evaluate_rules", task_id="0", error="ValueError", retries_left=0
        ),
    }


def _enterprise_desk(institution: Institution) -> dict[str, Any]:
    """The enterprise service desk of the demo district: its team (led by ``service_officer``, with one more
    member), two departments with their contacts, an enterprise in 爱彼宝's street whose contact signed up,
    a visit to it that raised its request: accepted, sent to the first department, with an extension asked;
    an officer of another district. The back office shows the enterprise, the team and the department."""
    district = institution.street.parent
    team = ServiceTeamFactory.create(name="矩阵企业服务队", level=TeamLevel.DISTRICT, region=district)
    officer = UserFactory.create(display_name="矩阵企业服务专员")
    team_member_add(team=team, user=officer, leader=True)
    member = UserFactory.create(display_name="矩阵服务队员")
    team_member_add(team=team, user=member)
    other_officer = UserFactory.create(display_name="另一区企业服务专员")
    RoleAssignmentFactory.create(
        user=other_officer, role=Role.ENTERPRISE_SERVICE, region=Region.objects.get(code="999901")
    )
    department = DepartmentFactory.create(name="矩阵市场监督管理局", region=district)
    contact = UserFactory.create(display_name="矩阵市监联络员")
    department_contact_add(department=department, user=contact)
    other_department = DepartmentFactory.create(name="矩阵税务局", region=district)
    other_contact = UserFactory.create(display_name="矩阵税务联络员")
    department_contact_add(department=other_department, user=other_contact)
    enterprise = EnterpriseFactory.create(
        name="矩阵农业有限公司", street=institution.street, contact_phone="13700009901"
    )
    enterprise_contact = UserFactory.create(display_name="矩阵企业联系人", phone=enterprise.contact_phone)
    visit = visit_record(
        actor=officer,
        enterprise=enterprise,
        visited_on=timezone.localdate(),
        teams=[team],
        discussed="矩阵走访",
        problems=[Problem(category="approval", urgency="ordinary", description="食品经营许可证延续办理慢")],
    )
    request = visit.requests.get()
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[department])
    extension_ask(request=request, actor=officer, days=3, reason="需现场踏勘")
    return {
        "users": {
            "service_officer": officer,
            "other_service_officer": other_officer,
            "department_contact": contact,
            "other_department_contact": other_contact,
            "enterprise_contact": enterprise_contact,
        },
        "desk_enterprise": enterprise,
        "desk_team": team,
        "desk_member": member,
        "desk_department": department,
        "desk_contact": contact,
        "desk_visit": visit,
        "service_enterprise": enterprise,
        "service_visit": visit,
        "service_request": request,
        "service_dispatch": dispatch,
        "dispatch": dispatch,
    }
