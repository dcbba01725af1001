"""Referrals: a professional refers a child, follows it up with outcomes, and closes it with one."""

import datetime

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.models import Referral, ReferralReason
from tuoyu.health.selectors.care import referrals_of, referrals_visible_to
from tuoyu.health.services.care import referral_create, referral_record_outcome
from tuoyu.health.tests.care_helpers import (
    _english,
    born,
    child_in_care,
    days_ago,
    family,
    kid,
    referral,
    sms_outbox,
    today,
)
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name


def refer(actor: User, child: Child, **fields: object) -> Referral:
    fields.setdefault("reason", ReferralReason.OTHER)
    fields.setdefault("detail", "湿疹反复，建议皮肤科就诊")
    fields.setdefault("referred_on", days_ago(1))
    return referral_create(actor=actor, child=child, **fields)  # type: ignore[arg-type]


def test_the_doctor_refers_a_child_and_the_family_is_told(kid: Child, doctor: User, family: User) -> None:
    made = refer(doctor, kid, referred_to="济医附院皮肤科")

    assert (made.reason, made.detail, made.referred_by, made.referred_to) == (
        ReferralReason.OTHER,
        "湿疹反复，建议皮肤科就诊",
        doctor,
        "济医附院皮肤科",
    )
    assert made.institution == kid.placements.get().institution
    assert Notification.objects.get(user=family).title == f"{kid.name} is referred to a doctor: Other"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"reason": "fever"}, "reason_invalid"),
        ({"detail": "  "}, "detail_required"),
        ({"referred_on": datetime.date(2100, 1, 1)}, "date_in_future"),
    ],
)
def test_a_referral_needs_a_reason_a_detail_and_a_past_date(
    kid: Child, health_worker_x: User, fields: dict[str, object], code: str
) -> None:
    with pytest.raises(Refusal) as caught:
        refer(health_worker_x, kid, **fields)

    assert caught.value.code == code
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "family"])
def test_others_may_not_refer(request: pytest.FixtureRequest, kid: Child, persona: str) -> None:
    with pytest.raises(NotPermitted):
        refer(request.getfixturevalue(persona), kid)


def test_an_outcome_keeps_the_referral_open_for_follow_up(kid: Child, doctor: User, family: User) -> None:
    made = referral(kid, referred_on=days_ago(10))

    followed = referral_record_outcome(actor=doctor, referral=made, outcome="已就诊，2周后复查")

    assert (followed.outcome, followed.outcome_on, followed.closed_at) == ("已就诊，2周后复查", today(), None)
    assert not Notification.objects.filter(user=family).exists()


def test_closing_needs_an_outcome_and_tells_the_family(
    kid: Child, health_worker_x: User, family: User
) -> None:
    made = referral(kid, referred_on=days_ago(10))

    with pytest.raises(Refusal) as caught:
        referral_record_outcome(actor=health_worker_x, referral=made, outcome=" ", close=True)
    assert caught.value.code == "outcome_required"

    closed = referral_record_outcome(
        actor=health_worker_x, referral=made, outcome="复查正常", outcome_on=days_ago(2), close=True
    )

    assert (closed.outcome_on, closed.closed_by) == (days_ago(2), health_worker_x)
    assert closed.closed_at is not None
    told = Notification.objects.get(user=family)
    assert (told.kind, told.title, told.body) == (
        "health_referral_closed",
        f"The referral of {kid.name} is closed",
        "Outcome: 复查正常",
    )


def test_a_closed_referral_cannot_change(kid: Child, health_worker_x: User) -> None:
    made = referral(kid, referred_on=days_ago(10), outcome="正常", closed_at=timezone.now())

    with pytest.raises(Refusal) as caught:
        referral_record_outcome(actor=health_worker_x, referral=made, outcome="改了")

    assert (caught.value.code, caught.value.conflict) == ("referral_closed", True)
    made.refresh_from_db()
    assert made.outcome == "正常"


@pytest.mark.parametrize(
    ("outcome_on", "code"),
    [(datetime.date(2100, 1, 1), "date_in_future"), (days_ago(11), "outcome_before_referral")],
)
def test_the_outcome_date_lies_between_the_referral_and_today(
    kid: Child, health_worker_x: User, outcome_on: datetime.date, code: str
) -> None:
    made = referral(kid, referred_on=days_ago(10))

    with pytest.raises(Refusal) as caught:
        referral_record_outcome(actor=health_worker_x, referral=made, outcome="正常", outcome_on=outcome_on)

    assert caught.value.code == code
    made.refresh_from_db()
    assert made.outcome == ""


def test_a_guardian_may_not_record_an_outcome(kid: Child, family: User) -> None:
    with pytest.raises(NotPermitted):
        referral_record_outcome(actor=family, referral=referral(kid, referred_on=days_ago(3)), outcome="好了")


def test_open_referrals_come_first_the_oldest_first_then_the_latest_closed(
    kid: Child, class_x: CareClass, class_y: CareClass, family: User, director_x: User, doctor: User
) -> None:
    now = timezone.now()
    closed_early = referral(
        kid, referred_on=days_ago(90), outcome="好", closed_at=now - datetime.timedelta(days=60)
    )
    open_new = referral(kid, referred_on=days_ago(5))
    closed_late = referral(
        kid, referred_on=days_ago(40), outcome="好", closed_at=now - datetime.timedelta(days=1)
    )
    open_old = referral(kid, referred_on=days_ago(20))
    elsewhere = child_in_care(
        class_y, birth_date=born(20), start_date=days_ago(90), guardian=family, name="月亮孩子"
    )
    referral(elsewhere, referred_on=days_ago(3))

    expected = [open_old, open_new, closed_late, closed_early]
    assert list(referrals_of(kid)) == expected
    assert list(referrals_visible_to(director_x)) == list(referrals_visible_to(doctor)) == expected
    assert len(referrals_visible_to(family)) == 5
