"""Load test of the production profile on the province at scale (locust, headless, 127.0.0.1 only).

Starts gunicorn (src/tuoyu/gunicorn_conf.py) on the database seed_scale built, then, for each endpoint in
turn and each number of concurrent users, runs locust for a fixed time and prints throughput and
p50/p95/p99, with each endpoint's throughput as a share of the two floors: a static file (no query) and
``/api/v1/me/`` (the API token's row, the user's and their roles: three indexed reads). Counts and time
are bounded; nothing leaves 127.0.0.1.

    createdb -h 127.0.0.1 -U postgres tuoyu_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuoyu_scale .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuoyu_scale .venv/bin/python manage.py seed_scale
    .venv/bin/python bench/load.py [--users 10,50,100] [--seconds 20] [--only finder,check-in]

Today's check-ins of the province's caregivers are removed first (the load test checks children in), so
run it on a working day; the database is otherwise left as it is. Needs the bench extra (`make bench`
installs it).
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuoyu_scale")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379")
CACHE_DB, QUEUE_DB = 12, 13
CAREGIVERS = 400  # caregivers (institutions) whose classes the check-ins and class screens use


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scale_missing() -> str:
    """Why the load test cannot run here (no PostgreSQL, or no province built on it); empty if it can."""
    import psycopg

    try:
        with psycopg.connect(DATABASE, connect_timeout=5) as connection:
            found = connection.execute("SELECT 1 FROM regions_region WHERE code = '96'").fetchone()
    except psycopg.Error as error:
        return f"{DATABASE} cannot be read ({type(error).__name__}); see this script's top for the set-up"
    return "" if found else f"no province at scale in {DATABASE}: run `manage.py seed_scale` (see this file)"


def server_env(var: Path, port: int, secret: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE,
        "DB_CONN_MAX_AGE": "60",
        "CACHE_URL": f"{REDIS}/{CACHE_DB}",
        "QUEUE_URL": f"{REDIS}/{QUEUE_DB}",
        "STATIC_HASHED": "true",
        "TUOYU_VAR_DIR": str(var),
        "BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT / "src"),
    }


# Preparing (a separate process: Django, no gevent) -------------------------------------------------------


def prepare(out: Path) -> None:
    """Tokens, a caregiver's session, classes and children for the load: written to ``out`` as JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from tuoyu.accounts.models import RoleAssignment, User
    from tuoyu.accounts.tokens import token_issue
    from tuoyu.daycare.models import Attendance, ClassDuty
    from tuoyu.demo.scale import PROVINCE_CODE, phone
    from tuoyu.enrolment.models import Placement
    from tuoyu.regions.models import Region
    from tuoyu.workdays import is_working_day

    today = timezone.localdate()
    province = Region.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        sys.exit(
            "No province at scale in this database: run `manage.py seed_scale` first (see this file's top)."
        )
    if not is_working_day(today):
        print(f"warning: {today} is not a working day; check-ins answer with a warning", file=sys.stderr)
    in_province = {"institution__street__path__startswith": province.path}
    Attendance.objects.filter(
        day=today, care_class__institution__street__path__startswith=province.path
    ).delete()
    district = Region.objects.filter(path__startswith=province.path, level=Region.Level.DISTRICT).first()
    assert district is not None
    caregivers = list(
        RoleAssignment.objects.filter(role="caregiver", **in_province)
        .select_related("user", "institution")
        .order_by("?")[:CAREGIVERS]
    )
    classes, children = [], []
    for assignment in caregivers:
        token = token_issue(assignment.user)[1]
        for placement in Placement.objects.filter(
            institution=assignment.institution, ends_on__gt=today
        ).select_related("care_class", "child"):
            children.append([token, str(placement.care_class.code), str(placement.child.code)])
        for care_class in assignment.institution.classes.all():
            classes.append([token, str(care_class.code)])
    duties = ClassDuty.objects.filter(
        day=today, care_class__institution__in=[a.institution for a in caregivers]
    )
    if not duties.exists():  # the caregivers come on duty, so the ratio holds as children arrive
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ClassDuty._meta.db_table} (staff_id, care_class_id, day, started_at) "
                f"SELECT staff_id, care_class_id, %s, now() FROM {ClassDuty._meta.db_table} "
                f"WHERE day = (SELECT max(day) FROM {ClassDuty._meta.db_table} WHERE day < %s)",
                [today, today],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, whether or not autovacuum runs on this server
    browser = Client()
    browser.force_login(caregivers[0].user)
    session = browser.cookies["sessionid"].value
    first = caregivers[0].institution
    regulator = User.objects.get(phone=phone("regulator", 0))
    out.write_text(
        json.dumps(
            {
                "province": PROVINCE_CODE,
                "district": district.code,
                "regulator": token_issue(regulator)[1],
                "district_regulator": token_issue(User.objects.get(phone=phone("regulator", 1)))[1],
                "near": f"{first.latitude},{first.longitude}",
                "session": session,
                "session_classes": [str(c.code) for c in first.classes.all()],
                "classes": classes,
                "children": children,
            }
        )
    )


# The load (this process: locust) -------------------------------------------------------------------------


def endpoints(data: dict[str, object]) -> dict[str, tuple[str, str]]:
    """name → (method, path); the path's placeholders are filled per request."""
    return {
        "floor: static file (0 queries)": ("GET", "STATIC"),
        "floor: /api/v1/me/ (token, 3 q.)": ("GET", "/api/v1/me/"),
        "finder: vacancies + 10 km": (
            "GET",
            f"/api/v1/institutions/?age_months=20&has_vacancy=true&near={data['near']}&radius_km=10",
        ),
        "district indicators": ("GET", f"/api/v1/regions/{data['district']}/indicators/"),
        "province indicators": ("GET", f"/api/v1/regions/{data['province']}/indicators/"),
        "caregiver's class screen": ("GET", "CLASS"),
        "check-in": ("POST", "CHECK_IN"),
        "regulator's daily view": ("GET", "/api/v1/supervision/daily/"),
    }


