"""The week's basket on foods as eaten: a salty catalogue (sodium in prepared dishes), a man's
week within 30 foods that keeps the day's sodium limit and meets every target, and the
nutrients no one food of a category can carry alone."""

from __future__ import annotations

import numpy as np
import pytest

from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets, verify
from mealplan.domain.patterns import pattern_book
from mealplan.domain.vocabulary import Allergen
from mealplan.planning import build_problem, candidate_pools
from mealplan.planning.basket import relaxed_usage, week_basket
from mealplan.planning.formulation import distinct_cap
from mealplan.planning.pools import crowded_maxima, scarce_nutrients


@pytest.fixture(scope="module")
def catalog() -> FoodCatalog:
    return FoodCatalog.default()


def _counted_foods(week_foods: set[int | str], catalog: FoodCatalog) -> list[int | str]:
    book = pattern_book()
    return [
        food
        for food in week_foods
        if not book.not_counted.accepts(
            catalog[food].name, catalog[food].role, catalog[food].wweia_category
        )
    ]


def test_sodium_is_a_crowded_maximum_of_foods_as_eaten(catalog: FoodCatalog) -> None:
    """A typical day of meals drawn from FNDDS dishes goes over the sodium limit (for a man
    without wheat: 2,512 mg against 2,300), so the pools need lean meals; protein, far under
    its maximum, is not crowded."""
    targets = Targets.for_profile(Profile(age=52, sex="male"))
    preferences = Preferences(exclude_allergens=(Allergen.WHEAT,))
    problem = build_problem(catalog, targets, preferences, days=7, weekly=True)
    crowded = [
        problem.bounds.keys[k] for k in crowded_maxima(problem, candidate_pools(problem).pools)
    ]
    assert "sodium" in crowded
    assert "protein" not in crowded


def test_a_salty_week_within_the_cap_keeps_sodium_and_meets_every_target(
    catalog: FoodCatalog,
) -> None:
    """A 52-year-old man without wheat: before lean meals and meals just outside the basket,
    no week within 30 foods kept 2,300 mg of sodium a day, and the planner fell back to 72
    foods. Now the week keeps the cap, every target and every rule."""
    targets = Targets.for_profile(Profile(age=52, sex="male"))
    preferences = Preferences(exclude_allergens=(Allergen.WHEAT,))
    week = Planner(catalog, time_limit=60).plan_week(targets, preferences)
    assert verify(week, catalog, targets, preferences) == []
    assert week.shortfalls == []
    assert not any("beyond" in note or "without those limits" in note for note in week.notes)
    foods = {item.food_id for day in week.days for item in day.items}
    assert len(_counted_foods(foods, catalog)) <= 30
    sodium = [day.totals["sodium"].amount for day in week.days]
    assert max(sodium) <= 2300 + 1e-6


def test_a_scarce_nutrient_may_take_two_foods_of_one_category(catalog: FoodCatalog) -> None:
    """A 72-year-old man needs 20 µg of vitamin D a day; one fish at most 3 times a week cannot
    carry it. The basket holds one food per WWEIA category, except the sources of a scarce
    nutrient, which may be two: every category with two foods is one of those."""
    targets = Targets.for_profile(Profile(age=72, sex="male"))
    problem = build_problem(catalog, targets, Preferences(), days=7, weekly=True)
    scout = candidate_pools(problem)
    scarce = scarce_nutrients(problem, scout.pools)
    assert problem.bounds.keys.index("vitamin_d") in scarce
    room = distinct_cap(30, 7) or 30
    usage = relaxed_usage(problem, scout, cap=room)
    assert usage is not None
    basket = week_basket(problem, scout, usage, room)
    foods = problem.foods
    members = np.flatnonzero(basket.foods)
    categories = foods.categories[members]
    shared = {int(c) for c in categories if c >= 0 and (categories == c).sum() > 1}
    assert shared, "no category holds two foods"
    for category in shared:
        twins = members[categories == category]
        assert len(twins) == 2
        assert all(foods.nutrients[f, scarce].max() > 0 for f in twins)
