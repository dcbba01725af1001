"""The demo district's examinations, screenings, referrals and certificate checks: every child in care has a
record that fits the schedule; at 爱彼宝 three examinations are overdue (HLT-01), one anaemic child and two
development referrals (one closed with its outcome, one open too long: HLT-02), the newest arrival's
family urged to catch up doses; 赵女士's daughter has a complete record."""

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.demo.health_care import AIBIBAO, NEWEST_MISSING
from tuoyu.enrolment.models import CareTask, Child, Placement, TaskKind
from tuoyu.health.models import (
    DevelopmentScreening,
    HealthExam,
    ImmunisationCheck,
    ImmunisationCheckKind,
    Referral,
    ReferralReason,
)
from tuoyu.health.selectors.schedule import ItemStatus, child_schedule, institution_schedules
from tuoyu.notifications.models import Notification
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import Finding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

GUARDIAN = "13800000006"


def test_every_child_in_care_has_the_examinations_due_before_the_last_ten_days() -> None:
    today = timezone.localdate()
    schedules = institution_schedules(Institution.objects.all(), today)
    overdue = {(s.child.name, i.kind, i.age_months) for s in schedules for i in s.overdue}

    assert len(schedules) > 1000
    assert HealthExam.objects.count() > 5 * len(schedules)
    assert len(overdue) == 3
    for schedule in schedules:
        for item in schedule.items:
            if (today - item.due_on).days > 10 and (
                schedule.child.name,
                item.kind,
                item.age_months,
            ) not in overdue:
                assert item.status == ItemStatus.DONE, (schedule.child.name, item.kind, item.age_months)


def test_nothing_is_dated_in_the_future_or_before_birth() -> None:
    today = timezone.localdate()

    for exam in HealthExam.objects.select_related("child"):
        assert exam.child.birth_date <= exam.examined_on < today
    for screening in DevelopmentScreening.objects.select_related("child"):
        assert screening.child.birth_date <= screening.screened_on < today
    assert not ImmunisationCheck.objects.filter(checked_on__gte=today).exists()


def test_three_examinations_in_care_are_overdue_at_aibibao_only() -> None:
    [finding] = Finding.objects.filter(rule_code="HLT-01", resolved_at=None)

    assert finding.institution.name == AIBIBAO
    assert finding.evidence.startswith("3名幼儿共3项检查逾期超过30天")


def test_one_anaemic_child_is_referred_and_followed_up() -> None:
    [referral] = Referral.objects.filter(reason=ReferralReason.ANAEMIA)

    assert referral.exam is not None and referral.exam.haemoglobin_g_l == 102
    assert referral.institution is not None and referral.institution.name == AIBIBAO
    assert referral.outcome and referral.closed_at is None
    assert HealthExam.objects.filter(haemoglobin_g_l__lt=110).count() == 1


def test_development_signs_were_referred_one_closed_with_its_outcome_one_open_too_long() -> None:
    closed, still_open = Referral.objects.filter(reason=ReferralReason.DEVELOPMENT).order_by("referred_on")

    assert closed.screening is not None and closed.screening.positive_signs
    assert closed.outcome and closed.closed_at is not None
    assert still_open.screening is not None and still_open.outcome == "" and still_open.closed_at is None
    assert (timezone.localdate() - still_open.referred_on).days == 35
    [finding] = Finding.objects.filter(rule_code="HLT-02", resolved_at=None)
    assert (finding.institution.name, finding.subject_key) == (AIBIBAO, f"referral:{still_open.pk}")


def test_entry_checks_follow_the_enrolment_tasks_and_the_newest_arrival_family_was_urged() -> None:
    done = CareTask.objects.filter(
        kind=TaskKind.VACCINATION_CHECK, done_at__isnull=False, placement__ends_on__gt=timezone.localdate()
    )
    entry = ImmunisationCheck.objects.filter(kind=ImmunisationCheckKind.ENTRY)

    assert entry.count() == done.count()
    assert not entry.filter(complete=False, missing_doses="").exists()
    assert not entry.filter(complete=False, guardian_urged_at__isnull=True).exists()
    newest = entry.get(missing_doses=NEWEST_MISSING)
    assert newest.institution.name == AIBIBAO
    guardian = newest.child.guardianships.get().user
    urged = Notification.objects.get(user=guardian, kind="immunisation_missing_doses")
    assert urged.sent_by_sms
    caught_up = ImmunisationCheck.objects.filter(kind=ImmunisationCheckKind.ANNUAL, complete=True)
    assert caught_up.filter(child__in=entry.filter(complete=False).values("child")).exists()


def test_the_only_open_vaccination_finding_is_still_the_one_overdue_entry_check() -> None:
    assert list(
        Finding.objects.filter(rule_code__in=["ENR-05", "HLT-03"], resolved_at=None).values_list(
            "rule_code", flat=True
        )
    ) == ["ENR-05"]


def test_the_demo_guardians_daughter_has_a_complete_record() -> None:
    child = Child.objects.get(name="陆可馨")
    schedule = child_schedule(child)

    assert not schedule.overdue
    assert {i.status for i in schedule.items if i.due_on < timezone.localdate()} == {ItemStatus.DONE}
    assert list(
        child.development_screenings.order_by("checkpoint_months").values_list(
            "checkpoint_months", "positive_signs"
        )
    ) == [(m, []) for m in (3, 6, 8, 12, 18, 24)]
    assert list(child.immunisation_checks.values_list("kind", "complete")) == [
        (ImmunisationCheckKind.ENTRY, True)
    ]
    assert not child.referrals.exists()
    placement = Placement.objects.get(child=child)
    assert placement.institution.partner_hospital is not None


def test_the_demo_guardian_opens_the_care_page() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(phone=GUARDIAN))
    child = Child.objects.get(name="陆可馨")

    response = client.get(f"/health/children/{child.code}/care/")

    assert response.status_code == 200
    assert "data-exam-form" not in response.content.decode()


def test_the_health_worker_at_aibibao_sees_the_overdue_list() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(phone="13800000004"))

    html = client.get("/health/overdue/").content.decode()

    assert html.count("data-item=") == 3
