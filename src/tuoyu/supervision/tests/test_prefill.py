"""Each prefill both ways: what Tuoyu's data says of an item (met / not met) and the evidence it shows, in
counts, never a child's name."""

import datetime

import pytest
from django.utils import timezone

from tuoyu.daycare.factories import AttendanceFactory, HealthCheckFactory
from tuoyu.daycare.models import FoodSample, Meal, Outing, RatioBreach, WeeklyMenu
from tuoyu.enrolment.factories import PlacementFactory
from tuoyu.enrolment.models import Child
from tuoyu.registry.models import CareClass, FilingStatus, Institution
from tuoyu.supervision.models import ItemResult
from tuoyu.supervision.prefill import PREFILLS, prefill
from tuoyu.workforce.factories import CertificateFactory, TrainingEnrolmentFactory, TrainingSessionFactory
from tuoyu.workforce.models import Staff
from tuoyu.workforce.selectors import required_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-01T10:00:00+08:00")]

TODAY = datetime.date(2026, 6, 1)  # a Monday
FRIDAY = datetime.date(2026, 5, 29)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def attended(care_class: CareClass, day: datetime.date, hour: int = 8, minute: int = 30) -> object:
    placement = PlacementFactory.create(care_class=care_class, start_date=day - datetime.timedelta(days=30))
    return AttendanceFactory.create(placement=placement, day=day, checked_in_at=at(day, hour, minute))


def no_child_named(evidence: str) -> None:
    assert not any(name in evidence for name in Child.objects.values_list("name", flat=True))


def test_ratio_breaches_of_the_last_30_days(institution_x: Institution, class_x: CareClass) -> None:
    assert prefill("ratio_30d", institution_x, TODAY)[0] == ItemResult.PASS
    RatioBreach.objects.create(
        care_class=class_x,
        day=FRIDAY,
        started_at=at(FRIDAY, 9),
        children_present=12,
        caregivers_required=3,
        caregivers_on_duty=2,
    )
    result, evidence = prefill("ratio_30d", institution_x, TODAY)
    assert result == ItemResult.FAIL and "1次" in evidence and "1个班级" in evidence


def test_certificates_of_the_staff_employed(institution_x: Institution, staff_x: Staff) -> None:
    result, evidence = prefill("certificates", institution_x, TODAY)
    assert result == ItemResult.FAIL and "1名缺少" in evidence
    for certificate_type in required_certificates()[staff_x.role]:
        CertificateFactory.create(staff=staff_x, certificate_type=certificate_type)
    result, evidence = prefill("certificates", institution_x, TODAY)
    assert result == ItemResult.PASS and "1名" in evidence


def test_morning_checks_by_half_past_nine(institution_x: Institution, class_x: CareClass) -> None:
    assert prefill("morning_checks", institution_x, TODAY)[0] is None
    attendance = attended(class_x, FRIDAY)
    check = HealthCheckFactory.create(attendance=attendance, checked_at=at(FRIDAY, 8, 40))
    result, evidence = prefill("morning_checks", institution_x, TODAY)
    assert result == ItemResult.PASS and "100%" in evidence
    check.checked_at = at(FRIDAY, 10, 5)
    check.save()
    result, evidence = prefill("morning_checks", institution_x, TODAY)
    assert result == ItemResult.FAIL and "0%" in evidence
    no_child_named(evidence)


def _menu(institution: Institution, week_start: datetime.date, dishes: dict[str, object]) -> WeeklyMenu:
    return WeeklyMenu.objects.create(
        institution=institution, week_start=week_start, dishes=dishes, published_at=at(week_start, 8)
    )


def test_food_samples_of_the_last_week(institution_x: Institution) -> None:
    assert prefill("food_samples", institution_x, TODAY)[0] is None  # no menu: nothing to check against
    _menu(institution_x, datetime.date(2026, 5, 25), {FRIDAY.isoformat(): {"lunch": ["番茄炒蛋"]}})
    sample = FoodSample.objects.create(
        institution=institution_x,
        day=FRIDAY,
        meal=Meal.LUNCH,
        dish="番茄炒蛋",
        weight_g=150,
        refrigerated_at=at(FRIDAY, 12),
        sampled_by="厨师",
    )
    assert prefill("food_samples", institution_x, TODAY)[0] == ItemResult.PASS
    sample.weight_g = 60
    sample.save()
    result, evidence = prefill("food_samples", institution_x, TODAY)
    assert result == ItemResult.FAIL and "番茄炒蛋" in evidence and "60克" in evidence
    institution_x.serves_meals = False
    assert prefill("food_samples", institution_x, TODAY)[0] == ItemResult.NOT_APPLICABLE


