"""The demo district's last week in care: what the regulator's daily view, the director's dashboard and the
families' reports show.

For the last five working days before the day of loading and every class of the 14 filed institutions,
every child whose place was under way that day either came (about nine in ten: checked in between 7:40 and
9:10 with the morning check, collected between 16:30 and 18:00 by a guardian or an authorised pick-up
person) or was reported absent (mostly personal; illness with its symptom and the health follow-up). A
present child has the day's care log (meals and snacks or bottles, water, nap, mood, the activity corner
they chose, now and then a note of responsive care, three small incidents in the whole week) and the
published daily report, most of them read by the family. Each class goes out twice a day for two hours
or more (one institution kept indoors one hazy day, with its weather exemption; two classes cut short by
wind one afternoon); its caregivers are on duty, split across the institution's classes, with one
30-minute ratio breach. Every institution that serves meals
publishes last week's and this week's menus and keeps a food sample of every breakfast and lunch dish.

Everything is bulk-inserted (some 80,000 rows in a few seconds) and drawn from one seeded random generator,
so the same day of loading gives the same week. Nothing is dated after the moment of loading.

Caregivers: the district's roster (180 staff, from the newspaper report) gives 爱彼宝, the
medical-integrated centre and the home-based point enough certified caregivers for the national ratio;
the other institutions have fewer caregivers than their classes need (``ratio_shortfall`` says how many),
and their duties are split in proportion to need.
"""

import datetime
import functools
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import chinese_calendar
from django.db import connection, models
from django.utils import timezone

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.daycare.models import (
    Absence,
    AbsenceReason,
    ActivityArea,
    Attendance,
    AttendanceStatus,
    CareLogEntry,
    CheckDecision,
    CheckKind,
    ClassDuty,
    DailyReport,
    FoodSample,
    HealthCheck,
    IllnessFollowUp,
    LogKind,
    Meal,
    MedicationInstruction,
    Mood,
    Observation,
    Outing,
    Portion,
    RatioBreach,
    Symptom,
    WeatherExemption,
    WeeklyMenu,
)
from tuoyu.demo import district
from tuoyu.demo.district import demo_institutions
from tuoyu.enrolment.models import Child, Guardianship, PickupPerson, Placement
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand, children_per_caregiver
from tuoyu.workforce.models import Staff, StaffRole
from tuoyu.workforce.selectors import certified

CARE_DAYS = 5
SEED = 370_872  # one fixed seed (the district's code): the same day of loading gives the same week
BATCH = 1000
GUARDIAN_ZHAO = "13800000006"
AREAS = ("阅读区角", "艺术区角", "生活区角")
EXEMPTION = ("employer", 3, "雾霾天气，户外活动改为室内")  # institution, index of the day, reason
# Two class-days whose afternoon outing was cut short by wind: under 2 hours outdoors (rule DAY-02).
SHORT_OUTDOOR = (("mall", "托小班一班", 3), ("soe", "托大班一班", 1))  # institution, class, day index
WIND = "下午起风，户外活动提前结束，回教室玩了音乐游戏。"
# The one ratio breach (on the day the class has most children): one of its three caregivers takes a
# child who has vomited to the health room for half an hour after every child has arrived.
BREACH = ("medical", "托大班二班")  # institution, class
BREACH_FROM, BREACH_MINUTES = 9 * 60 + 15, 30
# 爱彼宝's first child in 托小班 was ill on the first two days and takes a syrup after lunch on return.
MEDICATION = ("aibibao", "托小班", "小儿止咳糖浆", "5毫升", "午饭后")


def minutes(hour: int, minute: int = 0) -> int:
    return hour * 60 + minute


