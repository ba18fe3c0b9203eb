"""An independent checker of plans: recompute everything from the catalogue, list what is wrong.

:func:`verify` shares no code with the optimizer on purpose: it is the oracle that every plan
the planner returns must pass, so a bug in the planner cannot hide behind the same bug here.
It reads only the plan, the catalogue, the targets and the preferences (whose meal rules are
data), recomputes every total and returns every violated bound, structure rule and preference.

Tolerances are small and fixed: nutrient amounts, servings and costs compare with a relative
1e-6 plus an absolute 1e-6; energy bands (the day's range and each meal's share) allow 0.5 kcal;
grams allow 0.01 g. A number the plan states (an item's grams and kcal, a meal's kcal, a total,
a weekly average, a stated shortfall, the week's cost) is rounded to the precision
:mod:`mealplan.domain.plan` documents, so it may also differ from the recomputed value by half
its last decimal (0.05 kcal, 0.05 g, 0.005 mg): the bounds themselves are checked on the
recomputed amounts, never on the stated ones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypedDict, get_args

from pydantic import BaseModel, ConfigDict

from mealplan import _verify_plates as plates
from mealplan.catalog import CatalogFood, FoodCatalog
from mealplan.domain.energy import energy_range
from mealplan.domain.patterns import PatternBook, pattern_book
from mealplan.domain.plan import (
    ABS_TOL,
    COST_DECIMALS,
    GRAMS_DECIMALS,
    KCAL_DECIMALS,
    REL_TOL,
    DayPlan,
    Meal,
    PlanItem,
    WeekPlan,
    amount_decimals,
    below_minimum,
)
from mealplan.domain.portions import serving_step
from mealplan.domain.vocabulary import FREE_FORM_MEAL, FoodId
from mealplan.preferences import MealRule, Preferences
from mealplan.safety import classify, person_rules, retinol_dense
from mealplan.targets import Targets

__all__ = ["RULES", "Violation", "verify"]

RuleCode = Literal[
    "unknown_food",
    "totals_mismatch",
    "grams_mismatch",
    "nutrient_min",
    "shortfall_mismatch",
    "nutrient_max",
    "energy_range",
    "meal_names",
    "items_per_meal",
    "required_role",
    "meal_tag",
    "servings_range",
    "servings_step",
    "meal_energy_band",
    "diet",
    "allergen",
    "excluded_food",
    "fortified",
    "lock",
    "weekly_repeats",
    "consecutive_main_item",
    "identical_days",
    "budget",
    "cost_mismatch",
    "food_safety",
    "retinol_unknown",
    "meal_pattern",
    "pattern_fit",
    "pairing",
    "distinct_foods",
    "staple_kinds",
    "leftover",
    "food_groups",
]

#: The rule codes in the order violations of one day and meal are listed.
RULES: tuple[str, ...] = get_args(RuleCode)

ENERGY_TOL_KCAL = 0.5
GRAMS_TOL = 0.01


class Violation(BaseModel):
    """One broken rule, located by day and meal, with a sentence a person can act on."""

    model_config = ConfigDict(frozen=True)

    rule: RuleCode
    #: The plan's day number; None for rules about the whole week.
    day: int | None = None
    meal: str | None = None
    #: A nutrient key or a food id (as text).
    subject: str | None = None
    message: str


class _Lookup:
    """Catalogue records by food id, read once per call for the foods a plan uses, with the
    per-serving amounts the checks add up: unknown counted as 0, and B12 from plant foods,
    algae, tempeh and mushrooms counted as 0 (not a reliable source)."""

    def __init__(self, catalog: FoodCatalog, keys: Sequence[str]) -> None:
        self._catalog = catalog
        self._reliable_b12 = catalog.b12_reliable()
        self._keys = list(keys)
        self._cache: dict[tuple[str, Any], CatalogFood | None] = {}
        self._amounts: dict[tuple[str, Any], dict[str, float]] = {}
        self.has_costs = catalog.has_costs

    def get(self, food_id: Any) -> CatalogFood | None:
        key = (type(food_id).__name__, food_id)
        if key not in self._cache:
            try:
                self._cache[key] = self._catalog.get(food_id)
            except TypeError:  # an unhashable id from a hand-made plan
                self._cache[key] = None
        return self._cache[key]

    def unreliable(self, food: CatalogFood, key: str) -> bool:
        """Whether ``key`` of ``food`` counts as 0 whatever its value (B12 of a food that is
        not a reliable source)."""
        return key == "vitamin_b12" and not self._reliable_b12[food.id]

    def amounts(self, food: CatalogFood) -> dict[str, float]:
        """Per-serving amounts of every checked key, unknown and unreliable counted as 0."""
        key = (type(food.id).__name__, food.id)
        if key not in self._amounts:
            values = {k: _known(food.per_serving.get(k)) for k in self._keys}
            if "vitamin_b12" in values and not self._reliable_b12[food.id]:
                values["vitamin_b12"] = 0.0
            self._amounts[key] = values
        return self._amounts[key]


def _optional(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _known(value: Any) -> float:
    """An amount with unknown counted as 0: unknown never helps meet a minimum."""
    number = _optional(value)
    return 0.0 if number is None else number


def _tol(*values: float) -> float:
    return ABS_TOL + REL_TOL * max((abs(v) for v in values), default=0.0)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _tol(a, b)


def _stated(stated: float, exact: float, decimals: int) -> bool:
    """Whether a number the plan states, rounded to ``decimals``, is ``exact``: within half its
    last decimal, plus the usual round-off."""
    return abs(stated - exact) <= 0.5 * 10.0**-decimals + _tol(stated, exact)


def _num(value: float) -> str:
    return f"{value:.6g}"


def _with_unit(value: float, unit: str) -> str:
    return f"{_num(value)} {unit}".rstrip()


class _Collector:
    """Accumulates violations; one place builds their location prefix."""

    def __init__(self) -> None:
        self.items: list[Violation] = []

    def add(
        self,
        rule: RuleCode,
        text: str,
        *,
        day: int | None = None,
        meal: str | None = None,
        subject: Any = None,
    ) -> None:
        where = "week" if day is None else f"day {day}"
        if meal is not None:
            where += f", {meal}"
        self.items.append(
            Violation(
                rule=rule,
                day=day,
                meal=meal,
                subject=None if subject is None else str(subject),
                message=f"{where}: {text}",
            )
        )


class _Where(TypedDict):
    """Where an item's violation sits, passed on to :meth:`_Collector.add` as keywords."""

    day: int
    meal: str
    subject: FoodId


