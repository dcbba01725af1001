import datetime

from django.db import transaction

from tuoyu.registry.models import Institution
from tuoyu.workforce.models import Staff


@transaction.atomic
def staff_hire(
    *,
    institution: Institution,
    name: str,
    role: str,
    employed_from: datetime.date,
    employed_until: datetime.date | None = None,
) -> Staff:
    staff = Staff(
        institution=institution,
        name=name,
        role=role,
        employed_from=employed_from,
        employed_until=employed_until,
    )
    staff.full_clean()
    staff.save()
    return staff
