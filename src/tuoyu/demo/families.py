"""The demo district's families: children in care in every filed institution, and the queue.

Dates are relative to the day of loading. The children already in care (about 1,100, as many as
``district.DemoClass.enrolled`` says) are built with the enrolment factories and bulk-inserted, each with
a guardian account, the privacy consent, an entry examination passed before the start, the accepted
application and offer, the service agreement from the institution's full-day fee and the vaccination
check. Everyone else goes through the real enrolment services (consent, child, entry examination,
application, offer, acceptance), dated in the past where needed: 赵女士's two children, three recent
arrivals at 爱彼宝 (one vaccination check overdue for its health worker), about twenty applications waiting
and three offers awaiting an answer.
"""

import datetime
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.demo import district
from tuoyu.demo.district import demo_institutions
from tuoyu.enrolment import services
from tuoyu.enrolment.factories import (
    BIRTH_AREAS,
    CLINICS,
    ApplicationFactory,
    CareTaskFactory,
    ChildFactory,
    ConsentFactory,
    EntryExamFactory,
    GuardianshipFactory,
    OfferFactory,
    PickupPersonFactory,
    PlacementFactory,
    ServiceAgreementFactory,
    adult_name,
    child_name,
    elder_name,
    make_identity_number,
)
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    Consent,
    EntryExam,
    Guardianship,
    Offer,
    OfferStatus,
    PickupPerson,
    Placement,
    QueuePriority,
    Relation,
    ServiceAgreement,
    Sex,
)
from tuoyu.enrolment.selectors import applications_passed_over, current_notice
from tuoyu.registry.models import CareClass, Institution, ServiceType
from tuoyu.registry.standards import BAND_STANDARDS
from tuoyu.workdays import months_later
from tuoyu.workforce.models import Staff, StaffRole

GUARDIAN_PHONE = "1395370{:04d}"  # 13953700001...: clear of the demo accounts 13800000000-13800000010
DIRECTOR_PHONE = "1395371{:04d}"
PICKUP_PHONE = "1375370{:04d}"
LANGUAGE = "zh-hans"
BATCH = 500
# Every 29th child in care (outside 爱彼宝, whose arrivals go through the services) started this month.
RECENT_EVERY = 29
CHECKED = "预防接种证已查验，接种完整。"
PHOTO_CLASS = "托大班二班"
PHOTO_COLOURS = ((125, 180, 230), (240, 170, 120), (150, 210, 160), (220, 160, 210))
DEMO_ALLERGIES = ("花生过敏，忌食花生及坚果制品。", "牛奶蛋白过敏，饮用深度水解配方奶。")
# Why a director offered a place to a child behind others in the queue (the regulator reads it).
OUT_OF_ORDER_REASONS = (
    "排在前面的家庭电话两次未接通，已短信告知，按顺序联系下一位。",
    "同胞已在本园托大班，便于家长同时接送。",
    "排在前面的幼儿入托体检尚未完成，先为已完成体检的幼儿安排。",
)
CATCH_UP = "预防接种证已查验，缺1剂次，已告知家长到接种门诊补种。"

SIBLING, STREET, EMPLOYEE, STAFF_OF_COLLEGE, SEVERAL = (
    "兄弟姐妹在园",
    "本街道户籍",
    "本单位职工子女",
    "本校教职工子女",
    "多孩家庭",
)

# Children placed through the services below, counted in their class's ``enrolled``.
PLACED_BY_SERVICES = {
    ("aibibao", "托小班"): 1,
    ("aibibao", "混龄班"): 1,
    ("aibibao", "托大班二班"): 1,
    ("medical", "托大班一班"): 1,
}


@dataclass(frozen=True)
class Applicant:
    """A family applying through the services: the child's age today, when they applied, what they claim."""

    at: str  # institution key
    months: int
    days: int
    sex: str
    applied_days_ago: int
    claims: tuple[str, ...] = ()
    start_in_months: int = 1  # the desired start is the 1st of the month this many months ahead
    sibling: bool = False  # a younger sibling of the eldest child in care there, through the same guardian


