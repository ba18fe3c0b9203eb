"""Portions polished: the chosen week again, with each meal's portions free to move a step.

A week chosen from candidate meals serves each meal in the portions it was drawn with. Within
a basket of 30 foods that can leave a minimum just short (magnesium at 99.4 % on one day,
vitamin D at 98 % over the week) where half a cup more of the spinach would meet it. So the
planner offers the selection model the chosen meals once more, each beside its portion
variants (:func:`~mealplan.optimize.portion_variants`: one or two items a step more or less,
within the part's and the food's servings). The foods stay the same, so the basket, the staples
and the variety rules hold for any choice; kept meals stay as they were, a leftover lunch stays
the copy of its dinner, and locked foods keep their amounts.
"""

from __future__ import annotations

import numpy as np

from mealplan.optimize._candidates import Candidates, portion_variants
from mealplan.planning.pools import CandidatePools, merge_all
from mealplan.planning.problem import PlanningProblem


def portion_pools(
    problem: PlanningProblem, pools: CandidatePools, choice: list[list[int]]
) -> CandidatePools:
    """Pools holding, for each day and slot, the meal ``choice`` serves there and its portion
    variants, open on that day only (see the module)."""
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
    return CandidatePools(
        [merge_all(p) for p in parts],
        [np.concatenate(o) for o in days_of],
        fixed,
        leftovers,
    )
