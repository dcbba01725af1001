"""Offers and placements: the rules on places, accepting with the service agreement, expiry, ending."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    EndReason,
    Offer,
    OfferStatus,
    Placement,
    ServiceAgreement,
    TaskKind,
)
from tuoyu.enrolment.selectors import classes_with_vacancy, queue_position
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import (
    apply,
    fill,
    make_offer,
    pass_exam,
    raw_child,
    raw_offer,
    raw_placement,
    start,
    today,
)
from tuoyu.notifications.models import Notification
from tuoyu.operations.tests.helpers import run_what_the_schedule_runs_at
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.factories import CareClassFactory, ServiceOfferingFactory
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.registry.standards import AgeBand
from tuoyu.workdays import months_later

pytestmark = pytest.mark.django_db


def vacancy(care_class: CareClass) -> int:
    return int(classes_with_vacancy(CareClass.objects.filter(pk=care_class.pk)).get().vacancy)


def finder_vacancy(api: APIClient, institution: Institution, band: str) -> int:
    rows = api.get("/api/v1/institutions/").json()["results"]
    (row,) = [r for r in rows if r["code"] == str(institution.code)]
    (entry,) = [v for v in row["vacancies"] if v["age_band"] == band]
    return int(entry["vacancy"])


def refusal_of(action: Callable[[], object]) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


@pytest.fixture
def child(guardian: User, make_child: MakeChild) -> Child:
    """赵小宝, 30 months old today, with a passed entry examination of today."""
    return make_child(guardian, exam=True)


@pytest.fixture
def application(
    guardian: User, child: Child, institution_x: Institution, class_x: CareClass, full_day_x: ServiceOffering
) -> Application:
    """赵小宝's waiting application for full-day care at X, starting in a week."""
    return apply(guardian, child, institution_x)


def writes() -> tuple[int, ...]:
    return (
        Placement.objects.count(),
        ServiceAgreement.objects.count(),
        CareTask.objects.count(),
        Notification.objects.count(),
        Offer.objects.filter(status=OfferStatus.OPEN).count(),
    )


# Making an offer -------------------------------------------------------------------------------------------