@functools.cache
def _midnight(day: datetime.date, zone: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def at(day: datetime.date, minute_of_day: float) -> datetime.datetime:
    """The moment ``minute_of_day`` minutes after local midnight of ``day`` (some 70,000 calls: cached)."""
    midnight = _midnight(day, timezone.get_current_timezone_name())
    return midnight + datetime.timedelta(minutes=round(minute_of_day))


def is_working_day(day: datetime.date) -> bool:
    """A working day on the Chinese calendar; for a year it does not know yet, Monday to Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def care_days(today: datetime.date, count: int = CARE_DAYS) -> list[datetime.date]:
    """The last ``count`` working days before ``today``, oldest first."""
    days: list[datetime.date] = []
    day = today
    while len(days) < count:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            days.append(day)
    return days[::-1]


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def menu_weeks(today: datetime.date) -> list[datetime.date]:
    """Last week, this week, and any earlier week holding one of the care days (after a long holiday)."""
    this_week = monday_of(today)
    weeks = {this_week, this_week - datetime.timedelta(days=7)}
    weeks |= {monday_of(day) for day in care_days(today)}
    return sorted(weeks)


def caregivers_needed(children: int, age_band: str) -> int:
    return math.ceil(children / children_per_caregiver(age_band, on=timezone.localdate()))


def ratio_shortfall() -> dict[str, int]:
    """Caregivers each demo institution lacks to staff every class at the ratio when all its children come."""
    shortfall = {}
    for spec in district.INSTITUTIONS:
        needed = sum(caregivers_needed(c.enrolled, c.band) for c in spec.classes)
        shortfall[spec.name] = max(0, needed - spec.staff.get(StaffRole.CAREGIVER, 0))
    return shortfall


# What the week is made of ------------------------------------------------------------------------------

BREAKFASTS = (
    ("小米南瓜粥", "鸡蛋羹", "奶香小馒头"),
    ("牛奶燕麦粥", "鲜肉小包子", "拌黄瓜丝"),
    ("山药红枣粥", "紫米馒头", "水煮鹌鹑蛋"),
    ("青菜瘦肉粥", "蒸红薯", "豆沙卷"),
    ("豆浆", "南瓜发糕", "西红柿炒蛋"),
    ("八宝粥", "菠菜鸡蛋饼", "凉拌豆芽"),
    ("玉米糁粥", "香菇肉末花卷", "蒸山药"),
)
MORNING_SNACKS = (("纯牛奶",), ("苹果",), ("纯牛奶",), ("香蕉",), ("纯牛奶",), ("橙子",))
LUNCHES = (
    ("软米饭", "清蒸鲈鱼", "蒜蓉西兰花", "番茄豆腐汤"),
    ("番茄牛肉面", "清炒油麦菜", "蒸南瓜"),
    ("二米饭", "胡萝卜炖牛肉", "香菇油菜", "紫菜虾皮汤"),
    ("软米饭", "土豆烧鸡块", "清炒西葫芦", "冬瓜丸子汤"),
    ("鲜肉小馄饨", "肉末蒸蛋", "凉拌黄瓜"),
    ("软米饭", "虾仁豆腐", "肉末茄子", "青菜蛋花汤"),
    ("猪肉白菜水饺", "清炒胡萝卜丝", "小米粥"),
    ("软米饭", "红烧鸡翅根", "西红柿炒菜花", "海带排骨汤"),
    ("杂粮饭", "鳕鱼豆腐", "清炒菠菜", "山药玉米汤"),
)
AFTERNOON_SNACKS = (
    ("香蕉", "酸奶"),
    ("苹果", "全麦饼干"),
    ("橙子", "牛奶"),
    ("火龙果", "小蛋糕"),
    ("梨", "酸奶"),
    ("猕猴桃", "紫薯卷"),
    ("葡萄", "红豆糕"),
)
INFANT_LUNCHES = ("肉末菜粥、南瓜泥", "蔬菜软面条、山药泥", "鸡肉胡萝卜粥、苹果泥", "鱼肉豆腐粥、香蕉泥")
EGG_FREE = {
    "鸡蛋羹": "山药泥",
    "水煮鹌鹑蛋": "蒸山药",
    "西红柿炒蛋": "西红柿炒豆腐",
    "菠菜鸡蛋饼": "菠菜软饼",
    "肉末蒸蛋": "肉末蒸豆腐",
    "青菜蛋花汤": "青菜豆腐汤",
    "小蛋糕": "小米发糕",
}
"""What a child allergic to eggs (赵女士's daughter) is served instead of each dish with egg."""

ACTIVITIES = {
    "阅读区角": (
        "翻看绘本《好饿的毛毛虫》，数了数毛毛虫吃的水果",
        "和老师一起读《猜猜我有多爱你》",
        "自己翻看动物认知卡，指认小猫和小狗",
        "听老师讲《小蓝和小黄》，还跟着说颜色",
    ),
    "艺术区角": (
        "用手指点画了一棵苹果树",
        "玩彩泥，捏了好几个小汤圆",
        "撕贴画：给小鱼贴上了鳞片",
        "用蜡笔涂鸦，画了一个大太阳",
    ),
    "生活区角": (
        "练习用小勺舀豆子，很有耐心",
        "给娃娃喂饭、盖被子，像个小老师",
        "练习扣扣子、拉拉链",
        "帮忙把玩具分类送回“家”",
    ),
}
OUTDOOR = ("玩了滑梯", "钻了钻爬筒", "推了小推车", "追泡泡", "在沙池挖沙", "走了平衡木", "踢小皮球")
INFANT_ACTIVITIES = {
    "阅读区角": ("翻看布书，摸一摸不同的材质", "听老师念儿歌，跟着拍手"),
    "艺术区角": ("摇一摇沙锤，听不同的声音", "抓握彩色软球，看得很专注"),
    "生活区角": ("把软积木放进小篮子又拿出来", "照镜子，对着镜子里的自己笑"),
}
INFANT_OUTDOOR = ("坐小推车看树叶", "在草地软垫上爬一爬", "晒太阳、看小鸟")


@dataclass(frozen=True)
class Responsive:
    cause: str
    response: str
    outcome: str
    minute: int
    summary: str  # how the day's report says it


RESPONSIVE = (
    Responsive(
        "午睡醒来找妈妈",
        "抱起安抚，轻声告诉她妈妈下午来接，陪她看绘本",
        "情绪平复，参与区角活动",
        minutes(14, 35),
        "午睡醒来有点想妈妈，老师抱着安慰、陪着看了绘本，很快就平静下来了。",
    ),
    Responsive(
        "入园时与家长分离哭闹",
        "蹲下来抱抱，说出孩子的感受“你想妈妈了”，带去看自然角的小乌龟",
        "十分钟后停止哭泣，主动去喂小乌龟",
        minutes(8, 50),
        "早上和家长分开时哭了一会儿，老师陪着去看小乌龟，很快就笑了。",
    ),
    Responsive(
        "想要同伴手里的小汽车，伸手去抢",
        "先轻轻拉住小手，告诉他“你也想玩小汽车”，再找来另一辆，引导说“我们一起玩”",
        "两人轮流玩，没有再争抢",
        minutes(11, 0),
        "今天学着和小伙伴轮流玩小汽车，老师为孩子点赞。",
    ),
    Responsive(
        "午饭时不肯吃青菜",
        "不强迫，先让孩子闻一闻、摸一摸，老师示范吃一口并说“脆脆的”",
        "尝了两口青菜",
        minutes(11, 35),
        "午饭时对青菜有点犹豫，在老师鼓励下尝了两口，很棒！",
    ),
    Responsive(
        "搭积木倒了大哭",
        "抱抱安慰，说“积木倒了你很难过”，陪着一起重新搭",
        "重新搭好后开心地拍手",
        minutes(11, 5),
        "积木倒了有点伤心，老师陪着重新搭好，开心地拍了手。",
    ),
    Responsive(
        "户外活动回来说累、不愿走",
        "蹲下询问原因，发现鞋子里进了沙子，帮忙倒掉，牵手慢慢走回教室",
        "开心地跟上队伍",
        minutes(10, 40),
        "户外回来时鞋里进了沙子不愿走，老师帮着倒掉后就开心地跟上了队伍。",
    ),
    Responsive(
        "午睡时翻来覆去睡不着",
        "轻拍后背，小声哼唱摇篮曲，盖好孩子喜欢的小毯子",
        "二十分钟后入睡",
        minutes(12, 30),
        "午睡时一开始睡不着，老师轻拍哼歌，后来睡得很香。",
    ),
)
INFANT_RESPONSIVE = Responsive(
    "换尿布时扭动哭闹",
    "先停下来和宝宝说话，告诉宝宝“我们要换干净的尿布啦”，递给宝宝一本布书拿着",
    "安静配合完成更换",
    minutes(10, 55),
    "换尿布时有点不配合，老师先和宝宝说说话、给了布书，宝宝就安静下来了。",
)


@dataclass(frozen=True)
class Incident:
    institution: str
    care_class: str
    day_index: int
    text: str
    place: str
    first_aid: str
    after_outing_left: int | None  # minutes after the morning outing left; None: at ``minute``
    minute: int = 0
    acknowledged: bool = True
    summary: str = ""


INCIDENTS = (
    Incident(
        "aibibao",
        "托大班一班",
        1,
        "在户外滑梯处玩耍时摔倒，右膝盖擦伤",
        "户外滑梯",
        "清洁伤口并贴创可贴，冰敷5分钟",
        20,
        summary="上午在滑梯处摔倒，右膝盖擦破一点皮，已清洁并贴了创可贴，之后玩得很开心。",
    ),
    Incident(
        "university",
        "托大班二班",
        2,
        "在建构区与同伴争抢积木时手背被抓红",
        "教室建构区",
        "冷敷5分钟，无破皮，继续观察",
        None,
        minute=minutes(10, 55),
        summary="在建构区和小伙伴争积木时手背被抓红，已冷敷，没有破皮。",
    ),
    Incident(
        "model_centre",
        "托小班一班",
        4,
        "在户外草坪跑动时摔倒，额头轻微擦红",
        "户外草坪",
        "冷敷10分钟，观察精神状态良好",
        30,
        acknowledged=False,
        summary="户外跑动时摔了一下，额头有点红，已冷敷，精神状态很好，请家长回家再留意观察。",
    ),
)

SYMPTOMS = (  # symptom, share, the family's message, diagnoses
    (Symptom.FEVER, 40, "家长来电：昨晚发热38.5℃，已就诊", ("上呼吸道感染", "普通感冒", "急性扁桃体炎")),
    (Symptom.RESPIRATORY, 35, "家长来电：咳嗽流涕，在家休息", ("普通感冒", "上呼吸道感染", "急性支气管炎")),
    (Symptom.GASTRO, 15, "家长来电：夜里呕吐两次", ("急性胃肠炎", "消化不良")),
    (Symptom.RASH, 5, "家长来电：身上起红疹，已就诊", ("湿疹", "荨麻疹")),
    (Symptom.EYE, 5, "家长来电：眼睛发红、分泌物多", ("过敏性结膜炎",)),
)
PERSONAL = (
    "家长休假，在家陪伴",
    "随家长回老家",
    "家中有事请假",
    "预约儿童保健体检",
    "接种疫苗，家长请假一天",
    "天气转凉，家长请假在家",
)
MOODS = ((Mood.HAPPY, 55), (Mood.CALM, 30), (Mood.TIRED, 8), (Mood.UNSETTLED, 5), (Mood.UPSET, 2))
OPENINGS = {
    Mood.HAPPY: (
        "{n}今天心情很好，入园时主动和老师打招呼。",
        "{n}今天精神饱满，一进教室就去找好朋友玩。",
        "{n}今天笑眯眯的，一整天都很开心。",
    ),
    Mood.CALM: ("{n}今天情绪平稳，很快投入到活动中。", "{n}今天安安静静的，专注地玩了很久。"),
    Mood.TIRED: ("{n}今天上午有点困，午睡后精神好多了。",),
    Mood.UNSETTLED: ("{n}早上入园时有些不舍，老师抱了抱就好了。",),
    Mood.UPSET: ("{n}早上和家长分开时哭了一会儿，在老师陪伴下平静下来。",),
}
LUNCH_WORDS = {
    Portion.ALL: ("午饭吃得很香，{dish}全部吃完了。", "午饭自己用勺子吃，吃得干干净净。"),
    Portion.MOST: ("午饭吃了大部分，{dish}很喜欢。",),
    Portion.HALF: ("午饭吃了一半，老师会继续鼓励。",),
}
REPLIES = (
    "谢谢老师，孩子回家说今天很开心",
    "谢谢老师的照顾！",
    "辛苦老师了，明天会早点送来",
    "收到，谢谢老师，在家也会多鼓励吃蔬菜",
    "孩子回家一直在说幼儿园的小乌龟，谢谢老师",
    "看到孩子这么开心，我们也很放心，谢谢！",
)
REST_OF_ILLNESS = "已痊愈返园，晨检正常"


# The plan of the week ---------------------------------------------------------------------------------


@dataclass
class ChildDay:
    """A child present on a day: the attendance, and the sentences of the day's report."""

    placement: Placement
    day: datetime.date
    attendance: Attendance
    summary: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Episode:
    """A child's illness: the days away and the care day they came back (None: not back yet)."""

    symptom: str
    days: tuple[datetime.date, ...]
    back: datetime.date | None
    diagnosis: str


@dataclass(frozen=True)
class Staffing:
    """Who records for an institution (its caregiver's account, else its director's), who does the health
    checks (its health worker's account, else the recorder), and its caregivers per class."""

    recorder: User
    checker: User
    caregivers: dict[int, list[Staff]]


Absences = dict[tuple[int, datetime.date], Episode | str]
"""(child, day) -> the illness episode, or the note of a personal absence."""


def _display_name(user: User) -> str:
    return user.display_name.split("（")[0]


def _given_name(child: Child) -> str:
    return child.name[1:] if len(child.name) > 2 else child.name


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([choice for choice, _ in choices], weights=[weight for _, weight in choices])[0]


def _temperature(rng: random.Random, low: float, high: float, mode: float) -> Decimal:
    return Decimal(round(rng.triangular(low, high, mode) * 10)) / 10


def _minute_of(moment: datetime.datetime) -> int:
    local = timezone.localtime(moment)
    return local.hour * 60 + local.minute


class LastWeek:
    """Builds the last week in care of the demo district; ``seed`` runs it once."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.days = care_days(self.today)
        self.rng = random.Random(SEED)
        # Children per (class, symptom, day): the demo's ordinary week stays below the outbreak thresholds,
        # since its rows are written in bulk and the watch never looks at them.
        self.symptom_cases: dict[tuple[int, str], dict[datetime.date, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.institutions = {
            spec.key: Institution.objects.get(name=spec.name) for spec in district.INSTITUTIONS
        }
        keys = {institution.pk: key for key, institution in self.institutions.items()}
        order = {
            (spec.key, demo_class.name): number
            for spec in district.INSTITUTIONS
            for number, demo_class in enumerate(spec.classes)
        }
        self.classes: dict[str, list[CareClass]] = defaultdict(list)
        for care_class in sorted(
            CareClass.objects.filter(institution__in=self.institutions.values()),
            key=lambda c: order[keys[c.institution_id], c.name],
        ):
            self.classes[keys[care_class.institution_id]].append(care_class)
        self.placements: dict[int, list[Placement]] = defaultdict(list)
        for placement in (
            Placement.objects.filter(
                institution__in=self.institutions.values(),
                start_date__lte=self.days[-1],
                ends_on__gt=self.days[0],
            )
            .select_related("child", "care_class")
            .order_by("child__name", "child_id")
        ):
            self.placements[placement.care_class_id].append(placement)
        self.guardian: dict[int, User] = {}
        for guardianship in Guardianship.objects.select_related("user").order_by("-pk"):
            self.guardian[guardianship.child_id] = guardianship.user  # the first guardian wins
        self.pickup: dict[int, list[PickupPerson]] = defaultdict(list)
        for person in PickupPerson.objects.order_by("pk"):
            self.pickup[person.child_id].append(person)
        self.zhao_children = set(
            Child.objects.filter(guardianships__user__phone=GUARDIAN_ZHAO).values_list("pk", flat=True)
        )
        self.exempt = (self.institutions[EXEMPTION[0]].pk, self.days[EXEMPTION[1]])
        self.short_outdoor = {(self.class_named(k, c).pk, self.days[n]) for k, c, n in SHORT_OUTDOOR}
        self.breach_class = self.class_named(*BREACH)
        self.breach_day = self.days[0]  # the day the class has most children: see plan_absences
        self.medication_child = next(
            p.child
            for p in self.placements[self.class_named(*MEDICATION[:2]).pk]
            if p.start_date <= self.days[0]
        )
        self.menus: dict[int, dict[str, dict[str, list[str]]]] = {}
        self.staffing: dict[int, Staffing] = {}
        self.incidents: dict[tuple[int, datetime.date], Incident] = {}
        # What goes into the bulk inserts.
        self.attendances: list[Attendance] = []
        self.child_days: list[ChildDay] = []
        self.absences: list[tuple[Absence, Episode | None]] = []
        self.checks: list[tuple[Attendance, dict[str, Any]]] = []  # health checks, by attribute name
        self.entries: list[dict[str, Any]] = []  # care-log rows, by attribute name (see insert_rows)
        self.duties: list[ClassDuty] = []
        self.outings: list[tuple[Outing, list[int]]] = []

    def class_named(self, key: str, name: str) -> CareClass:
        return next(care_class for care_class in self.classes[key] if care_class.name == name)

    def seed(self) -> None:
        self.seed_activity_areas()
        self.seed_menus()
        self.plan_staffing()
        absences = self.plan_absences()
        for classes in self.classes.values():
            for care_class in classes:
                for day in self.days:
                    self.seed_class_day(care_class, day, absences)
        Attendance.objects.bulk_create(self.attendances, batch_size=BATCH)
        insert_rows(
            HealthCheck, [{"attendance_id": attendance.pk, **check} for attendance, check in self.checks]
        )
        self.seed_absences()
        Outing.objects.bulk_create([outing for outing, _ in self.outings], batch_size=BATCH)
        instruction = self.seed_medication()
        self.plan_incidents()
        for child_day in self.child_days:
            self.seed_care_log(child_day, instruction)
        insert_rows(CareLogEntry, self.entries)
        self.seed_reports()
        self.seed_outing_head_counts()
        ClassDuty.objects.bulk_create(self.duties, batch_size=BATCH)
        self.seed_breach()
        institution, day = self.exempt
        WeatherExemption.objects.create(institution_id=institution, day=day, reason=EXEMPTION[2])

    # Institutions: activity corners, menus and food samples, who records ------------------------------------

    def seed_activity_areas(self) -> None:
        ActivityArea.objects.bulk_create(
            [
                ActivityArea(institution=institution, name=name)
                for institution in demo_institutions().order_by("pk")
                for name in AREAS
            ]
        )

    def seed_menus(self) -> None:
        """Last week's and this week's menus, published the Friday before; samples of the days gone by."""
        menus, samples = [], []
        for number, institution in enumerate(self.institutions.values()):
            if not institution.serves_meals:
                continue
            staff = Staff.objects.filter(institution=institution).order_by("pk")
            cooks = list(staff.filter(role=StaffRole.COOK).values_list("name", flat=True)) or [staff[0].name]
            self.menus[institution.pk] = {}
            for week in menu_weeks(self.today):
                dishes: dict[str, dict[str, list[str]]] = {}
                for offset in range(7):
                    day = week + datetime.timedelta(days=offset)
                    if not is_working_day(day):
                        continue
                    turn = number * 3 + day.toordinal()
                    dishes[day.isoformat()] = {
                        Meal.BREAKFAST: list(BREAKFASTS[turn % len(BREAKFASTS)]),
                        Meal.MORNING_SNACK: list(MORNING_SNACKS[turn % len(MORNING_SNACKS)]),
                        Meal.LUNCH: list(LUNCHES[turn % len(LUNCHES)]),
                        Meal.AFTERNOON_SNACK: list(AFTERNOON_SNACKS[turn % len(AFTERNOON_SNACKS)]),
                    }
                    if day < self.today:
                        samples += self.food_samples(institution, day, dishes[day.isoformat()], cooks)
                menus.append(
                    WeeklyMenu(
                        institution=institution,
                        week_start=week,
                        dishes=dishes,
                        published_at=at(week - datetime.timedelta(days=3), minutes(16) + number * 3),
                    )
                )
                self.menus[institution.pk] |= dishes
        WeeklyMenu.objects.bulk_create(menus)
        FoodSample.objects.bulk_create(samples, batch_size=BATCH)

    def food_samples(
        self, institution: Institution, day: datetime.date, dishes: dict[str, list[str]], cooks: list[str]
    ) -> list[FoodSample]:
        """Every breakfast and lunch dish: 100-150 g, refrigerated after serving, discarded 48-52 h later."""
        samples = []
        cook = cooks[day.toordinal() % len(cooks)]
        for meal, served in ((Meal.BREAKFAST, minutes(8, 5)), (Meal.LUNCH, minutes(11, 35))):
            for dish in dishes[meal]:
                refrigerated = at(day, served + self.rng.randint(0, 10))
                discarded = refrigerated + datetime.timedelta(hours=48, minutes=self.rng.randint(5, 235))
                samples.append(
                    FoodSample(
                        institution=institution,
                        day=day,
                        meal=meal,
                        dish=dish,
                        weight_g=self.rng.randint(100, 150),
                        refrigerated_at=refrigerated,
                        sampled_by=cook,
                        discarded_at=discarded if discarded <= self.now else None,
                    )
                )
        return samples

    def plan_staffing(self) -> None:
        users: dict[tuple[int, str], User] = {}
        for assignment in (
            RoleAssignment.objects.filter(institution__in=self.institutions.values())
            .select_related("user")
            .order_by("-pk")
        ):
            assert assignment.institution_id is not None
            users[assignment.institution_id, assignment.role] = assignment.user  # the first one wins
        for key, institution in self.institutions.items():
            recorder = users.get((institution.pk, Role.CAREGIVER), users[institution.pk, Role.DIRECTOR])
            caregivers = list(
                Staff.objects.filter(institution=institution, role=StaffRole.CAREGIVER).order_by("pk")
            )
            self.staffing[institution.pk] = Staffing(
                recorder=recorder,
                checker=users.get((institution.pk, Role.HEALTH_WORKER), recorder),
                caregivers=self.split(self.classes[key], caregivers),
            )

    def split(self, classes: list[CareClass], caregivers: list[Staff]) -> dict[int, list[Staff]]:
        """Caregivers per class. With enough of them, each class gets what its children need when all
        come, and the rest go one by one to the classes with fewest (爱彼宝: three each); otherwise they
        are shared in proportion to need."""
        need = {c.pk: max(1, caregivers_needed(len(self.placements[c.pk]), c.age_band)) for c in classes}
        if sum(need.values()) <= len(caregivers):
            counts = dict(need)
            for _ in range(len(caregivers) - sum(need.values())):
                counts[min(counts, key=lambda pk: counts[pk])] += 1
        else:
            counts = dict.fromkeys(need, 0)
            for _ in caregivers:
                counts[min(counts, key=lambda pk: (counts[pk] / need[pk], -need[pk]))] += 1
        pool = iter(caregivers)
        return {pk: [next(pool) for _ in range(count)] for pk, count in counts.items()}

    # Who comes and who does not -------------------------------------------------------------------------

    def plan_absences(self) -> Absences:
        """About one child in twelve is ill for one to three days in the week; three in ten miss a day (now
        and then two) for a personal reason. 赵女士's daughter comes every day; MEDICATION's child is ill on
        the first two days. The breach happens on the day its class has most children."""
        absent: Absences = {}
        for classes in self.classes.values():
            for care_class in classes:
                for placement in self.placements[care_class.pk]:
                    child = placement.child
                    active = [day for day in self.days if placement.is_active_on(day)]
                    draw = self.rng.random()
                    if child.pk in self.zhao_children or not active:
                        continue
                    if child == self.medication_child:
                        self.illness(absent, care_class, child, self.days[:2], Symptom.RESPIRATORY)
                    elif draw < 0.08:
                        first = self.rng.randrange(len(active))
                        days = active[first : first + self.rng.choice((1, 1, 2, 2, 3))]
                        symptom = _weighted(self.rng, [(s, share) for s, share, *_ in SYMPTOMS])
                        if self.below_outbreak_threshold(care_class.pk, symptom, days):
                            self.illness(absent, care_class, child, days, symptom)
                        else:
                            absent[child.pk, days[0]] = self.rng.choice(PERSONAL)
                    elif draw < 0.38:
                        first = self.rng.randrange(len(active))
                        note = self.rng.choice(PERSONAL)
                        for day in active[first : first + (2 if self.rng.random() < 0.15 else 1)]:
                            absent[child.pk, day] = note
        placed = self.placements[self.breach_class.pk]
        self.breach_day = max(
            self.days,
            key=lambda day: sum(p.is_active_on(day) and (p.child_id, day) not in absent for p in placed),
        )
        return absent

    def below_outbreak_threshold(self, class_pk: int, symptom: str, days: list[datetime.date]) -> bool:
        """Whether one more child with ``symptom`` on ``days`` keeps the class below 3 on a day and 5 within
        3 days (the watch's thresholds, national rules §9.1)."""
        cases = self.symptom_cases[class_pk, symptom]
        for day in days:
            if len(cases[day]) >= 2:
                return False
            window = [d for d in self.days if abs((d - day).days) <= 2]
            if len(set().union(*(cases[d] for d in window))) >= 4:
                return False
        return True

    def illness(
        self, absent: Absences, care_class: CareClass, child: Child, days: list[datetime.date], symptom: str
    ) -> None:
        for day in days:
            self.symptom_cases[care_class.pk, symptom][day].add(child.pk)
        after = [day for day in self.days if day > days[-1]]
        diagnoses = next(diagnoses for s, _, _, diagnoses in SYMPTOMS if s == symptom)
        episode = Episode(symptom, tuple(days), after[0] if after else None, self.rng.choice(diagnoses))
        for day in days:
            absent[child.pk, day] = episode

    # A class's day -----------------------------------------------------------------------------------------

    def seed_class_day(self, care_class: CareClass, day: datetime.date, absent: Absences) -> None:
        staffing = self.staffing[care_class.institution_id]
        placed = [p for p in self.placements[care_class.pk] if p.is_active_on(day)]
        present = [p for p in placed if (p.child_id, day) not in absent]
        if placed and not present:  # a class never stands empty in the demo
            del absent[placed[0].child_id, day]
            present = [placed[0]]
        for placement in placed:
            if placement not in present:
                self.absence(care_class, day, placement, absent[placement.child_id, day], staffing)
        opens = care_class.institution.opens_at
        arrivals = [  # nobody before the doors open
            max(
                round(self.rng.triangular(minutes(7, 40), minutes(9, 10), minutes(8, 15))),
                minutes(opens.hour, opens.minute),
            )
            for _ in present
        ]
        departures = self.departures(len(present), care_class.age_band)
        noon_checks = self.rng.random() > 0.06  # a class forgets its noon check now and then
        for placement, arrived, left in zip(present, arrivals, departures, strict=True):
            attendance = self.attendance(placement, day, arrived, left, staffing.recorder)
            self.attendances.append(attendance)
            self.child_days.append(ChildDay(placement, day, attendance))
            self.health_checks(attendance, arrived, staffing.checker, noon=noon_checks)
        self.class_duties(care_class, day, max(departures, default=minutes(17, 30)))
        if (care_class.institution_id, day) != self.exempt and present:
            self.class_outings(care_class, day, [p.child_id for p in present], staffing.recorder)

    def departures(self, count: int, age_band: str) -> list[int]:
        """16:30 to 18:00, most before 17:30; after 17:30 no more children than one caregiver may mind."""
        times = [round(self.rng.triangular(minutes(16, 30), minutes(18), minutes(17))) for _ in range(count)]
        late = [number for number, time in enumerate(times) if time > minutes(17, 30)]
        for number in late[children_per_caregiver(age_band, on=timezone.localdate()) - 1 :]:
            times[number] = self.rng.randint(minutes(16, 40), minutes(17, 29))
        return times

    def attendance(
        self, placement: Placement, day: datetime.date, arrived: int, left: int, recorder: User
    ) -> Attendance:
        """Collected by the guardian, or (about one day in three) by an authorised pick-up person."""
        child = placement.child
        guardian: User | None = self.guardian[child.pk]
        person: PickupPerson | None = None
        if self.pickup[child.pk] and self.rng.random() < 0.35:
            person, guardian = self.rng.choice(self.pickup[child.pk]), None
        return Attendance(
            child=child,
            placement=placement,
            care_class_id=placement.care_class_id,
            day=day,
            status=AttendanceStatus.CHECKED_OUT,
            checked_in_at=at(day, arrived),
            checked_in_by=recorder,
            checked_out_at=at(day, left),
            checked_out_by=recorder,
            picked_up_by_person=person,
            picked_up_by_guardian=guardian,
            picked_up_by_name=person.name if person else _display_name(self.guardian[child.pk]),
        )

    def health_checks(self, attendance: Attendance, arrived: int, checker: User, *, noon: bool) -> None:
        """The morning check on arrival (one in forty: a runny nose, admitted to watch, the family told);
        the noon check after the nap."""
        day = attendance.day
        morning = {
            "kind": CheckKind.MORNING,
            "temperature_c": _temperature(self.rng, 36.2, 37.1, 36.6),
            "observations": [],
            "decision": CheckDecision.ADMIT,
            "checked_by_id": checker.pk,
            "checked_at": at(day, arrived + 1),
        }
        runny_nose = (
            self.rng.random() < 0.025
            and attendance.child_id not in self.zhao_children
            and self.below_outbreak_threshold(attendance.care_class_id, Symptom.RESPIRATORY, [day])
        )
        if runny_nose:
            self.symptom_cases[attendance.care_class_id, Symptom.RESPIRATORY][day].add(attendance.child_id)
            morning |= {
                "observations": [Observation.RUNNY_NOSE],
                "decision": CheckDecision.WATCH,
                "reason": "流清涕，精神状态好",
                "guardian_notified_at": at(day, arrived + 1 + self.rng.randint(3, 12)),
                "action": "已告知家长；多饮水，午检复测体温，注意观察",
            }
        self.checks.append((attendance, morning))
        if noon:
            noon_check = {
                "kind": CheckKind.NOON,
                "temperature_c": _temperature(self.rng, 36.3, 37.1, 36.7),
                "observations": [],
                "decision": CheckDecision.ADMIT,
                "checked_by_id": checker.pk,
                "checked_at": at(day, minutes(14, 40) + self.rng.randint(0, 18)),
            }
            self.checks.append((attendance, noon_check))

    def absence(
        self,
        care_class: CareClass,
        day: datetime.date,
        placement: Placement,
        why: Episode | str,
        staffing: Staffing,
    ) -> None:
        absence = Absence(
            child_id=placement.child_id,
            care_class=care_class,
            day=day,
            reason=AbsenceReason.PERSONAL,
            note=why if isinstance(why, str) else "",
            recorded_by=staffing.recorder,
            recorded_at=at(day, self.rng.randint(minutes(7, 20), minutes(8, 50))),
        )
        if isinstance(why, Episode):
            absence.reason, absence.symptom = AbsenceReason.ILLNESS, why.symptom
            message = next(message for s, _, message, _ in SYMPTOMS if s == why.symptom)
            absence.note = message if day == why.days[0] else "家长来电：仍在家休息，遵医嘱服药"
        self.absences.append((absence, why if isinstance(why, Episode) else None))

    def seed_absences(self) -> None:
        """The absences; each illness absence with its follow-up, closed when the child came back."""
        Absence.objects.bulk_create([absence for absence, _ in self.absences], batch_size=BATCH)
        arrivals = {(a.child_id, a.day): a.checked_in_at for a in self.attendances}
        checkers = {
            cc.pk: self.staffing[cc.institution_id].checker for cs in self.classes.values() for cc in cs
        }
        first_after_loading = next(
            day
            for day in (self.today + datetime.timedelta(days=n) for n in range(1, 30))
            if is_working_day(day)
        )
        follow_ups = []
        for absence, episode in self.absences:
            if episode is None:
                continue
            # Diagnosed unless the family called this very last morning.
            diagnosed = absence.day > episode.days[0] or absence.day < self.days[-1]
            follow_up = IllnessFollowUp(
                absence=absence,
                diagnosis=episode.diagnosis if diagnosed else "",
                expected_return=episode.back or first_after_loading,
            )
            returned = arrivals.get((absence.child_id, episode.back)) if episode.back else None
            if returned is not None:
                follow_up.outcome = REST_OF_ILLNESS
                follow_up.closed_at = returned + datetime.timedelta(minutes=self.rng.randint(10, 40))
                follow_up.closed_by = checkers[absence.care_class_id]
            follow_ups.append(follow_up)
        IllnessFollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)

    # Staff on duty, outings, the ratio breach -----------------------------------------------------------

    def class_duties(self, care_class: CareClass, day: datetime.date, last_departure: int) -> None:
        """The class's caregivers from about 7:30 to 17:30; the first stays until the last child has gone.

        On the breach day all but two of the class's caregivers are away for half an hour."""
        caregivers = self.staffing[care_class.institution_id].caregivers[care_class.pk]
        breach = care_class == self.breach_class and day == self.breach_day
        for number, staff in enumerate(caregivers):
            start = minutes(7, 25) + self.rng.randint(0, 8)
            end = minutes(17, 30) + self.rng.randint(0, 8)
            if number == 0:
                end = max(end, last_departure + self.rng.randint(5, 15))
            if breach and number >= 2:
                self.duties.append(self.duty(staff, care_class, day, start, BREACH_FROM))
                start = BREACH_FROM + BREACH_MINUTES
            self.duties.append(self.duty(staff, care_class, day, start, end))

    @staticmethod
    def duty(staff: Staff, care_class: CareClass, day: datetime.date, start: int, end: int) -> ClassDuty:
        return ClassDuty(
            staff=staff, care_class=care_class, day=day, started_at=at(day, start), ended_at=at(day, end)
        )

    def class_outings(
        self, care_class: CareClass, day: datetime.date, children: list[int], leader: User
    ) -> None:
        """A morning and an afternoon outing, 120 to 135 minutes in all; on the days of SHORT_OUTDOOR the
        afternoon one is cut short (wind). Every child who goes out comes back."""
        morning_from = minutes(9, 30) + self.rng.randint(0, 5)
        if care_class == self.breach_class and day == self.breach_day:
            morning_from = BREACH_FROM + BREACH_MINUTES + 5
        afternoon_from = minutes(15, 15) + self.rng.randint(0, 5)
        if (care_class.pk, day) in self.short_outdoor:
            morning, afternoon = self.rng.randint(55, 65), self.rng.randint(35, 45)
        else:
            afternoon = self.rng.randint(55, 65)
            morning = self.rng.randint(max(60, 120 - afternoon), 70)
        for start, length in ((morning_from, morning), (afternoon_from, afternoon)):
            outing = Outing(
                care_class=care_class,
                day=day,
                left_at=at(day, start),
                returned_at=at(day, start + length),
                led_by=leader,
            )
            self.outings.append((outing, children))

    def seed_outing_head_counts(self) -> None:
        pairs = [
            {"outing_id": outing.pk, "child_id": child}
            for outing, children in self.outings
            for child in children
        ]
        insert_rows(Outing.children_out.through, pairs)
        insert_rows(Outing.children_back.through, pairs)

    def seed_breach(self) -> None:
        """The ratio breach, as the class's attendance and duties that day say it."""
        day, care_class = self.breach_day, self.breach_class
        moment = at(day, BREACH_FROM)
        present = sum(1 for a in self.attendances if a.care_class_id == care_class.pk and a.day == day)
        on_duty = Staff.objects.filter(
            role=StaffRole.CAREGIVER,
            class_duties__care_class=care_class,
            class_duties__started_at__lte=moment,
            class_duties__ended_at__gt=moment,
        )
        certified_on_duty = certified(on_duty, day).count()
        required = caregivers_needed(present, care_class.age_band)
        assert certified_on_duty < required, (present, certified_on_duty)
        RatioBreach.objects.create(
            care_class=care_class,
            day=day,
            started_at=moment,
            ended_at=at(day, BREACH_FROM + BREACH_MINUTES),
            children_present=present,
            caregivers_required=required,
            caregivers_on_duty=certified_on_duty,
        )

    # The care log and the report ----------------------------------------------------------------------

    def seed_medication(self) -> MedicationInstruction:
        """The guardian's instruction for MEDICATION's child, back from a cold on the third day."""
        first = self.days[2]
        return MedicationInstruction.objects.create(
            child=self.medication_child,
            medicine=MEDICATION[2],
            dose=MEDICATION[3],
            times=MEDICATION[4],
            valid_from=first,
            valid_until=self.days[-1],
            given_by=self.guardian[self.medication_child.pk],
            signed_at=at(first, minutes(7, 30)),
        )

    def plan_incidents(self) -> None:
        """Each incident happens to a child present in its class that day, during the morning outing if
        it says so."""
        for incident in INCIDENTS:
            care_class = self.class_named(incident.institution, incident.care_class)
            day = self.days[incident.day_index]
            present = [
                d for d in self.child_days if d.placement.care_class_id == care_class.pk and d.day == day
            ]
            self.incidents[present[len(present) // 2].placement.child_id, day] = incident

    def seed_care_log(self, child_day: ChildDay, instruction: MedicationInstruction) -> None:
        placement, day = child_day.placement, child_day.day
        child, infant = placement.child, placement.care_class.age_band == AgeBand.INFANT
        rng = self.rng
        recorder = self.staffing[placement.institution_id].recorder
        arrived = _minute_of(child_day.attendance.checked_in_at)
        menu = self.menus.get(placement.institution_id, {}).get(day.isoformat(), {})
        allergic = "鸡蛋" in child.allergies

        def entry(kind: str, minute: int, **fields: object) -> None:
            self.entries.append(
                {
                    "child_id": child.pk,
                    "care_class_id": placement.care_class_id,
                    "day": day,
                    "kind": kind,
                    "at": at(day, minute),
                    "recorded_by_id": recorder.pk,
                    **fields,
                }
            )

        mood = _weighted(rng, MOODS)
        entry(LogKind.MOOD, arrived + 5, mood=mood)
        summary = [rng.choice(OPENINGS[Mood(mood)]).format(n=_given_name(child))]
        area = rng.choice(AREAS)
        activity = rng.choice((INFANT_ACTIVITIES if infant else ACTIVITIES)[area])
        entry(LogKind.ACTIVITY, minutes(10, 50) + rng.randint(0, 15), activity_area=area, text=activity)
        summary.append(f"区角时间选择了{area}，{activity}。")
        if (placement.institution_id, day) == self.exempt:
            summary.append("今天雾霾，户外活动改在室内，玩了钻爬筒和感统游戏。")
        else:
            summary.append(f"户外活动{rng.choice(INFANT_OUTDOOR if infant else OUTDOOR)}，特别投入。")
            if (placement.care_class_id, day) in self.short_outdoor:
                summary.append(WIND)
        if infant:
            entry(LogKind.BOTTLE, minutes(9, 15), amount_ml=rng.randrange(150, 211, 10))
            entry(LogKind.NAPPY, minutes(10, 45), text="更换纸尿裤，小便")
            lunch = INFANT_LUNCHES[(child.pk + day.toordinal()) % len(INFANT_LUNCHES)]
        elif menu:
            if arrived < minutes(8, 10):
                breakfast = "、".join(self.served(menu[Meal.BREAKFAST], allergic))
                entry(LogKind.MEAL, minutes(8, 15), portion=self.portion(), text=f"早餐：{breakfast}")
            entry(
                LogKind.SNACK,
                minutes(9, 15),
                portion=Portion.ALL,
                text="上午加餐：" + "、".join(menu[Meal.MORNING_SNACK]),
            )
            lunch = "、".join(self.served(menu[Meal.LUNCH], allergic))
        else:
            lunch = "午餐"
        portion = _weighted(rng, [(Portion.ALL, 60), (Portion.MOST, 32), (Portion.HALF, 8)])
        entry(LogKind.MEAL, minutes(11, 0 if infant else 20), portion=portion, text=f"午餐：{lunch}")
        dishes = lunch.split("、")
        summary.append(
            rng.choice(LUNCH_WORDS[Portion(portion)]).format(dish=dishes[1 if len(dishes) > 1 else 0])
        )
        eggs = [dish for meal in (Meal.BREAKFAST, Meal.LUNCH) for dish in menu.get(meal, []) if "蛋" in dish]
        if allergic and eggs and not infant:
            swapped = "，".join(f"{dish}换成{EGG_FREE.get(dish, '无蛋菜品')}" for dish in eggs)
            entry(LogKind.NOTE, minutes(11, 15), text=f"鸡蛋过敏：{swapped}，其余照常")
            summary.append("今天的餐点里有蛋类，已按过敏要求单独准备。")
        if child == self.medication_child and instruction.valid_from <= day <= instruction.valid_until:
            entry(
                LogKind.MEDICATION,
                minutes(11, 55),
                medication_instruction_id=instruction.pk,
                dose_given=instruction.dose,
                text="按家长委托喂药单",
            )
            summary.append(f"午饭后按委托喂药单服用了{instruction.medicine}{instruction.dose}。")
        asleep = minutes(12, 0 if infant else 10) + rng.randint(-5, 10)
        awake = minutes(14, 30) + rng.randint(-20, 5)
        entry(LogKind.SLEEP, asleep, ends_at=at(day, awake))
        hours, rest = divmod(awake - asleep, 60)
        summary.append(f"午睡{hours}小时{rest}分钟。" if rest else f"午睡{hours}小时。")
        if infant:
            entry(LogKind.NAPPY, minutes(14, 36), text="更换纸尿裤，大便一次，性状正常")
            entry(LogKind.BOTTLE, minutes(15), amount_ml=rng.randrange(150, 211, 10))
            entry(LogKind.WATER, minutes(16, 25), amount_ml=rng.randrange(60, 151, 10))
        else:
            if menu:
                snack = "、".join(self.served(menu[Meal.AFTERNOON_SNACK], allergic))
                entry(LogKind.SNACK, minutes(15), portion=self.portion(), text=f"午点：{snack}")
            entry(LogKind.WATER, minutes(16, 25), amount_ml=rng.randrange(300, 551, 10))
        responsive = self.responsive_care(child, day, infant=infant)
        if responsive:
            entry(
                LogKind.RESPONSIVE,
                max(responsive.minute, arrived + 2),
                cause=responsive.cause,
                response=responsive.response,
                outcome=responsive.outcome,
            )
            summary.append(responsive.summary)
        incident = self.incidents.get((child.pk, day))
        if incident:
            minute = incident.minute
            if incident.after_outing_left is not None:
                left = min(
                    o.left_at
                    for o, _ in self.outings
                    if o.care_class_id == placement.care_class_id and o.day == day
                )
                minute = _minute_of(left) + incident.after_outing_left
            entry(
                LogKind.INCIDENT,
                minute,
                text=incident.text,
                place=incident.place,
                first_aid=incident.first_aid,
                guardian_informed_at=at(day, minute + rng.randint(10, 25)),
                guardian_acknowledged_at=at(day, minutes(18, 40)) if incident.acknowledged else None,
            )
            summary.append(incident.summary)
        child_day.summary = summary

    def portion(self) -> str:
        return self.rng.choice((Portion.ALL, Portion.ALL, Portion.MOST))

    @staticmethod
    def served(dishes: list[str], allergic: bool) -> list[str]:
        """The dishes as served to the child: an egg-allergic child gets the egg-free ones."""
        return [EGG_FREE.get(dish, dish) if allergic and "蛋" in dish else dish for dish in dishes]

    def responsive_care(self, child: Child, day: datetime.date, *, infant: bool) -> Responsive | None:
        """About one child-day in eight a note of responsive care; 赵女士's daughter on the third day, when
        she woke from her nap asking for her mother."""
        if child.pk in self.zhao_children:
            return RESPONSIVE[0] if day == self.days[2] else None
        if self.rng.random() >= 0.12:
            return None
        return INFANT_RESPONSIVE if infant else self.rng.choice(RESPONSIVE)

    def seed_reports(self) -> None:
        """Published at about 17:00; most read that evening, a few answered."""
        reports: list[dict[str, Any]] = []
        for child_day in self.child_days:
            day, placement = child_day.day, child_day.placement
            published = at(day, minutes(16, 50) + self.rng.randint(0, 25))
            report = {
                "child_id": placement.child_id,
                "care_class_id": placement.care_class_id,
                "day": day,
                "summary": "".join(child_day.summary),
                "published_at": published,
                "published_by_id": self.staffing[placement.institution_id].recorder.pk,
            }
            zhao = placement.child_id in self.zhao_children
            if zhao or self.rng.random() < 0.85:
                read = min(published + datetime.timedelta(minutes=self.rng.randint(20, 280)), self.now)
                report["read_at"] = read
                if day == self.days[2] if zhao else self.rng.random() < 0.06:
                    report["reply"] = REPLIES[0] if zhao else self.rng.choice(REPLIES)
                    report["replied_at"] = min(
                        read + datetime.timedelta(minutes=self.rng.randint(1, 15)), self.now
                    )
            reports.append(report)
        insert_rows(DailyReport, reports)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given by attribute name, every other column taking its field's default.

    ``bulk_create`` without a model instance per row and without preparing every value through its
    field: for the 60,000 rows of the care log, checks, reports and head counts that would take several
    seconds. Values are adapted only where the database needs it (dates, times, decimals, UUIDs, JSON);
    strings, numbers and ids go in as they are. No ``save()``, no signals, no ``full_clean()``.
    """
    columns = [column for column in model._meta.concrete_fields if not column.primary_key]
    names = {column.attname for column in columns}
    ops = connection.ops

    def adapter(column: models.Field) -> Callable[[Any], Any] | None:
        if isinstance(column, models.DateField):  # times included; the week has few distinct ones
            adapt = (
                ops.adapt_datetimefield_value
                if isinstance(column, models.DateTimeField)
                else ops.adapt_datefield_value
            )
            adapted: dict[Any, Any] = {None: None}
            return lambda value: (
                adapted[value] if value in adapted else adapted.setdefault(value, adapt(value))
            )
        if isinstance(column, models.UUIDField | models.JSONField | models.DecimalField):
            return lambda value: column.get_db_prep_save(value, connection)
        return None

    plan = [
        (
            column.attname,
            adapter(column),
            column.get_default if column.has_default() and callable(column.default) else None,
            column.get_default(),
        )
        for column in columns
    ]
    params: list[list[Any]] = []
    for row in rows:
        if not row.keys() <= names:
            raise ValueError(f"{model.__name__} has no field {set(row) - names}")
        values = []
        for name, adapt, make_default, default in plan:
            value = row[name] if name in row else make_default() if make_default else default
            values.append(adapt(value) if adapt else value)
        params.append(values)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(str(column.column)) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for first in range(0, len(params), BATCH):
            cursor.executemany(sql, params[first : first + BATCH])


def seed_daycare(*, now: datetime.datetime | None = None) -> None:
    """The last week in care of the demo district (see the module's docstring)."""
    LastWeek(now or timezone.now()).seed()
