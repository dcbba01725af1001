"""The demo district's outbreak watch: one past outbreak, reported in time and resolved.

About four weeks before the day of loading (the working day nearest 28 days back), hand, foot and mouth
disease (手足口病) broke out in 爱彼宝's 托小班. One child had fallen ill the evening before; two more showed
the rash at the morning check. The partner hospital confirmed all three that morning, and the health worker
刘芳 recorded the diagnoses one after another: the first opened a report due at once (a notifiable disease),
the other two joined it and made it a cluster (2 or more in a class within 7 days). She submitted the report
within the 2 hours allowed and put the class in quarantine for 10 days (no new children). The children
stayed home for the 14 days of exclusion and came back with a return certificate she checked; no new case
followed, the quarantine ended, and the director 李静 resolved the outbreak. Nothing is active: the
regulator's list shows it under "Resolved", and the children are in care again in the week of daily care.

The rows are written directly, dated in the past, as the services would have written them then (the
services date what they record now, and would alert everyone today).

The week of daily care (``demo.daycare``) is bulk-inserted and sends no ``symptoms_recorded``, so it opens
no outbreak and alerts nobody. Its illness absences are drawn at random, so on some days of loading three
children of a class happen to be absent with the same symptom on one day of that week: the watch never saw
them (nothing was recorded through the services), and a recording made today looks back only to the day
before yesterday.
"""

import datetime
from typing import Any

from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.demo.daycare import is_working_day
from tuoyu.demo.district import PARTNER_HOSPITAL
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.diseases import disease_table_load
from tuoyu.health.models import (
    ClassQuarantine,
    Diagnosis,
    DiagnosisStatus,
    Disease,
    OutbreakReport,
    OutbreakTrigger,
    ReturnCertificate,
)
from tuoyu.registry.models import CareClass

INSTITUTION, CLASS = "爱彼宝济宁托育中心", "托小班"
DAYS_BACK = 28
QUARANTINE_DAYS = 10
CASES = 3
RECORDED_AT = ((9, 20), (10, 5), (10, 30))  # the three diagnoses, on the day of the outbreak
ONSET_DAYS_BEFORE = (1, 0, 0)
REPORTED_AT = (11, 5)
CERTIFICATE_ISSUER = "太白湖新区许庄街道社区卫生服务中心"
REPORT = (
    "托小班发生手足口病聚集性疫情：{first}（发病{first_onset}）、{others}（均于{day}晨检时发现皮疹，发病当日），"
    "经{hospital}儿科确诊为手足口病，共3例。已于{day}上午电话报告太白湖新区疾病预防控制中心和区卫生健康局。"
    "采取的措施：患儿居家隔离14天，凭复课证明返园；托小班医学观察10天，停止接收新入托幼儿、暂停与其他班级混班活动；"
    "教室、卫生间、玩具和餐具按疾控指导用含氯消毒剂消毒，每日两次；全园加强晨午检和因病缺勤追踪；向全体家长发出健康提示。"
)
RESOLUTION = (
    "医学观察期（至{end}）内托小班及全园无新发病例。3名患儿隔离期满，凭社区卫生服务中心复课证明返园，保健员已逐一查验。"
    "班级医学观察期满解除，恢复正常收托和混班活动。经区疾控中心评估同意，本起疫情结案。"
)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _md(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def outbreak_day(today: datetime.date) -> datetime.date:
    """The working day nearest ``DAYS_BACK`` days before ``today`` (the earlier one on a tie)."""
    target = today - datetime.timedelta(days=DAYS_BACK)
    for offset in range(15):
        for day in (target - datetime.timedelta(days=offset), target + datetime.timedelta(days=offset)):
            if is_working_day(day):
                return day
    return target


def _children_of(care_class: CareClass, day: datetime.date) -> list[Child]:
    """Children in the class since before the outbreak who still hold their place today, by name."""
    placed = Placement.objects.filter(
        care_class=care_class,
        start_date__lt=day - datetime.timedelta(days=1),
        ends_on__gt=timezone.localdate(),
    ).values("child")
    return list(Child.objects.filter(pk__in=placed).order_by("name")[:CASES])


def seed_outbreaks(*, users: dict[str, Any]) -> None:
    day = outbreak_day(timezone.localdate())
    care_class = CareClass.objects.select_related("institution").get(
        institution__name=INSTITUTION, name=CLASS
    )
    health_worker: User = users["health_worker"]
    director: User = users["director"]
    disease_table_load(Disease)  # the migration loads it; a flushed database (a test) needs it again
    hfmd = Disease.objects.get(code="hfmd")
    cases = _children_of(care_class, day)

    diagnoses = []
    for child, (hour, minute), days_before in zip(cases, RECORDED_AT, ONSET_DAYS_BEFORE, strict=True):
        onset = day - datetime.timedelta(days=days_before)
        diagnoses.append(
            Diagnosis.objects.create(
                child=child,
                institution=care_class.institution,
                care_class=care_class,
                disease=hfmd,
                status=DiagnosisStatus.CONFIRMED,
                onset_on=onset,
                diagnosed_on=day,
                diagnosed_by=f"{PARTNER_HOSPITAL[0]}儿科",
                excluded_until=onset + datetime.timedelta(days=hfmd.exclusion_days),
                recorded_by=health_worker,
                recorded_at=at(day, hour, minute),
            )
        )

    opened = diagnoses[0].recorded_at  # the first case of a notifiable disease: due at once
    outbreak = OutbreakReport.objects.create(
        institution=care_class.institution,
        care_class=care_class,
        trigger=OutbreakTrigger.DISEASE_CLUSTER,
        disease=hfmd,
        first_day=min(d.onset_on for d in diagnoses),
        last_day=max(d.onset_on for d in diagnoses),
        case_count=len(cases),
        opened_at=opened,
        due_at=opened,
        reported_at=at(day, *REPORTED_AT),
        reported_by=health_worker,
        report=REPORT.format(
            first=cases[0].name,
            first_onset=_md(diagnoses[0].onset_on),
            others="、".join(child.name for child in cases[1:]),
            day=_md(day),
            hospital=PARTNER_HOSPITAL[0],
        ),
    )
    outbreak.cases.set(cases)

    quarantine_end = day + datetime.timedelta(days=QUARANTINE_DAYS - 1)
    ClassQuarantine.objects.create(
        care_class=care_class,
        outbreak=outbreak,
        starts_on=day,
        ends_on=quarantine_end,
        reason="手足口病聚集性疫情，班级医学观察10天",
        created_by=health_worker,
        created_at=at(day, 11, 20),
    )

    for diagnosis in diagnoses:
        ReturnCertificate.objects.create(
            diagnosis=diagnosis,
            issued_by=CERTIFICATE_ISSUER,
            issued_on=diagnosis.excluded_until,
            checked_by=health_worker,
            checked_at=at(diagnosis.excluded_until + datetime.timedelta(days=1), 8, 5),
        )
    back = max(d.excluded_until for d in diagnoses) + datetime.timedelta(days=1)
    outbreak.resolved_at = at(back, 16, 30)
    outbreak.resolved_by = director
    outbreak.resolution = RESOLUTION.format(end=_md(quarantine_end))
    outbreak.save(update_fields=["resolved_at", "resolved_by", "resolution"])
