"""The outbreak rule OUT-01 (national rules §9.1, §9.2, §16.7): an outbreak report not submitted by its
deadline.

A cluster is reported within 24 hours; a notifiable case at once, with ``IMMEDIATE_REPORT_HOURS`` of grace.
The finding stands while the report is missing and, once it came late, until the outbreak is resolved.
Nobody writes when a deadline passes: the daily ``evaluate_rules`` (and any change at the institution)
finds it.
"""

import datetime
from collections.abc import Iterator

from django.utils import timezone

from tuoyu.daycare.models import Symptom
from tuoyu.health.models import OutbreakReport, OutbreakTrigger
from tuoyu.health.selectors.outbreaks import IMMEDIATE_REPORT_HOURS, report_late_after
from tuoyu.registry.models import Institution
from tuoyu.rules import Detected, Severity, rule

TRIGGER_NAMES: dict[str, str] = {
    OutbreakTrigger.SAME_DAY: "同一班级1天内3例及以上相同症状",
    OutbreakTrigger.THREE_DAYS: "同一班级连续3天内5例及以上相同症状",
    OutbreakTrigger.DISEASE_CLUSTER: "传染病聚集性疫情",
    OutbreakTrigger.NOTIFIABLE_CASE: "法定传染病病例（含疑似）",
}
SYMPTOM_NAMES: dict[str, str] = {
    Symptom.FEVER: "发热",
    Symptom.RESPIRATORY: "咳嗽等呼吸道症状",
    Symptom.GASTRO: "腹泻或呕吐",
    Symptom.RASH: "皮疹",
    Symptom.EYE: "眼部症状",
    Symptom.OTHER: "其他",
}


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _evaluated_at(day: datetime.date) -> datetime.datetime:
    """Now when evaluating today (or a day ahead); the end of ``day`` when evaluating a past day."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def outbreak_label(outbreak: OutbreakReport) -> str:
    where = outbreak.care_class.name if outbreak.care_class is not None else "全园"
    what = outbreak.disease.name if outbreak.disease is not None else SYMPTOM_NAMES.get(outbreak.symptom, "")
    return f"{where}{what}（{outbreak.first_day.month}月{outbreak.first_day.day}日起）"


@rule(
    code="OUT-01",
    title_zh="传染病疫情未按时报告",
    title_en="Outbreak report not submitted in time",
    source="《学校和托幼机构传染病疫情报告工作规范（试行）》：同一班级1天内3例或连续3天内5例以上相似症状，"
    f"24小时内报告；发现传染病病例或疑似病例，立即报告（平台允许{IMMEDIATE_REPORT_HOURS}小时）",
    severity=Severity.VIOLATION,
)
def outbreak_report_overdue(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    moment = _evaluated_at(day)
    outbreaks = (
        OutbreakReport.objects.filter(
            institution=institution, resolved_at__isnull=True, opened_at__lte=moment
        )
        .select_related("care_class", "disease")
        .order_by("due_at", "pk")
    )
    for outbreak in outbreaks:
        late_after = report_late_after(outbreak)
        reported = outbreak.reported_at
        if reported is None and moment > late_after:
            evidence = f"{TRIGGER_NAMES[outbreak.trigger]}，应于{_when(late_after)}前报告，至今未报告"
        elif reported is not None and reported > late_after:
            evidence = (
                f"{TRIGGER_NAMES[outbreak.trigger]}，应于{_when(late_after)}前报告，{_when(reported)}才报告"
            )
        else:
            continue
        yield Detected(
            f"outbreak:{outbreak.pk}", outbreak_label(outbreak), f"{evidence}（共{outbreak.case_count}例）"
        )
