"""The enterprises register in Excel: a template to fill in, and an all-or-nothing import that names every bad
row with its column and reason, as the staff import does (workforce/excel.py).

A credit code already registered in the officer's service region updates that enterprise, so importing the
same file twice changes nothing; a credit code registered outside it is refused for that row."""

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from tuoyu.accounts.models import User
from tuoyu.enterprises.models import Enterprise, Industry
from tuoyu.enterprises.selectors.access import enterprises_visible_to
from tuoyu.enterprises.selectors.enterprise import streets_served_by
from tuoyu.enterprises.services.register import ENTERPRISE_FIELDS, enterprise_register, enterprise_update
from tuoyu.regions.models import Region
from tuoyu.spreadsheets import (
    RowError,
    RowsRefused,
    SpreadsheetRefused,
    append_row,
    read_upload,
    stream_rows,
    workbook_bytes,
)

COLUMNS = ("企业名称", "统一社会信用代码", "地址", "所属街道", "行业", "联系人", "联系电话", "备注")
FIELD_COLUMNS = {
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "address": "地址",
    "street": "所属街道",
    "industry": "行业",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "note": "备注",
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_INFLATED_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 200  # an address may be long; the model's own limits are checked row by row
# Excel keeps a drop-down list's items in a formula of at most 255 characters.
MAX_LIST_FORMULA = 255


class EnterpriseImportError(RowsRefused):
    """The import was refused whole: ``errors`` names every bad row."""


@dataclass(frozen=True)
class ImportResult:
    created: list[Enterprise]
    updated: list[Enterprise]


def industry_labels() -> dict[str, str]:
    """The industries as the sheet names them (their Chinese labels) → their values."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in Industry.choices}


def _drop_down(sheet: Any, column: str, labels: list[str]) -> None:
    formula = '"' + ",".join(labels) + '"'
    if not labels or len(formula) > MAX_LIST_FORMULA or any("," in label for label in labels):
        return
    validation = DataValidation(type="list", formula1=formula, allow_blank=False)
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}{MAX_ROWS + 1}")


def import_template(actor: User) -> bytes:
    """The template: the header, one example row, drop-down lists of the officer's streets and the
    industries."""
    streets = [street.name for street in streets_served_by(actor)]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "企业名录"
    sheet.append(COLUMNS)
    append_row(
        sheet,
        [
            "示例：某某科技有限公司（导入前请删除此行）",
            "91370800MA3C7X0Q7L",
            "某某路1号",
            streets[0] if streets else "",
            next(iter(industry_labels())),
            "王经理",
            "13700000000",
            "",
        ],
    )
    _drop_down(sheet, "D", sorted(set(streets)))
    _drop_down(sheet, "E", list(industry_labels()))
    for letter, width in zip("ABCDEFGH", (30, 22, 30, 14, 18, 10, 14, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The sheet's rows under the template's header as text, read as a stream and refused at the first row
    past MAX_ROWS or the first cell longer than MAX_CELL_CHARS."""
    try:
        rows = stream_rows(content, max_uncompressed=MAX_INFLATED_BYTES)
        header = [_text(cell) for cell in next(rows, ())]
    except SpreadsheetRefused as refused:
        raise EnterpriseImportError([RowError(1, "文件", refused.reason)]) from refused
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise EnterpriseImportError(
            [RowError(1, column, "表头缺少此列，请使用下载的模板") for column in missing]
        )
    result: list[tuple[int, dict[str, str]]] = []
    try:
        for number, cells in enumerate(rows, start=2):
            if all(_text(cell) == "" for cell in cells):
                continue
            if len(result) == MAX_ROWS:
                raise EnterpriseImportError(
                    [RowError(number, "文件", f"一次最多导入 {MAX_ROWS} 行，请分批导入")]
                )
            values = {
                column: _text(cells[header.index(column)]) if header.index(column) < len(cells) else ""
                for column in COLUMNS
            }
            long = [column for column, value in values.items() if len(value) > MAX_CELL_CHARS]
            if long:
                raise EnterpriseImportError(
                    [RowError(number, column, f"内容过长（最多 {MAX_CELL_CHARS} 字）") for column in long]
                )
            result.append((number, values))
    except SpreadsheetRefused as refused:
        raise EnterpriseImportError([RowError(1, "文件", refused.reason)]) from refused
    return result


def _streets_by_name(actor: User) -> dict[str, list[Region]]:
    streets: dict[str, list[Region]] = {}
    for street in streets_served_by(actor):
        streets.setdefault(street.name, []).append(street)
    return streets


def _parse_row(
    values: dict[str, str], row: int, streets: dict[str, list[Region]], industries: dict[str, str]
) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []
    data: dict[str, Any] = {
        "name": values["企业名称"],
        "credit_code": values["统一社会信用代码"].replace(" ", "").upper(),
        "address": values["地址"],
        "contact_name": values["联系人"],
        "contact_phone": values["联系电话"].replace(" ", "").replace("-", ""),
        "note": values["备注"],
    }
    street_name = values["所属街道"]
    matches = streets.get(street_name, [])
    if not street_name:
        errors.append(RowError(row, "所属街道", "不能为空"))
    elif not matches:
        errors.append(RowError(row, "所属街道", f"“{street_name}”不是您服务区域内的街道"))
    elif len(matches) > 1:
        errors.append(RowError(row, "所属街道", f"服务区域内有多个“{street_name}”，请在页面上逐个登记"))
    else:
        data["street"] = matches[0]
    industry = values["行业"]
    if industry not in industries:
        errors.append(RowError(row, "行业", f"“{industry}”不是可选行业（可选：{'、'.join(industries)}）"))
    data["industry"] = industries.get(industry, "")
    return data, errors


def _validation_errors(error: ValidationError, row: int) -> list[RowError]:
    if not hasattr(error, "error_dict"):  # a refusal of the register's service: the street, or the row
        column = "所属街道" if getattr(error, "code", "") == "enterprise_street_outside" else "整行"
        return [RowError(row, column, "；".join(str(message) for message in error.messages))]
    return [
        RowError(row, FIELD_COLUMNS.get(field, field), "；".join(str(message) for message in messages))
        for field, messages in error.message_dict.items()
        if field in FIELD_COLUMNS
    ] or [RowError(row, "文件", "；".join(error.messages))]


def enterprises_import(*, actor: User, content: bytes | IO[bytes]) -> ImportResult:
    """Import every row or none: any bad row writes nothing and every bad row is reported. A credit code
    already on the officer's register updates that enterprise; one registered outside their region is refused
    for its row. Files past the limits (bytes, inflated bytes, rows, cell length) are refused while read."""
    try:
        workbook = read_upload(content, max_bytes=MAX_BYTES)
    except SpreadsheetRefused as refused:
        raise EnterpriseImportError([RowError(1, "文件", refused.reason)]) from refused
    rows = read_rows(workbook)
    if not rows:
        raise EnterpriseImportError([RowError(2, "文件", "表中没有企业数据")])
    streets = _streets_by_name(actor)
    industries = industry_labels()
    codes = [_text(values["统一社会信用代码"]).replace(" ", "").upper() for _number, values in rows]
    registered = _registered_with(codes)
    mine = set(enterprises_visible_to(actor).filter(credit_code__in=codes).values_list("pk", flat=True))
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any], Enterprise | None]] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        data, row_errors = _parse_row(values, number, streets, industries)
        code = data["credit_code"]
        existing = registered.get(code)
        if code and code in seen:
            row_errors.append(RowError(number, "统一社会信用代码", f"与第{seen[code]}行重复"))
        seen.setdefault(code, number)
        if existing is not None and existing.pk not in mine:
            row_errors.append(
                RowError(number, "统一社会信用代码", "该企业已在您服务区域以外登记，不能在此导入")
            )
        if not row_errors:
            row_errors.extend(_check(data, existing, number))
        errors.extend(row_errors)
        parsed.append((number, data, existing))
    if errors:
        raise EnterpriseImportError(errors)
    created: list[Enterprise] = []
    updated: list[Enterprise] = []
    with transaction.atomic():
        for number, data, existing in parsed:
            try:
                if existing is None:
                    created.append(enterprise_register(actor=actor, **data))
                else:
                    updated.append(enterprise_update(actor=actor, enterprise=existing, **data))
            except ValidationError as error:  # a refusal included: nothing of the file is kept
                errors.extend(_validation_errors(error, number))
        if errors:
            raise EnterpriseImportError(errors)  # inside the transaction: nothing is written
    return ImportResult(created=created, updated=updated)


