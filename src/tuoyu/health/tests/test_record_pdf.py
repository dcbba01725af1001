"""The printable health record (PDF): the guardian and the health staff who may read the record print it in
Chinese, with the institution and the date; every download is a logged read; outsiders get 404."""

import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import AccessChannel, Child, HealthRecordAccess
from tuoyu.health.tests.records_helpers import CHILD_NAME, child_x, family, full_record
from tuoyu.registry.models import Institution

pytestmark = pytest.mark.django_db

__all__ = ["child_x", "family"]  # fixtures used by name


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_guardian_prints_the_whole_record_in_chinese_and_the_download_is_logged(
    client_as: Callable[[str], Client],
    child_x: Child,
    family: User,
    institution_x: Institution,
    health_worker_x: User,
) -> None:
    full_record(child_x, institution_x, health_worker_x)
    client = client_as("family")

    response = client.get(reverse("health:child_pdf", args=[child_x.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="health-record-{child_x.code}-')
    text = pdf_text(response.content)
    for expected in (
        "儿童健康档案",
        CHILD_NAME,
        institution_x.name,
        "2026-11-25",  # the day printed
        "-2.40",  # the weight-for-age z-score
        "中度低体重",  # its classification
        "血红蛋白118克/升",
        "已全程接种",
        "未见预警征象",
        "体重增长缓慢",  # the referral
    ):
        assert expected in text, expected
    logged = HealthRecordAccess.objects.get(user=family, view="pdf")
    assert (logged.child_id, logged.channel) == (child_x.pk, AccessChannel.EXPORT)


def test_the_health_worker_prints_it_and_an_outsider_gets_404(
    client_as: Callable[[str], Client], child_x: Child, director_y: User, guardian: User
) -> None:
    url = reverse("health:child_pdf", args=[child_x.code])
    assert client_as("health_worker_x").get(url).status_code == 200
    assert client_as("director_y").get(url).status_code == 404
    assert client_as("guardian").get(url).status_code == 404
    assert not HealthRecordAccess.objects.filter(user__in=[director_y, guardian]).exists()


def test_the_record_page_links_to_the_pdf(client_as: Callable[[str], Client], child_x: Child) -> None:
    page = client_as("family").get(reverse("health:child", args=[child_x.code])).content.decode()
    assert reverse("health:child_pdf", args=[child_x.code]) in page
