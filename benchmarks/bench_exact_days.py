"""Days planned by the planner against an exact solve of the same structure (issue #14).

For ten of the benchmark people, one day each: ``Planner().plan_day`` (column generation, a
bound over every meal the patterns allow), then the exact day model
(:mod:`mealplan.planning.exact`: one MILP over every food, serving and part of every pattern,
with the selection model's rows and points) solved by HiGHS to the time limit, started from
the planner's menu (the selection model's choice among the generated meals, as the planner
makes it before any polish). Per day: the
planner's objective and bound, the exact model's best menu and proven bound, and two checks
that can fail:

- ``bound_holds``: the exact model found no menu below the planner's bound, when that bound is
  over all meals of the structure (scope ``all_meals``: a menu below it would prove it wrong;
  a bound over the candidate meals alone, after a polish, may be passed by other meals);
- ``plan_in_range``: the exact model's proven bound is at most the planner's objective (the
  planner's menu is one of the exact model's menus).

The exact optimum lies between ``max(planner bound, exact bound)`` (the planner's only when
it is over all meals) and ``min(planner objective, exact best)``; ``most_from_optimum`` is how
far the planner's menu can be from it, in points. ``plan_in_range`` assumes the planner's menu
is one of the exact model's: a polished menu (a declared shortfall) may have a portion
outside its slot's energy window, which the exact model does not allow. Objectives are
points that can be negative (a meal built around a dish earns 0.5), so a ratio of objectives
means nothing near zero; the points are reported.

``--stride N`` plans on every N-th food of the default catalogue (1: all of it), where the
exact model is smaller: on the whole catalogue it has ~32,000 columns, and HiGHS without a
start finds no menu in 120 s.

    python benchmarks/bench_exact_days.py [--stride 8] [--time-limit 60]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DAY_CASES, arguments

from mealplan import FoodCatalog, Planner, verify
from mealplan.domain.limits import WORK_LIMIT
from mealplan.optimize._model import chosen
from mealplan.optimize._solve import solve
from mealplan.planning import (
    CandidatePools,
    PlanningProblem,
    build_problem,
    candidate_pools,
    selection_model,
)
from mealplan.planning.colgen import generate_meals
from mealplan.planning.exact import solve_exact_day

CASES = DAY_CASES[:10]


def _planners_menu(problem: PlanningProblem) -> tuple[CandidatePools, list[int]]:
    """The pools and menu of the planner's first attempt at a day: the drawn candidates,
    column generation, the selection model solved as the planner solves it."""
    generated = generate_meals(problem, candidate_pools(problem))
    model = selection_model(problem, generated.pools)
    solve(model.problem, gap=0.01, abs_gap=0.05, work_limit=WORK_LIMIT)
    return generated.pools, chosen(model)[0]


def _row(catalog: FoodCatalog, case: Any, time_limit: float) -> dict[str, Any]:
    preferences = case.preferences.model_copy(update={"shortfalls": "declare"})
    started = time.perf_counter()
    plan = Planner(catalog).plan_day(case.targets, preferences)
    seconds = time.perf_counter() - started
    info = plan.solver
    assert info is not None and info.objective is not None
    problem = build_problem(catalog, case.targets, preferences, days=1, weekly=False)
    exact = solve_exact_day(problem, time_limit=time_limit, start=_planners_menu(problem))
    bound = info.bound if info.bound is not None else -float("inf")
    best = exact.objective if exact.objective is not None else float("inf")
    # The planner's bound holds for the exact structure only when it is over all meals.
    over_all = info.bound_scope == "all_meals"
    lowest = max(bound if over_all else -float("inf"), exact.bound or -float("inf"))
    return {
        "case": case.label,
        "planner": {
            "objective": info.objective,
            "bound": info.bound,
            "scope": info.bound_scope,
            "status": info.status,
            "seconds": seconds,
            "violations": len(verify(plan, catalog, case.targets, preferences)),
        },
        "exact": {
            "objective": exact.objective,
            "bound": exact.bound,
            "status": exact.status,
            "seconds": exact.seconds,
        },
        "bound_holds": best >= bound - 1e-6 if over_all else None,
        "plan_in_range": exact.bound is None or exact.bound <= info.objective + 1e-6,
        "planner_minus_exact_best": info.objective - best if exact.objective is not None else None,
        "most_from_optimum": info.objective - lowest,
    }


def main() -> None:
    parser = arguments(__doc__, "bench_exact_days")
    parser.add_argument("--stride", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    catalog = FoodCatalog.default()
    if args.stride > 1:
        catalog = catalog.filter(ids=catalog.ids[:: args.stride])
    rows = []
    for case in CASES:
        row = _row(catalog, case, args.time_limit)
        rows.append(row)
        p, e = row["planner"], row["exact"]
        print(
            f"{case.label:28s} planner {p['objective']:9.3f} (bound {p['bound']:9.3f}, "
            f"{p['seconds']:5.1f} s)  exact {e['objective'] or float('nan'):9.3f} "
            f"(bound {e['bound'] or float('nan'):9.3f}, {e['status']}, {e['seconds']:5.1f} s)  "
            f"bound holds {row['bound_holds']}  plan in range {row['plan_in_range']}",
            flush=True,
        )
    summary = {
        "days": len(rows),
        "foods": len(catalog.ids),
        "time_limit": args.time_limit,
        "all_bounds_hold": all(r["bound_holds"] is not False for r in rows),
        "all_plans_in_range": all(r["plan_in_range"] for r in rows),
        "exact_optimal": sum(r["exact"]["status"] == "optimal" for r in rows),
        "planner_at_or_below_exact_best": sum(
            r["planner_minus_exact_best"] is not None and r["planner_minus_exact_best"] <= 1e-6
            for r in rows
        ),
        "median_most_from_optimum": sorted(r["most_from_optimum"] for r in rows)[len(rows) // 2],
        "violations": sum(r["planner"]["violations"] for r in rows),
    }
    print(json.dumps(summary, indent=2))
    args.out.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
