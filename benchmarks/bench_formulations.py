"""Is the planner's candidate-meal model faster than solving for every food in every meal?

    .venv/bin/python benchmarks/bench_formulations.py            # limits 30 s/60 s (~3 min)
    .venv/bin/python benchmarks/bench_formulations.py --quick    # limits 10 s/15 s (~45 s)

Three formulations of the same day (and week) for the baseline person, F34 omnivore, four meals,
default catalogue:

- the planner (``Planner.plan_day``/``plan_week``): candidate meals drawn per slot, then a
  selection model that picks one per slot and day;
- the direct per-food-per-meal MILP written the textbook way (``LpVariable.dicts`` and
  ``lpSum`` over comprehensions);
- the same direct model built from arrays (``LpAffineExpression`` from pairs).

For each: build time, time to the first feasible solution, total time, status, MIP gap,
objective and bound, and ``verify`` on the plan it gives; ratios are ``direct / planner`` for the
same horizon (the "≥3× faster" comparison is textbook total over planner). The week's
array-built model is only built in ``--quick`` (it is the textbook model, built differently).

The direct model sees exactly the planner's foods, bounds, meal rules and meal targets: it is
built from the :class:`mealplan.planning.PlanningProblem` of the request (``build_problem``).
Per day ``d``, meal ``m`` and food ``f`` tagged for that meal: integer ``h[d,f,m]`` (servings
= h × step: half servings where the food allows them, whole otherwise), binary ``y[d,f,m]``
with ``min·y ≤ servings ≤ max·y`` (min at least one step: the planner never keeps a zero
serving); items per meal from the meal's rule; the required roles (``Σ y ≥ 1``); **at most one
food per role in every meal, except vegetables**, which is what the planner's candidate
generator allows; meals without required roles (breakfast, snack) hold one food of their base
roles (``mealplan.domain.vocabulary.BASE_ROLES``), as the candidates do; each meal's energy
band as a share of the day's energy; daily nutrient minimums and maximums (unknown = 0; vitamin
D and B12 as weekly totals in a week, like ``plan_week``); the energy range; a main food
(protein, grain, vegetable) at most once a day and, in a week, never on consecutive days and at
most ``max_repeats_per_week`` times. Objective, term for term the selection model's:
``calorie_deviation/100 × |meal kcal − share × target|`` per meal, plus preference points per
serving, plus ``serving_size × |servings − 1|`` per item on the plate (``a ≥ ±(servings − y)``,
exact since ``y`` is binary), plus cost when every food has one; so its objective compares
directly with the planner's. Differences: the planner also forbids the same candidate meal twice
in a week; its candidates are a sample, so the direct optimum bounds the planner's objective
from below. The direct models run with the planner's HiGHS settings (the optimizer's ``solve``:
presolve off, one thread, seed 0, relative gap 1 %, absolute gap 0.05) and a time limit; their
solutions become plans through ``mealplan.planning.selection_week``, so ``verify`` checks them
like the planner's. Time to first feasible comes from HiGHS's improving-solution callback
(``common.probe_highs``).

Baseline: the planner's own ``plan_day`` for the same person (``common.Baseline``) and its
``plan_week``, both timed in this process. Results: ``benchmarks/results/bench_formulations.json``
and ``.txt``.
"""

from __future__ import annotations

import gc
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import numpy as np
import pulp
from common import (
    BASELINE,
    Baseline,
    Plan,
    Session,
    Table,
    arguments,
    fmt_pct,
    fmt_s,
    median,
    now,
    probe_highs,
    ratio,
    samples,
)

from mealplan import Planner, verify
from mealplan.domain.plan import SolverInfo
from mealplan.domain.vocabulary import BASE_ROLES, DEFAULT_BASE_ROLES, MAIN_ROLES, ROLES
from mealplan.optimize import solve
from mealplan.planning import (
    CandidatePools,
    PlanningProblem,
    build_problem,
    candidate_pools,
    selection_week,
)
from mealplan.preferences import MealRule

