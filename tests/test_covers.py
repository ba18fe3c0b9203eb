"""Foods that are a whole main: a dish, sandwich or soup fills the meal roles it ``covers``.

A burrito (dish: protein, grain, vegetable), a turkey sandwich (sandwich: protein, grain) and a
lasagna (dish: protein, grain, vegetable) sit beside plain ingredients. Candidate meals, the
planner, ``verify`` and the weekly variety rule must all read "a food fills a required role when
its role is that role or the role is in its covers", and never put two mains on one plate.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mealplan import Planner, verify
from mealplan.catalog import CatalogError, FoodCatalog
from mealplan.domain.plan import DayPlan, Meal, PlanItem, WeekPlan
from mealplan.domain.vocabulary import MealName
from mealplan.optimize import Candidates, generate, nutrient_weights
from mealplan.planning import build_problem
from mealplan.planning.formulation import selection_arguments
from mealplan.planning.pools import candidate_pools
from mealplan.preferences import DEFAULT_MEAL_RULES, Preferences
from mealplan.targets import Targets

_COLUMNS = ["id", "name", "role", "covers", "meals", "energy", "protein", "fiber", "calcium"]
_MAIN_MEALS = "lunch;dinner"
_ALL_MEALS = "breakfast;lunch;dinner;snack"
#: A small catalogue with one plain protein, so one meal of a day must be a dish (a main
#: item is served at most once a day).
_ROWS = [
    ("burrito", "Bean burrito", "dish", "protein;grain;vegetable", _MAIN_MEALS, 450, 18, 12, 150),
    ("lasagna", "Lasagna", "dish", "protein;grain;vegetable", _MAIN_MEALS, 420, 22, 6, 250),
    ("sandwich", "Turkey sandwich", "sandwich", "protein;grain", _MAIN_MEALS, 350, 20, 4, 80),
    ("chicken", "Chicken breast", "protein", "", _MAIN_MEALS, 200, 30, 0, 10),
    ("rice", "Rice", "grain", "", _MAIN_MEALS, 200, 4, 1, 10),
    ("broccoli", "Broccoli", "vegetable", "", _MAIN_MEALS, 50, 4, 5, 60),
    ("apple", "Apple", "fruit", "", _ALL_MEALS, 95, 0.5, 4, 10),
    ("milk", "Milk", "dairy", "", _ALL_MEALS, 100, 8, 0, 300),
    ("salsa", "Salsa", "condiment", "", _MAIN_MEALS, 20, 1, 1, 5),
    ("cookie", "Cookie", "sweet", "", _MAIN_MEALS, 150, 2, 1, 10),
]
#: More foods, so that a week can vary its main items.
_WEEK_ROWS = [
    ("soup", "Chicken noodle soup", "soup", "protein;grain;vegetable", _MAIN_MEALS, 250, 15, 3, 40),
    ("salmon", "Salmon", "protein", "", _MAIN_MEALS, 250, 25, 0, 15),
    ("tofu", "Tofu", "protein", "", _MAIN_MEALS, 180, 20, 1, 350),
    ("beans", "Black beans", "protein", "", _MAIN_MEALS, 220, 15, 15, 45),
    ("turkey", "Turkey breast", "protein", "", _MAIN_MEALS, 190, 28, 0, 15),
    ("eggs", "Eggs", "protein", "", _MAIN_MEALS, 150, 13, 0, 55),
    ("pasta", "Pasta", "grain", "", _MAIN_MEALS, 220, 8, 2, 10),
    ("bread", "Bread", "grain", "", _MAIN_MEALS, 160, 6, 3, 40),
    ("quinoa", "Quinoa", "grain", "", _MAIN_MEALS, 220, 8, 5, 30),
    ("couscous", "Couscous", "grain", "", _MAIN_MEALS, 180, 6, 2, 15),
    ("carrots", "Carrots", "vegetable", "", _MAIN_MEALS, 40, 1, 3, 25),
    ("peppers", "Peppers", "vegetable", "", _MAIN_MEALS, 30, 1, 2, 10),
    ("spinach", "Spinach", "vegetable", "", _MAIN_MEALS, 25, 3, 2, 100),
    ("green_beans", "Green beans", "vegetable", "", _MAIN_MEALS, 35, 2, 4, 40),
    ("tomatoes", "Tomatoes", "vegetable", "", _MAIN_MEALS, 30, 1, 2, 15),
    ("orange", "Orange", "fruit", "", _ALL_MEALS, 60, 1, 3, 50),
    ("yogurt", "Yogurt", "dairy", "", _ALL_MEALS, 120, 10, 0, 250),
]
DISHES = {"burrito", "lasagna", "sandwich", "soup"}
COVERS = {row[0]: set(row[3].split(";")) - {""} for row in _ROWS + _WEEK_ROWS}
ROLE = {row[0]: row[2] for row in _ROWS + _WEEK_ROWS}
#: Two meals whose energy shares may differ (the default bands would make them equal).
_RULES = {
    meal: DEFAULT_MEAL_RULES[meal].model_copy(update={"energy_share": (0.3, 0.7)})
    for meal in ("lunch", "dinner")
}
PREFS = Preferences(
    meals=(MealName.LUNCH, MealName.DINNER),
    calories=(800, 1400),
    meal_rules={**DEFAULT_MEAL_RULES, **_RULES},
)
TARGETS = Targets(minimums={"protein": 40, "fiber": 12}, maximums={"protein": 150})


def catalog(rows: list[tuple[Any, ...]] = _ROWS, *, covers: bool = True) -> FoodCatalog:
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return FoodCatalog.from_frame(
        frame,
        nutrient_columns=["energy", "protein", "fiber", "calcium"],
        role_column="role",
        meals_column="meals",
        covers_column="covers" if covers else None,
    )


CATALOG = catalog()
WEEK_CATALOG = catalog(_ROWS + _WEEK_ROWS)


def fills(food_id: str) -> set[str]:
    return {ROLE[food_id]} | COVERS[food_id]


def lunch_candidates(food_catalog: FoodCatalog, count: int = 80, seed: int = 7) -> Candidates:
    problem = build_problem(food_catalog, TARGETS, PREFS, days=1, weekly=False)
    spec = next(s for s in problem.slots if s.meal == "lunch")
    weights = nutrient_weights(problem.foods, problem.bounds.low, problem.energy_target)
    rng = np.random.default_rng(seed)
    return generate(problem.foods, spec, weights, problem.bounds.low, count, rng)


def meal_ids(food_catalog: FoodCatalog, candidates: Candidates) -> list[list[str]]:
    problem = build_problem(food_catalog, TARGETS, PREFS, days=1, weekly=False)
    return [[str(problem.foods.ids[p]) for p in row] for row in candidates.foods]


# -- from_frame --------------------------------------------------------------------------------


def test_from_frame_reads_roles_of_foods_as_eaten_and_covers() -> None:
    burrito = CATALOG["burrito"]
    assert burrito.role == "dish"
    assert burrito.covers == ("protein", "grain", "vegetable")
    assert CATALOG["sandwich"].covers == ("protein", "grain")
    assert CATALOG["chicken"].covers == ()


def test_from_frame_accepts_covers_as_tuples() -> None:
    frame = pd.DataFrame(_ROWS, columns=_COLUMNS)
    frame["covers"] = [tuple(reversed(c.split(";"))) if c else () for c in frame["covers"]]
    built = FoodCatalog.from_frame(
        frame,
        nutrient_columns=["energy"],
        role_column="role",
        covers_column="covers",
    )
    assert built["burrito"].covers == ("protein", "grain", "vegetable")
    assert built["rice"].covers == ()


def test_from_frame_refuses_an_unknown_cover_naming_column_and_allowed_values() -> None:
    frame = pd.DataFrame(_ROWS, columns=_COLUMNS)
    frame.loc[0, "covers"] = "protein;meat"
    with pytest.raises(CatalogError, match=r"covers_column.*'covers'.*'meat'.*protein, grain"):
        FoodCatalog.from_frame(frame, nutrient_columns=["energy"], covers_column="covers")


def test_from_frame_refuses_an_unknown_role() -> None:
    frame = pd.DataFrame(_ROWS, columns=_COLUMNS)
    frame.loc[0, "role"] = "entree"
    with pytest.raises(CatalogError, match="role_column"):
        FoodCatalog.from_frame(frame, nutrient_columns=["energy"], role_column="role")


# -- candidate meals ---------------------------------------------------------------------------


def test_lunch_candidates_use_dishes_as_mains_and_fill_every_required_role() -> None:
    candidates = lunch_candidates(CATALOG)
    meals = meal_ids(CATALOG, candidates)
    assert meals
    plain = {"protein", "grain", "vegetable"}
    with_dish = [m for m in meals if {"burrito", "lasagna"} & set(m)]
    assert with_dish, "a dish is a main of its own"
    for meal in with_dish:
        assert not {"protein", "grain"} & {ROLE[f] for f in meal}, "a dish needs no extra main"
    for meal in meals:
        filled = set().union(*(fills(f) for f in meal))
        assert plain <= filled, meal
        mains = [f for f in meal if f in DISHES or ROLE[f] == "protein"]
        assert len(mains) == 1, f"two mains in {meal}"
        assert not {"salsa", "cookie"} & set(meal), meal
        assert len(set(meal)) == len(meal)
        assert 2 <= len(meal) <= 5


def test_sandwich_meals_draw_their_vegetable() -> None:
    meals = meal_ids(CATALOG, lunch_candidates(CATALOG, count=120))
    with_sandwich = [m for m in meals if "sandwich" in m]
    assert with_sandwich
    for meal in with_sandwich:
        assert {ROLE[f] for f in meal} & {"vegetable"}
        assert not {"rice", "pasta"} & set(meal)


def test_empty_covers_draw_the_same_meals_as_no_covers_column() -> None:
    """Without covers the draws (and the random stream) are those of a catalogue without the
    column: the behaviour on today's catalogues is kept."""
    plain_rows = [row for row in _ROWS + _WEEK_ROWS if row[0] not in DISHES]
    blank = catalog([(*row[:3], "", *row[4:]) for row in plain_rows])
    absent = catalog(plain_rows, covers=False)
    assert lunch_candidates(blank).foods == lunch_candidates(absent).foods
    assert lunch_candidates(blank).servings == lunch_candidates(absent).servings


