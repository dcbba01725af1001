"""Inspection pages and API: who reads and fills what (outsiders get 404), the phone form, refusals as
messages, the record and its PDF in Chinese."""

import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.registry.models import Institution
from tuoyu.supervision.models import Inspection, InspectionItem, InspectionStatus, ItemResult
from tuoyu.supervision.pdf import inspection_pdf_bytes
from tuoyu.supervision.services.inspections import inspection_add_photo, inspection_complete
from tuoyu.supervision.tests.inspection_helpers import answer_all, data_url, png_upload, sign_both, started

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-01T10:00:00+08:00")]


def completed(institution: Institution, regulator: User) -> Inspection:
    inspection = started(institution, regulator)
    answer_all(inspection, regulator)
    failed = inspection.items.get(item__number="R11")
    from tuoyu.supervision.services.inspections import inspection_record_item

    inspection_record_item(item=failed, actor=regulator, result=ItemResult.FAIL, note="户外场地堆放杂物")
    inspection_add_photo(item=failed, actor=regulator, file=png_upload())
    sign_both(inspection, regulator)
    return inspection_complete(inspection=inspection, actor=regulator)


# Pages ---------------------------------------------------------------------------------------------------


def test_a_regulator_starts_an_inspection_from_the_institution_file(
    client_as: Callable[[str], Client], institution_x: Institution, regulator_a: User
) -> None:
    client = client_as("regulator_a")
    file = client.get(reverse("supervision:institution_file", kwargs={"code": institution_x.code}))
    start = f"{reverse('supervision:inspection_new')}?institution={institution_x.code}"
    assert start in file.content.decode()
    form = client.get(start)
    assert form.status_code == 200
    answer = client.post(
        reverse("supervision:inspection_new"),
        {"institution": institution_x.code, "checklist": "routine", "kind": "routine"},
    )
    inspection = Inspection.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("supervision:inspection_fill", kwargs={"pk": inspection.pk})
    page = client.get(answer["Location"]).content.decode()
    assert "检查〔2026〕1号" in page and "已备案" in page  # the filing item's evidence
    assert 'capture="environment"' in page and "tuoyu/inspection.js" in page
    assert page.count('class="result-button result-') == 3 * inspection.items.count()
    listing = client.get(reverse("supervision:inspections")).content.decode()
    assert "检查〔2026〕1号" in listing


def test_a_director_sees_no_start_link_and_cannot_start(
    client_as: Callable[[str], Client], institution_x: Institution, director_x: User
) -> None:
    client = client_as("director_x")
    file = client.get(reverse("supervision:institution_file", kwargs={"code": institution_x.code}))
    assert reverse("supervision:inspection_new") not in file.content.decode()
    assert client.get(reverse("supervision:inspection_new")).status_code == 404
    assert client.get(reverse("supervision:inspections")).status_code == 404


