"""USDA food-pattern groups (FPED): one table of keys, units and the FPED column behind each.

The Food Patterns Equivalents Database gives, per FNDDS food code and per 100 g, the amounts of
the Dietary Guidelines' food groups in their own units (cup, ounce and teaspoon equivalents,
grams, drinks). They are not nutrients: no FDC nutrient id, no mass unit to convert between; so
they live in :attr:`mealplan.models.Food.food_groups`, keyed by the ``fg_*`` keys below, and the
unit of a key is fixed here rather than repeated on every value. ``data/FOOD_GROUPS.md`` explains
the groups and how their totals relate.
"""

from __future__ import annotations

from dataclasses import dataclass

#: FPED's definition of a teaspoon equivalent of added sugars: 4.2 g of sugars (FPED
#: documentation, "Food Patterns Equivalents Database: Methodology and User Guide").
ADDED_SUGARS_G_PER_TSP_EQ = 4.2


@dataclass(frozen=True)
class FoodGroupSpec:
    """One FPED component: our key and unit, FPED's column code and its unit spelling.

    ``part_of`` names the key whose total includes this group (None for a top-level group).
    """

    key: str
    label: str
    unit: str
    fped_column: str
    fped_unit: str
    part_of: str | None = None


def _cup(key: str, label: str, column: str, part_of: str | None = None) -> FoodGroupSpec:
    return FoodGroupSpec(key, label, "cup eq", column, "cup eq.", part_of)


def _oz(key: str, label: str, column: str, part_of: str | None = None) -> FoodGroupSpec:
    return FoodGroupSpec(key, label, "oz eq", column, "oz. eq.", part_of)


FOOD_GROUPS: tuple[FoodGroupSpec, ...] = (
    _cup("fg_fruit_cup", "Fruit", "F_TOTAL"),
    _cup("fg_fruit_citrus_melon_berry_cup", "Citrus, melons, berries", "F_CITMLB", "fg_fruit_cup"),
    _cup("fg_fruit_other_cup", "Other fruit", "F_OTHER", "fg_fruit_cup"),
    _cup("fg_fruit_juice_cup", "Fruit juice", "F_JUICE", "fg_fruit_cup"),
    _cup("fg_vegetables_cup", "Vegetables (without legumes)", "V_TOTAL"),
    _cup("fg_veg_dark_green_cup", "Dark green vegetables", "V_DRKGR", "fg_vegetables_cup"),
    _cup(
        "fg_veg_red_orange_cup", "Red and orange vegetables", "V_REDOR_TOTAL", "fg_vegetables_cup"
    ),
    _cup("fg_veg_tomato_cup", "Tomatoes", "V_REDOR_TOMATO", "fg_veg_red_orange_cup"),
    _cup(
        "fg_veg_red_orange_other_cup",
        "Other red and orange vegetables",
        "V_REDOR_OTHER",
        "fg_veg_red_orange_cup",
    ),
    _cup("fg_veg_starchy_cup", "Starchy vegetables", "V_STARCHY_TOTAL", "fg_vegetables_cup"),
    _cup("fg_veg_potato_cup", "White potatoes", "V_STARCHY_POTATO", "fg_veg_starchy_cup"),
    _cup(
        "fg_veg_starchy_other_cup",
        "Other starchy vegetables",
        "V_STARCHY_OTHER",
        "fg_veg_starchy_cup",
    ),
    _cup("fg_veg_other_cup", "Other vegetables", "V_OTHER", "fg_vegetables_cup"),
    _cup("fg_veg_legumes_cup", "Legumes (as vegetables)", "V_LEGUMES"),
    _oz("fg_grains_oz", "Grains", "G_TOTAL"),
    _oz("fg_whole_grains_oz", "Whole grains", "G_WHOLE", "fg_grains_oz"),
    _oz("fg_refined_grains_oz", "Refined grains", "G_REFINED", "fg_grains_oz"),
    _oz("fg_protein_foods_oz", "Protein foods (without legumes)", "PF_TOTAL"),
    _oz(
        "fg_protein_meat_poultry_seafood_oz",
        "Meat, poultry, seafood",
        "PF_MPS_TOTAL",
        "fg_protein_foods_oz",
    ),
    _oz("fg_protein_meat_oz", "Meat", "PF_MEAT", "fg_protein_meat_poultry_seafood_oz"),
    _oz(
        "fg_protein_cured_meat_oz",
        "Cured meat",
        "PF_CUREDMEAT",
        "fg_protein_meat_poultry_seafood_oz",
    ),
    _oz("fg_protein_organ_meat_oz", "Organ meat", "PF_ORGAN", "fg_protein_meat_poultry_seafood_oz"),
    _oz("fg_protein_poultry_oz", "Poultry", "PF_POULT", "fg_protein_meat_poultry_seafood_oz"),
    _oz(
        "fg_protein_seafood_high_n3_oz",
        "Seafood high in n-3 fatty acids",
        "PF_SEAFD_HI",
        "fg_protein_meat_poultry_seafood_oz",
    ),
    _oz(
        "fg_protein_seafood_low_n3_oz",
        "Seafood low in n-3 fatty acids",
        "PF_SEAFD_LOW",
        "fg_protein_meat_poultry_seafood_oz",
    ),
    _oz("fg_protein_eggs_oz", "Eggs", "PF_EGGS", "fg_protein_foods_oz"),
    _oz("fg_protein_soy_oz", "Soy products", "PF_SOY", "fg_protein_foods_oz"),
    _oz("fg_protein_nuts_seeds_oz", "Nuts and seeds", "PF_NUTSDS", "fg_protein_foods_oz"),
    _oz("fg_protein_legumes_oz", "Legumes (as protein foods)", "PF_LEGUMES"),
    _cup("fg_dairy_cup", "Dairy", "D_TOTAL"),
    _cup("fg_dairy_milk_cup", "Milk", "D_MILK", "fg_dairy_cup"),
    _cup("fg_dairy_yogurt_cup", "Yogurt", "D_YOGURT", "fg_dairy_cup"),
    _cup("fg_dairy_cheese_cup", "Cheese", "D_CHEESE", "fg_dairy_cup"),
    FoodGroupSpec("fg_oils_g", "Oils", "g", "OILS", "grams"),
    FoodGroupSpec("fg_solid_fats_g", "Solid fats", "g", "SOLID_FATS", "grams"),
    FoodGroupSpec("fg_added_sugars_tsp", "Added sugars", "tsp eq", "ADD_SUGARS", "tsp. eq."),
    FoodGroupSpec("fg_alcohol_drinks", "Alcoholic drinks", "drinks", "A_DRINKS", "no. of drinks"),
)

FOOD_GROUP_KEYS: tuple[str, ...] = tuple(spec.key for spec in FOOD_GROUPS)
FOOD_GROUPS_BY_KEY: dict[str, FoodGroupSpec] = {spec.key: spec for spec in FOOD_GROUPS}
FOOD_GROUPS_BY_FPED_COLUMN: dict[str, FoodGroupSpec] = {
    spec.fped_column: spec for spec in FOOD_GROUPS
}


def food_group_unit(key: str) -> str:
    """The unit of a food-group key (``"cup eq"``, ``"oz eq"``, ``"g"``, ``"tsp eq"``...)."""
    return FOOD_GROUPS_BY_KEY[key].unit
