"""Fees' compliance rule FEE-01: an inclusive institution's monthly price above the government-guided price.

Registered in the rules registry (tuoyu.rules) when this module is imported, which ``FeesConfig.ready()``
does. A statement line outside the fee catalogue needs no rule: ``statement_issue`` builds lines only from the
catalogue (its tests say so).
"""

import datetime
from collections.abc import Iterator

from tuoyu.fees.selectors import prices_above_guided
from tuoyu.money import yuan
from tuoyu.registry.models import Institution, ServiceType
from tuoyu.rules import Detected, Severity, rule


@rule(
    code="FEE-01",
    title_zh="普惠托育机构收费高于政府指导价",
    title_en="An inclusive institution charges above the government-guided price",
    source="《关于促进养老托育服务健康发展的意见》及本地普惠托育价格政策（政府指导价）",
    severity=Severity.VIOLATION,
)
def price_above_guided(institution: Institution, day: datetime.date) -> Iterator[Detected]:
    if not institution.is_inclusive:
        return
    for excess in prices_above_guided(institution, day):
        offering, guided = excess.offering, excess.guided
        service = ServiceType(offering.service_type).label
        demo = "（演示值）" if guided.is_demo_value else ""
        evidence = (
            f"收费目录{service}每月{yuan(offering.price_yuan)}，高于{guided.effective_from:%Y年%m月%d日}起执行的"
            f"政府指导价{yuan(guided.price_yuan)}{demo}，超出{yuan(excess.excess_yuan)}（依据：{guided.source_document}）"
        )
        yield Detected(f"price:{offering.service_type}", str(service), evidence)
