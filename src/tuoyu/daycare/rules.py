"""The daily-care compliance rules DAY-01..DAY-07 (national rules §16.2 ratios and §16.6 daily operation).

Registered in the rules registry (tuoyu.rules) when this module is imported, which
``DaycareConfig.ready()`` does. Each rule reads a few rows of one institution:

- about *today* (the ``day`` evaluated, when it is today): open ratio breaches, morning checks missing at the
  deadline once it has passed, abnormal checks left more than 2 hours without a notified guardian;
- about *completed days* of the last week (``DAILY_WINDOW_DAYS`` days up to ``day``, before today): outdoor
  time, food samples, morning checks; a finding about such a day closes by itself a week later.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import TruncTime
from django.utils import timezone

from tuoyu.daycare.models import (
    FEVER_FROM,
    IN_CARE_STATUSES,
    Attendance,
    AttendanceStatus,
    CheckDecision,
    CheckKind,
    FoodSample,
    HealthCheck,
    Outing,
    RatioBreach,
    WeatherExemption,
    WeeklyMenu,
)
from tuoyu.daycare.selectors.supervision import (
    dishes_to_sample,
    morning_deadline,
    outing_minutes,
    sample_gaps,
    week_start_of,
)
from tuoyu.enrolment.selectors import placements_in_care_at
from tuoyu.registry.models import CareClass, Institution, OperatingStatus, ServiceType
from tuoyu.registry.selectors import classes_of
from tuoyu.rules import Detected, Severity, refusal_rule, rule, shared_read
from tuoyu.workdays import is_working_day

DAILY_WINDOW_DAYS = 7
"""Completed days looked back on: ``day`` and the 6 days before it (those before today)."""
NOTIFY_HOURS = 2
"""An abnormal check needs the guardian notified and the action recorded within this many hours (§16.6)."""

CHECK_NAMES: dict[str, str] = {CheckKind.MORNING: "晨检", CheckKind.NOON: "午检"}
DECISION_NAMES: dict[str, str] = {
    CheckDecision.ADMIT: "入园",
    CheckDecision.WATCH: "入园观察",
    CheckDecision.SEND_HOME: "劝返回家",
}


def _md(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def _hm(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _completed_days(day: datetime.date) -> list[datetime.date]:
    """The days of the window that are over (before today)."""
    today = timezone.localdate()
    window = (day - datetime.timedelta(days=offset) for offset in range(DAILY_WINDOW_DAYS))
    return sorted(d for d in window if d < today)


def _operating(institution: Institution) -> bool:
    return institution.operating_status == OperatingStatus.OPERATING


def _classes(institution: Institution) -> dict[int, CareClass]:
    return {care_class.pk: care_class for care_class in classes_of(institution)}


def _names(names: list[str], limit: int = 10) -> str:
    shown = "、".join(sorted(names)[:limit])
    return shown + (f"等{len(names)}人" if len(names) > limit else "")


class DayInCare(NamedTuple):
    """An attendance of the window as the daily rules read it."""

    pk: int
    care_class_id: int
    day: datetime.date
    status: str
    checked_in_at: datetime.datetime
    arrived_at: datetime.time  # checked_in_at, local time
    child_name: str
    service_type: str  # of the child's place
    morning_checked_at: datetime.datetime | None  # None: no morning check


@shared_read
def _days_in_care(institution: Institution, day: datetime.date) -> tuple[DayInCare, ...]:
    """The attendances of the completed days of the window, and of ``day`` when it is today, with their
    morning checks: the rows DAY-02, DAY-04, DAY-05, DAY-07 and DAY-11 read (once per evaluation)."""
    days = _completed_days(day) + ([day] if day == timezone.localdate() else [])
    if not days:
        return ()
    rows = (
        Attendance.objects.filter(care_class__institution=institution, day__in=days)
        .annotate(
            morning=FilteredRelation("health_checks", condition=Q(health_checks__kind=CheckKind.MORNING)),
            arrived_at=TruncTime("checked_in_at"),
        )
        .order_by()
        .values_list(  # the fields of DayInCare, in order
            "pk",
            "care_class_id",
            "day",
            "status",
            "checked_in_at",
            "arrived_at",
            "child__name",
            "placement__service_type",
            "morning__checked_at",
        )
    )
    return tuple(DayInCare._make(row) for row in rows)


@rule(
    code="DAY-01",
    title_zh="在岗持证保育人员少于师幼比要求",
    title_en="Fewer certified caregivers on duty than the caregiver ratio requires",
    source="《托育机构设置标准（试行）》第二十条：保育人员与婴幼儿的比例，乳儿班不低于1:3，托小班不低于1:5，"
    "托大班不低于1:7（混龄班按本地设定，默认1:5）；只计持证保育人员",
    severity=Severity.VIOLATION,
)
def ratio_breached(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    breaches = (
        RatioBreach.objects.filter(care_class__institution=institution)
        .filter(Q(day=day) | Q(ended_at__isnull=True))
        .select_related("care_class")
        .order_by("care_class__name", "started_at")
    )
    by_class: dict[int, list[RatioBreach]] = defaultdict(list)
    for breach in breaches:
        by_class[breach.care_class_id].append(breach)
    for found in by_class.values():
        care_class = found[0].care_class
        lines = [
            f"{_md(b.day)} {_hm(b.started_at)}–{_hm(b.ended_at) if b.ended_at else '（未结束）'}："
            f"在园{b.children_present}人，需持证保育人员{b.caregivers_required}人，在岗{b.caregivers_on_duty}人"
            for b in found
        ]
        yield Detected(f"class:{care_class.code}", care_class.name, "；".join(lines))


@rule(
    code="DAY-02",
    title_zh="全日托幼儿户外活动不足2小时",
    title_en="Less than 2 hours outdoors for a full-day class",
    source="《托儿所幼儿园卫生保健工作规范》：全日制婴幼儿每日户外活动时间不少于2小时，"
    "寒冷、炎热季节或特殊天气可酌情调整（记录天气豁免）",
    severity=Severity.WARNING,
)
def outdoor_time_short(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    days = _completed_days(day)
    if not days or not _operating(institution):
        return
    full_day = {
        (attendance.care_class_id, attendance.day)
        for attendance in _days_in_care(institution, day)
        if attendance.day in days
        and attendance.service_type == ServiceType.FULL_DAY
        and attendance.status != AttendanceStatus.SENT_HOME
    }
    if not full_day:
        return
    exempt = set(
        WeatherExemption.objects.filter(institution=institution, day__in=days).values_list("day", flat=True)
    )
    minutes: dict[tuple[int, datetime.date], int] = defaultdict(int)
    outings = Outing.objects.filter(
        care_class__institution=institution, day__in=days, returned_at__isnull=False
    ).values_list("care_class_id", "day", "left_at", "returned_at")
    for class_id, outing_day, left_at, returned_at in outings:
        minutes[class_id, outing_day] += outing_minutes(left_at, returned_at)
    classes = _classes(institution)
    need = settings.OUTDOOR_MINUTES_PER_DAY
    for class_id, class_day in sorted(full_day, key=lambda pair: (pair[1], pair[0])):
        spent = minutes[class_id, class_day]
        if class_day in exempt or spent >= need:
            continue
        care_class = classes[class_id]
        yield Detected(
            f"outdoor:{care_class.code}:{class_day.isoformat()}",
            f"{care_class.name} {_md(class_day)}",
            f"{_md(class_day)}户外活动{spent}分钟，少于{need}分钟，当日无天气豁免",
        )


def _serves_children(institution: Institution, day: datetime.date) -> bool:
    return bool(placements_in_care_at(institution, day))


@shared_read
def _menus(institution: Institution, day: datetime.date) -> dict[datetime.date, WeeklyMenu]:
    """Week start -> the institution's menu of the weeks of the window, published or not (DAY-03 and DAY-04
    read it once per evaluation and do not change it)."""
    first = day - datetime.timedelta(days=DAILY_WINDOW_DAYS - 1)
    menus = WeeklyMenu.objects.filter(
        institution=institution, week_start__gte=week_start_of(first), week_start__lte=week_start_of(day)
    )
    return {menu.week_start: menu for menu in menus}


@rule(
    code="DAY-03",
    title_zh="本周带量食谱未在周一前向家长公布",
    title_en="This week's menu not published to families by Monday",
    source="《托儿所幼儿园卫生保健工作规范》：制定带量食谱，1～2周更换一次；"
    "WS/T 821—2023 7.3.1：每周向家长公布食谱",
    severity=Severity.WARNING,
)
def menu_not_published(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    monday = week_start_of(day)
    if day == monday or not institution.serves_meals or not _operating(institution):
        return
    if not _serves_children(institution, day):
        return
    menu = _menus(institution, day).get(monday)
    if menu is not None and menu.published_at is not None:
        published_on = timezone.localdate(menu.published_at)
        if published_on <= monday:
            return
        evidence = f"{_md(monday)}起一周的食谱于{_md(published_on)}公布，晚于周一"
    else:
        evidence = f"{_md(monday)}起一周的食谱尚未向家长公布"
    yield Detected(f"menu:{monday.isoformat()}", f"{_md(monday)}起一周食谱", evidence)


@rule(
    code="DAY-04",
    title_zh="食品留样缺失、不足100克或冷藏不足48小时",
    title_en="Food sample missing, under 100 g, or kept under 48 hours",
    source="《托儿所幼儿园卫生保健工作规范》：每餐次每样食品留样，每样不少于100克，"
    "冷藏保存48小时以上，并做好记录（正餐每道菜，至少午餐）",
    severity=Severity.VIOLATION,
)
def food_sample_gaps(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    days = _completed_days(day)
    if not days or not institution.serves_meals:
        return
    served = sorted(
        {attendance.day for attendance in _days_in_care(institution, day) if attendance.day in days}
    )
    if not served:
        return
    menus = {week: menu for week, menu in _menus(institution, day).items() if menu.published_at is not None}
    samples: dict[datetime.date, list[FoodSample]] = defaultdict(list)
    for sample in FoodSample.objects.filter(institution=institution, day__in=served):
        samples[sample.day].append(sample)
    for served_day in served:
        menu = menus.get(week_start_of(served_day))
        dishes = dishes_to_sample(menu, served_day) if menu is not None else []
        gaps = sample_gaps(served_day, dishes, samples[served_day])
        if gaps:
            yield Detected(
                f"samples:{served_day.isoformat()}",
                f"{_md(served_day)}食品留样",
                "；".join(gap.describe() for gap in gaps),
            )


@shared_read
def _morning_checks(
    institution: Institution, day: datetime.date
) -> dict[tuple[int, datetime.date], tuple[list[str], list[str], int, int]]:
    """(class id, day) -> (children checked in by the deadline, those without a morning check by then,
    check-ins of the day, morning checks of the day), for the completed days of the window and today once
    its deadline has passed. DAY-05 and DAY-07 read it (once per evaluation) and do not change it."""
    days = set(_completed_days(day))
    now = timezone.now()
    if day == timezone.localdate(now) and now >= morning_deadline(day):
        days.add(day)
    deadlines = {checked_day: morning_deadline(checked_day) for checked_day in days}
    result: dict[tuple[int, datetime.date], tuple[list[str], list[str], int, int]] = {}
    for attendance in _days_in_care(institution, day):
        if attendance.day not in days:
            continue
        by_deadline, missing, check_ins, checks = result.get(
            (attendance.care_class_id, attendance.day), ([], [], 0, 0)
        )
        deadline = deadlines[attendance.day]
        checked_at = attendance.morning_checked_at
        if attendance.checked_in_at <= deadline:
            by_deadline.append(attendance.child_name)
            if checked_at is None or checked_at > deadline:
                missing.append(attendance.child_name)
        result[attendance.care_class_id, attendance.day] = (
            by_deadline,
            missing,
            check_ins + 1,
            checks + (checked_at is not None),
        )
    return result


@rule(
    code="DAY-05",
    title_zh="晨检截止时间前未完成晨检",
    title_en="Morning checks not done by the deadline",
    source="《托育机构管理规范（试行）》第二十四条；WS/T 821—2023 7.2.3：每日晨午检"
    "（晨检截止时间为本地设定，默认9:30）",
    severity=Severity.WARNING,
)
def morning_checks_late(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    today = timezone.localdate()
    classes = _classes(institution)
    deadline = settings.MORNING_CHECK_DEADLINE
    for (class_id, class_day), (by_deadline, missing, _ins, checks) in sorted(
        _morning_checks(institution, day).items(), key=lambda item: (item[0][1], item[0][0])
    ):
        if not missing or (class_day < today and checks == 0):  # a day without any check: DAY-07
            continue
        care_class = classes[class_id]
        yield Detected(
            f"morning:{care_class.code}:{class_day.isoformat()}",
            f"{care_class.name} {_md(class_day)}",
            f"{_md(class_day)} {deadline}前入园{len(by_deadline)}人，"
            f"按时晨检{len(by_deadline) - len(missing)}人；未按时晨检：{_names(missing)}",
            summary=f"{_md(class_day)} {deadline}前入园{len(by_deadline)}人，"
            f"按时晨检{len(by_deadline) - len(missing)}人，未按时晨检{len(missing)}人",
        )


_ABNORMAL = (
    ~Q(observations=[]) | Q(temperature_c__gte=Decimal(str(FEVER_FROM))) | ~Q(decision=CheckDecision.ADMIT)
)
"""The checks ``HealthCheck.is_abnormal`` calls abnormal, in SQL: nearly every check is normal."""


@rule(
    code="DAY-06",
    title_zh="晨午检异常未在2小时内告知家长并记录处理",
    title_en="Abnormal health check without the guardian told and the action recorded within 2 hours",
    source="《托育机构管理规范（试行）》第二十四条：发现异常及时告知监护人并处理；"
    "本地要求2小时内记录告知时间和处理措施",
    severity=Severity.VIOLATION,
)
def abnormal_check_unhandled(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    now = timezone.now()
    allowed = datetime.timedelta(hours=NOTIFY_HOURS)
    first = day - datetime.timedelta(days=DAILY_WINDOW_DAYS - 1)
    candidates = (
        HealthCheck.objects.filter(
            attendance__care_class__institution=institution,
            attendance__day__gte=first,
            attendance__day__lte=day,
            checked_at__lte=now - allowed,
        )
        .filter(
            Q(guardian_notified_at__isnull=True)
            | Q(action="")
            | Q(guardian_notified_at__gt=F("checked_at") + allowed)
        )
        .filter(_ABNORMAL)
        .select_related("attendance__child", "attendance__care_class")
        .order_by("checked_at")
    )
    for check in candidates:
        if not check.is_abnormal:  # what _ABNORMAL selects, exactly as a check judges itself
            continue
        gaps = []
        if check.guardian_notified_at is None:
            gaps.append("未记录告知家长时间")
        elif check.guardian_notified_at > check.checked_at + allowed:
            gaps.append(f"{_hm(check.guardian_notified_at)}才告知家长，超过{NOTIFY_HOURS}小时")
        if not check.action:
            gaps.append("未记录处理措施")
        kind = CHECK_NAMES.get(check.kind, check.kind)
        decision = DECISION_NAMES.get(check.decision, check.decision)
        yield Detected(
            f"check:{check.pk}",
            check.attendance.child.name,
            f"{_md(check.attendance.day)} {_hm(check.checked_at)}{kind}异常"
            f"（体温{check.temperature_c}℃，{decision}）：{'；'.join(gaps)}",
            summary=f"{check.attendance.care_class.name}：{kind}异常未在{NOTIFY_HOURS}小时内告知家长并记录处理",
            about_child=True,
        )


@rule(
    code="DAY-07",
    title_zh="班级有幼儿在园但全天无晨检记录",
    title_en="A class with children present and no morning check all day",
    source="《托育机构管理规范（试行）》第二十四条；WS/T 821—2023 7.2.3：每日晨午检",
    severity=Severity.VIOLATION,
)
def morning_checks_missing_all_day(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    today = timezone.localdate()
    classes = _classes(institution)
    for (class_id, class_day), (_by, _missing, check_ins, checks) in sorted(
        _morning_checks(institution, day).items(), key=lambda item: (item[0][1], item[0][0])
    ):
        if class_day < today and check_ins and not checks:
            care_class = classes[class_id]
            yield Detected(
                f"morning:{care_class.code}:{class_day.isoformat()}",
                f"{care_class.name} {_md(class_day)}",
                f"{_md(class_day)}入园{check_ins}人，全天无晨检记录",
            )


@rule(
    code="DAY-11",
    title_zh="在闭园日或开放时间以外接收婴幼儿入园",
    title_en="Children checked in on a closed day or outside the opening hours",
    source="《托育机构管理规范（试行）》：托育机构应当按照公示的服务时间提供服务，闭园日不收托；"
    "法定节假日按国务院办公厅发布的放假安排（国家规则§16.6）",
    severity=Severity.WARNING,
)
def check_ins_outside_open_days(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    days = _completed_days(day) + ([day] if day == timezone.localdate() else [])
    if not days:
        return
    arrivals = [
        attendance for attendance in _days_in_care(institution, day) if attendance.status in IN_CARE_STATUSES
    ]
    if not arrivals:
        return
    closed = set(institution.closed_days.filter(day__in=days).values_list("day", flat=True))
    closed |= {closed_day for closed_day in days if not is_working_day(closed_day)}
    on_closed: dict[datetime.date, int] = defaultdict(int)
    outside: dict[datetime.date, int] = defaultdict(int)
    for arrival in arrivals:
        if arrival.day in closed:
            on_closed[arrival.day] += 1
        elif not institution.opens_at <= arrival.arrived_at < institution.closes_at:
            outside[arrival.day] += 1
    hours = f"{institution.opens_at:%H:%M}–{institution.closes_at:%H:%M}"
    lines = [f"{_md(d)}（闭园日）入园{n}人" for d, n in sorted(on_closed.items())]
    lines += [f"{_md(d)} 开放时间（{hours}）以外入园{n}人" for d, n in sorted(outside.items())]
    if lines:
        yield Detected("institution", institution.name, "；".join(lines))


# Applied when the day in care is recorded ------------------------------------------------------------------

refusal_rule(
    code="DAY-08",
    title_zh="留样时间须在餐次供应之后，且不得登记未供应的餐次",
    title_en="A food sample is refrigerated after its meal was served, and no meal is sampled before it is",
    source="《托儿所幼儿园卫生保健工作规范》：每餐次每样食品留样，冷藏48小时以上（国家规则§8.9）",
    refused_with=("meal_in_future", "refrigerated_before_meal"),
)

refusal_rule(
    code="DAY-09",
    title_zh="喂药须凭家长委托，药品和剂量须与委托一致",
    title_en="Medicine only as the guardian instructed: that medicine, at most that dose",
    source="《托育机构管理规范（试行）》：婴幼儿用药须有监护人书面委托，按委托药品和剂量喂服（国家规则§8）",
    refused_with=("medication_without_instruction", "medicine_not_instructed", "dose_above_instruction"),
)

refusal_rule(
    code="DAY-10",
    title_zh="离园3个月以上的婴幼儿返园前须重新体检",
    title_en="A child away 3 months or more is examined again before coming back",
    source="《托育机构管理规范（试行）》第十一条；《托儿所幼儿园卫生保健工作规范》：离园3个月以上的，须重新按照入园（所）检查项目进行健康检查",
    refused_with=("exam_after_absence_required",),
)