#: The planner's absolute gap for the selection model (``Planner._plan_selection``).
PLANNER_ABS_GAP = 0.05

Style = Literal["textbook", "arrays"]


@dataclass
class DirectData:
    """The planning problem's foods, bounds, rules and meal targets as plain Python data."""

    days: int
    meals: list[str]
    rules: dict[str, MealRule]
    bands: dict[str, tuple[float, float]]
    meal_target: dict[str, float]
    #: (day, food position, meal) of every column, ordered by day, meal, food.
    columns: list[tuple[int, int, str]]
    eligible: dict[str, list[int]]
    role: list[str]
    step: list[float]
    low: list[float]
    high: list[float]
    energy: list[float]
    nutrients: list[list[float]]
    score: list[float]
    cost: list[float] | None
    keys: list[str]
    key_low: list[float | None]
    key_high: list[float | None]
    key_weekly: list[bool]
    energy_low: float
    energy_high: float
    main: list[int]
    max_repeats: int
    calorie_weight: float
    serving_weight: float
    cost_weight: float


def direct_data(problem: PlanningProblem) -> DirectData:
    """The direct model's inputs from the planner's own planning problem."""
    foods, bounds, prefs = problem.foods, problem.bounds, problem.preferences
    meals = [spec.meal for spec in problem.slots]
    eligible = {m: [f for f in range(len(foods)) if m in foods.meals[f]] for m in meals}
    step = foods.step.astype(float)
    high = np.where(np.isfinite(foods.max_servings), foods.max_servings, 10.0)
    # A food on the plate has at least one step: the planner never keeps a zero serving.
    low = np.maximum(foods.min_servings, step)
    has_cost = prefs.weights.cost > 0 and bool(np.all(np.isfinite(foods.cost)))
    return DirectData(
        days=problem.days,
        meals=meals,
        rules={m: prefs.rule(m) for m in meals},
        bands=prefs.energy_bands(),
        meal_target={spec.meal: spec.share * problem.energy_target for spec in problem.slots},
        columns=[(d, f, m) for d in range(problem.days) for m in meals for f in eligible[m]],
        eligible=eligible,
        role=[str(r) for r in foods.roles],
        step=step.tolist(),
        low=low.tolist(),
        high=high.tolist(),
        energy=foods.energy.tolist(),
        nutrients=foods.nutrients.tolist(),
        score=foods.score.tolist(),
        cost=foods.cost.tolist() if has_cost else None,
        keys=list(bounds.keys),
        key_low=[None if np.isnan(v) else float(v) for v in bounds.low],
        key_high=[None if np.isnan(v) else float(v) for v in bounds.high],
        key_weekly=[bool(w) for w in bounds.weekly],
        energy_low=bounds.energy_low,
        energy_high=bounds.energy_high,
        main=[f for f in range(len(foods)) if foods.roles[f] in MAIN_ROLES],
        max_repeats=prefs.max_repeats_per_week,
        calorie_weight=prefs.weights.calorie_deviation,
        serving_weight=prefs.weights.serving_size,
        cost_weight=prefs.weights.cost,
    )


@dataclass
class DirectModel:
    problem: pulp.LpProblem
    columns: list[tuple[int, int, str]]
    h: list[pulp.LpVariable]  # half servings (or whole servings) per column
    y: list[pulp.LpVariable]  # on the plate


