"""measurement_record: who records as what source; inputs, age, z-scores, flags and classification stored
together; bad dates refused with nothing written; impossible values stored and flagged; severe
undernutrition referred once, with the health workers and the guardians told."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english, make_guardian
from tuoyu.health.growth.batch import ItemResult, assess, item_of
from tuoyu.health.growth.standards import wst_423_2022
from tuoyu.health.models import Measurement, MeasurementSource, Referral, ReferralReason
from tuoyu.health.services.growth import measurement_record
from tuoyu.health.tests.growth_helpers import child_in_care, days_ago
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixtures used by name

NORMAL = {"weight_kg": Decimal("12.80"), "length_cm": Decimal("91.0"), "position": "h"}
# On WS/T 423—2022, the standard of the district (a girl of 30 months: −3SD 9.64 kg, −2SD 10.64 kg).
MODERATE = {"weight_kg": Decimal("10.00"), "length_cm": Decimal("88.0"), "position": "h"}
SEVERE = {"weight_kg": Decimal("8.20"), "length_cm": Decimal("88.0"), "position": "h"}


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    """A girl of 30 months in class X, the persona ``guardian``'s daughter."""
    return child_in_care(class_x, guardian)


def record(actor: User, child: Child, **values: Any) -> Measurement:
    values.setdefault("measured_on", timezone.localdate())
    return measurement_record(actor=actor, child=child, **values)


# Who records, as what ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "source"),
    [
        ("health_worker_x", MeasurementSource.INSTITUTION),
        ("director_x", MeasurementSource.INSTITUTION),
        ("doctor", MeasurementSource.HOSPITAL),
        ("guardian", MeasurementSource.GUARDIAN),
    ],
)
def test_the_source_follows_who_records(
    request: pytest.FixtureRequest, child: Child, institution_x: Institution, persona: str, source: str
) -> None:
    actor = request.getfixturevalue(persona)

    measurement = record(actor, child, **NORMAL)

    assert (measurement.source, measurement.institution, measurement.measured_by) == (
        source,
        institution_x,
        actor,
    )


@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "regulator_a", "regulator_b"])
def test_nobody_else_records(request: pytest.FixtureRequest, child: Child, persona: str) -> None:
    with pytest.raises(NotPermitted):
        record(request.getfixturevalue(persona), child, **NORMAL)

    assert not Measurement.objects.exists()


def test_another_family_does_not_record(child: Child) -> None:
    with pytest.raises(NotPermitted):
        record(make_guardian("家长钱先生", consent=False), child, **NORMAL)


def test_inputs_age_z_scores_flags_and_classification_are_stored_together(
    child: Child, health_worker_x: User
) -> None:
    measured_on = days_ago(3)

    measurement = record(health_worker_x, child, measured_on=measured_on, head_cm=Decimal("48.5"), **NORMAL)

    measurement.refresh_from_db()
    (expected,) = assess([item_of(measurement)], standard=wst_423_2022())
    assert isinstance(expected, ItemResult)
    assert measurement.standard == "wst423_2022"  # the district sets none: China's own standard
    assert measurement.bands == expected.bands and set(measurement.bands.values()) == {"中"}
    assert measurement.age_days == (measured_on - child.birth_date).days
    assert (measurement.weight_kg, measurement.length_cm, measurement.position, measurement.head_cm) == (
        Decimal("12.80"),
        Decimal("91.0"),
        "h",
        Decimal("48.5"),
    )
    stored = {name: getattr(measurement, name) for name in ("zwei", "zlen", "zwfl", "zbmi", "zhc")}
    assert stored == expected.scores
    assert None not in stored.values()
    assert measurement.flags == []
    assert measurement.classification == {
        "underweight": "normal",
        "stunting": "normal",
        "wasting": "normal",
        "overweight": "normal",
    }


# Refused, nothing written -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"measured_on": timezone.localdate() + datetime.timedelta(days=1), **NORMAL}, "measured_in_future"),
        ({"measured_on": datetime.date(2000, 1, 1), **NORMAL}, "measured_before_birth"),
        ({}, "nothing_measured"),
        ({"weight_kg": Decimal("12.8"), "length_cm": Decimal("91.0")}, "position_missing"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    child: Child, health_worker_x: User, values: dict[str, Any], code: str
) -> None:
    with pytest.raises(Refusal) as refused:
        record(health_worker_x, child, **values)

    assert refused.value.code == code
    assert not Measurement.objects.exists()


