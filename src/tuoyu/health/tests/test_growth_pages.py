"""The growth page: open to the guardians, the institution's director and health worker and the partner
doctor (each read logged), 404 for everyone else; the measurements with z-scores, classification and flags
in words; the chart as inline SVG; adding a measurement from the page."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child, HealthRecordAccess
from tuoyu.health.models import Measurement, MeasurementSource, Referral
from tuoyu.health.tests.growth_helpers import child_in_care, days_ago, raw_measurement
from tuoyu.registry.models import CareClass

pytestmark = pytest.mark.django_db

READERS = ["guardian", "director_x", "health_worker_x", "doctor"]
OUTSIDERS = ["caregiver_x", "director_y", "regulator_a", "regulator_b"]

ClientAs = Callable[[str], Client]


@pytest.fixture
def child(class_x: CareClass, guardian: User, who_growth_standard: None) -> Child:
    """A girl of 30 months in class X with three measurements; the latest shows moderate underweight (on
    WHO 2006: the numbers below are WHO's)."""
    child = child_in_care(class_x, guardian, name="赵小禾")
    raw_measurement(child, measured_on=days_ago(120), weight_kg="11.60", length_cm="87.5", position="h")
    raw_measurement(child, measured_on=days_ago(60), weight_kg="11.90", length_cm="88.6", position="h")
    raw_measurement(child, measured_on=days_ago(2), weight_kg="9.60", length_cm="89.0", position="h")
    return child


def growth_url(child: Child, query: str = "") -> str:
    return f"/health/children/{child.code}/growth/{query}"


def add_url(child: Child) -> str:
    return f"/health/children/{child.code}/growth/measurements/"


@pytest.mark.parametrize("persona", READERS)
def test_readers_see_the_growth_page_and_each_read_is_logged(
    request: pytest.FixtureRequest, client_as: ClientAs, child: Child, persona: str
) -> None:
    client = client_as(persona)

    first, second = client.get(growth_url(child)), client.get(growth_url(child, "?chart=lfa"))

    assert first.status_code == second.status_code == 200
    user = request.getfixturevalue(persona)
    reads = HealthRecordAccess.objects.filter(user=user, child=child, view="growth", channel="page")
    assert reads.count() == 2


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_a_404_and_nothing_is_logged(client_as: ClientAs, child: Child, persona: str) -> None:
    client = client_as(persona)

    assert client.get(growth_url(child)).status_code == 404
    assert (
        client.post(add_url(child), {"measured_on": days_ago(0).isoformat(), "weight_kg": "12"}).status_code
        == 404
    )
    assert not HealthRecordAccess.objects.exists()
    assert Measurement.objects.count() == 3


def test_an_unknown_child_is_a_404(client_as: ClientAs, db: None) -> None:
    assert (
        client_as("doctor").get("/health/children/00000000-0000-0000-0000-000000000000/growth/").status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client: Client, child: Child) -> None:
    response = anonymous_client.get(growth_url(child))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_lists_measurements_newest_first_with_z_scores_and_classification(
    client_as: ClientAs, child: Child
) -> None:
    html = client_as("guardian").get(growth_url(child)).content.decode()

    dates = re.findall(r"<h3>(\d{4}-\d{2}-\d{2})", html)
    assert dates == [days_ago(2).isoformat(), days_ago(60).isoformat(), days_ago(120).isoformat()]
    latest = Measurement.objects.order_by("-measured_on").first()
    assert latest is not None and latest.zwei is not None
    assert f'<dd data-z="zwei">{latest.zwei:.2f}</dd>' in html
    assert 'data-finding="underweight-moderate"' in html
    assert "Moderate underweight" in html


def test_flags_are_explained_on_the_page(client_as: ClientAs, child: Child) -> None:
    raw_measurement(child, measured_on=days_ago(1), weight_kg="40.00")

    html = client_as("health_worker_x").get(growth_url(child)).content.decode()

    assert 'data-flag="zwei_implausible"' in html
    assert "outside WHO&#x27;s plausible range" in html


def test_the_chart_is_inline_svg_with_reference_curves_and_the_childs_points(
    client_as: ClientAs, child: Child
) -> None:
    html = client_as("doctor").get(growth_url(child)).content.decode()

    figure = html[html.index('<figure class="growth-chart" data-chart="wfa"') : html.index("</figure>")]
    assert "<svg" in figure and "<script" not in figure  # drawn on the server
    assert sorted(re.findall(r'<polyline data-sd="(-?\d)"', html)) == ["-1", "-2", "-3", "0", "1", "2", "3"]
    assert html.count("<circle data-point=") == 3
    assert "Age (months)" in html and "Weight (kg)" in html


@pytest.mark.parametrize(
    ("chart", "label"),
    [
        ("lfa", "Length/height-for-age"),
        ("wfh", "Weight-for-height (2 years and over)"),
        ("bmi", "BMI-for-age"),
        ("hc", "Head circumference-for-age"),
        ("bogus", "Weight-for-age"),
    ],
)
def test_the_chart_is_chosen_by_its_code(client_as: ClientAs, child: Child, chart: str, label: str) -> None:
    html = client_as("guardian").get(growth_url(child, f"?chart={chart}")).content.decode()

    assert f'<h2 id="chart-heading">{label}</h2>' in html


def test_the_page_prints_without_navigation_forms_or_chart_choice(client_as: ClientAs, child: Child) -> None:
    html = client_as("guardian").get(growth_url(child)).content.decode()
    stylesheet = (Path(settings.BASE_DIR) / "static" / "tuoyu" / "tuoyu.css").read_text()

    assert "@media print" in stylesheet and ".growth-no-print" in stylesheet.split("@media print")[-1]
    assert '<section class="card growth-no-print" id="add"' in html
    assert '<ul class="chart-choice growth-no-print"' in html


# Adding a measurement ---------------------------------------------------------------------------------------


def test_a_guardian_adds_a_measurement_from_the_page(client_as: ClientAs, child: Child) -> None:
    client = client_as("guardian")
    form = {
        "measured_on": timezone.localdate().isoformat(),
        "weight_kg": "12.10",
        "length_cm": "89.5",
        "position": "h",
    }

    response = client.post(add_url(child), form)

    assert response.status_code == 302
    assert response["Location"] == growth_url(child)
    measurement = Measurement.objects.get(measured_on=timezone.localdate())
    assert measurement.source == MeasurementSource.GUARDIAN
    html = client.get(response["Location"]).content.decode()
    assert "Measurement recorded." in html
    assert f"recorded by {measurement.measured_by.display_name}" in html  # type: ignore[union-attr]


def test_a_severe_measurement_from_the_page_opens_a_referral(client_as: ClientAs, child: Child) -> None:
    form = {
        "measured_on": timezone.localdate().isoformat(),
        "weight_kg": "8.20",
        "length_cm": "88.0",
        "position": "h",
    }

    response = client_as("health_worker_x").post(add_url(child), form)

    assert response.status_code == 302
    assert Referral.objects.get().measurement == Measurement.objects.get(measured_on=timezone.localdate())


def test_a_future_date_is_refused_on_the_page_with_the_form_kept(client_as: ClientAs, child: Child) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client_as("doctor").post(
        add_url(child), {"measured_on": tomorrow.isoformat(), "weight_kg": "12.40"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The date measured is in the future." in html
    assert 'value="12.40"' in html
    assert Measurement.objects.count() == 3
    assert (
        HealthRecordAccess.objects.filter(view="growth", channel="page").count() == 1
    )  # the page shown again


def test_a_malformed_number_is_shown_next_to_its_field(client_as: ClientAs, child: Child) -> None:
    response = client_as("director_x").post(
        add_url(child), {"measured_on": days_ago(0).isoformat(), "weight_kg": "heavy"}
    )

    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    assert Measurement.objects.count() == 3


def test_the_form_proposes_today_and_the_position_for_the_age(client_as: ClientAs, child: Child) -> None:
    html = client_as("health_worker_x").get(growth_url(child)).content.decode()

    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert f'max="{timezone.localdate().isoformat()}"' in html
    assert '<option value="h" selected>' in html  # 30 months: standing


def test_adding_is_post_only(client_as: ClientAs, child: Child) -> None:
    assert client_as("guardian").get(add_url(child)).status_code == 405
