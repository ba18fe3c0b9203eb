"""PuLP models built from arrays: the candidate-selection model and the direct model.

Selection model (the default): binary ``x[d, c]`` picks candidate meal ``c`` for its slot on day
``d``. Rows: one candidate per slot and day; nutrient minimums per day (or per week for the
nutrients met as a weekly average) and maximums per day; the energy range; each meal's share of
the day's energy; a main food at most once a day, never on consecutive days and at most N times
a week; each candidate at most once a week (so no two days are the same); the daily budget;
locks. Objective (points, lower is better), linear in the candidates so that the LP relaxation
bounds it tightly: each meal's distance from its share of the day's calorie target (which bounds
the day's distance from the target), preference and serving-size points, cost.

Direct model (free-form lists and continuous amounts): servings ``n[f]`` per food, integer in
steps of a half or a whole serving, or continuous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pulp

from mealplan.optimize._candidates import Candidates
from mealplan.optimize._problem import Bounds, FoodArrays


def _expr(variables: list[pulp.LpVariable], coefficients: np.ndarray) -> pulp.LpAffineExpression:
    pairs = [(v, float(c)) for v, c in zip(variables, coefficients, strict=True) if c != 0.0]
    return pulp.LpAffineExpression(pairs)


def _add(
    problem: pulp.LpProblem, expr: pulp.LpAffineExpression, sense: int, rhs: float, name: str
) -> None:
    problem.addConstraint(pulp.LpConstraint(expr, sense=sense, rhs=float(rhs), name=name))


@dataclass(frozen=True)
class WeekRules:
    """The variety rules of the selection model."""

    main_foods: np.ndarray  # bool per food
    max_repeats: int
    exempt: frozenset[int] = frozenset()


@dataclass
class SelectionModel:
    problem: pulp.LpProblem
    #: x[day][slot] → the variables of the candidates open on that day, and their indices.
    x: list[list[list[pulp.LpVariable]]]
    index: list[list[np.ndarray]]


def build_selection(
    slots: list[Candidates],
    bands: list[tuple[float, float]],
    bounds: Bounds,
    foods: FoodArrays,
    *,
    days: int,
    rules: WeekRules,
    slot_targets: list[float],
    calorie_weight: float,
    cost_weight: float,
    budget: float | None,
    open_on: list[np.ndarray] | None = None,
    required: dict[tuple[int, int], tuple[int, ...]] | None = None,
    fixed: dict[tuple[int, int], int] | None = None,
) -> SelectionModel:
    """The selection MILP.

    ``open_on[s][c]`` is the day (0-based) candidate ``c`` of slot ``s`` may be served on, or -1
    for any day (then it is served at most once a week). Giving each day its own candidates
    keeps the model small and breaks the symmetry between days, which is what makes a week fast.
    ``required[(day, slot)] = foods`` forces foods into that meal; ``fixed[(day, slot)] = c``
    keeps a meal as it was.
    """
    problem = pulp.LpProblem("mealplan_selection", pulp.LpMinimize)
    open_on = open_on or [np.full(len(slot), -1) for slot in slots]
    index = [
        [np.flatnonzero((open_on[s] == d) | (open_on[s] < 0)) for s in range(len(slots))]
        for d in range(days)
    ]
    x = [
        [
            [problem.add_variable(f"x_{d}_{s}_{c}", cat=pulp.LpBinary) for c in index[d][s]]
            for s in range(len(slots))
        ]
        for d in range(days)
    ]
    has_cost = cost_weight > 0 and all(np.all(np.isfinite(slot.cost)) for slot in slots)
    slot_weights = []
    for s, slot in enumerate(slots):
        weights = slot.score + calorie_weight * np.abs(slot.energy - slot_targets[s]) / 100.0
        slot_weights.append(weights + cost_weight * slot.cost if has_cost else weights)

    objective: list[tuple[pulp.LpVariable, float]] = []
    for d in range(days):
        day_vars = [v for s in range(len(slots)) for v in x[d][s]]

        def day_column(values: list[np.ndarray], d: int = d) -> np.ndarray:
            return np.concatenate([values[s][index[d][s]] for s in range(len(slots))])

        objective += list(zip(day_vars, day_column(slot_weights).tolist(), strict=True))
        for s in range(len(slots)):
            _add(
                problem,
                pulp.LpAffineExpression([(v, 1.0) for v in x[d][s]]),
                pulp.LpConstraintEQ,
                1,
                f"one_{d}_{s}",
            )
        energy = day_column([slot.energy for slot in slots])
        day_energy = _expr(day_vars, energy)
        _add(problem, day_energy, pulp.LpConstraintGE, bounds.energy_low, f"energy_lo_{d}")
        _add(problem, day_energy, pulp.LpConstraintLE, bounds.energy_high, f"energy_hi_{d}")
        nutrients = np.vstack([slot.nutrients[index[d][s]] for s, slot in enumerate(slots)])
        for k, key in enumerate(bounds.keys):
            if not np.isnan(bounds.low[k]) and not (bounds.weekly[k] and days > 1):
                _add(
                    problem,
                    _expr(day_vars, nutrients[:, k]),
                    pulp.LpConstraintGE,
                    bounds.low[k],
                    f"min_{key}_{d}",
                )
            if not np.isnan(bounds.high[k]):
                _add(
                    problem,
                    _expr(day_vars, nutrients[:, k]),
                    pulp.LpConstraintLE,
                    bounds.high[k],
                    f"max_{key}_{d}",
                )
        if len(slots) > 1:
            sizes = np.cumsum([0] + [len(index[d][s]) for s in range(len(slots))])
            for s in range(len(slots)):
                low, high = bands[s]
                share = np.zeros(len(energy))
                share[sizes[s] : sizes[s + 1]] = energy[sizes[s] : sizes[s + 1]]
                _add(
                    problem,
                    _expr(day_vars, share - low * energy),
                    pulp.LpConstraintGE,
                    0,
                    f"band_lo_{d}_{s}",
                )
                _add(
                    problem,
                    _expr(day_vars, share - high * energy),
                    pulp.LpConstraintLE,
                    0,
                    f"band_hi_{d}_{s}",
                )
        cost = day_column([slot.cost for slot in slots])
        if budget is not None and np.all(np.isfinite(cost)):
            _add(problem, _expr(day_vars, cost), pulp.LpConstraintLE, budget, f"budget_{d}")

    if days > 1:
        for k, key in enumerate(bounds.keys):
            if bounds.weekly[k] and not np.isnan(bounds.low[k]):
                pairs = [
                    (v, float(slot.nutrients[c, k]))
                    for d in range(days)
                    for s, slot in enumerate(slots)
                    for v, c in zip(x[d][s], index[d][s], strict=True)
                    if slot.nutrients[c, k]
                ]
                _add(
                    problem,
                    pulp.LpAffineExpression(pairs),
                    pulp.LpConstraintGE,
                    bounds.low[k] * days,
                    f"week_min_{key}",
                )
        for s in range(len(slots)):
            for c in np.flatnonzero(open_on[s] < 0):
                uses = [x[d][s][int(np.searchsorted(index[d][s], c))] for d in range(days)]
                _add(
                    problem,
                    pulp.LpAffineExpression([(v, 1.0) for v in uses]),
                    pulp.LpConstraintLE,
                    1,
                    f"once_{s}_{c}",
                )

    # Main foods: the variables, per day, of the candidates that carry each one.
    carriers: dict[int, list[list[pulp.LpVariable]]] = {}
    for d in range(days):
        for s, slot in enumerate(slots):
            for v, c in zip(x[d][s], index[d][s], strict=True):
                for food in slot.foods[c]:
                    if rules.main_foods[food] and food not in rules.exempt:
                        carriers.setdefault(food, [[] for _ in range(days)])[d].append(v)
    for food, per_day_vars in sorted(carriers.items()):
        per_day = [pulp.LpAffineExpression([(v, 1.0) for v in vs]) for vs in per_day_vars]
        for d in range(days):
            if len(per_day_vars[d]) > 1:
                _add(problem, per_day[d], pulp.LpConstraintLE, 1, f"daily_{food}_{d}")
        for d in range(days - 1):
            if per_day_vars[d] and per_day_vars[d + 1]:
                _add(
                    problem,
                    per_day[d] + per_day[d + 1],
                    pulp.LpConstraintLE,
                    1,
                    f"consecutive_{food}_{d}",
                )
        if sum(1 for vs in per_day_vars if vs) > rules.max_repeats:
            _add(
                problem,
                pulp.lpSum(per_day),
                pulp.LpConstraintLE,
                rules.max_repeats,
                f"repeats_{food}",
            )

    for (d, s), locked in sorted((required or {}).items()):
        for food in locked:
            carriers_here = [
                v for v, c in zip(x[d][s], index[d][s], strict=True) if food in slots[s].foods[c]
            ]
            _add(
                problem,
                pulp.LpAffineExpression([(v, 1.0) for v in carriers_here]),
                pulp.LpConstraintEQ,
                1,
                f"lock_{d}_{s}_{food}",
            )
    for (d, s), c in sorted((fixed or {}).items()):
        position = int(np.searchsorted(index[d][s], c))
        _add(
            problem,
            pulp.LpAffineExpression([(x[d][s][position], 1.0)]),
            pulp.LpConstraintEQ,
            1,
            f"keep_{d}_{s}",
        )
    problem.setObjective(pulp.LpAffineExpression(objective))
    return SelectionModel(problem, x, index)


def chosen(model: SelectionModel) -> list[list[int]]:
    """The candidate picked for each day and slot."""
    return [
        [
            int(model.index[d][s][int(np.argmax([v.varValue or 0.0 for v in slot_vars]))])
            for s, slot_vars in enumerate(day)
        ]
        for d, day in enumerate(model.x)
    ]


@dataclass
class DirectModel:
    problem: pulp.LpProblem
    amounts: list[pulp.LpVariable]  # servings (or half-servings) per food
    unit: np.ndarray  # servings per unit of the variable (0.5 for half steps)


def build_direct(
    foods: FoodArrays,
    bounds: Bounds,
    *,
    integer: bool,
    objective: str,
    energy_target: float,
    calorie_weight: float,
    cost_weight: float,
    budget: float | None,
    max_per_food: np.ndarray,
) -> DirectModel:
    """The direct diet model over one free-form list of foods (the classic diet problem)."""
    problem = pulp.LpProblem("mealplan_direct", pulp.LpMinimize)
    unit = foods.step if integer else np.ones(len(foods))
    upper = np.floor(max_per_food / unit + 1e-9)
    category = pulp.LpInteger if integer else pulp.LpContinuous
    amounts = [
        problem.add_variable(f"n_{i}", lowBound=0, upBound=float(upper[i]), cat=category)
        for i in range(len(foods))
    ]
    energy = foods.energy * unit
    day_energy = _expr(amounts, energy)
    if not np.isnan(bounds.energy_low):
        _add(problem, day_energy, pulp.LpConstraintGE, bounds.energy_low, "energy_lo")
    if not np.isnan(bounds.energy_high):
        _add(problem, day_energy, pulp.LpConstraintLE, bounds.energy_high, "energy_hi")
    for k, key in enumerate(bounds.keys):
        column = foods.nutrients[:, k] * unit
        if not np.isnan(bounds.low[k]):
            _add(problem, _expr(amounts, column), pulp.LpConstraintGE, bounds.low[k], f"min_{key}")
        if not np.isnan(bounds.high[k]):
            _add(problem, _expr(amounts, column), pulp.LpConstraintLE, bounds.high[k], f"max_{key}")
    # A food's minimum serving, when above what one step gives, needs an on/off switch.
    minimum = np.ceil(foods.min_servings / unit - 1e-9) if integer else foods.min_servings
    for i in np.flatnonzero(minimum > (1 if integer else 0)):
        on = problem.add_variable(f"y_{i}", cat=pulp.LpBinary)
        _add(
            problem,
            pulp.LpAffineExpression([(amounts[i], 1.0), (on, -float(minimum[i]))]),
            pulp.LpConstraintGE,
            0,
            f"min_serving_{i}",
        )
        _add(
            problem,
            pulp.LpAffineExpression([(amounts[i], 1.0), (on, -float(upper[i]))]),
            pulp.LpConstraintLE,
            0,
            f"max_serving_{i}",
        )
    cost = foods.cost * unit
    if budget is not None and np.all(np.isfinite(cost)):
        _add(problem, _expr(amounts, cost), pulp.LpConstraintLE, budget, "budget")
    if objective == "cost":
        problem.setObjective(_expr(amounts, np.nan_to_num(cost, nan=0.0)))
    else:
        terms = foods.score * unit
        if cost_weight > 0 and np.all(np.isfinite(cost)):
            terms = terms + cost_weight * cost
        deviation = problem.add_variable("dev", lowBound=0)
        _add(
            problem,
            pulp.LpAffineExpression([(deviation, 1.0)]) - day_energy,
            pulp.LpConstraintGE,
            -energy_target,
            "dev_hi",
        )
        _add(
            problem,
            pulp.LpAffineExpression([(deviation, 1.0)]) + day_energy,
            pulp.LpConstraintGE,
            energy_target,
            "dev_lo",
        )
        problem.setObjective(_expr(amounts, terms) + (calorie_weight / 100.0) * deviation)
    return DirectModel(problem, amounts, unit)
