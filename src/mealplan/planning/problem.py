"""The planning problem: one request resolved into what every later step reads.

:func:`build_problem` runs once per request. It applies the preferences and the life-stage
safety screen to the catalogue, turns the targets into per-day bounds, reads the allowed foods
into arrays once (the only DataFrame → array step), counts unreliable B12 as 0, derives the
random seed from the inputs, and lays out the meal slots and the locks. Candidate pools, the
model, the diagnosis and the assembled plan all read this one object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from mealplan.catalog import FoodCatalog
from mealplan.domain.energy import energy_range
from mealplan.domain.food_patterns import (
    US_STYLE,
    FoodPatternLevel,
    group_sources,
    pattern_amounts,
)
from mealplan.domain.patterns import pattern_book
from mealplan.domain.portions import halves_for_all
from mealplan.errors import InfeasiblePlanError, PlannerError
from mealplan.optimize._candidates import PatternSpec, SlotSpec
from mealplan.optimize._problem import ENERGY, Bounds, FoodTable, food_table
from mealplan.planning import explain
from mealplan.planning.plates import Plates, no_plates, plates
from mealplan.preferences import ObjectiveWeights, Preferences
from mealplan.safeguards import screen
from mealplan.targets import Targets

B12 = "vitamin_b12"
WATER = "water"
#: "Servings not fixed" for a locked food (one object, so equal lock sets compare equal).
FREE_SERVINGS = float("nan")

#: (day, slot) → the locked foods (positions in the food arrays) and their servings.
LockMap = Mapping[tuple[int, int], list[tuple[int, float]]]


@dataclass(frozen=True)
class PlanningProblem:
    """A request, resolved: the allowed foods as arrays, the bounds, the slots, locks and seed."""

    #: The whole catalogue: the diagnosis suggests foods from it that the preferences left out.
    catalog: FoodCatalog
    #: The foods the preferences and the life-stage safety rules allow.
    allowed: FoodCatalog
    targets: Targets
    preferences: Preferences
    days: int
    foods: FoodTable
    bounds: Bounds
    #: The middle of the day's energy range, kcal (NaN when there is none).
    energy_target: float
    seed: int
    #: The meal slots of a structured plan, in order; empty for a free-form list.
    slots: tuple[SlotSpec, ...]
    locks: LockMap
    #: The allowed foods' nutrients per serving (NaN unknown; unreliable B12 counted as 0).
    per_serving: pd.DataFrame
    #: True where a value is an imputed zero rather than an FDC number.
    imputed: pd.DataFrame
    #: Allowed foods whose B12 (above 0 in FDC) is not a reliable source.
    b12_unreliable: pd.Series
    #: What the safety screen did: the rules applied, overrides, foods left out.
    safety_notes: tuple[str, ...]
    #: The meal patterns, pairing rules and staple groups over ``foods`` (none for a
    #: free-form list).
    plates: Plates
    #: The Dietary Guidelines' food pattern the plan is held near, when groups are tracked
    #: (every allowed food has FPED values, the person is 2 or older, groups not switched off);
    #: ``foods.groups`` then has its group amounts, in ``GROUP_KEYS`` order.
    food_pattern: FoodPatternLevel | None = None

    def cost_only(self) -> PlanningProblem:
        """The same problem whose objective is cost alone (the classic diet problem)."""
        weights = ObjectiveWeights(calorie_deviation=0, disliked=0, liked=0, cost=1, serving_size=0)
        return replace(self, preferences=self.preferences.model_copy(update={"weights": weights}))


def build_problem(
    catalog: FoodCatalog,
    targets: Targets,
    preferences: Preferences,
    *,
    days: int,
    weekly: bool,
) -> PlanningProblem:
    """Resolve a checked request; raises :class:`InfeasiblePlanError` for conflicts that no
    solve can remove (a locked food the preferences exclude, no food left at all)."""
    _check_budget(catalog, preferences)
    allowed = catalog.filter(
        diet=preferences.diet,
        dairy_free=preferences.dairy_free,
        gluten_free=preferences.gluten_free,
        exclude_allergens=preferences.exclude_allergens,
        exclude_ids=preferences.exclude_foods,
        allow_fortified=preferences.allow_fortified,
        menu_items_only=True,
    )
    conflicts = explain.lock_conflicts(catalog, allowed, preferences)
    if conflicts:
        raise InfeasiblePlanError(explain.conflicts(conflicts))
    allowed, safety_notes = screen(allowed, targets, preferences)
    bounds = _bounds(catalog, targets, preferences, weekly and days > 1)
    per_serving, b12_unreliable = _reliable_per_serving(allowed)
    level = _food_pattern(allowed, targets, preferences, bounds)
    foods = food_table(
        allowed.foods,
        per_serving,
        bounds.keys,
        dislikes=set(preferences.dislikes),
        likes=set(preferences.likes),
        disliked_points=preferences.weights.disliked,
        liked_points=preferences.weights.liked,
        halves_for_all=halves_for_all(targets.profile.age if targets.profile else None),
        groups=None if level is None else group_sources(level.pattern),
    )
    if not len(foods):
        message = explain.no_food_left(preferences, len(catalog))
        raise InfeasiblePlanError(explain.conflicts([message]))
    slots: tuple[SlotSpec, ...] = ()
    if preferences.meals is None:
        book = no_plates(foods)
    else:
        book = plates(pattern_book(), foods)
        slots = slot_specs(preferences, bounds, book)
    return PlanningProblem(
        catalog=catalog,
        allowed=allowed,
        targets=targets,
        preferences=preferences,
        days=days,
        foods=foods,
        bounds=bounds,
        energy_target=(bounds.energy_low + bounds.energy_high) / 2,
        seed=_seed(catalog, targets, preferences, days),
        slots=slots,
        locks=lock_map(foods, preferences, slots, days) if slots else {},
        per_serving=per_serving,
        imputed=allowed.imputed(),
        b12_unreliable=b12_unreliable,
        safety_notes=tuple(safety_notes),
        plates=book,
        food_pattern=level,
    )


#: The Dietary Guidelines' patterns are for ages 2 and older.
FOOD_PATTERN_MIN_AGE = 2.0


def _food_pattern(
    allowed: FoodCatalog, targets: Targets, preferences: Preferences, bounds: Bounds
) -> FoodPatternLevel | None:
    """The food pattern level for the day's energy, or None when groups cannot be tracked."""
    if preferences.food_groups is None or np.isnan(bounds.energy_low):
        return None
    if targets.profile is not None and targets.profile.age < FOOD_PATTERN_MIN_AGE:
        return None
    fped = [k for keys in group_sources(US_STYLE).values() for k in keys]
    frame = allowed.foods
    if any(k not in frame.columns for k in fped) or frame[fped].isna().any().any():
        return None
    if frame["serving_g"].isna().any():
        return None
    vegetarian = preferences.diet in ("vegetarian", "vegan")
    return pattern_amounts((bounds.energy_low + bounds.energy_high) / 2, vegetarian)


