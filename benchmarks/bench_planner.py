"""Planner benchmark: speed, correctness and memory of the candidate-meal planner, side by side
with a textbook PuLP formulation of the same model.

    python benchmarks/bench_planner.py            # full run (~4-6 min on 2 shared cores)
    python benchmarks/bench_planner.py --quick    # short limits, one repeat (~1 min)

Sections (all on ``FoodCatalog.default()`` unless said otherwise):

1. ``plan_day`` p50/p95 wall time over 20 varied profiles, each plan checked with ``verify``;
2. ``plan_week`` time, status and MIP gap for 3 profiles, verified;
3. where the time goes: the planner's own ``build_seconds``/``solve_seconds`` and the rest
   (set-up and plan assembly), plus an instrumented split of the baseline (candidate generation,
   PuLP model, PuLP→HiGHS transfer, HiGHS run);
4. ``plan_day`` on synthetic catalogues of 1k and 8k foods (``FoodCatalog.from_frame``);
5. the direct per-food-per-meal MILP, written the textbook way (``LpVariable.dicts`` and
   ``lpSum`` over comprehensions) and again from arrays (``LpAffineExpression`` from pairs),
   solved with the planner's HiGHS settings: time to first feasible, status, gap, and
   ``textbook_time / planner_time``;
6. peak traced memory (``tracemalloc``) of ``plan_day`` and ``plan_week``.

Every time is also given as a ratio to the baseline, measured in the same process: the planner's
own ``plan_day`` for a 34-year-old woman, omnivore, four meals. Wall times on a shared machine are
noisy: the load average before and after the run is recorded with the results. The results go to
``benchmarks/results/bench_planner.json``.

The direct model (section 5), per day ``d``, meal ``m`` and food ``f`` tagged for that meal:
integer ``h[d,f,m]`` (servings = h × step: half servings where the food allows them, whole
otherwise), binary ``y[d,f,m]`` with ``min·y ≤ servings ≤ max·y`` (min at least one step: the
planner never keeps a zero serving); items per meal from ``Preferences().rule(meal)``; the
required roles at lunch and dinner (``Σ y ≥ 1``); **at most one food per role in every meal,
except vegetables**, which is what the planner's candidate generator allows; breakfast and snack
hold one food of the generator's base roles (``_BASE_ROLES``), as its candidates do; each meal's
energy band as a share of the day's energy; daily nutrient minimums and maximums (unknown = 0;
vitamin D and B12 as weekly totals in a week, like ``plan_week``); the energy range; a main food
(protein, grain, vegetable) at most once a day and, in a week, never on consecutive days and at
most ``max_repeats_per_week`` times. Objective, term for term the selection model's:
``calorie_deviation/100 × |meal kcal − share × target|`` per meal (deviation variables), plus
preference points per serving, plus ``serving_size × |servings − 1|`` per item on the plate
(``a ≥ ±(servings − y)``, exact since ``y`` is binary), plus cost when every food has one; so its
objective values compare directly with the planner's. Differences: the planner also forbids the
same candidate meal twice in a week (no direct equivalent here; ``verify`` still checks identical
days); its candidates are a sample, so the direct optimum bounds the planner's objective from
below. Both run on the planner's HiGHS settings (``_solve.solve``: presolve off, one thread,
seed 0, relative gap 1 %, absolute gap 0.05) with a time limit. Time to first feasible comes
from HiGHS's improving-solution callback, on a ``highspy.Highs`` subclass swapped in while the
benchmark solves (``probe_highs``).

The benchmark reaches into private helpers of the planner (``Planner._setup``, ``_slot_specs``,
``_meal``, ``_day``, ``_week``) so that the direct model sees exactly the planner's foods, bounds
and meal targets, and its solutions can be checked by ``verify`` like the planner's own plans.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pandas as pd
import pulp

import mealplan.planner as planner_module
from mealplan import (
    DayPlan,
    FoodCatalog,
    InfeasiblePlanError,
    Planner,
    Preferences,
    Profile,
    Targets,
    WeekPlan,
    verify,
)
from mealplan.catalog import ROLES
from mealplan.domain.plan import SolverInfo
from mealplan.optimize._candidates import _BASE_ROLES
from mealplan.optimize._solve import SolveResult, solve
from mealplan.preferences import MAIN_ROLES, MealRule

RESULTS = Path(__file__).resolve().parent / "results" / "bench_planner.json"
#: The nutrients of the synthetic catalogues (per serving).
SYNTHETIC_NUTRIENTS = (
    "energy",
    "protein",
    "carbohydrate",
    "fat",
    "magnesium",
    "potassium",
    "calcium",
    "vitamin_d",
    "vitamin_b12",
)
SYNTHETIC_SEED = 20240601
#: The planner's absolute gap (planner.py passes ``abs_gap=0.05`` to ``solve``).
PLANNER_ABS_GAP = 0.05


# -- profiles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A person to plan for: a label, a profile and preferences."""

    label: str
    profile: Profile
    preferences: Preferences

    @property
    def targets(self) -> Targets:
        return Targets.cramp_support(self.profile)


def _case(
    label: str,
    age: float,
    sex: str,
    diet: str = "omnivore",
    allergens: tuple[str, ...] = (),
    **profile: Any,
) -> Case:
    return Case(
        label,
        Profile(age=age, sex=sex, **profile),
        Preferences(diet=diet, exclude_allergens=allergens),
    )


