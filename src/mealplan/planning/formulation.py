"""The planning problem and its candidate pools, handed to the optimizer's model builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mealplan.domain.vocabulary import MAIN_ROLES
from mealplan.optimize._model import (
    DirectModel,
    SelectionModel,
    WeekRules,
    build_direct,
    build_selection,
)
from mealplan.planning.pools import CandidatePools
from mealplan.planning.problem import PlanningProblem

#: Points per whole nutrient minimum a declared-shortfall menu misses: a week scores about 5-50
#: points, so 1 % of one minimum (10 points) outweighs any difference in taste or calories.
SHORTFALL_PENALTY = 1000.0


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
    rules = WeekRules(
        main_foods=np.isin(problem.foods.roles, MAIN_ROLES),
        max_repeats=preferences.max_repeats_per_week,
        exempt=frozenset(position for v in locks.values() for position, _ in v),
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
            "shortfall_penalty": (
                SHORTFALL_PENALTY if preferences.shortfalls == "declare" else None
            ),
        },
    )


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
