"""Is the classic diet LP (``objective="cost"``, ``meals=None``, continuous amounts) over
``FoodCatalog.full()`` within 1.5 × of ``scipy.optimize.linprog(method="highs")`` on the same
arrays?

The request: a 34-year-old woman's targets, every food of the full catalogue (15,153 foods as
eaten and ingredients), each with a price per serving. FDC has no prices, so the prices are
synthetic and deterministic (0.2 per 100 g of a serving, times 1 to 2 by a digest of the id):
they shape the optimum, not the size of the model, which is what is timed.

Timed, each the median of several runs in this process:
- mealplan's LP: the array model built from the planning problem (``direct_model``) and solved
  by HiGHS through highspy (``solve_arrays``), the planner's path;
- linprog: ``scipy.optimize.linprog(method="highs")`` on the same arrays, already converted
  (its call alone);
- PuLP: the same arrays as a PuLP problem (``to_pulp``) and PuLP's HiGHS, the build and solve
  the planner used before (a reference, not a goal);
- ``plan_day`` end to end (filtering the catalogue, the safety screen, the plan's assembly).
The three solves must give the same objective. Needs scipy (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import time
import zlib
from typing import Any

import numpy as np
from common import Session, Table, arguments, fmt_s, median

from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets
from mealplan.optimize import ArrayModel, solve, solve_arrays, to_pulp
from mealplan.planning import build_problem, direct_model


def priced(catalog: FoodCatalog) -> FoodCatalog:
    grams = catalog.foods["serving_g"]
    costs = {
        fid: round(0.002 * float(grams[fid]) * (1 + (zlib.crc32(str(fid).encode()) % 100) / 100), 4)
        for fid in catalog.ids
    }
    return catalog.with_costs(costs)


def linprog_arrays(model: ArrayModel) -> dict[str, Any]:
    """The model in linprog's form: ``A_ub x ≤ b_ub``, ``A_eq x = b_eq``, column bounds."""
    from scipy.sparse import csr_matrix, vstack

    a = csr_matrix(
        (model.values, model.indices, model.starts), shape=(len(model.row_lower), len(model.cost))
    )
    low, high = model.row_lower, model.row_upper
    equal = low == high
    upper = np.isfinite(high) & ~equal
    lower = np.isfinite(low) & ~equal
    return {
        "c": -model.cost if model.maximize else model.cost,
        "A_ub": vstack([a[upper], -a[lower]]).tocsr(),
        "b_ub": np.concatenate([high[upper], -low[lower]]),
        "A_eq": a[equal] if equal.any() else None,
        "b_eq": low[equal] if equal.any() else None,
        "bounds": np.column_stack([model.lower, model.upper]),
    }


def timed(call: Any, repeats: int) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return median(seconds), result


def main() -> None:
    from scipy.optimize import linprog

    args = arguments(__doc__, "bench_cost_lp").parse_args()
    session = Session(args)
    repeats = 3 if session.quick else 7
    started = time.perf_counter()
    catalog = priced(FoodCatalog.full())
    session.meta["catalog_foods"] = len(catalog)
    session.log(
        f"full catalogue with prices: {len(catalog)} foods in {time.perf_counter() - started:.1f} s"
    )
    targets = Targets.for_profile(Profile(age=34, sex="female"))
    preferences = Preferences(meals=None)
    problem = build_problem(catalog, targets, preferences, days=1, weekly=False).cost_only()

    def ours() -> float | None:
        model = direct_model(problem, integer=False, objective="cost")
        result, _ = solve_arrays(model.model, gap=0.0)
        return result.objective

    model = direct_model(problem, integer=False, objective="cost").model
    form = linprog_arrays(model)
    session.log(
        f"LP: {len(model.cost)} columns, {len(model.row_lower)} rows, {len(model.values)} entries"
    )

    def scipy_lp() -> float:
        return float(linprog(method="highs", **form).fun)

    def pulp_lp() -> float | None:
        problem_, _ = to_pulp(model)
        return solve(problem_, mip=False, gap=0.0).objective

    planner = Planner(catalog)

    def plan() -> float | None:
        return planner.plan_day(targets, preferences, integer_servings=False, objective="cost").cost

    # Interleaved rounds, so that drift on a shared machine touches each alike.
    times: dict[str, list[float]] = {"ours": [], "linprog": [], "pulp": [], "plan_day": []}
    values: dict[str, Any] = {}
    for _name, call in (
        ("ours", ours),
        ("linprog", scipy_lp),
        ("pulp", pulp_lp),
        ("plan_day", plan),
    ):
        call()  # warm-up
    for _ in range(repeats):
        for name, call in (
            ("ours", ours),
            ("linprog", scipy_lp),
            ("pulp", pulp_lp),
            ("plan_day", plan),
        ):
            seconds, value = timed(call, 1)
            times[name].append(seconds)
            values[name] = value
    session.log("timed")
    objective = {"ours": values["ours"], "linprog": values["linprog"], "pulp": values["pulp"]}
    med = {name: median(t) for name, t in times.items()}
    base = med["linprog"]
    table = Table(base, "× linprog")
    table.section(f"Cost LP over FoodCatalog.full(), median of {repeats} interleaved runs")
    table.timed(
        "linprog(method='highs'), call only",
        med["linprog"],
        f"objective {objective['linprog']:.6f}",
    )
    table.timed(
        "mealplan: build arrays + highspy", med["ours"], f"objective {objective['ours']:.6f}"
    )
    table.timed("PuLP: build + HiGHS (before)", med["pulp"], f"objective {objective['pulp']:.6f}")
    table.timed("plan_day end to end", med["plan_day"], f"day cost {values['plan_day']:.4f}")
    agree = max(objective.values()) - min(objective.values()) <= 1e-6 * max(1.0, abs(base))
    table.row("objectives agree (1e-6)", "yes" if agree else "NO")
    results = {
        "repeats": repeats,
        "columns": len(model.cost),
        "rows": len(model.row_lower),
        "seconds": times,
        "median_s": med,
        "ratio_to_linprog": {name: med[name] / base for name in med},
        "objective": objective,
        "objectives_agree": agree,
        "plan_day_cost": values["plan_day"],
    }
    session.finish(results, table)
    print(f"mealplan / linprog = {med['ours'] / base:.2f} ({fmt_s(med['ours'])} / {fmt_s(base)})")


if __name__ == "__main__":
    main()
