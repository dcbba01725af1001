"""A guardian's rights over the child's data (PIPL art. 45, 47): a full copy, and deletion unless records
must be kept because the child has held a place."""

import datetime
import json
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tuoyu.accounts.identity import mask_identity_number
from tuoyu.accounts.models import User
from tuoyu.enrolment import privacy, services
from tuoyu.enrolment.models import (
    Application,
    Child,
    DeletionRequest,
    EntryExam,
    Guardianship,
    Offer,
    PickupPerson,
    Placement,
    Relation,
)
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import apply, make_offer, raw_placement, today
from tuoyu.notifications.models import Notification
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.workforce.factories import make_identity_number

pytestmark = pytest.mark.django_db

GRANNY_ID = make_identity_number(5, datetime.date(1960, 1, 1))


@pytest.fixture
def child(
    guardian: User,
    director_x: User,
    make_child: MakeChild,
    institution_x: Institution,
    class_x: CareClass,
    full_day_x: ServiceOffering,
) -> Child:
    """赵小宝 with allergies, a pick-up person, an exam, and an application to X with an open offer."""
    child = make_child(guardian, exam=True, allergies="花生", special_needs="需要午睡陪伴")
    services.pickup_person_add(
        guardian=guardian,
        child=child,
        name="赵奶奶",
        relation="grandparent",
        phone="13912345678",
        identity_number=GRANNY_ID,
    )
    make_offer(director_x, apply(guardian, child, institution_x), class_x)
    return child


@pytest.fixture
def sibling(guardian: User, other_guardian: User, make_child: MakeChild) -> Child:
    """Another child of the same guardian, and a child of another family, to be left out of the copy."""
    make_child(other_guardian, name="钱小满", allergies="牛奶")
    return make_child(guardian, name="赵二宝", allergies="鸡蛋")


def test_the_export_holds_everything_about_the_child_and_nothing_else(
    guardian: User, child: Child, sibling: Child
) -> None:
    data = privacy.child_data_export(guardian=guardian, child=child)

    assert data["child"]["name"] == "赵小宝"
    assert data["child"]["birth_date"] == child.birth_date.isoformat()
    assert (data["child"]["allergies"], data["child"]["special_needs"]) == ("花生", "需要午睡陪伴")
    assert data["guardians"] == [
        {"name": guardian.display_name, "relation": "Mother", "mobile": guardian.phone}
    ]
    masked = mask_identity_number(GRANNY_ID)  # masked in every export, the family's own included
    assert [(p["name"], p["identity_number"]) for p in data["pickup_persons"]] == [("赵奶奶", masked)]
    assert [e["medical_institution"] for e in data["entry_exams"]] == ["甲区妇幼保健院"]
    assert [(a["institution"], a["status"]) for a in data["applications"]] == [
        ("星星托育园", "Place offered")
    ]
    assert data["placements"] == []
    text = json.dumps(data, ensure_ascii=False)
    for other in ("赵二宝", "鸡蛋", "钱小满", "牛奶"):
        assert other not in text


def test_only_a_guardian_of_the_child_exports_or_deletes(
    other_guardian: User, director_x: User, child: Child
) -> None:
    for actor in (other_guardian, director_x):
        with pytest.raises(Refusal) as export:
            privacy.child_data_export(guardian=actor, child=child)
        with pytest.raises(Refusal) as delete:
            privacy.child_delete_request(guardian=actor, child=child, confirm="赵小宝")
        assert (export.value.code, delete.value.code) == ("not_guardian", "not_guardian")
    assert Child.objects.filter(pk=child.pk).exists()
    assert not DeletionRequest.objects.exists()


