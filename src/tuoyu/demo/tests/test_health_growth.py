"""The demo district's growth data: every child in care at 爱彼宝 and the medical-integrated centre has a
curve from birth, z-scores as the service computes them, nothing in the future; 赵女士's daughter grows
smoothly; one child slid into severe underweight and is referred; one moderately stunted child is overdue
for a follow-up (HLT-04)."""

import datetime
import itertools
from collections import defaultdict

import pytest
from django.utils import timezone

from tuoyu.demo.health_growth import INSTITUTIONS, NUTRITION_CLINIC
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.growth.batch import ItemResult, assess
from tuoyu.health.models import Measurement, MeasurementSource, Referral, ReferralReason
from tuoyu.health.services.growth import growth_item
from tuoyu.supervision.models import Finding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

AIBIBAO, MEDICAL = INSTITUTIONS
GUARDIAN = "13800000006"
SCORES = ("zwei", "zlen", "zwfl", "zbmi", "zhc")


def measured_by_child() -> dict[int, list[Measurement]]:
    found: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.select_related("child").order_by("measured_on", "pk"):
        found[measurement.child_id].append(measurement)
    return found


def not_normal(measurement: Measurement) -> bool:
    return any(status not in ("normal", None) for status in measurement.classification.values())


def test_every_child_in_care_at_the_two_institutions_has_a_curve_from_birth() -> None:
    today = timezone.localdate()
    placements = Placement.objects.filter(institution__name__in=INSTITUTIONS, ends_on__gt=today)
    measured = measured_by_child()

    assert placements.count() > 80
    assert set(measured) == set(placements.values_list("child_id", flat=True))
    for placement in placements.select_related("child"):
        curve = measured[placement.child_id]
        assert curve[0].measured_on == placement.child.birth_date
        assert curve[0].source == MeasurementSource.HOSPITAL
        assert len(curve) >= 4
        assert curve[-1].weight_kg is not None and curve[0].weight_kg is not None
        assert curve[-1].weight_kg > curve[0].weight_kg
        if placement.start_date <= today - datetime.timedelta(days=11):
            assert any(m.source == MeasurementSource.INSTITUTION for m in curve), placement.child.name


def test_nothing_is_dated_in_the_future_or_before_birth() -> None:
    today = timezone.localdate()

    for measurement in Measurement.objects.select_related("child"):
        assert measurement.child.birth_date <= measurement.measured_on <= today
        assert measurement.age_days == (measurement.measured_on - measurement.child.birth_date).days


def test_the_stored_z_scores_are_those_the_service_computes() -> None:
    measurements = list(Measurement.objects.select_related("child"))
    items = [growth_item(measurement) for measurement in measurements]

    for measurement, result in zip(measurements, assess(items), strict=True):
        assert isinstance(result, ItemResult)
        assert {name: getattr(measurement, name) for name in SCORES} == result.scores
        assert (measurement.flags, measurement.classification) == (result.flags, result.classification)
        assert measurement.flags == []  # realistic values: nothing implausible


def test_only_the_two_children_who_need_attention_are_not_growing_normally() -> None:
    concerning = {m.child.name for m in Measurement.objects.select_related("child") if not_normal(m)}

    assert len(concerning) == 2


def test_one_child_slid_from_moderate_to_severe_underweight_and_is_referred() -> None:
    referral = Referral.objects.select_related("child", "measurement", "institution").get(
        reason=ReferralReason.GROWTH
    )
    curve = list(referral.child.measurements.order_by("measured_on"))

    assert referral.closed_at is None
    assert referral.institution is not None and referral.institution.name == AIBIBAO
    assert referral.measurement == curve[-1]
    assert curve[-1].classification["underweight"] == "severe"
    assert "moderate" in [m.classification["underweight"] for m in curve]
    assert curve[0].classification["underweight"] == "normal"
    assert referral.referred_to == NUTRITION_CLINIC
    assert "重度低体重" in referral.detail and f"Z={curve[-1].zwei:.2f}" in referral.detail


def test_a_moderately_stunted_child_is_overdue_for_the_follow_up() -> None:
    finding = Finding.objects.get(rule_code="HLT-04", resolved_at__isnull=True)

    assert finding.institution.name == MEDICAL
    assert "中度生长迟缓" in finding.evidence
    assert "已40天未复测" in finding.evidence


def test_the_demo_guardians_daughter_has_a_smooth_normal_curve() -> None:
    child = Child.objects.get(guardianships__user__phone=GUARDIAN, placements__isnull=False)
    curve = list(child.measurements.order_by("measured_on"))

    assert len(curve) >= 9
    assert {m.source for m in curve} == {
        MeasurementSource.HOSPITAL,
        MeasurementSource.GUARDIAN,
        MeasurementSource.INSTITUTION,
    }
    assert not any(not_normal(m) for m in curve)
    zwei = [m.zwei for m in curve if m.zwei is not None]
    assert len(zwei) == len(curve)
    assert max(abs(b - a) for a, b in itertools.pairwise(zwei)) < 0.3
