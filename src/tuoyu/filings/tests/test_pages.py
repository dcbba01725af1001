"""The filing pages under /filings/: the director prepares and submits, the regulator reviews."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.filings.models import Filing, FilingKind, FilingMaterial, FilingState, MaterialKind
from tuoyu.filings.services import filing_start, filing_submit
from tuoyu.filings.tests.helpers import NEW_NAME, PDF, attach_all, fill_in
from tuoyu.registry.models import FilingStatus, Institution, OperatingStatus
from tuoyu.workforce.tests.helpers import hire_certified_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(client_as: Callable[[str], Client]) -> Callable[[str], Client]:
    return client_as


def problem_items(html: str) -> list[str]:
    return re.findall(r'<li data-item="([^"]+)">', html)


def form_data(filing: Filing, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": filing.name,
        "address": filing.address,
        "director_name": filing.director_name or "吴园长",
        "filed_places": filing.filed_places,
        "serves_meals": "on" if filing.serves_meals else "",
        "price_full_day": "1800",
        "commitment": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


# The director prepares and submits ------------------------------------------------------------------------


def test_director_starts_fills_in_attaches_and_submits_an_initial_filing_through_the_pages(
    newcomer: Institution, director_n: User, client_as: Callable[[str], Client]
) -> None:
    hire_certified_team(newcomer, timezone.localdate())
    client = client_as("director_n")

    started = client.post("/filings/start/", {"institution": str(newcomer.code), "kind": "initial"})
    filing = Filing.objects.get(institution=newcomer)
    assert started["Location"] == f"/filings/{filing.code}/edit/"

    saved = client.post(f"/filings/{filing.code}/edit/", form_data(filing, filed_places="45"))
    assert saved.status_code == 302
    filing.refresh_from_db()
    assert (filing.filed_places, filing.commitment_accepted_at is not None) == (45, True)

    detail = client.get(f"/filings/{filing.code}/").content.decode()
    assert problem_items(detail) == [
        "business_licence",
        "premises",
        "health_evaluation",
        "fire_safety",
        "food_licence",
    ]
    assert "disabled>Submit for review</button>" in detail

    today = timezone.localdate()
    facts: dict[str, dict[str, Any]] = {
        "business_licence": {},
        "premises": {
            "tenure": "leased",
            "lease_start": today - datetime.timedelta(days=10),
            "lease_end": today + datetime.timedelta(days=3 * 366),
        },
        "health_evaluation": {"rating": "pass"},
        "fire_safety": {},
        "food_licence": {"valid_until": today + datetime.timedelta(days=365)},
    }
    for kind, extra in facts.items():
        response = client.post(
            f"/filings/{filing.code}/materials/",
            {
                "kind": kind,
                "file": SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
                **extra,
            },
        )
        assert response.status_code == 302
    assert problem_items(client.get(f"/filings/{filing.code}/").content.decode()) == []

    submitted = client.post(f"/filings/{filing.code}/submit/")

    assert submitted.status_code == 302
    filing.refresh_from_db()
    assert (filing.state, filing.version) == (FilingState.SUBMITTED, 1)


def test_submitting_an_incomplete_filing_on_the_page_lists_each_problem_and_changes_nothing(
    newcomer: Institution, director_n: User, client_as: Callable[[str], Client]
) -> None:
    hire_certified_team(newcomer, timezone.localdate())
    filing = fill_in(
        director_n, filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
    )

    response = client_as("director_n").post(f"/filings/{filing.code}/submit/", follow=True)

    html = response.content.decode()
    for label in (
        "Business licence",
        "Proof of premises",
        "Health evaluation report",
        "Fire-safety",
        "Food business licence",
    ):
        assert f"Missing: {label}" in html, label
    filing.refresh_from_db()
    assert (filing.state, filing.version) == (FilingState.DRAFT, 0)


def test_a_text_file_named_pdf_is_refused_as_material(
    newcomer: Institution, director_n: User, client_as: Callable[[str], Client]
) -> None:
    filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)

    response = client_as("director_n").post(
        f"/filings/{filing.code}/materials/",
        {
            "kind": "business_licence",
            "file": SimpleUploadedFile("licence.pdf", b"plain text", content_type="application/pdf"),
        },
        follow=True,
    )

    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not FilingMaterial.objects.exists()


def test_material_download_returns_the_file_to_insiders(
    newcomer: Institution, director_n: User, client_as: Callable[[str], Client], regulator_a: User
) -> None:
    filing = filing_start(actor=director_n, institution=newcomer, kind=FilingKind.INITIAL)
    attach_all(director_n, filing, timezone.localdate())
    material = filing.materials.get(kind=MaterialKind.FIRE_SAFETY)

    for persona in ("director_n", "regulator_a"):
        response = client_as(persona).get(f"/filings/materials/{material.code}/")
        assert response.status_code == 200, persona
        assert response.getvalue() == PDF
        assert response["Content-Type"] == "application/pdf"


# The regulator reviews --------------------------------------------------------------------------------------


def test_approval_on_the_page_issues_a_receipt_and_lists_the_institution_publicly(
    submitted: Filing, newcomer: Institution, client_as: Callable[[str], Client], anonymous_client: Client
) -> None:
    assert NEW_NAME not in anonymous_client.get("/institutions/").content.decode()
    assert anonymous_client.get(f"/institutions/{newcomer.code}/").status_code == 404

    response = client_as("regulator_a").post(f"/filings/{submitted.code}/approve/", follow=True)

    submitted.refresh_from_db()
    receipt = f"甲区托育备〔{timezone.localdate().year}〕001号"
    assert (submitted.state, submitted.receipt_no) == (FilingState.APPROVED, receipt)
    assert f"<strong data-receipt>{receipt}</strong>" in response.content.decode()
    newcomer.refresh_from_db()
    assert (newcomer.filing_status, newcomer.operating_status) == (
        FilingStatus.FILED,
        OperatingStatus.OPERATING,
    )
    directory = anonymous_client.get("/institutions/")
    assert newcomer in list(directory.context["page"].object_list)
    public = anonymous_client.get(f"/institutions/{newcomer.code}/").content.decode()
    assert receipt in public
    api = anonymous_client.get(f"/api/v1/institutions/{newcomer.code}/").json()
    assert (api["filing_receipt_no"], api["filed_places"]) == (receipt, 50)


def test_return_on_the_page_stores_reasons_per_item_and_the_director_sees_them(
    submitted: Filing, client_as: Callable[[str], Client]
) -> None:
    client_as("regulator_a").post(
        f"/filings/{submitted.code}/return/",
        {
            "reason_fire_safety": "消防检查合格证明已过期",
            "reason_address": "地址缺少门牌号",
            "reason_name": "",
        },
    )

    submitted.refresh_from_db()
    assert submitted.state == FilingState.RETURNED
    assert dict(submitted.return_reasons.values_list("item", "reason")) == {
        "fire_safety": "消防检查合格证明已过期",
        "address": "地址缺少门牌号",
    }
    html = client_as("director_n").get(f"/filings/{submitted.code}/").content.decode()
    assert "<strong>Fire-safety inspection pass</strong>：消防检查合格证明已过期" in html
    assert "<strong>Address</strong>：地址缺少门牌号" in html


def test_returned_filing_corrected_and_resubmitted_keeps_both_versions_viewable(
    submitted: Filing, director_n: User, client_as: Callable[[str], Client]
) -> None:
    regulator, director = client_as("regulator_a"), client_as("director_n")
    regulator.post(f"/filings/{submitted.code}/return/", {"reason_address": "地址缺少门牌号"})
    director.post(f"/filings/{submitted.code}/edit/", form_data(submitted, address="甲一街道新苗路8号1号楼"))

    director.post(f"/filings/{submitted.code}/submit/")

    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (FilingState.SUBMITTED, 2)
    detail = regulator.get(f"/filings/{submitted.code}/").content.decode()
    assert re.findall(r'<li data-version="(\d+)">', detail) == ["2", "1"]
    first = regulator.get(f"/filings/{submitted.code}/versions/1/")
    second = regulator.get(f"/filings/{submitted.code}/versions/2/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert "<dd>甲一街道新苗路8号</dd>" in first.content.decode()
    assert "地址缺少门牌号" in first.content.decode()  # the reasons that version was returned with
    assert "<dd>甲一街道新苗路8号1号楼</dd>" in second.content.decode()
    assert "地址缺少门牌号" not in second.content.decode()
    assert regulator.get(f"/filings/{submitted.code}/versions/3/").status_code == 404


def test_a_published_return_appears_on_the_public_decisions_page(
    submitted: Filing, client_as: Callable[[str], Client], anonymous_client: Client
) -> None:
    assert NEW_NAME not in anonymous_client.get("/filings/decisions/").content.decode()

    client_as("regulator_a").post(
        f"/filings/{submitted.code}/return/", {"reason_fire_safety": "未提交消防验收材料", "publish": "on"}
    )

    html = anonymous_client.get("/filings/decisions/").content.decode()
    assert NEW_NAME in html
    assert "未提交消防验收材料" in html


def test_an_unpublished_return_stays_off_the_public_decisions_page(
    submitted: Filing, client_as: Callable[[str], Client], anonymous_client: Client
) -> None:
    client_as("regulator_a").post(
        f"/filings/{submitted.code}/return/", {"reason_fire_safety": "未提交消防验收材料"}
    )

    html = anonymous_client.get("/filings/decisions/").content.decode()
    assert NEW_NAME not in html
    assert "未提交消防验收材料" not in html


def test_the_review_queue_flags_overdue_filings(
    submitted: Filing, institution_x: Institution, director_x: User, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    Filing.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10),
        review_deadline=today - datetime.timedelta(days=1),
    )
    on_time = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    Filing.objects.filter(pk=on_time.pk).update(
        state=FilingState.SUBMITTED,
        submitted_at=timezone.now(),
        review_deadline=today + datetime.timedelta(days=3),
    )

    response = client_as("regulator_a").get("/filings/")

    assert response.context["overdue_count"] == 1
    assert [(filing.pk, overdue) for filing, overdue in response.context["queue"]] == [
        (submitted.pk, True),
        (on_time.pk, False),
    ]
    html = response.content.decode()
    overdue_rows = re.findall(r'<tr data-kind="\w+" class="overdue"><td><a href="/filings/([^/]+)/">', html)
    assert overdue_rows == [str(submitted.code)]
    assert "1 review is overdue." in html


def test_a_filing_due_today_is_not_overdue(submitted: Filing, client_as: Callable[[str], Client]) -> None:
    Filing.objects.filter(pk=submitted.pk).update(review_deadline=timezone.localdate())

    response = client_as("regulator_a").get("/filings/")

    assert response.context["overdue_count"] == 0


def test_a_filing_without_deadline_says_it_cannot_be_computed(
    submitted: Filing, client_as: Callable[[str], Client]
) -> None:
    Filing.objects.filter(pk=submitted.pk).update(review_deadline=None)

    response = client_as("regulator_a").get("/filings/")

    assert response.context["overdue_count"] == 0
    assert "Cannot be computed" in response.content.decode()


def test_the_review_queue_of_district_b_does_not_show_district_a(
    submitted: Filing, client_as: Callable[[str], Client]
) -> None:
    response = client_as("regulator_b").get("/filings/")

    assert response.context["queue"] == []
    assert list(response.context["filings"]) == []
    assert NEW_NAME not in response.content.decode()


# Change filing and cancellation in the public directory -----------------------------------------------------


def directory_places(client: Client, institution: Institution) -> str | None:
    html = client.get("/institutions/").content.decode()
    found = re.search(
        rf">{re.escape(institution.name)}</a></h3>\s*<p class=\"meta\">[^<]*· (\d+) places</p>", html
    )
    return found.group(1) if found else None


def test_the_directory_keeps_the_filed_places_until_a_change_is_approved(
    institution_x: Institution, director_x: User, client_as: Callable[[str], Client], anonymous_client: Client
) -> None:
    today = timezone.localdate()
    hire_certified_team(institution_x, today)
    filing = filing_start(actor=director_x, institution=institution_x, kind=FilingKind.CHANGE)
    fill_in(director_x, filing, filed_places=80, services={"full_day": Decimal("1900")})
    attach_all(director_x, filing, today)
    filing_submit(actor=director_x, filing=filing)

    assert directory_places(anonymous_client, institution_x) == "60"
    client_as("regulator_a").post(f"/filings/{filing.code}/approve/")

    assert directory_places(anonymous_client, institution_x) == "80"


def test_an_approved_cancellation_removes_the_institution_from_the_directory(
    institution_x: Institution, director_x: User, client_as: Callable[[str], Client], anonymous_client: Client
) -> None:
    director = client_as("director_x")
    director.post("/filings/start/", {"institution": str(institution_x.code), "kind": "deregistration"})
    filing = Filing.objects.get(institution=institution_x)
    director.post(f"/filings/{filing.code}/edit/", form_data(filing, director_name="李园长"))
    director.post(f"/filings/{filing.code}/submit/")
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT  # refused: no resettlement
    director.post(
        f"/filings/{filing.code}/edit/",
        form_data(filing, director_name="李园长", resettlement="在托幼儿已转入月亮托育园"),
    )
    director.post(f"/filings/{filing.code}/submit/")
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    assert directory_places(anonymous_client, institution_x) == "60"

    client_as("regulator_a").post(f"/filings/{filing.code}/approve/")

    assert directory_places(anonymous_client, institution_x) is None
    assert anonymous_client.get(f"/institutions/{institution_x.code}/").status_code == 404


# Who may do what --------------------------------------------------------------------------------------------


def x_filing_urls(filing: Filing) -> list[str]:
    material = filing.materials.first()
    assert material is not None
    return [
        f"/filings/{filing.code}/",
        f"/filings/{filing.code}/edit/",
        f"/filings/{filing.code}/versions/1/",
        f"/filings/materials/{material.code}/",
    ]


@pytest.mark.parametrize(
    "persona", ["director_y", "regulator_b", "caregiver_x", "health_worker_x", "doctor", "guardian"]
)
def test_outsiders_get_404_on_the_filing_pages_and_materials_of_x(
    filing_of_x: Filing, client_as: Callable[[str], Client], persona: str
) -> None:
    client = client_as(persona)

    for url in x_filing_urls(filing_of_x):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "星星托育园" not in response.content.decode()


@pytest.mark.parametrize("persona", ["director_x", "regulator_a"])
def test_insiders_open_the_filing_pages_and_materials_of_x(
    filing_of_x: Filing, client_as: Callable[[str], Client], persona: str
) -> None:
    client = client_as(persona)

    for url in x_filing_urls(filing_of_x):
        if url.endswith("/edit/") and persona == "regulator_a":
            assert client.get(url).status_code == 404  # regulators review; they do not edit the form
        else:
            assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_sign_in_from_every_filing_page(
    filing_of_x: Filing, anonymous_client: Client
) -> None:
    for url in ["/filings/", *x_filing_urls(filing_of_x)]:
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.parametrize(
    ("persona", "action"),
    [
        ("caregiver_x", "approve"),
        ("director_x", "approve"),  # their own filing
        ("regulator_b", "approve"),
        ("director_y", "approve"),
        ("caregiver_x", "return"),
        ("director_x", "return"),
        ("regulator_b", "return"),
    ],
)
def test_only_the_regulator_of_the_district_can_decide_on_the_filing_of_x(
    filing_of_x: Filing,
    institution_x: Institution,
    client_as: Callable[[str], Client],
    persona: str,
    action: str,
) -> None:
    response = client_as(persona).post(f"/filings/{filing_of_x.code}/{action}/", {"reason_name": "不同意"})

    assert response.status_code == 404
    filing_of_x.refresh_from_db()
    assert (filing_of_x.state, filing_of_x.receipt_no) == (FilingState.SUBMITTED, "")
    assert not filing_of_x.return_reasons.exists()


def test_the_directors_own_page_offers_no_review_form(
    filing_of_x: Filing, client_as: Callable[[str], Client]
) -> None:
    director = client_as("director_x").get(f"/filings/{filing_of_x.code}/")
    regulator = client_as("regulator_a").get(f"/filings/{filing_of_x.code}/")

    assert (director.context["may_review"], regulator.context["may_review"]) == (False, True)
    assert 'id="return-form"' not in director.content.decode()
    assert 'id="return-form"' in regulator.content.decode()


@pytest.mark.parametrize("persona", ["director_y", "regulator_a", "regulator_b", "caregiver_x"])
def test_only_the_director_can_start_a_filing_for_x(
    institution_x: Institution, client_as: Callable[[str], Client], persona: str
) -> None:
    response = client_as(persona).post(
        "/filings/start/", {"institution": str(institution_x.code), "kind": "change"}
    )

    assert response.status_code == 404
    assert not Filing.objects.exists()


def test_outsiders_cannot_attach_material_to_the_filing_of_x(
    filing_of_x: Filing, client_as: Callable[[str], Client]
) -> None:
    before = filing_of_x.materials.count()

    response = client_as("director_y").post(
        f"/filings/{filing_of_x.code}/materials/",
        {"kind": "other", "file": SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")},
    )

    assert response.status_code == 404
    assert filing_of_x.materials.count() == before


def test_filing_list_shows_each_director_only_their_own_filings(
    filing_of_x: Filing, client_as: Callable[[str], Client]
) -> None:
    mine = client_as("director_x").get("/filings/")
    other = client_as("director_y").get("/filings/")

    assert list(mine.context["filings"]) == [filing_of_x]
    assert list(other.context["filings"]) == []
    assert mine.context["reviewer"] is False