def build_textbook(data: DirectData) -> DirectModel:
    """The direct model as a textbook writes it: ``LpVariable.dicts`` and ``lpSum`` everywhere."""
    prob = pulp.LpProblem("textbook_direct", pulp.LpMinimize)
    days = range(data.days)
    cols = data.columns
    h = pulp.LpVariable.dicts("h", cols, lowBound=0, cat=pulp.LpInteger)
    y = pulp.LpVariable.dicts("y", cols, cat=pulp.LpBinary)
    a = pulp.LpVariable.dicts("a", cols, lowBound=0)
    dev = pulp.LpVariable.dicts("dev", [(d, m) for d in days for m in data.meals], lowBound=0)
    step, energy = data.step, data.energy

    meal_energy = {
        (d, m): pulp.lpSum(energy[f] * step[f] * h[d, f, m] for f in data.eligible[m])
        for d in days
        for m in data.meals
    }
    day_energy = {d: pulp.lpSum(meal_energy[d, m] for m in data.meals) for d in days}

    objective = pulp.lpSum(
        data.calorie_weight / 100.0 * dev[d, m] for d in days for m in data.meals
    )
    objective += pulp.lpSum(data.score[f] * step[f] * h[d, f, m] for (d, f, m) in cols)
    objective += pulp.lpSum(data.serving_weight * a[c] for c in cols)
    if data.cost is not None:
        cost = data.cost
        objective += pulp.lpSum(
            data.cost_weight * cost[f] * step[f] * h[d, f, m] for d, f, m in cols
        )
    prob += objective

    for d, f, m in cols:
        prob += step[f] * h[d, f, m] >= data.low[f] * y[d, f, m]
        prob += step[f] * h[d, f, m] <= data.high[f] * y[d, f, m]
        prob += a[d, f, m] >= step[f] * h[d, f, m] - y[d, f, m]
        prob += a[d, f, m] >= y[d, f, m] - step[f] * h[d, f, m]

    for d in days:
        for m in data.meals:
            rule = data.rules[m]
            foods = data.eligible[m]
            prob += pulp.lpSum(y[d, f, m] for f in foods) >= rule.min_items
            prob += pulp.lpSum(y[d, f, m] for f in foods) <= rule.max_items
            for role in rule.required_roles:
                prob += pulp.lpSum(y[d, f, m] for f in foods if data.role[f] == role) >= 1
            if not rule.required_roles:
                base = BASE_ROLES.get(m, DEFAULT_BASE_ROLES)
                prob += pulp.lpSum(y[d, f, m] for f in foods if data.role[f] in base) >= 1
            for role in ROLES:
                same = [f for f in foods if data.role[f] == role]
                if role != "vegetable" and len(same) > 1:
                    prob += pulp.lpSum(y[d, f, m] for f in same) <= 1
            prob += dev[d, m] >= meal_energy[d, m] - data.meal_target[m]
            prob += dev[d, m] >= data.meal_target[m] - meal_energy[d, m]
            if len(data.meals) > 1:
                low, high = data.bands[m]
                prob += meal_energy[d, m] >= low * day_energy[d]
                prob += meal_energy[d, m] <= high * day_energy[d]
        prob += day_energy[d] >= data.energy_low
        prob += day_energy[d] <= data.energy_high
        for k in range(len(data.keys)):
            amount = pulp.lpSum(
                data.nutrients[f][k] * step[f] * h[d, f, m]
                for m in data.meals
                for f in data.eligible[m]
            )
            if data.key_low[k] is not None and not (data.key_weekly[k] and data.days > 1):
                prob += amount >= data.key_low[k]
            if data.key_high[k] is not None:
                prob += amount <= data.key_high[k]
        for f in data.main:
            places = [m for m in data.meals if f in data.eligible[m]]
            if len(places) > 1:
                prob += pulp.lpSum(y[d, f, m] for m in places) <= 1

    if data.days > 1:
        for k in range(len(data.keys)):
            if data.key_weekly[k] and data.key_low[k] is not None:
                prob += (
                    pulp.lpSum(
                        data.nutrients[f][k] * step[f] * h[d, f, m]
                        for d in days
                        for m in data.meals
                        for f in data.eligible[m]
                    )
                    >= data.key_low[k] * data.days
                )
        for f in data.main:
            places = [m for m in data.meals if f in data.eligible[m]]
            for d in range(data.days - 1):
                prob += pulp.lpSum(y[d, f, m] + y[d + 1, f, m] for m in places) <= 1
            if data.days > data.max_repeats:
                prob += pulp.lpSum(y[d, f, m] for d in days for m in places) <= data.max_repeats
    return DirectModel(prob, cols, [h[c] for c in cols], [y[c] for c in cols])