def test_the_export_page_downloads_json(client_as: Callable[[str], Client], child: Child) -> None:
    response = client_as("guardian").get(f"/family/children/{child.code}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="child-{child.code}.json"'
    assert json.loads(response.content)["child"]["name"] == "赵小宝"


def test_the_export_api(api_as: Callable[[str], APIClient], child: Child, sibling: Child) -> None:
    body = api_as("guardian").get(f"/api/v1/children/{child.code}/export/").json()

    assert body["child"]["name"] == "赵小宝"
    assert "赵二宝" not in json.dumps(body, ensure_ascii=False)


def test_a_child_who_never_held_a_place_is_deleted_with_everything_about_them(
    guardian: User, child: Child, sibling: Child
) -> None:
    code = child.code

    request = privacy.child_delete_request(guardian=guardian, child=child, confirm="赵小宝")

    assert (request.outcome, request.reason) == (DeletionRequest.Outcome.DELETED, "")
    assert (request.child_name, request.child_code, request.requested_by) == ("赵小宝", code, guardian)
    assert not Child.objects.filter(code=code).exists()
    assert not Application.objects.exists()
    assert not Offer.objects.exists()
    assert not PickupPerson.objects.exists()
    assert not EntryExam.objects.exists()
    assert Child.objects.filter(pk=sibling.pk).exists()
    assert DeletionRequest.objects.get() == request


def test_a_child_who_held_a_place_is_kept_and_the_reason_given(
    guardian: User, child: Child, class_y: CareClass
) -> None:
    raw_placement(child, class_y, start_date=today() - datetime.timedelta(days=100))

    request = privacy.child_delete_request(guardian=guardian, child=child, confirm="赵小宝")

    assert request.outcome == DeletionRequest.Outcome.REFUSED
    assert "赵小宝 has held a place" in request.reason
    assert "§7.8" in request.reason
    assert Child.objects.filter(pk=child.pk).exists()
    assert Placement.objects.filter(child=child).exists()
    assert child.applications.exists()
    assert DeletionRequest.objects.get() == request


def test_deleting_on_the_page(client_as: Callable[[str], Client], child: Child) -> None:
    client = client_as("guardian")

    confirm = client.get(f"/family/children/{child.code}/delete/")
    deleted = client.post(f"/family/children/{child.code}/delete/", {"confirm": " 赵小宝 "}, follow=True)

    assert "Delete all data about 赵小宝?" in confirm.content.decode()
    assert deleted.redirect_chain == [("/family/", 302)]
    assert "All data about 赵小宝 were deleted." in deleted.content.decode()
    assert not Child.objects.filter(pk=child.pk).exists()
    assert DeletionRequest.objects.get().outcome == DeletionRequest.Outcome.DELETED


def test_a_refused_deletion_on_the_page_says_why(
    client_as: Callable[[str], Client], child: Child, class_y: CareClass
) -> None:
    raw_placement(child, class_y)

    response = client_as("guardian").post(
        f"/family/children/{child.code}/delete/", {"confirm": "赵小宝"}, follow=True
    )

    assert response.redirect_chain == [(f"/family/children/{child.code}/", 302)]
    assert "has held a place at an institution" in response.content.decode()
    assert Child.objects.filter(pk=child.pk).exists()
    assert DeletionRequest.objects.get().outcome == DeletionRequest.Outcome.REFUSED


def test_the_deletion_api_answers_with_the_outcome(
    api_as: Callable[[str], APIClient], guardian: User, child: Child, sibling: Child, class_y: CareClass
) -> None:
    raw_placement(sibling, class_y)
    api = api_as("guardian")

    deleted = api.post(f"/api/v1/children/{child.code}/deletion/", {"confirm": "赵小宝"}, format="json")
    kept = api.post(f"/api/v1/children/{sibling.code}/deletion/", {"confirm": "赵二宝"}, format="json")

    assert deleted.json() == {"outcome": "deleted", "reason": ""}
    assert kept.json()["outcome"] == "refused"
    assert "赵二宝 has held a place" in kept.json()["reason"]
    assert list(Child.objects.filter(guardianships__user=guardian)) == [sibling]
    assert DeletionRequest.objects.count() == 2


@pytest.mark.parametrize("typed", ["", "赵小", "赵二宝", "赵小宝宝"])
def test_deletion_needs_the_childs_name_typed_again_and_a_wrong_one_changes_nothing(
    guardian: User, child: Child, typed: str
) -> None:
    with pytest.raises(Refusal) as refusal:
        privacy.child_delete_request(guardian=guardian, child=child, confirm=typed)

    assert refusal.value.code == "confirmation_required"
    assert "type the child's name exactly as it is recorded: 赵小宝." in refusal.value.text
    assert Child.objects.filter(pk=child.pk).exists()
    assert PickupPerson.objects.filter(child=child).exists()
    assert not DeletionRequest.objects.exists()


def test_a_single_post_without_the_name_deletes_nothing_on_the_page_or_the_api(
    client_as: Callable[[str], Client], api_as: Callable[[str], APIClient], child: Child
) -> None:
    page = client_as("guardian").post(f"/family/children/{child.code}/delete/")
    api = api_as("guardian").post(f"/api/v1/children/{child.code}/deletion/", {}, format="json")
    wrong = api_as("guardian").post(
        f"/api/v1/children/{child.code}/deletion/", {"confirm": "别人"}, format="json"
    )

    assert page.status_code == 400
    assert "type the child&#x27;s name exactly as it is recorded" in page.content.decode()
    assert (api.status_code, api.json()["code"]) == (400, "invalid")
    assert "confirm" in api.json()["detail"]
    assert (wrong.status_code, wrong.json()["code"]) == (400, "confirmation_required")
    assert Child.objects.filter(pk=child.pk).exists()
    assert not DeletionRequest.objects.exists()


def test_the_other_guardians_are_told_when_a_child_is_deleted(
    guardian: User, other_guardian: User, child: Child
) -> None:
    Guardianship.objects.create(child=child, user=other_guardian, relation=Relation.MOTHER)

    privacy.child_delete_request(guardian=guardian, child=child, confirm="赵小宝")

    told = Notification.objects.get(kind="child_deleted")
    assert (told.user, told.sent_by_sms) == (other_guardian, True)
    assert told.title == "The data about 赵小宝 were deleted" and told.link == "/family/"
    assert guardian.display_name in told.body
