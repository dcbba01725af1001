"""Rows the risk and planning tests put in place directly: findings, cases, complaints, inspections."""

import datetime
import itertools

from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.cases.models import Case
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import COMPLAINT, CONCLUDED, ISSUED, RECTIFICATION
from tuoyu.supervision.models import (
    Checklist,
    Complaint,
    ComplaintCategory,
    Finding,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
)

_numbers = itertools.count(1)


def finding(institution: Institution, severity: str, **fields: object) -> Finding:
    n = next(_numbers)
    defaults: dict[str, object] = {
        "rule_code": "STF-01",
        "severity": severity,
        "institution": institution,
        "subject_key": f"test:{n}",
        "subject_label": f"对象{n}",
        "evidence": "测试证据",
        "detected_at": timezone.now(),
    }
    return Finding.objects.create(**{**defaults, **fields})


def case(institution: Institution, kind: str = RECTIFICATION, **fields: object) -> Case:
    n = next(_numbers)
    now = timezone.now()
    defaults: dict[str, object] = {
        "kind": kind,
        "number": f"测试〔2026〕{n}号",
        "institution": institution,
        "subject": "消防通道堆放杂物",
        "status": ISSUED,
        "opened_at": now - datetime.timedelta(days=30),
        "updated_at": now,
    }
    return Case.objects.create(**{**defaults, **fields})


def complaint(institution: Institution, outcome: str, closed_at: datetime.datetime) -> Complaint:
    handled = case(institution, COMPLAINT, status=CONCLUDED, outcome=outcome, closed_at=closed_at)
    return Complaint.objects.create(
        ticket=f"T{next(_numbers):08d}",
        case=handled,
        category=ComplaintCategory.CARE,
        content="保育人员态度粗暴。",
        anonymous=True,
        received_at=closed_at - datetime.timedelta(days=20),
    )


def checklist() -> Checklist:
    return Checklist.objects.get_or_create(
        code="test-routine", defaults={"name": "日常检查", "source": "测试", "max_score": 100}
    )[0]


def inspection(
    institution: Institution,
    inspector: User,
    *,
    grade: str = "",
    completed: bool = True,
    started_at: datetime.datetime | None = None,
    plan: InspectionPlan | None = None,
) -> Inspection:
    started = started_at or timezone.now() - datetime.timedelta(days=60)
    return Inspection.objects.create(
        number=f"检查{next(_numbers)}",
        institution=institution,
        checklist=checklist(),
        kind=InspectionKind.ROUTINE,
        plan=plan,
        inspector=inspector,
        status=InspectionStatus.COMPLETED if completed else InspectionStatus.IN_PROGRESS,
        started_at=started,
        ended_at=started + datetime.timedelta(hours=2) if completed else None,
        grade=grade,
    )
