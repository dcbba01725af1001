"""The staff register in Excel: a template to fill in, an all-or-nothing import, a masked export."""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from tuoyu.accounts.identity import mask_identity_number
from tuoyu.exports import xlsx_bytes
from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution
from tuoyu.spreadsheets import (
    RowError,
    RowsRefused,
    SpreadsheetRefused,
    read_upload,
    stream_rows,
    workbook_bytes,
)
from tuoyu.workforce.models import Education, Staff, StaffRole
from tuoyu.workforce.services import staff_hire

# Column headers and the Chinese labels of roles and education as they appear in the sheet.
COLUMNS = ("姓名", "身份证号", "岗位", "学历", "管理工作年限", "手机号", "入职日期")
ROLE_LABELS = {
    "负责人": StaffRole.DIRECTOR,
    "保育人员": StaffRole.CAREGIVER,
    "卫生保健人员": StaffRole.HEALTH_WORKER,
    "保安": StaffRole.SECURITY,
    "炊事人员": StaffRole.COOK,
    "教师": StaffRole.TEACHER,
    "其他": StaffRole.OTHER,
}
EDUCATION_LABELS = {
    "初中及以下": Education.JUNIOR,
    "高中/中专": Education.SENIOR,
    "大专": Education.COLLEGE,
    "本科": Education.BACHELOR,
    "研究生": Education.POSTGRADUATE,
}
FIELD_COLUMNS = {
    "name": "姓名",
    "id_number": "身份证号",
    "role": "岗位",
    "education": "学历",
    "management_years": "管理工作年限",
    "phone": "手机号",
    "employed_from": "入职日期",
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024  # the template with 5,000 rows is about 250 KB
MAX_INFLATED_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StaffImportError(RowsRefused):
    """The import was refused whole: ``errors`` names every bad row."""


def import_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "从业人员"
    sheet.append(COLUMNS)
    sheet.append(["张三", "11010519491231002X", "保育人员", "大专", 0, "13900000000", "2026-09-01"])
    for letter, labels in (("C", ROLE_LABELS), ("D", EDUCATION_LABELS)):
        validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=False)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    for letter, width in zip("ABCDEFG", (12, 22, 14, 12, 14, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_row(values: dict[str, Any], row: int) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []
    data: dict[str, Any] = {"name": _text(values["姓名"]), "id_number": _text(values["身份证号"]).upper()}
    data["phone"] = _text(values["手机号"])
    role = _text(values["岗位"])
    if role not in ROLE_LABELS:
        errors.append(RowError(row, "岗位", f"“{role}”不是可选岗位（可选：{'、'.join(ROLE_LABELS)}）"))
    data["role"] = ROLE_LABELS.get(role, "")
    education = _text(values["学历"])
    if education not in EDUCATION_LABELS:
        errors.append(
            RowError(row, "学历", f"“{education}”不是可选学历（可选：{'、'.join(EDUCATION_LABELS)}）")
        )
    data["education"] = EDUCATION_LABELS.get(education, "")
    try:
        data["management_years"] = Decimal(_text(values["管理工作年限"]) or "0")
    except InvalidOperation:
        errors.append(RowError(row, "管理工作年限", "应为数字，例如 3 或 2.5"))
    employed_from = values["入职日期"]
    if isinstance(employed_from, datetime.datetime):
        data["employed_from"] = employed_from.date()
    elif isinstance(employed_from, datetime.date):
        data["employed_from"] = employed_from
    else:
        try:
            data["employed_from"] = datetime.date.fromisoformat(_text(employed_from))
        except ValueError:
            errors.append(RowError(row, "入职日期", "应为日期，格式如 2026-09-01"))
    return data, errors


def _validation_errors(error: ValidationError, row: int) -> list[RowError]:
    return [
        RowError(row, FIELD_COLUMNS.get(field, field), "；".join(str(message) for message in messages))
        for field, messages in error.message_dict.items()
    ]


def read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's rows under the template's header, read as a stream and refused at the first row past
    MAX_ROWS or the first cell longer than MAX_CELL_CHARS."""
    try:
        rows = stream_rows(content, max_uncompressed=MAX_INFLATED_BYTES)
        header = [_text(cell) for cell in next(rows, ())]
    except SpreadsheetRefused as refused:
        raise StaffImportError([RowError(1, "文件", refused.reason)]) from refused
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise StaffImportError([RowError(1, column, "表头缺少此列，请使用下载的模板") for column in missing])
    result: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=2):
        if all(cell is None or _text(cell) == "" for cell in cells):
            continue
        if len(result) == MAX_ROWS:
            raise StaffImportError([RowError(number, "文件", f"一次最多导入 {MAX_ROWS} 行，请分批导入")])
        values = {
            column: cells[header.index(column)] if header.index(column) < len(cells) else None
            for column in COLUMNS
        }
        long = [column for column, value in values.items() if len(_text(value)) > MAX_CELL_CHARS]
        if long:
            raise StaffImportError(
                [RowError(number, column, f"内容过长（最多 {MAX_CELL_CHARS} 字）") for column in long]
            )
        result.append((number, values))
    return result


def staff_import(*, institution: Institution, content: bytes | IO[bytes]) -> list[Staff]:
    """Import every row or none: any bad row writes nothing and every bad row is reported. Files past the
    limits (bytes, inflated bytes, rows, cell length) are refused while they are read."""
    try:
        workbook = read_upload(content, max_bytes=MAX_BYTES)
    except SpreadsheetRefused as refused:
        raise StaffImportError([RowError(1, "文件", refused.reason)]) from refused
    rows = read_rows(workbook)
    if not rows:
        raise StaffImportError([RowError(2, "文件", "表中没有人员数据")])
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        data, row_errors = _parse_row(values, number)
        if data["id_number"] in seen:
            row_errors.append(RowError(number, "身份证号", f"与第{seen[data['id_number']]}行重复"))
        seen.setdefault(data["id_number"], number)
        if not row_errors:
            try:
                Staff(institution=institution, **data).full_clean(validate_constraints=False)
            except ValidationError as error:
                row_errors.extend(_validation_errors(error, number))
        errors.extend(row_errors)
        parsed.append((number, data))
    if errors:
        raise StaffImportError(errors)
    created: list[Staff] = []
    with transaction.atomic():
        for number, data in parsed:
            try:
                created.append(staff_hire(institution=institution, **data))
            except Refusal as refusal:  # already employed: a fact about the identity number
                errors.append(RowError(number, FIELD_COLUMNS["id_number"], refusal.text))
            except ValidationError as error:
                errors.extend(_validation_errors(error, number))
        if errors:
            raise StaffImportError(errors)  # inside the transaction: nothing is written
    return created


def staff_export(staff: Iterable[Staff]) -> bytes:
    role_labels: dict[str, str] = {value: label for label, value in ROLE_LABELS.items()}
    education_labels: dict[str, str] = {value: label for label, value in EDUCATION_LABELS.items()}
    rows = (
        [
            person.institution.name,
            person.name,
            mask_identity_number(person.id_number),
            role_labels[person.role],
            education_labels[person.education],
            float(person.management_years),
            person.phone,
            person.employed_from.isoformat(),
            person.employed_until.isoformat() if person.employed_until else "",
        ]
        for person in staff
    )
    return xlsx_bytes(title="从业人员", header=["机构", *COLUMNS, "离职日期"], rows=rows)
