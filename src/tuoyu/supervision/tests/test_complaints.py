"""Complaints (投诉举报): the ticket, the start-by day on the working-day calendar, the handler, the outcome
and the rectification order it opens; who complained is read by the handler only."""

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.cases.models import Case
from tuoyu.cases.services import deadline_after
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.supervision.casekinds import COMPLAINT, CONCLUDED, HANDLING, RECEIVED, RECTIFICATION
from tuoyu.supervision.models import Complaint, ComplaintOutcome
from tuoyu.supervision.selectors.complaints import (
    complainant_identity,
    complaint_by_ticket,
    complaints_to_handle,
    complaints_visible_to,
    public_status,
)
from tuoyu.supervision.services.complaints import (
    TICKET_ALPHABET,
    complaint_conclude,
    complaint_start,
    complaint_submit,
    started_late,
)

pytestmark = pytest.mark.django_db

NAME, PHONE = "投诉人王五", "13912345678"


def colleague_of(district: Region) -> User:
    """A second regulator of the same district."""
    user = UserFactory.create(display_name="同区监管员")
    RoleAssignmentFactory.create(user=user, role=Role.REGULATOR, region=district)
    return user


def submit(institution: Institution, **kwargs: Any) -> Complaint:
    values: dict[str, Any] = {
        "institution_code": str(institution.code),
        "category": "care",
        "content": "午睡时老师大声呵斥孩子。",
        "anonymous": False,
        "name": NAME,
        "phone": PHONE,
    }
    values.update(kwargs)
    return complaint_submit(**values)


def test_an_anonymous_complaint_gets_a_readable_ticket_and_keeps_nothing_of_who(
    institution_x: Institution, regulator_a: User, regulator_b: User, director_x: User, guardian: User
) -> None:
    complaint = submit(institution_x, anonymous=True, account=guardian)

    assert complaint.ticket.startswith("TS") and len(complaint.ticket) == 12
    assert set(complaint.ticket[2:]) <= set(TICKET_ALPHABET)
    assert not set("01OI") & set(complaint.ticket[2:])
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant) == ("", "", None)
    assert complaint.case.kind == COMPLAINT and complaint.case.status == RECEIVED
    assert complaint.case.assignee is None
    received = Notification.objects.filter(kind=NotificationKind.COMPLAINT_RECEIVED)
    assert set(received.values_list("user", flat=True)) == {regulator_a.pk}
    assert not Notification.objects.filter(user=director_x).exists()


def test_two_tickets_differ(institution_x: Institution) -> None:
    assert submit(institution_x).ticket != submit(institution_x).ticket


def test_a_named_complaint_needs_a_name_and_a_mobile_number_or_a_signed_in_account(
    institution_x: Institution, guardian: User
) -> None:
    with pytest.raises(Refusal) as refused:
        submit(institution_x, name="", phone="")
    assert refused.value.code == "complaint_identity_required"
    with pytest.raises(Refusal):
        submit(institution_x, phone="")
    with pytest.raises(ValidationError) as invalid:
        submit(institution_x, phone="12345")
    assert invalid.value.error_list[0].code == "invalid_mobile"

    complaint = submit(institution_x, name="", phone="", account=guardian)

    assert complaint.complainant == guardian
    assert (complaint.complainant_name, complaint.complainant_phone) == (
        guardian.display_name,
        guardian.phone,
    )


def test_only_an_institution_of_the_public_directory_can_be_complained_about(
    institution_x: Institution,
) -> None:
    with pytest.raises(Refusal) as refused:
        complaint_submit(institution_code=str(uuid.uuid4()), category="care", content="x", anonymous=True)
    assert refused.value.code == "complaint_institution_unknown"
    Institution.objects.filter(pk=institution_x.pk).update(filing_status="not_filed")
    with pytest.raises(Refusal):
        submit(institution_x)


def test_the_content_is_required_and_at_most_2000_characters_and_the_date_not_in_the_future(
    institution_x: Institution,
) -> None:
    with pytest.raises(Refusal, match="say what happened"):
        submit(institution_x, content="   ")
    with pytest.raises(Refusal) as too_long:
        submit(institution_x, content="字" * 2001)
    assert too_long.value.code == "complaint_content_too_long"
    with pytest.raises(Refusal):
        submit(institution_x, happened_on=datetime.date(2026, 11, 26))
    assert submit(institution_x, content="字" * 2000, happened_on=datetime.date(2026, 11, 20)).pk


