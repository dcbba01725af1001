"""The compliance rules: each cites its source, has a severity, and finds problems in current data.

A rule is a function of (institution, day) yielding what it detects. Add one with @rule(...); it then
appears in the rules catalogue, the API and every evaluation. docs/national-rules.md holds the sources.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import get_language

from tuoyu.registry.models import FilingStatus, Institution, OperatingStatus
from tuoyu.registry.standards import BAND_STANDARDS
from tuoyu.supervision.models import Severity
from tuoyu.workforce.models import EDUCATION_RANK, CertificateType, Education, Staff, StaffRole, employed_on
from tuoyu.workforce.selectors import certification_of


@dataclass(frozen=True)
class Detected:
    subject_key: str
    subject_label: str
    evidence: str


Evaluator = Callable[[Institution, datetime.date], Iterator[Detected]]


@dataclass(frozen=True)
class Rule:
    code: str
    title_zh: str
    title_en: str
    source: str
    severity: str
    evaluate: Evaluator

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") else self.title_zh


RULES: dict[str, Rule] = {}


def rule(
    *, code: str, title_zh: str, title_en: str, source: str, severity: str
) -> Callable[[Evaluator], Evaluator]:
    def register(evaluate: Evaluator) -> Evaluator:
        if code in RULES:
            raise ValueError(f"Duplicate rule code {code}")
        RULES[code] = Rule(code, title_zh, title_en, source, severity, evaluate)
        return evaluate

    return register


def _staff(institution: Institution, day: datetime.date) -> list[Staff]:
    return list(Staff.objects.filter(employed_on(day), institution=institution).order_by("name"))


def _staff_key(person: Staff) -> str:
    return f"staff:{person.code}"


@rule(
    code="CLS-01",
    title_zh="班级人数上限超过班型规定",
    title_en="Class capacity above its age band's national cap",
    source="《托育机构设置标准（试行）》第十九条：乳儿班不超过10人，托小班不超过15人，托大班不超过20人，混龄班不超过18人",
    severity=Severity.VIOLATION,
)
def class_capacity_above_cap(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    for care_class in institution.classes.all():
        cap = BAND_STANDARDS[care_class.age_band].max_children
        if care_class.capacity > cap:
            yield Detected(
                f"class:{care_class.code}",
                care_class.name,
                f"{care_class.get_age_band_display()}上限{cap}人，班级设置{care_class.capacity}人",
            )


@rule(
    code="PLC-01",
    title_zh="班级托位合计超过备案托位数",
    title_en="Classes hold more places than the filed number",
    source="《托育机构管理规范（试行）》：收托人数不应超过备案托位数（据征求意见稿条文）",
    severity=Severity.VIOLATION,
)
def class_places_above_filed(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    if institution.filing_status != FilingStatus.FILED:
        return
    total = institution.classes.aggregate(total=Sum("capacity", default=0))["total"]
    if total > institution.filed_places:
        yield Detected(
            "institution",
            institution.name,
            f"各班级人数上限合计{total}人，备案托位数{institution.filed_places}个",
        )


@rule(
    code="FIL-01",
    title_zh="未备案开展托育服务",
    title_en="Operating without a filing",
    source="《托育机构登记和备案办法（试行）》第七条：托育机构应当向机构所在地县级卫生健康部门备案",
    severity=Severity.BLOCK,
)
def operating_without_filing(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    if (
        institution.operating_status == OperatingStatus.OPERATING
        and institution.filing_status != FilingStatus.FILED
    ):
        yield Detected(
            "institution",
            institution.name,
            f"运营状态为“运营中”，备案状态为“{institution.get_filing_status_display()}”",
        )


@rule(
    code="STF-01",
    title_zh="负责人资质不符合要求",
    title_en="Director does not meet the qualification requirements",
    source="《托育机构设置标准（试行）》第十八条：负责人应具有大专以上学历、3年以上儿童保育教育或卫生健康等相关管理工作经验，并经岗位培训合格",
    severity=Severity.VIOLATION,
)
def director_qualification(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    directors = [person for person in _staff(institution, day) if person.role == StaffRole.DIRECTOR]
    if not directors:
        yield Detected("institution", institution.name, "未登记在岗负责人")
        return
    trained = {
        status.staff.pk
        for status in certification_of(directors, day)
        if CertificateType.DIRECTOR_TRAINING not in status.missing
    }
    for person in directors:
        gaps = []
        if EDUCATION_RANK[person.education] < EDUCATION_RANK[Education.COLLEGE]:
            gaps.append(f"学历为{person.get_education_display()}，低于大专")
        if person.management_years < 3:
            gaps.append(f"管理工作经验{person.management_years:g}年，不足3年")
        if person.pk not in trained:
            gaps.append("无有效的负责人岗位培训合格证")
        if gaps:
            yield Detected(_staff_key(person), person.name, "；".join(gaps))


@rule(
    code="STF-02",
    title_zh="未配备卫生保健人员",
    title_en="No health-care worker named",
    source="《托育机构设置标准（试行）》第十八条；《托育机构卫生评价基本标准（试行）》：至少配备1名专职或兼职卫生保健人员",
    severity=Severity.VIOLATION,
)
def no_health_worker(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    if not any(person.role == StaffRole.HEALTH_WORKER for person in _staff(institution, day)):
        yield Detected("institution", institution.name, "在岗人员中没有卫生保健人员")


@rule(
    code="STF-03",
    title_zh="在岗人员缺少有效健康证或无犯罪记录证明",
    title_en="Staff without a valid health certificate or no-criminal-record certificate",
    source="《托儿所幼儿园卫生保健管理办法》第十四条（上岗前健康检查，取得健康合格证明）；"
    "WS/T 821—2023（无犯罪记录证明）",
    severity=Severity.VIOLATION,
)
def staff_without_basic_certificates(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    basic = {CertificateType.HEALTH, CertificateType.NO_CRIMINAL_RECORD}
    for status in certification_of(_staff(institution, day), day):
        lacking = sorted(basic & status.missing)
        if lacking:
            names = "、".join(str(CertificateType(kind).label) for kind in lacking)
            yield Detected(_staff_key(status.staff), status.staff.name, f"缺少有效的{names}")


@rule(
    code="STF-04",
    title_zh="保安员未持保安员证",
    title_en="Security guard without a security-guard certificate",
    source="《托育机构设置标准（试行）》第十八条：保安人员应取得公安机关颁发的《保安员证》",
    severity=Severity.VIOLATION,
)
def guard_without_certificate(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    guards = [person for person in _staff(institution, day) if person.role == StaffRole.SECURITY]
    for status in certification_of(guards, day):
        if CertificateType.SECURITY_GUARD in status.missing:
            yield Detected(_staff_key(status.staff), status.staff.name, "无有效的保安员证")
