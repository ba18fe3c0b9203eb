"""Column generation for a day's menu: meals priced with the selection model's dual values, and
a bound over every meal the patterns allow.

The random candidate meals are the start. Each round solves the LP relaxation of the selection
model over the meals so far, reads what its rows pay for one more meal of each slot
(:class:`~mealplan.optimize._pricing.MealPrices`), and asks each slot and pattern for its meal
with the lowest reduced cost (:class:`~mealplan.optimize._pricing.PatternPricer`: the pricing
MILP's LP relaxation, which bounds it, then a search over the options it favours). Meals that
price out join the pools. Every round proves the Lagrangian bound ``LP value + Σ_slots (lowest
reduced cost bound)`` (one meal per slot) over all meals the patterns allow, not only the drawn
ones; the best of those is kept. Rounds stop when no meal prices out or the LP is within
:data:`STOP_GAP` of the bound. The menu is then chosen among the generated meals (price and
branch), and its gap to the bound says how far it may be from the best the patterns allow.

Days only: a week's model has rows per food and day that a meal's price would also have to
carry (distinct foods, staples, repeats), so a week keeps its bound over its candidate meals.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np

from mealplan.optimize import _families as families
from mealplan.optimize._candidates import Candidates
from mealplan.optimize._model import SelectionModel, build_selection
from mealplan.optimize._pricing import MealPoints, MealPrices, PatternPricer, reduced_costs
from mealplan.optimize._solve import solve
from mealplan.planning.formulation import SelectionArguments, selection_arguments
from mealplan.planning.pools import CandidatePools, merge_all
from mealplan.planning.problem import PlanningProblem

logger = logging.getLogger(__name__)

#: Rounds of pricing at most (each adds at most one meal per slot and pattern).
MAX_ROUNDS = 25
#: Column generation stops when the LP over the meals so far is within this many points of the
#: bound over all meals: the menu chosen among them is then at most that much (plus its own
#: integer gap) from the best the patterns allow.
STOP_GAP = 0.02
#: A meal prices out when its reduced cost is below minus this many points.
PRICE_TOLERANCE = 1e-6
#: How far a meal's reduced cost as the pricing MILP sees it may differ from the same meal's
#: as the selection model sees it (points) before the prices are distrusted.
AGREEMENT = 1e-5


@dataclass(frozen=True)
class Generated:
    """The pools after column generation, and what it proved."""

    pools: CandidatePools
    #: A lower bound on the objective over every meal the patterns allow (None: not proven).
    bound: float | None
    #: Whether the LP over the pools ended within :data:`STOP_GAP` of ``bound``.
    converged: bool
    rounds: int
    meals_added: int


def applies(problem: PlanningProblem) -> bool:
    """Whether column generation can price this problem's meals: a one-day plan of meal
    slots, drawn from patterns."""
    return (
        problem.days == 1
        and bool(problem.slots)
        and all(spec.patterns and spec.main_food < 0 for spec in problem.slots)
    )


def generate_meals(
    problem: PlanningProblem, pools: CandidatePools, *, deadline: float | None = None
) -> Generated:
    """Rounds of pricing from ``pools`` until no meal prices out, the LP is within
    :data:`STOP_GAP` of the bound, or :data:`MAX_ROUNDS`. Every round is the same work for the
    same request, so the meals and the bound are the same on any machine; only ``deadline``
    (seconds, the planner's explicit wall-clock limit) stops rounds by time: no round starts
    after half of it."""
    if not applies(problem) or pools.fixed or pools.leftovers:
        # A kept meal (a swap) stays as it was, and a swap must not regenerate the meal it
        # replaces: those pools are chosen from as drawn.
        return Generated(pools, None, False, 0, 0)
    started = time.perf_counter()
    pricers: list[list[PatternPricer]] = []
    best = -np.inf
    added = 0
    exact_done = False  # the exact pricing costs seconds a round: one round at most
    for rounds in range(1, MAX_ROUNDS + 1):
        arguments = selection_arguments(problem, pools)
        points = meal_points(problem, arguments)
        if points is None:
            return Generated(pools, None, False, rounds - 1, added)
        model = build_selection(*arguments.args, **arguments.kwargs)
        lp = solve(model.problem, mip=False)
        if lp.status != "optimal" or lp.objective is None:
            logger.info("column generation: the LP relaxation is %s", lp.status)
            return Generated(pools, None, False, rounds - 1, added)
        prices = meal_prices(model, arguments)
        if prices is None or not _prices_agree(model, points, prices):
            return Generated(pools, None, False, rounds - 1, added)
        pricers = pricers or pattern_pricers(problem, points)
        found = _price_round(pricers, points, prices, exact=False)
        stuck = found is not None and not exact_done and not _adds(pools, found[0])
        if found is not None and stuck and -found[1] > STOP_GAP and lp.objective - best > STOP_GAP:
            # The search found no new meal where the relaxations leave room: the exact
            # pricing decides, once (its bounds are as valid, and tighter).
            exact_done = True
            exact = _price_round(pricers, points, prices, exact=True)
            found = None if exact is None else (exact[0], max(found[1], exact[1]))
        if found is None:
            return Generated(pools, None, False, rounds, added)
        new, lowest = found
        best = max(best, lp.objective + lowest)
        bound = best if np.isfinite(best) else None
        close = lp.objective - best <= STOP_GAP
        logger.debug(
            "column generation round %d: LP %.6f, bound %.6f, %d meals priced out",
            rounds,
            lp.objective,
            best,
            sum(len(v) for v in new.values()),
        )
        if close or not _adds(pools, new):
            return Generated(pools, bound, close, rounds, added)
        before = sum(len(p) for p in pools.pools)
        pools = _with_meals(pools, new)
        added += sum(len(p) for p in pools.pools) - before
        if deadline is not None and time.perf_counter() - started > deadline / 2:
            logger.info("column generation: stopped at half the time limit")
            return Generated(pools, bound, False, rounds, added)
    return Generated(pools, best if np.isfinite(best) else None, False, MAX_ROUNDS, added)


def pattern_pricers(
    problem: PlanningProblem, points: list[MealPoints]
) -> list[list[PatternPricer]]:
    """Per slot, the pricing problem of each of its patterns (built once, priced each round)."""
    foods = problem.foods
    slots = [
        replace(spec, forced=tuple(problem.locks.get((0, s), ())))
        for s, spec in enumerate(problem.slots)
    ]
    return [
        [
            PatternPricer(
                foods, spec, pattern, points[s], np.array([spec.meal in m for m in foods.meals])
            )
            for pattern in spec.patterns
        ]
        for s, spec in enumerate(slots)
    ]


def _price_round(
    pricers: list[list[PatternPricer]],
    points: list[MealPoints],
    prices: list[MealPrices],
    *,
    exact: bool,
) -> tuple[dict[int, list[Candidates]], float] | None:
    """One round of pricing: per slot, the meals that price out (one per pattern at most),
    and the sum over slots of the lowest proven reduced cost (≤ 0), which added to the LP
    value is the round's Lagrangian bound. None when a meal's reduced cost as pricing saw it
    differs from its cost as the model sees it."""
    new: dict[int, list[Candidates]] = {}
    total = 0.0
    for s, slot in enumerate(pricers):
        lowest = 0.0
        for pricer in slot:
            priced = pricer.cheapest(prices[s], tolerance=PRICE_TOLERANCE, exact=exact)
            if priced is None:
                continue  # the pattern makes no meal here
            lowest = min(lowest, priced.bound)
            if priced.meal is None or priced.reduced_cost >= -PRICE_TOLERANCE:
                continue
            seen = reduced_costs(priced.meal, points[s], prices[s])[0]
            if abs(seen - priced.reduced_cost) > AGREEMENT * max(1.0, abs(seen)):
                logger.warning(
                    "column generation: pricing disagrees (%g, %g)", seen, priced.reduced_cost
                )
                return None
            new.setdefault(s, []).append(priced.meal)
        total += lowest
    return new, total


def meal_points(problem: PlanningProblem, arguments: SelectionArguments) -> list[MealPoints] | None:
    """Per slot, what the objective charges a meal; None where the objective's cost term
    depends on the meals drawn (some foods without a price)."""
    kwargs = arguments.kwargs
    weight = float(kwargs["cost_weight"])
    priced = np.isfinite(problem.foods.cost)
    if priced.any() and not priced.all():
        # The cost term and the budget row hold only while every meal's cost is known: with
        # some foods unpriced, they come and go with the meals drawn.
        return None
    all_priced = weight > 0 and bool(priced.all())
    serving = problem.preferences.weights.serving_size
    return [
        MealPoints(target, float(kwargs["calorie_weight"]), weight if all_priced else 0.0, serving)
        for target in kwargs["slot_targets"]
    ]


def meal_prices(model: SelectionModel, arguments: SelectionArguments) -> list[MealPrices] | None:
    """Per slot, what the rows of the solved LP relaxation pay for one more meal (a day's
    model); None when a row the prices do not know has a dual value."""
    bounds = arguments.args[2]
    bands: list[tuple[float, float]] = arguments.args[1]
    slots = len(bands)
    keys = len(bounds.keys)
    groups = arguments.kwargs["group_bands"]
    width = len(groups.keys) if groups is not None else 0
    # Each nutrient row's coefficients per unit of a meal's kcal (first) and nutrients.
    probe, _ = families.nutrient_rows(
        np.vstack([np.zeros(keys), np.eye(keys)]),
        bounds,
        bounds.low,
        np.eye(1 + keys)[0],
        "_0",
    )
    per_unit = {row.name: row.coefficients for row in probe}
    constant = np.zeros(slots)
    energy = np.zeros(slots)
    nutrients = np.zeros(keys)
    group_prices = np.zeros(width)
    cost = 0.0
    mains: dict[int, float] = {}
    holds: list[dict[int, float]] = [{} for _ in range(slots)]
    for row in model.problem.constraints():
        name, pi = str(row.name), float(row.pi or 0.0)
        if name in per_unit:
            energy += pi * per_unit[name][0]
            nutrients += pi * per_unit[name][1:]
        elif name.startswith("one_0_"):
            constant[int(name.rsplit("_", 1)[1])] += pi
        elif name in ("energy_lo_0", "energy_hi_0"):
            energy += pi
        elif name.startswith(("band_lo_0_", "band_hi_0_")):
            t = int(name.rsplit("_", 1)[1])
            share = bands[t][0] if name.startswith("band_lo") else bands[t][1]
            energy -= pi * share
            energy[t] += pi
        elif name == "budget_0":
            cost += pi
        elif groups is not None and name.startswith(("group_lo_", "group_hi_")):
            group_prices[groups.keys.index(name[len("group_lo_") :])] += pi
        elif groups is not None and name == "whole_grains":
            assert groups.whole is not None and groups.grains is not None
            group_prices[groups.whole] += pi
            group_prices[groups.grains] -= pi * groups.whole_share
        elif name.startswith("daily_") and name.endswith("_0"):
            food = int(name.split("_")[1])
            mains[food] = mains.get(food, 0.0) + pi
        elif name.startswith("lock_0_"):
            slot, food = (int(x) for x in name.split("_")[2:4])
            holds[slot][food] = holds[slot].get(food, 0.0) + pi
        elif pi:
            logger.info("column generation: row %s (dual %g) is not priced", name, pi)
            return None
    return [
        MealPrices(constant[s], energy[s], nutrients, cost, group_prices, mains, holds[s])
        for s in range(slots)
    ]


def _prices_agree(
    model: SelectionModel, points: list[MealPoints], prices: list[MealPrices]
) -> bool:
    """Whether the prices give every drawn meal the reduced cost the LP solver reports for it:
    a row of the selection model the prices missed would show here."""
    for s, pool in enumerate(model.slots):
        open_ = model.x.open_candidates(0, s)
        ours = reduced_costs(pool.take(open_.tolist()), points[s], prices[s])
        solver = np.array([v.dj or 0.0 for v in model.x.for_slot(0, s)])
        off = np.abs(ours - solver) - AGREEMENT * np.maximum(1.0, np.abs(solver))
        worst = float(np.max(np.abs(ours - solver), initial=0.0))
        if np.any(off > 0):
            logger.warning("column generation: reduced costs disagree by %g in slot %d", worst, s)
            return False
    return True


def _adds(pools: CandidatePools, new: dict[int, list[Candidates]]) -> bool:
    """Whether ``new`` holds a meal its slot's pool lacks (a meal the LP serves at its upper
    bound can price out again)."""
    return any(
        (meal.foods[0], meal.servings[0])
        not in set(zip(pools.pools[s].foods, pools.pools[s].servings, strict=True))
        for s, meals in new.items()
        for meal in meals
    )


def _with_meals(pools: CandidatePools, new: dict[int, list[Candidates]]) -> CandidatePools:
    """The pools with the priced meals appended, each open on the plan's one day."""
    merged = list(pools.pools)
    open_on = list(pools.open_on)
    for s, meals in new.items():
        seen = set(zip(merged[s].foods, merged[s].servings, strict=True))
        fresh = []
        for meal in meals:
            key = (meal.foods[0], meal.servings[0])
            if key not in seen:
                seen.add(key)
                fresh.append(meal)
        if fresh:
            merged[s] = merge_all([merged[s], *fresh])
            open_on[s] = np.concatenate([open_on[s], np.zeros(len(fresh), dtype=int)])
    return replace(pools, pools=merged, open_on=open_on)
