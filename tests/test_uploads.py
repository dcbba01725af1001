"""Uploads are accepted by what they contain (PDF, JPEG, PNG), never by their name, and up to 20 MB."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import transaction
from django.utils import translation
from PIL import Image, PngImagePlugin

from tests.personas import signed_in_client
from tuoyu.accounts.factories import UserFactory
from tuoyu.refusals import Refusal
from tuoyu.registry.models import InstitutionPhoto
from tuoyu.uploads import MAX_UPLOAD_BYTES, delete_on_commit, photo_checked, validate_upload

PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(32)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
TWENTY_MB = 20 * 1024 * 1024


def refusal(upload: Any) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_upload(upload)
    (message,) = raised.value.messages
    return message


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("licence.pdf", PDF, "application/pdf"),
        ("licence.jpg", JPEG, "image/jpeg"),
        ("licence.png", PNG, "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_content(name: str, content: bytes, kind: str) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    assert validate_upload(upload) == kind


def test_the_name_and_the_browsers_word_do_not_matter_only_the_content() -> None:
    upload = SimpleUploadedFile("scan.pdf", PNG, content_type="application/pdf")

    assert validate_upload(upload) == "image/png"


def test_the_file_can_be_read_from_the_start_after_the_check() -> None:
    upload = SimpleUploadedFile("licence.pdf", PDF)
    upload.read(3)

    validate_upload(upload)

    assert upload.read() == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("licence.pdf", b"This is not a PDF, only text named like one.", id="text-named-pdf"),
        pytest.param("licence.pdf", b"", id="empty"),
        pytest.param("licence.pdf", b"PDF-1.4 without the percent sign", id="almost-pdf"),
        pytest.param("photo.jpg", b"GIF89a\x01\x00\x01\x00", id="gif-named-jpg"),
        pytest.param("page.png", b"<html><script>alert(1)</script></html>", id="html-named-png"),
        pytest.param("licence.docx", b"PK\x03\x04" + bytes(30), id="word-document"),
    ],
)
def test_anything_else_is_refused_naming_the_file(name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    message = refusal(upload)

    assert name in message
    assert "not a PDF, JPEG or PNG" in message


def test_exactly_20_mb_is_accepted() -> None:
    upload = SimpleUploadedFile("big.pdf", PDF)
    upload.size = MAX_UPLOAD_BYTES  # the size Django reports; no need to hold 20 MB in memory

    assert MAX_UPLOAD_BYTES == TWENTY_MB
    assert validate_upload(upload) == "application/pdf"


def test_one_byte_over_20_mb_is_refused_saying_the_size() -> None:
    upload = SimpleUploadedFile("big.pdf", PDF)
    upload.size = TWENTY_MB + 1

    message = refusal(upload)

    assert "big.pdf" in message
    assert "20.0 MB" in message
    assert "at most 20 MB" in message


def test_a_large_file_on_disk_is_refused_by_its_size() -> None:
    """A TemporaryUploadedFile as Django makes for big uploads; sparse, so 25 MB are never written."""
    size = 25 * 1024 * 1024
    upload = TemporaryUploadedFile("scan.pdf", "application/pdf", size, None)
    try:
        upload.write(PDF)
        upload.seek(size - 1)
        upload.write(b"\n")
        upload.flush()
        upload.seek(0)
        assert Path(upload.temporary_file_path()).stat().st_size == size

        message = refusal(upload)
    finally:
        upload.close()

    assert "25.0 MB" in message


# Stored and served by what the bytes are -------------------------------------------------------------------

HTML_IN_PDF_CLOTHES = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def certificate_upload_form(name: str, content: bytes) -> dict[str, Any]:
    return {
        "certificate-certificate_type": "health",
        "certificate-number": "JK-2026-001",
        "certificate-issuer": "甲区疾控中心",
        "certificate-issued_on": "2026-01-05",
        "certificate-scan": SimpleUploadedFile(name, content, content_type="text/html"),
    }


@pytest.mark.django_db
def test_a_pdf_named_scan_html_is_stored_as_pdf_and_served_as_a_pdf_download(
    client_as: Any, staff_x: Any, regulator_a: Any
) -> None:
    client_as("director_x").post(
        f"/workforce/staff/{staff_x.code}/", certificate_upload_form("scan.html", PDF)
    )
    certificate = staff_x.certificates.get()

    response = client_as("regulator_a").get(f"/workforce/certificates/{certificate.code}/scan/")

    assert certificate.scan.name.endswith(".pdf") and "scan" not in certificate.scan.name
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"] and ".html" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [("scan.svg", SVG), ("scan.pdf", HTML_IN_PDF_CLOTHES)])
def test_svg_and_html_are_refused_on_the_page(
    client_as: Any, staff_x: Any, name: str, content: bytes
) -> None:
    client_as("director_x").post(f"/workforce/staff/{staff_x.code}/", certificate_upload_form(name, content))

    assert not staff_x.certificates.exists()


@pytest.mark.django_db
def test_the_back_office_refuses_html_and_renames_what_it_accepts(client_as: Any, staff_x: Any) -> None:
    """The field itself checks and renames, so no path (here the back office's inline) can store HTML."""
    from tuoyu.workforce.models import Certificate

    certificate = Certificate(
        staff=staff_x, certificate_type="health", number="A1", issuer="x", issued_on="2026-01-05"
    )
    certificate.scan = SimpleUploadedFile("evil.html", HTML_IN_PDF_CLOTHES)  # type: ignore[assignment]
    with pytest.raises(ValidationError):
        certificate.full_clean()
    with pytest.raises(ValidationError), transaction.atomic():
        certificate.save()

    certificate.scan = SimpleUploadedFile("photo.svg", PNG)  # type: ignore[assignment]
    certificate.save()
    assert certificate.scan.name.endswith(".png") and "photo" not in certificate.scan.name


@pytest.mark.django_db
def test_a_stored_file_that_is_not_a_known_type_is_never_served(
    client_as: Any, staff_x: Any, settings: Any
) -> None:
    """Files stored before the check (or put there by hand) are sniffed again when read."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tuoyu.workforce.models import Certificate

    name = default_storage.save("certificates/old-scan.pdf", ContentFile(HTML_IN_PDF_CLOTHES))
    certificate = Certificate.objects.create(
        staff=staff_x, certificate_type="health", number="A1", issuer="x", issued_on="2026-01-05"
    )
    Certificate.objects.filter(pk=certificate.pk).update(scan=name)

    response = client_as("director_x").get(f"/workforce/certificates/{certificate.code}/scan/")

    assert response.status_code == 404
    assert b"<script>" not in response.content


@pytest.mark.django_db
def test_a_filing_material_keeps_its_name_with_the_sniffed_extension(
    client_as: Any, director_x: Any, institution_x: Any
) -> None:
    from tuoyu.filings.models import FilingKind
    from tuoyu.filings.services import filing_attach, filing_start

    filing = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    material = filing_attach(
        actor=director_x,
        filing=filing,
        kind="business_licence",
        upload=SimpleUploadedFile("营业执照.html", PDF, content_type="text/html"),
    )

    response = client_as("director_x").get(f"/filings/materials/{material.code}/")

    assert material.original_name == "营业执照.pdf"
    assert material.file.name.endswith(".pdf") and "营业执照" not in material.file.name
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_images_are_shown_inline_as_their_sniffed_type(client_as: Any, staff_x: Any) -> None:
    from tuoyu.workforce.models import Certificate

    certificate = Certificate(
        staff=staff_x, certificate_type="health", number="A1", issuer="x", issued_on="2026-01-05"
    )
    certificate.scan = SimpleUploadedFile("scan.jpg", PNG)  # type: ignore[assignment]
    certificate.save()

    response = client_as("director_x").get(f"/workforce/certificates/{certificate.code}/scan/")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_back_office_links_a_scan_through_the_checking_view_never_by_its_file(
    client_as: Any, staff_x: Any
) -> None:

    client_as("director_x").post(
        f"/workforce/staff/{staff_x.code}/", certificate_upload_form("scan.pdf", PDF)
    )
    certificate = staff_x.certificates.get()
    superuser = UserFactory.create(is_staff=True, is_superuser=True)

    page = signed_in_client(superuser).get(f"/admin/workforce/staff/{staff_x.pk}/change/").content.decode()

    assert f'href="/workforce/certificates/{certificate.code}/scan/"' in page
    assert certificate.scan.name not in page
    assert "/media/" not in page


def _picture(fmt: str, size: tuple[int, int] = (30, 20), **options: Any) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def test_a_photo_is_re_encoded_without_metadata_and_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held sideways
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (31.0, 14.0, 9.0)  # GPSLatitude
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "PhoneMaker")
    for fmt, options in (("JPEG", {"exif": exif}), ("PNG", {"exif": exif, "pnginfo": info})):
        raw = _picture(fmt, **options)
        assert b"PhoneMaker" in raw
        checked = photo_checked(SimpleUploadedFile(f"IMG.{fmt}", raw))
        data = checked.read()
        assert b"PhoneMaker" not in data and b"Exif" not in data and b"eXIf" not in data
        assert str(checked.name) == f"IMG.{'jpg' if fmt == 'JPEG' else 'png'}"
        with Image.open(io.BytesIO(data)) as picture:
            assert picture.format == fmt and picture.size == (20, 30)  # upright
            assert not picture.getexif() and "Comment" not in picture.info


@pytest.mark.parametrize(
    "content",
    [b"just some text, not a picture\n", JPEG, PNG],  # the last two: right first bytes, no picture
)
def test_what_is_not_a_photo_is_refused(content: bytes) -> None:
    with translation.override("en"), pytest.raises(Refusal) as refused:
        photo_checked(SimpleUploadedFile("notes.jpg", content))
    assert refused.value.code == "photo_not_image"
    assert "is not a photo" in refused.value.messages[0]


def test_a_photo_above_the_limit_is_refused_before_it_is_read(settings: Any) -> None:
    settings.REPORT_PHOTO_MAX_BYTES = 100
    with pytest.raises(Refusal) as refused:
        photo_checked(SimpleUploadedFile("big.png", _picture("PNG", (64, 64))))
    assert refused.value.code == "photo_too_large"
    assert photo_checked(SimpleUploadedFile("big.png", _picture("PNG", (64, 64))), max_bytes=10**6)


@pytest.mark.django_db(transaction=True)
def test_a_file_is_deleted_only_once_the_transaction_commits(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    photo = InstitutionPhoto(image=ContentFile(_picture("PNG"), name="x.png"))
    name = photo.image.storage.save("photos/x.png", photo.image.file)
    photo.image.name = name
    with pytest.raises(RuntimeError), transaction.atomic():
        delete_on_commit(photo.image)
        raise RuntimeError
    assert photo.image.storage.exists(name)
    with transaction.atomic():
        delete_on_commit(photo.image)
        assert photo.image.storage.exists(name)
    assert not photo.image.storage.exists(name)
