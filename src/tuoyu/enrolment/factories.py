"""factory_boy factories for children, guardians, pick-up persons and the path to a place.

Names are Chinese and identity numbers well-formed (GB 11643-1999: area, date of birth, order number whose
parity gives the sex, check character), so that built rows pass ``full_clean()``.
"""

import datetime

import factory
from django.utils import timezone

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.identity import identity_check_character
from tuoyu.enrolment.eligibility import OLDEST_MONTHS
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    Consent,
    EntryExam,
    ExamResult,
    Guardianship,
    Offer,
    OfferStatus,
    PickupPerson,
    Placement,
    PrivacyNotice,
    QueuePriority,
    Relation,
    ServiceAgreement,
    Sex,
    TaskKind,
)
from tuoyu.registry.factories import CareClassFactory, FiledInstitutionFactory
from tuoyu.registry.models import ServiceType
from tuoyu.registry.standards import AgeBand
from tuoyu.workdays import months_later

SURNAMES = (
    "王李张刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BOYS = _words(
    "浩然 子轩 宇轩 梓睿 俊熙 一鸣 子墨 浩宇 铭泽 思远 睿泽 博文 沐阳 宸宇 奕辰 锦程 明哲 天佑 亦凡 嘉树 "
    "承泽 景行 书恒 逸飞 皓轩 乐天 星辰 安哲 若谷 致远"
)
GIRLS = _words(
    "欣怡 梓涵 诗涵 语桐 一诺 若汐 思琪 雨桐 梓萱 紫涵 佳怡 芷若 沐晴 安然 静姝 语嫣 梦琪 雅琳 书瑶 "
    "悦宁 清妍 知夏 晓萌 初晴 念安 婉清 可心 米朵 果果 乐瑶"
)
WOMEN = "静敏丽娜婷慧芳燕霞艳娟雪梅琳晶颖佳欣悦彤涵瑶宁洁萍玲红琴云莉倩"
MEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波健峰亮俊凯浩宇博文龙"
ELDERS_WOMEN = _words("桂兰 秀英 玉珍 凤英 淑珍 秀兰 玉兰 桂英 素芬 翠花")
ELDERS_MEN = _words("建国 国强 志刚 德明 建华 卫东 振华 保国 玉山 长林")
CLINICS = (
    "太白湖新区社区卫生服务中心",
    "许庄街道社区卫生服务中心",
    "南张街道社区卫生服务中心",
    "济宁医学院附属医院",
    "济宁市妇幼保健院",
)
# Birth areas in adults' identity numbers: 任城区, 兖州区, 曲阜市, 微山县, 汶上县 (children: the district).
BIRTH_AREAS = ("370811", "370812", "370881", "370826", "370830")
CHILD_AREA = "370872"


def make_identity_number(
    birth_date: datetime.date, serial: int, *, male: bool, area: str = CHILD_AREA
) -> str:
    """A well-formed identity number; the order number is odd for a man or boy, even for a woman or girl."""
    order = (serial % 500) * 2 + (1 if male else 0)
    first17 = f"{area}{birth_date:%Y%m%d}{order:03d}"
    return first17 + identity_check_character(first17)