def test_completing_with_items_open_is_refused_as_a_message(
    client_as: Callable[[str], Client], institution_x: Institution, regulator_a: User
) -> None:
    inspection = started(institution_x, regulator_a)
    client = client_as("regulator_a")
    answer = client.post(
        reverse("supervision:inspection_complete", kwargs={"pk": inspection.pk}), follow=True
    )
    assert "Answer every item before completing" in answer.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_the_record_for_the_regulator_and_the_director_and_404_for_others(
    client_as: Callable[[str], Client],
    institution_x: Institution,
    regulator_a: User,
    regulator_b: User,
    director_x: User,
    director_y: User,
    caregiver_x: User,
) -> None:
    in_progress = started(institution_x, regulator_a)
    inspection = completed(institution_x, regulator_a)
    record = reverse("supervision:inspection", kwargs={"pk": inspection.pk})
    for persona in ("regulator_a", "director_x"):
        page = client_as(persona).get(record)
        assert page.status_code == 200
        text = page.content.decode()
        case = inspection.items.get(item__number="R11").case
        assert case is not None
        assert "户外活动" in text and case.number in text
    for persona in ("regulator_b", "director_y", "caregiver_x"):
        assert client_as(persona).get(record).status_code == 404
    # The director reads the record once completed; never the form.
    director = client_as("director_x")
    assert director.get(reverse("supervision:inspection", kwargs={"pk": in_progress.pk})).status_code == 404
    assert (
        director.get(reverse("supervision:inspection_fill", kwargs={"pk": in_progress.pk})).status_code == 404
    )
    # A completed inspection has no form any more: its record instead.
    fill = reverse("supervision:inspection_fill", kwargs={"pk": inspection.pk})
    assert client_as("regulator_a").get(fill)["Location"] == record
    photo = inspection.items.get(item__number="R11").photos.get()
    assert (
        client_as("director_x")
        .get(reverse("supervision:inspection_photo", kwargs={"pk": photo.pk}))
        .status_code
        == 200
    )
    assert (
        client_as("director_y")
        .get(reverse("supervision:inspection_photo", kwargs={"pk": photo.pk}))
        .status_code
        == 404
    )
    signature = reverse(
        "supervision:inspection_signature", kwargs={"pk": inspection.pk, "signer": "director"}
    )
    assert client_as("regulator_a").get(signature)["Content-Type"] == "image/png"
    bad = reverse("supervision:inspection_signature", kwargs={"pk": inspection.pk, "signer": "remarks"})
    assert client_as("regulator_a").get(bad).status_code == 404


