"""Reporting and resolving an outbreak, and rule OUT-01: an outbreak report not submitted by its deadline
(24 hours for a cluster; at once for a notifiable case, with the 2 hours of grace)."""

import datetime

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import Symptom
from tuoyu.health.models import OutbreakReport, OutbreakTrigger
from tuoyu.health.rules.outbreaks import outbreak_report_overdue
from tuoyu.health.selectors.outbreaks import IMMEDIATE_REPORT_HOURS, deadline_of
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import (
    HOUR,
    _english,
    children,
    cluster_opened,
    days_ago,
    diagnose,
    refusal_of,
    today,
)
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted
from tuoyu.registry.models import CareClass, Institution
from tuoyu.rules import RULES
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixtures used by name


@pytest.fixture
def outbreak(class_x: CareClass) -> OutbreakReport:
    """A fever cluster in class X opened 10 hours ago: due in 14 hours."""
    return cluster_opened(class_x, children(class_x, 3), Symptom.FEVER, hours_ago=10)


def out_01(institution: Institution) -> list[tuple[str, str, str]]:
    return [
        (found.subject_key, found.subject_label, found.evidence)
        for found in outbreak_report_overdue(institution, today())
    ]


# Reporting and resolving ----------------------------------------------------------------------------------


def test_the_health_worker_submits_the_report_and_the_regulator_is_told(
    outbreak: OutbreakReport, health_worker_x: User, regulator_a: User, regulator_b: User
) -> None:
    reported = services.outbreak_report_submit(
        outbreak=outbreak, report=" 3名幼儿发热，已电话报告区疾控中心和区卫健局。 ", by=health_worker_x
    )

    assert reported.report == "3名幼儿发热，已电话报告区疾控中心和区卫健局。"
    assert reported.reported_by == health_worker_x and reported.reported_at is not None
    assert not deadline_of(reported).late
    told = {n.user for n in Notification.objects.filter(kind=NotificationKind.OUTBREAK_REPORTED)}
    assert told == {regulator_a}


def test_a_report_is_submitted_once_and_must_say_something(
    outbreak: OutbreakReport, health_worker_x: User, director_x: User
) -> None:
    assert refusal_of(
        lambda: services.outbreak_report_submit(outbreak=outbreak, report="  ", by=health_worker_x)
    ).code == ("report_required")
    services.outbreak_report_submit(outbreak=outbreak, report="已报告", by=health_worker_x)

    refused = refusal_of(
        lambda: services.outbreak_report_submit(outbreak=outbreak, report="再报", by=director_x)
    )

    assert (refused.code, refused.conflict) == ("already_reported", True)
    outbreak.refresh_from_db()
    assert outbreak.report == "已报告"


def test_an_outbreak_is_resolved_after_its_report_with_the_outcome(
    outbreak: OutbreakReport, director_x: User, regulator_a: User
) -> None:
    refused = refusal_of(
        lambda: services.outbreak_resolve(outbreak=outbreak, resolution="结案", by=director_x)
    )
    assert (refused.code, refused.conflict) == ("report_first", True)
    services.outbreak_report_submit(outbreak=outbreak, report="已报告", by=director_x)
    assert (
        refusal_of(lambda: services.outbreak_resolve(outbreak=outbreak, resolution="", by=director_x)).code
        == "resolution_required"
    )

    resolved = services.outbreak_resolve(
        outbreak=outbreak, resolution="连续7天无新发病例，解除观察", by=director_x
    )

    assert not resolved.is_active and resolved.resolved_by == director_x
    assert resolved.resolution == "连续7天无新发病例，解除观察"
    assert Notification.objects.filter(user=regulator_a, kind=NotificationKind.OUTBREAK_RESOLVED).exists()
    for act in (
        lambda: services.outbreak_resolve(outbreak=outbreak, resolution="again", by=director_x),
        lambda: services.outbreak_report_submit(outbreak=outbreak, report="again", by=director_x),
    ):
        assert refusal_of(act).code == "already_resolved"


@pytest.mark.parametrize("persona", ["regulator_a", "caregiver_x", "doctor", "director_y"])
def test_only_the_institution_reports_and_resolves(
    outbreak: OutbreakReport, persona: str, request: pytest.FixtureRequest
) -> None:
    someone = request.getfixturevalue(persona)

    with pytest.raises(NotPermitted):
        services.outbreak_report_submit(outbreak=outbreak, report="报告", by=someone)
    outbreak.refresh_from_db()
    assert outbreak.reported_at is None


