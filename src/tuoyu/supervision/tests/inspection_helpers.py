"""Shared by the inspection tests: real PNG bytes, and an inspection answered and signed."""

import base64
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.accounts.models import User
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import Checklist, Inspection, ItemResult
from tuoyu.supervision.services.inspections import (
    inspection_record_item,
    inspection_sign,
    inspection_start,
)


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real PNG (black pixels), which WeasyPrint can draw."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes()).decode()


def routine() -> Checklist:
    return Checklist.objects.get(code="routine")


def answer_all(inspection: Inspection, actor: User, result: str = ItemResult.PASS) -> None:
    """Answer every item with ``result``, giving a reason where it overrides the data."""
    for item in inspection.items.all():
        inspection_record_item(
            item=item,
            actor=actor,
            result=result,
            override_reason="现场核实" if item.prefilled and item.prefilled != result else "",
        )


def sign_both(inspection: Inspection, actor: User) -> None:
    inspection_sign(inspection=inspection, actor=actor, signer="inspector", signature=data_url())
    inspection_sign(
        inspection=inspection, actor=actor, signer="director", signature=data_url(), director_name="李园长"
    )


def started(institution: Institution, actor: User, checklist: Checklist | None = None) -> Inspection:
    return inspection_start(institution=institution, checklist=checklist or routine(), actor=actor)
