"""FNDDS tags: the WWEIA category table and the food rules, checked against the real files.

The FNDDS 2017-2018 "At A Glance" files in ``../shared/fndds`` are parsed here with the ``csv``
module (two title lines, line breaks inside header names, a byte-order mark), not with the
project's FNDDS reader, so the tables are checked against the data as USDA wrote it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from conftest import require_shared
from mealplan.domain.vocabulary import ALL_ROLES, MEALS, ROLES
from mealplan.fndds_tags import (
    CATEGORY_COUNT,
    FnddsTagsError,
    load_categories,
    load_food_rules,
    parse_categories,
    parse_food_rules,
    tag_fndds,
)

FOODS_FILE = "2017-2018 FNDDS At A Glance - Foods and Beverages.csv"
NUTRIENTS_FILE = "2017-2018 FNDDS At A Glance - FNDDS Nutrient Values.csv"


def _at_a_glance(path: Path) -> list[dict[str, str]]:
    """Rows of an At A Glance file keyed by header name (line breaks in names become spaces)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Food code")
    header = [" ".join(name.split()) for name in rows[start]]
    return [dict(zip(header, row, strict=True)) for row in rows[start + 1 :] if row and row[0]]


@pytest.fixture(scope="module")
def fndds() -> pd.DataFrame:
    folder = require_shared("fndds")
    foods = _at_a_glance(folder / FOODS_FILE)
    b12 = {
        row["Food code"]: float(row["Vitamin B-12, added (mcg)"])
        for row in _at_a_glance(folder / NUTRIENTS_FILE)
    }
    return pd.DataFrame(
        {
            "food_code": [row["Food code"] for row in foods],
            "description": [row["Main food description"] for row in foods],
            "additional_description": [row["Additional food description"] for row in foods],
            "wweia_code": [row["WWEIA Category number"] for row in foods],
            "wweia_description": [row["WWEIA Category description"] for row in foods],
            "b12_added": [b12[row["Food code"]] for row in foods],
        }
    )


@pytest.fixture(scope="module")
def tagged(fndds: pd.DataFrame) -> pd.DataFrame:
    return fndds.join(tag_fndds(fndds).drop(columns="food_code"))


def _food(tagged: pd.DataFrame, description: str) -> pd.Series:
    rows = tagged[tagged["description"] == description]
    assert len(rows) == 1, description
    return rows.iloc[0]


# --- the tables on their own ------------------------------------------------------------------


def test_packaged_tables_load_and_use_the_vocabulary() -> None:
    categories = load_categories()
    assert len(categories) == CATEGORY_COUNT == 167
    assert len({c.code for c in categories}) == CATEGORY_COUNT
    assert {r for c in categories for r in c.roles} <= set(ALL_ROLES)
    assert load_food_rules()
    assert all(rule.note for rule in load_food_rules())


def test_classic_roles_are_unchanged_and_new_roles_come_after_them() -> None:
    assert ROLES == ("protein", "vegetable", "grain", "fruit", "dairy", "drink", "fat")
    assert ALL_ROLES[: len(ROLES)] == ROLES
    assert {"dish", "sandwich", "soup", "condiment", "sweet", "snack"} <= set(ALL_ROLES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,description\n", "columns differ"),
        (
            "code,description,roles,covers,meals,plannable,diet_hint,allergen_hint,fortified,note\n"
            "1002,Milk,dessert,,lunch,yes,vegan,,no,\n",
            "unknown role",
        ),
        (
            "code,description,roles,covers,meals,plannable,diet_hint,allergen_hint,fortified,note\n"
            "1002,Milk,dairy,,lunch,maybe,vegan,,no,\n",
            "plannable",
        ),
        (
            "code,description,roles,covers,meals,plannable,diet_hint,allergen_hint,fortified,note\n"
            "1002,Milk,dairy,,lunch,yes,vegan,shellfish,no,\n",
            "unknown allergen",
        ),
    ],
)
def test_bad_category_tables_are_rejected(text: str, message: str) -> None:
    with pytest.raises(FnddsTagsError, match=message):
        parse_categories(text)