# -- planner and verify ------------------------------------------------------------------------


def test_plan_day_serves_a_dish_and_passes_verify() -> None:
    plan = Planner(CATALOG).plan_day(TARGETS, PREFS)
    assert verify(plan, CATALOG, TARGETS, PREFS) == []
    served = {str(item.food_id) for meal in plan.meals for item in meal.items}
    assert served & DISHES, str(plan)


def _item(food_id: str, servings: float = 1.0) -> PlanItem:
    food = WEEK_CATALOG[food_id]
    energy = food.per_serving["energy"] or 0.0
    return PlanItem(
        food_id=food_id,
        fdc_id=None,
        name=food.name,
        role=food.role,
        servings=servings,
        grams=None,
        serving_text=food.serving_text,
        household=f"{servings:g} × {food.serving_text}",
        energy_kcal=servings * energy,
    )


def _required_roles(meal_items: list[str]) -> set[str | None]:
    items = [_item(f) for f in meal_items]
    day = DayPlan(
        meals=[
            Meal(name="lunch", items=items, energy_kcal=sum(i.energy_kcal for i in items)),
            Meal(name="dinner", items=[_item(f) for f in ("salmon", "pasta", "carrots")],
                 energy_kcal=sum(_item(f).energy_kcal for f in ("salmon", "pasta", "carrots"))),
        ],
        totals={},
    )  # fmt: skip
    found = verify(day, WEEK_CATALOG, Targets(minimums={}, maximums={}), PREFS)
    return {v.subject for v in found if v.rule == "required_role"}


