"""Many families accept at the same moment: the last place goes to exactly one of them.

Each accept runs in its own thread, so on its own database connection, all released together. On
PostgreSQL the institution and class rows are locked (SELECT ... FOR UPDATE) before the places are counted;
on SQLite the IMMEDIATE transaction mode makes writers queue at BEGIN. Either way the count a transaction
makes is still true when it writes.
"""

from functools import partial

import pytest
from django.db import connection

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import (
    ApplicationStatus,
    Offer,
    OfferStatus,
    Placement,
    PrivacyNotice,
    ServiceAgreement,
)
from tuoyu.enrolment.tests.helpers import (
    fill,
    make_guardian,
    pass_exam,
    raw_application,
    raw_child,
    raw_offer,
    run_together,
)
from tuoyu.refusals import Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.registry.standards import AgeBand

Outcome = Placement | Exception

# (database, number of families accepting at once)
RACES = [
    pytest.param("postgresql", 50, id="postgresql-50"),
    pytest.param("sqlite", 16, id="sqlite-16"),
]


def skip_unless(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"runs on {vendor}; this run uses {connection.vendor}")
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database answers a second writer with an error instead of waiting")


def open_offers(n: int, classes: list[CareClass], director: User) -> list[Offer]:
    """``n`` families, each with a child of 30 months, a passed exam and an open offer (classes in turn)."""
    offers = []
    for i in range(n):
        guardian = make_guardian(f"家长{i}", consent=False)
        child = raw_child(guardian, name=f"孩子{i:02d}")
        pass_exam(child, guardian)
        offers.append(
            raw_offer(
                raw_application(child, classes[i % len(classes)].institution),
                classes[i % len(classes)],
                director,
            )
        )
    return offers


def accept_all(offers: list[Offer]) -> list[Outcome]:
    guardians = [offer.application.child.guardianships.get().user for offer in offers]
    return run_together(
        [partial(services.offer_accept, guardian=g, offer=o) for g, o in zip(guardians, offers, strict=True)]
    )


def assert_one_winner(outcomes: list[Outcome], offers: list[Offer], refusal_code: str) -> Placement:
    placements = [o for o in outcomes if isinstance(o, Placement)]
    refusals = [o for o in outcomes if isinstance(o, Refusal)]
    others = [o for o in outcomes if not isinstance(o, Placement | Refusal)]
    assert others == [], others
    assert len(placements) == 1, outcomes
    assert len(refusals) == len(offers) - 1
    assert {r.code for r in refusals} == {refusal_code}
    (winner,) = placements
    assert list(Placement.objects.filter(offer__isnull=False)) == [winner]
    assert ServiceAgreement.objects.count() == 1
    statuses = dict(Offer.objects.values_list("pk", "status"))
    assert statuses.pop(winner.offer_id) == OfferStatus.ACCEPTED  # type: ignore[arg-type]
    assert set(statuses.values()) == {OfferStatus.OPEN}  # a refused accept writes nothing
    assert winner.offer is not None
    assert winner.offer.application.status == ApplicationStatus.PLACED
    return winner


@pytest.fixture
def setting_up(institution_x: Institution, full_day_x: ServiceOffering, director_x: User) -> None:
    PrivacyNotice.objects.get_or_create(version="2026-01", defaults={"title": "告知书", "body": "正文"})


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("setting_up")
@pytest.mark.parametrize(("vendor", "families"), RACES)
def test_many_families_accepting_the_last_place_of_a_class_at_once_one_gets_it(
    vendor: str, families: int, institution_x: Institution, director_x: User
) -> None:
    skip_unless(vendor)
    care_class = CareClassFactory.create(
        institution=institution_x, name="托大三班", age_band=AgeBand.PRESCHOOL, capacity=3
    )
    fill(care_class, make_guardian("已入托家长", consent=False), 2)  # one place left
    offers = open_offers(families, [care_class], director_x)

    outcomes = accept_all(offers)

    winner = assert_one_winner(outcomes, offers, "class_full")
    assert Placement.objects.filter(care_class=care_class).count() == 3
    assert winner.care_class == care_class


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("setting_up")
@pytest.mark.parametrize(("vendor", "families"), RACES)
def test_accepts_across_two_classes_for_the_last_filed_place_one_gets_it(
    vendor: str, families: int, institution_x: Institution, director_x: User
) -> None:
    skip_unless(vendor)
    first = CareClassFactory.create(
        institution=institution_x, name="托大一班", age_band=AgeBand.PRESCHOOL, capacity=20
    )
    second = CareClassFactory.create(
        institution=institution_x, name="托大二班", age_band=AgeBand.PRESCHOOL, capacity=20
    )
    fill(first, make_guardian("已入托家长", consent=False), 4)
    Institution.objects.filter(pk=institution_x.pk).update(filed_places=5)  # one filed place left
    offers = open_offers(families, [first, second], director_x)

    outcomes = accept_all(offers)

    assert_one_winner(outcomes, offers, "filed_places_reached")
    assert Placement.objects.filter(institution=institution_x).count() == 5