@pytest.mark.clock("2026-09-28T10:00:00+08:00")  # Monday before the National Day holidays
def test_the_start_by_day_counts_10_working_days_on_the_chinese_calendar(institution_x: Institution) -> None:
    complaint = submit(institution_x)

    # 29, 30 Sept and (after 1–8 Oct) 9, 10, 12–16 Oct: the 10th working day is 16 Oct, not 12 Oct.
    assert complaint.start_by == datetime.date(2026, 10, 16)
    assert complaint.start_by == deadline_after(datetime.date(2026, 9, 28), 10)[0]
    assert complaint.case.deadline == complaint.start_by


@pytest.mark.clock("2026-12-28T10:00:00+08:00")
def test_a_start_by_day_in_a_year_without_published_holidays_is_not_guessed(
    institution_x: Institution,
) -> None:
    complaint = submit(institution_x)

    assert complaint.start_by is None
    assert complaint.case.deadline_year_unknown == 2027
    progress = public_status(complaint).progress
    assert "holidays of 2027 are not published yet" in progress
    assert "10 working days" in progress
    assert not started_late(complaint)


def test_the_regulator_who_starts_becomes_the_handler_and_alone_reads_who_complained(
    institution_x: Institution, regulator_a: User, district_a: Region, guardian: User
) -> None:
    colleague = colleague_of(district_a)
    complaint = submit(institution_x, account=guardian)
    assert complainant_identity(complaint, regulator_a) is None  # not handled yet: nobody

    complaint = complaint_start(complaint=complaint, actor=regulator_a, progress="已联系机构了解情况。")

    assert complaint.case.assignee == regulator_a and complaint.case.status == HANDLING
    identity = complainant_identity(complaint, regulator_a)
    assert identity is not None and (identity.name, identity.phone) == (NAME, PHONE)
    assert complainant_identity(complaint, colleague) is None
    assert complaint in complaints_visible_to(colleague)  # the colleague sees the complaint, not who
    assert public_status(complaint).progress == "已联系机构了解情况。"
    # The signed-in complainant is told, without anyone's name.
    told = Notification.objects.get(user=guardian, kind=NotificationKind.CASE_UPDATED)
    assert complaint.ticket in told.title and NAME not in told.title


def test_an_anonymous_complaint_shows_nobody_even_to_its_handler(
    institution_x: Institution, regulator_a: User
) -> None:
    complaint = complaint_start(complaint=submit(institution_x, anonymous=True), actor=regulator_a)
    assert complainant_identity(complaint, regulator_a) is None


def test_a_regulator_of_another_district_can_neither_see_nor_start_it(
    institution_x: Institution, regulator_b: User
) -> None:
    complaint = submit(institution_x)
    assert not complaints_visible_to(regulator_b).exists()
    with pytest.raises(NotPermitted):
        complaint_start(complaint=complaint, actor=regulator_b)


def test_the_institution_never_sees_the_complaint_case(
    institution_x: Institution, director_x: User, caregiver_x: User, regulator_a: User
) -> None:
    complaint = submit(institution_x)
    complaint_start(complaint=complaint, actor=regulator_a)

    for user in (director_x, caregiver_x):
        assert not Case.objects.visible_to(user).filter(kind=COMPLAINT).exists()
        assert not complaints_visible_to(user).exists()
    assert not Notification.objects.filter(user=director_x).exists()


@pytest.mark.clock("2026-11-25T10:00:00+08:00")
def test_a_late_start_is_flagged(institution_x: Institution, regulator_a: User, clock: Any) -> None:
    complaint = submit(institution_x)
    assert complaint.start_by == datetime.date(2026, 12, 9)
    clock.move_to(datetime.datetime.fromisoformat("2026-12-09T17:00:00+08:00"))
    assert not started_late(complaint)  # the start-by day itself is still in time
    clock.move_to(datetime.datetime.fromisoformat("2026-12-10T09:00:00+08:00"))
    assert started_late(complaint)

    complaint = complaint_start(complaint=complaint, actor=regulator_a)

    assert started_late(complaint)
    assert complaint.case.events.filter(action="start", note__contains="after the start-by day").exists()


def test_in_time_start_is_not_flagged(institution_x: Institution, regulator_a: User) -> None:
    complaint = complaint_start(complaint=submit(institution_x), actor=regulator_a)
    assert not started_late(complaint)
    assert complaint.case.events.get(action="start").note == ""