def _registered_with(codes: list[str]) -> dict[str, Enterprise]:
    """The enterprises already registered with these credit codes, wherever they are (a code is unique in
    the whole system): the import must know one outside the officer's region to refuse its row."""
    found: QuerySet[Enterprise] = Enterprise.objects.filter(credit_code__in=[code for code in codes if code])
    return {enterprise.credit_code: enterprise for enterprise in found.select_related("street")}


def _check(data: dict[str, Any], existing: Enterprise | None, row: int) -> list[RowError]:
    """The model's own checks of the row (credit code GB 32100, mobile number, lengths), before any write."""
    fields = {name: value for name, value in data.items() if name in ENTERPRISE_FIELDS}
    candidate = Enterprise(**fields) if existing is None else _changed_copy(existing, fields)
    try:
        candidate.full_clean(exclude=["institution"], validate_unique=False)
    except ValidationError as error:
        return _validation_errors(error, row)
    return []


def _changed_copy(enterprise: Enterprise, fields: dict[str, Any]) -> Enterprise:
    copy = Enterprise(pk=enterprise.pk, code=enterprise.code, institution_id=enterprise.institution_id)
    for name in ENTERPRISE_FIELDS:
        setattr(copy, name, fields.get(name, getattr(enterprise, name)))
    return copy
