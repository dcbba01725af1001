"""The vaccination-certificate check (预防接种证查验): the institution's act; the entry check completes the
enrolment task; missing doses are named and the family urged at once, also by text."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import CareTask, Child
from tuoyu.health.models import ImmunisationCheck, ImmunisationCheckKind
from tuoyu.health.services.care import immunisation_check_record
from tuoyu.health.tests.care_helpers import _english, days_ago, family, kid, sms_outbox, today
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name


def check(actor: User, child: Child, **fields: Any) -> ImmunisationCheck:
    fields.setdefault("kind", ImmunisationCheckKind.ENTRY)
    fields.setdefault("checked_on", days_ago(1))
    fields.setdefault("complete", True)
    return immunisation_check_record(actor=actor, child=child, **fields)


def test_a_complete_entry_check_completes_the_enrolment_task(
    kid: Child, health_worker_x: User, family: User
) -> None:
    recorded = check(health_worker_x, kid)

    assert (recorded.kind, recorded.complete, recorded.missing_doses, recorded.guardian_urged_at) == (
        ImmunisationCheckKind.ENTRY,
        True,
        "",
        None,
    )
    assert recorded.institution == kid.placements.get().institution
    task = CareTask.objects.get(child=kid)
    assert (task.done_by, task.note) == (health_worker_x, "预防接种证已查验，接种完整。")
    assert task.done_at is not None
    assert not Notification.objects.filter(user=family).exists()


def test_an_incomplete_check_names_the_doses_and_urges_the_family_at_once_also_by_text(
    kid: Child,
    director_x: User,
    family: User,
    sms_outbox: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        recorded = check(director_x, kid, complete=False, missing_doses="麻腮风第1剂")

    assert recorded.guardian_urged_at is not None
    assert CareTask.objects.get(child=kid).note == "预防接种证已查验，缺种：麻腮风第1剂；已告知家长补种。"
    told = Notification.objects.get(user=family)
    assert told.kind == "immunisation_missing_doses"
    assert told.title == f"{kid.name}'s vaccination certificate is missing doses"
    assert "麻腮风第1剂" in told.body
    assert told.sent_by_sms
    assert sms_outbox == [(family.phone, f"【托育】{told.title} {told.body}")]


def test_an_incomplete_check_needs_the_missing_doses(kid: Child, health_worker_x: User) -> None:
    with pytest.raises(Refusal) as caught:
        check(health_worker_x, kid, complete=False, missing_doses="  ")

    assert caught.value.code == "missing_doses_required"
    assert not ImmunisationCheck.objects.exists()
    assert CareTask.objects.get(child=kid).done_at is None


def test_a_complete_check_has_no_missing_doses(kid: Child, health_worker_x: User) -> None:
    with pytest.raises(Refusal) as caught:
        check(health_worker_x, kid, complete=True, missing_doses="乙肝第3剂")

    assert caught.value.code == "missing_doses_for_complete"


def test_the_entry_check_is_recorded_once_then_re_checks(kid: Child, health_worker_x: User) -> None:
    check(health_worker_x, kid, complete=False, missing_doses="乙肝第3剂", checked_on=days_ago(20))

    with pytest.raises(Refusal) as caught:
        check(health_worker_x, kid, checked_on=days_ago(2))
    assert (caught.value.code, caught.value.conflict) == ("entry_check_done", True)

    recheck = check(health_worker_x, kid, kind=ImmunisationCheckKind.ANNUAL, checked_on=days_ago(2))
    assert recheck.complete


def test_a_yearly_re_check_leaves_the_enrolment_task_alone(kid: Child, health_worker_x: User) -> None:
    check(health_worker_x, kid, kind=ImmunisationCheckKind.ANNUAL)

    assert CareTask.objects.get(child=kid).done_at is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "monthly"}, "check_kind_invalid"),
        ({"checked_on": today() + datetime.timedelta(days=1)}, "date_in_future"),
    ],
)
def test_bad_checks_are_refused(kid: Child, health_worker_x: User, fields: dict[str, Any], code: str) -> None:
    with pytest.raises(Refusal) as caught:
        check(health_worker_x, kid, **fields)

    assert caught.value.code == code
    assert not ImmunisationCheck.objects.exists()


@pytest.mark.parametrize("persona", ["doctor", "caregiver_x", "director_y", "family", "regulator_a"])
def test_only_the_institution_checks_certificates_never_the_doctor(
    request: pytest.FixtureRequest, kid: Child, persona: str
) -> None:
    with pytest.raises(NotPermitted):
        check(request.getfixturevalue(persona), kid)

    assert not ImmunisationCheck.objects.exists()
