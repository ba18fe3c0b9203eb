"""Meal patterns: the named meals people recognise ("Cereal with milk and fruit", "Stir-fry with
rice"), as reviewed data (``data/meal_patterns.toml``), and the week's staple groups.

A pattern has components (a cereal, a milk, a fruit), each accepting foods by WWEIA category
(foods as eaten) or, for a food without one (the curated ingredients, an app's own foods), by
role; each with a portion range in multiples of the food's household portion. Pairing rules say
what never shares a plate (two drinks, fish and a sweet cereal). The planner draws its candidate
meals from the patterns, and :func:`mealplan.verify` checks every meal against the pattern it
names; both read the rules from here and share nothing else.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mealplan.domain.vocabulary import ALL_ROLES, MEALS

PATTERNS_FILE = "meal_patterns.toml"


def _codes(values: list[int | str]) -> frozenset[int]:
    """WWEIA codes written as numbers or ``"6002-6024"`` ranges (every code within, both ends
    included; the table's codes are sparse, so a range names only those that exist)."""
    codes: set[int] = set()
    for value in values:
        text = str(value).strip()
        if "-" in text:
            low, high = (int(part) for part in text.split("-", 1))
            if low > high:
                raise ValueError(f"category range {text!r} runs backwards")
            codes.update(range(low, high + 1))
        else:
            codes.add(int(text))
    return frozenset(codes)


class FoodSelector(BaseModel):
    """Which foods something accepts: by WWEIA category for foods that have one, by role for
    those that do not, narrowed by a name pattern (case-insensitive) when given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()
    #: A regular expression the food's name must contain (``re.search``, case-insensitive).
    match: str | None = None
    #: A regular expression the food's name must not contain.
    not_match: str | None = None

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: Any) -> Any:
        return _codes(list(value)) if isinstance(value, list | tuple) else value

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - set(ALL_ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; allowed: {', '.join(ALL_ROLES)}")
        return value

    @field_validator("match", "not_match")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    @model_validator(mode="after")
    def _something(self) -> FoodSelector:
        if not self.categories and not self.roles:
            raise ValueError("a selector needs categories or roles")
        return self

    def accepts(self, name: str, role: str, category: int | None) -> bool:
        """Whether a food (its name, role and WWEIA category, None when it has none) fits."""
        if self.categories and category is not None:
            fits = category in self.categories
        else:
            fits = role in self.roles
        if fits and self.match is not None:
            fits = re.search(self.match, name, re.IGNORECASE) is not None
        if fits and self.not_match is not None:
            fits = re.search(self.not_match, name, re.IGNORECASE) is None
        return fits


class Component(FoodSelector):
    """One place of a pattern's plate: the foods it takes and how much of each, in multiples of
    the food's household portion (``servings = [0.5, 1]``: half to one cup of milk)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    servings: tuple[float, float] = (1.0, 1.0)
    optional: bool = False
    #: The meal's main item: the weekly variety rules (no main on consecutive days, at most N
    #: times a week) count it.
    main: bool = False

    @model_validator(mode="after")
    def _portions(self) -> Component:
        low, high = self.servings
        if not 0 < low <= high <= 4:
            raise ValueError(f"component {self.name!r}: servings must be 0 < low ≤ high ≤ 4")
        return self


class Pattern(BaseModel):
    """A named meal: its components, the meals it fits and its cuisines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    meals: tuple[str, ...]
    cuisines: tuple[str, ...] = ("american",)
    #: How often the pattern is drawn relative to the others of its meal.
    weight: float = Field(default=1.0, gt=0)
    #: A cooked dish that keeps: with leftovers, a dinner of it may be cooked double and eaten
    #: again at the next day's lunch (a stew, a curry; not a burger or a sandwich).
    keeps: bool = False
    components: tuple[Component, ...] = Field(alias="part", min_length=1)

    @field_validator("meals")
    @classmethod
    def _meals(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [m for m in value if m not in MEALS]
        if unknown or not value:
            raise ValueError(f"unknown or no meal(s) {unknown}; allowed: {', '.join(MEALS)}")
        return value

    @model_validator(mode="after")
    def _names(self) -> Pattern:
        names = [c.name for c in self.components]
        if len(set(names)) != len(names):
            raise ValueError(f"pattern {self.id!r}: component names repeat")
        if all(c.optional for c in self.components):
            raise ValueError(f"pattern {self.id!r}: needs a component that is not optional")
        return self

    @property
    def required(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if not c.optional)

    def component(self, name: str) -> Component:
        """The component called ``name``; KeyError if there is none."""
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)


class PairingRule(BaseModel):
    """What never shares a plate: at most ``at_most`` items matching ``foods`` (two drinks), or,
    with ``with_``, no item matching ``foods`` beside another matching ``with_`` (fish and a
    sweet cereal)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    foods: FoodSelector
    with_: FoodSelector | None = Field(default=None, alias="with")
    at_most: int = Field(default=1, ge=1)


class StapleGroup(BaseModel):
    """Foods a household buys one kind of a week (one milk, one bread)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    foods: FoodSelector


class PatternBook(BaseModel):
    """The whole reviewed table: patterns, pairing rules, staple groups and the foods a week's
    distinct-food count leaves out (water, condiments, cooking fats)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    patterns: tuple[Pattern, ...] = Field(alias="pattern")
    pairing: tuple[PairingRule, ...] = ()
    staples: tuple[StapleGroup, ...] = Field(default=(), alias="staple")
    not_counted: FoodSelector

    @model_validator(mode="after")
    def _unique(self) -> PatternBook:
        for what, ids in (
            ("pattern", [p.id for p in self.patterns]),
            ("pairing rule", [r.id for r in self.pairing]),
            ("staple group", [s.id for s in self.staples]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"{what} ids repeat")
        return self

    def by_id(self) -> Mapping[str, Pattern]:
        return {p.id: p for p in self.patterns}

    def for_meal(self, meal: str) -> tuple[Pattern, ...]:
        return tuple(p for p in self.patterns if meal in p.meals)


@cache
def pattern_book() -> PatternBook:
    """The shipped table, read and checked once per process (it is immutable)."""
    text = (resources.files("mealplan") / "data" / PATTERNS_FILE).read_text(encoding="utf-8")
    return PatternBook.model_validate(tomllib.loads(text))
