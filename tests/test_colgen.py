"""Column generation for a day: the meal prices read from the LP's duals, the pricing problem
(its LP relaxation, the search over the options it favours), and the bound over every meal the
patterns allow that the plan reports."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealplan import FoodCatalog, Lock, Planner, Preferences, Profile, Targets, verify
from mealplan.optimize._candidates import _Rows, _valid
from mealplan.optimize._model import SelectionModel, build_selection
from mealplan.optimize._pricing import (
    _enumerate,
    _option_costs,
    _options,
    cheapest_meal,
    pricing_model,
    reduced_costs,
)
from mealplan.optimize._solve import solve, solve_arrays
from mealplan.planning import (
    CandidatePools,
    PlanningProblem,
    SelectionArguments,
    build_problem,
    candidate_pools,
    selection_arguments,
    selection_model,
)
from mealplan.planning.colgen import (
    _prices_agree,
    applies,
    generate_meals,
    meal_points,
    meal_prices,
)

WOMAN = Targets.cramp_support(Profile(age=34, sex="female"))


@pytest.fixture(scope="module")
def catalog() -> FoodCatalog:
    return FoodCatalog.default()


@pytest.fixture(scope="module")
def day(catalog: FoodCatalog) -> PlanningProblem:
    return build_problem(catalog, WOMAN, Preferences(), days=1, weekly=False)


Solved = tuple[CandidatePools, SelectionArguments, SelectionModel]


@pytest.fixture(scope="module")
def solved(day: PlanningProblem) -> Solved:
    """The LP relaxation of the day's selection model over its drawn candidates, solved."""
    pools = candidate_pools(day)
    arguments = selection_arguments(day, pools)
    model = build_selection(*arguments.args, **arguments.kwargs)
    assert solve(model.problem, mip=False).status == "optimal"
    return pools, arguments, model


def test_the_prices_give_every_drawn_meal_the_solvers_reduced_cost(
    solved: Solved, day: PlanningProblem
) -> None:
    """The prices gathered from the rows' duals reproduce HiGHS's reduced cost of every
    candidate: no row a meal enters is missed, none counted twice."""
    _, arguments, model = solved
    prices = meal_prices(model, arguments)
    points = meal_points(day, arguments)
    assert prices is not None and points is not None
    assert _prices_agree(model, points, prices)
    for s, pool in enumerate(model.slots):
        ours = reduced_costs(pool, points[s], prices[s])
        solver = np.array([v.dj for v in model.x.for_slot(0, s)])
        np.testing.assert_allclose(ours, solver, atol=1e-6)


def test_a_price_out_of_line_is_caught(solved: Solved, day: PlanningProblem) -> None:
    """The agreement check is what keeps a bound honest when the model gains a row the prices
    do not know: a wrong price fails it."""
    _, arguments, model = solved
    prices = meal_prices(model, arguments)
    points = meal_points(day, arguments)
    assert prices is not None and points is not None
    wrong = [replace(prices[0], energy=prices[0].energy + 0.01), *prices[1:]]
    assert not _prices_agree(model, points, wrong)


def test_priced_meals_keep_their_patterns_rules_and_cost_what_pricing_says(
    solved: Solved, day: PlanningProblem
) -> None:
    """Each meal the pricing finds is a valid meal of its pattern (the candidate generator's own
    check), and its reduced cost recomputed from its totals is the one pricing reported; the
    pattern's bound is below it."""
    _, arguments, model = solved
    prices = meal_prices(model, arguments)
    points = meal_points(day, arguments)
    assert prices is not None and points is not None
    found = 0
    for s, spec in enumerate(day.slots):
        eligible = np.array([spec.meal in m for m in day.foods.meals])
        for pattern in spec.patterns:
            priced = cheapest_meal(day.foods, spec, pattern, points[s], prices[s], eligible)
            if priced is None or priced.meal is None:
                continue
            found += 1
            meal = priced.meal
            assert priced.bound <= priced.reduced_cost + 1e-9
            seen = reduced_costs(meal, points[s], prices[s])[0]
            assert seen == pytest.approx(priced.reduced_cost, abs=1e-6)
            items = np.array([meal.foods[0]])
            parts = np.array([meal.parts[0]])
            rows = _Rows(
                items,
                parts,
                np.array([pattern.index]),
                np.full(items.shape, np.nan),
                np.array([[pattern.parts[j].low for j in meal.parts[0]]]),
                np.array([[pattern.parts[j].high for j in meal.parts[0]]]),
            )
            assert _valid(day.foods, spec, rows)[0], (spec.meal, pattern.index, meal.foods)
            assert spec.kcal_low - 1e-6 <= meal.energy[0] <= spec.kcal_high + 1e-6
            assert all(
                pattern.parts[j].low - 1e-9 <= v <= pattern.parts[j].high + 1e-9
                for j, v in zip(meal.parts[0], meal.servings[0], strict=True)
            )
    assert found >= 10


