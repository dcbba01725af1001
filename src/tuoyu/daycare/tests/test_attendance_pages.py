"""The attendance pages: the class list, the class screen with its ratio and rows, the htmx actions of a row
(three taps to check a child in), the follow-ups, the director's day and a child's day for the family.

Scoping: a class, child or institution outside the user's scope is 404, for reading and for writing.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import ClassDutyFactory, placed_child
from tuoyu.daycare.models import (
    Absence,
    Attendance,
    AttendanceStatus,
    HealthCheck,
    IllnessFollowUp,
    PickupRefusal,
)
from tuoyu.daycare.services import attendance as services
from tuoyu.enrolment.factories import PickupPersonFactory
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english, sms_outbox
from tuoyu.notifications.models import Notification
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.standards import AgeBand
from tuoyu.sms import MemoryBackend
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.tests.helpers import certify

pytestmark = pytest.mark.django_db

__all__ = ["_english", "sms_outbox"]  # fixtures used by name

HTMX = {"HX-Request": "true"}
ClientAs = Callable[[str], Client]


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    """A child of the ``guardian`` persona with a place in class X today."""
    return placed_child(class_x, guardian=guardian, name="赵小萌")


def class_url(care_class: CareClass) -> str:
    return reverse("daycare:class", args=[care_class.code])


def row_url(name: str, care_class: CareClass, child: Child) -> str:
    return reverse(f"daycare:{name}", args=[care_class.code, child.code])


def certified_caregiver_on_duty(care_class: CareClass, name: str = "郑保育") -> None:
    staff = StaffFactory.create(
        institution=care_class.institution,
        name=name,
        employed_from=timezone.localdate() - datetime.timedelta(days=365),
    )
    certify(staff, issued_on=timezone.localdate() - datetime.timedelta(days=30))
    ClassDutyFactory.create(staff=staff, care_class=care_class)


def local_time(delta_minutes: int = 0) -> str:
    """HH:MM of now (minus some minutes), for the "guardian notified at" field; never before midnight."""
    moment = timezone.localtime() - datetime.timedelta(minutes=delta_minutes)
    if moment.date() != timezone.localdate():
        moment = timezone.localtime()
    return moment.strftime("%H:%M")


# The class list and the class screen ------------------------------------------------------------------------


def test_care_home_lists_the_classes_the_user_records_for(
    client_as: ClientAs, class_x: CareClass, class_y: CareClass, child: Child
) -> None:
    page = client_as("caregiver_x").get("/care/")
    assert page.status_code == 200
    text = page.content.decode()
    assert class_x.name in text and class_url(class_x) in text
    assert class_y.name not in text
    assert reverse("daycare:institution_today", args=[class_x.institution.code]) in text
    assert reverse("daycare:follow_ups") not in text  # caregivers do not follow up illness

    assert reverse("daycare:follow_ups") in client_as("health_worker_x").get("/care/").content.decode()
    assert class_x.name not in client_as("director_y").get("/care/").content.decode()
    assert client_as("anonymous").get("/care/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("caregiver_x", 200),
        ("health_worker_x", 200),
        ("director_x", 200),
        ("director_y", 404),
        ("regulator_a", 404),
        ("doctor", 404),
        ("guardian", 404),
    ],
)
def test_class_screen_is_for_the_institutions_staff(
    client_as: ClientAs, class_x: CareClass, child: Child, persona: str, status: int
) -> None:
    page = client_as(persona).get(class_url(class_x))
    assert page.status_code == status
    if status == 200:
        assert "赵小萌" in page.content.decode()


def test_class_screen_shows_roster_states_and_the_ratio(
    client_as: ClientAs, class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    other = placed_child(class_x, name="钱小多")
    certified_caregiver_on_duty(class_x)
    services.attendance_check_in(
        care_class=class_x, child=other, by=caregiver_x, temperature_c="36.6", decision="admit"
    )

    page = client_as("caregiver_x").get(class_url(class_x))
    text = page.content.decode()

    assert re.search(r'data-child="钱小多" data-state="checked_in"', text)
    assert re.search(r'data-child="赵小萌" data-state="expected"', text)
    assert 'data-present="1" data-required="1" data-certified="1" data-breach="false"' in text
    assert "Ratio kept" in text and "Ratio breached" not in text
    assert 'id="day-counts"' in text and 'data-count="not_yet">1<' in text
    assert "in " + timezone.localtime().strftime("%H") in text  # the check-in time on the row


def test_the_ratio_is_one_line_that_opens_to_its_figures(
    client_as: ClientAs, class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    """On a phone the sticky ratio took 152 px: it is one <summary> line now, the figures behind a tap."""
    certified_caregiver_on_duty(class_x)
    services.attendance_check_in(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.6", decision="admit"
    )

    text = client_as("caregiver_x").get(class_url(class_x)).content.decode()

    ratio = re.search(r'<details id="ratio" class="care-ratio"[^>]*>(.*?)</details>', text, re.S)
    assert ratio is not None and " open" not in ratio.group(0).split(">")[0]  # closed until tapped
    line = re.search(r'<summary class="ratio-line">(.*?)</summary>', ratio.group(1), re.S)
    assert line is not None
    words = re.sub(r"<[^>]+>", "", line.group(1)).split()
    assert words == ["Ratio", "kept", "1", "present", "1/1", "certified"]
    assert "caregivers required" in ratio.group(1).split("</summary>")[1]


def test_class_screen_shows_a_breach_banner(
    client_as: ClientAs, institution_x: Institution, caregiver_x: User
) -> None:
    """Six toddlers (1:5) present need two certified caregivers; one is on duty."""
    toddlers = CareClassFactory.create(
        institution=institution_x, name="星星托小班", age_band=AgeBand.TODDLER, capacity=15
    )
    certified_caregiver_on_duty(toddlers)
    for i in range(6):
        kid = placed_child(toddlers, name=f"幼儿{i}")
        services.attendance_check_in(
            care_class=toddlers, child=kid, by=caregiver_x, temperature_c="36.5", decision="admit"
        )

    text = client_as("caregiver_x").get(class_url(toddlers)).content.decode()

    assert 'data-present="6" data-required="2" data-certified="1" data-breach="true"' in text
    assert 'class="breach-banner"' in text
    # the breach is on the one line that stays on top, before the figures open
    line = re.search(r'<summary class="ratio-line">(.*?)</summary>', text, re.S)
    assert line is not None and '<strong class="bad" role="alert">Ratio breached</strong>' in line.group(1)
    assert "Ratio breached: 6 children present need 2 certified caregivers; 1 on duty." in text


def test_the_class_screen_leaves_a_place_for_quick_links(client_as: ClientAs, class_x: CareClass) -> None:
    page = client_as("caregiver_x").get(class_url(class_x))
    assert "daycare/_class_actions.html" in [t.name for t in page.templates]


def test_ratio_partial_for_polling(client_as: ClientAs, class_x: CareClass) -> None:
    url = reverse("daycare:class_ratio", args=[class_x.code])
    assert 'id="ratio"' in client_as("caregiver_x").get(url, headers=HTMX).content.decode()
    assert client_as("director_y").get(url, headers=HTMX).status_code == 404


# Check-in in three taps -------------------------------------------------------------------------------------


def test_twelve_children_checked_in_with_three_taps_each(
    client_as: ClientAs, class_x: CareClass, caregiver_x: User
) -> None:
    """Tap 1 opens the row (GET, htmx), tap 2 is a temperature chip, tap 3 "Admit" posts the form; the
    answer is the closed row with the new state and the ratio bar swapped out of band."""
    kids = [placed_child(class_x, name=f"孩子{i:02d}") for i in range(12)]
    browser = client_as("caregiver_x")
    taps = 0
    for i, kid in enumerate(kids):
        panel = browser.get(row_url("child", class_x, kid), headers=HTMX)
        taps += 1
        html = panel.content.decode()
        assert panel.status_code == 200 and "<html" not in html  # a fragment, not a page
        chip = ["36.2", "36.5", "36.8", "37.0"][i % 4]
        assert f'name="temperature_c" value="{chip}"' in html
        assert 'name="decision" value="admit"' in html
        taps += 2  # the chip and "Admit"
        answer = browser.post(
            row_url("check_in", class_x, kid), {"temperature_c": chip, "decision": "admit"}, headers=HTMX
        )
        text = answer.content.decode()
        assert answer.status_code == 200
        assert f'id="child-{kid.code}"' in text and 'data-state="checked_in"' in text
        assert 'id="ratio"' in text and 'hx-swap-oob="true"' in text
        assert f'data-present="{i + 1}"' in text

    assert taps == 36 <= 40
    assert Attendance.objects.filter(care_class=class_x, status=AttendanceStatus.CHECKED_IN).count() == 12


def test_panel_of_an_expected_child_offers_chips_observations_and_absence(
    client_as: ClientAs, class_x: CareClass, child: Child
) -> None:
    html = client_as("caregiver_x").get(row_url("child", class_x, child), headers=HTMX).content.decode()
    chips = re.findall(r'name="temperature_c" value="([\d.]+)"', html)
    assert chips == [f"{36.2 + i / 10:.1f}" for i in range(11)]
    assert 'name="temperature_other"' in html
    assert len(re.findall(r'name="observations" value="', html)) == 7
    assert 'name="guardian_notified_at"' in html and 'name="action"' in html
    assert 'value="send_home"' in html and 'value="watch"' in html
    assert row_url("absence", class_x, child) in html


def test_a_refused_check_in_shows_why_in_the_row_and_keeps_the_choices(
    client_as: ClientAs, class_x: CareClass, child: Child
) -> None:
    browser = client_as("caregiver_x")
    answer = browser.post(
        row_url("check_in", class_x, child), {"temperature_other": "51", "decision": "admit"}, headers=HTMX
    )
    text = answer.content.decode()
    assert answer.status_code == 200  # htmx swaps the row with the message in place
    assert 'data-code="temperature_implausible"' in text and "not a plausible body temperature" in text
    assert 'value="51"' in text
    assert not Attendance.objects.exists()

    fever = browser.post(
        row_url("check_in", class_x, child),
        {"temperature_other": "37.8", "observations": ["cough"], "decision": "admit"},
        headers=HTMX,
    )
    text = fever.content.decode()
    assert 'data-code="abnormal_needs_notification"' in text
    assert 'class="check abnormal"' in text  # the guardian-notified fields are shown
    assert re.search(r'value="cough" checked', text)
    assert not Attendance.objects.exists() and not HealthCheck.objects.exists()

    admitted = browser.post(
        row_url("check_in", class_x, child),
        {
            "temperature_other": "37.8",
            "observations": ["cough"],
            "decision": "watch",
            "guardian_notified_at": local_time(2),
            "action": "已电话告知妈妈，多喝水，午检复测",
        },
        headers=HTMX,
    )
    assert 'data-state="checked_in"' in admitted.content.decode()
    check = HealthCheck.objects.get()
    assert (str(check.temperature_c), check.observations, check.decision) == ("37.8", ["cough"], "watch")
    assert check.guardian_notified_at is not None
    assert 'class="tag warn">Watch<' in client_as("caregiver_x").get(class_url(class_x)).content.decode()


def test_check_in_without_htmx_redirects_to_the_row(
    client_as: ClientAs, class_x: CareClass, child: Child
) -> None:
    browser = client_as("caregiver_x")
    answer = browser.post(row_url("check_in", class_x, child), {"temperature_c": "36.6", "decision": "admit"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"#child-{child.code}")
    assert Attendance.objects.filter(child=child).exists()

    again = browser.post(
        row_url("check_in", class_x, child), {"temperature_c": "36.6", "decision": "admit"}, follow=True
    )
    assert "already checked in" in again.content.decode()
    assert Attendance.objects.count() == 1


def test_a_full_page_for_the_row_without_javascript(
    client_as: ClientAs, class_x: CareClass, child: Child
) -> None:
    page = client_as("caregiver_x").get(row_url("child", class_x, child))
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert 'name="temperature_c"' in page.content.decode()


# Noon check, absence, check-out from the row ----------------------------------------------------------------


def test_noon_check_and_check_out_from_the_row(
    client_as: ClientAs, class_x: CareClass, child: Child, guardian: User, caregiver_x: User
) -> None:
    grandpa = PickupPersonFactory.create(child=child, name="赵建国")
    services.attendance_check_in(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.5", decision="admit"
    )
    browser = client_as("caregiver_x")

    panel = browser.get(row_url("child", class_x, child), headers=HTMX).content.decode()
    assert row_url("noon_check", class_x, child) in panel
    assert f'value="person:{grandpa.pk}"' in panel and f'value="guardian:{guardian.pk}"' in panel

    browser.post(
        row_url("noon_check", class_x, child), {"temperature_c": "36.7", "decision": "admit"}, headers=HTMX
    )
    assert HealthCheck.objects.filter(kind="noon").count() == 1
    panel = browser.get(row_url("child", class_x, child), headers=HTMX).content.decode()
    assert row_url("noon_check", class_x, child) not in panel  # done

    out = browser.post(row_url("check_out", class_x, child), {"pickup": f"person:{grandpa.pk}"}, headers=HTMX)
    assert 'data-state="checked_out"' in out.content.decode()
    attendance = Attendance.objects.get()
    assert attendance.picked_up_by_person == grandpa and attendance.checked_out_by == caregiver_x


def test_someone_else_at_the_door_is_refused_from_the_row(
    client_as: ClientAs,
    class_x: CareClass,
    child: Child,
    caregiver_x: User,
    director_x: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.attendance_check_in(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.5", decision="admit"
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_as("caregiver_x").post(
            row_url("check_out", class_x, child),
            {"pickup": "other", "person_name": "王五", "note": "无证件"},
            headers=HTMX,
        )
    text = answer.content.decode()
    assert 'data-code="pickup_not_authorised"' in text and "王五" in text
    assert Attendance.objects.get().status == AttendanceStatus.CHECKED_IN
    assert PickupRefusal.objects.get().person_name == "王五"
    assert Notification.objects.get(kind="pickup_refused").user == director_x
    assert MemoryBackend.outbox and MemoryBackend.outbox[0][0] == director_x.phone

    today = client_as("director_x").get(reverse("daycare:institution_today", args=[class_x.institution.code]))
    assert "王五 tried to collect 赵小萌" in today.content.decode()


def test_a_pick_up_person_of_another_child_is_404(
    client_as: ClientAs, class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    services.attendance_check_in(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.5", decision="admit"
    )
    stranger = PickupPersonFactory.create(name="李四")
    answer = client_as("caregiver_x").post(
        row_url("check_out", class_x, child), {"pickup": f"person:{stranger.pk}"}, headers=HTMX
    )
    assert answer.status_code == 404
    assert Attendance.objects.get().status == AttendanceStatus.CHECKED_IN


def test_absence_from_the_row(
    client_as: ClientAs, class_x: CareClass, child: Child, health_worker_x: User
) -> None:
    browser = client_as("caregiver_x")
    refused = browser.post(
        row_url("absence", class_x, child), {"reason": "illness"}, headers=HTMX
    ).content.decode()
    assert 'data-code="symptom_required"' in refused and '<details class="absent" open>' in refused
    assert not Absence.objects.exists()

    answer = browser.post(
        row_url("absence", class_x, child), {"reason": "illness", "symptom": "gastro"}, headers=HTMX
    )
    assert 'data-state="absent"' in answer.content.decode()
    assert IllnessFollowUp.objects.get().absence.symptom == "gastro"
    assert Notification.objects.get(kind="illness_absence").user == health_worker_x


@pytest.mark.parametrize("action", ["check_in", "noon_check", "absence", "check_out"])
@pytest.mark.parametrize("persona", ["director_y", "guardian", "regulator_a"])
def test_actions_outside_the_scope_are_404_and_write_nothing(
    client_as: ClientAs, class_x: CareClass, child: Child, action: str, persona: str
) -> None:
    data = {"temperature_c": "36.5", "decision": "admit", "reason": "personal", "pickup": "other"}
    assert client_as(persona).post(row_url(action, class_x, child), data, headers=HTMX).status_code == 404
    assert client_as(persona).get(row_url("child", class_x, child), headers=HTMX).status_code == 404
    assert not Attendance.objects.exists() and not Absence.objects.exists()


def test_a_child_of_another_class_is_404_in_this_class(
    client_as: ClientAs, class_x: CareClass, institution_x: Institution
) -> None:
    other_class = CareClassFactory.create(
        institution=institution_x, name="星星托小班", age_band=AgeBand.TODDLER, capacity=15
    )
    elsewhere = placed_child(other_class, name="别班")
    browser = client_as("caregiver_x")
    assert (
        browser.post(
            row_url("check_in", class_x, elsewhere), {"temperature_c": "36.5", "decision": "admit"}
        ).status_code
        == 404
    )
    assert not Attendance.objects.exists()


# Follow-ups -------------------------------------------------------------------------------------------------


def test_follow_ups_page_for_health_workers(
    client_as: ClientAs, class_x: CareClass, child: Child, caregiver_x: User, health_worker_x: User
) -> None:
    absence = services.absence_record(
        care_class=class_x, child=child, by=caregiver_x, reason="illness", symptom="rash"
    )
    follow_up = absence.follow_up
    page = client_as("health_worker_x").get("/care/follow-ups/")
    assert page.status_code == 200 and "赵小萌" in page.content.decode()
    assert client_as("caregiver_x").get("/care/follow-ups/").status_code == 404
    assert client_as("guardian").get("/care/follow-ups/").status_code == 404
    other_director = client_as("director_y").get("/care/follow-ups/")
    assert other_director.status_code == 200 and "赵小萌" not in other_director.content.decode()
    url = reverse("daycare:follow_up", args=[follow_up.pk])
    assert client_as("director_y").post(url, {"outcome": "x", "close": "on"}).status_code == 404

    back = (absence.day + datetime.timedelta(days=2)).isoformat()
    answer = client_as("health_worker_x").post(
        url, {"diagnosis": "手足口病", "expected_return": back, "outcome": "隔离期满返园", "close": "on"}
    )
    assert answer.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.closed_by == health_worker_x and follow_up.diagnosis == "手足口病"
    assert "隔离期满返园" in client_as("health_worker_x").get("/care/follow-ups/").content.decode()


# The director's day -----------------------------------------------------------------------------------------


def test_the_directors_day(client_as: ClientAs, class_x: CareClass, child: Child, caregiver_x: User) -> None:
    came = placed_child(class_x, name="来了")
    sick = placed_child(class_x, name="生病")
    services.attendance_check_in(
        care_class=class_x, child=came, by=caregiver_x, temperature_c="36.5", decision="admit"
    )
    services.absence_record(care_class=class_x, child=sick, by=caregiver_x, reason="illness", symptom="fever")
    url = reverse("daycare:institution_today", args=[class_x.institution.code])

    page = client_as("director_x").get(url)

    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-class="{class_x.name}"' in text
    assert 'data-count="present">1<' in text and 'data-count="on_roster">3<' in text
    assert 'data-count="absent">1<' in text and 'data-count="not_yet">1<' in text
    missing = text[text.index('id="missing"') :]
    assert 'data-child="赵小萌"' in missing and "来了" not in missing.split("</ul>")[0]
    assert client_as("director_y").get(url).status_code == 404
    assert client_as("guardian").get(url).status_code == 404


# A child's day for the family -------------------------------------------------------------------------------


def test_a_guardian_reads_their_childs_day_and_no_one_elses(
    client_as: ClientAs, class_x: CareClass, child: Child, caregiver_x: User
) -> None:
    services.attendance_check_in(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.4", decision="admit"
    )
    url = reverse("daycare:child_attendance", args=[child.code])

    page = client_as("guardian").get(url)
    assert page.status_code == 200
    assert "36.4" in page.content.decode() and caregiver_x.display_name in page.content.decode()

    other = UserFactory.create()
    RoleAssignmentFactory.create(user=other, role=Role.GUARDIAN)
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    stranger.force_login(other)
    assert stranger.get(url).status_code == 404
    assert client_as("director_y").get(url).status_code == 404
    assert client_as("caregiver_x").get(url).status_code == 200


def test_the_class_screen_runs_the_same_queries_for_3_and_15_children(
    client_as: ClientAs, class_x: CareClass, caregiver_x: User
) -> None:
    browser = client_as("caregiver_x")

    def queries_for(count: int) -> int:
        for i in range(count - len(class_x.placements.all())):
            kid = placed_child(class_x, name=f"幼儿{count}{i}")
            services.attendance_check_in(
                care_class=class_x, child=kid, by=caregiver_x, temperature_c="36.5", decision="admit"
            )
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(class_url(class_x)).status_code == 200
        return len(captured)

    few, many = queries_for(3), queries_for(15)
    assert few == many, (few, many)
    assert many <= 20, many
