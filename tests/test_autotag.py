"""Automatic meal tags: curated agreement, rules on real descriptions, invariants, catalogue."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan.autotag import (
    ALLERGENS,
    DIETS,
    FDC_CATEGORIES,
    MEALS,
    ROLES,
    AutoTags,
    auto_tags,
)

SR_LEGACY_CSV = "sr_legacy_food_csv_2018-04_without_food_nutrient"
FOUNDATION_CSV = "FoodData_Central_foundation_food_csv_2024-10-31.zip"
CURATED = Path(mealplan.__file__).parent / "data" / "food_tags.csv"

# Measured on all 376 curated foods: role 100%, diets 99.2%, allergens 99.2%, all three 98.7%.
# The floors sit a few points lower so a reasonable rule change does not break the build.
MIN_ROLE_AGREEMENT = 0.97
MIN_DIET_AGREEMENT = 0.96
MIN_ALLERGEN_AGREEMENT = 0.96
MIN_ALL_THREE_AGREEMENT = 0.95
MIN_SAMPLE_AGREEMENT = 0.90


@dataclass(frozen=True)
class Food:
    """One FDC food as the category and description that ``auto_tags`` reads."""

    fdc_id: int
    category: str | None
    description: str


def _categories(rows: Iterator[dict[str, str]]) -> dict[str, str]:
    return {row["id"]: row["description"] for row in rows}


@cache
def _load_foods(fdc: Path) -> tuple[tuple[Food, ...], tuple[Food, ...]]:
    """SR Legacy and Foundation foods from the bulk CSVs, read once per test session."""
    folder = fdc / "bulk" / SR_LEGACY_CSV
    with (folder / "food_category.csv").open(encoding="utf-8", newline="") as handle:
        names = _categories(csv.DictReader(handle))
    with (folder / "food.csv").open(encoding="utf-8", newline="") as handle:
        sr_legacy = tuple(
            Food(int(row["fdc_id"]), names.get(row["food_category_id"]), row["description"])
            for row in csv.DictReader(handle)
        )
    with zipfile.ZipFile(fdc / "bulk" / FOUNDATION_CSV) as archive:
        members = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}

        def rows(name: str) -> Iterator[dict[str, str]]:
            with archive.open(members[name]) as raw:
                yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))

        names = _categories(rows("food_category.csv"))
        ids = {row["fdc_id"] for row in rows("foundation_food.csv")}
        foundation = tuple(
            Food(int(row["fdc_id"]), names.get(row["food_category_id"]), row["description"])
            for row in rows("food.csv")
            if row["fdc_id"] in ids
        )
    return sr_legacy, foundation


@pytest.fixture
def fdc_foods(fdc_shared: Path) -> dict[int, Food]:
    """Every SR Legacy and Foundation food by FDC id."""
    sr_legacy, foundation = _load_foods(fdc_shared)
    return {food.fdc_id: food for food in (*sr_legacy, *foundation)}


def _split(value: str) -> tuple[str, ...]:
    return tuple(item for item in value.split(";") if item)


@dataclass(frozen=True)
class Agreement:
    """Whether the automatic tags match the curated row, field by field."""

    role: bool
    diets: bool
    allergens: bool

    @property
    def all_three(self) -> bool:
        return self.role and self.diets and self.allergens


def _curated_agreement(fdc_foods: dict[int, Food]) -> list[Agreement]:
    with CURATED.open(encoding="utf-8", newline="") as handle:
        curated = list(csv.DictReader(handle))
    assert len(curated) == 376
    agreements = []
    for row in curated:
        food = fdc_foods[int(row["fdc_id"])]
        tags = auto_tags(food.category, food.description)
        agreements.append(
            Agreement(
                role=tags.role == row["role"],
                diets=tags.diets == _split(row["diets"]),
                allergens=tags.allergens == _split(row["allergens"]),
            )
        )
    return agreements


def _rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


# --------------------------------------------------------------------------------------------
# Agreement with the curated, human-reviewed table
# --------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_agrees_with_the_curated_table_on_role_diets_and_allergens(
    fdc_foods: dict[int, Food],
) -> None:
    agreements = _curated_agreement(fdc_foods)
    assert _rate([a.role for a in agreements]) >= MIN_ROLE_AGREEMENT
    assert _rate([a.diets for a in agreements]) >= MIN_DIET_AGREEMENT
    assert _rate([a.allergens for a in agreements]) >= MIN_ALLERGEN_AGREEMENT
    assert _rate([a.all_three for a in agreements]) >= MIN_ALL_THREE_AGREEMENT


@pytest.mark.shared
def test_a_random_sample_of_curated_foods_mostly_agrees_on_all_three(
    fdc_foods: dict[int, Food],
) -> None:
    sample = random.Random(20240531).sample(_curated_agreement(fdc_foods), 50)
    assert _rate([a.all_three for a in sample]) >= MIN_SAMPLE_AGREEMENT


# --------------------------------------------------------------------------------------------
# Rules on real FDC descriptions
# --------------------------------------------------------------------------------------------

FISH = "Finfish and Shellfish Products"
DAIRY = "Dairy and Egg Products"
VEG = "Vegetables and Vegetable Products"
LEGUMES = "Legumes and Legume Products"
CEREALS = "Breakfast Cereals"
GRAINS = "Cereal Grains and Pasta"


def test_salmon_is_a_pescatarian_protein_with_the_fish_allergen() -> None:
    tags = auto_tags(FISH, "Fish, salmon, Atlantic, farmed, cooked, dry heat")
    assert tags.role == "protein"
    assert tags.diets == ("pescatarian", "omnivore", "dairy_free", "gluten_free")
    assert tags.allergens == ("fish",)
    assert tags.menu_item
    assert not tags.zero_b12_and_vitamin_d_is_fact


@pytest.mark.parametrize(
    "description",
    [
        "Mollusks, clam, mixed species, canned, drained solids",
        "Mollusks, oyster, eastern, wild, cooked, moist heat",
        "Mollusks, scallop, (bay and sea), cooked, steamed",
        "Mollusks, squid, mixed species, cooked, fried",
    ],
)
def test_molluscs_are_seafood_but_not_crustaceans(description: str) -> None:
    tags = auto_tags(FISH, description)
    assert "crustacean_shellfish" not in tags.allergens
    assert "fish" not in tags.allergens
    assert "pescatarian" in tags.diets
    assert "vegetarian" not in tags.diets


def test_shrimp_is_a_crustacean() -> None:
    tags = auto_tags(FISH, "Crustaceans, shrimp, mixed species, cooked, moist heat")
    assert tags.allergens == ("crustacean_shellfish",)


def test_whole_milk_with_vitamin_d_is_fortified_vegetarian_dairy() -> None:
    tags = auto_tags(DAIRY, "Milk, whole, 3.25% milkfat, with added vitamin D")
    assert tags.role == "dairy"
    assert tags.fortified
    assert tags.allergens == ("milk",)
    assert "vegetarian" in tags.diets
    assert "vegan" not in tags.diets
    assert "dairy_free" not in tags.diets
    assert tags.meals == MEALS


def test_milk_without_added_vitamins_is_not_fortified() -> None:
    tags = auto_tags(DAIRY, "Milk, whole, 3.25% milkfat, without added vitamin A and vitamin D")
    assert not tags.fortified


def test_cooked_spinach_is_a_vegan_vegetable_with_no_b12_or_vitamin_d() -> None:
    tags = auto_tags(VEG, "Spinach, cooked, boiled, drained, without salt")
    assert tags.role == "vegetable"
    assert tags.diets == DIETS
    assert tags.allergens == ()
    assert tags.menu_item
    assert tags.zero_b12_and_vitamin_d_is_fact


@pytest.mark.parametrize(
    "description",
    [
        "Mushrooms, white, raw",
        "Mushrooms, portabella, exposed to ultraviolet light, grilled",
        "Mushrooms, shiitake, cooked, without salt",
    ],
)
def test_mushrooms_never_get_a_zero_vitamin_d_fact(description: str) -> None:
    tags = auto_tags(VEG, description)
    assert "vegan" in tags.diets
    assert not tags.zero_b12_and_vitamin_d_is_fact


def test_fortified_ready_to_eat_cereal_is_breakfast_grain_and_not_a_zero_fact() -> None:
    tags = auto_tags(CEREALS, "Cereals ready-to-eat, RALSTON Corn Flakes")
    assert tags.role == "grain"
    assert tags.meals == ("breakfast",)
    assert tags.fortified
    # Vitamin D in cereals is usually D3 from lanolin, and malt flavouring carries gluten.
    assert "vegan" not in tags.diets
    assert "vegetarian" in tags.diets
    assert "gluten_free" not in tags.diets
    assert not tags.zero_b12_and_vitamin_d_is_fact


@pytest.mark.parametrize(
    "description",
    [
        "Beef, ground, 80% lean meat / 20% fat, raw",
        "Beef, chuck, roast, boneless, choice, raw",
    ],
)
def test_raw_meat_is_not_a_menu_item(description: str) -> None:
    tags = auto_tags("Beef Products", description)
    assert not tags.menu_item
    assert tags.role == "protein"
    assert tags.diets == ("omnivore", "dairy_free", "gluten_free")


def test_cooked_meat_is_a_menu_item_but_rare_game_is_not() -> None:
    game = "Lamb, Veal, and Game Products"
    assert auto_tags(
        "Beef Products", "Beef, ground, 85% lean meat / 15% fat, patty, cooked, broiled"
    ).menu_item
    assert auto_tags(game, "Game meat, bison, separable lean only, cooked, roasted").menu_item
    assert not auto_tags(game, "Game meat, bear, cooked, simmered").menu_item
    assert not auto_tags(game, "Game meat, squirrel, cooked, roasted").menu_item


def test_infant_formula_is_not_a_menu_item() -> None:
    tags = auto_tags(
        "Baby Foods", "Infant formula, ABBOTT NUTRITION, SIMILAC, ADVANCE, with iron, ready-to-feed"
    )
    assert not tags.menu_item
    assert "milk" in tags.allergens


@pytest.mark.parametrize(
    ("category", "description"),
    [
        ("Beverages", "Alcoholic beverage, wine, table, red"),
        ("Sweets", "Gelatins, dry powder, unsweetened"),
        ("Sweets", "Sugars, granulated"),
        ("Spices and Herbs", "Spices, pepper, black"),
        ("Baked Products", "Leavening agents, baking soda"),
        (GRAINS, "Wheat flour, white, all-purpose, enriched, bleached"),
        (GRAINS, "Rice, white, long-grain, regular, raw, enriched"),
        (GRAINS, "Pasta, dry, enriched"),
        (LEGUMES, "Beans, black, mature seeds, raw"),
        (DAIRY, "Egg, whole, dried"),
        ("Fast Foods", "Fast foods, cheeseburger; single, regular patty, with condiments"),
    ],
)
def test_ingredients_and_unsuitable_foods_are_not_menu_items(
    category: str, description: str
) -> None:
    assert not auto_tags(category, description).menu_item


def test_peanut_butter_is_a_vegan_fat_with_the_peanut_allergen() -> None:
    tags = auto_tags(LEGUMES, "Peanut butter, smooth style, with salt")
    assert tags.role == "fat"
    assert tags.allergens == ("peanuts",)
    assert tags.diets == DIETS
    assert tags.zero_b12_and_vitamin_d_is_fact


def test_fortified_soymilk_is_vegan_dairy_with_the_soy_allergen() -> None:
    tags = auto_tags(
        LEGUMES, "Soymilk (all flavors), unsweetened, with added calcium, vitamins A and D"
    )
    assert tags.role == "dairy"
    assert tags.allergens == ("soy",)
    assert tags.fortified
    assert tags.diets == DIETS
    assert not tags.zero_b12_and_vitamin_d_is_fact


def test_unfortified_soymilk_is_not_fortified() -> None:
    tags = auto_tags(LEGUMES, "Soymilk, original and vanilla, unfortified")
    assert not tags.fortified
    assert tags.role == "dairy"


@pytest.mark.parametrize(
    ("category", "description"),
    [
        ("Baked Products", "Bagels, plain, enriched, with calcium propionate"),
        (GRAINS, "Rice, white, long-grain, regular, enriched, cooked"),
        (LEGUMES, "Tofu, firm, prepared with calcium sulfate and magnesium chloride (nigari)"),
        (
            "Fruits and Fruit Juices",
            "Apple juice, canned or bottled, unsweetened, with added ascorbic acid",
        ),
    ],
)
def test_enrichment_preservatives_and_vitamin_c_are_not_fortification(
    category: str, description: str
) -> None:
    assert not auto_tags(category, description).fortified


def test_orange_juice_with_calcium_is_a_fortified_drink() -> None:
    tags = auto_tags(
        "Fruits and Fruit Juices",
        "Orange juice, chilled, includes from concentrate, with added calcium",
    )
    assert tags.role == "drink"
    assert tags.fortified
    assert not tags.zero_b12_and_vitamin_d_is_fact


@pytest.mark.parametrize(
    ("category", "description", "absent"),
    [
        (VEG, "Squash, winter, butternut, cooked, baked, without salt", "tree_nuts"),
        ("Nut and Seed Products", "Nuts, coconut meat, raw", "tree_nuts"),
        ("Baked Products", "Crackers, saltines (includes oyster, soda, soup)", "milk"),
        (GRAINS, "Rice noodles, cooked", "wheat"),
        ("Baked Products", "Tortillas, ready-to-bake or -fry, corn", "wheat"),
        (GRAINS, "Buckwheat groats, roasted, cooked", "wheat"),
        ("Beverages", "Beverages, almond milk, unsweetened, shelf stable", "milk"),
        (VEG, "Eggplant, cooked, boiled, drained, without salt", "egg"),
    ],
)
def test_look_alike_words_do_not_raise_allergens(
    category: str, description: str, absent: str
) -> None:
    assert absent not in auto_tags(category, description).allergens


def test_look_alike_words_do_not_make_plant_foods_animal() -> None:
    assert "vegan" in auto_tags(LEGUMES, "Beans, black turtle, mature seeds, canned").diets
    assert "vegan" in auto_tags("Nut and Seed Products", "Nuts, coconut meat, raw").diets
    assert (
        "vegan" in auto_tags(VEG, "Lettuce, butterhead (includes boston and bibb types), raw").diets
    )


def test_oats_and_barley_are_not_gluten_free_but_not_wheat_either() -> None:
    for description in (
        "Cereals, oats, regular and quick, unenriched, cooked with water, without salt",
        "Barley, pearled, cooked",
    ):
        tags = auto_tags(CEREALS if "Cereals" in description else GRAINS, description)
        assert "gluten_free" not in tags.diets
        assert "wheat" not in tags.allergens


def test_baked_goods_that_carry_milk_and_egg_are_not_vegan() -> None:
    tags = auto_tags("Baked Products", "Waffles, plain, frozen, ready-to-heat")
    assert tags.allergens == ("milk", "egg", "wheat")
    assert tags.diets == ("vegetarian", "pescatarian", "omnivore")
    bread = auto_tags("Baked Products", "Bread, whole-wheat, commercially prepared")
    assert bread.allergens == ("wheat",)
    assert bread.diets == ("vegan", "vegetarian", "pescatarian", "omnivore", "dairy_free")


def test_meatless_analogues_are_vegetarian_and_not_a_zero_fact() -> None:
    tags = auto_tags(LEGUMES, "Frankfurter, meatless")
    assert "vegetarian" in tags.diets
    assert not tags.zero_b12_and_vitamin_d_is_fact


def test_honey_is_not_vegan() -> None:
    tags = auto_tags(CEREALS, "Cereals ready-to-eat, POST, HONEY BUNCHES OF OATS, honey roasted")
    assert "vegan" not in tags.diets
    assert "vegetarian" in tags.diets


def test_unknown_category_reads_the_description_alone() -> None:
    tags = auto_tags(None, "Cheese, cheddar")
    assert tags.allergens == ("milk",)
    assert tags.role == "dairy"
    assert auto_tags("No such category", "Cheese, cheddar") == tags


# --------------------------------------------------------------------------------------------
# Invariants for any input
# --------------------------------------------------------------------------------------------

# Words the rules react to, so generated descriptions reach the interesting branches.
_WORDS = (
    "Milk",
    "Cheese",
    "Egg",
    "Fish",
    "salmon",
    "Crustaceans",
    "shrimp",
    "Mollusks",
    "clam",
    "Beef",
    "chicken",
    "raw",
    "cooked",
    "dry",
    "uncooked",
    "fortified",
    "with added vitamin D",
    "with added calcium",
    "enriched",
    "unfortified",
    "Peanut butter",
    "almonds",
    "coconut milk",
    "soymilk",
    "tofu",
    "wheat",
    "Bread",
    "Pasta",
    "rice noodles",
    "oats",
    "honey",
    "gelatin",
    "Cereals ready-to-eat",
    "Mushrooms",
    "Beans",
    "snap",
    "Oil",
    "butter",
    "Nuts",
    "Seeds",
    "sesame",
    "Infant formula",
    "Alcoholic beverage",
    "Game meat",
    "bear",
    "meatless",
    "gluten-free",
    "corn",
    "tortillas",
    "Waffles",
    "juice",
    "Beverages",
    "Potatoes",
    "(includes",
)
_descriptions = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(_WORDS), max_size=8).map(", ".join),
    st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=12)), max_size=6).map(" ".join),
)
_categories_or_none = st.one_of(st.none(), st.sampled_from(FDC_CATEGORIES))


def _is_ordered_subset(items: tuple[str, ...], vocabulary: tuple[str, ...]) -> bool:
    return items == tuple(word for word in vocabulary if word in items)


@settings(max_examples=300, deadline=None)
@given(category=_categories_or_none, description=_descriptions)
def test_tags_always_come_from_the_vocabularies_and_are_consistent(
    category: str | None, description: str
) -> None:
    tags = auto_tags(category, description)
    assert isinstance(tags, AutoTags)
    assert tags.meals and _is_ordered_subset(tags.meals, MEALS)
    assert tags.role in ROLES
    assert _is_ordered_subset(tags.diets, DIETS)
    assert _is_ordered_subset(tags.allergens, ALLERGENS)
    assert "omnivore" in tags.diets
    if "vegan" in tags.diets:
        assert "vegetarian" in tags.diets
    if "vegetarian" in tags.diets:
        assert "pescatarian" in tags.diets
    if "milk" in tags.allergens:
        assert "dairy_free" not in tags.diets
    if "wheat" in tags.allergens:
        assert "gluten_free" not in tags.diets
    if {"fish", "crustacean_shellfish"} & set(tags.allergens):
        assert "vegetarian" not in tags.diets
    if tags.zero_b12_and_vitamin_d_is_fact:
        assert not tags.fortified
        assert "vegan" in tags.diets
    assert auto_tags(category, description) == tags


# --------------------------------------------------------------------------------------------
# The whole SR Legacy and Foundation catalogue
# --------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_every_sr_legacy_and_foundation_food_gets_sensible_tags(fdc_shared: Path) -> None:
    sr_legacy, foundation = _load_foods(fdc_shared)
    assert (len(sr_legacy), len(foundation)) == (7793, 316)
    meat_categories = {
        "Beef Products",
        "Pork Products",
        "Poultry Products",
        "Lamb, Veal, and Game Products",
    }
    tagged = [
        (food, auto_tags(food.category, food.description)) for food in (*sr_legacy, *foundation)
    ]
    roles = {tags.role for _, tags in tagged}
    assert roles == set(ROLES)
    for food, tags in tagged:
        if food.category in meat_categories:
            assert tags.diets[0] == "omnivore", food
            assert not tags.zero_b12_and_vitamin_d_is_fact, food
        if food.category in {"Baby Foods", "Fast Foods", "Restaurant Foods"}:
            assert not tags.menu_item, food
        if tags.zero_b12_and_vitamin_d_is_fact:
            assert "mushroom" not in food.description.lower(), food
    menu_items = sum(tags.menu_item for _, tags in tagged)
    zero_facts = sum(tags.zero_b12_and_vitamin_d_is_fact for _, tags in tagged)
    # Most foods are offered; a fifth to a third are plain plant foods with a known zero.
    assert 0.5 * len(tagged) < menu_items < 0.8 * len(tagged)
    assert 0.15 * len(tagged) < zero_facts < 0.35 * len(tagged)


def test_shipped_automatic_tags_are_what_the_rules_give_today() -> None:
    """The pack's precomputed tags (written by the build) match auto_tags() for every food."""
    from mealplan.autotag import tags_from_csv, tags_to_csv
    from mealplan.cache import default_starter_dir, read_pack, read_pack_auto_tags

    folder = default_starter_dir()
    assert folder is not None
    text = read_pack_auto_tags(folder)
    assert text is not None
    shipped = tags_from_csv(text)
    _, records = read_pack(folder)
    assert set(shipped) == set(records)
    for fdc_id, record in records.items():
        assert shipped[fdc_id] == auto_tags(record.get("category"), record["description"]), fdc_id
    assert tags_to_csv(shipped.items()) == text
