"""seed_scale builds a small province whose every row is one the application could have written."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models

from tuoyu.accounts.access import Perm
from tuoyu.accounts.models import User
from tuoyu.accounts.second_factor import has_second_factor
from tuoyu.daycare.models import Attendance, CareLogEntry, ClassDuty, HealthCheck
from tuoyu.demo.scale import PROVINCE_CODE, SCALE_PASSWORD, ScalePlan, phone
from tuoyu.enrolment.models import Child, Placement
from tuoyu.regions.models import Population, Region
from tuoyu.registry.models import CareClass, Institution, ServiceOffering
from tuoyu.workforce.models import Certificate, Staff

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-12-07T06:00:00+08:00")]

SMALL = ["--districts", "3", "--months", "1", "--institutions", "7", "--children", "150"]


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"seed_scale writes the daily tables inside PostgreSQL (this run uses {connection.vendor})"
        )


def test_the_plan_counts_the_working_days_before_today_only() -> None:
    plan = ScalePlan.of(districts=136, months=1, today=datetime.date(2026, 12, 7))

    assert plan.institutions == 7_000
    assert plan.children == 250_000
    assert plan.working_days[0] == datetime.date(2026, 11, 9)  # 11-07 and 11-08 are a weekend
    assert plan.working_days[-1] == datetime.date(2026, 12, 4)  # Friday: today (Monday) is left free
    assert len(plan.working_days) == 20


def test_seed_scale_refuses_sqlite_with_what_to_do() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite")

    with pytest.raises(CommandError, match="set DATABASE_URL to a PostgreSQL database"):
        call_command("seed_scale", *SMALL)


def test_seed_scale_builds_a_province_of_valid_rows_beside_what_is_there(institution_x: Institution) -> None:
    needs_postgresql()
    out = StringIO()

    call_command("seed_scale", *SMALL, stdout=out)

    province = Region.objects.get(code=PROVINCE_CODE)
    in_province = Institution.objects.filter(street__path__startswith=province.path)
    assert Region.objects.filter(path__startswith=province.path, level="district").count() == 3
    districts = Population.objects.filter(region__level="district", region__path__startswith=province.path)
    assert districts.count() == 3
    assert Population.objects.get(region=province).residents == sum(p.residents for p in districts)
    assert in_province.count() == 7
    assert Child.objects.count() == 150
    assert Placement.objects.filter(institution__in=in_province).count() == 150
    days = Attendance.objects.values("day").distinct().count()
    assert days == 20
    # About 93 % of the placed children's days are in care, each with its morning check and two entries.
    attendance = Attendance.objects.count()
    assert 0.85 * 150 * 20 < attendance < 150 * 20
    assert HealthCheck.objects.count() == attendance
    assert CareLogEntry.objects.count() == 2 * attendance
    assert ClassDuty.objects.filter(day=datetime.date(2026, 12, 4)).exists()
    assert not Attendance.objects.filter(day=datetime.date(2026, 12, 7)).exists()  # today is the load test's
    assert Institution.objects.filter(pk=institution_x.pk).exists()
    assert "7 institutions, 150 children, 20 working days in care" in out.getvalue()
    for model in (
        Institution,
        ServiceOffering,
        CareClass,
        Staff,
        Certificate,
        Child,
        Placement,
        Attendance,
        HealthCheck,
        CareLogEntry,
        ClassDuty,
    ):
        valid_sample(model)


def valid_sample(model: type[models.Model]) -> None:
    for row in model._default_manager.order_by("?")[:5]:
        row.full_clean()


def test_the_accounts_sign_in_and_see_their_scope() -> None:
    needs_postgresql()
    call_command("seed_scale", *SMALL, stdout=StringIO())

    regulator = User.objects.get(phone=phone("regulator", 0))
    district_regulator = User.objects.get(phone=phone("regulator", 1))
    caregiver = User.objects.get(phone=phone("caregiver", 0))

    assert regulator.check_password(SCALE_PASSWORD)
    assert has_second_factor(regulator)  # a regulator's API token is accepted
    assert Institution.objects.visible_to(regulator, Perm.SUPERVISE_REGION).count() == 7
    assert Institution.objects.visible_to(district_regulator, Perm.SUPERVISE_REGION).count() in (2, 3)
    assert Child.objects.visible_to(caregiver, Perm.RECORD_CARE).count() > 0


def test_seed_scale_builds_the_province_once() -> None:
    needs_postgresql()
    call_command("seed_scale", *SMALL, stdout=StringIO())

    with pytest.raises(CommandError, match="already in this database"):
        call_command("seed_scale", *SMALL)
