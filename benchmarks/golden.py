"""Twelve fixed planning requests, recorded as JSON, to show that a refactoring keeps behaviour.

Run: ``.venv/bin/python benchmarks/golden.py record`` writes ``benchmarks/results/golden/``;
``.venv/bin/python benchmarks/golden.py check`` re-plans and lists every request whose JSON is
no longer byte-identical (exit 1), with the first differing lines.

Only the public API is used. Timings are not part of a plan's JSON, and solves stop on work,
not on the clock, so identical inputs give identical files, the plans that stop at the work limit
too. A request with no plan records its diagnosis (``InfeasiblePlanError.diagnosis``) instead.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from mealplan import (
    DayPlan,
    FoodCatalog,
    InfeasiblePlanError,
    Lock,
    Planner,
    Preferences,
    Profile,
    Targets,
    WeekPlan,
)

FOLDER = Path(__file__).parent / "results" / "golden"

Plan = DayPlan | WeekPlan


def requests() -> dict[str, Callable[[], Plan]]:
    catalog = FoodCatalog.curated()
    planner = Planner(catalog)
    woman = Targets.cramp_support(Profile(age=34, sex="female"))
    oatmeal = next(f.id for f in catalog.find("oatmeal", limit=10) if "Oatmeal" in f.name)
    stigler = FoodCatalog.from_frame(
        _stigler_frame(), id_column="food", name_column="food", cost_column="price"
    )

    def week_then_replan() -> WeekPlan:
        week = planner.plan_week(woman, days=5)
        return planner.plan_week(woman, days=5, keep=week, replan=[3])

    return {
        "day_woman_34": lambda: planner.plan_day(woman),
        "day_man_52_gluten_free": lambda: planner.plan_day(
            Targets.cramp_support(Profile(age=52, sex="male")), Preferences(gluten_free=True)
        ),
        "day_vegetarian_28_no_egg": lambda: planner.plan_day(
            Targets.cramp_support(Profile(age=28, sex="female")),
            Preferences(diet="vegetarian", exclude_allergens=("egg",)),
        ),
        "day_vegan_16": lambda: planner.plan_day(
            Targets.cramp_support(Profile(age=16, sex="female")), Preferences(diet="vegan")
        ),
        "day_free_form": lambda: planner.plan_day(woman, Preferences(meals=None)),
        "day_continuous": lambda: planner.plan_day(
            woman, Preferences(meals=None), integer_servings=False
        ),
        "day_cost_stigler": lambda: Planner(stigler).plan_day(
            Targets(minimums={"energy": 2000, "protein": 55, "calcium": 800}),
            Preferences(meals=None),
            objective="cost",
        ),
        "week_woman_34": lambda: planner.plan_week(woman),
        "week_vegetarian_lock_oatmeal": lambda: planner.plan_week(
            Targets.cramp_support(Profile(age=28, sex="female")),
            Preferences(diet="vegetarian", locks=(Lock(food=oatmeal, meal="breakfast"),)),
        ),
        "week_pregnant_22": lambda: planner.plan_week(
            Targets.cramp_support(Profile(age=22, sex="female", pregnant=True))
        ),
        "week_man_70_pescatarian_3_meals": lambda: planner.plan_week(
            Targets.cramp_support(Profile(age=70, sex="male")),
            Preferences(diet="pescatarian", meals=("breakfast", "lunch", "dinner")),
            days=4,
        ),
        "week_replan_day_3": week_then_replan,
    }


def _stigler_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "food": ["wheat flour", "milk", "cabbage", "spinach", "navy beans", "liver"],
            "price": [0.36, 0.15, 0.04, 0.08, 0.06, 0.26],
            "energy": [1650, 310, 35, 25, 1180, 170],
            "protein": [48, 16, 2, 3, 77, 25],
            "calcium": [70, 530, 80, 180, 160, 10],
        }
    )


def _outcome(make: Callable[[], Plan]) -> tuple[str, str]:
    """The request's plan as JSON, or its diagnosis; and a status line."""
    try:
        plan = make()
    except InfeasiblePlanError as error:
        return error.diagnosis.model_dump_json(indent=1) + "\n", "no plan (diagnosis)"
    return plan.model_dump_json(indent=1) + "\n", _status(plan)


def record() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, make in requests().items():
        text, status = _outcome(make)
        (FOLDER / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"recorded {name}: {status}")
    return 0


def _status(plan: Plan) -> str:
    solver = plan.solver
    if solver is None:
        return "no solver info"
    return f"{solver.status}, gap {solver.gap}, solve {solver.solve_seconds:.2f} s"


def check() -> int:
    changed = 0
    for name, make in requests().items():
        expected = (FOLDER / f"{name}.json").read_text(encoding="utf-8")
        got, _ = _outcome(make)
        if got == expected:
            print(f"same      {name}")
            continue
        changed += 1
        diff = difflib.unified_diff(
            expected.splitlines(), got.splitlines(), "recorded", "now", lineterm="", n=1
        )
        print(f"DIFFERENT {name}")
        for line in list(diff)[:12]:
            print(f"    {line}")
    print(f"{changed} of {len(requests())} requests differ")
    return 1 if changed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("record", "check"))
    args = parser.parse_args()
    sys.exit(record() if args.action == "record" else check())


if __name__ == "__main__":
    main()
