"""Which growth standard a region uses: a setting of the region (the nearest region above that sets one,
else WS/T 423—2022); measurements are evaluated against it when recorded and again when it changes; the
growth page shows it, says so, switches to the other standard for comparison and draws that standard's own
lines; the measurements API names the standard of each result."""

import datetime
import io
import re
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from tuoyu.accounts.models import User
from tuoyu.enrolment.models import Child
from tuoyu.health.growth.chart import growth_chart
from tuoyu.health.growth.standards import Indicator, SdTable, who_2006, wst_423_2022
from tuoyu.health.models import Measurement
from tuoyu.health.receivers import reassess_after_migrate
from tuoyu.health.rules.growth import undernutrition_not_followed_up
from tuoyu.health.services.growth import measurements_reassess
from tuoyu.health.tests.growth_helpers import child_in_care, days_ago, raw_measurement
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import growth_standard_of, growth_standards_below
from tuoyu.registry.models import CareClass, Institution

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
# A girl of about 29 months, 88 cm standing: 10.40 kg lies between −3SD and −2SD on WS/T 423—2022 (moderate
# underweight and wasting) but above −2SD on WHO 2006 (normal): the two standards disagree.
BETWEEN: dict[str, Any] = {"weight_kg": "10.40", "length_cm": "88.0", "position": "h"}


@pytest.fixture
def child(class_x: CareClass, guardian: User) -> Child:
    child = child_in_care(class_x, guardian, name="赵小禾", start_date=days_ago(200))
    raw_measurement(child, measured_on=days_ago(40), institution=class_x.institution, **BETWEEN)
    return child


def growth_url(child: Child, query: str = "") -> str:
    return f"/health/children/{child.code}/growth/{query}"


# The setting ------------------------------------------------------------------------------------------


def test_a_region_follows_the_nearest_region_above_that_sets_one(
    district_a: Region, street_a1: Region, street_b1: Region
) -> None:
    city = Region.objects.create(code="9901", name="某市", level=Region.Level.CITY, path="9901/")
    Region.objects.filter(pk=district_a.pk).update(parent=city, path="9901/990101/")
    Region.objects.filter(pk=street_a1.pk).update(path="9901/990101/990101001/")
    district_a.refresh_from_db()
    street_a1.refresh_from_db()
    assert growth_standard_of(street_a1) == "wst423_2022"  # nobody sets one: China's own
    assert growth_standard_of(None) == "wst423_2022"

    city.growth_standard = "who2006"
    city.save()
    assert growth_standard_of(street_a1) == "who2006"  # two levels up
    assert growth_standard_of(street_b1) == "wst423_2022"  # not below the city
    assert growth_standards_below(city) == {"who2006": [city.pk, district_a.pk, street_a1.pk]}

    district_a.growth_standard = "wst423_2022"
    district_a.save()
    assert growth_standard_of(street_a1) == "wst423_2022"  # the nearer setting wins
    assert growth_standards_below(city) == {
        "who2006": [city.pk],
        "wst423_2022": [district_a.pk, street_a1.pk],
    }

    street_a1.growth_standard = "who2006"
    street_a1.save()
    assert growth_standard_of(street_a1) == "who2006"  # the street's own setting wins


def test_recorded_against_the_regions_standard(who_growth_standard: None, child: Child) -> None:
    (earlier,) = Measurement.objects.all()
    assert earlier.standard == "who2006"  # the district's standard when it was recorded
    assert earlier.bands == {} and earlier.classification["underweight"] == "normal"


# A change of standard is applied to what was recorded -----------------------------------------------


