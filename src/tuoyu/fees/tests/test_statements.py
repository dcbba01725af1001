"""A statement is built from the data only: the service agreement (pro rata by service days), the meal plan
with its refund for absent days, and the booked temporary care and parent-child sessions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.bookings.factories import (
    ParentChildSessionFactory,
    SessionBookingFactory,
    TemporaryCareBookingFactory,
    TemporaryCareSlotFactory,
)
from tuoyu.bookings.models import BookingStatus, SessionBookingStatus
from tuoyu.fees.models import FeeStatement, LineKind, MealRefund
from tuoyu.fees.services import lines_total, service_days, statement_issue, statement_lines
from tuoyu.fees.tests.helpers import OCTOBER, OCTOBER_WORKING_DAYS, amounts, attend, meal_plan, placed
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, ClosedDay, Institution

TODAY = datetime.date(2026, 11, 25)


def lines_of(child: object, institution: Institution) -> list[dict[str, str]]:
    return statement_lines(child=child, institution=institution, month=OCTOBER, today=TODAY)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_service_days_of_october_are_its_working_days_less_the_closed_days(
    institution_x: Institution,
) -> None:
    assert service_days(institution_x, OCTOBER, datetime.date(2026, 11, 1)) == OCTOBER_WORKING_DAYS
    ClosedDay.objects.create(institution=institution_x, day=datetime.date(2026, 10, 12), reason="培训")
    assert len(service_days(institution_x, OCTOBER, datetime.date(2026, 11, 1))) == 17


@pytest.mark.django_db
def test_a_whole_month_in_care_pays_the_monthly_price_and_the_meals_of_its_service_days(
    class_x: CareClass, institution_x: Institution
) -> None:
    child, placement = placed(class_x)
    meal_plan(institution_x)
    attend(placement, OCTOBER_WORKING_DAYS)
    lines = lines_of(child, institution_x)
    assert amounts(lines) == {LineKind.TUITION: Decimal("1800.00"), LineKind.MEALS: Decimal("360.00")}
    tuition = lines[0]
    assert (tuition["quantity"], tuition["unit_price_yuan"], tuition["source"]) == (
        "1",
        "1800.00",
        "service_agreement",
    )
    assert lines[1]["quantity"] == "18"
    assert lines_total(lines) == Decimal("2160.00")


@pytest.mark.django_db
def test_a_start_in_mid_month_pays_pro_rata_by_service_days_with_the_computation_shown(
    class_x: CareClass, institution_x: Institution
) -> None:
    child, placement = placed(class_x, start=datetime.date(2026, 10, 19))
    attend(placement, OCTOBER_WORKING_DAYS[8:])
    (tuition,) = lines_of(child, institution_x)  # no meal plan: no meal line
    # 10 service days in care (19-23, 26-30) of 18: 1800 × 10 ÷ 18.
    assert (tuition["quantity"], tuition["amount_yuan"]) == ("10/18", "1000.00")
    assert "¥1,800.00×10÷18＝¥1,000.00" in tuition["detail"]


@pytest.mark.django_db
def test_closed_days_are_not_service_days(class_x: CareClass, institution_x: Institution) -> None:
    ClosedDay.objects.create(institution=institution_x, day=datetime.date(2026, 10, 12), reason="教职工培训")
    child, placement = placed(class_x, start=datetime.date(2026, 10, 19))
    meal_plan(institution_x)
    attend(placement, OCTOBER_WORKING_DAYS[8:])
    lines = lines_of(child, institution_x)
    # 1800 × 10 ÷ 17 = 1058.82; meals for the 10 days in care.
    assert amounts(lines) == {LineKind.TUITION: Decimal("1058.82"), LineKind.MEALS: Decimal("200.00")}


@pytest.mark.django_db
def test_absent_days_refund_the_meals_per_day(class_x: CareClass, institution_x: Institution) -> None:
    child, placement = placed(class_x)
    meal_plan(institution_x, "25.50")
    attend(placement, OCTOBER_WORKING_DAYS[3:])  # absent 8, 9 and 10 October
    lines = lines_of(child, institution_x)
    refund = next(line for line in lines if line["kind"] == LineKind.MEAL_REFUND)
    assert (refund["quantity"], refund["unit_price_yuan"], refund["amount_yuan"]) == ("3", "-25.50", "-76.50")
    assert "10月8日、10月9日、10月10日" in refund["detail"]
    assert refund["label"] == "伙食费退还（缺勤3天）"
    assert lines_total(lines) == Decimal("1800.00") + Decimal("25.50") * 15


@pytest.mark.django_db
def test_a_child_sent_home_is_absent_for_the_meals(class_x: CareClass, institution_x: Institution) -> None:
    child, placement = placed(class_x)
    meal_plan(institution_x)
    attend(placement, OCTOBER_WORKING_DAYS)
    placement.attendances.filter(day=OCTOBER_WORKING_DAYS[0]).update(status="sent_home")
    assert amounts(lines_of(child, institution_x))[LineKind.MEAL_REFUND] == Decimal("-20.00")


@pytest.mark.django_db
def test_no_refund_when_the_rule_is_none(class_x: CareClass, institution_x: Institution) -> None:
    child, placement = placed(class_x)
    meal_plan(institution_x, refund=MealRefund.NONE)
    attend(placement, OCTOBER_WORKING_DAYS[5:])
    assert amounts(lines_of(child, institution_x)) == {
        LineKind.TUITION: Decimal("1800.00"),
        LineKind.MEALS: Decimal("360.00"),
    }


@pytest.mark.django_db
def test_no_meal_line_when_the_institution_serves_no_meals(
    class_x: CareClass, institution_x: Institution
) -> None:
    child, _placement = placed(class_x)
    meal_plan(institution_x)
    Institution.objects.filter(pk=institution_x.pk).update(serves_meals=False)
    institution_x.refresh_from_db()
    assert set(amounts(lines_of(child, institution_x))) == {LineKind.TUITION}


@pytest.mark.django_db
def test_booked_services_are_charged_and_cancelled_or_waitlisted_ones_not(
    class_x: CareClass, institution_x: Institution
) -> None:
    child, _placement = placed(class_x)
    day = datetime.date(2026, 10, 20)
    slot = TemporaryCareSlotFactory.create(institution=institution_x, date=day, price_yuan=Decimal("120.00"))
    TemporaryCareBookingFactory.create(slot=slot, child=child)
    other_slot = TemporaryCareSlotFactory.create(institution=institution_x, date=day, period="morning")
    TemporaryCareBookingFactory.create(slot=other_slot, child=child, status=BookingStatus.CANCELLED)
    session = ParentChildSessionFactory.create(
        institution=institution_x, date=day, price_yuan=Decimal("80.00")
    )
    SessionBookingFactory.create(session=session, child=child)
    for status in (SessionBookingStatus.CANCELLED, SessionBookingStatus.WAITLISTED):
        later = ParentChildSessionFactory.create(institution=institution_x, date=day)
        SessionBookingFactory.create(session=later, child=child, status=status)
    november = TemporaryCareSlotFactory.create(institution=institution_x, date=datetime.date(2026, 11, 3))
    TemporaryCareBookingFactory.create(slot=november, child=child)  # another month
    lines = lines_of(child, institution_x)
    assert amounts(lines) == {
        LineKind.TUITION: Decimal("1800.00"),
        LineKind.TEMPORARY_CARE: Decimal("120.00"),
        LineKind.PARENT_CHILD: Decimal("80.00"),
    }


@pytest.mark.django_db
def test_a_statement_holds_only_lines_of_the_catalogue(
    class_x: CareClass, institution_x: Institution
) -> None:
    """FEE-02 needs no rule: every line is one of the catalogue's kinds and names its source."""
    child, placement = placed(class_x)
    meal_plan(institution_x)
    attend(placement, OCTOBER_WORKING_DAYS[2:])
    slot = TemporaryCareSlotFactory.create(institution=institution_x, date=datetime.date(2026, 10, 21))
    TemporaryCareBookingFactory.create(slot=slot, child=child)
    session = ParentChildSessionFactory.create(institution=institution_x, date=datetime.date(2026, 10, 22))
    SessionBookingFactory.create(session=session, child=child)
    statement = statement_issue(child=child, institution=institution_x, month=OCTOBER)
    kinds = [line["kind"] for line in statement.lines]
    assert set(kinds) == set(LineKind.values)
    assert all(line["source"] for line in statement.lines)
    assert (
        statement.total_yuan
        == lines_total(statement.lines)
        == sum(Decimal(line["amount_yuan"]) for line in statement.lines)
    )