def run_locust(
    name: str,
    method: str,
    path: str,
    users: int,
    seconds: int,
    port: int,
    data: dict[str, object],
    static: str,
) -> dict[str, float]:
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    # One pool for every run: a child checked in at 10 users is not checked in again at 50.
    children = data.setdefault("pool", iter(list(data["children"])))  # type: ignore[call-overload]
    classes = list(data["classes"])  # type: ignore[call-overload]
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}

    class Visitor(FastHttpUser):
        host = f"http://127.0.0.1:{port}"
        wait_time = constant(0)

        @task
        def one(self) -> None:
            if path == "STATIC":
                self.client.get(static, headers=headers, name=name)
            elif path == "CLASS":
                code = data["session_classes"][id(self) % len(data["session_classes"])]  # type: ignore[index]
                self.client.get(
                    f"/care/classes/{code}/",
                    headers={**headers, "Cookie": f"sessionid={data['session']}"},
                    name=name,
                )
            elif path == "CHECK_IN":
                try:
                    token, class_code, child = next(children)
                except StopIteration:
                    self.stop()
                    return
                self.client.post(
                    f"/api/v1/care/classes/{class_code}/check-ins/",
                    json={"child": child, "temperature_c": "36.6", "decision": "admit"},
                    headers={**headers, "Authorization": f"Token {token}"},
                    name=name,
                )
            else:
                token = data["district_regulator"] if "district" in name else data["regulator"]
                if "/me/" in path:
                    token = classes[id(self) % len(classes)][0]
                self.client.get(path, headers={**headers, "Authorization": f"Token {token}"}, name=name)

    env = Environment(user_classes=[Visitor])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.quit()
    total = env.stats.total
    return {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.num_requests / seconds,
        "p50": total.get_response_time_percentile(0.50) or 0,
        "p95": total.get_response_time_percentile(0.95) or 0,
        "p99": total.get_response_time_percentile(0.99) or 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="10,50,100", help="Concurrent users, comma-separated.")
    parser.add_argument("--seconds", type=int, default=20, help="Seconds per endpoint and number of users.")
    parser.add_argument("--only", default="", help="Endpoint names containing these words (comma-separated).")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    missing = scale_missing()
    if missing and not args.prepare:
        print(f"bench/load.py skipped: {missing}")
        return 0
    secret = os.environ.get("LOAD_SECRET_KEY") or secrets.token_urlsafe(50)
    var = Path(tempfile.mkdtemp(prefix="tuoyu-load-"))
    port = free_port()
    env = server_env(var, port, secret)
    if args.prepare:
        prepare(args.prepare)
        return 0
    data_file = var / "load.json"
    subprocess.run(
        [PYTHON, __file__, "--prepare", str(data_file)],
        env={**env, "DJANGO_SETTINGS_MODULE": "tuoyu.settings"},
        check=True,
    )
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"], env=env, check=True
    )
    data = json.loads(data_file.read_text())
    static = (
        "/static/" + json.loads((var / "static" / "staticfiles.json").read_text())["paths"]["tuoyu/tuoyu.css"]
    )
    web = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "python:tuoyu.gunicorn_conf",
            "--access-logfile",
            "/dev/null",
            "tuoyu.wsgi",
        ],
        env=env,
        cwd=var,
        stdout=subprocess.DEVNULL,
        stderr=(var / "web.log").open("wb"),
    )
    try:
        wait_for(port)
        return report(args, port, data, static)
    finally:
        web.terminate()
        web.wait(timeout=40)


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start within 60 s")


def report(args: argparse.Namespace, port: int, data: dict[str, object], static: str) -> int:
    users = [int(n) for n in args.users.split(",")]
    wanted = [word for word in args.only.split(",") if word]
    results: dict[tuple[str, int], dict[str, float]] = {}
    for name, (method, path) in endpoints(data).items():
        if wanted and not name.startswith("floor") and not any(word in name for word in wanted):
            continue
        for count in users:
            results[name, count] = run_locust(name, method, path, count, args.seconds, port, data, static)
            print(f"  {name} at {count} users: {results[name, count]}", file=sys.stderr)
    print_table(results, users)
    return 0


def print_table(results: dict[tuple[str, int], dict[str, float]], users: list[int]) -> None:
    floors = {count: results.get(("floor: static file (0 queries)", count)) for count in users}
    one_row = {count: results.get(("floor: /api/v1/me/ (token, 3 q.)", count)) for count in users}
    print(
        f"{'endpoint':34} {'users':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'÷ floor':>8} {'÷ 1 row':>8} {'failed':>6}"
    )
    names = list(dict.fromkeys(name for name, _count in results))
    for name in names:
        for count in users:
            row = results.get((name, count))
            if row is None:
                continue
            floor, row_floor = floors[count], one_row[count]
            share = f"{row['rps'] / floor['rps']:.1%}" if floor and floor["rps"] else "-"
            row_share = f"{row['rps'] / row_floor['rps']:.1%}" if row_floor and row_floor["rps"] else "-"
            print(
                f"{name:34} {count:>5} {row['rps']:>7.1f} {row['p50']:>7.0f} {row['p95']:>7.0f} "
                f"{row['p99']:>7.0f} {share:>8} {row_share:>8} {int(row['failures']):>6}"
            )


if __name__ == "__main__":
    sys.exit(main())
