"""From a solution to the plan a person reads: meals with household amounts, each day's totals
against the targets (with the foods whose values are unknown, imputed or unreliable), the
drinking water, the week's averages and the notes.

The plan is built from exact amounts, and every decision (a minimum met, a shortfall, a food
group's band) is taken on them; then :func:`finish` rounds its numbers to the precision
:mod:`mealplan.domain.plan` documents and adds the envelope (schema and package versions, data
releases, request, targets, nutrient units and FDC ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeVar, cast

import numpy as np
import pandas as pd

from mealplan._version import package_version
from mealplan.domain.energy import energy_range
from mealplan.domain.food_patterns import DGA_GROUPS_BY_KEY, GRAINS, PATTERN_TITLES
from mealplan.domain.plan import (
    COST_DECIMALS,
    GRAMS_DECIMALS,
    KCAL_DECIMALS,
    SCHEMA_VERSION,
    SERVINGS_DECIMALS,
    SOLVER_DECIMALS,
    DayPlan,
    DrinkingWater,
    FoodGroupTotal,
    Meal,
    MealRef,
    NutrientInfo,
    NutrientTotal,
    PlanItem,
    PlanShortfall,
    RequestRecord,
    SolverInfo,
    WeekPlan,
    amount_decimals,
    below_minimum,
    rounded,
)
from mealplan.domain.vocabulary import FREE_FORM_MEAL, ROLE_ORDER, FoodId
from mealplan.domain.wording import (
    B12_COUNTING_NOTE,
    GROUP_BAND_AT_LIMIT,
    GROUP_BAND_PROVEN,
    MEDICAL_NOTE,
    SHORTFALL_AT_LIMIT,
    SHORTFALL_NOTE,
    SHORTFALL_PROVEN,
    WATER_NOTE,
)
from mealplan.nutrients import BY_KEY
from mealplan.optimize._problem import ENERGY
from mealplan.planning.pools import CandidatePools
from mealplan.planning.problem import B12, WATER, PlanningProblem
from mealplan.safeguards import drinking_water


def selection_week(
    problem: PlanningProblem,
    pools: CandidatePools,
    picks: Sequence[Sequence[int]],
    info: SolverInfo,
) -> WeekPlan:
    """The week the selection model chose: ``picks[day][slot]`` is a candidate of that slot."""
    days = []
    for d in range(problem.days):
        meals = [
            meal(
                problem,
                spec.meal,
                pool.foods[c],
                pool.servings[c],
                pattern=int(pool.patterns[c]) if len(pool.patterns) else -1,
                parts=pool.parts[c] if pool.parts else (),
            )
            for spec, pool, c in zip(problem.slots, pools.pools, picks[d], strict=True)
        ]
        for s, c in enumerate(picks[d]):
            if (s, c) in pools.leftovers:
                dinner = problem.slots[pools.leftovers[(s, c)][0]].meal
                meals[s] = meals[s].model_copy(
                    update={"leftover_from": MealRef(day=d, meal=dinner)}
                )
        days.append(day(problem, d + 1, meals, info if problem.days == 1 else None))
    return finish(problem, week(problem, days, info))


def free_form_day(
    problem: PlanningProblem,
    positions: Sequence[int],
    servings: Sequence[float],
    info: SolverInfo,
) -> DayPlan:
    """One list of foods, without meal structure, with the plan's notes."""
    foods = meal(problem, FREE_FORM_MEAL, tuple(positions), tuple(servings))
    plan = day(problem, 1, [foods], info).model_copy(update={"notes": notes(problem)})
    return finish(problem, plan)


