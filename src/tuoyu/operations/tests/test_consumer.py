"""The queue's consumer, started as `make demo` and production start it (``manage.py run_huey``), reaches the
database and beats: /healthz sees it within seconds."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tuoyu.operations.queue import last_heartbeat

MANAGE = Path(__file__).resolve().parents[4] / "manage.py"


def database_url() -> str:
    """The test database, as DATABASE_URL names it for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_started_consumer_shows_its_heartbeat_in_healthz(tmp_path: Path, client: Client) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("an in-memory SQLite database is not shared between processes")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "TUOYU_VAR_DIR": str(tmp_path),
    }
    consumer = subprocess.Popen(
        [sys.executable, str(MANAGE), "run_huey", "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while last_heartbeat() is None and consumer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        beat = last_heartbeat()
    finally:
        consumer.terminate()
        output, _ = consumer.communicate(timeout=30)

    assert beat is not None, output
    scheduler = client.get("/healthz").json()["scheduler"]
    assert scheduler["last_heartbeat"] == beat.isoformat()
