"""Inspection plans drawn from a published seed: reproducible byte for byte, shares per risk group, never the
last inspector, approval and publication."""

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.factories import FiledInstitutionFactory
from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.rules import Severity
from tuoyu.supervision.models import InspectionPlan
from tuoyu.supervision.services.planning import (
    canonical,
    draw,
    plan_approve,
    plan_draw,
    plan_matches,
    plan_redraw,
)
from tuoyu.supervision.tests.planning_helpers import finding, inspection

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def inspector_2(district_a: Region) -> User:
    user = UserFactory.create(display_name="监管员乙")
    RoleAssignmentFactory.create(user=user, role=Role.REGULATOR, region=district_a)
    return user


@pytest.fixture
def twenty(street_a1: Region, institution_x: Institution, institution_y: Institution) -> list[Institution]:
    """Twenty operating institutions in district A (X and Y among them), all never inspected: low risk."""
    made = [FiledInstitutionFactory.create(street=street_a1) for _ in range(18)]
    return [institution_x, institution_y, *made]


def plan(region: Region, actor: User, seed: str = "20261201-518", **rates: int) -> InspectionPlan:
    return plan_draw(
        region=region, period_start=START, period_end=END, seed=seed, rates=rates or None, actor=actor
    )


def test_the_same_seed_and_inputs_give_the_same_plan_byte_for_byte(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    first = plan(district_a, regulator_a, low=50)
    second = plan(district_a, inspector_2, low=50)
    assert first.pk != second.pk
    assert canonical(first.inputs) == canonical(second.inputs)
    assert canonical(first.drawn) == canonical(second.drawn)
    assert len(first.drawn) == 10
    stored = InspectionPlan.objects.get(pk=first.pk)  # through the database and back
    assert plan_redraw(stored) == canonical(first.drawn)
    assert plan_matches(stored)
    assert canonical(draw(stored.seed, stored.inputs)) == canonical(stored.drawn)


def test_another_seed_draws_another_plan(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    one = plan(district_a, regulator_a, seed="20261201-518", low=50)
    other = plan(district_a, regulator_a, seed="20261201-519", low=50)
    assert canonical(one.drawn) != canonical(other.drawn)
    assert {row["code"] for row in one.drawn} != {row["code"] for row in other.drawn}


def test_changed_inputs_draw_again(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    before = plan(district_a, regulator_a, low=50)
    FiledInstitutionFactory.create(street=twenty[0].street)
    after = plan(district_a, regulator_a, low=50)
    assert canonical(before.inputs) != canonical(after.inputs)
    assert canonical(before.drawn) != canonical(after.drawn)


def test_each_group_is_drawn_at_its_rate_rounded_up(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    high = twenty[:2]
    for institution in high:
        finding(institution, Severity.BLOCK)
        finding(institution, Severity.BLOCK)  # 20 + never inspected 4: high
    medium = twenty[2:5]
    for institution in medium:
        finding(institution, Severity.VIOLATION)  # 4 + 4: medium
    drawn = plan(district_a, regulator_a).drawn  # defaults: high 100 %, medium 30 %, low 10 %
    groups = [row["group"] for row in drawn]
    assert groups == ["high"] * 2 + ["medium"] * 1 + ["low"] * 2  # 3 × 30 % → 1; 15 × 10 % → 2
    assert {row["code"] for row in drawn if row["group"] == "high"} == {str(i.code) for i in high}
    assert len(plan(district_a, regulator_a, high=50, medium=100, low=0).drawn) == 1 + 3
    assert len(plan(district_a, regulator_a, low=7).drawn) == 2 + 1 + 2  # 15 × 7 % = 1.05 → 2


def test_only_operating_institutions_of_the_region_are_drawn(
    district_a: Region,
    twenty: list[Institution],
    institution_z: Institution,
    regulator_a: User,
    inspector_2: User,
) -> None:
    closed = twenty[0]
    closed.operating_status = OperatingStatus.CLOSED
    closed.save()
    drawn = plan(district_a, regulator_a, low=100)
    codes = {row["code"] for row in drawn.drawn}
    assert len(codes) == 19
    assert str(closed.code) not in codes and str(institution_z.code) not in codes
    assert [row["id"] for row in drawn.inputs["inspectors"]] == [regulator_a.pk, inspector_2.pk]


def test_nobody_inspects_the_institution_they_inspected_last_time(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    for institution in twenty:
        inspection(institution, regulator_a, grade="B")
    latest = timezone.now() - datetime.timedelta(days=10)
    inspection(twenty[0], inspector_2, grade="A", started_at=latest)  # the latest of the first: inspector 2
    drawn = plan(district_a, regulator_a, low=100).drawn
    by_code = {row["code"]: row["inspector_id"] for row in drawn}
    assert by_code.pop(str(twenty[0].code)) == regulator_a.pk
    assert set(by_code.values()) == {inspector_2.pk}


def test_a_draw_with_nobody_left_to_inspect_is_refused(
    district_a: Region, institution_x: Institution, regulator_a: User
) -> None:
    inspection(institution_x, regulator_a, grade="B")
    with pytest.raises(Refusal) as refused:
        plan(district_a, regulator_a, low=100)
    assert refused.value.code == "no_inspector_left"
    assert "星星托育园" in refused.value.text
    assert not InspectionPlan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"period_end": START - datetime.timedelta(days=1)}, "period_reversed"),
        ({"seed": "  "}, "seed_invalid"),
        ({"rates": {"low": 101}}, "rate_out_of_range"),
        ({"rates": {"extreme": 5}}, "unknown_risk_group"),
    ],
)
def test_a_draw_with_wrong_input_is_refused(
    district_a: Region, institution_x: Institution, regulator_a: User, changes: dict[str, object], code: str
) -> None:
    arguments: dict[str, object] = {
        "region": district_a,
        "period_start": START,
        "period_end": END,
        "seed": "1",
        "rates": None,
        "actor": regulator_a,
        **changes,
    }
    with pytest.raises(Refusal) as refused:
        plan_draw(**arguments)  # type: ignore[arg-type]
    assert refused.value.code == code


def test_a_regulator_draws_and_approves_only_in_their_own_region(
    district_a: Region, institution_x: Institution, regulator_a: User, regulator_b: User
) -> None:
    with pytest.raises(Http404):
        plan(district_a, regulator_b)
    drawn = plan(district_a, regulator_a, low=100)
    with pytest.raises(Http404):
        plan_approve(plan=drawn, actor=regulator_b)


def test_approval_publishes_the_plan_and_tells_the_inspectors_drawn(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    drawn = plan(district_a, regulator_a, low=10)
    approved = plan_approve(plan=drawn, actor=inspector_2)
    assert approved.approved_by == inspector_2 and approved.approved_at is not None
    assert LogEntry.objects.get_for_object(approved).count() == 2  # drawn, then approved
    told = set(
        Notification.objects.filter(kind=NotificationKind.INSPECTION_PLAN_PUBLISHED).values_list(
            "user", flat=True
        )
    )
    assert told == {row["inspector_id"] for row in drawn.drawn}
    with pytest.raises(Refusal) as refused:
        plan_approve(plan=drawn, actor=regulator_a)
    assert refused.value.code == "plan_already_approved"


def test_a_tampered_plan_is_not_approved_and_plan_verify_says_so(
    district_a: Region, twenty: list[Institution], regulator_a: User, inspector_2: User
) -> None:
    drawn = plan(district_a, regulator_a, low=10)
    out = io.StringIO()
    call_command("plan_verify", str(drawn.pk), stdout=out)
    assert f"Plan {drawn.pk} matches its draw" in out.getvalue()
    InspectionPlan.objects.filter(pk=drawn.pk).update(drawn=list(reversed(drawn.drawn)))
    with pytest.raises(CommandError, match="does NOT match"):
        call_command("plan_verify", str(drawn.pk))
    with pytest.raises(Refusal) as refused:
        plan_approve(plan=drawn, actor=regulator_a)
    assert refused.value.code == "plan_mismatch"
