"""Load the demo district (太白湖新区): institutions, classes, staff, one user per role, and its families."""

import datetime
import json
from base64 import b32decode
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.accounts.second_factor import second_factor_required
from tuoyu.demo import (
    bookable,
    daycare,
    district,
    enterprise_desk,
    families,
    family_side,
    health,
    messaging,
    money,
    records,
    supervision,
)
from tuoyu.policies.values import policy
from tuoyu.regions.choices import GrowthStandardCode
from tuoyu.regions.factories import PopulationFactory, RegionFactory
from tuoyu.regions.models import Region
from tuoyu.registry.factories import (
    CareClassFactory,
    FiledInstitutionFactory,
    HospitalFactory,
    ProviderTagFactory,
    ServiceOfferingFactory,
    make_credit_code,
)
from tuoyu.registry.hours import parse_opening_hours
from tuoyu.registry.models import CareClass, Hospital, Institution
from tuoyu.registry.services import care_class_assign_caregivers
from tuoyu.supervision.services.findings import findings_refresh
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import Education, StaffRole

DEMO_PASSWORD = "tuoyu2026"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "静敏丽娜婷慧芳燕霞艳娟雪梅琳晶颖佳欣悦彤涵瑶宁洁萍玲红琴云莉倩"

DEMO_USERS: list[dict[str, Any]] = [
    {"key": "regulator", "phone": "13800000001", "name": "王晓红（区卫健局）", "role": Role.REGULATOR},
    {
        "key": "director",
        "phone": "13800000002",
        "name": "李静（爱彼宝园长）",
        "role": Role.DIRECTOR,
        "at": "aibibao",
    },
    {
        "key": "caregiver",
        "phone": "13800000003",
        "name": "张敏（爱彼宝保育师）",
        "role": Role.CAREGIVER,
        "at": "aibibao",
    },
    {
        "key": "health_worker",
        "phone": "13800000004",
        "name": "刘芳（爱彼宝保健员）",
        "role": Role.HEALTH_WORKER,
        "at": "aibibao",
    },
    {"key": "doctor", "phone": "13800000005", "name": "陈医生（济医附院儿科）", "role": Role.DOCTOR},
    {"key": "guardian", "phone": "13800000006", "name": "赵女士（家长）", "role": Role.GUARDIAN},
    {
        "key": "other_director",
        "phone": "13800000007",
        "name": "周婷（宝贝港湾园长）",
        "role": Role.DIRECTOR,
        "at": "mall",
    },
    # Two more inspectors of the district health authority: the random draw of inspectors (双随机) needs
    # more than one, and never sends the one who inspected an institution last time.
    {"key": "inspector", "phone": "13800000009", "name": "孙立新（区卫健局监督员）", "role": Role.REGULATOR},
    {
        "key": "inspector_2",
        "phone": "13800000010",
        "name": "马文博（区卫健局监督员）",
        "role": Role.REGULATOR,
    },
    {
        "key": "preparing_director",
        "phone": "13800000008",
        "name": "孙晓燕（金色童年园长，筹备中）",
        "role": Role.DIRECTOR,
        "at": "preparing",
    },
    # The enterprise service desk (企业服务, enterprise_desk.py): the two service teams (the leader first), a
    # contact of each department, and the contact of one enterprise, who signed up like anyone (a guardian's
    # account, the only one the public registration makes) with the number the desk has for the firm. The
    # teams' and departments' roles come with their team or department.
    *(
        {"key": key, "phone": phone, "name": name, "role": Role.ENTERPRISE_SERVICE}
        for key, phone, name in (
            ("city_team_leader", "13800000011", "孔祥宇（市审批局企业服务队队长）"),
            ("city_officer", "13800000012", "田雨萌（市审批局企业服务队）"),
            ("city_officer_2", "13800000013", "闫志强（市审批局企业服务队）"),
            ("team_leader", "13800000014", "颜子涵（新区审批局企业服务队队长）"),
            ("desk_officer", "13800000015", "曹欣怡（新区审批局企业服务队）"),
            ("desk_officer_2", "13800000016", "鲁文博（新区审批局企业服务队）"),
            ("desk_officer_3", "13800000017", "孟凡超（新区审批局企业服务队）"),
        )
    ),
    *(
        {"key": key, "phone": phone, "name": name, "role": Role.DEPARTMENT_CONTACT}
        for key, phone, name in (
            ("contact_market", "13800000018", "韩雪（区市场监管局）"),
            ("contact_tax", "13800000019", "蒋涛（新区税务局）"),
            ("contact_land", "13800000020", "葛瑞（自然资源和规划分局）"),
            ("contact_health", "13800000021", "秦雯（区卫健局）"),
            ("contact_housing", "13800000022", "邵国栋（区住建局）"),
            ("contact_hr", "13800000023", "穆婷（区人社局）"),
        )
    ),
    {
        "key": "enterprise_contact",
        "phone": "13800000024",
        "name": "岳海燕（鲜食坊餐饮）",
        "role": Role.GUARDIAN,
    },
]
# Held within a team's or a department's region: given with the team or the department (enterprise_desk.py).
DESK_ROLES = {Role.ENTERPRISE_SERVICE, Role.DEPARTMENT_CONTACT}
# The director of 湖韵能源集团托育中心 lacks management experience: the compliance rules find it.
UNDER_QUALIFIED_DIRECTOR_AT = "soe"
ADMIN_USER = {"phone": "13800000000", "name": "系统管理员"}
STAFF_ROLES_WITH_BACK_OFFICE = {Role.REGULATOR, Role.DIRECTOR}
# Regulators and administrators sign in with a second factor. The demo's accounts of those roles share this
# published secret (add it to an authenticator app, or run `manage.py demo_code`): never use it elsewhere.
DEMO_OTP_SECRET = "TUOYUDEMOTUOYUDEMOTUOYUDEMOTUOYU"


