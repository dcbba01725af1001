"""The care rules: HLT-01 examinations overdue, HLT-02 referrals without an outcome, HLT-03 the yearly
re-check of the vaccination certificate — each open when broken and closed when fixed."""

import datetime

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, Placement
from tuoyu.health.models import ExamKind, ImmunisationCheck, ImmunisationCheckKind
from tuoyu.health.services.care import health_exam_record
from tuoyu.health.tests.care_helpers import (
    _english,
    born,
    child_in_care,
    days_ago,
    exam,
    family,
    kid,
    referral,
    sms_outbox,
    today,
)
from tuoyu.registry.models import CareClass, Institution
from tuoyu.rules import RULES, Severity
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh
from tuoyu.workdays import months_later

pytestmark = pytest.mark.django_db

__all__ = ["_english", "family", "kid", "sms_outbox"]  # fixtures used by name


def detected(
    code: str, institution: Institution, day: datetime.date | None = None
) -> list[tuple[str, str, str]]:
    return [
        (d.subject_key, d.subject_label, d.evidence)
        for d in RULES[code].evaluate(institution, day or today())
    ]


def open_findings(institution: Institution, code: str) -> set[str]:
    return set(
        Finding.objects.filter(institution=institution, rule_code=code, resolved_at=None).values_list(
            "subject_key", flat=True
        )
    )


def test_the_care_rules_are_registered_with_their_severity() -> None:
    assert (RULES["HLT-01"].severity, RULES["HLT-02"].severity, RULES["HLT-03"].severity) == (
        Severity.WARNING,
        Severity.WARNING,
        Severity.VIOLATION,
    )


# HLT-01 -------------------------------------------------------------------------------------------------


def test_hlt01_lists_the_children_and_examinations_overdue(kid: Child, institution_x: Institution) -> None:
    [(key, label, evidence)] = detected("HLT-01", institution_x)

    assert (key, label) == ("institution", institution_x.name)
    assert evidence.startswith("1名幼儿共6项检查逾期超过30天：吴小满（星星托大班）：")
    eighteen = months_later(kid.birth_date, 18)
    assert f"在托定期体检（18月龄，应于{eighteen:%Y-%m-%d}）" in evidence
    assert "血红蛋白检测（18月龄" in evidence


def test_hlt01_passes_when_nothing_is_overdue(
    class_x: CareClass, institution_x: Institution, family: User
) -> None:
    child_in_care(
        class_x, birth_date=born(20), start_date=days_ago(40), guardian=family
    )  # 18-month items due

    assert detected("HLT-01", institution_x) == []


def test_hlt01_opens_and_closes_through_the_findings(
    kid: Child, institution_x: Institution, health_worker_x: User
) -> None:
    findings_refresh(institution=institution_x)
    assert open_findings(institution_x, "HLT-01") == {"institution"}

    for kind, age, extra in (
        (ExamKind.COMMUNITY, 18, {}),
        (ExamKind.IN_CARE, 18, {}),
        (ExamKind.HAEMOGLOBIN, 18, {"haemoglobin_g_l": 121}),
        (ExamKind.HEARING, 12, {"hearing_result": "pass"}),
    ):
        health_exam_record(
            actor=health_worker_x,
            child=kid,
            kind=kind,
            examined_on=months_later(kid.birth_date, age),
            **extra,
        )
    findings_refresh(institution=institution_x)

    # the 12-month items are superseded by the 18-month ones: the child has been seen since
    assert open_findings(institution_x, "HLT-01") == set()


# HLT-02 -------------------------------------------------------------------------------------------------


def test_hlt02_finds_a_referral_without_an_outcome_after_30_days(
    kid: Child, institution_x: Institution
) -> None:
    late = referral(kid, referred_on=days_ago(31), referred_to="济医附院", detail="发育迟缓待查")
    referral(kid, referred_on=days_ago(30))  # 30 days: not yet
    referral(kid, referred_on=days_ago(60), outcome="已就诊，随访中")  # followed up
    referral(kid, referred_on=days_ago(90), outcome="正常", closed_at=timezone.now())

    assert detected("HLT-02", institution_x) == [
        (
            f"referral:{late.pk}",
            kid.name,
            f"{days_ago(31):%Y-%m-%d}因其他转诊，转往济医附院：发育迟缓待查；至今未记录转诊结果",
        )
    ]


def test_hlt02_concerns_children_in_care_at_the_institution_only(
    kid: Child, institution_x: Institution, institution_y: Institution
) -> None:
    referral(kid, referred_on=days_ago(45))

    assert len(detected("HLT-02", institution_x)) == 1
    assert detected("HLT-02", institution_y) == []
    Placement.objects.filter(child=kid).update(ends_on=today())
    assert detected("HLT-02", institution_x) == []


