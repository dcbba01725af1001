"""What bookings need besides the root personas: the fee catalogue of institution X, a slot and a session a
week ahead, and children with their guardians.

``guardian`` (root conftest) has one child here, ``赵小宝``, 18 months old on ``DAY``; ``other_guardian`` has
``钱小满``. Services are called with an explicit ``now`` a day before the cut-off unless a test says
otherwise.
"""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.bookings.factories import ParentChildSessionFactory, TemporaryCareSlotFactory
from tuoyu.bookings.models import ParentChildSession, TemporaryCareSlot
from tuoyu.enrolment.models import Child, Guardianship, Relation, Sex
from tuoyu.registry.factories import ServiceOfferingFactory
from tuoyu.registry.models import Institution, ServiceOffering, ServiceType
from tuoyu.workdays import months_later

TEMPORARY_PRICE = Decimal("150.00")
PARENT_CHILD_PRICE = Decimal("88.00")

MakeChild = Callable[..., Child]


def day() -> datetime.date:
    """The day of the test slot and session: a week from today."""
    return timezone.localdate() + datetime.timedelta(days=7)


def born_months_before(on: datetime.date, months: int, *, days: int = 0) -> datetime.date:
    """A birth date that makes a child exactly ``months`` completed months old on ``on`` (plus ``days``)."""
    birth = on
    while months_later(birth, months) > on:
        birth -= datetime.timedelta(days=1)
    return birth - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages of refusals are checked in English (the clients of the root conftest ask for English too)."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_child(db: None) -> MakeChild:
    """A child recorded for a guardian (directly: consent and the rest are enrolment's business)."""

    def make(guardian: User, *, name: str, birth_date: datetime.date | None = None) -> Child:
        child = Child.objects.create(
            name=name, sex=Sex.FEMALE, birth_date=birth_date or born_months_before(day(), 18)
        )
        Guardianship.objects.create(child=child, user=guardian, relation=Relation.MOTHER)
        return child

    return make


@pytest.fixture
def other_guardian(db: None) -> User:
    user = UserFactory.create(display_name="家长钱先生")
    RoleAssignmentFactory.create(user=user, role=Role.GUARDIAN)
    return user


@pytest.fixture
def child(guardian: User, make_child: MakeChild) -> Child:
    return make_child(guardian, name="赵小宝")


@pytest.fixture
def other_child(other_guardian: User, make_child: MakeChild) -> Child:
    return make_child(other_guardian, name="钱小满")


@pytest.fixture
def catalogue_x(institution_x: Institution) -> list[ServiceOffering]:
    """Institution X offers temporary care and parent-child sessions, with their prices."""
    return [
        ServiceOfferingFactory.create(
            institution=institution_x,
            service_type=ServiceType.TEMPORARY,
            price_yuan=TEMPORARY_PRICE,
            price_unit=ServiceOffering.PriceUnit.SESSION,
        ),
        ServiceOfferingFactory.create(
            institution=institution_x,
            service_type=ServiceType.PARENT_CHILD,
            price_yuan=PARENT_CHILD_PRICE,
            price_unit=ServiceOffering.PriceUnit.SESSION,
        ),
    ]


@pytest.fixture
def slot(institution_x: Institution) -> TemporaryCareSlot:
    return TemporaryCareSlotFactory.create(institution=institution_x, date=day(), capacity=2)


@pytest.fixture
def session(institution_x: Institution) -> ParentChildSession:
    return ParentChildSessionFactory.create(
        institution=institution_x,
        title="亲子绘本时光",
        date=day(),
        min_age_months=12,
        max_age_months=24,
        capacity=1,
    )


@pytest.fixture
def before_cutoff() -> datetime.datetime:
    """A moment well before the cut-off of the test slot and session (18:00 the day before ``day()``)."""
    return timezone.now()
