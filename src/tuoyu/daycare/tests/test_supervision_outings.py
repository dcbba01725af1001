"""Outings: head count out and back, the mismatch alert, outdoor minutes and rule DAY-02."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.daycare.models import AttendanceStatus, Outing, WeatherExemption
from tuoyu.daycare.selectors.supervision import outdoor_minutes
from tuoyu.daycare.services.outings import outing_return, outing_start, weather_exempt
from tuoyu.daycare.services.staffing import duty_start
from tuoyu.daycare.tests.supervision_helpers import (
    at,
    check_in,
    children_of,
    place,
    staff_member,
    today,
    yesterday,
)
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.rules import RULES

pytestmark = pytest.mark.django_db


def test_a_short_head_count_marks_the_outing_and_alerts_directors_and_staff_on_duty(
    class_x: CareClass, director_x: User, caregiver_x: User, health_worker_x: User
) -> None:
    now = timezone.now()
    duty_start(
        actor=director_x,
        staff=staff_member(class_x, "张保育", phone=caregiver_x.phone),
        care_class=class_x,
        now=now,
    )
    placements = place(class_x, 3)
    for placement in placements:
        check_in(placement, caregiver_x, when=now)
    children = children_of(placements)
    outing = outing_start(actor=caregiver_x, care_class=class_x, children=children, now=now)

    outing = outing_return(
        actor=caregiver_x, outing=outing, children_back=children[:2], now=now + datetime.timedelta(minutes=40)
    )

    assert outing.mismatch is True
    assert set(outing.children_back.all()) == set(children[:2])
    alerted = Notification.objects.filter(kind="outing_mismatch")
    assert {n.user for n in alerted} == {director_x, caregiver_x}  # not the health worker off duty
    for notification in alerted:
        assert notification.sent_by_sms
        assert children[2].name in notification.body
        assert "3" in notification.body and "2" in notification.body
    assert outdoor_minutes(class_x, today()) == 40


def test_a_full_head_count_raises_nothing(class_x: CareClass, director_x: User, caregiver_x: User) -> None:
    now = timezone.now()
    placements = place(class_x, 2)
    for placement in placements:
        check_in(placement, caregiver_x, when=now)
    outing = outing_start(actor=caregiver_x, care_class=class_x, children=children_of(placements), now=now)

    outing = outing_return(
        actor=caregiver_x,
        outing=outing,
        children_back=children_of(placements),
        now=now + datetime.timedelta(hours=1),
    )

    assert outing.mismatch is False
    assert not Notification.objects.filter(kind="outing_mismatch").exists()


def test_outing_refusals(class_x: CareClass, caregiver_x: User, director_y: User) -> None:
    now = timezone.now()
    placements = place(class_x, 3)
    check_in(placements[0], caregiver_x, when=now)
    check_in(placements[1], caregiver_x, when=now, status=AttendanceStatus.CHECKED_OUT)
    children = children_of(placements)

    for given, code in [
        ([], "no_children"),
        (children[1:2], "child_not_present"),  # already checked out
        (children[2:3], "child_not_present"),  # never came
    ]:
        with pytest.raises(Refusal) as refused:
            outing_start(actor=caregiver_x, care_class=class_x, children=given, now=now)
        assert refused.value.code == code
    with pytest.raises(NotPermitted):
        outing_start(actor=director_y, care_class=class_x, children=children[:1], now=now)

    outing = outing_start(actor=caregiver_x, care_class=class_x, children=children[:1], now=now)
    with pytest.raises(Refusal) as refused:
        outing_start(actor=caregiver_x, care_class=class_x, children=children[:1], now=now)
    assert refused.value.code == "outing_open"
    with pytest.raises(Refusal) as refused:
        outing_return(
            actor=caregiver_x,
            outing=outing,
            children_back=children[:1],
            now=now - datetime.timedelta(minutes=1),
        )
    assert refused.value.code == "return_before_leave"
    with pytest.raises(Refusal) as refused:
        outing_return(actor=caregiver_x, outing=outing, children_back=children[1:2], now=now)
    assert refused.value.code == "child_not_out"
    outing_return(actor=caregiver_x, outing=outing, children_back=children[:1], now=now)
    with pytest.raises(Refusal) as refused:
        outing_return(actor=caregiver_x, outing=outing, children_back=children[:1], now=now)
    assert refused.value.code == "outing_returned"


def _outing(care_class: CareClass, by: User, day: datetime.date, start: int, minutes: int) -> Outing:
    left = at(day, start)
    return Outing.objects.create(
        care_class=care_class,
        day=day,
        left_at=left,
        returned_at=left + datetime.timedelta(minutes=minutes),
        led_by=by,
    )


def test_rule_day_02_warns_of_less_than_two_hours_outdoors_without_an_exemption(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    day = yesterday()
    check_in(place(class_x, 1)[0], caregiver_x, when=at(day, 8))
    _outing(class_x, caregiver_x, day, 10, 60)
    _outing(class_x, caregiver_x, day, 15, 50)

    found = list(RULES["DAY-02"].evaluate(institution_x, day))
    assert [d.subject_key for d in found] == [f"outdoor:{class_x.code}:{day.isoformat()}"]
    assert "户外活动110分钟，少于120分钟" in found[0].evidence
    assert RULES["DAY-02"].severity == "warning"

    weather_exempt(actor=caregiver_x, institution=institution_x, day=day, reason="雾霾")
    assert list(RULES["DAY-02"].evaluate(institution_x, day)) == []

    WeatherExemption.objects.all().delete()
    _outing(class_x, caregiver_x, day, 16, 10)  # 120 minutes in all
    assert list(RULES["DAY-02"].evaluate(institution_x, day)) == []


def test_rule_day_02_waits_for_the_day_to_end_and_skips_classes_without_full_day_children(
    institution_x: Institution, class_x: CareClass, caregiver_x: User
) -> None:
    check_in(place(class_x, 1)[0], caregiver_x)
    assert list(RULES["DAY-02"].evaluate(institution_x, today())) == []  # today is not over

    placement = place(class_x, 1, prefix="半日")[0]
    placement.service_type = "half_day"
    placement.save()
    check_in(placement, caregiver_x, when=at(yesterday(), 8))
    assert list(RULES["DAY-02"].evaluate(institution_x, yesterday())) == []


# The outings page and API -------------------------------------------------------------------------------


def test_outings_page_starts_and_returns_an_outing(
    client_as: Callable[[str], Client], class_x: CareClass, caregiver_x: User, director_x: User
) -> None:
    placements = place(class_x, 2)
    for placement in placements:
        check_in(placement, caregiver_x)
    client = client_as("caregiver_x")
    url = f"/care/classes/{class_x.code}/outings/"

    html = client.get(url).content.decode()
    assert html.count('name="children"') == 2 and "checked" in html  # every present child preselected

    client.post(url, {"action": "start", "children": [str(p.child.code) for p in placements]})
    outing = Outing.objects.get(care_class=class_x)
    assert outing.children_out.count() == 2
    html = client.get(url).content.decode()
    assert html.count('name="back"') == 2

    response = client.post(
        url,
        {"action": "return", "outing": str(outing.code), "back": [str(placements[0].child.code)]},
        follow=True,
    )
    outing.refresh_from_db()
    assert outing.mismatch and outing.returned_at is not None
    assert "Mismatch" in response.content.decode()
    assert Notification.objects.filter(user=director_x, kind="outing_mismatch").exists()


@pytest.mark.parametrize(("persona", "status"), [("director_x", 200), ("director_y", 404), ("guardian", 404)])
def test_outings_page_scope(
    client_as: Callable[[str], Client], class_x: CareClass, persona: str, status: int
) -> None:
    assert client_as(persona).get(f"/care/classes/{class_x.code}/outings/").status_code == status


def test_outings_api(api_as: Callable[[str], APIClient], class_x: CareClass, caregiver_x: User) -> None:
    placements = place(class_x, 2)
    for placement in placements:
        check_in(placement, caregiver_x)
    api = api_as("caregiver_x")
    codes = [str(p.child.code) for p in placements]

    started = api.post(f"/api/v1/classes/{class_x.code}/outings/", {"children": codes}, format="json")
    assert started.status_code == 201, started.content
    outing_code = started.json()["code"]
    returned = api.post(f"/api/v1/outings/{outing_code}/return/", {"children_back": codes[:1]}, format="json")
    assert returned.status_code == 200 and returned.json()["mismatch"] is True
    again = api.post(f"/api/v1/outings/{outing_code}/return/", {"children_back": codes}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "outing_returned")
    listing = api.get(f"/api/v1/classes/{class_x.code}/outings/").json()
    assert listing["required_minutes"] == 120 and len(listing["outings"]) == 1
    assert api_as("director_y").get(f"/api/v1/classes/{class_x.code}/outings/").status_code == 404
