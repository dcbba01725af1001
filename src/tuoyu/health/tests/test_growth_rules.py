"""HLT-04: a child in care whose latest assessed measurement shows moderate or severe underweight, stunting
or wasting, and who has not been measured again for more than 31 days."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.services.growth import measurement_record
from tuoyu.health.tests.growth_helpers import child_in_care, days_ago, raw_measurement
from tuoyu.registry.models import CareClass, Institution
from tuoyu.rules import RULES, Detected, Severity
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh

pytestmark = pytest.mark.django_db

RULE = RULES["HLT-04"]
# A girl of about 30 months, 88 cm, on WS/T 423—2022 (the district's standard): 10.20 kg lies between −3SD
# and −2SD of weight-for-age and weight-for-height (moderate), 8.20 kg below −3SD (severe), 12.80 kg normal.
MODERATE: dict[str, Any] = {"weight_kg": "10.20", "length_cm": "88.0", "position": "h"}
SEVERE: dict[str, Any] = {"weight_kg": "8.20", "length_cm": "88.0", "position": "h"}
NORMAL: dict[str, Any] = {"weight_kg": "12.80", "length_cm": "91.0", "position": "h"}


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    return child_in_care(class_x, guardian, start_date=days_ago(200))


def found(institution: Institution, day: datetime.date | None = None) -> list[Detected]:
    return list(RULE.evaluate(institution, day or timezone.localdate()))


def test_the_rule_is_a_warning_citing_the_national_rules() -> None:
    assert RULE.severity == Severity.WARNING
    assert "儿童营养性疾病管理技术规范" in RULE.source
    assert RULE.title_en.startswith("An undernourished child")


def test_a_child_growing_normally_is_not_found(child: Child, institution_x: Institution) -> None:
    raw_measurement(child, measured_on=days_ago(90), **NORMAL)

    assert found(institution_x) == []


@pytest.mark.parametrize(("measured", "detected"), [(31, False), (32, True)])
def test_an_undernourished_child_is_found_after_more_than_31_days(
    child: Child, institution_x: Institution, measured: int, detected: bool
) -> None:
    raw_measurement(child, measured_on=days_ago(measured), **MODERATE)

    assert bool(found(institution_x)) is detected


def test_the_finding_names_the_child_the_condition_and_the_days(
    child: Child, institution_x: Institution
) -> None:
    measurement = raw_measurement(child, measured_on=days_ago(40), **MODERATE)

    (detected,) = found(institution_x)

    assert (detected.subject_key, detected.subject_label) == (f"child:{child.code}", child.name)
    assert detected.evidence == (
        f"{measurement.measured_on:%Y-%m-%d}测量：中度低体重、中度消瘦；已40天未复测（应每月随访，间隔不超过31天）"
    )


def test_severe_undernutrition_is_followed_up_too(child: Child, institution_x: Institution) -> None:
    raw_measurement(child, measured_on=days_ago(35), **SEVERE)

    (detected,) = found(institution_x)

    assert "重度低体重" in detected.evidence


def test_a_newer_measurement_is_the_follow_up(child: Child, institution_x: Institution) -> None:
    raw_measurement(child, measured_on=days_ago(70), **MODERATE)
    raw_measurement(child, measured_on=days_ago(35), **MODERATE)
    raw_measurement(child, measured_on=days_ago(5), **MODERATE)

    assert found(institution_x) == []


def test_a_head_circumference_alone_is_no_follow_up(child: Child, institution_x: Institution) -> None:
    raw_measurement(child, measured_on=days_ago(40), **MODERATE)
    raw_measurement(child, measured_on=days_ago(3), head_cm="48.0")

    assert len(found(institution_x)) == 1


def test_the_latest_measurement_decides_when_growth_is_back_to_normal(
    child: Child, institution_x: Institution
) -> None:
    raw_measurement(child, measured_on=days_ago(90), **MODERATE)
    raw_measurement(child, measured_on=days_ago(60), **NORMAL)

    assert found(institution_x) == []


def test_a_measurement_after_the_day_evaluated_is_not_seen(child: Child, institution_x: Institution) -> None:
    raw_measurement(child, measured_on=days_ago(80), **MODERATE)
    raw_measurement(child, measured_on=days_ago(10), **NORMAL)

    assert len(found(institution_x, days_ago(40))) == 1
    assert found(institution_x) == []


def test_only_children_in_care_at_the_institution_are_found(
    class_x: CareClass,
    class_y: CareClass,
    guardian: User,
    institution_x: Institution,
    institution_y: Institution,
) -> None:
    elsewhere = child_in_care(class_y, guardian, name="钱小满", months=18)
    raw_measurement(elsewhere, measured_on=days_ago(50), weight_kg="7.80")
    not_yet = child_in_care(
        class_x, guardian, name="孙小雨", start_date=timezone.localdate() + datetime.timedelta(days=5)
    )
    raw_measurement(not_yet, measured_on=days_ago(50), **MODERATE)

    assert found(institution_x) == []
    assert [d.subject_label for d in found(institution_y)] == ["钱小满"]


def test_recording_the_follow_up_closes_the_finding_on_commit(
    child: Child, institution_x: Institution, health_worker_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    raw_measurement(child, measured_on=days_ago(45), **MODERATE)
    findings_refresh(institution=institution_x)
    assert Finding.objects.get(rule_code="HLT-04").resolved_at is None

    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(
            actor=health_worker_x,
            child=child,
            measured_on=timezone.localdate(),
            weight_kg=Decimal("9.90"),
            length_cm=Decimal("88.4"),
            position="h",
        )

    assert Finding.objects.get(rule_code="HLT-04").resolved_at is not None
