"""USDA dietary patterns (DGA 2020-2025, Appendix 3): how much of each food group a day's plan
should hold at its calorie level, and how a day's FPED totals add up to those groups.

The table is reviewed data (``data/dga_food_patterns.csv``; ``data/DGA_FOOD_PATTERNS.md`` gives
its source and the choices below). Two patterns: ``us_style`` (Table A3-2) and ``vegetarian``
(Table A3-4). FPED counts beans, peas and lentils twice, as vegetables and as protein foods;
the DGA counts them in one group only, so each pattern names where they go
(:func:`group_sources`): with the vegetables in ``us_style``, with the protein foods in
``vegetarian``.

The FPED keys are the ``fg_*`` keys of :mod:`mealplan.food_groups`, spelled out here because
the domain imports nothing above it; a test holds the two in step.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

PATTERNS_FILE = "dga_food_patterns.csv"

US_STYLE = "us_style"
VEGETARIAN = "vegetarian"
PatternName = Literal["us_style", "vegetarian"]
PATTERN_NAMES: tuple[PatternName, ...] = ("us_style", "vegetarian")

#: The patterns' names as the Dietary Guidelines write them.
PATTERN_TITLES: Mapping[str, str] = {
    US_STYLE: "Healthy U.S.-Style",
    VEGETARIAN: "Healthy Vegetarian",
}
#: Where the amounts come from, per pattern (shown with every level).
PATTERN_SOURCES: Mapping[str, str] = {
    US_STYLE: "Dietary Guidelines for Americans, 2020-2025, Appendix 3, Table A3-2: "
    "Healthy U.S.-Style Dietary Pattern for Ages 2 and Older",
    VEGETARIAN: "Dietary Guidelines for Americans, 2020-2025, Appendix 3, Table A3-4: "
    "Healthy Vegetarian Dietary Pattern for Ages 2 and Older",
}

MIN_KCAL = 1000
MAX_KCAL = 3200
KCAL_STEP = 200
KCAL_LEVELS: tuple[int, ...] = tuple(range(MIN_KCAL, MAX_KCAL + 1, KCAL_STEP))

FRUIT = "fruit"
VEGETABLES = "vegetables"
GRAINS = "grains"
WHOLE_GRAINS = "whole_grains"
PROTEIN_FOODS = "protein_foods"
DAIRY = "dairy"
OILS = "oils"

# FPED keys (mealplan.food_groups); the legume pair is the same food in two units.
_FRUIT_CUP = "fg_fruit_cup"
_VEGETABLES_CUP = "fg_vegetables_cup"
_VEG_LEGUMES_CUP = "fg_veg_legumes_cup"
_GRAINS_OZ = "fg_grains_oz"
_WHOLE_GRAINS_OZ = "fg_whole_grains_oz"
_PROTEIN_FOODS_OZ = "fg_protein_foods_oz"
_PROTEIN_LEGUMES_OZ = "fg_protein_legumes_oz"
_DAIRY_CUP = "fg_dairy_cup"
_OILS_G = "fg_oils_g"


class FoodPatternError(ValueError):
    """A request the pattern table cannot answer: a bad energy or an unknown pattern name."""


@dataclass(frozen=True)
class DgaGroup:
    """One food group as users see it: its unit, its column of the table and the FPED keys
    summed to measure it, per pattern (they differ only in where legumes count).

    ``part_of`` names the group whose amount includes this one (whole grains are grains).
    """

    key: str
    label: str
    unit: str
    column: str
    us_style_fped: tuple[str, ...]
    vegetarian_fped: tuple[str, ...]
    part_of: str | None = None

    def fped_keys(self, pattern: str) -> tuple[str, ...]:
        """The FPED keys summed for this group under ``pattern``."""
        return self.vegetarian_fped if _pattern(pattern) == VEGETARIAN else self.us_style_fped


def _same(key: str, label: str, unit: str, column: str, *fped: str) -> DgaGroup:
    return DgaGroup(key, label, unit, column, fped, fped)


#: The groups in display order. Legumes: vegetables in ``us_style``, protein foods in
#: ``vegetarian``; never both.
DGA_GROUPS: tuple[DgaGroup, ...] = (
    _same(FRUIT, "Fruits", "cup eq", "fruits_cup", _FRUIT_CUP),
    DgaGroup(
        VEGETABLES,
        "Vegetables",
        "cup eq",
        "vegetables_cup",
        us_style_fped=(_VEGETABLES_CUP, _VEG_LEGUMES_CUP),
        vegetarian_fped=(_VEGETABLES_CUP,),
    ),
    _same(GRAINS, "Grains", "oz eq", "grains_oz", _GRAINS_OZ),
    DgaGroup(
        WHOLE_GRAINS,
        "Whole grains",
        "oz eq",
        "whole_grains_oz",
        (_WHOLE_GRAINS_OZ,),
        (_WHOLE_GRAINS_OZ,),
        part_of=GRAINS,
    ),
    DgaGroup(
        PROTEIN_FOODS,
        "Protein foods",
        "oz eq",
        "protein_foods_oz",
        us_style_fped=(_PROTEIN_FOODS_OZ,),
        vegetarian_fped=(_PROTEIN_FOODS_OZ, _PROTEIN_LEGUMES_OZ),
    ),
    _same(DAIRY, "Dairy", "cup eq", "dairy_cup", _DAIRY_CUP),
    _same(OILS, "Oils", "g", "oils_g", _OILS_G),
)
DGA_GROUPS_BY_KEY: Mapping[str, DgaGroup] = {group.key: group for group in DGA_GROUPS}
GROUP_KEYS: tuple[str, ...] = tuple(group.key for group in DGA_GROUPS)

_REFINED_COLUMN = "refined_grains_oz"
_COLUMNS = ("pattern", "kcal", *(group.column for group in DGA_GROUPS), _REFINED_COLUMN)


def _pattern(name: str) -> PatternName:
    """``name`` checked against the two patterns (a typo must not fall back to one silently)."""
    for known in PATTERN_NAMES:
        if name == known:
            return known
    raise FoodPatternError(f"unknown dietary pattern {name!r}; expected one of {PATTERN_NAMES}")


def group_sources(pattern: str) -> dict[str, tuple[str, ...]]:
    """Group key -> the FPED keys summed for it under ``pattern``: the one place that says
    where legumes count."""
    return {group.key: group.fped_keys(pattern) for group in DGA_GROUPS}


def group_amounts(fped: Mapping[str, float], pattern: str) -> dict[str, float]:
    """A day's FPED totals summed into the DGA groups of ``pattern`` (a missing key is 0), so
    they compare directly with :attr:`FoodPatternLevel.amounts`."""
    return {
        key: math.fsum(float(fped.get(fped_key, 0.0)) for fped_key in keys)
        for key, keys in group_sources(pattern).items()
    }


@dataclass(frozen=True)
class FoodPatternLevel:
    """One calorie level of one pattern: the daily amount per group (keys of
    :data:`DGA_GROUPS`, units theirs) and where the numbers come from."""

    pattern: PatternName
    kcal: int
    amounts: Mapping[str, float]
    refined_grains_oz: float
    source: str


def _number(row: Mapping[str, str], column: str, line: int) -> float:
    try:
        value = float(row[column])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{PATTERNS_FILE} line {line}: {column} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{PATTERNS_FILE} line {line}: {column} must be finite and >= 0")
    return value


def _level(row: Mapping[str, str], line: int) -> FoodPatternLevel:
    pattern = _pattern(row["pattern"])
    kcal = int(row["kcal"])
    amounts = {group.key: _number(row, group.column, line) for group in DGA_GROUPS}
    refined = _number(row, _REFINED_COLUMN, line)
    if not math.isclose(amounts[WHOLE_GRAINS] + refined, amounts[GRAINS], abs_tol=1e-9):
        raise ValueError(f"{PATTERNS_FILE} line {line}: whole + refined grains != grains")
    # Read-only: levels are cached and shared by every caller.
    frozen = MappingProxyType(amounts)
    return FoodPatternLevel(pattern, kcal, frozen, refined, PATTERN_SOURCES[pattern])


@cache
def food_pattern_table() -> Mapping[tuple[str, int], FoodPatternLevel]:
    """The shipped table keyed by (pattern, kcal), read and checked once per process: every
    pattern has every level, once."""
    text = (resources.files("mealplan") / "data" / PATTERNS_FILE).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if set(reader.fieldnames or ()) != set(_COLUMNS):
        raise ValueError(f"{PATTERNS_FILE}: columns must be {', '.join(_COLUMNS)}")
    table: dict[tuple[str, int], FoodPatternLevel] = {}
    for line, row in enumerate(reader, start=2):
        level = _level(row, line)
        key = (level.pattern, level.kcal)
        if key in table:
            raise ValueError(f"{PATTERNS_FILE} line {line}: {key} repeats")
        table[key] = level
    expected = {(pattern, kcal) for pattern in PATTERN_NAMES for kcal in KCAL_LEVELS}
    if set(table) != expected:
        missing = sorted(expected - set(table))
        raise ValueError(f"{PATTERNS_FILE}: levels missing or unexpected (missing: {missing})")
    return table


def nearest_level(energy_kcal: float) -> int:
    """The table's calorie level nearest ``energy_kcal``; a tie goes up (2,100 -> 2,200), and
    energies beyond the table take its end levels."""
    if isinstance(energy_kcal, bool | str | bytes):
        raise FoodPatternError(f"energy must be a number of kcal, got {energy_kcal!r}")
    try:
        energy = float(energy_kcal)
    except (TypeError, ValueError):
        raise FoodPatternError(f"energy must be a number of kcal, got {energy_kcal!r}") from None
    if not math.isfinite(energy) or energy <= 0:
        raise FoodPatternError(f"energy must be finite and > 0 kcal, got {energy_kcal!r}")
    steps = math.floor((energy - MIN_KCAL) / KCAL_STEP + 0.5)
    steps = min(max(steps, 0), len(KCAL_LEVELS) - 1)
    return KCAL_LEVELS[steps]


def pattern_amounts(energy_kcal: float, vegetarian: bool) -> FoodPatternLevel:
    """The daily food-group amounts for a plan of ``energy_kcal``: the healthy vegetarian
    pattern when ``vegetarian``, else the healthy U.S.-style one, at the nearest level."""
    pattern = VEGETARIAN if vegetarian else US_STYLE
    return food_pattern_table()[(pattern, nearest_level(energy_kcal))]


class FoodGroupBounds(BaseModel):
    """How far a day may stray from a level's amounts: a band per group, as multiples of the
    table amount. The table gives points, but no real day hits them; a band lets the
    planner meet the pattern without forcing exact cups.

    Protein foods get their own, tighter ceiling (``protein_high``): an optimiser reaches for
    them first, and the DGA notes that many men and teenage boys already eat more than the
    pattern's amount. Whole grains
    have no band: the DGA's rule is that at least half of grains be whole, so the check is
    whole grains >= ``whole_grain_share`` x the grains actually eaten
    (:meth:`whole_grain_minimum`), not a multiple of the table's whole-grain amount.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = 0.75
    high: float = 1.5
    protein_high: float = 1.3
    whole_grain_share: float = 0.5

    @field_validator("low", "high", "protein_high", "whole_grain_share", mode="before")
    @classmethod
    def _a_number(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{info.field_name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{info.field_name} must be finite, got {value!r}")
        return value

    @field_validator("low")
    @classmethod
    def _low(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError(f"low must satisfy 0 < low <= 1, got {value}")
        return value

    @field_validator("high", "protein_high")
    @classmethod
    def _high(cls, value: float, info: ValidationInfo) -> float:
        if value < 1:
            raise ValueError(f"{info.field_name} must be >= 1, got {value}")
        return value

    @field_validator("whole_grain_share")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError(f"whole_grain_share must be between 0 and 1, got {value}")
        return value

    def limits(self, level: FoodPatternLevel) -> dict[str, tuple[float, float]]:
        """Group key -> (low, high) daily amount for ``level``; whole grains are absent (see
        :meth:`whole_grain_minimum`)."""
        bands: dict[str, tuple[float, float]] = {}
        for key, amount in level.amounts.items():
            if key == WHOLE_GRAINS:
                continue
            high = self.protein_high if key == PROTEIN_FOODS else self.high
            bands[key] = (self.low * amount, high * amount)
        return bands

    def whole_grain_minimum(self, grains_oz: float) -> float:
        """The least whole grains (oz eq) a day with ``grains_oz`` of grains should hold."""
        return self.whole_grain_share * grains_oz
