"""One way to export any list to Excel: its header and rows become an .xlsx file.

Every list page of Tuoyu that offers a download answers ``?format=xlsx`` through ``xlsx_response``; every
cell goes through ``spreadsheets.append_row``, so that a name typed as ``=HYPERLINK(...)`` stays text.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from tuoyu.spreadsheets import append_row, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_TITLE = 31  # Excel's limit on a sheet's name


def wants_xlsx(request: HttpRequest) -> bool:
    """Whether the list page is asked for as a spreadsheet (``?format=xlsx``)."""
    return request.GET.get("format") == "xlsx"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float, str)):
        return value
    return str(value)  # lazy translations, UUIDs, choices' labels


def xlsx_bytes(*, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook of one sheet: the header, then the rows; formula-like text kept as text."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(title)[:MAX_TITLE] or "Sheet"
    append_row(sheet, [_cell(value) for value in header])
    for row in rows:
        append_row(sheet, [_cell(value) for value in row])
    return workbook_bytes(workbook)


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def xlsx_response(
    *, filename: str, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """The list as an .xlsx download named ``<filename>-<today>.xlsx``."""
    content = xlsx_bytes(title=title, header=header, rows=rows)
    return xlsx_download(content, f"{filename}-{timezone.localdate():%Y%m%d}.xlsx")
