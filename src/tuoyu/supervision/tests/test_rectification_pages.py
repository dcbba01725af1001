"""Rectification notices as pages: issued from a finding or typed, answered with photos, verified or
returned; the lists of the regulator and of the director; attachments served only to those who read the
step."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.cases.models import Case, CaseAttachment
from tuoyu.registry.models import Institution
from tuoyu.rules import Severity
from tuoyu.supervision.models import Finding
from tuoyu.supervision.services.rectification import (
    default_deadline_days,
    rectification_answer,
    rectification_issue,
    rectification_issue_for_finding,
)
from tuoyu.supervision.tests.rectification_helpers import finding_at, photo

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-01T10:00:00+08:00")]

Clients = Callable[[str], Client]


def test_the_regulator_issues_a_notice_from_a_finding_with_the_deadline_prefilled_by_severity(
    client_as: Clients, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    finding = finding_at(institution_x, severity=Severity.BLOCK)
    client = client_as("regulator_a")

    file = client.get(f"/supervision/institutions/{institution_x.code}/").content.decode()
    form = client.get(f"/supervision/findings/{finding.pk}/rectification/")
    days = default_deadline_days(Severity.BLOCK)
    response = client.post(
        f"/supervision/findings/{finding.pk}/rectification/",
        {"requirement": "补办健康证后方可上岗", "deadline_days": "5"},
    )

    assert f"/supervision/findings/{finding.pk}/rectification/" in file
    assert form.status_code == 200
    assert f'value="{days}"' in form.content.decode()
    assert "working days from today give 2026-" in form.content.decode()
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/cases/{case.pk}/"
    assert (case.source_key, case.severity, case.deadline) == (
        f"finding:{finding.pk}",
        Severity.BLOCK,
        datetime.date(2026, 6, 8),
    )
    again = client.get(f"/supervision/institutions/{institution_x.code}/").content.decode()
    assert case.number in again and f"/supervision/findings/{finding.pk}/rectification/" not in again


@pytest.mark.clock("2026-12-21T10:00:00+08:00")
def test_the_form_says_when_the_years_holidays_are_unknown(
    client_as: Clients, institution_x: Institution, regulator_a: User
) -> None:
    response = client_as("regulator_a").get(
        f"/supervision/institutions/{institution_x.code}/rectifications/new/"
    )
    assert "The holidays of 2027 are not published yet" in response.content.decode()


def test_a_notice_without_a_finding_has_the_subject_typed(
    client_as: Clients, institution_x: Institution, regulator_a: User
) -> None:
    client = client_as("regulator_a")
    url = f"/supervision/institutions/{institution_x.code}/rectifications/new/"

    empty = client.post(url, {"subject": "", "deadline_days": "10"})
    out_of_range = client.post(url, {"subject": "消防通道堆放杂物", "deadline_days": "400"})
    response = client.post(
        url, {"subject": "消防通道堆放杂物", "requirement": "立即清理", "deadline_days": "10"}
    )

    assert empty.status_code == 200 and out_of_range.status_code == 200
    assert "10 working days from today give 2026-06-15." in empty.content.decode()  # the days typed
    case = Case.objects.get()
    assert response["Location"] == f"/supervision/cases/{case.pk}/"
    assert (case.subject, case.detail, case.source_key, case.deadline_days) == (
        "消防通道堆放杂物",
        "立即清理",
        "",
        10,
    )


def test_only_the_regulator_of_the_region_issues(
    client_as: Clients, institution_x: Institution, regulator_b: User, director_x: User
) -> None:
    finding = finding_at(institution_x)
    for persona in ("regulator_b", "director_x"):
        client = client_as(persona)
        assert client.get(f"/supervision/findings/{finding.pk}/rectification/").status_code == 404
        new = client.post(
            f"/supervision/institutions/{institution_x.code}/rectifications/new/",
            {"subject": "x", "deadline_days": "5"},
        )
        assert new.status_code == 404
    director_file = client_as("director_x").get(f"/supervision/institutions/{institution_x.code}/")
    assert "Issue a rectification notice" not in director_file.content.decode()
    assert not Case.objects.exists()


def test_the_director_answers_with_a_photo_and_the_regulator_verifies_and_closes(
    client_as: Clients, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = rectification_issue_for_finding(finding=finding_at(institution_x), actor=regulator_a)
    director, regulator = client_as("director_x"), client_as("regulator_a")

    director_page = director.get(f"/supervision/cases/{case.pk}/").content.decode()
    answered = director.post(
        f"/supervision/cases/{case.pk}/answer/",
        {"note": "已补办健康证", "evidence": [photo(), photo("b.jpg")]},
    )
    regulator_page = regulator.get(f"/supervision/cases/{case.pk}/").content.decode()
    unconfirmed = regulator.post(f"/supervision/cases/{case.pk}/verify/", {"how": "site"})
    verified = regulator.post(f"/supervision/cases/{case.pk}/verify/", {"how": "site", "confirm": "on"})

    assert 'id="answer"' in director_page and 'id="verify"' not in director_page
    assert answered.status_code == 302
    assert 'id="verify"' in regulator_page and 'id="answer"' not in regulator_page
    assert "已补办健康证" in regulator_page and regulator_page.count("data-attachment") == 2
    assert unconfirmed.status_code == 400
    assert verified.status_code == 302
    case.refresh_from_db()
    assert case.status == "verified" and case.closed_at is not None
    closed = regulator.get(f"/supervision/cases/{case.pk}/").content.decode()
    assert "Verified and closed" in closed and "Verified on site." in closed and 'id="verify"' not in closed


def test_the_regulator_returns_with_a_reason(
    client_as: Clients, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    rectification_answer(case=case, actor=director_x, note="已清理")
    regulator = client_as("regulator_a")

    without_reason = regulator.post(f"/supervision/cases/{case.pk}/return/", {"note": ""})
    returned = regulator.post(f"/supervision/cases/{case.pk}/return/", {"note": "照片看不清"})

    assert without_reason.status_code == 400
    assert returned.status_code == 302
    case.refresh_from_db()
    assert case.status == "returned"
    assert 'id="answer"' in client_as("director_x").get(f"/supervision/cases/{case.pk}/").content.decode()


def test_each_side_is_refused_the_other_sides_action(
    client_as: Clients, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    case = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    assert (
        client_as("regulator_a").post(f"/supervision/cases/{case.pk}/answer/", {"note": "x"}).status_code
        == 404
    )
    rectification_answer(case=case, actor=director_x, note="已清理")
    director = client_as("director_x")
    assert (
        director.post(f"/supervision/cases/{case.pk}/verify/", {"how": "site", "confirm": "on"}).status_code
        == 404
    )
    assert director.post(f"/supervision/cases/{case.pk}/return/", {"note": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "answered"


def test_an_answer_refuses_more_than_six_files_and_what_is_not_a_photo_or_pdf(
    client_as: Clients, institution_x: Institution, regulator_a: User, director_x: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    director = client_as("director_x")
    seven = director.post(
        f"/supervision/cases/{case.pk}/answer/",
        {"note": "x", "evidence": [photo(f"{i}.jpg") for i in range(7)]},
    )
    html = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    page = director.post(f"/supervision/cases/{case.pk}/answer/", {"note": "x", "evidence": [html]})

    assert seven.status_code == 400 and "At most 6 files" in seven.content.decode()
    assert page.status_code == 400 and "not a PDF, JPEG or PNG" in page.content.decode()
    case.refresh_from_db()
    assert case.status == "issued" and not CaseAttachment.objects.exists()


def test_attachments_are_served_by_their_bytes_to_those_who_read_the_case(
    client_as: Clients, institution_x: Institution, regulator_a: User, regulator_b: User, director_x: User
) -> None:
    case = rectification_issue(institution=institution_x, subject="消防通道堆放杂物", actor=regulator_a)
    rectification_answer(case=case, actor=director_x, note="已清理", evidence=[photo()])
    attachment = CaseAttachment.objects.get()
    url = f"/supervision/cases/{case.pk}/attachments/{attachment.pk}/"

    shown = client_as("regulator_a").get(url)

    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert client_as("director_x").get(url).status_code == 200
    assert client_as("regulator_b").get(url).status_code == 404
    other = rectification_issue(institution=institution_x, subject="另一项", actor=regulator_a)
    assert (
        client_as("regulator_a")
        .get(f"/supervision/cases/{other.pk}/attachments/{attachment.pk}/")
        .status_code
        == 404
    )


def test_the_case_shows_that_the_finding_is_resolved_by_the_data_but_stays_open(
    client_as: Clients, institution_x: Institution, regulator_a: User
) -> None:
    finding = finding_at(institution_x)
    case = rectification_issue_for_finding(finding=finding, actor=regulator_a)
    before = client_as("regulator_a").get(f"/supervision/cases/{case.pk}/").content.decode()
    Finding.objects.filter(pk=finding.pk).update(resolved_at=timezone.now())

    after = client_as("regulator_a").get(f"/supervision/cases/{case.pk}/").content.decode()

    assert "resolved by the data" not in before
    assert "The finding this comes from is resolved by the data since 2026-06-01" in after
    case.refresh_from_db()
    assert case.is_open


@pytest.mark.clock("2026-06-01T10:00:00+08:00")
def test_the_lists_filter_by_status_for_the_regulator_and_show_the_directors_own(
    client_as: Clients,
    clock: object,
    institution_x: Institution,
    institution_y: Institution,
    regulator_a: User,
    director_x: User,
) -> None:
    overdue = rectification_issue(
        institution=institution_x, subject="逾期未整改", actor=regulator_a, deadline_days=1
    )
    answered = rectification_issue(institution=institution_x, subject="已答复待核查", actor=regulator_a)
    rectification_answer(case=answered, actor=director_x, note="已整改")
    other = rectification_issue(institution=institution_y, subject="另一机构", actor=regulator_a)
    clock.move_to("2026-06-04T10:00:00+08:00")  # type: ignore[attr-defined]
    regulator = client_as("regulator_a")

    def numbers(client: Client, query: str = "") -> set[str]:
        text = client.get(f"/supervision/rectifications/{query}").content.decode()
        return {case.number for case in (overdue, answered, other) if case.number in text}

    assert numbers(regulator) == {overdue.number, answered.number, other.number}
    assert numbers(regulator, "?status=overdue") == {overdue.number}
    assert numbers(regulator, "?status=awaiting") == {answered.number}
    assert numbers(regulator, "?status=closed") == set()
    assert numbers(client_as("director_x")) == {overdue.number, answered.number}
    assert (
        "Rectification notices"
        in client_as("director_x").get("/supervision/rectifications/").content.decode()
    )
    assert client_as("caregiver_x").get("/supervision/rectifications/").status_code == 404
