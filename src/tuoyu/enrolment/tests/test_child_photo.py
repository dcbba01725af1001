"""A child's photo: optional, given by a guardian with consent, served only to the guardians, the
caregivers of the child's class and the director, and removed when the consent is withdrawn; the class
screen shows it with the allergy badge."""

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.personas import make_persona
from tuoyu.accounts.models import Role, User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import Child, Placement
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import raw_application, raw_placement, today
from tuoyu.refusals import Refusal
from tuoyu.registry.factories import CareClassFactory
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 48), (240, 180, 120)).save(buffer, format="PNG")
    return SimpleUploadedFile("赵小宝.png", buffer.getvalue(), content_type="image/png")


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def child(guardian: User, make_child: MakeChild, class_x: CareClass) -> Child:
    child = make_child(guardian, allergies="花生过敏，忌食花生及坚果制品")
    raw_placement(child, class_x, start_date=today())
    return child


def test_a_guardian_gives_the_photo_with_consent_and_the_class_sees_it(
    client_as: Callable[[str], Client], child: Child, class_x: CareClass, caregiver_x: User, settings: Any
) -> None:
    class_x.caregivers.add(caregiver_x)
    family = client_as("guardian")

    refused = family.post(f"/family/children/{child.code}/photo/", {"image": png()}, follow=True)
    saved = family.post(f"/family/children/{child.code}/photo/", {"image": png(), "consent": "on"})
    child.refresh_from_db()

    assert "Consent to the staff of the child" in refused.content.decode()
    assert saved.status_code == 302 and child.photo and child.photo_consent_at is not None
    name = str(child.photo.name)
    assert "赵小宝" not in name and name.endswith(".png")  # no family names on disk
    url = f"/children/{child.code}/photo/"
    assert family.get(url)["Content-Type"] == "image/png"
    assert client_as("caregiver_x").get(url).status_code == 200
    assert client_as("director_x").get(url).status_code == 200
    for outsider in ("other_guardian", "director_y", "regulator_a", "doctor"):
        assert client_as(outsider).get(url).status_code == 404, outsider
    row = client_as("caregiver_x").get(f"/care/classes/{class_x.code}/").content.decode()
    assert f'<img class="avatar" src="{url}"' in row
    assert 'data-allergy title="花生过敏，忌食花生及坚果制品">Allergy: 花生过敏，忌食花生…' in row


def _signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_photo_reaches_only_the_class_and_the_director_the_consent_names(
    client_as: Callable[[str], Client],
    guardian: User,
    child: Child,
    class_x: CareClass,
    caregiver_x: User,
    institution_y: Institution,
    class_y: CareClass,
) -> None:
    """Not the caregivers of another class, the health workers, an institution the family only applied to,
    nor one the child has left."""
    services.child_photo_set(guardian=guardian, child=child, upload=png(), consent=True)
    other_class = CareClassFactory.create(institution=class_x.institution, name="月亮托小班")
    other_caregiver = make_persona("星星保育人员王", Role.CAREGIVER, institution=class_x.institution)
    other_class.caregivers.add(other_caregiver)
    class_x.caregivers.add(caregiver_x)
    raw_application(child, institution_y)
    url = f"/children/{child.code}/photo/"

    assert _signed_in(other_caregiver).get(url).status_code == 404
    for outsider in ("health_worker_x", "director_y"):
        assert client_as(outsider).get(url).status_code == 404, outsider
    screen = client_as("health_worker_x").get(f"/care/classes/{class_x.code}/")
    assert screen.status_code == 200 and f'src="{url}"' not in screen.content.decode()

    left = raw_placement(child, class_y, start_date=today() - datetime.timedelta(days=60))
    Placement.objects.filter(pk=left.pk).update(ends_on=today())
    Placement.objects.filter(child=child, care_class=class_x).delete()
    assert client_as("director_y").get(url).status_code == 404
    assert client_as("director_x").get(url).status_code == 404
    assert client_as("guardian").get(url).status_code == 200


def test_only_an_image_is_taken_and_only_with_consent(guardian: User, child: Child) -> None:
    with pytest.raises(Refusal) as no_consent:
        services.child_photo_set(guardian=guardian, child=child, upload=png(), consent=False)
    with pytest.raises(Refusal) as not_image:
        services.child_photo_set(
            guardian=guardian, child=child, upload=SimpleUploadedFile("a.png", b"<html>"), consent=True
        )

    assert (no_consent.value.code, not_image.value.code) == ("photo_consent_missing", "photo_not_image")
    child.refresh_from_db()
    assert not child.photo


def test_withdrawing_the_consent_removes_the_photo(
    client_as: Callable[[str], Client],
    guardian: User,
    child: Child,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.child_photo_set(guardian=guardian, child=child, upload=png(), consent=True)
    assert len(stored_files(settings)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("guardian").post(f"/family/children/{child.code}/photo/remove/")

    child.refresh_from_db()
    assert response.status_code == 302
    assert not child.photo and child.photo_consent_at is None
    assert stored_files(settings) == []
    assert client_as("guardian").get(f"/children/{child.code}/photo/").status_code == 404
