import datetime
from decimal import Decimal

import factory

from tuoyu.accounts.factories import UserFactory
from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region
from tuoyu.subsidies.models import Basis, EntryKind, LedgerEntry, SubsidyPolicy


class SubsidyPolicyFactory(factory.django.DjangoModelFactory[SubsidyPolicy]):
    """An operating subsidy of 300 yuan per child-month from 2026, labelled a demo value."""

    class Meta:
        model = SubsidyPolicy

    region = factory.SubFactory(RegionFactory, level=Region.Level.DISTRICT)
    name = "普惠托育机构运营补助"
    basis = Basis.PER_CHILD_MONTH
    rate_yuan = Decimal("300.00")
    min_attendance_days = 10
    holding_severities = factory.LazyFunction(lambda: ["block"])
    holding_rule_prefixes = factory.LazyFunction(lambda: ["STF-"])
    instalments = factory.LazyFunction(list)
    effective_from = datetime.date(2026, 1, 1)
    source_document = "演示用补助标准"
    article = "第三条"
    is_demo_value = True


class ConstructionPolicyFactory(SubsidyPolicyFactory):
    """A construction subsidy of 10,000 yuan per new inclusive place, paid 60 % then 40 %."""

    name = "普惠托位建设补助"
    basis = Basis.PER_NEW_PLACE
    rate_yuan = Decimal("10000.00")
    instalments = factory.LazyFunction(lambda: [60, 40])
    article = "第二条"


class BudgetEntryFactory(factory.django.DjangoModelFactory[LedgerEntry]):
    """The district's subsidy budget for 2026 (an append-only row: created, never changed)."""

    class Meta:
        model = LedgerEntry

    region = factory.SubFactory(RegionFactory, level=Region.Level.DISTRICT)
    year = 2026
    kind = EntryKind.BUDGET
    amount_yuan = Decimal("1000000.00")
    note = "2026年度托育补助资金预算"
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(lambda: datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC))