def verify(
    plan: DayPlan | WeekPlan,
    catalog: FoodCatalog,
    targets: Targets,
    preferences: Preferences | None = None,
) -> list[Violation]:
    """Every rule the plan breaks, recomputed from the catalogue; an empty list if none.

    Deterministic: violations are ordered by day (week-wide ones last), then meal, then rule.
    """
    prefs = preferences if preferences is not None else Preferences()
    if isinstance(plan, WeekPlan):
        days = list(plan.days)
        weekly_keys = set(plan.weekly_nutrients)
    else:
        days = [plan]
        weekly_keys = set()
    keys = list(
        dict.fromkeys(
            [
                "energy",
                *targets.keys(),
                *catalog.nutrient_keys,
                *(key for day in days for key in day.totals),
            ]
        )
    )
    catalog_units = catalog.units
    units = {key: catalog_units.get(key, "") for key in keys}
    for key in targets:
        units[key] = targets[key].unit or units.get(key, "")
    units["energy"] = units.get("energy") or "kcal"
    lookup = _Lookup(catalog, keys)
    book = pattern_book()
    out = _Collector()
    declared = _Declared(plan, prefs)
    age = targets.profile.age if targets.profile is not None else None

    day_totals: list[dict[str, float]] = []
    day_costs: list[float | None] = []
    # A plan of schema 2.0 or later states every reported nutrient of every item.
    itemised = plan.schema_version is not None
    for day in days:
        totals = _check_items(day, lookup, keys, prefs, age, itemised, out)
        day_totals.append(totals)
        _check_totals(day, totals, units, out)
        _check_energy(day, totals, targets, prefs, out)
        _check_daily_bounds(day, totals, targets, units, weekly_keys, declared, out)
        _check_structure(day, lookup, totals, prefs, out)
        _check_locks(day, prefs, out)
        day_costs.append(_check_cost(day, lookup, prefs, out))
        _add(out, plates.meal_findings(day, lookup.get, prefs, book))

    _check_food_safety(days, lookup, targets, prefs, out)

    if isinstance(plan, WeekPlan):
        _check_weekly_bounds(day_totals, targets, units, weekly_keys, declared, out)
        _check_weekly_average(plan, day_totals, units, out)
        _check_week_rules(plan, lookup, prefs, book, out)
        _check_week_cost(plan, day_costs, out)
        _add(out, plates.week_findings(plan, lookup.get, prefs, book))
    energy = energy_range(targets, prefs)
    known_energy = None if energy[0] is None or energy[1] is None else (energy[0], energy[1])
    vegetarian = prefs.diet in ("vegetarian", "vegan")
    _add(out, plates.group_findings(plan, lookup.get, prefs, known_energy, vegetarian))

    declared.check_all_found(units, out)
    return _ordered(out.items, prefs)


