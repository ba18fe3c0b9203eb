"""Build time of the selection model, now against an earlier revision, in one process.

    python benchmarks/bench_model_build.py                 # against HEAD's optimize/_model.py
    python benchmarks/bench_model_build.py --against 5a30e25 --repeats 15

The planner is run on a few fixed requests (days and weeks, a lock, a re-plan) only far enough to
record the arguments it gives ``build_selection``; the solve is skipped. Then the selection model
is built from those same arguments by the working tree's ``build_selection`` and by the one in
``src/mealplan/optimize/_model.py`` at ``--against``, alternately, and only the build is timed.
Both builds must give the same rows, in the same order, with the same names, coefficients and
right-hand sides, and the same objective; the script stops otherwise.

The planner is reached through ``mealplan.planner.build_selection``, the name it calls (as
``bench_planner.py`` does); the earlier revision is read with ``git show``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mealplan import FoodCatalog, Lock, Planner, Preferences, Profile, Targets
from mealplan import planner as planner_module
from mealplan.domain.vocabulary import Diet, MealName
from mealplan.optimize import build_selection

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = "src/mealplan/optimize/_model.py"
#: The name the planner module calls the selection model's builder by.
BUILDER = "build_selection"

Call = tuple[tuple[Any, ...], dict[str, Any]]


class _Recorded(Exception):
    """Raised by the recording stand-in so that the planner stops before solving."""


def record_calls() -> dict[str, Call]:
    """The arguments the planner gives ``build_selection`` for a few fixed requests."""
    catalog = FoodCatalog.default()
    planner = Planner(catalog)
    woman = Targets.cramp_support(Profile(age=34, sex="female"))
    oatmeal = next(f.id for f in catalog.find("oatmeal", limit=10) if "Oatmeal" in f.name)
    requests: dict[str, Callable[[], object]] = {
        "day_woman_34": lambda: planner.plan_day(woman),
        "day_man_52": lambda: planner.plan_day(Targets.cramp_support(Profile(age=52, sex="male"))),
        "week_woman_34": lambda: planner.plan_week(woman),
        "week_vegetarian_lock": lambda: planner.plan_week(
            Targets.cramp_support(Profile(age=28, sex="female")),
            Preferences(diet=Diet.VEGETARIAN, locks=(Lock(food=oatmeal, meal=MealName.BREAKFAST),)),
        ),
        "week_pregnant_22": lambda: planner.plan_week(
            Targets.cramp_support(Profile(age=22, sex="female", pregnant=True))
        ),
    }
    week = planner.plan_week(woman, days=5)  # kept by the re-plan below
    requests["week_replan_day_3"] = lambda: planner.plan_week(woman, days=5, keep=week, replan=[3])
    calls: dict[str, Call] = {}
    original = getattr(planner_module, BUILDER)
    for name, request in requests.items():

        def recorder(*args: Any, name: str = name, **kwargs: Any) -> Any:
            calls[name] = (args, kwargs)
            raise _Recorded

        setattr(planner_module, BUILDER, recorder)
        try:
            with contextlib.suppress(_Recorded):
                request()
        finally:
            setattr(planner_module, BUILDER, original)
    missing = set(requests) - set(calls)
    if missing:
        sys.exit(f"the planner no longer calls mealplan.planner.build_selection for {missing}")
    return calls


def earlier_build(revision: str) -> Callable[..., Any]:
    """``build_selection`` as it was at ``revision``, loaded from ``git show``."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{MODEL_PATH}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(f"model_at_{revision}")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, f"{revision}:{MODEL_PATH}", "exec"), module.__dict__)
    return module.build_selection  # type: ignore[no-any-return]


def _rows(problem: Any) -> list[tuple[str, int, float, list[tuple[str, float]]]]:
    return [
        (c.name, c.sense, c.constant, [(v.name, a) for v, a in c.items()])
        for c in problem.constraints()
    ]


def same_model(a: Any, b: Any) -> bool:
    """Same rows (names, order, senses, coefficients, right-hand sides) and objective."""
    objective_a = [(v.name, c) for v, c in a.problem.objective.items()]
    objective_b = [(v.name, c) for v, c in b.problem.objective.items()]
    return _rows(a.problem) == _rows(b.problem) and objective_a == objective_b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="git revision to compare with")
    parser.add_argument("--repeats", type=int, default=25)
    options = parser.parse_args()
    before = earlier_build(options.against)
    calls = record_calls()
    print(f"{'request':<24} {'rows':>6} {'before ms':>10} {'after ms':>10} {'ratio':>6}")
    total_before = total_after = 0.0
    for name, (args, kwargs) in calls.items():
        if not same_model(before(*args, **kwargs), build_selection(*args, **kwargs)):
            sys.exit(f"{name}: the two builds differ")
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(options.repeats):
            for label, build in (("before", before), ("after", build_selection)):
                gc.collect()
                started = time.perf_counter()
                model = build(*args, **kwargs)
                times[label].append(time.perf_counter() - started)
        rows = len(model.problem.constraints())
        b, a = statistics.median(times["before"]), statistics.median(times["after"])
        total_before, total_after = total_before + b, total_after + a
        print(f"{name:<24} {rows:>6} {b * 1e3:>10.1f} {a * 1e3:>10.1f} {a / b:>6.2f}")
    print(
        f"{'total (medians)':<24} {'':>6} {total_before * 1e3:>10.1f} {total_after * 1e3:>10.1f} "
        f"{total_after / total_before:>6.2f}"
    )


if __name__ == "__main__":
    main()
