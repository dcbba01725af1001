"""Uploaded documents (scans of licences and certificates, filing materials, report photos): accepted,
stored and served by what their bytes are, never by their name or the browser's word for them.

- Accepted: PDF, JPEG or PNG by the first bytes (``validate_upload``), at most 20 MB.
- Stored: under a random name with the extension of the sniffed type (``SniffedFileField``), whatever the
  uploader called it, so that ``scan.html`` holding a PDF is stored as ``<random>.pdf``.
- Served: only by views that check the reader, through ``serve_upload``: the type sniffed again from the
  stored bytes (anything else is a 404), ``X-Content-Type-Options: nosniff``, PDFs as attachments, and a
  Content-Security-Policy that lets nothing in the file run.
"""

import uuid
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
SIGNATURES = {b"%PDF-": PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
DOCUMENT_TYPES = (PDF, JPEG, PNG)
IMAGE_TYPES = (JPEG, PNG)
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def sniff_content_type(upload: IO[bytes] | File) -> str | None:
    """PDF, JPEG or PNG by the first bytes (the file is left at its start), else None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def validate_upload(upload: File, *, allowed: tuple[str, ...] = DOCUMENT_TYPES) -> str:
    """Return the sniffed content type of a PDF, JPEG or PNG of at most 20 MB; refuse anything else."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most 20 MB.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024},
            code="upload_too_large",
        )
    kind = sniff_content_type(upload)
    if kind not in allowed:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file. Please upload a scan in one of these formats.")
            % {"name": upload.name}
            if allowed == DOCUMENT_TYPES
            else _("“%(name)s” is not a photo: only JPEG or PNG images can be added.")
            % {"name": upload.name},
            code="upload_type",
        )
    assert kind is not None
    return kind


def with_extension_of(name: str, kind: str) -> str:
    """The uploader's name with the extension of what the file is (a PDF ``scan.html``: ``scan.pdf``)."""
    stem = PurePosixPath(name or "").stem or "file"
    return f"{stem}.{EXTENSIONS[kind]}"


class SniffedFileField(models.FileField):
    """A FileField that accepts only the given types by their bytes and stores them under a random name with
    the sniffed extension, on every path: services, forms and the back office."""

    def __init__(self, *args: Any, allowed: tuple[str, ...] = DOCUMENT_TYPES, **kwargs: Any) -> None:
        self.allowed = tuple(allowed)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.allowed != DOCUMENT_TYPES:
            kwargs["allowed"] = self.allowed
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if value and not value._committed:
            validate_upload(value, allowed=self.allowed)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            kind = validate_upload(file, allowed=self.allowed)
            file.name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
        return super().pre_save(model_instance, add)


def serve_upload(stored: FieldFile, *, download_name: str = "") -> FileResponse:
    """The stored file as its sniffed type: PDFs to download, images to show; nothing a browser would run."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = sniff_content_type(handle)
    if kind is None:
        handle.close()
        raise Http404
    name = with_extension_of(download_name or PurePosixPath(stored.name or "").name, kind)
    response = FileResponse(handle, content_type=kind, as_attachment=kind == PDF, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response
