"""Throughput of plan_many: weeks an hour and CPU seconds a week, at 1, 2 and N workers (issue #15).

Run: ``.venv/bin/python benchmarks/bench_throughput.py [--quick] [--requests N] [--days D]``.

The same varied requests (different people, diets and allergens; no two alike, so none is
planned once for two) go through ``mealplan.plan_many`` with a ``ProcessPoolExecutor`` of 1, 2
and ``os.cpu_count()`` workers, then with a Dask ``LocalCluster`` of 2 worker processes, and
with Ray (2 CPUs) when it is installed. For each: wall time, weeks an hour, CPU seconds a week
(the worker processes' user + system time, read from ``getrusage(RUSAGE_CHILDREN)`` once the
pool is shut down; for Dask and Ray, which keep their workers elsewhere, the sum of the
planning times in the results, which is wall time in the worker and so an upper bound), the
speed-up over 1 worker and the scaling efficiency (speed-up / workers). Every configuration
must return the same plans as 1 worker; the script says so.

From the CPU seconds a week it works out the cores that plan 1,000,000 weeks in 8 hours.
The baseline ``plan_day`` (F34) is timed in this process at the start and at the end, and the
wall times are also given as ratios to it.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from common import Session, Table, arguments

from mealplan import PlanRequest, PlanResult, plan_many

AGES = (4, 9, 15, 22, 30, 34, 41, 52, 63, 71, 80)
DIETS = ("omnivore", "omnivore", "vegetarian", "pescatarian", "vegan")
ALLERGENS: tuple[tuple[str, ...], ...] = ((), (), ("peanuts",), ("milk",), ("wheat",), ("fish",))
NIGHT_SECONDS = 8 * 3600
USERS = 1_000_000


def varied_requests(count: int, days: int) -> list[PlanRequest]:
    """``count`` different requests: ages, sexes, diets, allergens, pregnancy, in a fixed order."""
    requests: list[PlanRequest] = []
    index = 0
    while len(requests) < count:
        age = AGES[index % len(AGES)] + index // (len(AGES) * 2)
        sex = ("female", "male")[index % 2]
        profile: dict[str, Any] = {"age": min(age, 110), "sex": sex}
        if sex == "female" and 19 <= age <= 45 and index % 5 == 0:
            profile["pregnant"] = True
        requests.append(
            PlanRequest(
                id=f"w{index}",
                profile=profile,
                preferences={
                    "diet": DIETS[index % len(DIETS)],
                    "exclude_allergens": ALLERGENS[(index // 3) % len(ALLERGENS)],
                    "shortfalls": "declare",
                },
                days=days,
            )
        )
        index += 1
    return requests


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def process_pool(workers: int) -> Iterator[Executor]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


@contextmanager
def dask_cluster(workers: int) -> Iterator[Executor]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        yield client.get_executor()


@contextmanager
def ray_cluster(workers: int) -> Iterator[Executor]:
    import ray

    from mealplan.batch import RayExecutor

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        yield RayExecutor()
    finally:
        ray.shutdown()


def measure(
    label: str,
    workers: int,
    executor: Callable[[int], Any],
    requests: list[PlanRequest],
    session: Session,
) -> tuple[dict[str, Any], list[PlanResult]]:
    cpu_before = children_cpu()
    started = time.perf_counter()
    with executor(workers) as pool:
        results = list(plan_many(requests, executor=pool))
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu_before
    planning = sum(result.seconds for result in results)
    own_children = executor is process_pool
    row = {
        "label": label,
        "workers": workers,
        "requests": len(requests),
        "wall_s": wall,
        "weeks_per_hour": len(requests) / wall * 3600,
        "cpu_s_per_week": (cpu if own_children else planning) / len(requests),
        "cpu_source": "rusage of the pool's processes" if own_children else "planning seconds",
        "planning_s_per_week": planning / len(requests),
        "planned": sum(result.ok for result in results),
        "no_plan": sum(result.diagnosis is not None for result in results),
        "errors": sum(result.error is not None for result in results),
    }
    session.log(
        f"{label}: {wall:.1f} s, {row['weeks_per_hour']:.0f} weeks/h, "
        f"{row['cpu_s_per_week']:.2f} CPU-s/week"
    )
    return row, results


def outcome(results: list[PlanResult]) -> list[str]:
    return [result.model_dump_json(exclude={"seconds"}) for result in results]


def main() -> None:
    parser = arguments(__doc__, "bench_throughput")
    parser.add_argument("--requests", type=int, default=1000, help="default %(default)s")
    parser.add_argument("--days", type=int, default=7, help="days a week (default %(default)s)")
    args = parser.parse_args()
    count = 12 if args.quick else args.requests
    session = Session(args)
    planner = session.default_planner()
    baseline = session.baseline(planner)
    requests = varied_requests(count, args.days)
    cores = os.cpu_count() or 1
    configurations: list[tuple[str, int, Callable[[int], Any]]] = [
        ("process pool, 1 worker", 1, process_pool),
        ("process pool, 2 workers", 2, process_pool),
    ]
    if cores > 2:
        configurations.append((f"process pool, {cores} workers", cores, process_pool))
    configurations.append(("Dask LocalCluster, 2 workers", 2, dask_cluster))
    try:
        import ray  # noqa: F401

        configurations.append(("Ray, 2 CPUs", 2, ray_cluster))
    except ImportError:
        session.log("Ray is not installed: no Ray row")
    rows: list[dict[str, Any]] = []
    reference: list[str] | None = None
    for label, workers, executor in configurations:
        row, results = measure(label, workers, executor, requests, session)
        plans = outcome(results)
        if reference is None:
            reference = plans
        row["same_plans_as_1_worker"] = plans == reference
        rows.append(row)
    baseline.end()
    single = rows[0]
    for row in rows:
        speedup = single["wall_s"] / row["wall_s"]
        row["speedup"] = speedup
        row["efficiency"] = speedup / row["workers"]
        row["cores_for_1M_weeks_in_8h"] = row["cpu_s_per_week"] * USERS / NIGHT_SECONDS

    table = Table(baseline.seconds, "× baseline")
    table.baseline(baseline.record())
    table.section(f"{count} requests of {args.days}-day weeks through plan_many")
    for row in rows:
        table.timed(
            row["label"],
            row["wall_s"],
            f"{row['weeks_per_hour']:,.0f} weeks/h; speed-up {row['speedup']:.2f} × "
            f"(efficiency {row['efficiency']:.0%}); same plans: {row['same_plans_as_1_worker']}",
        )
        table.row(
            "  CPU-s a week",
            f"{row['cpu_s_per_week']:.2f} s",
            "",
            f"{row['cpu_source']}; cores for 1 M weeks in 8 h: "
            f"{row['cores_for_1M_weeks_in_8h']:,.0f}",
        )
    table.row(
        "planned / no plan / errors",
        f"{single['planned']} / {single['no_plan']} / {single['errors']}",
    )
    session.finish({"baseline": baseline.record(), "rows": rows}, table)


if __name__ == "__main__":
    main()
