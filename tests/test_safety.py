"""Food-safety rules: the table validates, groups map from age and pregnancy, and the classifier
is right on the real SR Legacy/Foundation catalogue and on the FNDDS 2017-2018 food list."""

from __future__ import annotations

import math
import time
from collections import Counter

import pandas as pd
import pytest

from conftest import require_shared
from mealplan import FoodCatalog
from mealplan.safety import (
    LIFE_STAGE_GROUPS,
    LifeStageGroup,
    SafetyRule,
    SafetyRulesError,
    classify,
    classify_frame,
    groups_for,
    load_rules,
    parse_rules,
    retinol_dense,
    retinol_dense_frame,
    rules_for,
)

FNDDS_FOODS = "2017-2018 FNDDS At A Glance - Foods and Beverages.csv"

RULE_IDS = (
    "fish_high_mercury",
    "liver",
    "smoked_seafood",
    "deli_meat_hot_dog",
    "pate_meat_spread",
    "raw_animal",
    "unpasteurised_dairy",
    "soft_cheese",
    "raw_sprouts",
    "whole_nuts",
    "popcorn",
)


@pytest.fixture(scope="session")
def catalogue() -> pd.DataFrame:
    """The whole shipped catalogue (8,070 SR Legacy + Foundation foods)."""
    return FoodCatalog.ingredients().foods


@pytest.fixture(scope="session")
def catalogue_rules(catalogue: pd.DataFrame) -> pd.Series:
    return classify_frame(catalogue)


@pytest.fixture(scope="session")
def fndds() -> pd.DataFrame:
    """FNDDS foods as an FDC Survey food arrives: the main description is name and description,
    the WWEIA category is the category (the additional descriptions are synonyms for other foods
    coded the same way, so they are not read)."""
    path = require_shared("fndds") / FNDDS_FOODS
    # Two title lines (the first record spans two physical lines), then the header; UTF-8 BOM.
    raw = pd.read_csv(path, skiprows=1, encoding="utf-8-sig", dtype=str)
    raw.columns = [" ".join(str(c).split()) for c in raw.columns]
    frame = pd.DataFrame(
        {
            "name": raw["Main food description"],
            "description": raw["Main food description"],
            "category": raw["WWEIA Category description"],
        }
    )
    frame.index = pd.Index(raw["Food code"].astype(int), name="food_code")
    return frame


@pytest.fixture(scope="session")
def fndds_rules(fndds: pd.DataFrame) -> pd.Series:
    return classify_frame(fndds)


def _by_description(frame: pd.DataFrame, verdicts: pd.Series, description: str) -> list[tuple]:
    rows = frame.index[frame["description"] == description]
    assert len(rows) > 0, f"{description!r} is not in the data"
    return [verdicts[i] for i in rows]


def _counts(verdicts: pd.Series) -> dict[str, int]:
    counter: Counter[str] = Counter(rule for found in verdicts for rule in found)
    return {rule: counter.get(rule, 0) for rule in RULE_IDS}


# --- the table ---------------------------------------------------------------------------------


def test_rules_load_in_file_order_with_a_source_and_reason() -> None:
    rules = load_rules()
    assert tuple(r.rule_id for r in rules) == RULE_IDS
    for rule in rules:
        assert rule.source.strip() and rule.reason.strip() and rule.note.strip()
        assert set(rule.groups) <= LIFE_STAGE_GROUPS
    assert load_rules() is rules  # read once


def test_rule_groups_follow_the_agencies() -> None:
    groups = {r.rule_id: set(r.groups) for r in load_rules()}
    mercury = {"pregnancy", "lactation", "might_become_pregnant", "child_1_11"}
    assert groups["fish_high_mercury"] == mercury
    assert groups["whole_nuts"] == groups["popcorn"] == {"child_1_3"}
    assert groups["liver"] == {"pregnancy"}  # retinol and birth defects: pregnancy only
    for rule_id in RULE_IDS:
        if rule_id not in {"fish_high_mercury", "whole_nuts", "popcorn", "liver"}:
            # Listeria and other food germs: CDC names adults of 65 and older beside pregnancy.
            assert groups[rule_id] == {"pregnancy", "older_adult_65"}, rule_id
    sources = {r.rule_id: r.source for r in load_rules()}
    assert "FDA and EPA" in sources["fish_high_mercury"]
    assert "Vitamin A" in sources["liver"]
    assert all("CDC" in sources[r] for r in ("smoked_seafood", "deli_meat_hot_dog", "soft_cheese"))


