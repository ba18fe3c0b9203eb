"""The plan's JSON (schema 2.0): its envelope, the items' nutrients, food ids in the totals'
lists, the documented precision, and a lossless round trip, on real planned plans."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from importlib import metadata
from typing import Any

import pytest

from mealplan import (
    DayPlan,
    FoodCatalog,
    Planner,
    Preferences,
    Profile,
    Targets,
    WeekPlan,
    verify,
)
from mealplan.domain.plan import (
    COST_DECIMALS,
    ENVELOPE_FIELDS,
    GRAMS_DECIMALS,
    GROUP_DECIMALS,
    KCAL_DECIMALS,
    PERCENT_DECIMALS,
    SCHEMA_VERSION,
    SERVINGS_DECIMALS,
    SOLVER_DECIMALS,
    amount_decimals,
)
from mealplan.report import SUMMARY_NUTRIENTS, render_html, render_text

COVERED = set(SUMMARY_NUTRIENTS)

PROFILE = Profile(age=34, sex="female")


@pytest.fixture(scope="module")
def targets() -> Targets:
    return Targets.cramp_support(PROFILE)


@pytest.fixture(scope="module")
def day(curated_catalog: FoodCatalog, targets: Targets) -> DayPlan:
    return Planner(curated_catalog).plan_day(targets, Preferences(exclude_allergens=("peanuts",)))


@pytest.fixture(scope="module")
def week(curated_catalog: FoodCatalog, targets: Targets) -> WeekPlan:
    return Planner(curated_catalog).plan_week(targets, days=2)


@pytest.fixture(scope="module")
def eaten_day(targets: Targets) -> tuple[DayPlan, FoodCatalog]:
    """A day of foods as eaten (FNDDS), the default catalogue."""
    catalog = FoodCatalog.default()
    return Planner(catalog).plan_day(targets), catalog


def _html(plan: DayPlan, targets: Targets) -> str:
    return render_html(
        plan,
        profile=PROFILE,
        targets=targets,
        preferences=Preferences(),
        catalog_release=FoodCatalog.curated().release,
    )


def _flags(plan: DayPlan, targets: Targets) -> set[str]:
    """The page's flags on nutrients: the foods whose value is unknown, as the page names them."""
    return {
        html.unescape(t) for t in re.findall(r"class='flag' title='([^']*)'", _html(plan, targets))
    }


def _unknown_names(plan: DayPlan) -> set[str]:
    """Each flagged nutrient's foods by name, as the report should show them."""
    return {
        ", ".join(
            next(i.name for i in plan.items if f in (i.food_id, i.name)) for f in total.unknown_in
        )
        for key, total in plan.totals.items()
        if total.unknown_in and key in COVERED
    }


# -- envelope ------------------------------------------------------------------------------------


def test_a_day_states_what_produced_it(day: DayPlan, targets: Targets) -> None:
    assert day.schema_version == SCHEMA_VERSION == "2.0"
    assert day.mealplan_version == metadata.version("mealplan")
    # The curated foods: SR Legacy and Foundation, each named by its own release.
    assert day.data and set(day.data) <= {
        "FDC Foundation Foods 2024-10-31",
        "SR Legacy 2018-04 (values: SR28)",
    }
    assert day.request is not None and day.request.days == 1
    assert day.request.profile is not None
    assert Profile.model_validate(day.request.profile) == PROFILE
    prefs = Preferences.model_validate(day.request.preferences)
    assert prefs.exclude_allergens == ("peanuts",)
    assert day.targets is not None
    assert Targets.model_validate(day.targets) == targets
    sources = {bound["nutrient"]: bound["source"] for bound in day.targets["bounds"]}
    assert "DRI" in sources["magnesium"]
    info = day.nutrient_info
    assert list(info) == list(day.totals)
    assert info["magnesium"].unit == "mg" and info["magnesium"].fdc_nutrient_id == 1090
    assert info["energy"].other_fdc_nutrient_ids == [2048, 2047]


def test_foods_as_eaten_name_their_fndds_release(eaten_day: tuple[DayPlan, FoodCatalog]) -> None:
    plan, _ = eaten_day
    assert plan.data == ["FNDDS 2017-2018"]


def test_a_week_states_its_envelope_once(week: WeekPlan) -> None:
    assert week.schema_version == SCHEMA_VERSION
    assert week.request is not None and week.request.days == 2
    assert week.targets is not None and week.nutrient_info and week.data
    for plan in week.days:
        assert all(getattr(plan, name) in (None, [], {}) for name in ENVELOPE_FIELDS), (
            "the days inside a week leave the envelope to the week"
        )