# OUT-01 ---------------------------------------------------------------------------------------------------


def test_out_01_is_a_registered_violation_citing_yq06() -> None:
    rule = RULES["OUT-01"]

    assert rule.severity == "violation"
    assert "传染病疫情报告工作规范" in rule.source and "24小时" in rule.source


def test_a_cluster_report_within_its_24_hours_is_no_finding(outbreak: OutbreakReport) -> None:
    assert out_01(outbreak.institution) == []


def test_a_cluster_report_unsubmitted_after_24_hours_is_a_violation(outbreak: OutbreakReport) -> None:
    OutbreakReport.objects.filter(pk=outbreak.pk).update(
        opened_at=outbreak.opened_at - 15 * HOUR, due_at=outbreak.due_at - 15 * HOUR
    )

    ((key, label, evidence),) = out_01(outbreak.institution)

    assert key == f"outbreak:{outbreak.pk}"
    assert "星星托大班" in label and "发热" in label
    assert "至今未报告" in evidence and evidence.endswith("（共3例）")


def test_a_notifiable_case_has_two_hours_of_grace(class_x: CareClass, health_worker_x: User) -> None:
    (child,) = children(class_x, 1)
    opened = timezone.now() - (IMMEDIATE_REPORT_HOURS * HOUR - 5 * datetime.timedelta(minutes=1))
    diagnose(child, "dysentery", health_worker_x, now=opened)
    case = OutbreakReport.objects.get(trigger=OutbreakTrigger.NOTIFIABLE_CASE)
    assert deadline_of(case).is_past_due and not deadline_of(case).overdue
    assert out_01(class_x.institution) == []

    OutbreakReport.objects.filter(pk=case.pk).update(opened_at=opened - HOUR, due_at=opened - HOUR)

    ((_key, label, evidence),) = out_01(class_x.institution)
    assert "细菌性痢疾" in label and "法定传染病" in evidence


def test_a_late_report_stays_a_finding_until_the_outbreak_is_resolved(
    outbreak: OutbreakReport, health_worker_x: User
) -> None:
    OutbreakReport.objects.filter(pk=outbreak.pk).update(
        opened_at=outbreak.opened_at - 20 * HOUR, due_at=outbreak.due_at - 20 * HOUR
    )
    outbreak.refresh_from_db()
    services.outbreak_report_submit(outbreak=outbreak, report="迟报", by=health_worker_x)

    ((_key, _label, evidence),) = out_01(outbreak.institution)
    assert "才报告" in evidence

    services.outbreak_resolve(outbreak=outbreak, resolution="结案", by=health_worker_x)
    assert out_01(outbreak.institution) == []


def test_a_report_on_time_is_no_finding(outbreak: OutbreakReport, health_worker_x: User) -> None:
    services.outbreak_report_submit(outbreak=outbreak, report="按时报告", by=health_worker_x)
    # The deadline has passed since; the report came an hour before it.
    OutbreakReport.objects.filter(pk=outbreak.pk).update(
        due_at=timezone.now() - HOUR, reported_at=timezone.now() - 2 * HOUR
    )

    assert out_01(outbreak.institution) == []


def test_findings_open_for_an_overdue_report_and_close_once_resolved(
    outbreak: OutbreakReport, health_worker_x: User, django_capture_on_commit_callbacks: object
) -> None:
    institution = outbreak.institution
    OutbreakReport.objects.filter(pk=outbreak.pk).update(due_at=timezone.now() - HOUR)

    findings_refresh(institution=institution)
    finding = Finding.objects.get(rule_code="OUT-01", resolved_at=None)
    assert finding.subject_key == f"outbreak:{outbreak.pk}" and finding.severity == "violation"

    services.outbreak_report_submit(outbreak=outbreak, report="补报", by=health_worker_x)
    services.outbreak_resolve(outbreak=outbreak, resolution="结案", by=health_worker_x)
    findings_refresh(institution=institution)

    finding.refresh_from_db()
    assert finding.resolved_at is not None


def test_a_past_day_is_judged_at_its_end(outbreak: OutbreakReport) -> None:
    OutbreakReport.objects.filter(pk=outbreak.pk).update(
        opened_at=timezone.now() - 50 * HOUR, due_at=timezone.now() - 26 * HOUR
    )

    assert list(outbreak_report_overdue(outbreak.institution, days_ago(3))) == []  # not opened yet
    assert len(list(outbreak_report_overdue(outbreak.institution, today()))) == 1
