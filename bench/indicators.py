"""How the district figures and the busiest list pages scale with the size of a district.

Builds synthetic districts of growing size in a throw-away database (SQLite by default; set
DATABASE_URL to measure PostgreSQL), then times region_indicators() (with the certified share),
the public directory page and a regulator's institution list. Prints one line per size.

    .venv/bin/python bench/indicators.py [--sizes 50,200,800] [--repeat 5]
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("TUOYU_VAR_DIR", tempfile.mkdtemp(prefix="tuoyu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tuoyu.accounts.factories import RoleAssignmentFactory, UserFactory  # noqa: E402
from tuoyu.accounts.models import Role  # noqa: E402
from tuoyu.insights.selectors import region_indicators  # noqa: E402
from tuoyu.regions.factories import PopulationFactory, RegionFactory  # noqa: E402
from tuoyu.regions.models import Region  # noqa: E402
from tuoyu.registry.factories import make_credit_code  # noqa: E402
from tuoyu.registry.models import CareClass, Institution, ProviderTag, ServiceOffering  # noqa: E402
from tuoyu.workforce.factories import make_identity_number  # noqa: E402
from tuoyu.workforce.models import Certificate, CertificateRequirement, Staff  # noqa: E402

STAFF_PER_INSTITUTION = 13
TODAY = datetime.date.today()


def build_district(number: int, institutions: int) -> Region:
    code = f"97{number:04d}"
    district = RegionFactory.create(code=code, name=f"基准区{number}", level=Region.Level.DISTRICT)
    PopulationFactory.create(region=district, year=TODAY.year, residents=200_000)
    street = RegionFactory.create(
        code=f"{code}001", name="基准街道", level=Region.Level.STREET, parent=district
    )
    created = Institution.objects.bulk_create(
        Institution(
            name=f"基准托育机构{number}-{i}",
            credit_code=make_credit_code("enterprise", code, number * 100_000 + i),
            registration_type="enterprise",
            street=street,
            address=f"基准路{i}号",
            latitude=Decimal("35.38"),
            longitude=Decimal("116.58"),
            building_area_m2=Decimal("800"),
            floors_used="1",
            opening_hours="7:30-18:00",
            filed_places=90,
            filing_status="filed",
            filing_receipt_no=f"基准备〔2025〕{i:04d}号",
            filed_on=TODAY - datetime.timedelta(days=400),
            operating_status="operating",
            inclusive_recognized_on=TODAY - datetime.timedelta(days=300) if i % 3 else None,
        )
        for i in range(institutions)
    )
    ProviderTag.objects.bulk_create(ProviderTag(institution=inst, model="community") for inst in created)
    ServiceOffering.objects.bulk_create(
        ServiceOffering(
            institution=inst, service_type="full_day", price_yuan=Decimal("1800"), price_unit="month"
        )
        for inst in created
    )
    CareClass.objects.bulk_create(
        CareClass(
            institution=inst, name=f"托大班{k}", age_band="preschool", capacity=18, room_area_m2=Decimal("60")
        )
        for inst in created
        for k in range(5)
    )
    staff = Staff.objects.bulk_create(
        Staff(
            institution=inst,
            name=f"员工{k}",
            id_number=make_identity_number(
                k, datetime.date(1990, 1, 1) + datetime.timedelta(days=number * 5000 + j)
            ),
            role="caregiver",
            education="college",
            employed_from=TODAY - datetime.timedelta(days=500),
        )
        for j, (inst, k) in enumerate((inst, k) for inst in created for k in range(STAFF_PER_INSTITUTION))
    )
    required = CertificateRequirement.objects.filter(role="caregiver").values_list(
        "certificate_type", flat=True
    )
    Certificate.objects.bulk_create(
        Certificate(
            staff=person,
            certificate_type=kind,
            number=f"B{person.pk}{kind[:2]}",
            issuer="基准",
            issued_on=TODAY - datetime.timedelta(days=100),
        )
        for person in staff
        for kind in required
    )
    return district


def timed(repeat: int, action: object) -> tuple[float, int]:
    """Median milliseconds and the number of queries of one run."""
    durations = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()  # type: ignore[operator]
            durations.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(durations), queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,200,800", help="institutions per district, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor}; staff per institution: {STAFF_PER_INSTITUTION}; "
        f"median of {args.repeat} runs"
    )
    print(
        f"{'institutions':>12} {'staff':>7} {'indicators ms':>14} {'q':>3} {'directory ms':>13} {'q':>3} "
        f"{'regulator list ms':>18} {'q':>3}"
    )
    for number, size in enumerate(int(s) for s in args.sizes.split(",")):
        district = build_district(number, size)
        regulator = UserFactory.create(is_staff=True)
        RoleAssignmentFactory.create(user=regulator, role=Role.REGULATOR, region=district)
        public, signed_in = Client(), Client()
        signed_in.force_login(regulator)
        indicators_ms, indicators_q = timed(args.repeat, lambda d=district: region_indicators(d, TODAY))
        directory_ms, directory_q = timed(args.repeat, lambda c=public: c.get("/institutions/"))
        manage_ms, manage_q = timed(args.repeat, lambda c=signed_in: c.get("/manage/institutions/"))
        print(
            f"{size:>12} {size * STAFF_PER_INSTITUTION:>7} {indicators_ms:>14.1f} {indicators_q:>3} "
            f"{directory_ms:>13.1f} {directory_q:>3} {manage_ms:>18.1f} {manage_q:>3}"
        )


if __name__ == "__main__":
    main()
