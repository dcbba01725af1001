"""The staff import refuses files past its limits (bytes, inflated size, rows, cell length) while it reads
them, in bounded memory; the export writes text that looks like a formula as text."""

import io
import tracemalloc
import zipfile
from collections.abc import Iterable

import pytest
from openpyxl import load_workbook

from tuoyu.registry.models import Institution
from tuoyu.workforce.excel import MAX_BYTES, MAX_CELL_CHARS, MAX_ROWS, staff_export
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import Staff
from tuoyu.workforce.tests.test_excel import HEADER, good_row, import_errors, sheet_bytes

pytestmark = pytest.mark.django_db

MEMORY_BUDGET = 50 * 1024 * 1024

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
        'main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="从业人员" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def _row(cells: Iterable[str]) -> str:
    inline = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in cells)
    return f"<row>{inline}</row>"  # rows without numbers follow one another


def handmade_xlsx(rows: Iterable[list[str]], shared_string: str = "x", *, repeat: int = 1) -> bytes:
    """A minimal .xlsx written as a stream, the way an attacker would: no spreadsheet program needed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            )
            part.write(b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = 1024 * 1024
            for start in range(0, len(shared_string), chunk):
                part.write(shared_string[start : start + chunk].encode())
            part.write(b"</t></si></sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
            )
            part.write(b'org/spreadsheetml/2006/main"><sheetData>')
            part.write(_row(HEADER).encode())
            block = "".join(_row(cells) for cells in rows).encode()
            for _ in range(repeat):
                part.write(block)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def refusal_in_budget(institution: Institution, content: bytes) -> str:
    tracemalloc.start()
    try:
        errors = import_errors(institution, content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BUDGET, f"peak {peak / 1024 / 1024:.0f} MB"
    assert not Staff.objects.exists()
    return "；".join(str(error) for error in errors)


def text_row(index: int) -> list[str]:
    return [str(value) for value in good_row(index)]


def test_a_million_rows_are_refused_in_bounded_memory(institution_x: Institution) -> None:
    content = handmade_xlsx([text_row(index) for index in range(1000)], repeat=1000)

    message = refusal_in_budget(institution_x, content)

    assert "文件超过 5 MB" in message


def test_a_million_identical_rows_in_a_small_file_are_refused_by_their_inflated_size(
    institution_x: Institution,
) -> None:
    content = handmade_xlsx([text_row(0)], repeat=1_000_000)
    assert len(content) < MAX_BYTES

    message = refusal_in_budget(institution_x, content)

    assert "解压后超过 20 MB" in message


def test_a_small_file_with_a_200_mb_shared_string_is_refused_before_it_is_inflated(
    institution_x: Institution,
) -> None:
    content = handmade_xlsx([], shared_string="好" * (70 * 1024 * 1024))  # 3 bytes each: 210 MB
    assert len(content) < 1024 * 1024

    message = refusal_in_budget(institution_x, content)

    assert "解压后超过" in message


def test_one_row_more_than_allowed_is_refused_naming_the_row(institution_x: Institution) -> None:
    content = handmade_xlsx([text_row(index) for index in range(MAX_ROWS + 1)])

    message = refusal_in_budget(institution_x, content)

    assert f"第{MAX_ROWS + 2}行「文件」：一次最多导入 {MAX_ROWS} 行" in message


def test_a_cell_too_long_is_refused_naming_its_row_and_column(institution_x: Institution) -> None:
    rows = [good_row(0), [*good_row(1)[:5], "1" * (MAX_CELL_CHARS + 1), good_row(1)[6]]]

    message = refusal_in_budget(institution_x, sheet_bytes(rows))

    assert f"第3行「手机号」：内容过长（最多 {MAX_CELL_CHARS} 字）" in message


def test_a_file_over_the_byte_limit_is_refused_without_reading_it_all(institution_x: Institution) -> None:
    upload = io.BytesIO(b"PK" + b"\0" * (MAX_BYTES + 10))

    message = refusal_in_budget(institution_x, upload)  # type: ignore[arg-type]

    assert "文件超过 5 MB" in message
    assert upload.tell() == MAX_BYTES + 1


def test_the_export_writes_a_formula_looking_name_as_text(institution_x: Institution) -> None:
    StaffFactory.create(institution=institution_x, name='=HYPERLINK("http://evil.example","点我")')
    StaffFactory.create(institution=institution_x, name="+86 王")

    content = staff_export(Staff.objects.select_related("institution").order_by("name"))

    sheet = load_workbook(io.BytesIO(content)).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    formula = cells['=HYPERLINK("http://evil.example","点我")']
    assert (formula.data_type, formula.quotePrefix) == ("s", True)
    assert cells["+86 王"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
