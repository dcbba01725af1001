"""Recordings of symptoms at the same moment in one class still make one outbreak report.

Each watch runs in its own thread (its own database connection), released together by a barrier. The watch
locks the class row first, so the second waits and then finds the first's report: it adds its cases to it
instead of opening another. On SQLite the IMMEDIATE transactions serialise the watchers the same way.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from tuoyu.daycare.models import Symptom
from tuoyu.health.models import OutbreakReport
from tuoyu.health.services import outbreaks as services
from tuoyu.health.tests.outbreak_helpers import absent_ill, children, today
from tuoyu.registry.models import CareClass

Outcome = list[OutbreakReport] | Exception


def run_together(jobs: list[Callable[[], list[OutbreakReport]]]) -> list[Outcome]:
    start = threading.Barrier(len(jobs), timeout=60)
    outcomes: list[Outcome | None] = [None] * len(jobs)

    def run(index: int, job: Callable[[], list[OutbreakReport]]) -> None:
        try:
            start.wait()
            outcomes[index] = job()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


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
