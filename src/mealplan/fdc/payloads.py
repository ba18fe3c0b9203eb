"""Pydantic models of FDC responses, as FDC sends them.

They accept every shape seen in real responses and bulk files: the full format (``/food/{id}``,
``/foods``, the bulk JSON downloads), the abridged format (``format=abridged``, ``/foods/list``)
and search results, for Foundation, SR Legacy, Survey (FNDDS) and Branded foods. Unknown fields are
kept (``extra="allow"``) and most fields are optional, because FDC adds and drops fields between
releases. Normalization into a :class:`mealplan.models.Food` lives in :mod:`.normalize`.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from mealplan.nutrients import nutrient_id_for_number

_TOLERANT = ConfigDict(extra="allow", populate_by_name=True)


def _to_float(value: Any) -> float | None:
    """FDC numbers arrive as 12.5, "12.5", "1.39000000" or "0E-8"; an empty string means none."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not an amount")
    return float(value)


class NutrientRef(BaseModel):
    """The ``nutrient`` object inside a full-format food nutrient."""

    model_config = _TOLERANT

    id: int | None = None
    number: str | None = None
    name: str | None = None
    unit_name: str | None = Field(default=None, alias="unitName")

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return None if value is None else str(value)


class FoodNutrientPayload(BaseModel):
    """A food nutrient in any of FDC's three shapes, reduced to id, unit and amount.

    - full: ``{"nutrient": {"id": 1087, "number": "301", "unitName": "mg"}, "amount": 12}``
    - abridged: ``{"number": "301", "unitName": "MG", "amount": 12}``
    - search: ``{"nutrientId": 1087, "nutrientNumber": "301", "unitName": "MG", "value": 12}``
    """

    model_config = _TOLERANT

    nutrient: NutrientRef | None = None
    nutrient_id: int | None = Field(default=None, alias="nutrientId")
    number: str | None = Field(
        default=None, validation_alias=AliasChoices("number", "nutrientNumber")
    )
    name: str | None = Field(default=None, validation_alias=AliasChoices("name", "nutrientName"))
    unit_name: str | None = Field(default=None, alias="unitName")
    amount: float | None = Field(default=None, validation_alias=AliasChoices("amount", "value"))

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> float | None:
        return _to_float(value)

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return None if value is None else str(value)

    @property
    def resolved_id(self) -> int | None:
        """The FDC nutrient id, from ``nutrient.id``, ``nutrientId`` or the nutrient number."""
        if self.nutrient is not None and self.nutrient.id is not None:
            return self.nutrient.id
        if self.nutrient_id is not None:
            return self.nutrient_id
        number = self.number or (self.nutrient.number if self.nutrient else None)
        return nutrient_id_for_number(number)

    @property
    def resolved_unit(self) -> str | None:
        if self.unit_name:
            return self.unit_name
        return self.nutrient.unit_name if self.nutrient else None


class MeasureUnitPayload(BaseModel):
    model_config = _TOLERANT

    id: int | None = None
    name: str | None = None
    abbreviation: str | None = None


