"""Loading the demo district on an empty database (the other demo tests share one loaded district)."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_json_prints_only_json_even_on_the_first_run() -> None:
    out = io.StringIO()

    call_command("seed_demo", "--json", stdout=out)

    assert out.getvalue().lstrip().startswith("[")
    json.loads(out.getvalue())
