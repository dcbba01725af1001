import factory

from tuoyu.regions.models import Population, Region


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{99:02d}{n:04d}")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = Region.Level.DISTRICT
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else ''}{o.code}/")


class PopulationFactory(factory.django.DjangoModelFactory[Population]):
    class Meta:
        model = Population

    region = factory.SubFactory(RegionFactory)
    year = 2025
    residents = 100_000
    source = "测试数据"
