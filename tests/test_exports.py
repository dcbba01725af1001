"""One export mechanism for every list: a header and rows become an .xlsx download; text that a spreadsheet
would run as a formula stays text."""

import datetime
import io

from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from tuoyu.exports import wants_xlsx, xlsx_bytes, xlsx_response


def test_a_cell_starting_like_a_formula_is_text_not_a_formula() -> None:
    with translation.override("en"):
        content = xlsx_bytes(
            title="名单",
            header=["姓名", gettext_lazy("Date")],
            rows=[
                ['=HYPERLINK("http://evil","x")', datetime.date(2026, 6, 1)],
                ["+1", None],
                ["@SUM(A1)", 3],
            ],
        )

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert sheet.title == "名单"
    assert [cell.value for cell in sheet[1]] == ["姓名", "Date"]
    for row in (2, 3, 4):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert sheet["B2"].value == "2026-06-01" and sheet["B3"].value is None and sheet["B4"].value == 3


def test_the_response_is_a_dated_download_asked_for_with_format_xlsx() -> None:
    request = RequestFactory().get("/x/?format=xlsx")
    response = xlsx_response(filename="institutions", title="x", header=["a"], rows=[])

    assert wants_xlsx(request) and not wants_xlsx(RequestFactory().get("/x/"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''institutions-")
