"""The planning problem and its candidate pools, handed to the optimizer's model builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mealplan.domain.food_patterns import GRAINS, WHOLE_GRAINS
from mealplan.domain.vocabulary import MAIN_ROLES
from mealplan.optimize._candidates import Candidates
from mealplan.optimize._direct import DirectModel, build_direct
from mealplan.optimize._model import GroupBands, SelectionModel, WeekRules, build_selection
from mealplan.planning.pools import CandidatePools
from mealplan.planning.problem import PlanningProblem

#: Points per whole nutrient minimum a menu misses (the minimums are elastic rows: a start for
#: the solver, and a declared shortfall's size). A week scores about 5-50 points, so 0.01 % of
#: a minimum (10 points) outweighs any difference in taste, portions or calories: at 1,000 a
#: menu kept vitamin D 0.005 % short rather than move a portion half a step. A request that
#: refuses shortfalls throws away a menu that misses (with hard minimums, HiGHS found no menu
#: of a 70-year-old man's pescatarian week in 10 s; elastic, the optimum in 7 s).
SHORTFALL_PENALTY = 100_000.0
#: A menu misses a minimum when its slack exceeds this share of the minimum.
SHORTFALL_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SelectionArguments:
    """What :func:`~mealplan.optimize.build_selection` is given for a problem and its pools."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]


def selection_arguments(problem: PlanningProblem, pools: CandidatePools) -> SelectionArguments:
    """One candidate per slot and day under the day's bounds and the week's variety rules;
    locked foods are exempt from the variety rules."""
    preferences = problem.preferences
    locks = problem.locks
    weeks = -(-problem.days // 7)
    cap = preferences.max_distinct_foods
    kinds = preferences.max_staple_kinds
    rules = WeekRules(
        main_foods=np.isin(problem.foods.roles, MAIN_ROLES),
        max_repeats=preferences.max_repeats_per_week,
        exempt=frozenset(position for v in locks.values() for position, _ in v),
        counted=problem.plates.counted if problem.days > 1 else None,
        max_distinct=distinct_cap(cap, problem.days),
        staples=problem.plates.staples,
        max_staple_kinds=None if kinds is None else kinds * weeks,
    )
    bands = preferences.energy_bands()
    return SelectionArguments(
        (
            pools.pools,
            [bands[spec.meal] for spec in problem.slots],
            problem.bounds,
            problem.foods,
        ),
        {
            "days": problem.days,
            "rules": rules,
            "slot_targets": [spec.share * problem.energy_target for spec in problem.slots],
            "calorie_weight": preferences.weights.calorie_deviation,
            "cost_weight": preferences.weights.cost,
            "budget": preferences.budget_per_day,
            "open_on": pools.open_on,
            "required": {key: tuple(p for p, _ in v) for key, v in locks.items()},
            "fixed": pools.fixed,
            "shortfall_penalty": SHORTFALL_PENALTY,
            "group_bands": group_bands(problem),
            "meal_families": {
                s: meal_families(pool)
                for s, (spec, pool) in enumerate(zip(problem.slots, pools.pools, strict=True))
                if spec.meal not in REPEATABLE_MEALS
            },
            "group_penalty": GROUP_PENALTY,
            "pattern_weight": preferences.weights.pattern_repeat,
            "leftovers": pools.leftovers,
            "min_leftovers": min_leftovers(problem.days)
            if pools.leftovers and not pools.fixed
            else 0,
        },
    )


#: Points per whole pattern amount a food group falls outside its band: 1 % of the pattern
#: costs 5 points, about a week's whole score for taste and calories, so a band gives way only
#: to the nutrient minimums (100,000 points each, see SHORTFALL_PENALTY) and the meal rules.
GROUP_PENALTY = 50.0


#: Meals people happily eat the same way on several days of a week (cereal with milk and a
#: banana); any other meal is served at most once a week, leftovers aside.
REPEATABLE_MEALS = ("breakfast", "snack")


def meal_families(pool: Candidates) -> np.ndarray:
    """Per candidate, the first candidate of the pool with the same foods and servings."""
    first: dict[tuple[tuple[int, ...], tuple[float, ...]], int] = {}
    return np.array(
        [
            first.setdefault((f, s), c)
            for c, (f, s) in enumerate(zip(pool.foods, pool.servings, strict=True))
        ],
        dtype=int,
    )


def group_bands(problem: PlanningProblem) -> GroupBands | None:
    """The plan's food-group bands, per day, from the food pattern and the preferences."""
    level, bounds = problem.food_pattern, problem.preferences.food_groups
    if level is None or bounds is None:
        return None
    keys = tuple(level.amounts)
    limits = bounds.limits(level)
    return GroupBands(
        keys=keys,
        amount=np.array([level.amounts[k] for k in keys]),
        low=np.array([limits[k][0] if k in limits else np.nan for k in keys]),
        high=np.array([limits[k][1] if k in limits else np.nan for k in keys]),
        whole=keys.index(WHOLE_GRAINS),
        grains=keys.index(GRAINS),
        whole_share=bounds.whole_grain_share,
    )


#: Leftover lunches a plan with ``leftovers=True`` holds at least, per 7 days.
LEFTOVERS_PER_WEEK = 3


def min_leftovers(days: int) -> int:
    """At least 3 leftover lunches a week (fewer in a shorter plan: one per two days)."""
    return min(days // 2, -(-LEFTOVERS_PER_WEEK * days // 7))


def distinct_cap(cap: int | None, days: int) -> int | None:
    """The distinct-food cap of a plan: the weekly cap for up to 7 days, scaled by days / 7
    beyond (a fortnight shops twice)."""
    if cap is None:
        return None
    return cap if days <= 7 else -(-cap * days // 7)


def misses_a_minimum(model: SelectionModel) -> bool:
    """Whether the solved model's menu falls short of a nutrient minimum (an elastic row's
    slack above :data:`SHORTFALL_TOLERANCE` of its minimum)."""
    rows = {str(row.name): row for row in model.problem.constraints()}
    for variable in model.problem.variables():
        name = str(variable.name)
        if not name.startswith("short_"):
            continue
        row_name = name.removeprefix("short_")
        if row_name in model.minimum_scales:
            minimum = model.minimum_scales[row_name]
        else:
            minimum = -float(rows[row_name].constant)
        if (variable.varValue or 0.0) > SHORTFALL_TOLERANCE * max(minimum, 1.0):
            return True
    return False


def selection_model(problem: PlanningProblem, pools: CandidatePools) -> SelectionModel:
    """The selection model of :func:`selection_arguments`."""
    arguments = selection_arguments(problem, pools)
    return build_selection(*arguments.args, **arguments.kwargs)


def direct_model(problem: PlanningProblem, *, integer: bool, objective: str) -> DirectModel:
    """One free-form list of foods, each within its own serving range as in one meal."""
    foods = problem.foods
    target = problem.energy_target if not np.isnan(problem.energy_target) else 0.0
    return build_direct(
        foods,
        problem.bounds,
        integer=integer,
        objective=objective,
        energy_target=target,
        calorie_weight=problem.preferences.weights.calorie_deviation,
        cost_weight=problem.preferences.weights.cost,
        budget=problem.preferences.budget_per_day,
        max_per_food=np.where(np.isfinite(foods.max_servings), foods.max_servings, 1e4),
    )