def _add(out: _Collector, findings: Iterable[plates.Finding]) -> None:
    for rule, text, day, meal, subject in findings:
        out.add(rule, text, day=day, meal=meal, subject=subject)  # type: ignore[arg-type]


# -- per item ----------------------------------------------------------------------------------


def _check_items(
    day: DayPlan,
    lookup: _Lookup,
    keys: Sequence[str],
    prefs: Preferences,
    age: float | None,
    itemised: bool,
    out: _Collector,
) -> dict[str, float]:
    """Item-level rules, and the day's nutrient totals summed from the catalogue (``age``: the
    person's, which sets the servings' step; ``itemised``: items must state their nutrients)."""
    totals = dict.fromkeys(keys, 0.0)
    continuous = day.solver is not None and day.solver.formulation == "continuous"
    excluded = set(prefs.exclude_foods)
    for meal in day.meals:
        for item in meal.items:
            food = lookup.get(item.food_id)
            where: _Where = {"day": day.day, "meal": meal.name, "subject": item.food_id}
            if food is None:
                out.add(
                    "unknown_food",
                    f"food {item.food_id!r} ({item.name}) is not in the catalogue",
                    **where,
                )
                continue
            label = f"{food.name} ({food.id})"
            for key in keys:
                totals[key] += item.servings * lookup.amounts(food)[key]
            _check_item_amounts(item, food, lookup.amounts(food)["energy"], label, where, out)
            _check_item_nutrients(item, food, lookup, day, itemised, label, where, out)
            _check_servings(item, food, label, continuous, age, where, out)
            _check_item_preferences(food, label, prefs, excluded, where, out)
    if day.drinking_water is not None and "water" in totals:
        # Plain drinking water is part of the plan: 1 mL = 1 g of water.
        totals["water"] += day.drinking_water.grams
    return totals


def _check_item_nutrients(
    item: PlanItem,
    food: CatalogFood,
    lookup: _Lookup,
    day: DayPlan,
    itemised: bool,
    label: str,
    where: _Where,
    out: _Collector,
) -> None:
    """Each nutrient an item states is its servings of the catalogue's value (unreliable B12
    as 0, like the totals), rounded as its total is; ``null`` exactly where the value is
    unknown, or 0 where the value counts as 0 (an imputed zero; B12 of a food that is not a
    reliable source). An ``itemised`` plan (schema 2.0 on) states every nutrient of the day's
    totals for every item; plans saved before state none, and pass."""
    if itemised:
        for key in day.totals:
            if key not in item.nutrients:
                out.add("totals_mismatch", f"{label} states nothing for {key}", **where)
    for key, stated in item.nutrients.items():
        known = _optional(food.per_serving.get(key)) is not None
        total = day.totals.get(key)
        unit = total.unit if total is not None else ""
        counted_zero = lookup.unreliable(food, key) or (
            total is not None
            and (item.food_id in total.imputed_in or item.food_id in total.unreliable_in)
        )
        if stated is None or not known:
            if (stated is None) != (not known) and not (counted_zero and stated == 0):
                shown = "no value" if stated is None else _with_unit(stated, unit)
                truth = "a value" if known else "no known value"
                out.add(
                    "totals_mismatch",
                    f"{label} states {shown} for {key}, but the catalogue has {truth}",
                    **where,
                )
            continue
        exact = item.servings * lookup.amounts(food).get(key, 0.0)
        if not _stated(stated, exact, amount_decimals(unit)):
            out.add(
                "totals_mismatch",
                f"{label} states {_with_unit(stated, unit)} of {key}, but "
                f"{_num(item.servings)} serving(s) in the catalogue give {_with_unit(exact, unit)}",
                **where,
            )


