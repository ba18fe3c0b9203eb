"""How fast are plans, are they all feasible and correct, and where does the time go?

    .venv/bin/python benchmarks/bench_plans.py            # full run (~30 s on 2 shared cores)
    .venv/bin/python benchmarks/bench_plans.py --quick    # one repeat (~15 s)

On ``FoodCatalog.default()``:

1. ``plan_day`` over 20 varied profiles (ages 4 to 80, pregnancy, lactation, four diets,
   allergens): p50, p95 and max wall time, infeasible plans, ``verify`` violations;
2. ``plan_week`` (7 days) for three profiles: time, status, MIP gap, violations;
3. where the time goes: the build share, solve share and the rest of every plan's wall time
   from its ``SolverInfo`` (``build_seconds``, ``solve_seconds``), and the baseline day and week
   taken step by step through :mod:`mealplan.planning` (``build_problem`` →
   ``candidate_pools`` → ``selection_model``, each timed), with the solve split into PuLP's
   transfer to HiGHS and HiGHS's own run time (read from the ``highspy.Highs`` object PuLP
   makes; the planner itself runs unchanged).

Baseline: ``plan_day`` for a 34-year-old woman, omnivore, four meals, timed in the same process
at the start and the end (``common.Baseline``); every time is also a ratio to it. Results:
``benchmarks/results/bench_plans.json`` and ``.txt``.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from common import (
    BASELINE,
    DAY_CASES,
    WEEK_CASES,
    Horizon,
    Session,
    Table,
    arguments,
    fmt_pct,
    fmt_s,
    median,
    now,
    plan_cases,
    probe_highs,
    ratio,
    spread,
    state,
    timed_plan,
)

from mealplan import Planner
from mealplan.planning import build_problem, candidate_pools, selection_model

STEPS = (
    ("problem_s", "build_problem (filter, safety screen, arrays)"),
    ("pools_s", "build: candidate_pools"),
    ("model_s", "build: selection_model (PuLP)"),
    ("transfer_s", "solve: PuLP → HiGHS"),
    ("highs_run_s", "solve: HiGHS run"),
    ("rest_s", "the rest: checks, assembly"),
)


def shares(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Build, solve and the rest as shares of the summed wall time (from ``SolverInfo``; each
    row's split is that of one run, so the shares add up to 100 %)."""
    usable = [r for r in rows if r.get("build_s") is not None]
    parts = {key: sum(r[key] for r in usable) for key in ("build_s", "solve_s", "rest_s")}
    wall = sum(parts.values())
    return {
        "plans": len(usable),
        "wall_s": wall,
        **{f"{key[:-2]}_share": value / wall if wall else math.nan for key, value in parts.items()},
    }


def step_by_step(planner: Planner, horizon: Horizon) -> dict[str, float]:
    """The baseline's planning steps timed one by one, then the planner's whole call probed."""
    targets, preferences = BASELINE.targets, BASELINE.preferences
    days = 1 if horizon == "day" else 7
    started = now()
    problem = build_problem(planner.catalog, targets, preferences, days=days, weekly=days > 1)
    problem_s = now() - started
    pools = candidate_pools(problem)
    pools_s = now() - started - problem_s
    model = selection_model(problem, pools).problem
    model_s = now() - started - problem_s - pools_s
    with probe_highs() as probe:
        run = timed_plan(BASELINE.call(planner, horizon))
        highs = probe.last()
    assert run.plan is not None and run.plan.solver is not None
    info = run.plan.solver
    run_s = highs.get("highs_run_s", info.solve_seconds)
    return {
        "wall_s": run.seconds,
        "problem_s": problem_s,
        "pools_s": pools_s,
        "model_s": model_s,
        "build_seconds": info.build_seconds,
        "transfer_s": max(info.solve_seconds - run_s, 0.0),
        "highs_run_s": run_s,
        "rest_s": max(run.seconds - info.build_seconds - info.solve_seconds - problem_s, 0.0),
        # The same model both ways: the step-by-step one and the one the planner solved.
        "columns": float(model.numVariables()),
        "rows": float(model.numConstraints()),
        "solved_columns": float(highs.get("columns", math.nan)),
        "nonzeros": float(highs.get("nonzeros", math.nan)),
    }


