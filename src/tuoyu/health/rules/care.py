"""The care rules HLT-01..HLT-03: examinations overdue, referrals without an outcome, the yearly
immunisation-certificate re-check (national rules §10, §16.5, §16.8).

- HLT-01 (warning, one finding per institution): children in care with an examination of the schedule
  more than 30 days overdue (``selectors.schedule``: items due since the child came into care).
- HLT-02 (warning, one finding per referral): a referral of a child in care with no outcome recorded 30
  days after it was made. Recording an outcome (the child is being followed up) or closing it ends it.
- HLT-03 (violation, one finding per child): the yearly re-check of the vaccination certificate of the
  year before. It concerns the children who held a place at the institution for the whole of that
  December (from 1 December to 31 December) and still do. The year is covered by an annual re-check dated
  in that year, or by an entry check of that year that found the certificate complete (an incomplete one
  needs the re-check of the catch-up by 31 December, as JC21 asks). The finding is open from 1 January and
  closes when a re-check is recorded, even a late one.
"""

import datetime
from collections.abc import Iterator

from tuoyu.enrolment.selectors import placements_in_care_at
from tuoyu.health.models import ImmunisationCheck, ImmunisationCheckKind, Referral, ReferralReason
from tuoyu.health.selectors.care import REFERRAL_OUTCOME_DAYS
from tuoyu.health.selectors.schedule import KIND_NAMES_ZH, may_fall_overdue, schedules_of
from tuoyu.registry.models import Institution
from tuoyu.rules import Detected, Severity, rule

CHILDREN_IN_EVIDENCE = 20
REASON_NAMES_ZH: dict[str, str] = {
    ReferralReason.GROWTH: "生长发育（营养不良或超重肥胖）",
    ReferralReason.DEVELOPMENT: "心理行为发育预警征象",
    ReferralReason.ANAEMIA: "贫血",
    ReferralReason.HEARING: "听力",
    ReferralReason.OTHER: "其他",
}


@rule(
    code="HLT-01",
    title_zh="在托幼儿健康检查逾期超过30天",
    title_en="Health examinations of children in care more than 30 days overdue",
    source="《托儿所幼儿园卫生保健工作规范》：1～3岁儿童每年健康检查2次，每年血红蛋白（或血常规）检测1次，"
    "1～3岁每年听力筛查1次；《国家基本公共卫生服务规范》0～6岁儿童健康管理：3、6、8、12、18、24、30、36月龄"
    "健康检查；国家规则表16.8：逾期超过30天预警",
    severity=Severity.WARNING,
)
def exams_overdue(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    placements = [p for p in placements_in_care_at(institution, day) if may_fall_overdue(p, day)]
    schedules = [schedule for schedule in schedules_of(placements, day) if schedule.overdue]
    if not schedules:
        return
    items = sum(len(schedule.overdue) for schedule in schedules)
    lines = [
        f"{schedule.child.name}（{schedule.care_class.name if schedule.care_class else ''}）："
        + "、".join(
            f"{KIND_NAMES_ZH[item.kind]}（{item.age_months}月龄，应于{item.due_on:%Y-%m-%d}）"
            for item in schedule.overdue
        )
        for schedule in schedules[:CHILDREN_IN_EVIDENCE]
    ]
    more = (
        f"；另有{len(schedules) - CHILDREN_IN_EVIDENCE}名幼儿"
        if len(schedules) > CHILDREN_IN_EVIDENCE
        else ""
    )
    by_kind: dict[str, int] = {}
    for schedule in schedules:
        for item in schedule.overdue:
            name = f"{item.age_months}月龄{KIND_NAMES_ZH[item.kind]}"
            by_kind[name] = by_kind.get(name, 0) + 1
    counted = "、".join(f"{name}{count}项" for name, count in sorted(by_kind.items()))
    yield Detected(
        "institution",
        institution.name,
        f"{len(schedules)}名幼儿共{items}项检查逾期超过30天：" + "；".join(lines) + more,
        summary=f"{len(schedules)}名幼儿共{items}项检查逾期超过30天：{counted}",
    )


@rule(
    code="HLT-02",
    title_zh="转诊30天未记录转诊结果",
    title_en="Referral without an outcome 30 days after it was made",
    source="《儿童心理保健技术规范》：发现预警征象应及时转诊并追踪随访；国家规则表16.8：转诊后30天无结果预警",
    severity=Severity.WARNING,
)
def referral_without_outcome(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    cutoff = day - datetime.timedelta(days=REFERRAL_OUTCOME_DAYS)
    children_in_care = {placement.child_id for placement in placements_in_care_at(institution, day)}
    referrals = (
        Referral.objects.filter(
            child__in=children_in_care, closed_at__isnull=True, outcome="", referred_on__lt=cutoff
        )
        .select_related("child")
        .order_by("referred_on", "pk")
    )
    for referral in referrals:
        where = f"，转往{referral.referred_to}" if referral.referred_to else ""
        yield Detected(
            f"referral:{referral.pk}",
            referral.child.name,
            f"{referral.referred_on:%Y-%m-%d}因{REASON_NAMES_ZH[referral.reason]}转诊{where}："
            f"{referral.detail}；至今未记录转诊结果",
            summary=f"转诊超过{REFERRAL_OUTCOME_DAYS}天未记录转诊结果",
            about_child=True,
        )


def _covers_year(check: ImmunisationCheck) -> bool:
    return check.kind == ImmunisationCheckKind.ANNUAL or check.complete


@rule(
    code="HLT-03",
    title_zh="在托幼儿未在12月31日前完成年度预防接种证复查",
    title_en="Yearly re-check of the vaccination certificate not done by 31 December",
    source="《儿童入托、入学预防接种证查验办法》（教育部、国家卫生健康委，2021）：对需补种的儿童督促补种，"
    "当年12月31日前完成复查；国家规则表16.5",
    severity=Severity.VIOLATION,
)
def immunisation_recheck_missing(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    year = day.year - 1
    placements = [  # in care from 1 December of that year, through 31 December, until today
        placement
        for placement in placements_in_care_at(institution, day)
        if placement.start_date <= datetime.date(year, 12, 1)
    ]
    checks: dict[int, list[ImmunisationCheck]] = {}
    for check in ImmunisationCheck.objects.filter(
        child__in=[p.child_id for p in placements],
        checked_on__gte=datetime.date(year, 1, 1),
        checked_on__lte=day,
    ).order_by("checked_on", "pk"):
        checks.setdefault(check.child_id, []).append(check)
    seen: set[int] = set()
    for placement in placements:
        child = placement.child
        if child.pk in seen or any(_covers_year(check) for check in checks.get(child.pk, [])):
            continue
        seen.add(child.pk)
        incomplete = [check for check in checks.get(child.pk, []) if not check.complete]
        catch_up = (
            f"；{incomplete[-1].checked_on:%Y-%m-%d}查验缺种：{incomplete[-1].missing_doses}"
            if incomplete
            else ""
        )
        yield Detected(
            f"child:{child.code}",
            child.name,
            f"{placement.care_class.name}，{year}年12月全月在托，{year}年12月31日前未完成预防接种证复查{catch_up}",
            summary=f"{placement.care_class.name}：{year}年12月31日前未完成预防接种证复查",
            about_child=True,
        )
