"""Loading the demo district on a database without it (the other demo tests share one loaded district)."""

import io
import json

import pytest
from django.core.management import call_command

from tuoyu.daycare.factories import placed_child
from tuoyu.daycare.models import ActivityArea
from tuoyu.filings.models import Filing
from tuoyu.health.models import ImmunisationCheck
from tuoyu.registry.models import CareClass, Institution
from tuoyu.supervision.models import Finding
from tuoyu.workforce.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_json_prints_only_json_and_touches_only_its_district(
    institution_x: Institution, class_x: CareClass
) -> None:
    # Another district's institution, as a province built beside the demo (seed_scale) has thousands.
    child = placed_child(class_x)
    StaffFactory.create(institution=institution_x)
    out = io.StringIO()

    call_command("seed_demo", "--json", stdout=out)

    assert out.getvalue().lstrip().startswith("[")
    json.loads(out.getvalue())
    assert not Finding.objects.filter(institution=institution_x).exists()
    assert not ActivityArea.objects.filter(institution=institution_x).exists()
    assert not Filing.objects.filter(institution=institution_x).exists()
    assert not ImmunisationCheck.objects.filter(child=child).exists()
    assert not child.care_tasks.exists()
