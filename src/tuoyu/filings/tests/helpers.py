"""Helpers that make a filing complete (form, commitment, materials) as of a given day; shared with the
supervision tests."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingMaterial, MaterialKind
from tuoyu.filings.services import filing_attach, filing_update

NEW_NAME = "甲区新苗托育园"  # the institution preparing to open in the filing tests
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf(name: str = "material.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def material_facts(kind: str, on: datetime.date) -> dict[str, Any]:
    """The facts that make a material of ``kind`` acceptable on ``on``."""
    facts: dict[str, dict[str, Any]] = {
        MaterialKind.PREMISES: {
            "tenure": FilingMaterial.Tenure.LEASED,
            "lease_start": on - datetime.timedelta(days=365),
            "lease_end": on + datetime.timedelta(days=4 * 365),
        },
        MaterialKind.HEALTH_EVALUATION: {"rating": FilingMaterial.Rating.PASS},
        MaterialKind.FOOD_LICENCE: {"valid_until": on + datetime.timedelta(days=700)},
    }
    return facts.get(kind, {})


def attach_all(actor: User, filing: Filing, on: datetime.date, *, skip: tuple[str, ...] = ()) -> None:
    """Attach every required material (and the food licence), each acceptable on ``on``."""
    for kind in (
        MaterialKind.BUSINESS_LICENCE,
        MaterialKind.PREMISES,
        MaterialKind.HEALTH_EVALUATION,
        MaterialKind.FIRE_SAFETY,
        MaterialKind.FOOD_LICENCE,
    ):
        if kind not in skip:
            filing_attach(
                actor=actor, filing=filing, kind=kind, upload=pdf(f"{kind}.pdf"), **material_facts(kind, on)
            )


def fill_in(actor: User, filing: Filing, **changes: Any) -> Filing:
    """Save the 备案书 as prefilled (with ``changes``) and accept the commitment."""
    values: dict[str, Any] = {
        "name": filing.name,
        "address": filing.address,
        "director_name": filing.director_name or "吴园长",
        "filed_places": filing.filed_places,
        "services": {s["service_type"]: Decimal(s["price_yuan"]) for s in filing.service_types}
        or {"full_day": Decimal("1800")},
        "serves_meals": filing.serves_meals,
        "resettlement": filing.resettlement,
        "commitment_accepted": True,
    }
    values.update(changes)
    return filing_update(actor=actor, filing=filing, **values)