BASELINE = _case("F34 omnivore", 34, "female")
DAY_CASES: tuple[Case, ...] = (
    BASELINE,
    _case("M4 omnivore", 4, "male"),
    _case("F6 vegetarian", 6, "female", "vegetarian"),
    _case("M9 omnivore -peanut -nut", 9, "male", allergens=("peanuts", "tree_nuts")),
    _case("F12 pescatarian", 12, "female", "pescatarian"),
    _case("M15 omnivore", 15, "male", activity="active"),
    _case("F17 vegan", 17, "female", "vegan"),
    _case("M22 omnivore -milk", 22, "male", allergens=("milk",)),
    _case("F28 vegetarian -egg", 28, "female", "vegetarian", ("egg",)),
    _case("F30 pregnant omnivore", 30, "female", pregnant=True),
    _case("F31 lactating vegetarian", 31, "female", "vegetarian", lactating=True),
    _case("M40 pescatarian -shellfish", 40, "male", "pescatarian", ("crustacean_shellfish",)),
    _case("F45 vegan -soy", 45, "female", "vegan", ("soy",)),
    _case("M52 omnivore -wheat", 52, "male", allergens=("wheat",)),
    _case("F58 omnivore -fish", 58, "female", allergens=("fish",)),
    _case("M63 vegetarian", 63, "male", "vegetarian"),
    _case("F67 pescatarian", 67, "female", "pescatarian"),
    _case("M72 omnivore -sesame", 72, "male", allergens=("sesame",)),
    _case("F76 vegan", 76, "female", "vegan"),
    _case("M80 omnivore -milk -egg", 80, "male", allergens=("milk", "egg")),
)
WEEK_CASES: tuple[Case, ...] = (
    BASELINE,
    DAY_CASES[13],  # M52 omnivore -wheat
    DAY_CASES[8],  # F28 vegetarian -egg
)


# -- small helpers -------------------------------------------------------------------------------


def _now() -> float:
    return time.perf_counter()


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else math.nan


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else math.nan


def _ratio(value: float | None, base: float) -> float | None:
    if value is None or not math.isfinite(value) or base <= 0:
        return None
    return value / base


def _round(value: Any, digits: int = 4) -> Any:
    """Floats rounded for the JSON record (NaN and inf become None)."""
    if isinstance(value, float | np.floating):
        return round(float(value), digits) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_round(v, digits) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass
class Run:
    """One timed planner call."""

    seconds: float
    plan: DayPlan | WeekPlan | None
    error: str | None = None


def _timed_plan(call: Callable[[], DayPlan | WeekPlan]) -> Run:
    gc.collect()
    started = _now()
    try:
        plan = call()
    except InfeasiblePlanError as exc:
        return Run(_now() - started, None, str(exc)[:240])
    return Run(_now() - started, plan)


def _samples(call: Callable[[], DayPlan | WeekPlan], repeats: int) -> tuple[list[float], Run]:
    """Wall times of ``repeats`` calls, and the last run (plans are deterministic)."""
    runs = [_timed_plan(call) for _ in range(repeats)]
    return [r.seconds for r in runs], runs[-1]


def _repeat(call: Callable[[], DayPlan | WeekPlan], repeats: int) -> tuple[float, Run]:
    """Median wall time over ``repeats`` calls, and the last run."""
    samples, run = _samples(call, repeats)
    return _median(samples), run


def _solver_parts(plan: DayPlan | WeekPlan | None, wall: float) -> dict[str, float | None]:
    if plan is None or plan.solver is None:
        return {"build_s": None, "solve_s": None, "assembly_s": None}
    build, solve_s = plan.solver.build_seconds, plan.solver.solve_seconds
    return {"build_s": build, "solve_s": solve_s, "assembly_s": max(wall - build - solve_s, 0.0)}


# -- HiGHS probe: run time, model size and improving solutions of each solve ----------------------


@dataclass
class HighsProbe:
    """Records every ``highspy.Highs`` PuLP makes while active, and improving MIP solutions."""

    track_solutions: bool
    instances: list[Any] = field(default_factory=list)
    #: (HiGHS running time in s, objective) of each improving solution, in order.
    solutions: list[tuple[float, float]] = field(default_factory=list)

    def last(self) -> dict[str, Any]:
        """Size, run time and bounds of the most recent solve."""
        if not self.instances:
            return {}
        highs = self.instances[-1]
        info = highs.getInfo()
        return {
            "columns": int(highs.getNumCol()),
            "rows": int(highs.getNumRow()),
            "nonzeros": int(highs.getNumNz()),
            "highs_run_s": float(highs.getRunTime()),
            "dual_bound": float(info.mip_dual_bound),
            "nodes": int(info.mip_node_count),
        }


@contextmanager
def probe_highs(track_solutions: bool = False) -> Iterator[HighsProbe]:
    """Swap ``highspy.Highs`` (which PuLP instantiates per solve) for a recording subclass."""
    probe = HighsProbe(track_solutions)
    original = highspy.Highs

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            probe.instances.append(self)
            if probe.track_solutions:
                self.cbMipImprovingSolution += self._improved

        @staticmethod
        def _improved(event: Any) -> None:
            out = event.data_out
            probe.solutions.append((float(out.running_time), float(out.objective_function_value)))

    highspy.Highs = Recorded  # type: ignore[misc]
    try:
        yield probe
    finally:
        highspy.Highs = original  # type: ignore[misc]


