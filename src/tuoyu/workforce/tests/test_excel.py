"""The staff register in Excel: the template, an all-or-nothing import naming every bad row, masked export."""

import datetime
import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from tuoyu.accounts.identity import mask_identity_number
from tuoyu.registry.models import Institution
from tuoyu.workforce.excel import RowError, StaffImportError, staff_export, staff_import
from tuoyu.workforce.factories import StaffFactory, make_identity_number
from tuoyu.workforce.models import Education, Staff, StaffRole

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "岗位", "学历", "管理工作年限", "手机号", "入职日期"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def person_id(index: int) -> str:
    """A distinct valid identity number per row index (serial and birth date both vary)."""
    return make_identity_number(index, datetime.date(1985, 1, 1) + datetime.timedelta(days=index))


def good_row(index: int) -> list[Any]:
    return [
        f"导入员工{index:03d}",
        person_id(index),
        "保育人员",
        "大专",
        0,
        f"139{index:08d}",
        datetime.date(2025, 9, 1),
    ]


def sheet_bytes(rows: Iterable[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "从业人员"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_with(changes: dict[int, dict[int, Any]], count: int = 500) -> list[list[Any]]:
    """``count`` good rows; ``changes`` maps a sheet row number (the header is row 1) to cells to replace."""
    rows = [good_row(index) for index in range(count)]
    for sheet_row, cells in changes.items():
        for column, value in cells.items():
            rows[sheet_row - 2][column] = value
    return rows


def import_errors(institution: Institution, content: bytes) -> list[RowError]:
    with pytest.raises(StaffImportError) as raised:
        staff_import(institution=institution, content=content)
    return raised.value.errors


def bad_check_character(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


ID, ROLE, EDUCATION, YEARS, PHONE, DATE = 1, 2, 3, 4, 5, 6


# The template ------------------------------------------------------------------------------------------


def test_template_download_has_the_expected_header_and_drop_down_lists(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    response = client_as("director_x").get("/workforce/staff-import-template.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    choices = {validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert '"负责人,保育人员,卫生保健人员,保安,炊事人员,教师,其他"' in choices
    assert '"初中及以下,高中/中专,大专,本科,研究生"' in choices


def test_template_is_only_for_those_who_may_change_staff(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    assert client_as("regulator_a").get("/workforce/staff-import-template.xlsx").status_code == 404
    assert client_as("caregiver_x").get("/workforce/staff-import-template.xlsx").status_code == 404


# Import: all or nothing --------------------------------------------------------------------------------


def test_a_good_500_row_file_imports_all_500(institution_x: Institution) -> None:
    created = staff_import(institution=institution_x, content=sheet_bytes(rows_with({})))

    assert len(created) == 500
    assert Staff.objects.filter(institution=institution_x).count() == 500
    first = Staff.objects.get(id_number=person_id(0))
    assert (first.name, first.role, first.education, first.phone, first.employed_from) == (
        "导入员工000",
        StaffRole.CAREGIVER,
        Education.COLLEGE,
        "13900000000",
        datetime.date(2025, 9, 1),
    )


def test_one_bad_identity_number_in_500_rows_writes_nothing_and_names_row_250_and_the_column(
    institution_x: Institution,
) -> None:
    rows = rows_with({250: {ID: bad_check_character(person_id(248))}})

    errors = import_errors(institution_x, sheet_bytes(rows))

    assert [(error.row, error.column) for error in errors] == [(250, "身份证号")]
    assert "第250行「身份证号」" in str(errors[0])
    assert not Staff.objects.exists()


def test_every_bad_row_is_reported_with_its_column(institution_x: Institution) -> None:
    rows = rows_with(
        {
            5: {ID: bad_check_character(person_id(3))},
            17: {ROLE: "园丁"},
            42: {EDUCATION: "博士后"},
            99: {DATE: "九月一日"},
            120: {PHONE: "12345"},
            200: {YEARS: "三年"},
            300: {ID: "110105" + "19900231" + "002" + "1"},  # 31 February
            499: {ID: "1101051990"},  # too short
        }
    )

    errors = import_errors(institution_x, sheet_bytes(rows))

    assert sorted((error.row, error.column) for error in errors) == [
        (5, "身份证号"),
        (17, "岗位"),
        (42, "学历"),
        (99, "入职日期"),
        (120, "手机号"),
        (200, "管理工作年限"),
        (300, "身份证号"),
        (499, "身份证号"),
    ]
    assert not Staff.objects.exists()


def test_the_reason_for_a_bad_check_character_names_the_expected_character(
    institution_x: Institution,
) -> None:
    right = make_identity_number(2, datetime.date(1949, 12, 31), area="110105")
    assert right.endswith("X")

    (error,) = import_errors(
        institution_x, sheet_bytes([[*good_row(0)[:1], right[:17] + "3", *good_row(0)[2:]]])
    )

    assert (error.row, error.column) == (2, "身份证号")
    assert "X" in error.reason


def test_an_unknown_role_is_reported_with_the_choices(institution_x: Institution) -> None:
    (error,) = import_errors(institution_x, sheet_bytes(rows_with({3: {ROLE: "园丁"}}, count=3)))

    assert (error.row, error.column) == (3, "岗位")
    assert "园丁" in error.reason
    assert "保育人员" in error.reason


def test_duplicate_identity_numbers_inside_the_file_are_reported_with_both_rows(
    institution_x: Institution,
) -> None:
    rows = rows_with({310: {ID: person_id(10)}, 400: {ID: person_id(10)}})  # person_id(10) is on row 12

    errors = import_errors(institution_x, sheet_bytes(rows))

    assert sorted((error.row, error.column) for error in errors) == [(310, "身份证号"), (400, "身份证号")]
    assert all("第12行" in error.reason for error in errors)
    assert not Staff.objects.exists()


def test_a_person_employed_at_another_institution_fails_the_whole_import(
    institution_x: Institution, institution_y: Institution
) -> None:
    StaffFactory.create(institution=institution_y, id_number=person_id(77))

    errors = import_errors(institution_x, sheet_bytes(rows_with({}, count=100)))

    assert [(error.row, error.column) for error in errors] == [(79, "身份证号")]
    assert institution_y.name not in errors[0].reason
    assert not Staff.objects.filter(institution=institution_x).exists()


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_sheet(institution_x: Institution) -> None:
    rows = [good_row(0), [None] * 7, ["", "", "", "", "", "", ""], good_row(1)]
    rows[3][ROLE] = "园丁"

    (error,) = import_errors(institution_x, sheet_bytes(rows))

    assert error.row == 5


def test_a_file_without_the_template_header_is_refused(institution_x: Institution) -> None:
    errors = import_errors(institution_x, sheet_bytes([good_row(0)], header=["姓名", "身份证", *HEADER[2:]]))

    assert [(error.row, error.column) for error in errors] == [(1, "身份证号")]


def test_a_file_that_is_not_a_workbook_is_refused(institution_x: Institution) -> None:
    errors = import_errors(institution_x, b"%PDF-1.4 not a spreadsheet")

    assert [(error.row, error.column) for error in errors] == [(1, "文件")]


def test_a_file_with_only_the_header_is_refused(institution_x: Institution) -> None:
    errors = import_errors(institution_x, sheet_bytes([]))

    assert [error.column for error in errors] == ["文件"]


def test_import_page_lists_every_error_and_writes_nothing(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    content = sheet_bytes(rows_with({250: {ID: bad_check_character(person_id(248))}, 260: {ROLE: "园丁"}}))

    response = client_as("director_x").post(
        f"/workforce/institutions/{institution_x.code}/import/",
        {"file": SimpleUploadedFile("staff.xlsx", content, content_type=XLSX)},
    )

    assert response.status_code == 200
    assert [(error.row, error.column) for error in response.context["errors"]] == [
        (250, "身份证号"),
        (260, "岗位"),
    ]
    html = response.content.decode()
    assert '<tr class="import-error"><td>250</td><td>身份证号</td>' in html
    assert '<tr class="import-error"><td>260</td><td>岗位</td>' in html
    assert not Staff.objects.exists()


def test_import_page_explains_a_file_that_is_not_xlsx_instead_of_failing(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # an .xls (OLE2) header

    response = client_as("director_x").post(
        f"/workforce/institutions/{institution_x.code}/import/",
        {"file": SimpleUploadedFile("staff.xls", old_excel, content_type="application/vnd.ms-excel")},
    )

    assert response.status_code == 200
    assert [(error.row, error.column) for error in response.context["errors"]] == [(1, "文件")]


def test_import_page_imports_a_good_file_and_returns_to_the_register(
    institution_x: Institution, client_as: Callable[[str], Client]
) -> None:
    response = client_as("director_x").post(
        f"/workforce/institutions/{institution_x.code}/import/",
        {"file": SimpleUploadedFile("staff.xlsx", sheet_bytes(rows_with({}, count=20)), content_type=XLSX)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/workforce/institutions/{institution_x.code}/staff/"
    assert Staff.objects.filter(institution=institution_x).count() == 20


@pytest.mark.parametrize("persona", ["regulator_a", "director_y", "caregiver_x"])
def test_import_page_of_x_is_404_for_those_who_may_not_change_its_staff(
    institution_x: Institution, client_as: Callable[[str], Client], persona: str
) -> None:
    response = client_as(persona).post(
        f"/workforce/institutions/{institution_x.code}/import/",
        {"file": SimpleUploadedFile("staff.xlsx", sheet_bytes(rows_with({}, count=2)), content_type=XLSX)},
    )

    assert response.status_code == 404
    assert not Staff.objects.exists()


# Export: masked ----------------------------------------------------------------------------------------


def every_cell_text(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]


def test_export_masks_every_identity_number(institution_x: Institution) -> None:
    staff = [StaffFactory.create(institution=institution_x, name=f"导出员工{i}") for i in range(5)]

    cells = every_cell_text(staff_export(Staff.objects.filter(institution=institution_x)))

    joined = "\n".join(cells)
    for person in staff:
        assert person.id_number not in joined
        assert person.id_number[6:14] not in joined  # not even the date of birth
        assert mask_identity_number(person.id_number) in cells


def test_export_download_of_one_institution_is_masked_and_holds_only_its_staff(
    institution_x: Institution,
    institution_y: Institution,
    client_as: Callable[[str], Client],
) -> None:
    mine = StaffFactory.create(institution=institution_x, name="星星员工")
    other = StaffFactory.create(institution=institution_y, name="月亮员工")

    response = client_as("regulator_a").get(f"/workforce/staff-export.xlsx?institution={institution_x.code}")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("机构", *HEADER, "离职日期")
    assert [row[1] for row in rows[1:]] == ["星星员工"]
    assert rows[1][2] == mask_identity_number(mine.id_number)
    text = "\n".join(every_cell_text(response.content))
    assert mine.id_number not in text
    assert other.id_number not in text