_HEADER = (
    "rule_id,groups,pattern,except_pattern,category_pattern,scope_pattern,"
    "scope_category_pattern,except_category_pattern,reason,source,note\n"
)


def _table(**fields: str) -> str:
    row = {
        "rule_id": "x",
        "groups": "pregnancy",
        "pattern": "swordfish",
        "except_pattern": "",
        "category_pattern": "",
        "scope_pattern": "",
        "scope_category_pattern": "",
        "except_category_pattern": "",
        "reason": "r",
        "source": "s",
        "note": "",
    }
    row.update(fields)
    return _HEADER + ",".join(f'"{v}"' for v in row.values()) + "\n"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"groups": "pregnancy;adult"}, "unknown group"),
        ({"groups": ""}, "no groups"),
        ({"pattern": "(?:shark"}, "bad regex"),
        ({"except_pattern": "a|"}, "empty string"),
        ({"pattern": "(shark)"}, "capturing groups"),
        ({"pattern": "Shark"}, "upper-case"),
        ({"source": ""}, "no source"),
        ({"reason": " "}, "no reason"),
        ({"pattern": "", "category_pattern": ""}, "needs a pattern"),
        ({"rule_id": "Fish"}, "snake_case"),
    ],
)
def test_bad_tables_are_rejected_with_a_clear_error(fields: dict[str, str], message: str) -> None:
    with pytest.raises(SafetyRulesError, match=message):
        parse_rules(_table(**fields), "t.csv")


def test_table_structure_errors() -> None:
    with pytest.raises(SafetyRulesError, match="duplicate"):
        parse_rules(_table() + _table().split("\n", 1)[1], "t.csv")
    with pytest.raises(SafetyRulesError, match="columns differ"):
        parse_rules("rule_id,groups\nx,pregnancy\n", "t.csv")
    with pytest.raises(SafetyRulesError, match="no rules"):
        parse_rules(_HEADER, "t.csv")
    assert parse_rules(r"" + _table(pattern=r"\bshark\b"))[0].pattern == r"\bshark\b"


# --- groups ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "pregnant", "lactating", "expected"),
    [
        (1, False, False, {"child_1_3", "child_1_11"}),
        (3.99, False, False, {"child_1_3", "child_1_11"}),
        (4, False, False, {"child_1_11"}),
        (11.99, False, False, {"child_1_11"}),
        (12, False, False, set()),
        (30, False, False, set()),
        (30, True, False, {"pregnancy"}),
        (17, False, True, {"lactation"}),
        (0.5, False, False, {"child_1_3", "child_1_11"}),
    ],
)
def test_groups_for(age: float, pregnant: bool, lactating: bool, expected: set[str]) -> None:
    assert groups_for(age, pregnant, lactating) == frozenset(expected)


@pytest.mark.parametrize(
    ("age", "sex", "expected"),
    [
        (13.99, "female", set()),
        (14, "female", {"might_become_pregnant"}),
        (34, "female", {"might_become_pregnant"}),
        (50.99, "female", {"might_become_pregnant"}),
        (51, "female", set()),
        (34, "male", set()),
        (64.99, "male", set()),
        (65, "male", {"older_adult_65"}),
        (80, "female", {"older_adult_65"}),
    ],
)
def test_groups_for_women_who_might_become_pregnant_and_older_adults(
    age: float, sex: str, expected: set[str]
) -> None:
    """FDA/EPA fish advice covers those who might become pregnant; CDC's Listeria advice adults
    of 65 and older."""
    assert groups_for(age, False, False, sex) == frozenset(expected)


@pytest.mark.parametrize("age", [-1, math.nan, math.inf])
def test_groups_for_rejects_impossible_ages(age: float) -> None:
    with pytest.raises(ValueError, match="age"):
        groups_for(age, False, False)


def test_rules_for_groups() -> None:
    ids = lambda groups: {r.rule_id for r in rules_for(groups)}  # noqa: E731
    assert ids(groups_for(30, False, False)) == set()
    assert ids(groups_for(30, True, False)) == set(RULE_IDS) - {"whole_nuts", "popcorn"}
    assert ids(groups_for(30, False, True)) == {"fish_high_mercury"}
    assert ids(groups_for(2, False, False)) == {"fish_high_mercury", "whole_nuts", "popcorn"}
    assert ids(groups_for(8, False, False)) == {"fish_high_mercury"}
    assert ids(groups_for(34, False, False, "female")) == {"fish_high_mercury"}
    listeria = set(RULE_IDS) - {"fish_high_mercury", "liver", "whole_nuts", "popcorn"}
    assert ids(groups_for(70, False, False, "male")) == listeria
    assert [r.rule_id for r in rules_for(LIFE_STAGE_GROUPS)] == list(RULE_IDS)
    assert {g.value for g in LifeStageGroup} == LIFE_STAGE_GROUPS
    with pytest.raises(ValueError, match="unknown"):
        rules_for({"toddler"})


