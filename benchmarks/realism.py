"""Realism of the default weeks: for the twenty benchmark people, a 7-day week each, with what a
household and a dietitian would look at.

Per week: planning time, solver status and gap, distinct foods (water, condiments and fats not
counted), kinds of each staple, each Dietary Guidelines food group's ratio to the food pattern
(and whether it is outside its band), meals per pattern, leftover lunches and ``verify()``
violations. ``--print N`` prints the first N weeks in full, to read as the person who eats them.

    python benchmarks/realism.py                    # all twenty, a table and JSON
    python benchmarks/realism.py --print 2 --only 2 # two weeks, printed
    python benchmarks/realism.py --leftovers        # the same with Preferences(leftovers=True)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DAY_CASES, RESULTS, Case, median

from mealplan import FoodCatalog, Planner, verify
from mealplan.domain.patterns import pattern_book
from mealplan.errors import InfeasiblePlanError
from mealplan.planner import WORK_LIMIT


def _week_figures(
    case: Case, planner: Planner, catalog: FoodCatalog, leftovers: bool
) -> dict[str, Any]:
    # Declared shortfalls: a week that cannot meet a minimum from food (vitamin D for a young
    # vegetarian) is still planned, with the shortfall stated, so every person's week is read.
    preferences = case.preferences.model_copy(
        update={"leftovers": leftovers, "shortfalls": "declare"}
    )
    targets = case.targets
    started = time.perf_counter()
    try:
        week = planner.plan_week(targets, preferences)
    except InfeasiblePlanError as exc:
        return {
            "case": case.label,
            "planned": False,
            "seconds": time.perf_counter() - started,
            "error": str(exc)[:200],
        }
    seconds = time.perf_counter() - started
    book = pattern_book()
    foods = {item.food_id: catalog[item.food_id] for day in week.days for item in day.items}
    counted = [
        f for f in foods.values() if not book.not_counted.accepts(f.name, f.role, f.wweia_category)
    ]
    staples = {
        group.id: sorted(
            f.name for f in counted if group.foods.accepts(f.name, f.role, f.wweia_category)
        )
        for group in book.staples
    }
    patterns = Counter(meal.pattern for day in week.days for meal in day.meals)
    return {
        "case": case.label,
        "planned": True,
        "seconds": round(seconds, 2),
        "status": week.solver.status if week.solver else None,
        "gap": week.solver.gap if week.solver else None,
        "distinct_foods": len(counted),
        "staple_kinds": {k: len(v) for k, v in staples.items()},
        "food_groups": {
            k: {"ratio": g.ratio, "status": g.status} for k, g in week.food_groups.items()
        },
        "groups_outside": [k for k, g in week.food_groups.items() if g.status != "within"],
        "patterns": dict(sorted(patterns.items(), key=lambda kv: -kv[1])),
        "shortfalls": [f"{x.nutrient} {x.percent_of_target:g} %" for x in week.shortfalls],
        "leftover_lunches": sum(1 for day in week.days for meal in day.meals if meal.leftover_from),
        "violations": [v.message for v in verify(week, catalog, targets, preferences)],
        "week": week,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", type=int, default=len(DAY_CASES), help="the first N people")
    parser.add_argument("--print", type=int, default=0, dest="print_weeks", help="print N weeks")
    parser.add_argument("--leftovers", action="store_true")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--work-limit", type=int, default=WORK_LIMIT)
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: results/)")
    args = parser.parse_args()
    catalog = FoodCatalog.default()
    planner = Planner(catalog, time_limit=args.time_limit, work_limit=args.work_limit)
    rows = []
    for i, case in enumerate(DAY_CASES[: args.only]):
        figures = _week_figures(case, planner, catalog, args.leftovers)
        week = figures.pop("week", None)
        rows.append(figures)
        if figures["planned"]:
            print(
                f"{case.label:30} {figures['seconds']:6.2f} s {figures['status']:9} "
                f"gap {figures['gap'] or 0:.3f}  foods {figures['distinct_foods']:2}  "
                f"staples {max(figures['staple_kinds'].values(), default=0)}  "
                f"outside {','.join(figures['groups_outside']) or '-'}  "
                f"leftovers {figures['leftover_lunches']}  "
                f"violations {len(figures['violations'])}  "
                f"short {','.join(figures['shortfalls']) or '-'}",
                flush=True,
            )
        else:
            print(
                f"{case.label:30} {figures['seconds']:6.2f} s NO PLAN: {figures['error'][:90]}",
                flush=True,
            )
        if week is not None and i < args.print_weeks:
            print(week)
            print("\n".join(week.notes))
            print(week.shopping_list().to_string())
    planned = [r for r in rows if r["planned"]]
    seconds = [r["seconds"] for r in planned]
    summary = {
        "people": len(rows),
        "planned": len(planned),
        "median_seconds": round(median(seconds), 2) if seconds else None,
        "max_distinct_foods": max((r["distinct_foods"] for r in planned), default=None),
        "max_staple_kinds": max(
            (max(r["staple_kinds"].values(), default=0) for r in planned), default=None
        ),
        "weeks_with_groups_outside": sum(1 for r in planned if r["groups_outside"]),
        "violations": sum(len(r["violations"]) for r in planned),
        "leftovers": args.leftovers,
        "work_limit": args.work_limit,
        "time_limit": args.time_limit,
        "within_cap_30": sum(1 for r in planned if r["distinct_foods"] <= 30),
        "weeks_with_shortfalls": sum(1 for r in planned if r["shortfalls"]),
        "statuses": dict(Counter(r["status"] for r in planned)),
    }
    print(json.dumps(summary, indent=1))
    name = "realism_leftovers" if args.leftovers else "realism"
    out = args.out or RESULTS / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "weeks": rows}, indent=1, default=str))


if __name__ == "__main__":
    main()
