"""The normalized food: what the rest of mealplan knows about one FDC food.

Amounts are per 100 g of the food as described. A nutrient missing from ``Food.nutrients`` is
**unknown**, never zero; ``Food.unknown_nutrients`` lists them so that a planner never counts an
unknown value towards a minimum.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mealplan.nutrients import NUTRIENT_KEYS

#: Bumped whenever the stored shape of a Food changes, so an upgraded library never misreads
#: an older cache: entries with another version are ignored and fetched again.
FOOD_SCHEMA_VERSION = 1

EnergySource = Literal["1008", "2048", "2047", "macros_4_9_4"]


class NutrientValue(BaseModel):
    """One nutrient amount per 100 g, traceable to the FDC nutrient it came from."""

    model_config = ConfigDict(frozen=True)

    amount: float = Field(ge=0)
    unit: str
    #: The FDC nutrient id the value was read from (1110 for vitamin D converted from IU,
    #: 0 when computed from other nutrients, such as energy from the macros).
    nutrient_id: int
    #: How the value was obtained when it was not read as is, e.g. "converted from 1110 (IU)".
    note: str | None = None
    #: True when filled in because the food's category makes the amount a known zero.
    imputed: bool = False


class Portion(BaseModel):
    """A household measure of the food and what it weighs."""

    model_config = ConfigDict(frozen=True)

    description: str
    gram_weight: float = Field(gt=0)


class Food(BaseModel):
    """A food normalized from any FDC data type, format or bulk file."""

    model_config = ConfigDict(frozen=True)

    fdc_id: int
    description: str
    data_type: str
    category: str | None = None
    ndb_number: int | None = None
    publication_date: str | None = None
    #: Per 100 g, keyed by the stable keys of :mod:`mealplan.nutrients`; absent = unknown.
    nutrients: dict[str, NutrientValue] = Field(default_factory=dict)
    #: Which FDC nutrient gave the energy value: 1008, Atwater specific 2048, Atwater
    #: general 2047, or 4/9/4 kcal per g of protein/fat/carbohydrate.
    energy_source: EnergySource | None = None
    portions: list[Portion] = Field(default_factory=list)
    #: Branded foods: the label's values *per serving* (FDC's ``labelNutrients``), which differ
    #: from ``nutrients`` (per 100 g).
    label_nutrients_per_serving: dict[str, float] | None = None
    #: Where the record came from: "api", or the bulk release it was imported from.
    source: str = "api"

    def amount(self, key: str) -> float | None:
        """The amount per 100 g of a nutrient key, or None when unknown."""
        value = self.nutrients.get(key)
        return None if value is None else value.amount

    @property
    def unknown_nutrients(self) -> list[str]:
        """The standard nutrient keys this record has no value for."""
        return [key for key in NUTRIENT_KEYS if key not in self.nutrients]
