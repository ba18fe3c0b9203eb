"""The direct diet model: one free-form list of foods (the classic diet problem), as arrays.

Columns ``n[f] ≥ 0``: units of food ``f`` (a unit is a serving, or half of one where the food
allows half servings), integer or continuous; then, in the integer model, the on/off switches
``y[f]`` of the foods with a minimum serving; then ``dev``, the distance from the calorie
target, when the objective has one. Per unit, ``e[f]`` its kcal, ``a[f,k]`` its nutrients,
``p[f]`` its cost, ``w[f]`` its points. The rows are those of the selection model's day
(:mod:`._families`: energy range, nutrient bounds, budget) over foods instead of meals.

Built as arrays (:mod:`._arrays`): over the full catalogue it has 15,153 columns, and PuLP's
term-by-term build cost more than the solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mealplan.optimize import _families as families
from mealplan.optimize._arrays import ArrayModel, ModelBuilder
from mealplan.optimize._candidates import Floats, Ints
from mealplan.optimize._problem import Bounds, FoodTable


@dataclass(frozen=True)
class DirectModel:
    model: ArrayModel
    #: Servings per unit of each food's column (0.5 for half steps).
    unit: Floats

    def servings(self, values: Floats) -> Floats:
        """Servings per food from a solution's column values."""
        served: Floats = values[: len(self.unit)] * self.unit
        return served


def build_direct(
    foods: FoodTable,
    bounds: Bounds,
    *,
    integer: bool,
    objective: str,
    energy_target: float,
    calorie_weight: float,
    cost_weight: float,
    budget: float | None,
    max_per_food: Floats,
) -> DirectModel:
    """The direct model. ``objective="cost"`` minimizes the day's cost; otherwise points
    (preference, cost when every cost is known) plus the distance from ``energy_target``.

    With continuous amounts the model is an LP: a food's minimum serving needs an on/off
    switch, which only the integer model has (relaxed, a switch would allow any amount)."""
    m = ModelBuilder()
    unit = foods.step if integer else np.ones(len(foods))
    upper = np.floor(max_per_food / unit + 1e-9)
    n = m.columns("n", len(foods), upper=upper, integer=integer)
    energy = foods.energy * unit
    m.add_rows(n, families.energy_rows(energy, bounds))
    rows, _ = families.nutrient_rows(foods.nutrients * unit[:, None], bounds, bounds.low, energy)
    m.add_rows(n, rows)
    if integer:
        minimum_servings(m, n, np.ceil(foods.min_servings / unit - 1e-9), upper)
    cost = foods.cost * unit
    m.add_rows(n, families.budget_rows(cost, budget, "budget"))
    if objective == "cost":
        m.set_cost(n, np.nan_to_num(cost, nan=0.0))
    else:
        points = foods.score * unit
        if cost_weight > 0 and np.all(np.isfinite(cost)):
            points = points + cost_weight * cost
        m.set_cost(n, points)
        calorie_distance(m, n, energy, energy_target, calorie_weight)
    return DirectModel(m.build(), unit)


def minimum_servings(m: ModelBuilder, n: Ints, minimum: Floats, upper: Floats) -> None:
    """A food is either left out or served at least its minimum: with a binary ``y[f]``,
    ``n[f] − m[f]·y[f] ≥ 0`` and ``n[f] − u[f]·y[f] ≤ 0``, for the foods whose minimum is more
    than one unit. Columns ``y_{f}``, rows ``min_serving_{f}``, ``max_serving_{f}``."""
    for i in np.flatnonzero(minimum > 1).tolist():
        on = m.column(f"y_{i}", upper=1.0, integer=True)
        pair = np.array([n[i], on])
        m.row(f"min_serving_{i}", pair, np.array([1.0, -minimum[i]]), lower=0.0)
        m.row(f"max_serving_{i}", pair, np.array([1.0, -upper[i]]), upper=0.0)


def calorie_distance(
    m: ModelBuilder, n: Ints, energy: Floats, target: float, calorie_weight: float
) -> None:
    """``+ w_kcal/100·δ`` in the objective, with ``δ ≥ |Σ_f e[f]·n[f] − T|`` as two rows:
    ``δ − Σ e·n ≥ −T`` (``dev_hi``) and ``δ + Σ e·n ≥ T`` (``dev_lo``). Column ``dev``."""
    dev = m.column("dev", cost=calorie_weight / 100.0)
    columns = np.append(n, dev)
    m.row("dev_hi", columns, np.append(-energy, 1.0), lower=-target)
    m.row("dev_lo", columns, np.append(energy, 1.0), lower=target)
