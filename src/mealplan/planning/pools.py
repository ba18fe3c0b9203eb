"""Candidate meals for each slot and day: drawn at random within each meal's structure, plus
the meals that must contain a locked food, plus the meals a re-plan keeps.

Each day gets its own share of a slot's candidates (round robin over a random order), which
keeps the selection model small and the days distinct.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mealplan.domain.plan import Meal, WeekPlan
from mealplan.errors import InfeasiblePlanError, PlannerError
from mealplan.optimize._candidates import Candidates, SlotSpec, generate, nutrient_weights
from mealplan.optimize._problem import FoodTable
from mealplan.planning import explain
from mealplan.planning.problem import PlanningProblem

#: Candidate meals per slot: measured on the default catalogue (benchmarks/), 50 a slot solve
#: a day in ~0.07 s with no infeasible day over 42 varied profiles; 24 a day keep a week fast.
DAY_CANDIDATES = 50
WEEK_CANDIDATES_PER_DAY = 24
LOCK_CANDIDATES_PER_DAY = 12
#: Extra candidates per slot and day for each scarce nutrient (see :func:`scarce_nutrients`).
FOCUS_PER_DAY = 6


@dataclass(frozen=True)
class CandidatePools:
    """Per slot: the candidate meals, the day each may be served on, and the kept meals."""

    pools: list[Candidates]
    #: open_on[s][c]: the day (0-based) candidate c of slot s may be served on.
    open_on: list[np.ndarray]
    #: (day, slot) → the candidate that keeps that meal as it was (a re-plan's other days).
    fixed: dict[tuple[int, int], int]


def candidate_pools(
    problem: PlanningProblem,
    *,
    keep: WeekPlan | None = None,
    replan: list[int] | None = None,
    day_candidates: int = DAY_CANDIDATES,
    week_candidates_per_day: int = WEEK_CANDIDATES_PER_DAY,
    attempt: int = 0,
) -> CandidatePools:
    """Draw every slot's pool; raise :class:`InfeasiblePlanError` when a slot has no candidate
    or no candidate of a locked day can hold its locked food.

    ``attempt`` > 0 draws ``attempt + 1`` times as many candidates from another random stream
    (still derived from the request): the planner's second try when no menu of the first pool
    keeps every rule.
    """
    foods, days = problem.foods, problem.days
    rng = np.random.default_rng(problem.seed if attempt == 0 else [problem.seed, attempt])
    weights = nutrient_weights(
        foods, problem.bounds.low, problem.energy_target, problem.bounds.high
    )
    size = attempt + 1
    count = size * (day_candidates if days == 1 else week_candidates_per_day * days)
    pools: list[Candidates] = []
    open_on: list[np.ndarray] = []
    draw = _Drawer(problem, weights, rng)
    base = [draw(spec, count) for spec in problem.slots]
    # One drawer per scarce nutrient, its weights computed once for every slot.
    focused = [draw.focused(k) for k in scarce_nutrients(problem, base)]
    for s, spec in enumerate(problem.slots):
        pool = base[s]
        for draw_focused in focused:
            pool = _merge(pool, draw_focused(spec, size * FOCUS_PER_DAY * days))
        days_of = np.arange(len(pool)) % days
        for forced, forced_days in _locked_days(problem, s):
            extra = draw(replace(spec, forced=forced), LOCK_CANDIDATES_PER_DAY * len(forced_days))
            pool = _merge(pool, extra)
            days_of = np.concatenate(
                [days_of, np.array(forced_days)[np.arange(len(extra)) % len(forced_days)]]
            )
        pools.append(pool)
        open_on.append(days_of)
    fixed = _keep_meals(problem, pools, open_on, keep, replan or [])
    _check_locks_held(problem, pools, open_on)
    empty = [spec.meal for spec, pool in zip(problem.slots, pools, strict=True) if not len(pool)]
    if empty:
        raise InfeasiblePlanError(explain.diagnose(problem, empty_slots=empty))
    return CandidatePools(pools, open_on, fixed)


def scarce_nutrients(problem: PlanningProblem, pools: list[Candidates]) -> list[int]:
    """The nutrients (positions in ``problem.bounds.keys``) a typical day of the pools falls
    short of: the mean candidate of every slot, summed, carries less than the day's minimum.

    The selection model can only meet such a minimum with the few candidates rich in it, so the
    pools get more of those (vitamin D outside fish and milk, for one, is rare in foods).
    """
    low = problem.bounds.low
    typical = sum((pool.nutrients.mean(axis=0) for pool in pools if len(pool)), np.zeros(len(low)))
    return [k for k in range(len(low)) if not np.isnan(low[k]) and typical[k] < low[k]]


@dataclass(frozen=True)
class _Drawer:
    """Draws candidates for a slot from the problem's foods, one shared random stream."""

    problem: PlanningProblem
    weights: np.ndarray
    rng: np.random.Generator
    #: The minimums candidates are ranked by (the problem's, unless focused on one nutrient).
    low: np.ndarray | None = None

    def __call__(self, spec: SlotSpec, count: int) -> Candidates:
        return generate(
            self.problem.foods,
            spec,
            self.weights,
            self.problem.bounds.low if self.low is None else self.low,
            count,
            self.rng,
            serving_weight=self.problem.preferences.weights.serving_size,
            daily_high=self.problem.bounds.high,
        )

    def focused(self, key: int) -> _Drawer:
        """A drawer for one nutrient alone: foods drawn and meals ranked by it (within the
        caps as usual), on the same random stream."""
        bounds = self.problem.bounds
        only = np.full(len(bounds.low), np.nan)
        only[key] = bounds.low[key]
        weights = nutrient_weights(
            self.problem.foods, only, self.problem.energy_target, bounds.high
        )
        return _Drawer(self.problem, weights, self.rng, only)


