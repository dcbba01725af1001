"""A province at scale (``manage.py seed_scale``): for load tests, EXPLAINs and the nightly rules' timing.

规模省 (division code 96) is built beside whatever the database holds, the demo district included, and
touches nothing else: cities, districts and streets; filed institutions with classes, certified staff and
a partner hospital for some; children placed in the classes; one caregiver and one director account per
institution and a regulator per district and for the province; and, for each working day of the months
asked for, the day in care: attendance, the morning check, two care-log entries and the caregivers on duty.

The structure is written with ``bulk_create``; the daily tables are generated inside PostgreSQL
(``generate_series`` over the working days, ``gen_random_uuid``), month by month, so a year of a province
takes minutes rather than hours. Every row is one the application could have written: the test builds a
small province and runs ``full_clean`` on a sample of each model.
"""

import datetime
import math
import random
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.daycare.models import Attendance, CareLogEntry, ClassDuty, HealthCheck
from tuoyu.enrolment.models import Child, Placement
from tuoyu.regions.models import Population, Region
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import (
    CareClass,
    FilingStatus,
    Hospital,
    Institution,
    OperatingStatus,
    ProviderModel,
    ProviderTag,
    RegistrationType,
    ServiceOffering,
    ServiceType,
)
from tuoyu.registry.standards import AgeBand, children_per_caregiver, class_cap
from tuoyu.workdays import is_working_day, months_later
from tuoyu.workforce.factories import make_identity_number
from tuoyu.workforce.models import Certificate, CertificateType, Education, Staff, StaffRole

PROVINCE_CODE = "96"
PROVINCE_NAME = "规模省"
SCALE_PASSWORD = "tuoyu-scale"
DISTRICTS_PER_CITY = 8.5  # Shandong: 136 county-level divisions in 16 cities
STREETS_PER_DISTRICT = 15
INSTITUTIONS_PER_DISTRICT = 7_000 / 136
CHILDREN_PER_INSTITUTION = 250_000 / 7_000
FILL_RATE = 0.8  # the share of a class's capacity the children fill
ABSENT_RATE = 0.07  # the share of working days a placed child is not in care
BANDS = (AgeBand.INFANT, AgeBand.TODDLER, AgeBand.PRESCHOOL)
BAND_AGES = {AgeBand.INFANT: (6, 11), AgeBand.TODDLER: (12, 23), AgeBand.PRESCHOOL: (24, 33)}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "静敏丽娜婷慧芳燕霞艳娟雪梅琳晶颖佳欣悦彤涵瑶宁洁萍玲红琴云莉倩子轩浩然宇晨一诺梓睿"
BATCH = 5_000

# Phone numbers of the accounts: a prefix per kind, then the serial (province regulator: serial 0).
PHONE_PREFIX = {"regulator": "1700", "caregiver": "1710", "director": "1720"}


@dataclass(frozen=True)
class ScalePlan:
    districts: int
    months: int
    institutions: int
    children: int
    today: datetime.date

    @classmethod
    def of(
        cls,
        *,
        districts: int,
        months: int,
        today: datetime.date,
        institutions: int | None = None,
        children: int | None = None,
    ) -> "ScalePlan":
        institutions = institutions or round(districts * INSTITUTIONS_PER_DISTRICT)
        return cls(
            districts=districts,
            months=months,
            institutions=max(institutions, districts),
            children=children if children is not None else round(institutions * CHILDREN_PER_INSTITUTION),
            today=today,
        )

    @property
    def working_days(self) -> list[datetime.date]:
        """The working days of the months before today (today is left for the load test's check-ins)."""
        first = months_later(self.today, -self.months) if self.months else self.today
        days = (first + datetime.timedelta(days=n) for n in range((self.today - first).days))
        return [day for day in days if is_working_day(day)]


def phone(kind: str, serial: int) -> str:
    return f"{PHONE_PREFIX[kind]}{serial:07d}"


def province_exists() -> bool:
    return Region.objects.filter(code=PROVINCE_CODE).exists()


Step = Callable[[str, int], None]