# --- classification on the real catalogue -----------------------------------------------------

CATALOGUE_MUST = {
    "fish_high_mercury": [
        "Fish, swordfish, raw",
        "Fish, swordfish, cooked, dry heat",
        "Fish, shark, mixed species, raw",
        "Fish, mackerel, king, cooked, dry heat",
        "Fish, tilefish, cooked, dry heat",
        "Fish, roughy, orange, cooked, dry heat",
    ],
    "liver": [
        "Beef, variety meats and by-products, liver, cooked, pan-fried",
        "Chicken, liver, all classes, cooked, simmered",
        "Liver sausage, liverwurst, pork",
        "Braunschweiger (a liver sausage), pork",
        "Pate, chicken liver, canned",
        "Pate de foie gras, canned (goose liver pate), smoked",
        "Fish oil, cod liver",
        "Chicken, broilers or fryers, giblets, cooked, simmered",
    ],
    "smoked_seafood": [
        "Fish, salmon, chinook, smoked, (lox), regular",
        "Fish, herring, Atlantic, kippered",
        "Fish, whitefish, mixed species, smoked",
        "Fish, sturgeon, mixed species, smoked",
    ],
    "deli_meat_hot_dog": [
        "Bologna, beef",
        "Salami, Italian, pork",
        "Ham, sliced, pre-packaged, deli meat (96%fat free, water added)",
        "Turkey breast, sliced, prepackaged",
        "Frankfurter, beef, unheated",
        "Frankfurter, beef, heated",
        "Oscar Mayer, Wieners (beef franks)",
        "Pepperoni, beef and pork, sliced",
        "Kielbasa, fully cooked, unheated",
        "Luncheon meat, pork, canned",
    ],
    "pate_meat_spread": ["Ham salad spread", "Chicken spread", "Pate, truffle flavor"],
    "raw_animal": [
        "Mollusks, oyster, eastern, wild, raw",
        "Egg, whole, raw, fresh",
        "Beef, ground, 80% lean meat / 20% fat, raw",
        "Fish, salmon, Atlantic, wild, raw",
        "Fish, caviar, black and red, granular",
        "Sausage, Italian, pork, mild, raw",
        "Cockles, raw (Alaska Native)",
        "Pork, cured, bacon, unprepared",
    ],
    "soft_cheese": [
        "Cheese, fresh, queso fresco",
        "Cheese, white, queso blanco",
        "Cheese, brie",
        "Cheese, camembert",
        "Cheese, blue",
        "Cheese, roquefort",
        "Cheese, feta",
        "Cheese, goat, soft type",
    ],
    "raw_sprouts": [
        "Alfalfa seeds, sprouted, raw",
        "Mung beans, mature seeds, sprouted, raw",
        "Radish seeds, sprouted, raw",
    ],
    "whole_nuts": [
        "Nuts, almonds",
        "Nuts, almonds, whole, raw",
        "Peanuts, all types, dry-roasted, with salt",
        "Nuts, cashew nuts, raw",
        "Nuts, mixed nuts, dry roasted, with peanuts, with salt added",
        "Snacks, trail mix, regular",
        "Candies, NESTLE, GOOBERS Chocolate Covered Peanuts",
        "Snacks, KRAFT, CORNNUTS, plain",
    ],
    "popcorn": [
        "Snacks, popcorn, air-popped",
        "Popcorn, microwave, low fat and sodium",
        "Snacks, popcorn, caramel-coated, with peanuts",
    ],
}

