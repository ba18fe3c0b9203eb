"""Why no plan exists: elastic models with a slack on each target.

Two questions, each answered by a small LP:
1. With the allowed foods in *free* amounts (no meals, no serving steps), which minimums can
   still not be met, and what is the most each of those nutrients can reach inside the energy
   range? A shortfall here is a fact about the foods, not about the solver.
2. If every minimum is reachable in free amounts, the structure (meals, servings, variety) is
   the obstacle; the caller then names the structural conflicts it can see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pulp

from mealplan.optimize._problem import Bounds, FoodTable
from mealplan.optimize._solve import solve


class EnergyUnreachable(Exception):
    """The energy range itself cannot be met with the maximums and the budget: no nutrient
    minimum is to blame."""


@dataclass(frozen=True)
class Shortfall:
    """A minimum that cannot be met: the most that can be reached, and the target."""

    nutrient: str
    required: float
    achievable: float
    unit: str


def _free_amount_model(
    foods: FoodTable, bounds: Bounds, max_servings: npt.NDArray[np.float64], budget: float | None
) -> tuple[pulp.LpProblem, list[pulp.LpVariable], pulp.LpAffineExpression]:
    problem = pulp.LpProblem("mealplan_elastic", pulp.LpMinimize)
    amounts = [
        problem.add_variable(f"n_{i}", lowBound=0, upBound=float(max_servings[i]))
        for i in range(len(foods))
    ]
    energy = pulp.LpAffineExpression(list(zip(amounts, foods.energy.tolist(), strict=True)))
    problem.addConstraint(energy >= bounds.energy_low, "energy_lo")
    problem.addConstraint(energy <= bounds.energy_high, "energy_hi")
    for k, key in enumerate(bounds.keys):
        if not np.isnan(bounds.high[k]):
            column = foods.nutrients[:, k].tolist()
            expr = pulp.LpAffineExpression(list(zip(amounts, column, strict=True)))
            problem.addConstraint(expr <= bounds.high[k], f"max_{key}")
    if budget is not None and np.all(np.isfinite(foods.cost)):
        spend = pulp.LpAffineExpression(list(zip(amounts, foods.cost.tolist(), strict=True)))
        problem.addConstraint(spend <= budget, "budget")
    return problem, amounts, energy


def shortfalls(
    foods: FoodTable,
    bounds: Bounds,
    max_servings: npt.NDArray[np.float64],
    budget: float | None = None,
) -> list[Shortfall]:
    """Minimums the allowed foods cannot reach in free amounts (within the energy range, the
    maximums and the daily budget), with the most each can reach."""
    if len(foods) == 0:
        return [
            Shortfall(key, float(bounds.low[k]), 0.0, bounds.units[k])
            for k, key in enumerate(bounds.keys)
            if not np.isnan(bounds.low[k]) and bounds.low[k] > 0
        ]
    problem, amounts, _ = _free_amount_model(foods, bounds, max_servings, budget)
    slacks: dict[int, pulp.LpVariable] = {}
    objective = []
    for k, key in enumerate(bounds.keys):
        low = bounds.low[k]
        if np.isnan(low) or low <= 0:
            continue
        slack = problem.add_variable(f"slack_{key}", lowBound=0)
        slacks[k] = slack
        column = foods.nutrients[:, k].tolist()
        expr = pulp.LpAffineExpression(list(zip(amounts, column, strict=True)))
        problem.addConstraint(expr + slack >= low, f"min_{key}")
        objective.append((slack, 1.0 / low))
    problem.setObjective(pulp.LpAffineExpression(objective))
    result = solve(problem, mip=False)
    if not result.has_solution:
        raise EnergyUnreachable
    short = [k for k, slack in slacks.items() if (slack.varValue or 0.0) > 1e-6 * bounds.low[k]]
    found = []
    for k in short:
        found.append(
            Shortfall(
                bounds.keys[k],
                float(bounds.low[k]),
                _most_reachable(foods, bounds, max_servings, k, budget),
                bounds.units[k],
            )
        )
    return found


def _most_reachable(
    foods: FoodTable,
    bounds: Bounds,
    max_servings: npt.NDArray[np.float64],
    k: int,
    budget: float | None,
) -> float:
    problem, amounts, _ = _free_amount_model(foods, bounds, max_servings, budget)
    column = foods.nutrients[:, k].tolist()
    problem.sense = pulp.LpMaximize
    problem.setObjective(pulp.LpAffineExpression(list(zip(amounts, column, strict=True))))
    result = solve(problem, mip=False)
    if not result.has_solution:
        return 0.0
    return max(0.0, float(pulp.value(problem.objective) or 0.0))
