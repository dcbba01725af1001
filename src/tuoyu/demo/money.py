"""Money in the demo district: the subsidy policies (demo values, labelled so), the government-guided prices
and the meal plans, the year's budget, construction subsidies for the two inclusive institutions that added
places this year, operating subsidies for the last three whole months computed from the attendance history,
one difference decision (a child found placed twice), payments on time but one overdue, and the demo
family's fee statements with an absent-day meal refund.

History is written through the services, each step at the moment it happened (``as_of``), so that numbers,
due dates on the working-day calendar and the days from decision to payment are what they would have been.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.daycare.models import Attendance
from tuoyu.demo import history
from tuoyu.demo.district import DISTRICT
from tuoyu.demo.records import _filing, _materials
from tuoyu.demo.supervision import as_of, at, working_day_on_or_after
from tuoyu.enrolment.models import Child, Placement
from tuoyu.fees.models import FeeStatement, MealRefund, PaymentMethod
from tuoyu.fees.services import guided_price_add, meal_plan_set, statements_issue_month
from tuoyu.fees.services import payment_record as fee_payment_record
from tuoyu.filings.models import Filing, FilingKind
from tuoyu.filings.services import filing_approve, record_submission
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution, ServiceType
from tuoyu.subsidies.models import Basis, Claim, ClaimState
from tuoyu.subsidies.selectors.decisions import claim_reassess_preview
from tuoyu.subsidies.services.claims import claim_submit, claims_prepare_for_month, construction_claim_prepare
from tuoyu.subsidies.services.decisions import claim_decide, claim_reassess
from tuoyu.subsidies.services.ledger import budget_allocate, payment_record
from tuoyu.subsidies.services.policies import policy_create
from tuoyu.workdays import add_working_days, is_working_day

# Shandong's and Jining's rates were not found in public sources: the demo's are examples, and say so.
DEMO_SOURCE = "演示值：山东省、济宁市的补助标准未在公开渠道查到，此处为示例，请区卫生健康局按本地文件修改"
GUIDED_SOURCE = "演示值：本区普惠托育服务政府指导价（示例），请按本地价格主管部门文件修改"
BUDGET_DOCUMENT = "太财社指〔{year}〕8号（演示）"
# Two inclusive institutions added places this year by a change filing: (key, places before, month approved).
PLACES_ADDED = (("community_xz", 120, 3), ("model_centre", 130, 5))
# Meal fee per day of care, and the one institution whose catalogue does not refund absent days.
MEAL_FEE = Decimal("16.00")
NO_REFUND = "soe"
# The institution whose operating subsidy of the earliest month is paid late: an overdue payment.
PAID_LATE = "early_years"
# Last month's fee statements: the share of families who have not paid yet, drawn from a fixed seed.
UNPAID_SHARE = 0.12
FEES_SEED = 2026_11
# 爱彼宝 leaves last month's claim for its director to submit (the path to try first).
LEFT_TO_SUBMIT = "aibibao"


def director_of(institution: Institution) -> User:
    assignment = RoleAssignment.objects.select_related("user").get(
        role=Role.DIRECTOR, institution=institution
    )
    return assignment.user


def months_before(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for back in range(count, 0, -1):
        index = first.year * 12 + first.month - 1 - back
        months.append(datetime.date(index // 12, index % 12 + 1, 1))
    return months


def next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def working_day(month: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day of the month (1 = the first)."""
    return add_working_days(working_day_on_or_after(month), count - 1)


def seed_money(*, users: dict[str, User], institutions: dict[str, Institution], today: datetime.date) -> None:
    district = Region.objects.get(code=DISTRICT[0])
    regulator = users["regulator"]
    year_start = datetime.date(today.year, 1, 1)
    _policies(district, regulator, year_start)
    _guided_prices(district, regulator, year_start)
    _meal_plans(institutions)
    with as_of(at(working_day(year_start.replace(month=1, day=10), 1))):
        budget_allocate(
            region=district,
            year=today.year,
            amount_yuan=Decimal("2000000.00"),
            document=BUDGET_DOCUMENT.format(year=today.year),
            actor=regulator,
        )
    _places_added(institutions, regulator, today)
    _operating(institutions, regulator, today)
    _fee_statements(users["guardian"], today)