def meal(
    problem: PlanningProblem,
    name: str,
    positions: tuple[int, ...],
    servings: tuple[float, ...],
    *,
    pattern: int = -1,
    parts: tuple[int, ...] = (),
) -> Meal:
    """A meal's items, in its pattern's order (else main item first, by role), each in
    servings, grams and household words, with the part of the pattern it fills."""
    foods = problem.foods
    keys = reported_keys(problem)
    book = problem.plates.patterns[pattern] if pattern >= 0 else None
    part_of = dict(zip(positions, parts, strict=True)) if book is not None and parts else {}
    items = []
    for position, amount in sorted(
        zip(positions, servings, strict=True),
        key=lambda p: (
            part_of.get(p[0], 99),
            ROLE_ORDER.get(foods.roles[p[0]], 9),
            foods.names[p[0]],
        ),
    ):
        j = part_of.get(position, -1)
        serving_g = float(foods.serving_g[position])
        grams = None if np.isnan(serving_g) else amount * serving_g
        text = foods.serving_text[position]
        items.append(
            PlanItem(
                food_id=foods.ids[position],  # type: ignore[arg-type]
                fdc_id=foods.fdc_ids[position],
                name=foods.names[position],
                role=str(foods.roles[position]),
                servings=amount,
                grams=grams,
                serving_text=text,
                household=household(amount, text, grams),
                energy_kcal=amount * float(foods.energy[position]),
                food_code=foods.food_codes[position] if foods.food_codes else None,
                release=foods.releases[position] if foods.releases else None,
                part=book.components[j].name if book is not None and j >= 0 else None,
                nutrients=_item_nutrients(problem, keys, foods.ids[position], amount),  # type: ignore[arg-type]
            )
        )
    return Meal(
        name=name,
        items=items,
        energy_kcal=sum(i.energy_kcal for i in items),
        pattern=book.id if book is not None else None,
        pattern_name=book.name if book is not None else None,
    )


def reported_keys(problem: PlanningProblem) -> list[str]:
    """The nutrients a day totals (and each item lists): energy, the bounded ones, water."""
    water = [WATER] if WATER in problem.targets else []
    return [ENERGY, *problem.bounds.keys, *water]


def _unit(problem: PlanningProblem, key: str) -> str:
    bound = problem.targets.get(key)
    return bound.unit if bound and bound.unit else problem.catalog.units.get(key, "")


def _item_nutrients(
    problem: PlanningProblem, keys: Sequence[str], food: FoodId, servings: float
) -> dict[str, float | None]:
    """Each reported nutrient of ``servings`` of a food, rounded as its total is; None where
    the value is unknown (unreliable B12 counts 0, as in the totals)."""
    table = problem.per_serving
    row = table.loc[food] if food in table.index else None
    found: dict[str, float | None] = {}
    for key in keys:
        value: Any = row[key] if row is not None and key in table.columns else np.nan
        found[key] = (
            None
            if pd.isna(value)
            else rounded(servings * float(value), amount_decimals(_unit(problem, key)))
        )
    return found


def day(
    problem: PlanningProblem, number: int, meals: list[Meal], info: SolverInfo | None
) -> DayPlan:
    """A day with its totals and, when the targets set a water AI, its drinking water."""
    servings = _servings_by_food(meals)
    totals = _totals(problem, servings)
    drinking = None
    water = totals.get(WATER)
    if water is not None and water.min is not None:
        drinking = drinking_water(water.amount, water.min)
        amount = water.amount + drinking.grams
        totals[WATER] = water.model_copy(
            update={"amount": amount, "percent_of_target": round(100 * amount / water.min, 1)}
        )
    return DayPlan(
        day=number,
        meals=meals,
        totals=totals,
        cost=_cost(problem, servings),
        solver=info,
        drinking_water=drinking,
        food_pattern=food_pattern_name(problem),
        food_groups=food_groups(problem, _group_amounts(problem, servings)),
    )


def food_pattern_name(problem: PlanningProblem) -> str | None:
    """ "Healthy U.S.-Style pattern, 2,000 kcal", or None when groups are not tracked."""
    level = problem.food_pattern
    if level is None:
        return None
    return f"{PATTERN_TITLES[level.pattern]} pattern, {level.kcal:,} kcal"


def _group_amounts(problem: PlanningProblem, servings: pd.Series) -> dict[str, float]:
    level = problem.food_pattern
    if level is None or servings.empty:
        return {}
    foods = problem.foods
    rows = [foods.position[food] for food in servings.index]
    totals = servings.to_numpy(dtype=float) @ foods.groups[rows]
    return {key: float(totals[k]) for k, key in enumerate(level.amounts)}


