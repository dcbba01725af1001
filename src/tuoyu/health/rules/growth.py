"""The growth follow-up rule HLT-04 (national rules §10.9, §10.10, §16.8): an undernourished child in care
is measured again every month.

Registered with the rules engine of ``supervision`` when ``tuoyu.health.rules`` is imported
(``HealthConfig.ready()``). Recording a measurement announces the change, so the finding opens and closes
with the data; ``evaluate_rules`` catches the days that pass without anyone writing.
"""

import datetime
from collections.abc import Iterator

from tuoyu.health.selectors.growth import FOLLOW_UP_DAYS, growth_follow_ups_due
from tuoyu.registry.models import Institution
from tuoyu.rules import Detected, Severity, rule

CONDITION_NAMES = {"underweight": "低体重", "stunting": "生长迟缓", "wasting": "消瘦"}
STATUS_NAMES = {"moderate": "中度", "severe": "重度"}


@rule(
    code="HLT-04",
    title_zh="营养不良儿童超过31天未随访测量",
    title_en="An undernourished child not measured again for more than 31 days",
    source="《儿童营养性疾病管理技术规范》（卫办妇社发〔2012〕49号）：体重、身长/身高或身长/身高别体重低于"
    "中位数减2个标准差为营养不良（减3个标准差为重度）；各地实施细则：3岁以下营养不良儿童每月随访1次，"
    "重度及时转诊",
    severity=Severity.WARNING,
)
def undernutrition_not_followed_up(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    for due in growth_follow_ups_due(institution, day):
        conditions = due.conditions.items()
        found = "、".join(
            f"{STATUS_NAMES[status]}{CONDITION_NAMES[condition]}" for condition, status in conditions
        )
        yield Detected(
            f"child:{due.child.code}",
            due.child.name,
            f"{due.measurement.measured_on:%Y-%m-%d}测量：{found}；已{due.days_since}天未复测"
            f"（应每月随访，间隔不超过{FOLLOW_UP_DAYS}天）",
            summary=f"营养不良幼儿超过{FOLLOW_UP_DAYS}天未随访测量",
            about_child=True,
        )
