"""Anti-挂靠: a person (by identity number) holds one open employment at a time, anywhere in the system."""

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from tuoyu.refusals import Refusal
from tuoyu.registry.models import Institution
from tuoyu.workforce.factories import StaffFactory, make_identity_number
from tuoyu.workforce.models import Staff, StaffRole
from tuoyu.workforce.services import staff_end_employment, staff_hire

PERSON = make_identity_number(321, datetime.date(1992, 5, 17))
HIRED_ON = datetime.date(2025, 3, 1)


def hire(institution: Institution, id_number: str = PERSON, **fields: Any) -> Staff:
    values: dict[str, Any] = {
        "name": "周双聘",
        "id_number": id_number,
        "role": StaffRole.CAREGIVER,
        "employed_from": HIRED_ON,
    }
    values.update(fields)
    return staff_hire(institution=institution, **values)


def refusal_in(language: str, institution: Institution) -> Refusal:
    """Hire PERSON at ``institution`` with ``language`` active and return the refusal."""
    with translation.override(language), pytest.raises(Refusal) as raised:
        hire(institution)
    return raised.value


@pytest.mark.django_db
class TestOneOpenEmploymentPerPerson:
    def test_hiring_someone_employed_nowhere_puts_them_on_the_register(
        self, institution_x: Institution
    ) -> None:
        staff = hire(institution_x, id_number=f" {PERSON.lower()} ")

        assert staff.pk is not None
        assert (staff.institution, staff.id_number, staff.employed_until) == (institution_x, PERSON, None)

    def test_hiring_a_person_employed_at_another_institution_is_refused_without_naming_it(
        self, institution_x: Institution, institution_y: Institution
    ) -> None:
        hire(institution_x)

        english = refusal_in("en", institution_y)
        chinese = refusal_in("zh-hans", institution_y)

        assert (english.code, english.conflict) == ("already_employed", True)
        assert english.text == "This person is already employed at another institution."
        assert chinese.code == "already_employed"
        assert chinese.text == "该人员已在其他机构在职。"
        for message in [*english.messages, *chinese.messages]:
            assert institution_x.name not in message
            assert institution_x.address not in message
            assert str(institution_x.code) not in message
        assert list(Staff.objects.filter(id_number=PERSON).values_list("institution", flat=True)) == [
            institution_x.pk
        ]

    def test_an_employment_ending_on_a_future_date_still_blocks_a_second_one_until_it_ends(
        self, institution_x: Institution, institution_y: Institution
    ) -> None:
        notice_ends = datetime.date(2026, 12, 31)
        staff_end_employment(staff=hire(institution_x), on=notice_ends)

        for overlapping_start in (HIRED_ON, datetime.date(2026, 6, 1), notice_ends):
            with pytest.raises(Refusal) as raised:
                hire(institution_y, employed_from=overlapping_start)
            assert raised.value.code == "already_employed", overlapping_start

        after = hire(institution_y, employed_from=notice_ends + datetime.timedelta(days=1))
        assert after.institution == institution_y

    def test_the_check_ignores_case_and_spaces_of_the_identity_number(
        self, institution_x: Institution, institution_y: Institution
    ) -> None:
        x_ending = make_identity_number(2, datetime.date(1949, 12, 31), area="110105")
        assert x_ending.endswith("X")
        hire(institution_x, id_number=x_ending)

        with pytest.raises(Refusal) as raised:
            hire(institution_y, id_number=f"  {x_ending.lower()} ")

        assert raised.value.code == "already_employed"

        assert Staff.objects.filter(id_number=x_ending).count() == 1

    def test_hiring_the_same_person_twice_at_the_same_institution_is_refused(
        self, institution_x: Institution
    ) -> None:
        hire(institution_x)

        with pytest.raises(Refusal) as raised:
            hire(institution_x)

        assert raised.value.code == "already_employed"
        assert Staff.objects.filter(id_number=PERSON).count() == 1

    def test_after_the_employment_ends_the_person_can_be_hired_elsewhere(
        self, institution_x: Institution, institution_y: Institution
    ) -> None:
        first = hire(institution_x)
        staff_end_employment(staff=first, on=datetime.date(2025, 8, 31))

        second = hire(institution_y, employed_from=datetime.date(2025, 9, 1))

        first.refresh_from_db()
        assert first.employed_until == datetime.date(2025, 8, 31)
        assert second.institution == institution_y
        assert Staff.objects.filter(id_number=PERSON).count() == 2
        assert list(Staff.objects.filter(id_number=PERSON, employed_until__isnull=True)) == [second]

    def test_ending_an_employment_before_it_began_is_refused(self, institution_x: Institution) -> None:
        staff = hire(institution_x)

        with pytest.raises(ValidationError) as raised:
            staff_end_employment(staff=staff, on=HIRED_ON - datetime.timedelta(days=1))

        assert "employed_until" in raised.value.message_dict
        staff.refresh_from_db()
        assert staff.employed_until is None

    def test_several_ended_employments_of_one_person_may_coexist(
        self, institution_x: Institution, institution_y: Institution
    ) -> None:
        for institution, start, end in [
            (institution_x, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)),
            (institution_y, datetime.date(2021, 2, 1), datetime.date(2022, 1, 1)),
            (institution_x, datetime.date(2022, 2, 1), datetime.date(2023, 1, 1)),
        ]:
            staff_end_employment(staff=hire(institution, employed_from=start), on=end)

        assert Staff.objects.filter(id_number=PERSON).count() == 3

    def test_an_invalid_identity_number_is_refused_on_that_field(self, institution_x: Institution) -> None:
        with pytest.raises(ValidationError) as raised:
            hire(institution_x, id_number=PERSON[:17] + ("0" if PERSON[17] != "0" else "1"))

        assert set(raised.value.message_dict) == {"id_number"}
        assert not Staff.objects.exists()

    def test_the_database_itself_refuses_a_second_open_employment(
        self, institution_x: Institution, institution_y: Institution
    ) -> None:
        StaffFactory.create(institution=institution_x, id_number=PERSON)

        with pytest.raises(IntegrityError), transaction.atomic():
            StaffFactory.create(institution=institution_y, id_number=PERSON)

        StaffFactory.create(institution=institution_y, id_number=PERSON, employed_until=HIRED_ON)  # ended
        assert Staff.objects.filter(id_number=PERSON, employed_until__isnull=True).count() == 1

    def test_add_form_shows_the_refusal_on_the_identity_field_without_naming_the_other_institution(
        self,
        institution_x: Institution,
        institution_y: Institution,
        client_as: Callable[[str], Client],
    ) -> None:
        hire(institution_x)

        response = client_as("director_y").post(
            f"/workforce/institutions/{institution_y.code}/staff/new/",
            {
                "name": "周双聘",
                "id_number": PERSON,
                "role": StaffRole.CAREGIVER,
                "education": "college",
                "management_years": "0",
                "employed_from": "2025-09-01",
            },
        )

        assert response.status_code == 200
        assert response.context["form"].errors["id_number"] == [
            "This person is already employed at another institution."
        ]
        assert institution_x.name not in response.content.decode()
        assert not Staff.objects.filter(institution=institution_y).exists()


