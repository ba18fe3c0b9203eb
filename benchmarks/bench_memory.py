"""How much memory does a plan take: peak traced memory of ``plan_day`` and ``plan_week``.

    .venv/bin/python benchmarks/bench_memory.py            # ~10 s
    .venv/bin/python benchmarks/bench_memory.py --quick    # the same, one measurement each

``tracemalloc`` records Python's and numpy's allocations, not HiGHS's own (C++) memory. Each
figure is the peak during one call for the baseline person (F34 omnivore, four meals, default
catalogue), after an untimed warm-up call so that imports and caches are not counted, and what
the call still holds when it returns (the plan and anything cached). In the full run each
figure is the median of three measurements.

Baseline: the peak of ``plan_day``; the week's peak is also a ratio to it. Results:
``benchmarks/results/bench_memory.json`` and ``.txt``.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

from common import BASELINE, Horizon, Plan, Session, Table, arguments, median, ratio

from mealplan import Planner


def traced(call: Callable[[], Plan]) -> tuple[float, float]:
    """Peak and retained traced memory (MiB) of one call."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        plan: Plan = call()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del plan
    return peak / 2**20, current / 2**20


def memory(planner: Planner, repeats: int) -> dict[str, dict[str, float]]:
    """Median peak and retained MiB of the baseline's day and week."""
    out = {}
    horizons: tuple[Horizon, ...] = ("day", "week")
    for horizon in horizons:
        call = BASELINE.call(planner, horizon)
        call()  # warm-up
        measured = [traced(call) for _ in range(repeats)]
        out[horizon] = {
            "peak_mib": median([peak for peak, _ in measured]),
            "retained_mib": median([kept for _, kept in measured]),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, "bench_memory").parse_args(argv)
    session = Session(args)
    repeats = session.repeats
    planner = session.default_planner()
    session.log("tracemalloc: day and week")
    found = memory(planner, repeats)
    base = found["day"]["peak_mib"]

    table = Table(base, "× day")
    table.section("Peak traced memory (tracemalloc: Python and numpy, not HiGHS's own)")
    for horizon, title in (("day", "plan_day"), ("week", "plan_week, 7 days")):
        peak, kept = found[horizon]["peak_mib"], found[horizon]["retained_mib"]
        table.row(
            title,
            f"{peak:.1f} MiB",
            f"{ratio(peak, base):.2f}×",
            f"retained after the call {kept:.2f} MiB",
        )
    results: dict[str, Any] = {
        "repeats": repeats,
        "memory": found,
        "ratios": {"week_peak_over_day": ratio(found["week"]["peak_mib"], base)},
    }
    session.finish(results, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