def add_row(
    prob: pulp.LpProblem, terms: list[tuple[pulp.LpVariable, float]], sense: int, rhs: float
) -> None:
    expr = pulp.LpAffineExpression([(v, c) for v, c in terms if c != 0.0])
    prob.addConstraint(pulp.LpConstraint(expr, sense=sense, rhs=float(rhs)))


def build_arrays(data: DirectData) -> DirectModel:
    """The same direct model built from numpy arrays and ``LpAffineExpression`` from pairs."""
    prob = pulp.LpProblem("array_direct", pulp.LpMinimize)
    ge, le = pulp.LpConstraintGE, pulp.LpConstraintLE
    cols = data.columns
    n = len(cols)
    food = np.array([f for _, f, _ in cols], dtype=int)
    day = np.array([d for d, _, _ in cols], dtype=int)
    meal = np.array([data.meals.index(m) for _, _, m in cols], dtype=int)
    role = np.array(data.role, dtype=object)[food]
    step = np.array(data.step)[food]
    low = np.array(data.low)[food]
    high = np.array(data.high)[food]
    kcal = np.array(data.energy)[food] * step
    nutrients = np.array(data.nutrients, dtype=float).reshape(len(data.step), -1)[food]
    nutrients = nutrients * step[:, None]
    h = [pulp.LpVariable(f"h_{i}", lowBound=0, cat=pulp.LpInteger) for i in range(n)]
    y = [pulp.LpVariable(f"y_{i}", cat=pulp.LpBinary) for i in range(n)]
    a = [pulp.LpVariable(f"a_{i}", lowBound=0) for i in range(n)]
    dev = {
        (d, s): pulp.LpVariable(f"dev_{d}_{s}", lowBound=0)
        for d in range(data.days)
        for s in range(len(data.meals))
    }

    weights = np.array(data.score)[food] * step
    if data.cost is not None:
        weights = weights + data.cost_weight * np.array(data.cost)[food] * step
    objective = [(v, float(w)) for v, w in zip(h, weights, strict=True) if w]
    objective += [(v, data.serving_weight) for v in a]
    objective += [(v, data.calorie_weight / 100.0) for v in dev.values()]
    prob.setObjective(pulp.LpAffineExpression(objective))

    for i in range(n):
        add_row(prob, [(h[i], step[i]), (y[i], -low[i])], ge, 0)
        add_row(prob, [(h[i], step[i]), (y[i], -high[i])], le, 0)
        add_row(prob, [(a[i], 1.0), (h[i], -step[i]), (y[i], 1.0)], ge, 0)
        add_row(prob, [(a[i], 1.0), (h[i], step[i]), (y[i], -1.0)], ge, 0)

    def pick(
        mask: np.ndarray, variables: list[pulp.LpVariable], coefficients: Any = 1.0
    ) -> list[tuple[pulp.LpVariable, float]]:
        index = np.flatnonzero(mask)
        values = np.broadcast_to(np.asarray(coefficients, dtype=float), (n,))
        return [(variables[i], float(values[i])) for i in index]

    for d in range(data.days):
        today = day == d
        for s, m in enumerate(data.meals):
            here = today & (meal == s)
            rule = data.rules[m]
            add_row(prob, pick(here, y), ge, rule.min_items)
            add_row(prob, pick(here, y), le, rule.max_items)
            for r in rule.required_roles:
                add_row(prob, pick(here & (role == r), y), ge, 1)
            if not rule.required_roles:
                base = BASE_ROLES.get(m, DEFAULT_BASE_ROLES)
                add_row(prob, pick(here & np.isin(role, base), y), ge, 1)
            for r in ROLES:
                if r != "vegetable" and np.count_nonzero(here & (role == r)) > 1:
                    add_row(prob, pick(here & (role == r), y), le, 1)
            target = data.meal_target[m]
            add_row(prob, [(dev[d, s], 1.0), *pick(here, h, -kcal)], ge, -target)
            add_row(prob, [(dev[d, s], 1.0), *pick(here, h, kcal)], ge, target)
            if len(data.meals) > 1:
                band_low, band_high = data.bands[m]
                share = np.where(meal == s, 1.0, 0.0)
                add_row(prob, pick(today, h, kcal * (share - band_low)), ge, 0)
                add_row(prob, pick(today, h, kcal * (share - band_high)), le, 0)
        add_row(prob, pick(today, h, kcal), ge, data.energy_low)
        add_row(prob, pick(today, h, kcal), le, data.energy_high)
        for k in range(len(data.keys)):
            if data.key_low[k] is not None and not (data.key_weekly[k] and data.days > 1):
                add_row(prob, pick(today, h, nutrients[:, k]), ge, data.key_low[k])
            if data.key_high[k] is not None:
                add_row(prob, pick(today, h, nutrients[:, k]), le, data.key_high[k])

    main = np.isin(food, data.main)
    by_food: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(main):
        by_food[int(food[i])].append(int(i))
    for places in by_food.values():
        per_day = [[i for i in places if day[i] == d] for d in range(data.days)]
        for d in range(data.days):
            if len(per_day[d]) > 1:
                add_row(prob, [(y[i], 1.0) for i in per_day[d]], le, 1)
        if data.days > 1:
            for d in range(data.days - 1):
                add_row(prob, [(y[i], 1.0) for i in per_day[d] + per_day[d + 1]], le, 1)
            if data.days > data.max_repeats:
                add_row(prob, [(y[i], 1.0) for i in places], le, data.max_repeats)
    if data.days > 1:
        for k in range(len(data.keys)):
            if data.key_weekly[k] and data.key_low[k] is not None:
                everything = np.ones(n, dtype=bool)
                add_row(prob, pick(everything, h, nutrients[:, k]), ge, data.key_low[k] * data.days)
    return DirectModel(prob, cols, h, y)


