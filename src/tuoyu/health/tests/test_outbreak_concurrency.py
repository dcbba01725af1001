"""Recordings of symptoms at the same moment in one class still make one outbreak report.

Each watch runs in its own thread (its own database connection), released together by a barrier. The watch
locks the class row first, so the second waits and then finds the first's report: it adds its cases to it
instead of opening another. On SQLite the IMMEDIATE transactions serialise the watchers the same way.
"""

import pytest
from django.db import connection

from tuoyu.daycare.models import Symptom
from tuoyu.enrolment.tests.helpers import run_together
from tuoyu.health.models import OutbreakReport
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import absent_ill, children, today
from tuoyu.registry.models import CareClass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("watchers", [2, 6])
def test_simultaneous_watches_of_one_class_open_one_report(class_x: CareClass, watchers: int) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database answers a second writer with an error instead of waiting")
    kids = children(class_x, 3)
    for child in kids:
        absent_ill(child, class_x, Symptom.FEVER)

    outcomes = run_together([lambda: services.outbreak_watch(care_class=class_x, day=today())] * watchers)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    outbreak = OutbreakReport.objects.get()
    assert outbreak.case_count == 3 and set(outbreak.cases.all()) == set(kids)
    assert {tuple(report.pk for report in outcome) for outcome in outcomes if isinstance(outcome, list)} == {
        (outbreak.pk,)
    }
