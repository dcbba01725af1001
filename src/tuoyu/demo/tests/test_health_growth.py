"""The demo district's growth data: every child in care at 爱彼宝 and the medical-integrated centre has a
curve from birth, z-scores as the service computes them, nothing in the future; 赵女士's daughter grows
smoothly; one child slid into severe underweight and is referred; one moderately stunted child is overdue
for a follow-up (HLT-04)."""

import datetime
import itertools
import re
from collections import defaultdict

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.demo.district import DISTRICT
from tuoyu.demo.health_growth import INSTITUTIONS, NUTRITION_CLINIC
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.growth.batch import ItemResult, assess, item_of
from tuoyu.health.growth.standards import wst_423_2022
from tuoyu.health.models import Measurement, MeasurementSource, Referral, ReferralReason
from tuoyu.regions.models import Region
from tuoyu.supervision.models import Finding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

AIBIBAO, MEDICAL = INSTITUTIONS
GUARDIAN = "13800000006"
HEALTH_WORKER = "13800000004"  # 爱彼宝's
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


def test_the_stored_values_are_those_the_service_computes_on_ws_t_423_2022() -> None:
    measurements = list(Measurement.objects.select_related("child"))
    items = [item_of(measurement) for measurement in measurements]

    assert {measurement.standard for measurement in measurements} == {"wst423_2022"}
    for measurement, result in zip(measurements, assess(items, standard=wst_423_2022()), strict=True):
        assert isinstance(result, ItemResult)
        assert {name: getattr(measurement, name) for name in SCORES} == result.scores
        assert (measurement.flags, measurement.classification) == (result.flags, result.classification)
        assert measurement.bands == result.bands
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
    assert curve[-1].bands["zwei"] == "下"
    assert "重度低体重" in referral.detail and f"按WS/T 423—2022为{curve[-1].zwei:.2f}" in referral.detail


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


def test_the_district_uses_ws_t_and_zhou_jiashus_chart_shows_his_points_against_it() -> None:
    child = Child.objects.get(name="周嘉树")
    weighed = child.measurements.exclude(weight_kg=None).count()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(phone=HEALTH_WORKER))

    html = client.get(f"/health/children/{child.code}/growth/").content.decode()

    assert Region.objects.get(code=DISTRICT[0]).growth_standard == "wst423_2022"
    assert '<figure class="growth-chart" data-chart="wfa" data-standard="wst423_2022">' in html
    assert sorted(re.findall(r'<polyline data-sd="(-?\d)"', html)) == ["-1", "-2", "-3", "0", "1", "2", "3"]
    assert html.count("<circle data-point=") == weighed > 5
    assert "按WS/T 423—2022《7岁以下儿童生长标准》评价，这是本地区采用的标准。" in html
    assert 'data-band="下"' in html