def breakdown(planner: Planner, repeats: int) -> dict[str, dict[str, float]]:
    """Medians of :func:`step_by_step` for the baseline day (``repeats`` times) and week."""
    out = {}
    plans: tuple[tuple[Horizon, int], ...] = (("day", repeats), ("week", 1))
    for horizon, times in plans:
        runs = [step_by_step(planner, horizon) for _ in range(times)]
        medians = {key: median([r[key] for r in runs]) for key in runs[0]}
        medians.update({f"{k[:-2]}_share": medians[k] / medians["wall_s"] for k, _ in STEPS})
        out[horizon] = medians
    return out


def report(results: dict[str, Any], base: float) -> Table:
    table = Table(base)
    table.baseline(results["baseline"])

    d = results["days"]
    table.section(f"1. plan_day, {d['plans']} profiles (each the median of {results['repeats']})")
    table.timed("p50", d["p50_s"])
    table.timed("p95", d["p95_s"])
    table.timed("max", d["max_s"])
    table.row("infeasible plans", str(d["infeasible"]))
    table.row("verify violations, all plans", str(d["violations"]))
    for row in d["rows"]:
        table.timed(f"  {row['case']}", row["seconds"], state(row))

    w = results["weeks"]
    table.section(f"2. plan_week, 7 days (each the median of {w['repeats']})")
    for row in w["rows"]:
        table.timed(f"  {row['case']}", row["seconds"], state(row))

    s = results["shares"]
    table.section("3. Where the time goes")
    for key, title in (("days", "plan_day, all profiles"), ("weeks", "plan_week, all")):
        table.row(
            title,
            f"build {fmt_pct(s[key]['build_share'])}",
            "",
            f"solve {fmt_pct(s[key]['solve_share'])}, "
            f"the rest {fmt_pct(s[key]['rest_share'])} (SolverInfo)",
        )
    for horizon, detail in results["steps"].items():
        table.timed(
            f"baseline {horizon}, step by step",
            detail["wall_s"],
            f"selection model {detail['columns']:.0f} cols × {detail['rows']:.0f} rows, "
            f"{detail['nonzeros']:.0f} nonzeros"
            + ("" if detail["columns"] == detail["solved_columns"] else " (NOT the solved size)"),
        )
        for key, words in STEPS:
            table.timed(f"    {words}", detail[key], fmt_pct(detail[key[:-2] + "_share"]))
        other = detail["build_seconds"] - detail["pools_s"] - detail["model_s"]
        table.row(
            "    (SolverInfo.build_seconds)",
            fmt_s(detail["build_seconds"]),
            "",
            (
                f"pools + model step by step {fmt_s(detail['pools_s'] + detail['model_s'])}, "
                f"difference {fmt_s(abs(other))}"
            ),
        )
    return table


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, "bench_plans").parse_args(argv)
    session = Session(args)
    repeats = session.repeats
    planner = session.default_planner()
    baseline = session.baseline(planner)

    session.log("1. plan_day over the profiles")
    day_rows = plan_cases(planner, DAY_CASES, "day", repeats)
    session.log("2. plan_week")
    week_repeats = 1 if args.quick else 2
    week_rows = plan_cases(planner, WEEK_CASES, "week", week_repeats)
    session.log("3. step by step")
    steps = breakdown(planner, 3 if args.quick else 5)
    baseline.end()
    base = baseline.seconds

    days = {**spread(day_rows), "rows": day_rows}
    results: dict[str, Any] = {
        "repeats": repeats,
        "baseline": baseline.record(),
        "days": days,
        "weeks": {"repeats": week_repeats, "rows": week_rows},
        "shares": {"days": shares(day_rows), "weeks": shares(week_rows)},
        "steps": steps,
        "ratios": {
            "day_p50": ratio(days["p50_s"], base),
            "day_p95": ratio(days["p95_s"], base),
            "weeks": {r["case"]: ratio(r["seconds"], base) for r in week_rows},
        },
    }
    session.finish(results, report(results, base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
