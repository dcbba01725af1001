"""A child's photo: optional, given by a guardian with consent, served only to those who see the child, and
removed when the consent is withdrawn; the class screen shows it with the allergy badge."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tuoyu.accounts.models import User
from tuoyu.enrolment import services
from tuoyu.enrolment.models import Child
from tuoyu.enrolment.tests.conftest import MakeChild
from tuoyu.enrolment.tests.helpers import raw_placement, today
from tuoyu.refusals import Refusal
from tuoyu.registry.models import CareClass

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
    client_as: Callable[[str], Client], child: Child, class_x: CareClass, settings: Any
) -> None:
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
    for outsider in ("other_guardian", "director_y", "regulator_a", "doctor"):
        assert client_as(outsider).get(url).status_code == 404, outsider
    row = client_as("caregiver_x").get(f"/care/classes/{class_x.code}/").content.decode()
    assert f'<img class="avatar" src="{url}"' in row
    assert 'data-allergy title="花生过敏，忌食花生及坚果制品">Allergy: 花生过敏，忌食花生…' in row


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
