"""The pages render for their users with what those users come for, and their forms act."""

import datetime
import re
from collections.abc import Callable
from html import escape

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import (
    Application,
    ApplicationStatus,
    CareTask,
    Child,
    Offer,
    OfferStatus,
    Placement,
    QueuePriority,
    ServiceAgreement,
)
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import apply, make_offer, raw_placement, start, today
from tuoyu.refusals import Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.registry.standards import AgeBand

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(guardian: User, make_child: MakeChild) -> Child:
    return make_child(guardian, exam=True)


@pytest.fixture
def application(
    guardian: User, child: Child, institution_x: Institution, class_x: CareClass, full_day_x: ServiceOffering
) -> Application:
    return apply(guardian, child, institution_x)


@pytest.fixture
def offer(application: Application, director_x: User, class_x: CareClass) -> Offer:
    return make_offer(director_x, application, class_x)


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# The family ----------------------------------------------------------------------------------------------


def test_the_family_page_shows_each_application_with_its_place_in_the_queue(
    client_as: Callable[[str], Client],
    guardian: User,
    other_guardian: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    full_day_x: ServiceOffering,
) -> None:
    now = timezone.now()
    apply(other_guardian, make_child(other_guardian, name="钱小满"), institution_x, now=now)
    mine = apply(guardian, make_child(guardian), institution_x, now=now + datetime.timedelta(minutes=1))

    html = html_of(client_as("guardian"), "/family/")

    assert '<section class="card" data-child="赵小宝">' in html
    assert f'<tr data-application="{mine.code}">' in html
    assert "1. 星星托育园" in html
    assert "<strong data-position>2</strong>" in html
    assert "Withdraw" in html
    assert "钱小满" not in html


def test_the_family_page_shows_an_open_offer_and_a_placement(
    client_as: Callable[[str], Client],
    offer: Offer,
    guardian: User,
    class_y: CareClass,
    make_child: MakeChild,
) -> None:
    placed = raw_placement(
        make_child(guardian, name="赵大宝"), class_y, start_date=today() - datetime.timedelta(days=3)
    )

    html = html_of(client_as("guardian"), "/family/")

    assert f'data-offer="{offer.code}"' in html
    assert "星星托育园 offers a place in 星星托大班" in html
    assert f'href="/family/offers/{offer.code}/"' in html
    assert f'data-placement="{placed.code}"' in html
    assert "In care" in html


def test_the_family_page_asks_for_consent_first(client_as: Callable[[str], Client], notice: object) -> None:
    html = html_of(client_as("guardian"), "/family/")

    assert "Before you record your child" in html
    assert 'href="/family/privacy/"' in html


def test_the_offer_page_shows_the_agreement_and_needs_the_checkbox(
    client_as: Callable[[str], Client], offer: Offer
) -> None:
    client = client_as("guardian")
    url = f"/family/offers/{offer.code}/"

    html = html_of(client, url)
    refused = client.post(url, {"accept": "1"})

    assert "A place at 星星托育园" in html
    assert "Childcare service agreement between 星星托育园" in html
    assert "¥2,000 per month" in html
    assert "government-guided price" in html
    assert 'name="accept_agreement"' in html and "required" in html
    assert refused.status_code == 200
    assert "Read and accept the service agreement to take the place." in refused.content.decode()
    assert not Placement.objects.exists() and not ServiceAgreement.objects.exists()
    assert not CareTask.objects.exists()
    assert Offer.objects.get().status == OfferStatus.OPEN


def test_accepting_on_the_offer_page(client_as: Callable[[str], Client], offer: Offer, child: Child) -> None:
    response = client_as("guardian").post(
        f"/family/offers/{offer.code}/", {"accept_agreement": "on", "accept": "1"}, follow=True
    )

    assert response.redirect_chain == [("/family/", 302)]
    assert "The place is yours. Welcome!" in response.content.decode()
    placement = Placement.objects.get()
    assert placement.child == child
    assert placement.agreement.accepted_by.display_name == "家长赵女士"


def test_a_refused_accept_on_the_page_says_why_and_writes_nothing(
    client_as: Callable[[str], Client], offer: Offer, child: Child
) -> None:
    child.entry_exams.all().delete()

    response = client_as("guardian").post(
        f"/family/offers/{offer.code}/", {"accept_agreement": "on", "accept": "1"}
    )

    assert response.status_code == 200
    assert "No entry health examination passed" in response.content.decode()
    assert not Placement.objects.exists()
    assert Offer.objects.get().status == OfferStatus.OPEN


