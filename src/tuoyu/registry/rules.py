"""The registry's compliance rules: class sizes and filed places (national rules §2, §4)."""

import datetime
from collections.abc import Iterator

from tuoyu.registry.models import FilingStatus, Institution
from tuoyu.registry.selectors import classes_of
from tuoyu.registry.standards import class_cap
from tuoyu.rules import Detected, Severity, rule


@rule(
    code="CLS-01",
    title_zh="班级人数上限超过班型规定",
    title_en="Class capacity above its age band's national cap",
    source="《托育机构设置标准（试行）》第十九条：乳儿班不超过10人，托小班不超过15人，托大班不超过20人，混龄班不超过18人",
    severity=Severity.VIOLATION,
)
def class_capacity_above_cap(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    for care_class in classes_of(institution):
        cap = class_cap(care_class.age_band, on=day)
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
    total = sum(care_class.capacity for care_class in classes_of(institution))
    if total > institution.filed_places:
        yield Detected(
            "institution",
            institution.name,
            f"各班级人数上限合计{total}人，备案托位数{institution.filed_places}个",
        )
