"""The printable record of an inspection (检查记录), as a PDF drawn by WeasyPrint in a CJK font."""

import base64

from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from tuoyu.supervision.models import Inspection
from tuoyu.supervision.selectors.inspections import failed_items, items_of
from tuoyu.uploads import sniff_content_type


def _data_url(stored: FieldFile) -> str:
    """An image stored for the inspection as a data URL, so that the PDF reads no file by its URL."""
    if not stored:
        return ""
    try:
        with stored.open("rb") as handle:
            kind = sniff_content_type(handle)
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return ""
    if kind is None or not kind.startswith("image/"):
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def inspection_pdf_bytes(inspection: Inspection) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a record is printed

    items = items_of(inspection)
    rows = [(item, [_data_url(photo.file) for photo in item.photos.all()]) for item in items]
    # The record is an official document of the district: printed in Chinese, whoever prints it.
    with translation.override("zh-hans"):
        html = render_to_string(
            "supervision/inspection_pdf.html",
            {
                "inspection": inspection,
                "rows": rows,
                "failed": failed_items(items),
                "inspector_signature": _data_url(inspection.inspector_signature),
                "director_signature": _data_url(inspection.director_signature),
            },
        )
    return HTML(string=html).write_pdf()


def inspection_pdf_response(inspection: Inspection) -> HttpResponse:
    response = HttpResponse(inspection_pdf_bytes(inspection), content_type="application/pdf")
    filename = f"inspection-{inspection.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
