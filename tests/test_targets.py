"""Nutrient targets from the Dietary Reference Intakes: tables, profiles, energy, API."""

from __future__ import annotations

import json
import logging
import math
from types import MappingProxyType

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mealplan
from mealplan.errors import MealplanError
from mealplan.targets import (
    CRAMP_NUTRIENTS,
    LIFE_STAGES,
    Bound,
    Profile,
    Targets,
    TargetsError,
    _dri_table,
    _read_rows,
)

# ---------------------------------------------------------------------------------------------
# The independent expected table, typed from the DRI reports (IOM 1997 magnesium; NASEM 2019
# potassium AI and sodium CDRR; IOM 2011 calcium and vitamin D; IOM 1998 B12 and B6), not read
# from dri.csv. Per life stage and sex: the minimum (RDA or AI) of
# (magnesium mg, potassium mg, calcium mg, vitamin D µg, vitamin B12 µg, vitamin B6 mg)
# and the maximum of (calcium UL mg, vitamin D UL µg, vitamin B6 UL mg, sodium CDRR mg).

MINIMUMS: dict[tuple[str, str], tuple[float, float, float, float, float, float]] = {
    ("1-3", "female"): (80, 2000, 700, 15, 0.9, 0.5),
    ("1-3", "male"): (80, 2000, 700, 15, 0.9, 0.5),
    ("4-8", "female"): (130, 2300, 1000, 15, 1.2, 0.6),
    ("4-8", "male"): (130, 2300, 1000, 15, 1.2, 0.6),
    ("9-13", "female"): (240, 2300, 1300, 15, 1.8, 1.0),
    ("9-13", "male"): (240, 2500, 1300, 15, 1.8, 1.0),
    ("14-18", "female"): (360, 2300, 1300, 15, 2.4, 1.2),
    ("14-18", "male"): (410, 3000, 1300, 15, 2.4, 1.3),
    ("19-30", "female"): (310, 2600, 1000, 15, 2.4, 1.3),
    ("19-30", "male"): (400, 3400, 1000, 15, 2.4, 1.3),
    ("31-50", "female"): (320, 2600, 1000, 15, 2.4, 1.3),
    ("31-50", "male"): (420, 3400, 1000, 15, 2.4, 1.3),
    ("51-70", "female"): (320, 2600, 1200, 15, 2.4, 1.5),
    ("51-70", "male"): (420, 3400, 1000, 15, 2.4, 1.7),
    ("71+", "female"): (320, 2600, 1200, 20, 2.4, 1.5),
    ("71+", "male"): (420, 3400, 1200, 20, 2.4, 1.7),
    ("pregnancy 14-18", "female"): (400, 2600, 1300, 15, 2.6, 1.9),
    ("pregnancy 19-30", "female"): (350, 2900, 1000, 15, 2.6, 1.9),
    ("pregnancy 31-50", "female"): (360, 2900, 1000, 15, 2.6, 1.9),
    ("lactation 14-18", "female"): (360, 2500, 1300, 15, 2.8, 2.0),
    ("lactation 19-30", "female"): (310, 2800, 1000, 15, 2.8, 2.0),
    ("lactation 31-50", "female"): (320, 2800, 1000, 15, 2.8, 2.0),
}

MAXIMUMS_BY_AGE: dict[str, tuple[float, float, float, float]] = {
    "1-3": (2500, 63, 30, 1200),
    "4-8": (2500, 75, 40, 1500),
    "9-13": (3000, 100, 60, 1800),
    "14-18": (3000, 100, 80, 2300),
    "19-30": (2500, 100, 100, 2300),
    "31-50": (2500, 100, 100, 2300),
    "51-70": (2000, 100, 100, 2300),
    "71+": (2000, 100, 100, 2300),
}

#: A representative age inside each DRI age band.
AGE_FOR_BAND = {
    "1-3": 2,
    "4-8": 6,
    "9-13": 11,
    "14-18": 16,
    "19-30": 25,
    "31-50": 40,
    "51-70": 60,
    "71+": 80,
}


def _profile_for(stage: str, sex: str) -> Profile:
    state, _, band = stage.rpartition(" ")
    return Profile(
        age=AGE_FOR_BAND[band],
        sex=sex,
        pregnant=state == "pregnancy",
        lactating=state == "lactation",
    )


