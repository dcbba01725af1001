"""The filing rules (national rules §1): no childcare service without a filing."""

import datetime
from collections.abc import Iterator

from tuoyu.registry.models import FilingStatus, Institution, OperatingStatus
from tuoyu.rules import Detected, Severity, rule


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