def food_groups(problem: PlanningProblem, amounts: dict[str, float]) -> dict[str, FoodGroupTotal]:
    """Each group's amount against the pattern and the band the preferences set."""
    level, bounds = problem.food_pattern, problem.preferences.food_groups
    if level is None or bounds is None or not amounts:
        return {}
    limits = bounds.limits(level)
    result = {}
    for key, pattern_amount in level.amounts.items():
        amount = amounts.get(key, 0.0)
        if key in limits:
            low, high = limits[key]
        else:
            low, high = bounds.whole_grain_minimum(amounts.get(GRAINS, 0.0)), None
        status: Literal["within", "below", "above"] = "within"
        if below_minimum(amount, low):
            status = "below"
        elif high is not None and below_minimum(high, amount):
            status = "above"
        group = DGA_GROUPS_BY_KEY[key]
        result[key] = FoodGroupTotal(
            group=key,
            label=group.label,
            amount=round(amount, 3),
            unit=group.unit,
            pattern_amount=pattern_amount,
            ratio=round(amount / pattern_amount, 3) if pattern_amount else 0.0,
            low=round(low, 3),
            high=None if high is None else round(high, 3),
            status=status,
        )
    return result


def _group_notes(groups: dict[str, FoodGroupTotal], several: bool, *, proven: bool) -> list[str]:
    """A note for each group outside its band: reported, not hidden, with why as far as the
    solve proved it (``proven``: the menu is optimal, or within the gap, among the candidate
    meals; otherwise the solve stopped at its limit and a better menu may keep it inside)."""
    notes = []
    span = "on average per day" if several else "for the day"
    for total in groups.values():
        if total.status == "within":
            continue
        side = "below" if total.status == "below" else "above"
        band = (
            f"{total.low:g}–{total.high:g} {total.unit}"
            if total.high is not None
            else f"at least {total.low:g} {total.unit}, half the grains"
        )
        why = GROUP_BAND_PROVEN if proven else GROUP_BAND_AT_LIMIT
        notes.append(
            f"{total.label}: {total.amount:g} {total.unit} {span} ({total.ratio:.2f} × the "
            f"pattern), {side} its band ({band}). {why}"
        )
    return notes


def week(problem: PlanningProblem, days: list[DayPlan], info: SolverInfo) -> WeekPlan:
    """The days with each nutrient's average per day; weekly nutrients are marked as such."""
    weekly_keys = [k for k in problem.preferences.weekly_nutrients if k in problem.bounds.keys]
    several = len(days) > 1
    average: dict[str, NutrientTotal] = {}
    mean_energy = sum(d.totals[ENERGY].amount for d in days) / len(days)
    for key, first in days[0].totals.items():
        mean = sum(d.totals[key].amount for d in days) / len(days)
        bound = problem.targets.get(key)
        low, high = (
            bound.limits_at(mean_energy)
            if bound is not None and key != ENERGY
            else (first.min, first.max)
        )
        average[key] = first.model_copy(
            update={
                "amount": mean,
                "min": low,
                "max": high,
                "percent_of_target": round(100 * mean / low, 1) if low else None,
                "unknown_in": _id_sorted({n for d in days for n in d.totals[key].unknown_in}),
                "imputed_in": _id_sorted({n for d in days for n in d.totals[key].imputed_in}),
                "unreliable_in": _id_sorted({n for d in days for n in d.totals[key].unreliable_in}),
                "basis": "weekly" if key in weekly_keys and several else "daily",
            }
        )
    proven = info.status in ("optimal", "within_gap")
    shortfalls = _shortfalls(problem, days, average, weekly_keys, proven=proven)
    if several:
        days = [_mark_weekly(d, weekly_keys) for d in days]
    costs = [d.cost for d in days]
    groups = food_groups(
        problem,
        {
            key: sum(d.food_groups[key].amount for d in days if key in d.food_groups) / len(days)
            for key in days[0].food_groups
        },
    )
    return WeekPlan(
        days=days,
        weekly_average=average,
        weekly_nutrients=weekly_keys if several else [],
        cost=None if any(c is None for c in costs) else sum(c for c in costs if c is not None),
        solver=info,
        notes=notes(problem)
        + [short.message for short in shortfalls]
        + _group_notes(groups, several, proven=proven),
        shortfalls=shortfalls,
        food_pattern=food_pattern_name(problem),
        food_groups=groups,
        distinct_foods=_distinct_foods(problem, days),
    )


