"""Helpers the workforce, filing and supervision tests share: certified staff in one call."""

import datetime
from decimal import Decimal

from tuoyu.registry.models import Institution
from tuoyu.workforce.factories import CertificateFactory, StaffFactory
from tuoyu.workforce.models import (
    Certificate,
    CertificateRequirement,
    CertificateType,
    Education,
    Staff,
    StaffRole,
)
from tuoyu.workforce.services import default_expiry


def required_types(role: str) -> list[str]:
    """The certificate types the requirement table (data migration 0002) asks of ``role``."""
    return sorted(CertificateRequirement.objects.filter(role=role).values_list("certificate_type", flat=True))


def certify(
    staff: Staff,
    *,
    issued_on: datetime.date,
    except_types: tuple[str, ...] = (),
) -> list[Certificate]:
    """Give ``staff`` every certificate their role needs, issued on ``issued_on``.

    The health certificate runs 12 months like certificate_record's default; the others do not expire.
    """
    types = required_types(staff.role)
    assert types, f"no certificate requirement for role {staff.role}: is migration 0002 applied?"
    return [
        CertificateFactory.create(
            staff=staff,
            certificate_type=certificate_type,
            issued_on=issued_on,
            expires_on=default_expiry(certificate_type, issued_on)
            if certificate_type == CertificateType.HEALTH
            else None,
        )
        for certificate_type in types
        if certificate_type not in except_types
    ]


def hire_certified_team(institution: Institution, on: datetime.date) -> list[Staff]:
    """A qualified director, a caregiver and a health worker, every certificate valid on ``on``."""
    employed_from = on - datetime.timedelta(days=60)
    team = [
        StaffFactory.create(
            institution=institution,
            name="吴园长",
            role=StaffRole.DIRECTOR,
            education=Education.BACHELOR,
            management_years=Decimal("5"),
            employed_from=employed_from,
        ),
        StaffFactory.create(
            institution=institution, name="郑保育", role=StaffRole.CAREGIVER, employed_from=employed_from
        ),
        StaffFactory.create(
            institution=institution, name="冯保健", role=StaffRole.HEALTH_WORKER, employed_from=employed_from
        ),
    ]
    for person in team:
        certify(person, issued_on=on - datetime.timedelta(days=30))
    return team