_RULE_HEADER = (
    "rule_id,text,pattern,except_pattern,category_pattern,roles,covers,meals,plannable,"
    "diet_min,diet_cap,allergens,fortified,note\n"
)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("r1,main,(milk),,,,,,,,,,,n\n", "capturing"),
        ("r1,main,Milk,,,,,,,,,,,n\n", "upper-case"),
        ("r1,main,x?,,,,,,,,,,,n\n", "empty string"),
        ("r1,main,milk,,,,,,,,,+gluten;milk,,n\n", "use '=a;b'"),
        ("r1,main,milk,,,,,,,,,,,\n", "no note"),
        ("r1,both,milk,,,,,,,,,,,n\n", "text"),
    ],
)
def test_bad_rule_tables_are_rejected(row: str, message: str) -> None:
    with pytest.raises(FnddsTagsError, match=message):
        parse_food_rules(_RULE_HEADER + row)


def test_rules_refine_the_category_in_order_and_evidence_beats_a_cap() -> None:
    categories = parse_categories(
        "code,description,roles,covers,meals,plannable,diet_hint,allergen_hint,fortified,note\n"
        "3802,Soups,soup,,lunch;dinner,yes,omnivore,,no,\n"
    )
    rules = parse_food_rules(
        _RULE_HEADER + "cap,main,meatless,,,,,,,,vegetarian,,,n\n"
        "shrimp,all,shrimp,,,,+protein,,,pescatarian,,+crustacean_shellfish,,n\n"
        "gf,main,gluten free,,,,,,,,,-wheat,,n\n"
        "wheat,main,noodle,,,,,,,,,+wheat,,n\n"
    )
    foods = pd.DataFrame(
        {
            "food_code": [1, 2, 3, 4],
            "description": [
                "Vegetable soup, meatless",
                "Soup, meatless",
                "Noodle soup, gluten free",
                "Beef soup",
            ],
            "additional_description": ["", "with shrimp", "", None],
            "wweia_code": [3802, "3802", "3802", "9999"],
        }
    )
    tags = tag_fndds(foods, categories=categories, rules=rules)
    assert tags["diets"].tolist()[0][:2] == ("vegetarian", "pescatarian")
    assert tags["diets"][1][0] == "pescatarian" and tags["allergens"][1] == (
        "crustacean_shellfish",
    )
    assert tags["covers"][1] == ("protein",)
    # file order: the wheat rule comes after the gluten-free one, so it wins
    assert tags["allergens"][2] == ("wheat",)
    # a category missing from the table: never planned, every allergen presumed
    assert tags["plannable"][3] == "no" and len(tags["allergens"][3]) == 9
    assert tags["diets"][3][0] == "omnivore" and not tags["fortified"].any()


def test_fped_amounts_raise_the_diet_and_add_egg() -> None:
    """USDA's recipes are evidence the description may not show: meat or poultry makes a food
    omnivore, seafood pescatarian, egg vegetarian and the egg allergen."""
    categories = parse_categories(
        "code,description,roles,covers,meals,plannable,diet_hint,allergen_hint,fortified,note\n"
        "6806,Potato mixtures,vegetable,vegetable,lunch;dinner,yes,vegan,,no,\n"
    )
    rules = parse_food_rules(_RULE_HEADER + "cap,main,nothing-matches-this,,,,,,,,,,,n\n")
    foods = pd.DataFrame(
        {
            "food_code": [1, 2, 3, 4],
            "description": ["Stuffed potatoes", "Potato cakes", "Potato salad", "Potatoes"],
            "wweia_code": [6806] * 4,
            "fped_meat_poultry_oz": [0.31, 0.0, 0.0, 0.0],
            "fped_seafood_oz": [0.0, 0.2, 0.0, 0.0],
            "fped_eggs_oz": [0.0, 0.0, 0.1, 0.0],
        }
    )
    tags = tag_fndds(foods, categories=categories, rules=rules)
    assert [diets[0] for diets in tags["diets"]] == [
        "omnivore",
        "pescatarian",
        "vegetarian",
        "vegan",
    ]
    assert [("egg" in a) for a in tags["allergens"]] == [False, False, True, False]
    # Without the columns, the description and category decide, as before.
    plain = tag_fndds(
        foods.drop(columns=[c for c in foods if c.startswith("fped_")]),
        categories=categories,
        rules=rules,
    )
    assert {diets[0] for diets in plain["diets"]} == {"vegan"}