def meal_totals(
    positions: list[list[int]], amounts: list[np.ndarray], per_serving: np.ndarray
) -> np.ndarray:
    """Each meal's total of a per-serving value (one row per meal for a 2-d ``per_serving``)."""
    return np.array([a @ per_serving[p] for p, a in zip(positions, amounts, strict=True)])


def direct_plan(
    problem: PlanningProblem, data: DirectData, model: DirectModel, info: SolverInfo
) -> Plan:
    """The direct model's solution as the planner's plan objects, for ``verify``.

    Each day's meal becomes the one candidate of its slot for that day (the pools' own
    candidate type, re-filled), and :func:`mealplan.planning.selection_week` assembles them.
    """
    picked: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
    for (d, f, m), h, y in zip(model.columns, model.h, model.y, strict=True):
        if (y.varValue or 0.0) > 0.5:
            picked[d, m].append((f, data.step[f] * round(h.varValue or 0.0)))
    foods = problem.foods
    pools = []
    for template, m in zip(candidate_pools(problem).pools, data.meals, strict=True):
        meals = [picked.get((d, m), []) for d in range(data.days)]
        positions = [[f for f, _ in items] for items in meals]
        amounts = [np.array([s for _, s in items]) for items in meals]
        pools.append(
            replace(
                template,
                foods=[tuple(p) for p in positions],
                servings=[tuple(float(s) for s in a) for a in amounts],
                energy=meal_totals(positions, amounts, foods.energy),
                nutrients=meal_totals(positions, amounts, foods.nutrients),
                cost=meal_totals(positions, amounts, foods.cost),
                score=meal_totals(positions, amounts, foods.score),
            )
        )
    one_each = CandidatePools(pools, [np.arange(data.days) for _ in pools], {})
    picks = [[d] * len(pools) for d in range(data.days)]
    week = selection_week(problem, one_each, picks, info)
    if data.days == 1:
        return week.days[0].model_copy(update={"notes": week.notes})
    return week


