"""Online supervision: the morning-check and abnormal-check rules (DAY-05, DAY-06, DAY-07) and the
regulator's district daily view with its API: scope, figures, and a query count independent of the number
of institutions."""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.factories import UserFactory
from tuoyu.accounts.models import User
from tuoyu.daycare.models import (
    Attendance,
    AttendanceStatus,
    CheckDecision,
    FoodSample,
    Outing,
    RatioBreach,
    WeeklyMenu,
)
from tuoyu.daycare.selectors.supervision import (
    daily_supervision,
    daily_supervision_institutions,
    week_start_of,
)
from tuoyu.daycare.tests.supervision_helpers import (
    at,
    busy_institutions,
    check_in,
    morning_check,
    place,
    yesterday,
)
from tuoyu.enrolment.models import Placement
from tuoyu.regions.models import Region
from tuoyu.registry.factories import FiledInstitutionFactory
from tuoyu.registry.models import CareClass, Institution, OperatingStatus
from tuoyu.rules import RULES
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.findings import findings_refresh
from tuoyu.workdays import latest_working_day

pytestmark = pytest.mark.django_db


# Morning checks (DAY-05, DAY-07) ----------------------------------------------------------------------


def test_rule_day_05_warns_of_children_checked_in_by_the_deadline_without_a_check_by_then(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    on_time, late, never, after = place(class_x, 4)
    morning_check(check_in(on_time, caregiver_x, when=at(day, 8)), caregiver_x, when=at(day, 8, 5))
    morning_check(check_in(late, caregiver_x, when=at(day, 8, 30)), caregiver_x, when=at(day, 9, 45))
    check_in(never, caregiver_x, when=at(day, 9))
    morning_check(check_in(after, caregiver_x, when=at(day, 10)), caregiver_x, when=at(day, 10, 5))

    found = list(RULES["DAY-05"].evaluate(institution_x, day))

    assert [d.subject_key for d in found] == [f"morning:{class_x.code}:{day.isoformat()}"]
    evidence = found[0].evidence
    assert "09:30前入园3人，按时晨检1人" in evidence
    assert late.child.name in evidence and never.child.name in evidence
    assert on_time.child.name not in evidence and after.child.name not in evidence
    assert RULES["DAY-05"].severity == "warning"
    assert list(RULES["DAY-07"].evaluate(institution_x, day)) == []


def test_rule_day_07_a_class_without_any_morning_check_all_day_is_a_violation(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    for placement in place(class_x, 2):
        check_in(placement, caregiver_x, when=at(day, 8))

    found = list(RULES["DAY-07"].evaluate(institution_x, day))

    assert [d.subject_key for d in found] == [f"morning:{class_x.code}:{day.isoformat()}"]
    assert "入园2人，全天无晨检记录" in found[0].evidence
    assert RULES["DAY-07"].severity == "violation"
    assert list(RULES["DAY-05"].evaluate(institution_x, day)) == []  # reported once, as the violation
    findings_refresh(institution=institution_x, day=day)
    assert Finding.objects.filter(rule_code="DAY-07", resolved_at=None).count() == 1


def test_morning_check_rules_pass_when_every_check_is_on_time(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    for placement in place(class_x, 2):
        morning_check(check_in(placement, caregiver_x, when=at(day, 8)), caregiver_x, when=at(day, 8, 10))
    assert list(RULES["DAY-05"].evaluate(institution_x, day)) == []
    assert list(RULES["DAY-07"].evaluate(institution_x, day)) == []


# Abnormal checks (DAY-06) -----------------------------------------------------------------------------


def test_rule_day_06_abnormal_checks_need_the_guardian_told_and_the_action_within_2_hours(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    untold, handled, late, normal, no_action = place(class_x, 5)
    checked = at(day, 8, 10)

    def attend(placement: Placement) -> Attendance:
        return check_in(placement, caregiver_x, when=at(day, 8))

    fever = morning_check(attend(untold), caregiver_x, when=checked, temperature="38.2")
    morning_check(
        attend(handled),
        caregiver_x,
        when=checked,
        temperature="38.0",
        decision=CheckDecision.SEND_HOME,
        guardian_notified_at=checked + datetime.timedelta(minutes=20),
        action="隔离观察，家长接回",
    )
    told_late = morning_check(
        attend(late),
        caregiver_x,
        when=checked,
        observations=["rash"],
        guardian_notified_at=checked + datetime.timedelta(hours=3),
        action="涂药观察",
    )
    morning_check(attend(normal), caregiver_x, when=checked)
    nothing_done = morning_check(
        attend(no_action),
        caregiver_x,
        when=checked,
        decision=CheckDecision.WATCH,
        guardian_notified_at=checked + datetime.timedelta(minutes=5),
    )

    found = {d.subject_key: d for d in RULES["DAY-06"].evaluate(institution_x, day)}

    assert set(found) == {f"check:{fever.pk}", f"check:{told_late.pk}", f"check:{nothing_done.pk}"}
    assert "未记录告知家长时间" in found[f"check:{fever.pk}"].evidence
    assert "体温38.2℃" in found[f"check:{fever.pk}"].evidence
    assert "超过2小时" in found[f"check:{told_late.pk}"].evidence
    assert "未记录处理措施" in found[f"check:{nothing_done.pk}"].evidence
    assert found[f"check:{fever.pk}"].subject_label == untold.child.name
    assert RULES["DAY-06"].severity == "violation"


def test_rule_day_06_a_fever_starts_at_37_3_and_an_observation_alone_is_abnormal(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    checked = at(day, 8, 10)
    fever, below_fever, cough = (check_in(p, caregiver_x, when=at(day, 8)) for p in place(class_x, 3))
    at_fever = morning_check(fever, caregiver_x, when=checked, temperature="37.3")
    morning_check(below_fever, caregiver_x, when=checked, temperature="37.2")
    coughing = morning_check(cough, caregiver_x, when=checked, observations=["cough"])

    found = {d.subject_key for d in RULES["DAY-06"].evaluate(institution_x, day)}

    assert found == {f"check:{at_fever.pk}", f"check:{coughing.pk}"}


# The district daily view ------------------------------------------------------------------------------


@pytest.fixture
def day_at_x(
    institution_x: Institution, institution_y: Institution, class_x: CareClass, caregiver_x: User
) -> datetime.date:
    """Yesterday at X: 3 enrolled, 3 check-ins (one sent home), 2 of 3 checked by the deadline, one ratio
    breach, one outing mismatch, and of 2 lunch dishes one without a sample."""
    day = yesterday()
    first, second, third = place(class_x, 3)
    morning_check(check_in(first, caregiver_x, when=at(day, 8)), caregiver_x, when=at(day, 8, 5))
    morning_check(check_in(second, caregiver_x, when=at(day, 8, 30)), caregiver_x, when=at(day, 9, 50))
    morning_check(
        check_in(third, caregiver_x, when=at(day, 8, 40), status=AttendanceStatus.SENT_HOME),
        caregiver_x,
        when=at(day, 8, 45),
        temperature="38.5",
        decision=CheckDecision.SEND_HOME,
    )
    RatioBreach.objects.create(
        care_class=class_x,
        day=day,
        started_at=at(day, 9),
        ended_at=at(day, 9, 20),
        children_present=8,
        caregivers_required=2,
        caregivers_on_duty=1,
    )
    Outing.objects.create(
        care_class=class_x,
        day=day,
        left_at=at(day, 10),
        returned_at=at(day, 11),
        mismatch=True,
        led_by=caregiver_x,
    )
    Outing.objects.create(
        care_class=class_x, day=day, left_at=at(day, 15), returned_at=at(day, 16), led_by=caregiver_x
    )
    WeeklyMenu.objects.create(
        institution=institution_x,
        week_start=week_start_of(day),
        dishes={day.isoformat(): {"lunch": ["番茄炒蛋", "米饭"]}},
        published_at=at(week_start_of(day), 7),
    )
    FoodSample.objects.create(
        institution=institution_x,
        day=day,
        meal="lunch",
        dish="米饭",
        weight_g=120,
        refrigerated_at=at(day, 12),
        sampled_by="厨师王",
    )
    return day


def rows_of(html: str) -> int:
    return html.count("data-institution=")


def test_the_regulator_sees_each_institution_of_the_region_with_its_figures(
    client_as: Callable[[str], Client],
    day_at_x: datetime.date,
    institution_x: Institution,
    institution_y: Institution,
    institution_z: Institution,
) -> None:
    response = client_as("regulator_a").get("/care/district/", {"date": day_at_x.isoformat()})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-institution="{institution_x.code}"' in html
    assert f'data-institution="{institution_y.code}"' in html
    assert f'data-institution="{institution_z.code}"' not in html
    assert f"/supervision/institutions/{institution_x.code}/" in html
    rows = {row.institution.pk: row for row in response.context["rows"]}
    x = rows[institution_x.pk]
    assert (x.enrolled, x.present, x.check_ins) == (3, 2, 3)
    assert (x.checked_in_by_deadline, x.morning_checks_by_deadline, x.morning_checks_pct) == (3, 2, 67)
    assert (x.ratio_breaches, x.outing_mismatches, x.food_sample_gaps) == (1, 1, 1)
    y = rows[institution_y.pk]
    assert (y.enrolled, y.check_ins, y.morning_checks_pct, y.food_sample_gaps) == (0, 0, None, None)


def test_the_day_defaults_to_the_latest_working_day_and_todays_sample_gaps_wait_for_the_day_to_end(
    client_as: Callable[[str], Client], day_at_x: datetime.date, institution_x: Institution
) -> None:
    today = day_at_x + datetime.timedelta(days=1)
    response = client_as("regulator_a").get("/care/district/")
    assert response.context["day"] == latest_working_day(today)
    response = client_as("regulator_a").get("/care/district/", {"date": today.isoformat()})
    row = next(r for r in response.context["rows"] if r.institution.pk == institution_x.pk)
    assert (row.check_ins, row.food_sample_gaps) == (0, None)
    assert client_as("regulator_a").get("/care/district/", {"date": "not-a-date"}).status_code == 200


def test_district_view_scope(
    client_as: Callable[[str], Client],
    institution_x: Institution,
    institution_y: Institution,
    institution_z: Institution,
) -> None:
    regulator_b = client_as("regulator_b").get("/care/district/").content.decode()
    assert f'data-institution="{institution_z.code}"' in regulator_b
    assert rows_of(regulator_b) == 1
    director = client_as("director_x").get("/care/district/").content.decode()
    assert f'data-institution="{institution_x.code}"' in director and rows_of(director) == 1
    for persona in ("caregiver_x", "health_worker_x", "guardian", "doctor"):
        assert client_as(persona).get("/care/district/").status_code == 404, persona
    assert client_as("anonymous").get("/care/district/").status_code == 302


def test_district_view_leaves_out_institutions_not_operating(
    client_as: Callable[[str], Client], institution_x: Institution, institution_y: Institution
) -> None:
    institution_y.operating_status = OperatingStatus.PREPARING
    institution_y.save()
    html = client_as("regulator_a").get("/care/district/").content.decode()
    assert rows_of(html) == 1


def test_daily_supervision_api(
    api_as: Callable[[str], APIClient],
    day_at_x: datetime.date,
    institution_x: Institution,
    institution_z: Institution,
) -> None:
    response = api_as("regulator_a").get("/api/v1/supervision/daily/", {"date": day_at_x.isoformat()})

    assert response.status_code == 200
    body = response.json()
    assert body["date"] == day_at_x.isoformat() and body["morning_check_deadline"] == "09:30"
    x = next(row for row in body["institutions"] if row["institution"] == str(institution_x.code))
    assert x == {
        "institution": str(institution_x.code),
        "name": institution_x.name,
        "street": institution_x.street.name,
        "enrolled": 3,
        "present": 2,
        "check_ins": 3,
        "checked_in_by_deadline": 3,
        "morning_checks_by_deadline": 2,
        "morning_checks_pct": 67,
        "ratio_breaches": 1,
        "outing_mismatches": 1,
        "food_sample_gaps": 1,
        "open_findings": 0,
    }
    assert str(institution_z.code) not in {row["institution"] for row in body["institutions"]}
    assert api_as("regulator_a").get("/api/v1/supervision/daily/", {"date": "2026-13-01"}).status_code == 400
    assert api_as("caregiver_x").get("/api/v1/supervision/daily/").status_code == 404
    assert api_as("guardian").get("/api/v1/supervision/daily/").status_code == 404
    assert api_as("anonymous").get("/api/v1/supervision/daily/").status_code in (401, 403)
    director = api_as("director_x").get("/api/v1/supervision/daily/").json()["institutions"]
    assert [row["institution"] for row in director] == [str(institution_x.code)]


DAILY_ROW_KEYS = {
    "institution",
    "name",
    "street",
    "enrolled",
    "present",
    "check_ins",
    "checked_in_by_deadline",
    "morning_checks_by_deadline",
    "morning_checks_pct",
    "ratio_breaches",
    "outing_mismatches",
    "food_sample_gaps",
    "open_findings",
}


def test_daily_supervision_api_pages_by_20_by_street_and_name(
    api_as: Callable[[str], APIClient],
    day_at_x: datetime.date,
    street_a1: Region,
    institution_x: Institution,
    institution_y: Institution,
) -> None:
    FiledInstitutionFactory.create_batch(23, street=street_a1)  # with X and Y: 25 in district A
    api = api_as("regulator_a")

    first = api.get("/api/v1/supervision/daily/", {"date": day_at_x.isoformat()}).json()
    second = api.get(first["next"]).json()

    assert set(first) == {"count", "next", "previous", "date", "morning_check_deadline", "institutions"}
    assert (first["count"], len(first["institutions"]), first["previous"]) == (25, 20, None)
    assert "page=2" in first["next"] and f"date={day_at_x.isoformat()}" in first["next"]
    assert (second["count"], len(second["institutions"]), second["next"]) == (25, 5, None)
    assert second["previous"] is not None
    assert (second["date"], second["morning_check_deadline"]) == (day_at_x.isoformat(), "09:30")
    rows = first["institutions"] + second["institutions"]
    assert all(set(row) == DAILY_ROW_KEYS for row in rows)
    expected = Institution.objects.filter(street__path__startswith="990101/").order_by(
        "street__name", "name", "pk"
    )
    assert [row["institution"] for row in rows] == [str(i.code) for i in expected]
    x = next(row for row in rows if row["institution"] == str(institution_x.code))
    assert (x["enrolled"], x["present"], x["morning_checks_pct"], x["food_sample_gaps"]) == (3, 2, 67, 1)
    assert api.get("/api/v1/supervision/daily/", {"page": 3}).status_code == 404


def test_the_district_page_shows_a_page_of_institutions_under_the_totals_of_the_region(
    client_as: Callable[[str], Client],
    day_at_x: datetime.date,
    street_a1: Region,
    institution_x: Institution,
    institution_y: Institution,
) -> None:
    FiledInstitutionFactory.create_batch(53, street=street_a1)  # with X and Y: 55 in district A
    client = client_as("regulator_a")

    first = client.get("/care/district/", {"date": day_at_x.isoformat()})
    second = client.get("/care/district/", {"date": day_at_x.isoformat(), "page": "2"})

    assert (rows_of(first.content.decode()), rows_of(second.content.decode())) == (50, 5)
    html = second.content.decode()
    assert f"?date={day_at_x.isoformat()}&amp;page=1" in html  # the link back keeps the day
    for response in (first, second):
        totals = response.context["totals"]
        assert response.context["page"].paginator.count == 55
        assert (totals.enrolled, totals.present, totals.check_ins) == (3, 2, 3)
        assert (totals.ratio_breaches, totals.outing_mismatches) == (1, 1)
    shown = {row.institution.pk for response in (first, second) for row in response.context["rows"]}
    assert len(shown) == 55


def _queries(actor: User) -> int:
    actor = User.objects.get(pk=actor.pk)  # roles not read yet
    with CaptureQueriesContext(connection) as captured:
        rows = daily_supervision(daily_supervision_institutions(actor), yesterday())
    assert all(row.food_sample_gaps == 1 and row.ratio_breaches == 1 for row in rows)
    return len(captured)


def test_the_district_view_reads_3_or_10_institutions_in_the_same_number_of_queries(
    street_a1: Region, regulator_a: User, client_as: Callable[[str], Client]
) -> None:
    caregiver = UserFactory.create()
    busy_institutions(street_a1, 3, caregiver)
    client = client_as("regulator_a")
    with CaptureQueriesContext(connection) as page_three:
        assert rows_of(client.get("/care/district/", {"date": yesterday().isoformat()}).content.decode()) == 3
    three = _queries(regulator_a)

    busy_institutions(street_a1, 7, caregiver)
    with CaptureQueriesContext(connection) as page_ten:
        assert (
            rows_of(client.get("/care/district/", {"date": yesterday().isoformat()}).content.decode()) == 10
        )
    ten = _queries(regulator_a)

    # the actor's roles, the institutions, a grouped count each of placements, attendance (with morning
    # checks), ratio breaches and outing mismatches, then menus and samples
    assert three == ten == 8
    assert len(page_three) == len(page_ten)


def test_rule_day_05_judges_today_once_the_deadline_has_passed(
    institution_x: Institution, class_x: CareClass, caregiver_x: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = yesterday() + datetime.timedelta(days=1)
    check_in(place(class_x, 1)[0], caregiver_x, when=at(day, 8))

    monkeypatch.setattr(timezone, "now", lambda: at(day, 9, 29))
    assert list(RULES["DAY-05"].evaluate(institution_x, day)) == []
    monkeypatch.setattr(timezone, "now", lambda: at(day, 10))
    assert [d.subject_key for d in RULES["DAY-05"].evaluate(institution_x, day)] == [
        f"morning:{class_x.code}:{day.isoformat()}"
    ]
    assert list(RULES["DAY-07"].evaluate(institution_x, day)) == []  # the day is not over
