"""The enrolment rules (national rules §4, §7, §16.2, §16.5): places, class sizes and ages, agreements; and
the staffing rule that counts the children in care (§5.7)."""

import datetime
from collections.abc import Iterator

from tuoyu.enrolment.eligibility import age_refusal
from tuoyu.enrolment.models import CareTask, Child, ServiceAgreement, TaskKind, completed_months
from tuoyu.enrolment.selectors import placements_in_care_at
from tuoyu.policies.values import policy
from tuoyu.registry.models import Institution
from tuoyu.registry.selectors import classes_of
from tuoyu.registry.standards import AgeBand, class_cap
from tuoyu.rules import Detected, Severity, rule
from tuoyu.workforce.models import StaffRole
from tuoyu.workforce.selectors import staff_employed_at


def _about_child(child: Child, evidence: str, summary: str) -> Detected:
    """A finding about one child: named for the institution, counted in ``summary`` for regulators."""
    return Detected(f"child:{child.code}", child.name, evidence, summary=summary, about_child=True)


@rule(
    code="ENR-01",
    title_zh="在托人数超过备案托位数",
    title_en="More children in care than filed places",
    source="《托育机构管理规范（试行）》：收托人数不应超过备案托位数（据征求意见稿条文）",
    severity=Severity.VIOLATION,
)
def enrolled_above_filed(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    enrolled = len(placements_in_care_at(institution, day))
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
    for placement in placements_in_care_at(institution, day):
        counts[placement.care_class_id] = counts.get(placement.care_class_id, 0) + 1
    for care_class in classes_of(institution):
        limit = min(care_class.capacity, class_cap(care_class.age_band, on=day))
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
    for placement in placements_in_care_at(institution, day):
        age = completed_months(placement.child.birth_date, day)
        if placement.care_class.age_band == AgeBand.MIXED and age < 18:
            yield _about_child(
                placement.child,
                f"{placement.care_class.name}，{age}月龄",
                f"{placement.care_class.name}：未满18月龄的幼儿在混龄班",
            )


@rule(
    code="ENR-04",
    title_zh="幼儿月龄与所在班级年龄段不符",
    title_en="A child's age does not fit the class's age band",
    source="《托育机构设置标准（试行）》第十九条（班型年龄段）；国家规则表16.2（宽限期30天）",
    severity=Severity.WARNING,
)
def child_age_outside_band(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    for placement in placements_in_care_at(institution, day):
        refusal = age_refusal(placement.child.birth_date, placement.care_class.age_band, day)
        if refusal is not None and not (
            placement.care_class.age_band == AgeBand.MIXED
            and completed_months(placement.child.birth_date, day) < 18
        ):
            age = completed_months(placement.child.birth_date, day)
            band = placement.care_class.get_age_band_display()
            yield _about_child(
                placement.child,
                f"{placement.care_class.name}（{band}），{age}月龄",
                f"{placement.care_class.name}（{band}）：幼儿月龄与班级年龄段不符",
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
        yield _about_child(
            task.child, f"应于{task.due_on:%Y-%m-%d}前完成查验", "入托30日内未完成预防接种证查验"
        )


@rule(
    code="ENR-06",
    title_zh="在托幼儿未签订托育服务协议",
    title_en="A child in care without a service agreement",
    source="《托育机构管理规范（试行）》：托育机构应当与婴幼儿监护人签订托育服务协议",
    severity=Severity.WARNING,
)
def placement_without_agreement(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    placements = placements_in_care_at(institution, day)
    with_agreement = set(
        ServiceAgreement.objects.filter(placement__in=[placement.pk for placement in placements]).values_list(
            "placement_id", flat=True
        )
    )
    for placement in placements:
        if placement.pk not in with_agreement:
            yield _about_child(
                placement.child,
                f"{placement.care_class.name}，无服务协议",
                f"{placement.care_class.name}：在托幼儿无服务协议",
            )


@rule(
    code="STF-05",
    title_zh="收托150名以上婴幼儿未配备专职卫生保健人员",
    title_en="150 or more children in care and no full-time health-care worker",
    source="《托儿所幼儿园卫生保健管理办法》第十二条：收托150名以上儿童的，应当至少配备1名专职卫生保健人员；"
    "不足150名的，应当配备专职或兼职卫生保健人员",
    severity=Severity.VIOLATION,
)
def no_full_time_health_worker(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    threshold = policy("health_worker.full_time_from_children", on=day)
    in_care = len(placements_in_care_at(institution, day))
    if in_care < threshold:
        return
    health_workers = [
        person for person in staff_employed_at(institution, day) if person.role == StaffRole.HEALTH_WORKER
    ]
    if not any(person.full_time for person in health_workers):
        yield Detected(
            "institution",
            institution.name,
            f"在托{in_care}人（{threshold}人以上），在岗卫生保健人员{len(health_workers)}人，均非专职",
        )
