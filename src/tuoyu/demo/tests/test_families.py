"""The demo's families: children in care in every filed institution, classes filled as the demo says,
ages fitting the bands, a queue, 赵女士's two children — and the district's figures still the report's."""

import datetime
import io
from collections import Counter
from typing import NamedTuple

import pytest
from django.core.management import call_command
from django.db.models import Count, Model, QuerySet
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import Role, RoleAssignment, User
from tuoyu.demo import district
from tuoyu.demo.management.commands.seed_demo import DEMO_PASSWORD
from tuoyu.enrolment.eligibility import age_refusal
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    Consent,
    EntryExam,
    ExamResult,
    Guardianship,
    Offer,
    OfferStatus,
    PickupPerson,
    Placement,
    QueuePriority,
    ServiceAgreement,
)
from tuoyu.enrolment.selectors import (
    classes_with_vacancy,
    has_current_consent,
    holding_placements,
    institution_places_taken,
    open_tasks_visible_to,
)
from tuoyu.registry.models import CareClass, Institution, ServiceType
from tuoyu.registry.standards import BAND_STANDARDS, class_cap
from tuoyu.supervision.models import Finding
from tuoyu.workdays import months_later

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

DISTRICT = "370872"
AIBIBAO = "爱彼宝济宁托育中心"
MEDICAL = "济宁托育集团济医附院医育结合托育园"
GUARDIAN = "13800000006"
HEALTH_WORKER = "13800000004"
DEMO_PHONES = {f"138000000{n:02d}" for n in range(9)}
ENROLMENT_MODELS: tuple[type[Model], ...] = (
    Consent,
    Child,
    Guardianship,
    PickupPerson,
    EntryExam,
    QueuePriority,
    Application,
    Offer,
    Placement,
    ServiceAgreement,
    CareTask,
    User,
    RoleAssignment,
)


def filed_institutions() -> list[Institution]:
    return list(Institution.objects.filter(name__in=[spec.name for spec in district.INSTITUTIONS]))


class Fill(NamedTuple):
    capacity: int
    age_band: str
    placed: int
    offered: int
    vacancy: int


def classes_of(name: str) -> dict[str, Fill]:
    """The live fill of each class of an institution, as the finder and the director's queue count it."""
    classes = classes_with_vacancy(CareClass.objects.filter(institution__name=name))
    return {
        c.name: Fill(c.capacity, c.age_band, *(getattr(c, key) for key in ("placed", "offered", "vacancy")))
        for c in classes
    }


def test_district_figures_still_match_the_report(anonymous_api: APIClient) -> None:
    body = anonymous_api.get(f"/api/v1/regions/{DISTRICT}/indicators/").json()

    assert (body["institutions"], body["staff"], body["places"]) == (14, 180, 1300)
    assert round(body["places_per_1000"], 1) == 7.6


def test_every_filed_institution_has_children_in_care_and_the_preparing_one_none() -> None:
    today = timezone.localdate()
    institutions = filed_institutions()

    assert len(institutions) == 14
    for institution in institutions:
        assert holding_placements(today).filter(institution=institution, start_date__lte=today).exists()
    assert not Placement.objects.filter(institution__name="太白湖新区金色童年托育园").exists()


def test_aibibao_classes_hold_12_to_15_children_with_two_places_free_for_a_20_month_old() -> None:
    classes = classes_of(AIBIBAO)

    placed = {name: care_class.placed for name, care_class in classes.items()}
    assert placed == {"托小班": 13, "混龄班": 12, "托大班一班": 15, "托大班二班": 12}
    assert all(12 <= n <= 15 for n in placed.values())
    assert classes["托小班"].vacancy == 2
    assert classes["混龄班"].vacancy == 2
    assert classes["托大班一班"].vacancy == classes["托大班二班"].vacancy == 0


def test_every_class_holds_what_the_demo_says_within_its_capacity_and_filed_places() -> None:
    now = timezone.now()
    for spec in district.INSTITUTIONS:
        institution = Institution.objects.get(name=spec.name)
        classes = classes_of(spec.name)
        for demo_class in spec.classes:
            care_class = classes[demo_class.name]
            assert care_class.placed == demo_class.enrolled, (spec.name, demo_class.name)
            limit = min(care_class.capacity, class_cap(care_class.age_band, on=now.date()))
            assert care_class.placed + care_class.offered <= limit, (spec.name, demo_class.name)
            assert care_class.placed >= 0.7 * care_class.capacity, (spec.name, demo_class.name)
        assert institution_places_taken(institution, now=now) <= institution.filed_places, spec.name
    full = [c for spec in district.INSTITUTIONS for c in spec.classes if c.enrolled == c.capacity]
    assert 5 <= len(full) <= 20  # a few classes are full, most are not


def in_care(today: datetime.date) -> QuerySet[Placement]:
    """The placements holding a place today (the history's short stay at a second institution has ended)."""
    return Placement.objects.filter(ends_on__gt=today)