def _check_item_amounts(
    item: PlanItem,
    food: CatalogFood,
    kcal_per_serving: float,
    label: str,
    where: _Where,
    out: _Collector,
) -> None:
    if food.serving_g is None:
        if item.grams is not None:
            out.add(
                "grams_mismatch",
                f"{label} has {_num(item.grams)} g but its serving has no known gram weight",
                **where,
            )
    else:
        expected = item.servings * food.serving_g
        rounding = 0.5 * 10.0**-GRAMS_DECIMALS
        if item.grams is None or abs(item.grams - expected) > GRAMS_TOL + rounding:
            shown = "no weight" if item.grams is None else f"{_num(item.grams)} g"
            out.add(
                "grams_mismatch",
                f"{label} has {shown}; {_num(item.servings)} × {_num(food.serving_g)} g "
                f"= {_num(expected)} g",
                **where,
            )
    energy = item.servings * kcal_per_serving
    if not _stated(item.energy_kcal, energy, KCAL_DECIMALS):
        out.add(
            "totals_mismatch",
            f"{label} is listed at {_num(item.energy_kcal)} kcal but the catalogue gives "
            f"{_num(energy)} kcal",
            **where,
        )


def _check_servings(
    item: PlanItem,
    food: CatalogFood,
    label: str,
    continuous: bool,
    age: float | None,
    where: _Where,
    out: _Collector,
) -> None:
    servings = item.servings
    # Continuous amounts are the classic LP: a minimum serving needs whole servings.
    low, high = (0.0 if continuous else food.min_servings), food.max_servings
    if not servings > 0:
        out.add(
            "servings_range",
            f"{label} has {_num(servings)} servings; servings must be positive",
            **where,
        )
    elif servings < low - _tol(low) or servings > high + _tol(high):
        out.add(
            "servings_range",
            f"{label} has {_num(servings)} servings, outside its allowed {_num(low)}–{_num(high)}",
            **where,
        )
    if continuous or not math.isfinite(servings):
        return
    step = serving_step(food.half_servings, age)
    units = servings / step
    if abs(units - round(units)) > _tol(units):
        out.add(
            "servings_step",
            f"{label} has {_num(servings)} servings, not a multiple of {_num(step)}",
            **where,
        )


def _check_item_preferences(
    food: CatalogFood,
    label: str,
    prefs: Preferences,
    excluded: set[Any],
    where: _Where,
    out: _Collector,
) -> None:
    if prefs.diet not in food.diets:
        out.add("diet", f"{label} is not {prefs.diet}", **where)
    for flag, wanted in (("dairy_free", prefs.dairy_free), ("gluten_free", prefs.gluten_free)):
        if wanted and flag not in food.diets:
            out.add("diet", f"{label} is not tagged {flag.replace('_', '-')}", **where)
    hits = [a for a in prefs.exclude_allergens if a in food.allergens]
    if hits:
        out.add("allergen", f"{label} contains excluded allergen(s) {', '.join(hits)}", **where)
    if food.id in excluded:
        out.add("excluded_food", f"{label} is an excluded food", **where)
    if food.fortified and not prefs.allow_fortified:
        out.add("fortified", f"{label} is fortified and fortified foods are not allowed", **where)


# -- per day -----------------------------------------------------------------------------------


def _check_totals(
    day: DayPlan, totals: dict[str, float], units: dict[str, str], out: _Collector
) -> None:
    for key, given in day.totals.items():
        expected = totals.get(key, 0.0)
        if not _stated(given.amount, expected, amount_decimals(given.unit)):
            out.add(
                "totals_mismatch",
                f"{key} is reported as {_with_unit(given.amount, units.get(key, ''))} but the "
                f"items add up to {_with_unit(expected, units.get(key, ''))}",
                day=day.day,
                subject=key,
            )