class FoodPortionPayload(BaseModel):
    """``foodPortions[]`` of the full format (SR Legacy, Foundation, Survey)."""

    model_config = _TOLERANT

    amount: float | None = None
    value: float | None = None
    modifier: str | None = None
    portion_description: str | None = Field(default=None, alias="portionDescription")
    gram_weight: float | None = Field(default=None, alias="gramWeight")
    measure_unit: MeasureUnitPayload | None = Field(default=None, alias="measureUnit")
    sequence_number: int | None = Field(default=None, alias="sequenceNumber")

    @field_validator("amount", "value", "gram_weight", mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> float | None:
        return _to_float(value)

    @field_validator("modifier", mode="before")
    @classmethod
    def _modifier_as_text(cls, value: Any) -> Any:
        return None if value is None else str(value)


class FoodMeasurePayload(BaseModel):
    """``foodMeasures[]`` of search results (Survey foods)."""

    model_config = _TOLERANT

    dissemination_text: str | None = Field(default=None, alias="disseminationText")
    gram_weight: float | None = Field(default=None, alias="gramWeight")
    rank: int | None = None

    @field_validator("gram_weight", mode="before")
    @classmethod
    def _grams(cls, value: Any) -> float | None:
        return _to_float(value)


class FoodCategoryPayload(BaseModel):
    model_config = _TOLERANT

    id: int | None = None
    code: str | None = None
    description: str | None = None


class WweiaCategoryPayload(BaseModel):
    model_config = _TOLERANT

    code: int | None = Field(default=None, alias="wweiaFoodCategoryCode")
    description: str | None = Field(default=None, alias="wweiaFoodCategoryDescription")


class LabelValue(BaseModel):
    model_config = _TOLERANT

    value: float | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> float | None:
        return _to_float(value)


class FoodItemPayload(BaseModel):
    """One food as FDC sends it, in any data type and format."""

    model_config = _TOLERANT

    fdc_id: int = Field(alias="fdcId")
    description: str = ""
    data_type: str | None = Field(default=None, alias="dataType")
    ndb_number: int | None = Field(default=None, alias="ndbNumber")
    #: Survey (FNDDS) foods: the 8-digit FNDDS food code (FDC sends it as a string).
    food_code: int | None = Field(default=None, alias="foodCode")
    #: Survey (FNDDS) foods: the NHANES cycle the FNDDS release serves ("1/1/2015"...).
    start_date: str | None = Field(default=None, alias="startDate")
    end_date: str | None = Field(default=None, alias="endDate")
    additional_descriptions: str | None = Field(default=None, alias="additionalDescriptions")
    publication_date: str | None = Field(
        default=None, validation_alias=AliasChoices("publicationDate", "publishedDate")
    )
    food_nutrients: list[FoodNutrientPayload] = Field(default_factory=list, alias="foodNutrients")
    food_portions: list[FoodPortionPayload] = Field(default_factory=list, alias="foodPortions")
    food_measures: list[FoodMeasurePayload] = Field(default_factory=list, alias="foodMeasures")
    food_category: FoodCategoryPayload | None = Field(default=None, alias="foodCategory")
    wweia_food_category: WweiaCategoryPayload | None = Field(
        default=None, alias="wweiaFoodCategory"
    )
    branded_food_category: str | None = Field(default=None, alias="brandedFoodCategory")
    brand_owner: str | None = Field(default=None, alias="brandOwner")
    serving_size: float | None = Field(default=None, alias="servingSize")
    serving_size_unit: str | None = Field(default=None, alias="servingSizeUnit")
    household_serving_full_text: str | None = Field(default=None, alias="householdServingFullText")
    label_nutrients: dict[str, LabelValue] | None = Field(default=None, alias="labelNutrients")

    @field_validator("ndb_number", "food_code", mode="before")
    @classmethod
    def _ndb(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        return int(str(value).strip())

    @field_validator("serving_size", mode="before")
    @classmethod
    def _serving(cls, value: Any) -> float | None:
        return _to_float(value)

    @field_validator("food_category", mode="before")
    @classmethod
    def _category(cls, value: Any) -> Any:
        # Search results send the category as a plain string.
        if isinstance(value, str):
            return {"description": value}
        return value

    @field_validator("food_nutrients", "food_portions", "food_measures", mode="before")
    @classmethod
    def _null_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="after")
    def _positive_id(self) -> FoodItemPayload:
        if self.fdc_id <= 0:
            raise ValueError("fdcId must be a positive integer")
        return self


class SearchResultPayload(BaseModel):
    """A page of ``/foods/search``: paging fields and the foods on the page."""

    model_config = _TOLERANT

    total_hits: int | None = Field(default=None, alias="totalHits")
    current_page: int | None = Field(default=None, alias="currentPage")
    total_pages: int | None = Field(default=None, alias="totalPages")
    foods: list[FoodItemPayload] = Field(default_factory=list)
