"""Portion polish: a chosen week offered again with its portions free to move a step.

The variants must keep every meal's foods (so the basket, staples and variety rules still hold),
stay within the servings each part and food allow, leave locked amounts alone, and keep a
leftover lunch the copy of its dinner. And it must help: meals that just miss a minimum,
polished, meet it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealplan import FoodCatalog, Preferences, Profile, Targets
from mealplan.optimize import chosen, portion_variants, solve
from mealplan.planning import (
    PlanningProblem,
    build_problem,
    candidate_pools,
    misses_a_minimum,
    portion_pools,
    selection_model,
    week_pools,
)
from mealplan.planning.polish import NEW_FOOD_MEALS


@pytest.fixture(scope="module")
def catalog() -> FoodCatalog:
    return FoodCatalog.default()


@pytest.fixture(scope="module")
def problem(catalog: FoodCatalog) -> PlanningProblem:
    targets = Targets.for_profile(Profile(age=34, sex="female"))
    return build_problem(catalog, targets, Preferences(leftovers=True), days=3, weekly=True)


def _ranges(problem: PlanningProblem, s: int, pattern: int, parts: tuple[int, ...]) -> list:
    spec = next(p for p in problem.slots[s].patterns if p.index == pattern)
    return [(spec.parts[j].low, spec.parts[j].high) for j in parts]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_variants_keep_the_foods_and_stay_within_the_servings(
    problem: PlanningProblem, data: st.DataObject
) -> None:
    pools = candidate_pools(problem)
    s = data.draw(st.integers(0, len(problem.slots) - 1), label="slot")
    pool = pools.pools[s]
    c = data.draw(st.integers(0, len(pool) - 1), label="candidate")
    foods = problem.foods
    variants = portion_variants(foods, problem.slots[s], pool, c)
    assert variants.foods[0] == pool.foods[c]
    assert variants.servings[0] == pytest.approx(pool.servings[c])
    assert len(set(variants.servings)) == len(variants), "no variant twice"
    ranges = _ranges(problem, s, int(pool.patterns[c]), pool.parts[c])
    for items, servings in zip(variants.foods, variants.servings, strict=True):
        assert items == pool.foods[c]
        for f, x, (low, high), x0 in zip(items, servings, ranges, pool.servings[c], strict=True):
            low, high = max(low, foods.min_servings[f]), min(high, foods.max_servings[f])
            assert low - 1e-9 <= x <= high + 1e-9 or x == x0
            steps = abs(x - x0) / foods.step[f]
            assert steps == pytest.approx(round(steps)) and steps <= 2
    # The totals are those of the foods in the variant's servings.
    k = 3
    expected = sum(
        x * foods.nutrients[f, k]
        for f, x in zip(variants.foods[-1], variants.servings[-1], strict=True)
    )
    assert variants.nutrients[-1, k] == pytest.approx(expected)
    # A frozen (locked) food keeps its amount in every variant.
    first = pool.foods[c][0]
    frozen = portion_variants(foods, problem.slots[s], pool, c, frozenset({first}))
    assert {servings[0] for servings in frozen.servings} == {pool.servings[c][0]}


def test_portion_pools_offer_each_days_meal_on_that_day_with_leftovers_tied(
    problem: PlanningProblem,
) -> None:
    pools = candidate_pools(problem)
    lunch = [spec.meal for spec in problem.slots].index("lunch")
    dinner = [spec.meal for spec in problem.slots].index("dinner")
    # A choice: the first candidate open on each day, and on day 2 a leftover of day 1.
    choice = [
        [int(np.flatnonzero(pools.open_on[s] == d)[0]) for s in range(len(problem.slots))]
        for d in range(problem.days)
    ]
    copy, (_, cooked) = next(
        ((c, v) for (s, c), v in pools.leftovers.items() if s == lunch and pools.open_on[s][c] == 1)
    )
    choice[0][dinner], choice[1][lunch] = cooked, copy
    polished = portion_pools(problem, pools, choice)
    counted = problem.plates.counted
    bought = {
        f
        for d, row in enumerate(choice)
        for s, c in enumerate(row)
        for f in pools.pools[s].foods[c]
    }
    others = 0
    for s in range(len(problem.slots)):
        for d in range(problem.days):
            open_today = np.flatnonzero(polished.open_on[s] == d)
            chosen_foods = pools.pools[s].foods[choice[d][s]]
            served = [polished.pools[s].foods[c] for c in open_today]
            assert chosen_foods in served
            # Beside the chosen meal's variants, other meals of foods the week buys, and at
            # most NEW_FOOD_MEALS with one counted food more (the week is under its cap).
            with_new = 0
            for foods in served:
                if foods != chosen_foods:
                    others += 1
                    new = {f for f in foods if counted[f] and f not in bought}
                    assert len(new) <= 1
                    with_new += len(new)
                    assert (s, d) != (lunch, 1), "the leftover lunch stays tied to its dinner"
            assert with_new <= NEW_FOOD_MEALS
    assert others > 0, "this choice misses minimums, so other meals of its foods are offered"
    # A week at its cap is offered no meal with a food it does not buy.
    at_cap = problem.preferences.model_copy(
        update={"max_distinct_foods": sum(1 for f in bought if counted[f])}
    )
    full = portion_pools(replace(problem, preferences=at_cap), pools, choice)
    for s, pool in enumerate(full.pools):
        for foods in pool.foods:
            assert all(f in bought or not counted[f] for f in foods), (s, foods)
    # Every lunch of day 2 is a leftover copy of one of day 1's dinner variants.
    lunches = np.flatnonzero(polished.open_on[lunch] == 1).tolist()
    assert lunches and all((lunch, c) in polished.leftovers for c in lunches)
    for c in lunches:
        _, d = polished.leftovers[(lunch, c)]
        assert polished.open_on[dinner][d] == 0
        assert polished.pools[lunch].servings[c] == polished.pools[dinner].servings[d]


def test_polish_meets_a_minimum_the_chosen_portions_just_miss(catalog: FoodCatalog) -> None:
    """A 3-day plan is chosen; then its weekly vitamin D minimum is raised just above what the
    chosen meals carry, by half of what one portion step of one meal adds. The chosen meals
    now miss it; offered again with their portions free, they meet it within the cap, and
    with no new food when the week is at its cap."""
    targets = Targets.for_profile(Profile(age=34, sex="female"))
    problem = build_problem(catalog, targets, Preferences(), days=3, weekly=True)
    pools = week_pools(problem)
    model = selection_model(problem, pools)
    assert solve(model.problem, time_limit=120, gap=0.0).has_solution
    choice = chosen(model)
    k = problem.bounds.keys.index("vitamin_d")
    assert problem.bounds.weekly[k]
    served = sum(
        pools.pools[s].nutrients[choice[d][s], k]
        for d in range(problem.days)
        for s in range(len(problem.slots))
    )
    polished = portion_pools(problem, pools, choice)
    gains = [
        polished.pools[s].nutrients[c, k] - pools.pools[s].nutrients[choice[d][s], k]
        for s in range(len(problem.slots))
        for d in range(problem.days)
        for c in np.flatnonzero(polished.open_on[s] == d).tolist()
    ]
    step = min(g for g in gains if g > 1e-6)
    low = problem.bounds.low.copy()
    low[k] = (served + step / 2) / problem.days
    raised = replace(problem, bounds=replace(problem.bounds, low=low))
    before = selection_model(raised, pools)
    for v in before.x.all():
        v.upBound = v.lowBound = 0
    for d, day in enumerate(choice):
        for s, c in enumerate(day):
            fixed = before.x.of_candidate(d, s, c)
            fixed.lowBound = fixed.upBound = 1
    assert solve(before.problem, time_limit=60, gap=0.0).has_solution
    assert misses_a_minimum(before), "the chosen meals miss the raised minimum"
    bought = {
        f
        for d, day in enumerate(choice)
        for s, c in enumerate(day)
        for f in pools.pools[s].foods[c]
    }
    counted = problem.plates.counted
    # Under the cap a meal with one food more may be chosen, and the cap still holds.
    again = selection_model(raised, portion_pools(raised, pools, choice))
    assert solve(again.problem, time_limit=120, gap=0.0).status == "optimal"
    assert not misses_a_minimum(again)
    week_foods = {
        f for day in chosen(again) for s, c in enumerate(day) for f in again.slots[s].foods[c]
    }
    assert sum(1 for f in week_foods if counted[f]) <= (problem.preferences.max_distinct_foods or 0)
    # At the cap no food joins the week: each meal is a portion variant or another meal of
    # its foods, and the portions alone meet the raised minimum.
    at_cap = raised.preferences.model_copy(
        update={"max_distinct_foods": sum(1 for f in bought if counted[f])}
    )
    full = replace(raised, preferences=at_cap)
    again = selection_model(full, portion_pools(full, pools, choice))
    assert solve(again.problem, time_limit=120, gap=0.0).status == "optimal"
    assert not misses_a_minimum(again)
    for day in chosen(again):
        for s, c in enumerate(day):
            assert all(f in bought or not counted[f] for f in again.slots[s].foods[c])
