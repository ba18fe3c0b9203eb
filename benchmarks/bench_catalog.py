"""Load time and memory of ``FoodCatalog.default()`` and ``FoodCatalog.full()``.

Run: ``.venv/bin/python benchmarks/bench_catalog.py [--runs 5]``.

Each figure is the median of ``--runs`` runs, shown in seconds and as a ratio to a baseline
measured in the same process: ``json.loads`` of every line of the decompressed starter pack,
the least work any loader of the pack must do.

- cold: the first load in a fresh interpreter (one subprocess per run; imports not counted);
- warm: repeated loads in this process, after one untimed load;
- peak memory: tracemalloc peak during one ``full()`` in this process.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from mealplan.cache import PACK_FOODS_FILE, default_starter_dir
from mealplan.catalog import FoodCatalog

KINDS = ("default", "full")

# Runs in a fresh interpreter: the first catalogue load, then the baseline in the same process.
_COLD_SCRIPT = """
import gzip, json, sys, time
from mealplan.catalog import FoodCatalog
kind, pack = sys.argv[1], sys.argv[2]
start = time.perf_counter()
catalog = getattr(FoodCatalog, kind)()
load = time.perf_counter() - start
start = time.perf_counter()
with gzip.open(pack, "rt", encoding="utf-8") as handle:
    records = [json.loads(line) for line in handle]
baseline = time.perf_counter() - start
print(json.dumps({"load": load, "baseline": baseline, "foods": len(catalog)}))
"""


def pack_file() -> Path:
    """The starter pack's foods file that both catalogues read."""
    folder = default_starter_dir()
    if folder is None:
        raise SystemExit("no starter pack found (data/usda_cache)")
    return folder / PACK_FOODS_FILE


def baseline(pack: Path) -> int:
    """Decompress the pack and ``json.loads`` every line: the minimum work of any loader."""
    with gzip.open(pack, "rt", encoding="utf-8") as handle:
        return len([json.loads(line) for line in handle])


def timed(function: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def cold(kind: str, pack: Path, runs: int) -> tuple[float, float, int]:
    """Median first-load seconds in fresh interpreters, median ratio to the baseline, foods."""
    loads, ratios, foods = [], [], 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _COLD_SCRIPT, kind, str(pack)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        loads.append(result["load"])
        ratios.append(result["load"] / result["baseline"])
        foods = result["foods"]
    return statistics.median(loads), statistics.median(ratios), foods


def peak_memory_mib(function: Callable[[], object]) -> float:
    """Peak traced Python allocation (MiB) during one call."""
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pack = pack_file()

    base = statistics.median(timed(lambda: baseline(pack), args.runs))
    print(f"pack: {pack} ({pack.stat().st_size / 2**20:.2f} MiB gzip, {baseline(pack)} foods)")
    print(f"baseline (gunzip + json.loads per line), warm median of {args.runs}: {base:.3f} s")
    print()
    header = (
        f"{'catalogue':<10}{'foods':>7}{'cold s':>9}{'cold ×base':>12}"
        f"{'warm s':>9}{'warm ×base':>12}"
    )
    print(header)
    print("-" * len(header))
    for kind in KINDS:
        load = getattr(FoodCatalog, kind)
        cold_s, cold_ratio, foods = cold(kind, pack, args.runs)
        load()  # untimed: the warm runs start with everything imported and cached
        warm_s = statistics.median(timed(load, args.runs))
        print(
            f"{kind:<10}{foods:>7}{cold_s:>9.3f}{cold_ratio:>11.1f}×"
            f"{warm_s:>9.3f}{warm_s / base:>11.1f}×"
        )
    print()
    peak = peak_memory_mib(FoodCatalog.full)
    print(f"peak memory of FoodCatalog.full() (tracemalloc): {peak:.1f} MiB")


if __name__ == "__main__":
    main()
