"""Excel files in and out, safely.

- Out: a cell whose text begins like a formula (``= + - @``, a tab or a carriage return) is written as text
  with Excel's quote prefix, so that a staff name ``=HYPERLINK(...)`` stays a name (CSV/formula injection).
- In: the archive's uncompressed size is checked before anything is parsed, so a small file that inflates
  to hundreds of megabytes (a huge shared string, a million rows) is refused at once; rows are then read as
  a stream (openpyxl's read-only mode) and reading stops at the first row over the limit.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetRefused(Exception):
    """The file cannot be read, or is larger than the import allows; ``reason`` says which, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell of an import, where the person who filled the sheet can find it."""

    row: int  # the sheet's row number, as Excel shows it
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」：{self.reason}"


class RowsRefused(Exception):
    """An import refused whole: every bad row is named, nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; text that a spreadsheet would run as a formula is kept as text.

    Each cell is made here rather than found again after appending: ``sheet.max_row`` looks at every cell
    of the sheet, which made a 91,000-row export take minutes."""
    sheet.append([_as_text(sheet, value) for value in values])


def _as_text(sheet: Worksheet, value: Any) -> Any:
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    cell = Cell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_upload(upload: IO[bytes] | bytes, *, max_bytes: int) -> bytes:
    """The uploaded file's bytes, refused past ``max_bytes`` without reading further."""
    content = upload if isinstance(upload, bytes) else upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise SpreadsheetRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB，请分批导入")
    return content


def stream_rows(content: bytes, *, max_uncompressed: int) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows, one by one (values only), after checking the archive's inflated size."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetRefused("无法读取：请上传由模板填写的 .xlsx 文件") from error
    if inflated > max_uncompressed:
        raise SpreadsheetRefused(
            f"文件解压后超过 {max_uncompressed // (1024 * 1024)} MB（内容过多或单元格过长），"
            "请使用下载的模板分批导入"
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise SpreadsheetRefused("无法读取：请上传由模板填写的 .xlsx 文件") from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()