BOY, GIRL = Sex.MALE, Sex.FEMALE
WAITING = (
    Applicant("aibibao", 13, 5, GIRL, 45),
    Applicant("aibibao", 20, 2, BOY, 30, (SIBLING,), sibling=True),
    Applicant("aibibao", 22, 11, GIRL, 21, (STREET,)),
    Applicant("aibibao", 27, 8, BOY, 9),
    Applicant("aibibao", 11, 10, GIRL, 4, start_in_months=2),
    Applicant("medical", 23, 20, BOY, 38),
    Applicant("medical", 26, 1, GIRL, 50, (STREET,)),
    Applicant("medical", 29, 14, BOY, 18),
    Applicant("medical", 24, 3, GIRL, 6, (SEVERAL,)),
    Applicant("mall", 9, 2, BOY, 14),
    Applicant("mall", 19, 9, GIRL, 26, (STREET,)),
    Applicant("model_centre", 8, 17, GIRL, 33, (STREET,)),
    Applicant("model_centre", 30, 6, BOY, 7),
    Applicant("university", 14, 22, BOY, 40, (STAFF_OF_COLLEGE,)),
    Applicant("employer", 16, 12, GIRL, 20, (EMPLOYEE, SIBLING), sibling=True),
    Applicant("kindergarten", 28, 4, BOY, 11, (STREET,)),
    Applicant("community_nz", 17, 15, GIRL, 3),
    Applicant("park", 12, 15, BOY, 16, (EMPLOYEE,)),
)
# Offers awaiting the family's answer: (applicant, class, hours since the offer; it is open for 48). The
# second runs out about ten minutes after the demo is loaded: the queue's schedule closes it as one watches.
OFFERED = (
    (Applicant("mall", 14, 6, GIRL, 19), "托小班一班", 10),
    (Applicant("mall", 21, 18, BOY, 25, (STREET,)), "混龄班", 47.83),
    (Applicant("medical", 25, 9, BOY, 15, (SEVERAL,)), "托大班一班", 20),
)
# Recent arrivals at 爱彼宝: (class, age today in months, sex, days since the start, check done?).
AIBIBAO_ARRIVALS = (
    ("托小班", 15, BOY, 12, False),
    ("混龄班", 22, GIRL, 33, False),  # its vaccination check is 3 days overdue
    ("托大班二班", 30, GIRL, 20, True),
)


def priorities_for(spec: district.DemoInstitution) -> list[tuple[str, int]]:
    """The admission priorities an institution publishes: 1 to 3, by what kind of provider it is."""
    labels = [(SIBLING, 10)]
    if {"employer", "state_enterprise"} & set(spec.models):
        labels.append((EMPLOYEE, 8))
    if "university" in spec.models:
        labels.append((STAFF_OF_COLLEGE, 8))
    if {"community", "public", "kindergarten", "shopping_centre", "business_district"} & set(spec.models):
        labels.append((STREET, 5))
    if spec.inclusive_since and len(labels) < 3:
        labels.append((SEVERAL, 3))
    return labels


