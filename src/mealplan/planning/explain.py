"""Why no plan exists, in words: the diagnosis numbers from the optimizer turned into sentences.

Every English sentence the planner shows a person about a failed request is built here, so the
wording is in one place and the solving code stays numbers only. Food first: the sentences name
foods and a doctor, never supplements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mealplan.catalog import FoodCatalog
from mealplan.domain.diagnosis import Diagnosis, Shortage
from mealplan.domain.plan import PlanShortfall, amount_decimals
from mealplan.domain.wording import (
    B12_SHORT_NOTE,
    MEDICAL_NOTE,
    SHORTFALL_OPTION_NOTE,
    VITAMIN_D_SHORT_NOTE,
)
from mealplan.optimize._diagnose import EnergyUnreachable, Shortfall, shortfalls
from mealplan.preferences import Preferences

if TYPE_CHECKING:
    from mealplan.planning.problem import PlanningProblem

B12 = "vitamin_b12"
VITAMIN_D = "vitamin_d"


def conflicts(found: list[str]) -> Diagnosis:
    """A diagnosis made of conflicts alone (no nutrient is short)."""
    return Diagnosis(conflicts=found, message="; ".join(found) + ".")


def describe_diet(preferences: Preferences) -> str:
    """The preferences in a phrase: "a vegan diet and no fortified foods"."""
    article = "an" if preferences.diet[0] in "aeiou" else "a"
    words = [f"{article} {preferences.diet} diet"]
    if not preferences.allow_fortified:
        words.append("no fortified foods")
    if preferences.exclude_allergens:
        words.append("no " + ", ".join(preferences.exclude_allergens))
    if preferences.dairy_free:
        words.append("dairy-free")
    if preferences.gluten_free:
        words.append("gluten-free")
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


def _amount(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def lock_conflicts(
    catalog: FoodCatalog, allowed: FoodCatalog, preferences: Preferences
) -> list[str]:
    """Locked foods that the preferences exclude or whose tags do not fit the locked meal.

    Unknown lock foods never get here: they are bad input, refused with the other arguments.
    """
    found = []
    for lock in preferences.locks:
        name = catalog[lock.food].name
        if lock.food not in allowed:
            found.append(
                f"locked food {name!r} is excluded by the preferences "
                f"({describe_diet(preferences)} or an excluded food/allergen)"
            )
        elif lock.meal is not None and lock.meal not in catalog[lock.food].meals:
            found.append(f"locked food {name!r} is not tagged for {lock.meal}")
    return found


def no_food_left(preferences: Preferences, catalog_size: int) -> str:
    excluded = len(preferences.exclude_foods)
    return (
        f"no food is left after the preferences: {describe_diet(preferences)}"
        + (f" and {excluded} excluded food(s)" if excluded else "")
        + f" rule out all {catalog_size} foods of the catalogue; allow more foods"
    )


def unheld_lock(meal: str, food: str, day: int) -> str:
    return (
        f"no {meal} within its energy band and structure can hold the locked food {food!r} "
        f"on day {day}"
    )


def diagnose(
    problem: PlanningProblem,
    *,
    empty_slots: list[str] | None = None,
    stopped_at: str | None = None,
    closest: Sequence[PlanShortfall] = (),
    cap_lifted: bool = False,
) -> Diagnosis:
    """Which targets the allowed foods cannot reach (elastic LP), and which structural rules
    conflict; when neither explains the failure, say it is the servings and structure, or
    the solver's limits (``stopped_at``, in words) when a solve stopped there without a plan.
    ``closest``: what the closest menu found (and refused) missed, said in that last case
    and kept in ``closest_menu`` (``cap_lifted``: that menu was planned without the request's
    distinct-food cap and staple limits)."""
    preferences = problem.preferences
    found, energy_conflict = _shortfalls(problem)
    shortages = [_shortage(problem, short) for short in found]
    reasons = energy_conflict + [
        f"no food fits {meal} with {describe_diet(preferences)}" for meal in (empty_slots or [])
    ]
    reasons += _structural_conflicts(problem)
    said: list[PlanShortfall] = []
    if not shortages and not reasons:
        said = list(closest)
        nearest = ""
        if said:
            lifted = " (without the distinct-food cap and staple limits)" if cap_lifted else ""
            misses = _misses_in_words(said, several_days=problem.days > 1)
            nearest = f": the closest menu found{lifted} had {misses}"
        if stopped_at:
            reasons.append(
                (
                    f"every target can be met by these foods in free amounts, but no plan was "
                    f"found within {stopped_at}{nearest}"
                    if said
                    else f"no plan was found within {stopped_at}"
                )
                + "; a higher work_limit or time_limit, fewer locks or a wider calorie range "
                "may help"
            )
        else:
            reasons.append(
                "every target can be met by these foods in free amounts, but not in whole or "
                f"half servings within the meal structure and variety rules{nearest}; widen "
                "the calorie range, allow more items per meal or more repeats per week "
                f"(now {preferences.max_repeats_per_week})"
            )
    notes = []
    if any(s.nutrient == VITAMIN_D for s in shortages):
        notes.append(VITAMIN_D_SHORT_NOTE)
    if any(s.nutrient == B12 for s in shortages):
        notes.append(B12_SHORT_NOTE)
    if problem.slots and preferences.shortfalls == "refuse":
        notes.append(SHORTFALL_OPTION_NOTE)
    notes.append(MEDICAL_NOTE)
    sentences = [s.message for s in shortages] + reasons
    return Diagnosis(
        shortfalls=shortages,
        conflicts=reasons,
        relaxation={s.nutrient: s.achievable for s in shortages},
        closest_menu=said,
        notes=notes,
        message="; ".join(sentences) + ".",
    )


def _misses_in_words(closest: Sequence[PlanShortfall], *, several_days: bool) -> str:
    """What a refused menu missed, nutrient by nutrient: "vitamin D at 92.5 % of its 15.00 µg
    minimum a day on weekly average", "magnesium short on 3 days, lowest 94 % of its 320.00 mg
    minimum (day 5)"; one day's plan names no day."""
    by_nutrient: dict[str, list[PlanShortfall]] = {}
    for short in closest:
        by_nutrient.setdefault(short.nutrient, []).append(short)
    parts = []
    for nutrient, shorts in by_nutrient.items():
        lowest = min(shorts, key=lambda s: (s.percent_of_target, s.day or 0))
        minimum = f"{lowest.minimum:,.{amount_decimals(lowest.unit)}f} {lowest.unit}"
        of = f"{lowest.percent_of_target:g} % of its {minimum} minimum"
        if lowest.day is None:
            parts.append(f"{_label(nutrient)} at {of} a day on weekly average")
        elif not several_days:
            parts.append(f"{_label(nutrient)} at {of}")
        elif len(shorts) == 1:
            parts.append(f"{_label(nutrient)} at {of} on day {lowest.day}")
        else:
            parts.append(
                f"{_label(nutrient)} short on {len(shorts)} days, lowest {of} (day {lowest.day})"
            )
    return ", ".join(parts)