def _policies(district: Region, regulator: User, year_start: datetime.date) -> None:
    common: dict[str, Any] = {
        "source_document": DEMO_SOURCE,
        "is_demo_value": True,
        "effective_from": year_start,
        "requires_inclusive": True,
        "requires_filed": True,
        "requires_guided_price": True,
        "holding_severities": ["block"],
        "holding_rule_prefixes": ["STF-"],
    }
    with as_of(at(working_day_on_or_after(year_start - datetime.timedelta(days=20)))):
        policy_create(
            region=district,
            actor=regulator,
            name="普惠托育机构运营补助",
            basis=Basis.PER_CHILD_MONTH,
            rate_yuan=Decimal("300.00"),
            min_attendance_days=10,
            instalments=[],
            article="第五条",
            **common,
        )
        policy_create(
            region=district,
            actor=regulator,
            name="新增普惠托位建设补助",
            basis=Basis.PER_NEW_PLACE,
            rate_yuan=Decimal("10000.00"),
            min_attendance_days=10,
            instalments=[60, 40],
            article="第四条",
            **common,
        )


def _guided_prices(district: Region, regulator: User, year_start: datetime.date) -> None:
    with as_of(at(working_day_on_or_after(year_start - datetime.timedelta(days=20)))):
        for service_type, price in ((ServiceType.FULL_DAY, "2400.00"), (ServiceType.HALF_DAY, "1600.00")):
            guided_price_add(
                region=district,
                service_type=service_type,
                price_yuan=Decimal(price),
                effective_from=year_start,
                source_document=GUIDED_SOURCE,
                is_demo_value=True,
                actor=regulator,
            )


def _meal_plans(institutions: dict[str, Institution]) -> None:
    for key, institution in sorted(institutions.items()):
        if not institution.serves_meals or institution.filing_status != "filed":
            continue
        refund = MealRefund.NONE if key == NO_REFUND else MealRefund.PER_ABSENT_DAY
        meal_plan_set(
            institution=institution,
            price_per_day_yuan=MEAL_FEE,
            refund=refund,
            actor=director_of(institution),
        )


def _places_added(institutions: dict[str, Institution], regulator: User, today: datetime.date) -> None:
    """A change filing approved this year raised the places of two inclusive institutions: each gets its
    construction subsidy, decided and its first instalment paid."""
    for key, before, month in PLACES_ADDED:
        institution = institutions[key]
        approved = working_day(datetime.date(today.year, month, 1), 10)
        if approved >= today:
            continue
        Filing.objects.filter(institution=institution, kind=FilingKind.INITIAL).update(filed_places=before)
        director = director_of(institution)
        change = _filing(
            institution,
            FilingKind.CHANGE,
            director,
            commitment_accepted_at=at(approved) - datetime.timedelta(days=9),
        )
        _materials(change, approved)
        record_submission(filing=change, author=director, at=at(approved) - datetime.timedelta(days=8))
        with as_of(at(approved, 15)):
            filing_approve(actor=regulator, filing=change)
        with as_of(at(add_working_days(approved, 1), 9)):
            claim = construction_claim_prepare(filing=change)
        assert claim is not None, f"{institution} gets a construction subsidy"
        submitted = add_working_days(approved, 3)
        with as_of(at(submitted, 10)):
            claim_submit(claim=claim, actor=director, remarks="新增托位已投入使用，申请建设补助。")
        decided = add_working_days(submitted, 6)
        with as_of(at(decided, 16)):
            decision = claim_decide(claim=claim, actor=regulator)
        paid = add_working_days(decided, 12)
        with as_of(at(paid, 11)):
            payment_record(
                decision=decision,
                amount_yuan=(decision.amount_yuan * Decimal("0.60")).quantize(Decimal("0.01")),
                paid_on=paid,
                reference=f"GK{paid:%Y%m%d}{institution.pk:04d}",
                actor=regulator,
            )


def _late_rows(today: datetime.date) -> list[dict[str, Any]]:
    """The second institution's attendance of the child placed twice, taken out of the history to be entered
    late, after the earliest month is decided: what makes the difference decision."""
    second = history.double_placed(today=today)
    if second is None:
        return []
    rows = [dict(row) for row in Attendance.objects.filter(placement=second).values()]
    Attendance.objects.filter(placement=second).delete()
    return rows