def run_direct(
    planner: Planner, days: int, style: Style, time_limit: float, solve_it: bool = True
) -> dict[str, Any]:
    """Build (and solve) the direct model for the baseline; times, status, gap, verification."""
    targets, preferences = BASELINE.targets, BASELINE.preferences
    gc.collect()
    problem = build_problem(planner.catalog, targets, preferences, days=days, weekly=days > 1)
    data = direct_data(problem)
    started = now()
    model = (build_textbook if style == "textbook" else build_arrays)(data)
    build_s = now() - started
    out: dict[str, Any] = {
        "style": style,
        "days": days,
        "variables": len(model.problem.variables()),
        "constraints": len(model.problem.constraints),
        "build_s": build_s,
        "time_limit_s": time_limit,
    }
    if not solve_it:
        out["status"] = "not solved"
        return out
    with probe_highs(track_solutions=True) as probe:
        result = solve(
            model.problem, time_limit=time_limit, gap=planner.gap, abs_gap=PLANNER_ABS_GAP
        )
        highs = probe.last()
    run_s = highs.get("highs_run_s", result.seconds)
    transfer_s = max(result.seconds - run_s, 0.0)
    first = probe.solutions[0] if probe.solutions else None
    out.update(
        solve_s=result.seconds,
        highs_run_s=run_s,
        transfer_s=transfer_s,
        total_s=build_s + result.seconds,
        status=result.status,
        mip_gap=result.mip_gap,
        objective=result.objective,
        dual_bound=highs.get("dual_bound"),
        nodes=highs.get("nodes"),
        nonzeros=highs.get("nonzeros"),
        improving_solutions=len(probe.solutions),
        first_feasible_highs_s=first[0] if first else None,
        first_feasible_wall_s=build_s + transfer_s + first[0] if first else None,
        first_objective=first[1] if first else None,
        violations=None,
    )
    if result.has_solution:
        # The solve's outcome as a plan's SolverInfo (its fields but "seconds", split in two).
        outcome = {k: v for k, v in asdict(result).items() if k != "seconds"}
        times = {"build_seconds": round(build_s, 4), "solve_seconds": round(result.seconds, 4)}
        info = SolverInfo(**outcome, **times, formulation=f"direct-{style}")
        violations = verify(
            direct_plan(problem, data, model, info), planner.catalog, targets, preferences
        )
        out["violations"] = len(violations)
        out["violation_rules"] = sorted({v.rule for v in violations})
    return out


def planner_reference(planner: Planner, baseline: Baseline, week_repeats: int) -> dict[str, Any]:
    """The planner's own day (the baseline) and week for the same person."""
    times, run = samples(BASELINE.call(planner, "week"), week_repeats)
    assert baseline.run is not None and baseline.run.plan is not None
    assert run.plan is not None
    out = {}
    for horizon, seconds, plan in (
        ("day", baseline.seconds, baseline.run.plan),
        ("week", median(times), run.plan),
    ):
        assert plan.solver is not None
        out[horizon] = {
            "seconds": seconds,
            "build_s": plan.solver.build_seconds,
            "objective": plan.solver.objective,
            "status": plan.solver.status,
            "mip_gap": plan.solver.gap,
        }
    return out