def test_the_future_is_refused_with_a_clear_message(child: Child, guardian: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(Refusal, match="in the future"):
        record(guardian, child, measured_on=tomorrow, **NORMAL)


def test_a_value_that_does_not_fit_the_record_is_refused(child: Child, health_worker_x: User) -> None:
    with pytest.raises(ValidationError) as refused:
        record(health_worker_x, child, weight_kg=Decimal("1000.00"))

    assert "weight_kg" in refused.value.message_dict
    assert not Measurement.objects.exists()


# Impossible values are refused; implausible ones are stored and explained ---------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"weight_kg": Decimal("-3.00")}, "weight_kg"),
        ({"weight_kg": Decimal("500.00")}, "weight_kg"),
        ({"length_cm": Decimal("400.0"), "position": "l"}, "length_cm"),
        ({"head_cm": Decimal("0.1")}, "head_cm"),
    ],
)
def test_physically_impossible_values_are_refused_naming_the_range(
    child: Child, health_worker_x: User, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        record(health_worker_x, child, **values)

    (message,) = refused.value.message_dict[field]
    assert "is not possible here: enter a value from" in message
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("values", "flag"),
    [
        ({"weight_kg": Decimal("40.00")}, "zwei_implausible"),
        (
            {"weight_kg": Decimal("12.00"), "length_cm": Decimal("131.0"), "position": "h"},
            "length_outside_table",
        ),
    ],
)
def test_implausible_values_are_stored_with_flags(
    child: Child, health_worker_x: User, values: dict[str, Any], flag: str
) -> None:
    measurement = record(health_worker_x, child, **values)

    measurement.refresh_from_db()
    assert flag in measurement.flags
    assert measurement.weight_kg == values["weight_kg"]
    assert measurement.classification["underweight"] in (None, "normal")
    assert not Referral.objects.exists()


# Severe undernutrition is referred ------------------------------------------------------------------------


def test_severe_undernutrition_opens_a_growth_referral(
    child: Child, health_worker_x: User, institution_x: Institution
) -> None:
    measurement = record(health_worker_x, child, **SEVERE)

    referral = Referral.objects.get()
    assert measurement.classification["underweight"] == "severe"
    assert (referral.child, referral.reason, referral.measurement) == (
        child,
        ReferralReason.GROWTH,
        measurement,
    )
    assert (referral.institution, referral.referred_by, referral.referred_on) == (
        institution_x,
        health_worker_x,
        timezone.localdate(),
    )
    assert referral.referred_to == "甲区人民医院"  # institution X's partner hospital
    assert referral.detail.startswith(
        f"Severe underweight (weight-for-age {measurement.zwei:.2f} SD, interpolated on WS/T 423—2022)"
    )
    assert referral.closed_at is None


def test_the_health_workers_and_the_guardians_are_told_of_the_referral(
    child: Child, doctor: User, health_worker_x: User, guardian: User
) -> None:
    record(doctor, child, **SEVERE)

    told = Notification.objects.filter(kind="growth_referral")
    assert {notification.user for notification in told} == {health_worker_x, guardian}
    for notification in told:
        assert notification.link == f"/health/children/{child.code}/growth/"
        assert child.name in notification.title


def test_moderate_undernutrition_is_not_referred(child: Child, health_worker_x: User) -> None:
    measurement = record(health_worker_x, child, **MODERATE)

    assert measurement.classification["underweight"] == "moderate"
    assert not Referral.objects.exists()
    assert not Notification.objects.filter(kind="growth_referral").exists()


def test_an_open_growth_referral_is_not_opened_twice(child: Child, health_worker_x: User) -> None:
    record(health_worker_x, child, measured_on=days_ago(30), **SEVERE)
    record(health_worker_x, child, **SEVERE)

    assert Referral.objects.count() == 1
    assert Notification.objects.filter(kind="growth_referral").count() == 2  # one each, the first time only

    Referral.objects.update(closed_at=timezone.now(), outcome="已就诊")
    record(health_worker_x, child, **SEVERE)

    assert Referral.objects.filter(closed_at__isnull=True).count() == 1
    assert Referral.objects.count() == 2


def test_a_guardians_severe_measurement_is_referred_too(
    child: Child, guardian: User, health_worker_x: User, institution_x: Institution
) -> None:
    record(guardian, child, **SEVERE)

    referral = Referral.objects.get()
    assert (referral.institution, referral.referred_by) == (institution_x, guardian)
    assert Notification.objects.filter(kind="growth_referral", user=health_worker_x).exists()


def test_oedema_is_referred_as_severe_wasting(child: Child, health_worker_x: User) -> None:
    measurement = record(health_worker_x, child, oedema=True, **NORMAL)

    assert measurement.classification["wasting"] == "severe"
    assert "oedema" in measurement.flags
    assert Referral.objects.get().detail.startswith("Severe wasting (oedema)")


def test_in_a_district_on_who_the_referral_quotes_the_z_score(
    child: Child, health_worker_x: User, who_growth_standard: None
) -> None:
    measurement = record(health_worker_x, child, **SEVERE)

    referral = Referral.objects.get()
    assert measurement.standard == "who2006" and measurement.bands == {}
    assert referral.detail.startswith(f"Severe underweight (weight-for-age z = {measurement.zwei:.2f})")
    (notification, *_) = Notification.objects.filter(kind="growth_referral")
    assert "低于 WHO 2006 −3 SD" in notification.body  # the recipient reads Chinese
