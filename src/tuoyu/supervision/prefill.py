"""How an inspection item is prefilled from Tuoyu's own data.

``PREFILLS`` maps a checklist item's ``prefill`` key to a function ``(institution, day) -> (result,
evidence)``: what the data says (``ItemResult`` or None when the data cannot say) and the evidence shown
to the inspector, in Chinese, as the record keeps it. Evidence gives counts, never a child's name. Every
read is set-based: a fixed number of queries per item, whatever the number of children or days.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from tuoyu.daycare.models import (
    Attendance,
    AttendanceStatus,
    CheckKind,
    FoodSample,
    HealthCheck,
    Outing,
    RatioBreach,
    WeatherExemption,
    WeeklyMenu,
)
from tuoyu.daycare.selectors.supervision import dishes_to_sample, sample_gaps, week_start_of
from tuoyu.registry.models import FilingStatus, Institution
from tuoyu.supervision.models import ItemResult
from tuoyu.workforce.models import Staff, employed_on
from tuoyu.workforce.selectors import certification_of, training_hours

Prefilled = tuple[ItemResult | None, str]
Prefill = Callable[[Institution, datetime.date], Prefilled]

LOOKBACK_DAYS = 30
SAMPLE_LOOKBACK_DAYS = 7
MENU_LOOKBACK_WEEKS = 4
OUTDOOR_MINUTES = 120
OUTDOOR_SHARE = 0.9  # of the class-days in care, those with two hours outdoors (or a weather exemption)
MORNING_CHECK_SHARE = 0.95  # of the children checked in by the deadline, those checked by then
HIGHEST_FLOOR = 3


def _window(day: datetime.date, days: int = LOOKBACK_DAYS) -> tuple[datetime.date, datetime.date]:
    """The ``days`` days before ``day`` (the day of the inspection itself is not over)."""
    return day - datetime.timedelta(days=days), day - datetime.timedelta(days=1)


def ratio_30d(institution: Institution, day: datetime.date) -> Prefilled:
    start, end = _window(day)
    breaches = RatioBreach.objects.filter(care_class__institution=institution, day__range=(start, end))
    counted = breaches.aggregate(n=Count("pk"), classes=Count("care_class", distinct=True))
    if not counted["n"]:
        return ItemResult.PASS, f"近{LOOKBACK_DAYS}日（{start:%m月%d日}至{end:%m月%d日}）无师生比不达标记录。"
    return (
        ItemResult.FAIL,
        f"近{LOOKBACK_DAYS}日发生师生比不达标{counted['n']}次，涉及{counted['classes']}个班级。",
    )


def certificates(institution: Institution, day: datetime.date) -> Prefilled:
    staff = Staff.objects.filter(employed_on(day), institution=institution)
    rows = certification_of(staff, day)
    if not rows:
        return None, "系统中无在岗工作人员记录。"
    missing = [row for row in rows if not row.certified]
    if not missing:
        return ItemResult.PASS, f"在岗工作人员{len(rows)}名，岗位所需证书均在有效期内。"
    return ItemResult.FAIL, f"在岗工作人员{len(rows)}名，其中{len(missing)}名缺少有效的岗位所需证书。"


def _deadline() -> datetime.time:
    hour, minute = (int(part) for part in settings.MORNING_CHECK_DEADLINE.split(":"))
    return datetime.time(hour, minute)


def morning_checks(institution: Institution, day: datetime.date) -> Prefilled:
    start, end = _window(day)
    deadline = _deadline()
    checked = HealthCheck.objects.filter(
        attendance=OuterRef("pk"), kind=CheckKind.MORNING, checked_at__time__lte=deadline
    )
    counted = Attendance.objects.filter(
        care_class__institution=institution, day__range=(start, end), checked_in_at__time__lte=deadline
    ).aggregate(arrived=Count("pk"), checked=Count("pk", filter=Q(Exists(checked))))
    if not counted["arrived"]:
        return None, f"近{LOOKBACK_DAYS}日无入托签到记录。"
    share = counted["checked"] / counted["arrived"]
    text = (
        f"近{LOOKBACK_DAYS}日{deadline:%H:%M}前入托{counted['arrived']}人次，"
        f"其中{counted['checked']}人次在{deadline:%H:%M}前完成晨检（{share:.0%}）。"
    )
    return (ItemResult.PASS if share >= MORNING_CHECK_SHARE else ItemResult.FAIL), text


def food_samples(institution: Institution, day: datetime.date) -> Prefilled:
    if not institution.serves_meals:
        return ItemResult.NOT_APPLICABLE, "机构登记为不供餐。"
    start, end = _window(day, SAMPLE_LOOKBACK_DAYS)
    menus = {
        menu.week_start: menu
        for menu in WeeklyMenu.objects.filter(
            institution=institution,
            week_start__range=(week_start_of(start), end),
            published_at__isnull=False,
        )
    }
    samples: dict[datetime.date, list[FoodSample]] = defaultdict(list)
    for sample in FoodSample.objects.filter(institution=institution, day__range=(start, end)):
        samples[sample.day].append(sample)
    dishes = gaps = 0
    problems: list[str] = []
    for offset in range(SAMPLE_LOOKBACK_DAYS):
        current = start + datetime.timedelta(days=offset)
        menu = menus.get(week_start_of(current))
        to_sample = dishes_to_sample(menu, current) if menu is not None else []
        dishes += len(to_sample)
        found = sample_gaps(current, to_sample, samples[current])
        gaps += len(found)
        problems += [f"{current:%m月%d日}{gap.describe()}" for gap in found[:2]]
    if not dishes:
        return None, f"近{SAMPLE_LOOKBACK_DAYS}日无已公布食谱，无法核对留样。"
    if not gaps:
        return ItemResult.PASS, f"近{SAMPLE_LOOKBACK_DAYS}日食谱所列{dishes}道菜品均按要求留样。"
    shown = "；".join(problems[:3])
    return ItemResult.FAIL, f"近{SAMPLE_LOOKBACK_DAYS}日{dishes}道菜品中留样不合格{gaps}处：{shown}。"


def menus(institution: Institution, day: datetime.date) -> Prefilled:
    if not institution.serves_meals:
        return ItemResult.NOT_APPLICABLE, "机构登记为不供餐。"
    this_week = week_start_of(day)
    weeks = [this_week - datetime.timedelta(weeks=n) for n in range(MENU_LOOKBACK_WEEKS)]
    published = set(
        WeeklyMenu.objects.filter(
            institution=institution, week_start__in=weeks, published_at__isnull=False
        ).values_list("week_start", flat=True)
    )
    if len(published) == len(weeks):
        return ItemResult.PASS, f"近{MENU_LOOKBACK_WEEKS}周（含本周）每周均公布带量食谱。"
    missing = "、".join(f"{week:%m月%d日}" for week in sorted(set(weeks) - published))
    return (
        ItemResult.FAIL,
        f"近{MENU_LOOKBACK_WEEKS}周中{len(weeks) - len(published)}周未公布食谱（{missing}起的一周）。",
    )


def outdoor(institution: Institution, day: datetime.date) -> Prefilled:
    start, end = _window(day)
    in_care = set(
        Attendance.objects.filter(care_class__institution=institution, day__range=(start, end))
        .exclude(status=AttendanceStatus.SENT_HOME)
        .values_list("care_class_id", "day")
        .distinct()
    )
    if not in_care:
        return None, f"近{LOOKBACK_DAYS}日无在托记录。"
    exempt = set(
        WeatherExemption.objects.filter(institution=institution, day__range=(start, end)).values_list(
            "day", flat=True
        )
    )
    minutes: dict[tuple[int, datetime.date], int] = defaultdict(int)
    outings = Outing.objects.filter(
        care_class__institution=institution, day__range=(start, end), returned_at__isnull=False
    ).values_list("care_class_id", "day", "left_at", "returned_at")
    for class_id, outing_day, left, back in outings:
        if back is None:  # pragma: no cover - filtered out above
            continue
        minutes[(class_id, outing_day)] += int((back - left).total_seconds() // 60)
    counted = [key for key in in_care if key[1] not in exempt]
    if not counted:
        return ItemResult.PASS, f"近{LOOKBACK_DAYS}日在托日均为天气原因减免户外活动的日子。"
    enough = sum(1 for key in counted if minutes[key] >= OUTDOOR_MINUTES)
    share = enough / len(counted)
    text = (
        f"近{LOOKBACK_DAYS}日{len(counted)}个班级日中，{enough}个户外活动达到{OUTDOOR_MINUTES // 60}小时"
        f"（{share:.0%}）；天气原因减免{len(exempt)}日。"
    )
    return (ItemResult.PASS if share >= OUTDOOR_SHARE else ItemResult.FAIL), text


def training(institution: Institution, day: datetime.date) -> Prefilled:
    staff = Staff.objects.filter(employed_on(day), institution=institution)
    employed = staff.count()
    if not employed:
        return None, "系统中无在岗工作人员记录。"
    hours = training_hours(staff, day.year)
    trained = sum(1 for value in hours.values() if value > 0)
    text = f"{day.year}年在岗工作人员{employed}名，{trained}名有培训记录，合计{sum(hours.values()):g}学时。"
    return (ItemResult.PASS if trained == employed else ItemResult.FAIL), text


def filing(institution: Institution, day: datetime.date) -> Prefilled:
    if institution.filing_status == FilingStatus.FILED:
        return (
            ItemResult.PASS,
            f"已备案，备案回执{institution.filing_receipt_no}，备案日期{institution.filed_on:%Y年%m月%d日}。",
        )
    return (
        ItemResult.FAIL,
        f"备案状态：{'未备案' if institution.filing_status == FilingStatus.NOT_FILED else '备案已注销'}。",
    )


UNDERGROUND = re.compile(r"地下|负|B\d|^-|\s-|半地下", re.IGNORECASE)


def floors(institution: Institution, day: datetime.date) -> Prefilled:
    used = institution.floors_used.strip()
    if not used:
        return None, "未登记使用楼层。"
    if UNDERGROUND.search(used):
        return ItemResult.FAIL, f"登记使用楼层：{used}，含地下或半地下楼层。"
    numbers = [int(number) for number in re.findall(r"\d+", used)]
    if not numbers:
        return None, f"登记使用楼层：{used}，无法识别楼层。"
    if max(numbers) > HIGHEST_FLOOR:
        return ItemResult.FAIL, f"登记使用楼层：{used}，最高为第{max(numbers)}层。"
    return ItemResult.PASS, f"登记使用楼层：{used}，均在三层及以下，无地下楼层。"


PREFILLS: dict[str, Prefill] = {
    "ratio_30d": ratio_30d,
    "certificates": certificates,
    "morning_checks": morning_checks,
    "food_samples": food_samples,
    "menus": menus,
    "outdoor": outdoor,
    "training": training,
    "filing": filing,
    "floors": floors,
}


def prefill(key: str, institution: Institution, day: datetime.date) -> Prefilled:
    """What the data says for an item prefilled by ``key``; ``(None, "")`` for an item only the inspector
    can judge (no key, or a key no longer known)."""
    function = PREFILLS.get(key)
    if function is None:
        return None, ""
    return function(institution, day)
