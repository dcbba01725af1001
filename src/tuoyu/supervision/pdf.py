"""The printable record of an inspection (检查记录), as a PDF drawn by WeasyPrint in a CJK font."""

import base64

from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from tuoyu.supervision.models import Inspection
from tuoyu.supervision.selectors.inspections import failed_items, items_of
from tuoyu.uploads import sniff_content_type

STYLESHEET = "tuoyu/inspection-record.css"


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
    from weasyprint import CSS, HTML  # heavy: loaded only when a record is printed
    from weasyprint.urls import URLFetcher

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
    stylesheet = finders.find(STYLESHEET)
    assert isinstance(stylesheet, str), STYLESHEET
    # The record draws only what it carries (photos and signatures as data URLs): it fetches nothing.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[CSS(filename=stylesheet)])


def inspection_pdf_response(inspection: Inspection) -> HttpResponse:
    response = HttpResponse(inspection_pdf_bytes(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inspection-{inspection.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
