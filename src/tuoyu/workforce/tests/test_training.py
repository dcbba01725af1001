"""Training: enrolment within capacity, coverage of institutions and staff, hours per person per year."""

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tuoyu.refusals import Refusal
from tuoyu.regions.models import Region
from tuoyu.registry.models import Institution
from tuoyu.workforce.factories import StaffFactory, TrainingEnrolmentFactory, TrainingSessionFactory
from tuoyu.workforce.models import Staff, TrainingEnrolment, TrainingSession
from tuoyu.workforce.selectors import training_coverage, training_hours
from tuoyu.workforce.services import training_enrol

SESSION_DAY = datetime.date(2026, 6, 1)


# Enrolment -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestEnrolment:
    def test_enrolment_is_accepted_up_to_capacity_and_refused_after(
        self, district_a: Region, institution_x: Institution
    ) -> None:
        session = TrainingSessionFactory.create(region=district_a, capacity=3, day=SESSION_DAY)
        people = StaffFactory.create_batch(4, institution=institution_x)

        for person in people[:3]:
            training_enrol(session=session, staff=person)
        with pytest.raises(Refusal) as raised:
            training_enrol(session=session, staff=people[3])

        assert (raised.value.code, raised.value.conflict) == ("training_full", True)
        assert "3" in raised.value.text
        assert set(session.enrolments.values_list("staff", flat=True)) == {p.pk for p in people[:3]}

    def test_the_same_person_cannot_enrol_twice(self, district_a: Region, staff_x: Staff) -> None:
        session = TrainingSessionFactory.create(region=district_a, capacity=10, day=SESSION_DAY)
        training_enrol(session=session, staff=staff_x)

        with pytest.raises(Refusal) as raised:
            training_enrol(session=session, staff=staff_x)

        assert raised.value.code == "already_enrolled"
        assert staff_x.name in raised.value.text
        assert session.enrolments.count() == 1

    def test_a_person_not_employed_on_the_day_of_the_session_cannot_enrol(
        self, district_a: Region, institution_x: Institution
    ) -> None:
        session = TrainingSessionFactory.create(region=district_a, capacity=10, day=SESSION_DAY)
        leaver = StaffFactory.create(
            institution=institution_x, employed_until=SESSION_DAY - datetime.timedelta(days=1)
        )

        with pytest.raises(Refusal) as raised:
            training_enrol(session=session, staff=leaver)

        assert raised.value.code == "staff_not_employed"
        assert not session.enrolments.exists()

    def test_director_enrols_own_staff_on_the_session_page_but_not_another_institutions(
        self,
        district_a: Region,
        staff_x: Staff,
        staff_y: Staff,
        director_x: Any,
        client_as: Callable[[str], Client],
    ) -> None:
        session = TrainingSessionFactory.create(
            region=district_a, capacity=10, day=timezone.localdate() + datetime.timedelta(days=7)
        )
        client = client_as("director_x")
        url = f"/training/{session.code}/"

        own = client.post(url, {"enrol": str(staff_x.code)})
        other = client.post(url, {"enrol": str(staff_y.code)})

        assert own.status_code == 302
        assert other.status_code == 404
        assert list(session.enrolments.values_list("staff", flat=True)) == [staff_x.pk]

    def test_a_full_session_refuses_on_the_page_with_a_message(
        self,
        district_a: Region,
        institution_x: Institution,
        director_x: Any,
        client_as: Callable[[str], Client],
    ) -> None:
        day = timezone.localdate() + datetime.timedelta(days=7)
        session = TrainingSessionFactory.create(region=district_a, capacity=1, day=day)
        first, second = StaffFactory.create_batch(2, institution=institution_x)
        training_enrol(session=session, staff=first)

        response = client_as("director_x").post(
            f"/training/{session.code}/", {"enrol": str(second.code)}, follow=True
        )

        assert "This training session is full (1 places)." in response.content.decode()
        assert session.enrolments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_enrolments_for_the_last_place_let_only_one_in(
    district_a: Region, institution_x: Institution
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL: the row lock is what is tested (this run uses {connection.vendor}, whose "
            "in-memory test database cannot run two writers at once)"
        )
    session = TrainingSessionFactory.create(region=district_a, capacity=1, day=SESSION_DAY)
    people = StaffFactory.create_batch(2, institution=institution_x)
    start = threading.Barrier(2, timeout=10)
    results: list[object] = [None, None]

    def enrol(index: int) -> None:
        try:
            start.wait()
            results[index] = training_enrol(session=session, staff=people[index])
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(result).__name__ for result in results) == ["Refusal", "TrainingEnrolment"]
    assert TrainingEnrolment.objects.filter(session=session).count() == 1


# Coverage and hours ---------------------------------------------------------------------------------------


