"""The public finder, the public directory and the regulator's daily view at the scale of a province.

Builds (the first time) a synthetic province in the database of DATABASE_URL, which must be
PostgreSQL (on another database it prints "skipped"): 16 cities, 136 districts, 2,000 streets,
7,000 institutions with about 19,000 classes, children placed in them (and places that ended), open and
expired offers, and yesterday's attendance, morning checks, outings, ratio breaches, menus and food
samples. Then times, median of --repeat runs:

- the finder (API and page) with ``age_months=20&has_vacancy=true``, and near a point within 5 km;
- the size of the finder's page (the street filter);
- the daily supervision API (one page) and page of a province regulator.

    createdb tuoyu_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuoyu_bench .venv/bin/python bench/province.py
    DATABASE_URL=... .venv/bin/python bench/province.py --explain   # the finder's SQL with EXPLAIN ANALYZE
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TUOYU_VAR_DIR", tempfile.mkdtemp(prefix="tuoyu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from tests.personas import sign_in  # noqa: E402
from tuoyu.accounts.models import Role, RoleAssignment, User  # noqa: E402
from tuoyu.regions.models import Region  # noqa: E402
from tuoyu.registry.models import CareClass, Institution  # noqa: E402

PROVINCE = "37"
CITIES, DISTRICTS, STREETS, INSTITUTIONS = 16, 136, 2000, 7000

# One statement each, in order; %(day)s is yesterday, %(today)s today.
BUILD = [
    "SELECT setseed(0.42)",
    # Regions: the province, its cities, districts and streets (codes 37, 37CC, 37CCDD, 37CCDDSSS).
    f"""INSERT INTO regions_region (code, name, level, path)
        VALUES ('{PROVINCE}', '基准省', 'province', '{PROVINCE}/')""",
    f"""INSERT INTO regions_region (code, name, level, path, parent_id)
        SELECT '{PROVINCE}' || lpad(c::text, 2, '0'), '基准市' || c, 'city',
               '{PROVINCE}/{PROVINCE}' || lpad(c::text, 2, '0') || '/', p.id
        FROM generate_series(1, {CITIES}) c, regions_region p WHERE p.code = '{PROVINCE}'""",
    f"""INSERT INTO regions_region (code, name, level, path, parent_id)
        SELECT c.code || lpad((d / {CITIES} + 1)::text, 2, '0'), '基准区' || d, 'district',
               c.path || c.code || lpad((d / {CITIES} + 1)::text, 2, '0') || '/', c.id
        FROM generate_series(0, {DISTRICTS - 1}) d
        JOIN regions_region c ON c.code = '{PROVINCE}' || lpad((d % {CITIES} + 1)::text, 2, '0')""",
    f"""INSERT INTO regions_region (code, name, level, path, parent_id)
        SELECT d.code || lpad((s / {DISTRICTS} + 1)::text, 3, '0'), '基准街道' || s, 'street',
               d.path || d.code || lpad((s / {DISTRICTS} + 1)::text, 3, '0') || '/', d.id
        FROM generate_series(0, {STREETS - 1}) s
        JOIN (SELECT id, code, path, row_number() OVER (ORDER BY code) - 1 AS n
              FROM regions_region WHERE level = 'district') d ON d.n = s % {DISTRICTS}""",
    # Institutions: 95 % filed, 90 % operating, spread over the province's map.
    f"""INSERT INTO registry_institution (code, name, credit_code, registration_type, inclusive_recognized_on,
            address, latitude, longitude, building_area_m2, floors_used, opening_hours, public_phone,
            filed_places, filing_status, filing_receipt_no, filed_on, operating_status, description,
            serves_meals, street_id, opens_at, closes_at)
        SELECT gen_random_uuid(), '基准托育园' || lpad(i::text, 4, '0'), 'BENCH' || lpad(i::text, 13, '0'),
            'enterprise', CASE WHEN i % 3 = 0 THEN DATE %(today)s - 300 END, '基准路' || i || '号',
            round((34.5 + random() * 3.8)::numeric, 6), round((114.8 + random() * 7.9)::numeric, 6),
            800, '1', '7:30-18:00', '', 60,
            CASE WHEN i % 20 = 0 THEN 'not_filed' ELSE 'filed' END,
            CASE WHEN i % 20 = 0 THEN '' ELSE '基准备' || i END,
            CASE WHEN i % 20 = 0 THEN NULL ELSE DATE %(today)s - 400 END,
            CASE WHEN i % 10 = 5 THEN 'suspended' ELSE 'operating' END, '', i % 7 <> 0,
            (SELECT id FROM regions_region WHERE level = 'street' ORDER BY code OFFSET i % {STREETS} LIMIT 1),
            '07:30', '18:00'
        FROM generate_series(0, {INSTITUTIONS - 1}) i""",
    """INSERT INTO registry_providertag (institution_id, model)
        SELECT id, CASE WHEN id % 2 = 0 THEN 'community' ELSE 'employer' END FROM registry_institution""",
    """INSERT INTO registry_serviceoffering (institution_id, service_type, price_yuan, price_unit)
        SELECT id, 'full_day', 1200 + (id % 20) * 100, 'month' FROM registry_institution""",
    # Classes: two to four an institution, of the bands in turn.
    """INSERT INTO registry_careclass (code, name, age_band, capacity, room_area_m2, institution_id)
        SELECT gen_random_uuid(), band || k, band,
               CASE band WHEN 'infant' THEN 10 WHEN 'toddler' THEN 15 WHEN 'mixed' THEN 18 ELSE 20 END,
               60, i.id
        FROM registry_institution i,
             LATERAL unnest(CASE i.id % 4
                WHEN 0 THEN ARRAY['toddler', 'preschool']
                WHEN 1 THEN ARRAY['infant', 'toddler', 'preschool']
                WHEN 2 THEN ARRAY['mixed', 'preschool']
                ELSE ARRAY['toddler', 'mixed', 'preschool', 'preschool'] END)
             WITH ORDINALITY AS b(band, k)""",
    # Children placed: each class full (a third of them) or filled to 60-95 %; and as many places that
    # ended before, of children who have moved on.
    """CREATE TEMP TABLE bench_seat AS
        SELECT c.id AS care_class_id, c.institution_id, s AS seat, false AS ended
        FROM registry_careclass c,
             LATERAL generate_series(1, CASE WHEN c.id % 3 = 0 THEN c.capacity
                                        ELSE (c.capacity * (0.6 + random() * 0.35))::int END) s
        UNION ALL
        SELECT c.id, c.institution_id, s, true FROM registry_careclass c,
             LATERAL generate_series(1, c.capacity) s""",
    """ALTER TABLE bench_seat ADD COLUMN child_id bigint""",
    """INSERT INTO enrolment_child (code, name, sex, birth_date, identity_number, allergies, special_needs,
            created_at)
        SELECT gen_random_uuid(), '基准儿童', 'F', DATE %(today)s - 600, '', '', '', now()
        FROM bench_seat""",
    """UPDATE bench_seat b SET child_id = c.id FROM (
            SELECT id, row_number() OVER (ORDER BY id) AS n FROM enrolment_child) c,
            (SELECT ctid, row_number() OVER () AS n FROM bench_seat) s
        WHERE b.ctid = s.ctid AND c.n = s.n""",
    """INSERT INTO enrolment_placement (code, service_type, start_date, ends_on, end_reason, created_at,
            care_class_id, child_id, institution_id)
        SELECT gen_random_uuid(), 'full_day',
               CASE WHEN ended THEN DATE %(today)s - 700 ELSE DATE %(today)s - 100 END,
               CASE WHEN ended THEN DATE %(today)s - 200 ELSE DATE %(today)s + 300 END,
               'aged_out', now(), care_class_id, child_id, institution_id
        FROM bench_seat""",
    # Offers: an open one in every tenth class, an expired one in another tenth.
    """CREATE TEMP TABLE bench_offer AS
        SELECT c.id AS care_class_id, c.institution_id, (c.id % 10 = 1) AS open
        FROM registry_careclass c WHERE c.id % 10 IN (1, 2)""",
    """INSERT INTO accounts_user (password, is_superuser, phone, display_name, preferred_language, is_active,
            is_staff, date_joined)
        VALUES ('!', false, '19900000001', '基准家长', '', true, false, now())""",
    """WITH kids AS (
            INSERT INTO enrolment_child (code, name, sex, birth_date, identity_number, allergies,
                special_needs, created_at)
            SELECT gen_random_uuid(), '候补儿童', 'M', DATE %(today)s - 600, '', '', '', now()
            FROM bench_offer RETURNING id),
        numbered_kids AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM kids),
        numbered_offers AS (SELECT *, row_number() OVER (ORDER BY care_class_id) AS n FROM bench_offer)
        INSERT INTO enrolment_application (code, service_type, rank, desired_start, priority_points, status,
            applied_at, applied_by_id, institution_id, child_id)
        SELECT gen_random_uuid(), 'full_day', 1, DATE %(today)s + 30, 0, 'offered', now(),
               (SELECT id FROM accounts_user WHERE phone = '19900000001'), o.institution_id, k.id
        FROM numbered_offers o JOIN numbered_kids k ON k.n = o.n ORDER BY o.care_class_id""",
    """INSERT INTO enrolment_offer (code, start_date, expires_at, status, made_at, application_id,
            care_class_id, made_by_id)
        SELECT gen_random_uuid(), DATE %(today)s + 30,
               CASE WHEN o.open THEN now() + interval '2 days' ELSE now() - interval '2 days' END,
               'open', now(), a.id, o.care_class_id, a.applied_by_id
        FROM (SELECT *, row_number() OVER (ORDER BY care_class_id) AS n FROM bench_offer) o
        JOIN (SELECT id, applied_by_id, row_number() OVER (ORDER BY id) AS n FROM enrolment_application) a
          ON a.n = o.n""",
    # Yesterday: nine children of ten checked in, most of them checked in the morning by 09:30.
    """INSERT INTO daycare_attendance (code, day, status, checked_in_at, picked_up_by_name, care_class_id,
            checked_in_by_id, child_id, placement_id)
        SELECT gen_random_uuid(), %(day)s, CASE WHEN p.id % 50 = 0 THEN 'sent_home' ELSE 'checked_out' END,
               (%(day)s::date + time '08:00' + (p.id % 90) * interval '1 minute')
                   AT TIME ZONE 'Asia/Shanghai',
               '', p.care_class_id, (SELECT id FROM accounts_user WHERE phone = '19900000001'),
               p.child_id, p.id
        FROM enrolment_placement p WHERE p.ends_on > %(day)s AND p.id % 10 <> 0""",
    """INSERT INTO daycare_healthcheck (kind, temperature_c, observations, decision, reason, action,
            checked_at, attendance_id, checked_by_id)
        SELECT 'morning', 36.6, '[]', 'admit', '', '', a.checked_in_at + interval '10 minutes', a.id,
               a.checked_in_by_id
        FROM daycare_attendance a WHERE a.id % 20 <> 0""",
    """INSERT INTO daycare_ratiobreach (day, started_at, children_present, caregivers_required,
            caregivers_on_duty, care_class_id)
        SELECT %(day)s, now() - interval '1 day', 10, 2, 1, id FROM registry_careclass WHERE id % 50 = 0""",
    """INSERT INTO daycare_outing (code, day, left_at, returned_at, mismatch, care_class_id, led_by_id)
        SELECT gen_random_uuid(), %(day)s, now() - interval '1 day', now() - interval '23 hours',
               id % 100 = 0, id, (SELECT id FROM accounts_user WHERE phone = '19900000001')
        FROM registry_careclass WHERE id % 2 = 0""",
    """INSERT INTO daycare_weeklymenu (institution_id, week_start, dishes, published_at)
        SELECT id, %(week)s, jsonb_build_object(%(day)s::text, '{"lunch": ["米饭", "青菜"]}'::jsonb), now()
        FROM registry_institution WHERE serves_meals""",
    """INSERT INTO daycare_foodsample (institution_id, day, meal, dish, weight_g, refrigerated_at, sampled_by)
        SELECT id, %(day)s, 'lunch', '米饭', 120, now() - interval '1 day', '厨师'
        FROM registry_institution WHERE serves_meals""",
    # A regulator of the whole province.
    """INSERT INTO accounts_user (password, is_superuser, phone, display_name, preferred_language, is_active,
            is_staff, date_joined)
        VALUES ('!', false, '19900000002', '基准监管员', '', true, true, now())""",
    f"""INSERT INTO accounts_roleassignment (role, granted_at, region_id, user_id)
        SELECT 'regulator', now(), (SELECT id FROM regions_region WHERE code = '{PROVINCE}'), id
        FROM accounts_user WHERE phone = '19900000002'""",
    "ANALYZE",
]

FINDER_QUERIES = [
    "age_months=20&has_vacancy=true",
    "near=36.0,117.0&radius_km=5",
    "near=36.0,117.0&radius_km=5&age_months=20&has_vacancy=true",
]


def build() -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    params = {
        "today": timezone.localdate().isoformat(),
        "day": yesterday.isoformat(),
        "week": (yesterday - datetime.timedelta(days=yesterday.weekday())).isoformat(),
    }
    with connection.cursor() as cursor:
        for statement in BUILD:
            start = time.perf_counter()
            sql = statement
            for name, value in params.items():
                sql = sql.replace(f"%({name})s", f"'{value}'")
            cursor.execute(sql)
            print(f"{(time.perf_counter() - start):6.1f} s  {' '.join(statement.split())[:90]}")


def timed(repeat: int, action: Callable[[], object]) -> tuple[float, int, object]:
    """Median milliseconds, the number of queries of one run, and the last result."""
    durations, queries, result = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = action()
            durations.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(durations), queries, result


def explain(url: str) -> None:
    """EXPLAIN ANALYZE of every query the URL runs."""
    with CaptureQueriesContext(connection) as captured:
        Client().get(url)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            print(sql[:300], "\n", "\n".join(row[0] for row in cursor.fetchall()), "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the finder's queries")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("skipped: set DATABASE_URL to a PostgreSQL database (the province is built there once)")
        return
    if not Region.objects.filter(code=PROVINCE).exists():
        call_command("migrate", verbosity=0)
        build()
    if args.explain:
        for query in FINDER_QUERIES:
            explain(f"/api/v1/institutions/?{query}")
        return
    print(
        f"{Institution.objects.count()} institutions, {CareClass.objects.count()} classes, "
        f"{Region.objects.filter(level='street').count()} streets; median of {args.repeat} runs"
    )
    public, api = Client(), APIClient()
    for query in FINDER_QUERIES:
        for url in (f"/api/v1/institutions/?{query}", f"/institutions/?{query}"):
            ms, queries, response = timed(args.repeat, lambda u=url: public.get(u))
            assert response.status_code == 200, url  # type: ignore[attr-defined]
            print(f"{ms:8.1f} ms {queries:3} queries  {len(response.content):8} bytes  {url}")  # type: ignore[attr-defined]
    ms, queries, response = timed(args.repeat, lambda: public.get("/institutions/"))
    print(f"{ms:8.1f} ms {queries:3} queries  {len(response.content):8} bytes  /institutions/")  # type: ignore[attr-defined]

    regulator = User.objects.get(phone="19900000002")
    assert RoleAssignment.objects.filter(user=regulator, role=Role.REGULATOR).exists()
    api.force_authenticate(regulator)
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    url = f"/api/v1/supervision/daily/?date={day}"
    ms, queries, response = timed(args.repeat, lambda: api.get(url))
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    print(f"{ms:8.1f} ms {queries:3} queries  {len(response.content):8} bytes  {url}")  # type: ignore[attr-defined]
    page = sign_in(Client(), regulator)
    url = f"/care/district/?date={day}"
    ms, queries, response = timed(args.repeat, lambda: page.get(url))
    print(
        f"{ms:8.1f} ms {queries:3} queries  {len(response.content):8} bytes  {url} ({response.status_code})"
    )  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
