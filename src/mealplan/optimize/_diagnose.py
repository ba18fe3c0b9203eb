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

from mealplan.optimize import _families as families
from mealplan.optimize._arrays import ModelBuilder, Row
from mealplan.optimize._candidates import Ints
from mealplan.optimize._problem import Bounds, FoodTable
from mealplan.optimize._solve import solve_arrays


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


def _free_amounts(
    m: ModelBuilder,
    foods: FoodTable,
    bounds: Bounds,
    max_servings: npt.NDArray[np.float64],
    budget: float | None,
) -> Ints:
    """Columns ``n_{f}`` (servings, free up to ``max_servings``) within the energy range, the
    nutrient maximums at the energy target and the budget; returns the columns."""
    n = m.columns("n", len(foods), upper=max_servings)
    m.add_rows(n, families.energy_rows(foods.energy, bounds))
    m.add_rows(
        n,
        [
            Row(f"max_{key}", foods.nutrients[:, k], upper=float(bounds.high[k]))
            for k, key in enumerate(bounds.keys)
            if not np.isnan(bounds.high[k])
        ],
    )
    m.add_rows(n, families.budget_rows(foods.cost, budget, "budget"))
    return n


def shortfalls(
    foods: FoodTable,
    bounds: Bounds,
    max_servings: npt.NDArray[np.float64],
    budget: float | None = None,
) -> list[Shortfall]:
    """Minimums the allowed foods cannot reach in free amounts (within the energy range, the
    maximums and the daily budget), with the most each can reach: ``min Σ_k s[k]/low[k]`` with
    ``Σ_f a[f,k]·n[f] + s[k] ≥ low[k]``."""
    minimums = [
        k for k in range(len(bounds.keys)) if not np.isnan(bounds.low[k]) and bounds.low[k] > 0
    ]
    if len(foods) == 0:
        return [
            Shortfall(bounds.keys[k], float(bounds.low[k]), 0.0, bounds.units[k]) for k in minimums
        ]
    m = ModelBuilder()
    n = _free_amounts(m, foods, bounds, max_servings, budget)
    slacks = {}
    for k in minimums:
        low = float(bounds.low[k])
        slack = m.column(f"slack_{bounds.keys[k]}", cost=1.0 / low)
        slacks[k] = slack
        columns = np.append(n, slack)
        m.row(f"min_{bounds.keys[k]}", columns, np.append(foods.nutrients[:, k], 1.0), lower=low)
    _, values = solve_arrays(m.build())
    if values is None:
        raise EnergyUnreachable
    return [
        Shortfall(
            bounds.keys[k],
            float(bounds.low[k]),
            _most_reachable(foods, bounds, max_servings, k, budget),
            bounds.units[k],
        )
        for k, slack in slacks.items()
        if values[slack] > 1e-6 * bounds.low[k]
    ]


def _most_reachable(
    foods: FoodTable,
    bounds: Bounds,
    max_servings: npt.NDArray[np.float64],
    k: int,
    budget: float | None,
) -> float:
    """``max Σ_f a[f,k]·n[f]`` in free amounts."""
    m = ModelBuilder()
    n = _free_amounts(m, foods, bounds, max_servings, budget)
    m.set_cost(n, foods.nutrients[:, k])
    result, _ = solve_arrays(m.build(maximize=True))
    return max(0.0, result.objective or 0.0)
