"""Issue #9: the life-stage food-safety rules in plans, whatever catalogue the foods come from."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealplan import (
    FoodCatalog,
    InfeasiblePlanError,
    Planner,
    PlannerError,
    Preferences,
    Profile,
    Targets,
    verify,
)
from mealplan.domain.plan import DayPlan, Meal, PlanItem
from mealplan.safeguards import screen
from mealplan.safety import classify_frame, groups_for, load_rules, rules_for

PREGNANT_22 = Profile(age=22, sex="female", pregnant=True)


@pytest.fixture(scope="module")
def planner(curated_catalog: FoodCatalog) -> Planner:
    return Planner(curated_catalog)


def _excluded(catalog: FoodCatalog, profile: Profile, ids: list[object]) -> dict[object, tuple]:
    """The rules each food breaks for the profile, classified afresh from the catalogue rows."""
    rules = rules_for(groups_for(profile.age, profile.pregnant, profile.lactating, profile.sex))
    verdicts = classify_frame(catalog.foods.loc[ids], rules)
    return {i: hits for i, hits in verdicts.items() if hits}


def _item(catalog: FoodCatalog, food_id: object) -> PlanItem:
    food = catalog[food_id]
    return PlanItem(
        food_id=food.id,
        fdc_id=food.fdc_id,
        name=food.name,
        role=food.role,
        servings=1,
        grams=food.serving_g,
        serving_text=food.serving_text,
        household=food.serving_text,
        energy_kcal=food.per_serving["energy"] or 0,
    )


def test_pregnancy_week_has_no_excluded_food_and_names_the_rules(
    planner: Planner, curated_catalog: FoodCatalog
) -> None:
    targets = Targets.cramp_support(PREGNANT_22)
    week = planner.plan_week(targets)
    ids = [item.food_id for day in week.days for item in day.items]
    assert _excluded(curated_catalog, PREGNANT_22, ids) == {}
    assert verify(week, curated_catalog, targets, Preferences()) == []
    applied = " ".join(week.notes)
    for rule in ("fish_high_mercury", "liver", "smoked_seafood", "deli_meat_hot_dog"):
        assert f"rule {rule}:" in applied
    assert "whole_nuts" not in applied  # a child's rule, not a pregnant woman's
    # The catalogue does hold foods the rules exclude, so the screen had work to do.
    flagged = _excluded(curated_catalog, PREGNANT_22, curated_catalog.ids)
    names = {curated_catalog[i].name for i in flagged}
    assert {"Beef liver, pan-fried", "Swordfish, cooked"} <= names


def test_toddler_rules_leave_out_whole_nuts_and_popcorn(planner: Planner) -> None:
    toddler = Profile(age=2, sex="male")
    day = planner.plan_day(Targets.for_profile(toddler))
    assert any("rule whole_nuts:" in note for note in day.notes)
    assert any("rule popcorn:" in note for note in day.notes)
    assert all(
        "nuts" not in item.name.lower() or "butter" in item.name.lower() for item in day.items
    )


def test_an_override_is_explicit_logged_and_noted(
    planner: Planner, curated_catalog: FoodCatalog, caplog: pytest.LogCaptureFixture
) -> None:
    targets = Targets.for_profile(PREGNANT_22)
    prefs = Preferences(override_safety_rules=("soft_cheese",))
    with caplog.at_level(logging.WARNING, logger="mealplan"):
        day = planner.plan_day(targets, prefs)
    assert any("soft_cheese" in r.getMessage() for r in caplog.records)
    assert any("'soft_cheese'" in note and "switched off" in note for note in day.notes)
    assert verify(day, curated_catalog, targets, prefs) == []
    with pytest.raises(PlannerError, match=r"override_safety_rules.*'no_such_rule'.*allowed: "):
        planner.plan_day(targets, Preferences(override_safety_rules=("no_such_rule",)))


def test_verify_flags_an_excluded_food_for_the_profile(curated_catalog: FoodCatalog) -> None:
    (swordfish,) = [f.id for f in curated_catalog.find("swordfish") if "Swordfish" in f.name][:1]
    item = _item(curated_catalog, swordfish)
    day = DayPlan(meals=[Meal(name="foods", items=[item], energy_kcal=item.energy_kcal)], totals={})
    prefs = Preferences(meals=None)
    pregnant = verify(day, curated_catalog, Targets.for_profile(PREGNANT_22), prefs)
    assert ("food_safety", str(swordfish)) in {(v.rule, v.subject) for v in pregnant}
    assert "fish_high_mercury" in next(v.message for v in pregnant if v.rule == "food_safety")
    adult = verify(day, curated_catalog, Targets.for_profile(Profile(age=40, sex="male")), prefs)
    assert "food_safety" not in {v.rule for v in adult}


def _own_foods() -> FoodCatalog:
    """An app's own table: the rules see names only, and the liver pâté has no retinol value."""
    frame = pd.DataFrame(
        {
            "id": ["pate", "swordfish", "lentils", "yogurt", "oats", "salmon"],
            "name": [
                "Chicken liver pâté",
                "Swordfish steak, grilled",
                "Lentil soup",
                "Greek yogurt",
                "Oatmeal",
                "Salmon, baked",
            ],
            "energy": [200, 180, 230, 150, 160, 230],
            "magnesium": [10, 30, 70, 20, 60, 30],
            "retinol": [None, 40, 0, 30, 0, 50],
        }
    )
    return FoodCatalog.from_frame(frame)


