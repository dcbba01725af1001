"""The printable record of an inspection (检查记录), as a PDF drawn by WeasyPrint in a CJK font."""

from django.http import HttpResponse

from tuoyu.pdf import image_data_url, pdf_bytes, pdf_response
from tuoyu.supervision.models import Inspection
from tuoyu.supervision.selectors.inspections import failed_items, items_of

STYLESHEET = "tuoyu/inspection-record.css"


def inspection_pdf_bytes(inspection: Inspection) -> bytes:
    items = items_of(inspection)
    rows = [(item, [image_data_url(photo.file) for photo in item.photos.all()]) for item in items]
    # The record draws only what it carries (photos and signatures as data URLs): it fetches nothing.
    return pdf_bytes(
        "supervision/inspection_pdf.html",
        {
            "inspection": inspection,
            "rows": rows,
            "failed": failed_items(items),
            "inspector_signature": image_data_url(inspection.inspector_signature),
            "director_signature": image_data_url(inspection.director_signature),
        },
        stylesheet=STYLESHEET,
    )


def inspection_pdf_response(inspection: Inspection) -> HttpResponse:
    return pdf_response(inspection_pdf_bytes(inspection), f"inspection-{inspection.pk}.pdf")
