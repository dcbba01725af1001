"""The filing workflow at service level: what blocks submission, the review deadline, approval and return."""

import datetime
import logging
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import chinese_calendar
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tuoyu.accounts.models import User
from tuoyu.filings.models import (
    Filing,
    FilingKind,
    FilingMaterial,
    FilingState,
    FilingVersion,
    MaterialKind,
    ReturnReason,
)
from tuoyu.filings.selectors import published_decisions
from tuoyu.filings.services import (
    filing_approve,
    filing_attach,
    filing_problems,
    filing_return,
    filing_start,
    filing_submit,
    review_deadline,
)
from tuoyu.filings.tests.helpers import NEW_NAME, attach_all, fill_in, pdf
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import FilingStatus, Institution, OperatingStatus
from tuoyu.registry.selectors import institutions_public
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import StaffRole
from tuoyu.workforce.tests.helpers import hire_certified_team

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ALL_MATERIALS = {"business_licence", "premises", "health_evaluation", "fire_safety", "food_licence"}


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def items(filing: Filing, on: datetime.date | None = None) -> list[str]:
    return [problem.item for problem in filing_problems(filing, on)]


def submit_refusal(actor: User, filing: Filing) -> list[str]:
    with translation.override("en"), pytest.raises(Refusal) as raised:
        filing_submit(actor=actor, filing=filing)
    assert (raised.value.code, raised.value.conflict) == ("filing_incomplete", True)
    return raised.value.messages


# Starting a filing ------------------------------------------------------------------------------------------


def test_an_initial_filing_starts_prefilled_with_the_institutions_particulars(
    newcomer: Institution, director_n: User
) -> None:
    hire_certified_team(newcomer, timezone.localdate())

    filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)

    assert (filing.state, filing.version, filing.kind) == (FilingState.DRAFT, 0, FilingKind.INITIAL)
    assert (filing.name, filing.address, filing.director_name) == (NEW_NAME, newcomer.address, "吴园长")
    assert filing.service_types == [
        {"service_type": "full_day", "price_yuan": "1800.00", "price_unit": "month"}
    ]
    assert filing.commitment_accepted_at is None


def test_a_filed_institution_cannot_start_an_initial_filing(
    institution_x: Institution, director_x: User
) -> None:
    with pytest.raises(Refusal) as refused:
        filing_start(actor=director_x, institution=institution_x, kind=FilingKind.INITIAL)

    assert (refused.value.code, refused.value.conflict) == ("already_filed", False)


@pytest.mark.parametrize("kind", [FilingKind.CHANGE, FilingKind.DEREGISTRATION])
def test_an_unfiled_institution_cannot_file_a_change_or_a_cancellation(
    newcomer: Institution, director_n: User, kind: str
) -> None:
    with pytest.raises(Refusal) as refused:
        filing_start(actor=director_n, institution=newcomer, kind=kind)

    assert (refused.value.code, refused.value.conflict) == ("not_filed", False)


def test_only_one_filing_at_a_time_per_institution(institution_x: Institution, director_x: User) -> None:
    filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)

    with pytest.raises(Refusal) as refused:
        filing_start(actor=director_x, institution=institution_x, kind=FilingKind.DEREGISTRATION)

    assert (refused.value.code, refused.value.conflict) == ("filing_in_progress", True)
    assert Filing.objects.filter(institution=institution_x).count() == 1


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "director_y"])
def test_only_the_institutions_director_may_start_its_filing(
    institution_x: Institution, request: pytest.FixtureRequest, persona: str
) -> None:
    with pytest.raises(NotPermitted):
        filing_start(
            actor=request.getfixturevalue(persona), institution=institution_x, kind=FilingKind.CHANGE
        )

    assert not Filing.objects.exists()


# What blocks a submission -----------------------------------------------------------------------------------


