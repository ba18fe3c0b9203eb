"""USDA dietary patterns (DGA 2020-2025 Appendix 3): the table, level choice, bands, FPED sums."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from mealplan.domain.food_patterns import (
    DGA_GROUPS,
    GROUP_KEYS,
    KCAL_LEVELS,
    PATTERN_NAMES,
    FoodGroupBounds,
    FoodPatternError,
    food_pattern_table,
    group_amounts,
    group_sources,
    nearest_level,
    pattern_amounts,
)
from mealplan.food_groups import FOOD_GROUP_KEYS, food_group_unit

# The DGA's own worked example (Healthy U.S.-Style, 2,000 kcal), typed from the guidelines.
US_2000 = {
    "vegetables": 2.5,
    "fruit": 2.0,
    "grains": 6.0,
    "whole_grains": 3.0,
    "dairy": 3.0,
    "protein_foods": 5.5,
    "oils": 27.0,
}


def test_us_style_2000_matches_the_guidelines_example() -> None:
    level = pattern_amounts(2000, vegetarian=False)
    assert level.pattern == "us_style"
    assert level.kcal == 2000
    assert dict(level.amounts) == US_2000
    assert level.refined_grains_oz == 3.0
    assert "Table A3-2" in level.source


def test_vegetarian_level_names_its_table() -> None:
    level = pattern_amounts(2000, vegetarian=True)
    assert level.pattern == "vegetarian"
    assert "Table A3-4" in level.source


def test_table_has_every_level_of_both_patterns() -> None:
    table = food_pattern_table()
    assert tuple(range(1000, 3201, 200)) == KCAL_LEVELS
    assert set(table) == {(p, k) for p in PATTERN_NAMES for k in KCAL_LEVELS}
    for level in table.values():
        assert set(level.amounts) == set(GROUP_KEYS)


@pytest.mark.parametrize("pattern", PATTERN_NAMES)
def test_whole_plus_refined_is_grains_at_every_level(pattern: str) -> None:
    for kcal in KCAL_LEVELS:
        level = food_pattern_table()[(pattern, kcal)]
        whole = level.amounts["whole_grains"]
        assert math.isclose(whole + level.refined_grains_oz, level.amounts["grains"])
        # The DGA's "at least half whole" holds in the table itself.
        assert whole >= 0.5 * level.amounts["grains"]


@pytest.mark.parametrize("pattern", PATTERN_NAMES)
@pytest.mark.parametrize("group", ["grains", "vegetables", "protein_foods", "fruit", "oils"])
def test_amounts_never_fall_as_calories_rise(pattern: str, group: str) -> None:
    amounts = [food_pattern_table()[(pattern, kcal)].amounts[group] for kcal in KCAL_LEVELS]
    assert amounts == sorted(amounts)


def test_levels_are_read_only() -> None:
    level = pattern_amounts(2000, vegetarian=False)
    with pytest.raises(TypeError):
        level.amounts["grains"] = 99.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("energy", "level"),
    [
        (2099, 2000),
        (2100, 2200),  # a tie goes up
        (2000.0, 2000),
        (1900, 2000),
        (1099.9, 1000),
        (1100, 1200),
        (800, 1000),
        (1, 1000),
        (3300, 3200),
        (5000, 3200),
    ],
)
def test_nearest_level(energy: float, level: int) -> None:
    assert nearest_level(energy) == level
    assert pattern_amounts(energy, vegetarian=False).kcal == level
    assert pattern_amounts(energy, vegetarian=True).kcal == level


@pytest.mark.parametrize("energy", [0, -100, math.nan, math.inf, -math.inf])
def test_bad_energy_is_a_typed_error(energy: float) -> None:
    with pytest.raises(FoodPatternError, match="energy"):
        pattern_amounts(energy, vegetarian=False)
    assert issubclass(FoodPatternError, ValueError)


def test_vegetarian_protein_is_lower_than_us_style() -> None:
    us = pattern_amounts(2000, vegetarian=False).amounts
    veg = pattern_amounts(2000, vegetarian=True).amounts
    assert veg["protein_foods"] < us["protein_foods"]
    # ...and it makes up with grains; vegetables, fruit, dairy and oils are the same.
    assert veg["grains"] > us["grains"]
    for group in ("vegetables", "fruit", "dairy", "oils"):
        assert veg[group] == us[group]


def test_groups_use_real_fped_keys_in_their_units() -> None:
    for group in DGA_GROUPS:
        for pattern in PATTERN_NAMES:
            for key in group.fped_keys(pattern):
                assert key in FOOD_GROUP_KEYS
                assert food_group_unit(key) == group.unit, (group.key, key)


def test_legumes_count_in_exactly_one_group_per_pattern() -> None:
    for pattern in PATTERN_NAMES:
        sources = group_sources(pattern)
        assert list(sources) == list(GROUP_KEYS)
        counted = [key for keys in sources.values() for key in keys]
        legume_keys = {"fg_veg_legumes_cup", "fg_protein_legumes_oz"}
        assert len([key for key in counted if key in legume_keys]) == 1
    assert "fg_veg_legumes_cup" in group_sources("us_style")["vegetables"]
    assert "fg_protein_legumes_oz" in group_sources("vegetarian")["protein_foods"]


# A day with beans: 0.5 cup eq of legumes is the same food as 2 oz eq (FPED reports both).
DAY = {
    "fg_fruit_cup": 1.75,
    "fg_fruit_juice_cup": 0.5,  # part of fg_fruit_cup: not added again
    "fg_vegetables_cup": 2.0,
    "fg_veg_dark_green_cup": 0.75,  # part of fg_vegetables_cup
    "fg_veg_legumes_cup": 0.5,
    "fg_grains_oz": 6.0,
    "fg_whole_grains_oz": 2.5,
    "fg_refined_grains_oz": 3.5,
    "fg_protein_foods_oz": 4.0,
    "fg_protein_legumes_oz": 2.0,
    "fg_dairy_cup": 2.5,
    "fg_oils_g": 20.0,
    "fg_added_sugars_tsp": 9.0,
}


def test_group_amounts_us_style_counts_legumes_as_vegetables() -> None:
    assert group_amounts(DAY, "us_style") == {
        "fruit": 1.75,
        "vegetables": 2.5,
        "grains": 6.0,
        "whole_grains": 2.5,
        "protein_foods": 4.0,
        "dairy": 2.5,
        "oils": 20.0,
    }


def test_group_amounts_vegetarian_counts_legumes_as_protein() -> None:
    assert group_amounts(DAY, "vegetarian") == {
        "fruit": 1.75,
        "vegetables": 2.0,
        "grains": 6.0,
        "whole_grains": 2.5,
        "protein_foods": 6.0,
        "dairy": 2.5,
        "oils": 20.0,
    }


def test_group_amounts_treats_missing_keys_as_zero() -> None:
    amounts = group_amounts({"fg_veg_legumes_cup": 1.0}, "vegetarian")
    assert amounts == dict.fromkeys(GROUP_KEYS, 0.0)


def test_unknown_pattern_is_refused() -> None:
    with pytest.raises(FoodPatternError, match="unknown dietary pattern"):
        group_amounts(DAY, "mediterranean")
    with pytest.raises(FoodPatternError):
        group_sources("US_STYLE")


def test_default_bounds_and_limits() -> None:
    bounds = FoodGroupBounds()
    assert (bounds.low, bounds.high, bounds.protein_high, bounds.whole_grain_share) == (
        0.75,
        1.5,
        1.3,
        0.5,
    )
    limits = bounds.limits(pattern_amounts(2000, vegetarian=False))
    assert "whole_grains" not in limits
    assert set(limits) == set(GROUP_KEYS) - {"whole_grains"}
    assert limits["grains"] == pytest.approx((4.5, 9.0))
    assert limits["vegetables"] == pytest.approx((1.875, 3.75))
    assert limits["protein_foods"] == pytest.approx((0.75 * 5.5, 1.3 * 5.5))
    assert limits["oils"] == pytest.approx((20.25, 40.5))
    assert bounds.whole_grain_minimum(6.0) == pytest.approx(3.0)


def test_custom_bounds() -> None:
    bounds = FoodGroupBounds(low=1.0, high=1.0, protein_high=1.0, whole_grain_share=1.0)
    level = pattern_amounts(1600, vegetarian=True)
    for key, (low, high) in bounds.limits(level).items():
        assert low == high == level.amounts[key]


def test_bounds_are_frozen_and_forbid_extra() -> None:
    bounds = FoodGroupBounds()
    with pytest.raises(ValidationError):
        bounds.low = 0.5  # type: ignore[misc]
    with pytest.raises(ValidationError, match="lowe"):
        FoodGroupBounds(lowe=0.5)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("low", 0.0),
        ("low", -0.1),
        ("low", 1.01),
        ("low", math.nan),
        ("high", 0.99),
        ("high", math.inf),
        ("protein_high", 0.5),
        ("whole_grain_share", -0.1),
        ("whole_grain_share", 1.5),
        ("whole_grain_share", "half"),
        ("high", True),
    ],
)
def test_bad_bounds_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        FoodGroupBounds.model_validate({field: value})
    errors = caught.value.errors()
    assert len(errors) == 1
    assert errors[0]["loc"] == (field,)
    assert field in errors[0]["msg"]


@pytest.mark.parametrize("energy", ["2000", None, True])
def test_non_numeric_energy_is_a_typed_error(energy: object) -> None:
    with pytest.raises(FoodPatternError, match="number of kcal"):
        nearest_level(energy)  # type: ignore[arg-type]