@pytest.fixture
def sessions(district_a: Region) -> dict[str, TrainingSession]:
    return {
        "spring": TrainingSessionFactory.create(
            region=district_a, day=datetime.date(2026, 4, 1), hours=Decimal("3.0")
        ),
        "autumn": TrainingSessionFactory.create(
            region=district_a, day=datetime.date(2026, 10, 1), hours=Decimal("4.5")
        ),
        "last_year": TrainingSessionFactory.create(
            region=district_a, day=datetime.date(2025, 11, 1), hours=Decimal("2.0")
        ),
    }


@pytest.mark.django_db
def test_training_coverage_counts_institutions_and_staff_who_attended_in_the_year(
    institution_x: Institution, institution_y: Institution, sessions: dict[str, TrainingSession]
) -> None:
    x1, x2 = StaffFactory.create_batch(2, institution=institution_x)
    y1 = StaffFactory.create(institution=institution_y)
    TrainingEnrolmentFactory.create(session=sessions["spring"], staff=x1, attended=True)
    TrainingEnrolmentFactory.create(session=sessions["autumn"], staff=x1, attended=True)  # counted once
    TrainingEnrolmentFactory.create(session=sessions["spring"], staff=x2, attended=False)  # absent
    TrainingEnrolmentFactory.create(session=sessions["autumn"], staff=y1, attended=None)  # not recorded
    TrainingEnrolmentFactory.create(session=sessions["last_year"], staff=y1, attended=True)  # other year
    institutions = Institution.objects.filter(pk__in=[institution_x.pk, institution_y.pk])

    coverage = training_coverage(institutions, 2026, datetime.date(2026, 11, 1))

    assert (coverage.institutions, coverage.institutions_trained) == (2, 1)
    assert (coverage.staff, coverage.staff_trained) == (3, 1)
    assert coverage.institution_share == 0.5
    assert coverage.staff_share == 1 / 3
    assert training_coverage(institutions, 2025, datetime.date(2026, 11, 1)).staff_trained == 1


@pytest.mark.django_db
def test_training_coverage_of_no_staff_has_no_share(institution_x: Institution) -> None:
    coverage = training_coverage(Institution.objects.filter(pk=institution_x.pk), 2026, SESSION_DAY)

    assert (coverage.staff, coverage.staff_share) == (0, None)
    assert coverage.institution_share == 0


@pytest.mark.django_db
def test_training_hours_add_up_the_sessions_attended_per_person_in_the_year(
    institution_x: Institution, sessions: dict[str, TrainingSession]
) -> None:
    keen, absent, _idle = StaffFactory.create_batch(3, institution=institution_x)
    for key in ("spring", "autumn", "last_year"):
        TrainingEnrolmentFactory.create(session=sessions[key], staff=keen, attended=True)
    TrainingEnrolmentFactory.create(session=sessions["spring"], staff=absent, attended=False)

    hours = training_hours(Staff.objects.filter(institution=institution_x), 2026)

    assert hours == {keen.pk: 7.5}
    assert training_hours(Staff.objects.filter(institution=institution_x), 2025) == {keen.pk: 2.0}


@pytest.mark.django_db
def test_institution_file_shows_training_hours_of_the_year(
    institution_x: Institution, district_a: Region, director_x: Any, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    person = StaffFactory.create(institution=institution_x, name="钱培训")
    for hours in (Decimal("3.0"), Decimal("1.5")):
        session = TrainingSessionFactory.create(region=district_a, day=today, hours=hours)
        TrainingEnrolmentFactory.create(session=session, staff=person, attended=True)

    response = client_as("director_x").get(f"/supervision/institutions/{institution_x.code}/")

    rows = {status.staff.pk: hours for status, hours in response.context["staff_rows"]}
    assert rows[person.pk] == 4.5


@pytest.mark.django_db
def test_training_list_shows_sessions_of_the_actors_district_only(
    district_a: Region,
    district_b: Region,
    institution_x: Institution,
    institution_z: Institution,
    client_as: Callable[[str], Client],
) -> None:
    TrainingSessionFactory.create(region=district_a, title="甲区传染病防控培训")
    TrainingSessionFactory.create(region=district_b, title="乙区膳食营养培训")

    html = {
        p: client_as(p).get("/training/").content.decode()
        for p in ("regulator_a", "director_x", "regulator_b")
    }

    assert "甲区传染病防控培训" in html["regulator_a"] and "乙区膳食营养培训" not in html["regulator_a"]
    assert "甲区传染病防控培训" in html["director_x"] and "乙区膳食营养培训" not in html["director_x"]
    assert "乙区膳食营养培训" in html["regulator_b"] and "甲区传染病防控培训" not in html["regulator_b"]