def _check_energy(
    day: DayPlan,
    totals: dict[str, float],
    targets: Targets,
    prefs: Preferences,
    out: _Collector,
) -> None:
    low, high = energy_range(targets, prefs)
    energy = totals["energy"]
    source = "the calories preference" if prefs.calories is not None else "the energy target"
    if low is not None and energy < low - ENERGY_TOL_KCAL:
        out.add(
            "energy_range",
            f"energy {_num(energy)} kcal is below the minimum {_num(low)} kcal of {source}",
            day=day.day,
            subject="energy",
        )
    if high is not None and energy > high + ENERGY_TOL_KCAL:
        out.add(
            "energy_range",
            f"energy {_num(energy)} kcal is above the maximum {_num(high)} kcal of {source}",
            day=day.day,
            subject="energy",
        )


class _Declared:
    """The shortfalls a plan states, when the preferences allow them: a minimum the plan misses
    is no violation if it is stated with the amount the catalogue gives."""

    def __init__(self, plan: DayPlan | WeekPlan, prefs: Preferences) -> None:
        allowed = prefs.shortfalls == "declare"
        self._stated = {(s.nutrient, s.day): s.amount for s in plan.shortfalls} if allowed else {}
        self._found: set[tuple[str, int | None]] = set()

    def accepts(self, key: str, day: int | None, amount: float, unit: str, out: _Collector) -> bool:
        """True when the shortfall is stated; a stated amount that differs is a violation."""
        stated = self._stated.get((key, day))
        if stated is None:
            return False
        self._found.add((key, day))
        if not _stated(stated, amount, amount_decimals(unit)):
            out.add(
                "shortfall_mismatch",
                f"{key} is stated as {_with_unit(stated, unit)} but the plan gives "
                f"{_with_unit(amount, unit)}",
                day=day,
                subject=key,
            )
        return True

    def check_all_found(self, units: dict[str, str], out: _Collector) -> None:
        """A stated shortfall the plan does not have is a violation too."""
        for key, day in sorted(set(self._stated) - self._found, key=str):
            stated = _with_unit(self._stated[(key, day)], units.get(key, ""))
            out.add(
                "shortfall_mismatch",
                f"{key} is stated as short ({stated}) but the plan meets its minimum",
                day=day,
                subject=key,
            )


def _check_daily_bounds(
    day: DayPlan,
    totals: dict[str, float],
    targets: Targets,
    units: dict[str, str],
    weekly_keys: set[str],
    declared: _Declared,
    out: _Collector,
) -> None:
    for key, bound in targets.items():
        if key == "energy":
            continue
        amount = totals.get(key, 0.0)
        unit = units.get(key, "")
        low, high = bound.limits_at(totals.get("energy"))
        of_energy = " for the day's energy" if bound.per_kcal is not None else ""
        if (
            low is not None
            and key not in weekly_keys
            and below_minimum(amount, low)
            and not declared.accepts(key, day.day, amount, unit, out)
        ):
            out.add(
                "nutrient_min",
                f"{key} {_with_unit(amount, unit)} is below the daily minimum "
                f"{_with_unit(low, unit)}{of_energy}",
                day=day.day,
                subject=key,
            )
        if high is not None and amount > high + _tol(high):
            out.add(
                "nutrient_max",
                f"{key} {_with_unit(amount, unit)} is above the daily maximum "
                f"{_with_unit(high, unit)}{of_energy}",
                day=day.day,
                subject=key,
            )


def _check_structure(
    day: DayPlan,
    lookup: _Lookup,
    totals: dict[str, float],
    prefs: Preferences,
    out: _Collector,
) -> None:
    """The meals' listed energy, their names, and each planned meal's rule and energy share."""
    meal_energy = _check_meal_totals(day, lookup, out)
    names = [meal.name for meal in day.meals]
    if prefs.meals is None:
        if names != [FREE_FORM_MEAL]:
            out.add(
                "meal_names",
                f"a plan without meal structure has one meal named {FREE_FORM_MEAL!r}, not {names}",
                day=day.day,
            )
        return
    wanted = list(prefs.meals)
    if names != wanted:
        out.add("meal_names", f"meals are {names}, expected {wanted} in order", day=day.day)
    bands = prefs.energy_bands()
    day_energy = totals["energy"]
    for meal, energy in zip(day.meals, meal_energy, strict=True):
        if meal.name not in wanted:
            continue
        _check_meal_rule(day.day, meal, prefs.rule(meal.name), lookup, out)
        _check_meal_band(day.day, meal.name, energy, bands[meal.name], day_energy, out)


