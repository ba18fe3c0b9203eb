"""Issue #12: FNDDS foods as eaten as a catalogue (``FoodCatalog.as_eaten()``), and plans made of
dishes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealplan import (
    FoodCache,
    FoodCatalog,
    InfeasiblePlanError,
    Planner,
    Preferences,
    Profile,
    Targets,
    WeekPlan,
)
from mealplan import verify as verify_plan
from mealplan.domain.vocabulary import MEALS, ROLES
from mealplan.food_groups import FOOD_GROUP_KEYS

MAINS = ("dish", "sandwich", "soup")


@pytest.fixture(scope="module")
def everyday() -> FoodCatalog:
    return FoodCatalog.as_eaten()


def test_as_eaten_is_foods_as_eaten_across_every_meal_and_role(everyday: FoodCatalog) -> None:
    foods = everyday.foods
    assert len(foods) >= 1500
    assert set(foods["source"]) == {"fndds"}
    meals = Counter(meal for row in foods["meals"] for meal in row)
    assert all(meals[meal] >= 300 for meal in MEALS), meals
    roles = Counter(foods["role"])
    # Fats, oils, creams and dressings are condiments among foods as eaten: they go on a food.
    for role in (*(r for r in ROLES if r != "fat"), *MAINS, "condiment"):
        assert roles[role] >= 20, (role, roles)
    assert roles["fat"] <= 5, roles
    assert roles["dish"] >= 500 and roles["sandwich"] >= 100 and roles["soup"] >= 50
    # Every row traces to its food code and release, and has a household portion.
    assert foods["food_code"].notna().all() and set(foods["release"]) == {"FNDDS 2017-2018"}
    assert foods["fdc_id"].isna().all()
    assert (foods["serving_source"] == "fndds_portion").all()
    assert not foods["serving_text"].str.lower().str.startswith("quantity not specified").any()


def test_as_eaten_has_no_baby_food_formula_or_alcohol(everyday: FoodCatalog) -> None:
    foods = everyday.foods
    category = foods["category"].str.lower()
    assert not category.str.contains("baby|formula|human milk|beer|wine|liquor").any()
    # No alcoholic drink (a dish cooked with beer or wine, such as beer cheese soup, may stay).
    alcohol = everyday.per_100g()["alcohol"].fillna(0)
    drinks = foods["role"] == "drink"
    assert not (drinks & (alcohol > 0)).any(), foods.loc[drinks & (alcohol > 0), "name"].tolist()
    assert (alcohol[~drinks] < 2).all()


def test_catalogues_are_cached_per_process_and_immutable() -> None:
    assert FoodCatalog.as_eaten() is FoodCatalog.as_eaten()
    assert FoodCatalog.full() is FoodCatalog.full()
    assert FoodCatalog.default() is FoodCatalog.as_eaten()
    assert FoodCatalog.curated() is FoodCatalog.curated()
    frame = FoodCatalog.as_eaten().foods
    frame.loc[frame.index[0], "name"] = "changed"
    assert FoodCatalog.as_eaten().foods["name"].iloc[0] != "changed"


def test_full_is_foods_as_eaten_and_ingredients(everyday: FoodCatalog) -> None:
    full = FoodCatalog.full()
    ingredients = FoodCatalog.ingredients()
    assert len(ingredients) >= 8070
    assert len(full) == len(ingredients) + 7083
    assert set(full.foods["source"]) >= {"fndds", "sr_legacy", "foundation"}
    assert len(FoodCatalog.curated()) == 376


def test_rows_carry_food_groups_with_units(everyday: FoodCatalog) -> None:
    frame = everyday.to_frame()
    units = frame.attrs["units"]
    assert units["fg_fruit_cup"] == "cup eq." or "cup" in units["fg_fruit_cup"]
    assert "oz" in units["fg_grains_oz"] and units["magnesium"] == "mg"
    for key in FOOD_GROUP_KEYS:
        assert key in frame.columns
    burrito = frame[frame["name"].str.startswith("Burrito with beans")].iloc[0]
    assert burrito["fg_protein_foods_oz"] > 0 or burrito["fg_veg_legumes_cup"] > 0
    assert "protein" in burrito["covers"]


def test_find_ranks_whole_words_first(everyday: FoodCatalog) -> None:
    for catalog in (everyday, FoodCatalog.full(), FoodCatalog.curated()):
        top = catalog.find("salmon", limit=5)
        assert len(top) == 5 and all("salmon" in food.name.lower() for food in top)
        assert all(food.match == "word" for food in top)
    fuzzy = FoodCatalog.curated().find("salmn", limit=3)
    assert fuzzy and all(food.match == "fuzzy" for food in fuzzy)
    assert "salmon" in fuzzy[0].name.lower()


def _assert_week_of_dishes(week: WeekPlan) -> None:
    """Lunches and dinners hold dishes, sandwiches or soups, traced to FNDDS food codes."""
    mains = [
        item
        for day in week.days
        for meal in day.meals
        if meal.name in ("lunch", "dinner")
        for item in meal.items
        if item.role in MAINS
    ]
    assert mains, "no dish, sandwich or soup in a week of foods as eaten"
    for item in mains:
        assert item.fdc_id is None and item.food_code is not None
        assert item.usda_ref.startswith("FNDDS 2017-2018 food code")
        assert f"({item.grams:.0f} g)" in item.household


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    age=st.integers(min_value=1, max_value=90),
    sex=st.sampled_from(["female", "male"]),
    diet=st.sampled_from(["omnivore", "vegetarian", "pescatarian", "vegan"]),
    stage=st.sampled_from(["none", "pregnant", "lactating"]),
)
def test_week_of_foods_as_eaten_verifies_or_is_diagnosed(
    everyday: FoodCatalog, age: int, sex: str, diet: str, stage: str
) -> None:
    """Any valid profile: a week the independent check confirms, or a diagnosis in numbers."""
    expecting = stage != "none" and sex == "female" and 14 <= age <= 50
    profile = Profile(
        age=age,
        sex=sex,
        pregnant=expecting and stage == "pregnant",
        lactating=expecting and stage == "lactating",
    )
    targets = Targets.cramp_support(profile)
    prefs = Preferences(diet=diet)
    try:
        week = Planner(everyday).plan_week(targets, prefs, days=7)
    except InfeasiblePlanError as error:
        diagnosis = error.diagnosis
        assert diagnosis.message
        assert diagnosis.shortfalls or diagnosis.conflicts or "work limit" in diagnosis.message
        return
    assert verify_plan(week, everyday, targets, prefs) == []
    _assert_week_of_dishes(week)


@pytest.mark.parametrize(
    ("profile", "diet"),
    [
        (Profile(age=34, sex="female"), "omnivore"),
        (Profile(age=50, sex="male"), "vegetarian"),
        (Profile(age=70, sex="male"), "pescatarian"),
        (Profile(age=29, sex="female", pregnant=True), "omnivore"),
    ],
    ids=["woman-34", "man-50-vegetarian", "man-70-pescatarian", "pregnant-29"],
)
def test_everyday_profiles_get_a_week_of_dishes(
    everyday: FoodCatalog, profile: Profile, diet: str
) -> None:
    """Everyday adults get a plan of foods as eaten, not a diagnosis (vegan weeks and young
    children's weeks often do not yet: see the README's limits)."""
    targets = Targets.cramp_support(profile)
    prefs = Preferences(diet=diet)
    week = Planner(everyday).plan_week(targets, prefs, days=7)
    assert verify_plan(week, everyday, targets, prefs) == []
    _assert_week_of_dishes(week)
    assert week.solver.status in ("optimal", "within_gap", "work_limit")


def test_catalogues_read_from_a_cache_too(tmp_path: Path) -> None:
    """A FoodCache (the shipped pack under a user's cache) gives the same foods as the pack."""
    cache = FoodCache(tmp_path / "cache")
    assert FoodCatalog.default(cache).ids == FoodCatalog.curated().ids
    assert len(FoodCatalog.full(cache)) == len(FoodCatalog.full())
    assert FoodCatalog.ingredients(cache).ids == FoodCatalog.ingredients().ids


def test_a_meal_of_foods_as_eaten_has_one_starch(everyday: FoodCatalog) -> None:
    """No rice with potatoes, no taro with a roll: every candidate meal holds one starch at most
    (a grain, a dish with its grain, or a serving of starchy vegetable)."""
    from mealplan.planning import build_problem, candidate_pools

    targets = Targets.cramp_support(Profile(age=50, sex="male"))
    problem = build_problem(everyday, targets, Preferences(), days=3, weekly=True)
    starch = problem.foods.starch
    potato = everyday.find("potato, baked", limit=1)[0].id
    rice = everyday.find("rice, white, cooked", limit=1)[0].id
    assert starch[problem.foods.position[potato]] and starch[problem.foods.position[rice]]
    # Sweet potato is a red-orange vegetable to FPED, but the starch of a plate.
    sweet = everyday.find("sweet potato, baked", limit=1)[0]
    assert sweet.name.startswith("Sweet potato") and starch[problem.foods.position[sweet.id]]
    broccoli = everyday.find("broccoli, cooked", limit=1)[0].id
    assert not starch[problem.foods.position[broccoli]]
    pools = candidate_pools(problem)
    counts = [sum(starch[f] for f in meal) for pool in pools.pools for meal in pool.foods]
    assert len(counts) > 100 and max(counts) <= 1
    assert sum(counts) > len(counts) / 3  # most lunches and dinners still have their starch


def test_small_foods_get_small_household_portions(everyday: FoodCatalog) -> None:
    """Nuts by the ounce, cheese by the slice, eggs by the egg, not by the cup (the measure
    nearest the middle of the category's band)."""
    from mealplan.catalog._fndds import household_portion

    cup, ounce, pack = (
        {"gram_weight": 142.0, "description": "1 cup"},
        {"gram_weight": 28.35, "description": "1 oz"},
        {"gram_weight": 18.0, "description": "1 100 calorie package"},
    )
    assert household_portion([cup, pack, ounce], "protein", 2804) == (28.35, "1 oz")
    assert household_portion([cup, pack, ounce], "protein") == (142.0, "1 cup")  # role band
    foods = everyday.foods.set_index("name")
    assert foods.at["Egg, whole, boiled or poached", "serving_text"] == "1 egg"
    assert foods.at["Almonds, unroasted", "serving_text"] == "1 oz"
    for category, most in ((2804, 45.0), (1602, 60.0), (2502, 120.0)):
        grams = everyday.foods.loc[everyday.foods["wweia_category"] == category, "serving_g"]
        assert grams.median() <= most, (category, grams.median())
    # Where the only measure is large, the most a meal holds stays near the band: half a cup
    # of Grape-Nuts (58 g), not one or two cups.
    assert foods.at["Cereal (Post Grape-Nuts)", "max_servings"] == 0.5
    cereal = everyday.foods[everyday.foods["wweia_category"].isin([4602, 4604])]
    step = cereal["half_servings"].map({True: 0.5, False: 1.0})
    most = cereal["serving_g"] * cereal["max_servings"]
    assert ((most <= 60.0 + 1e-9) | (cereal["max_servings"] == step)).all()


def test_units_are_served_whole_and_measures_by_the_half(everyday: FoodCatalog) -> None:
    """Half a cup or one and a half tablespoons is a measure a cook uses; half a sandwich or one
    and a half yogurt containers is not: a unit is planned once or twice."""
    foods = everyday.foods.set_index("name")
    for name in ("Egg, whole, boiled or poached", "Peanut butter and jelly sandwich, regular"):
        if name in foods.index:
            assert not foods.at[name, "half_servings"], name
    texts = everyday.foods.groupby("half_servings")["serving_text"]
    by_half = {half: set(group.str.split().str[1]) for half, group in texts}
    assert by_half[True] <= {
        "cup",
        "cup,",
        "cups",
        "tablespoon",
        "teaspoon",
        "oz",
        "oz,",
        "fl",
        "amount",
    }, by_half[True]
    assert {"sandwich", "egg", "slice", "fillet"} & by_half[False]
    week = Planner(everyday).plan_week(
        Targets.cramp_support(Profile(age=34, sex="female")), Preferences(), days=3
    )
    rows = everyday.foods
    for item in (i for day in week.days for meal in day.meals for i in meal.items):
        if not rows.loc[rows.index == item.food_id, "half_servings"].iloc[0]:
            assert item.servings in (1.0, 2.0), (item.name, item.servings)


def test_dietitian_found_milk_is_tagged(everyday: FoodCatalog) -> None:
    """Milk a dietitian found in vegan weeks: naan (yogurt), garlic bread (butter), paratha
    (ghee) and 'all flavors' chips (cheese or ranch seasoning) carry milk and are not vegan."""
    foods = everyday.foods.set_index("name")
    for name in (
        "Naan, Indian flatbread",
        "Garlic bread, from frozen",
        "Bread, paratha, wheat",
        "Tortilla chips, reduced fat, flavored",
        "Potato chips, restructured, flavored",
    ):
        assert "milk" in foods.at[name, "allergens"], name
        assert "vegan" not in foods.at[name, "diets"], name
    assert "vegan" in foods.at["Potato chips, barbecue flavored", "diets"]


def test_everyday_foods_are_home_versions(everyday: FoodCatalog) -> None:
    """Restaurant, fast-food and frozen-meal versions and the survey's 'NS as to' codes are
    opt-in: the default holds the home-cooked twin, which FNDDS names too."""
    names = everyday.foods["name"].str.lower()
    away = names.str.contains(r"restaurant|fast food|frozen (?:meal|dinner)|\bns as to\b")
    assert not away.any(), names[away].tolist()[:5]
    assert names.str.contains(r"pasta.*tomato-based sauce.*home recipe").any()
    full = FoodCatalog.full().foods
    assert full["name"].str.lower().str.contains("restaurant").sum() >= 40
