"""The enterprises register in Excel: the template, an all-or-nothing import naming every bad row, a re-import
that updates instead of duplicating, and a credit code of another region refused for its row."""

import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from tuoyu.accounts.models import User
from tuoyu.enterprises.excel import COLUMNS, EnterpriseImportError, RowError, enterprises_import
from tuoyu.enterprises.models import Enterprise, Industry
from tuoyu.regions.models import Region
from tuoyu.registry.factories import make_credit_code
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
IMPORT = "/enterprise-service/enterprises/import/"
TEMPLATE = "/enterprise-service/enterprises/import-template.xlsx"
CODE, STREET, INDUSTRY, PHONE = 1, 3, 4, 6


def code(serial: int) -> str:
    return make_credit_code("enterprise", "990101", 800_000 + serial)


def good_row(index: int, street: str = "甲一街道") -> list[Any]:
    return [
        f"导入企业{index:03d}有限公司",
        code(index),
        f"工业园{index}号",
        street,
        "制造业",
        "王经理",
        13700000000 + index,  # a phone typed as a number, as Excel keeps it
        "",
    ]


def sheet_bytes(rows: Iterable[list[Any]], header: Iterable[str] = COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_errors(actor: User, content: bytes) -> list[RowError]:
    with pytest.raises(EnterpriseImportError) as raised:
        enterprises_import(actor=actor, content=content)
    return raised.value.errors


@pytest.fixture
def streets(street_a1: Region, street_a2: Region, city: Region) -> None:
    """Both streets of district A, beneath the city."""


# The template ------------------------------------------------------------------------------------------


def test_the_template_has_the_columns_in_chinese_and_the_officer_s_streets_and_industries(
    client_as: ClientAs, officer: User, streets: None, street_b1: Region
) -> None:
    response = client_as("officer").get(TEMPLATE)

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    lists = {validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert '"甲一街道,甲二街道"' in lists  # not 乙一街道: outside the region
    assert any("制造业" in formula and "住宿餐饮业" in formula for formula in lists)


@pytest.mark.parametrize("persona", ["market_contact", "director_x", "regulator_a"])
def test_the_template_and_the_import_are_for_officers_only(
    client_as: ClientAs, persona: str, market_contact: User
) -> None:
    client = client_as(persona)
    assert client.get(TEMPLATE).status_code == 404
    assert client.get(IMPORT).status_code == 404
    upload = SimpleUploadedFile("e.xlsx", sheet_bytes([good_row(1)]))
    assert client.post(IMPORT, {"file": upload}).status_code == 404
    assert not Enterprise.objects.exists()


# All or nothing ----------------------------------------------------------------------------------------


def test_a_good_file_registers_every_row(officer: User, streets: None, street_a2: Region) -> None:
    rows = [good_row(index) for index in range(40)]
    rows[7][STREET] = "甲二街道"
    rows[8][INDUSTRY] = "住宿餐饮业"

    result = enterprises_import(actor=officer, content=sheet_bytes(rows))

    assert len(result.created) == 40 and result.updated == []
    seventh = Enterprise.objects.get(credit_code=code(7))
    assert (seventh.name, seventh.street, seventh.contact_phone) == (
        "导入企业007有限公司",
        street_a2,
        "13700000007",
    )
    assert Enterprise.objects.get(credit_code=code(8)).industry == Industry.HOSPITALITY


def test_three_bad_rows_are_each_named_and_nothing_is_written(officer: User, streets: None) -> None:
    rows = [good_row(index) for index in range(30)]
    rows[3][CODE] = code(3)[:17] + ("0" if code(3)[17] != "0" else "1")  # sheet row 5: wrong check character
    rows[10][STREET] = "乙一街道"  # sheet row 12: a street of another district
    rows[20][INDUSTRY] = "航天"  # sheet row 22: not an industry of the list
    rows[20][PHONE] = "12345"  # the same row: not a mobile number, reported once its other cells are right

    errors = import_errors(officer, sheet_bytes(rows))

    assert sorted((error.row, error.column) for error in errors) == [
        (5, "统一社会信用代码"),
        (12, "所属街道"),
        (22, "行业"),
    ]
    assert "第12行「所属街道」：“乙一街道”不是您服务区域内的街道" in [str(error) for error in errors]
    assert not Enterprise.objects.exists()


def test_a_duplicate_credit_code_and_a_bad_phone_are_reported(officer: User, streets: None) -> None:
    rows = [good_row(index) for index in range(5)]
    rows[4][CODE] = code(1)
    rows[2][PHONE] = "12345"

    errors = import_errors(officer, sheet_bytes(rows))

    assert sorted((error.row, error.column, error.reason) for error in errors)[1] == (
        6,
        "统一社会信用代码",
        "与第3行重复",
    )
    assert (4, "联系电话") in {(error.row, error.column) for error in errors}
    assert not Enterprise.objects.exists()


def test_a_missing_column_is_named(officer: User, streets: None) -> None:
    header = [column for column in COLUMNS if column != "行业"]

    errors = import_errors(officer, sheet_bytes([good_row(1)[:4] + good_row(1)[5:]], header=header))

    assert [(error.row, error.column) for error in errors] == [(1, "行业")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(officer: User, streets: None) -> None:
    errors = import_errors(officer, b"PK\x03\x04 not really a workbook")

    assert [error.column for error in errors] == ["文件"]


# Re-import and other regions ---------------------------------------------------------------------------


def test_importing_again_updates_the_same_enterprises(officer: User, streets: None) -> None:
    rows = [good_row(index) for index in range(10)]
    enterprises_import(actor=officer, content=sheet_bytes(rows))
    rows[4][2] = "新厂区88号"

    result = enterprises_import(actor=officer, content=sheet_bytes(rows))

    assert result.created == [] and len(result.updated) == 10
    assert Enterprise.objects.count() == 10
    assert Enterprise.objects.get(credit_code=code(4)).address == "新厂区88号"


def test_a_credit_code_registered_in_another_region_is_refused_for_its_row(
    officer: User, streets: None, enterprise_b: Enterprise
) -> None:
    rows = [good_row(index) for index in range(4)]
    rows[2][CODE] = enterprise_b.credit_code
    before = (enterprise_b.name, enterprise_b.street_id)

    errors = import_errors(officer, sheet_bytes(rows))

    assert [(error.row, error.column) for error in errors] == [(4, "统一社会信用代码")]
    enterprise_b.refresh_from_db()
    assert (enterprise_b.name, enterprise_b.street_id) == before
    assert Enterprise.objects.count() == 1


def test_an_imported_enterprise_is_linked_to_the_institution_with_its_credit_code(
    officer: User, streets: None, institution_x: Institution
) -> None:
    row = good_row(1)
    row[CODE] = institution_x.credit_code

    enterprises_import(actor=officer, content=sheet_bytes([row]))

    assert Enterprise.objects.get().institution == institution_x


# The page ----------------------------------------------------------------------------------------------


def test_the_page_shows_what_was_registered_and_updated(
    client_as: ClientAs, officer: User, streets: None
) -> None:
    client = client_as("officer")
    rows = [good_row(index) for index in range(3)]
    client.post(IMPORT, {"file": SimpleUploadedFile("e.xlsx", sheet_bytes(rows[:1]))})

    response = client.post(IMPORT, {"file": SimpleUploadedFile("e.xlsx", sheet_bytes(rows))})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 enterprises registered" in html and "1 enterprise updated" in html
    assert "导入企业002有限公司" in html


def test_the_page_lists_every_bad_row(client_as: ClientAs, officer: User, streets: None) -> None:
    rows = [good_row(index) for index in range(5)]
    rows[1][STREET] = "不存在街道"
    rows[3][INDUSTRY] = ""

    response = client_as("officer").post(IMPORT, {"file": SimpleUploadedFile("e.xlsx", sheet_bytes(rows))})

    html = response.content.decode()
    assert "Nothing was imported: 2 problems to fix" in html
    assert html.count('class="import-error"') == 2
    assert not Enterprise.objects.exists()