# Two simultaneous hires of one person ------------------------------------------------------------------


def run_simultaneously(*jobs: Callable[[], Staff]) -> list[Staff | Exception]:
    """Run each job in its own thread (so on its own database connection), started together."""
    results: list[Staff | Exception] = [RuntimeError("did not run")] * len(jobs)
    start = threading.Barrier(len(jobs), timeout=10)

    def run(index: int, job: Callable[[], Staff]) -> None:
        try:
            start.wait()
            with translation.override("en"):
                results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()  # this thread's connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a hire did not finish: the two transactions deadlocked"
    return results


def assert_exactly_one_hired(results: list[Staff | Exception], a: Institution, b: Institution) -> None:
    hired = [result for result in results if isinstance(result, Staff)]
    refused = [result for result in results if isinstance(result, Refusal)]
    assert (len(hired), len(refused)) == (1, 1), results
    assert refused[0].code == "already_employed"
    assert refused[0].text == "This person is already employed at another institution."
    open_rows = list(Staff.objects.filter(id_number=PERSON, employed_until__isnull=True))
    assert [row.pk for row in open_rows] == [hired[0].pk]
    assert open_rows[0].institution_id in (a.pk, b.pk)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_hires_past_the_check_on_postgresql_only_one_succeeds(
    institution_x: Institution, institution_y: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests pass the "already employed?" query before either inserts; the index decides."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: only there do two transactions run their inserts at the same time "
            f"(this run uses {connection.vendor}, which serialises writers at BEGIN IMMEDIATE)"
        )
    both_checked = threading.Barrier(2, timeout=10)
    save = Staff.save

    def save_after_both_checked(self: Staff, *args: Any, **kwargs: Any) -> None:
        both_checked.wait()  # each thread has run the exists() check and found nobody
        save(self, *args, **kwargs)

    monkeypatch.setattr(Staff, "save", save_after_both_checked)

    results = run_simultaneously(lambda: hire(institution_x), lambda: hire(institution_y))

    assert_exactly_one_hired(results, institution_x, institution_y)


@pytest.mark.django_db(transaction=True)
def test_two_hires_started_at_the_same_moment_end_with_one_open_employment(
    institution_x: Institution, institution_y: Institution
) -> None:
    """Two threads, own connections, released together by a barrier; SQLite's writers queue at BEGIN."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip(
            "SQLite's in-memory test database shares one cache between connections and answers a second "
            "writer with 'database table is locked' at once instead of waiting (busy_timeout does not "
            "apply); the file database of a real deployment makes it wait"
        )
    results = run_simultaneously(lambda: hire(institution_x), lambda: hire(institution_y))

    assert_exactly_one_hired(results, institution_x, institution_y)


@pytest.mark.django_db(transaction=True)
def test_a_hire_committed_a_moment_earlier_makes_the_next_one_refused(
    institution_x: Institution, institution_y: Institution
) -> None:
    """The sequential form of the race: each hire in its own committed transaction."""
    first = hire(institution_x)

    with pytest.raises(Refusal) as raised:
        hire(institution_y)

    assert raised.value.code == "already_employed"
    assert list(Staff.objects.filter(id_number=PERSON, employed_until__isnull=True)) == [first]
    assert not Staff.objects.filter(institution=institution_y).exists()