@pytest.mark.parametrize("slot", [0, 1, 3])
def test_the_search_finds_the_milps_optimum_over_the_same_options(
    solved: Solved, day: PlanningProblem, slot: int
) -> None:
    """Over a few options per part, checking every meal one by one finds what the pricing MILP
    finds: the two state the pattern's rules alike."""
    _, arguments, model = solved
    prices = meal_prices(model, arguments)
    points = meal_points(day, arguments)
    assert prices is not None and points is not None
    spec = day.slots[slot]
    eligible = np.array([spec.meal in m for m in day.foods.meals])
    rng = np.random.default_rng(slot)
    compared = 0
    for pattern in spec.patterns[:8]:
        options = _options(day.foods, spec, pattern, eligible)
        if options is None:
            continue
        keep = np.zeros(len(options.foods), dtype=bool)
        for j in range(len(pattern.parts)):
            in_part = np.flatnonzero(options.parts == j)
            keep[rng.choice(in_part, size=min(6, in_part.size), replace=False)] = True
        kept = options.take(keep)
        cost, kcal = _option_costs(day.foods, pattern, points[slot], prices[slot], kept)
        constant = prices[slot].constant
        every = np.ones(len(kept.foods), dtype=bool)
        found = _enumerate(
            day.foods, spec, pattern, points[slot], constant, kept, every, cost, kcal
        )
        milp = pricing_model(day.foods, spec, pattern, points[slot], kept, cost)
        result, _ = solve_arrays(milp, gap=0.0, abs_gap=1e-9)
        if found is None:
            assert result.status == "infeasible"
            continue
        compared += 1
        assert result.objective is not None
        assert found[1] == pytest.approx(result.objective - prices[slot].constant, abs=1e-6)
    assert compared >= 3


def test_a_day_reports_a_bound_over_every_meal_the_patterns_allow(catalog: FoodCatalog) -> None:
    """The day's bound covers every meal of the patterns; the menu chosen among the generated
    meals scores far better than among the drawn ones alone, and both are above the bound."""
    generated = Planner(catalog).plan_day(WOMAN)
    drawn = Planner(catalog, generate_meals=False).plan_day(WOMAN)
    assert verify(generated, catalog, WOMAN) == []
    g, d = generated.solver, drawn.solver
    assert g is not None and d is not None
    assert g.bound_scope == "all_meals" and d.bound_scope == "candidate_meals"
    assert g.bound is not None and g.objective is not None and d.objective is not None
    # Any menu of pattern meals is above the bound: the drawn candidates' menu too.
    assert g.bound <= g.objective + 1e-9
    assert g.bound <= d.objective + 1e-9
    assert g.objective < d.objective - 1.0
    assert all(meal.pattern for meal in generated.meals)


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    age=st.integers(min_value=4, max_value=85),
    sex=st.sampled_from(["female", "male"]),
    diet=st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan"]),
)
def test_the_bound_is_below_every_menu_for_any_person(
    catalog: FoodCatalog, age: int, sex: str, diet: str
) -> None:
    """For any person and diet, the day's bound over all pattern meals is below its own menu
    and below the menu of the drawn candidates alone (another menu of pattern meals), and the
    plan passes the independent check."""
    targets = Targets.cramp_support(Profile.model_validate({"age": age, "sex": sex}))
    preferences = Preferences.model_validate({"diet": diet, "shortfalls": "declare"})
    plan = Planner(catalog).plan_day(targets, preferences)
    drawn = Planner(catalog, generate_meals=False).plan_day(targets, preferences).solver
    generated = plan.solver
    assert generated is not None and drawn is not None
    assert verify(plan, catalog, targets, preferences) == []
    assert generated.bound_scope == "all_meals"
    assert generated.bound is not None and drawn.objective is not None
    assert generated.objective is not None
    assert generated.bound <= min(generated.objective, drawn.objective) + 1e-9


def test_column_generation_prices_days_only(catalog: FoodCatalog, day: PlanningProblem) -> None:
    """A week keeps its bound over its candidate meals: its rows per food and day are not
    priced."""
    week = build_problem(catalog, WOMAN, Preferences(), days=7, weekly=True)
    assert applies(day) and not applies(week)
    pools = candidate_pools(week)
    assert generate_meals(week, pools).pools is pools


def test_rounds_are_the_same_work_every_time(day: PlanningProblem) -> None:
    """The same request generates the same meals and the same bound."""
    first = generate_meals(day, candidate_pools(day))
    second = generate_meals(day, candidate_pools(day))
    assert first.bound == second.bound and first.meals_added == second.meals_added
    assert [p.foods for p in first.pools.pools] == [p.foods for p in second.pools.pools]
    assert first.meals_added > 0
    model = selection_model(day, first.pools)
    assert solve(model.problem, mip=False).objective == pytest.approx(
        solve(selection_model(day, second.pools).problem, mip=False).objective
    )


def test_a_locked_amount_holds_in_generated_meals(catalog: FoodCatalog) -> None:
    """A lock of 1.5 servings of oatmeal at breakfast: the generated breakfasts hold it at
    that amount (pricing places the locked food as the candidate draws do), and the plan
    passes the independent check."""
    oatmeal = -56203610
    lock = Lock.model_validate({"food": oatmeal, "meal": "breakfast", "servings": 1.5})
    preferences = Preferences(locks=(lock,))
    plan = Planner(catalog).plan_day(WOMAN, preferences)
    assert verify(plan, catalog, WOMAN, preferences) == []
    breakfast = next(m for m in plan.meals if m.name == "breakfast")
    assert [i.servings for i in breakfast.items if i.food_id == oatmeal] == [1.5]
    assert plan.solver is not None and plan.solver.bound_scope == "all_meals"


def test_a_one_day_week_is_planned_from_drawn_meals_and_swaps(catalog: FoodCatalog) -> None:
    """Column generation is a day's (``plan_day``): a one-day ``plan_week`` keeps drawn meals,
    so that swapping its dinner finds another dinner that fits beside the kept meals."""
    planner = Planner(catalog)
    week = planner.plan_week(WOMAN, Preferences(), days=1)
    assert week.solver is not None and week.solver.bound_scope == "candidate_meals"
    swapped = planner.swap_meal(week, WOMAN, Preferences(), day=1, meal="dinner")
    assert swapped.days[0].meals[2] != week.days[0].meals[2]
    assert swapped.days[0].meals[:2] == week.days[0].meals[:2]
