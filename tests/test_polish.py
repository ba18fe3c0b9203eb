"""Portion polish: a chosen week offered again with its portions free to move a step.

The variants must keep every meal's foods (so the basket, staples and variety rules still hold),
stay within the servings each part and food allow, leave locked amounts alone, and keep a
leftover lunch the copy of its dinner. And it must help: the same meals, polished, miss a
minimum by less.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealplan import FoodCatalog, Preferences, Profile, Targets
from mealplan.optimize import SelectionModel, chosen, portion_variants, solve
from mealplan.planning import (
    PlanningProblem,
    build_problem,
    candidate_pools,
    misses_a_minimum,
    portion_pools,
    selection_model,
    week_pools,
)


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
    for s in range(len(problem.slots)):
        for d in range(problem.days):
            open_today = np.flatnonzero(polished.open_on[s] == d)
            assert len(open_today) >= 1
            assert {polished.pools[s].foods[c] for c in open_today} == {
                pools.pools[s].foods[choice[d][s]]
            }
    # Every lunch of day 2 is a leftover copy of one of day 1's dinner variants.
    lunches = np.flatnonzero(polished.open_on[lunch] == 1).tolist()
    assert lunches and all((lunch, c) in polished.leftovers for c in lunches)
    for c in lunches:
        _, d = polished.leftovers[(lunch, c)]
        assert polished.open_on[dinner][d] == 0
        assert polished.pools[lunch].servings[c] == polished.pools[dinner].servings[d]


def test_polish_turns_a_week_that_misses_a_minimum_into_one_that_meets_it(
    catalog: FoodCatalog,
) -> None:
    """A pescatarian woman of 40: the meals chosen from her week's basket miss a minimum
    (5 % of one, measured); offered again with the portions free, the same meals meet every
    minimum, and the foods stay."""
    targets = Targets.cramp_support(Profile(age=40, sex="female"))
    prefs = Preferences(diet="pescatarian")
    problem = build_problem(catalog, targets, prefs, days=7, weekly=True)
    pools = week_pools(problem)
    model = selection_model(problem, pools)
    first = solve(model.problem, time_limit=120, gap=0.01, abs_gap=0.05)
    assert first.status == "optimal" and misses_a_minimum(model)
    choice = chosen(model)
    polished = portion_pools(problem, pools, choice)
    again = selection_model(problem, polished)
    second = solve(again.problem, time_limit=60, gap=0.0)
    assert second.status == "optimal"
    assert second.objective is not None and first.objective is not None
    assert second.objective < first.objective

    def short(m: SelectionModel) -> float:
        return sum(v.varValue or 0.0 for v in m.problem.variables() if v.name.startswith("short_"))

    assert short(model) > 1.0 and short(again) == pytest.approx(0.0, abs=1e-6)
    assert not misses_a_minimum(again)
    for d, day in enumerate(chosen(again)):
        for s, c in enumerate(day):
            assert polished.pools[s].foods[c] == pools.pools[s].foods[choice[d][s]]
