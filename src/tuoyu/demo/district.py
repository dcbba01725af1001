"""The demo district: 太白湖新区 of 济宁市, as the June 2023 newspaper report describes it.

Two institutions come from the report (爱彼宝 and the medical-integrated centre); the other twelve are
invented and say so. Totals reproduce the report: 14 institutions, 180 staff, 1,300 filed places and
7.6 places per 1,000 residents.

Each class says how many children hold a place in it when the demo is loaded (``enrolled``, built by
``families.py``): 爱彼宝's four classes hold 12 to 15 children as the report says, with two places free in
托小班 and in 混龄班; the other classes are 70 to 100 per cent full, a few of them full, so that no
institution holds more children than its filed places.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from tuoyu.registry.models import Institution

PROVINCE = ("37", "山东省")
CITY = ("3708", "济宁市")
DISTRICT = ("370872", "太白湖新区")
STREETS = {
    "xuzhuang": ("370872001", "许庄街道"),
    "nanzhang": ("370872002", "南张街道"),
    "beihu": ("370872003", "北湖街道"),
    "shiqiao": ("370872004", "石桥镇"),
}
# 1,300 places / 171,053 residents x 1,000 = 7.59998... -> 7.6 (the report's figure).
POPULATION = (2025, 171_053, "太白湖新区常住人口（演示数据，按报道每千人口托位数7.6推算）")
PARTNER_HOSPITAL = ("济宁医学院附属医院", "三级甲等", "济宁市任城区古槐路89号")

INVENTED = "（演示机构：名称与数据均为虚构。）"


@dataclass(frozen=True)
class DemoClass:
    name: str
    band: str
    capacity: int
    area: str
    enrolled: int  # children holding a place when the demo is loaded (see families.py)


@dataclass(frozen=True)
class DemoInstitution:
    key: str
    name: str
    street: str
    registration_type: str
    models: tuple[str, ...]
    services: tuple[tuple[str, str, str], ...]  # (service type, price in yuan, unit)
    places: int
    classes: tuple[DemoClass, ...]
    staff: dict[str, int]  # staff role -> head count
    area: str
    floors: str
    hours: str
    lat: str
    lon: str
    address: str
    inclusive_since: str | None = None
    medical: bool = False
    description: str = ""
    phone: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def roster(
    caregivers: int, *, teacher: int = 0, cook: int = 1, security: int = 1, health: int = 1
) -> dict[str, int]:
    counts = {
        "director": 1,
        "health_worker": health,
        "caregiver": caregivers,
        "cook": cook,
        "security": security,
        "teacher": teacher,
    }
    return {role: n for role, n in counts.items() if n}


def classes(*specs: tuple[str, str, int, str, int]) -> tuple[DemoClass, ...]:
    return tuple(DemoClass(*spec) for spec in specs)


FULL, HALF, HOURLY, TEMP, PARENT = "full_day", "half_day", "hourly", "temporary", "parent_child"

INSTITUTIONS: tuple[DemoInstitution, ...] = (
    DemoInstitution(
        key="aibibao",
        name="爱彼宝济宁托育中心",
        street="xuzhuang",
        registration_type="enterprise",
        models=("shopping_centre",),
        services=(
            (FULL, "2380", "month"),
            (HALF, "1580", "month"),
            (TEMP, "120", "session"),
            (PARENT, "168", "session"),
        ),
        places=60,
        # The report: 4 classes of 12-15 children, 3 caregivers each (托小班 <=15 at 1:5; 托大班 <=20 at 1:7).
        # Two places are free in 托小班 and in 混龄班, for a child of about 20 months.
        classes=classes(
            ("托小班", "toddler", 15, "62.0", 13),
            ("混龄班", "mixed", 14, "60.0", 12),
            ("托大班一班", "preschool", 15, "65.0", 15),
            ("托大班二班", "preschool", 12, "58.0", 12),
        ),
        staff=roster(12, teacher=1),
        area="1200.0",
        floors="1-2",
        hours="7:30-18:00",
        lat="35.392100",
        lon="116.587400",
        address="太白湖新区万达广场东侧商业街二层",
        inclusive_since="2022-09-01",
        description="以“尊重与回应”为理念：每个孩子都是独立的个体；换尿布等照护前先与宝宝说话；孩子哭闹时先找原因再安抚引导；"
        "自由活动时间孩子自主选择阅读区角、艺术区角、生活区角。室内乐园有滑梯、钻爬筒；课程融入皮影、吹糖人、捏面人等传统文化；"
        "天气好时带宝宝户外散步。",
        phone="0537-2350001",
    ),
    DemoInstitution(
        key="medical",
        name="济宁托育集团济医附院医育结合托育园",
        street="xuzhuang",
        registration_type="public_institution",
        models=("public",),
        services=((FULL, "1980", "month"), (HALF, "1280", "month")),
        places=40,
        # The report: 350 m2, 2 classes, 40 places; legal only as two 托大班 of 20.
        classes=classes(
            ("托大班一班", "preschool", 20, "70.0", 18), ("托大班二班", "preschool", 20, "70.0", 20)
        ),
        staff=roster(6, health=2),
        area="350.0",
        floors="1",
        hours="7:30-17:30",
        lat="35.386500",
        lon="116.592300",
        address="太白湖新区济宁医学院附属医院太白湖院区内",
        inclusive_since="2022-06-01",
        medical=True,
        description="“托育+医疗”医育结合托育园：以托为主、以医为辅，托育集团与公立医院优势互补，"
        "提供健康照护、营养照护、安全照护、回应照护，并开设五大功能区的生长发育训练。",
        phone="0537-2350002",
    ),
    DemoInstitution(
        key="kindergarten",
        name="太白湖新区实验幼儿园托班",
        street="beihu",
        registration_type="public_institution",
        models=("kindergarten", "public"),
        services=((FULL, "1200", "month"),),
        places=60,
        classes=classes(
            ("托班一班", "preschool", 20, "62.0", 20),
            ("托班二班", "preschool", 20, "62.0", 18),
            ("托班三班", "preschool", 20, "60.0", 15),
        ),
        staff=roster(5, security=0),
        area="900.0",
        floors="1",
        hours="7:40-17:00",
        lat="35.371200",
        lon="116.571800",
        address="太白湖新区北湖路18号",
        inclusive_since="2023-03-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="university",
        name="济宁学院附属托育中心",
        street="beihu",
        registration_type="social_service",
        models=("university",),
        services=((FULL, "1880", "month"), (HALF, "1180", "month")),
        places=120,
        classes=classes(
            ("托小班一班", "toddler", 15, "48.0", 15),
            ("托小班二班", "toddler", 15, "48.0", 13),
            ("托小班三班", "toddler", 15, "46.0", 12),
            ("托小班四班", "toddler", 15, "46.0", 11),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 17),
            ("托大班三班", "preschool", 20, "58.0", 16),
        ),
        staff=roster(10),
        area="1500.0",
        floors="1-2",
        hours="7:30-17:30",
        lat="35.375400",
        lon="116.563900",
        address="太白湖新区学院路1号校内东区",
        inclusive_since="2023-01-15",
        description=INVENTED,
    ),
    DemoInstitution(
        key="mall",
        name="万达广场宝贝港湾托育中心",
        street="nanzhang",
        registration_type="enterprise",
        models=("shopping_centre",),
        services=(
            (FULL, "2680", "month"),
            (HALF, "1680", "month"),
            (HOURLY, "45", "hour"),
            (TEMP, "150", "session"),
        ),
        places=98,
        classes=classes(
            ("乳儿班", "infant", 10, "40.0", 8),
            ("托小班一班", "toddler", 15, "50.0", 12),
            ("托小班二班", "toddler", 15, "50.0", 14),
            ("托大班一班", "preschool", 20, "60.0", 18),
            ("托大班二班", "preschool", 20, "60.0", 20),
            ("混龄班", "mixed", 18, "56.0", 14),
        ),
        staff=roster(9),
        area="1100.0",
        floors="3",
        hours="8:00-20:00",
        lat="35.393800",
        lon="116.590100",
        address="太白湖新区万达广场三层",
        description=INVENTED,
    ),
    DemoInstitution(
        key="business",
        name="太白湖商圈小橡树托育园",
        street="nanzhang",
        registration_type="enterprise",
        models=("business_district",),
        services=((FULL, "2280", "month"), (HOURLY, "40", "hour"), (PARENT, "150", "session")),
        places=93,
        classes=classes(
            ("托小班", "toddler", 15, "48.0", 12),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 17),
            ("托大班三班", "preschool", 20, "58.0", 15),
            ("混龄班", "mixed", 18, "56.0", 14),
        ),
        staff=roster(7),
        area="980.0",
        floors="1-2",
        hours="7:30-19:00",
        lat="35.389900",
        lon="116.596700",
        address="太白湖新区金宇路与荷花路交叉口商务楼一至二层",
        inclusive_since="2024-05-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="community_xz",
        name="许庄街道社区嵌入式托育服务中心",
        street="xuzhuang",
        registration_type="public_institution",
        models=("community", "public"),
        services=((FULL, "1500", "month"), (HALF, "950", "month"), (TEMP, "90", "session")),
        places=140,
        classes=classes(
            ("乳儿班", "infant", 10, "40.0", 9),
            ("托小班一班", "toddler", 15, "50.0", 15),
            ("托小班二班", "toddler", 15, "50.0", 13),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 18),
            ("托大班三班", "preschool", 20, "60.0", 17),
            ("托大班四班", "preschool", 20, "60.0", 16),
            ("混龄班", "mixed", 18, "56.0", 15),
        ),
        staff=roster(12),
        area="1800.0",
        floors="1-2",
        hours="7:30-17:30",
        lat="35.398200",
        lon="116.582300",
        address="太白湖新区许庄街道社区服务中心一至二层",
        inclusive_since="2022-03-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="employer",
        name="湖畔国投职工子女托育园",
        street="shiqiao",
        registration_type="enterprise",
        models=("employer", "state_enterprise"),
        services=((FULL, "1600", "month"),),
        places=95,
        classes=classes(
            ("托小班", "toddler", 15, "48.0", 14),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 19),
            ("托大班三班", "preschool", 20, "58.0", 16),
            ("托大班四班", "preschool", 20, "58.0", 15),
        ),
        staff=roster(7),
        area="1000.0",
        floors="1",
        hours="7:30-18:00",
        lat="35.362300",
        lon="116.603100",
        address="太白湖新区石桥镇湖畔国投产业园综合楼一层",
        inclusive_since="2023-09-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="community_nz",
        name="南张街道社区托育驿站",
        street="nanzhang",
        registration_type="social_service",
        models=("community",),
        services=((FULL, "1450", "month"), (HALF, "900", "month"), (HOURLY, "30", "hour")),
        places=106,
        classes=classes(
            ("托小班一班", "toddler", 15, "48.0", 12),
            ("托小班二班", "toddler", 15, "48.0", 11),
            ("混龄一班", "mixed", 18, "56.0", 16),
            ("混龄二班", "mixed", 18, "56.0", 14),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 18),
        ),
        staff=roster(9),
        area="1150.0",
        floors="1",
        hours="7:30-17:30",
        lat="35.383700",
        lon="116.601800",
        address="太白湖新区南张街道邻里中心一层",
        inclusive_since="2023-06-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="park",
        name="太白湖产业园企业联合托育中心",
        street="shiqiao",
        registration_type="enterprise",
        models=("employer",),
        services=((FULL, "1700", "month"), (TEMP, "100", "session")),
        places=130,
        classes=classes(
            ("托小班一班", "toddler", 15, "48.0", 15),
            ("托小班二班", "toddler", 15, "48.0", 13),
            ("托大班一班", "preschool", 20, "60.0", 19),
            ("托大班二班", "preschool", 20, "60.0", 18),
            ("托大班三班", "preschool", 20, "60.0", 16),
            ("托大班四班", "preschool", 20, "60.0", 15),
            ("托大班五班", "preschool", 20, "60.0", 14),
        ),
        staff=roster(11),
        area="1400.0",
        floors="1-2",
        hours="7:00-18:30",
        lat="35.358900",
        lon="116.612400",
        address="太白湖新区石桥镇产业园服务中心",
        inclusive_since="2024-01-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="soe",
        name="湖韵能源集团托育中心",
        street="shiqiao",
        registration_type="enterprise",
        models=("state_enterprise",),
        services=((FULL, "1650", "month"), (HALF, "1050", "month")),
        places=110,
        classes=classes(
            ("托小班一班", "toddler", 15, "48.0", 11),
            ("托小班二班", "toddler", 15, "48.0", 13),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 17),
            ("托大班三班", "preschool", 20, "60.0", 16),
            ("托大班四班", "preschool", 20, "60.0", 14),
        ),
        staff=roster(8),
        area="1250.0",
        floors="1-2",
        hours="7:30-18:00",
        lat="35.366100",
        lon="116.597500",
        address="太白湖新区石桥镇湖韵路66号",
        description=INVENTED,
    ),
    DemoInstitution(
        key="home",
        name="小星星家庭托育点",
        street="beihu",
        registration_type="enterprise",
        models=("home_based",),
        services=((FULL, "1800", "month"), (HOURLY, "35", "hour")),
        places=5,
        # A home-based point: at most 5 children, one carer per 3 (家庭托育点管理办法).
        classes=classes(("家庭托育组", "mixed", 5, "45.0", 4)),
        staff={"director": 1, "caregiver": 1},
        area="120.0",
        floors="1",
        hours="8:00-17:30",
        lat="35.377800",
        lon="116.568200",
        address="太白湖新区北湖花园小区12号楼1单元101室",
        description=INVENTED,
    ),
    DemoInstitution(
        key="early_years",
        name="北湖儿童早期发展中心",
        street="beihu",
        registration_type="enterprise",
        models=("business_district", "community"),
        services=(
            (FULL, "2100", "month"),
            (HOURLY, "40", "hour"),
            (TEMP, "110", "session"),
            (PARENT, "138", "session"),
        ),
        places=93,
        classes=classes(
            ("托小班", "toddler", 15, "48.0", 13),
            ("混龄班", "mixed", 18, "56.0", 15),
            ("托大班一班", "preschool", 20, "60.0", 20),
            ("托大班二班", "preschool", 20, "60.0", 18),
            ("托大班三班", "preschool", 20, "60.0", 15),
        ),
        staff=roster(6),
        area="950.0",
        floors="1-2",
        hours="8:00-19:00",
        lat="35.372900",
        lon="116.579600",
        address="太白湖新区北湖路208号",
        inclusive_since="2024-09-01",
        description=INVENTED,
    ),
    DemoInstitution(
        key="model_centre",
        name="太白湖新区托育综合服务示范中心",
        street="xuzhuang",
        registration_type="public_institution",
        models=("public", "community"),
        services=(
            (FULL, "1400", "month"),
            (HALF, "900", "month"),
            (TEMP, "80", "session"),
            (PARENT, "100", "session"),
        ),
        places=150,
        classes=classes(
            ("乳儿一班", "infant", 10, "40.0", 8),
            ("乳儿二班", "infant", 10, "40.0", 9),
            ("托小班一班", "toddler", 15, "50.0", 15),
            ("托小班二班", "toddler", 15, "50.0", 12),
            ("托大班一班", "preschool", 20, "62.0", 20),
            ("托大班二班", "preschool", 20, "62.0", 19),
            ("托大班三班", "preschool", 20, "62.0", 17),
            ("托大班四班", "preschool", 20, "62.0", 16),
            ("托大班五班", "preschool", 20, "62.0", 15),
        ),
        staff=roster(20, teacher=2, cook=2),
        area="2600.0",
        floors="1-2",
        hours="7:30-18:00",
        lat="35.395600",
        lon="116.575400",
        address="太白湖新区许庄街道圣贤路9号",
        inclusive_since="2021-12-01",
        description="区级托育综合服务中心：承担示范引领、业务指导和从业人员培训。" + INVENTED,
    ),
)


def demo_institutions() -> QuerySet[Institution]:
    """The demo district's institutions: what seeding touches, whatever else the database holds."""
    return Institution.objects.filter(street__parent__code=DISTRICT[0])
