"""Class quarantine: a class under observation takes no new children (no offer, no acceptance) until its
end date; the director or health worker records it."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment import services as enrolment_services
from tuoyu.enrolment.models import Offer, Placement
from tuoyu.enrolment.tests.helpers import (
    make_guardian,
    make_offer,
    pass_exam,
    raw_application,
    raw_child,
    raw_offer,
)
from tuoyu.health.models import ClassQuarantine
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import _english, days_ago, fever_report, refusal_of, today
from tuoyu.refusals import NotPermitted
from tuoyu.registry.factories import ServiceOfferingFactory
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixtures used by name


@pytest.fixture
def family(institution_x: Institution) -> User:
    ServiceOfferingFactory.create(
        institution=institution_x, service_type="full_day", price_yuan=Decimal("2000"), price_unit="month"
    )
    return make_guardian("家长孙先生", consent=False)


def quarantine(care_class: CareClass, by: User, *, days: int = 7, **kwargs: Any) -> ClassQuarantine:
    kwargs.setdefault("starts_on", today())
    kwargs.setdefault("ends_on", today() + datetime.timedelta(days=days))
    kwargs.setdefault("reason", "手足口病聚集，医学观察")
    return services.quarantine_record(care_class=care_class, by=by, **kwargs)


def test_an_offer_for_a_class_in_quarantine_is_refused_with_the_end_date(
    class_x: CareClass, health_worker_x: User, director_x: User, family: User, institution_x: Institution
) -> None:
    until = quarantine(class_x, health_worker_x).ends_on
    application = raw_application(raw_child(family, name="孙小宝"), institution_x)

    refused = refusal_of(lambda: make_offer(director_x, application, class_x))

    assert (refused.code, refused.conflict) == ("class_in_quarantine", True)
    assert until.isoformat() in refused.text and "星星托大班" in refused.text
    assert not Offer.objects.exists()


def test_after_the_quarantine_ends_the_class_takes_children_again(
    class_x: CareClass, health_worker_x: User, director_x: User, family: User, institution_x: Institution
) -> None:
    ended = quarantine(class_x, health_worker_x, days=0)
    application = raw_application(raw_child(family, name="孙小宝"), institution_x)
    day_after = timezone.now() + datetime.timedelta(days=1)

    offer = make_offer(director_x, application, class_x, now=day_after)

    assert ended.ends_on == today() and offer.care_class == class_x


def test_an_open_offer_cannot_be_accepted_while_the_class_is_in_quarantine(
    class_x: CareClass, health_worker_x: User, director_x: User, family: User, institution_x: Institution
) -> None:
    child = raw_child(family, name="孙小宝")
    offer = raw_offer(raw_application(child, institution_x), class_x, director_x)
    pass_exam(child, family)
    quarantine(class_x, health_worker_x)

    refused = refusal_of(lambda: enrolment_services.offer_accept(guardian=family, offer=offer))

    assert refused.code == "class_in_quarantine"
    assert not Placement.objects.exists()


def test_a_quarantine_starting_later_does_not_block_today(
    class_x: CareClass, health_worker_x: User, director_x: User, family: User, institution_x: Institution
) -> None:
    quarantine(class_x, health_worker_x, starts_on=today() + datetime.timedelta(days=2), days=9)
    application = raw_application(raw_child(family, name="孙小宝"), institution_x)

    assert make_offer(director_x, application, class_x).care_class == class_x


def test_a_quarantine_of_another_class_does_not_block_this_one(
    class_x: CareClass,
    class_y: CareClass,
    director_y: User,
    director_x: User,
    family: User,
    institution_x: Institution,
) -> None:
    quarantine(class_y, director_y)
    application = raw_application(raw_child(family, name="孙小宝"), institution_x)

    assert make_offer(director_x, application, class_x).care_class == class_x


def test_a_quarantine_is_recorded_with_its_outbreak(class_x: CareClass, director_x: User) -> None:
    outbreak = fever_report(class_x.institution, care_class=class_x)

    recorded = quarantine(class_x, director_x, outbreak=outbreak, reason=" 发热聚集 ")

    assert (recorded.outbreak, recorded.reason, recorded.created_by) == (outbreak, "发热聚集", director_x)
    assert recorded.covers(today()) and not recorded.covers(today() + datetime.timedelta(days=8))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"reason": "  "}, "reason_required"),
        ({"starts_on": today(), "ends_on": days_ago(1)}, "quarantine_ends_before_start"),
        ({"starts_on": days_ago(10), "ends_on": days_ago(1)}, "quarantine_over"),
    ],
)
def test_a_wrong_quarantine_is_refused(
    class_x: CareClass, health_worker_x: User, fields: dict[str, Any], code: str
) -> None:
    refused = refusal_of(lambda: quarantine(class_x, health_worker_x, **fields))

    assert refused.code == code and not ClassQuarantine.objects.exists()


def test_overlapping_quarantines_are_refused_but_a_following_one_is_allowed(
    class_x: CareClass, health_worker_x: User
) -> None:
    first = quarantine(class_x, health_worker_x, days=7)

    refused = refusal_of(
        lambda: quarantine(class_x, health_worker_x, starts_on=first.ends_on, ends_on=first.ends_on)
    )
    following = quarantine(
        class_x,
        health_worker_x,
        starts_on=first.ends_on + datetime.timedelta(days=1),
        ends_on=first.ends_on + datetime.timedelta(days=7),
    )

    assert (refused.code, refused.conflict) == ("already_in_quarantine", True)
    assert ClassQuarantine.objects.count() == 2 and following.starts_on > first.ends_on


def test_an_outbreak_of_another_institution_is_refused(
    class_x: CareClass, class_y: CareClass, director_x: User
) -> None:
    elsewhere = fever_report(class_y.institution)

    assert (
        refusal_of(lambda: quarantine(class_x, director_x, outbreak=elsewhere)).code == "outbreak_elsewhere"
    )


@pytest.mark.parametrize("persona", ["caregiver_x", "doctor", "regulator_a", "director_y"])
def test_only_the_institution_puts_a_class_in_quarantine(
    class_x: CareClass, persona: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(NotPermitted):
        quarantine(class_x, request.getfixturevalue(persona))

    assert not ClassQuarantine.objects.exists()
