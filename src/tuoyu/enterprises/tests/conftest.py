"""The desk's world: a city (甲市) above district A, its service team and the district's, two departments, an
enterprise in street A1 and one in district B; the people who work them."""

import pytest

from tests.personas import make_persona
from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.enterprises.factories import DepartmentFactory, EnterpriseFactory, ServiceTeamFactory
from tuoyu.enterprises.models import Department, Enterprise, ServiceTeam, TeamLevel
from tuoyu.enterprises.services.register import department_contact_add, team_member_add
from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region


@pytest.fixture
def city(district_a: Region) -> Region:
    """甲市, with district A moved beneath it (its path and its streets' paths follow)."""
    city = RegionFactory.create(code="9901", name="甲市", level=Region.Level.CITY)
    for region in Region.objects.filter(path__startswith=district_a.path):
        region.path = city.path + region.path
        region.save(update_fields=["path"])
    district_a.refresh_from_db()
    district_a.parent = city
    district_a.save(update_fields=["parent"])
    return city


@pytest.fixture
def district_team(district_a: Region, city: Region) -> ServiceTeam:
    return ServiceTeamFactory.create(name="甲区企业服务队", level=TeamLevel.DISTRICT, region=district_a)


@pytest.fixture
def city_team(city: Region) -> ServiceTeam:
    return ServiceTeamFactory.create(name="甲市企业服务队", level=TeamLevel.CITY, region=city)


@pytest.fixture
def officer(district_team: ServiceTeam) -> User:
    user = UserFactory.create(display_name="李专员")
    team_member_add(team=district_team, user=user)
    return user


@pytest.fixture
def team_leader(district_team: ServiceTeam) -> User:
    user = UserFactory.create(display_name="周队长")
    team_member_add(team=district_team, user=user, leader=True)
    return user


@pytest.fixture
def city_officer(city_team: ServiceTeam) -> User:
    user = UserFactory.create(display_name="孙专员")
    team_member_add(team=city_team, user=user, leader=True)
    return user


@pytest.fixture
def officer_b(district_b: Region) -> User:
    """An enterprise service officer of district B: nothing of district A is theirs."""
    return make_persona("乙区专员", Role.ENTERPRISE_SERVICE, region=district_b)


@pytest.fixture
def market_bureau(district_a: Region) -> Department:
    return DepartmentFactory.create(name="甲区市场监督管理局", region=district_a)


@pytest.fixture
def tax_bureau(district_a: Region) -> Department:
    return DepartmentFactory.create(name="甲区税务局", region=district_a)


@pytest.fixture
def market_contact(market_bureau: Department) -> User:
    user = UserFactory.create(display_name="市监联络员")
    department_contact_add(department=market_bureau, user=user)
    return user


@pytest.fixture
def tax_contact(tax_bureau: Department) -> User:
    user = UserFactory.create(display_name="税务联络员")
    department_contact_add(department=tax_bureau, user=user)
    return user


@pytest.fixture
def enterprise(street_a1: Region, city: Region) -> Enterprise:
    street_a1.refresh_from_db()
    return EnterpriseFactory.create(
        name="岁耕农业发展有限公司", street=street_a1, contact_phone="13700001111"
    )


@pytest.fixture
def enterprise_b(street_b1: Region) -> Enterprise:
    return EnterpriseFactory.create(name="乙区某企业", street=street_b1)


@pytest.fixture
def contact_user(enterprise: Enterprise) -> User:
    """The enterprise's contact, signed up with the contact phone."""
    return UserFactory.create(display_name="王经理", phone=enterprise.contact_phone)