def seed_scale(plan: ScalePlan, report: Step) -> None:
    """Build the province of ``plan``; ``report(what, rows)`` is told after each step."""
    rng = random.Random(2026)
    with transaction.atomic():  # all or nothing: a failed build leaves no half province behind
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")  # a month of a province is one long INSERT
        province, districts = _regions(plan, rng)
        report("regions", Region.objects.filter(path__startswith=province.path).count())
        institutions = _institutions(plan, districts, rng)
        report("institutions", len(institutions))
        classes = _classes(institutions, plan.today)
        report("classes", len(classes))
        duties = _staff(institutions, classes, plan.today, rng)
        report("staff", Staff.objects.filter(institution__street__path__startswith=province.path).count())
        placements = _children(plan, classes, rng)
        report("children placed", placements)
        caregivers = _accounts(province, districts, institutions)
        report("accounts", caregivers)
        for start, days in _by_month(plan.working_days):
            report(f"day in care {start:%Y-%m}", _day_in_care(province, days, duties))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# Structure ----------------------------------------------------------------------------------------------


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    return Region(
        code=code, name=name, level=level, parent=parent, path=f"{parent.path if parent else ''}{code}/"
    )


def _regions(plan: ScalePlan, rng: random.Random) -> tuple[Region, list[Region]]:
    province = _region(PROVINCE_CODE, PROVINCE_NAME, Region.Level.PROVINCE, None)
    province.save()
    cities = [
        _region(f"{PROVINCE_CODE}{n + 1:02d}", f"第{n + 1}市", Region.Level.CITY, province)
        for n in range(max(1, round(plan.districts / DISTRICTS_PER_CITY)))
    ]
    Region.objects.bulk_create(cities)
    districts = [
        _region(f"{city.code}{n + 1:02d}", f"{city.name}第{n + 1}区", Region.Level.DISTRICT, city)
        for number in range(plan.districts)
        for city in [cities[number % len(cities)]]
        for n in [number // len(cities)]
    ]
    Region.objects.bulk_create(districts)
    streets = [
        _region(f"{district.code}{n + 1:03d}", f"{district.name}第{n + 1}街道", Region.Level.STREET, district)
        for district in districts
        for n in range(STREETS_PER_DISTRICT)
    ]
    Region.objects.bulk_create(streets, batch_size=BATCH)
    residents = {district.pk: rng.randrange(300_000, 900_000) for district in districts}
    populations_add(province, cities, districts, residents, year=plan.today.year - 1)
    return province, districts


def populations_add(
    province: Region, cities: list[Region], districts: list[Region], residents: dict[int, int], *, year: int
) -> None:
    """Each district's residents, and each city's and the province's as the sum of theirs."""
    of_city = {city.pk: sum(residents[d.pk] for d in districts if d.parent_id == city.pk) for city in cities}
    figures = [
        *((district, residents[district.pk]) for district in districts),
        *((city, of_city[city.pk]) for city in cities),
        (province, sum(residents.values())),
    ]
    Population.objects.bulk_create(
        Population(region=region, year=year, residents=count, source="规模省模拟人口")
        for region, count in figures
    )


def _institutions(plan: ScalePlan, districts: list[Region], rng: random.Random) -> list[Institution]:
    streets: dict[int, list[Region]] = {}
    for street in Region.objects.filter(parent__in=districts):
        streets.setdefault(street.parent_id or 0, []).append(street)
    hospitals = Hospital.objects.bulk_create(
        Hospital(name=f"{PROVINCE_NAME}第{n + 1}人民医院", grade="三级甲等")
        for n in range(max(1, plan.districts // 8))
    )
    institutions = [
        _institution(serial, districts, streets, hospitals, plan.today, rng)
        for serial in range(plan.institutions)
    ]
    Institution.objects.bulk_create(institutions, batch_size=BATCH)
    ProviderTag.objects.bulk_create(
        (ProviderTag(institution=i, model=rng.choice(ProviderModel.values)) for i in institutions),
        batch_size=BATCH,
    )
    ServiceOffering.objects.bulk_create(
        (
            ServiceOffering(
                institution=i,
                service_type=ServiceType.FULL_DAY,
                price_yuan=Decimal(rng.randrange(1_200, 3_600, 100)),
                price_unit=ServiceOffering.PriceUnit.MONTH,
            )
            for i in institutions
        ),
        batch_size=BATCH,
    )
    return institutions


def _institution(
    serial: int,
    districts: list[Region],
    streets: dict[int, list[Region]],
    hospitals: Sequence[Hospital],
    today: datetime.date,
    rng: random.Random,
) -> Institution:
    district = districts[serial % len(districts)]
    # Districts spread over the province's box (about 34.4-38.3 N, 114.8-122.7 E), institutions within
    # 10 km of their district's centre.
    number = int(district.code[-4:])
    centre_lat = 34.4 + (number * 7 % 39) / 10
    centre_lon = 114.8 + (number * 13 % 79) / 10
    filed_on = today - datetime.timedelta(days=rng.randrange(60, 1_500))
    return Institution(
        name=f"{district.name}第{serial // len(districts) + 1}托育园",
        credit_code=make_credit_code(RegistrationType.ENTERPRISE, district.code, serial),
        registration_type=RegistrationType.ENTERPRISE,
        inclusive_recognized_on=filed_on if rng.random() < 0.6 else None,
        partner_hospital=rng.choice(hospitals) if rng.random() < 0.3 else None,
        street=rng.choice(streets[district.pk]),
        address=f"{district.name}幸福路{serial % 900 + 1}号",
        latitude=Decimal(f"{centre_lat + rng.uniform(-0.09, 0.09):.6f}"),
        longitude=Decimal(f"{centre_lon + rng.uniform(-0.11, 0.11):.6f}"),
        building_area_m2=Decimal(rng.randrange(300, 1_500)),
        floors_used="1",
        opening_hours="7:30-18:00",
        public_phone=f"0537-{serial:07d}",
        filed_places=sum(class_cap(band, on=today) for band in BANDS),
        filing_status=FilingStatus.FILED,
        filing_receipt_no=f"规模备{serial:06d}",
        filed_on=filed_on,
        operating_status=OperatingStatus.OPERATING,
    )


def _classes(institutions: list[Institution], today: datetime.date) -> list[CareClass]:
    names = {AgeBand.INFANT: "乳儿班", AgeBand.TODDLER: "托小班", AgeBand.PRESCHOOL: "托大班"}
    classes = [
        CareClass(
            institution=institution,
            name=names[band],
            age_band=band,
            capacity=class_cap(band, on=today),
            room_area_m2=Decimal(60),
        )
        for institution in institutions
        for band in BANDS
    ]
    CareClass.objects.bulk_create(classes, batch_size=BATCH)
    return classes


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


# The staff of an institution beside the caregivers, with the certificate each role needs.
OTHER_STAFF = (
    (StaffRole.DIRECTOR, CertificateType.DIRECTOR_TRAINING),
    (StaffRole.HEALTH_WORKER, CertificateType.HEALTH_CARE_TRAINING),
    (StaffRole.SECURITY, CertificateType.SECURITY_GUARD),
    (StaffRole.COOK, None),
)
ROLE_CERTIFICATE: dict[str, str | None] = {
    StaffRole.CAREGIVER: CertificateType.CAREGIVER,
    **dict(OTHER_STAFF),
}


def _staff(
    institutions: list[Institution], classes: list[CareClass], today: datetime.date, rng: random.Random
) -> list[tuple[int, int]]:
    """The staff and their certificates; returns (class, caregiver) pairs: who is on duty where."""
    staff: list[Staff] = []
    on_duty: list[tuple[CareClass, Staff]] = []
    serial = Staff.objects.count()

    def hire(institution: Institution, role: str) -> Staff:
        nonlocal serial
        serial += 1
        birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=serial // 1_000)
        person = Staff(
            institution=institution,
            name=_person_name(rng),
            id_number=make_identity_number(serial, birth, area="370811"),
            role=role,
            education=rng.choice((Education.SENIOR, Education.COLLEGE, Education.BACHELOR)),
            management_years=Decimal(5) if role == StaffRole.DIRECTOR else Decimal(0),
            employed_from=today - datetime.timedelta(days=rng.randrange(120, 2_000)),
        )
        staff.append(person)
        return person

    for institution in institutions:
        for role, _certificate in OTHER_STAFF:
            hire(institution, role)
    for care_class in classes:
        needed = math.ceil(
            care_class.capacity * FILL_RATE / children_per_caregiver(care_class.age_band, on=today)
        )
        on_duty += [(care_class, hire(care_class.institution, StaffRole.CAREGIVER)) for _ in range(needed)]
    Staff.objects.bulk_create(staff, batch_size=BATCH)
    Certificate.objects.bulk_create(_certificates(staff, today, rng), batch_size=BATCH)
    return [(care_class.pk, person.pk) for care_class, person in on_duty]


def _certificates(staff: list[Staff], today: datetime.date, rng: random.Random) -> Iterator[Certificate]:
    for person in staff:
        # A health certificate lasts 12 months: some run out within the month, for the rules to find.
        issued = today - datetime.timedelta(days=rng.randrange(5, 360))
        yield Certificate(
            staff=person,
            certificate_type=CertificateType.HEALTH,
            number=f"健{person.id_number[-8:]}",
            issuer="规模省疾病预防控制中心",
            issued_on=issued,
            expires_on=months_later(issued, 12) - datetime.timedelta(days=1),
        )
        yield _lifelong(person, CertificateType.NO_CRIMINAL_RECORD, "规模省公安厅", today)
        required = ROLE_CERTIFICATE.get(person.role)
        if required:
            yield _lifelong(person, required, "规模省人力资源和社会保障厅", today)


def _lifelong(person: Staff, certificate_type: str, issuer: str, today: datetime.date) -> Certificate:
    return Certificate(
        staff=person,
        certificate_type=certificate_type,
        number=f"{certificate_type[:3].upper()}{person.id_number[-8:]}",
        issuer=issuer,
        issued_on=min(person.employed_from, today) - datetime.timedelta(days=30),
    )


def _children(plan: ScalePlan, classes: list[CareClass], rng: random.Random) -> int:
    """Children placed in the classes, in the class of their age band today, filled evenly."""
    per_class = plan.children / len(classes)
    period_start = months_later(plan.today, -plan.months)
    children: list[Child] = []
    placements: list[Placement] = []
    carry = 0.0
    for care_class in classes:
        carry += per_class
        count, carry = min(int(carry), care_class.capacity), carry - min(int(carry), care_class.capacity)
        youngest, oldest = BAND_AGES[AgeBand(care_class.age_band)]
        for _ in range(count):
            birth = months_later(plan.today, -rng.randint(youngest, oldest)) - datetime.timedelta(
                days=rng.randrange(0, 28)
            )
            child = Child(name=_person_name(rng), sex=rng.choice("12"), birth_date=birth)
            children.append(child)
            placements.append(
                Placement(
                    child=child,
                    institution=care_class.institution,
                    care_class=care_class,
                    service_type=ServiceType.FULL_DAY,
                    start_date=max(period_start, months_later(birth, 6)),
                    ends_on=months_later(birth, 36),
                )
            )
    Child.objects.bulk_create(children, batch_size=BATCH)
    for placement in placements:
        placement.child = placement.child  # the child's primary key is known now
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    return len(placements)


def _accounts(province: Region, districts: list[Region], institutions: list[Institution]) -> int:
    """The accounts a load test signs in with, all with the password SCALE_PASSWORD."""
    password = make_password(SCALE_PASSWORD)
    regulators = [(phone("regulator", 0), f"{PROVINCE_NAME}监管员", province)] + [
        (phone("regulator", n + 1), f"{district.name}监管员", district)
        for n, district in enumerate(districts)
    ]
    users: list[User] = []
    roles: list[RoleAssignment] = []
    for number, name, region in regulators:
        user = User(phone=number, display_name=name, password=password)
        users.append(user)
        roles.append(RoleAssignment(user=user, role=Role.REGULATOR, region=region))
    for serial, institution in enumerate(institutions):
        for kind, role in (("caregiver", Role.CAREGIVER), ("director", Role.DIRECTOR)):
            user = User(
                phone=phone(kind, serial), display_name=f"{institution.name}{role.label}", password=password
            )
            users.append(user)
            roles.append(RoleAssignment(user=user, role=role, institution=institution))
    User.objects.bulk_create(users, batch_size=BATCH)
    for assignment in roles:
        assignment.user = assignment.user
    RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
    second_factors_add(users[: len(regulators)])
    return len(users)


def second_factors_add(regulators: list[User]) -> None:
    """Regulators sign in with a second factor: an authenticator app each, with a secret nobody holds (the
    load test uses API tokens)."""
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="app", key=secrets.token_hex(20), confirmed=True) for user in regulators
    )


# The day in care --------------------------------------------------------------------------------------


def _by_month(days: list[datetime.date]) -> Iterator[tuple[datetime.date, list[datetime.date]]]:
    months: dict[tuple[int, int], list[datetime.date]] = {}
    for day in days:
        months.setdefault((day.year, day.month), []).append(day)
    for month_days in months.values():
        yield month_days[0], month_days


def _columns(model: type[models.Model], values: dict[str, str]) -> tuple[str, str]:
    """The column list and select list of an INSERT ... SELECT: ``values`` by field name, every other
    column as the application would leave it (blank text, NULL, the field's default)."""
    names, selects = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column or field.name))
        if field.name in values:
            selects.append(values[field.name])
        elif field.null:
            selects.append("NULL")
        elif isinstance(field, models.JSONField):
            selects.append("'[]'::jsonb")
        elif isinstance(field, (models.CharField, models.TextField)):
            selects.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    return ", ".join(names), ", ".join(selects)


