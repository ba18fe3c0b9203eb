"""The exact day: one MILP over every meal the patterns allow, to check column generation.

Column generation (:mod:`mealplan.planning.colgen`) proves a lower bound over every meal the
patterns allow and then chooses a menu among the meals it generated. This model states the same
day without candidate meals. Per slot ``s`` and pattern ``p``, a binary ``y[s,p]`` serves a meal
of that pattern, and the pattern's pricing MILP (:func:`~mealplan.optimize._pricing.
pricing_model`: one food at one serving size per part, the item count, the roles, the pairing
rules, the meal's kcal window) holds with every right-hand side ``b`` made ``b·y[s,p]``: the
rules of a pattern that is served, and no food from one that is not. The day's rows are those of
the selection model (:mod:`mealplan.optimize._families`), over the meals' totals:

- ``Σ_p y[s,p] = 1`` per slot;
- the energy range, the nutrient minimums (elastic, as in the planner) and maximums;
- each meal's share of the day's kcal, the budget, the food-group bands;
- a main food at most once a day.

Its objective is the selection model's: each meal's points, the penalties of the elastic rows.
So its optimum is the best menu of the structure: no lower than the column-generation bound,
and no higher than any menu of the selection model's candidate meals, drawn or generated (a
polished menu's portions may leave its slot's energy window, which this model does not allow).
It has a column per food, serving size, part, pattern and slot (tens of thousands), and HiGHS
takes seconds to minutes: a check for the benchmark and the tests, not a way to plan a
request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from mealplan.optimize import _families as families
from mealplan.optimize._arrays import ArrayModel, ModelBuilder
from mealplan.optimize._candidates import Floats, Ints
from mealplan.optimize._model import GroupBands
from mealplan.optimize._pricing import PatternPricer
from mealplan.optimize._solve import SolveResult, solve_arrays
from mealplan.planning.colgen import applies, meal_points, pattern_pricers
from mealplan.planning.formulation import SHORTFALL_PENALTY, selection_arguments
from mealplan.planning.pools import CandidatePools, candidate_pools
from mealplan.planning.problem import PlanningProblem


@dataclass(frozen=True)
class ExactDay:
    """The exact day's model, and where each meal choice is in it: ``patterns[(s, p)]`` is
    the column of ``y[s,p]`` (``p``: the position of the pattern in the slot's list), and
    ``options[(s, p, food, part, serving)]`` the column that puts that food at that serving in
    that part of the pattern's meal."""

    model: ArrayModel
    patterns: dict[tuple[int, int], int]
    options: dict[tuple[int, int, int, int, float], int]


@dataclass(frozen=True)
class _Options:
    """The food options of every slot and pattern, as columns of the exact model: per column,
    its index, slot, kcal, nutrients, cost and food groups, and the main food it serves (-1:
    none)."""

    column: Ints
    slot: Ints
    energy: Floats
    nutrients: Floats
    cost: Floats
    groups: Floats
    main: Ints


def exact_day_model(problem: PlanningProblem) -> ExactDay:
    """The exact MILP of a one-day problem whose slots are drawn from patterns (the days column
    generation applies to, :func:`~mealplan.planning.colgen.applies`)."""
    if not applies(problem):
        raise ValueError("the exact model is for a one-day plan of pattern meals")
    arguments = selection_arguments(problem, candidate_pools(problem))
    kwargs = arguments.kwargs
    points = meal_points(problem, arguments)
    if points is None:
        raise ValueError("the exact model needs every food's cost, or none")
    b = ModelBuilder()
    patterns: dict[tuple[int, int], int] = {}
    choices: dict[tuple[int, int, int, int, float], int] = {}
    options = _meal_options(b, problem, pattern_pricers(problem, points), patterns, choices)
    width = b.width
    columns = np.arange(width)

    def dense(values: Floats) -> Floats:
        """Per-option values as a row (or rows) over every column so far."""
        out = np.zeros((width, *values.shape[1:]))
        out[options.column] = values
        return out

    bounds = problem.bounds
    energy = dense(options.energy)
    b.add_rows(columns, families.energy_rows(energy, bounds))
    rows, scales = families.nutrient_rows(
        dense(options.nutrients), bounds, bounds.low, energy, "_0"
    )
    for row in rows:
        # Elastic minimums, priced as the planner prices them (families.elastic_minimums).
        minimum = scales.get(row.name, row.lower)
        if row.name.startswith("min_") and minimum > 0:
            short = b.column(f"short_{row.name}", cost=SHORTFALL_PENALTY / minimum)
            at = np.append(columns, short)
            b.row(row.name, at, np.append(row.coefficients, 1.0), lower=row.lower)
        else:
            b.add_rows(columns, [row])
    bands: list[tuple[float, float]] = arguments.args[1]
    if len(bands) > 1:
        for s, (low, high) in enumerate(bands):
            own = dense(np.where(options.slot == s, options.energy, 0.0))
            b.row(f"band_lo_0_{s}", columns, own - low * energy, lower=0.0)
            b.row(f"band_hi_0_{s}", columns, own - high * energy, upper=0.0)
    budget = families.budget_rows(dense(options.cost), kwargs["budget"], "budget_0")
    b.add_rows(columns, budget)
    _main_once_a_day(b, options, kwargs["rules"].exempt)
    group_bands: GroupBands | None = kwargs["group_bands"]
    if group_bands is not None and kwargs["group_penalty"] > 0:
        amounts = dense(options.groups)
        for elastic in families.group_band_rows(amounts, group_bands, kwargs["group_penalty"], 1):
            slack = b.column(elastic.slack, cost=elastic.cost)
            row = elastic.row
            b.row(
                row.name,
                np.append(columns, slack),
                np.append(row.coefficients, elastic.coefficient),
                lower=row.lower,
                upper=row.upper,
            )
    return ExactDay(b.build(), patterns, choices)


#: HiGHS options for the exact model: its presolve's probing alone takes longer than a minute
#: on the default catalogue's model, and finds little (measured on a 34-year-old woman's day).
EXACT_OPTIONS: Mapping[str, bool | float | str] = MappingProxyType({"presolve_rule_off": 32768})


def menu_columns(
    exact: ExactDay, problem: PlanningProblem, pools: CandidatePools, menu: Sequence[int]
) -> list[list[int]]:
    """Per slot, the exact model's columns of the candidate meal ``menu[s]`` of ``pools`` (as
    drawn or generated; a polished portion may have no column): its pattern's ``y`` and each
    food at its serving in its part."""
    columns = []
    for s, c in enumerate(menu):
        pool = pools.pools[s]
        p = [spec.index for spec in problem.slots[s].patterns].index(int(pool.patterns[c]))
        items = zip(pool.foods[c], pool.parts[c], pool.servings[c], strict=True)
        columns.append(
            [exact.patterns[(s, p)]]
            + [exact.options[(s, p, food, part, size)] for food, part, size in items]
        )
    return columns


def with_menu(exact: ExactDay, columns: Sequence[Sequence[int]]) -> ArrayModel:
    """The exact model with every meal choice fixed to a menu (:func:`menu_columns`): the
    menu's pattern and option columns at 1, every other one at 0; the rest (kcal distance,
    dish, pairing switches, slacks) free."""
    model = exact.model
    lower, upper = model.lower.copy(), model.upper.copy()
    upper[list(exact.patterns.values())] = 0.0
    upper[list(exact.options.values())] = 0.0
    for taken in columns:
        lower[list(taken)] = upper[list(taken)] = 1.0
    return replace(model, lower=lower, upper=upper)


def solve_exact_day(
    problem: PlanningProblem,
    *,
    time_limit: float | None = None,
    gap: float = 1e-4,
    start: tuple[CandidatePools, Sequence[int]] | None = None,
) -> SolveResult:
    """The exact day solved by HiGHS to ``gap`` or the time limit: the best menu's points and
    HiGHS's proven bound. ``start``: a menu (candidate pools and the candidate of each slot,
    as the planner chose it) to start from, which HiGHS on its own does not find in minutes
    on the default catalogue."""
    exact = exact_day_model(problem)
    values = None
    if start is not None:
        fixed = with_menu(exact, menu_columns(exact, problem, *start))
        _, values = solve_arrays(fixed, gap=0.0, abs_gap=1e-9)
    result, _ = solve_arrays(
        exact.model,
        time_limit=time_limit,
        gap=gap,
        abs_gap=1e-6,
        presolve=True,
        start=values,
        options=EXACT_OPTIONS,
    )
    return result


def _meal_options(
    b: ModelBuilder,
    problem: PlanningProblem,
    pricers: list[list[PatternPricer]],
    patterns: dict[tuple[int, int], int],
    choices: dict[tuple[int, int, int, int, float], int],
) -> _Options:
    """Per slot and pattern, ``y[s,p]`` and the pattern's pricing model at zero prices (the
    meal's own points as its objective), its rows switched by ``y[s,p]``; per slot, the row
    ``Σ_p y[s,p] = 1``. Notes each ``y`` in ``patterns`` and each option's column in
    ``choices`` (see :class:`ExactDay`); returns the options' columns and totals."""
    foods = problem.foods
    column: list[Ints] = []
    slot_of: list[Ints] = []
    food: list[Ints] = []
    size: list[Floats] = []
    main: list[Ints] = []
    for s, slot in enumerate(pricers):
        served = []
        for p, pricer in enumerate(slot):
            options, model = pricer.options, pricer.model
            if options is None or model is None:
                continue
            y = b.column(f"y_{s}_{p}", upper=1.0, integer=True)
            served.append(y)
            patterns[(s, p)] = y
            n = len(options.foods)
            columns = b.columns(
                f"m_{s}_{p}",
                model.cost.size,
                lower=model.lower,
                upper=model.upper,
                integer=model.integer,
                cost=np.concatenate([pricer.own_points(), model.cost[n:]]),
            )
            _switched_rows(b, model, columns, y, f"_{s}_{p}")
            keys = zip(
                options.foods.tolist(),
                options.parts.tolist(),
                options.servings.tolist(),
                strict=True,
            )
            for i, key in enumerate(keys):
                choices[(s, p, *key)] = int(columns[i])
            is_main = np.array([part.main for part in pricer.pattern.parts], dtype=bool)
            column.append(columns[:n])
            slot_of.append(np.full(n, s))
            food.append(options.foods)
            size.append(options.servings)
            main.append(np.where(is_main[options.parts], options.foods, -1))
        if not served:
            raise ValueError(f"no pattern of slot {s} makes a meal of these foods")
        b.row(f"one_0_{s}", np.array(served), np.ones(len(served)), lower=1.0, upper=1.0)
    f, v = np.concatenate(food), np.concatenate(size)
    groups = foods.groups[f] if foods.groups.size else np.zeros((len(f), 0))
    return _Options(
        column=np.concatenate(column),
        slot=np.concatenate(slot_of),
        energy=v * foods.energy[f],
        nutrients=v[:, None] * foods.nutrients[f],
        cost=v * foods.cost[f],
        groups=v[:, None] * groups,
        main=np.concatenate(main),
    )


def _switched_rows(b: ModelBuilder, model: ArrayModel, columns: Ints, y: int, suffix: str) -> None:
    """Each row ``lo ≤ a·z ≤ up`` of ``model`` (over ``columns``) as ``lo·y ≤ a·z ≤ up·y``:
    the rule when ``y = 1``; with ``y = 0``, the model's columns are 0 (every part's row has
    ``up = 1``, so no option is taken, and the other columns follow)."""
    for r, name in enumerate(model.row_names):
        span = slice(int(model.starts[r]), int(model.starts[r + 1]))
        at = np.append(columns[model.indices[span]], y)
        low, high = float(model.row_lower[r]), float(model.row_upper[r])
        if low == high:
            b.row(name + suffix, at, np.append(model.values[span], -low), lower=0.0, upper=0.0)
            continue
        if np.isfinite(low):
            b.row(name + suffix, at, np.append(model.values[span], -low), lower=0.0)
        if np.isfinite(high):
            b.row(f"{name}{suffix}_hi", at, np.append(model.values[span], -high), upper=0.0)


def _main_once_a_day(b: ModelBuilder, options: _Options, exempt: frozenset[int]) -> None:
    """A main food at most once a day: ``Σ z ≤ 1`` over the options serving food ``f`` as a
    main, for each ``f`` two or more slots could serve (within a slot, one pattern is served
    and its rows allow a food once). Rows ``daily_{f}_0``."""
    for food in np.unique(options.main[options.main >= 0]).tolist():
        if food in exempt:
            continue
        holds = options.main == food
        if len(np.unique(options.slot[holds])) > 1:
            b.row(f"daily_{food}_0", options.column[holds], np.ones(int(holds.sum())), upper=1.0)
