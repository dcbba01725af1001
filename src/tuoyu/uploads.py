"""Checks on uploaded documents (scans of licences, certificates, reports).

The type is read from the file's first bytes, not from its name or the browser's word for it.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def validate_upload(upload: UploadedFile) -> str:
    """Return the sniffed content type of a PDF, JPEG or PNG of at most 20 MB; refuse anything else."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most 20 MB.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024}
        )
    kind = sniff_content_type(upload)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file. Please upload a scan in one of these formats.")
            % {"name": upload.name}
        )
    return kind
