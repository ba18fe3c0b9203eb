"""verify(): the independent plan checker, exercised on hand-built plans.

Every plan here is constructed directly as pydantic objects; a correct plan must give no
violations and each single mutation must give exactly the violation of the rule it breaks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from mealplan import Violation, verify
from mealplan.catalog import FoodCatalog
from mealplan.domain.plan import DayPlan, Meal, NutrientTotal, PlanItem, SolverInfo, WeekPlan
from mealplan.preferences import Lock, Preferences
from mealplan.targets import Bound, Profile, Targets

nan = math.nan
Spec = Mapping[str, Sequence[tuple[Any, float]]]

# -- a tiny catalogue with round, hand-checkable numbers (amounts per serving) -----------------

_COLUMNS = [
    "id", "name", "role", "meals", "serving_g", "max_servings", "cost",
    "energy", "protein", "calcium", "vitamin_d",
]  # fmt: skip
_ROWS = [
    ("oats", "Rolled oats", "grain", "breakfast", 40, 3, 0.5, 150, 5, 20, 0),
    ("bread", "Wholemeal bread", "grain", "breakfast", 30, 3, 0.3, 80, 4, 30, 0),
    ("milk", "Milk", "dairy", "breakfast;snack", 244, 2, 0.4, 100, 8, 300, 2.5),
    ("chicken", "Chicken breast", "protein", "lunch;dinner", 100, 2, 2.0, 200, 30, 10, 0.1),
    ("salmon", "Salmon", "protein", "lunch;dinner", 100, 2, 3.0, 250, 25, 15, 12),
    ("lentils", "Lentils", "protein", "lunch;dinner", 200, 2, 0.4, 230, 18, 40, 0),
    ("tofu", "Tofu", "protein", "lunch;dinner", 120, 2, 0.8, 180, 20, 350, 0),
    ("rice", "Rice", "grain", "lunch;dinner", 150, 3, 0.3, 200, 4, 10, 0),
    ("pasta", "Pasta", "grain", "lunch;dinner", 140, 3, 0.35, 220, 8, 10, 0),
    ("quinoa", "Quinoa", "grain", "lunch;dinner", 185, 2, 0.9, 220, 8, 30, 0),
    ("couscous", "Couscous", "grain", "lunch;dinner", 160, 2, 0.4, 180, 6, 15, 0),
    ("broccoli", "Broccoli", "vegetable", "lunch;dinner", 90, 3, 0.5, 50, 4, 60, 0),
    ("spinach", "Spinach", "vegetable", "lunch;dinner", 30, 2, 0.6, 25, 3, 100, nan),
    ("carrots", "Carrots", "vegetable", "lunch;dinner", 80, 3, 0.2, 40, 1, 25, 0),
    ("peppers", "Peppers", "vegetable", "lunch;dinner", 120, 3, 0.7, 30, 1, 10, 0),
    ("apple", "Apple", "fruit", "breakfast;lunch;snack", 180, 2, 0.5, 95, 0.5, 10, 0),
    ("almonds", "Almonds", "fat", "snack", 28, 2, 0.7, 160, 6, 75, 0),
]


def tiny_catalog(**changes: Mapping[str, Any]) -> FoodCatalog:
    """The tiny catalogue; ``changes={"pasta": {"cost": nan}}`` edits cells before building."""
    frame = pd.DataFrame(_ROWS, columns=_COLUMNS)
    for food_id, cells in changes.items():
        for column, value in cells.items():
            frame.loc[frame["id"] == food_id, column] = value
    return FoodCatalog.from_frame(
        frame,
        nutrient_columns=["energy", "protein", "calcium", "vitamin_d"],
        serving_g_column="serving_g",
        cost_column="cost",
        role_column="role",
        meals_column="meals",
        max_servings_column="max_servings",
    )


TINY = tiny_catalog()

# -- plan builders -----------------------------------------------------------------------------


def make_item(catalog: FoodCatalog, food_id: Any, servings: float) -> PlanItem:
    """A PlanItem with grams and kcal taken from the catalogue, as a planner would write it."""
    row = catalog.foods.loc[food_id]
    energy = catalog.per_serving().loc[food_id, "energy"]
    serving_g = float(row["serving_g"])
    fdc_id = row["fdc_id"]
    return PlanItem(
        food_id=food_id,
        fdc_id=None if fdc_id is None or pd.isna(fdc_id) else int(fdc_id),
        name=str(row["name"]),
        role=str(row["role"]),
        servings=servings,
        grams=None if math.isnan(serving_g) else servings * serving_g,
        serving_text=str(row["serving_text"]),
        household=f"{servings:g} × {row['serving_text']}",
        energy_kcal=0.0 if pd.isna(energy) else servings * float(energy),
        nutrients={
            key: None if pd.isna(value) else servings * float(value)
            for key, value in catalog.per_serving().loc[food_id].items()
        },
    )


def make_day(
    catalog: FoodCatalog,
    spec: Spec,
    *,
    day: int = 1,
    extra_items: Mapping[str, Sequence[PlanItem]] | None = None,
    with_cost: bool = False,
    solver: SolverInfo | None = None,
) -> DayPlan:
    """A DayPlan whose meal energies and nutrient totals are summed from the catalogue."""
    per = catalog.per_serving().fillna(0.0)
    meals = []
    for name, entries in spec.items():
        items = [make_item(catalog, food_id, servings) for food_id, servings in entries]
        items += list((extra_items or {}).get(name, ()))
        meals.append(
            Meal(name=name, items=items, energy_kcal=sum(item.energy_kcal for item in items))
        )
    known = [(food_id, s) for entries in spec.values() for food_id, s in entries]
    totals = {
        key: NutrientTotal(
            nutrient=key,
            amount=sum(s * float(per.loc[food_id, key]) for food_id, s in known),
            unit=catalog.units.get(key, ""),
        )
        for key in catalog.nutrient_keys
    }
    cost = None
    if with_cost:
        cost = sum(s * float(catalog.foods.loc[food_id, "cost"]) for food_id, s in known)
    return DayPlan(day=day, meals=meals, totals=totals, cost=cost, solver=solver)


def make_week(catalog: FoodCatalog, specs: Sequence[Spec], weekly: Sequence[str]) -> WeekPlan:
    days = [make_day(catalog, spec, day=i + 1) for i, spec in enumerate(specs)]
    return WeekPlan(days=days, weekly_average={}, weekly_nutrients=list(weekly))


def with_meal(spec: Spec, meal: str, entries: Sequence[tuple[Any, float]]) -> dict[str, Any]:
    return {**spec, meal: list(entries)}


def rules(violations: list[Violation]) -> list[str]:
    return [v.rule for v in violations]


# Day A (1,520 kcal): breakfast 400 (26 %), lunch 450 (30 %), dinner 495 (33 %), snack 175 (12 %).
DAY_A: dict[str, list[tuple[Any, float]]] = {
    "breakfast": [("oats", 2), ("milk", 1)],
    "lunch": [("chicken", 1), ("rice", 1), ("broccoli", 1)],
    "dinner": [("salmon", 1), ("pasta", 1), ("spinach", 1)],
    "snack": [("apple", 1), ("almonds", 0.5)],
}
# Day B (1,430 kcal) shares no main item (protein, grain, vegetable) with day A.
DAY_B: dict[str, list[tuple[Any, float]]] = {
    "breakfast": [("bread", 2), ("milk", 1), ("apple", 1)],
    "lunch": [("lentils", 1), ("quinoa", 1), ("carrots", 1)],
    "dinner": [("tofu", 1), ("couscous", 1), ("peppers", 1)],
    "snack": [("apple", 1), ("milk", 1)],
}

TARGETS = Targets(
    minimums={"energy": 1400, "protein": 60, "calcium": 500, "vitamin_d": 8},
    maximums={"energy": 1800, "calcium": 2500},
)
PREFS = Preferences()


# -- correct plans -----------------------------------------------------------------------------


def test_hand_computed_day_passes() -> None:
    plan = make_day(TINY, DAY_A)
    # Anchor the builder to hand arithmetic: 2×150 + 100 + 200 + 200 + 50 + 250 + 220 + 25
    # + 95 + 0.5×160 kcal; spinach's vitamin D is unknown and counts as 0.
    assert plan.totals["energy"].amount == pytest.approx(1520)
    assert plan.totals["protein"].amount == pytest.approx(95.5)
    assert plan.totals["vitamin_d"].amount == pytest.approx(2.5 + 0.1 + 12)
    assert verify(plan, TINY, TARGETS, PREFS) == []
    assert verify(plan, TINY, TARGETS) == []  # None means default Preferences


def test_day_with_cost_and_budget_passes() -> None:
    plan = make_day(TINY, DAY_A, with_cost=True)
    assert plan.cost == pytest.approx(1.0 + 0.4 + 2.0 + 0.3 + 0.5 + 3.0 + 0.35 + 0.6 + 0.5 + 0.35)
    assert verify(plan, TINY, TARGETS, Preferences(budget_per_day=9.0)) == []


def test_satisfied_locks_pass() -> None:
    prefs = Preferences(
        locks=(
            Lock(food="chicken", meal="lunch", servings=1),
            Lock(food="salmon"),
            Lock(food="lentils", day=2),  # applies to day 2 only
        )
    )
    assert verify(make_day(TINY, DAY_A), TINY, TARGETS, prefs) == []


def test_continuous_formulation_allows_any_step() -> None:
    spec = with_meal(DAY_A, "snack", [("apple", 1), ("almonds", 0.4)])
    continuous = SolverInfo(
        solver="highs",
        status="optimal",
        objective=0.0,
        gap=None,
        build_seconds=0.0,
        solve_seconds=0.0,
        formulation="continuous",
    )
    assert verify(make_day(TINY, spec, solver=continuous), TINY, TARGETS) == []
    discrete = continuous.model_copy(update={"formulation": "candidate-meals"})
    assert rules(verify(make_day(TINY, spec, solver=discrete), TINY, TARGETS)) == ["servings_step"]


# -- one mutation, one violation (tiny catalogue, one day) ---------------------------------------

Case = Callable[[], tuple[DayPlan | WeekPlan, Targets, Preferences]]


def _replace_total(plan: DayPlan, key: str, amount: float) -> DayPlan:
    totals = dict(plan.totals)
    totals[key] = totals[key].model_copy(update={"amount": amount})
    return plan.model_copy(update={"totals": totals})


def _replace_grams(plan: DayPlan) -> DayPlan:
    lunch = plan.meals[1]
    items = [lunch.items[0].model_copy(update={"grams": 150.0}), *lunch.items[1:]]
    meals = [plan.meals[0], lunch.model_copy(update={"items": items}), *plan.meals[2:]]
    return plan.model_copy(update={"meals": meals})


def _replace_lunch_energy(plan: DayPlan) -> DayPlan:
    """The chicken claims 10 kcal more than the catalogue gives; the meal sum stays right."""
    lunch = plan.meals[1]
    chicken = lunch.items[0]
    items = [chicken.model_copy(update={"energy_kcal": chicken.energy_kcal + 10}), *lunch.items[1:]]
    meals = [plan.meals[0], lunch.model_copy(update={"items": items}), *plan.meals[2:]]
    return plan.model_copy(update={"meals": meals})


def _replace_item_nutrient(plan: DayPlan, key: str, value: float | None) -> DayPlan:
    """The chicken at lunch states ``value`` for ``key``; every total stays right."""
    lunch = plan.meals[1]
    chicken = lunch.items[0]
    stated = {**chicken.nutrients, key: value}
    items = [chicken.model_copy(update={"nutrients": stated}), *lunch.items[1:]]
    meals = [plan.meals[0], lunch.model_copy(update={"items": items}), *plan.meals[2:]]
    return plan.model_copy(update={"meals": meals})


def _unknown_food_at_lunch() -> DayPlan:
    stranger = PlanItem(
        food_id="dragonfruit",
        fdc_id=None,
        name="Dragon fruit",
        role="fruit",
        servings=1,
        grams=None,
        serving_text="1 fruit",
        household="1 fruit",
        energy_kcal=0.0,
    )
    return make_day(TINY, DAY_A, extra_items={"lunch": [stranger]})


DAY_CASES: dict[str, tuple[Case, str]] = {
    "nutrient below min": (
        lambda: (make_day(TINY, DAY_A), TARGETS.replace(protein=(100, None)), PREFS),
        "nutrient_min",
    ),
    "nutrient above max (UL)": (
        lambda: (make_day(TINY, DAY_A), TARGETS.replace(calcium=(500, 550)), PREFS),
        "nutrient_max",
    ),
    "energy below the targets' range": (
        lambda: (make_day(TINY, DAY_A), TARGETS.replace(energy=(1600, 1800)), PREFS),
        "energy_range",
    ),
    "energy outside the calories preference": (
        lambda: (make_day(TINY, DAY_A), TARGETS, Preferences(calories=(1000, 1500))),
        "energy_range",
    ),
    "wrong totals": (
        lambda: (_replace_total(make_day(TINY, DAY_A), "protein", 96.5), TARGETS, PREFS),
        "totals_mismatch",
    ),
    "wrong item energy": (
        lambda: (_replace_lunch_energy(make_day(TINY, DAY_A)), TARGETS, PREFS),
        "totals_mismatch",
    ),
    "wrong grams": (
        lambda: (_replace_grams(make_day(TINY, DAY_A)), TARGETS, PREFS),
        "grams_mismatch",
    ),
    "wrong cost": (
        lambda: (
            make_day(TINY, DAY_A, with_cost=True).model_copy(update={"cost": 8.0}),
            TARGETS,
            PREFS,
        ),
        "cost_mismatch",
    ),
    "unknown food": (lambda: (_unknown_food_at_lunch(), TARGETS, PREFS), "unknown_food"),
    "meal names differ from the preferences": (
        lambda: (
            make_day(TINY, DAY_A),
            TARGETS,
            Preferences(meals=("breakfast", "lunch", "dinner")),
        ),
        "meal_names",
    ),
    "missing vegetable at lunch": (
        lambda: (
            make_day(TINY, with_meal(DAY_A, "lunch", [("chicken", 1), ("rice", 1), ("apple", 1)])),
            TARGETS,
            PREFS,
        ),
        "required_role",
    ),
    "6 items at lunch": (
        lambda: (
            make_day(
                TINY,
                with_meal(
                    DAY_A,
                    "lunch",
                    [
                        ("chicken", 1),
                        ("rice", 1),
                        ("broccoli", 1),
                        ("spinach", 1),
                        ("apple", 0.5),
                        ("lentils", 0.5),
                    ],
                ),
            ),
            TARGETS,
            PREFS,
        ),
        "items_per_meal",
    ),
    "3-item snack": (
        lambda: (
            make_day(
                TINY, with_meal(DAY_A, "snack", [("apple", 0.5), ("almonds", 0.5), ("milk", 0.5)])
            ),
            TARGETS,
            PREFS,
        ),
        "items_per_meal",
    ),
    "same food twice in a meal": (
        lambda: (
            make_day(
                TINY,
                with_meal(
                    DAY_A, "lunch", [("chicken", 1), ("rice", 0.5), ("rice", 0.5), ("broccoli", 1)]
                ),
            ),
            TARGETS,
            PREFS,
        ),
        "items_per_meal",
    ),
    "food not tagged for the meal": (
        lambda: (
            make_day(TINY, with_meal(DAY_A, "snack", [("broccoli", 1), ("almonds", 0.5)])),
            TARGETS,
            PREFS,
        ),
        "meal_tag",
    ),
    "servings above max": (
        lambda: (
            make_day(
                TINY, with_meal(DAY_A, "dinner", [("salmon", 1), ("pasta", 1), ("spinach", 3)])
            ),
            TARGETS,
            PREFS,
        ),
        "servings_range",
    ),
    "0.25 servings step": (
        lambda: (
            make_day(TINY, with_meal(DAY_A, "snack", [("apple", 1), ("almonds", 0.25)])),
            TARGETS,
            PREFS,
        ),
        "servings_step",
    ),
    "snack above its energy band": (
        lambda: (
            make_day(TINY, with_meal(DAY_A, "snack", [("apple", 1), ("almonds", 1.5)])),
            TARGETS,
            PREFS,
        ),
        "meal_energy_band",
    ),
    "lock missing": (
        lambda: (
            make_day(TINY, DAY_A),
            TARGETS,
            Preferences(locks=(Lock(food="lentils", meal="lunch"),)),
        ),
        "lock",
    ),
    "lock with other servings": (
        lambda: (
            make_day(TINY, DAY_A),
            TARGETS,
            Preferences(locks=(Lock(food="oats", meal="breakfast", servings=1),)),
        ),
        "lock",
    ),
    "an item's nutrient misstated": (
        lambda: (_replace_item_nutrient(make_day(TINY, DAY_A), "calcium", 999.0), TARGETS, PREFS),
        "totals_mismatch",
    ),
    "a known item nutrient stated as unknown": (
        lambda: (_replace_item_nutrient(make_day(TINY, DAY_A), "protein", None), TARGETS, PREFS),
        "totals_mismatch",
    ),
    "budget exceeded": (
        lambda: (make_day(TINY, DAY_A), TARGETS, Preferences(budget_per_day=5.0)),
        "budget",
    ),
}


@pytest.mark.parametrize("name", list(DAY_CASES))
def test_single_mutation_gives_its_rule(name: str) -> None:
    case, expected = DAY_CASES[name]
    plan, targets, prefs = case()
    found = verify(plan, TINY, targets, prefs)
    assert rules(found) == [expected], [v.message for v in found]
    violation = found[0]
    assert violation.day == 1
    assert violation.message.startswith("day 1")
    # JSON-ready and frozen.
    assert Violation.model_validate_json(violation.model_dump_json()) == violation
    with pytest.raises(ValueError):
        violation.rule = "lock"  # type: ignore[misc]


def test_messages_carry_numbers_and_units() -> None:
    found = verify(make_day(TINY, DAY_A), TINY, TARGETS.replace(protein=(100, None)), PREFS)
    assert found[0].subject == "protein"
    assert found[0].message == "day 1: protein 95.5 g is below the daily minimum 100 g"
    band = verify(
        make_day(TINY, with_meal(DAY_A, "snack", [("apple", 1), ("almonds", 1.5)])),
        TINY,
        TARGETS,
    )
    assert band[0].meal == "snack"
    assert "335 kcal" in band[0].message and "5–15 %" in band[0].message


def test_unknown_cost_breaks_the_budget() -> None:
    catalog = tiny_catalog(pasta={"cost": nan})
    plan = make_day(catalog, DAY_A)
    found = verify(plan, catalog, TARGETS, Preferences(budget_per_day=50.0))
    assert rules(found) == ["budget"]
    assert "unknown" in found[0].message and "Pasta" in found[0].message
    # Without a budget an unknown cost is no violation.
    assert verify(plan, catalog, TARGETS) == []


def test_violations_are_ordered_by_day_meal_rule() -> None:
    spec = with_meal(DAY_A, "snack", [("broccoli", 1), ("almonds", 0.25)])
    plan = _replace_total(make_day(TINY, spec), "protein", 1.0)
    found = verify(plan, TINY, TARGETS.replace(protein=(200, None)))
    assert [(v.meal, v.rule) for v in found] == [
        (None, "totals_mismatch"),
        (None, "nutrient_min"),
        ("snack", "meal_tag"),
        ("snack", "servings_step"),
    ]
    assert verify(plan, TINY, TARGETS.replace(protein=(200, None))) == found


# -- unknown values and missing columns --------------------------------------------------------


def test_unknown_value_counts_as_zero() -> None:
    prefs = Preferences(meals=None)
    plan = make_day(TINY, {"foods": [("spinach", 2)]})
    assert plan.totals["vitamin_d"].amount == 0
    targets = Targets(minimums={"vitamin_d": 0.1})
    found = verify(plan, TINY, targets, prefs)
    assert rules(found) == ["nutrient_min"]
    assert "vitamin_d 0 µg" in found[0].message
    # A total that claimed the unknown value were something is a mismatch.
    assert rules(verify(_replace_total(plan, "vitamin_d", 0.5), TINY, Targets(), prefs)) == [
        "totals_mismatch"
    ]


def test_an_item_states_an_unknown_value_as_null_not_zero() -> None:
    prefs = Preferences(meals=None)
    plan = make_day(TINY, {"foods": [("spinach", 2)]})
    (item,) = plan.meals[0].items
    assert item.nutrients["vitamin_d"] is None
    assert verify(plan, TINY, Targets(), prefs) == []
    zero = item.model_copy(update={"nutrients": {**item.nutrients, "vitamin_d": 0.0}})
    claimed = plan.model_copy(
        update={"meals": [plan.meals[0].model_copy(update={"items": [zero]})]}
    )
    found = verify(claimed, TINY, Targets(), prefs)
    assert rules(found) == ["totals_mismatch"]
    assert "no known value" in found[0].message


def test_target_absent_from_catalogue_counts_as_zero() -> None:
    prefs = Preferences(meals=None)
    plan = make_day(TINY, {"foods": [("milk", 1)]})
    found = verify(plan, TINY, Targets(minimums={"zinc": 1}, units={"zinc": "mg"}), prefs)
    assert rules(found) == ["nutrient_min"]
    assert found[0].subject == "zinc"
    assert verify(plan, TINY, Targets(maximums={"zinc": 1}), prefs) == []


def test_no_meal_structure_skips_structure_rules() -> None:
    prefs = Preferences(meals=None)
    # One item, a food not tagged for any particular meal here: no structure rule applies.
    plan = make_day(TINY, {"foods": [("broccoli", 1)]})
    assert verify(plan, TINY, Targets(), prefs) == []
    # Per-item rules still do.
    too_much = make_day(TINY, {"foods": [("broccoli", 4)]})
    assert rules(verify(too_much, TINY, Targets(), prefs)) == ["servings_range"]
    zero = make_day(TINY, {"foods": [("broccoli", 0)]})
    assert rules(verify(zero, TINY, Targets(), prefs)) == ["servings_range"]
    # A structured day is not a free-form one.
    assert rules(verify(make_day(TINY, DAY_A), TINY, TARGETS, prefs)) == ["meal_names"]


# -- week rules ------------------------------------------------------------------------------


def _variant(spec: Spec, snack: Sequence[tuple[Any, float]]) -> dict[str, Any]:
    return with_meal(spec, "snack", snack)


A1 = DAY_A
A2 = _variant(DAY_A, [("apple", 1), ("milk", 1)])
A3 = _variant(DAY_A, [("milk", 1), ("almonds", 0.5)])
B1 = DAY_B
B2 = _variant(DAY_B, [("apple", 1), ("almonds", 0.5)])
WEEK = [A1, B1, A2, B2, A3]


def test_correct_week_passes() -> None:
    plan = make_week(TINY, WEEK, weekly=["vitamin_d"])
    assert verify(plan, TINY, TARGETS, PREFS) == []


WEEK_CASES: dict[str, tuple[list[Spec], str, int | None]] = {
    # Rice on day 1, day 3 and twice on day 5: four times, never on consecutive days.
    "4 repeats of a main item": (
        [A1, B1, A2, B2, with_meal(A3, "dinner", [("salmon", 1), ("rice", 1), ("spinach", 1)])],
        "weekly_repeats",
        None,
    ),
    "same protein on consecutive days": (
        [A1, with_meal(B1, "lunch", [("chicken", 1), ("quinoa", 1), ("carrots", 1)])],
        "consecutive_main_item",
        2,
    ),
    "two identical days": ([A1, B1, A1], "identical_days", 3),
}


@pytest.mark.parametrize("name", list(WEEK_CASES))
def test_week_mutation_gives_its_rule(name: str) -> None:
    specs, expected, day = WEEK_CASES[name]
    found = verify(make_week(TINY, specs, weekly=["vitamin_d"]), TINY, TARGETS, PREFS)
    assert rules(found) == [expected], [v.message for v in found]
    assert found[0].day == day


def test_locked_main_item_may_repeat() -> None:
    specs = [A1, with_meal(B1, "lunch", [("chicken", 1), ("quinoa", 1), ("carrots", 1)])]
    plan = make_week(TINY, specs, weekly=["vitamin_d"])
    prefs = Preferences(locks=(Lock(food="chicken", meal="lunch"),))
    assert verify(plan, TINY, TARGETS, prefs) == []


def test_weekly_average_vitamin_d() -> None:
    # Day A has 14.6 µg of vitamin D (salmon), day B 5 µg: the mean 9.8 µg meets 8 µg.
    week = make_week(TINY, [A1, B1], weekly=["vitamin_d"])
    assert verify(week, TINY, TARGETS) == []
    # Counted daily (not listed as weekly), day B misses it.
    daily = make_week(TINY, [A1, B1], weekly=[])
    found = verify(daily, TINY, TARGETS)
    assert [(v.rule, v.day, v.subject) for v in found] == [("nutrient_min", 2, "vitamin_d")]
    # The same days as DayPlans: B fails on its own, A passes.
    assert verify(make_day(TINY, A1), TINY, TARGETS) == []
    found = verify(make_day(TINY, B1), TINY, TARGETS)
    assert [(v.rule, v.subject) for v in found] == [("nutrient_min", "vitamin_d")]
    # A mean below the minimum is one week-wide violation.
    found = verify(week, TINY, TARGETS.replace(vitamin_d=(10, None)))
    assert [(v.rule, v.day) for v in found] == [("nutrient_min", None)]
    assert "weekly-average minimum 10 µg" in found[0].message


def test_weekly_key_keeps_a_daily_maximum() -> None:
    week = make_week(TINY, [A1, B1], weekly=["vitamin_d"])
    targets = TARGETS.replace(vitamin_d=(8, 10))
    found = verify(week, TINY, targets)
    assert [(v.rule, v.day) for v in found] == [("nutrient_max", 1)]


def test_week_average_and_cost_must_match_the_days() -> None:
    days = [make_day(TINY, spec, day=i + 1, with_cost=True) for i, spec in enumerate([A1, B1])]
    mean = (days[0].totals["energy"].amount + days[1].totals["energy"].amount) / 2
    average = {"energy": NutrientTotal(nutrient="energy", amount=mean, unit="kcal")}
    cost = (days[0].cost or 0) + (days[1].cost or 0)
    good = WeekPlan(days=days, weekly_average=average, weekly_nutrients=["vitamin_d"], cost=cost)
    assert verify(good, TINY, TARGETS) == []
    bad_average = {"energy": average["energy"].model_copy(update={"amount": mean + 5})}
    bad = good.model_copy(update={"weekly_average": bad_average, "cost": cost + 1})
    found = verify(bad, TINY, TARGETS)
    assert [(v.rule, v.day) for v in found] == [("totals_mismatch", None), ("cost_mismatch", None)]


# -- the shipped catalogue -------------------------------------------------------------------

OATMEAL, MILK, BREAD = 171662, 170872, 168013
CHICKEN, BROWN_RICE, BROCCOLI = 171534, 169704, 169967
SALMON, WHITE_RICE, SPINACH = 171998, 168878, 168463
ALMONDS, CARROTS, YOGURT = 170567, 168568, 170886

DEFAULT_DAY: dict[str, list[tuple[Any, float]]] = {
    "breakfast": [(OATMEAL, 1), (MILK, 1)],
    "lunch": [(CHICKEN, 1), (BROWN_RICE, 1), (BROCCOLI, 1)],
    "dinner": [(SALMON, 1), (WHITE_RICE, 1), (SPINACH, 1)],
    "snack": [(ALMONDS, 0.5), (CARROTS, 1)],
}


@pytest.fixture(scope="module")
def shipped() -> FoodCatalog:
    return FoodCatalog.curated()


@pytest.fixture(scope="module")
def shipped_targets(shipped: FoodCatalog) -> Targets:
    """Loose targets around the default day, so only the mutated rule can fail."""
    energy = make_day(shipped, DEFAULT_DAY).totals["energy"].amount
    return Targets(
        minimums={"energy": energy - 100, "protein": 50}, maximums={"energy": energy + 100}
    )


def test_shipped_catalogue_ids_and_correct_day(
    shipped: FoodCatalog, shipped_targets: Targets
) -> None:
    foods = shipped.foods
    assert len(shipped) == 376
    assert "milk" in foods.loc[MILK, "allergens"] and "vegan" not in foods.loc[MILK, "diets"]
    assert bool(foods.loc[OATMEAL, "fortified"])
    plan = make_day(shipped, DEFAULT_DAY)
    assert verify(plan, shipped, shipped_targets) == []


SHIPPED_CASES: dict[str, tuple[dict[str, Any], str, set[Any]]] = {
    "vegan diet with milk": ({"diet": "vegan"}, "diet", {MILK, CHICKEN, SALMON}),
    "dairy-free with milk": ({"dairy_free": True}, "diet", {MILK}),
    "gluten-free with oatmeal": ({"gluten_free": True}, "diet", {OATMEAL}),
    "fish allergen": ({"exclude_allergens": ("fish",)}, "allergen", {SALMON}),
    "excluded food": ({"exclude_foods": (BROCCOLI,)}, "excluded_food", {BROCCOLI}),
    "fortified when disallowed": ({"allow_fortified": False}, "fortified", {OATMEAL, MILK}),
    "lock missing": ({"locks": (Lock(food=YOGURT, meal="breakfast"),)}, "lock", {YOGURT}),
}


@pytest.mark.parametrize("name", list(SHIPPED_CASES))
def test_shipped_preference_violations(
    name: str, shipped: FoodCatalog, shipped_targets: Targets
) -> None:
    changes, expected, subjects = SHIPPED_CASES[name]
    found = verify(make_day(shipped, DEFAULT_DAY), shipped, shipped_targets, Preferences(**changes))
    assert {v.rule for v in found} == {expected}, [v.message for v in found]
    assert {v.subject for v in found} == {str(s) for s in subjects}


def test_shipped_whole_serving_foods(shipped: FoodCatalog, shipped_targets: Targets) -> None:
    # Multigrain bread comes in whole slices only.
    assert not bool(shipped.foods.loc[BREAD, "half_servings"])
    spec = with_meal(DEFAULT_DAY, "breakfast", [(OATMEAL, 1), (MILK, 1), (BREAD, 1.5)])
    found = verify(make_day(shipped, spec), shipped, shipped_targets.replace(energy=None))
    assert rules(found) == ["servings_step"]
    assert found[0].subject == str(BREAD)


def test_a_young_child_may_have_half_of_any_food(
    shipped: FoodCatalog, shipped_targets: Targets
) -> None:
    """Half a slice is a child's portion: under 9, every food may be served by the half; an
    adult's plan keeps whole slices."""
    spec = with_meal(DEFAULT_DAY, "breakfast", [(OATMEAL, 1), (MILK, 1), (BREAD, 1.5)])
    loose = shipped_targets.replace(energy=None)
    for age, expected in ((34, ["servings_step"]), (9, ["servings_step"]), (8.5, []), (5, [])):
        targets = Targets(bounds=loose.bounds, profile=Profile(age=age, sex="female"))
        assert rules(verify(make_day(shipped, spec), shipped, targets)) == expected, age