def test_declining_on_the_offer_page(client_as: Callable[[str], Client], offer: Offer) -> None:
    response = client_as("guardian").post(f"/family/offers/{offer.code}/", {"decline": "1"}, follow=True)

    assert response.redirect_chain == [("/family/", 302)]
    assert "You declined the place." in response.content.decode()
    assert Offer.objects.get().status == OfferStatus.DECLINED


def test_an_expired_offer_page_has_no_accept_button(client_as: Callable[[str], Client], offer: Offer) -> None:
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    html = html_of(client_as("guardian"), f"/family/offers/{offer.code}/")

    assert "The time to answer has passed" in html
    assert "Accept the place" not in html


def test_the_child_page_shows_the_childs_details(client_as: Callable[[str], Client], child: Child) -> None:
    html = html_of(client_as("guardian"), f"/family/children/{child.code}/")

    assert "<h1>赵小宝</h1>" in html
    assert "(30 months)" in html
    assert "甲区妇幼保健院" in html
    assert f'href="/family/children/{child.code}/export/"' in html
    assert f'href="/family/children/{child.code}/delete/"' in html


def test_the_child_page_records_an_exam(
    client_as: Callable[[str], Client], guardian: User, make_child: MakeChild
) -> None:
    child = make_child(guardian, name="赵二宝")

    response = client_as("guardian").post(
        f"/family/children/{child.code}/",
        {
            "exam": "1",
            "exam-examined_on": today().isoformat(),
            "exam-medical_institution": "甲区人民医院",
            "exam-result": "pass",
        },
    )

    assert response.status_code == 302
    assert child.entry_exams.get().medical_institution == "甲区人民医院"


# The enrolment desk ------------------------------------------------------------------------------------


def test_the_queue_page_shows_vacancies_and_the_queue_with_offer_buttons(
    client_as: Callable[[str], Client],
    application: Application,
    guardian: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    director_x: User,
) -> None:
    offered = apply(guardian, make_child(guardian, name="赵二宝"), institution_x)
    make_offer(director_x, offered, class_x, out_of_order_reason="同胞在园，接送方便")

    html = html_of(client_as("director_x"), "/enrolment/queue/")

    assert '<section class="card" data-institution="星星托育园">' in html
    assert '<td data-vacancy="19">19</td>' in html
    assert f'href="/enrolment/applications/{application.code}/offer/"' in html
    assert f'href="/enrolment/applications/{offered.code}/offer/"' not in html
    assert "赵小宝" in html and "赵二宝" in html and "Place offered" in html


def test_the_director_publishes_a_priority_on_the_queue_page(
    client_as: Callable[[str], Client], institution_x: Institution
) -> None:
    prefix = str(institution_x.pk)

    response = client_as("director_x").post(
        f"/enrolment/institutions/{institution_x.code}/priorities/",
        {f"{prefix}-label": "同胞在园", f"{prefix}-points": "10"},
        follow=True,
    )

    assert "The priority was published." in response.content.decode()
    assert list(QueuePriority.objects.values_list("label", "points")) == [("同胞在园", 10)]
    assert "同胞在园（+10）" in response.content.decode()


def test_the_offer_form_shows_the_child_and_the_classes_with_vacancies(
    client_as: Callable[[str], Client], application: Application
) -> None:
    html = html_of(client_as("director_x"), f"/enrolment/applications/{application.code}/offer/")

    assert "Offer 赵小宝 a place" in html
    assert "Place in the queue: 1." in html
    assert "星星托大班 (Older toddler class, 24-36 months), 20 free" in html
    assert f'value="{start().isoformat()}"' in html


def test_the_offer_form_chooses_the_class_the_child_fits_with_room_and_disables_a_full_one(
    client_as: Callable[[str], Client],
    application: Application,
    institution_x: Institution,
    class_x: CareClass,
) -> None:
    infants = CareClassFactory.create(institution=institution_x, name="星星乳儿班", age_band=AgeBand.INFANT)
    full = CareClassFactory.create(institution=institution_x, name="星星托大一班", age_band=AgeBand.PRESCHOOL)
    CareClass.objects.filter(pk=full.pk).update(capacity=0)

    html = html_of(client_as("director_x"), f"/enrolment/applications/{application.code}/offer/")

    options = {pk: tag for tag, pk in re.findall(r'(<option value="(\d+)"[^>]*>)', html)}
    assert "selected" in options[str(class_x.pk)]  # 30 months old: the older toddlers' class, with room
    assert "disabled" in options[str(full.pk)] and "selected" not in options[str(full.pk)]
    assert "selected" not in options[str(infants.pk)] and "disabled" not in options[str(infants.pk)]
    assert "星星托大一班 (Older toddler class, 24-36 months): full" in html
    assert "星星乳儿班 (Infant class, 6-12 months), 20 free: not for this child&#x27;s age" in html