def test_changing_the_districts_standard_evaluates_its_measurements_again(
    child: Child,
    district_a: Region,
    institution_x: Institution,
    class_x: CareClass,
    guardian: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    at_home = child_in_care(class_x, guardian, name="钱小米")
    raw_measurement(at_home, measured_on=days_ago(3), weight_kg="12.00")  # no institution: left alone
    (measured,) = Measurement.objects.filter(child=child)
    assert measured.standard == "wst423_2022" and measured.bands["zwei"] == "下"
    day = days_ago(0)
    assert [f.subject_label for f in undernutrition_not_followed_up(institution_x, day)] == ["赵小禾"]

    with django_capture_on_commit_callbacks(execute=True):  # the queue runs at once in the tests
        district_a.growth_standard = "who2006"
        district_a.save()

    measured.refresh_from_db()
    assert measured.standard == "who2006" and measured.bands == {}
    assert measured.classification["underweight"] == "normal"
    assert list(undernutrition_not_followed_up(institution_x, day)) == []  # the rule reads WHO now
    assert Measurement.objects.get(child=at_home).standard == "wst423_2022"

    with django_capture_on_commit_callbacks(execute=True):
        district_a.growth_standard = ""
        district_a.save()
    measured.refresh_from_db()
    assert measured.standard == "wst423_2022" and measured.classification["underweight"] == "moderate"


# The growth page -----------------------------------------------------------------------------------------


def test_the_page_evaluates_against_the_regions_standard_with_bands_labelled_interpolated(
    client_as: ClientAs, child: Child
) -> None:
    html = client_as("guardian").get(growth_url(child)).content.decode()

    assert 'id="standard"' in html and 'data-standard="wst423_2022"' in html
    assert (
        "Evaluated against WS/T 423—2022 (China&#x27;s growth standard for children under 7), the standard "
        "of the region." in html
    )
    assert "interpolated linearly between the two lines" in html
    assert 'data-band="下"' in html
    assert "data-computed" not in html  # what is shown is what was recorded
    assert '<figure class="growth-chart" data-chart="wfa" data-standard="wst423_2022">' in html
    assert "Lines: WS/T 423—2022 (China&#x27;s growth standard for children under 7)" in html


def test_the_page_switches_to_who_for_comparison(client_as: ClientAs, child: Child) -> None:
    html = client_as("health_worker_x").get(growth_url(child, "?standard=who2006&chart=wfh")).content.decode()

    assert "Evaluated against WHO Child Growth Standards (2006) for comparison" in html
    assert "the region evaluates against WS/T 423—2022" in html
    assert "WS/T 423—2022 (the region's)" in html
    assert "data-band=" not in html
    assert "data-computed" in html  # computed anew, not what was recorded
    assert 'data-finding="normal"' in html  # normal on WHO, moderate on WS/T
    assert '<figure class="growth-chart" data-chart="wfh" data-standard="who2006">' in html
    assert re.search(r'href="\?standard=wst423_2022&amp;chart=wfh#standard" data-standard-choice', html)
    assert re.search(r'href="\?standard=who2006&amp;chart=wfa#chart"', html)


def test_an_unknown_standard_on_the_page_falls_back_to_the_regions(client_as: ClientAs, child: Child) -> None:
    html = client_as("guardian").get(growth_url(child, "?standard=cdc2000")).content.decode()

    assert "Evaluated against WS/T 423—2022" in html


def test_the_chart_draws_the_standards_own_lines_through_its_rows() -> None:
    chart = growth_chart("wfa", sex=2, measurements=[], standard=wst_423_2022())
    weights = wst_423_2022().tables[Indicator.WEIGHT_FOR_AGE]
    assert isinstance(weights, SdTable)
    first, last = chart.y_ticks[0], chart.y_ticks[-1]

    def kg(svg_y: float) -> float:  # the SVG y back to kg, through two ticks of the axis
        share = (svg_y - first.position) / (last.position - first.position)
        return float(first.label) + share * (float(last.label) - float(first.label))

    # Without points the x axis runs 0 … 12 months: each curve ends on the row of 12 months.
    assert chart.x_ticks[-1].label == "12"
    for curve in chart.curves:
        x, y = (float(v) for v in curve.points.split()[-1].split(","))
        assert x == pytest.approx(chart.right, abs=0.05)
        assert kg(y) == pytest.approx(weights.values[1, 12, curve.sd + 3], abs=0.01), curve.sd


def test_the_wst_head_chart_stops_at_36_months() -> None:
    at_40_months = SimpleNamespace(
        measured_on=datetime.date(2026, 11, 1),
        age_days=1218,  # 40 months
        weight_kg=None,
        length_cm=None,
        position="",
        head_cm=Decimal("49.0"),
        oedema=False,
    )

    wst = growth_chart("hc", sex=2, measurements=[at_40_months], standard=wst_423_2022())
    who = growth_chart("hc", sex=2, measurements=[at_40_months], standard=who_2006())

    assert wst.x_ticks[-1].label == "36" and (len(wst.points), wst.not_shown) == (0, 1)
    assert float(who.x_ticks[-1].label) > 40 and len(who.points) == 1


# The measurements API -------------------------------------------------------------------------------------


def test_the_measurements_api_names_the_standard_and_gives_bands_and_nutrition(
    api_as: Callable[[str], APIClient], child: Child
) -> None:
    (item,) = api_as("health_worker_x").get(f"/api/v1/health/children/{child.code}/measurements/").json()

    assert item["standard"] == "wst423_2022"
    assert item["standard_label"].startswith("WS/T 423—2022")
    assert item["bands"]["zwei"] == "下" and item["bands"]["zhc"] is None
    assert item["nutrition"] == ["低体重", "消瘦"]


def test_the_record_summary_api_names_the_standard_of_the_latest_measurement(
    api_as: Callable[[str], APIClient], child: Child
) -> None:
    body = api_as("health_worker_x").get(f"/api/v1/health/children/{child.code}/").json()

    latest = body["latest_measurement"]
    assert latest["standard"] == "wst423_2022" and latest["bands"]["zwei"] == "下"


# After an upgrade ----------------------------------------------------------------------------------------


def test_after_migrate_measurements_left_on_another_standard_are_evaluated_again(
    child: Child, district_a: Region, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    (measured,) = Measurement.objects.all()
    Measurement.objects.filter(pk=measured.pk).update(standard="who2006", bands={}, classification={})

    with django_capture_on_commit_callbacks(execute=True):
        reassess_after_migrate(sender=None)

    measured.refresh_from_db()
    assert measured.standard == "wst423_2022" and measured.bands["zwei"] == "下"
    assert measured.classification["underweight"] == "moderate"
    with django_capture_on_commit_callbacks(execute=True):
        assert measurements_reassess(region=district_a) == 0  # nothing left to do


# The health record and its print ------------------------------------------------------------------------


def test_the_health_record_labels_the_latest_values_as_interpolated_with_their_bands(
    client_as: ClientAs, child: Child
) -> None:
    html = client_as("guardian").get(f"/health/children/{child.code}/").content.decode()

    section = html[html.index("data-latest-measurement") :]
    assert 'data-band="下"' in section
    assert "Values interpolated between the SD lines of WS/T 423—2022" in section


def test_the_printed_record_says_what_the_values_are(client_as: ClientAs, child: Child) -> None:
    response = client_as("guardian").get(f"/health/children/{child.code}/record.pdf")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    (measured,) = Measurement.objects.all()
    assert f"{measured.zwei:+.2f}（下）" in text
    assert "WS/T 423—2022：该标准只公布标准差曲线" in text
    assert "Z评分依据世界卫生组织" not in text  # no measurement of this child is on WHO
