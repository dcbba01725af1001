"""Applying for a place: what is refused, ranks across institutions, the queue order and positions."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import Application, ApplicationStatus, OfferStatus, QueuePriority
from tuoyu.enrolment.selectors import queue_of, queue_position
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import apply, make_offer, start, today
from tuoyu.notifications.models import Notification
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.factories import CareClassFactory, InstitutionFactory, ServiceOfferingFactory
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db


def refused_code(guardian: User, child: object, institution: Institution, **extra: object) -> str:
    with pytest.raises(Refusal) as refused:
        apply(guardian, child, institution, **extra)  # type: ignore[arg-type]
    return str(refused.value.code)


# What is refused -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_a_service_the_institution_does_not_offer_is_refused(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)

    assert refused_code(guardian, child, institution_x, service_type="half_day") == "service_not_offered"
    assert not Application.objects.exists()


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_a_service_without_a_place_in_a_class_cannot_be_applied_for(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    ServiceOfferingFactory.create(institution=institution_x, service_type="hourly", price_unit="hour")
    child = make_child(guardian)

    assert refused_code(guardian, child, institution_x, service_type="hourly") == "service_not_offered"


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_a_start_date_in_the_past_is_refused(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)

    code = refused_code(guardian, child, institution_x, desired_start=today() - datetime.timedelta(days=1))

    assert code == "start_in_past"
    assert not Application.objects.exists()


def test_an_institution_that_is_not_filed_takes_no_applications(
    guardian: User, make_child: MakeChild, street_a1: object
) -> None:
    unfiled = InstitutionFactory.create(street=street_a1)
    ServiceOfferingFactory.create(institution=unfiled, service_type="full_day")
    CareClassFactory.create(institution=unfiled, age_band=AgeBand.PRESCHOOL)
    child = make_child(guardian)

    assert refused_code(guardian, child, unfiled) == "institution_not_open"


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_a_child_no_class_fits_is_refused(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    """Institution X has only an older-toddler class (24-36 months); a 14-month-old fits none."""
    child = make_child(guardian, months=14, on=start())

    assert refused_code(guardian, child, institution_x) == "no_class_for_age"
    assert not Application.objects.exists()


@pytest.mark.usefixtures("full_day_x")
def test_an_institution_without_classes_has_no_class_for_any_age(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)

    assert refused_code(guardian, child, institution_x) == "no_class_for_age"


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_a_child_of_36_months_on_the_start_date_is_refused_with_the_reason(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian, months=35, on=today())
    later = today() + datetime.timedelta(days=45)  # 36 months by then

    assert refused_code(guardian, child, institution_x, desired_start=later) == "age_over_36_months"


@pytest.mark.usefixtures("full_day_x")
def test_a_child_under_6_months_is_refused_with_the_reason(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    CareClassFactory.create(institution=institution_x, age_band=AgeBand.INFANT, capacity=10)
    child = make_child(guardian, months=2, on=start())

    assert refused_code(guardian, child, institution_x) == "age_under_6_months"


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_a_second_open_application_to_the_same_institution_and_service_is_refused(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)
    first = apply(guardian, child, institution_x)

    with pytest.raises(Refusal) as refused:
        apply(guardian, child, institution_x, desired_start=start() + datetime.timedelta(days=3))

    assert (refused.value.code, refused.value.conflict) == ("already_applied", True)
    assert list(Application.objects.all()) == [first]


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_after_withdrawing_the_family_may_apply_again(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)
    services.application_withdraw(guardian=guardian, application=apply(guardian, child, institution_x))

    again = apply(guardian, child, institution_x)

    assert again.status == ApplicationStatus.WAITING
    assert Application.objects.count() == 2


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_api_answers_a_second_application_with_409(
    api_as: Callable[[str], APIClient], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)
    body = {
        "child": str(child.code),
        "institution": str(institution_x.code),
        "service_type": "full_day",
        "desired_start": start().isoformat(),
    }
    api = api_as("guardian")

    first = api.post("/api/v1/applications/", body, format="json")
    second = api.post("/api/v1/applications/", body, format="json")

    assert first.status_code == 201, first.content
    assert (first.json()["rank"], first.json()["status"], first.json()["position"]) == (1, "waiting", 1)
    assert second.status_code == 409
    assert second.json()["code"] == "already_applied"
    assert Application.objects.count() == 1


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_api_refuses_an_unknown_service_with_its_code(
    api_as: Callable[[str], APIClient], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)
    body = {
        "child": str(child.code),
        "institution": str(institution_x.code),
        "service_type": "half_day",
        "desired_start": start().isoformat(),
    }

    response = api_as("guardian").post("/api/v1/applications/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "service_not_offered")


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_api_refuses_to_apply_for_another_familys_child(
    api_as: Callable[[str], APIClient], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian)
    body = {
        "child": str(child.code),
        "institution": str(institution_x.code),
        "service_type": "full_day",
        "desired_start": start().isoformat(),
    }

    response = api_as("other_guardian").post("/api/v1/applications/", body, format="json")

    assert response.status_code == 404
    assert not Application.objects.exists()


# Ranks, priorities, the queue ------------------------------------------------------------------------------


@pytest.mark.usefixtures("full_day_x", "full_day_y", "full_day_z")
def test_applications_to_three_institutions_are_ranked_1_2_3(
    guardian: User,
    make_child: MakeChild,
    institution_x: Institution,
    institution_y: Institution,
    institution_z: Institution,
    class_x: CareClass,
    class_y: CareClass,
    class_z: CareClass,
) -> None:
    child = make_child(guardian, months=24, on=start())  # fits 托大 (X), 托小 with grace (Y), 混龄 (Z)

    ranks = [apply(guardian, child, i).rank for i in (institution_x, institution_y, institution_z)]

    assert ranks == [1, 2, 3]
    assert list(child.applications.order_by("rank").values_list("institution__name", flat=True)) == [
        "星星托育园",
        "月亮托育园",
        "太阳托育园",
    ]


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_director_is_told_of_a_new_application(
    guardian: User, director_x: User, director_y: User, make_child: MakeChild, institution_x: Institution
) -> None:
    apply(guardian, make_child(guardian), institution_x)

    (note,) = Notification.objects.all()
    assert (note.user, note.kind, note.link) == (director_x, "application_received", "/enrolment/queue/")
    assert "赵小宝" in note.title
    assert note.sent_by_sms is False


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_claimed_priorities_of_the_institution_give_points_others_do_not(
    guardian: User,
    director_x: User,
    director_y: User,
    make_child: MakeChild,
    institution_x: Institution,
    institution_y: Institution,
) -> None:
    sibling = services.priority_publish(
        director=director_x, institution=institution_x, label="同胞在园", points=10
    )
    elsewhere = QueuePriority.objects.create(institution=institution_y, label="本园职工子女", points=20)

    application = apply(guardian, make_child(guardian), institution_x, priorities=[sibling, elsewhere])

    assert application.priority_points == 10
    assert list(application.priorities.all()) == [sibling]


def test_only_the_director_publishes_priorities(director_y: User, institution_x: Institution) -> None:
    with pytest.raises(NotPermitted):
        services.priority_publish(director=director_y, institution=institution_x, label="同胞在园", points=10)

    assert not QueuePriority.objects.exists()


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_queue_is_ordered_by_points_then_time_and_positions_follow_it(
    guardian: User,
    other_guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
) -> None:
    sibling = services.priority_publish(
        director=director_x, institution=institution_x, label="同胞在园", points=10
    )
    now = timezone.now()
    first = apply(guardian, make_child(guardian, name="先到"), institution_x, now=now)
    with_points = apply(
        other_guardian,
        make_child(other_guardian, name="有加分"),
        institution_x,
        priorities=[sibling],
        now=now + datetime.timedelta(minutes=1),
    )
    last = apply(
        guardian, make_child(guardian, name="后到"), institution_x, now=now + datetime.timedelta(minutes=2)
    )

    assert list(queue_of(institution_x)) == [with_points, first, last]
    assert [queue_position(a) for a in (with_points, first, last)] == [1, 2, 3]

    make_offer(director_x, with_points, class_x)
    with_points.refresh_from_db()

    assert queue_position(with_points) is None  # offered: no longer waiting
    assert [queue_position(a) for a in (first, last)] == [1, 2]
    assert list(queue_of(institution_x)) == [with_points, first, last]  # offered ones stay on the desk


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_applications_at_the_same_moment_are_ordered_by_arrival(
    guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    now = timezone.now()
    a = apply(guardian, make_child(guardian, name="甲"), institution_x, now=now)
    b = apply(guardian, make_child(guardian, name="乙"), institution_x, now=now)

    assert [queue_position(a), queue_position(b)] == [1, 2]


@pytest.mark.usefixtures("class_x", "full_day_x", "full_day_y")
def test_positions_count_only_the_same_institution_and_service(
    guardian: User,
    other_guardian: User,
    make_child: MakeChild,
    institution_x: Institution,
    institution_y: Institution,
    class_y: CareClass,
) -> None:
    CareClassFactory.create(institution=institution_y, age_band=AgeBand.PRESCHOOL, capacity=20)
    ServiceOfferingFactory.create(institution=institution_x, service_type="half_day")
    apply(other_guardian, make_child(other_guardian, name="别家"), institution_y)
    apply(other_guardian, make_child(other_guardian, name="半日"), institution_x, service_type="half_day")

    mine = apply(guardian, make_child(guardian), institution_x)

    assert queue_position(mine) == 1


# Withdrawing -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("full_day_x")
def test_withdrawing_closes_the_application_and_its_open_offer(
    guardian: User, director_x: User, make_child: MakeChild, institution_x: Institution, class_x: CareClass
) -> None:
    application = apply(guardian, make_child(guardian), institution_x)
    offer = make_offer(director_x, application, class_x)

    services.application_withdraw(guardian=guardian, application=application)

    application.refresh_from_db()
    offer.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.closed_at is not None
    assert offer.status == OfferStatus.WITHDRAWN
    with pytest.raises(Refusal) as again:
        services.application_withdraw(guardian=guardian, application=application)
    assert again.value.code == "application_closed"


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_only_a_guardian_withdraws(
    guardian: User, director_x: User, make_child: MakeChild, institution_x: Institution
) -> None:
    application = apply(guardian, make_child(guardian), institution_x)

    with pytest.raises(Refusal) as refused:
        services.application_withdraw(guardian=director_x, application=application)

    assert refused.value.code == "not_guardian"
    assert Application.objects.get().status == ApplicationStatus.WAITING


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_withdrawing_on_the_family_page(
    client_as: Callable[[str], Client], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    application = apply(guardian, make_child(guardian), institution_x)

    response = client_as("guardian").post(f"/family/applications/{application.code}/withdraw/", follow=True)

    assert response.redirect_chain == [("/family/", 302)]
    assert "The application was withdrawn." in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_api_withdraws_and_lists_with_positions(
    api_as: Callable[[str], APIClient], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    application = apply(guardian, make_child(guardian), institution_x)
    api = api_as("guardian")

    listed = api.get("/api/v1/applications/").json()["results"]
    withdrawn = api.post(f"/api/v1/applications/{application.code}/withdraw/")

    assert [(a["code"], a["position"], a["institution_name"]) for a in listed] == [
        (str(application.code), 1, "星星托育园")
    ]
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["status"], withdrawn.json()["position"]) == ("withdrawn", None)


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_api_lists_waiting_applications_for_the_director(
    api_as: Callable[[str], APIClient], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    waiting = apply(guardian, make_child(guardian, name="甲"), institution_x)
    closed = apply(guardian, make_child(guardian, name="乙"), institution_x)
    services.application_withdraw(guardian=guardian, application=closed)

    everything = api_as("director_x").get("/api/v1/applications/").json()["results"]
    only_waiting = api_as("director_x").get("/api/v1/applications/", {"status": "waiting"}).json()["results"]

    assert {a["code"] for a in everything} == {str(waiting.code), str(closed.code)}
    assert [a["code"] for a in only_waiting] == [str(waiting.code)]


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_apply_page_sends_the_application(
    client_as: Callable[[str], Client],
    guardian: User,
    make_child: MakeChild,
    institution_x: Institution,
    director_x: User,
) -> None:
    sibling = services.priority_publish(
        director=director_x, institution=institution_x, label="同胞在园", points=10
    )
    child = make_child(guardian)
    client = client_as("guardian")

    page = client.get(f"/institutions/{institution_x.code}/apply/")
    sent = client.post(
        f"/institutions/{institution_x.code}/apply/",
        {
            "child": child.pk,
            "service_type": "full_day",
            "desired_start": start().isoformat(),
            "priorities": [sibling.pk],
        },
        follow=True,
    )

    html = page.content.decode()
    assert "Apply to 星星托育园" in html
    assert "同胞在园（+10）" in html
    assert 'data-band="preschool" data-vacancy="20"' in html
    assert sent.redirect_chain == [("/family/", 302)]
    assert "Your application to 星星托育园 was sent." in sent.content.decode()
    application = Application.objects.get()
    assert (application.child, application.priority_points) == (child, 10)


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_apply_page_shows_a_refusal_and_stores_nothing(
    client_as: Callable[[str], Client], guardian: User, make_child: MakeChild, institution_x: Institution
) -> None:
    child = make_child(guardian, months=14, on=start())

    response = client_as("guardian").post(
        f"/institutions/{institution_x.code}/apply/",
        {"child": child.pk, "service_type": "full_day", "desired_start": start().isoformat()},
    )

    assert response.status_code == 200
    assert "has no class for a child of this age" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.usefixtures("class_x", "full_day_x")
def test_the_apply_page_asks_a_family_without_children_to_add_one_first(
    client_as: Callable[[str], Client], institution_x: Institution, notice: object
) -> None:
    html = client_as("guardian").get(f"/institutions/{institution_x.code}/apply/").content.decode()

    assert "First add your child, then come back to apply." in html


def test_the_apply_page_says_when_there_is_nothing_to_apply_for(
    client_as: Callable[[str], Client], institution_x: Institution, class_x: CareClass, notice: object
) -> None:
    html = client_as("guardian").get(f"/institutions/{institution_x.code}/apply/").content.decode()

    assert "This institution offers no full-day or half-day places to apply for." in html


def test_service_offering_fixture_is_the_fee_catalogue(full_day_x: ServiceOffering) -> None:
    assert (full_day_x.service_type, str(full_day_x.price_yuan)) == ("full_day", "2000.00")


def test_the_api_publishes_and_lists_priorities(
    api_as: Callable[[str], APIClient], anonymous_api: APIClient, institution_x: Institution
) -> None:
    url = f"/api/v1/institutions/{institution_x.code}/priorities/"

    created = api_as("director_x").post(url, {"label": "同胞在园", "points": 10}, format="json")
    outsider = api_as("director_y").post(url, {"label": "本园职工子女", "points": 20}, format="json")
    listed = anonymous_api.get(url)

    priority = QueuePriority.objects.get()
    assert created.status_code == 201
    assert created.json() == {"id": priority.pk, "label": "同胞在园", "points": 10}
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")
    assert listed.json() == [{"id": priority.pk, "label": "同胞在园", "points": 10}]