def _check_meal_totals(day: DayPlan, lookup: _Lookup, out: _Collector) -> list[float]:
    """Each meal's energy from the catalogue, flagging repeated items and a wrong listed energy."""
    meal_energy: list[float] = []
    for meal in day.meals:
        _check_duplicates(day.day, meal.name, meal.items, out)
        energy = 0.0
        for item in meal.items:
            food = lookup.get(item.food_id)
            if food is not None:
                energy += item.servings * lookup.amounts(food)["energy"]
        meal_energy.append(energy)
        if not _stated(meal.energy_kcal, energy, KCAL_DECIMALS):
            out.add(
                "totals_mismatch",
                f"the meal is listed at {_num(meal.energy_kcal)} kcal but its items add up to "
                f"{_num(energy)} kcal",
                day=day.day,
                meal=meal.name,
                subject="energy",
            )
    return meal_energy


def _check_meal_rule(
    day: int, meal: Meal, rule: MealRule, lookup: _Lookup, out: _Collector
) -> None:
    """A planned meal's item count, required roles, and foods tagged for that meal."""
    count = len(meal.items)
    if not rule.min_items <= count <= rule.max_items:
        out.add(
            "items_per_meal",
            f"{count} items; a {meal.name} has {rule.min_items}–{rule.max_items}",
            day=day,
            meal=meal.name,
        )
    known = [f for f in (lookup.get(item.food_id) for item in meal.items) if f is not None]
    # A food fills a role by its own role or by what it covers (a burrito fills protein), as
    # the candidate meals are built.
    roles = {food.role for food in known}.union(*(food.covers for food in known))
    for role in rule.required_roles:
        if role not in roles:
            out.add(
                "required_role",
                f"no {role} item; a {meal.name} needs {', '.join(rule.required_roles)}",
                day=day,
                meal=meal.name,
                subject=role,
            )
    for food in known:
        if meal.name not in food.meals:
            out.add(
                "meal_tag",
                f"{food.name} ({food.id}) is tagged for {', '.join(food.meals)}, not {meal.name}",
                day=day,
                meal=meal.name,
                subject=food.id,
            )


def _check_meal_band(
    day: int,
    meal: str,
    energy: float,
    band: tuple[float, float],
    day_energy: float,
    out: _Collector,
) -> None:
    """A meal's energy within its (low, high) share of the day's, give or take 0.5 kcal."""
    low, high = band
    if not low * day_energy - ENERGY_TOL_KCAL <= energy <= high * day_energy + ENERGY_TOL_KCAL:
        out.add(
            "meal_energy_band",
            f"{_num(energy)} kcal is outside {_num(low * 100)}–{_num(high * 100)} % of the "
            f"day's {_num(day_energy)} kcal ({_num(low * day_energy)}–"
            f"{_num(high * day_energy)} kcal)",
            day=day,
            meal=meal,
            subject="energy",
        )


def _check_duplicates(day: int, meal: str, items: Iterable[PlanItem], out: _Collector) -> None:
    counts = Counter(_id_key(item.food_id) for item in items)
    seen: set[tuple[str, str]] = set()
    for item in items:
        key = _id_key(item.food_id)
        if counts[key] > 1 and key not in seen:
            seen.add(key)
            out.add(
                "items_per_meal",
                f"{item.name} ({item.food_id}) appears {counts[key]} times in one meal",
                day=day,
                meal=meal,
                subject=item.food_id,
            )


def _id_key(food_id: Any) -> tuple[str, str]:
    """A hashable, type-aware key so that 123 and "123" stay different foods."""
    return (type(food_id).__name__, str(food_id))


def _check_locks(day: DayPlan, prefs: Preferences, out: _Collector) -> None:
    for lock in prefs.locks:
        if lock.day is not None and lock.day != day.day:
            continue
        # Without meal structure there is one meal, so a lock's meal cannot be kept literally.
        meal_name = lock.meal if prefs.meals is not None else None
        matches = [
            item
            for meal in day.meals
            if meal_name is None or meal.name == meal_name
            for item in meal.items
            if _id_key(item.food_id) == _id_key(lock.food)
        ]
        place = "the plan" if meal_name is None else meal_name
        if not matches:
            out.add(
                "lock",
                f"locked food {lock.food!r} is missing from {place}",
                day=day.day,
                meal=meal_name,
                subject=lock.food,
            )
        elif lock.servings is not None and not any(
            _close(item.servings, lock.servings) for item in matches
        ):
            found = ", ".join(_num(item.servings) for item in matches)
            out.add(
                "lock",
                f"locked food {lock.food!r} has {found} servings in {place}, "
                f"locked at {_num(lock.servings)}",
                day=day.day,
                meal=meal_name,
                subject=lock.food,
            )


