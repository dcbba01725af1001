"""Shared fixtures: two districts, three institutions and the people who use Tuoyu, by name.

The world every test can ask for (each piece is a fixture of the same name)::

    district_a 甲区 (990101)                      district_b 乙区 (990102)
      street_a1 甲一街道                              street_b1 乙一街道
        institution_x 星星托育园 (filed, operating,      institution_z 太阳托育园
          inclusive, partner hospital 甲区人民医院)
          class_x, staff_x
      street_a2 甲二街道
        institution_y 月亮托育园 (filed, operating)
          class_y, staff_y

Personas (users with one role each; ``anonymous`` is ``None``):

    regulator_a      district regulator of district A (back office)
    regulator_b      district regulator of district B (back office)
    director_x       director of institution X (back office)
    caregiver_x      caregiver of institution X
    health_worker_x  health worker of institution X
    director_y       director of institution Y, in district A too (back office)
    doctor           doctor of the hospital that partners with X
    guardian         guardian with no children recorded

``client_as("director_x")`` gives a Django test client signed in as that persona, ``api_as(...)`` a DRF
APIClient authenticated as them, ``token_api_as(...)`` an APIClient that obtained a token through
POST /api/v1/auth/token/. Every client asks for English pages (Accept-Language: en) so that tests can
check English words whatever the state of the zh-hans catalogue; the language tests ask for each language
explicitly.
"""

import datetime
import importlib
import io
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django.test.utils import override_settings
from huey.contrib.djhuey import HUEY
from rest_framework.test import APIClient

from tests.personas import app_device, current_code, make_persona, signed_in_client
from tuoyu.accounts.factories import DEFAULT_PASSWORD
from tuoyu.accounts.models import Role, User
from tuoyu.accounts.second_factor import second_factor_required
from tuoyu.append_only import triggers_create, triggers_drop
from tuoyu.policies.values import forget_policy_values, policy_values_read, times_forgotten
from tuoyu.regions.factories import RegionFactory
from tuoyu.regions.models import Region
from tuoyu.registry.factories import (
    CareClassFactory,
    FiledInstitutionFactory,
    HospitalFactory,
    StreetFactory,
)
from tuoyu.registry.models import CareClass, Hospital, Institution
from tuoyu.registry.standards import AgeBand
from tuoyu.workforce.factories import StaffFactory
from tuoyu.workforce.models import Staff

# The policy values and the inspection checklists, data that migrations load: loaded again after a flush.
DATA_MIGRATIONS = (
    importlib.import_module("tuoyu.policies.migrations.0002_values_in_force").load_values,
    importlib.import_module("tuoyu.policies.migrations.0003_vaccination_check_days").load,
    importlib.import_module("tuoyu.policies.migrations.0004_supervision_cases").load,
    importlib.import_module("tuoyu.policies.migrations.0005_childcare_allowance").load,
    importlib.import_module("tuoyu.policies.migrations.0006_subsidy_payment_days").load,
    importlib.import_module("tuoyu.policies.migrations.0007_enterprise_service_limits").load,
    importlib.import_module("tuoyu.supervision.migrations.0005_checklists").load,
)
PERSONAS = (
    "regulator_a",
    "regulator_b",
    "director_x",
    "caregiver_x",
    "health_worker_x",
    "director_y",
    "doctor",
    "guardian",
    "anonymous",
)
PASSWORD = DEFAULT_PASSWORD
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


# The clock -----------------------------------------------------------------------------------------
# Every test starts at the same instant, a working Wednesday at 10:00 in Beijing, and its clock runs from
# there: no test depends on when the suite is run. TUOYU_TEST_CLOCK moves the whole suite to another instant
# (say 23:59:30, to show nothing breaks at midnight); a test that needs its own time says so with
# ``@pytest.mark.clock("2026-03-02T08:00:00+08:00")`` or moves the ``clock`` fixture.
TEST_CLOCK = datetime.datetime.fromisoformat(
    os.environ.get("TUOYU_TEST_CLOCK") or "2026-11-25T10:00:00+08:00"
)


# Test modules are imported, and the database and the module-scoped fixtures (the seeded demo district) set
# up, at that instant with the clock standing still: whatever they record is dated exactly TEST_CLOCK, and
# every test, whose clock starts there and runs, comes after it.
time_machine.travel(TEST_CLOCK, tick=False).start()


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    """The test's clock: it starts at TEST_CLOCK (or the test's ``clock`` mark) and runs; ``clock.shift()``
    and ``clock.move_to()`` move it."""
    marker = request.node.get_closest_marker("clock")
    start = datetime.datetime.fromisoformat(marker.args[0]) if marker else TEST_CLOCK
    with time_machine.travel(start, tick=True) as coordinates:
        yield coordinates


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle counters live in the cache, and the task queue (in memory: QUEUE_URL=memory://, every task
    runs when enqueued) keeps retries, locks and results: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
    HUEY.flush()