def _check_budget(catalog: FoodCatalog, preferences: Preferences) -> None:
    if preferences.budget_per_day is not None and not catalog.has_costs:
        raise PlannerError(
            "budget_per_day: this catalogue has no costs, so a budget cannot be kept; give "
            "prices with FoodCatalog.with_costs(...) or from_frame(cost_column=...), or "
            "leave budget_per_day as None"
        )


def _bounds(
    catalog: FoodCatalog, targets: Targets, preferences: Preferences, weekly: bool
) -> Bounds:
    """Per-day bounds over every target but energy and water, as arrays (NaN = no bound).

    Water is met with drinking water beside the foods (the plan's water line), so the foods'
    water is reported but never constrained.
    """
    keys = tuple(k for k in targets if k not in (ENERGY, WATER))
    low = np.array([np.nan if targets[k].min is None else targets[k].min for k in keys])
    high = np.array([np.nan if targets[k].max is None else targets[k].max for k in keys])
    units = tuple(targets[k].unit or catalog.units.get(k, "") for k in keys)
    weekly_mask = np.array([weekly and k in preferences.weekly_nutrients for k in keys])
    energy_low, energy_high = energy_range(targets, preferences)

    def rates(side: int) -> np.ndarray:
        per_kcal = [targets[k].per_kcal for k in keys]
        return np.array(
            [np.nan if rate is None or rate[side] is None else rate[side] for rate in per_kcal],
            dtype=float,
        )

    floor = [targets[k].floor for k in keys]
    return Bounds(
        keys,
        low.astype(float),
        high.astype(float),
        units,
        weekly_mask,
        float(np.nan if energy_low is None else energy_low),
        float(np.nan if energy_high is None or energy_low is None else energy_high),
        low_per_kcal=rates(0),
        high_per_kcal=rates(1),
        floor=np.array([np.nan if f is None else f for f in floor], dtype=float),
    )