def demo_photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A small portrait stand-in: a face-coloured disc on a coloured ground, 96×96 PNG."""
    image = Image.new("RGB", (96, 96), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((18, 14, 78, 74), fill=(247, 214, 186))
    draw.rectangle((22, 74, 74, 96), fill=tuple(max(part - 60, 0) for part in colour))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass(frozen=True)
class Seat:
    """One child in care, planned before anything is built: who, where, and the path to the place."""

    serial: int
    institution: Institution
    care_class: CareClass
    sex: str
    birth_date: datetime.date
    start: datetime.date
    applied: datetime.datetime  # 3 to 8 weeks before the start
    offered: datetime.datetime  # 3 to 12 days before the start, open for 48 hours
    accepted: datetime.datetime  # 1 to 40 hours after the offer
    examined: datetime.date  # the entry examination, 1 to 20 days before the acceptance


def plan_seat(
    serial: int, institution: Institution, care_class: CareClass, today: datetime.date, *, recent: bool
) -> Seat:
    """A child whose age fits the class band today (not within 30 days of its upper edge) and at the start.

    Ages run from a month above the band's lower edge to two months below its upper edge; the start is 1 to
    10 months ago (days ago for a recent arrival), never before the child reached the band.
    """
    standard = BAND_STANDARDS[care_class.age_band]
    low, high = standard.min_months, standard.max_months
    age = low + 1 + (serial * 7) % (high - low - 2)
    birth = months_later(today, -age) - datetime.timedelta(days=serial * 11 % 28)
    if recent:
        start = today - datetime.timedelta(days=4 + serial % 24)
    else:
        months_ago = 1 + (serial * 5) % min(9, age - low)
        start = months_later(today, -months_ago) - datetime.timedelta(days=serial % 15)
    start = max(start, months_later(birth, low))
    offered = at(start - datetime.timedelta(days=3 + serial % 10), 9 + serial % 8)
    accepted = offered + datetime.timedelta(hours=1 + serial % 40)
    return Seat(
        serial,
        institution,
        care_class,
        Sex.MALE if serial % 2 else Sex.FEMALE,
        birth,
        start,
        applied=at(start - datetime.timedelta(days=21 + serial % 40), 8 + serial % 13, serial * 7 % 60),
        offered=offered,
        accepted=accepted,
        examined=timezone.localdate(accepted) - datetime.timedelta(days=1 + serial % 20),
    )


class Families:
    """Builds the families of the demo district; ``seed`` runs it once."""

    def __init__(self, *, users: dict[str, User], password_hash: str, now: datetime.datetime) -> None:
        self.users = users
        self.password = factory.Transformer.Force(password_hash)
        self.now = now
        self.today = timezone.localdate(now)
        services.first_notice_ensure()
        self.notice = current_notice()
        self.serials = itertools.count(1)
        self.pickup_serials = itertools.count(1)
        self.institutions = {
            spec.key: Institution.objects.get(name=spec.name) for spec in district.INSTITUTIONS
        }
        self.classes = {
            (key, care_class.name): care_class
            for key, institution in self.institutions.items()
            for care_class in institution.classes.select_related("institution")
        }
        self.keys = {institution.pk: key for key, institution in self.institutions.items()}
        self.directors: dict[str, User] = {}
        self.eldest: dict[str, Guardianship] = {}  # per institution: the eldest child in care and a guardian
        self.health_worker = users["health_worker"]

    def seed(self) -> None:
        self.seed_directors()
        self.seed_priorities()
        self.seed_children_in_care()
        self.seed_arrivals_at_aibibao()
        self.seed_guardian_zhao()
        self.seed_queue()
        self.seed_photos_and_allergies()

    # Who runs each institution's enrolment -------------------------------------------------------

    def seed_directors(self) -> None:
        """The two demo directors, and an account for the director on every other institution's register."""
        self.directors = {"aibibao": self.users["director"], "mall": self.users["other_director"]}
        for number, spec in enumerate(district.INSTITUTIONS, start=1):
            if spec.key in self.directors:
                continue
            institution = self.institutions[spec.key]
            name = Staff.objects.filter(institution=institution, role=StaffRole.DIRECTOR).values_list(
                "name", flat=True
            )[0]
            director = UserFactory.create(
                phone=DIRECTOR_PHONE.format(number),
                display_name=f"{name}（{spec.name}园长）"[:50],
                password=self.password,
                is_staff=True,
            )
            RoleAssignmentFactory.create(user=director, role=Role.DIRECTOR, institution=institution)
            self.directors[spec.key] = director

    def seed_priorities(self) -> None:
        for spec in district.INSTITUTIONS:
            for label, points in priorities_for(spec):
                services.priority_publish(
                    director=self.directors[spec.key],
                    institution=self.institutions[spec.key],
                    label=label,
                    points=points,
                )

    # The children in care, in bulk ---------------------------------------------------------------

    def plan(self) -> list[Seat]:
        seats = []
        for spec in district.INSTITUTIONS:
            institution = self.institutions[spec.key]
            for demo_class in spec.classes:
                care_class = self.classes[spec.key, demo_class.name]
                for _ in range(demo_class.enrolled - PLACED_BY_SERVICES.get((spec.key, demo_class.name), 0)):
                    serial = next(self.serials)
                    recent = spec.key != "aibibao" and serial % RECENT_EVERY == 0
                    seats.append(plan_seat(serial, institution, care_class, self.today, recent=recent))
        return seats

    def seed_children_in_care(self) -> None:
        assert self.notice is not None, "the privacy notice is published by a migration"
        seats = self.plan()
        children, guardians, relations = [], [], []
        for seat in seats:
            serial = seat.serial
            name = child_name(serial, seat.sex)
            relation = (
                Relation.GRANDPARENT
                if serial % 17 == 0
                else Relation.FATHER
                if serial % 6 == 5
                else Relation.MOTHER
            )
            if relation == Relation.MOTHER:
                guardian_name = adult_name(serial, female=True)
            elif relation == Relation.FATHER:
                guardian_name = adult_name(serial, female=False, surname=name[0])
            else:
                guardian_name = elder_name(serial, female=serial % 2 == 0, surname=name[0])
            guardians.append(
                UserFactory.build(
                    phone=GUARDIAN_PHONE.format(serial),
                    display_name=guardian_name,
                    password=self.password,
                    date_joined=seat.applied - datetime.timedelta(minutes=30),
                )
            )
            children.append(
                ChildFactory.build(
                    name=name,
                    sex=seat.sex,
                    birth_date=seat.birth_date,
                    identity_number=make_identity_number(seat.birth_date, serial, male=seat.sex == Sex.MALE)
                    if serial % 4
                    else "",
                    created_at=seat.applied - datetime.timedelta(minutes=10),
                )
            )
            relations.append(relation)
        User.objects.bulk_create(guardians, batch_size=BATCH)
        Child.objects.bulk_create(children, batch_size=BATCH)
        RoleAssignment.objects.bulk_create(
            [RoleAssignmentFactory.build(user=user, role=Role.GUARDIAN) for user in guardians],
            batch_size=BATCH,
        )
        Consent.objects.bulk_create(
            [
                ConsentFactory.build(
                    user=user, notice=self.notice, given_at=seat.applied - datetime.timedelta(minutes=20)
                )
                for seat, user in zip(seats, guardians, strict=True)
            ],
            batch_size=BATCH,
        )
        guardianships = [
            GuardianshipFactory.build(child=child, user=user, relation=relation)
            for child, user, relation in zip(children, guardians, relations, strict=True)
        ]
        Guardianship.objects.bulk_create(guardianships, batch_size=BATCH)
        for seat, guardianship in zip(seats, guardianships, strict=True):
            key = self.keys[seat.institution.pk]
            if key not in self.eldest or seat.birth_date < self.eldest[key].child.birth_date:
                self.eldest[key] = guardianship
        PickupPerson.objects.bulk_create(
            list(self.pickup_persons(seats, children, relations)), batch_size=BATCH
        )
        applications = [
            ApplicationFactory.build(
                child=child,
                institution=seat.institution,
                service_type=ServiceType.FULL_DAY,
                desired_start=seat.start,
                status=ApplicationStatus.PLACED,
                applied_by=user,
                applied_at=seat.applied,
                closed_at=seat.accepted,
            )
            for seat, child, user in zip(seats, children, guardians, strict=True)
        ]
        Application.objects.bulk_create(applications, batch_size=BATCH)
        EntryExam.objects.bulk_create(
            [
                EntryExamFactory.build(
                    child=child,
                    examined_on=seat.examined,
                    medical_institution=CLINICS[seat.serial % len(CLINICS)],
                    recorded_by=user,
                    recorded_at=at(seat.examined, 20, seat.serial % 60),
                )
                for seat, child, user in zip(seats, children, guardians, strict=True)
            ],
            batch_size=BATCH,
        )
        offers = [
            OfferFactory.build(
                application=application,
                care_class=seat.care_class,
                start_date=seat.start,
                made_at=seat.offered,
                expires_at=seat.offered + datetime.timedelta(hours=48),
                status=OfferStatus.ACCEPTED,
                answered_at=seat.accepted,
                made_by=self.directors[self.keys[seat.institution.pk]],
            )
            for seat, application in zip(seats, applications, strict=True)
        ]
        Offer.objects.bulk_create(offers, batch_size=BATCH)
        placements = [
            PlacementFactory.build(
                child=child,
                institution=seat.institution,
                care_class=seat.care_class,
                service_type=ServiceType.FULL_DAY,
                start_date=seat.start,
                offer=offer,
                created_at=seat.accepted,
            )
            for seat, child, offer in zip(seats, children, offers, strict=True)
        ]
        Placement.objects.bulk_create(placements, batch_size=BATCH)
        ServiceAgreement.objects.bulk_create(
            [self.agreement(placement) for placement in placements], batch_size=BATCH
        )
        CareTask.objects.bulk_create(
            [
                self.vaccination_check(seat, placement)
                for seat, placement in zip(seats, placements, strict=True)
            ],
            batch_size=BATCH,
        )

    def pickup_persons(
        self, seats: Sequence[Seat], children: Sequence[Child], relations: Sequence[str]
    ) -> Iterator[PickupPerson]:
        """A grandparent for every third child; for every ninth, also a parent or an aunt."""
        for seat, child, relation in zip(seats, children, relations, strict=True):
            if seat.serial % 3:
                continue
            surname = child.name[0]
            female = seat.serial % 2 == 1
            yield self.pickup_person(
                child,
                elder_name(seat.serial, female=female, surname=surname),
                Relation.GRANDPARENT,
                datetime.date(1956, 3, 1) + datetime.timedelta(days=seat.serial * 37 % 4000),
                male=not female,
            )
            if seat.serial % 9 == 0:
                birth = datetime.date(1986, 5, 1) + datetime.timedelta(days=seat.serial * 53 % 3000)
                if relation == Relation.MOTHER:  # the father collects too
                    father = adult_name(seat.serial, female=False, surname=surname)
                    yield self.pickup_person(child, father, Relation.FATHER, birth, male=True)
                else:  # an aunt
                    aunt = adult_name(seat.serial + 1, female=True)
                    yield self.pickup_person(child, aunt, Relation.OTHER, birth, male=False)

    def pickup_person(
        self, child: Child, name: str, relation: str, birth: datetime.date, *, male: bool
    ) -> PickupPerson:
        serial = next(self.pickup_serials)
        return PickupPersonFactory.build(
            child=child,
            name=name,
            relation=relation,
            phone=PICKUP_PHONE.format(serial),
            identity_number=make_identity_number(
                birth, serial, male=male, area=BIRTH_AREAS[serial % len(BIRTH_AREAS)]
            ),
        )

    def agreement(self, placement: Placement) -> ServiceAgreement:
        offer = placement.offer
        assert offer is not None and offer.answered_at is not None
        terms = services.agreement_terms(offer, LANGUAGE)
        return ServiceAgreementFactory.build(
            placement=placement,
            items=terms["items"],
            government_guided_price=terms["government_guided"],
            text=terms["text"],
            accepted_at=offer.answered_at,
            accepted_by=offer.application.applied_by,
        )

    def vaccination_check(self, seat: Seat, placement: Placement) -> CareTask:
        """Checked within the 30 days for everyone but some of this month's arrivals, whose check is open."""
        days_in = (self.today - seat.start).days
        if days_in > 30:
            done: datetime.date | None = seat.start + datetime.timedelta(days=2 + seat.serial % 20)
        elif days_in >= 8 and seat.serial % 2:
            done = seat.start + datetime.timedelta(days=min(6, days_in - 1))
        else:
            done = None
        key = self.keys[seat.institution.pk]
        return CareTaskFactory.build(
            placement=placement,
            child=placement.child,
            institution=seat.institution,
            due_on=seat.start + datetime.timedelta(days=30),
            done_at=None if done is None else at(done, 10, seat.serial % 60),
            done_by=None if done is None else self.health_worker if key == "aibibao" else self.directors[key],
            note="" if done is None else CATCH_UP if seat.serial % 15 == 0 else CHECKED,
        )

    # Families that go through the services ---------------------------------------------------------

    def new_guardian(self, name: str, consented: datetime.datetime) -> User:
        serial = next(self.serials)
        guardian = UserFactory.create(
            phone=GUARDIAN_PHONE.format(serial),
            display_name=name,
            password=self.password,
            date_joined=consented - datetime.timedelta(minutes=5),
        )
        RoleAssignmentFactory.create(user=guardian, role=Role.GUARDIAN)
        services.give_consent(user=guardian, now=consented)
        return guardian

    def register(
        self,
        guardian: User,
        *,
        months: int,
        days: int,
        sex: str,
        name: str | None = None,
        relation: str = Relation.MOTHER,
        **fields: str,
    ) -> Child:
        serial = next(self.serials)
        birth = months_later(self.today, -months) - datetime.timedelta(days=days)
        return services.child_register(
            guardian=guardian,
            relation=relation,
            name=name or child_name(serial, sex),
            sex=sex,
            birth_date=birth,
            identity_number=make_identity_number(birth, serial, male=sex == Sex.MALE),
            **fields,
        )

    def exam(self, guardian: User, child: Child, day: datetime.date) -> None:
        services.entry_exam_record(
            actor=guardian,
            child=child,
            examined_on=day,
            medical_institution=CLINICS[child.pk % len(CLINICS)],
            result="pass",
        )

    def apply(
        self,
        guardian: User,
        child: Child,
        key: str,
        *,
        start: datetime.date,
        when: datetime.datetime,
        claims: tuple[str, ...] = (),
    ) -> Application:
        institution = self.institutions[key]
        priorities = list(QueuePriority.objects.filter(institution=institution, label__in=claims))
        assert len(priorities) == len(claims), (key, claims)
        return services.application_submit(
            guardian=guardian,
            child=child,
            institution=institution,
            service_type=ServiceType.FULL_DAY,
            desired_start=start,
            priorities=priorities,
            now=when,
        )

    def place(
        self,
        guardian: User,
        application: Application,
        class_name: str,
        *,
        offered: datetime.datetime,
        accepted: datetime.datetime,
    ) -> Placement:
        key = self.keys[application.institution_id]
        care_class = self.classes[key, class_name]
        offer = services.offer_make(
            director=self.directors[key],
            application=application,
            care_class=care_class,
            start_date=application.desired_start,
            out_of_order_reason=self.out_of_order_reason(application, care_class),
            now=offered,
        )
        return services.offer_accept(guardian=guardian, offer=offer, now=accepted)

    def seed_arrivals_at_aibibao(self) -> None:
        """Three children who started in the last weeks: one check done, one open, one overdue."""
        for class_name, months, sex, days_in, checked in AIBIBAO_ARRIVALS:
            start = self.today - datetime.timedelta(days=days_in)
            applied = at(start - datetime.timedelta(days=25), 21, 5)
            serial = next(self.serials)
            guardian = self.new_guardian(
                adult_name(serial, female=True), applied - datetime.timedelta(hours=1)
            )
            child = self.register(guardian, months=months, days=serial % 20, sex=sex)
            application = self.apply(guardian, child, "aibibao", start=start, when=applied)
            self.exam(guardian, child, start - datetime.timedelta(days=10))
            placement = self.place(
                guardian,
                application,
                class_name,
                offered=at(start - datetime.timedelta(days=7), 10),
                accepted=at(start - datetime.timedelta(days=6), 20, 30),
            )
            if checked:
                services.task_complete(
                    actor=self.health_worker,
                    task=CareTask.objects.get(placement=placement),
                    note=CHECKED,
                    now=at(start + datetime.timedelta(days=4), 15),
                )

    def seed_guardian_zhao(self) -> None:
        """赵女士: her elder child in the medical-integrated centre's 托大班, the younger one waiting."""
        zhao = self.users["guardian"]
        start = months_later(self.today, -1) - datetime.timedelta(days=6)
        services.give_consent(user=zhao, now=at(start - datetime.timedelta(days=30), 21, 40))
        elder = self.register(
            zhao,
            months=26,
            days=9,
            sex=GIRL,
            name="陆可馨",
            allergies="鸡蛋过敏（进食后出现皮疹），忌食鸡蛋及含蛋制品。",
        )
        application = self.apply(
            zhao, elder, "medical", start=start, when=at(start - datetime.timedelta(days=21), 20, 15)
        )
        self.exam(zhao, elder, start - datetime.timedelta(days=14))
        placement = self.place(
            zhao,
            application,
            "托大班一班",
            offered=at(start - datetime.timedelta(days=10), 9, 30),
            accepted=at(start - datetime.timedelta(days=9), 19),
        )
        services.task_complete(
            actor=self.directors["medical"],
            task=CareTask.objects.get(placement=placement),
            note=CHECKED,
            now=at(start + datetime.timedelta(days=6), 10),
        )
        services.pickup_person_add(
            guardian=zhao,
            child=elder,
            name="赵建国",
            relation=Relation.GRANDPARENT,
            phone="13705370618",
            identity_number=make_identity_number(datetime.date(1960, 8, 12), 61, male=True, area="370811"),
        )
        services.pickup_person_add(
            guardian=zhao,
            child=elder,
            name="陆志远",
            relation=Relation.FATHER,
            phone="13705370619",
            identity_number=make_identity_number(datetime.date(1989, 4, 3), 77, male=True, area="370812"),
        )
        younger = self.register(zhao, months=16, days=12, sex=BOY, name="陆嘉佑")
        self.exam(zhao, younger, self.today - datetime.timedelta(days=6))
        desired = months_later(self.today.replace(day=1), 1)
        for key, days_ago in (("aibibao", 12), ("community_xz", 11)):
            when = at(self.today - datetime.timedelta(days=days_ago), 21, 10)
            self.apply(zhao, younger, key, start=desired, when=when, claims=(SEVERAL,))

    def seed_photos_and_allergies(self) -> None:
        """In 爱彼宝's 托大班二班 (the demo caregiver's class): four children whose guardians gave a photo
        with their consent, and two with a food allergy the class screen shows."""
        care_class = self.classes["aibibao", PHOTO_CLASS]
        placed = list(
            Child.objects.in_class(care_class, self.today)
            .order_by("name")
            .prefetch_related("guardianships__user")
        )
        for index, child in enumerate(placed[: len(PHOTO_COLOURS)]):
            guardian = child.guardianships.all()[0].user
            services.child_photo_set(
                guardian=guardian,
                child=child,
                upload=demo_photo(PHOTO_COLOURS[index], f"{index}.png"),
                consent=True,
                now=at(self.today - datetime.timedelta(days=20 + index), 20, 30),
            )
        for child, allergies in zip(placed[-len(DEMO_ALLERGIES) :], DEMO_ALLERGIES, strict=False):
            if not child.allergies:
                child.allergies = allergies
                child.save(update_fields=["allergies"])

    def seed_queue(self) -> None:
        """About twenty applications waiting, and three offers awaiting an answer within two days."""
        for applicant in WAITING:
            self.seed_applicant(applicant)
        for applicant, class_name, hours_ago in OFFERED:
            guardian, application = self.seed_applicant(applicant)
            self.exam(guardian, application.child, self.today - datetime.timedelta(days=5))
            key = applicant.at
            care_class = self.classes[key, class_name]
            services.offer_make(
                director=self.directors[key],
                application=application,
                care_class=care_class,
                start_date=application.desired_start,
                out_of_order_reason=self.out_of_order_reason(application, care_class),
                now=self.now - datetime.timedelta(hours=hours_ago),
            )

    def out_of_order_reason(self, application: Application, care_class: CareClass) -> str:
        """The director's word when the place goes to a child behind others in the queue who fit the class."""
        if not applications_passed_over(application, care_class, application.desired_start):
            return ""
        return OUT_OF_ORDER_REASONS[application.pk % len(OUT_OF_ORDER_REASONS)]

    def seed_applicant(self, applicant: Applicant) -> tuple[User, Application]:
        serial = next(self.serials)
        applied = at(
            self.today - datetime.timedelta(days=applicant.applied_days_ago), 8 + serial % 14, serial * 7 % 60
        )
        if applicant.sibling:
            sibling = self.eldest[applicant.at]
            guardian, relation = sibling.user, sibling.relation
            name = sibling.child.name[0] + child_name(serial, applicant.sex)[1:]
        else:
            guardian = self.new_guardian(
                adult_name(serial, female=True), applied - datetime.timedelta(hours=1)
            )
            relation, name = Relation.MOTHER, child_name(serial, applicant.sex)
        child = self.register(
            guardian,
            months=applicant.months,
            days=applicant.days,
            sex=applicant.sex,
            name=name,
            relation=relation,
        )
        start = months_later(self.today.replace(day=1), applicant.start_in_months)
        application = self.apply(
            guardian, child, applicant.at, start=start, when=applied, claims=applicant.claims
        )
        return guardian, application


class UnsentSms:
    """The SMS backend while the demo loads: its families are invented, and their numbers may be someone's."""

    def send(self, phone: str, text: str) -> None:
        pass


def seed_families(*, users: dict[str, User], password_hash: str) -> None:
    Families(users=users, password_hash=password_hash, now=timezone.now()).seed()


def families_summary(today: datetime.date) -> tuple[int, int]:
    """Children holding a place that has started, and applications waiting."""
    enrolled = (
        Placement.objects.filter(
            start_date__lte=today, ends_on__gt=today, institution__in=demo_institutions()
        )
        .values("child")
        .distinct()
        .count()
    )
    waiting = Application.objects.filter(
        status=ApplicationStatus.WAITING, institution__in=demo_institutions()
    ).count()
    return enrolled, waiting