def test_own_foods_are_screened_by_name_and_unknown_organ_retinol_is_over_the_limit() -> None:
    catalog = _own_foods()
    targets = Targets.for_profile(PREGNANT_22)
    kept, notes = screen(catalog, targets, Preferences())
    assert set(kept.ids) == {"lentils", "yogurt", "oats", "salmon"}
    assert any("rule fish_high_mercury:" in n and "1 food(s)" in n for n in notes)
    # For an adult man the swordfish stays, but the pâté with no retinol value does not.
    man = Targets.for_profile(Profile(age=40, sex="male"))
    kept_man, notes_man = screen(catalog, man, Preferences())
    assert set(kept_man.ids) == {"swordfish", "lentils", "yogurt", "oats", "salmon"}
    assert any("no retinol value" in n and "Chicken liver pâté" in n for n in notes_man)
    # Without a retinol limit an unknown value no longer matters.
    kept_free, _ = screen(catalog, man.replace(retinol=None), Preferences())
    assert "pate" in kept_free.ids
    # verify says the same of a plan that holds it.
    item = _item(catalog, "pate")
    day = DayPlan(meals=[Meal(name="foods", items=[item], energy_kcal=200)], totals={})
    found = verify(day, catalog, man, Preferences(meals=None))
    assert ("retinol_unknown", "pate") in {(v.rule, v.subject) for v in found}


def test_rules_classify_foods_from_the_full_catalogue() -> None:
    full_catalog = FoodCatalog.ingredients()
    kept, _ = screen(full_catalog, Targets.for_profile(PREGNANT_22), Preferences())
    dropped = set(full_catalog.ids) - set(kept.ids)
    names = {full_catalog[i].description for i in dropped}
    assert "Fish, swordfish, raw" in names
    assert "Fish, salmon, chinook, smoked" in names
    assert any(name.startswith("Frankfurter") for name in names)
    assert "Fish, salmon, Atlantic, farmed, cooked, dry heat" not in names


# -- property: every life stage, pregnancy and lactation at each age band, every diet ----------
STAGES = [
    (age, sex, state)
    for age in (1.5, 3, 5, 8, 11, 13, 16, 25, 40, 60, 80)
    for sex in ("female", "male")
    for state in ("none",)
] + [
    (age, "female", state)
    for age in (15, 17, 20, 28, 35, 48)
    for state in ("pregnant", "lactating")
]


@settings(
    max_examples=14,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    stage=st.sampled_from(STAGES),
    diet=st.sampled_from(["omnivore", "vegetarian", "pescatarian", "vegan"]),
)
def test_any_life_stage_and_diet_gives_a_safe_verified_plan_or_a_diagnosis(
    planner: Planner, curated_catalog: FoodCatalog, stage: tuple[float, str, str], diet: str
) -> None:
    age, sex, state = stage
    profile = Profile(
        age=age, sex=sex, pregnant=state == "pregnant", lactating=state == "lactating"
    )
    targets = Targets.cramp_support(profile)
    prefs = Preferences(diet=diet)
    try:
        week = planner.plan_week(targets, prefs, days=2)
    except InfeasiblePlanError as error:
        assert error.diagnosis.message
        return
    assert verify(week, curated_catalog, targets, prefs) == []
    ids = [item.food_id for day in week.days for item in day.items]
    assert _excluded(curated_catalog, profile, ids) == {}
    for day in week.days:
        # Saturated fat and fiber are set per kcal of the day's own energy.
        energy = day.totals["energy"].amount
        for key in ("retinol", "saturated_fat", "calcium", "vitamin_d", "sodium"):
            bound = targets.get(key)
            high = None if bound is None else bound.limits_at(energy)[1]
            if high is not None:
                assert day.totals[key].amount <= high + 1e-6
        fiber_min = targets["fiber"].limits_at(energy)[0]
        assert fiber_min is not None and day.totals["fiber"].amount >= fiber_min - 1e-6


def test_every_rule_applies_to_some_profile() -> None:
    groups = set()
    for age, _sex, state in STAGES:
        groups |= groups_for(age, state == "pregnant", state == "lactating", _sex)
    assert all(rule.applies_to(groups) for rule in load_rules())