@contextmanager
def instrument(planner: Planner) -> Iterator[tuple[dict[str, float], HighsProbe]]:
    """Time the planner's set-up, candidate generation and model build, and probe HiGHS."""
    spent: dict[str, float] = defaultdict(float)

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = _now()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += _now() - started

        return timed

    originals = {name: getattr(planner_module, name) for name in ("generate", "build_selection")}
    for name, fn in originals.items():
        setattr(planner_module, name, wrap(name, fn))
    planner._setup = wrap("setup", planner._setup)  # type: ignore[method-assign]
    try:
        with probe_highs() as probe:
            yield spent, probe
    finally:
        for name, fn in originals.items():
            setattr(planner_module, name, fn)
        del planner._setup


# -- synthetic catalogues --------------------------------------------------------------------------


def synthetic_catalog(size: int, reference: FoodCatalog, seed: int = SYNTHETIC_SEED) -> FoodCatalog:
    """``size`` made-up foods whose roles, meal tags, servings and per-serving nutrients follow
    the reference catalogue role by role.

    Roles are drawn in the reference's proportions; meal tags, ``max_servings`` and serving
    grams are resampled from reference foods of the same role; protein, carbohydrate, fat and
    the micronutrients are log-normal per role (fitted to the reference's non-zero values, with
    the reference's share of zeros, capped at 1.5 × the role's largest value); energy follows
    from the macronutrients (4/4/9 kcal per g) with 5 % noise.
    """
    rng = np.random.default_rng(seed)
    foods = reference.foods
    per_serving = reference.per_serving()
    shares = foods["role"].value_counts(normalize=True).sort_index()
    roles = rng.choice(shares.index.to_numpy(), size=size, p=shares.to_numpy())
    columns: dict[str, np.ndarray] = {key: np.zeros(size) for key in SYNTHETIC_NUTRIENTS}
    meals = np.empty(size, dtype=object)
    max_servings = np.zeros(size)
    serving_g = np.zeros(size)
    for role in shares.index:
        where = np.flatnonzero(roles == role)
        source = foods.index[foods["role"] == role]
        picks = rng.choice(len(source), size=where.size)
        meals[where] = [tuple(m) for m in foods.loc[source, "meals"].to_numpy()[picks]]
        max_servings[where] = foods.loc[source, "max_servings"].to_numpy(dtype=float)[picks]
        grams = foods.loc[source, "serving_g"].to_numpy(dtype=float)[picks]
        serving_g[where] = np.round(grams * rng.lognormal(0.0, 0.15, where.size), 1)
        for key in SYNTHETIC_NUTRIENTS[1:]:
            known = per_serving.loc[source, key].dropna().to_numpy(dtype=float)
            positive = known[known > 1e-9]
            if positive.size < 3:
                continue
            logs = np.log(positive)
            amounts = rng.lognormal(logs.mean(), max(logs.std(), 0.2), where.size)
            amounts = np.minimum(amounts, 1.5 * positive.max())
            zero = rng.random(where.size) < (1.0 - positive.size / known.size)
            columns[key][where] = np.where(zero, 0.0, amounts)
    atwater = 4 * columns["protein"] + 4 * columns["carbohydrate"] + 9 * columns["fat"]
    columns["energy"] = atwater * rng.lognormal(0.0, 0.05, size)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, size + 1),
            "name": [f"synthetic {role} {i + 1}" for i, role in enumerate(roles)],
            "role": roles,
            "meals": meals,
            "serving_g": serving_g,
            "max_servings": max_servings,
            **{key: np.round(values, 4) for key, values in columns.items()},
        }
    )
    return FoodCatalog.from_frame(
        frame,
        nutrient_columns=list(SYNTHETIC_NUTRIENTS),
        amounts="per_serving",
        serving_g_column="serving_g",
        role_column="role",
        meals_column="meals",
        max_servings_column="max_servings",
    )


def synthetic_targets(targets: Targets) -> Targets:
    """The targets without the nutrients a synthetic catalogue lacks (vitamin B6, sodium)."""
    return targets.replace(**{key: None for key in targets if key not in SYNTHETIC_NUTRIENTS})


# -- the direct model ------------------------------------------------------------------------------


@dataclass
class DirectData:
    """The planner's foods, bounds, rules and meal targets as plain Python data."""

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


