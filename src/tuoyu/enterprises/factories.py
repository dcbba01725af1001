import factory

from tuoyu.enterprises.models import Department, Enterprise, Industry, ServiceTeam, TeamLevel
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import RegistrationType


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyAttributeSequence(
        lambda o, n: make_credit_code(RegistrationType.ENTERPRISE, o.street.code, 500_000 + n)
    )
    address = "测试路1号"
    industry = Industry.MANUFACTURING
    contact_name = "王经理"
    contact_phone = factory.Sequence(lambda n: f"137{n:08d}")


class ServiceTeamFactory(factory.django.DjangoModelFactory[ServiceTeam]):
    class Meta:
        model = ServiceTeam

    name = factory.Sequence(lambda n: f"企业服务队{n}")
    level = TeamLevel.DISTRICT


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试局{n}")