def _label(nutrient: str) -> str:
    """A nutrient key in words: "vitamin D", "vitamin B12", "magnesium"."""
    return (
        nutrient.replace("_", " ")
        .replace("vitamin b", "vitamin B")
        .replace("vitamin d", "vitamin D")
    )


def unreachable_nutrients(problem: PlanningProblem) -> frozenset[str]:
    """The minimums no mix of the allowed foods meets, in free amounts within the energy
    range (the elastic LP of :func:`diagnose`): a fact about the foods, not the menu."""
    found, _ = _shortfalls(problem)
    return frozenset(short.nutrient for short in found)


def _shortfalls(problem: PlanningProblem) -> tuple[list[Shortfall], list[str]]:
    """The elastic LP's short nutrients, or the energy range no mix of foods reaches."""
    foods, bounds, budget = problem.foods, problem.bounds, problem.preferences.budget_per_day
    meal_count = max(1, len(problem.preferences.meals or ()))
    maximum = np.where(np.isfinite(foods.max_servings), foods.max_servings * meal_count, 1e4)
    try:
        return shortfalls(foods, bounds, maximum, budget), []
    except EnergyUnreachable:
        return [], [
            f"no mix of the allowed foods reaches {bounds.energy_low:,.0f}–"
            f"{bounds.energy_high:,.0f} kcal a day within the nutrient maximums"
            + (f" and a budget of {budget:g} a day" if budget is not None else "")
        ]