def demo_account(key: str) -> dict[str, Any]:
    return next(account for account in DEMO_USERS if account["key"] == key)


def staff_name(serial: int) -> str:
    return (
        SURNAMES[serial % len(SURNAMES)]
        + GIVEN[(serial * 7) % len(GIVEN)]
        + GIVEN[(serial * 13 + 5) % len(GIVEN)]
    )


def demo_second_factor(user: User) -> TOTPDevice:
    """The demo's authenticator app for this account, with the published demo secret."""
    key = b32decode(DEMO_OTP_SECRET).hex()
    return TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)


class Command(BaseCommand):
    help = "Load the demo district 太白湖新区 (idempotent). --json prints the demo accounts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print the demo accounts as a JSON list.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's families are invented: the texts the services send them are not sent.
        with override_settings(SMS_BACKEND="tuoyu.demo.families.UnsentSms"):
            created = self.seed()
        accounts = self.accounts()
        if options["json"]:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False, indent=2))
            return
        if created:
            self.stdout.write(self.style.SUCCESS("Demo district 太白湖新区 loaded."))
        else:
            self.stdout.write("Demo district 太白湖新区 is already loaded; nothing changed.")
        enrolled, waiting = families.families_summary(timezone.localdate())
        self.stdout.write(f"Families: {enrolled} children enrolled, {waiting} applications waiting.")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            where = f" @ {account['institution']}" if account["institution"] else ""
            self.stdout.write(f"  {account['role']:<16} {account['phone']}{where}")

    @transaction.atomic
    def seed(self) -> bool:
        if Region.objects.filter(code=district.DISTRICT[0]).exists():
            return False
        # One hash of the demo password for every account (some 1,100): hashing each would take minutes.
        self.password_hash = make_password(DEMO_PASSWORD)
        province = RegionFactory.create(
            code=district.PROVINCE[0], name=district.PROVINCE[1], level=Region.Level.PROVINCE
        )
        city = RegionFactory.create(
            code=district.CITY[0], name=district.CITY[1], level=Region.Level.CITY, parent=province
        )
        area = RegionFactory.create(
            code=district.DISTRICT[0],
            name=district.DISTRICT[1],
            level=Region.Level.DISTRICT,
            parent=city,
            growth_standard=GrowthStandardCode.WST_423_2022,  # China's own; WHO 2006 in the back office
        )
        year, residents, source = district.POPULATION
        PopulationFactory.create(region=area, year=year, residents=residents, source=source)
        streets = {
            key: RegionFactory.create(code=code, name=name, level=Region.Level.STREET, parent=area)
            for key, (code, name) in district.STREETS.items()
        }
        hospital = HospitalFactory.create(
            name=district.PARTNER_HOSPITAL[0],
            grade=district.PARTNER_HOSPITAL[1],
            address=district.PARTNER_HOSPITAL[2],
        )
        serial = 0
        for number, spec in enumerate(district.INSTITUTIONS, start=1):
            filed_on = datetime.date(2021, 6, 1) + datetime.timedelta(days=61 * number)
            institution = self.seed_institution(spec, number, filed_on, streets, hospital)
            for role, count in spec.staff.items():
                for _ in range(count):
                    serial += 1
                    StaffFactory.create(
                        institution=institution,
                        name=staff_name(serial),
                        role=role,
                        employed_from=filed_on - datetime.timedelta(days=30 + serial % 200),
                        **self.qualification(spec, role, serial, filed_on),
                    )
        today = timezone.localdate()
        records.seed_certificates(today)
        preparing = records.seed_preparing_institution(
            streets["xuzhuang"],
            self.user(demo_account("preparing_director")),
            self.user(DEMO_USERS[0]),
            today,
        )
        self.seed_users(area, hospital, preparing)
        users = {account["key"]: self.user(account) for account in DEMO_USERS}
        directors = {
            "爱彼宝济宁托育中心": users["director"],
            "万达广场宝贝港湾托育中心": users["other_director"],
        }
        # 张敏 looks after 爱彼宝's 托小班: her home is its screen.
        care_class_assign_caregivers(
            actor=users["director"],
            care_class=CareClass.objects.get(institution__name="爱彼宝济宁托育中心", name="托小班"),
            caregivers=[users["caregiver"]],
        )
        records.seed_filings(users["regulator"], directors, today)
        records.seed_training(area, today)
        records.seed_closed_day(today)
        families.seed_families(users=users, password_hash=self.password_hash)
        bookable.seed_bookable_care(demo_guardian=users["guardian"])
        daycare.seed_daycare()
        health.seed_health(users=users)
        for institution in district.demo_institutions():
            findings_refresh(institution=institution, day=today)
        institutions = {spec.key: Institution.objects.get(name=spec.name) for spec in district.INSTITUTIONS}
        supervision.seed_supervision(users=users, institutions=institutions, today=today)
        money.seed_money(users=users, institutions=institutions, today=today)
        messaging.seed_messaging(users=users, today=today)
        family_side.seed_family_side(users=users, today=today)
        enterprise_desk.seed_enterprise_desk(users=users, today=today)
        return True

    @staticmethod
    def qualification(
        spec: district.DemoInstitution, role: str, serial: int, filed_on: datetime.date
    ) -> dict[str, Any]:
        if role == StaffRole.HEALTH_WORKER:
            # Below the threshold of children a part-time (兼职) health worker is allowed, and small
            # institutions have one; the larger ones a full-time (专职) one (L76 art. 12).
            threshold = policy("health_worker.full_time_from_children", on=filed_on)
            return {"full_time": spec.places >= threshold * 2 // 3}
        if role != StaffRole.DIRECTOR:
            return {}
        years = Decimal("2") if spec.key == UNDER_QUALIFIED_DIRECTOR_AT else Decimal(4 + serial % 6)
        return {"education": Education.BACHELOR, "management_years": years}

    def user(self, account: dict[str, Any]) -> User:
        return UserFactory.create(
            phone=account["phone"],
            display_name=account["name"],
            password=factory.Transformer.Force(self.password_hash),
            is_staff=account["role"] in STAFF_ROLES_WITH_BACK_OFFICE,
        )

    def seed_institution(
        self,
        spec: district.DemoInstitution,
        number: int,
        filed_on: datetime.date,
        streets: dict[str, Region],
        hospital: Hospital,
    ) -> Institution:
        street = streets[spec.street]
        institution = FiledInstitutionFactory.create(
            name=spec.name,
            credit_code=make_credit_code(spec.registration_type, district.DISTRICT[0], 8_000 + number * 37),
            registration_type=spec.registration_type,
            street=street,
            address=spec.address,
            latitude=Decimal(spec.lat),
            longitude=Decimal(spec.lon),
            building_area_m2=Decimal(spec.area),
            floors_used=spec.floors,
            opening_hours=spec.hours,
            **dict(zip(("opens_at", "closes_at"), parse_opening_hours(spec.hours) or (), strict=False)),
            public_phone=spec.phone,
            description=spec.description,
            partner_hospital=hospital if spec.medical else None,
            inclusive_recognized_on=datetime.date.fromisoformat(spec.inclusive_since)
            if spec.inclusive_since
            else None,
            filed_places=spec.places,
            filing_receipt_no=f"济太托备〔{filed_on.year}〕{number:03d}号",
            filed_on=filed_on,
        )
        for model in spec.models:
            ProviderTagFactory.create(institution=institution, model=model)
        for service_type, price, unit in spec.services:
            ServiceOfferingFactory.create(
                institution=institution, service_type=service_type, price_yuan=Decimal(price), price_unit=unit
            )
        for demo_class in spec.classes:
            CareClassFactory.create(
                institution=institution,
                name=demo_class.name,
                age_band=demo_class.band,
                capacity=demo_class.capacity,
                room_area_m2=Decimal(demo_class.area),
            )
        return institution

    def seed_users(self, area: Region, hospital: Hospital, preparing: Institution) -> None:
        institutions = {spec.key: Institution.objects.get(name=spec.name) for spec in district.INSTITUTIONS}
        institutions["preparing"] = preparing
        for account in DEMO_USERS:
            user = self.user(account)
            if account["role"] in DESK_ROLES:
                continue
            scope: dict[str, Any] = {}
            if account["role"] == Role.REGULATOR:
                scope["region"] = area
            elif account["role"] == Role.DOCTOR:
                scope["hospital"] = hospital
            elif "at" in account:
                scope["institution"] = institutions[account["at"]]
            RoleAssignmentFactory.create(user=user, role=account["role"], **scope)
            if second_factor_required(user):
                demo_second_factor(user)
        admin = UserFactory.create(
            phone=ADMIN_USER["phone"],
            display_name=ADMIN_USER["name"],
            password=factory.Transformer.Force(self.password_hash),
            is_staff=True,
            is_superuser=True,
        )
        demo_second_factor(admin)

    def accounts(self) -> list[dict[str, Any]]:
        result = []
        for account in DEMO_USERS:
            user = User.objects.filter(phone=account["phone"]).first()
            if user is None:
                continue
            institution = next(
                (
                    a.institution.name
                    for a in user.role_assignments.select_related("institution")
                    if a.institution
                ),
                None,
            )
            entry = {
                "persona": account["key"],
                "role": str(account["role"].value),
                "phone": account["phone"],
                "password": DEMO_PASSWORD,
                "institution": institution,
            }
            if second_factor_required(user):
                entry["otp_secret"] = DEMO_OTP_SECRET
            result.append(entry)
        result.append(
            {
                "persona": "admin",
                "role": "admin",
                "phone": ADMIN_USER["phone"],
                "password": DEMO_PASSWORD,
                "institution": None,
                "otp_secret": DEMO_OTP_SECRET,
            }
        )
        return result
