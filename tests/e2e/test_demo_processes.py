"""`make demo` runs the web server and the queue's consumer together: the processes of the Procfile under
honcho, as the Makefile starts them, on a fresh SQLite database of their own. Within a minute the
consumer's heartbeat shows in /healthz (and in the browser); both processes' lines come out in the one
stream, each prefixed with its name; one Ctrl+C stops both, leaving nothing running.
"""

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtual environment's bin, the Makefile's $(BIN)
HEARTBEAT_WITHIN = 60  # seconds from the start, as the demo promises
STOPPED_WITHIN = 15  # seconds from Ctrl+C until honcho and every process under it have exited
# What this test run sets for itself (pyproject's pytest env, the e2e conftest) is not the demo's environment.
TEST_RUN_VARIABLES = {
    "SECRET_KEY",
    "CACHE_URL",
    "QUEUE_URL",
    "DATABASE_URL",
    "DEBUG",
    "HTTPS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
STARTED = re.compile(r"^\S+ system\s*\| (\S+) started \(pid=(\d+)\)$", re.MULTILINE)


def prefixed_lines(output: str, process: str) -> list[str]:
    """The lines honcho relayed from ``process`` (``07:58:15 queue.1 | ...``), without the prefix."""
    prefix = re.compile(rf"^\d\d:\d\d:\d\d {re.escape(process)}\s*\| (.*)$", re.MULTILINE)
    return prefix.findall(output)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    condition: Callable[[], Any], seconds: float, *, unless: Callable[[], bool] = lambda: False
) -> Any:
    """Poll ``condition`` until it gives something true, ``unless()`` turns true or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result or unless() or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


# Straight to the demo on this machine, never through a proxy named in the environment.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def healthz(url: str) -> dict[str, Any] | None:
    """/healthz's answer once it is 200 (the consumer has beaten), else None."""
    try:
        with DIRECT.open(url, timeout=5) as response:
            return dict(json.load(response))
    except (urllib.error.URLError, ConnectionError, TimeoutError):  # not serving yet, or 503
        return None


def processes_with(variable: str) -> dict[int, str]:
    """The live processes (pid: command line) whose environment holds ``variable`` (``NAME=value``): every
    process started under honcho for this test, whichever process group or parent it ended up with."""
    found = {}
    wanted = variable.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                )
    return found


def demo_environment(var_dir: Path, host: str) -> dict[str, str]:
    """What `make demo` runs with on a fresh clone: its own var/ directory (with the secret key `make install`
    writes there), SQLite files for the database and the queue, the venv's bin first on PATH."""
    (var_dir / "secret-key").write_text(secrets.token_urlsafe(50) + "\n")
    (var_dir / "secret-key").chmod(0o600)
    environment = {name: value for name, value in os.environ.items() if name not in TEST_RUN_VARIABLES}
    return environment | {
        "TUOYU_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "QUEUE_URL": f"sqlite:///{var_dir / 'queue.sqlite3'}",
        "HOST": host,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def test_make_demo_runs_the_server_and_the_consumer_and_one_ctrl_c_stops_both(
    tmp_path: Path, open_page: Callable[..., Any]
) -> None:
    if not Path("/proc/self/environ").is_file():
        pytest.skip("finding the demo's processes needs /proc (Linux)")
    host = f"127.0.0.1:{free_port()}"
    environment = demo_environment(tmp_path, host)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]

    log_path = tmp_path / "honcho.log"
    marker = f"TUOYU_VAR_DIR={tmp_path}"
    with log_path.open("wb") as log:
        # Its own session and process group, as a terminal's foreground job (Ctrl+C signals the group).
        honcho = subprocess.Popen(
            [str(BIN / "honcho"), "--procfile", "Procfile", "start"],
            cwd=PROJECT_DIR,
            env=environment | {"DEBUG": "false", "HTTPS": "false"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output() -> str:
        return log_path.read_text(errors="replace")

    def tail() -> str:
        return "\n--- honcho's output (last lines) ---\n" + "\n".join(output().splitlines()[-40:])

    def exited() -> bool:
        return honcho.poll() is not None

    try:
        health = wait_until(lambda: healthz(f"http://{host}/healthz"), HEARTBEAT_WITHIN, unless=exited)
        assert not exited(), f"honcho exited ({honcho.returncode}) before /healthz answered 200{tail()}"
        assert health is not None, f"/healthz was not 200 within {HEARTBEAT_WITHIN} s{tail()}"
        assert health["scheduler"]["last_heartbeat"], f"{health}{tail()}"

        page = open_page(locale="en")
        response = page.goto(f"http://{host}/healthz")
        assert response is not None and response.status == 200, tail()
        shown = response.json()
        assert shown["status"] == "ok", shown
        assert shown["scheduler"]["status"] == "ok", shown
        expect(page.locator("body")).to_contain_text(
            f'"last_heartbeat": "{shown["scheduler"]["last_heartbeat"]}"'
        )

        # One stream, each line prefixed with its process: the server's request log, the consumer's start.
        def both_processes_spoke() -> bool:
            lines = output()
            web, queue = prefixed_lines(lines, "web.1"), prefixed_lines(lines, "queue.1")
            return any('"GET /healthz HTTP/1.1" 200' in line for line in web) and any(
                "Huey consumer started" in line for line in queue
            )

        assert wait_until(both_processes_spoke, 10), f"both processes' lines, prefixed, expected{tail()}"
        started = dict(STARTED.findall(output()))
        assert set(started) == {"web.1", "queue.1"}, tail()
        running = processes_with(marker)
        assert any("runserver" in command for command in running.values()), f"{running}{tail()}"
        assert any("run_huey" in command for command in running.values()), f"{running}{tail()}"

        os.killpg(honcho.pid, signal.SIGINT)  # Ctrl+C: the terminal signals its foreground process group
        stop_began = time.monotonic()
        try:
            honcho.wait(timeout=STOPPED_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"honcho still running {STOPPED_WITHIN} s after one SIGINT{tail()}")
        left = wait_until(
            lambda: not processes_with(marker), STOPPED_WITHIN - (time.monotonic() - stop_began)
        )
        assert left, f"still running after Ctrl+C: {processes_with(marker)}{tail()}"
        stopped = output()
        assert "SIGINT received" in stopped, tail()
        assert "web.1 stopped" in stopped and "queue.1 stopped" in stopped, tail()
    finally:
        # Whatever the outcome, nothing of this test keeps running: honcho is asked to stop (as a service
        # manager would), then killed with its group, then every process with this test's environment is
        # (honcho starts each Procfile process in a session of its own).
        if honcho.poll() is None:
            honcho.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                honcho.wait(timeout=STOPPED_WITHIN)
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
        for pid in processes_with(marker):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        honcho.wait(timeout=10)
