"""The constraint families of the selection model, one function each; the rows it shares with
the direct model (:mod:`._direct`) are built as :class:`~._arrays.Row` first.

Notation. Selection model: ``x[d,s,c] ∈ {0,1}`` serves candidate meal ``c`` of slot ``s`` on day
``d``; ``C(d,s)`` are the candidates open on day ``d``; per candidate, ``e[c]`` its kcal,
``a[c,k]`` its amount of nutrient ``k``, ``p[c]`` its cost, ``w[c]`` its preference and
serving-size points. Direct model: ``n[f] ≥ 0`` units of food ``f`` (a unit is a serving, or
half of one where the food allows half servings), with ``e``, ``a``, ``p`` per unit.

Each function adds its rows to the PuLP problem in a fixed order, with fixed names: HiGHS's path
(and so the plan, when several menus score alike) depends on the order of the rows. A family
that holds for every day adds the rows of one day (``d``); the model adds the days in turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pulp

from mealplan.optimize._arrays import Row
from mealplan.optimize._candidates import Candidates, Floats, Ints
from mealplan.optimize._problem import Bounds

if TYPE_CHECKING:
    from mealplan.optimize._model import GroupBands, SelectionModel, WeekRules


# -- rows --------------------------------------------------------------------------------------


def linear(variables: Sequence[pulp.LpVariable], coefficients: Floats) -> pulp.LpAffineExpression:
    """``Σ_i coefficients[i]·variables[i]`` as one expression, zero terms left out."""
    pairs = [(v, float(c)) for v, c in zip(variables, coefficients, strict=True) if c != 0.0]
    return pulp.LpAffineExpression(pairs)


def total(variables: Sequence[pulp.LpVariable]) -> pulp.LpAffineExpression:
    """``Σ_i variables[i]``."""
    return pulp.LpAffineExpression([(v, 1.0) for v in variables])


def add_row(
    problem: pulp.LpProblem, expr: pulp.LpAffineExpression, sense: int, rhs: float, name: str
) -> None:
    """``expr (sense) rhs``, named."""
    problem.addConstraint(pulp.LpConstraint(expr, sense=sense, rhs=float(rhs), name=name))


# -- families both models share ------------------------------------------------------------------


def energy_range(
    problem: pulp.LpProblem, energy: pulp.LpAffineExpression, bounds: Bounds, suffix: str = ""
) -> None:
    """The day's energy within its range: ``E_low ≤ Σ e·x ≤ E_high`` (a NaN bound is left out).

    Rows ``energy_lo{suffix}``, ``energy_hi{suffix}``.
    """
    if not np.isnan(bounds.energy_low):
        add_row(problem, energy, pulp.LpConstraintGE, bounds.energy_low, f"energy_lo{suffix}")
    if not np.isnan(bounds.energy_high):
        add_row(problem, energy, pulp.LpConstraintLE, bounds.energy_high, f"energy_hi{suffix}")


def energy_rows(energy: Floats, bounds: Bounds) -> list[Row]:
    """The day's energy within its range: ``E_low ≤ Σ e·n ≤ E_high`` (a NaN bound is left out).
    Rows ``energy_lo``, ``energy_hi``."""
    rows = []
    if not np.isnan(bounds.energy_low):
        rows.append(Row("energy_lo", energy, lower=float(bounds.energy_low)))
    if not np.isnan(bounds.energy_high):
        rows.append(Row("energy_hi", energy, upper=float(bounds.energy_high)))
    return rows


def add_bounded(
    problem: pulp.LpProblem, expr: pulp.LpAffineExpression, lower: float, upper: float, name: str
) -> None:
    """``lower ≤ expr ≤ upper`` as ``=``, or ``≥`` and ``≤`` for its finite sides (a row with
    both is two, the upper one named ``{name}_hi``)."""
    if lower == upper:
        add_row(problem, expr, pulp.LpConstraintEQ, lower, name)
        return
    if np.isfinite(lower):
        add_row(problem, expr, pulp.LpConstraintGE, lower, name)
    if np.isfinite(upper):
        add_row(
            problem, expr, pulp.LpConstraintLE, upper, name + ("_hi" if np.isfinite(lower) else "")
        )


def add_rows(
    problem: pulp.LpProblem, variables: Sequence[pulp.LpVariable], rows: Sequence[Row]
) -> None:
    """Each row over ``variables`` (:func:`add_bounded`)."""
    for row in rows:
        add_bounded(problem, linear(variables, row.coefficients), row.lower, row.upper, row.name)


def nutrient_rows(
    amounts: Floats, bounds: Bounds, low: Floats, energy: Floats, suffix: str = ""
) -> tuple[list[Row], dict[str, float]]:
    """The day's nutrients within their bounds, per nutrient ``k`` (NaN = no bound):
    ``Σ_i a[i,k]·v[i] ≥ low[k]`` and ``Σ_i a[i,k]·v[i] ≤ high[k]``; for a limit set per kcal
    of the day's own energy (:meth:`Bounds.per_kcal`, rate ``r``), ``Σ_i (a[i,k] − r·e[i])·v[i]
    ≥ 0`` (or ``≤ 0``), and a minimum that does not follow energy (protein's RDA by weight)
    as its own row.

    ``amounts`` is variables × ``bounds.keys`` and ``energy`` the variables' kcal; ``low`` is
    ``bounds.low``, or the daily part of it (NaN where a nutrient's minimum is met over the
    week instead). Rows ``min_{key}{suffix}``, ``min_{key}_floor{suffix}`` and
    ``max_{key}{suffix}``, nutrient by nutrient. Also returns, for each per-kcal minimum row
    (whose right-hand side is 0), the minimum at the energy target, the scale of its shortfall.
    """
    rows: list[Row] = []
    scales: dict[str, float] = {}
    for k, key in enumerate(bounds.keys):
        low_rate, high_rate, floor = bounds.per_kcal(k)
        if not np.isnan(low[k]):
            name = f"min_{key}{suffix}"
            if np.isnan(low_rate):
                rows.append(Row(name, amounts[:, k], lower=float(low[k])))
            else:
                rows.append(Row(name, amounts[:, k] - low_rate * energy, lower=0.0))
                scales[name] = float(low[k])
                if not np.isnan(floor):
                    rows.append(Row(f"min_{key}_floor{suffix}", amounts[:, k], lower=floor))
        if not np.isnan(high_rate):
            rows.append(Row(f"max_{key}{suffix}", amounts[:, k] - high_rate * energy, upper=0.0))
        elif not np.isnan(bounds.high[k]):
            rows.append(Row(f"max_{key}{suffix}", amounts[:, k], upper=float(bounds.high[k])))
    return rows, scales


def nutrient_bounds(
    problem: pulp.LpProblem,
    variables: Sequence[pulp.LpVariable],
    amounts: Floats,
    bounds: Bounds,
    low: Floats,
    energy: Floats,
    suffix: str = "",
) -> dict[str, float]:
    """The rows of :func:`nutrient_rows` over ``variables``; returns their shortfall scales."""
    rows, scales = nutrient_rows(amounts, bounds, low, energy, suffix)
    add_rows(problem, variables, rows)
    return scales


def budget_rows(cost: Floats, limit: float | None, name: str) -> list[Row]:
    """The day's spending: ``Σ_i p[i]·v[i] ≤ B``, when there is a budget and every cost is known
    (an unknown cost would make the sum meaningless). Row ``name``."""
    if limit is not None and np.all(np.isfinite(cost)):
        return [Row(name, cost, upper=limit)]
    return []


def budget(
    problem: pulp.LpProblem,
    variables: Sequence[pulp.LpVariable],
    cost: Floats,
    limit: float | None,
    name: str,
) -> None:
    """The rows of :func:`budget_rows` over ``variables``."""
    add_rows(problem, variables, budget_rows(cost, limit, name))


# -- selection model: every day ------------------------------------------------------------------


def one_per_slot(m: SelectionModel, d: int) -> None:
    """Every meal is served once: ``Σ_{c ∈ C(d,s)} x[d,s,c] = 1  ∀ s``. Rows ``one_{d}_{s}``."""
    for s in range(m.x.slots):
        add_row(m.problem, total(m.x.for_slot(d, s)), pulp.LpConstraintEQ, 1, f"one_{d}_{s}")


def day_energy(m: SelectionModel, d: int) -> pulp.LpAffineExpression:
    """``Σ_{s,c} e[c]·x[d,s,c]``, the day's kcal."""
    return linear(m.x.for_day(d), m.x.day_column(d, [slot.energy for slot in m.slots]))


def day_nutrient_bounds(m: SelectionModel, d: int, bounds: Bounds) -> None:
    """Daily minimums and maximums: ``Σ_{s,c} a[c,k]·x[d,s,c] ≥ low[k]`` for the nutrients met
    every day (all of them in a one-day plan), ``≤ high[k]`` for all. Rows ``min_{key}_{d}``,
    ``max_{key}_{d}``."""
    weekly = bounds.weekly.astype(bool) & (m.x.days > 1)
    daily_low = np.where(weekly, np.nan, bounds.low)
    amounts = m.x.day_column(d, [slot.nutrients for slot in m.slots])
    energy = m.x.day_column(d, [slot.energy for slot in m.slots])
    m.minimum_scales.update(
        nutrient_bounds(m.problem, m.x.for_day(d), amounts, bounds, daily_low, energy, f"_{d}")
    )


def meal_energy_bands(m: SelectionModel, d: int, bands: Sequence[tuple[float, float]]) -> None:
    """Each meal's share of the day's kcal within its band ``[lo_s, hi_s]``, with two or more
    meals: ``Σ_{c ∈ C(d,s)} e[c]·x[d,s,c] − lo_s·Σ_{t,c} e[c]·x[d,t,c] ≥ 0`` and
    ``… − hi_s·Σ_{t,c} e[c]·x[d,t,c] ≤ 0  ∀ s``. Rows ``band_lo_{d}_{s}``, ``band_hi_{d}_{s}``."""
    if m.x.slots < 2:
        return
    energies = [slot.energy for slot in m.slots]
    energy = m.x.day_column(d, energies)
    variables = m.x.for_day(d)
    for s in range(m.x.slots):
        low, high = bands[s]
        own = m.x.day_column(d, [e if t == s else np.zeros_like(e) for t, e in enumerate(energies)])
        add_row(
            m.problem,
            linear(variables, own - low * energy),
            pulp.LpConstraintGE,
            0,
            f"band_lo_{d}_{s}",
        )
        add_row(
            m.problem,
            linear(variables, own - high * energy),
            pulp.LpConstraintLE,
            0,
            f"band_hi_{d}_{s}",
        )


def day_budget(m: SelectionModel, d: int, limit: float | None) -> None:
    """``Σ_{s,c} p[c]·x[d,s,c] ≤ B`` (see :func:`budget`). Row ``budget_{d}``."""
    cost = m.x.day_column(d, [slot.cost for slot in m.slots])
    budget(m.problem, m.x.for_day(d), cost, limit, f"budget_{d}")


# -- selection model: the week -------------------------------------------------------------------


def weekly_minimums(m: SelectionModel, bounds: Bounds) -> None:
    """Minimums met as a weekly average, in a plan of ``D > 1`` days:
    ``Σ_{d,s,c} a[c,k]·x[d,s,c] ≥ D·low[k]`` for each such nutrient. Rows ``week_min_{key}``."""
    if m.x.days < 2:
        return
    variables = m.x.all()
    energy = m.x.week_column([slot.energy for slot in m.slots])
    for k, key in enumerate(bounds.keys):
        if bounds.weekly[k] and not np.isnan(bounds.low[k]):
            amounts = m.x.week_column([slot.nutrients[:, k] for slot in m.slots])
            name = f"week_min_{key}"
            low_rate, _, floor = bounds.per_kcal(k)
            if np.isnan(low_rate):
                rhs = bounds.low[k] * m.x.days
                add_row(m.problem, linear(variables, amounts), pulp.LpConstraintGE, rhs, name)
                continue
            expr = linear(variables, amounts - low_rate * energy)
            add_row(m.problem, expr, pulp.LpConstraintGE, 0.0, name)
            m.minimum_scales[name] = float(bounds.low[k] * m.x.days)
            if not np.isnan(floor):
                rhs = floor * m.x.days
                add_row(
                    m.problem, linear(variables, amounts), pulp.LpConstraintGE, rhs, f"{name}_floor"
                )


def once_a_week(m: SelectionModel, open_on: Sequence[Ints]) -> None:
    """A candidate open on every day is served at most once, so no two days are the same:
    ``Σ_d x[d,s,c] ≤ 1  ∀ s, c open on any day`` (``open_on[s][c] < 0``), when ``D > 1``.
    Rows ``once_{s}_{c}``."""
    if m.x.days < 2:
        return
    for s in range(m.x.slots):
        for c in np.flatnonzero(open_on[s] < 0).tolist():
            uses = [m.x.of_candidate(d, s, c) for d in range(m.x.days)]
            add_row(m.problem, total(uses), pulp.LpConstraintLE, 1, f"once_{s}_{c}")


def same_meal_once_a_week(m: SelectionModel, families: Mapping[int, Ints]) -> None:
    """A meal of slot ``s`` (in ``families``) is served at most once a week: for each family
    ``F`` of identical candidates (same foods and servings, drawn once and offered on several
    days), ``Σ_{c ∈ F} Σ_d x[d,s,c] ≤ 1``. Rows ``same_{s}_{f}``."""
    if m.x.days < 2:
        return
    for s, family in sorted(families.items()):
        members: dict[int, list[pulp.LpVariable]] = {}
        for (_, t, c), v in m.x.items():
            if t == s:
                members.setdefault(int(family[c]), []).append(v)
        for f, variables in sorted(members.items()):
            if len(variables) > 1:
                add_row(m.problem, total(variables), pulp.LpConstraintLE, 1, f"same_{s}_{f}")


def pattern_repeats(
    m: SelectionModel,
    allowance: int,
    weight: float,
    leftovers: Mapping[tuple[int, int], tuple[int, int]],
) -> pulp.LpAffineExpression:
    """Variety of meals, as points ``w`` per meal beyond what a person expects to repeat:

    - a pattern served more than ``N`` times a week (over all slots it fits: soup and a
      sandwich at lunch and at dinner count together): ``Σ_{d,s,c ∈ p} x[d,s,c] − ρ_p ≤ N·W``
      (``W`` weeks), rows ``pattern_{p}``;
    - a pattern twice on one day (soup and a sandwich for lunch and again for dinner):
      ``Σ_{s,c ∈ p} x[d,s,c] − ρ_{d,p} ≤ 1``, rows ``pattern_{p}_{d}``;

    with every ``ρ ≥ 0`` priced at ``w``. A leftover lunch is its dinner eaten again, not
    another meal, and does not count. Soft, so that a week the nutrients need a pattern for
    stays possible. Returns the points."""
    if m.x.days < 2 or weight <= 0:
        return pulp.LpAffineExpression()
    weeks = -(-m.x.days // 7)
    week: dict[int, list[pulp.LpVariable]] = {}
    day: dict[tuple[int, int], list[pulp.LpVariable]] = {}
    day_slots: dict[tuple[int, int], set[int]] = {}
    for (d, s, c), v in m.x.items():
        pattern = int(m.slots[s].patterns[c]) if len(m.slots[s].patterns) else -1
        if pattern >= 0 and (s, c) not in leftovers:
            week.setdefault(pattern, []).append(v)
            day.setdefault((pattern, d), []).append(v)
            day_slots.setdefault((pattern, d), set()).add(s)
    terms: list[tuple[pulp.LpVariable, float]] = []

    def at_most(variables: list[pulp.LpVariable], limit: int, name: str) -> None:
        over = m.problem.add_variable(f"{name}_over", lowBound=0)
        add_row(m.problem, total(variables) - over, pulp.LpConstraintLE, limit, name)
        terms.append((over, weight))

    for pattern, variables in sorted(week.items()):
        if len(variables) > allowance * weeks:
            at_most(variables, allowance * weeks, f"pattern_{pattern}")
    for (pattern, d), variables in sorted(day.items()):
        if len(day_slots[(pattern, d)]) > 1:
            at_most(variables, 1, f"pattern_{pattern}_{d}")
    return pulp.LpAffineExpression(terms)


def main_food_carriers(
    m: SelectionModel, rules: WeekRules
) -> dict[int, list[list[pulp.LpVariable]]]:
    """Per main food ``f`` (not exempt), per day, the variables of the candidates that hold it:
    ``y[f,d] = Σ_{s, c ∋ f} x[d,s,c]`` is how often ``f`` is served on day ``d``."""
    carriers: dict[int, list[list[pulp.LpVariable]]] = {}
    for (d, s, c), v in m.x.items():
        for food in _mains(m.slots[s], c, rules):
            if food not in rules.exempt:
                carriers.setdefault(food, [[] for _ in range(m.x.days)])[d].append(v)
    return carriers


def _mains(slot: Candidates, c: int, rules: WeekRules) -> tuple[int, ...]:
    """A candidate's main foods: those filling a main part of its pattern, or, for a meal
    without a pattern (kept from an older plan), those of a main role."""
    if len(slot.patterns) and slot.patterns[c] >= 0:
        return slot.mains[c]
    return tuple(f for f in slot.foods[c] if rules.main_foods[f])


def main_food_once_a_day(
    problem: pulp.LpProblem, food: int, per_day: Sequence[pulp.LpAffineExpression], sizes: list[int]
) -> None:
    """``y[f,d] ≤ 1  ∀ d`` where two or more candidates of the day hold ``f``.
    Rows ``daily_{f}_{d}``."""
    for d, served in enumerate(per_day):
        if sizes[d] > 1:
            add_row(problem, served, pulp.LpConstraintLE, 1, f"daily_{food}_{d}")


def main_food_not_on_consecutive_days(
    problem: pulp.LpProblem, food: int, per_day: Sequence[pulp.LpAffineExpression], sizes: list[int]
) -> None:
    """``y[f,d] + y[f,d+1] ≤ 1  ∀ d < D−1`` where both days have candidates holding ``f``.
    Rows ``consecutive_{f}_{d}``."""
    for d in range(len(per_day) - 1):
        if sizes[d] and sizes[d + 1]:
            add_row(
                problem,
                per_day[d] + per_day[d + 1],
                pulp.LpConstraintLE,
                1,
                f"consecutive_{food}_{d}",
            )


def main_food_repeats(
    problem: pulp.LpProblem,
    food: int,
    per_day: Sequence[pulp.LpAffineExpression],
    sizes: list[int],
    max_repeats: int,
) -> None:
    """``Σ_d y[f,d] ≤ N``, where ``f`` could be served on more than ``N`` days.
    Row ``repeats_{f}``."""
    if sum(1 for size in sizes if size) > max_repeats:
        add_row(problem, pulp.lpSum(per_day), pulp.LpConstraintLE, max_repeats, f"repeats_{food}")


def main_food_variety(m: SelectionModel, rules: WeekRules) -> None:
    """A main food at most once a day, never on consecutive days and at most ``N`` times in the
    plan (:func:`main_food_once_a_day`, :func:`main_food_not_on_consecutive_days`,
    :func:`main_food_repeats`), food by food in position order. The foods in ``rules.exempt``
    (the planner's locked foods) are left free."""
    for food, per_day_vars in sorted(main_food_carriers(m, rules).items()):
        per_day = [total(vs) for vs in per_day_vars]
        sizes = [len(vs) for vs in per_day_vars]
        main_food_once_a_day(m.problem, food, per_day, sizes)
        main_food_not_on_consecutive_days(m.problem, food, per_day, sizes)
        main_food_repeats(m.problem, food, per_day, sizes, rules.max_repeats)


def locked_foods(m: SelectionModel, required: Mapping[tuple[int, int], tuple[int, ...]]) -> None:
    """A locked food is in its meal: ``Σ_{c ∈ C(d,s), c ∋ f} x[d,s,c] = 1`` for each lock
    ``(d, s, f)``. Rows ``lock_{d}_{s}_{f}``."""
    for (d, s), locked in sorted(required.items()):
        candidates = m.x.open_candidates(d, s)
        foods = m.slots[s].foods
        for food in locked:
            holders = [
                v for c, v in zip(candidates, m.x.for_slot(d, s), strict=True) if food in foods[c]
            ]
            add_row(m.problem, total(holders), pulp.LpConstraintEQ, 1, f"lock_{d}_{s}_{food}")


def food_used(m: SelectionModel, counted: npt.NDArray[np.bool_]) -> dict[int, pulp.LpVariable]:
    """``u[f] ∈ {0,1}``, food ``f`` is on the week's shopping list, for every counted food some
    candidate holds: ``Σ_{c ∈ C(d,s), c ∋ f} x[d,s,c] ≤ u[f]  ∀ f, d, s`` (one candidate per
    slot, so the sum is at most 1 and the row is as tight as one row per candidate).
    Variables ``used_{f}``, rows ``used_{f}_{d}_{s}``, food by food in position order."""
    holders: dict[int, dict[tuple[int, int], list[pulp.LpVariable]]] = {}
    for (d, s, c), v in m.x.items():
        for food in m.slots[s].foods[c]:
            if counted[food]:
                holders.setdefault(food, {}).setdefault((d, s), []).append(v)
    used: dict[int, pulp.LpVariable] = {}
    for food in sorted(holders):
        u = m.problem.add_variable(f"used_{food}", cat=pulp.LpBinary)
        used[food] = u
        for (d, s), variables in sorted(holders[food].items()):
            expr = total(variables)
            expr.addterm(u, -1.0)
            add_row(m.problem, expr, pulp.LpConstraintLE, 0, f"used_{food}_{d}_{s}")
    return used


def distinct_foods(m: SelectionModel, used: Mapping[int, pulp.LpVariable], cap: int) -> None:
    """At most ``K`` distinct foods in the plan: ``Σ_f u[f] ≤ K``. Row ``distinct_foods``."""
    if len(used) > cap:
        add_row(m.problem, total(list(used.values())), pulp.LpConstraintLE, cap, "distinct_foods")


def staple_kinds(
    m: SelectionModel,
    used: Mapping[int, pulp.LpVariable],
    groups: Mapping[str, npt.NDArray[np.bool_]],
    limit: int,
) -> None:
    """At most ``k`` kinds of each staple group ``G`` (one milk, one bread):
    ``Σ_{f ∈ G} u[f] ≤ k``. Rows ``staple_{G}``, group by group in the table's order."""
    for name, members in groups.items():
        kinds = [u for food, u in used.items() if members[food]]
        if len(kinds) > limit:
            add_row(m.problem, total(kinds), pulp.LpConstraintLE, limit, f"staple_{name}")


def leftover_lunches(
    m: SelectionModel,
    leftovers: Mapping[tuple[int, int], tuple[int, int]],
    open_on: Sequence[Ints],
    minimum: int,
) -> None:
    """A leftover lunch ``c'`` (a copy of dinner ``c``, open the day after it) is served only
    if that dinner was, cooked in double quantity: ``x[d+1,L,c'] ≤ x[d,D,c]``; and at least
    ``n`` of them are: ``Σ x[·,L,c'] ≥ n``. Rows ``leftover_{c'}``, ``leftovers``."""
    served = []
    for (s, c), (t, e) in sorted(leftovers.items()):
        d = int(open_on[s][c])
        try:
            lunch = m.x.of_candidate(d, s, c)
        except KeyError:
            continue  # not open on any day of the plan
        try:
            dinner = m.x.of_candidate(d - 1, t, e)
        except KeyError:
            # Its dinner is closed (a swapped dinner's old dish): no leftovers of it.
            lunch.upBound = 0
            continue
        expr = pulp.LpAffineExpression([(lunch, 1.0), (dinner, -1.0)])
        add_row(m.problem, expr, pulp.LpConstraintLE, 0, f"leftover_{c}")
        served.append(lunch)
    if minimum > 0 and served:
        add_row(m.problem, total(served), pulp.LpConstraintGE, minimum, "leftovers")


@dataclass(frozen=True)
class ElasticRow:
    """A row with a slack ``σ ≥ 0`` (``coefficient·σ`` added to it) priced at ``cost`` per unit
    in the objective."""

    row: Row
    slack: str
    coefficient: float
    cost: float


def group_band_rows(
    amounts: Floats, bands: GroupBands, penalty: float, days: int
) -> list[ElasticRow]:
    """Each food group's total over the plan near the dietary pattern, elastic: with
    ``σ ≥ 0``, ``Σ g[i,k]·v[i] + σ⁻_k ≥ D·low_k`` and ``… − σ⁺_k ≤ D·high_k``; whole grains
    ``Σ (g[i,W] − r·g[i,G])·v[i] + σ_W ≥ 0`` (at least a share ``r`` of grains). Each ``σ``
    costs ``P/(D·a_k)``, ``P`` points per whole pattern amount ``a_k`` outside the band: the
    nutrient minimums come first, and a band is left only where they (and the meal rules) need
    it, which the plan then reports. ``amounts`` is variables × groups. Rows and slacks
    ``group_lo_{k}``, ``group_hi_{k}``, ``whole_grains`` (slack ``group_lo_whole_grains``)."""
    rows: list[ElasticRow] = []
    for k, key in enumerate(bands.keys):
        scale = penalty / max(days * bands.amount[k], 1e-9)
        if not np.isnan(bands.low[k]):
            row = Row(f"group_lo_{key}", amounts[:, k], lower=days * float(bands.low[k]))
            rows.append(ElasticRow(row, row.name, 1.0, scale))
        if not np.isnan(bands.high[k]):
            row = Row(f"group_hi_{key}", amounts[:, k], upper=days * float(bands.high[k]))
            rows.append(ElasticRow(row, row.name, -1.0, scale))
    if bands.whole is not None and bands.grains is not None and bands.whole_share > 0:
        w, g = bands.whole, bands.grains
        share = amounts[:, w] - bands.whole_share * amounts[:, g]
        rows.append(
            ElasticRow(
                Row("whole_grains", share, lower=0.0),
                "group_lo_whole_grains",
                1.0,
                penalty / max(days * bands.amount[g], 1e-9),
            )
        )
    return rows


def food_group_bands(
    m: SelectionModel, bands: GroupBands, penalty: float
) -> pulp.LpAffineExpression:
    """The rows of :func:`group_band_rows` over the selection variables, with their slacks
    (variables named as the slacks); returns the penalty term."""
    variables = m.x.all()
    amounts = m.x.week_column([slot.groups for slot in m.slots])
    terms: list[tuple[pulp.LpVariable, float]] = []
    for elastic in group_band_rows(amounts, bands, penalty, m.x.days):
        slack = m.problem.add_variable(elastic.slack, lowBound=0)
        row = elastic.row
        expr = linear(variables, row.coefficients) + elastic.coefficient * slack
        if np.isfinite(row.lower):
            add_row(m.problem, expr, pulp.LpConstraintGE, row.lower, row.name)
        else:
            add_row(m.problem, expr, pulp.LpConstraintLE, row.upper, row.name)
        terms.append((slack, elastic.cost))
    return pulp.LpAffineExpression(terms)


def kept_meals(m: SelectionModel, fixed: Mapping[tuple[int, int], int]) -> None:
    """A kept meal stays: ``x[d,s,c] = 1`` for each kept ``(d, s) → c``. Rows ``keep_{d}_{s}``."""
    for (d, s), c in sorted(fixed.items()):
        add_row(
            m.problem, total([m.x.of_candidate(d, s, c)]), pulp.LpConstraintEQ, 1, f"keep_{d}_{s}"
        )


def elastic_minimums(m: SelectionModel, penalty: float) -> pulp.LpAffineExpression:
    """Let every nutrient minimum fall short, at a price: each row ``min_*`` and ``week_min_*``
    ``Σ a·x ≥ L`` becomes ``Σ a·x + σ ≥ L`` with ``σ ≥ 0`` (variable ``short_{row}``), and the
    objective gains ``P·σ/L``: ``P`` points per whole minimum missed, far above what any menu
    scores, so a menu that meets every minimum always wins and one that misses finds the
    smallest shortfall. Returns the penalty term."""
    terms: list[tuple[pulp.LpVariable, float]] = []
    for row in m.problem.constraints():
        name = str(row.name)
        if not name.startswith(("min_", "week_min_")):
            continue
        minimum = m.minimum_scales.get(name, -float(row.constant))
        if minimum <= 0:
            continue
        short = m.problem.add_variable(f"short_{name}", lowBound=0)
        row.addInPlace(short)
        terms.append((short, penalty / minimum))
    return pulp.LpAffineExpression(terms)


def selection_objective(
    m: SelectionModel, slot_targets: Sequence[float], calorie_weight: float, cost_weight: float
) -> pulp.LpAffineExpression:
    """Points, lower is better, linear in the candidates so that the LP relaxation bounds it
    tightly: ``Σ_{d,s,c} (w[c] + w_kcal·|e[c] − t_s|/100 + w_cost·p[c])·x[d,s,c]``, where ``t_s``
    is meal ``s``'s share of the day's target (which bounds the day's distance from it) and the
    cost term counts only when every candidate's cost is known."""
    has_cost = cost_weight > 0 and all(np.all(np.isfinite(slot.cost)) for slot in m.slots)
    weights = []
    for slot, target in zip(m.slots, slot_targets, strict=True):
        points = slot.score + calorie_weight * np.abs(slot.energy - target) / 100.0
        weights.append(points + cost_weight * slot.cost if has_cost else points)
    pairs: list[tuple[pulp.LpVariable, float]] = []
    for d in range(m.x.days):
        pairs += zip(m.x.for_day(d), m.x.day_column(d, weights).tolist(), strict=True)
    return pulp.LpAffineExpression(pairs)