def uses_database(request: pytest.FixtureRequest) -> bool:
    fixtures = {"db", "transactional_db", "live_server", "django_db_setup"}
    return request.node.get_closest_marker("django_db") is not None or bool(
        fixtures & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _policy_values_read_before_the_test(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """The policy values are read before each test that uses the database, once per process as in
    production, so that no test's query count includes reading them; a test that added one had it rolled
    back, so they are read again. (The test database exists only when a collected test uses it.)"""
    if not uses_database(request):
        yield
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        policy_values_read()
    before = times_forgotten()
    yield
    if times_forgotten() != before:
        forget_policy_values()


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_the_append_only_triggers() -> Iterator[None]:
    """Between transactional tests the database is emptied with `flush`; the access and audit logs refuse
    that (tuoyu.append_only), so the flush lifts their triggers for its own transaction, as the retention
    procedure does. The policy values and checklists, data that migrations load, are loaded again after it."""
    original = FlushCommand.handle

    def handle(self: FlushCommand, *args: Any, **options: Any) -> Any:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with transaction.atomic(using=connection.alias):
            triggers_drop(connection)
            try:
                result = original(self, *args, **options)
            finally:
                triggers_create(connection)
            for migration in DATA_MIGRATIONS:
                migration(django_apps, None)
            return result

    FlushCommand.handle = handle  # type: ignore[method-assign]
    yield
    FlushCommand.handle = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hashing with Django's production hasher costs about half a second per user; tests need no secrecy."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Regions ------------------------------------------------------------------------------------------


@pytest.fixture
def district_a(db: None) -> Region:
    return RegionFactory.create(code="990101", name="甲区", level=Region.Level.DISTRICT)


@pytest.fixture
def street_a1(district_a: Region) -> Region:
    return StreetFactory.create(code="990101001", name="甲一街道", parent=district_a)


@pytest.fixture
def street_a2(district_a: Region) -> Region:
    return StreetFactory.create(code="990101002", name="甲二街道", parent=district_a)


@pytest.fixture
def district_b(db: None) -> Region:
    return RegionFactory.create(code="990102", name="乙区", level=Region.Level.DISTRICT)


@pytest.fixture
def street_b1(district_b: Region) -> Region:
    return StreetFactory.create(code="990102001", name="乙一街道", parent=district_b)


@pytest.fixture
def who_growth_standard(district_a: Region) -> None:
    """District 甲 evaluates growth against WHO 2006 (the default is WS/T 423—2022): for the tests whose
    numbers are WHO's."""
    district_a.growth_standard = "who2006"
    district_a.save(update_fields=["growth_standard"])


# Institutions and what they hold -----------------------------------------------------------------


@pytest.fixture
def hospital(db: None) -> Hospital:
    return HospitalFactory.create(name="甲区人民医院")


@pytest.fixture
def institution_x(street_a1: Region, hospital: Hospital) -> Institution:
    return FiledInstitutionFactory.create(
        name="星星托育园",
        street=street_a1,
        partner_hospital=hospital,
        inclusive_recognized_on=datetime.date(2024, 1, 1),
    )


@pytest.fixture
def institution_y(street_a2: Region) -> Institution:
    return FiledInstitutionFactory.create(name="月亮托育园", street=street_a2)


@pytest.fixture
def institution_z(street_b1: Region) -> Institution:
    return FiledInstitutionFactory.create(name="太阳托育园", street=street_b1)


@pytest.fixture
def class_x(institution_x: Institution) -> CareClass:
    return CareClassFactory.create(
        institution=institution_x, name="星星托大班", age_band=AgeBand.PRESCHOOL, capacity=20
    )


@pytest.fixture
def class_y(institution_y: Institution) -> CareClass:
    return CareClassFactory.create(
        institution=institution_y, name="月亮托小班", age_band=AgeBand.TODDLER, capacity=15
    )


@pytest.fixture
def class_z(institution_z: Institution) -> CareClass:
    return CareClassFactory.create(
        institution=institution_z, name="太阳混龄班", age_band=AgeBand.MIXED, capacity=18
    )


@pytest.fixture
def staff_x(institution_x: Institution) -> Staff:
    return StaffFactory.create(institution=institution_x, name="钱星保育")


@pytest.fixture
def staff_y(institution_y: Institution) -> Staff:
    return StaffFactory.create(institution=institution_y, name="孙月保育")


@pytest.fixture
def staff_z(institution_z: Institution) -> Staff:
    return StaffFactory.create(institution=institution_z, name="李阳保育")


# The demo district, once per worker --------------------------------------------------------------------
# Seeding the demo district takes about twenty seconds. It is seeded at most once on a worker, in a
# transaction, and kept while the modules that use it run there one after another; it is rolled back before
# the first test that does not use it.


class DemoDistrict:
    """The demo district on this process's test database: loaded on first use, then kept, rolled back by
    ``pytest_runtest_teardown`` when the next test is not one of the demo's."""

    def __init__(self) -> None:
        self._open: ExitStack | None = None
        self.output = ""
        self.modules_open = 0

    @property
    def loaded(self) -> bool:
        return self._open is not None

    def load(self, blocker: Any, media_root: Any) -> str:
        if self._open is not None:
            return self.output
        with ExitStack() as stack:  # closed (rolled back) if the seed fails, else kept open by pop_all()
            stack.enter_context(blocker.unblock())
            stack.enter_context(
                override_settings(
                    MEDIA_ROOT=media_root,  # the demo's placeholder scans
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                )
            )
            stack.enter_context(transaction.atomic())
            stack.callback(transaction.set_rollback, True)
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            # Check the seed's deferred foreign keys now, once. Left pending in this outer transaction,
            # PostgreSQL would check them all again at the end of every test (inside the test's savepoint).
            connection.check_constraints()
            self._open, self.output = stack.pop_all(), out.getvalue()
        return self.output

    def unload(self) -> None:
        if self._open is not None:
            stack, self._open = self._open, None
            stack.close()


DEMO = DemoDistrict()


@pytest.fixture(scope="module")
def seeded_demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo district, for every test of the module; what a module writes on top of it (in its own
    module-scoped fixtures) is rolled back after its last test. Each test still runs in its own savepoint
    (``pytest.mark.django_db``), so tests may write freely. Gives the command's output."""
    output = DEMO.load(django_db_blocker, tmp_path_factory.mktemp("media"))
    DEMO.modules_open += 1
    with django_db_blocker.unblock(), transaction.atomic():
        yield output
        transaction.set_rollback(True)
    DEMO.modules_open -= 1


def uses_demo(item: pytest.Item) -> bool:
    return "seeded_demo" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules that use the demo district run first, one after another. xdist hands each worker its first
    tests in this order, so each worker seeds the demo at most once; without xdist it is seeded once."""
    demo_modules = {item.module for item in items if uses_demo(item)}  # type: ignore[attr-defined]
    items.sort(key=lambda item: getattr(item, "module", None) not in demo_modules)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield
    if DEMO.loaded and not DEMO.modules_open and (nextitem is None or not uses_demo(nextitem)):
        DEMO.unload()


# Personas -------------------------------------------------------------------------------------------


@pytest.fixture
def regulator_a(district_a: Region) -> User:
    return make_persona("甲区监管员王", Role.REGULATOR, is_staff=True, region=district_a)


@pytest.fixture
def regulator_b(district_b: Region) -> User:
    return make_persona("乙区监管员赵", Role.REGULATOR, is_staff=True, region=district_b)


@pytest.fixture
def director_x(institution_x: Institution) -> User:
    return make_persona("星星园长李", Role.DIRECTOR, is_staff=True, institution=institution_x)


@pytest.fixture
def caregiver_x(institution_x: Institution) -> User:
    return make_persona("星星保育师张", Role.CAREGIVER, institution=institution_x)


@pytest.fixture
def health_worker_x(institution_x: Institution) -> User:
    return make_persona("星星保健员刘", Role.HEALTH_WORKER, institution=institution_x)


@pytest.fixture
def director_y(institution_y: Institution) -> User:
    return make_persona("月亮园长周", Role.DIRECTOR, is_staff=True, institution=institution_y)


@pytest.fixture
def doctor(hospital: Hospital) -> User:
    return make_persona("医院儿科陈医生", Role.DOCTOR, hospital=hospital)


@pytest.fixture
def guardian(db: None) -> User:
    return make_persona("家长赵女士", Role.GUARDIAN)


@pytest.fixture
def anonymous(db: None) -> None:
    return None


# Clients ----------------------------------------------------------------------------------------------


@pytest.fixture
def client_as(request: pytest.FixtureRequest) -> Callable[[str], Client]:
    """A Django test client signed in as the named persona (``"anonymous"``: not signed in)."""

    def make(persona: str) -> Client:
        user = request.getfixturevalue(persona)
        return signed_in_client(user) if user is not None else Client(**ENGLISH)

    return make


@pytest.fixture
def api_as(request: pytest.FixtureRequest) -> Callable[[str], APIClient]:
    """A DRF APIClient authenticated as the named persona (``"anonymous"``: no credentials)."""

    def make(persona: str) -> APIClient:
        user = request.getfixturevalue(persona)
        client = APIClient(**ENGLISH)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def token_api_as(request: pytest.FixtureRequest) -> Callable[[str], APIClient]:
    """An APIClient that signed in the way an app does: POST /api/v1/auth/token/, then ``Token <key>``."""

    def make(persona: str) -> APIClient:
        user = request.getfixturevalue(persona)
        client = APIClient(**ENGLISH)
        credentials = {"phone": user.phone, "password": PASSWORD}
        if second_factor_required(user):
            credentials["otp"] = current_code(app_device(user))
        response = client.post("/api/v1/auth/token/", credentials, format="json")
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return make


@pytest.fixture
def anonymous_client() -> Client:
    return Client(**ENGLISH)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient(**ENGLISH)
