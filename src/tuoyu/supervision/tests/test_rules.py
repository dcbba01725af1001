"""Every compliance rule passes on compliant data, opens a finding when broken and closes it when fixed —
through findings_refresh and through the signal services send on commit."""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.filings.models import FilingKind
from tuoyu.filings.services import filing_approve, filing_start, filing_submit
from tuoyu.filings.tests.helpers import attach_all, fill_in
from tuoyu.policies.models import PolicyValue
from tuoyu.registry.factories import CareClassFactory, InstitutionFactory
from tuoyu.registry.models import CareClass, FilingStatus, Institution, OperatingStatus
from tuoyu.registry.selectors import classes_of
from tuoyu.registry.signals import institution_data_changed
from tuoyu.registry.standards import AgeBand
from tuoyu.rules import RULES, Severity, one_evaluation
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh, findings_refresh_all
from tuoyu.workforce.factories import CertificateFactory, StaffFactory
from tuoyu.workforce.models import Certificate, CertificateType, Staff, StaffRole
from tuoyu.workforce.services import certificate_record, staff_end_employment, staff_hire
from tuoyu.workforce.tests.helpers import certify, hire_certified_team

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]  # src/tuoyu
RULE_CODES = ["CLS-01", "PLC-01", "FIL-01", "STF-01", "STF-02", "STF-03", "STF-04", "STF-05"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@dataclass
class World:
    """Institution X made compliant: filed for 60 places, one class of 20, a certified team of three."""

    institution: Institution
    care_class: CareClass
    director: Staff
    caregiver: Staff
    health_worker: Staff
    today: datetime.date
    monkeypatch: pytest.MonkeyPatch


@pytest.fixture
def world(
    institution_x: Institution, class_x: CareClass, today: datetime.date, monkeypatch: pytest.MonkeyPatch
) -> World:
    director, caregiver, health_worker = hire_certified_team(institution_x, today)
    return World(institution_x, class_x, director, caregiver, health_worker, today, monkeypatch)


def open_findings(institution: Institution) -> set[tuple[str, str]]:
    return set(
        Finding.objects.filter(institution=institution, resolved_at=None).values_list(
            "rule_code", "subject_key"
        )
    )


def refresh(w: World) -> tuple[int, int]:
    w.institution.refresh_from_db()  # the cases change rows with update(); the rules read the instance
    return findings_refresh(institution=w.institution, day=w.today)


# How to break each rule, and how to fix it again -----------------------------------------------------------


def break_cls(w: World) -> str:
    """A stricter national cap (15 for the older-toddler class) in force from today than the class was set
    up with (20)."""
    PolicyValue.objects.create(key="class_cap.preschool", value=15, effective_from=w.today, source="新规")
    return f"class:{w.care_class.code}"


def fix_cls(w: World) -> None:
    CareClass.objects.filter(pk=w.care_class.pk).update(capacity=15)


def break_plc(w: World) -> str:
    for name in ("托小一班", "托小二班", "托小三班"):  # 20 + 3 x 15 = 65 places in classes, 60 filed
        CareClassFactory.create(institution=w.institution, name=name, age_band=AgeBand.TODDLER, capacity=15)
    return "institution"


def fix_plc(w: World) -> None:
    Institution.objects.filter(pk=w.institution.pk).update(filed_places=65)


def break_fil(w: World) -> str:
    Institution.objects.filter(pk=w.institution.pk).update(
        filing_status=FilingStatus.NOT_FILED, filing_receipt_no="", filed_on=None
    )
    return "institution"


def fix_fil(w: World) -> None:
    Institution.objects.filter(pk=w.institution.pk).update(
        filing_status=FilingStatus.FILED, filing_receipt_no="甲区托育备〔2026〕009号", filed_on=w.today
    )


def break_stf01(w: World) -> str:
    Staff.objects.filter(pk=w.director.pk).update(management_years=Decimal("2"))
    return f"staff:{w.director.code}"


def fix_stf01(w: World) -> None:
    Staff.objects.filter(pk=w.director.pk).update(management_years=Decimal("3"))


def break_stf02(w: World) -> str:
    Staff.objects.filter(pk=w.health_worker.pk).update(employed_until=w.today - datetime.timedelta(days=1))
    return "institution"


def fix_stf02(w: World) -> None:
    Staff.objects.filter(pk=w.health_worker.pk).update(employed_until=None)


def break_stf03(w: World) -> str:
    Certificate.objects.filter(staff=w.caregiver, certificate_type=CertificateType.HEALTH).update(
        expires_on=w.today - datetime.timedelta(days=1)
    )
    return f"staff:{w.caregiver.code}"


def fix_stf03(w: World) -> None:
    CertificateFactory.create(
        staff=w.caregiver,
        certificate_type=CertificateType.HEALTH,
        issued_on=w.today,
        expires_on=w.today + datetime.timedelta(days=364),
    )


def break_stf04(w: World) -> str:
    guard = StaffFactory.create(institution=w.institution, name="王保安", role=StaffRole.SECURITY)
    certify(
        guard, issued_on=w.today - datetime.timedelta(days=10), except_types=(CertificateType.SECURITY_GUARD,)
    )
    return f"staff:{guard.code}"


def fix_stf04(w: World) -> None:
    guard = Staff.objects.get(institution=w.institution, role=StaffRole.SECURITY)
    CertificateFactory.create(staff=guard, certificate_type=CertificateType.SECURITY_GUARD, issued_on=w.today)


def break_stf05(w: World) -> str:
    """A part-time health worker, and a rule in force from today asking a full-time one whatever the number
    of children (the real threshold, 150 children, is tested with children in test_enrolment_rules.py)."""
    Staff.objects.filter(pk=w.health_worker.pk).update(full_time=False)
    PolicyValue.objects.create(
        key="health_worker.full_time_from_children", value=0, effective_from=w.today, source="测试"
    )
    return "institution"


def fix_stf05(w: World) -> None:
    Staff.objects.filter(pk=w.health_worker.pk).update(full_time=True)


CASES: dict[str, tuple[Callable[[World], str], Callable[[World], None]]] = {
    "CLS-01": (break_cls, fix_cls),
    "PLC-01": (break_plc, fix_plc),
    "FIL-01": (break_fil, fix_fil),
    "STF-01": (break_stf01, fix_stf01),
    "STF-02": (break_stf02, fix_stf02),
    "STF-03": (break_stf03, fix_stf03),
    "STF-04": (break_stf04, fix_stf04),
    "STF-05": (break_stf05, fix_stf05),
}


def test_every_rule_of_the_registry_has_a_case_here() -> None:
    """The enrolment rules (ENR-*) have their cases in test_enrolment_rules.py, the day-in-care rules
    (DAY-*) in daycare/tests/test_supervision_*.py, the fees' (FEE-*) in fees/tests/test_guided_prices.py."""
    evaluated = [code for code, rule in RULES.items() if not rule.refused_with]
    assert [code for code in evaluated if not code.startswith(("ENR-", "DAY-", "HLT-", "OUT-", "FEE-"))] == [
        code
        for code in RULE_CODES
        if code != "STF-05"  # enrolment's: it counts the children in care
    ] + ["STF-05"]
    assert set(CASES) == set(RULE_CODES)


def test_a_compliant_institution_has_no_finding(world: World) -> None:
    assert refresh(world) == (0, 0)
    assert open_findings(world.institution) == set()
    assert not Finding.objects.exists()


@pytest.mark.parametrize("code", RULE_CODES)
def test_each_rule_passes_on_compliant_data(world: World, code: str) -> None:
    assert list(RULES[code].evaluate(world.institution, world.today)) == []


@pytest.mark.parametrize("code", RULE_CODES)
def test_each_rule_opens_a_finding_when_its_requirement_is_broken(world: World, code: str) -> None:
    breaks, _fix = CASES[code]
    subject = breaks(world)

    opened, closed = refresh(world)

    assert (opened, closed) == (1, 0)
    assert open_findings(world.institution) == {(code, subject)}
    finding = Finding.objects.get(rule_code=code)
    assert finding.severity == RULES[code].severity
    assert finding.evidence
    assert finding.detected_at is not None and finding.resolved_at is None


@pytest.mark.parametrize("code", RULE_CODES)
def test_fixing_the_data_closes_the_finding(world: World, code: str) -> None:
    breaks, fix = CASES[code]
    breaks(world)
    refresh(world)

    fix(world)
    opened, closed = refresh(world)

    assert (opened, closed) == (0, 1)
    finding = Finding.objects.get(rule_code=code)
    assert finding.resolved_at is not None
    assert open_findings(world.institution) == set()


@pytest.mark.parametrize("code", RULE_CODES)
def test_refreshing_unchanged_data_again_opens_and_closes_nothing(world: World, code: str) -> None:
    CASES[code][0](world)
    refresh(world)
    rows = list(Finding.objects.values_list("pk", "evidence", "detected_at", "resolved_at"))

    assert refresh(world) == (0, 0)

    assert list(Finding.objects.values_list("pk", "evidence", "detected_at", "resolved_at")) == rows


# Particular detections -------------------------------------------------------------------------------------


def evidence(institution: Institution, code: str) -> list[str]:
    return list(
        Finding.objects.filter(institution=institution, rule_code=code, resolved_at=None)
        .order_by("subject_label")
        .values_list("evidence", flat=True)
    )


def test_director_rule_names_each_gap_of_the_director(world: World) -> None:
    Staff.objects.filter(pk=world.director.pk).update(education="senior", management_years=Decimal("1"))
    Certificate.objects.filter(
        staff=world.director, certificate_type=CertificateType.DIRECTOR_TRAINING
    ).delete()

    refresh(world)

    (text,) = evidence(world.institution, "STF-01")
    assert "低于大专" in text
    assert "不足3年" in text
    assert "负责人岗位培训合格证" in text


def test_an_institution_without_a_director_is_found_at_institution_level(world: World) -> None:
    Staff.objects.filter(pk=world.director.pk).update(employed_until=world.today - datetime.timedelta(days=1))

    refresh(world)

    assert open_findings(world.institution) == {("STF-01", "institution")}
    assert evidence(world.institution, "STF-01") == ["未登记在岗负责人"]


def test_the_basic_certificates_rule_names_what_each_person_lacks(world: World) -> None:
    Certificate.objects.filter(
        staff=world.caregiver, certificate_type=CertificateType.NO_CRIMINAL_RECORD
    ).delete()

    refresh(world)

    (text,) = evidence(world.institution, "STF-03")
    assert "无犯罪记录证明" in text
    assert "健康证" not in text


def test_a_health_certificate_expiring_makes_a_finding_appear_on_that_day(world: World) -> None:
    expiry = world.today + datetime.timedelta(days=20)
    Certificate.objects.filter(staff=world.caregiver, certificate_type=CertificateType.HEALTH).update(
        expires_on=expiry
    )

    assert findings_refresh(institution=world.institution, day=expiry) == (0, 0)
    assert findings_refresh(institution=world.institution, day=expiry + datetime.timedelta(days=1)) == (1, 0)
    assert open_findings(world.institution) == {("STF-03", f"staff:{world.caregiver.code}")}


def test_changed_evidence_updates_the_open_finding_instead_of_opening_another(world: World) -> None:
    Staff.objects.filter(pk=world.director.pk).update(management_years=Decimal("2"))
    refresh(world)
    Staff.objects.filter(pk=world.director.pk).update(management_years=Decimal("1"))

    assert refresh(world) == (0, 0)

    (finding,) = Finding.objects.filter(rule_code="STF-01")
    assert "管理工作经验1.0年" in finding.evidence
    assert finding.resolved_at is None


def test_a_problem_that_comes_back_opens_a_new_finding_and_keeps_the_old_one_closed(world: World) -> None:
    break_stf01(world)
    refresh(world)
    fix_stf01(world)
    refresh(world)

    break_stf01(world)
    assert refresh(world) == (1, 0)

    rows = list(
        Finding.objects.filter(rule_code="STF-01").order_by("pk").values_list("resolved_at", flat=True)
    )
    assert len(rows) == 2
    assert rows[0] is not None and rows[1] is None


def test_findings_of_a_closed_institution_are_all_closed(world: World) -> None:
    break_stf01(world)
    break_stf03(world)
    refresh(world)
    Institution.objects.filter(pk=world.institution.pk).update(operating_status=OperatingStatus.CLOSED)
    world.institution.refresh_from_db()

    assert refresh(world) == (0, 2)
    assert open_findings(world.institution) == set()


def test_plc_rule_ignores_an_institution_that_is_not_filed(world: World) -> None:
    break_plc(world)
    break_fil(world)
    world.institution.refresh_from_db()

    refresh(world)

    assert {code for code, _subject in open_findings(world.institution)} == {"FIL-01"}


def test_an_unfiled_institution_preparing_to_open_is_not_operating_without_a_filing(world: World) -> None:
    break_fil(world)
    Institution.objects.filter(pk=world.institution.pk).update(operating_status=OperatingStatus.PREPARING)
    world.institution.refresh_from_db()

    refresh(world)

    assert open_findings(world.institution) == set()


# The signal path: services notify on commit, the receiver refreshes -----------------------------------------


def test_recording_the_missing_certificate_closes_the_finding_on_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    subject = break_stf03(world)
    refresh(world)
    assert open_findings(world.institution) == {("STF-03", subject)}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate_record(
            staff=world.caregiver,
            certificate_type=CertificateType.HEALTH,
            number="JK2026001",
            issuer="济宁市疾病预防控制中心",
            issued_on=world.today,
        )

    assert len(callbacks) == 1
    assert Finding.objects.get(rule_code="STF-03").resolved_at is not None
    assert open_findings(world.institution) == set()


def test_a_rolled_back_change_does_not_refresh(world: World, django_capture_on_commit_callbacks: Any) -> None:
    break_stf03(world)
    refresh(world)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                certificate_record(
                    staff=world.caregiver,
                    certificate_type=CertificateType.HEALTH,
                    number="JK2026001",
                    issuer="济宁市疾病预防控制中心",
                    issued_on=world.today,
                )
                raise RuntimeError("the request failed after recording")
        except RuntimeError:
            pass

    assert callbacks == []
    assert Finding.objects.get(rule_code="STF-03").resolved_at is None


def test_recording_a_security_guard_certificate_closes_stf_04_on_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    subject = break_stf04(world)
    refresh(world)
    guard = Staff.objects.get(code=subject.removeprefix("staff:"))

    with django_capture_on_commit_callbacks(execute=True):
        certificate_record(
            staff=guard,
            certificate_type=CertificateType.SECURITY_GUARD,
            number="BA2026001",
            issuer="济宁市公安局",
            issued_on=world.today,
        )

    assert Finding.objects.get(rule_code="STF-04").resolved_at is not None


def test_recording_the_directors_training_certificate_closes_stf_01_on_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    Certificate.objects.filter(
        staff=world.director, certificate_type=CertificateType.DIRECTOR_TRAINING
    ).delete()
    refresh(world)
    assert open_findings(world.institution) == {("STF-01", f"staff:{world.director.code}")}

    with django_capture_on_commit_callbacks(execute=True):
        certificate_record(
            staff=world.director,
            certificate_type=CertificateType.DIRECTOR_TRAINING,
            number="PX2026001",
            issuer="济宁市卫生健康委员会",
            issued_on=world.today,
        )

    assert open_findings(world.institution) == set()


def test_hiring_a_health_worker_closes_stf_02_on_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    break_stf02(world)
    refresh(world)
    assert ("STF-02", "institution") in open_findings(world.institution)

    with django_capture_on_commit_callbacks(execute=True):
        staff_hire(
            institution=world.institution,
            name="蒋保健",
            id_number="11010519491231002X",
            role=StaffRole.HEALTH_WORKER,
            employed_from=world.today,
        )

    assert Finding.objects.get(rule_code="STF-02").resolved_at is not None
    new = Staff.objects.get(name="蒋保健")
    assert ("STF-03", f"staff:{new.code}") in open_findings(world.institution)  # not certified yet


def test_ending_the_health_workers_employment_opens_stf_02_on_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        staff_end_employment(staff=world.health_worker, on=world.today - datetime.timedelta(days=1))

    assert open_findings(world.institution) == {("STF-02", "institution")}


def test_approving_a_change_to_more_places_closes_plc_01_on_commit(
    world: World, director_x: User, regulator_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    break_plc(world)
    refresh(world)
    filing = filing_start(actor=director_x, institution=world.institution, kind=FilingKind.CHANGE)
    fill_in(director_x, filing, filed_places=70, services={"full_day": Decimal("1800")})
    attach_all(director_x, filing, world.today)
    filing_submit(actor=director_x, filing=filing)

    with django_capture_on_commit_callbacks(execute=True):
        filing_approve(actor=regulator_a, filing=filing)

    assert Finding.objects.get(rule_code="PLC-01").resolved_at is not None


def test_approving_the_initial_filing_of_an_operating_institution_closes_fil_01_on_commit(
    street_a1: Any, today: datetime.date, regulator_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    unfiled = InstitutionFactory.create(name="甲区无备案托育点", street=street_a1)  # operating, not filed
    director = UserFactory.create(display_name="无备案园长")
    RoleAssignmentFactory.create(user=director, role=Role.DIRECTOR, institution=unfiled)
    hire_certified_team(unfiled, today)
    findings_refresh(institution=unfiled, day=today)
    assert open_findings(unfiled) == {("FIL-01", "institution")}
    filing = filing_start(actor=director, institution=unfiled, kind=FilingKind.INITIAL)
    fill_in(director, filing, filed_places=30)
    attach_all(director, filing, today)
    filing_submit(actor=director, filing=filing)

    with django_capture_on_commit_callbacks(execute=True):
        filing_approve(actor=regulator_a, filing=filing)

    assert open_findings(unfiled) == set()
    assert Finding.objects.get(rule_code="FIL-01").resolved_at is not None


def test_the_receiver_refreshes_the_institution_named_by_the_signal(world: World) -> None:
    """No registry service sends the signal yet; any sender that does gets CLS-01 refreshed."""
    subject = break_cls(world)

    institution_data_changed.send(sender=CareClass, institution_id=world.institution.pk)

    assert open_findings(world.institution) == {("CLS-01", subject)}
    fix_cls(world)
    institution_data_changed.send(sender=CareClass, institution_id=world.institution.pk)
    assert open_findings(world.institution) == set()


def test_the_receiver_ignores_an_institution_that_no_longer_exists(world: World) -> None:
    institution_data_changed.send(sender=CareClass, institution_id=999_999)

    assert not Finding.objects.exists()


# The daily command ------------------------------------------------------------------------------------------


def run_evaluate_rules() -> str:
    out = io.StringIO()
    call_command("evaluate_rules", stdout=out)
    return out.getvalue().strip()


def test_evaluate_rules_is_idempotent(
    world: World, institution_y: Institution, institution_z: Institution
) -> None:
    break_stf01(world)
    break_plc(world)
    # Y and Z have no staff: each lacks a director (STF-01) and a health worker (STF-02).

    first = run_evaluate_rules()
    rows = list(Finding.objects.order_by("pk").values_list("pk", "rule_code", "institution", "resolved_at"))
    second = run_evaluate_rules()

    assert first == "Findings opened: 6, closed: 0."
    assert second == "Findings opened: 0, closed: 0."
    assert (
        list(Finding.objects.order_by("pk").values_list("pk", "rule_code", "institution", "resolved_at"))
        == rows
    )
    assert {(code, institution) for _pk, code, institution, _resolved in rows} == {
        ("STF-01", world.institution.pk),
        ("PLC-01", world.institution.pk),
        ("STF-01", institution_y.pk),
        ("STF-02", institution_y.pk),
        ("STF-01", institution_z.pk),
        ("STF-02", institution_z.pk),
    }


def test_evaluate_rules_closes_what_was_fixed_since_the_last_run(world: World) -> None:
    break_stf01(world)
    run_evaluate_rules()
    fix_stf01(world)

    assert run_evaluate_rules() == "Findings opened: 0, closed: 1."


def test_findings_refresh_all_adds_up_every_institution(world: World, institution_y: Institution) -> None:
    break_stf01(world)

    assert findings_refresh_all(day=world.today) == (3, 0)  # X: STF-01; Y: STF-01, STF-02
    assert findings_refresh_all(day=world.today) == (0, 0)


def test_the_rules_of_one_evaluation_share_a_read_and_later_evaluations_read_again(world: World) -> None:
    with CaptureQueriesContext(connection) as shared, one_evaluation():
        first = classes_of(world.institution)
        assert classes_of(world.institution) is first
    CareClass.objects.filter(pk=world.care_class.pk).update(name="新班名")
    with CaptureQueriesContext(connection) as unshared:
        [renamed] = classes_of(world.institution)

    assert (len(shared), len(unshared), renamed.name) == (1, 1, "新班名")


def test_every_refusal_code_of_a_rule_applied_when_recording_is_raised_by_a_service() -> None:
    """A rule applied when data is written names the codes its services refuse with; each must be in the
    code of the apps (its behaviour is tested where the service is)."""
    sources = "".join(path.read_text() for path in SRC.glob("*/services/**/*.py"))
    sources += "".join(path.read_text() for path in SRC.glob("*/services.py"))
    refusal_rules = [rule for rule in RULES.values() if rule.refused_with]
    assert {rule.code for rule in refusal_rules} >= {"STF-06", "STF-07", "DAY-08", "DAY-09", "DAY-10"}
    for rule in refusal_rules:
        assert rule.severity == Severity.BLOCK, rule.code
        assert list(rule.evaluate(None, datetime.date(2026, 11, 25))) == [], rule.code
        for code in rule.refused_with:
            assert f'"{code}"' in sources, (rule.code, code)


def test_every_rule_has_a_known_severity_and_cites_a_source() -> None:
    for rule in RULES.values():
        assert rule.severity in Severity.values
        assert "《" in rule.source and "》" in rule.source, rule.code
        assert rule.title_zh and rule.title_en