def direct_data(
    planner: Planner, case: Case, targets: Targets, days: int
) -> tuple[Any, DirectData]:
    """The planner's own set-up for the case, and the direct model's inputs from it."""
    setup = planner._setup(targets, case.preferences, days=days, weekly=days > 1)
    specs = planner._slot_specs(setup)
    foods, bounds, prefs = setup.foods, setup.bounds, setup.preferences
    meals = [spec.meal for spec in specs]
    eligible = {m: [f for f in range(len(foods)) if m in foods.meals[f]] for m in meals}
    step = foods.step.astype(float)
    high = np.where(np.isfinite(foods.max_servings), foods.max_servings, 10.0)
    # A food on the plate has at least one step: the planner never keeps a zero serving.
    low = np.maximum(foods.min_servings, step)
    has_cost = prefs.weights.cost > 0 and bool(np.all(np.isfinite(foods.cost)))
    data = DirectData(
        days=days,
        meals=meals,
        rules={m: prefs.rule(m) for m in meals},
        bands=prefs.energy_bands(),
        meal_target={spec.meal: spec.share * setup.energy_target for spec in specs},
        columns=[(d, f, m) for d in range(days) for m in meals for f in eligible[m]],
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
    return setup, data


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
                base = _BASE_ROLES.get(m, ("grain", "dairy", "protein", "fruit"))
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


def _row(
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
        _row(prob, [(h[i], step[i]), (y[i], -low[i])], ge, 0)
        _row(prob, [(h[i], step[i]), (y[i], -high[i])], le, 0)
        _row(prob, [(a[i], 1.0), (h[i], -step[i]), (y[i], 1.0)], ge, 0)
        _row(prob, [(a[i], 1.0), (h[i], step[i]), (y[i], -1.0)], ge, 0)

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
            _row(prob, pick(here, y), ge, rule.min_items)
            _row(prob, pick(here, y), le, rule.max_items)
            for r in rule.required_roles:
                _row(prob, pick(here & (role == r), y), ge, 1)
            if not rule.required_roles:
                base = _BASE_ROLES.get(m, ("grain", "dairy", "protein", "fruit"))
                _row(prob, pick(here & np.isin(role, base), y), ge, 1)
            for r in ROLES:
                if r != "vegetable" and np.count_nonzero(here & (role == r)) > 1:
                    _row(prob, pick(here & (role == r), y), le, 1)
            target = data.meal_target[m]
            _row(prob, [(dev[d, s], 1.0), *pick(here, h, -kcal)], ge, -target)
            _row(prob, [(dev[d, s], 1.0), *pick(here, h, kcal)], ge, target)
            if len(data.meals) > 1:
                band_low, band_high = data.bands[m]
                share = np.where(meal == s, 1.0, 0.0)
                _row(prob, pick(today, h, kcal * (share - band_low)), ge, 0)
                _row(prob, pick(today, h, kcal * (share - band_high)), le, 0)
        _row(prob, pick(today, h, kcal), ge, data.energy_low)
        _row(prob, pick(today, h, kcal), le, data.energy_high)
        for k in range(len(data.keys)):
            if data.key_low[k] is not None and not (data.key_weekly[k] and data.days > 1):
                _row(prob, pick(today, h, nutrients[:, k]), ge, data.key_low[k])
            if data.key_high[k] is not None:
                _row(prob, pick(today, h, nutrients[:, k]), le, data.key_high[k])

    main = np.isin(food, data.main)
    by_food: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(main):
        by_food[int(food[i])].append(int(i))
    for places in by_food.values():
        per_day = [[i for i in places if day[i] == d] for d in range(data.days)]
        for d in range(data.days):
            if len(per_day[d]) > 1:
                _row(prob, [(y[i], 1.0) for i in per_day[d]], le, 1)
        if data.days > 1:
            for d in range(data.days - 1):
                _row(prob, [(y[i], 1.0) for i in per_day[d] + per_day[d + 1]], le, 1)
            if data.days > data.max_repeats:
                _row(prob, [(y[i], 1.0) for i in places], le, data.max_repeats)
    if data.days > 1:
        for k in range(len(data.keys)):
            if data.key_weekly[k] and data.key_low[k] is not None:
                everything = np.ones(n, dtype=bool)
                _row(prob, pick(everything, h, nutrients[:, k]), ge, data.key_low[k] * data.days)
    return DirectModel(prob, cols, h, y)


def direct_plan(
    planner: Planner, setup: Any, data: DirectData, model: DirectModel, info: SolverInfo
) -> DayPlan | WeekPlan:
    """The direct model's solution as the planner's plan objects, for ``verify``."""
    picked: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
    for (d, f, m), h, y in zip(model.columns, model.h, model.y, strict=True):
        if (y.varValue or 0.0) > 0.5:
            picked[d, m].append((f, data.step[f] * round(h.varValue or 0.0)))
    day_plans = []
    for d in range(data.days):
        meals = []
        for m in data.meals:
            items = picked.get((d, m), [])
            positions = tuple(f for f, _ in items)
            servings = tuple(float(s) for _, s in items)
            meals.append(planner._meal(setup, m, positions, servings))
        day_plans.append(planner._day(setup, d + 1, meals, info if data.days == 1 else None))
    if data.days == 1:
        return day_plans[0]
    return planner._week(setup, day_plans, info)


def run_direct(
    planner: Planner,
    catalog: FoodCatalog,
    case: Case,
    *,
    days: int,
    style: str,
    time_limit: float,
    solve_it: bool = True,
) -> dict[str, Any]:
    """Build (and solve) the direct model for a case; times, status, gap and verification."""
    targets = case.targets
    gc.collect()
    setup, data = direct_data(planner, case, targets, days)
    builder = build_textbook if style == "textbook" else build_arrays
    started = _now()
    model = builder(data)
    build_s = _now() - started
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
        result: SolveResult = solve(
            model.problem,
            time_limit=time_limit,
            gap=planner.gap,
            abs_gap=PLANNER_ABS_GAP,
        )
        highs = probe.last()
        solutions = list(probe.solutions)
    run_s = highs.get("highs_run_s", result.seconds)
    transfer_s = max(result.seconds - run_s, 0.0)
    first = solutions[0][0] if solutions else None
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
        improving_solutions=len(solutions),
        first_feasible_highs_s=first,
        first_feasible_wall_s=None if first is None else build_s + transfer_s + first,
        first_objective=solutions[0][1] if solutions else None,
    )
    out["violations"] = None
    if result.has_solution:
        info = SolverInfo(
            solver=result.solver,
            status=result.status,
            objective=result.objective,
            mip_gap=result.mip_gap,
            build_seconds=round(build_s, 4),
            solve_seconds=round(result.seconds, 4),
            formulation=f"direct-{style}",
        )
        plan = direct_plan(planner, setup, data, model, info)
        violations = verify(plan, planner.catalog, targets, case.preferences)
        out["violations"] = len(violations)
        out["violation_rules"] = sorted({v.rule for v in violations})
    return out


# -- sections --------------------------------------------------------------------------------------


def bench_days(planner: Planner, catalog: FoodCatalog, repeats: int) -> dict[str, Any]:
    """Section 1: plan_day over the varied profiles, verified."""
    rows = []
    for case in DAY_CASES:
        targets = case.targets
        seconds, run = _repeat(
            lambda c=case, t=targets: planner.plan_day(t, c.preferences), repeats
        )
        row: dict[str, Any] = {
            "case": case.label,
            "seconds": seconds,
            "feasible": run.plan is not None,
        }
        if run.plan is not None:
            violations = verify(run.plan, catalog, targets, case.preferences)
            row.update(
                violations=len(violations),
                violation_rules=sorted({v.rule for v in violations}),
                status=run.plan.solver.status if run.plan.solver else None,
                mip_gap=run.plan.solver.mip_gap if run.plan.solver else None,
                objective=run.plan.solver.objective if run.plan.solver else None,
                **_solver_parts(run.plan, seconds),
            )
        else:
            row["error"] = run.error
        rows.append(row)
    times = [r["seconds"] for r in rows]
    feasible = [r for r in rows if r["feasible"]]
    return {
        "profiles": len(rows),
        "repeats": repeats,
        "p50_s": _percentile(times, 50),
        "p95_s": _percentile(times, 95),
        "max_s": max(times),
        "p50_feasible_s": _percentile([r["seconds"] for r in feasible], 50),
        "infeasible": len(rows) - len(feasible),
        "violations": sum(r["violations"] for r in feasible),
        "rows": rows,
    }


def bench_weeks(planner: Planner, catalog: FoodCatalog, repeats: int) -> dict[str, Any]:
    """Section 2: plan_week for three profiles, verified."""
    rows = []
    for case in WEEK_CASES:
        targets = case.targets
        seconds, run = _repeat(
            lambda c=case, t=targets: planner.plan_week(t, c.preferences), repeats
        )
        row: dict[str, Any] = {
            "case": case.label,
            "seconds": seconds,
            "feasible": run.plan is not None,
        }
        if run.plan is not None and run.plan.solver is not None:
            violations = verify(run.plan, catalog, targets, case.preferences)
            row.update(
                status=run.plan.solver.status,
                mip_gap=run.plan.solver.mip_gap,
                objective=run.plan.solver.objective,
                violations=len(violations),
                violation_rules=sorted({v.rule for v in violations}),
                **_solver_parts(run.plan, seconds),
            )
        else:
            row["error"] = run.error
        rows.append(row)
    return {"repeats": repeats, "rows": rows}


def _shares(rows: list[dict[str, Any]]) -> dict[str, float]:
    usable = [r for r in rows if r.get("build_s") is not None]
    wall = sum(r["seconds"] for r in usable)
    build = sum(r["build_s"] for r in usable)
    solve_s = sum(r["solve_s"] for r in usable)
    assembly = sum(r["assembly_s"] for r in usable)
    return {
        "plans": len(usable),
        "wall_s": wall,
        "build_share": build / wall if wall else math.nan,
        "solve_share": solve_s / wall if wall else math.nan,
        "assembly_share": assembly / wall if wall else math.nan,
    }


def bench_breakdown(
    planner: Planner, days: dict[str, Any], weeks: dict[str, Any], repeats: int
) -> dict[str, Any]:
    """Section 3: build against solve against the rest, from SolverInfo and instrumented."""
    detail: dict[str, Any] = {}
    targets = BASELINE.targets
    calls: dict[str, Callable[[], DayPlan | WeekPlan]] = {
        "day": lambda: planner.plan_day(targets, BASELINE.preferences),
        "week": lambda: planner.plan_week(targets, BASELINE.preferences),
    }
    for name, call in calls.items():
        parts: dict[str, list[float]] = defaultdict(list)
        for _ in range(repeats if name == "day" else 1):
            with instrument(planner) as (spent, probe):
                run = _timed_plan(call)
                highs = probe.last()
            plan = run.plan
            assert plan is not None and plan.solver is not None
            pulp_build = spent["build_selection"]
            candidates = spent["generate"]
            solve_s = plan.solver.solve_seconds
            run_s = highs.get("highs_run_s", solve_s)
            parts["wall_s"].append(run.seconds)
            parts["setup_s"].append(spent["setup"])
            parts["candidates_s"].append(candidates)
            parts["pulp_model_s"].append(pulp_build)
            parts["other_build_s"].append(
                max(plan.solver.build_seconds - candidates - pulp_build, 0)
            )
            parts["transfer_s"].append(max(solve_s - run_s, 0.0))
            parts["highs_run_s"].append(run_s)
            parts["assembly_s"].append(
                max(run.seconds - spent["setup"] - plan.solver.build_seconds - solve_s, 0.0)
            )
            parts["columns"].append(highs.get("columns", 0))
            parts["rows"].append(highs.get("rows", 0))
            parts["nonzeros"].append(highs.get("nonzeros", 0))
        medians = {key: _median(values) for key, values in parts.items()}
        wall = medians["wall_s"]
        medians.update(
            {
                f"{key[:-2]}_share": medians[key] / wall
                for key in (
                    "setup_s",
                    "candidates_s",
                    "pulp_model_s",
                    "other_build_s",
                    "transfer_s",
                    "highs_run_s",
                    "assembly_s",
                )
            }
        )
        detail[name] = medians
    return {
        "day_profiles": _shares(days["rows"]),
        "weeks": _shares(weeks["rows"]),
        "baseline_instrumented": detail,
    }


def bench_synthetic(
    planner_for: Callable[[FoodCatalog], Planner],
    reference: FoodCatalog,
    sizes: list[int],
    repeats: int,
) -> dict[str, Any]:
    """Section 4: plan_day on synthetic catalogues (and the default one with the same targets)."""
    targets = synthetic_targets(BASELINE.targets)
    rows = []
    catalogs: list[tuple[str, int, FoodCatalog, float]] = [
        ("default", len(reference), reference, 0.0)
    ]
    for size in sizes:
        started = _now()
        catalog = synthetic_catalog(size, reference)
        catalogs.append((f"synthetic {size}", size, catalog, _now() - started))
    for label, size, catalog, made_s in catalogs:
        planner = planner_for(catalog)
        seconds, run = _repeat(lambda p=planner: p.plan_day(targets, BASELINE.preferences), repeats)
        row: dict[str, Any] = {
            "catalog": label,
            "foods": size,
            "catalog_build_s": made_s,
            "seconds": seconds,
            "feasible": run.plan is not None,
        }
        if run.plan is not None:
            violations = verify(run.plan, catalog, targets, BASELINE.preferences)
            row.update(
                violations=len(violations),
                violation_rules=sorted({v.rule for v in violations}),
                status=run.plan.solver.status if run.plan.solver else None,
                mip_gap=run.plan.solver.mip_gap if run.plan.solver else None,
                **_solver_parts(run.plan, seconds),
            )
        else:
            row["error"] = run.error
        rows.append(row)
    return {"targets": list(targets.keys()), "repeats": repeats, "rows": rows}


def bench_direct(
    planner: Planner,
    catalog: FoodCatalog,
    *,
    day_limit: float,
    week_limit: float,
    solve_array_week: bool,
) -> dict[str, Any]:
    """Section 5: the direct model, textbook and from arrays, for the baseline day and week."""
    day = {
        style: run_direct(planner, catalog, BASELINE, days=1, style=style, time_limit=day_limit)
        for style in ("textbook", "arrays")
    }
    week = {
        "textbook": run_direct(
            planner, catalog, BASELINE, days=7, style="textbook", time_limit=week_limit
        ),
        "arrays": run_direct(
            planner,
            catalog,
            BASELINE,
            days=7,
            style="arrays",
            time_limit=week_limit,
            solve_it=solve_array_week,
        ),
    }
    return {"day": day, "week": week}


def bench_memory(planner: Planner) -> dict[str, Any]:
    """Section 6: peak traced memory of one plan_day and one plan_week (baseline profile)."""
    targets = BASELINE.targets
    out = {}
    for name, call in (
        ("day", lambda: planner.plan_day(targets, BASELINE.preferences)),
        ("week", lambda: planner.plan_week(targets, BASELINE.preferences)),
    ):
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        call()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[f"{name}_peak_mib"] = peak / 2**20
        out[f"{name}_retained_mib"] = current / 2**20
    return out


# -- report ----------------------------------------------------------------------------------------


def _fmt_s(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"


def _fmt_x(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}×"


def _fmt_pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100 * value:.1f} %"


def table(results: dict[str, Any]) -> str:
    """The results as an aligned text table: label, value, ratio to the baseline, note."""
    base = results["baseline"]["seconds"]
    base_mem = results["memory"]["day_peak_mib"]
    lines: list[tuple[str, ...]] = []

    def section(title: str) -> None:
        lines.append(("",))
        lines.append((f"== {title}",))

    def row(label: str, value: str, ratio: str = "", note: str = "") -> None:
        lines.append((label, value, ratio, note))

    def timed(label: str, seconds: float | None, note: str = "", against: float = base) -> None:
        row(label, _fmt_s(seconds), _fmt_x(_ratio(seconds, against)), note)

    def state(r: dict[str, Any]) -> str:
        if not r["feasible"]:
            return "INFEASIBLE"
        return f"{r['status']}, gap {_fmt_pct(r['mip_gap'])}, {r['violations']} violations"

    b = results["baseline"]
    section("Baseline: plan_day, F34 omnivore, 4 meals, default catalogue")
    timed(
        f"median of 2 × {b['repeats']} runs", base, state({**b, "feasible": True}) + " (baseline)"
    )
    timed(f"  {b['repeats']} at the start (after a warm-up)", b["seconds_at_start"])
    timed(f"  {b['repeats']} at the end", b["seconds_at_end"], "start vs end = machine noise")

    d = results["days"]
    section(f"1. plan_day, {d['profiles']} profiles (each the median of {d['repeats']})")
    timed("p50", d["p50_s"])
    timed("p95", d["p95_s"])
    timed("max", d["max_s"])
    row("infeasible plans", str(d["infeasible"]))
    row("verify violations, all plans", str(d["violations"]))
    for r in d["rows"]:
        timed(f"  {r['case']}", r["seconds"], state(r))

    w = results["weeks"]
    section(f"2. plan_week, 7 days (median of {w['repeats']})")
    for r in w["rows"]:
        timed(f"  {r['case']}", r["seconds"], state(r))

    br = results["breakdown"]
    section("3. Where the time goes (shares of wall time)")
    for key, title in (("day_profiles", "plan_day, all profiles"), ("weeks", "plan_week, all")):
        s = br[key]
        row(
            title,
            f"build {_fmt_pct(s['build_share'])}",
            "",
            f"solve {_fmt_pct(s['solve_share'])}, "
            f"set-up + assembly {_fmt_pct(s['assembly_share'])} (SolverInfo)",
        )
    for name, detail in br["baseline_instrumented"].items():
        timed(
            f"baseline {name}, instrumented",
            detail["wall_s"],
            f"selection model {detail['columns']:.0f} cols × {detail['rows']:.0f} rows, "
            f"{detail['nonzeros']:.0f} nonzeros",
        )
        for part, words in (
            ("setup", "set-up (filter, arrays)"),
            ("candidates", "build: candidate meals"),
            ("pulp_model", "build: PuLP model"),
            ("other_build", "build: other"),
            ("transfer", "solve: PuLP → HiGHS"),
            ("highs_run", "solve: HiGHS run"),
            ("assembly", "plan assembly"),
        ):
            timed(f"    {words}", detail[part + "_s"], _fmt_pct(detail[part + "_share"]))

    sy = results["synthetic"]
    section("4. plan_day on synthetic catalogues (F34, targets of the 9 synthetic nutrients)")
    for r in sy["rows"]:
        note = (
            f"{state(r)}; build {_fmt_s(r['build_s'])}, solve {_fmt_s(r['solve_s'])}"
            if r["feasible"]
            else "INFEASIBLE"
        )
        timed(f"  {r['catalog']} ({r['foods']:,} foods)", r["seconds"], note)

    dr = results["direct"]
    planner_week = w["rows"][0]["seconds"]
    section("5. Direct per-food-per-meal model, F34 (ratios: × the planner's same horizon)")
    for horizon, planner_time in (("day", base), ("week", planner_week)):
        timed(f"planner {horizon} (reference)", planner_time, against=planner_time)
        for style, r in dr[horizon].items():
            timed(
                f"  {horizon}, {style}: build",
                r["build_s"],
                f"{r['variables']:,} variables, {r['constraints']:,} rows",
                against=planner_time,
            )
            if r["status"] == "not solved":
                row("    (built only; the same model as the textbook one)", "")
                continue
            found = r["first_feasible_wall_s"] is not None
            timed(
                "    first feasible (wall, incl. build)",
                r["first_feasible_wall_s"],
                f"objective {r['first_objective']:.3f}" if found else "no solution found",
                against=planner_time,
            )
            limited = r["status"] != "optimal"
            gap_limit = results["meta"]["planner"]["gap"]
            by_abs = r["status"] == "optimal" and (r["mip_gap"] or 0.0) > gap_limit + 1e-6
            objective = "—" if r["objective"] is None else f"{r['objective']:.3f}"
            timed(
                "    total (build + solve)",
                r["total_s"],
                f"{r['status']}, gap {_fmt_pct(r['mip_gap'])}, objective {objective}, "
                f"bound {r['dual_bound']:.3f}, limit {r['time_limit_s']:g} s"
                + (" (ratio is a lower bound)" if limited else "")
                + (f" (stopped on the absolute gap {PLANNER_ABS_GAP})" if by_abs else ""),
                against=planner_time,
            )
            timed(
                "    solve: PuLP → HiGHS",
                r["transfer_s"],
                f"HiGHS run {_fmt_s(r['highs_run_s'])}, {r['nodes']} nodes",
                against=planner_time,
            )
            if r["violations"] is not None:
                row("    verify violations of its plan", str(r["violations"]))
    row(
        "planner objectives (same terms)",
        f"{results['baseline']['objective']:.3f}",
        "",
        f"day; week {w['rows'][0]['objective']:.3f} (lower is better)",
    )

    m = results["memory"]
    section("6. Peak traced memory (tracemalloc: Python and numpy, not HiGHS's own)")
    row("plan_day", f"{m['day_peak_mib']:.1f} MiB", _fmt_x(_ratio(m["day_peak_mib"], base_mem)))
    row("plan_week", f"{m['week_peak_mib']:.1f} MiB", _fmt_x(_ratio(m["week_peak_mib"], base_mem)))

    meta = results["meta"]
    section("Run")
    row(
        "load average, 1 min",
        f"{meta['load_before'][0]} → {meta['load_after'][0]}",
        "",
        f"1/5/15 min before {meta['load_before']}, after {meta['load_after']}",
    )
    row("total benchmark time", _fmt_s(meta["total_s"]))

    full = [line for line in lines if len(line) == 4]
    widths = [max(len(line[i]) for line in full) + 2 for i in range(3)]
    out = [f"{'':<{widths[0]}}{'value':<{widths[1]}}{'× base':<{widths[2]}}note"]
    for line in lines:
        if len(line) == 1:
            out.append(line[0])
        else:
            label, value, ratio, note = line
            out.append(
                f"{label:<{widths[0]}}{value:<{widths[1]}}{ratio:<{widths[2]}}{note}".rstrip()
            )
    return "\n".join(out)


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat and short time limits")
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="JSON file (default: %(default)s)"
    )
    parser.add_argument("--sizes", type=str, default=None, help="synthetic sizes, e.g. 1000,8000")
    args = parser.parse_args(argv)

    repeats = 1 if args.quick else 3
    day_limit = 10.0 if args.quick else 30.0
    week_limit = 15.0 if args.quick else 60.0
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = [1000] if args.quick else [1000, 8000]

    started = _now()
    load_before = [round(v, 2) for v in os.getloadavg()]
    catalog_started = _now()
    catalog = FoodCatalog.default()
    catalog_s = _now() - catalog_started
    planner = Planner(catalog)

    def log(text: str) -> None:
        print(f"[{_now() - started:7.1f} s] {text}", file=sys.stderr, flush=True)

    log(f"default catalogue: {len(catalog)} foods in {catalog_s:.2f} s; baseline")
    targets = BASELINE.targets
    planner.plan_day(targets, BASELINE.preferences)  # warm-up: imports, HiGHS banner, caches
    base_repeats = 3 if args.quick else 7
    base_samples, base_run = _samples(
        lambda: planner.plan_day(targets, BASELINE.preferences), base_repeats
    )
    assert isinstance(base_run.plan, DayPlan) and base_run.plan.solver is not None
    baseline: dict[str, Any] = {
        "case": BASELINE.label,
        "repeats": base_repeats,
        "seconds_at_start": _median(base_samples),
        "status": base_run.plan.solver.status,
        "mip_gap": base_run.plan.solver.mip_gap,
        "objective": base_run.plan.solver.objective,
        "violations": len(verify(base_run.plan, catalog, targets, BASELINE.preferences)),
        **_solver_parts(base_run.plan, _median(base_samples)),
    }

    log("1. plan_day over the profiles")
    days = bench_days(planner, catalog, repeats)
    log("2. plan_week")
    weeks = bench_weeks(planner, catalog, 1 if args.quick else 2)
    log("3. breakdown")
    breakdown = bench_breakdown(planner, days, weeks, repeats=3 if args.quick else 5)
    log(f"4. synthetic catalogues {sizes}")
    synthetic = bench_synthetic(Planner, catalog, sizes, repeats)
    log(f"5. direct model (day limit {day_limit:g} s, week limit {week_limit:g} s)")
    direct = bench_direct(
        planner,
        catalog,
        day_limit=day_limit,
        week_limit=week_limit,
        solve_array_week=not args.quick,
    )
    log("6. memory")
    memory = bench_memory(planner)
    log("baseline again (drift check)")
    end_samples, _ = _samples(lambda: planner.plan_day(targets, BASELINE.preferences), base_repeats)
    baseline["seconds_at_end"] = _median(end_samples)
    # The baseline: the median of both rounds, so that drift during the run evens out.
    base_s = _median(base_samples + end_samples)
    baseline["seconds"] = base_s

    results: dict[str, Any] = {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": "quick" if args.quick else "full",
            "python": platform.python_version(),
            "pulp": metadata.version("pulp"),
            "highspy": metadata.version("highspy"),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "catalog_foods": len(catalog),
            "catalog_load_s": catalog_s,
            "planner": {"time_limit": planner.time_limit, "gap": planner.gap},
            "direct_limits_s": {"day": day_limit, "week": week_limit},
            "load_before": load_before,
            "note": "wall times on a shared 2-core machine; compare ratios within one run",
        },
        "baseline": baseline,
        "days": days,
        "weeks": weeks,
        "breakdown": breakdown,
        "synthetic": synthetic,
        "direct": direct,
        "memory": memory,
    }
    results["ratios"] = {
        "day_p50": _ratio(days["p50_s"], base_s),
        "day_p95": _ratio(days["p95_s"], base_s),
        "weeks": {r["case"]: _ratio(r["seconds"], base_s) for r in weeks["rows"]},
        "synthetic": {r["catalog"]: _ratio(r["seconds"], base_s) for r in synthetic["rows"]},
        "textbook_day_over_planner_day": _ratio(direct["day"]["textbook"]["total_s"], base_s),
        "arrays_day_over_planner_day": _ratio(direct["day"]["arrays"]["total_s"], base_s),
        "textbook_week_over_planner_week": _ratio(
            direct["week"]["textbook"]["total_s"], weeks["rows"][0]["seconds"]
        ),
        "textbook_build_over_arrays_build_day": _ratio(
            direct["day"]["textbook"]["build_s"], direct["day"]["arrays"]["build_s"]
        ),
        "textbook_build_over_arrays_build_week": _ratio(
            direct["week"]["textbook"]["build_s"], direct["week"]["arrays"]["build_s"]
        ),
        "week_peak_memory_over_day": _ratio(memory["week_peak_mib"], memory["day_peak_mib"]),
    }
    results["meta"]["load_after"] = [round(v, 2) for v in os.getloadavg()]
    results["meta"]["total_s"] = _now() - started

    print(table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_round(results), indent=2, ensure_ascii=False) + "\n")
    log(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