def _distinct_foods(problem: PlanningProblem, days: list[DayPlan]) -> int:
    foods = problem.foods
    ids = {item.food_id for day in days for item in day.items}
    return sum(1 for i in ids if i in foods.position and problem.plates.counted[foods.position[i]])


def mark_cap_lifted(problem: PlanningProblem, week: WeekPlan) -> WeekPlan:
    """A week planned without its distinct-food cap and staple kinds, saying so."""
    cap = problem.preferences.max_distinct_foods
    kinds = problem.preferences.max_staple_kinds
    limits = []
    if cap is not None:
        limits.append(f"at most {cap} distinct foods")
    if kinds is not None:
        limits.append(f"{kinds} kind{'s' if kinds > 1 else ''} of each staple")
    note = (
        f"No week with {' and '.join(limits)} met every nutrient target from the planner's "
        f"candidate meals, so this week was planned without those limits: it uses "
        f"{week.distinct_foods} distinct foods. The targets come first."
    )
    # The request as asked, with its cap, not the one planned without it.
    update = {"cap_lifted": True, "notes": [*week.notes, note], "request": _request(problem)}
    return week.model_copy(update=update)


def _shortfalls(
    problem: PlanningProblem,
    days: Sequence[DayPlan],
    average: dict[str, NutrientTotal],
    weekly_keys: Sequence[str],
    *,
    proven: bool,
) -> list[PlanShortfall]:
    """Each minimum the plan misses, by day or as the weekly average, stated in words; only
    a request that allows shortfalls can be planned with any."""
    if problem.preferences.shortfalls != "declare":
        return []
    weekly = set(weekly_keys) if len(days) > 1 else set()
    found = []
    for key in problem.bounds.keys:
        for day, total in (
            [(None, average[key])] if key in weekly else [(d.day, d.totals[key]) for d in days]
        ):
            if total.min is None or not below_minimum(total.amount, total.min):
                continue
            # A shortfall never reads as 100 % (a miss of 0.04 % rounds up to it).
            percent = min(round(100 * total.amount / total.min, 1), 99.9)
            when = "a day on average over the week" if day is None else f"on day {day}"
            found.append(
                PlanShortfall(
                    nutrient=key,
                    unit=total.unit,
                    amount=total.amount,
                    minimum=total.min,
                    percent_of_target=percent,
                    day=day,
                    message=SHORTFALL_NOTE.format(
                        nutrient=BY_KEY[key].label if key in BY_KEY else key.replace("_", " "),
                        amount=f"{total.amount:,.2f} {total.unit}",
                        when=when,
                        percent=f"{percent:g}",
                        minimum=f"{total.min:,.2f} {total.unit}",
                        why=SHORTFALL_PROVEN if proven else SHORTFALL_AT_LIMIT,
                    ),
                )
            )
    return found


def notes(problem: PlanningProblem) -> list[str]:
    """The plan's notes: the medical note, what the safety screen did, how B12 and water count."""
    found = [MEDICAL_NOTE, *problem.safety_notes]
    if B12 in problem.bounds.keys:
        found.append(B12_COUNTING_NOTE)
    if WATER in problem.targets:
        found.append(WATER_NOTE)
    return found


def _mark_weekly(plan: DayPlan, weekly_keys: list[str]) -> DayPlan:
    totals = {
        k: (t.model_copy(update={"basis": "weekly"}) if k in weekly_keys else t)
        for k, t in plan.totals.items()
    }
    return plan.model_copy(update={"totals": totals})