def _insert_select(model: type[models.Model], values: dict[str, str], source: str, params: list[Any]) -> int:
    columns, selects = _columns(model, values)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {selects} {source}", params)
        return cursor.rowcount


def _local(day_column: str, hhmm: str, spread_minutes: int) -> str:
    """A moment on the day at about hh:mm local time, spread at random over the minutes that follow."""
    return (
        f"(({day_column} + time '{hhmm}' + random() * interval '{spread_minutes} minutes') "
        "AT TIME ZONE 'Asia/Shanghai')"
    )


def _day_in_care(province: Region, days: list[datetime.date], duties: list[tuple[int, int]]) -> int:
    """Attendance, morning checks, care log and duties of the province's placed children on ``days``."""
    placements = (
        f"FROM {Placement._meta.db_table} p "
        f"JOIN {Institution._meta.db_table} i ON i.id = p.institution_id "
        f"JOIN {Region._meta.db_table} s ON s.id = i.street_id "
        f"JOIN {RoleAssignment._meta.db_table} r ON r.institution_id = i.id AND r.role = 'caregiver' "
        "JOIN unnest(%s::date[]) AS d(day) ON d.day >= p.start_date AND d.day < p.ends_on "
        "WHERE s.path LIKE %s AND random() >= %s"
    )
    rows = _insert_select(
        Attendance,
        {
            "code": "gen_random_uuid()",
            "child": "p.child_id",
            "placement": "p.id",
            "care_class": "p.care_class_id",
            "day": "d.day",
            "status": "'checked_out'",
            "checked_in_at": _local("d.day", "07:40", 80),
            "checked_in_by": "r.user_id",
            "checked_out_at": _local("d.day", "16:30", 90),
            "checked_out_by": "r.user_id",
            "picked_up_by_name": "'家长'",
        },
        placements,
        [days, f"{province.path}%", ABSENT_RATE],
    )
    attendances = (
        f"FROM {Attendance._meta.db_table} a "
        f"JOIN {CareClass._meta.db_table} c ON c.id = a.care_class_id "
        f"JOIN {Institution._meta.db_table} i ON i.id = c.institution_id "
        f"JOIN {Region._meta.db_table} s ON s.id = i.street_id "
        "WHERE a.day = ANY(%s::date[]) AND s.path LIKE %s"
    )
    scope = [days, f"{province.path}%"]
    rows += _insert_select(
        HealthCheck,
        {
            "attendance": "a.id",
            "kind": "'morning'",
            "temperature_c": "round((36.2 + random() * 0.8)::numeric, 1)",
            "decision": "'admit'",
            "checked_by": "a.checked_in_by_id",
            "checked_at": "a.checked_in_at",
        },
        attendances,
        scope,
    )
    log = {
        "code": "gen_random_uuid()",
        "child": "a.child_id",
        "care_class": "a.care_class_id",
        "day": "a.day",
        "recorded_by": "a.checked_in_by_id",
    }
    meal = {**log, "kind": "'meal'", "at": _local("a.day", "11:00", 30), "portion": "'most'"}
    sleep = {
        **log,
        "kind": "'sleep'",
        "at": _local("a.day", "12:20", 20),
        "ends_at": _local("a.day", "14:10", 30),
    }
    rows += _insert_select(CareLogEntry, meal, attendances, scope)
    rows += _insert_select(CareLogEntry, sleep, attendances, scope)
    rows += _insert_select(
        ClassDuty,
        {
            "staff": "duty.staff_id",
            "care_class": "duty.class_id",
            "day": "d.day",
            "started_at": _local("d.day", "07:25", 1),
            "ended_at": _local("d.day", "17:35", 1),
        },
        "FROM unnest(%s::int[], %s::int[]) AS duty(class_id, staff_id) "
        "CROSS JOIN unnest(%s::date[]) AS d(day)",
        [[c for c, _s in duties], [s for _c, s in duties], days],
    )
    return rows
