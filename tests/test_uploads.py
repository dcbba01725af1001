"""Uploads are accepted by what they contain (PDF, JPEG, PNG), never by their name, and up to 20 MB."""

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation

from tuoyu.uploads import MAX_UPLOAD_BYTES, validate_upload

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