def _totals(problem: PlanningProblem, servings: pd.Series) -> dict[str, NutrientTotal]:
    """Each nutrient's total for the servings, with the foods whose value is unknown (counted
    as 0), an imputed zero, or not a reliable source. ``basis`` is "daily" here."""
    foods = problem.foods

    def names(ids: Iterable[FoodId]) -> list[FoodId]:
        """The foods' ids as the items carry them (not the table's numpy integers)."""
        return _id_sorted(cast(FoodId, foods.ids[foods.position[i]]) for i in ids)

    totals: dict[str, NutrientTotal] = {}
    for key in reported_keys(problem):
        unreliable: list[FoodId] = []
        if key in problem.per_serving:
            column = problem.per_serving.loc[servings.index, key]
            amount = float((column.fillna(0.0) * servings).sum())
            unknown = names(column.index[column.isna()])
            imputed_in = names(column.index[problem.imputed.loc[servings.index, key]])
            if key == B12:
                flags = problem.b12_unreliable.loc[servings.index]
                unreliable = names(flags.index[flags])
        else:
            amount, unknown, imputed_in = 0.0, names(servings.index), []
        bound = problem.targets.get(key)
        if key == ENERGY:
            low, high = energy_range(problem.targets, problem.preferences)
        elif bound is not None:
            # A share of energy is a share of this day's energy (totaled first).
            low, high = bound.limits_at(totals[ENERGY].amount)
        else:
            low, high = None, None
        unit = _unit(problem, key)
        totals[key] = NutrientTotal(
            nutrient=key,
            amount=amount,
            unit=unit,
            min=low,
            max=high,
            percent_of_target=round(100 * amount / low, 1) if low else None,
            unknown_in=unknown,
            imputed_in=imputed_in,
            unreliable_in=unreliable,
            source=bound.source if bound else None,
        )
    return totals


def _id_sorted(ids: Iterable[FoodId]) -> list[FoodId]:
    """Food ids in order: numbers first, by value, then text ids (a catalogue may mix them)."""
    return sorted(ids, key=lambda i: (1, i) if isinstance(i, str) else (0, i))


def _servings_by_food(meals: list[Meal]) -> pd.Series:
    amounts: dict[FoodId, float] = {}
    for plated in meals:
        for item in plated.items:
            amounts[item.food_id] = amounts.get(item.food_id, 0.0) + item.servings
    return pd.Series(amounts, dtype=float)


def _cost(problem: PlanningProblem, servings: pd.Series) -> float | None:
    """The day's cost, or None when a food in it has no price."""
    if servings.empty:
        return 0.0
    foods = problem.foods
    costs = pd.Series(foods.cost, index=foods.ids).loc[servings.index].astype(float)
    if costs.isna().any():
        return None
    return float((costs * servings).sum())


def _fraction(amount: float) -> str:
    whole = int(amount)
    if abs(amount - whole) < 1e-9:
        return str(whole)
    if abs(amount - whole - 0.5) < 1e-9:
        return f"{whole}½" if whole else "½"
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def household(amount: float, serving_text: str, grams: float | None) -> str:
    """The amount in words: "1½ × 1 cup (366 g)"."""
    weight = f" ({grams:.0f} g)" if grams is not None else ""
    if abs(amount - 1) < 1e-9:
        return f"{serving_text}{weight}"
    return f"{_fraction(amount)} × {serving_text}{weight}"


# -- the finished plan: rounded, with its envelope ----------------------------------------------

Plan = TypeVar("Plan", DayPlan, WeekPlan)


def finish(problem: PlanningProblem, plan: Plan) -> Plan:
    """The plan rounded to its documented precision, with its envelope (the days of a week
    leave theirs empty: the week states it once)."""
    if isinstance(plan, WeekPlan):
        days = [_rounded_day(d) for d in plan.days]
        done: Any = plan.model_copy(
            update={
                "days": days,
                "weekly_average": _rounded_totals(plan.weekly_average),
                "cost": rounded(plan.cost, COST_DECIMALS),
                "solver": _rounded_solver(plan.solver),
                "shortfalls": [_rounded_shortfall(s) for s in plan.shortfalls],
                **_envelope(problem, [item for d in days for item in d.items]),
            }
        )
        return done  # type: ignore[no-any-return]
    day_plan = _rounded_day(plan)
    return day_plan.model_copy(update=_envelope(problem, day_plan.items))


