"""How fast and in how much memory the staff import refuses hostile Excel files, against a good one.

Builds each file in memory (the way an attacker would, without a spreadsheet program), then times
workforce.excel.staff_import on it in a throw-away SQLite database and reports the peak Python memory
(tracemalloc). The import's limits: 5 MB on disk, 20 MB inflated, 5,000 rows, 100 characters a cell.

    .venv/bin/python bench/excel_import_limits.py
"""

import io
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("TUOYU_VAR_DIR", tempfile.mkdtemp(prefix="tuoyu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from tuoyu.registry.factories import InstitutionFactory  # noqa: E402
from tuoyu.registry.models import Institution  # noqa: E402
from tuoyu.workforce.excel import MAX_BYTES, MAX_ROWS, StaffImportError, staff_import  # noqa: E402
from tuoyu.workforce.tests.test_excel import good_row, sheet_bytes  # noqa: E402
from tuoyu.workforce.tests.test_excel_limits import handmade_xlsx, text_row  # noqa: E402


def hostile_files() -> dict[str, Callable[[], bytes | io.BytesIO]]:
    return {
        "good: 500 rows (imported)": lambda: sheet_bytes([good_row(index) for index in range(500)]),
        "1,000,000 rows": lambda: handmade_xlsx([text_row(index) for index in range(1000)], repeat=1000),
        "1,000,000 identical rows (small file)": lambda: handmade_xlsx([text_row(0)], repeat=1_000_000),
        "200 MB shared string in a small file": lambda: handmade_xlsx(
            [], shared_string="好" * (70 * 1024**2)
        ),
        f"{MAX_ROWS + 1:,} rows": lambda: handmade_xlsx([text_row(index) for index in range(MAX_ROWS + 1)]),
        "over 5 MB on disk": lambda: io.BytesIO(b"PK" + b"\0" * (MAX_BYTES * 4)),
    }


def run_import(institution: Institution, content: bytes | io.BytesIO) -> str:
    try:
        with transaction.atomic():
            imported = staff_import(institution=institution, content=content)
            transaction.set_rollback(True)
    except StaffImportError as refused:
        return f"refused: {refused.errors[0]}"[:60]
    return f"imported {len(imported)}"


def measure(institution: Institution, build: Callable[[], bytes | io.BytesIO]) -> tuple[float, float, str]:
    """Seconds without tracing (tracemalloc slows Python down), then the peak memory of a traced run."""
    content = build()
    started = time.perf_counter()
    outcome = run_import(institution, content)
    seconds = time.perf_counter() - started
    content = build()
    tracemalloc.start()
    run_import(institution, content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024**2, outcome


def main() -> None:
    call_command("migrate", verbosity=0)
    institution = InstitutionFactory.create()
    print(f"{'file':<38} {'bytes':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    for name, build in hostile_files().items():
        content = build()
        size = len(content.getvalue()) if isinstance(content, io.BytesIO) else len(content)
        seconds, peak, outcome = measure(institution, build)
        print(f"{name:<38} {size:>10,} {seconds:>8.2f} {peak:>8.1f}  {outcome}")


if __name__ == "__main__":
    main()