def _locked_days(
    problem: PlanningProblem, slot: int
) -> list[tuple[tuple[tuple[int, float], ...], list[int]]]:
    """The distinct sets of locked foods of one slot, each with the days that need it."""
    by_set: dict[tuple[tuple[int, float], ...], list[int]] = {}
    for (d, s), locked in sorted(problem.locks.items()):
        if s == slot:
            by_set.setdefault(tuple(sorted(locked)), []).append(d)
    return sorted(by_set.items(), key=str)


def _keep_meals(
    problem: PlanningProblem,
    pools: list[Candidates],
    open_on: list[np.ndarray],
    keep: WeekPlan | None,
    replan: list[int],
) -> dict[tuple[int, int], int]:
    """Add the kept days' meals as one-candidate pools fixed to their day."""
    fixed: dict[tuple[int, int], int] = {}
    if keep is None:
        return fixed
    for d, day in enumerate(keep.days):
        if d + 1 in replan:
            continue
        for s, meal in enumerate(day.meals):
            pools[s] = _merge(pools[s], _as_candidate(pools[s].slot, meal, problem.foods))
            open_on[s] = np.append(open_on[s], d)
            fixed[(d, s)] = len(pools[s]) - 1
    return fixed


def _check_locks_held(
    problem: PlanningProblem, pools: list[Candidates], open_on: list[np.ndarray]
) -> None:
    for (d, s), locked in sorted(problem.locks.items()):
        for position, _ in locked:
            today = np.flatnonzero(open_on[s] == d)
            if not any(position in pools[s].foods[c] for c in today):
                message = explain.unheld_lock(
                    problem.slots[s].meal, problem.foods.names[position], d + 1
                )
                raise InfeasiblePlanError(explain.conflicts([message]))


def _merge(pool: Candidates, extra: Candidates) -> Candidates:
    """The pool with ``extra``'s candidates appended (their indices follow the pool's)."""
    if len(extra) == 0:
        return pool
    return Candidates(
        pool.slot,
        pool.foods + extra.foods,
        pool.servings + extra.servings,
        np.concatenate([pool.energy, extra.energy]),
        np.vstack([pool.nutrients, extra.nutrients]) if len(pool) else extra.nutrients,
        np.concatenate([pool.cost, extra.cost]),
        np.concatenate([pool.score, extra.score]),
    )


def _as_candidate(slot: str, meal: Meal, foods: FoodTable) -> Candidates:
    """A kept meal as a one-candidate pool."""
    positions = []
    for item in meal.items:
        if item.food_id not in foods.position:
            raise PlannerError(f"keep: food {item.food_id!r} is not allowed by the preferences")
        positions.append(foods.position[item.food_id])
    index = np.array(positions)
    amounts = np.array([item.servings for item in meal.items])
    return Candidates(
        slot,
        [tuple(positions)],
        [tuple(float(a) for a in amounts)],
        np.array([amounts @ foods.energy[index]]),
        (amounts @ foods.nutrients[index]).reshape(1, -1),
        np.array([amounts @ foods.cost[index]]),
        np.array([amounts @ foods.score[index]]),
    )
