"""One way to print an official document: a template drawn by WeasyPrint in a CJK font, in Chinese.

Every PDF of Tuoyu (an inspection record, a subsidy decision letter, a family's fee statement) is rendered
here: in Chinese whoever prints it (the documents are the district's), with the stylesheet named, and
fetching nothing but the data URLs it carries.
"""

import base64

from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from tuoyu.uploads import sniff_content_type

DOCUMENT_STYLESHEET = "tuoyu/document.css"


def image_data_url(stored: FieldFile) -> str:
    """An uploaded image as a data URL, so that the PDF reads no file by its URL ("" when not an image)."""
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


def pdf_bytes(template: str, context: dict[str, object], *, stylesheet: str = DOCUMENT_STYLESHEET) -> bytes:
    """The template rendered in Chinese and printed as a PDF with ``stylesheet`` (a static file)."""
    from weasyprint import CSS, HTML  # heavy: loaded only when a document is printed
    from weasyprint.urls import URLFetcher

    with translation.override("zh-hans"):
        html = render_to_string(template, context)
    found = finders.find(stylesheet)
    assert isinstance(found, str), stylesheet
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[CSS(filename=found)])


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF as a download (never shown inline as something else)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
