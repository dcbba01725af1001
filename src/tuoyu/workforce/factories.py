import datetime

import factory

from tuoyu.registry.factories import InstitutionFactory
from tuoyu.workforce.models import Staff, StaffRole


class StaffFactory(factory.django.DjangoModelFactory[Staff]):
    class Meta:
        model = Staff

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    role = StaffRole.CAREGIVER
    employed_from = datetime.date(2023, 3, 1)