def test_the_pdf_record_is_in_chinese_with_results_reasons_score_and_grade(
    institution_x: Institution, regulator_a: User
) -> None:
    inspection = started(institution_x, regulator_a)
    answer_all(inspection, regulator_a)  # overrides the menus item (the data says: not met) with a reason
    sign_both(inspection, regulator_a)
    inspection = inspection_complete(inspection=inspection, actor=regulator_a)
    reader = PdfReader(io.BytesIO(inspection_pdf_bytes(inspection)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert sum(len(page.images) for page in reader.pages) == 2  # the two signatures, drawn in
    compact = text.replace(" ", "").replace("\n", "")
    assert "星星托育园" in compact
    assert "托育机构不设在四层及以上楼层" in compact
    assert "现场核实" in compact  # the reason for overriding
    assert "检查〔2026〕1号" in compact
    assert "李园长" in compact


def test_the_pdf_page_downloads_for_the_director(
    client_as: Callable[[str], Client], institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    inspection = completed(institution_x, regulator_a)
    answer = client_as("director_x").get(reverse("supervision:inspection_pdf", kwargs={"pk": inspection.pk}))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")


# API -------------------------------------------------------------------------------------------------------


def test_the_api_runs_an_inspection_from_start_to_pdf(
    api_as: Callable[[str], APIClient], institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    api = api_as("regulator_a")
    answer = api.post(
        "/api/v1/inspections/",
        {"institution": str(institution_x.code), "checklist": "routine"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"] == "检查〔2026〕1号" and len(body["items"]) == 12
    by_number = api.get(f"/api/v1/inspections/{body['number']}/")
    assert by_number.status_code == 200 and by_number.json()["id"] == body["id"]
    items = {item["number"]: item for item in body["items"]}
    url = f"/api/v1/inspections/{body['id']}/items/{items['R01']['id']}/"
    refused = api.patch(url, {"result": "fail"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "override_reason_required"
    assert api.patch(url, {"result": "fail", "override_reason": "回执过期"}, format="json").status_code == 200
    for item in body["items"]:
        if item["number"] != "R01":
            reason = "现场核实" if item["prefilled"] and item["prefilled"] != "pass" else ""
            answer = api.patch(
                f"/api/v1/inspections/{body['id']}/items/{item['id']}/",
                {"result": "pass", "override_reason": reason},
                format="json",
            )
            assert answer.status_code == 200, answer.content
    photo = api.post(
        f"/api/v1/inspections/{body['id']}/items/{items['R01']['id']}/photos/",
        {"file": png_upload()},
        format="multipart",
    )
    assert photo.status_code == 201, photo.content
    early = api.post(f"/api/v1/inspections/{body['id']}/complete/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "signatures_missing"
    for signer in ("inspector", "director"):
        signed = api.post(
            f"/api/v1/inspections/{body['id']}/signatures/",
            {"signer": signer, "image": data_url(), "director_name": "李园长"},
            format="json",
        )
        assert signed.status_code == 200, signed.content
    done = api.post(f"/api/v1/inspections/{body['id']}/complete/", {"remarks": ""}, format="json")
    assert done.status_code == 200, done.content
    result = done.json()
    assert (result["status"], result["score"], result["grade"], result["vetoed"]) == (
        "completed",
        90,
        "D",
        True,
    )
    assert [item["case"] is not None for item in result["items"]].count(True) == 1
    director = api_as("director_x")
    assert director.get(f"/api/v1/inspections/{body['id']}/").status_code == 200
    pdf = director.get(f"/api/v1/inspections/{body['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    again = api.patch(url, {"result": "pass"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "inspection_completed"
    # The director reads the record but never answers for the inspector.
    assert director.patch(url, {"result": "pass"}, format="json").status_code == 404


def test_the_api_is_scoped_like_the_pages(
    api_as: Callable[[str], APIClient],
    institution_x: Institution,
    regulator_a: User,
    regulator_b: User,
    director_x: User,
) -> None:
    inspection = started(institution_x, regulator_a)
    item = InspectionItem.objects.filter(inspection=inspection).first()
    assert item is not None
    outsider = api_as("regulator_b")
    assert outsider.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 404
    assert outsider.get("/api/v1/inspections/").json()["count"] == 0
    assert (
        outsider.patch(
            f"/api/v1/inspections/{inspection.pk}/items/{item.pk}/", {"result": "pass"}, format="json"
        )
    ).status_code == 404
    started_elsewhere = outsider.post(
        "/api/v1/inspections/",
        {"institution": str(institution_x.code), "checklist": "routine"},
        format="json",
    )
    assert started_elsewhere.status_code == 404
    director = api_as("director_x")
    assert director.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 404  # still in progress
    assert api_as("regulator_a").get("/api/v1/inspections/").json()["count"] == 1


def test_the_administrator_configures_a_checklist_in_the_back_office(db: None) -> None:
    from tests.personas import signed_in_client
    from tuoyu.accounts.factories import UserFactory
    from tuoyu.supervision.models import Checklist

    checklist = Checklist.objects.get(code="routine")
    client = signed_in_client(UserFactory.create(is_staff=True, is_superuser=True))
    url = reverse("admin:supervision_checklist_change", args=[checklist.pk])
    page = client.get(url).content.decode()
    assert 'value="morning_checks"' in page and "托育机构不设在四层及以上楼层" in page
    items = list(checklist.items.order_by("position"))
    data: dict[str, object] = {
        "code": checklist.code,
        "name": checklist.name,
        "source": checklist.source,
        "max_score": checklist.max_score,
        "grade_cutoffs": '{"A": 95, "B": 80, "C": 60}',
        "active": "on",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for n, item in enumerate(items):
        for field in ("position", "number", "dimension", "text", "source", "weight", "prefill"):
            data[f"items-{n}-{field}"] = getattr(item, field)
        if item.veto:
            data[f"items-{n}-veto"] = "on"
        data[f"items-{n}-id"] = item.pk
        data[f"items-{n}-checklist"] = checklist.pk
    data["items-0-weight"] = 20  # the filing item counts double
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    checklist.refresh_from_db()
    assert checklist.grade_cutoffs == {"A": 95, "B": 80, "C": 60}
    assert checklist.max_score == 110  # follows the items' points
