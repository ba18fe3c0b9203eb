"""Does the same request give byte-identical plan JSON alone, in 4 concurrent threads and in
another process, with the planner's default limits?

For each request: one plan alone, then 4 at once in a thread pool (2 cores here, so each solve
runs about half as fast), then one in a fresh process (``python -c``). The JSON leaves out the
timings (``SolverInfo`` excludes them). A wall-clock limit would stop each loaded solve at
another point; the default work limit must not. ``--time-limit 10 --work-limit 0`` shows the
difference: the old default.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common import Session, Table, arguments, fmt_s

from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets
from mealplan.planner import WORK_LIMIT

REQUESTS = {
    "week F34 omnivore": (Profile(age=34, sex="female"), Preferences(), 7),
    "week M52 omnivore -wheat": (
        Profile(age=52, sex="male"),
        Preferences(exclude_allergens=("wheat",)),
        7,
    ),
    "day F28 vegetarian -egg": (
        Profile(age=28, sex="female"),
        Preferences(diet="vegetarian", exclude_allergens=("egg",)),
        1,
    ),
}

CHILD = """
import sys
from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets
profile = Profile.model_validate_json(sys.argv[1])
preferences = Preferences.model_validate_json(sys.argv[2])
days, time_limit, work_limit = int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
planner = Planner(FoodCatalog.default(), time_limit=float(time_limit) if time_limit != "none"
                  else None, work_limit=work_limit or None)
targets = Targets.cramp_support(profile)
plan = planner.plan_week(targets, preferences, days) if days > 1 else planner.plan_day(
    targets, preferences)
sys.stdout.write(plan.model_dump_json())
"""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def planned(
    planner: Planner, targets: Targets, preferences: Preferences, days: int, _: int = 0
) -> str:
    if days > 1:
        return planner.plan_week(targets, preferences, days).model_dump_json()
    return planner.plan_day(targets, preferences).model_dump_json()


def main() -> None:
    parser = arguments(__doc__, "bench_determinism")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--work-limit", type=int, default=WORK_LIMIT, help="0: none")
    args = parser.parse_args()
    session = Session(args)
    planner = Planner(
        FoodCatalog.default(), time_limit=args.time_limit, work_limit=args.work_limit or None
    )
    session.meta["limits"] = {"time_limit": args.time_limit, "work_limit": args.work_limit}
    results: dict[str, Any] = {"requests": {}}
    table = Table(1.0, "")
    table.section(
        f"Same request, same JSON? work_limit {args.work_limit or 'none'}, "
        f"time_limit {args.time_limit or 'none'}"
    )
    names = list(REQUESTS)[:1] if session.quick else list(REQUESTS)
    for name in names:
        profile, preferences, days = REQUESTS[name]
        targets = Targets.cramp_support(profile)

        plan = functools.partial(planned, planner, targets, preferences, days)

        started = time.perf_counter()
        alone = plan()
        alone_s = time.perf_counter() - started
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            threaded = list(pool.map(plan, range(4)))
        threads_s = time.perf_counter() - started
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                profile.model_dump_json(),
                preferences.model_dump_json(),
                str(days),
                "none" if args.time_limit is None else str(args.time_limit),
                str(args.work_limit),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout
        plans = [alone, *threaded, child]
        distinct = sorted({digest(p) for p in plans})
        same = len(distinct) == 1
        status = json.loads(alone)["solver"]["status"]
        results["requests"][name] = {
            "identical": same,
            "distinct_plans": len(distinct),
            "digests": [digest(p) for p in plans],
            "status": status,
            "alone_s": alone_s,
            "four_threads_s": threads_s,
        }
        table.row(
            name,
            "identical" if same else f"{len(distinct)} DIFFERENT",
            "",
            f"{status}; alone {fmt_s(alone_s)}, 4 threads {fmt_s(threads_s)}, 1 process",
        )
        session.log(f"{name}: {'identical' if same else 'different'} ({status})")
    session.finish(results, table)


if __name__ == "__main__":
    main()