#: Foods that must trigger no rule at all.
CATALOGUE_SAFE = [
    "Fish, mackerel, Atlantic, cooked, dry heat",
    "Fish, salmon, Atlantic, farmed, cooked, dry heat",
    "Fish, salmon, pink, canned, total can contents",
    "Fish, tuna, light, canned in water, drained solids",
    "Fish, tuna, white, canned in water, drained solids",
    "Fish, salmon, king, chinook, smoked and canned (Alaska Native)",
    "Crustaceans, shrimp, cooked",
    "Peanut butter, smooth style, with salt (Includes foods for USDA's Food Distribution Program)",
    "Almond milk, unsweetened, plain, shelf stable",
    "Nuts, almond butter, plain, without salt added",
    "Egg, whole, cooked, hard-boiled",
    "Egg, whole, raw, frozen, pasteurized",
    "Cheese, cheddar (Includes foods for USDA's Food Distribution Program)",
    "Cheese, mozzarella, whole milk",
    "Cheese, cottage, lowfat, 2% milkfat",
    "Cheese, ricotta, whole milk",
    "Cheese, dry white, queso seco",
    "Mung beans, mature seeds, sprouted, cooked, boiled, drained, without salt",
    "Beans, mung, mature seeds, sprouted, canned, drained solids",
    "Brussels sprouts, raw",
    "Bread, wheat, sprouted",
    "Beef, ground, 80% lean meat / 20% fat, patty, cooked, broiled",
    "Beans, kidney, red, mature seeds, cooked, boiled, without salt",
    "Chicken, broilers or fryers, breast, meat only, cooked, roasted",
    "Oil, olive, salad or cooking",
    "Milk, whole, 3.25% milkfat, with added vitamin D",
    "Spinach, raw",
    "Apples, raw, with skin (Includes foods for USDA's Food Distribution Program)",
    "Nuts, coconut meat, raw",
    "Seeds, sunflower seed kernels, dry roasted, with salt added",
    "Rolls, hamburger or hotdog, plain",
    "KFC, Popcorn Chicken",
    "Soup, bean with frankfurters, canned, condensed",
    "Fast Foods, grilled chicken filet sandwich, with lettuce, tomato and spread",
    "Rice and vermicelli mix, beef flavor, unprepared",
    "Mushrooms, oyster, raw",
]


@pytest.mark.parametrize(
    ("rule_id", "description"),
    [(rule, d) for rule, names in CATALOGUE_MUST.items() for d in names],
)
def test_catalogue_food_is_flagged(
    catalogue: pd.DataFrame, catalogue_rules: pd.Series, rule_id: str, description: str
) -> None:
    for found in _by_description(catalogue, catalogue_rules, description):
        assert rule_id in found, (description, found)


@pytest.mark.parametrize("description", CATALOGUE_SAFE)
def test_catalogue_food_is_not_flagged(
    catalogue: pd.DataFrame, catalogue_rules: pd.Series, description: str
) -> None:
    for found in _by_description(catalogue, catalogue_rules, description):
        assert found == (), (description, found)


def test_catalogue_rule_targets_are_narrow(
    catalogue: pd.DataFrame, catalogue_rules: pd.Series
) -> None:
    """A liver is not a high-mercury fish; Atlantic mackerel is only 'raw' when raw."""
    found = _by_description(catalogue, catalogue_rules, "Fish, mackerel, Atlantic, raw")
    assert found == [("raw_animal",)]
    found = _by_description(
        catalogue, catalogue_rules, "Beef, variety meats and by-products, liver, raw"
    )
    assert found == [("liver", "raw_animal")]
    found = _by_description(catalogue, catalogue_rules, "Liverwurst spread")
    assert found == [("liver", "pate_meat_spread")]


def test_catalogue_counts(catalogue: pd.DataFrame, catalogue_rules: pd.Series) -> None:
    """The reviewed per-rule counts on 8,070 foods (see FOOD_SAFETY.md); a change is a review."""
    assert len(catalogue) == 8070
    assert _counts(catalogue_rules) == {
        "fish_high_mercury": 11,
        "liver": 54,
        "smoked_seafood": 12,
        "deli_meat_hot_dog": 121,
        "pate_meat_spread": 8,
        "raw_animal": 1014,
        "unpasteurised_dairy": 0,
        "soft_cheese": 13,
        "raw_sprouts": 10,
        "whole_nuts": 94,
        "popcorn": 14,
    }
    assert sum(1 for found in catalogue_rules if found) == 1326


def test_curated_names_are_classified_too(
    catalogue: pd.DataFrame, catalogue_rules: pd.Series
) -> None:
    """Curated foods carry a short menu name besides the FDC description; both are read."""
    curated = catalogue[catalogue["curated"]]
    assert (curated["name"] != curated["description"]).any()
    livers = curated[curated["description"].str.contains(", liver,", regex=False)]
    assert len(livers) > 0
    assert all("liver" in catalogue_rules[i] for i in livers.index)


# --- classification on FNDDS ------------------------------------------------------------------