@pytest.mark.parametrize(("stage", "sex"), sorted(MINIMUMS))
def test_minimums_match_the_dri_for_every_life_stage(stage: str, sex: str) -> None:
    profile = _profile_for(stage, sex)
    assert profile.life_stage == stage
    targets = Targets.for_profile(profile)
    got = tuple(targets[key].min for key in CRAMP_NUTRIENTS)
    assert got == pytest.approx(MINIMUMS[(stage, sex)])


@pytest.mark.parametrize(("stage", "sex"), sorted(MINIMUMS))
def test_food_upper_limits_match_the_dri_for_every_life_stage(stage: str, sex: str) -> None:
    targets = Targets.for_profile(_profile_for(stage, sex))
    band = stage.rpartition(" ")[2]
    got = tuple(targets[key].max for key in ("calcium", "vitamin_d", "vitamin_b6", "sodium"))
    assert got == pytest.approx(MAXIMUMS_BY_AGE[band])
    # Magnesium's UL covers supplements only; potassium and B12 have no UL at all.
    assert targets["magnesium"].max is None
    assert targets["potassium"].max is None
    assert targets["vitamin_b12"].max is None
    # Sodium is a ceiling only.
    assert targets["sodium"].min is None


def test_potassium_uses_the_2019_ai_not_4700() -> None:
    targets = Targets.for_profile(Profile(age=45, sex="male"))
    assert targets["potassium"].min == 3400
    assert targets["potassium"].unit == "mg"
    assert "2019" in targets["potassium"].source


def test_bounds_carry_units_and_citations() -> None:
    targets = Targets.for_profile(Profile(age=40, sex="female"))
    units = {key: targets[key].unit for key in targets}
    assert units == {
        "energy": "kcal",
        "protein": "g",
        "carbohydrate": "g",
        "fat": "g",
        "magnesium": "mg",
        "potassium": "mg",
        "calcium": "mg",
        "vitamin_d": "µg",
        "vitamin_b12": "µg",
        "vitamin_b6": "mg",
        "sodium": "mg",
        "fiber": "g",
        "saturated_fat": "g",
        "added_sugars": "g",
        "retinol": "µg",
        "water": "g",
    }
    mg = targets["magnesium"]
    assert "IOM 1997" in mg.source and "RDA" in mg.source and "female 31-50" in mg.source
    assert "non-food" in mg.source
    assert "IOM 2011" in targets["calcium"].source and "UL" in targets["calcium"].source
    assert "CDRR" in targets["sodium"].source


@pytest.mark.parametrize(
    ("age", "stage"),
    [
        (1, "1-3"),
        (3.99, "1-3"),
        (4, "4-8"),
        (8.5, "4-8"),
        (9, "9-13"),
        (13.9, "9-13"),
        (14, "14-18"),
        (18.99, "14-18"),
        (19, "19-30"),
        (30.5, "19-30"),
        (31, "31-50"),
        (50.99, "31-50"),
        (51, "51-70"),
        (70.9, "51-70"),
        (71, "71+"),
        (120, "71+"),
    ],
)
def test_age_bands_use_completed_years(age: float, stage: str) -> None:
    assert Profile(age=age, sex="male").life_stage == stage


# ---------------------------------------------------------------------------------------------
# Profile validation


@pytest.mark.parametrize("age", [0, 0.99, -3, 120.5, 200, math.nan, math.inf])
def test_age_out_of_range_names_age_and_the_range(age: float) -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=age, sex="female")
    error = info.value.errors()[0]
    assert error["loc"] == ("age",)
    assert "age" in str(info.value)
    assert "between 1 and 120" in str(info.value)


def test_pregnant_male_is_rejected_naming_pregnant() -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=30, sex="male", pregnant=True)
    assert info.value.errors()[0]["loc"] == ("pregnant",)
    assert "pregnant" in str(info.value) and "'female'" in str(info.value)


def test_lactating_male_is_rejected_naming_lactating() -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=30, sex="male", lactating=True)
    assert info.value.errors()[0]["loc"] == ("lactating",)


@pytest.mark.parametrize("field", ["pregnant", "lactating"])
@pytest.mark.parametrize("age", [12, 13.9, 51, 52, 70])
def test_pregnancy_and_lactation_only_at_ages_14_to_50(field: str, age: float) -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=age, sex="female", **{field: True})
    assert info.value.errors()[0]["loc"] == (field,)
    assert field in str(info.value)
    assert "14 to 50" in str(info.value)


