"""Nutrient keys, their units and the FDC nutrient ids and numbers they come from.

FDC names a nutrient three ways: the nutrient ``id`` (1090) in the full format, the nutrient
``number`` ("304") in the abridged format and SR28, and ``nutrientId`` in search results.
Everything here maps all three to one stable snake_case key.
"""

from __future__ import annotations

from dataclasses import dataclass

#: 40 IU of vitamin D = 1 µg (cholecalciferol/ergocalciferol).
IU_PER_UG_VITAMIN_D = 40.0


@dataclass(frozen=True)
class NutrientSpec:
    """One normalized nutrient: its key, unit, and the FDC nutrients it may come from.

    ``sources`` are (FDC nutrient id, nutrient number) pairs in order of preference.
    """

    key: str
    label: str
    unit: str
    sources: tuple[tuple[int, str], ...]


NUTRIENTS: tuple[NutrientSpec, ...] = (
    NutrientSpec(
        "energy",
        "Energy",
        "kcal",
        ((1008, "208"), (2048, "958"), (2047, "957")),
    ),
    NutrientSpec("protein", "Protein", "g", ((1003, "203"),)),
    NutrientSpec("fat", "Total fat", "g", ((1004, "204"), (1085, "298"))),
    NutrientSpec("carbohydrate", "Carbohydrate", "g", ((1005, "205"), (1050, "205.2"))),
    NutrientSpec("fiber", "Fiber", "g", ((1079, "291"),)),
    NutrientSpec("sodium", "Sodium", "mg", ((1093, "307"),)),
    NutrientSpec("magnesium", "Magnesium", "mg", ((1090, "304"),)),
    NutrientSpec("potassium", "Potassium", "mg", ((1092, "306"),)),
    NutrientSpec("calcium", "Calcium", "mg", ((1087, "301"),)),
    NutrientSpec("vitamin_d", "Vitamin D", "µg", ((1114, "328"),)),
    NutrientSpec("vitamin_b12", "Vitamin B12", "µg", ((1178, "418"),)),
    NutrientSpec("vitamin_b6", "Vitamin B6", "mg", ((1175, "415"),)),
    # Preformed vitamin A only: its UL is set for retinol, not for carotenoids (IOM 2001).
    NutrientSpec("retinol", "Retinol (preformed vitamin A)", "µg", ((1105, "319"),)),
    NutrientSpec("saturated_fat", "Saturated fat", "g", ((1258, "606"),)),
    NutrientSpec("sugars", "Total sugars", "g", ((2000, "269"), (1063, "269.3"))),
    # FDC's "Sugars, added"; SR Legacy and Foundation carry none, so it is often unknown.
    NutrientSpec("added_sugars", "Added sugars", "g", ((1235, "539"),)),
    # Water in foods and drinks, in g (1 g = 1 mL); the plan adds drinking water to reach the AI.
    NutrientSpec("water", "Water", "g", ((1051, "255"),)),
    NutrientSpec("caffeine", "Caffeine", "mg", ((1057, "262"),)),
    # B12 added by fortification (FDC's "Vitamin B-12, added"): tells a fortified food's B12
    # apart from B12 the food carries itself. FNDDS gives it for every food; SR Legacy often.
    NutrientSpec("vitamin_b12_added", "Vitamin B12, added", "µg", ((1246, "578"),)),
    # Ethyl alcohol, in g: energy that is neither protein, fat nor carbohydrate.
    NutrientSpec("alcohol", "Alcohol", "g", ((1018, "221"),)),
)

NUTRIENT_KEYS: tuple[str, ...] = tuple(spec.key for spec in NUTRIENTS)
BY_KEY: dict[str, NutrientSpec] = {spec.key: spec for spec in NUTRIENTS}

#: Vitamin D in IU: used only when a record has no µg value.
VITAMIN_D_IU = (1110, "324")
#: Energy in kJ, never used for kcal (FDC always carries kcal where it carries kJ).
ENERGY_KJ = (1062, "268")

_ID_TO_KEY: dict[int, str] = {}
_NUMBER_TO_ID: dict[str, int] = {}
for _spec in NUTRIENTS:
    for _nid, _number in _spec.sources:
        _ID_TO_KEY[_nid] = _spec.key
        _NUMBER_TO_ID[_number] = _nid
_NUMBER_TO_ID[VITAMIN_D_IU[1]] = VITAMIN_D_IU[0]
_NUMBER_TO_ID[ENERGY_KJ[1]] = ENERGY_KJ[0]

#: Every FDC nutrient id mealplan reads (the others are skipped while parsing).
WANTED_NUTRIENT_IDS: frozenset[int] = frozenset([*_ID_TO_KEY, VITAMIN_D_IU[0]])


def key_for_nutrient_id(nutrient_id: int) -> str | None:
    """The normalized key fed by an FDC nutrient id, or None if mealplan does not use it."""
    return _ID_TO_KEY.get(nutrient_id)


def nutrient_id_for_number(number: str | int | float | None) -> int | None:
    """FDC nutrient id for a nutrient number ("304", 304 or 304.0), or None if unknown."""
    if number is None:
        return None
    text = str(number).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return _NUMBER_TO_ID.get(text)


def unit_of(key: str) -> str:
    """The unit of a normalized nutrient key (``"mg"``, ``"µg"``, ``"g"``, ``"kcal"``)."""
    return BY_KEY[key].unit


_UNIT_ALIASES = {
    "G": "g",
    "MG": "mg",
    "UG": "µg",
    "µG": "µg",
    "MCG": "µg",
    "KCAL": "kcal",
    "KJ": "kJ",
    "IU": "IU",
}


def canonical_unit(unit: str | None) -> str | None:
    """FDC spells units ``MG``/``mg``, ``UG``/``µg``; return one spelling."""
    if unit is None:
        return None
    text = unit.strip()
    return _UNIT_ALIASES.get(text.upper(), text)
