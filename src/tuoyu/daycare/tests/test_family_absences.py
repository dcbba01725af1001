"""The family's 请假: a guardian reports an absence or a sickness for a day or a range; the same absences as
the caregiver's entry (the illness follow-up, the health workers' message, the outbreak watch), shown on the
class screen as the family's, the caregivers told, a day ahead withdrawn. The page and the API.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.personas import make_persona
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import placed_child
from tuoyu.daycare.models import Absence, AbsenceReason, IllnessFollowUp, Symptom
from tuoyu.daycare.services import attendance as services
from tuoyu.daycare.signals import symptoms_recorded
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.helpers import _english
from tuoyu.health.models import OutbreakReport, OutbreakTrigger
from tuoyu.notifications.models import Notification, NotificationKind
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, ClosedDay

pytestmark = pytest.mark.django_db

__all__ = ["_english"]  # fixture used by name

ClientAs = Callable[[str], Client]
ApiAs = Callable[[str], APIClient]
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()  # Wednesday 2026-11-25 under the test clock


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    return placed_child(class_x, guardian=guardian, name="赵小萌")


def report(child: Child, guardian: User, **kwargs: Any) -> list[Absence]:
    kwargs.setdefault("reason", AbsenceReason.ILLNESS)
    kwargs.setdefault("symptom", Symptom.FEVER)
    kwargs.setdefault("first_day", today())
    return services.family_absence_report(child=child, actor=guardian, **kwargs)


def refusal(action: Callable[[], object]) -> str:
    with pytest.raises(Refusal) as refused:
        action()
    return str(refused.value.code)


# The service ------------------------------------------------------------------------------------------------


def test_a_sick_day_is_the_same_absence_as_the_caregivers_entry_with_its_follow_up(
    child: Child, guardian: User, health_worker_x: User, caregiver_x: User, class_x: CareClass
) -> None:
    class_x.caregivers.add(caregiver_x)
    (absence,) = report(child, guardian, note="夜里发烧38.5℃")

    assert (absence.day, absence.reason, absence.symptom) == (today(), "illness", "fever")
    assert absence.recorded_by == guardian and absence.by_family
    assert IllnessFollowUp.objects.filter(absence=absence).exists()
    assert Notification.objects.get(user=health_worker_x).kind == NotificationKind.ILLNESS_ABSENCE
    told = Notification.objects.get(user=caregiver_x)
    assert told.kind == NotificationKind.FAMILY_ABSENCE
    assert told.link == reverse("daycare:class", args=[class_x.code])
    assert "赵小萌" in told.title


def test_only_the_class_caregivers_are_told_and_the_directors_when_it_has_none(
    child: Child, guardian: User, caregiver_x: User, director_x: User, class_x: CareClass
) -> None:
    other_class = CareClassFactory.create(institution=class_x.institution, name="月亮托小班")
    other_caregiver = make_persona("别班保育人员王", Role.CAREGIVER, institution=class_x.institution)
    other_class.caregivers.add(other_caregiver)

    report(child, guardian)
    assert not Notification.objects.filter(user=other_caregiver).exists()
    assert not Notification.objects.filter(user=caregiver_x).exists()  # not assigned to the class
    assert Notification.objects.get(user=director_x).kind == NotificationKind.FAMILY_ABSENCE

    class_x.caregivers.add(caregiver_x)
    report(child, guardian, first_day=today() + DAY)
    assert Notification.objects.get(user=caregiver_x).kind == NotificationKind.FAMILY_ABSENCE
    assert Notification.objects.filter(user=director_x).count() == 1
    assert not Notification.objects.filter(user=other_caregiver).exists()


def test_an_illness_range_is_one_follow_up_and_one_message_and_only_today_is_watched(
    child: Child, guardian: User, health_worker_x: User, django_capture_on_commit_callbacks: Any
) -> None:
    watched: list[datetime.date] = []

    def watch(sender: Any, *, care_class: CareClass, day: datetime.date, **kwargs: Any) -> None:
        watched.append(day)

    symptoms_recorded.connect(watch, dispatch_uid="test_family_range")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            absences = report(child, guardian, last_day=today() + 2 * DAY)
    finally:
        symptoms_recorded.disconnect(dispatch_uid="test_family_range")

    assert [a.day for a in absences] == [today(), today() + DAY, today() + 2 * DAY]
    (follow_up,) = IllnessFollowUp.objects.all()
    assert follow_up.absence == absences[0]
    (told,) = Notification.objects.filter(user=health_worker_x)
    assert told.kind == NotificationKind.ILLNESS_ABSENCE
    assert f"{today().isoformat()}—{(today() + 2 * DAY).isoformat()}" in told.body
    assert watched == [today()]


def test_withdrawing_the_first_day_ahead_keeps_the_reports_follow_up(child: Child, guardian: User) -> None:
    first, second = report(child, guardian, first_day=today() + DAY, last_day=today() + 2 * DAY)

    services.family_absence_withdraw(absence=first, actor=guardian)
    assert IllnessFollowUp.objects.get().absence == second
    services.family_absence_withdraw(absence=second, actor=guardian)
    assert not IllnessFollowUp.objects.exists()


def test_a_range_covers_only_the_days_the_child_is_expected(
    child: Child, guardian: User, institution_x: Any
) -> None:
    ClosedDay.objects.create(institution=institution_x, day=today() + 5 * DAY, reason="设备检修")

    absences = report(child, guardian, reason=AbsenceReason.PERSONAL, symptom="", last_day=today() + 6 * DAY)

    # Wed 25, Thu 26, Fri 27, (weekend), (Mon 30 closed), Tue 1 December
    assert [a.day for a in absences] == [today(), today() + DAY, today() + 2 * DAY, today() + 6 * DAY]
    assert not IllnessFollowUp.objects.exists()


def test_days_already_reported_are_kept_and_the_others_added(child: Child, guardian: User) -> None:
    report(child, guardian, first_day=today() + DAY)

    absences = report(child, guardian, last_day=today() + 2 * DAY)

    assert [a.day for a in absences] == [today(), today() + 2 * DAY]
    assert Absence.objects.filter(child=child).count() == 3


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"first_day": datetime.date(2026, 11, 24)}, "day_in_past"),
        ({"symptom": ""}, "symptom_required"),
        ({"symptom": "plague"}, "symptom_invalid"),
        (
            {"first_day": datetime.date(2026, 11, 28), "last_day": datetime.date(2026, 11, 29)},
            "no_expected_day",
        ),
        ({"last_day": datetime.date(2026, 11, 24)}, "range_reversed"),
        ({"last_day": datetime.date(2027, 1, 25)}, "range_too_long"),
    ],
)
def test_refusals(child: Child, guardian: User, arguments: dict[str, Any], code: str) -> None:
    assert refusal(lambda: report(child, guardian, **arguments)) == code
    assert not Absence.objects.exists()


def test_past_days_are_refused_with_a_clear_message(child: Child, guardian: User) -> None:
    with pytest.raises(Refusal) as refused:
        report(child, guardian, first_day=today() - DAY)
    assert "not afterwards" in refused.value.text


def test_a_day_the_child_is_already_checked_in_is_left_out(
    child: Child, guardian: User, caregiver_x: User, class_x: CareClass
) -> None:
    services.attendance_check_in(
        care_class=class_x, child=child, by=caregiver_x, temperature_c="36.6", decision="admit"
    )

    absences = report(child, guardian, last_day=today() + DAY)

    assert [a.day for a in absences] == [today() + DAY]
    assert refusal(lambda: report(child, guardian)) == "no_expected_day"


def test_a_day_after_the_place_ends_is_not_expected(child: Child, guardian: User) -> None:
    child.placements.update(ends_on=today() + DAY)

    absences = report(child, guardian, last_day=today() + 2 * DAY)

    assert [a.day for a in absences] == [today()]


def test_only_a_guardian_of_the_child_reports(child: Child, caregiver_x: User) -> None:
    with pytest.raises(NotPermitted):
        report(child, caregiver_x)


def test_a_day_ahead_is_withdrawn_with_its_follow_up(child: Child, guardian: User) -> None:
    (ahead,) = report(child, guardian, first_day=today() + DAY)

    services.family_absence_withdraw(absence=ahead, actor=guardian)

    assert not Absence.objects.exists() and not IllnessFollowUp.objects.exists()


def test_today_and_the_classes_entries_are_not_withdrawn(
    child: Child, guardian: User, caregiver_x: User, class_x: CareClass
) -> None:
    (today_absence,) = report(child, guardian)
    assert refusal(lambda: services.family_absence_withdraw(absence=today_absence, actor=guardian)) == (
        "day_not_ahead"
    )
    entry = services.absence_record(
        care_class=class_x, child=child, by=caregiver_x, reason="personal", day=today() + DAY
    )
    assert not entry.by_family
    with pytest.raises(NotPermitted):
        services.family_absence_withdraw(absence=entry, actor=guardian)


def test_a_third_fever_reported_by_a_parent_opens_the_outbreak_report_as_caregivers_entries_would(
    class_x: CareClass, caregiver_x: User, guardian: User, django_capture_on_commit_callbacks: Any
) -> None:
    start = today() - 30 * DAY
    first, second = (placed_child(class_x, name=f"小朋友{i}", start_date=start) for i in (1, 2))
    ours = placed_child(class_x, guardian=guardian, name="赵小萌", start_date=start)
    for kid in (first, second):
        with django_capture_on_commit_callbacks(execute=True):
            services.absence_record(
                care_class=class_x, child=kid, by=caregiver_x, reason=AbsenceReason.ILLNESS, symptom="fever"
            )
    assert not OutbreakReport.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        report(ours, guardian)

    outbreak = OutbreakReport.objects.get()
    assert (outbreak.trigger, outbreak.case_count, outbreak.care_class) == (
        OutbreakTrigger.SAME_DAY,
        3,
        class_x,
    )


# The pages --------------------------------------------------------------------------------------------------


def test_the_parent_reports_on_the_page_and_the_class_screen_shows_it(
    client_as: ClientAs, child: Child, class_x: CareClass
) -> None:
    page = client_as("guardian").get(reverse("daycare:family_absences") + f"?child={child.code}")
    assert page.status_code == 200 and 'value="2026-11-25"' in page.content.decode()

    posted = client_as("guardian").post(
        reverse("daycare:family_absences"),
        {"child": str(child.code), "first_day": "2026-11-25", "reason": "illness", "symptom": "fever"},
        follow=True,
    )
    assert "Absence of 赵小萌 reported for 2026-11-25" in posted.content.decode()
    assert 'data-absence="' in posted.content.decode()

    screen = client_as("caregiver_x").get(reverse("daycare:class", args=[class_x.code])).content.decode()
    row = screen[screen.index('data-child="赵小萌"') :]
    row = row[: row.index("</li>")]
    assert "data-family-absence" in row and "Family's absence note" in row and "Fever" in row


def test_a_past_day_on_the_page_says_why(client_as: ClientAs, child: Child) -> None:
    posted = client_as("guardian").post(
        reverse("daycare:family_absences"),
        {"child": str(child.code), "first_day": "2026-11-20", "reason": "personal"},
        follow=True,
    )
    assert "not afterwards" in posted.content.decode()
    assert not Absence.objects.exists()


def test_another_familys_child_is_404(client_as: ClientAs, class_x: CareClass, child: Child) -> None:
    other = placed_child(class_x, name="钱小宝")
    posted = client_as("guardian").post(
        reverse("daycare:family_absences"),
        {"child": str(other.code), "first_day": "2026-11-26", "reason": "personal"},
    )
    assert posted.status_code == 200  # not one of the choices: the form says so
    assert not Absence.objects.exists()


def test_withdraw_on_the_page(client_as: ClientAs, child: Child, guardian: User) -> None:
    (ahead,) = report(child, guardian, first_day=today() + DAY)
    response = client_as("guardian").post(reverse("daycare:family_absence_withdraw", args=[ahead.pk]))
    assert response.status_code == 302 and not Absence.objects.exists()


def test_the_family_page_links_to_the_absence_report(client_as: ClientAs, child: Child) -> None:
    page = client_as("guardian").get(reverse("enrolment:family")).content.decode()
    assert reverse("daycare:family_absences") + f"?child={child.code}" in page


# The API ----------------------------------------------------------------------------------------------------


def test_the_api_reports_lists_and_withdraws(api_as: ApiAs, child: Child) -> None:
    url = f"/api/v1/care/children/{child.code}/absences/"
    created = api_as("guardian").post(
        url, {"first_day": "2026-11-26", "last_day": "2026-11-27", "reason": "personal"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert [a["day"] for a in created.json()] == ["2026-11-26", "2026-11-27"]
    assert all(a["by_family"] for a in created.json())

    listed = api_as("guardian").get(url).json()
    assert len(listed) == 2

    gone = api_as("guardian").delete(f"{url}{listed[0]['id']}/")
    assert gone.status_code == 204
    assert Absence.objects.count() == 1


def test_the_api_refuses_a_past_day_and_hides_other_children(api_as: ApiAs, child: Child) -> None:
    url = f"/api/v1/care/children/{child.code}/absences/"
    refused = api_as("guardian").post(url, {"first_day": "2026-11-24", "reason": "personal"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "day_in_past")
    assert api_as("caregiver_x").get(url).status_code == 404
    assert (
        api_as("director_x").post(url, {"first_day": "2026-11-26", "reason": "personal"}).status_code == 404
    )
