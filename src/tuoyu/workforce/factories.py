import datetime
from decimal import Decimal

import factory

from tuoyu.accounts.identity import identity_check_character
from tuoyu.registry.factories import InstitutionFactory
from tuoyu.workforce.models import (
    Certificate,
    CertificateType,
    Education,
    Staff,
    StaffRole,
    TrainingEnrolment,
    TrainingSession,
    TrainingTopic,
)


def make_identity_number(
    serial: int, birth: datetime.date = datetime.date(1990, 1, 1), area: str = "370811"
) -> str:
    """A well-formed identity number: area code, date of birth, 3-digit serial and the check character."""
    first17 = f"{area}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + identity_check_character(first17)


class StaffFactory(factory.django.DjangoModelFactory[Staff]):
    class Meta:
        model = Staff

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    id_number = factory.Sequence(
        lambda n: make_identity_number(
            n, datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000 * 3 + n % 997)
        )
    )
    role = StaffRole.CAREGIVER
    education = Education.COLLEGE
    management_years = Decimal("0")
    employed_from = datetime.date(2023, 3, 1)


class CertificateFactory(factory.django.DjangoModelFactory[Certificate]):
    class Meta:
        model = Certificate

    staff = factory.SubFactory(StaffFactory)
    certificate_type = CertificateType.HEALTH
    number = factory.Sequence(lambda n: f"JK{n:08d}")
    issuer = "济宁市疾病预防控制中心"
    issued_on = datetime.date(2026, 3, 1)
    expires_on = None


class TrainingSessionFactory(factory.django.DjangoModelFactory[TrainingSession]):
    class Meta:
        model = TrainingSession

    region = factory.SubFactory("tuoyu.regions.factories.RegionFactory")
    topic = TrainingTopic.PAEDIATRIC_HEALTH
    title = factory.Sequence(lambda n: f"培训{n}")
    expert = "儿科专家"
    day = datetime.date(2026, 6, 1)
    hours = Decimal("3.0")
    capacity = 60


class TrainingEnrolmentFactory(factory.django.DjangoModelFactory[TrainingEnrolment]):
    class Meta:
        model = TrainingEnrolment

    session = factory.SubFactory(TrainingSessionFactory)
    staff = factory.SubFactory(StaffFactory)
