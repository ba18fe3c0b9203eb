"""The normalized food: what the rest of mealplan knows about one USDA food.

Amounts are per 100 g of the food as described. A nutrient missing from ``Food.nutrients`` is
**unknown**, never zero; ``Food.unknown_nutrients`` lists them so that a planner never counts an
unknown value towards a minimum.

Identity: a food from FDC (API or bulk files) is its FDC id. An FNDDS food read from USDA's
files offline is its 8-digit food code within its release ("FNDDS 2017-2018"); its FDC id is not
in those files, so it gets :func:`fndds_food_id` (minus the food code) in ``fdc_id``: stable,
never a real FDC id (those are positive, and the client refuses any other), and an ``int`` like
every other id, so packs, catalogues and caches keyed by id need no second key type.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mealplan.nutrients import NUTRIENT_KEYS

#: Bumped whenever the stored shape of a Food changes, so an upgraded library never misreads
#: an older cache: entries with another version are ignored and fetched again.
#: 2: FNDDS identity and food groups (``food_code``, ``release``, ``wweia_category``,
#: ``additional_description``, ``food_groups``) and the nutrient keys ``vitamin_b12_added`` and
#: ``alcohol``. A version-1 entry of a Survey (FNDDS) food lacks its food code and WWEIA
#: category, so it is fetched again rather than read as a food without them.
FOOD_SCHEMA_VERSION = 2

#: FNDDS's portion for "the respondent did not say how much": a default amount, not a
#: household measure, so it is kept but listed after the measures.
QUANTITY_NOT_SPECIFIED = "Quantity not specified"

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

    @property
    def quantity_not_specified(self) -> bool:
        """True for FNDDS's "Quantity not specified" default amount (not a household measure)."""
        return self.description.casefold().startswith(QUANTITY_NOT_SPECIFIED.casefold())


def fndds_food_id(food_code: int) -> int:
    """The id of an FNDDS food whose FDC id is unknown: minus its food code."""
    return -food_code


class Food(BaseModel):
    """A food normalized from any FDC data type, format or bulk file, or from FNDDS's files."""

    model_config = ConfigDict(frozen=True)

    #: The FDC id; for an FNDDS food read offline, :func:`fndds_food_id` of its food code.
    fdc_id: int
    description: str
    data_type: str
    #: FDC's food category, or for FNDDS foods the WWEIA category's description.
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
    #: FNDDS (Survey) foods: the 8-digit food code, USDA's identifier across FNDDS releases.
    food_code: int | None = None
    #: The USDA release the values belong to, e.g. "FNDDS 2017-2018" (None when not tracked).
    release: str | None = None
    #: FNDDS (Survey) foods: the WWEIA food category number (its description is ``category``).
    wweia_category: int | None = None
    #: FNDDS's additional description (other names, e.g. "leche fresca").
    additional_description: str | None = None
    #: Food-pattern amounts per 100 g keyed by :data:`mealplan.food_groups.FOOD_GROUP_KEYS`
    #: (units in that table), from FPED; None when unknown (FDC API records carry no FPED).
    food_groups: dict[str, float] | None = None

    @model_validator(mode="after")
    def _id_matches_food_code(self) -> Food:
        """A negative id is only ever an FNDDS food's :func:`fndds_food_id`."""
        if self.fdc_id < 0 and (
            self.food_code is None or self.fdc_id != fndds_food_id(self.food_code)
        ):
            raise ValueError(
                f"fdc_id {self.fdc_id} is negative but not minus the food code {self.food_code!r}"
            )
        return self

    @property
    def has_fdc_id(self) -> bool:
        """Whether ``fdc_id`` is FDC's own id (False for an FNDDS food read offline)."""
        return self.fdc_id > 0

    def amount(self, key: str) -> float | None:
        """The amount per 100 g of a nutrient key, or None when unknown."""
        value = self.nutrients.get(key)
        return None if value is None else value.amount

    @property
    def unknown_nutrients(self) -> list[str]:
        """The standard nutrient keys this record has no value for."""
        return [key for key in NUTRIENT_KEYS if key not in self.nutrients]