def test_every_missing_material_blocks_submission_with_one_message_each(
    newcomer: Institution, director_n: User
) -> None:
    hire_certified_team(newcomer, timezone.localdate())
    filing = fill_in(
        director_n, filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
    )

    assert sorted(items(filing)) == sorted(ALL_MATERIALS)
    messages = submit_refusal(director_n, filing)
    assert len(messages) == 5
    with translation.override("en"):
        labels = [str(MaterialKind(kind).label) for kind in ALL_MATERIALS]
    for label in labels:
        assert sum(label in message for message in messages) == 1, label
    filing.refresh_from_db()
    assert (filing.state, filing.version) == (FilingState.DRAFT, 0)
    assert not FilingVersion.objects.exists()


def test_one_missing_material_is_the_only_problem(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    FilingMaterial.objects.filter(filing=filing, kind=MaterialKind.FIRE_SAFETY).delete()

    assert items(filing) == ["fire_safety"]


def test_a_complete_filing_has_no_problem(ready_filing: Callable[..., Filing]) -> None:
    assert filing_problems(ready_filing()) == []


def test_an_expired_material_blocks_submission(ready_filing: Callable[..., Filing], director_n: User) -> None:
    filing = ready_filing()
    today = timezone.localdate()
    filing_attach(
        actor=director_n,
        filing=filing,
        kind=MaterialKind.BUSINESS_LICENCE,
        upload=pdf(),
        valid_until=today - datetime.timedelta(days=1),
    )

    assert items(filing) == ["business_licence"]
    (message,) = submit_refusal(director_n, filing)
    assert "Expired" in message
    assert (today - datetime.timedelta(days=1)).isoformat() in message


def test_a_material_valid_until_today_is_not_expired(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    filing_attach(
        actor=director_n,
        filing=filing,
        kind=MaterialKind.FOOD_LICENCE,
        upload=pdf(),
        valid_until=timezone.localdate(),
    )

    assert items(filing) == []


def test_a_newer_material_replaces_an_expired_one(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    today = timezone.localdate()
    for valid_until in (today - datetime.timedelta(days=1), today + datetime.timedelta(days=300)):
        filing_attach(
            actor=director_n,
            filing=filing,
            kind=MaterialKind.FOOD_LICENCE,
            upload=pdf(),
            valid_until=valid_until,
        )

    assert items(filing) == []
    assert filing.materials.filter(kind=MaterialKind.FOOD_LICENCE).count() == 3  # older ones are kept


def lease(filing: Filing, actor: User, start: datetime.date, end: datetime.date | None, **extra: Any) -> None:
    filing_attach(
        actor=actor,
        filing=filing,
        kind=MaterialKind.PREMISES,
        upload=pdf("lease.pdf"),
        tenure=extra.pop("tenure", FilingMaterial.Tenure.LEASED),
        lease_start=start,
        lease_end=end,
        **extra,
    )


def test_a_lease_shorter_than_3_years_blocks_submission(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    start = timezone.localdate() - datetime.timedelta(days=30)
    lease(filing, director_n, start, start.replace(year=start.year + 3) - datetime.timedelta(days=1))

    assert items(filing) == ["premises"]
    (message,) = submit_refusal(director_n, filing)
    assert "at least 3 years" in message


def test_a_lease_of_exactly_3_years_is_enough(ready_filing: Callable[..., Filing], director_n: User) -> None:
    filing = ready_filing()
    start = timezone.localdate() - datetime.timedelta(days=30)
    lease(filing, director_n, start, start.replace(year=start.year + 3))

    assert items(filing) == []


def test_a_lease_that_has_ended_blocks_submission(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    today = timezone.localdate()
    lease(filing, director_n, today - datetime.timedelta(days=5 * 365), today - datetime.timedelta(days=1))

    assert items(filing) == ["premises"]


def test_a_lease_without_dates_blocks_submission(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    lease(filing, director_n, timezone.localdate(), None)

    assert items(filing) == ["premises"]


def test_owned_premises_need_no_lease(ready_filing: Callable[..., Filing], director_n: User) -> None:
    filing = ready_filing()
    filing_attach(
        actor=director_n,
        filing=filing,
        kind=MaterialKind.PREMISES,
        upload=pdf("deed.pdf"),
        tenure=FilingMaterial.Tenure.OWNED,
    )

    assert items(filing) == []


@pytest.mark.parametrize("rating", [FilingMaterial.Rating.FAIL, ""])
def test_a_health_evaluation_not_rated_pass_blocks_submission(
    ready_filing: Callable[..., Filing], director_n: User, rating: str
) -> None:
    filing = ready_filing()
    filing_attach(
        actor=director_n, filing=filing, kind=MaterialKind.HEALTH_EVALUATION, upload=pdf(), rating=rating
    )

    assert items(filing) == ["health_evaluation"]
    (message,) = submit_refusal(director_n, filing)
    assert "合格" in message


def test_a_food_licence_is_needed_only_when_the_institution_serves_meals(
    newcomer: Institution, director_n: User
) -> None:
    today = timezone.localdate()
    hire_certified_team(newcomer, today)
    filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
    attach_all(director_n, filing, today, skip=(MaterialKind.FOOD_LICENCE,))

    fill_in(director_n, filing, serves_meals=True)
    assert items(filing) == ["food_licence"]

    fill_in(director_n, filing, serves_meals=False)
    assert items(filing) == []


def test_staff_without_their_certificates_are_named_in_the_problems(
    ready_filing: Callable[..., Filing], newcomer: Institution, director_n: User
) -> None:
    filing = ready_filing()
    StaffFactory.create(institution=newcomer, name="陈无证", role=StaffRole.CAREGIVER)

    problems = filing_problems(filing)

    assert [(p.item, "陈无证" in p.message) for p in problems] == [("staff", True)]
    (message,) = submit_refusal(director_n, filing)
    assert "陈无证" in message


def test_an_institution_without_staff_cannot_submit(newcomer: Institution, director_n: User) -> None:
    filing = fill_in(
        director_n, filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
    )
    attach_all(director_n, filing, timezone.localdate())

    assert items(filing) == ["staff"]


def test_the_commitment_letter_must_be_accepted(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    fill_in(director_n, filing, commitment_accepted=False)

    assert items(filing) == ["commitment"]
    (message,) = submit_refusal(director_n, filing)
    assert "备案承诺书" in message


def test_a_filing_without_services_cannot_be_submitted(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    fill_in(director_n, filing, services={})

    assert items(filing) == ["service_types"]


# Submission and its deadline --------------------------------------------------------------------------------


def test_submitting_a_complete_filing_records_version_1_with_its_content(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()

    filing_submit(actor=director_n, filing=filing)

    filing.refresh_from_db()
    assert (filing.state, filing.version) == (FilingState.SUBMITTED, 1)
    (version,) = filing.versions.all()
    assert (version.number, version.submitted_by) == (1, director_n)
    assert version.snapshot["name"] == NEW_NAME
    assert version.snapshot["filed_places"] == 50
    assert {m["kind"] for m in version.snapshot["materials"]} == ALL_MATERIALS


def test_a_submitted_filing_can_no_longer_be_changed(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing()
    filing_submit(actor=director_n, filing=filing)

    with pytest.raises(Refusal) as changed:
        fill_in(director_n, filing, filed_places=99)
    with pytest.raises(Refusal) as attached:
        filing_attach(actor=director_n, filing=filing, kind=MaterialKind.OTHER, upload=pdf())

    assert changed.value.code == attached.value.code == "filing_not_editable"
    assert changed.value.conflict

    filing.refresh_from_db()
    assert filing.filed_places == 50


def test_a_filing_submitted_on_30_september_2026_is_due_on_13_october_after_national_day(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    submitted_on = datetime.date(2026, 9, 30)
    filing = ready_filing(on=submitted_on)

    filing_submit(actor=director_n, filing=filing, now=at(submitted_on))

    filing.refresh_from_db()
    expected = chinese_calendar.get_workdays(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))[4]
    assert filing.review_deadline == expected == datetime.date(2026, 10, 13)
    assert datetime.date(2026, 10, 10) in chinese_calendar.get_workdays(
        datetime.date(2026, 10, 1), datetime.date(2026, 10, 13)
    )  # the adjusted working Saturday counts


def test_the_deadline_follows_the_submission_day_in_beijing_time(
    ready_filing: Callable[..., Filing], director_n: User
) -> None:
    filing = ready_filing(on=datetime.date(2026, 6, 5))
    utc_evening = datetime.datetime(2026, 6, 4, 17, 0, tzinfo=datetime.UTC)  # Friday 01:00 in Beijing

    filing_submit(actor=director_n, filing=filing, now=utc_evening)

    filing.refresh_from_db()
    assert filing.review_deadline == datetime.date(2026, 6, 12)  # counted from Friday, not Thursday


def test_a_submission_in_a_year_without_calendar_leaves_the_deadline_open_and_logs_it(
    ready_filing: Callable[..., Filing], director_n: User, caplog: pytest.LogCaptureFixture
) -> None:
    submitted_on = datetime.date(2099, 3, 2)
    filing = ready_filing(on=submitted_on)

    with caplog.at_level(logging.WARNING, logger="tuoyu.filings.services"):
        filing_submit(actor=director_n, filing=filing, now=at(submitted_on))

    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    assert filing.review_deadline is None
    warnings = [
        r for r in caplog.records if r.name == "tuoyu.filings.services" and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1
    assert "2099" in warnings[0].getMessage()


def test_review_deadline_is_none_for_an_unknown_year_and_a_date_otherwise() -> None:
    assert review_deadline(datetime.date(2099, 6, 1)) is None
    assert review_deadline(datetime.date(2026, 9, 30)) == datetime.date(2026, 10, 13)


# Approval ---------------------------------------------------------------------------------------------------


def test_approval_issues_a_receipt_and_opens_the_institution(
    submitted: Filing, newcomer: Institution, regulator_a: User
) -> None:
    assert newcomer not in institutions_public()

    approved = filing_approve(actor=regulator_a, filing=submitted)

    year = timezone.localdate().year
    assert approved.state == FilingState.APPROVED
    assert approved.receipt_no == f"甲区托育备〔{year}〕001号"
    assert approved.decided_by == regulator_a
    newcomer.refresh_from_db()
    assert newcomer.filing_status == FilingStatus.FILED
    assert newcomer.operating_status == OperatingStatus.OPERATING
    assert newcomer.filing_receipt_no == approved.receipt_no
    assert newcomer.filed_on == timezone.localdate()
    assert newcomer.filed_places == 50
    assert newcomer in institutions_public()


def test_receipt_numbers_count_up_within_the_district_and_year(
    submitted: Filing, institution_x: Institution, director_x: User, regulator_a: User
) -> None:
    filing_approve(actor=regulator_a, filing=submitted)
    change = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    fill_in(director_x, change, services={"full_day": Decimal("1900")})
    attach_all(director_x, change, timezone.localdate())
    for person in hire_certified_team(institution_x, timezone.localdate()):
        assert person.institution == institution_x
    filing_submit(actor=director_x, filing=change)

    second = filing_approve(actor=regulator_a, filing=change)

    assert second.receipt_no == f"甲区托育备〔{timezone.localdate().year}〕002号"


def test_a_draft_cannot_be_approved(ready_filing: Callable[..., Filing], regulator_a: User) -> None:
    filing = ready_filing()

    with pytest.raises(Refusal) as refused:
        filing_approve(actor=regulator_a, filing=filing)

    assert (refused.value.code, refused.value.conflict) == ("not_awaiting_review", True)

    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT


@pytest.mark.parametrize("persona", ["director_n", "caregiver_x", "regulator_b", "director_y"])
def test_only_the_regulator_of_the_district_may_approve(
    submitted: Filing, newcomer: Institution, request: pytest.FixtureRequest, persona: str
) -> None:
    with pytest.raises(NotPermitted):
        filing_approve(actor=request.getfixturevalue(persona), filing=submitted)

    submitted.refresh_from_db()
    newcomer.refresh_from_db()
    assert (submitted.state, submitted.receipt_no) == (FilingState.SUBMITTED, "")
    assert newcomer.filing_status == FilingStatus.NOT_FILED


def test_a_filing_cannot_be_approved_twice(submitted: Filing, regulator_a: User) -> None:
    filing_approve(actor=regulator_a, filing=submitted)

    with pytest.raises(Refusal) as refused:
        filing_approve(actor=regulator_a, filing=submitted)

    assert refused.value.code == "not_awaiting_review"


# Return with reasons, correction, resubmission --------------------------------------------------------------


def test_return_stores_a_reason_per_item_and_ignores_empty_ones(submitted: Filing, regulator_a: User) -> None:
    returned = filing_return(
        actor=regulator_a,
        filing=submitted,
        reasons={"fire_safety": "消防检查合格证明已过期", "premises": "租赁合同缺少第二页", "name": "  "},
    )

    assert returned.state == FilingState.RETURNED
    assert not ReturnReason.objects.filter(filing=submitted, published=True).exists()
    assert set(ReturnReason.objects.filter(filing=submitted).values_list("version", "item", "reason")) == {
        (1, "fire_safety", "消防检查合格证明已过期"),
        (1, "premises", "租赁合同缺少第二页"),
    }


def test_return_without_any_reason_is_refused(submitted: Filing, regulator_a: User) -> None:
    with pytest.raises(Refusal) as refused:
        filing_return(actor=regulator_a, filing=submitted, reasons={"name": "", "premises": " "})

    assert (refused.value.code, refused.value.conflict) == ("return_reason_missing", False)

    submitted.refresh_from_db()
    assert submitted.state == FilingState.SUBMITTED


def test_director_cannot_return_their_own_filing(submitted: Filing, director_n: User) -> None:
    with pytest.raises(NotPermitted):
        filing_return(actor=director_n, filing=submitted, reasons={"name": "自己退回"})


def test_corrected_filing_is_resubmitted_as_version_2_and_both_versions_are_kept(
    submitted: Filing, director_n: User, regulator_a: User
) -> None:
    filing_return(actor=regulator_a, filing=submitted, reasons={"address": "地址缺少门牌号"})
    submitted.refresh_from_db()

    fill_in(director_n, submitted, address="甲一街道新苗路8号1号楼")
    filing_submit(actor=director_n, filing=submitted)

    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (FilingState.SUBMITTED, 2)
    snapshots = {v.number: v.snapshot for v in submitted.versions.all()}
    assert snapshots[1]["address"] == "甲一街道新苗路8号"
    assert snapshots[2]["address"] == "甲一街道新苗路8号1号楼"
    assert list(submitted.return_reasons.values_list("version", "item")) == [(1, "address")]


def test_publishing_a_return_lists_it_among_the_public_decisions(
    submitted: Filing, regulator_a: User
) -> None:
    filing_return(
        actor=regulator_a, filing=submitted, reasons={"fire_safety": "未提交消防验收材料"}, publish=True
    )

    assert [(d.filing, d.version, d.reasons) for d in published_decisions()] == [
        (submitted, 1, ["未提交消防验收材料"])
    ]


def test_a_published_decision_stays_public_after_the_filing_is_corrected_and_approved(
    submitted: Filing, director_n: User, regulator_a: User
) -> None:
    filing_return(actor=regulator_a, filing=submitted, reasons={"address": "地址缺少门牌号"}, publish=True)
    submitted.refresh_from_db()
    fill_in(director_n, submitted, address="甲一街道新苗路8号1号楼")
    filing_submit(actor=director_n, filing=submitted)
    filing_return(actor=regulator_a, filing=submitted, reasons={"name": "名称与营业执照不一致"})
    submitted.refresh_from_db()
    fill_in(director_n, submitted, address="甲一街道新苗路8号1号楼")
    filing_submit(actor=director_n, filing=submitted)
    filing_approve(actor=regulator_a, filing=submitted)

    decisions = published_decisions()

    # The first return was published and stays so; the second was not published and does not appear.
    assert [(d.filing.pk, d.version, d.reasons) for d in decisions] == [(submitted.pk, 1, ["地址缺少门牌号"])]
    assert decisions[0].filing.state == FilingState.APPROVED


def test_an_unpublished_return_is_not_among_the_public_decisions(
    submitted: Filing, regulator_a: User
) -> None:
    filing_return(actor=regulator_a, filing=submitted, reasons={"fire_safety": "未提交消防验收材料"})

    assert list(published_decisions()) == []


# Change filings and cancellation ----------------------------------------------------------------------------


@pytest.fixture
def change_of_x(institution_x: Institution, director_x: User) -> Filing:
    """X (filed, 60 places) files a change to 80 places, a new name and hourly care instead of full-day."""
    today = timezone.localdate()
    hire_certified_team(institution_x, today)
    filing = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    fill_in(
        director_x,
        filing,
        name="星星托育园（扩建）",
        filed_places=80,
        services={"hourly": Decimal("45")},
        serves_meals=False,
    )
    attach_all(director_x, filing, today, skip=(MaterialKind.FOOD_LICENCE,))
    filing_submit(actor=director_x, filing=filing)
    return filing


def test_a_change_takes_effect_only_on_approval(
    change_of_x: Filing, institution_x: Institution, regulator_a: User
) -> None:
    institution_x.refresh_from_db()
    assert (institution_x.name, institution_x.filed_places) == ("星星托育园", 60)
    receipt = institution_x.filing_receipt_no

    approved = filing_approve(actor=regulator_a, filing=change_of_x)

    institution_x.refresh_from_db()
    assert (institution_x.name, institution_x.filed_places, institution_x.serves_meals) == (
        "星星托育园（扩建）",
        80,
        False,
    )
    assert list(institution_x.services.values_list("service_type", "price_yuan", "price_unit")) == [
        ("hourly", Decimal("45.00"), "hour")
    ]
    assert institution_x.filing_status == FilingStatus.FILED
    assert (
        institution_x.filing_receipt_no == receipt
    )  # the filing itself stands; the change has its own receipt
    assert approved.receipt_no not in ("", receipt)


def test_a_returned_change_leaves_the_institution_as_filed(
    change_of_x: Filing, institution_x: Institution, regulator_a: User
) -> None:
    filing_return(actor=regulator_a, filing=change_of_x, reasons={"filed_places": "新增托位面积不足"})

    institution_x.refresh_from_db()
    assert (institution_x.name, institution_x.filed_places) == ("星星托育园", 60)


def test_a_cancellation_needs_the_resettlement_of_the_children(
    institution_x: Institution, director_x: User
) -> None:
    filing = fill_in(
        director_x, filing_start(actor=director_x, institution=institution_x, kind=FilingKind.DEREGISTRATION)
    )

    assert items(filing) == ["resettlement"]
    with pytest.raises(Refusal) as refused:
        filing_submit(actor=director_x, filing=filing)

    assert refused.value.code == "filing_incomplete"


def test_an_approved_cancellation_closes_the_institution_and_removes_it_from_the_directory(
    institution_x: Institution, director_x: User, regulator_a: User
) -> None:
    assert institution_x in institutions_public()
    filing = fill_in(
        director_x,
        filing_start(actor=director_x, institution=institution_x, kind=FilingKind.DEREGISTRATION),
        resettlement="32名在托幼儿已全部转入月亮托育园，家长均已签字确认。",
    )
    assert filing_problems(filing) == []  # a cancellation needs no materials or staff
    filing_submit(actor=director_x, filing=filing)

    filing_approve(actor=regulator_a, filing=filing)

    institution_x.refresh_from_db()
    assert institution_x.filing_status == FilingStatus.DEREGISTERED
    assert institution_x.operating_status == OperatingStatus.CLOSED
    assert institution_x not in institutions_public()


def test_two_filings_cannot_carry_the_same_receipt_number(submitted: Filing, regulator_a: User) -> None:
    approved = filing_approve(actor=regulator_a, filing=submitted)
    other = Filing.objects.create(
        institution=approved.institution,
        kind="change",
        state=FilingState.APPROVED,
        name=approved.name,
        address=approved.address,
        director_name=approved.director_name,
        filed_places=approved.filed_places,
        created_by=regulator_a,
        receipt_no=approved.receipt_no + "x",
    )
    other.receipt_no = approved.receipt_no
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