@pytest.mark.parametrize("age", [14, 18.5, 30, 50.9])
def test_pregnancy_allowed_from_14_to_50(age: float) -> None:
    assert Profile(age=age, sex="female", pregnant=True).pregnant


def test_pregnant_and_lactating_together_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=30, sex="female", pregnant=True, lactating=True)
    assert info.value.errors()[0]["loc"] == ("lactating",)
    assert "pregnant" in info.value.errors()[0]["msg"]


def test_trimester_needs_pregnancy() -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=30, sex="female", trimester=2)
    assert info.value.errors()[0]["loc"] == ("trimester",)


@pytest.mark.parametrize("weight", [0, -5, 501, math.nan])
def test_weight_out_of_range_names_weight_kg(weight: float) -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=30, sex="female", weight_kg=weight)
    assert info.value.errors()[0]["loc"] == ("weight_kg",)
    assert "weight_kg" in str(info.value) and "greater than 0" in str(info.value)


@pytest.mark.parametrize("height", [10, 300])
def test_height_out_of_range_names_height_cm(height: float) -> None:
    with pytest.raises(ValidationError) as info:
        Profile(age=30, sex="female", height_cm=height)
    assert info.value.errors()[0]["loc"] == ("height_cm",)


def test_unknown_sex_and_activity_list_the_allowed_values() -> None:
    with pytest.raises(ValidationError, match="'female' or 'male'"):
        Profile(age=30, sex="other")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="very_active"):
        Profile(age=30, sex="male", activity="couch")  # type: ignore[arg-type]


def test_profile_is_frozen() -> None:
    profile = Profile(age=30, sex="male")
    with pytest.raises(ValidationError):
        profile.age = 40  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Energy (IOM 2005 EER) and macronutrients


def test_energy_worked_example_adult_woman() -> None:
    # Woman, 30 y, 60 kg, 165 cm, active (PA 1.27), IOM 2005 adult-woman equation:
    # EER = 354 - 6.91 × 30 + 1.27 × (9.36 × 60 + 726 × 1.65)
    #     = 354 - 207.3 + 1.27 × (561.6 + 1197.9) = 146.7 + 1.27 × 1759.5
    #     = 146.7 + 2234.565 = 2381.265 kcal; range × 0.9 / × 1.1 = 2143.1385 to 2619.3915.
    # Carbohydrate 45-65 % of 2381.265 kcal at 4 kcal/g = 267.89 to 386.96 g.
    # Protein: max(0.8 g/kg × 60 kg = 48 g, 10 % × 2381.265 / 4 = 59.53 g) to 35 % = 208.36 g.
    # Fat 20-35 % at 9 kcal/g = 52.92 to 92.60 g.
    profile = Profile(age=30, sex="female", weight_kg=60, height_cm=165, activity="active")
    targets = Targets.for_profile(profile)
    assert targets["energy"].min == pytest.approx(2143.1385)
    assert targets["energy"].max == pytest.approx(2619.3915)
    assert targets["carbohydrate"].min == pytest.approx(267.892, abs=0.01)
    assert targets["carbohydrate"].max == pytest.approx(386.956, abs=0.01)
    assert targets["protein"].min == pytest.approx(59.532, abs=0.01)
    assert targets["protein"].max == pytest.approx(208.361, abs=0.01)
    assert targets["fat"].min == pytest.approx(52.917, abs=0.01)
    assert targets["fat"].max == pytest.approx(92.605, abs=0.01)
    assert "IOM 2005" in targets["energy"].source


