"""Helpers of the records and access tests: a child in care at institution X with a family of their own,
health data of every kind written directly, and a second hospital whose doctor partners with Y only.

The fixtures are imported by the test modules that use them (``from ...records_helpers import family``);
``client_as("family")`` then signs in as the child's guardian, ``client_as("other_doctor")`` as the doctor
of the hospital that does not partner with X.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.factories import PickupPersonFactory
from tuoyu.enrolment.models import Child, Relation
from tuoyu.health.models import (
    DevelopmentScreening,
    Diagnosis,
    DiagnosisStatus,
    Disease,
    ExamKind,
    HealthExam,
    ImmunisationCheck,
    ImmunisationCheckKind,
    Measurement,
    MeasurementSource,
    Position,
    Referral,
    ReferralReason,
    ReturnCertificate,
)
from tuoyu.registry.factories import HospitalFactory
from tuoyu.registry.models import CareClass, Hospital, Institution

FAMILY_PHONE = "13812345678"
PICKUP_PHONE = "13787654321"
CHILD_NAME = "林小雨"


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def make_user(display_name: str, role: str, *, phone: str | None = None, **scope: Any) -> User:
    fields: dict[str, Any] = {"display_name": display_name, "preferred_language": "en"}
    if phone:
        fields["phone"] = phone
    user = UserFactory.create(**fields)
    RoleAssignmentFactory.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def family(db: None) -> User:
    """The guardian of ``child_x``, with a mobile number the doctor must never see."""
    return make_user("家长林先生", Role.GUARDIAN, phone=FAMILY_PHONE)


@pytest.fixture
def child_x(class_x: CareClass, family: User) -> Child:
    """A child in care in class X today, with an allergy and a pick-up person."""
    child = placed_child(class_x, guardian=family, name=CHILD_NAME, allergies="花生过敏")
    child.guardianships.filter(user=family).update(relation=Relation.FATHER)
    PickupPersonFactory.create(child=child, name="林奶奶", phone=PICKUP_PHONE)
    return child


@pytest.fixture
def other_hospital(db: None) -> Hospital:
    return HospitalFactory.create(name="乙区妇幼保健院")


@pytest.fixture
def other_doctor(other_hospital: Hospital, institution_y: Institution) -> User:
    """A doctor whose hospital partners with institution Y, not with X."""
    institution_y.partner_hospital = other_hospital
    institution_y.save(update_fields=["partner_hospital"])
    return make_user("妇幼保健院孙医生", Role.DOCTOR, hospital=other_hospital)


def measurement(child: Child, *, on: datetime.date | None = None, **fields: Any) -> Measurement:
    """A measurement as the growth service would have stored it (z-scores and classification given)."""
    on = on or days_ago(3)
    values: dict[str, Any] = {
        "measured_on": on,
        "age_days": (on - child.birth_date).days,
        "weight_kg": Decimal("11.20"),
        "length_cm": Decimal("84.5"),
        "position": Position.STANDING,
        "source": MeasurementSource.INSTITUTION,
        "zwei": -0.4,
        "zlen": -0.2,
        "zwfl": -0.5,
        "classification": {
            "underweight": "normal",
            "stunting": "normal",
            "wasting": "normal",
            "overweight": "normal",
        },
    }
    values.update(fields)
    return Measurement.objects.create(child=child, **values)


def referral(child: Child, *, closed: bool = False, **fields: Any) -> Referral:
    values: dict[str, Any] = {
        "reason": ReferralReason.GROWTH,
        "detail": "体重增长缓慢",
        "referred_on": days_ago(10),
        "referred_to": "甲区妇幼保健院",
    }
    values.update(fields)
    if closed:
        values.update(outcome="复查正常", outcome_on=days_ago(2), closed_at=timezone.now())
    return Referral.objects.create(child=child, **values)


def full_record(child: Child, institution: Institution, recorder: User) -> None:
    """One entry of every kind of health data for the child."""
    measurement(child, zwei=-2.4, classification={"underweight": "moderate", "stunting": "normal"})
    HealthExam.objects.create(
        child=child,
        kind=ExamKind.HAEMOGLOBIN,
        examined_on=days_ago(20),
        haemoglobin_g_l=118,
        source=MeasurementSource.HOSPITAL,
        institution=institution,
        recorded_by=recorder,
    )
    DevelopmentScreening.objects.create(
        child=child, checkpoint_months=18, screened_on=days_ago(15), positive_signs=[], screened_by=recorder
    )
    referral(child)
    ImmunisationCheck.objects.create(
        child=child,
        institution=institution,
        kind=ImmunisationCheckKind.ENTRY,
        checked_on=days_ago(30),
        complete=True,
        checked_by=recorder,
    )
    disease, _created = Disease.objects.get_or_create(
        code="hfmd", defaults={"name": "手足口病", "exclusion_days": 14}
    )
    diagnosis = Diagnosis.objects.create(
        child=child,
        institution=institution,
        disease=disease,
        status=DiagnosisStatus.CONFIRMED,
        onset_on=days_ago(60),
        diagnosed_on=days_ago(59),
        excluded_until=days_ago(46),
        recorded_by=recorder,
    )
    ReturnCertificate.objects.create(
        diagnosis=diagnosis, issued_by="甲区人民医院", issued_on=days_ago(45), checked_by=recorder
    )
