"""Build time of the selection model, now against an earlier revision, in one process.

    python benchmarks/bench_model_build.py                 # against HEAD's optimize/_model.py
    python benchmarks/bench_model_build.py --against 5a30e25 --repeats 15

A few fixed requests (days and weeks, a lock, a re-plan) are taken only as far as the arguments
the planner gives ``build_selection``; nothing is solved. Then the selection model
is built from those same arguments by the working tree's ``build_selection`` and by the one in
``src/mealplan/optimize/_model.py`` at ``--against``, alternately, and only the build is timed.
Both builds must give the same rows, in the same order, with the same names, coefficients and
right-hand sides, and the same objective; the script stops otherwise.

The arguments come from the documented planning steps (``mealplan.planning``), the same ones
``Planner`` runs; the earlier revision is read with ``git show``.
"""

from __future__ import annotations

import argparse
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
from mealplan.domain.vocabulary import Diet, MealName
from mealplan.optimize import build_selection
from mealplan.planning import build_problem, candidate_pools, selection_arguments

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = "src/mealplan/optimize/_model.py"

Call = tuple[tuple[Any, ...], dict[str, Any]]


def record_calls() -> dict[str, Call]:
    """The arguments the planner gives ``build_selection`` for a few fixed requests, through the
    documented planning steps (problem → candidate pools → selection arguments), no solve."""
    catalog = FoodCatalog.curated()
    planner = Planner(catalog)
    woman = Targets.cramp_support(Profile(age=34, sex="female"))
    oatmeal = next(f.id for f in catalog.find("oatmeal", limit=10) if "Oatmeal" in f.name)
    vegetarian = Preferences(
        diet=Diet.VEGETARIAN, locks=(Lock(food=oatmeal, meal=MealName.BREAKFAST),)
    )
    requests: dict[str, tuple[Targets, Preferences, int]] = {
        "day_woman_34": (woman, Preferences(), 1),
        "day_man_52": (Targets.cramp_support(Profile(age=52, sex="male")), Preferences(), 1),
        "week_woman_34": (woman, Preferences(), 7),
        "week_vegetarian_lock": (
            Targets.cramp_support(Profile(age=28, sex="female")),
            vegetarian,
            7,
        ),
        "week_pregnant_22": (
            Targets.cramp_support(Profile(age=22, sex="female", pregnant=True)),
            Preferences(),
            7,
        ),
    }
    calls: dict[str, Call] = {}
    for name, (targets, preferences, days) in requests.items():
        problem = build_problem(catalog, targets, preferences, days=days, weekly=days > 1)
        arguments = selection_arguments(problem, candidate_pools(problem))
        calls[name] = (arguments.args, arguments.kwargs)
    week = planner.plan_week(woman, days=5)  # kept by the re-plan below
    problem = build_problem(catalog, woman, Preferences(), days=5, weekly=True)
    arguments = selection_arguments(problem, candidate_pools(problem, keep=week, replan=[3]))
    calls["week_replan_day_3"] = (arguments.args, arguments.kwargs)
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