def _operating(institutions: dict[str, Institution], regulator: User, today: datetime.date) -> None:
    history.seed_attendance_history(today=today, months=3)
    late = _late_rows(today)
    keys = {institution.pk: key for key, institution in institutions.items()}
    months = months_before(today, 3)
    for number, month in enumerate(months):
        prepared = working_day(next_month(month), 1)
        with as_of(at(prepared, 3)):
            claims_prepare_for_month(month=month)
        claims = Claim.objects.filter(month=month, policy__basis=Basis.PER_CHILD_MONTH).select_related(
            "institution"
        )
        last_month = number == len(months) - 1
        for claim in claims.order_by("institution__name"):
            key = keys.get(claim.institution_id, "")
            if last_month and key == LEFT_TO_SUBMIT:
                continue  # 爱彼宝's director submits it (the demo's first thing to try)
            submitted = add_working_days(prepared, 2 + claim.institution_id % 3)
            if submitted >= today:
                continue
            with as_of(at(submitted, 10)):
                claim_submit(claim=claim, actor=director_of(claim.institution), remarks="")
            if last_month:
                continue  # awaiting the regulator's review
            decided = add_working_days(submitted, 5)
            with as_of(at(decided, 16)):
                decision = claim_decide(claim=claim, actor=regulator, note=_hold_note(claim))
            paid = add_working_days(decided, 8 + claim.institution_id % 5)
            if (number == 0 and key == PAID_LATE) or paid >= today:
                continue
            with as_of(at(paid, 11)):
                payment_record(
                    decision=decision,
                    amount_yuan=decision.amount_yuan,
                    paid_on=paid,
                    reference=f"GK{paid:%Y%m%d}{claim.institution_id:04d}",
                    actor=regulator,
                )
        if number == 0 and late:
            _enter_late(late, regulator, month, today)


LATE_ENTRY_REASON = (
    "补录纸质出勤登记后重新核算：该儿童当月在两家机构入托，按出勤天数较多的机构计入一次，"
    "差额按本决定补发或核减。"
)


def _hold_note(claim: Claim) -> str:
    return "已核查：相关问题已在整改中，不影响本月补助核定。" if claim.holds else ""


def _enter_late(
    rows: list[dict[str, Any]], regulator: User, month: datetime.date, today: datetime.date
) -> None:
    """The second institution's paper register of that month is entered; the child is now counted there, not
    at the first: the claims of that month whose data changed get a difference decision."""
    Attendance.objects.bulk_create(Attendance(**row) for row in rows)
    reassessed = working_day(next_month(next_month(month)), 6)
    if reassessed >= today:
        return
    decided = Claim.objects.filter(month=month, state=ClaimState.DECIDED).order_by("institution__name")
    for claim in decided:
        if not claim_reassess_preview(claim):
            continue
        with as_of(at(reassessed, 15)):
            claim_reassess(claim=claim, actor=regulator, reason=LATE_ENTRY_REASON)


def _one_day_away(children: set[int], month: datetime.date) -> None:
    """The demo family's child stayed home one day of the month (a cold) if the history drew no absence, so
    that the statement shows the meal refund of an absent day."""
    for placement in Placement.objects.filter(child_id__in=children, start_date__lt=next_month(month)):
        first, after = max(month, placement.start_date), min(next_month(month), placement.ends_on)
        service = {first + datetime.timedelta(days=n) for n in range((after - first).days)}
        service = {day for day in service if is_working_day(day)}
        rows = Attendance.objects.filter(placement=placement, day__in=service)
        attended = sorted(rows.values_list("day", flat=True))
        if attended and len(attended) == len(service):
            rows.filter(day=attended[len(attended) // 2]).delete()


def _fee_statements(guardian: User, today: datetime.date) -> None:
    """Last month's statements of every child, issued on the first working day as the schedule does; most
    families paid at the desk within a few days, some have not yet (the directors' arrears). The demo
    family's statement is paid."""
    month = months_before(today, 1)[0]
    issued = working_day(next_month(month), 1)
    if issued >= today:
        return
    own = set(Child.objects.of_guardian(guardian).values_list("pk", flat=True))
    _one_day_away(own, month)
    with as_of(at(issued, 4)):
        statements_issue_month(month=month)
    rng = random.Random(FEES_SEED)
    directors: dict[int, User] = {}
    statements = FeeStatement.objects.filter(month=month).select_related("institution").order_by("pk")
    for statement in statements:
        paid = add_working_days(issued, rng.randint(0, 4))
        if paid >= today or (statement.child_id not in own and rng.random() < UNPAID_SHARE):
            continue
        director = directors.get(statement.institution_id) or director_of(statement.institution)
        directors[statement.institution_id] = director
        with as_of(at(paid, 17)):
            fee_payment_record(
                statement=statement,
                amount_yuan=statement.total_yuan,
                paid_on=paid,
                method=PaymentMethod.MOBILE if rng.random() < 0.7 else PaymentMethod.TRANSFER,
                reference="",
                actor=director,
            )