def _check_cost(day: DayPlan, lookup: _Lookup, prefs: Preferences, out: _Collector) -> float | None:
    """The day's recomputed cost (None when any item's cost is unknown)."""
    total = 0.0
    unknown: list[str] = []
    for item in day.items:
        food = lookup.get(item.food_id)
        if food is None:
            continue
        if food.cost is None:
            unknown.append(f"{food.name} ({food.id})")
        else:
            total += item.servings * food.cost
    cost = None if unknown else total
    budget = prefs.budget_per_day
    if budget is not None and lookup.has_costs:
        if unknown:
            out.add(
                "budget",
                f"the cost of {', '.join(unknown)} is unknown, so the budget "
                f"{_num(budget)} per day cannot be shown to hold",
                day=day.day,
            )
        elif total > budget + _tol(budget):
            out.add(
                "budget",
                f"cost {_num(total)} is above the budget {_num(budget)} per day",
                day=day.day,
            )
    if day.cost is not None:
        if cost is None:
            out.add(
                "cost_mismatch",
                f"cost is reported as {_num(day.cost)} but the cost of "
                f"{', '.join(unknown)} is unknown",
                day=day.day,
            )
        elif not _stated(day.cost, cost, COST_DECIMALS):
            out.add(
                "cost_mismatch",
                f"cost is reported as {_num(day.cost)} but the items add up to {_num(cost)}",
                day=day.day,
            )
    return cost


def _check_food_safety(
    days: list[DayPlan], lookup: _Lookup, targets: Targets, prefs: Preferences, out: _Collector
) -> None:
    """No food the profile's life-stage rules exclude (unless the preferences switch the rule
    off), and no organ meat or fish-liver food with an unknown retinol value under a retinol
    limit: its vitamin A counts as over the limit, not as zero."""
    profile = targets.profile
    rules = (
        ()
        if profile is None
        else person_rules(
            profile.age,
            profile.pregnant,
            profile.lactating,
            prefs.override_safety_rules,
            sex=profile.sex,
        )[0]
    )
    retinol = targets.get("retinol")
    capped = retinol is not None and retinol.max is not None
    placed = [
        (day.day, meal.name, food)
        for day in days
        for meal in day.meals
        for item in meal.items
        if (food := lookup.get(item.food_id)) is not None
    ]
    if not placed or (not rules and not capped):
        return
    names = [food.name for _, _, food in placed]
    descriptions = [food.description for _, _, food in placed]
    categories = [food.category for _, _, food in placed]
    verdicts = classify(names, descriptions, categories, rules)
    dense = retinol_dense(names, descriptions, categories)
    stage = profile.describe_stage if profile is not None else ""
    for (day, meal, food), hits, organ in zip(placed, verdicts, dense, strict=True):
        for rule_id in hits:
            out.add(
                "food_safety",
                f"{food.name} ({food.id}) is excluded for {stage} by the food-safety rule "
                f"{rule_id!r}",
                day=day,
                meal=meal,
                subject=food.id,
            )
        if capped and organ and food.per_serving.get("retinol") is None:
            out.add(
                "retinol_unknown",
                f"{food.name} ({food.id}) is an organ meat or fish-liver food with no retinol "
                "value; under a retinol limit it counts as over the limit",
                day=day,
                meal=meal,
                subject=food.id,
            )


# -- per week ----------------------------------------------------------------------------------


def _check_weekly_bounds(
    day_totals: list[dict[str, float]],
    targets: Targets,
    units: dict[str, str],
    weekly_keys: set[str],
    declared: _Declared,
    out: _Collector,
) -> None:
    if not day_totals:
        return
    mean_energy = sum(t.get("energy", 0.0) for t in day_totals) / len(day_totals)
    for key, bound in targets.items():
        low, _ = bound.limits_at(mean_energy)
        if key == "energy" or key not in weekly_keys or low is None:
            continue
        mean = sum(t.get(key, 0.0) for t in day_totals) / len(day_totals)
        unit = units.get(key, "")
        if below_minimum(mean, low) and not declared.accepts(key, None, mean, unit, out):
            out.add(
                "nutrient_min",
                f"{key} {_with_unit(mean, unit)} per day on average is below the "
                f"weekly-average minimum {_with_unit(low, unit)}",
                subject=key,
            )