FNDDS_MUST = {
    "fish_high_mercury": ["Swordfish, baked or broiled, no added fat", "Shark, coated, fried"],
    "liver": ["Beef liver, braised", "Liverwurst", "Liver paste or pate, chicken"],
    "smoked_seafood": ["Salmon, smoked", "Herring, smoked, kippered", "Trout, smoked"],
    "deli_meat_hot_dog": [
        "Frankfurter or hot dog, beef",
        "Bologna, NFS",
        "Salami, NFS",
        "Ham, prepackaged or deli, luncheon meat",
        "Ham, prosciutto",
        "Corn dog, frankfurter or hot dog with cornbread coating",
    ],
    "raw_animal": [
        "Oysters, raw",
        "Clams, raw",
        "Steak tartare",
        "Ceviche",
        "Sushi, topped with tuna",
        "Sushi roll, salmon",
        "Egg, whole, raw",
        "Ground beef, raw",
        "Cookie, batter or dough, raw",
    ],
    "soft_cheese": [
        "Queso Fresco",
        "Cheese, Brie",
        "Cheese, Camembert",
        "Cheese, Blue or Roquefort",
        "Cheese, Feta",
        "Puerto Rican white cheese",
    ],
    "raw_sprouts": ["Alfalfa sprouts, raw", "Bean sprouts, raw"],
    "whole_nuts": [
        "Almonds, unsalted",
        "Peanuts, dry roasted, salted",
        "Cashews, salted",
        "Mixed nuts, with peanuts, salted",
        "Trail mix with nuts",
        "Peanuts, chocolate covered",
    ],
    "popcorn": ["Popcorn, air-popped, unbuttered", "Popcorn, microwave, butter flavored"],
}

FNDDS_SAFE = [
    "Mackerel, baked or broiled, no added fat",
    "Salmon, baked or broiled, no added fat",
    "Tuna, canned, water pack",
    "Shrimp, steamed or boiled",
    "Oysters, steamed",
    "Oysters, canned",
    "Peanut butter",
    "Almond butter",
    "Egg, whole, boiled or poached",
    "Egg omelet or scrambled egg, no added fat",
    "Cheese, Cheddar",
    "Cheese, Mozzarella, NFS",
    "Cheese, cottage, low fat",
    "Queso Anejo, aged Mexican cheese",
    "Bean sprouts, cooked",
    "Brussels sprouts, raw",
    "Milk, whole",
    "Spinach, raw",
    "Apple, raw",
    "Chicken breast, baked, broiled, or roasted, skin not eaten, from raw",
    "Sushi roll, California",
    "Sushi roll, vegetable",
    "Roll, white, hot dog bun",
    "Pizza with pepperoni, from frozen, thin crust",
    "Popcorn chips, plain",
    "Almond chicken",
    "Sunflower seeds, plain, salted",
]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("rule_id", "description"), [(rule, d) for rule, names in FNDDS_MUST.items() for d in names]
)
def test_fndds_food_is_flagged(
    fndds: pd.DataFrame, fndds_rules: pd.Series, rule_id: str, description: str
) -> None:
    for found in _by_description(fndds, fndds_rules, description):
        assert rule_id in found, (description, found)


@pytest.mark.shared
@pytest.mark.parametrize("description", FNDDS_SAFE)
def test_fndds_food_is_not_flagged(
    fndds: pd.DataFrame, fndds_rules: pd.Series, description: str
) -> None:
    for found in _by_description(fndds, fndds_rules, description):
        assert found == (), (description, found)


@pytest.mark.shared
def test_fndds_counts(fndds: pd.DataFrame, fndds_rules: pd.Series) -> None:
    """The reviewed per-rule counts on the 7,083 FNDDS foods (see FOOD_SAFETY.md)."""
    assert len(fndds) == 7083
    assert _counts(fndds_rules) == {
        "fish_high_mercury": 14,
        "liver": 10,
        "smoked_seafood": 17,
        "deli_meat_hot_dog": 156,
        "pate_meat_spread": 7,
        "raw_animal": 30,
        "unpasteurised_dairy": 0,
        "soft_cheese": 8,
        "raw_sprouts": 3,
        "whole_nuts": 72,
        "popcorn": 33,
    }


# --- inputs, output shape, speed -------------------------------------------------------------