def test_the_offer_form_sends_the_offer(
    client_as: Callable[[str], Client], application: Application, class_x: CareClass
) -> None:
    deadline = timezone.localtime() + datetime.timedelta(days=2)

    response = client_as("director_x").post(
        f"/enrolment/applications/{application.code}/offer/",
        {
            "care_class": class_x.pk,
            "start_date": start().isoformat(),
            "expires_at": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )

    assert response.redirect_chain == [("/enrolment/queue/", 302)]
    assert escape("The offer was sent to 赵小宝's family.") in response.content.decode()
    offer = Offer.objects.get()
    assert (offer.care_class, offer.start_date) == (class_x, start())
    assert Application.objects.get().status == ApplicationStatus.OFFERED


def test_the_offer_form_shows_a_refusal_and_sends_nothing(
    client_as: Callable[[str], Client], application: Application, class_x: CareClass
) -> None:
    CareClass.objects.filter(pk=class_x.pk).update(capacity=0)
    deadline = timezone.localtime() + datetime.timedelta(days=2)

    response = client_as("director_x").post(
        f"/enrolment/applications/{application.code}/offer/",
        {
            "care_class": class_x.pk,
            "start_date": start().isoformat(),
            "expires_at": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 200
    assert "星星托大班 is full: all 0 places are taken." in response.content.decode()
    assert not Offer.objects.exists()


def test_offering_out_of_queue_order_needs_a_reason_which_the_regulator_reads(
    client_as: Callable[[str], Client],
    application: Application,
    guardian: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    director_x: User,
) -> None:
    second = apply(guardian, make_child(guardian, name="赵二宝"), institution_x)
    infants = CareClassFactory.create(institution=institution_x, name="星星乳儿班", age_band=AgeBand.INFANT)
    baby = apply(guardian, make_child(guardian, name="赵小小", months=8), institution_x)
    deadline = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    fields = {"care_class": class_x.pk, "start_date": start().isoformat(), "expires_at": deadline}
    url = f"/enrolment/applications/{second.code}/offer/"

    page = html_of(client_as("director_x"), url)
    refused = client_as("director_x").post(url, fields)
    with pytest.raises(Refusal) as why:
        make_offer(director_x, second, class_x, out_of_order_reason="   ")
    sent = client_as("director_x").post(
        url, {**fields, "out_of_order_reason": "双胞胎之一已在园，便于同班照护"}
    )
    # the one ahead of the baby does not fit an infant class: no reason needed
    in_order = make_offer(director_x, baby, infants)
    regulator_file = html_of(client_as("regulator_a"), f"/supervision/institutions/{institution_x.code}/")

    assert "1 application is ahead of this one in the queue" in page
    assert (
        refused.status_code == 200
        and "say why this child is offered the place first" in refused.content.decode()
    )
    assert why.value.code == "out_of_order_reason_missing"
    assert sent.status_code == 302
    offer = Offer.objects.get(application=second)
    assert (offer.passed_over, offer.out_of_order_reason) == (1, "双胞胎之一已在园，便于同班照护")
    assert (in_order.passed_over, in_order.out_of_order_reason) == (0, "")
    assert regulator_file.count("data-out-of-order") == 1
    assert "双胞胎之一已在园，便于同班照护" in regulator_file


def test_the_offer_page_says_which_other_applications_accepting_withdraws(
    client_as: Callable[[str], Client],
    offer: Offer,
    guardian: User,
    child: Child,
    institution_y: Institution,
    full_day_y: ServiceOffering,
) -> None:
    CareClassFactory.create(institution=institution_y, name="月亮托大班", age_band=AgeBand.PRESCHOOL)
    apply(guardian, child, institution_y)

    html = html_of(client_as("guardian"), f"/family/offers/{offer.code}/")

    assert "Accepting this place withdraws these applications:" in html
    assert "月亮托育园 · waiting in the queue" in html
    assert "Accepting this place withdraws 1 other application. Accept?" in html


def test_the_roster_lists_the_children_and_ends_a_placement(
    client_as: Callable[[str], Client], guardian: User, make_child: MakeChild, class_x: CareClass
) -> None:
    placement = raw_placement(
        make_child(guardian, name="赵大宝", allergies="花生"),
        class_x,
        start_date=today() - datetime.timedelta(days=10),
    )
    client = client_as("director_x")

    html = html_of(client, f"/enrolment/classes/{class_x.code}/")
    ended = client.post(
        f"/enrolment/placements/{placement.code}/end/",
        {"ends_on": today().isoformat(), "reason": "withdrawn"},
        follow=True,
    )

    assert "星星托育园 · 星星托大班" in html
    assert "1 of 20 places taken, 19 free" in html
    assert '<tr data-child="赵大宝">' in html
    assert "Allergy" in html
    assert ended.redirect_chain == [(f"/enrolment/classes/{class_x.code}/", 302)]
    assert (
        f"The placement ends on {today().isoformat()}; the place is free from then." in ended.content.decode()
    )
    assert "0 of 20 places taken, 20 free" in ended.content.decode()
    assert Placement.objects.get().ends_on == today()


def test_the_roster_refuses_to_end_a_placement_before_it_starts(
    client_as: Callable[[str], Client], guardian: User, make_child: MakeChild, class_x: CareClass
) -> None:
    placement = raw_placement(make_child(guardian, name="赵大宝"), class_x, start_date=today())

    response = client_as("director_x").post(
        f"/enrolment/placements/{placement.code}/end/",
        {"ends_on": (today() - datetime.timedelta(days=1)).isoformat(), "reason": "withdrawn"},
        follow=True,
    )

    assert "A placement cannot end before it starts" in response.content.decode()
    assert Placement.objects.get().ends_on == placement.ends_on


def test_the_tasks_page_lists_and_completes_the_vaccination_check(
    client_as: Callable[[str], Client], offer: Offer, guardian: User
) -> None:
    services.offer_accept(guardian=guardian, offer=offer)
    task = CareTask.objects.get()
    client = client_as("health_worker_x")

    html = html_of(client, "/enrolment/tasks/")
    done = client.post(f"/enrolment/tasks/{task.pk}/done/", {"note": "已查验"}, follow=True)

    assert "赵小宝" in html and "vaccination certificate" in html
    assert (start() + datetime.timedelta(days=30)).isoformat() in html
    assert "No open tasks." in done.content.decode()
    task.refresh_from_db()
    assert task.done_by is not None
    assert (task.note, task.done_by.display_name) == ("已查验", "星星保健员刘")


def test_the_tasks_page_marks_an_overdue_task(
    client_as: Callable[[str], Client], offer: Offer, guardian: User
) -> None:
    services.offer_accept(guardian=guardian, offer=offer)
    CareTask.objects.update(due_on=today() - datetime.timedelta(days=1))

    html = html_of(client_as("health_worker_x"), "/enrolment/tasks/")

    assert 'class="overdue"' in html and "Overdue" in html


def test_a_caregiver_has_no_health_tasks(
    client_as: Callable[[str], Client], offer: Offer, guardian: User
) -> None:
    services.offer_accept(guardian=guardian, offer=offer)
    task = CareTask.objects.get()
    client = client_as("caregiver_x")

    assert "No open tasks." in html_of(client, "/enrolment/tasks/")
    assert client.post(f"/enrolment/tasks/{task.pk}/done/").status_code == 404
    assert CareTask.objects.get().done_at is None


def test_the_privacy_page_without_a_notice(client_as: Callable[[str], Client], notice: object) -> None:
    from tuoyu.enrolment.models import PrivacyNotice

    PrivacyNotice.objects.all().delete()

    assert "No privacy notice is published yet." in html_of(client_as("guardian"), "/family/privacy/")


def test_the_agreement_writes_its_price_as_an_official_does_in_chinese(
    client_as: Callable[[str], Client], offer: Offer
) -> None:
    ServiceOffering.objects.filter(institution=offer.care_class.institution).update(price_yuan=2380)

    html = client_as("guardian").get(f"/family/offers/{offer.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "：¥2,380/月" in html.content.decode()
