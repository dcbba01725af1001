"""The case engine on the rectification kind: numbers, deadlines on the working-day calendar, transitions
as declared, the escalation ladder."""

import datetime

import pytest

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.cases.kinds import Side
from tuoyu.cases.models import Case, EscalationStep
from tuoyu.cases.services import case_act, case_open, cases_escalate_overdue, deadline_after
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution
from tuoyu.supervision.services.rectification import (
    rectification_answer,
    rectification_issue,
    rectification_return,
    rectification_verify,
)

pytestmark = pytest.mark.django_db


def issue(institution: Institution, regulator: User, **kwargs: object) -> Case:
    return rectification_issue(
        institution=institution,
        subject="消防通道堆放杂物",
        actor=regulator,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.clock("2026-09-28T10:00:00+08:00")  # Monday before the National Day holidays
def test_the_deadline_counts_working_days_on_the_chinese_calendar(
    institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = issue(institution_x, regulator_a, deadline_days=5)
    # 29, 30 Sept are working days, 1–8 Oct are holidays, Sat 26 Sept / Sat 10 Oct adjusted: 9, 10, 12 Oct.
    assert case.deadline == deadline_after(datetime.date(2026, 9, 28), 5)[0]
    assert case.deadline is not None and case.deadline > datetime.date(2026, 10, 8)
    assert case.number == "整改〔2026〕1号"
    assert issue(institution_x, regulator_a).number == "整改〔2026〕2号"
    assert Notification.objects.filter(user=director_x, kind=NotificationKind.CASE_UPDATED).count() == 2


@pytest.mark.clock("2026-12-21T10:00:00+08:00")
def test_a_deadline_in_a_year_without_published_holidays_is_not_guessed(
    institution_x: Institution, regulator_a: User
) -> None:
    case = issue(institution_x, regulator_a, deadline_days=20)
    assert case.deadline is None
    assert case.deadline_year_unknown == 2027
    assert case.deadline_days == 20


def test_the_order_runs_answer_return_answer_verify(
    institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = issue(institution_x, regulator_a)
    with pytest.raises(Refusal) as refused:
        rectification_verify(case=case, actor=regulator_a)
    assert refused.value.code == "case_wrong_status"
    with pytest.raises(Refusal) as refused:
        rectification_answer(case=case, actor=director_x, note="  ")
    assert refused.value.code == "case_note_required"
    rectification_answer(case=case, actor=director_x, note="已清理")
    rectification_return(case=case, actor=regulator_a, note="照片看不清")
    rectification_answer(case=case, actor=director_x, note="重新拍照")
    rectification_verify(case=case, actor=regulator_a, on_site=True)
    case.refresh_from_db()
    assert case.status == "verified" and case.closed_at is not None
    assert [e.action for e in case.events.all()] == ["opened", "answer", "return", "answer", "verify"]


def test_a_side_cannot_take_the_other_sides_action(institution_x: Institution, regulator_a: User) -> None:
    case = issue(institution_x, regulator_a)
    with pytest.raises(Refusal) as refused:
        case_act(case=case, action="answer", actor=regulator_a, side=Side.REGULATOR, note="x")
    assert refused.value.code == "case_action_unknown"


def test_one_open_order_per_source(institution_x: Institution, regulator_a: User) -> None:
    issue(institution_x, regulator_a, source_key="finding:1")
    with pytest.raises(Refusal) as refused:
        issue(institution_x, regulator_a, source_key="finding:1")
    assert refused.value.code == "case_already_open"


def test_the_deadline_must_be_sensible(institution_x: Institution, regulator_a: User) -> None:
    with pytest.raises(Refusal) as refused:
        issue(institution_x, regulator_a, deadline_days=0)
    assert refused.value.code == "rectification_deadline_out_of_range"


@pytest.mark.clock("2026-06-01T10:00:00+08:00")
def test_an_overdue_order_climbs_the_ladder_one_logged_step_at_a_time(
    institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = issue(institution_x, regulator_a, deadline_days=5)
    assert case.deadline == datetime.date(2026, 6, 8)
    assert cases_escalate_overdue(on=datetime.date(2026, 6, 8)) == 0  # the deadline day itself
    assert cases_escalate_overdue(on=datetime.date(2026, 6, 9)) == 1  # reminder
    assert cases_escalate_overdue(on=datetime.date(2026, 6, 9)) == 0  # idempotent
    assert cases_escalate_overdue(on=datetime.date(2026, 6, 15)) == 1  # 5 working days: interview
    case.refresh_from_db()
    assert case.escalation == EscalationStep.INTERVIEW
    escalations = case.events.filter(action="escalated")
    assert escalations.count() == 2
    titles = Notification.objects.filter(user=director_x).values_list("title", flat=True)
    assert sum("已逾期" in t for t in titles) == 2  # in the director's language
    # An answered order waits for the regulator: it does not climb.
    rectification_answer(case=case, actor=director_x, note="已整改")
    assert cases_escalate_overdue(on=datetime.date(2026, 7, 30)) == 0


def test_the_cases_about_institutions_leave_out_a_kind_about_something_else_even_for_a_superuser(
    institution_x: Institution, regulator_a: User
) -> None:
    order = issue(institution_x, regulator_a)
    request = case_open(kind="enterprise_request", institution=None, subject="用电增容", actor=None)
    superuser = UserFactory.create(is_superuser=True, is_staff=True)

    assert list(Case.objects.visible_to(superuser)) == [order]
    assert list(Case.objects.visible_to(regulator_a)) == [order]
    assert Case.objects.filter(pk=request.pk).exists()