def test_hlt02_closes_once_an_outcome_is_recorded(kid: Child, institution_x: Institution) -> None:
    made = referral(kid, referred_on=days_ago(45))
    findings_refresh(institution=institution_x)
    assert open_findings(institution_x, "HLT-02") == {f"referral:{made.pk}"}

    made.outcome, made.outcome_on = "已就诊", today()
    made.save()
    findings_refresh(institution=institution_x)

    assert open_findings(institution_x, "HLT-02") == set()


# HLT-03 -------------------------------------------------------------------------------------------------

JAN_15 = datetime.date(2025, 1, 15)


def in_care_since(care_class: CareClass, start: datetime.date, guardian: User, name: str = "吴小满") -> Child:
    return child_in_care(
        care_class, birth_date=datetime.date(2023, 3, 3), start_date=start, guardian=guardian, name=name
    )


def certificate(
    child: Child, institution: Institution, by: User, on: datetime.date, **fields: object
) -> None:
    fields.setdefault("kind", ImmunisationCheckKind.ANNUAL)
    fields.setdefault("complete", True)
    ImmunisationCheck.objects.create(
        child=child,
        institution=institution,
        checked_on=on,
        checked_by=by,
        **fields,
    )


def test_hlt03_finds_a_child_in_care_all_december_without_the_years_re_check(
    class_x: CareClass, institution_x: Institution, family: User
) -> None:
    child = in_care_since(class_x, datetime.date(2024, 5, 1), family)

    assert detected("HLT-03", institution_x, JAN_15) == [
        (
            f"child:{child.code}",
            child.name,
            "星星托大班，2024年12月全月在托，2024年12月31日前未完成预防接种证复查",
        )
    ]
    assert (
        detected("HLT-03", institution_x, datetime.date(2024, 12, 31)) == []
    )  # about 2023: not in care then


def test_hlt03_ignores_children_who_came_after_1_december_or_left(
    class_x: CareClass, institution_x: Institution, family: User
) -> None:
    in_care_since(class_x, datetime.date(2024, 12, 2), family, name="十二月来的")
    left = in_care_since(class_x, datetime.date(2024, 5, 1), family, name="走了的")
    Placement.objects.filter(child=left).update(ends_on=datetime.date(2025, 1, 10))

    assert detected("HLT-03", institution_x, JAN_15) == []


def test_hlt03_is_met_by_a_re_check_or_a_complete_entry_check_of_that_year(
    class_x: CareClass, institution_x: Institution, family: User, health_worker_x: User
) -> None:
    rechecked = in_care_since(class_x, datetime.date(2024, 3, 1), family, name="复查过")
    certificate(
        rechecked,
        institution_x,
        health_worker_x,
        datetime.date(2024, 11, 20),
        complete=False,
        missing_doses="乙肝第3剂",
    )
    entered = in_care_since(class_x, datetime.date(2024, 9, 1), family, name="入托查验完整")
    certificate(
        entered, institution_x, health_worker_x, datetime.date(2024, 9, 5), kind=ImmunisationCheckKind.ENTRY
    )
    catching_up = in_care_since(class_x, datetime.date(2024, 9, 1), family, name="待补种")
    certificate(
        catching_up,
        institution_x,
        health_worker_x,
        datetime.date(2024, 9, 5),
        kind=ImmunisationCheckKind.ENTRY,
        complete=False,
        missing_doses="麻腮风第1剂",
    )
    last_year = in_care_since(class_x, datetime.date(2023, 9, 1), family, name="去年查过")
    certificate(last_year, institution_x, health_worker_x, datetime.date(2023, 11, 1))

    found = detected("HLT-03", institution_x, JAN_15)

    assert {(key, label) for key, label, _evidence in found} == {
        (f"child:{catching_up.code}", "待补种"),
        (f"child:{last_year.code}", "去年查过"),
    }
    evidence = {label: text for _key, label, text in found}
    assert evidence["待补种"].endswith("；2024-09-05查验缺种：麻腮风第1剂")
    assert evidence["去年查过"].endswith("未完成预防接种证复查")


def test_hlt03_closes_when_a_late_re_check_is_recorded(
    class_x: CareClass, institution_x: Institution, family: User, health_worker_x: User
) -> None:
    child = in_care_since(class_x, datetime.date(2024, 5, 1), family)
    assert len(detected("HLT-03", institution_x, JAN_15)) == 1

    certificate(child, institution_x, health_worker_x, datetime.date(2025, 1, 10))

    assert detected("HLT-03", institution_x, JAN_15) == []


def test_hlt03_opens_a_finding_per_child(
    class_x: CareClass, institution_x: Institution, family: User
) -> None:
    a_year_ago = today().replace(year=today().year - 1, month=11, day=1)
    child = child_in_care(class_x, birth_date=born(20), start_date=a_year_ago, guardian=family)
    exam(child, ExamKind.HEARING, days_ago(1))

    findings_refresh(institution=institution_x)

    assert open_findings(institution_x, "HLT-03") == {f"child:{child.code}"}