def child_name(serial: int, sex: str) -> str:
    given = BOYS if sex == Sex.MALE else GIRLS
    return SURNAMES[serial % len(SURNAMES)] + given[(serial * 7 + serial // len(SURNAMES)) % len(given)]


def adult_name(serial: int, *, female: bool, surname: str | None = None) -> str:
    """A parent's name: a surname and one or two given characters."""
    chars = WOMEN if female else MEN
    given = chars[(serial * 11) % len(chars)]
    if serial % 3:
        given += chars[(serial * 17 + 3) % len(chars)]
    return (surname or SURNAMES[(serial * 13 + 5) % len(SURNAMES)]) + given


def elder_name(serial: int, *, female: bool, surname: str) -> str:
    names = ELDERS_WOMEN if female else ELDERS_MEN
    return surname + names[serial % len(names)]


def _today() -> datetime.date:
    return timezone.localdate()


class ConsentFactory(factory.django.DjangoModelFactory[Consent]):
    class Meta:
        model = Consent

    user = factory.SubFactory(UserFactory)
    notice = factory.LazyFunction(lambda: PrivacyNotice.objects.order_by("-published_at", "-pk").first())


class ChildFactory(factory.django.DjangoModelFactory[Child]):
    """A child of about 20 months (a younger-toddler or a mixed-age class)."""

    class Meta:
        model = Child

    sex = factory.Sequence(lambda n: Sex.FEMALE if n % 2 else Sex.MALE)
    name = factory.LazyAttributeSequence(lambda o, n: child_name(n, o.sex))
    birth_date = factory.LazyFunction(lambda: months_later(_today(), -20) - datetime.timedelta(days=10))
    identity_number = factory.LazyAttributeSequence(
        lambda o, n: make_identity_number(o.birth_date, n, male=o.sex == Sex.MALE)
    )


class GuardianshipFactory(factory.django.DjangoModelFactory[Guardianship]):
    class Meta:
        model = Guardianship

    child = factory.SubFactory(ChildFactory)
    user = factory.SubFactory(UserFactory)
    relation = Relation.MOTHER


class PickupPersonFactory(factory.django.DjangoModelFactory[PickupPerson]):
    """A grandparent authorised to collect the child."""

    class Meta:
        model = PickupPerson

    child = factory.SubFactory(ChildFactory)
    relation = Relation.GRANDPARENT
    name = factory.Sequence(lambda n: elder_name(n, female=n % 2 == 0, surname=SURNAMES[n % len(SURNAMES)]))
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    identity_number = factory.Sequence(
        lambda n: make_identity_number(
            datetime.date(1958, 1, 1) + datetime.timedelta(days=n * 97 % 3650),
            n,
            male=n % 2 == 1,
            area=BIRTH_AREAS[n % len(BIRTH_AREAS)],
        )
    )


class EntryExamFactory(factory.django.DjangoModelFactory[EntryExam]):
    class Meta:
        model = EntryExam

    child = factory.SubFactory(ChildFactory)
    examined_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=7))
    medical_institution = CLINICS[0]
    result = ExamResult.PASS
    recorded_by = factory.SubFactory(UserFactory)


class QueuePriorityFactory(factory.django.DjangoModelFactory[QueuePriority]):
    class Meta:
        model = QueuePriority

    institution = factory.SubFactory(FiledInstitutionFactory)
    label = factory.Sequence(lambda n: f"优先条件{n}")
    points = 5


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    class Meta:
        model = Application

    child = factory.SubFactory(ChildFactory)
    institution = factory.SubFactory(FiledInstitutionFactory)
    service_type = ServiceType.FULL_DAY
    rank = 1
    desired_start = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=14))
    status = ApplicationStatus.WAITING
    applied_by = factory.SubFactory(UserFactory)
    applied_at = factory.LazyFunction(timezone.now)


class OfferFactory(factory.django.DjangoModelFactory[Offer]):
    """An open offer in a class of the application's institution, answerable for 48 hours."""

    class Meta:
        model = Offer

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.OFFERED)
    care_class = factory.SubFactory(
        CareClassFactory,
        institution=factory.SelfAttribute("..application.institution"),
        age_band=AgeBand.TODDLER,
        capacity=15,
    )
    start_date = factory.SelfAttribute("application.desired_start")
    made_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.made_at + datetime.timedelta(hours=48))
    status = OfferStatus.OPEN
    made_by = factory.SubFactory(UserFactory)


class PlacementFactory(factory.django.DjangoModelFactory[Placement]):
    """A place held until the day the child turns 36 months."""

    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    care_class = factory.SubFactory(CareClassFactory, age_band=AgeBand.TODDLER, capacity=15)
    institution = factory.SelfAttribute("care_class.institution")
    service_type = ServiceType.FULL_DAY
    start_date = factory.LazyFunction(_today)
    ends_on = factory.LazyAttribute(lambda o: months_later(o.child.birth_date, OLDEST_MONTHS))


class ServiceAgreementFactory(factory.django.DjangoModelFactory[ServiceAgreement]):
    class Meta:
        model = ServiceAgreement

    placement = factory.SubFactory(PlacementFactory)
    items = factory.LazyFunction(
        lambda: [
            {
                "service_type": ServiceType.FULL_DAY.value,
                "label": str(ServiceType.FULL_DAY.label),
                "price_yuan": "1800.00",
                "unit": "month",
                "unit_label": "月",
            }
        ]
    )
    text = "托育服务协议"
    accepted_at = factory.LazyFunction(timezone.now)
    accepted_by = factory.SubFactory(UserFactory)


class CareTaskFactory(factory.django.DjangoModelFactory[CareTask]):
    """The vaccination-certificate check due within 30 days of the start."""

    class Meta:
        model = CareTask

    kind = TaskKind.VACCINATION_CHECK
    placement = factory.SubFactory(PlacementFactory)
    child = factory.SelfAttribute("placement.child")
    institution = factory.SelfAttribute("placement.institution")
    due_on = factory.LazyAttribute(lambda o: o.placement.start_date + datetime.timedelta(days=30))