def report(results: dict[str, Any], gap_limit: float) -> Table:
    planner = results["planner"]
    table = Table(planner["day"]["seconds"], "× planner")
    table.baseline(results["baseline"])
    table.section("Direct per-food-per-meal model vs the planner, F34 (× the planner's horizon)")
    for horizon in ("day", "week"):
        reference = planner[horizon]
        against = reference["seconds"]
        table.timed(
            f"planner {horizon}",
            against,
            f"{reference['status']}, gap {fmt_pct(reference['mip_gap'])}, "
            f"objective {reference['objective']:.3f}; build {fmt_s(reference['build_s'])}",
            against=against,
        )
        for style, r in results["direct"][horizon].items():
            table.timed(
                f"  {horizon}, {style}: build",
                r["build_s"],
                f"{r['variables']:,} variables, {r['constraints']:,} rows",
                against=against,
            )
            if r["status"] == "not solved":
                table.row("    (built only; the same model as the textbook one)", "")
                continue
            found = r["first_feasible_wall_s"] is not None
            table.timed(
                "    first feasible (wall, incl. build)",
                r["first_feasible_wall_s"],
                f"objective {r['first_objective']:.3f}" if found else "no solution found",
                against=against,
            )
            limited = r["status"] != "optimal"
            by_abs = r["status"] == "optimal" and (r["mip_gap"] or 0.0) > gap_limit + 1e-6
            objective = "—" if r["objective"] is None else f"{r['objective']:.3f}"
            table.timed(
                "    total (build + solve)",
                r["total_s"],
                f"{r['status']}, gap {fmt_pct(r['mip_gap'])}, objective {objective}, "
                f"bound {r['dual_bound']:.3f}, limit {r['time_limit_s']:g} s"
                + (" (ratio is a lower bound)" if limited else "")
                + (f" (stopped on the absolute gap {PLANNER_ABS_GAP})" if by_abs else ""),
                against=against,
            )
            table.timed(
                "    solve: PuLP → HiGHS",
                r["transfer_s"],
                f"HiGHS run {fmt_s(r['highs_run_s'])}, {r['nodes']} nodes",
                against=against,
            )
            if r["violations"] is not None:
                table.row("    verify violations of its plan", str(r["violations"]))
    return table


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, "bench_formulations").parse_args(argv)
    day_limit = 10.0 if args.quick else 30.0
    week_limit = 15.0 if args.quick else 60.0
    session = Session(args)
    planner = session.default_planner()
    baseline = session.baseline(planner)
    session.log("the planner's week")
    reference = planner_reference(planner, baseline, 1 if args.quick else 3)
    direct: dict[str, dict[str, Any]] = {"day": {}, "week": {}}
    styles: tuple[Style, ...] = ("textbook", "arrays")
    for horizon, days, limit in (("day", 1, day_limit), ("week", 7, week_limit)):
        for style in styles:
            session.log(f"direct {horizon}, {style} (limit {limit:g} s)")
            solve_it = not (args.quick and horizon == "week" and style == "arrays")
            direct[horizon][style] = run_direct(planner, days, style, limit, solve_it)
    baseline.end()
    reference["day"]["seconds"] = baseline.seconds
    session.meta["direct_limits_s"] = {"day": day_limit, "week": week_limit}

    results: dict[str, Any] = {
        "baseline": baseline.record(),
        "planner": reference,
        "direct": direct,
        "ratios": {
            f"{style}_{horizon}_{what}_over_planner": ratio(
                direct[horizon][style].get(key), reference[horizon]["seconds"]
            )
            for horizon in ("day", "week")
            for style in styles
            for what, key in (("total", "total_s"), ("first_feasible", "first_feasible_wall_s"))
        },
    }
    results["ratios"].update(
        {
            f"textbook_build_over_arrays_build_{horizon}": ratio(
                direct[horizon]["textbook"]["build_s"], direct[horizon]["arrays"]["build_s"]
            )
            for horizon in ("day", "week")
        }
    )
    session.finish(results, report(results, planner.gap))
    return 0


if __name__ == "__main__":
    sys.exit(main())
