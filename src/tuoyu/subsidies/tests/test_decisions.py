"""Decisions: numbered, the sum of their lines, committed against the budget, never edited; difference
decisions (positive and clawback) for data that changed."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Attendance
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass
from tuoyu.subsidies.letters import decision_letter_pdf
from tuoyu.subsidies.models import (
    Claim,
    ClaimState,
    Decision,
    DecisionKind,
    EntryKind,
    LedgerEntry,
    LineReason,
    SubsidyPolicy,
)
from tuoyu.subsidies.selectors.decisions import claim_reassess_preview, instalments_of
from tuoyu.subsidies.services.claims import claim_line_exclude, claim_prepare, claim_return, claim_submit
from tuoyu.subsidies.services.decisions import claim_decide, claim_reassess
from tuoyu.subsidies.tests.conftest import OCTOBER, RATE, Attend, Place, october_days
from tuoyu.supervision.models import Finding
from tuoyu.workdays import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend, director_x: User, budget: None
) -> Claim:
    for name, days in (("甲", 12), ("乙", 15), ("丙", 4)):
        attend(place(class_x, name=name), october_days(days))
    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    return claim_submit(claim=claim, actor=director_x, remarks="")


def assert_sum_of_lines(decision: Decision) -> None:
    assert decision.amount_yuan == sum((line.amount_yuan for line in decision.lines.all()), Decimal("0"))


def test_deciding_makes_a_numbered_decision_equal_to_the_sum_of_its_lines(
    submitted: Claim, regulator_a: User, director_x: User
) -> None:
    decision = claim_decide(claim=submitted, actor=regulator_a)

    assert decision.number == "甲区托育补〔2026〕001号"
    assert decision.amount_yuan == 2 * RATE
    assert_sum_of_lines(decision)
    for line in decision.lines.all():
        assert line.amount_yuan == (decision.claim.policy.rate_yuan if line.counted else 0)
        assert line.attendance_days == len(line.days)
    assert decision.basis["rate_yuan"] == "300.00" and decision.basis["is_demo_value"] is True
    today = timezone.localdate()
    assert decision.payment_due_on == add_working_days(today, 20)
    entry = LedgerEntry.objects.get(decision=decision)
    assert (entry.kind, entry.amount_yuan) == (EntryKind.COMMITMENT, decision.amount_yuan)
    submitted.refresh_from_db()
    assert submitted.state == ClaimState.DECIDED
    notice = Notification.objects.get(user=director_x, kind=NotificationKind.SUBSIDY_DECIDED)
    assert notice.link == f"/subsidies/decisions/{decision.code}/"
    assert "甲区托育补〔2026〕001号" in notice.title


def test_deciding_twice_is_refused_and_decisions_are_numbered_in_turn(
    submitted: Claim, regulator_a: User, class_x: CareClass, policy: SubsidyPolicy, director_x: User
) -> None:
    claim_decide(claim=submitted, actor=regulator_a)
    with pytest.raises(Refusal) as refused:
        claim_decide(claim=submitted, actor=regulator_a)
    assert (refused.value.code, refused.value.conflict) == ("claim_already_decided", True)

    september = claim_prepare(institution=class_x.institution, policy=policy, month=datetime.date(2026, 9, 1))
    september.lines.update(amount_yuan=RATE, counted=True)
    Claim.objects.filter(pk=september.pk).update(amount_yuan=RATE)
    september.refresh_from_db()
    claim_submit(claim=september, actor=director_x)
    assert claim_decide(claim=september, actor=regulator_a).number == "甲区托育补〔2026〕002号"


def test_a_draft_is_not_decided_and_another_districts_regulator_may_not(
    class_x: CareClass, policy: SubsidyPolicy, regulator_a: User, regulator_b: User, submitted: Claim
) -> None:
    with pytest.raises(NotPermitted):
        claim_decide(claim=submitted, actor=regulator_b)
    Claim.objects.filter(pk=submitted.pk).update(state=ClaimState.DRAFT)
    with pytest.raises(Refusal) as refused:
        claim_decide(claim=submitted, actor=regulator_a)
    assert refused.value.code == "claim_not_submitted"


def test_a_refused_commitment_leaves_no_decision(
    class_x: CareClass,
    policy: SubsidyPolicy,
    place: Place,
    attend: Attend,
    director_x: User,
    regulator_a: User,
) -> None:
    attend(place(class_x), october_days(12))
    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    claim_submit(claim=claim, actor=director_x)

    with pytest.raises(Refusal) as refused:
        claim_decide(claim=claim, actor=regulator_a)  # no budget recorded

    assert refused.value.code == "budget_exceeded"
    assert not Decision.objects.exists()
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED


def test_a_held_claim_is_decided_with_a_note(submitted: Claim, regulator_a: User) -> None:
    Claim.objects.filter(pk=submitted.pk).update(holds=[{"code": "finding:STF-01", "text": "保育人员"}])
    with pytest.raises(Refusal) as refused:
        claim_decide(claim=submitted, actor=regulator_a)
    assert refused.value.code == "review_note_required"

    decision = claim_decide(claim=submitted, actor=regulator_a, note="已核实该人员已离职。")
    assert decision.reason == "已核实该人员已离职。"
    assert Finding.objects.count() == 0


def test_an_excluded_line_counts_nothing_and_a_returned_claim_goes_back(
    submitted: Claim, regulator_a: User
) -> None:
    line = submitted.lines.get(child__name="甲")
    with pytest.raises(Refusal):
        claim_line_exclude(line=line, actor=regulator_a, note="  ")
    claim_line_exclude(line=line, actor=regulator_a, note="当月已转园。")
    line.refresh_from_db()
    submitted.refresh_from_db()
    assert (line.reason, line.amount_yuan, submitted.amount_yuan) == (LineReason.EXCLUDED_BY_REVIEW, 0, RATE)

    claim_return(claim=submitted, actor=regulator_a, note="请补充说明。")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_note) == (ClaimState.RETURNED, "请补充说明。")


def test_more_attendance_found_later_gives_a_positive_difference_decision(
    submitted: Claim, regulator_a: User, class_x: CareClass, attend: Attend
) -> None:
    original = claim_decide(claim=submitted, actor=regulator_a)
    assert claim_reassess_preview(submitted) == []
    few = submitted.lines.get(child__name="丙").child
    assert few is not None
    attend(few.placements.get(), october_days(8, start=20))  # 4 + 8 = 12 days

    difference = claim_reassess(claim=submitted, actor=regulator_a, reason="补录考勤。")

    assert (difference.kind, difference.corrects, difference.amount_yuan) == (
        DecisionKind.DIFFERENCE,
        original,
        RATE,
    )
    (line,) = difference.lines.all()
    assert (line.child, line.amount_yuan, line.previous_amount_yuan) == (few, RATE, 0)
    assert_sum_of_lines(difference)
    assert LedgerEntry.objects.get(decision=difference).amount_yuan == RATE
    original.refresh_from_db()
    assert original.amount_yuan == 2 * RATE  # never edited
    with pytest.raises(Refusal) as refused:
        claim_reassess(claim=submitted, actor=regulator_a, reason="再次核查。")
    assert refused.value.code == "no_difference"


def test_a_child_found_counted_elsewhere_gives_a_clawback(
    submitted: Claim, regulator_a: User, class_y: CareClass, place: Place, attend: Attend
) -> None:
    claim_decide(claim=submitted, actor=regulator_a)
    child = submitted.lines.get(child__name="甲").child
    Attendance.objects.filter(child=child, day__gte=datetime.date(2026, 10, 8)).delete()  # 7 days left here
    attend(place(class_y, child=child), october_days(15, start=10))

    difference = claim_reassess(claim=submitted, actor=regulator_a, reason="重复入托。")

    assert difference.amount_yuan == -RATE
    (line,) = difference.lines.all()
    assert (line.amount_yuan, line.previous_amount_yuan) == (-RATE, RATE)
    assert LedgerEntry.objects.get(decision=difference).amount_yuan == -RATE


def test_instalments_fall_due_every_twelve_months(submitted: Claim, regulator_a: User) -> None:
    decision = claim_decide(claim=submitted, actor=regulator_a)
    decision.basis["instalments"] = [60, 40]

    first, second = instalments_of(decision)

    assert (first.amount, second.amount) == (Decimal("360.00"), Decimal("240.00"))
    assert second.due_on == decision.payment_due_on.replace(year=decision.payment_due_on.year + 1)


def test_the_decision_letter_prints(submitted: Claim, regulator_a: User) -> None:
    decision = claim_decide(claim=submitted, actor=regulator_a)

    pdf = decision_letter_pdf(decision)

    assert pdf.startswith(b"%PDF")


def test_the_regulators_claims_list_names_a_decided_claim_whose_data_changed(
    submitted: Claim, regulator_a: User, attend: Attend, client_as: Callable[[str], Client]
) -> None:
    claim_decide(claim=submitted, actor=regulator_a)
    marker = f'data-changed="{submitted.code}"'
    assert marker not in client_as("regulator_a").get("/subsidies/claims/").content.decode()
    few = submitted.lines.get(child__name="丙").child
    assert few is not None
    attend(few.placements.get(), october_days(8, start=20))  # now 12 days: a child-month more

    assert marker in client_as("regulator_a").get("/subsidies/claims/").content.decode()
    assert marker not in client_as("director_x").get("/subsidies/claims/").content.decode()  # the regulator's
