"""Payments and their refusals, a paid statement that stands, the arrears, and who sees a statement: the
director of its institution and the child's guardians; anyone else a 404."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.fees.models import FeePayment, FeeStatement
from tuoyu.fees.selectors import arrears_of
from tuoyu.fees.services import payment_record, statement_issue, statements_issue_month
from tuoyu.fees.tasks import fee_statements_issue
from tuoyu.fees.tests.helpers import OCTOBER, OCTOBER_WORKING_DAYS, attend, meal_plan, placed
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, Institution

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def statement(class_x: CareClass, institution_x: Institution, guardian: User) -> FeeStatement:
    child, placement = placed(class_x, guardian=guardian)
    meal_plan(institution_x)
    attend(placement, OCTOBER_WORKING_DAYS)
    return statement_issue(child=child, institution=institution_x, month=OCTOBER)  # ¥2,160.00


def pay(statement: FeeStatement, actor: User, amount: str, paid_on: datetime.date = TODAY) -> FeePayment:
    return payment_record(
        statement=statement,
        amount_yuan=Decimal(amount),
        paid_on=paid_on,
        method="transfer",
        reference="20261120-01",
        actor=actor,
    )


@pytest.mark.django_db
def test_payments_up_to_the_total_and_no_more(statement: FeeStatement, director_x: User) -> None:
    pay(statement, director_x, "2000.00")
    with pytest.raises(Refusal) as refused:
        pay(statement, director_x, "160.01")
    assert refused.value.code == "overpayment"
    pay(statement, director_x, "160.00")
    assert FeePayment.objects.filter(statement=statement).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "paid_on", "code"),
    [
        ("0", TODAY, "payment_not_positive"),
        ("-5", TODAY, "payment_not_positive"),
        ("10", TODAY + datetime.timedelta(days=1), "payment_in_future"),
    ],
)
def test_a_payment_of_nothing_or_in_the_future_is_refused(
    statement: FeeStatement, director_x: User, amount: str, paid_on: datetime.date, code: str
) -> None:
    with pytest.raises(Refusal) as refused:
        pay(statement, director_x, amount, paid_on)
    assert refused.value.code == code
    assert not FeePayment.objects.exists()


@pytest.mark.django_db
def test_another_institutions_director_records_no_payment(statement: FeeStatement, director_y: User) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        pay(statement, director_y, "10.00")


@pytest.mark.django_db
def test_a_statement_with_a_payment_stands(
    statement: FeeStatement, director_x: User, client_as: Callable[[str], Client]
) -> None:
    pay(statement, director_x, "100.00")
    with pytest.raises(Refusal) as refused:
        statement_issue(child=statement.child, institution=statement.institution, month=OCTOBER)
    assert refused.value.code == "statement_paid"
    assert statements_issue_month(month=OCTOBER, reissue=True) == 0
    # The data changes afterwards: the page says so; the statement is not edited.
    statement.child.attendances.filter(day=OCTOBER_WORKING_DAYS[0]).delete()
    page = client_as("director_x").get(f"/fees/statements/{statement.code}/")
    assert b"data-changed" in page.content
    statement.refresh_from_db()
    assert statement.total_yuan == Decimal("2160.00")


@pytest.mark.django_db
def test_the_arrears_list_what_remains_due(statement: FeeStatement, director_x: User) -> None:
    pay(statement, director_x, "1000.00")
    (arrear,) = arrears_of(statement.institution, TODAY)
    assert (arrear.due_yuan, arrear.paid_yuan, arrear.days_since_issue) == (
        Decimal("1160.00"),
        Decimal("1000.00"),
        0,
    )
    pay(statement, director_x, "1160.00")
    assert arrears_of(statement.institution, TODAY) == []


@pytest.mark.django_db
def test_the_arrears_page_and_its_export(
    statement: FeeStatement, client_as: Callable[[str], Client], institution_x: Institution
) -> None:
    client = client_as("director_x")
    page = client.get(f"/fees/institutions/{institution_x.code}/arrears/")
    assert "¥2,160.00" in page.content.decode()
    export = client.get(f"/fees/institutions/{institution_x.code}/arrears/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_the_month_is_issued_once_by_the_task_and_each_guardian_told_once(
    class_x: CareClass, institution_x: Institution, guardian: User, clock: object
) -> None:
    import time_machine

    child, placement = placed(class_x, guardian=guardian)
    attend(placement, OCTOBER_WORKING_DAYS)
    with time_machine.travel(datetime.datetime(2026, 11, 1, 4, 0, tzinfo=datetime.UTC), tick=False):
        fee_statements_issue.call_local()
        fee_statements_issue.call_local()
    assert FeeStatement.objects.get(child=child).month == OCTOBER
    assert guardian.notifications.filter(kind="fee_statement").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("guardian", 200),
        ("director_x", 200),
        ("director_y", 404),
        ("caregiver_x", 404),
        ("regulator_a", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_a_statement_and_its_pdf(
    statement: FeeStatement, client_as: Callable[[str], Client], persona: str, status: int
) -> None:
    client = client_as(persona)
    assert client.get(f"/fees/statements/{statement.code}/").status_code == status
    assert client.get(f"/fees/statements/{statement.code}/pdf/").status_code == status


@pytest.mark.django_db
def test_another_guardian_gets_404(statement: FeeStatement) -> None:
    from tests.personas import signed_in_client
    from tuoyu.accounts.factories import UserFactory

    other = signed_in_client(UserFactory.create())
    assert other.get(f"/fees/statements/{statement.code}/").status_code == 404
    assert other.get("/fees/family/").content.decode().count(str(statement.code)) == 0


@pytest.mark.django_db
def test_the_guardian_sees_the_statement_and_its_pdf_in_chinese(
    statement: FeeStatement, client_as: Callable[[str], Client]
) -> None:
    client = client_as("guardian")
    listing = client.get("/fees/family/").content.decode()
    assert str(statement.code) in listing and "¥2,160.00" in listing
    response = client.get(f"/fees/statements/{statement.code}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "缴费通知单" in text and "伙食费" in text and "¥2,160.00" in text


@pytest.mark.django_db
def test_the_director_records_a_payment_on_the_page(
    statement: FeeStatement, client_as: Callable[[str], Client]
) -> None:
    client = client_as("director_x")
    response = client.post(
        f"/fees/statements/{statement.code}/payments/",
        {"amount_yuan": "3000.00", "paid_on": "2026-11-20", "method": "cash"},
        follow=True,
    )
    assert "more than" in response.content.decode()
    client.post(
        f"/fees/statements/{statement.code}/payments/",
        {"amount_yuan": "2160.00", "paid_on": "2026-11-20", "method": "cash"},
    )
    assert FeePayment.objects.get().amount_yuan == Decimal("2160.00")
    month = client.get(f"/fees/institutions/{statement.institution.code}/statements/?month=2026-10")
    assert 'data-status="paid"' in month.content.decode()


# The API ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_issues_lists_and_records_payments(
    class_x: CareClass, institution_x: Institution, api_as: Callable[[str], APIClient], guardian: User
) -> None:
    _child, placement = placed(class_x, guardian=guardian)
    attend(placement, OCTOBER_WORKING_DAYS)
    director = api_as("director_x")
    base = f"/api/v1/fees/institutions/{institution_x.code}"
    assert director.post(f"{base}/statements/", {"month": "2026-10"}, format="json").json() == {"issued": 1}
    (row,) = director.get(f"{base}/statements/?month=2026-10").json()
    assert (row["total_yuan"], row["status"]) == ("1800.00", "unpaid")
    over = director.post(
        f"/api/v1/fees/statements/{row['code']}/payments/",
        {"amount_yuan": "1800.01", "paid_on": "2026-11-20", "method": "cash"},
        format="json",
    )
    assert (over.status_code, over.json()["code"]) == (400, "overpayment")
    paid = director.post(
        f"/api/v1/fees/statements/{row['code']}/payments/",
        {"amount_yuan": "800.00", "paid_on": "2026-11-20", "method": "cash"},
        format="json",
    )
    assert paid.status_code == 201
    assert director.get(f"{base}/arrears/").json()[0]["due_yuan"] == "1000.00"
    family = api_as("guardian")
    (mine,) = family.get("/api/v1/fees/statements/").json()
    assert mine["code"] == row["code"]
    detail = family.get(f"/api/v1/fees/statements/{row['code']}/").json()
    assert detail["lines"][0]["kind"] == "tuition" and detail["payments"][0]["amount_yuan"] == "800.00"
    assert (
        family.post(f"/api/v1/fees/statements/{row['code']}/payments/", {}, format="json").status_code == 404
    )
    assert api_as("caregiver_x").get(f"/api/v1/fees/statements/{row['code']}/").status_code == 404
    reissue = director.post(f"/api/v1/fees/statements/{row['code']}/reissue/")
    assert (reissue.status_code, reissue.json()["code"]) == (409, "statement_paid")


@pytest.mark.django_db
def test_the_meal_plan_by_the_director_only(
    institution_x: Institution, api_as: Callable[[str], APIClient], client_as: Callable[[str], Client]
) -> None:
    url = f"/api/v1/fees/institutions/{institution_x.code}/meal-plan/"
    assert api_as("director_x").get(url).status_code == 404  # none yet
    answer = api_as("director_x").put(url, {"price_per_day_yuan": "18.00", "refund": "none"}, format="json")
    assert answer.json() == {"price_per_day_yuan": "18.00", "refund": "none"}
    assert api_as("director_y").put(url, {"price_per_day_yuan": "1.00"}, format="json").status_code == 404
    assert api_as("caregiver_x").get(url).status_code == 404
    page = client_as("director_x").get(f"/fees/institutions/{institution_x.code}/meal-plan/")
    assert "¥18.00" in page.content.decode()