# -- item nutrients -----------------------------------------------------------------------------


def _check_items_add_up(plan: DayPlan) -> None:
    keys = list(plan.totals)
    items = plan.items
    for item in items:
        assert list(item.nutrients) == keys
    for key, total in plan.totals.items():
        known = [i.nutrients[key] for i in items if i.nutrients[key] is not None]
        amount = sum(v for v in known if v is not None)
        if key == "water" and plan.drinking_water is not None:
            amount += plan.drinking_water.grams
        # Each item and the total are rounded to the same step: half a step each at most.
        step = 10.0 ** -amount_decimals(total.unit)
        assert amount == pytest.approx(total.amount, abs=step * (len(items) + 1) / 2 + 1e-9), key
        unknown = {i.food_id for i in items if i.nutrients[key] is None}
        assert unknown == set(total.unknown_in), key


def test_item_nutrients_add_up_to_the_day_totals(day: DayPlan) -> None:
    _check_items_add_up(day)
    assert day.items[0].nutrients["energy"] == day.items[0].energy_kcal


def test_item_nutrients_add_up_for_foods_as_eaten(eaten_day: tuple[DayPlan, FoodCatalog]) -> None:
    _check_items_add_up(eaten_day[0])


def test_each_meal_adds_up_to_its_energy(week: WeekPlan) -> None:
    for plan in week.days:
        _check_items_add_up(plan)
        for meal in plan.meals:
            energy = sum(i.nutrients["energy"] or 0.0 for i in meal.items)
            assert energy == pytest.approx(meal.energy_kcal, abs=0.05 * (len(meal.items) + 1))


def test_an_unknown_value_is_null_not_zero(day: DayPlan) -> None:
    # SR Legacy has no added sugars: unknown for every food, not 0.
    data = json.loads(day.model_dump_json())
    for meal in data["meals"]:
        for item in meal["items"]:
            assert item["nutrients"]["added_sugars"] is None


# -- ids in unknown_in, imputed_in, unreliable_in ------------------------------------------------


def test_the_totals_list_food_ids_and_the_report_shows_names(
    day: DayPlan, targets: Targets
) -> None:
    ids = {item.food_id for item in day.items}
    sugars = day.totals["added_sugars"]
    assert set(sugars.unknown_in) == ids
    for total in day.totals.values():
        assert set(total.unknown_in) | set(total.imputed_in) | set(total.unreliable_in) <= ids
    names = {item.name for item in day.items}
    assert {day.food_name(f) for f in sugars.unknown_in} == names
    # The page's flag on a nutrient names the foods whose value is unknown, not their ids.
    assert _flags(day, targets) == _unknown_names(day)


def test_a_plan_saved_before_versions_still_loads(
    day: DayPlan, curated_catalog: FoodCatalog, targets: Targets
) -> None:
    """The 1.x form: no envelope, no item nutrients, names in ``unknown_in``."""
    old = json.loads(day.model_dump_json())
    for name in ENVELOPE_FIELDS:
        del old[name]
    for meal in old["meals"]:
        for item in meal["items"]:
            del item["nutrients"]
    names = {item.food_id: item.name for item in day.items}
    for total in old["totals"].values():
        total["unknown_in"] = sorted(names[f] for f in total["unknown_in"])
    loaded = DayPlan.model_validate(old)
    assert loaded.schema_version is None and loaded.request is None
    assert loaded.items[0].nutrients == {}
    assert set(loaded.totals["added_sugars"].unknown_in) == set(names.values())
    assert loaded.food_name("Avocado, raw") == "Avocado, raw"
    render_text(loaded)
    assert _flags(loaded, targets) == _unknown_names(loaded)
    assert verify(loaded, curated_catalog, targets) == []


# -- precision ----------------------------------------------------------------------------------


def _decimals(value: float) -> int:
    exponent = Decimal(repr(value)).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


#: Decimals by field name (the module docstring's table); amounts go by their unit.
_BY_NAME = {
    "servings": SERVINGS_DECIMALS,
    "grams": GRAMS_DECIMALS,
    "energy_kcal": KCAL_DECIMALS,
    "from_food_g": GRAMS_DECIMALS,
    "target_g": GRAMS_DECIMALS,
    "cups": 1,
    "percent_of_target": PERCENT_DECIMALS,
    "cost": COST_DECIMALS,
    "objective": SOLVER_DECIMALS,
    "bound": SOLVER_DECIMALS,
    "gap": SOLVER_DECIMALS,
}
_GROUP_FIELDS = ("amount", "pattern_amount", "ratio", "low", "high")
_UNIT_FIELDS = ("amount", "min", "max", "minimum")


