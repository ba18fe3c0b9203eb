"""Portions polished: the chosen week again, with each meal's portions free to move a step.

A week chosen from candidate meals serves each meal in the portions it was drawn with. Within
a basket of 30 foods that can leave a minimum just short (magnesium at 99.4 % on one day,
vitamin D at 98 % over the week) where half a cup more of the spinach would meet it. So the
planner offers the selection model the chosen meals once more, each beside its portion
variants (:func:`~mealplan.optimize.portion_variants`: one or two items a step more or less,
within the part's and the food's servings), and beside a few other meals of the pools, the
richest in what it misses: meals made only of foods the week already buys, and, while the
week is under its distinct-food cap, meals with one food more (the model's cap and staple
rows decide whether that food joins). The model's rows keep the variety rules; kept meals
stay as they were, a leftover lunch stays the copy of its dinner, and locked foods keep their
amounts.
"""

from __future__ import annotations

import numpy as np

from mealplan.optimize._candidates import Candidates, portion_variants
from mealplan.planning.formulation import distinct_cap
from mealplan.planning.pools import CandidatePools, merge_all
from mealplan.planning.problem import PlanningProblem


def portion_pools(
    problem: PlanningProblem,
    pools: CandidatePools,
    choice: list[list[int]],
) -> CandidatePools:
    """Pools holding, for each day and slot, the meal ``choice`` serves there and its portion
    variants, open on that day only, and the week's other meals of its foods (see the
    module)."""
    slots = problem.slots
    serving_weight = problem.preferences.weights.serving_size
    copies_of = pools.leftovers  # (lunch slot, copy) → (dinner slot, cooked)
    parts: list[list[Candidates]] = [[] for _ in slots]
    days_of: list[list[np.ndarray]] = [[] for _ in slots]
    sizes = [0] * len(slots)
    fixed: dict[tuple[int, int], int] = {}
    leftovers: dict[tuple[int, int], tuple[int, int]] = {}
    # Where each day's dinner variants went: (day, slot) → (first index, count).
    placed: dict[tuple[int, int], tuple[int, int]] = {}

    def add(s: int, d: int, meals: Candidates) -> int:
        first = sizes[s]
        parts[s].append(meals)
        days_of[s].append(np.full(len(meals), d))
        sizes[s] += len(meals)
        placed[(d, s)] = (first, len(meals))
        return first

    # Cooked meals first, so that a leftover lunch can copy its dinner's variants.
    order = sorted(
        ((d, s) for d in range(problem.days) for s in range(len(slots))),
        key=lambda key: (key[1], choice[key[0]][key[1]]) in copies_of,
    )
    for d, s in order:
        pool, c = pools.pools[s], choice[d][s]
        if (s, c) in copies_of and (d, s) not in pools.fixed:
            dinner, _ = copies_of[(s, c)]
            first, count = placed[(d - 1, dinner)]
            cooked = merge_all(parts[dinner])
            copy = cooked.take(list(range(first, first + count)), slot=pool.slot, mains=False)
            at = add(s, d, copy)
            leftovers.update({(s, at + i): (dinner, first + i) for i in range(count)})
            continue
        if (d, s) in pools.fixed:
            meals = pool.take([c])
            fixed[(d, s)] = add(s, d, meals)
            if (s, c) in copies_of:
                dinner, _ = copies_of[(s, c)]
                leftovers[(s, fixed[(d, s)])] = (dinner, placed[(d - 1, dinner)][0])
            continue
        frozen = frozenset(position for position, _ in problem.locks.get((d, s), ()))
        meals = portion_variants(
            problem.foods, slots[s], pool, c, frozen, serving_weight=serving_weight
        )
        add(s, d, meals)
    _add_other_meals(problem, pools, choice, parts, days_of)
    return CandidatePools(
        [merge_all(p) for p in parts],
        [np.concatenate(o) for o in days_of],
        fixed,
        leftovers,
    )


#: Other meals of the week's foods offered per day and slot, the richest in what it misses.
SAME_FOOD_MEALS = 3
#: Meals with one food the week does not buy yet, offered per day and slot while the week is
#: under its distinct-food cap (the model's cap rows decide whether one joins).
NEW_FOOD_MEALS = 2


def _add_other_meals(
    problem: PlanningProblem,
    pools: CandidatePools,
    choice: list[list[int]],
    parts: list[list[Candidates]],
    days_of: list[list[np.ndarray]],
) -> None:
    """Append to each slot and day up to :data:`SAME_FOOD_MEALS` of the pool's other meals
    whose counted foods the week already buys, and, under the cap, :data:`NEW_FOOD_MEALS`
    with one counted food more, the richest in the minimums the chosen week misses: a day
    short of calcium may swap its lunch for another meal, not only move a portion. The
    model's cap, staple and variety rows still hold. Kept meals and leftover copies are not
    offered."""
    counted, low, weekly = problem.plates.counted, problem.bounds.low, problem.bounds.weekly
    served = [
        sum((pools.pools[s].nutrients[c] for s, c in enumerate(row)), np.zeros(len(low)))
        for row in choice
    ]
    with np.errstate(invalid="ignore"):
        week_short = (np.sum(served, axis=0) < low * len(choice)) & weekly
        day_short = [(total < low) & ~weekly for total in served]
    if not week_short.any() and not any(short.any() for short in day_short):
        return
    bought = {f for row in choice for s, c in enumerate(row) for f in pools.pools[s].foods[c]}
    cap = distinct_cap(problem.preferences.max_distinct_foods, problem.days)
    room = cap is None or sum(1 for f in bought if counted[f]) < cap
    kept_days = {d for d, _ in pools.fixed}
    lows = np.where(np.isnan(low) | (low <= 0), np.inf, low)
    for s, pool in enumerate(pools.pools):
        own = pools.tied(s)
        rows: list[int] = []
        for d in range(problem.days):
            if d in kept_days or (s, choice[d][s]) in pools.leftovers:
                continue  # a kept day, or a leftover lunch: tied to its dinner
            short = week_short | day_short[d]
            if not short.any():
                continue
            by_new: dict[int, list[tuple[float, int]]] = {0: [], 1: []}
            for c in np.flatnonzero(pools.open_on[s] == d).tolist():
                if c in own or c == choice[d][s]:
                    continue
                new = len({f for f in pool.foods[c] if counted[f] and f not in bought})
                if new in by_new and (new == 0 or room):
                    richness = float(np.minimum(pool.nutrients[c] / lows, 1.0)[short].sum())
                    by_new[new].append((richness, c))
            for new, offered in ((0, SAME_FOOD_MEALS), (1, NEW_FOOD_MEALS)):
                ranked = sorted(by_new[new], key=lambda rc: (-rc[0], rc[1]))
                rows.extend(c for r, c in ranked[:offered] if r > 0)
        if rows:
            parts[s].append(pool.take(rows))
            days_of[s].append(pools.open_on[s][rows])
