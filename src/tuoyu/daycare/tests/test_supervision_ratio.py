"""Staff on duty per class, the live caregiver ratio, ratio breaches and rule DAY-01."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.models import ClassDuty, RatioBreach
from tuoyu.daycare.selectors.ratios import class_ratio
from tuoyu.daycare.services.staffing import duty_end, duty_start, ratio_watch
from tuoyu.daycare.tests.supervision_helpers import check_in, place, staff_member, today
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand
from tuoyu.rules import RULES
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh
from tuoyu.workforce.models import Certificate, CertificateType, StaffRole
from tuoyu.workforce.services import duty_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def toddlers_x(institution_x: Institution) -> CareClass:
    """A 托小班 (1:5) of institution X."""
    return CareClassFactory.create(
        institution=institution_x, name="星星托小班", age_band=AgeBand.TODDLER, capacity=15
    )


def morning() -> datetime.datetime:
    """09:00 today: the duties and check-ins of a test, and the minutes or hours after them, stay on one day
    whenever the suite runs (a test started at 23:45 would otherwise cross midnight)."""
    return timezone.make_aware(datetime.datetime.combine(today(), datetime.time(9)))


def open_breaches(care_class: CareClass) -> int:
    return RatioBreach.objects.filter(care_class=care_class, ended_at__isnull=True).count()


def test_acceptance_16_toddlers_3_certified_caregivers_breach_until_a_certified_fourth(
    toddlers_x: CareClass, director_x: User, caregiver_x: User
) -> None:
    """A 托小班 with 16 children present and 3 certified caregivers (needs 4) shows a breach right after the
    16th check-in; an uncertified fourth caregiver does not clear it; a certified one does."""
    now = morning()
    for name in ("甲保育", "乙保育", "丙保育"):
        duty_start(actor=caregiver_x, staff=staff_member(toddlers_x, name), care_class=toddlers_x, now=now)
    placements = place(toddlers_x, 16)

    for number, placement in enumerate(placements, start=1):
        check_in(placement, caregiver_x, when=now)
        ratio_watch(toddlers_x, now)
        if number < 16:
            assert open_breaches(toddlers_x) == 0, f"no breach with {number} children"

    ratio = class_ratio(toddlers_x, today())
    assert (ratio.present, ratio.required, ratio.certified_on_duty, ratio.breach) == (16, 4, 3, True)
    breach = RatioBreach.objects.get(care_class=toddlers_x)
    assert breach.ended_at is None
    assert (breach.children_present, breach.caregivers_required, breach.caregivers_on_duty) == (16, 4, 3)
    alert = Notification.objects.get(user=director_x, kind="ratio_breach")
    assert alert.sent_by_sms and "星星托小班" in alert.title

    uncertified = staff_member(toddlers_x, "丁无证", certified=False)
    duty_start(actor=caregiver_x, staff=uncertified, care_class=toddlers_x, now=now)
    ratio = class_ratio(toddlers_x, today())
    assert (ratio.certified_on_duty, ratio.uncertified_on_duty, ratio.breach) == (3, 1, True)
    assert open_breaches(toddlers_x) == 1

    duty_start(actor=caregiver_x, staff=staff_member(toddlers_x, "戊保育"), care_class=toddlers_x, now=now)
    assert class_ratio(toddlers_x, today()).breach is False
    breach.refresh_from_db()
    assert breach.ended_at == now
    assert RatioBreach.objects.filter(care_class=toddlers_x).count() == 1
    assert Notification.objects.filter(kind="ratio_breach").count() == 1  # one alert per breach


def test_only_caregivers_count_towards_the_ratio(class_x: CareClass, caregiver_x: User) -> None:
    now = morning()
    for placement in place(class_x, 3):
        check_in(placement, caregiver_x, when=now)
    health_worker = staff_member(class_x, "保健员", role=StaffRole.HEALTH_WORKER)
    duty_start(actor=caregiver_x, staff=health_worker, care_class=class_x, now=now)

    assert ratio_watch(class_x, now) is not None
    ratio = class_ratio(class_x, today())
    assert (ratio.required, ratio.certified_on_duty, ratio.uncertified_on_duty) == (1, 0, 0)


def test_checking_children_out_closes_the_breach(class_x: CareClass, caregiver_x: User) -> None:
    now = morning()
    attendances = [check_in(placement, caregiver_x, when=now) for placement in place(class_x, 2)]
    assert ratio_watch(class_x, now) is not None
    for attendance in attendances:
        attendance.status = "checked_out"
        attendance.checked_out_at = now
        attendance.save()

    assert ratio_watch(class_x, now + datetime.timedelta(minutes=5)) is None
    assert RatioBreach.objects.get(care_class=class_x).ended_at == now + datetime.timedelta(minutes=5)


def test_starting_duty_in_another_class_ends_the_open_one(
    class_x: CareClass, toddlers_x: CareClass, caregiver_x: User
) -> None:
    person = staff_member(class_x, "钱保育")
    now = morning()
    first = duty_start(actor=caregiver_x, staff=person, care_class=class_x, now=now)
    later = now + datetime.timedelta(minutes=30)

    second = duty_start(actor=caregiver_x, staff=person, care_class=toddlers_x, now=later)

    first.refresh_from_db()
    assert first.ended_at == later
    assert second.ended_at is None and second.care_class == toddlers_x
    assert ClassDuty.objects.filter(staff=person, ended_at__isnull=True).count() == 1


def test_duty_refusals(
    class_x: CareClass, class_y: CareClass, caregiver_x: User, director_y: User, guardian: User
) -> None:
    now = morning()
    person = staff_member(class_x, "钱保育")
    duty_start(actor=caregiver_x, staff=person, care_class=class_x, now=now)

    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: duty_start(actor=caregiver_x, staff=person, care_class=class_x, now=now), "already_on_duty"),
        (lambda: duty_start(actor=director_y, staff=person, care_class=class_y, now=now), "staff_elsewhere"),
    ]
    for call, code in cases:
        with pytest.raises(Refusal) as refused:
            call()
        assert refused.value.code == code
    for outsider in (guardian, director_y):
        with pytest.raises(NotPermitted):
            duty_start(actor=outsider, staff=person, care_class=class_x, now=now)

    former = staff_member(class_x, "离职员工")
    former.employed_until = today() - datetime.timedelta(days=1)
    former.save()
    with pytest.raises(Refusal) as refused:
        duty_start(actor=caregiver_x, staff=former, care_class=class_x, now=now)
    assert refused.value.code == "staff_not_employed"

    other = staff_member(class_x, "孙保育")
    with pytest.raises(Refusal) as refused:
        duty_end(actor=caregiver_x, staff=other, care_class=class_x, now=now)
    assert refused.value.code == "not_on_duty"


def test_duty_end_takes_the_staff_member_off_duty(class_x: CareClass, caregiver_x: User) -> None:
    now = morning()
    person = staff_member(class_x, "钱保育")
    duty_start(actor=caregiver_x, staff=person, care_class=class_x, now=now)

    duty = duty_end(actor=caregiver_x, staff=person, now=now + datetime.timedelta(hours=1))

    assert duty.ended_at == now + datetime.timedelta(hours=1)
    assert class_ratio(class_x, today()).certified_on_duty == 0


def test_rule_day_01_reports_the_days_breaches_of_each_class(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    now = morning()
    for placement in place(class_x, 8):
        check_in(placement, caregiver_x, when=now)
    ratio_watch(class_x, now)

    found = list(RULES["DAY-01"].evaluate(institution_x, today()))
    assert [d.subject_key for d in found] == [f"class:{class_x.code}"]
    assert "在园8人，需持证保育人员2人，在岗0人" in found[0].evidence
    findings_refresh(institution=institution_x)
    assert Finding.objects.get(rule_code="DAY-01", resolved_at=None).severity == "violation"

    # The breach closes; the finding stays for the day, and is gone the next day.
    for name in ("甲保育", "乙保育"):
        duty_start(actor=caregiver_x, staff=staff_member(class_x, name), care_class=class_x, now=now)
    assert "（未结束）" not in next(RULES["DAY-01"].evaluate(institution_x, today())).evidence
    assert list(RULES["DAY-01"].evaluate(institution_x, today() + datetime.timedelta(days=1))) == []


def test_rules_catalogue_lists_the_daily_care_rules(anonymous_client: Client) -> None:
    html = anonymous_client.get("/rules/").content.decode()
    for code in ("DAY-01", "DAY-02", "DAY-03", "DAY-04", "DAY-05", "DAY-06", "DAY-07"):
        assert code in RULES
        assert f'<tr data-rule="{code}">' in html


# The duty page and API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("caregiver_x", 200),
        ("director_x", 200),
        ("health_worker_x", 200),
        ("director_y", 404),
        ("regulator_a", 404),
        ("guardian", 404),
        ("anonymous", 302),
    ],
)
def test_duty_page_is_for_the_institutions_care_staff(
    client_as: Callable[[str], Client], class_x: CareClass, persona: str, status: int
) -> None:
    assert client_as(persona).get(f"/care/classes/{class_x.code}/duty/").status_code == status


def test_duty_page_checks_staff_in_and_out(
    client_as: Callable[[str], Client], class_x: CareClass, caregiver_x: User
) -> None:
    person = staff_member(class_x, "钱保育")
    client = client_as("caregiver_x")
    url = f"/care/classes/{class_x.code}/duty/"

    response = client.post(url, {"staff": str(person.code), "action": "start"}, follow=True)
    assert f'data-on-duty="{person.name}"' in response.content.decode()
    assert ClassDuty.objects.filter(staff=person, ended_at__isnull=True).exists()

    response = client.post(url, {"staff": str(person.code), "action": "end"}, follow=True)
    assert not ClassDuty.objects.filter(staff=person, ended_at__isnull=True).exists()
    assert f'data-on-duty="{person.name}"' not in response.content.decode()


def test_the_breach_table_heads_its_times_as_times_in_chinese(
    client_as: Callable[[str], Client], class_x: CareClass
) -> None:
    RatioBreach.objects.create(
        care_class=class_x,
        day=today(),
        started_at=morning(),
        ended_at=morning() + datetime.timedelta(minutes=20),
        children_present=6,
        caregivers_required=2,
        caregivers_on_duty=1,
    )
    client = client_as("caregiver_x")

    with translation.override("zh-hans"):
        html = client.get(
            f"/care/classes/{class_x.code}/duty/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()

    head = re.search(
        r"<thead><tr><th>(.*?)</th><th>(.*?)</th>", html.split("data-breach-row")[0].rsplit("<table>", 1)[1]
    )
    assert head is not None and head.groups() == (
        "开始时间",
        "结束时间",
    )  # they hold 09:00 and 09:20, not dates
    assert "<td>09:00</td><td>09:20</td>" in html


def test_duty_api(api_as: Callable[[str], APIClient], class_x: CareClass, caregiver_x: User) -> None:
    person = staff_member(class_x, "钱保育")
    for placement in place(class_x, 8):
        check_in(placement, caregiver_x)
    api = api_as("caregiver_x")

    started = api.post(
        f"/api/v1/classes/{class_x.code}/duty/start/", {"staff": str(person.code)}, format="json"
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["ratio"] == {
        "present": 8,
        "children_per_caregiver": 7,
        "caregivers_required": 2,
        "certified_on_duty": 1,
        "uncertified_on_duty": 0,
        "breach": True,
    }
    assert body["counted"] == [str(person.code)]
    again = api.post(
        f"/api/v1/classes/{class_x.code}/duty/start/", {"staff": str(person.code)}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_on_duty")
    ended = api.post(f"/api/v1/classes/{class_x.code}/duty/end/", {"staff": str(person.code)}, format="json")
    assert ended.status_code == 200 and ended.json()["on_duty"] == []
    assert api_as("director_y").get(f"/api/v1/classes/{class_x.code}/duty/").status_code == 404


def test_nobody_without_a_valid_health_certificate_goes_on_duty_by_the_api_or_the_roster(
    api_as: Callable[[str], APIClient], class_x: CareClass
) -> None:
    """One duty rule for every path: the class duty (page and API) refuses whom the roster refuses."""
    person = staff_member(class_x, "过期保育")
    Certificate.objects.filter(staff=person, certificate_type=CertificateType.HEALTH).update(
        expires_on=today() - datetime.timedelta(days=1)
    )

    refused = api_as("caregiver_x").post(
        f"/api/v1/classes/{class_x.code}/duty/start/", {"staff": str(person.code)}, format="json"
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "health_certificate_missing")
    assert "过期保育" in refused.json()["detail"]
    assert not ClassDuty.objects.filter(staff=person).exists()
    with pytest.raises(Refusal) as roster:
        duty_schedule(staff=person, day=today(), care_class=class_x)
    assert roster.value.code == "health_certificate_missing"


def test_a_breach_left_open_overnight_ends_with_its_day(class_x: CareClass, caregiver_x: User) -> None:
    yesterday = today() - datetime.timedelta(days=1)
    started = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(16)))
    stale = RatioBreach.objects.create(
        care_class=class_x,
        day=yesterday,
        started_at=started,
        children_present=8,
        caregivers_required=2,
        caregivers_on_duty=1,
    )

    assert ratio_watch(class_x) is None  # nobody present today

    stale.refresh_from_db()
    assert stale.ended_at is not None and timezone.localdate(stale.ended_at) == yesterday
