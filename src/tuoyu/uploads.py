"""Uploaded documents (scans of licences and certificates, filing materials, report photos): accepted,
stored and served by what their bytes are, never by their name or the browser's word for them.

- Accepted: PDF, JPEG or PNG by the first bytes (``validate_upload``), at most 20 MB.
- Stored: under a random name with the extension of the sniffed type (``SniffedFileField``), whatever the
  uploader called it, so that ``scan.html`` holding a PDF is stored as ``<random>.pdf``.
- Served: only by views that check the reader, through ``serve_upload``: the type sniffed again from the
  stored bytes (anything else is a 404), ``X-Content-Type-Options: nosniff``, PDFs as attachments, and a
  Content-Security-Policy that lets nothing in the file run.
- Photos (report photos, message photos, institution photos, a child's photo): ``photo_checked`` accepts a
  JPEG or PNG by its bytes and its size, and re-encodes it without any metadata (EXIF with the GPS position
  and the device, PNG text chunks), the camera's orientation applied to the pixels.
- Removed files go once the transaction commits (``delete_on_commit``), so a rollback keeps them.
"""

import io
import uuid
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

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


def photo_checked(upload: File, *, max_bytes: int | None = None) -> File:
    """The photo as a fresh JPEG or PNG without metadata, its orientation applied; refused with
    ``photo_not_image`` unless it is a JPEG or PNG by its bytes, ``photo_too_large`` above ``max_bytes``
    (``settings.REPORT_PHOTO_MAX_BYTES`` unless given)."""
    from tuoyu.refusals import Refusal  # here: refusals loads the API, which loads the models

    limit = settings.REPORT_PHOTO_MAX_BYTES if max_bytes is None else max_bytes
    not_image = Refusal(
        _("“%(name)s” is not a photo: only JPEG or PNG images can be added.") % {"name": upload.name},
        "photo_not_image",
    )
    kind = sniff_content_type(upload)
    if kind not in IMAGE_TYPES:
        raise not_image
    if upload.size is None or upload.size > limit:
        raise Refusal(
            _("“%(name)s” is %(size).1f MB; a photo may be at most %(max).0f MB.")
            % {"name": upload.name, "size": (upload.size or 0) / 1024 / 1024, "max": limit / 1024 / 1024},
            "photo_too_large",
        )
    try:
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # nothing of the original's metadata is carried over
            out = io.BytesIO()
            if kind == JPEG:
                if upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
                upright.save(out, format="JPEG", quality=90)  # no exif=, no icc_profile=: no metadata
            else:
                extra = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
                upright.save(out, format="PNG", **extra)  # no pnginfo=, no exif=: no text chunks
    except Exception:  # whatever a malformed or oversized picture makes the decoder raise
        raise not_image from None
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name=with_extension_of(upload.name or "", kind))


def delete_on_commit(stored: FieldFile) -> None:
    """Delete the stored file once the transaction commits (nothing if there is none)."""
    name, storage = stored.name, stored.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


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