def test_an_offer_holds_a_place_and_tells_the_family_in_the_inbox_and_by_sms(
    application: Application,
    director_x: User,
    guardian: User,
    class_x: CareClass,
    sms_outbox: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert vacancy(class_x) == 20

    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(director_x, application, class_x)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    assert offer.status == OfferStatus.OPEN
    assert offer.start_date == start()
    assert abs(offer.expires_at - (timezone.now() + datetime.timedelta(hours=48))) < datetime.timedelta(
        minutes=1
    )
    assert vacancy(class_x) == 19
    note = Notification.objects.get(user=guardian)
    assert (note.kind, note.link, note.sent_by_sms) == ("offer_made", f"/family/offers/{offer.code}/", True)
    assert "星星托育园" in note.title and "赵小宝" in note.title
    assert "星星托大班" in note.body
    ((phone, text),) = sms_outbox
    assert phone == guardian.phone
    assert text.startswith("【托育】") and "星星托育园" in text


def test_no_sms_leaves_before_the_offer_is_committed(
    application: Application,
    director_x: User,
    class_x: CareClass,
    sms_outbox: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_offer(director_x, application, class_x)

    assert sms_outbox == []
    assert len(callbacks) == 1


def test_a_full_class_is_refused(
    application: Application, director_x: User, guardian: User, institution_x: Institution
) -> None:
    small = CareClassFactory.create(
        institution=institution_x, name="小班额", age_band=AgeBand.PRESCHOOL, capacity=3
    )
    fill(small, guardian, 3)
    before = writes()

    refusal = refusal_of(lambda: make_offer(director_x, application, small))

    assert (refusal.code, refusal.conflict) == ("class_full", True)
    assert "all 3 places are taken" in refusal.text
    assert writes() == before
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.WAITING


def test_open_offers_count_against_the_class(
    application: Application,
    director_x: User,
    guardian: User,
    institution_x: Institution,
    other_guardian: User,
) -> None:
    small = CareClassFactory.create(
        institution=institution_x, name="小班额", age_band=AgeBand.PRESCHOOL, capacity=2
    )
    fill(small, guardian, 1)
    other = Application.objects.create(
        child=raw_child(other_guardian, name="别家孩子"),
        institution=institution_x,
        service_type="full_day",
        desired_start=start(),
        applied_by=other_guardian,
    )
    raw_offer(other, small, director_x)

    assert refusal_of(lambda: make_offer(director_x, application, small)).code == "class_full"


def test_a_class_at_the_national_cap_of_its_band_is_refused_with_the_standard(
    application: Application, director_x: User, guardian: User, class_x: CareClass
) -> None:
    fill(class_x, guardian, 20)  # an older-toddler class holds at most 20

    refusal = refusal_of(lambda: make_offer(director_x, application, class_x))

    assert (refusal.code, refusal.conflict) == ("band_cap_reached", True)
    assert "at most 20 children" in refusal.text
    assert "art. 19" in refusal.text


def test_the_filed_places_of_the_institution_are_a_limit_across_classes(
    application: Application, director_x: User, guardian: User, institution_x: Institution, class_x: CareClass
) -> None:
    other_class = CareClassFactory.create(
        institution=institution_x, name="托大二班", age_band=AgeBand.PRESCHOOL, capacity=20
    )
    fill(other_class, guardian, 2)
    Institution.objects.filter(pk=institution_x.pk).update(filed_places=2)

    refusal = refusal_of(lambda: make_offer(director_x, application, class_x))

    assert (refusal.code, refusal.conflict) == ("filed_places_reached", True)
    assert "its 2 filed places" in refusal.text
    assert vacancy(class_x) == 20
    assert not Offer.objects.exists()


def test_open_offers_count_against_the_filed_places(
    application: Application,
    director_x: User,
    other_guardian: User,
    institution_x: Institution,
    class_x: CareClass,
) -> None:
    Institution.objects.filter(pk=institution_x.pk).update(filed_places=1)
    other = Application.objects.create(
        child=raw_child(other_guardian, name="别家孩子"),
        institution=institution_x,
        service_type="full_day",
        desired_start=start(),
        applied_by=other_guardian,
    )
    raw_offer(other, class_x, director_x)

    assert refusal_of(lambda: make_offer(director_x, application, class_x)).code == "filed_places_reached"


def test_an_age_outside_the_class_band_is_refused(
    guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    full_day_x: ServiceOffering,
) -> None:
    CareClassFactory.create(institution=institution_x, name="托小班", age_band=AgeBand.TODDLER, capacity=15)
    application = apply(guardian, make_child(guardian, months=14, on=start()), institution_x)

    refusal = refusal_of(lambda: make_offer(director_x, application, class_x))

    assert (refusal.code, refusal.conflict) == ("age_outside_band", False)
    assert not Offer.objects.exists()


def test_only_a_waiting_application_gets_an_offer(
    application: Application, director_x: User, class_x: CareClass
) -> None:
    make_offer(director_x, application, class_x)

    refusal = refusal_of(lambda: make_offer(director_x, application, class_x))

    assert (refusal.code, refusal.conflict) == ("application_not_waiting", True)
    assert Offer.objects.count() == 1


def test_a_withdrawn_application_gets_no_offer(
    application: Application, director_x: User, guardian: User, class_x: CareClass
) -> None:
    services.application_withdraw(guardian=guardian, application=application)

    assert refusal_of(lambda: make_offer(director_x, application, class_x)).code == "application_not_waiting"


def test_another_institutions_director_cannot_offer(
    application: Application, director_y: User, caregiver_x: User, class_x: CareClass
) -> None:
    for actor in (director_y, caregiver_x):
        with pytest.raises(NotPermitted):
            make_offer(actor, application, class_x)
    assert not Offer.objects.exists()


def test_a_class_of_another_institution_cannot_be_offered(
    application: Application, director_x: User, class_y: CareClass
) -> None:
    assert refusal_of(lambda: make_offer(director_x, application, class_y)).code == "class_elsewhere"


def test_a_start_or_a_deadline_in_the_past_is_refused(
    application: Application, director_x: User, class_x: CareClass
) -> None:
    past_start = refusal_of(
        lambda: services.offer_make(
            director=director_x,
            application=application,
            care_class=class_x,
            start_date=today() - datetime.timedelta(days=1),
        )
    )
    past_deadline = refusal_of(
        lambda: make_offer(
            director_x, application, class_x, expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    )

    assert (past_start.code, past_deadline.code) == ("start_in_past", "expiry_in_past")
    assert not Offer.objects.exists()


def test_the_api_makes_an_offer_for_the_director(
    application: Application, api_as: Callable[[str], APIClient], class_x: CareClass
) -> None:
    response = api_as("director_x").post(
        f"/api/v1/applications/{application.code}/offer/",
        {"care_class": str(class_x.code), "start_date": start().isoformat()},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["class_name"], body["child_name"]) == ("open", "星星托大班", "赵小宝")
    assert Offer.objects.get().application == application


def test_the_api_answers_a_full_class_with_409(
    application: Application, api_as: Callable[[str], APIClient], institution_x: Institution, guardian: User
) -> None:
    small = CareClassFactory.create(
        institution=institution_x, name="小班额", age_band=AgeBand.PRESCHOOL, capacity=1
    )
    fill(small, guardian, 1)

    response = api_as("director_x").post(
        f"/api/v1/applications/{application.code}/offer/",
        {"care_class": str(small.code), "start_date": start().isoformat()},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "class_full")


def test_the_api_hides_another_institutions_application_from_a_director(
    application: Application, api_as: Callable[[str], APIClient], class_x: CareClass
) -> None:
    response = api_as("director_y").post(
        f"/api/v1/applications/{application.code}/offer/",
        {"care_class": str(class_x.code), "start_date": start().isoformat()},
        format="json",
    )

    assert response.status_code == 404
    assert not Offer.objects.exists()


# Accepting --------------------------------------------------------------------------------------------------


@pytest.fixture
def offer(application: Application, director_x: User, class_x: CareClass) -> Offer:
    return make_offer(director_x, application, class_x)


def test_accepting_makes_the_placement_the_agreement_and_the_vaccination_task(
    offer: Offer,
    guardian: User,
    child: Child,
    director_x: User,
    institution_x: Institution,
    class_x: CareClass,
    full_day_y: ServiceOffering,
) -> None:
    ServiceOfferingFactory.create(
        institution=institution_x, service_type="hourly", price_yuan=Decimal(40), price_unit="hour"
    )
    guardian.preferred_language = "en"  # the agreement is written in the guardian's language

    placement = services.offer_accept(guardian=guardian, offer=offer)

    assert (placement.child, placement.institution, placement.care_class) == (child, institution_x, class_x)
    assert (placement.service_type, placement.start_date) == ("full_day", start())
    assert placement.ends_on == months_later(child.birth_date, 36)
    assert placement.offer == offer
    agreement = placement.agreement
    assert agreement.items == [
        {
            "service_type": "full_day",
            "label": "Full-day care",
            "price_yuan": "2000.00",
            "unit": "month",
            "unit_label": "per month",
        }
    ]
    assert agreement.government_guided_price is True  # X is an inclusive (普惠) institution
    assert agreement.accepted_by == guardian
    assert "星星托育园" in agreement.text and "赵小宝" in agreement.text and "星星托大班" in agreement.text
    assert "¥2,000 per month" in agreement.text and "1,500" not in agreement.text  # ¥2,380/月 in Chinese
    (task,) = CareTask.objects.all()
    assert (task.kind, task.child, task.institution, task.placement) == (
        TaskKind.VACCINATION_CHECK,
        child,
        institution_x,
        placement,
    )
    assert task.due_on == start() + datetime.timedelta(days=30)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.answered_at is not None
    assert Application.objects.get(pk=offer.application_id).status == ApplicationStatus.PLACED
    note = Notification.objects.get(user=director_x, kind="offer_accepted")
    assert note.link == f"/enrolment/classes/{class_x.code}/"
    assert "赵小宝" in note.title


def test_the_agreement_of_an_institution_that_is_not_inclusive_has_market_prices(
    guardian: User, child: Child, director_y: User, institution_y: Institution, full_day_y: ServiceOffering
) -> None:
    preschool_y = CareClassFactory.create(institution=institution_y, age_band=AgeBand.PRESCHOOL, capacity=20)
    offer = make_offer(director_y, apply(guardian, child, institution_y), preschool_y)

    agreement = services.offer_accept(guardian=guardian, offer=offer).agreement

    assert agreement.government_guided_price is False
    assert [item["price_yuan"] for item in agreement.items] == ["1500.00"]
    assert "government-guided" not in agreement.text


def test_the_agreement_is_in_the_guardians_language(offer: Offer, guardian: User) -> None:
    guardian.preferred_language = "en"
    with translation.override("zh-hans"):  # the request's language
        agreement = services.offer_accept(guardian=guardian, offer=offer).agreement

    assert agreement.items[0]["label"] == "Full-day care"
    assert agreement.items[0]["unit_label"] == "per month"
    assert agreement.text.startswith("Childcare service agreement")
    assert "Full-day care" in agreement.text


def test_accepting_withdraws_the_childs_other_applications_for_that_service(
    offer: Offer,
    guardian: User,
    child: Child,
    director_y: User,
    institution_y: Institution,
    institution_z: Institution,
    full_day_y: ServiceOffering,
    full_day_z: ServiceOffering,
    class_z: CareClass,
) -> None:
    preschool_y = CareClassFactory.create(institution=institution_y, age_band=AgeBand.PRESCHOOL, capacity=20)
    at_y = apply(guardian, child, institution_y)
    offer_y = make_offer(director_y, at_y, preschool_y)
    at_z = apply(guardian, child, institution_z)
    ServiceOfferingFactory.create(institution=institution_z, service_type="half_day")
    half_day_z = apply(guardian, child, institution_z, service_type="half_day")

    services.offer_accept(guardian=guardian, offer=offer)

    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {
        offer.application_id: ApplicationStatus.PLACED,
        at_y.pk: ApplicationStatus.WITHDRAWN,
        at_z.pk: ApplicationStatus.WITHDRAWN,
        half_day_z.pk: ApplicationStatus.WAITING,
    }
    offer_y.refresh_from_db()
    assert offer_y.status == OfferStatus.WITHDRAWN
    assert vacancy(preschool_y) == 20


def test_the_vacancy_in_the_finder_drops_by_one_with_the_offer_and_stays_with_the_placement(
    application: Application,
    director_x: User,
    guardian: User,
    class_x: CareClass,
    institution_x: Institution,
    anonymous_api: APIClient,
) -> None:
    assert finder_vacancy(anonymous_api, institution_x, "preschool") == 20
    offer = make_offer(director_x, application, class_x)
    assert finder_vacancy(anonymous_api, institution_x, "preschool") == 19

    services.offer_accept(guardian=guardian, offer=offer)

    assert finder_vacancy(anonymous_api, institution_x, "preschool") == 19
    assert vacancy(class_x) == 19


@pytest.mark.parametrize(
    ("exam", "accepted"),
    [
        pytest.param(None, False, id="no-exam"),
        pytest.param({"days_ago": 30}, True, id="exam-30-days-old"),
        pytest.param({"days_ago": 31}, False, id="exam-31-days-old"),
        pytest.param({"result": "fail"}, False, id="exam-failed"),
    ],
)
def test_accepting_needs_a_passed_entry_exam_of_the_last_30_days(
    guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    full_day_x: ServiceOffering,
    exam: dict[str, Any] | None,
    accepted: bool,
) -> None:
    child = make_child(guardian)
    if exam is not None:
        pass_exam(child, guardian, **exam)
    offer = make_offer(director_x, apply(guardian, child, institution_x), class_x)
    before = writes()

    if accepted:
        services.offer_accept(guardian=guardian, offer=offer)
        assert Placement.objects.filter(child=child).exists()
        return
    refusal = refusal_of(lambda: services.offer_accept(guardian=guardian, offer=offer))
    assert refusal.code == "entry_exam_missing"
    assert "Record the examination" in refusal.text
    assert writes() == before
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_an_expired_offer_cannot_be_accepted(offer: Offer, guardian: User) -> None:
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    before = writes()

    refusal = refusal_of(lambda: services.offer_accept(guardian=guardian, offer=offer))

    assert (refusal.code, refusal.conflict) == ("offer_expired", True)
    assert writes() == before


def test_the_api_answers_an_expired_offer_with_409(offer: Offer, api_as: Callable[[str], APIClient]) -> None:
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = api_as("guardian").post(
        f"/api/v1/offers/{offer.code}/accept/", {"accept_agreement": True}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "offer_expired")
    assert "expired" in response.json()["detail"]
    assert not Placement.objects.exists()


def test_a_declined_offer_cannot_be_accepted(
    offer: Offer, guardian: User, director_x: User, class_x: CareClass
) -> None:
    services.offer_decline(guardian=guardian, offer=offer)

    refusal = refusal_of(lambda: services.offer_accept(guardian=guardian, offer=offer))

    assert (refusal.code, refusal.conflict) == ("offer_closed", True)
    assert not Placement.objects.exists()
    assert Application.objects.get(pk=offer.application_id).status == ApplicationStatus.DECLINED
    assert Notification.objects.filter(user=director_x, kind="offer_declined").exists()
    assert vacancy(class_x) == 20


def test_a_child_who_already_holds_a_place_cannot_take_another(
    offer: Offer, guardian: User, child: Child, class_y: CareClass
) -> None:
    raw_placement(child, class_y)
    before = writes()

    refusal = refusal_of(lambda: services.offer_accept(guardian=guardian, offer=offer))

    assert (refusal.code, refusal.conflict) == ("already_placed", True)
    assert writes() == before


def test_a_class_that_filled_since_the_offer_refuses_the_accept(
    offer: Offer, guardian: User, other_guardian: User, class_x: CareClass
) -> None:
    CareClass.objects.filter(pk=class_x.pk).update(capacity=3)
    fill(class_x, other_guardian, 3)
    before = writes()

    refusal = refusal_of(lambda: services.offer_accept(guardian=guardian, offer=offer))

    assert refusal.code == "class_full"
    assert writes() == before


def test_only_the_childs_guardian_accepts(offer: Offer, other_guardian: User, director_x: User) -> None:
    for actor in (other_guardian, director_x):
        assert refusal_of(partial(services.offer_accept, guardian=actor, offer=offer)).code == "not_guardian"
    assert not Placement.objects.exists()


def test_the_api_needs_the_agreement_accepted(offer: Offer, api_as: Callable[[str], APIClient]) -> None:
    api = api_as("guardian")
    before = writes()

    refused = api.post(f"/api/v1/offers/{offer.code}/accept/", {"accept_agreement": False}, format="json")
    missing = api.post(f"/api/v1/offers/{offer.code}/accept/", {}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (400, "agreement_not_accepted")
    assert missing.status_code == 400
    assert writes() == before


def test_the_api_shows_the_offer_with_its_agreement_then_accepts(
    offer: Offer, api_as: Callable[[str], APIClient], child: Child
) -> None:
    api = api_as("guardian")

    shown = api.get(f"/api/v1/offers/{offer.code}/").json()
    accepted = api.post(f"/api/v1/offers/{offer.code}/accept/", {"accept_agreement": True}, format="json")

    assert shown["status"] == "open"
    assert shown["agreement"]["government_guided"] is True
    assert shown["agreement"]["items"][0]["price_yuan"] == "2000.00"
    assert "星星托育园" in shown["agreement"]["text"]
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["child"] == str(child.code)
    assert accepted.json()["ends_on"] == months_later(child.birth_date, 36).isoformat()
    assert [o["status"] for o in api.get("/api/v1/offers/").json()["results"]] == ["accepted"]


def test_the_api_declines(offer: Offer, api_as: Callable[[str], APIClient]) -> None:
    response = api_as("guardian").post(f"/api/v1/offers/{offer.code}/decline/")

    assert (response.status_code, response.json()["status"]) == (200, "declined")
    assert Application.objects.get(pk=offer.application_id).status == ApplicationStatus.DECLINED


# Expiry -----------------------------------------------------------------------------------------------------


def three_in_the_queue(
    guardian: User, other_guardian: User, make_child: MakeChild, institution_x: Institution
) -> list[Application]:
    now = timezone.now()
    return [
        apply(g, make_child(g, name=name), institution_x, now=now + datetime.timedelta(minutes=i))
        for i, (g, name) in enumerate([(guardian, "第一"), (other_guardian, "第二"), (guardian, "第三")])
    ]


@pytest.mark.usefixtures("full_day_x")
def test_an_expired_offer_returns_the_application_to_its_place_in_the_queue(
    guardian: User,
    other_guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    sms_outbox: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, second, third = three_in_the_queue(guardian, other_guardian, make_child, institution_x)
    offer = make_offer(director_x, first, class_x, expires_at=timezone.now() + datetime.timedelta(hours=1))
    untouched = make_offer(director_x, second, class_x)
    first.refresh_from_db()
    assert [queue_position(a) for a in (first, third)] == [None, 1]
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        expired = services.offers_expire(now=timezone.now() + datetime.timedelta(hours=2))

    assert expired == 1
    offer.refresh_from_db()
    first.refresh_from_db()
    third.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert first.status == ApplicationStatus.WAITING
    assert [queue_position(first), queue_position(third)] == [1, 2]
    assert Offer.objects.get(pk=untouched.pk).status == OfferStatus.OPEN
    assert vacancy(class_x) == 19  # the untouched offer still holds its place
    family_note = Notification.objects.get(user=guardian)
    assert (family_note.kind, family_note.sent_by_sms, family_note.link) == (
        "offer_expired",
        True,
        "/family/",
    )
    assert Notification.objects.filter(user=director_x, kind="offer_expired").count() == 1
    assert [phone for phone, _text in sms_outbox] == [guardian.phone]
    assert services.offers_expire(now=timezone.now() + datetime.timedelta(hours=2)) == 0


@pytest.mark.usefixtures("full_day_x")
def test_the_expire_offers_command_closes_expired_offers_and_says_how_many(
    guardian: User,
    other_guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
) -> None:
    first, second, _third = three_in_the_queue(guardian, other_guardian, make_child, institution_x)
    for application in (first, second):
        raw_offer(application, class_x, director_x, expires_in=datetime.timedelta(minutes=-5))
    out = io.StringIO()

    call_command("expire_offers", stdout=out)

    assert out.getvalue().strip() == "2 offer(s) expired."
    assert set(Offer.objects.values_list("status", flat=True)) == {OfferStatus.EXPIRED}
    assert set(Application.objects.values_list("status", flat=True)) == {ApplicationStatus.WAITING}
    out = io.StringIO()
    call_command("expire_offers", stdout=out)
    assert out.getvalue().strip() == "0 offer(s) expired."


@pytest.mark.usefixtures("full_day_x")
def test_the_queue_schedule_expires_an_offer_past_its_deadline_without_any_command(
    guardian: User,
    other_guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    sms_outbox: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, _second, _third = three_in_the_queue(guardian, other_guardian, make_child, institution_x)
    offer = raw_offer(first, class_x, director_x, expires_in=datetime.timedelta(minutes=-1))

    with django_capture_on_commit_callbacks(execute=True):
        ran = run_what_the_schedule_runs_at(timezone.localtime().replace(minute=5, second=0, microsecond=0))

    assert "expire_offers" in ran
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert [phone for phone, _text in sms_outbox] == [guardian.phone]


# Ending a placement ----------------------------------------------------------------------------------------


@pytest.fixture
def placement(guardian: User, child: Child, class_x: CareClass) -> Placement:
    """赵小宝 in class X since 30 days ago."""
    return raw_placement(child, class_x, start_date=today() - datetime.timedelta(days=30))


def test_ending_a_placement_frees_the_place_from_that_day(
    placement: Placement,
    director_x: User,
    class_x: CareClass,
    institution_x: Institution,
    anonymous_api: APIClient,
) -> None:
    assert vacancy(class_x) == 19
    assert finder_vacancy(anonymous_api, institution_x, "preschool") == 19

    ended = services.placement_end(
        director=director_x, placement=placement, ends_on=today(), reason=EndReason.WITHDRAWN
    )

    assert (ended.ends_on, ended.end_reason) == (today(), EndReason.WITHDRAWN)
    assert vacancy(class_x) == 20
    assert finder_vacancy(anonymous_api, institution_x, "preschool") == 20


def test_a_placement_ending_later_holds_its_place_until_then(
    placement: Placement, director_x: User, class_x: CareClass
) -> None:
    services.placement_end(
        director=director_x,
        placement=placement,
        ends_on=today() + datetime.timedelta(days=10),
        reason=EndReason.TRANSFERRED,
    )

    assert vacancy(class_x) == 19


@pytest.mark.parametrize(
    ("ends_on", "reason", "code"),
    [
        pytest.param(-31, EndReason.WITHDRAWN, "end_before_start", id="before-start"),
        pytest.param(None, EndReason.WITHDRAWN, "end_not_earlier", id="same-end"),
        pytest.param(2000, EndReason.WITHDRAWN, "end_not_earlier", id="later-end"),
        pytest.param(0, "graduated", "end_reason_invalid", id="bad-reason"),
    ],
)
def test_ending_a_placement_is_refused_when_the_day_or_reason_is_wrong(
    placement: Placement, director_x: User, ends_on: int | None, reason: str, code: str
) -> None:
    original = placement.ends_on
    day = original if ends_on is None else today() + datetime.timedelta(days=ends_on)

    refusal = refusal_of(
        lambda: services.placement_end(director=director_x, placement=placement, ends_on=day, reason=reason)
    )

    assert refusal.code == code
    placement.refresh_from_db()
    assert placement.ends_on == original


def test_only_the_director_ends_a_placement(
    placement: Placement, director_y: User, caregiver_x: User, guardian: User
) -> None:
    for actor in (director_y, caregiver_x, guardian):
        with pytest.raises(NotPermitted):
            services.placement_end(
                director=actor, placement=placement, ends_on=today(), reason=EndReason.WITHDRAWN
            )
    assert Placement.objects.get().ends_on == placement.ends_on


def test_the_api_ends_a_placement_for_the_director_only(
    placement: Placement, api_as: Callable[[str], APIClient]
) -> None:
    body = {"ends_on": today().isoformat(), "reason": "withdrawn"}

    outsider = api_as("director_y").post(f"/api/v1/placements/{placement.code}/end/", body, format="json")
    caregiver = api_as("caregiver_x").post(f"/api/v1/placements/{placement.code}/end/", body, format="json")
    director = api_as("director_x").post(f"/api/v1/placements/{placement.code}/end/", body, format="json")

    assert outsider.status_code == 404
    assert (caregiver.status_code, caregiver.json()["code"]) == (404, "not_found")
    assert (director.status_code, director.json()["ends_on"]) == (200, today().isoformat())


# Health tasks -----------------------------------------------------------------------------------------------


def test_the_health_worker_completes_the_vaccination_check(
    offer: Offer, guardian: User, health_worker_x: User, caregiver_x: User
) -> None:
    services.offer_accept(guardian=guardian, offer=offer)
    task = CareTask.objects.get()

    with pytest.raises(NotPermitted):
        services.task_complete(actor=caregiver_x, task=task)
    done = services.task_complete(actor=health_worker_x, task=task, note="已查验，齐全")

    assert (done.done_by, done.note) == (health_worker_x, "已查验，齐全")
    assert done.done_at is not None
    assert refusal_of(lambda: services.task_complete(actor=health_worker_x, task=done)).code == "task_done"