def test_menus_published_every_week(institution_x: Institution) -> None:
    weeks = [TODAY - datetime.timedelta(weeks=n) for n in range(4)]
    for week in weeks[1:]:
        _menu(institution_x, week, {})
    result, evidence = prefill("menus", institution_x, TODAY)
    assert result == ItemResult.FAIL and "06月01日" in evidence
    _menu(institution_x, weeks[0], {})
    assert prefill("menus", institution_x, TODAY)[0] == ItemResult.PASS


def test_two_hours_outdoors(institution_x: Institution, class_x: CareClass, regulator_a: object) -> None:
    assert prefill("outdoor", institution_x, TODAY)[0] is None
    attendance = attended(class_x, FRIDAY)
    outing = Outing.objects.create(
        care_class=class_x,
        day=FRIDAY,
        left_at=at(FRIDAY, 9),
        returned_at=at(FRIDAY, 9, 30),
        led_by=attendance.checked_in_by,  # type: ignore[attr-defined]
    )
    result, evidence = prefill("outdoor", institution_x, TODAY)
    assert result == ItemResult.FAIL and "0个户外活动" in evidence
    outing.returned_at = at(FRIDAY, 11, 15)
    outing.save()
    assert prefill("outdoor", institution_x, TODAY)[0] == ItemResult.PASS


def test_training_of_every_staff_member_this_year(institution_x: Institution, staff_x: Staff) -> None:
    result, evidence = prefill("training", institution_x, TODAY)
    assert result == ItemResult.FAIL and "0名有培训记录" in evidence
    session = TrainingSessionFactory.create(region=institution_x.street, day=datetime.date(2026, 3, 2))
    TrainingEnrolmentFactory.create(session=session, staff=staff_x, attended=True)
    result, evidence = prefill("training", institution_x, TODAY)
    assert result == ItemResult.PASS and "3学时" in evidence


def test_filing_status(institution_x: Institution) -> None:
    result, evidence = prefill("filing", institution_x, TODAY)
    assert result == ItemResult.PASS and institution_x.filing_receipt_no in evidence
    institution_x.filing_status = FilingStatus.NOT_FILED
    assert prefill("filing", institution_x, TODAY) == (ItemResult.FAIL, "备案状态：未备案。")


@pytest.mark.parametrize(
    ("floors", "result"),
    [
        ("1-2", ItemResult.PASS),
        ("3", ItemResult.PASS),
        ("1-4", ItemResult.FAIL),
        ("5层", ItemResult.FAIL),
        ("B1-1", ItemResult.FAIL),
        ("地下一层", ItemResult.FAIL),
        ("-1", ItemResult.FAIL),
        ("首层", None),
    ],
)
def test_floors_used_not_4th_or_above_nor_underground(
    institution_x: Institution, floors: str, result: ItemResult | None
) -> None:
    institution_x.floors_used = floors
    assert prefill("floors", institution_x, TODAY)[0] == result


def test_an_item_without_a_known_prefill_is_left_to_the_inspector(institution_x: Institution) -> None:
    assert prefill("", institution_x, TODAY) == (None, "")
    assert prefill("no_such_key", institution_x, TODAY) == (None, "")
    assert len(PREFILLS) == 9


def test_prefilling_reads_a_fixed_number_of_row_sets_whatever_the_number_of_children(
    institution_x: Institution, class_x: CareClass
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuoyu.supervision.models import Checklist

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for item in Checklist.objects.get(code="wst821").items.exclude(prefill=""):
                prefill(item.prefill, institution_x, TODAY)
        return len(captured)

    for _child in range(2):
        HealthCheckFactory.create(attendance=attended(class_x, FRIDAY), checked_at=at(FRIDAY, 8, 40))
    few = queries()
    for _child in range(6):
        HealthCheckFactory.create(attendance=attended(class_x, FRIDAY), checked_at=at(FRIDAY, 8, 40))
    assert queries() == few