def test_energy_shares_follow_the_days_own_energy() -> None:
    # The worked-example woman: at her 2,381 kcal target the limits are as above; a day
    # eaten at 2,000 kcal needs 45 % of 2,000 kcal from carbohydrate (225 g), may have up to
    # 35 % of it from fat (77.8 g), 10 % of it from saturated fat (22.2 g), and 14 g of fiber
    # per 1,000 kcal (28 g). Protein's minimum never drops below the RDA by weight (48 g).
    profile = Profile(age=30, sex="female", weight_kg=60, height_cm=165, activity="active")
    targets = Targets.for_profile(profile)
    assert targets["carbohydrate"].limits_at(2381.265) == pytest.approx(
        (267.892, 386.956), abs=0.01
    )
    assert targets["carbohydrate"].limits_at(2000) == pytest.approx((225.0, 325.0))
    assert targets["fat"].limits_at(2000) == pytest.approx((0.20 * 2000 / 9, 0.35 * 2000 / 9))
    assert targets["saturated_fat"].limits_at(2000) == pytest.approx((None, 0.10 * 2000 / 9))
    assert targets["fiber"].limits_at(2000)[0] == pytest.approx(28.0)
    assert targets["protein"].limits_at(2000)[0] == pytest.approx(50.0)
    assert targets["protein"].limits_at(1500)[0] == pytest.approx(48.0)  # the RDA floor
    # Limits not set per kcal do not move; neither does anything without a day's energy.
    assert targets["calcium"].limits_at(1000) == (targets["calcium"].min, targets["calcium"].max)
    assert targets["carbohydrate"].limits_at(None) == (
        targets["carbohydrate"].min,
        targets["carbohydrate"].max,
    )
    # A user's own (min, max) replaces the share with fixed grams.
    fixed = targets.replace(carbohydrate=(200, 300))["carbohydrate"]
    assert fixed.per_kcal is None and fixed.limits_at(3000) == (200, 300)


@pytest.mark.parametrize("per_kcal", [(None, None), (-0.1, None), (0.2, 0.1), (math.inf, None)])
def test_bad_per_kcal_is_a_validation_error(per_kcal: tuple[float | None, float | None]) -> None:
    with pytest.raises(ValidationError, match="per_kcal"):
        Bound(nutrient="fiber", min=20, per_kcal=per_kcal)


def test_energy_worked_example_boy() -> None:
    # Boy, 10 y, 35 kg, 140 cm, active (PA 1.26), IOM 2005 boys 9-18 equation (+25 growth):
    # EER = 88.5 - 61.9 × 10 + 1.26 × (26.7 × 35 + 903 × 1.40) + 25
    #     = 88.5 - 619 + 1.26 × (934.5 + 1264.2) + 25 = -505.5 + 2770.362 = 2264.862 kcal.
    profile = Profile(age=10, sex="male", weight_kg=35, height_cm=140, activity="active")
    energy = Targets.for_profile(profile)["energy"]
    assert energy.min == pytest.approx(2264.862 * 0.9)
    assert energy.max == pytest.approx(2264.862 * 1.1)


def test_energy_toddler_uses_weight_only_and_ignores_activity() -> None:
    # 13-35 months: EER = 89 × 12 - 100 + 20 = 988 kcal, for every activity level.
    for activity in ("inactive", "very_active"):
        profile = Profile(age=2, sex="female", weight_kg=12, activity=activity)
        energy = Targets.for_profile(profile)["energy"]
        assert energy.min == pytest.approx(988 * 0.9)
        assert energy.max == pytest.approx(988 * 1.1)


def test_energy_uses_reference_body_size_when_absent() -> None:
    # Man, 40 y, DRI reference 177 cm and 70 kg, low active (PA 1.11):
    # EER = 662 - 9.53 × 40 + 1.11 × (15.91 × 70 + 539.6 × 1.77)
    #     = 280.8 + 1.11 × (1113.7 + 955.092) = 280.8 + 2296.35912 = 2577.15912 kcal.
    targets = Targets.for_profile(Profile(age=40, sex="male"))
    assert targets["energy"].min == pytest.approx(2577.15912 * 0.9)
    assert "reference weight 70 kg" in targets["energy"].source
    assert "reference height 177 cm" in targets["energy"].source
    # Protein minimum uses the reference weight too: 0.8 g/kg × 70 kg = 56 g < AMDR 10 %.
    assert targets["protein"].min == pytest.approx(0.10 * 2577.15912 / 4)


def test_pregnancy_and_lactation_energy_additions() -> None:
    # Woman, 30 y, reference 57 kg and 163 cm, low active (PA 1.12):
    # EER = 354 - 207.3 + 1.12 × (9.36 × 57 + 726 × 1.63) = 146.7 + 1.12 × 1716.9 = 2069.628.
    base = 2069.628

    def eer(**kwargs: object) -> float:
        energy = Targets.for_profile(Profile(age=30, sex="female", **kwargs))["energy"]
        assert energy.min is not None
        return energy.min / 0.9

    assert eer() == pytest.approx(base)
    assert eer(pregnant=True, trimester=1) == pytest.approx(base)
    assert eer(pregnant=True) == pytest.approx(base + 340)  # 2nd trimester when not given
    assert eer(pregnant=True, trimester=3) == pytest.approx(base + 452)
    assert eer(lactating=True) == pytest.approx(base + 330)