def test_names_only_and_missing_values() -> None:
    """from_frame foods may only have a name; None/NaN descriptions and categories are fine."""
    names = [
        "Swordfish steak",
        "Raw milk",
        "Milk, goat, raw",
        "Cheddar made from unpasteurized milk",
        "Coconut milk, raw",
        "Smoked salmon",
        "Smoked salmon, canned",
        "Ahi tuna steak",
        "Ahi tuna, yellowfin",
        "Atlantic tilefish",
        "Pâté de campagne",
        "Whole almonds",
        "Carrots, raw",
    ]
    expected = [
        ("fish_high_mercury",),
        ("unpasteurised_dairy",),
        ("unpasteurised_dairy",),
        ("unpasteurised_dairy",),
        (),
        ("smoked_seafood",),
        (),
        ("fish_high_mercury",),
        (),
        (),
        ("liver", "pate_meat_spread"),
        ("whole_nuts",),
        (),
    ]
    assert classify(names) == expected
    assert classify(names, [None] * len(names), [math.nan] * len(names)) == expected
    frame = pd.DataFrame({"name": names}, index=range(100, 100 + len(names)))
    series = classify_frame(frame)
    assert list(series.index) == list(frame.index)
    assert series.tolist() == expected
    assert classify([]) == []
    assert classify(["Swordfish"], rules=()) == [()]
    with pytest.raises(ValueError, match="expected 1 values"):
        classify(["Swordfish"], ["a", "b"])
    with pytest.raises(ValueError, match="'name'"):
        classify_frame(pd.DataFrame({"description": ["x"]}))


def test_category_scopes_raw() -> None:
    """'Raw' needs an animal word or category; a plant category never counts."""
    assert classify(["Flesh, raw"], categories=["Finfish and Shellfish Products"]) == [
        ("raw_animal",)
    ]
    assert classify(["Flesh, raw"], categories=["Fruits and Fruit Juices"]) == [()]
    assert classify(["Hearts of palm, raw"], categories=["Vegetables and Vegetable Products"]) == [
        ()
    ]


def test_rules_for_one_person_limit_the_verdict() -> None:
    names = ["Fish, swordfish, raw", "Nuts, almonds", "Cheese, brie"]
    assert classify(names, rules=rules_for(groups_for(2, False, False))) == [
        ("fish_high_mercury",),
        ("whole_nuts",),
        (),
    ]
    assert classify(names, rules=rules_for(groups_for(28, False, True))) == [
        ("fish_high_mercury",),
        (),
        (),
    ]


def test_deterministic_and_fast(catalogue: pd.DataFrame, catalogue_rules: pd.Series) -> None:
    start = time.perf_counter()
    again = classify_frame(catalogue)
    elapsed = time.perf_counter() - start
    assert again.equals(catalogue_rules)
    assert all(isinstance(found, tuple) for found in again)
    order = {rule: i for i, rule in enumerate(RULE_IDS)}
    assert all(list(found) == sorted(found, key=order.__getitem__) for found in again)
    # One vectorised pass per pattern: about a second here; generous for a shared machine.
    assert elapsed < 20


def test_rules_are_frozen() -> None:
    rule = load_rules()[0]
    assert isinstance(rule, SafetyRule)
    with pytest.raises(AttributeError):
        rule.rule_id = "other"  # type: ignore[misc]


# --- retinol -----------------------------------------------------------------------------------


def test_retinol_dense_on_the_catalogue(catalogue: pd.DataFrame) -> None:
    mask = retinol_dense_frame(catalogue)
    assert mask.dtype == bool and list(mask.index) == list(catalogue.index)
    dense = set(catalogue.loc[mask, "description"])
    for description in [
        "Beef, variety meats and by-products, liver, raw",
        "Beef, variety meats and by-products, kidneys, raw",
        "Chicken, broilers or fryers, giblets, raw",
        "Liver sausage, liverwurst, pork",
        "Braunschweiger (a liver sausage), pork",
        "Pate de foie gras, canned (goose liver pate), smoked",
        "Fish oil, cod liver",
        "Fish, lingcod, liver (Alaska Native)",
    ]:
        assert description in dense, description
    for description in [
        "Beans, kidney, red, mature seeds, cooked, boiled, without salt",
        "Chicken, broilers or fryers, meat and skin and giblets and neck, raw",
        "Beef, ground, 80% lean meat / 20% fat, raw",
        "Fish oil, salmon",
        "Beef, variety meats and by-products, heart, raw",
    ]:
        assert description not in dense, description
    assert int(mask.sum()) == 67


def test_retinol_dense_by_name() -> None:
    assert retinol_dense(["Foie gras", "Cod liver oil", "Kidney beans", "Lamb kidney"]) == [
        True,
        True,
        False,
        True,
    ]
