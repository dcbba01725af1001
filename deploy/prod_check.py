"""Start Tuoyu as production runs it, on this machine, check it answers, and stop it (`make prod-check`).

The production profile: gunicorn (src/tuoyu/gunicorn_conf.py) and the queue's consumer, PostgreSQL, Redis
for the cache and the queue, DEBUG off, HTTPS as behind a proxy, static files hashed and compressed by
WhiteNoise, JSON logs. A throw-away database and two Redis databases are used and removed afterwards.

    .venv/bin/python deploy/prod_check.py     (PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379)
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "tuoyu_prod_check"
POSTGRES = os.environ.get("PROD_CHECK_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("PROD_CHECK_REDIS", "redis://127.0.0.1:6379")
CACHE_DB, QUEUE_DB = 14, 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_recreate() -> str:
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' TEMPLATE template0")
    return POSTGRES.rsplit("/", 1)[0] + f"/{DATABASE}"


def database_drop() -> None:
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def redis_flush() -> None:
    for number in (CACHE_DB, QUEUE_DB):
        redis.Redis.from_url(f"{REDIS}/{number}").flushdb()


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET as the proxy passes it on: over HTTPS for the client, Host as configured."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers})
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_healthy(port: int, seconds: float) -> dict[str, object]:
    deadline, body = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        try:
            status, _headers, raw = get(port, "/healthz")
            body = json.loads(raw)
            if status == 200:
                return body
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"/healthz did not answer 200 within {seconds:.0f} s: {body}")


def check(port: int, var: Path) -> list[str]:
    """What was checked, a line each; AssertionError at the first thing that is wrong."""
    done = []
    health = wait_until_healthy(port, 60)
    done.append(f"/healthz 200: {health}")
    for path in ("/", "/institutions/", "/accounts/login/", "/api/schema/"):
        status, headers, _body = get(port, path)
        assert status == 200, f"{path} answered {status}"
        assert headers.get("x-request-id"), f"{path} has no X-Request-ID"
        done.append(f"{path} 200")
    status, headers, _body = get(port, "/institutions/", **{"X-Forwarded-Proto": "http"})
    assert status == 301 and headers["location"].startswith("https://"), "plain HTTP is not sent to HTTPS"
    done.append("plain HTTP → 301 to HTTPS")
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["tuoyu/tuoyu.css"]
    status, headers, _body = get(port, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert status == 200, f"/static/{hashed} answered {status}"
    assert headers.get("content-encoding") == "gzip", "the stylesheet is not served compressed"
    assert "immutable" in headers.get("cache-control", ""), "a hashed static file is not cached for good"
    done.append(f"/static/{hashed} 200, gzip, {headers['cache-control']}")
    status, headers, _body = get(port, "/no-such-page/", **{"X-Request-ID": "prod-check-404"})
    assert status == 404 and headers["x-request-id"] == "prod-check-404"
    done.append("/no-such-page/ 404, X-Request-ID passed through")
    return done


def json_log_lines(log: Path) -> list[dict[str, object]]:
    lines = []
    for line in log.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def main() -> int:
    var = Path(tempfile.mkdtemp(prefix="tuoyu-prod-check-"))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_recreate(),
        "DB_CONN_MAX_AGE": "60",
        "CACHE_URL": f"{REDIS}/{CACHE_DB}",
        "QUEUE_URL": f"{REDIS}/{QUEUE_DB}",
        "STATIC_HASHED": "true",
        "LOG_FORMAT": "json",
        "TUOYU_VAR_DIR": str(var),
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "PYTHONPATH": str(ROOT / "src"),
    }
    redis_flush()
    processes: list[subprocess.Popen[bytes]] = []
    web_log, queue_log = var / "web.log", var / "queue.log"
    try:
        manage("migrate", "--no-input", env=env)
        manage("collectstatic", "--no-input", env=env)
        with web_log.open("wb") as web_out, queue_log.open("wb") as queue_out:
            processes.append(
                subprocess.Popen(
                    [PYTHON, "-m", "gunicorn", "-c", "python:tuoyu.gunicorn_conf", "tuoyu.wsgi"],
                    env=env,
                    cwd=var,
                    stdout=web_out,
                    stderr=subprocess.STDOUT,
                )
            )
            processes.append(
                subprocess.Popen(
                    [PYTHON, str(ROOT / "manage.py"), "run_huey"],
                    env=env,
                    cwd=var,
                    stdout=queue_out,
                    stderr=subprocess.STDOUT,
                )
            )
            done = check(port, var)
        logged = [line for line in json_log_lines(web_log) if line.get("request_id") == "prod-check-404"]
        assert logged, f"no JSON log line carries the request's id:\n{web_log.read_text()[-2000:]}"
        done.append(f"JSON log: {json.dumps(logged[0], ensure_ascii=False)}")
        print("make prod-check: gunicorn, the queue's consumer, PostgreSQL and Redis")
        for line in done:
            print(f"  ok  {line}")
        return 0
    except (AssertionError, subprocess.CalledProcessError) as failure:
        print(f"make prod-check FAILED: {failure}", file=sys.stderr)
        for log in (web_log, queue_log):
            if log.exists():
                print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=40)
        database_drop()
        redis_flush()


if __name__ == "__main__":
    sys.exit(main())
