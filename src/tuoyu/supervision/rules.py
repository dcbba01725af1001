"""The compliance rules: each cites its source, has a severity, and finds problems in current data.

A rule is a function of (institution, day) yielding what it detects. Add one with @rule(...); it then
appears in the rules catalogue, the API and every evaluation. docs/national-rules.md holds the sources.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import get_language

from tuoyu.enrolment.eligibility import age_refusal
from tuoyu.enrolment.models import CareTask, Placement, ServiceAgreement, TaskKind, completed_months
from tuoyu.registry.models import FilingStatus, Institution, OperatingStatus
from tuoyu.registry.standards import BAND_STANDARDS, AgeBand
from tuoyu.supervision.models import Severity
from tuoyu.workforce.models import EDUCATION_RANK, CertificateType, Education, Staff, StaffRole, employed_on
from tuoyu.workforce.selectors import certification_of


@dataclass(frozen=True)
class Detected:
    """What a rule found. ``subject_label`` and ``evidence`` are for the institution's own staff and may name
    children; ``summary`` is the same finding as a regulator reads it (class-level words and counts, never a
    child's name or health detail) and is required whenever the evidence names a child. A finding about one
    child (``about_child``) is shown to regulators counted with the others of its rule and summary."""

    subject_key: str
    subject_label: str
    evidence: str
    summary: str = ""
    about_child: bool = False


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


# Enrolment (national rules §4, §7, §16.2, §16.5) ------------------------------------------------------


def _active_placements(institution: Institution, day: datetime.date) -> list[Placement]:
    return list(
        Placement.objects.filter(institution=institution, start_date__lte=day, ends_on__gt=day)
        .select_related("child", "care_class")
        .order_by("care_class__name", "child__name")
    )


def _child_key(placement: Placement) -> str:
    return f"child:{placement.child.code}"


@rule(
    code="ENR-01",
    title_zh="在托人数超过备案托位数",
    title_en="More children in care than filed places",
    source="《托育机构管理规范（试行）》：收托人数不应超过备案托位数（据征求意见稿条文）",
    severity=Severity.VIOLATION,
)
def enrolled_above_filed(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    enrolled = len(_active_placements(institution, day))
    if enrolled > institution.filed_places:
        yield Detected(
            "institution", institution.name, f"在托{enrolled}人，备案托位数{institution.filed_places}个"
        )


@rule(
    code="ENR-02",
    title_zh="班级在托人数超过班级人数上限",
    title_en="A class holds more children than its capacity or band cap",
    source="《托育机构设置标准（试行）》第十九条：乳儿班不超过10人，托小班不超过15人，托大班不超过20人，混龄班不超过18人",
    severity=Severity.VIOLATION,
)
def class_above_capacity(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    counts: dict[int, int] = {}
    for placement in _active_placements(institution, day):
        counts[placement.care_class_id] = counts.get(placement.care_class_id, 0) + 1
    for care_class in institution.classes.all():
        limit = min(care_class.capacity, BAND_STANDARDS[care_class.age_band].max_children)
        if counts.get(care_class.pk, 0) > limit:
            yield Detected(
                f"class:{care_class.code}",
                care_class.name,
                f"在托{counts[care_class.pk]}人，上限{limit}人",
            )


@rule(
    code="ENR-03",
    title_zh="混龄班收托不满18月龄的幼儿",
    title_en="A child under 18 months in a mixed-age class",
    source="《托育机构设置标准（试行）》第十九条：18个月以上的婴幼儿可混合编班",
    severity=Severity.VIOLATION,
)
def mixed_class_under_18_months(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    for placement in _active_placements(institution, day):
        age = completed_months(placement.child.birth_date, day)
        if placement.care_class.age_band == AgeBand.MIXED and age < 18:
            yield Detected(
                _child_key(placement),
                placement.child.name,
                f"{placement.care_class.name}，{age}月龄",
                summary=f"{placement.care_class.name}：未满18月龄的幼儿在混龄班",
                about_child=True,
            )


@rule(
    code="ENR-04",
    title_zh="幼儿月龄与所在班级年龄段不符",
    title_en="A child's age does not fit the class's age band",
    source="《托育机构设置标准（试行）》第十九条（班型年龄段）；国家规则表16.2（宽限期30天）",
    severity=Severity.WARNING,
)
def child_age_outside_band(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    for placement in _active_placements(institution, day):
        refusal = age_refusal(placement.child.birth_date, placement.care_class.age_band, day)
        if refusal is not None and not (
            placement.care_class.age_band == AgeBand.MIXED
            and completed_months(placement.child.birth_date, day) < 18
        ):
            age = completed_months(placement.child.birth_date, day)
            band = placement.care_class.get_age_band_display()
            yield Detected(
                _child_key(placement),
                placement.child.name,
                f"{placement.care_class.name}（{band}），{age}月龄",
                summary=f"{placement.care_class.name}（{band}）：幼儿月龄与班级年龄段不符",
                about_child=True,
            )


@rule(
    code="ENR-05",
    title_zh="入托30日内未查验预防接种证",
    title_en="Vaccination certificate not checked within 30 days of the start",
    source="《关于做好入托、入学儿童预防接种证查验工作的通知》：新入托儿童应在入托后30日内完成查验",
    severity=Severity.VIOLATION,
)
def vaccination_check_overdue(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    overdue = CareTask.objects.filter(
        institution=institution, kind=TaskKind.VACCINATION_CHECK, done_at__isnull=True, due_on__lt=day
    ).select_related("child")
    for task in overdue:
        yield Detected(
            f"child:{task.child.code}",
            task.child.name,
            f"应于{task.due_on:%Y-%m-%d}前完成查验",
            summary="入托30日内未完成预防接种证查验",
            about_child=True,
        )


@rule(
    code="ENR-06",
    title_zh="在托幼儿未签订托育服务协议",
    title_en="A child in care without a service agreement",
    source="《托育机构管理规范（试行）》：托育机构应当与婴幼儿监护人签订托育服务协议",
    severity=Severity.WARNING,
)
def placement_without_agreement(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    with_agreement = set(
        ServiceAgreement.objects.filter(placement__institution=institution).values_list(
            "placement_id", flat=True
        )
    )
    for placement in _active_placements(institution, day):
        if placement.pk not in with_agreement:
            yield Detected(
                _child_key(placement),
                placement.child.name,
                f"{placement.care_class.name}，无服务协议",
                summary=f"{placement.care_class.name}：在托幼儿无服务协议",
                about_child=True,
            )