def test_shipped_foods_as_eaten_never_contradict_fped() -> None:
    """No food whose USDA recipe holds meat, poultry, seafood or egg fits a diet without it."""
    from mealplan import FoodCatalog

    foods = FoodCatalog.full().foods
    foods = foods[foods["source"] == "fndds"]
    assert len(foods) == 7083
    meat = (
        foods[
            [
                "fg_protein_meat_oz",
                "fg_protein_cured_meat_oz",
                "fg_protein_organ_meat_oz",
                "fg_protein_poultry_oz",
            ]
        ].sum(axis=1)
        > 0
    )
    seafood = (
        foods[["fg_protein_seafood_high_n3_oz", "fg_protein_seafood_low_n3_oz"]].sum(axis=1) > 0
    )
    egg = foods["fg_protein_eggs_oz"] > 0
    fits = {
        diet: foods["diets"].map(lambda d, diet=diet: diet in d)
        for diet in ("vegan", "vegetarian", "pescatarian")
    }
    assert meat.sum() > 1000 and not (meat & fits["pescatarian"]).any()
    assert not (seafood & fits["vegetarian"]).any()
    assert (
        not (egg & fits["vegan"]).any()
        and foods.loc[egg, "allergens"].map(lambda a: "egg" in a).all()
    )
    stuffed = foods[foods["name"] == "Fried stuffed potatoes, Puerto Rican style"]
    assert stuffed["diets"].map(lambda d: d[0]).tolist() == ["omnivore"]


def test_missing_columns_are_an_error() -> None:
    with pytest.raises(ValueError, match="wweia_code"):
        tag_fndds(pd.DataFrame({"food_code": [1], "description": ["x"]}))


# --- against the real FNDDS files -------------------------------------------------------------


@pytest.mark.shared
def test_every_category_in_the_data_has_exactly_one_row(fndds: pd.DataFrame) -> None:
    in_data = dict(zip(fndds["wweia_code"], fndds["wweia_description"], strict=True))
    assert len(fndds) == 7083
    assert len(in_data) == CATEGORY_COUNT
    table = {c.code: c.description for c in load_categories()}
    assert Counter(c.code for c in load_categories()).most_common(1)[0][1] == 1
    assert table == in_data


@pytest.mark.shared
def test_never_planned_and_opt_in_categories(tagged: pd.DataFrame) -> None:
    by_category = tagged.groupby("wweia_description")["plannable"].agg(set)
    never = [
        name
        for name in by_category.index
        if name.startswith(("Baby", "Formula"))
        or name
        in {
            "Human milk",
            "Beer",
            "Wine",
            "Liquor and cocktails",
            "Protein and nutritional powders",
            "Sugar substitutes",
            "Not included in a food category",
        }
    ]
    assert len(never) == 18
    for name in never:
        assert by_category[name] == {"no"}, name
    for name in (
        "Soft drinks",
        "Diet soft drinks",
        "Candy containing chocolate",
        "Candy not containing chocolate",
        "Cakes and pies",
        "Cookies and brownies",
        "Ice cream and frozen dairy desserts",
        "Pudding",
        "Gelatins, ices, sorbets",
    ):
        assert by_category[name] == {"opt_in"}, name


@pytest.mark.shared
def test_named_foods_get_the_right_tags(tagged: pd.DataFrame) -> None:
    milk = _food(tagged, "Milk, NFS")
    assert {"dairy", "drink"} <= set(milk.roles) and milk.allergens == ("milk",)
    assert milk.plannable == "yes" and "vegetarian" in milk.diets

    potato = _food(tagged, "Potato, baked, NFS")
    assert potato.roles == ("vegetable", "starchy_vegetable") and potato.covers == ("vegetable",)
    assert potato.diets[0] == "vegan" and "gluten_free" in potato.diets

    oatmeal = _food(tagged, "Oatmeal, regular or quick, made with milk, no added fat")
    assert oatmeal.roles == ("grain",) and oatmeal.covers == ("grain", "dairy")
    assert oatmeal.allergens == ("milk",) and "gluten_free" not in oatmeal.diets

    burrito = _food(tagged, "Burrito with beans, meatless")
    assert burrito.roles == ("dish",)
    assert set(burrito.covers) >= {"protein", "grain", "vegetable"}
    assert burrito.diets[0] == "vegetarian" and "wheat" in burrito.allergens

    turkey = _food(tagged, "Turkey submarine sandwich, with cheese, lettuce, tomato and spread")
    assert turkey.roles == ("sandwich",) and turkey.diets[0] == "omnivore"
    assert {"wheat", "milk"} <= set(turkey.allergens)

    for chowder in ("Clam chowder, New England, prepared with milk", "Clam chowder, Manhattan"):
        soup = _food(tagged, chowder)
        assert soup.roles == ("soup",)
        # clams are molluscs: not the major allergen "crustacean shellfish"
        assert "crustacean_shellfish" not in soup.allergens
        assert "vegetarian" not in soup.diets
    assert "milk" in _food(tagged, "Clam chowder, New England, prepared with milk").allergens
    assert "milk" not in _food(tagged, "Clam chowder, Manhattan").allergens

    shrimp = _food(tagged, "Shrimp creole, with rice")
    assert shrimp.diets[0] == "pescatarian" and "crustacean_shellfish" in shrimp.allergens

    cheerios = _food(tagged, "Cereal (General Mills Cheerios)")
    assert cheerios.fortified and cheerios.b12_added > 0