def test_every_child_in_care_fits_the_class_band_today_and_at_the_start() -> None:
    today = timezone.localdate()
    placements = in_care(today).select_related("child", "care_class")

    assert placements.count() > 1000
    for placement in placements:
        birth, band = placement.child.birth_date, placement.care_class.age_band
        standard = BAND_STANDARDS[band]
        assert age_refusal(birth, band, today) is None, placement
        assert months_later(birth, standard.min_months) <= today, placement
        # Nobody ages out of the class within the next 30 days.
        assert months_later(birth, standard.max_months) > today + datetime.timedelta(days=30), placement
        # The child was in the band when they started, 1 to 10 months ago (recent arrivals: days ago).
        assert months_later(birth, standard.min_months) <= placement.start_date, placement
        assert months_later(today, -10) <= placement.start_date < today, placement
        assert placement.ends_on == months_later(birth, 36)
        assert placement.service_type == ServiceType.FULL_DAY


def test_every_child_in_care_has_a_guardian_an_exam_an_agreement_and_a_vaccination_check() -> None:
    placements = in_care(timezone.localdate()).select_related(
        "child", "institution", "agreement", "offer__application"
    )

    for placement in placements:
        child = placement.child
        guardians = [g.user for g in child.guardianships.select_related("user")]
        assert guardians, child
        assert all(has_current_consent(user) for user in guardians), child
        assert all(user.phone not in DEMO_PHONES or user.phone == GUARDIAN for user in guardians)
        assert child.entry_exams.filter(
            result=ExamResult.PASS,
            examined_on__lt=placement.start_date,
            examined_on__gte=placement.start_date - datetime.timedelta(days=60),
        ).exists(), child
        assert placement.offer is not None and placement.offer.status == OfferStatus.ACCEPTED
        assert placement.offer.application.status == ApplicationStatus.PLACED
        agreement = placement.agreement
        full_day = placement.institution.services.get(service_type=ServiceType.FULL_DAY)
        assert [(item["service_type"], item["price_yuan"]) for item in agreement.items] == [
            ("full_day", str(full_day.price_yuan))
        ]
        assert placement.institution.name in agreement.text
        assert child.name in agreement.text
        assert agreement.accepted_by in guardians
        assert CareTask.objects.filter(placement=placement).count() == 1


def test_guardians_are_one_per_child_with_their_own_numbers_and_some_pick_up_persons() -> None:
    guardians = User.objects.filter(guardianships__isnull=False).distinct()
    phones = list(guardians.values_list("phone", flat=True))

    assert len(phones) > 1000
    assert all(phone.startswith("139") for phone in phones if phone != GUARDIAN)
    assert not set(phones) & (DEMO_PHONES - {GUARDIAN})
    assert set(RoleAssignment.objects.filter(user__in=guardians).values_list("role", flat=True)) == {
        Role.GUARDIAN
    }
    with_pickup = Child.objects.filter(pickup_persons__isnull=False).distinct().count()
    with_two = PickupPerson.objects.values("child").annotate(n=Count("pk")).filter(n__gte=2).count()
    assert 200 < with_pickup < Child.objects.count()
    assert with_two > 10


def test_a_generated_guardian_signs_in_with_the_demo_password() -> None:
    guardian = User.objects.filter(phone__startswith="1395370").order_by("pk").first()
    assert guardian is not None

    response = Client().post("/accounts/login/", {"username": guardian.phone, "password": DEMO_PASSWORD})

    assert response.status_code == 302


def test_vaccination_checks_of_recent_arrivals_some_done_some_open_one_overdue_at_aibibao() -> None:
    today = timezone.localdate()
    recent = CareTask.objects.filter(placement__start_date__gt=today - datetime.timedelta(days=30))

    assert recent.filter(done_at__isnull=False).exists()
    assert recent.filter(done_at__isnull=True).exists()
    overdue = CareTask.objects.filter(done_at__isnull=True, due_on__lt=today)
    assert [task.institution.name for task in overdue] == [AIBIBAO]
    health_worker = User.objects.get(phone=HEALTH_WORKER)
    assert overdue.get() in open_tasks_visible_to(health_worker)
    older = CareTask.objects.filter(placement__start_date__lte=today - datetime.timedelta(days=31))
    assert not older.filter(done_at__isnull=True).exclude(pk=overdue.get().pk).exists()


def test_the_only_enrolment_finding_is_the_overdue_vaccination_check() -> None:
    findings = Finding.objects.filter(rule_code__startswith="ENR-", resolved_at=None)

    assert [(f.rule_code, f.institution.name) for f in findings] == [("ENR-05", AIBIBAO)]


