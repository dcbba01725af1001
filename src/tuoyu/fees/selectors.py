"""Fees' reads: the government-guided price in force, and the catalogue prices above it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tuoyu.fees.models import GuidedPrice
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution, ServiceOffering
from tuoyu.registry.selectors import district_of


def guided_price_on(region: Region, service_type: str, day: datetime.date) -> GuidedPrice | None:
    """The government-guided price of ``service_type`` in force in the district on ``day``, if any."""
    return (
        GuidedPrice.objects.filter(region=region, service_type=service_type, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


@dataclass(frozen=True)
class PriceExcess:
    offering: ServiceOffering
    guided: GuidedPrice

    @property
    def excess_yuan(self) -> Decimal:
        return self.offering.price_yuan - self.guided.price_yuan


def prices_above_guided(institution: Institution, day: datetime.date) -> list[PriceExcess]:
    """The monthly catalogue prices of ``institution`` above the guided price in force on ``day``."""
    region = district_of(institution)
    excesses = []
    for offering in institution.services.filter(price_unit=ServiceOffering.PriceUnit.MONTH):
        guided = guided_price_on(region, offering.service_type, day)
        if guided is not None and offering.price_yuan > guided.price_yuan:
            excesses.append(PriceExcess(offering, guided))
    return excesses
