"""The national checklist of development warning signs and the screening service: the checkpoint of the
child's age, any positive sign referred with the family and the health workers told."""

import datetime

import pytest
from django.utils import translation

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.development import (
    CHECKPOINTS,
    SIGNS_BY_CODE,
    SOURCE,
    WARNING_SIGNS,
    checkpoints_open_at,
    signs_at,
)
from tuoyu.health.models import DevelopmentScreening, Referral, ReferralReason
from tuoyu.health.services.care import development_screening_record
from tuoyu.health.tests.care_helpers import (
    _english,
    born,
    child_in_care,
    days_ago,
    family,
    kid,
    sms_outbox,
    today,
)
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name


# The checklist ----------------------------------------------------------------------------------------------


def test_the_checklist_has_four_signs_at_each_of_the_eight_checkpoints_with_unique_codes() -> None:
    assert CHECKPOINTS == (3, 6, 8, 12, 18, 24, 30, 36)
    assert [len(signs_at(m)) for m in CHECKPOINTS] == [4] * 8
    assert len(SIGNS_BY_CODE) == len(WARNING_SIGNS) == 32
    assert all(sign.code.startswith(f"m{sign.months}_") for sign in WARNING_SIGNS)
    assert "卫办妇社发〔2013〕26号" in SOURCE


def test_the_signs_are_the_national_wording() -> None:
    assert [s.text for s in signs_at(3)] == [
        "对很大声音没有反应",
        "逗引时不发音或不会微笑",
        "不注视人脸，不追视移动人或物品",
        "俯卧时不会抬头",
    ]
    assert [s.text for s in signs_at(18)] == [
        "不会有意识叫“爸爸”或“妈妈”",
        "不会按要求指人或物",
        "与人无目光交流",
        "不会独走",
    ]
    assert [s.text for s in signs_at(36)] == [
        "不会说自己的名字",
        "不会玩“拿棍当马骑”等假想游戏",
        "不会模仿画圆",
        "不会双脚跳",
    ]


def test_a_sign_reads_in_chinese_with_an_english_gloss_on_english_pages() -> None:
    sign = SIGNS_BY_CODE["m18_walk"]

    with translation.override("zh-hans"):
        assert sign.label == "不会独走"
    with translation.override("en"):
        assert sign.label == "不会独走 (cannot walk alone)"


@pytest.mark.parametrize(
    ("age", "open_"),
    [
        (2, []),
        (3, [3]),
        (5, [3]),
        (6, [3, 6]),
        (7, [6]),
        (8, [6, 8]),
        (11, [8]),
        (12, [8, 12]),
        (13, [12]),
        (18, [12, 18]),
        (23, [18]),
        (35, [30]),
        (36, [30, 36]),
        (47, [36]),
        (48, []),
    ],
)
def test_the_checkpoint_open_is_the_latest_reached_and_the_one_before_during_its_first_month(
    age: int, open_: list[int]
) -> None:
    assert checkpoints_open_at(age) == open_


# Recording a screening -------------------------------------------------------------------------------------


def screen(
    actor: User, child: Child, checkpoint: int = 18, signs: tuple[str, ...] = (), **fields: object
) -> DevelopmentScreening:
    fields.setdefault("screened_on", today())
    return development_screening_record(
        actor=actor,
        child=child,
        checkpoint_months=checkpoint,
        positive_signs=signs,
        **fields,  # type: ignore[arg-type]
    )


def refused(code: str, actor: User, child: Child, **fields: object) -> Refusal:
    with pytest.raises(Refusal) as caught:
        screen(actor, child, **fields)  # type: ignore[arg-type]
    assert caught.value.code == code, caught.value.text
    assert not DevelopmentScreening.objects.exists()
    assert not Referral.objects.exists()
    return caught.value


def test_a_screening_without_signs_refers_nobody(kid: Child, health_worker_x: User, family: User) -> None:
    screening = screen(health_worker_x, kid)

    assert (screening.checkpoint_months, screening.positive_signs, screening.screened_by) == (
        18,
        [],
        health_worker_x,
    )
    assert screening.institution == kid.placements.get().institution
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()


def test_any_positive_sign_is_referred_and_the_family_and_health_workers_told(
    kid: Child, doctor: User, health_worker_x: User, director_x: User, family: User
) -> None:
    screening = screen(doctor, kid, signs=("m18_walk", "m18_eye"), referred_to="济医附院儿童保健科")

    assert screening.positive_signs == ["m18_eye", "m18_walk"]  # in the order of the national table
    referral = Referral.objects.get()
    assert (referral.reason, referral.screening, referral.referred_on, referral.referred_to) == (
        ReferralReason.DEVELOPMENT,
        screening,
        today(),
        "济医附院儿童保健科",
    )
    assert referral.detail == "18月龄发育预警征象阳性：与人无目光交流；不会独走"
    assert Notification.objects.filter(user=family, kind="health_referral").count() == 1
    assert Notification.objects.filter(user=health_worker_x, kind="health_referral").count() == 1
    assert not Notification.objects.filter(user=director_x).exists()


def test_a_checkpoint_not_reached_is_refused(kid: Child, health_worker_x: User) -> None:
    error = refused("checkpoint_not_reached", health_worker_x, kid, checkpoint=24)
    assert "24-month" in error.text and "20 months" in error.text


def test_a_checkpoint_passed_is_refused_naming_the_one_that_applies(
    class_x: CareClass, health_worker_x: User, family: User
) -> None:
    child = child_in_care(class_x, birth_date=born(26), start_date=days_ago(100), guardian=family)

    error = refused("checkpoint_passed", health_worker_x, child, checkpoint=18)

    assert "24-month checklist applies" in error.text


def test_the_previous_checkpoint_may_be_recorded_in_the_first_month_after_the_next(
    class_x: CareClass, health_worker_x: User, family: User
) -> None:
    child = child_in_care(class_x, birth_date=born(24, days=5), start_date=days_ago(100), guardian=family)

    assert screen(health_worker_x, child, checkpoint=18).checkpoint_months == 18
    assert screen(health_worker_x, child, checkpoint=24).checkpoint_months == 24


def test_the_age_counts_on_the_day_of_the_screening(kid: Child, health_worker_x: User) -> None:
    """``kid`` is 20 months old today; a year ago they were 8 months old."""
    a_year_ago = today() - datetime.timedelta(days=365)

    assert screen(health_worker_x, kid, checkpoint=8, screened_on=a_year_ago).checkpoint_months == 8


def test_an_unknown_checkpoint_or_sign_is_refused(kid: Child, health_worker_x: User) -> None:
    refused("checkpoint_invalid", health_worker_x, kid, checkpoint=15)
    error = refused("sign_unknown", health_worker_x, kid, signs=("m24_spoon",))
    assert "m24_spoon" in error.text


def test_a_screening_in_the_future_or_twice_on_one_day_is_refused(kid: Child, health_worker_x: User) -> None:
    refused("date_in_future", health_worker_x, kid, screened_on=today() + datetime.timedelta(days=1))
    screen(health_worker_x, kid)

    with pytest.raises(Refusal) as caught:
        screen(health_worker_x, kid, signs=("m18_walk",))

    assert (caught.value.code, caught.value.conflict) == ("screening_duplicate", True)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["caregiver_x", "director_y", "regulator_a", "family"])
def test_others_may_not_screen(request: pytest.FixtureRequest, kid: Child, persona: str) -> None:
    with pytest.raises(NotPermitted):
        screen(request.getfixturevalue(persona), kid, signs=("m18_walk",))
    assert not DevelopmentScreening.objects.exists()