def test_pregnancy_and_lactation_protein_per_kg() -> None:
    pregnant = Targets.for_profile(Profile(age=30, sex="female", pregnant=True, weight_kg=80))
    lactating = Targets.for_profile(Profile(age=30, sex="female", lactating=True, weight_kg=80))
    assert pregnant["protein"].min == pytest.approx(1.1 * 80)
    assert lactating["protein"].min == pytest.approx(1.3 * 80)


def test_energy_override_sets_range_and_macros() -> None:
    targets = Targets.for_profile(Profile(age=34, sex="female"), energy=(1800, 2200))
    assert (targets["energy"].min, targets["energy"].max) == (1800, 2200)
    # Macros from the 2000 kcal midpoint.
    assert targets["carbohydrate"].min == pytest.approx(0.45 * 2000 / 4)
    assert targets["carbohydrate"].max == pytest.approx(0.65 * 2000 / 4)
    assert targets["fat"].max == pytest.approx(0.35 * 2000 / 9)


@pytest.mark.parametrize("energy", [(2200, 1800), (0, 2000), (-5, 2000), (math.nan, 2000)])
def test_bad_energy_override_is_a_typed_error(energy: tuple[float, float]) -> None:
    with pytest.raises(TargetsError) as info:
        Targets.for_profile(Profile(age=34, sex="female"), energy=energy)
    assert isinstance(info.value, MealplanError)


def test_implausible_energy_is_clamped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    big = Profile(age=18, sex="male", weight_kg=200, height_cm=210, activity="very_active")
    small = Profile(age=1, sex="female", weight_kg=8)  # 89 × 8 - 80 = 632 kcal
    with caplog.at_level(logging.WARNING, logger="mealplan.targets"):
        high = Targets.for_profile(big)["energy"]
        low = Targets.for_profile(small)["energy"]
    assert high.max == 5000 and high.min is not None and high.min < 5000
    assert low.min == 800 and low.max is not None and low.max > 800
    assert caplog.text.count("implausible") == 2


def test_protein_ceiling_gives_way_when_below_the_rda(caplog: pytest.LogCaptureFixture) -> None:
    # A 300 kg toddler (absurd, but valid input): RDA 1.05 × 300 = 315 g exceeds 20 % of the
    # 5,000 kcal ceiling; the ceiling is dropped rather than making min > max.
    with caplog.at_level(logging.WARNING, logger="mealplan.targets"):
        protein = Targets.for_profile(Profile(age=2, sex="male", weight_kg=300))["protein"]
    assert protein.min == pytest.approx(315)
    assert protein.max is None
    assert "ceiling dropped" in caplog.text


# ---------------------------------------------------------------------------------------------
# Property: every valid profile gives sane targets


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    age = draw(st.floats(min_value=1, max_value=120, allow_nan=False))
    sex = draw(st.sampled_from(["female", "male"]))
    state = "none"
    if sex == "female" and 14 <= age < 51:
        state = draw(st.sampled_from(["none", "pregnant", "lactating"]))
    trimester = draw(st.sampled_from([None, 1, 2, 3])) if state == "pregnant" else None
    return Profile(
        age=age,
        sex=sex,
        pregnant=state == "pregnant",
        lactating=state == "lactating",
        trimester=trimester,
        weight_kg=draw(st.none() | st.floats(min_value=8, max_value=200)),
        height_cm=draw(st.none() | st.floats(min_value=70, max_value=210)),
        activity=draw(st.sampled_from(["inactive", "low_active", "active", "very_active"])),
    )


@settings(max_examples=300, deadline=None)
@given(profile=profiles())
def test_every_valid_profile_gives_consistent_targets(profile: Profile) -> None:
    targets = Targets.for_profile(profile)
    for bound in targets.values():
        assert bound.min is not None or bound.max is not None
        if bound.min is not None and bound.max is not None:
            assert bound.min < bound.max, bound
    energy = targets["energy"]
    assert energy.min is not None and energy.max is not None
    assert 800 <= energy.min < energy.max <= 5000
    for key in CRAMP_NUTRIENTS:
        assert targets[key].min is not None and targets[key].min > 0
    assert targets["magnesium"].max is None
    cramp = Targets.cramp_support(profile)
    assert cramp.keys()[: len(CRAMP_NUTRIENTS)] == CRAMP_NUTRIENTS
    assert dict(cramp.items()) == dict(targets.items())


