"""The checks of :func:`mealplan.verify` on how meals and weeks are built: each meal against
the pattern it names and the pairing rules, the week's distinct foods, staples and leftovers,
and the Dietary Guidelines' food groups. Like the rest of ``verify`` it reads the plan, the
catalogue and the reviewed tables only, never the optimizer.

Each check yields findings ``(rule, message, day, meal, subject)``; ``verify`` collects them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from mealplan.catalog import CatalogFood
from mealplan.domain.food_patterns import (
    GRAINS,
    WHOLE_GRAINS,
    group_sources,
    pattern_amounts,
)
from mealplan.domain.patterns import FoodSelector, Pattern, PatternBook
from mealplan.domain.plan import DayPlan, Meal, WeekPlan
from mealplan.domain.vocabulary import FREE_FORM_MEAL, MAIN_ROLES
from mealplan.preferences import Preferences

Finding = tuple[str, str, int | None, str | None, Any]
Lookup = Callable[[Any], CatalogFood | None]

#: Food-group amounts compare with this tolerance (they are rounded to 3 decimals in plans).
GROUP_TOL = 2e-3


def _accepts(selector: FoodSelector, food: CatalogFood) -> bool:
    return selector.accepts(food.name, food.role, food.wweia_category)


def meal_findings(
    day: DayPlan, get: Lookup, prefs: Preferences, book: PatternBook
) -> Iterator[Finding]:
    """Each planned meal that names a pattern names one of its meal; its foods fill its parts
    (each part once, every required part, servings in the part's range unless locked) and keep
    every pairing rule and one food per WWEIA category."""
    if prefs.meals is None:
        return
    patterns = book.by_id()
    locked: set[tuple[Any, str | None]] = {
        (lock.food, lock.meal) for lock in prefs.locks if lock.servings is not None
    }
    for meal in day.meals:
        if meal.name == FREE_FORM_MEAL:
            continue
        where = (day.day, meal.name)
        if meal.pattern is None:
            # A meal planned elsewhere (an app's own) follows the meal rules alone.
            continue
        pattern = patterns.get(meal.pattern)
        if pattern is None:
            yield ("meal_pattern", f"names no known meal pattern ({meal.pattern!r})", *where, None)
            continue
        if meal.name not in pattern.meals:
            text = f"pattern {pattern.name!r} is not a {meal.name} pattern"
            yield ("meal_pattern", text, *where, pattern.id)
        foods = [f for f in (get(item.food_id) for item in meal.items) if f is not None]
        yield from _parts(meal, pattern, get, locked, where)
        yield from _pairing(foods, book, where)


def _parts(
    meal: Meal,
    pattern: Pattern,
    get: Lookup,
    locked: set[tuple[Any, str | None]],
    where: tuple[int, str],
) -> Iterator[Finding]:
    filled: Counter[str] = Counter()
    names = [c.name for c in pattern.components]
    for item in meal.items:
        food = get(item.food_id)
        if food is None:
            continue
        if item.part not in names:
            text = f"{food.name} fills no part of {pattern.name!r} (part {item.part!r})"
            yield ("pattern_fit", text, *where, food.id)
            continue
        part = pattern.component(str(item.part))
        filled[part.name] += 1
        if not _accepts(part, food):
            text = f"{food.name} does not fit the part {part.name!r} of {pattern.name!r}"
            yield ("pattern_fit", text, *where, food.id)
        low, high = part.servings
        fixed = (item.food_id, meal.name) in locked or (item.food_id, None) in locked
        if not fixed and not low - 1e-9 <= item.servings <= high + 1e-9:
            text = (
                f"{food.name}: {item.servings:g} servings, outside the part "
                f"{part.name!r}'s {low:g}–{high:g}"
            )
            yield ("pattern_fit", text, *where, food.id)
    for part in pattern.components:
        if filled[part.name] > 1:
            text = f"the part {part.name!r} of {pattern.name!r} is filled twice"
            yield ("pattern_fit", text, *where, part.name)
        elif not part.optional and not filled[part.name]:
            text = f"the part {part.name!r} of {pattern.name!r} is missing"
            yield ("pattern_fit", text, *where, part.name)


def _pairing(
    foods: Sequence[CatalogFood], book: PatternBook, where: tuple[int, str]
) -> Iterator[Finding]:
    for rule in book.pairing:
        first = [f for f in foods if _accepts(rule.foods, f)]
        if rule.with_ is None:
            if len(first) > rule.at_most:
                names = ", ".join(f.name for f in first)
                yield ("pairing", f"{rule.text}: has {names}", *where, rule.id)
            continue
        other = [f for f in foods if _accepts(rule.with_, f)]
        if first and other and len({f.id for f in first + other}) >= 2:
            names = ", ".join(f.name for f in dict.fromkeys(first + other))
            yield ("pairing", f"{rule.text}: has {names}", *where, rule.id)
    categories = Counter(f.wweia_category for f in foods if f.wweia_category is not None)
    for category, count in sorted(categories.items()):
        if count > 1:
            names = ", ".join(f.name for f in foods if f.wweia_category == category)
            text = f"two foods of one WWEIA category ({category}): {names}"
            yield ("pairing", text, *where, category)


def main_items(meal: Meal, get: Lookup, book: PatternBook) -> list[Any]:
    """The food ids of a meal's main items: those in a main part of its pattern (a leftover
    meal has none: the dish counts at the dinner it was cooked for), or, for a meal without a
    pattern, those of a main role."""
    if meal.leftover_from is not None:
        return []
    pattern = book.by_id().get(meal.pattern or "")
    if pattern is not None:
        mains = {c.name for c in pattern.components if c.main}
        return [item.food_id for item in meal.items if item.part in mains]
    found = []
    for item in meal.items:
        food = get(item.food_id)
        if food is not None and food.role in MAIN_ROLES:
            found.append(item.food_id)
    return found


def week_findings(
    plan: WeekPlan, get: Lookup, prefs: Preferences, book: PatternBook
) -> Iterator[Finding]:
    """The week's distinct foods and staple kinds within the preferences' limits, and every
    leftover meal the dinner of the day before, in the same amounts."""
    days = len(plan.days)
    weeks = math.ceil(days / 7)
    foods: dict[Any, CatalogFood] = {}
    for day in plan.days:
        for item in day.items:
            food = get(item.food_id)
            if food is not None:
                foods.setdefault(item.food_id, food)
    counted = [f for f in foods.values() if not _accepts(book.not_counted, f)]
    cap = prefs.max_distinct_foods
    if plan.cap_lifted and plan.distinct_foods != len(counted):
        text = f"says it uses {plan.distinct_foods} distinct foods; it uses {len(counted)}"
        yield ("distinct_foods", text, None, None, None)
    if plan.cap_lifted:
        # Planned without the cap and staples, and saying so: the targets came first.
        yield from _leftovers(plan, prefs, book)
        return
    if cap is not None and days > 1:
        limit = cap if days <= 7 else math.ceil(cap * days / 7)
        if len(counted) > limit:
            text = (
                f"{len(counted)} distinct foods (water, condiments and fats not counted); at "
                f"most {limit} for {days} days"
            )
            yield ("distinct_foods", text, None, None, None)
    kinds = prefs.max_staple_kinds
    if kinds is not None and days > 1:
        for group in book.staples:
            members = sorted(f.name for f in counted if _accepts(group.foods, f))
            if len(members) > kinds * weeks:
                text = f"{len(members)} kinds of {group.text} ({'; '.join(members)}); at most "
                text += f"{kinds * weeks}"
                yield ("staple_kinds", text, None, None, group.id)
    yield from _leftovers(plan, prefs, book)


def _leftovers(plan: WeekPlan, prefs: Preferences, book: PatternBook) -> Iterator[Finding]:
    by_day = {day.day: {meal.name: meal for meal in day.meals} for day in plan.days}
    patterns = book.by_id()
    for day in plan.days:
        for meal in day.meals:
            source = meal.leftover_from
            if source is None:
                continue
            where = (day.day, meal.name)
            if not prefs.leftovers:
                yield ("leftover", "a leftover meal, but leftovers=False", *where, None)
                continue
            pattern = patterns.get(meal.pattern or "")
            if pattern is not None and not pattern.keeps:
                text = f"{pattern.name!r} is not a dish that keeps for a second day"
                yield ("leftover", text, *where, None)
            cooked = by_day.get(source.day, {}).get(source.meal)
            if source.day != day.day - 1 or cooked is None:
                text = f"leftover from day {source.day}'s {source.meal}, not the day before"
                yield ("leftover", text, *where, None)
                continue
            mine = sorted((str(i.food_id), round(i.servings, 6)) for i in meal.items)
            theirs = sorted((str(i.food_id), round(i.servings, 6)) for i in cooked.items)
            if mine != theirs:
                text = f"not the same foods and amounts as {source.text}"
                yield ("leftover", text, *where, None)


def group_findings(
    plan: DayPlan | WeekPlan,
    get: Lookup,
    prefs: Preferences,
    energy: tuple[float, float] | None,
    vegetarian: bool,
) -> Iterator[Finding]:
    """Each day's food-group amounts recomputed from FPED (per 100 g × grams), and every group
    outside its band marked so (reported, not hidden), against the pattern for the middle of
    the energy range. Plans whose foods lack FPED values carry no groups and are not checked."""
    bounds = prefs.food_groups
    days = plan.days if isinstance(plan, WeekPlan) else [plan]
    if bounds is None or energy is None or not days or not days[0].food_groups:
        return
    level = pattern_amounts((energy[0] + energy[1]) / 2, vegetarian)
    sources = group_sources(level.pattern)
    limits = bounds.limits(level)
    sums: dict[str, float] = dict.fromkeys(sources, 0.0)
    for day in days:
        amounts = dict.fromkeys(sources, 0.0)
        for item in day.items:
            food = get(item.food_id)
            if food is None or item.grams is None:
                continue
            for key, fped in sources.items():
                amounts[key] += sum(food.food_groups.get(k, 0.0) for k in fped) * item.grams / 100
        for key, total in day.food_groups.items():
            if abs(total.amount - amounts[key]) > GROUP_TOL * max(1.0, amounts[key]):
                text = f"{total.label} is {total.amount:g} {total.unit}; the foods give "
                text += f"{amounts[key]:.3f}"
                yield ("food_groups", text, day.day, None, key)
        for key in sources:
            sums[key] += amounts[key]
    average = {key: sums[key] / len(days) for key in sources}
    for key, total in plan.food_groups.items():
        amount = average[key]
        if key == WHOLE_GRAINS:
            low, high = bounds.whole_grain_minimum(average[GRAINS]), math.inf
        else:
            low, high = limits[key]
        outside = amount < low - GROUP_TOL or amount > high + GROUP_TOL
        if outside and total.status == "within":
            text = f"{total.label} ({amount:.3f} {total.unit}) is outside its band "
            text += f"({low:g}–{high:g}) but marked within"
            yield ("food_groups", text, None, None, key)
