"""A family reports a sick day on a phone (390×844) and the caregiver sees it on the class screen.

From the demo district: a parent of a child in 爱彼宝's 托小班 not yet arrived today opens 请假, reports a
fever for today; 张敏, who looks after 托小班, signs in, lands on the class screen, and the child's row says
家长请假 with the symptom. The absence is the class's own (one row, the family's), with its follow-up.
"""

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.daycare.models import Absence, Attendance
from tuoyu.enrolment.models import Child
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.e2e

PHONE_VIEWPORT = {"width": 390, "height": 844}
CAREGIVER = "13800000003"  # 张敏


def test_a_parent_reports_a_fever_and_the_class_screen_shows_it(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any
) -> None:
    today = timezone.localdate()
    toddlers = CareClass.objects.get(institution__name="爱彼宝济宁托育中心", name="托小班")
    child = (
        Child.objects.in_class(toddlers, today)
        .exclude(pk__in=Attendance.objects.filter(day=today).values("child"))
        .exclude(pk__in=Absence.objects.filter(day=today).values("child"))
        .order_by("name")
        .first()
    )
    assert child is not None, "the demo has a child of 托小班 not yet arrived today"
    parent_phone = child.guardianships.select_related("user")[0].user.phone

    parent = open_page(viewport=PHONE_VIEWPORT)
    sign_in(parent, parent_phone)
    parent.goto(live_server.url + "/care/absences/")
    form = parent.locator("form[data-family-absence]")
    form.locator("select[name=child]").select_option(str(child.code))
    form.locator("input[name=first_day]").fill(today.isoformat())
    form.locator("select[name=reason]").select_option("illness")
    form.locator("select[name=symptom]").select_option("fever")
    form.locator("button[type=submit]").click()
    parent.wait_for_load_state()
    expect(parent.locator("ul.messages")).to_be_visible()
    no_horizontal_scroll(parent)

    absence = Absence.objects.get(child=child, day=today)
    assert (absence.by_family, absence.reason, absence.symptom) == (True, "illness", "fever")
    assert absence.follow_up is not None

    caregiver = open_page(viewport=PHONE_VIEWPORT)
    sign_in(caregiver, CAREGIVER)
    caregiver.wait_for_url(re.compile(rf"/care/classes/{toddlers.code}/"))
    row = caregiver.locator(f"#child-{child.code}")
    expect(row.locator("[data-family-absence]")).to_have_text("家长请假")
    expect(row).to_contain_text("发热")
    no_horizontal_scroll(caregiver)