# ---------------------------------------------------------------------------------------------
# The Targets API


def test_targets_read_like_an_ordered_mapping() -> None:
    targets = Targets.for_profile(Profile(age=40, sex="female"))
    assert list(targets)[:4] == ["energy", "protein", "carbohydrate", "fat"]
    assert len(targets) == 16 and "magnesium" in targets and "fiber" in targets
    assert "omega_3_ala" not in targets
    assert targets.get("omega_3_ala") is None
    with pytest.raises(KeyError, match="omega_3_ala"):
        targets["omega_3_ala"]


def test_cramp_support_lists_cramp_nutrients_first_and_keeps_the_rest() -> None:
    profile = Profile(age=60, sex="female")
    cramp = Targets.cramp_support(profile)
    assert cramp.keys()[:6] == (
        "magnesium",
        "potassium",
        "calcium",
        "vitamin_d",
        "vitamin_b12",
        "vitamin_b6",
    )
    assert set(cramp.keys()[6:]) == {
        "energy",
        "protein",
        "carbohydrate",
        "fat",
        "fiber",
        "saturated_fat",
        "added_sugars",
        "sodium",
        "retinol",
        "water",
    }
    assert cramp["calcium"].min == 1200
    doc = Targets.cramp_support.__doc__ or ""
    assert "not medical advice" in doc and "doctor" in doc and "supplement" in doc


def test_replace_returns_a_new_targets_and_keeps_units() -> None:
    original = Targets.for_profile(Profile(age=40, sex="female"))
    changed = original.replace(magnesium=(400, None), sodium=(None, 1500))
    assert changed["magnesium"].min == 400 and changed["magnesium"].max is None
    assert changed["magnesium"].unit == "mg" and changed["magnesium"].source == "user override"
    assert changed["sodium"].max == 1500
    assert original["magnesium"].min == 320 and original["sodium"].max == 2300
    assert changed.keys() == original.keys()
    with pytest.raises(ValidationError):
        original.bounds = ()  # type: ignore[misc]


def test_replace_adds_custom_keys_and_removes_with_none() -> None:
    original = Targets.for_profile(Profile(age=40, sex="male"))
    changed = original.replace(
        omega_3_ala=(1.6, None),
        fiber=Bound(nutrient="fiber", min=38, source="IOM 2005 AI"),
        sodium=None,
    )
    # A new key is appended; an existing one (fiber) keeps its place with the new bound.
    assert changed.keys()[-1:] == ("omega_3_ala",)
    assert changed.keys().index("fiber") == original.keys().index("fiber")
    assert changed["fiber"].min == 38
    assert changed["omega_3_ala"].unit is None
    assert changed["fiber"].unit == "g"  # a standard key gets its unit
    assert "sodium" not in changed and "sodium" in original


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"magnesium": (500, 400)}, ValidationError),
        ({"magnesium": (None, None)}, ValidationError),
        ({"magnesium": (-1, None)}, ValidationError),
        ({"magnesium": 400}, TargetsError),
        ({"magnesium": Bound(nutrient="calcium", min=1)}, TargetsError),
        ({"zinc": None}, TargetsError),
    ],
)
def test_replace_rejects_bad_changes(changes: dict[str, object], error: type[Exception]) -> None:
    targets = Targets.for_profile(Profile(age=40, sex="male"))
    with pytest.raises(error):
        targets.replace(**changes)  # type: ignore[arg-type]