def test_applications_wait_at_several_institutions_in_a_real_queue() -> None:
    waiting = Application.objects.filter(status=ApplicationStatus.WAITING)

    assert 15 <= waiting.count() <= 25
    per_institution = Counter(waiting.values_list("institution__name", flat=True))
    assert per_institution[AIBIBAO] >= 4
    assert per_institution[MEDICAL] >= 3
    assert len(per_institution) >= 6
    assert len(set(waiting.values_list("applied_at", flat=True))) == waiting.count()
    assert waiting.filter(priority_points__gt=0).count() >= 5
    for application in waiting.filter(priority_points__gt=0):
        assert application.priority_points == sum(p.points for p in application.priorities.all())
    assert all(a.desired_start >= timezone.localdate() for a in waiting)


def test_two_or_three_offers_await_an_answer_within_two_days() -> None:
    now = timezone.now()
    offers = Offer.objects.filter(status=OfferStatus.OPEN)

    assert 2 <= offers.count() <= 3
    for offer in offers:
        assert now < offer.expires_at <= now + datetime.timedelta(days=2)
        assert offer.application.status == ApplicationStatus.OFFERED
        assert offer.care_class.institution.name != AIBIBAO  # its two free places stay free


def test_every_institution_publishes_one_to_three_admission_priorities() -> None:
    for institution in filed_institutions():
        priorities = list(institution.queue_priorities.values_list("label", "points"))
        assert 1 <= len(priorities) <= 3, institution.name
        assert ("兄弟姐妹在园", 10) in priorities
    employer = Institution.objects.get(name="湖畔国投职工子女托育园")
    assert ("本单位职工子女", 8) in employer.queue_priorities.values_list("label", "points")


def test_guardian_zhao_has_her_two_children_one_in_care_one_waiting() -> None:
    zhao = User.objects.get(phone=GUARDIAN)
    today = timezone.localdate()

    children = sorted(Child.objects.filter(guardianships__user=zhao), key=lambda c: c.birth_date)

    assert has_current_consent(zhao)
    assert len(children) == 2
    elder, younger = children
    assert 25 <= elder.age_months(today) <= 27
    (placement,) = elder.placements.select_related("care_class", "institution")
    assert placement.institution.name == MEDICAL
    assert placement.care_class.name.startswith("托大班")
    assert placement.agreement.accepted_by == zhao
    assert elder.pickup_persons.count() == 2
    assert 15 <= younger.age_months(today) <= 17
    assert not younger.placements.exists()
    applications = younger.applications.order_by("rank")
    assert [(a.rank, a.status, a.service_type) for a in applications] == [
        (1, ApplicationStatus.WAITING, ServiceType.FULL_DAY),
        (2, ApplicationStatus.WAITING, ServiceType.FULL_DAY),
    ]
    assert applications[0].institution.name == AIBIBAO
    assert applications[1].institution.name != AIBIBAO


def test_guardian_zhao_sees_her_family_page() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(phone=GUARDIAN))

    html = client.get("/family/").content.decode()

    assert "陆可馨" in html
    assert "陆嘉佑" in html


def test_the_finder_lists_aibibao_with_a_vacancy_for_a_20_month_old(anonymous_api: APIClient) -> None:
    body = anonymous_api.get("/api/v1/institutions/?age_months=20&has_vacancy=true").json()

    results = {item["name"]: item for item in body["results"]}
    while body.get("next"):
        body = anonymous_api.get(body["next"]).json()
        results |= {item["name"]: item for item in body["results"]}
    vacancies = {v["age_band"]: v["vacancy"] for v in results[AIBIBAO]["vacancies"]}
    assert vacancies["toddler"] > 0
    assert vacancies["mixed"] > 0


def test_enrolment_records_pass_their_own_validation() -> None:
    """Every row of the small tables, every fifth of the bulk ones (they come from one code path)."""
    models: tuple[type[Model], ...] = (
        Child,
        Guardianship,
        PickupPerson,
        EntryExam,
        QueuePriority,
        Application,
        Offer,
        Placement,
        ServiceAgreement,
        CareTask,
    )
    for model in models:
        rows = list(model._default_manager.order_by("pk"))
        for row in rows if len(rows) < 100 else rows[::5]:
            row.full_clean()


def test_the_command_prints_children_enrolled_and_applications_waiting(seeded_demo: str) -> None:
    enrolled = in_care(timezone.localdate()).filter(start_date__lte=timezone.localdate()).count()
    waiting = Application.objects.filter(status=ApplicationStatus.WAITING).count()

    assert f"Families: {enrolled} children enrolled, {waiting} applications waiting." in seeded_demo


def test_seed_demo_twice_changes_nothing_in_the_families() -> None:
    before = {model.__name__: model._default_manager.count() for model in ENROLMENT_MODELS}
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert {model.__name__: model._default_manager.count() for model in ENROLMENT_MODELS} == before
    assert "already loaded" in out.getvalue()
    assert "children enrolled" in out.getvalue()
