"""Photos of the institution for families: the director uploads (JPEG or PNG by their bytes, 12 at most),
orders and deletes them on the management page; the public page shows them, served by a view as the image
they are. Nobody else adds or deletes one."""

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from tuoyu.accounts.models import User
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import Institution, InstitutionPhoto
from tuoyu.registry.services import (
    MAX_INSTITUTION_PHOTOS,
    institution_photo_add,
    institution_photo_delete,
    institution_photo_move_up,
)

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


@pytest.fixture(autouse=True)
def _english_and_media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def png(name: str = "garden.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (120, 180, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def add(director: User, institution: Institution, caption: str = "") -> InstitutionPhoto:
    return institution_photo_add(actor=director, institution=institution, upload=png(), caption=caption)


def test_the_director_adds_photos_in_order(director_x: User, institution_x: Institution) -> None:
    first, second = add(director_x, institution_x, "户外活动场地"), add(director_x, institution_x, "午睡室")

    assert [p.caption for p in institution_x.photos.all()] == ["户外活动场地", "午睡室"]
    stored = str(first.image.name)
    assert stored.endswith(".png") and "garden" not in stored  # a random name
    institution_photo_move_up(actor=director_x, photo=second)
    assert [p.caption for p in institution_x.photos.all()] == ["午睡室", "户外活动场地"]


def test_only_images_and_at_most_twelve(director_x: User, institution_x: Institution) -> None:
    page = SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(Refusal) as refused:
        institution_photo_add(actor=director_x, institution=institution_x, upload=page)
    assert refused.value.code == "photo_not_image"

    for _ in range(MAX_INSTITUTION_PHOTOS):
        add(director_x, institution_x)
    with pytest.raises(Refusal) as refused:
        add(director_x, institution_x)
    assert refused.value.code == "too_many_photos"


def test_nobody_else_adds_or_deletes(
    director_x: User, director_y: User, caregiver_x: User, institution_x: Institution
) -> None:
    photo = add(director_x, institution_x)
    for outsider in (director_y, caregiver_x):
        with pytest.raises(NotPermitted):
            add(outsider, institution_x)
        with pytest.raises(NotPermitted):
            institution_photo_delete(actor=outsider, photo=photo)
    institution_photo_delete(actor=director_x, photo=photo)
    assert not InstitutionPhoto.objects.exists()


def test_the_public_page_shows_them_and_the_view_serves_the_image(
    director_x: User, institution_x: Institution, anonymous_client: Client
) -> None:
    Institution.objects.filter(pk=institution_x.pk).update(public_phone="0537-2345678")
    photo = add(director_x, institution_x, "户外活动场地")

    page = anonymous_client.get(reverse("registry:public_detail", args=[institution_x.code])).content.decode()
    served = anonymous_client.get(reverse("registry:photo", args=[photo.pk]))

    assert reverse("registry:photo", args=[photo.pk]) in page and "户外活动场地" in page
    assert "0537-2345678" in page and institution_x.opening_hours in page
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_the_director_uploads_and_deletes_on_the_management_page(
    client_as: ClientAs, institution_x: Institution
) -> None:
    client = client_as("director_x")
    url = reverse("registry:manage_detail", args=[institution_x.code])
    assert "data-photo-add" in client.get(url).content.decode()

    client.post(reverse("registry:photo_add", args=[institution_x.code]), {"image": png(), "caption": "餐厅"})
    photo = InstitutionPhoto.objects.get()
    assert photo.caption == "餐厅"
    assert 'data-confirm="Delete this photo?' in client.get(url).content.decode()

    client.post(reverse("registry:photo_delete", args=[photo.pk]))
    assert not InstitutionPhoto.objects.exists()


def test_the_caregiver_sees_no_upload_form_and_cannot_post(
    client_as: ClientAs, institution_x: Institution
) -> None:
    client = client_as("caregiver_x")
    page = client.get(reverse("registry:manage_detail", args=[institution_x.code])).content.decode()
    assert "data-photo-add" not in page
    response = client.post(reverse("registry:photo_add", args=[institution_x.code]), {"image": png()})
    assert response.status_code == 404 and not InstitutionPhoto.objects.exists()