@pytest.mark.shared
@pytest.mark.parametrize(
    ("description", "diet", "present", "absent"),
    [
        ("Worcestershire sauce", "pescatarian", {"fish"}, set()),
        ("Caesar salad, with romaine, no dressing", "pescatarian", {"fish", "milk"}, set()),
        ("Gelatin dessert", "omnivore", set(), set()),
        ("Marshmallow", "omnivore", set(), set()),
        ("Cereal (General Mills Lucky Charms)", "omnivore", set(), set()),
        ("Pancakes, plain, from frozen", "vegetarian", {"egg", "milk", "wheat"}, set()),
        ("Bread, white", "vegan", {"wheat"}, {"milk", "egg"}),
        ("Soybean curd", "vegan", {"soy"}, set()),
        ("Peanut butter", "vegan", {"peanuts"}, {"tree_nuts"}),
        ("Almond milk, unsweetened", "vegan", {"tree_nuts"}, {"milk"}),
        ("Hummus, plain", "vegan", {"sesame"}, {"milk"}),
        ("Honey", "vegetarian", set(), set()),
        ("Egg, whole, boiled or poached", "vegetarian", {"egg"}, set()),
        ("Chili with beans, without meat", "vegan", set(), set()),
        ("Oysters, steamed", "pescatarian", set(), {"crustacean_shellfish"}),
        ("Crab, hard shell, steamed", "pescatarian", {"crustacean_shellfish"}, set()),
        ("Bread, lard, Puerto Rican style", "omnivore", {"wheat"}, {"milk"}),
        ("Cabbage salad or coleslaw, from fast food / restaurant", "vegetarian", {"egg"}, set()),
    ],
)
def test_rules_for_animal_ingredients_and_allergens(
    tagged: pd.DataFrame,
    description: str,
    diet: str | None,
    present: set[str],
    absent: set[str],
) -> None:
    food = _food(tagged, description)
    if diet is not None:
        assert food.diets[0] == diet, food.diets
    assert present <= set(food.allergens), food.allergens
    assert not absent & set(food.allergens), food.allergens


@pytest.mark.shared
def test_every_food_is_tagged_consistently(tagged: pd.DataFrame) -> None:
    assert tagged["plannable"].isin({"yes", "no", "opt_in"}).all()
    assert tagged["diets"].map(lambda d: "omnivore" in d).all()
    assert tagged["roles"].map(len).gt(0).all()
    milk_free = tagged["diets"].map(lambda d: "dairy_free" in d)
    has_milk = tagged["allergens"].map(lambda a: "milk" in a)
    assert (milk_free != has_milk).all()
    vegan = tagged["diets"].map(lambda d: "vegan" in d)
    animal = tagged["allergens"].map(lambda a: bool({"milk", "egg", "fish"} & set(a)))
    assert not (vegan & animal).any()
    # every food with added B12 is fortified
    assert tagged.loc[tagged["b12_added"] > 0, "fortified"].all()


@pytest.mark.shared
def test_plannable_catalogue_spans_every_meal_and_role(tagged: pd.DataFrame) -> None:
    plannable = tagged[tagged["plannable"] == "yes"]
    assert len(plannable) >= 1500
    meals = Counter(m for ms in plannable["meals"] for m in ms)
    roles = Counter(r for rs in plannable["roles"] for r in rs)
    covers = Counter(c for cs in plannable["covers"] for c in cs)
    for meal in MEALS:
        assert meals[meal] >= 200, (meal, meals)
    for role in ROLES:
        assert roles[role] >= 50, (role, roles)
    for role in ("dish", "sandwich", "soup"):
        assert roles[role] >= 100, (role, roles)
    full_plates = plannable["covers"].map(lambda c: {"protein", "grain", "vegetable"} <= set(c))
    assert full_plates.sum() >= 200
    assert covers["protein"] >= 500
