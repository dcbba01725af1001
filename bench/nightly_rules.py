"""How long the nightly rules take for the province at scale, and which rules cost the most.

Times every rule over a sample of the province's institutions (queries and milliseconds per institution),
evaluated as the nightly task evaluates them: institution by institution, every rule in turn, the rules of
one institution sharing what they read (a shared read counts for the first rule that asks for it). Then
runs the nightly task itself (``evaluate_rules``, as the queue runs it) over the whole database and prints
its time. Needs the province seed_scale built (see bench/load.py for the commands).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuoyu_scale .venv/bin/python bench/nightly_rules.py \
        [--sample 100] [--no-full]
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuoyu_scale")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("QUEUE_URL", "memory://")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django  # noqa: E402

django.setup()

from django.db import OperationalError, connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from tuoyu.demo.scale import PROVINCE_CODE  # noqa: E402
from tuoyu.registry.models import Institution  # noqa: E402
from tuoyu.rules import RULES, one_evaluation  # noqa: E402
from tuoyu.supervision.tasks import evaluate_rules  # noqa: E402


def province_sample(sample: int) -> list[Institution]:
    """Institutions of the province at scale, at random; none when this database has no such province."""
    try:
        in_province = Institution.objects.filter(street__path__startswith=f"{PROVINCE_CODE}/")
        return list(in_province.order_by("?")[:sample])
    except OperationalError:  # no such database
        return []


def rule_costs(institutions: list[Institution]) -> None:
    day = timezone.localdate()
    seconds = dict.fromkeys(RULES, 0.0)
    queries = dict.fromkeys(RULES, 0)
    for institution in institutions:
        with one_evaluation():
            for code, rule in RULES.items():
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    list(rule.evaluate(institution, day))
                seconds[code] += time.perf_counter() - started
                queries[code] += len(captured)
    rows = [(seconds[code], code, queries[code]) for code in RULES]
    total = sum(elapsed for elapsed, _code, _queries in rows)
    print(f"Rules over {len(institutions)} institutions of the province, per institution:")
    print(f"  {'rule':10} {'ms':>8} {'queries':>8}")
    for elapsed, code, queries in sorted(rows, reverse=True):
        if elapsed * 1000 / len(institutions) >= 0.05:
            print(
                f"  {code:10} {elapsed * 1000 / len(institutions):>8.2f} {queries / len(institutions):>8.1f}"
            )
    print(f"  {'all':10} {total * 1000 / len(institutions):>8.2f}")


def nightly() -> None:
    count = Institution.objects.count()
    started = time.perf_counter()
    opened, closed = evaluate_rules.call_local()
    elapsed = time.perf_counter() - started
    print(
        f"evaluate_rules (the nightly task) over {count:,} institutions: {elapsed:.0f} s "
        f"({elapsed * 1000 / count:.1f} ms each); findings opened {opened:,}, closed {closed:,}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=100, help="Institutions to time each rule over.")
    parser.add_argument("--no-full", action="store_true", help="Skip the run over every institution.")
    args = parser.parse_args()
    institutions = province_sample(args.sample)
    if not institutions:
        print(f"bench/nightly_rules.py skipped: no province at scale in {os.environ['DATABASE_URL']}")
        return 0
    rule_costs(institutions)
    if not args.no_full:
        nightly()
    return 0


if __name__ == "__main__":
    sys.exit(main())