def test_only_the_handler_concludes_with_an_outcome_and_reasons(
    institution_x: Institution, regulator_a: User, district_a: Region
) -> None:
    colleague = colleague_of(district_a)
    complaint = complaint_start(complaint=submit(institution_x), actor=regulator_a)

    with pytest.raises(Refusal) as not_handler:
        complaint_conclude(complaint=complaint, actor=colleague, outcome="unfounded", reasons="无")
    assert not_handler.value.code == "complaint_not_handler"
    with pytest.raises(Refusal) as no_reasons:
        complaint_conclude(complaint=complaint, actor=regulator_a, outcome="unfounded", reasons=" ")
    assert no_reasons.value.code == "complaint_reasons_required"
    with pytest.raises(Refusal):
        complaint_conclude(complaint=complaint, actor=regulator_a, outcome="maybe", reasons="无")

    complaint = complaint_conclude(
        complaint=complaint,
        actor=regulator_a,
        outcome=ComplaintOutcome.UNFOUNDED,
        reasons="调取监控未见异常。",
    )

    assert complaint.case.status == CONCLUDED and complaint.case.outcome == "unfounded"
    assert complaint.case.closed_at is not None
    assert not Case.objects.filter(kind=RECTIFICATION).exists()
    assert public_status(complaint).progress.startswith("Concluded: Unfounded.")


def test_a_complaint_must_be_started_before_it_is_concluded(
    institution_x: Institution, regulator_a: User
) -> None:
    complaint = submit(institution_x)
    Case.objects.filter(pk=complaint.case_id).update(assignee=regulator_a)
    complaint.case.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        complaint_conclude(complaint=complaint, actor=regulator_a, outcome="unfounded", reasons="无")
    assert refused.value.code == "case_wrong_status"


def test_a_substantiated_complaint_opens_a_rectification_order_with_nothing_of_the_complainant(
    institution_x: Institution, regulator_a: User, director_x: User, guardian: User
) -> None:
    complaint = complaint_start(complaint=submit(institution_x, account=guardian), actor=regulator_a)
    with pytest.raises(Refusal) as no_subject:
        complaint_conclude(complaint=complaint, actor=regulator_a, outcome="substantiated", reasons="属实")
    assert no_subject.value.code == "rectification_subject_required"

    complaint = complaint_conclude(
        complaint=complaint,
        actor=regulator_a,
        outcome=ComplaintOutcome.SUBSTANTIATED,
        reasons="经查属实：午睡时段保育人员态度粗暴。",
        progress="投诉属实，已责令机构整改。",
        rectification_subject="午睡时段保育人员言行不当",
        rectification_requirement="组织保育人员回应性照护培训，提交培训记录。",
        rectification_days=10,
    )

    order = Case.objects.get(kind=RECTIFICATION)
    assert order.source_key == f"complaint:{complaint.pk}"
    assert order.institution == institution_x and order.deadline_days == 10
    visible = Case.objects.visible_to(director_x)
    assert list(visible) == [order]  # the order, never the complaint
    shown = " ".join(
        [order.subject, order.detail, order.source_label]
        + [event.note for event in order.events.all()]
        + [
            text
            for pair in Notification.objects.filter(user=director_x).values_list("title", "body")
            for text in pair
        ]
    )
    assert Notification.objects.filter(user=director_x, kind=NotificationKind.CASE_UPDATED).exists()
    for secret in (NAME, PHONE, guardian.phone, guardian.display_name, complaint.ticket, complaint.content):
        assert secret not in shown
    assert public_status(complaint).progress == "Concluded: Substantiated. 投诉属实，已责令机构整改。"


def test_the_list_puts_those_to_start_first_earliest_start_by_first(
    institution_x: Institution, institution_y: Institution, regulator_a: User, clock: Any
) -> None:
    first = submit(institution_x)
    handled = complaint_start(complaint=submit(institution_y), actor=regulator_a)
    clock.shift(datetime.timedelta(days=2))
    later = submit(institution_y)
    concluded = complaint_start(complaint=submit(institution_x), actor=regulator_a)
    complaint_conclude(complaint=concluded, actor=regulator_a, outcome="inconclusive", reasons="无法核实")

    assert list(complaints_to_handle(regulator_a)) == [first, later, handled, concluded]


def test_the_status_is_found_by_ticket_as_typed(institution_x: Institution) -> None:
    complaint = submit(institution_x)
    typed = " " + complaint.ticket.lower()[:6] + "-" + complaint.ticket.lower()[6:] + " "
    assert complaint_by_ticket(typed) == complaint
    assert complaint_by_ticket("TS2345678923") is None
    assert complaint_by_ticket("") is None


def test_the_engine_never_tells_the_institution_of_a_complaint_even_when_asked_to(
    institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    from tuoyu.cases.kinds import Side
    from tuoyu.cases.services import case_act

    complaint = submit(institution_x)
    case_act(case=complaint.case, action="start", actor=regulator_a, side=Side.REGULATOR)

    assert not Notification.objects.filter(user=director_x).exists()