def _check_weekly_average(
    plan: WeekPlan, day_totals: list[dict[str, float]], units: dict[str, str], out: _Collector
) -> None:
    if not day_totals:
        return
    for key, given in plan.weekly_average.items():
        mean = sum(t.get(key, 0.0) for t in day_totals) / len(day_totals)
        if not _stated(given.amount, mean, amount_decimals(given.unit)):
            unit = units.get(key, "")
            out.add(
                "totals_mismatch",
                f"the weekly average of {key} is reported as {_with_unit(given.amount, unit)} "
                f"but the days average {_with_unit(mean, unit)}",
                subject=key,
            )


def _check_week_rules(
    plan: WeekPlan, lookup: _Lookup, prefs: Preferences, book: PatternBook, out: _Collector
) -> None:
    locked = {_id_key(lock.food) for lock in prefs.locks}
    uses: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    mains_by_day: list[set[tuple[str, str]]] = []
    for day in plan.days:
        mains: set[tuple[str, str]] = set()
        for meal in day.meals:
            for food_id in plates.main_items(meal, lookup.get, book):
                food = lookup.get(food_id)
                key = _id_key(food_id)
                if food is None or key in locked:
                    continue
                uses[key] += 1
                names[key] = f"{food.name} ({food.id})"
                mains.add(key)
        mains_by_day.append(mains)
    for key in sorted(uses):
        if uses[key] > prefs.max_repeats_per_week:
            out.add(
                "weekly_repeats",
                f"main item {names[key]} appears {uses[key]} times; at most "
                f"{prefs.max_repeats_per_week} per week",
                subject=key[1],
            )
    for index in range(1, len(plan.days)):
        for key in sorted(mains_by_day[index - 1] & mains_by_day[index]):
            out.add(
                "consecutive_main_item",
                f"main item {names[key]} is also on day {plan.days[index - 1].day}, the day before",
                day=plan.days[index].day,
                subject=key[1],
            )
    signatures = [
        Counter(
            (meal.name, _id_key(item.food_id), round(item.servings, 6))
            for meal in day.meals
            for item in meal.items
        )
        for day in plan.days
    ]
    for j, day in enumerate(plan.days):
        for i in range(j):
            if signatures[i] == signatures[j]:
                out.add(
                    "identical_days",
                    f"the menu is identical to day {plan.days[i].day}",
                    day=day.day,
                )
                break


def _check_week_cost(plan: WeekPlan, day_costs: list[float | None], out: _Collector) -> None:
    if plan.cost is None:
        return
    if any(cost is None for cost in day_costs):
        out.add(
            "cost_mismatch",
            f"the week's cost is reported as {_num(plan.cost)} but some foods' costs are unknown",
        )
        return
    total = sum(cost for cost in day_costs if cost is not None)
    if not _stated(plan.cost, total, COST_DECIMALS):
        out.add(
            "cost_mismatch",
            f"the week's cost is reported as {_num(plan.cost)} but the days add up to "
            f"{_num(total)}",
        )


# -- ordering ----------------------------------------------------------------------------------


def _ordered(violations: list[Violation], prefs: Preferences) -> list[Violation]:
    """By day (week-wide last), then meal (day-wide first, then in meal order), then rule."""
    meal_order = [*(prefs.meals or ()), FREE_FORM_MEAL, "breakfast", "lunch", "dinner", "snack"]
    rank = {rule: i for i, rule in enumerate(RULES)}

    def key(v: Violation) -> tuple[Any, ...]:
        day = (1, 0) if v.day is None else (0, v.day)
        if v.meal is None:
            meal: tuple[int, int, str] = (0, 0, "")
        elif v.meal in meal_order:
            meal = (1, meal_order.index(v.meal), "")
        else:
            meal = (2, 0, v.meal)
        return (day, meal, rank[v.rule], v.subject or "", v.message)

    return sorted(violations, key=key)