def test_verify_accepts_a_role_filled_by_covers() -> None:
    assert _required_roles(["burrito", "apple", "milk"]) == set()
    assert _required_roles(["sandwich", "broccoli", "apple"]) == set()


def test_verify_flags_a_required_role_nothing_fills() -> None:
    assert _required_roles(["chicken", "apple", "milk"]) == {"grain", "vegetable"}
    assert _required_roles(["sandwich", "apple", "milk"]) == {"vegetable"}


# -- weekly variety ----------------------------------------------------------------------------

WEEK_PREFS = PREFS.model_copy(update={"max_repeats_per_week": 3})
WEEK_TARGETS = Targets(minimums={"protein": 40}, maximums={})


def test_dishes_count_as_main_items_for_the_variety_rules() -> None:
    problem = build_problem(WEEK_CATALOG, WEEK_TARGETS, WEEK_PREFS, days=3, weekly=True)
    rules = selection_arguments(problem, candidate_pools(problem)).kwargs["rules"]
    mains = {str(problem.foods.ids[p]) for p in np.flatnonzero(rules.main_foods)}
    assert mains >= DISHES
    assert not {"apple", "milk", "salsa"} & mains


def test_a_week_never_serves_a_dish_on_consecutive_days() -> None:
    week = Planner(WEEK_CATALOG).plan_week(WEEK_TARGETS, WEEK_PREFS, days=3)
    assert verify(week, WEEK_CATALOG, WEEK_TARGETS, WEEK_PREFS) == []
    days = [{str(item.food_id) for item in day.items} for day in week.days]
    assert set().union(*days) & DISHES, days
    for before, after in itertools.pairwise(days):
        assert not before & after & DISHES, days
    for day in week.days:
        served = [str(item.food_id) for item in day.items if str(item.food_id) in DISHES]
        assert len(served) == len(set(served)), "a dish at most once a day"


def test_verify_flags_a_dish_on_consecutive_days() -> None:
    def day(number: int, lunch: tuple[str, ...]) -> DayPlan:
        items = [_item(f) for f in lunch]
        meal = Meal(name="lunch", items=items, energy_kcal=sum(i.energy_kcal for i in items))
        return DayPlan(day=number, meals=[meal], totals={})

    week = WeekPlan(
        days=[day(1, ("burrito", "apple", "milk")), day(2, ("burrito", "orange", "yogurt"))],
        weekly_average={},
    )
    prefs = Preferences(meals=(MealName.LUNCH,), max_repeats_per_week=3)
    found = verify(week, WEEK_CATALOG, Targets(minimums={}, maximums={}), prefs)
    flagged = {(v.rule, v.day, v.subject) for v in found if v.rule == "consecutive_main_item"}
    assert flagged == {("consecutive_main_item", 2, "burrito")}
