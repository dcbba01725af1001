"""The public record: the institution's public page and GET institutions/{code}/inspections/ list its
completed inspections of the last five years with the items it failed in plain words and where their
rectification stands; never an inspector's note, evidence, or a child's data."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import (
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionStatus,
    ItemResult,
)
from tuoyu.supervision.selectors.public_record import public_inspection_record, record_since
from tuoyu.supervision.services.rectification import rectification_issue

pytestmark = pytest.mark.django_db

SECRET_NOTE = "检查员备注：周某某小朋友体温异常"
SECRET_EVIDENCE = "晨检记录缺失三天（幼儿姓名）"


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T15:00:00"))


@pytest.fixture
def checklist() -> Checklist:
    checklist = Checklist.objects.create(
        code="routine-test",
        name="日常监督检查表",
        source="托育机构管理规范（试行）",
        max_score=100,
        grade_cutoffs={"A": 90, "B": 75, "C": 60},
    )
    for position, (number, text) in enumerate(
        [
            ("1", "消防通道畅通，无杂物堆放。"),
            ("2", "每日晨检并记录。"),
            ("3", "食品留样不少于125克、48小时。"),
        ]
    ):
        ChecklistItem.objects.create(
            checklist=checklist,
            number=number,
            dimension="安全",
            text=text,
            source="托育机构管理规范（试行）",
            weight=10,
            position=position,
        )
    return checklist


def inspection(
    institution: Institution,
    checklist: Checklist,
    inspector: User,
    ended: str | None,
    *,
    failed: tuple[str, ...] = (),
    grade: str = "B",
    kind: str = InspectionKind.ROUTINE,
) -> Inspection:
    done = ended is not None
    record = Inspection.objects.create(
        number=f"检查{Inspection.objects.count() + 1}",
        institution=institution,
        checklist=checklist,
        kind=kind,
        inspector=inspector,
        status=InspectionStatus.COMPLETED if done else InspectionStatus.IN_PROGRESS,
        started_at=at(ended or "2026-11-20") - datetime.timedelta(hours=3),
        ended_at=at(ended) if ended else None,
        grade=grade if done else "",
    )
    for item in checklist.items.all():
        InspectionItem.objects.create(
            inspection=record,
            item=item,
            result=ItemResult.FAIL if item.number in failed else ItemResult.PASS,
            note=SECRET_NOTE,
            evidence=SECRET_EVIDENCE,
        )
    return record


@pytest.fixture
def record(institution_x: Institution, checklist: Checklist, regulator_a: User) -> dict[str, Inspection]:
    recent = inspection(institution_x, checklist, regulator_a, "2026-10-15", failed=("1", "3"), grade="C")
    order = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    InspectionItem.objects.filter(inspection=recent, item__number="1").update(case=order)
    return {
        "recent": recent,
        "clean": inspection(institution_x, checklist, regulator_a, "2023-05-10", grade="A"),
        "old": inspection(institution_x, checklist, regulator_a, "2021-11-24", failed=("2",)),
        "edge": inspection(institution_x, checklist, regulator_a, "2021-11-25", failed=("2",)),
        "ongoing": inspection(institution_x, checklist, regulator_a, None, failed=("2",)),
    }


def test_the_record_lists_completed_inspections_of_the_last_five_years_newest_first(
    institution_x: Institution, record: dict[str, Inspection]
) -> None:
    rows = public_inspection_record(institution_x, datetime.date(2026, 11, 25))

    assert [row.date for row in rows] == [
        datetime.date(2026, 10, 15),
        datetime.date(2023, 5, 10),
        datetime.date(2021, 11, 25),
    ]
    recent = rows[0]
    assert (recent.kind, recent.grade) == ("routine", "C")
    assert [(item.text, item.rectification_status) for item in recent.failed_items] == [
        ("消防通道畅通，无杂物堆放。", "issued"),
        ("食品留样不少于125克、48小时。", ""),
    ]
    assert rows[1].failed_items == []


def test_five_years_back_from_29_february() -> None:
    assert record_since(datetime.date(2028, 2, 29)) == datetime.date(2023, 2, 28)


def test_the_public_page_shows_the_record_in_plain_words(
    anonymous_client: Client, institution_x: Institution, record: dict[str, Inspection]
) -> None:
    text = anonymous_client.get(f"/institutions/{institution_x.code}/").content.decode()

    assert "Inspections of the last five years" in text
    assert "2026-10-15" in text and "消防通道畅通，无杂物堆放。" in text
    assert "Awaiting rectification" in text and "No rectification order" in text
    assert "All items met" in text
    assert "2021-11-24" not in text
    assert SECRET_NOTE not in text and SECRET_EVIDENCE not in text
    assert f"/complaints/new/?institution={institution_x.code}" in text


def test_a_page_without_inspections_says_so(anonymous_client: Client, institution_y: Institution) -> None:
    text = anonymous_client.get(f"/institutions/{institution_y.code}/").content.decode()
    assert "No completed inspection in the last five years." in text


def test_the_public_api_lists_the_record(
    api_as: Callable[[str], Any], institution_x: Institution, record: dict[str, Inspection]
) -> None:
    response = api_as("anonymous").get(f"/api/v1/institutions/{institution_x.code}/inspections/")

    assert response.status_code == 200
    rows = response.json()
    assert [row["date"] for row in rows] == ["2026-10-15", "2023-05-10", "2021-11-25"]
    assert rows[0]["kind"] == "routine" and rows[0]["grade"] == "C"
    assert rows[0]["failed_items"][0] == {
        "text": "消防通道畅通，无杂物堆放。",
        "rectification_status": "issued",
        "rectification_label": "Awaiting rectification",
    }
    assert SECRET_NOTE not in response.content.decode() and SECRET_EVIDENCE not in response.content.decode()


def test_an_institution_outside_the_public_directory_has_no_public_record(
    api_as: Callable[[str], Any], institution_x: Institution
) -> None:
    Institution.objects.filter(pk=institution_x.pk).update(filing_status="not_filed")
    assert (
        api_as("anonymous").get(f"/api/v1/institutions/{institution_x.code}/inspections/").status_code == 404
    )


@pytest.mark.clock("2026-06-01T10:00:00+08:00")
def test_the_public_page_lists_rectification_orders_and_where_each_stands(
    anonymous_client: Client, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    from tuoyu.supervision.services.rectification import rectification_answer, rectification_verify

    closed = rectification_issue(
        institution=institution_x,
        subject="户外场地围栏松动",
        requirement=SECRET_EVIDENCE,
        actor=regulator_a,
        deadline_days=5,
    )
    rectification_answer(case=closed, actor=director_x, note=SECRET_NOTE)
    rectification_verify(case=closed, actor=regulator_a, on_site=True)
    rectification_issue(
        institution=institution_x, subject="消防器材过期", actor=regulator_a, deadline_days=10
    )

    text = anonymous_client.get(f"/institutions/{institution_x.code}/").content.decode()

    assert "Rectification orders of the last five years" in text
    assert "户外场地围栏松动" in text and "Verified and closed" in text
    assert "消防器材过期" in text and "Awaiting rectification" in text
    assert closed.number in text and "2026-06-08" in text  # the deadline, five working days on
    assert SECRET_NOTE not in text and SECRET_EVIDENCE not in text


def test_an_institution_without_orders_says_so(anonymous_client: Client, institution_y: Institution) -> None:
    text = anonymous_client.get(f"/institutions/{institution_y.code}/").content.decode()
    assert "No rectification order in the last five years." in text