def _too_precise(node: Any, units: dict[str, str], path: str = "") -> list[str]:
    """Every float in ``node`` with more decimals than documented, as ``path = value``."""
    found: list[str] = []
    if isinstance(node, list):
        for k, child in enumerate(node):
            found += _too_precise(child, units, f"{path}[{k}]")
        return found
    if not isinstance(node, dict):
        return found
    in_group = "pattern_amount" in node
    for name, value in node.items():
        where = f"{path}.{name}"
        if name in ("request", "targets"):
            continue  # echoed as given
        if name == "nutrients" and isinstance(value, dict):
            allowed = {k: amount_decimals(units[k]) for k in value}
            found += [
                f"{where}.{k} = {v}"
                for k, v in value.items()
                if isinstance(v, float) and _decimals(v) > allowed[k]
            ]
            continue
        if isinstance(value, float):
            if in_group and name in _GROUP_FIELDS:
                places = GROUP_DECIMALS
            elif name in _UNIT_FIELDS and "unit" in node:
                places = amount_decimals(node["unit"])
            else:
                assert name in _BY_NAME, f"{where}: no documented precision"
                places = _BY_NAME[name]
            if _decimals(value) > places:
                found.append(f"{where} = {value}")
        else:
            found += _too_precise(value, units, where)
    return found


def test_no_number_is_more_precise_than_documented(
    day: DayPlan, week: WeekPlan, eaten_day: tuple[DayPlan, FoodCatalog]
) -> None:
    for plan in (day, week, eaten_day[0]):
        data = json.loads(plan.model_dump_json())
        units = {key: info["unit"] for key, info in data["nutrient_info"].items()}
        assert _too_precise(data, units) == []


def test_rounded_plans_still_verify(
    day: DayPlan,
    week: WeekPlan,
    eaten_day: tuple[DayPlan, FoodCatalog],
    curated_catalog: FoodCatalog,
    targets: Targets,
) -> None:
    assert verify(day, curated_catalog, targets, Preferences(exclude_allergens=("peanuts",))) == []
    assert verify(week, curated_catalog, targets) == []
    assert verify(eaten_day[0], eaten_day[1], targets) == []


def test_verify_wants_every_item_nutrient_of_a_versioned_plan(
    eaten_day: tuple[DayPlan, FoodCatalog], targets: Targets
) -> None:
    """A plan of schema 2.0 that drops a nutrient from an item, or all of them, is caught; a
    misstated one too (the amounts are checked against the catalogue)."""
    plan, catalog = eaten_day
    first, second = plan.meals[0].items[:2]
    dropped = {key: value for key, value in first.nutrients.items() if key != "magnesium"}
    wrong = {**second.nutrients, "potassium": (second.nutrients["potassium"] or 0) + 50}
    items = [
        first.model_copy(update={"nutrients": dropped}),
        second.model_copy(update={"nutrients": wrong}),
        *plan.meals[0].items[2:],
    ]
    meals = [plan.meals[0].model_copy(update={"items": items}), *plan.meals[1:]]
    found = verify(plan.model_copy(update={"meals": meals}), catalog, targets)
    messages = [v.message for v in found if v.rule == "totals_mismatch"]
    assert any("states nothing for magnesium" in m for m in messages), messages
    assert any("of potassium, but" in m for m in messages), messages
    emptied = [first.model_copy(update={"nutrients": {}}), *plan.meals[0].items[1:]]
    meals = [plan.meals[0].model_copy(update={"items": emptied}), *plan.meals[1:]]
    found = verify(plan.model_copy(update={"meals": meals}), catalog, targets)
    assert len([v for v in found if "states nothing for" in v.message]) == len(plan.totals)


# -- round trip and schema ----------------------------------------------------------------------


def test_plans_read_back_from_their_json_are_equal(
    day: DayPlan, week: WeekPlan, eaten_day: tuple[DayPlan, FoodCatalog]
) -> None:
    assert DayPlan.model_validate_json(day.model_dump_json()) == day
    assert DayPlan.model_validate_json(eaten_day[0].model_dump_json()) == eaten_day[0]
    assert WeekPlan.model_validate_json(week.model_dump_json()) == week


def test_the_json_schema_names_the_schema_version() -> None:
    for model in (WeekPlan, DayPlan):
        schema = model.model_json_schema()
        assert "schema_version" in schema["properties"]
        assert "nutrients" in schema["$defs"]["PlanItem"]["properties"]