@pytest.mark.django_db
def test_without_an_agreement_the_price_comes_from_the_fee_catalogue(
    class_x: CareClass, institution_x: Institution
) -> None:
    from tuoyu.registry.factories import ServiceOfferingFactory

    child, placement = placed(class_x)
    placement.agreement.delete()
    ServiceOfferingFactory.create(institution=institution_x, price_yuan=Decimal("1600.00"))
    (tuition,) = lines_of(child, institution_x)
    assert (tuition["amount_yuan"], tuition["source"]) == ("1600.00", "fee_catalogue")


@pytest.mark.django_db
def test_nothing_to_charge_is_refused(class_x: CareClass, institution_x: Institution) -> None:
    from tuoyu.enrolment.factories import ChildFactory

    with pytest.raises(Refusal) as refused:
        statement_issue(child=ChildFactory.create(), institution=institution_x, month=OCTOBER)
    assert refused.value.code == "statement_nothing_to_charge"


@pytest.mark.django_db
def test_a_month_not_yet_begun_is_refused(class_x: CareClass, institution_x: Institution) -> None:
    child, _placement = placed(class_x)
    with pytest.raises(Refusal) as refused:
        statement_issue(child=child, institution=institution_x, month=datetime.date(2026, 12, 1))
    assert refused.value.code == "statement_month_future"


@pytest.mark.django_db
def test_reissue_recomputes_and_the_guardian_is_told_once(
    class_x: CareClass, institution_x: Institution, guardian: User
) -> None:
    child, placement = placed(class_x, guardian=guardian)
    meal_plan(institution_x)
    attend(placement, OCTOBER_WORKING_DAYS[1:])
    first = statement_issue(child=child, institution=institution_x, month=OCTOBER)
    assert first.total_yuan == Decimal("2140.00")
    attend(placement, OCTOBER_WORKING_DAYS[:1])  # the missing day's attendance recorded late
    again = statement_issue(child=child, institution=institution_x, month=OCTOBER, now=timezone.now())
    assert (again.pk, again.total_yuan) == (first.pk, Decimal("2160.00"))
    assert FeeStatement.objects.count() == 1
    notes = guardian.notifications.filter(kind="fee_statement")
    assert notes.count() == 1
    assert notes.get().link == f"/fees/statements/{first.code}/"