def _reliable_per_serving(allowed: FoodCatalog) -> tuple[pd.DataFrame, pd.Series]:
    """Nutrients per serving with unreliable B12 counted as 0, and the foods that had some."""
    per_serving = allowed.per_serving()
    unreliable = pd.Series(False, index=per_serving.index)
    if B12 in per_serving:
        reliable = allowed.b12_reliable()
        unreliable = ~reliable & (per_serving[B12].fillna(0.0) > 0)
        per_serving.loc[~reliable, B12] = 0.0
    return per_serving, unreliable


def _seed(catalog: FoodCatalog, targets: Targets, preferences: Preferences, days: int) -> int:
    """A digest of the inputs: the same request draws the same candidates everywhere."""
    text = json.dumps(
        [
            [str(i) for i in catalog.ids],
            targets.model_dump(mode="json"),
            # What to do when no menu meets every minimum does not change which meals are
            # drawn: a request gets the same candidates whether it refuses or declares.
            preferences.model_dump(mode="json", exclude={"shortfalls"}),
            days,
        ],
        sort_keys=True,
        default=str,
    )
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def slot_specs(preferences: Preferences, bounds: Bounds, book: Plates) -> tuple[SlotSpec, ...]:
    """Each planned meal's structure rule, energy window in kcal and patterns."""
    if np.isnan(bounds.energy_low) or np.isnan(bounds.energy_high):
        raise PlannerError(
            "targets: meal plans need an energy range; give Targets an 'energy' bound or "
            "Preferences(calories=(low, high))"
        )
    bands = preferences.energy_bands()
    specs = []
    for meal in preferences.meals or ():
        rule = preferences.rule(meal)
        low, high = bands[meal]
        specs.append(
            SlotSpec(
                meal=meal,
                required_roles=rule.required_roles,
                min_items=rule.min_items,
                max_items=rule.max_items,
                kcal_low=low * bounds.energy_low,
                kcal_high=high * bounds.energy_high,
                share=(low + high) / 2,
                share_low=low,
                share_high=high,
                patterns=_weighted(book, meal, preferences.leftovers),
                pairs=book.pairs,
            )
        )
    return tuple(specs)


#: With leftovers, dinners of dishes that keep are drawn this many times as often: a week needs
#: at least 3 of them, and a week's basket draws few dinners.
KEEPS_WEIGHT = 3.0


def _weighted(book: Plates, meal: str, leftovers: bool) -> tuple[PatternSpec, ...]:
    """The meal's patterns; with leftovers, a dinner of a dish that keeps weighs more."""
    specs = book.by_meal.get(meal, ())
    if not leftovers or meal != "dinner":
        return specs
    return tuple(
        replace(spec, weight=spec.weight * KEEPS_WEIGHT)
        if book.patterns[spec.index].keeps
        else spec
        for spec in specs
    )


def lock_map(
    foods: FoodTable, preferences: Preferences, slots: tuple[SlotSpec, ...], days: int
) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """(day, slot) → the locked foods (positions) and servings for that meal.

    A lock without a meal goes to the first planned meal its food is tagged for; without a day
    it holds every day. Days lie within the plan (checked before, with the other arguments).
    """
    required: dict[tuple[int, int], list[tuple[int, float]]] = {}
    names = [spec.meal for spec in slots]
    for lock in preferences.locks:
        position = foods.position.get(lock.food)
        if position is None:
            message = f"locked food {lock.food!r} has no energy value in the catalogue"
            raise InfeasiblePlanError(explain.conflicts([message]))
        meal = lock.meal or next((m for m in names if m in foods.meals[position]), None)
        if meal is None:
            message = (
                f"locked food {foods.names[position]!r} fits none of the planned meals {names}"
            )
            raise InfeasiblePlanError(explain.conflicts([message]))
        slot = names.index(meal)
        lock_days = [lock.day - 1] if lock.day is not None else list(range(days))
        servings = float(lock.servings) if lock.servings else FREE_SERVINGS
        for d in lock_days:
            required.setdefault((d, slot), []).append((position, servings))
    return required
