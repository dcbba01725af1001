"""Fixtures of the enrolment tests besides the root personas: the privacy notice, the fee catalogue,
children, a second family, and text messages kept in memory.

``make_child(guardian, months=30)`` records a child through ``services.child_register`` (the guardian
consents first), ``months`` completed months old today. Text messages go to ``tuoyu.sms.MemoryBackend``
(``sms_outbox``), never to the log. Refusals are read in English. Those two fixtures live in ``helpers``,
where other apps' tests import them too.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import Child, PrivacyNotice, Relation, Sex
from tuoyu.enrolment.tests.helpers import (
    FULL_DAY_PRICE,
    _english,
    born_months_before,
    make_guardian,
    pass_exam,
    sms_outbox,
    today,
)
from tuoyu.registry.factories import ServiceOfferingFactory
from tuoyu.registry.models import Institution, ServiceOffering

__all__ = ["_english", "sms_outbox"]  # autouse fixtures, shared with other apps' tests


@pytest.fixture
def notice(db: None) -> PrivacyNotice:
    """The current privacy notice (the data migration publishes it; a flushed database needs it again)."""
    notice, _created = PrivacyNotice.objects.get_or_create(
        version="2026-01", defaults={"title": "儿童个人信息保护告知书", "body": "告知书正文"}
    )
    return notice


@pytest.fixture
def other_guardian(notice: PrivacyNotice) -> User:
    """A second family, with no link to ``guardian``'s children."""
    return make_guardian("家长钱先生")


MakeChild = Callable[..., Child]


@pytest.fixture
def make_child(notice: PrivacyNotice) -> MakeChild:
    """A child of ``guardian``, ``months`` completed months old on ``on`` (default: 30 months today)."""

    def make(
        guardian: User,
        *,
        name: str = "赵小宝",
        months: int = 30,
        on: datetime.date | None = None,
        exam: bool = False,
        **fields: Any,
    ) -> Child:
        services.give_consent(user=guardian)
        fields.setdefault("birth_date", born_months_before(on or today(), months))
        child = services.child_register(
            guardian=guardian, relation=Relation.MOTHER, name=name, sex=Sex.FEMALE, **fields
        )
        if exam:
            pass_exam(child, guardian)
        return child

    return make


@pytest.fixture
def full_day_x(institution_x: Institution) -> ServiceOffering:
    """Institution X's full-day care at 2,000 yuan a month (its fee catalogue)."""
    return ServiceOfferingFactory.create(
        institution=institution_x, service_type="full_day", price_yuan=FULL_DAY_PRICE, price_unit="month"
    )


@pytest.fixture
def full_day_y(institution_y: Institution) -> ServiceOffering:
    return ServiceOfferingFactory.create(
        institution=institution_y, service_type="full_day", price_yuan=Decimal("1500.00"), price_unit="month"
    )


@pytest.fixture
def full_day_z(institution_z: Institution) -> ServiceOffering:
    return ServiceOfferingFactory.create(
        institution=institution_z, service_type="full_day", price_yuan=Decimal("2600.00"), price_unit="month"
    )
