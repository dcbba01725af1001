"""A caregiver's day on a small phone (360×740), from the demo district's 爱彼宝 托大班二班 (12 children).

Check-in of the whole class with morning checks within 40 taps (counted here), lunch for the class in one
action, a crying episode with its cause and response, the reports published; the guardian reads the
report; someone who is not on the pick-up list is refused. Elements are found by ids, names and data-
attributes; the words checked are data (names, the caregiver's notes), not translated labels.
"""

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.daycare.models import Attendance, AttendanceStatus, CareLogEntry, LogKind, PickupRefusal
from tuoyu.enrolment.models import Placement
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.e2e

SMALL_PHONE = {"width": 360, "height": 740}
CAREGIVER = "13800000003"
AIBIBAO = "爱彼宝济宁托育中心"
CLASS = "托大班二班"
TAP_BUDGET = 40
CAUSE = "午睡醒来找妈妈"
RESPONSE = "抱起安抚，轻声告诉她妈妈下午来接，陪她看绘本"
OUTCOME = "情绪平复，参与阅读区角活动"


class Taps:
    """Clicks the caregiver makes, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Any) -> None:
        self.count += 1
        locator.click()


def test_a_caregiver_checks_in_logs_and_reports_a_class_of_12_and_the_family_reads_it(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any
) -> None:
    base = live_server.url
    today = timezone.localdate()
    care_class = CareClass.objects.get(institution__name=AIBIBAO, name=CLASS)
    placements = list(
        Placement.objects.filter(
            care_class=care_class, start_date__lte=today, ends_on__gt=today
        ).select_related("child")
    )
    assert len(placements) == 12

    caregiver = open_page(viewport=SMALL_PHONE)
    sign_in(caregiver, CAREGIVER)
    caregiver.goto(base + f"/care/classes/{care_class.code}/")
    no_horizontal_scroll(caregiver)

    # Check in all 12 with the morning check: open the child, tap a temperature, tap "admit".
    taps = Taps()
    for placement in placements:
        row = caregiver.locator(f"#child-{placement.child.code}")
        taps(row.locator("a.open-child"))
        form = row.locator("form[data-check=morning]")
        expect(form).to_be_visible()
        taps(form.locator("label.chip:has(input[value='36.5'])"))
        taps(form.locator("button[name=decision][value=admit]"))
        expect(caregiver.locator(f"#child-{placement.child.code}")).to_have_attribute(
            "data-state", "checked_in"
        )
    assert taps.count <= TAP_BUDGET, taps.count
    assert (
        Attendance.objects.filter(
            care_class=care_class, day=today, status=AttendanceStatus.CHECKED_IN
        ).count()
        == 12
    )

    # Lunch for the whole class in one action.
    caregiver.goto(base + f"/care/classes/{care_class.code}/log/?kind=meal")
    caregiver.locator("form#batch button[type=submit]").click()
    caregiver.wait_for_load_state()
    assert CareLogEntry.objects.filter(care_class=care_class, day=today, kind=LogKind.MEAL).count() == 12

    # A crying episode: the cause found, how the caregiver responded, the outcome.
    child = placements[0].child
    caregiver.goto(base + f"/care/classes/{care_class.code}/children/{child.code}/")
    form = caregiver.locator("form[data-kind=responsive]")
    form.locator("input[name=cause]").fill(CAUSE)
    form.locator("input[name=response]").fill(RESPONSE)
    form.locator("input[name=outcome]").fill(OUTCOME)
    form.locator("button[type=submit]").click()
    caregiver.wait_for_load_state()
    assert CareLogEntry.objects.filter(child=child, day=today, kind=LogKind.RESPONSIVE, cause=CAUSE).exists()

    # Publish every report of the class.
    caregiver.goto(base + f"/care/classes/{care_class.code}/reports/")
    caregiver.locator("form[action$='/publish-all/'] button[type=submit]").click()
    caregiver.wait_for_load_state()
    no_horizontal_scroll(caregiver)

    # Someone not on the pick-up list is refused, and nothing about the child's day changes.
    other = placements[1].child
    row = caregiver.locator(f"#child-{other.code}")
    caregiver.goto(base + f"/care/classes/{care_class.code}/")
    row.locator("a.open-child").click()
    row.locator("details.someone-else summary").click()
    row.locator("input[name=person_name]").fill("陌生人王某")
    row.locator("button[name=pickup][value=other]").click()
    expect(caregiver.locator(f"#child-{other.code} .refusal")).to_be_visible()
    assert PickupRefusal.objects.filter(attendance__child=other, person_name="陌生人王某").exists()
    assert Attendance.objects.get(child=other, day=today).status == AttendanceStatus.CHECKED_IN

    # The guardian reads the published report, with the caregiver's note, on their phone.
    guardian_phone = child.guardianships.select_related("user").first().user.phone  # type: ignore[union-attr]
    family = open_page(viewport=SMALL_PHONE)
    sign_in(family, guardian_phone)
    family.goto(base + f"/care/reports/{child.code}/{today.isoformat()}/")
    expect(family.locator("main")).to_contain_text(CAUSE)
    expect(family.locator("main")).to_contain_text(RESPONSE)
    no_horizontal_scroll(family)
    assert re.search(r"/care/reports/", family.url)