# -- limits set as a share of the day's energy ----------------------------------------------------


def test_a_share_of_energy_is_checked_against_the_days_own_energy() -> None:
    """A per-kcal limit follows the day's energy (1,520 kcal here), not the stated minimum at
    the energy target: 95.5 g of protein is below a flat 96 g, yet above 6 % of 1,520 kcal in
    grams (91.2 g); at 7 % (106.4 g) it is short, and a 6 % ceiling (91.2 g) is broken."""
    plan = make_day(TINY, DAY_A)
    energy = plan.totals["energy"].amount
    flat = TARGETS.replace(protein=(96, None))
    assert [v.rule for v in verify(plan, TINY, flat)] == ["nutrient_min"]

    def share(low: float | None, high: float | None) -> Targets:
        bound = Bound(
            nutrient="protein",
            min=None if low is None else 96,
            max=None if high is None else 1000,
            per_kcal=(low, high),
        )
        return TARGETS.replace(protein=bound)

    assert verify(plan, TINY, share(0.06, None)) == []
    short = verify(plan, TINY, share(0.07, None))
    assert [v.rule for v in short] == ["nutrient_min"]
    assert f"{0.07 * energy:.1f}" in short[0].message
    assert "for the day's energy" in short[0].message
    over = verify(plan, TINY, share(None, 0.06))
    assert [v.rule for v in over] == ["nutrient_max"]
    assert f"{0.06 * energy:.1f}" in over[0].message
