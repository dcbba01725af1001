"""Three children of one class absent with fever on the same day open an outbreak report with a 24-hour
deadline, visible to the regulator.

In the demo district, 爱彼宝's caregiver records on her phone, on the class screen, that three children of
one class are absent with fever (a class with no fever in the two days before, so that today's three make
the cluster on their own); the district's regulator then signs in and finds the active outbreak at the
top of the outbreak watch with its deadline counting down from 24 hours, and opens it to see the three
children. Elements are found by ids, names and data-attributes; the words checked are data (names), not
translated labels.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import no_horizontal_scroll
from tuoyu.daycare.models import Absence
from tuoyu.enrolment.models import Placement
from tuoyu.health.models import OutbreakReport
from tuoyu.health.selectors.outbreaks import symptom_log
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.e2e

SMALL_PHONE = {"width": 360, "height": 740}
CAREGIVER, REGULATOR = "13800000003", "13800000001"
AIBIBAO = "爱彼宝济宁托育中心"


def class_without_recent_fever(today: datetime.date) -> CareClass:
    """A class of 爱彼宝 where the week of demo care has no child with fever on the two days before today."""
    before = today - datetime.timedelta(days=2), today - datetime.timedelta(days=1)
    for care_class in CareClass.objects.filter(institution__name=AIBIBAO).order_by("name"):
        if "fever" not in symptom_log(care_class, *before):
            return care_class
    raise AssertionError("every class had fever in the last two days")


def test_three_children_absent_with_fever_open_an_outbreak_the_regulator_sees_with_its_deadline(
    demo_district: None, live_server: Any, open_page: Any, sign_in: Any
) -> None:
    base = live_server.url
    today = timezone.localdate()
    care_class = class_without_recent_fever(today)
    ill = [
        placement.child
        for placement in Placement.objects.filter(
            care_class=care_class, start_date__lte=today, ends_on__gt=today
        )
        .select_related("child")
        .order_by("child__name")[:3]
    ]
    assert len(ill) == 3 and not OutbreakReport.objects.filter(resolved_at__isnull=True).exists()

    # The caregiver: open the child, "not coming today", the fever chip, "absent: ill". Three times.
    caregiver = open_page(viewport=SMALL_PHONE)
    sign_in(caregiver, CAREGIVER)
    caregiver.goto(base + f"/care/classes/{care_class.code}/")
    for child in ill:
        row = caregiver.locator(f"#child-{child.code}")
        row.locator("a.open-child").click()
        row.locator("details.absent summary").click()
        row.locator("form.absence-form label.chip:has(input[value=fever])").click()
        row.locator("form.absence-form button[name=reason][value=illness]").click()
        expect(caregiver.locator(f"#child-{child.code}")).to_have_attribute("data-state", "absent")
    no_horizontal_scroll(caregiver)
    assert Absence.objects.filter(care_class=care_class, day=today, symptom="fever").count() == 3

    outbreak = OutbreakReport.objects.get(care_class=care_class, resolved_at__isnull=True)
    assert (outbreak.trigger, outbreak.symptom) == ("same_day", "fever")
    assert set(outbreak.cases.all()) == set(ill)
    assert outbreak.due_at - outbreak.opened_at == datetime.timedelta(hours=24)
    assert timezone.now() - outbreak.opened_at < datetime.timedelta(minutes=5)

    # The regulator: the active outbreak is listed with its 24-hour deadline.
    regulator = open_page(viewport=SMALL_PHONE)
    sign_in(regulator, REGULATOR)
    regulator.goto(base + "/health/outbreaks/")
    item = regulator.locator(f"#active-outbreaks li[data-outbreak='{outbreak.pk}']")
    expect(item).to_be_visible()
    expect(item).to_contain_text(AIBIBAO)
    expect(item).to_contain_text(care_class.name)
    deadline = item.locator("[data-status=due]")
    expect(deadline).to_have_attribute("data-hours-left", "23")
    expect(item).to_contain_text(timezone.localtime(outbreak.due_at).strftime("%Y-%m-%d %H:%M"))
    no_horizontal_scroll(regulator)

    # The outbreak itself: the three children on today's line, no report form for the regulator.
    item.locator("h3 a").click()
    regulator.wait_for_url(f"**/health/outbreaks/{outbreak.pk}/")
    line = regulator.locator(f"#case-days tr[data-day='{today.isoformat()}']")
    for child in ill:
        expect(line).to_contain_text(child.name)
    expect(regulator.locator("#report-form")).to_have_count(0)
    no_horizontal_scroll(regulator)
