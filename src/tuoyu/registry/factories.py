import datetime
from decimal import Decimal

import factory

from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region
from tuoyu.registry.credit_code import CHARSET, check_character
from tuoyu.registry.models import (
    CareClass,
    FilingStatus,
    Hospital,
    Institution,
    OperatingStatus,
    ProviderTag,
    RegistrationType,
    ServiceOffering,
)
from tuoyu.registry.standards import AgeBand

# Registration authority and type (GB 32100-2015 positions 1-2) by registration type.
CREDIT_CODE_PREFIX: dict[str, str] = {
    RegistrationType.PUBLIC_INSTITUTION: "12",
    RegistrationType.SOCIAL_SERVICE: "52",
    RegistrationType.ENTERPRISE: "91",
}


def make_credit_code(registration_type: str, division: str, serial: int) -> str:
    """A well-formed credit code: prefix, 6-digit division, 9-character organisation code, check character."""
    organisation = "".join(CHARSET[(serial // 31**i) % 31] for i in range(9))[::-1]
    first17 = f"{CREDIT_CODE_PREFIX[registration_type]}{division[:6].ljust(6, '0')}{organisation}"
    return first17 + check_character(first17)


class HospitalFactory(factory.django.DjangoModelFactory[Hospital]):
    class Meta:
        model = Hospital
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试医院{n}")
    grade = "三级甲等"


class StreetFactory(RegionFactory):
    level = Region.Level.STREET
    parent = factory.SubFactory(RegionFactory)  # type: ignore[assignment]
    code = factory.Sequence(lambda n: f"98{n:07d}")


class InstitutionFactory(factory.django.DjangoModelFactory[Institution]):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试托育机构{n}")
    registration_type = RegistrationType.ENTERPRISE
    credit_code = factory.LazyAttributeSequence(
        lambda o, n: make_credit_code(o.registration_type, o.street.code, 100_000 + n)
    )
    street = factory.SubFactory(StreetFactory)
    address = factory.Sequence(lambda n: f"测试路{n}号")
    latitude = Decimal("35.380000")
    longitude = Decimal("116.560000")
    building_area_m2 = Decimal("600.0")
    floors_used = "1-2"
    opening_hours = "7:30-18:00"
    operating_status = OperatingStatus.OPERATING
    filing_status = FilingStatus.NOT_FILED


class FiledInstitutionFactory(InstitutionFactory):
    filing_status = FilingStatus.FILED
    filing_receipt_no = factory.Sequence(lambda n: f"测备字〔2025〕{n:04d}号")
    filed_on = datetime.date(2024, 6, 1)
    filed_places = 60


class ProviderTagFactory(factory.django.DjangoModelFactory[ProviderTag]):
    class Meta:
        model = ProviderTag

    institution = factory.SubFactory(InstitutionFactory)
    model = "community"


class ServiceOfferingFactory(factory.django.DjangoModelFactory[ServiceOffering]):
    class Meta:
        model = ServiceOffering

    institution = factory.SubFactory(InstitutionFactory)
    service_type = "full_day"
    price_yuan = Decimal("1800.00")
    price_unit = ServiceOffering.PriceUnit.MONTH


class CareClassFactory(factory.django.DjangoModelFactory[CareClass]):
    class Meta:
        model = CareClass

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"测试班{n}")
    age_band = AgeBand.PRESCHOOL
    capacity = 20
    room_area_m2 = Decimal("60.0")