def _shortage(problem: PlanningProblem, short: Shortfall) -> Shortage:
    bounds, preferences = problem.bounds, problem.preferences
    weekly = bool(bounds.weekly[bounds.keys.index(short.nutrient)])
    helpful = helpful_foods(problem, short.nutrient)
    label = _label(short.nutrient)
    per = "a day on weekly average" if weekly else "a day"
    advice = (
        "allow fortified foods or add a source"
        if not preferences.allow_fortified
        else "add a source"
    )
    examples = ", ".join(f'"{name}"' for name in helpful[:4])
    suggestion = f"; {advice}" + (f" such as {examples}" if helpful else "")
    if short.nutrient == B12:
        suggestion = (
            " (counting only reliable sources: animal foods and fortified foods)"
            + suggestion
            + "; if you eat no animal or fortified foods, ask a doctor about checking your "
            "B12 level with a blood test"
        )
    limit = preferences.budget_per_day
    budget = f" and a budget of {limit:g} a day" if limit is not None else ""
    message = (
        f"{label}: at most {_amount(short.achievable)} {short.unit} of "
        f"{_amount(short.required)} {short.unit} {per} within {bounds.energy_low:,.0f}–"
        f"{bounds.energy_high:,.0f} kcal{budget} with {describe_diet(preferences)}{suggestion}"
    )
    return Shortage(
        nutrient=short.nutrient,
        required=short.required,
        achievable=short.achievable,
        unit=short.unit,
        basis="weekly" if weekly else "daily",
        message=message,
        helpful_foods=helpful,
    )


def helpful_foods(problem: PlanningProblem, key: str) -> list[str]:
    """Foods richest in ``key`` per serving that fit the diet pattern but were left out by
    the other preferences (fortified foods, excluded foods); else the richest allowed ones."""
    catalog, preferences = problem.catalog, problem.preferences
    if key not in catalog.nutrient_keys:
        return []
    same_diet = catalog.filter(
        diet=preferences.diet,
        dairy_free=preferences.dairy_free,
        gluten_free=preferences.gluten_free,
        exclude_allergens=preferences.exclude_allergens,
        menu_items_only=True,
    )
    per_serving = same_diet.per_serving()[key].dropna()
    if key == B12:
        reliable = same_diet.b12_reliable()
        per_serving = per_serving[reliable.loc[per_serving.index]]
    best = per_serving[per_serving > 0].sort_values(ascending=False, kind="stable")
    allowed = set(problem.allowed.ids)
    left_out = [i for i in best.index if i not in allowed]
    chosen_ids = left_out[:5] if left_out else list(best.index[:5])
    return [catalog[i].name for i in chosen_ids]


def _structural_conflicts(problem: PlanningProblem) -> list[str]:
    """Roles a meal needs that no allowed food fills (by its role or what it covers), and a
    calorie ceiling below what the meal structure needs at its smallest servings.

    The smallest servings add up role by role when every food fills one role; when a dish may
    fill several, only the largest of those minimums is sure to be needed.
    """
    foods, preferences = problem.foods, problem.preferences
    found = []
    minimum_kcal = 0.0
    stands_in = bool(len(foods.covers)) and bool(foods.covers.any())
    for spec in problem.slots:
        eligible = np.array([spec.meal in m for m in foods.meals], dtype=bool)
        fills = foods.fills(spec.required_roles) & eligible.reshape(-1, 1)
        smallest = []
        for j, role in enumerate(spec.required_roles):
            if not fills[:, j].any():
                found.append(
                    f"{spec.meal} needs a {role} item but no {role} food fits "
                    f"{spec.meal} with {describe_diet(preferences)}"
                )
                continue
            mask = fills[:, j]
            smallest.append(float(np.min(foods.energy[mask] * foods.min_servings[mask])))
        minimum_kcal += max(smallest, default=0.0) if stands_in else sum(smallest)
    high = problem.bounds.energy_high
    if not np.isnan(high) and minimum_kcal > high:
        found.append(
            f"the calorie range (at most {high:.0f} kcal) is below what the meal structure "
            f"needs (at least {minimum_kcal:.0f} kcal)"
        )
    return found