def test_targets_from_mappings() -> None:
    targets = Targets(
        minimums={"magnesium": 400, "potassium": 3400, "choline": 550},
        maximums={"magnesium": 700, "sodium": 2300},
        units={"choline": "mg"},
        sources={"magnesium": "my dietitian"},
    )
    assert targets.keys() == ("magnesium", "potassium", "choline", "sodium")
    assert targets["magnesium"] == Bound(
        nutrient="magnesium", min=400, max=700, unit="mg", source="my dietitian"
    )
    assert targets["sodium"].min is None and targets["sodium"].unit == "mg"
    assert targets["choline"].unit == "mg"
    assert targets.profile is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"minimums": {"magnesium": 400}, "units": {"magnesium": "g"}},  # wrong unit
        {"minimums": {"Magnesium": 400}},  # not snake_case
        {"minimums": {"vitamin-d": 15}},
        {"minimums": {"calcium": 1200}, "maximums": {"calcium": 1000}},
    ],
)
def test_targets_from_bad_mappings_fail(kwargs: dict[str, dict[str, object]]) -> None:
    with pytest.raises(ValidationError):
        Targets(**kwargs)  # type: ignore[arg-type]


def test_units_without_a_bound_are_rejected() -> None:
    with pytest.raises(TargetsError, match="zinc"):
        Targets(minimums={"magnesium": 400}, units={"zinc": "mg"})


def test_duplicate_bounds_are_rejected() -> None:
    bound = Bound(nutrient="magnesium", min=400)
    with pytest.raises(ValidationError, match="twice"):
        Targets(bounds=[bound, bound])


def test_to_frame_has_one_row_per_nutrient() -> None:
    targets = Targets.for_profile(Profile(age=40, sex="female"))
    frame = targets.to_frame()
    assert list(frame.columns) == ["nutrient", "min", "max", "unit", "source"]
    assert list(frame["nutrient"]) == list(targets)
    row = frame.set_index("nutrient").loc["magnesium"]
    assert row["min"] == 320 and pd.isna(row["max"]) and row["unit"] == "mg"
    assert frame["min"].dtype == "float64"


def test_json_round_trip() -> None:
    targets = Targets.cramp_support(Profile(age=29, sex="female", lactating=True))
    data = json.loads(json.dumps(targets.model_dump(mode="json")))
    assert data["bounds"][0]["nutrient"] == "magnesium"
    assert data["profile"]["lactating"] is True
    again = Targets.model_validate(data)
    assert again == targets
    assert again.keys() == targets.keys()


def test_public_exports() -> None:
    assert mealplan.Profile is Profile
    assert mealplan.Targets is Targets
    assert mealplan.Bound is Bound


def test_results_are_deterministic() -> None:
    profile = Profile(age=52.5, sex="male", weight_kg=82, height_cm=180, activity="active")
    assert Targets.for_profile(profile) == Targets.for_profile(profile)


# ---------------------------------------------------------------------------------------------
# The table file itself


def test_dri_table_covers_every_stage_and_sex() -> None:
    index = _dri_table().index
    for stage in LIFE_STAGES:
        sexes = ("female",) if " " in stage else ("female", "male")
        for sex in sexes:
            for nutrient in CRAMP_NUTRIENTS:
                kinds = {kind for kind in ("RDA", "AI") if (nutrient, stage, sex, kind) in index}
                assert len(kinds) == 1, (nutrient, stage, sex)
            assert (("sodium", stage, sex, "CDRR")) in index
            assert ("protein", stage, sex, "RDA") in index
            for macro in ("carbohydrate", "fat", "protein"):
                assert (macro, stage, sex, "AMDR_low") in index
                assert (macro, stage, sex, "AMDR_high") in index


def test_dri_table_flags_the_magnesium_ul_as_not_for_food() -> None:
    rows = [row for row in _dri_table().rows if row.nutrient == "magnesium" and row.kind == "UL"]
    assert rows and all(not row.applies_to_food for row in rows)
    others = [row for row in _dri_table().rows if row.kind == "UL" and row.nutrient != "magnesium"]
    assert others and all(row.applies_to_food for row in others)
    assert not any(
        row.nutrient in ("potassium", "vitamin_b12") and row.kind == "UL"
        for row in _dri_table().rows
    )


def test_dri_table_is_immutable_and_cited() -> None:
    assert isinstance(_dri_table().index, MappingProxyType)
    with pytest.raises(TypeError):
        _dri_table().index[("x", "y", "z", "w")] = None  # type: ignore[index]
    from importlib import resources

    header = (resources.files("mealplan") / "data" / "dri.csv").read_text(encoding="utf-8")
    for citation in ("IOM 1997", "IOM 1998", "IOM 2005", "IOM 2011", "NASEM 2019", "NIH"):
        assert citation in header
    assert all(row["source"] for row in _read_rows("dri.csv"))
    assert all(row["source"] for row in _read_rows("energy.csv"))
