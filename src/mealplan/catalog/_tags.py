"""The curated tag table (``mealplan/data/food_tags.csv``): reading and validating it.

Tags are reviewed data kept apart from the nutrient numbers; see ``data/FOOD_TAGS.md``.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from mealplan.domain.vocabulary import ALLERGENS, DIET_FLAGS, DIETS, MEALS, ROLES
from mealplan.errors import MealplanError


class TagTableError(MealplanError):
    """The tag table has a row that does not validate."""


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def _in(allowed: tuple[str, ...]) -> BeforeValidator:
    def check(value: object) -> object:
        items = _split(value)
        if isinstance(items, tuple):
            unknown = [item for item in items if item not in allowed]
            if unknown:
                raise ValueError(f"unknown {unknown}; allowed: {', '.join(allowed)}")
            return tuple(item for item in allowed if item in items)
        return items

    return BeforeValidator(check)


class TagRow(BaseModel):
    """One curated food: where it fits in a meal and what a default serving is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fdc_id: int = Field(gt=0)
    name: str = Field(min_length=1)
    meals: Annotated[tuple[str, ...], _in(MEALS)] = Field(min_length=1)
    role: Annotated[str, Field(pattern="^(" + "|".join(ROLES) + ")$")]
    diets: Annotated[tuple[str, ...], _in(DIETS + DIET_FLAGS)]
    allergens: Annotated[tuple[str, ...], _in(ALLERGENS)] = ()
    fortified: bool
    serving_g: float = Field(gt=0)
    serving_text: str = Field(min_length=1)
    serving_source: Annotated[str, Field(pattern="^(fdc_portion|standard)$")]
    min_servings: float = Field(gt=0)
    max_servings: float = Field(gt=0)
    half_servings: bool

    @model_validator(mode="after")
    def _consistent(self) -> TagRow:
        if self.min_servings > self.max_servings:
            raise ValueError("min_servings is above max_servings")
        if "omnivore" not in self.diets:
            raise ValueError("every food fits the omnivore pattern")
        return self


def read_tag_table(text: str | None = None) -> list[TagRow]:
    """Parse the tag table (the packaged one by default); errors name the row and the column."""
    if text is None:
        text = resources.files("mealplan.data").joinpath("food_tags.csv").read_text("utf-8")
    rows: list[TagRow] = []
    seen_ids: set[int] = set()
    seen_names: set[str] = set()
    for line_number, raw in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            row = TagRow.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'row'}: {err['msg']}"
                for err in exc.errors()
            )
            raise TagTableError(f"food_tags.csv line {line_number}: {problems}") from None
        if row.fdc_id in seen_ids or row.name in seen_names:
            raise TagTableError(
                f"food_tags.csv line {line_number}: duplicate fdc_id {row.fdc_id} or name "
                f"{row.name!r}"
            )
        seen_ids.add(row.fdc_id)
        seen_names.add(row.name)
        rows.append(row)
    return rows
