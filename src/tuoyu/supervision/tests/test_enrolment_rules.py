"""The enrolment rules ENR-01..ENR-06: each finds the problem it names, and nothing on compliant data.

The compliant world: institution X filed for 60 places, its older-toddler class of 20 (24-36 months) holding
two children of 30 months, each with a service agreement and a vaccination check done. Each case breaks
one rule; ``RULES[code].evaluate`` must then detect exactly that subject, ``findings_refresh`` open a
finding for it, and repairing the data close it again.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment import services as enrolment
from tuoyu.enrolment.models import CareTask, Child, Placement, ServiceAgreement, TaskKind
from tuoyu.enrolment.tests.helpers import (
    apply,
    born_months_before,
    make_guardian,
    make_offer,
    pass_exam,
    raw_child,
    raw_placement,
)
from tuoyu.registry.factories import CareClassFactory, ServiceOfferingFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand
from tuoyu.rules import RULES, Severity
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh

pytestmark = pytest.mark.django_db

ENR_CODES = ["ENR-01", "ENR-02", "ENR-03", "ENR-04", "ENR-05", "ENR-06"]


@dataclass
class World:
    institution: Institution
    care_class: CareClass
    guardian: User
    placements: list[Placement]
    today: datetime.date


def place(
    world_or_class: CareClass,
    guardian: User,
    name: str,
    *,
    months: int = 30,
    agreement: bool = True,
    start: datetime.date | None = None,
) -> Placement:
    """A child of ``months`` today placed in the class since ``start`` (10 days ago), with an agreement."""
    today = timezone.localdate()
    child = Child.objects.create(name=name, sex="1", birth_date=born_months_before(today, months))
    child.guardianships.create(user=guardian, relation="mother")
    placement = raw_placement(child, world_or_class, start_date=start or today - datetime.timedelta(days=10))
    if agreement:
        ServiceAgreement.objects.create(
            placement=placement, items=[], text="协议", accepted_at=timezone.now(), accepted_by=guardian
        )
    return placement


@pytest.fixture
def world(institution_x: Institution, class_x: CareClass) -> World:
    guardian = make_guardian("家长孙", consent=False)
    placements = [place(class_x, guardian, name) for name in ("孙一", "孙二")]
    today = timezone.localdate()
    for placement in placements:
        CareTask.objects.create(
            kind=TaskKind.VACCINATION_CHECK,
            child=placement.child,
            institution=institution_x,
            placement=placement,
            due_on=today - datetime.timedelta(days=5),
            done_at=timezone.now(),
        )
    return World(institution_x, class_x, guardian, placements, today)


def enr_findings(institution: Institution) -> set[tuple[str, str]]:
    return set(
        Finding.objects.filter(
            institution=institution, resolved_at=None, rule_code__startswith="ENR-"
        ).values_list("rule_code", "subject_key")
    )


def refresh(w: World) -> None:
    w.institution.refresh_from_db()
    findings_refresh(institution=w.institution, day=w.today)


# How to break each rule, and how to repair it ------------------------------------------------------------


def break_enr01(w: World) -> str:
    place(w.care_class, w.guardian, "孙三")
    Institution.objects.filter(pk=w.institution.pk).update(filed_places=2)  # 3 in care, 2 filed
    return "institution"


def fix_enr01(w: World) -> None:
    Institution.objects.filter(pk=w.institution.pk).update(filed_places=3)


def break_enr02(w: World) -> str:
    CareClass.objects.filter(pk=w.care_class.pk).update(capacity=1)  # 2 in care, capacity 1
    return f"class:{w.care_class.code}"


def fix_enr02(w: World) -> None:
    Placement.objects.filter(pk=w.placements[1].pk).update(ends_on=w.today)


def break_enr03(w: World) -> str:
    mixed = CareClassFactory.create(
        institution=w.institution, name="混龄班", age_band=AgeBand.MIXED, capacity=18
    )
    return f"child:{place(mixed, w.guardian, '孙小', months=17).child.code}"


def fix_enr03(w: World) -> None:
    Placement.objects.filter(care_class__age_band=AgeBand.MIXED).update(ends_on=w.today)


def break_enr04(w: World) -> str:
    return f"child:{place(w.care_class, w.guardian, '孙小', months=14).child.code}"


def fix_enr04(w: World) -> None:
    toddler = CareClassFactory.create(
        institution=w.institution, name="托小班", age_band=AgeBand.TODDLER, capacity=15
    )
    Placement.objects.filter(child__name="孙小").update(care_class=toddler)


def break_enr05(w: World) -> str:
    CareTask.objects.filter(child=w.placements[0].child).update(done_at=None)
    return f"child:{w.placements[0].child.code}"


def fix_enr05(w: World) -> None:
    CareTask.objects.update(done_at=timezone.now())


def break_enr06(w: World) -> str:
    ServiceAgreement.objects.filter(placement=w.placements[1]).delete()
    return f"child:{w.placements[1].child.code}"


def fix_enr06(w: World) -> None:
    ServiceAgreement.objects.create(
        placement=w.placements[1], items=[], text="协议", accepted_at=timezone.now(), accepted_by=w.guardian
    )


CASES: dict[str, tuple[Callable[[World], str], Callable[[World], None]]] = {
    "ENR-01": (break_enr01, fix_enr01),
    "ENR-02": (break_enr02, fix_enr02),
    "ENR-03": (break_enr03, fix_enr03),
    "ENR-04": (break_enr04, fix_enr04),
    "ENR-05": (break_enr05, fix_enr05),
    "ENR-06": (break_enr06, fix_enr06),
}


def test_every_enrolment_rule_is_registered_and_has_a_case_here() -> None:
    assert [code for code in RULES if code.startswith("ENR-")] == ENR_CODES
    assert set(CASES) == set(ENR_CODES)
    assert {code: RULES[code].severity for code in ENR_CODES} == {
        "ENR-01": Severity.VIOLATION,
        "ENR-02": Severity.VIOLATION,
        "ENR-03": Severity.VIOLATION,
        "ENR-04": Severity.WARNING,
        "ENR-05": Severity.VIOLATION,
        "ENR-06": Severity.WARNING,
    }
    for code in ENR_CODES:
        assert RULES[code].source and RULES[code].title_zh and RULES[code].title_en


@pytest.mark.parametrize("code", ENR_CODES)
def test_each_rule_passes_on_compliant_enrolment(world: World, code: str) -> None:
    assert list(RULES[code].evaluate(world.institution, world.today)) == []


def test_a_compliant_world_has_no_enrolment_finding(world: World) -> None:
    refresh(world)

    assert enr_findings(world.institution) == set()


@pytest.mark.parametrize("code", ENR_CODES)
def test_each_rule_detects_what_it_names_and_only_that(world: World, code: str) -> None:
    breaks, _fix = CASES[code]
    subject = breaks(world)
    world.institution.refresh_from_db()

    detected = list(RULES[code].evaluate(world.institution, world.today))
    refresh(world)

    assert [d.subject_key for d in detected] == [subject]
    assert detected[0].evidence
    assert (code, subject) in enr_findings(world.institution)
    finding = Finding.objects.get(rule_code=code)
    assert finding.severity == RULES[code].severity


@pytest.mark.parametrize("code", ENR_CODES)
def test_repairing_the_data_closes_the_finding(world: World, code: str) -> None:
    breaks, fix = CASES[code]
    breaks(world)
    refresh(world)

    fix(world)
    refresh(world)

    assert code not in {c for c, _subject in enr_findings(world.institution)}
    assert Finding.objects.get(rule_code=code).resolved_at is not None


# Particular detections -----------------------------------------------------------------------------------


def evaluate(w: World, code: str, day: datetime.date | None = None) -> list[tuple[str, str]]:
    w.institution.refresh_from_db()
    return [(d.subject_key, d.evidence) for d in RULES[code].evaluate(w.institution, day or w.today)]


def test_stf05_from_the_threshold_of_children_in_care_a_health_worker_must_be_full_time(world: World) -> None:
    from tuoyu.policies.models import PolicyValue
    from tuoyu.workforce.factories import StaffFactory
    from tuoyu.workforce.models import StaffRole

    StaffFactory.create(institution=world.institution, role=StaffRole.HEALTH_WORKER, full_time=False)
    assert evaluate(world, "STF-05") == []  # 2 children in care, far below 150

    PolicyValue.objects.create(  # a stricter rule from today: 3 children
        key="health_worker.full_time_from_children", value=3, effective_from=world.today, source="更严"
    )
    assert evaluate(world, "STF-05") == []
    place(world.care_class, world.guardian, "孙三")

    assert evaluate(world, "STF-05") == [("institution", "在托3人（3人以上），在岗卫生保健人员1人，均非专职")]
    assert evaluate(world, "STF-05", world.today - datetime.timedelta(days=1)) == []  # 150 still yesterday
    StaffFactory.create(institution=world.institution, role=StaffRole.HEALTH_WORKER, full_time=True)
    assert evaluate(world, "STF-05") == []


def test_enr01_counts_children_in_care_today_not_those_starting_later(world: World) -> None:
    place(world.care_class, world.guardian, "孙三", start=world.today + datetime.timedelta(days=3))
    Institution.objects.filter(pk=world.institution.pk).update(filed_places=2)

    assert evaluate(world, "ENR-01") == []
    assert evaluate(world, "ENR-01", world.today + datetime.timedelta(days=3)) == [
        ("institution", "在托3人，备案托位数2个")
    ]


def test_enr02_uses_the_national_cap_when_it_is_below_the_capacity(world: World) -> None:
    from tuoyu.policies.models import PolicyValue

    PolicyValue.objects.create(
        key="class_cap.preschool", value=1, effective_from=world.today, source="更严的上限"
    )

    assert evaluate(world, "ENR-02") == [(f"class:{world.care_class.code}", "在托2人，上限1人")]


def test_enr03_and_enr04_do_not_both_report_a_young_child_in_a_mixed_class(world: World) -> None:
    mixed = CareClassFactory.create(
        institution=world.institution, name="混龄班", age_band=AgeBand.MIXED, capacity=18
    )
    young = place(mixed, world.guardian, "孙小", months=17)
    place(mixed, world.guardian, "孙中", months=18)

    assert evaluate(world, "ENR-03") == [(f"child:{young.child.code}", "混龄班，17月龄")]
    assert evaluate(world, "ENR-04") == []


def test_enr04_allows_the_30_days_grace(world: World) -> None:
    near = place(world.care_class, world.guardian, "孙近", months=23)
    Child.objects.filter(pk=near.child.pk).update(
        birth_date=born_months_before(world.today, 24) + datetime.timedelta(days=20)
    )
    far = place(world.care_class, world.guardian, "孙远", months=22)

    found = evaluate(world, "ENR-04")

    assert [key for key, _evidence in found] == [f"child:{far.child.code}"]
    assert "22月龄" in found[0][1]


def test_enr05_finds_a_check_overdue_from_the_day_after_it_was_due(world: World) -> None:
    task = CareTask.objects.filter(child=world.placements[0].child).get()
    CareTask.objects.filter(pk=task.pk).update(done_at=None, due_on=world.today)

    assert evaluate(world, "ENR-05") == []
    assert evaluate(world, "ENR-05", world.today + datetime.timedelta(days=1)) == [
        (f"child:{task.child.code}", f"应于{world.today:%Y-%m-%d}前完成查验")
    ]


def test_enr06_ignores_a_placement_that_has_not_started(world: World) -> None:
    place(
        world.care_class,
        world.guardian,
        "孙新",
        agreement=False,
        start=world.today + datetime.timedelta(days=7),
    )

    assert evaluate(world, "ENR-06") == []


# Through the services: accepting writes what the rules need; the health check closes ENR-05 on commit -------


def test_a_place_taken_through_the_services_is_compliant_until_the_check_is_overdue(
    institution_x: Institution, class_x: CareClass, director_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    from tuoyu.enrolment.models import PrivacyNotice

    PrivacyNotice.objects.get_or_create(version="2026-01", defaults={"title": "告知书", "body": "正文"})
    ServiceOfferingFactory.create(institution=institution_x, service_type="full_day")
    guardian = make_guardian("家长周")
    child = raw_child(guardian, name="周小宝")
    pass_exam(child, guardian)
    offer = make_offer(director_x, apply(guardian, child, institution_x), class_x)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        placement = enrolment.offer_accept(guardian=guardian, offer=offer)

    assert len(callbacks) == 1  # the findings of X are refreshed once the place is taken
    task = CareTask.objects.get()
    for day in (timezone.localdate(), placement.start_date, task.due_on):
        findings_refresh(institution=institution_x, day=day)
        assert enr_findings(institution_x) == set(), day
    findings_refresh(institution=institution_x, day=task.due_on + datetime.timedelta(days=1))
    assert enr_findings(institution_x) == {("ENR-05", f"child:{child.code}")}


def test_completing_an_overdue_check_closes_enr05_on_commit(
    world: World, health_worker_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    subject = break_enr05(world)
    refresh(world)
    assert enr_findings(world.institution) == {("ENR-05", subject)}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrolment.task_complete(actor=health_worker_x, task=CareTask.objects.get(done_at=None))

    assert len(callbacks) == 1
    assert enr_findings(world.institution) == set()
