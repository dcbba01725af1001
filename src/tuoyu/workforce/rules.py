"""The workforce rules (national rules §5): the director's qualification, a health worker, certificates."""

import datetime
from collections.abc import Iterator

from tuoyu.registry.models import Institution
from tuoyu.rules import Detected, Severity, refusal_rule, rule
from tuoyu.workforce.models import EDUCATION_RANK, CertificateType, Education, Staff, StaffRole
from tuoyu.workforce.selectors import certification_at, staff_employed_at


def _staff_key(person: Staff) -> str:
    return f"staff:{person.code}"


@rule(
    code="STF-01",
    title_zh="负责人资质不符合要求",
    title_en="Director does not meet the qualification requirements",
    source="《托育机构设置标准（试行）》第十八条：负责人应具有大专以上学历、3年以上儿童保育教育或卫生健康等相关管理工作经验，并经岗位培训合格",
    severity=Severity.VIOLATION,
)
def director_qualification(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    staff = staff_employed_at(institution, day)
    directors = [person for person in staff if person.role == StaffRole.DIRECTOR]
    if not directors:
        yield Detected("institution", institution.name, "未登记在岗负责人")
        return
    trained = {
        status.staff.pk
        for status in certification_at(institution, day)
        if status.staff.role == StaffRole.DIRECTOR and CertificateType.DIRECTOR_TRAINING not in status.missing
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
    if not any(person.role == StaffRole.HEALTH_WORKER for person in staff_employed_at(institution, day)):
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
    for status in certification_at(institution, day):
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
    for status in certification_at(institution, day):
        if status.staff.role == StaffRole.SECURITY and CertificateType.SECURITY_GUARD in status.missing:
            yield Detected(_staff_key(status.staff), status.staff.name, "无有效的保安员证")


# Applied when the register or the roster is written --------------------------------------------------------

refusal_rule(
    code="STF-06",
    title_zh="同一人员在职期间不得在其他机构重复登记（防挂靠）",
    title_en="A person employed elsewhere, now or until a later end date, cannot be put on another register",
    source="《托育机构管理规范（试行）》：托育机构工作人员应当与机构签订劳动合同；国家规则§5（防挂靠，按身份证号核验）",
    refused_with=("already_employed",),
)

refusal_rule(
    code="STF-07",
    title_zh="无有效健康证明的人员不得上岗（排班和班级值守一律适用）",
    title_en="Nobody without a valid health certificate goes on duty, by the roster or in a class",
    source="《托儿所幼儿园卫生保健管理办法》第十四条：工作人员上岗前经健康检查，取得健康合格证明后方可上岗",
    refused_with=("staff_not_employed", "health_certificate_missing"),
)