def _envelope(problem: PlanningProblem, items: Sequence[PlanItem]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "mealplan_version": package_version(),
        "data": sorted({problem.catalog.data_release(item.food_id) for item in items}),
        "request": _request(problem),
        "targets": problem.targets.model_dump(mode="json"),
        "nutrient_info": {
            key: _nutrient_info(key, _unit(problem, key)) for key in reported_keys(problem)
        },
    }


def _request(problem: PlanningProblem) -> RequestRecord:
    profile = problem.targets.profile
    return RequestRecord(
        profile=None if profile is None else profile.model_dump(mode="json"),
        preferences=problem.preferences.model_dump(mode="json"),
        days=problem.days,
    )


def _nutrient_info(key: str, unit: str) -> NutrientInfo:
    spec = BY_KEY.get(key)
    if spec is None:
        return NutrientInfo(label=key.replace("_", " ").capitalize(), unit=unit)
    ids = [nutrient_id for nutrient_id, _ in spec.sources]
    return NutrientInfo(
        label=spec.label, unit=unit, fdc_nutrient_id=ids[0], other_fdc_nutrient_ids=ids[1:]
    )


def _rounded_day(plan: DayPlan) -> DayPlan:
    meals = [
        m.model_copy(
            update={
                "items": [_rounded_item(i) for i in m.items],
                "energy_kcal": rounded(m.energy_kcal, KCAL_DECIMALS),
            }
        )
        for m in plan.meals
    ]
    return plan.model_copy(
        update={
            "meals": meals,
            "totals": _rounded_totals(plan.totals),
            "cost": rounded(plan.cost, COST_DECIMALS),
            "solver": _rounded_solver(plan.solver),
            "shortfalls": [_rounded_shortfall(s) for s in plan.shortfalls],
            "drinking_water": _rounded_water(plan.drinking_water),
        }
    )


def _rounded_item(item: PlanItem) -> PlanItem:
    return item.model_copy(
        update={
            "servings": rounded(item.servings, SERVINGS_DECIMALS),
            "grams": rounded(item.grams, GRAMS_DECIMALS),
            "energy_kcal": rounded(item.energy_kcal, KCAL_DECIMALS),
        }
    )


def _rounded_totals(totals: dict[str, NutrientTotal]) -> dict[str, NutrientTotal]:
    result = {}
    for key, total in totals.items():
        places = amount_decimals(total.unit)
        result[key] = total.model_copy(
            update={
                "amount": rounded(total.amount, places),
                "min": rounded(total.min, places),
                "max": rounded(total.max, places),
            }
        )
    return result


def _rounded_shortfall(short: PlanShortfall) -> PlanShortfall:
    places = amount_decimals(short.unit)
    return short.model_copy(
        update={
            "amount": rounded(short.amount, places),
            "minimum": rounded(short.minimum, places),
        }
    )


def _rounded_solver(info: SolverInfo | None) -> SolverInfo | None:
    if info is None:
        return None
    return info.model_copy(
        update={
            "objective": rounded(info.objective, SOLVER_DECIMALS),
            "bound": rounded(info.bound, SOLVER_DECIMALS),
            "gap": rounded(info.gap, SOLVER_DECIMALS),
        }
    )


def _rounded_water(water: DrinkingWater | None) -> DrinkingWater | None:
    if water is None:
        return None
    return water.model_copy(
        update={
            "grams": rounded(water.grams, GRAMS_DECIMALS),
            "from_food_g": rounded(water.from_food_g, GRAMS_DECIMALS),
            "target_g": rounded(water.target_g, GRAMS_DECIMALS),
        }
    )
