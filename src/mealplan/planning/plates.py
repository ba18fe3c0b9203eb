"""The reviewed meal patterns, pairing rules and staple groups as masks over a problem's foods.

The pattern book (:mod:`mealplan.domain.patterns`) says which foods each part of a meal takes;
here that becomes one boolean array per part over the allowed foods, computed once per request,
so that drawing candidates and building the model read arrays only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from mealplan.domain.patterns import FoodSelector, Pattern, PatternBook
from mealplan.optimize._candidates import Bools, PairSpec, PartSpec, PatternSpec
from mealplan.optimize._problem import FoodTable


@dataclass(frozen=True)
class Plates:
    """The pattern book over one food table."""

    #: The book's patterns, in order: a candidate's pattern index points here.
    patterns: tuple[Pattern, ...]
    #: Per meal name, the patterns that fit it, as arrays.
    by_meal: dict[str, tuple[PatternSpec, ...]]
    pairs: tuple[PairSpec, ...]
    #: Per staple group id: its foods.
    staples: dict[str, Bools]
    #: Foods a week's distinct-food count includes (not water, condiments or cooking fats).
    counted: Bools


def selector_mask(selector: FoodSelector, foods: FoodTable) -> Bools:
    """Where each food fits ``selector``: the array form of :meth:`FoodSelector.accepts`."""
    roles = np.isin(foods.roles, sorted(selector.roles))
    if selector.categories and len(foods.categories):
        in_category = np.isin(foods.categories, sorted(selector.categories))
        fits: Bools = np.where(foods.categories >= 0, in_category, roles)
    else:
        fits = roles
    for pattern, wanted in ((selector.match, True), (selector.not_match, False)):
        if pattern is None:
            continue
        regex = re.compile(pattern, re.IGNORECASE)
        for i in np.flatnonzero(fits).tolist():
            if (regex.search(foods.names[i]) is not None) != wanted:
                fits[i] = False
    return fits


def plates(book: PatternBook, foods: FoodTable) -> Plates:
    """Masks for every part, pairing rule and staple group of ``book`` over ``foods``."""
    specs = [
        PatternSpec(
            index=i,
            weight=pattern.weight,
            parts=tuple(
                PartSpec(
                    foods=selector_mask(part, foods),
                    low=part.servings[0],
                    high=part.servings[1],
                    optional=part.optional,
                    main=part.main,
                )
                for part in pattern.components
            ),
        )
        for i, pattern in enumerate(book.patterns)
    ]
    by_meal: dict[str, tuple[PatternSpec, ...]] = {}
    for pattern, spec in zip(book.patterns, specs, strict=True):
        for meal in pattern.meals:
            by_meal[meal] = (*by_meal.get(meal, ()), spec)
    pairs = tuple(
        PairSpec(
            selector_mask(rule.foods, foods),
            None if rule.with_ is None else selector_mask(rule.with_, foods),
            rule.at_most,
        )
        for rule in book.pairing
    )
    return Plates(
        patterns=book.patterns,
        by_meal=by_meal,
        pairs=pairs,
        staples={group.id: selector_mask(group.foods, foods) for group in book.staples},
        counted=~selector_mask(book.not_counted, foods),
    )


def no_plates(foods: FoodTable) -> Plates:
    """A free-form list's plates: it has no meals, so no pattern, pairing rule or staple group
    applies (the masks cost ~1 s over the full catalogue, for nothing), and every food counts."""
    return Plates(
        patterns=(), by_meal={}, pairs=(), staples={}, counted=np.ones(len(foods), dtype=bool)
    )
