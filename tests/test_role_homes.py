"""The home of each role at ``/`` and after signing in: where each persona lands and which panels it sees."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.personas import signed_in_client
from tuoyu.accounts.factories import RoleAssignmentFactory
from tuoyu.accounts.models import Role, User
from tuoyu.daycare.factories import placed_child
from tuoyu.enrolment.models import HealthRecordAccess
from tuoyu.health.models import Referral, ReferralReason
from tuoyu.messaging.services import message_send
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.services import care_class_assign_caregivers

pytestmark = pytest.mark.django_db

PANELS = {
    "director_x": ["classes_today", "enrolment", "findings", "certificates", "family_messages", "messages"],
    "health_worker_x": ["abnormal_checks", "overdue", "referrals", "excluded", "messages"],
    "doctor": ["triage", "messages"],
    "guardian": ["reports", "family_messages", "offers", "messages", "bookings"],
}


def panels(html: str) -> list[str]:
    return re.findall(r'data-panel="([^"]+)"', html)


def test_a_visitor_sees_the_district_overview_at_the_root(anonymous_client: Client) -> None:
    response = anonymous_client.get("/")

    assert response.status_code == 200
    assert {"insights/overview.html", "insights/no_region.html"} & {t.name for t in response.templates}
    assert "data-panel" not in response.content.decode()


@pytest.mark.parametrize(("persona", "expected"), PANELS.items())
def test_each_role_sees_its_panels_at_the_root(
    client_as: Callable[[str], Client], persona: str, expected: list[str]
) -> None:
    response = client_as(persona).get("/")

    assert response.status_code == 200
    assert panels(response.content.decode()) == expected


@pytest.mark.parametrize("persona", PANELS)
def test_every_panel_says_plainly_when_it_has_nothing(
    client_as: Callable[[str], Client], persona: str
) -> None:
    html = client_as(persona).get("/").content.decode()

    for section in html.split('data-panel="')[1:]:
        name = section.split('"', 1)[0]
        assert 'class="empty"' in section.split("</section>", 1)[0] or name in {"enrolment", "classes_today"}


def test_a_regulator_lands_on_the_supervision_desk(client_as: Callable[[str], Client]) -> None:
    response = client_as("regulator_a").get("/")

    assert response.status_code == 302
    assert response["Location"] == "/supervision/desk/"


def test_a_caregiver_of_one_class_goes_straight_to_its_screen(
    client_as: Callable[[str], Client], director_x: User, caregiver_x: User, class_x: CareClass
) -> None:
    care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[caregiver_x])

    response = client_as("caregiver_x").get("/")

    assert response.status_code == 302
    assert response["Location"] == f"/care/classes/{class_x.code}/"


def test_a_caregiver_of_two_classes_chooses(
    client_as: Callable[[str], Client], director_x: User, caregiver_x: User, class_x: CareClass
) -> None:
    other = CareClassFactory.create(institution=class_x.institution, name="托大班")
    for care_class in (class_x, other):
        care_class_assign_caregivers(actor=director_x, care_class=care_class, caregivers=[caregiver_x])

    html = client_as("caregiver_x").get("/").content.decode()

    assert panels(html) == ["my_classes", "family_messages", "messages"]
    assert f"/care/classes/{class_x.code}/" in html
    assert f"/care/classes/{other.code}/" in html
    assert "No class is assigned to you yet" not in html


def test_a_caregiver_without_a_class_sees_the_institutions_classes(
    client_as: Callable[[str], Client], caregiver_x: User, class_x: CareClass
) -> None:
    html = client_as("caregiver_x").get("/").content.decode()

    assert panels(html) == ["my_classes", "family_messages", "messages"]
    assert "No class is assigned to you yet" in html
    assert f"/care/classes/{class_x.code}/" in html


def test_a_user_with_several_roles_sees_the_panels_of_each(
    director_x: User, institution_x: Institution
) -> None:
    RoleAssignmentFactory.create(user=director_x, role=Role.GUARDIAN)

    html = signed_in_client(director_x).get("/").content.decode()

    assert panels(html) == PANELS["director_x"] + ["reports", "offers", "bookings"]


def test_signing_in_lands_on_the_home(client: Client, guardian: User) -> None:
    guardian.set_password("secret-pass-1")
    guardian.save()

    response = client.post("/accounts/login/", {"username": guardian.phone, "password": "secret-pass-1"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_doctor_triage_lists_the_children_who_need_attention_and_logs_the_read(
    client_as: Callable[[str], Client], doctor: User, class_x: CareClass
) -> None:
    referred = placed_child(class_x, name="转诊宝宝")
    well = placed_child(class_x, name="健康宝宝")
    Referral.objects.create(
        child=referred, reason=ReferralReason.OTHER, detail="皮疹待查", referred_on=timezone.localdate()
    )

    html = client_as("doctor").get("/").content.decode()

    triage = html.split('data-panel="triage"')[1].split("</section>")[0]
    assert f"/health/children/{referred.code}/" in triage
    assert str(well.code) not in triage
    assert HealthRecordAccess.objects.filter(user=doctor, child=referred, view="home").exists()
    assert not HealthRecordAccess.objects.filter(child=well).exists()


def test_the_needs_attention_filter_and_the_name_search(
    client_as: Callable[[str], Client], class_x: CareClass
) -> None:
    referred = placed_child(class_x, name="转诊宝宝")
    well = placed_child(class_x, name="健康宝宝")
    Referral.objects.create(
        child=referred, reason=ReferralReason.OTHER, detail="皮疹待查", referred_on=timezone.localdate()
    )
    client = client_as("health_worker_x")

    everyone = client.get("/health/children/").content.decode()
    attention = client.get("/health/children/", {"attention": "1"}).content.decode()
    by_name = client.get("/health/children/", {"q": "健康"}).content.decode()

    assert str(referred.code) in everyone and str(well.code) in everyone
    assert str(referred.code) in attention and str(well.code) not in attention
    assert str(well.code) in by_name and str(referred.code) not in by_name


def test_the_children_list_is_paged(client_as: Callable[[str], Client], class_x: CareClass) -> None:
    children = [placed_child(class_x, name=f"宝宝{number:02d}") for number in range(21)]
    client = client_as("health_worker_x")

    first = client.get("/health/children/").content.decode()
    second = client.get("/health/children/", {"page": "2"}).content.decode()

    assert first.count('data-child="') == 20
    assert second.count('data-child="') == 1
    assert str(children[-1].code) in second


def test_the_director_assigns_caregivers_on_the_institution_page(
    client_as: Callable[[str], Client], caregiver_x: User, class_x: CareClass
) -> None:
    client = client_as("director_x")
    page = client.get(f"/manage/institutions/{class_x.institution.code}/").content.decode()
    assert f'action="/manage/classes/{class_x.code}/caregivers/"' in page

    response = client.post(f"/manage/classes/{class_x.code}/caregivers/", {"caregivers": [caregiver_x.pk]})

    assert response.status_code == 302
    assert list(class_x.caregivers.all()) == [caregiver_x]
    page = client.get(f"/manage/institutions/{class_x.institution.code}/").content.decode()
    assert caregiver_x.display_name in page


def test_only_the_director_assigns_caregivers(client_as: Callable[[str], Client], class_x: CareClass) -> None:
    caregiver_page = client_as("caregiver_x").get(f"/manage/institutions/{class_x.institution.code}/")
    assert "/caregivers/" not in caregiver_page.content.decode()

    for persona in ("caregiver_x", "director_y", "regulator_a"):
        response = client_as(persona).post(f"/manage/classes/{class_x.code}/caregivers/", {"caregivers": []})
        assert response.status_code == 404, persona


def test_the_directors_home_counts_the_familys_unread_messages(
    client_as: Callable[[str], Client],
    director_x: User,
    caregiver_x: User,
    class_x: CareClass,
    guardian: User,
) -> None:
    care_class_assign_caregivers(actor=director_x, care_class=class_x, caregivers=[caregiver_x])
    child = placed_child(class_x, guardian=guardian)
    message_send(actor=guardian, child=child, body="今天有点咳嗽，请多留意。")
    message_send(actor=guardian, child=child, body="午睡前请给她喝点温水。")

    html = client_as("director_x").get("/").content.decode()

    family = html.split('data-panel="family_messages"')[1].split("</section>")[0]
    assert "2 unread family messages" in family
    assert "/conversations/" in family
