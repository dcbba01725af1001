"""The numbers of supervision's cases: deadlines of rectification orders by severity, the escalation ladder
of an overdue order, the time to start a complaint, and the weights of the risk score.

These are the district regulator's own rules (the national texts name rectification, interviews and public
notice without fixing days); a district changes them by a migration that adds a dated row.
"""

import datetime

from django.db import migrations

SINCE = datetime.date(2024, 1, 1)
LOCAL = "区卫健局托育机构监管工作规程（可配置）"
VALUES = {
    # Working days given to rectify, by the finding's severity.
    "rectification.deadline.block": (5, LOCAL + "：严重问题5个工作日内整改"),
    "rectification.deadline.violation": (10, LOCAL + "：一般违规10个工作日内整改"),
    "rectification.deadline.warning": (20, LOCAL + "：提示性问题20个工作日内整改"),
    # The ladder of an overdue order: working days past the deadline at which each step is taken.
    "cases.escalate.reminder": (1, LOCAL + "：逾期即催办"),
    "cases.escalate.interview": (5, LOCAL + "：逾期5个工作日约谈机构负责人"),
    "cases.escalate.public_notice": (10, LOCAL + "：逾期10个工作日向社会公示"),
    "cases.escalate.suspension": (20, LOCAL + "：逾期20个工作日提出暂停服务建议"),
    # Complaints: started within 10 working days of receipt.
    "complaints.start_days": (10, LOCAL + "：投诉举报自收到之日起10个工作日内开始办理"),
    # The risk score: points per open finding by severity and per other signal.
    "risk.finding.block": (10, LOCAL + "：风险分值"),
    "risk.finding.violation": (4, LOCAL + "：风险分值"),
    "risk.finding.warning": (1, LOCAL + "：风险分值"),
    "risk.rectification_overdue": (8, LOCAL + "：风险分值"),
    "risk.complaint_substantiated": (6, LOCAL + "：风险分值（近12个月）"),
    "risk.grade.C": (6, LOCAL + "：风险分值（最近一次评估等级）"),
    "risk.grade.D": (12, LOCAL + "：风险分值（最近一次评估等级）"),
    "risk.never_inspected": (4, LOCAL + "：风险分值"),
    "risk.data_gap_day": (1, LOCAL + "：风险分值（近30天每缺一天晨检或一周食谱）"),
    "risk.outbreak": (5, LOCAL + "：风险分值（近90天）"),
    # Risk groups: a score at or above the cut-off.
    "risk.group.high": (20, LOCAL + "：高风险分组下限"),
    "risk.group.medium": (6, LOCAL + "：中风险分组下限"),
}


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policies", "PolicyValue")
    for key, (value, source) in VALUES.items():
        PolicyValue.objects.update_or_create(
            key=key, effective_from=SINCE, defaults={"value": value, "source": source}
        )


def unload(apps, schema_editor):
    apps.get_model("policies", "PolicyValue").objects.filter(key__in=VALUES, effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_vaccination_check_days")]

    operations = [migrations.RunPython(load, unload)]
