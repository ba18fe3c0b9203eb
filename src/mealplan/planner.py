"""Planner: daily and weekly menus as a mixed-integer program over candidate meals.

``Planner(catalog).plan_day(targets, preferences)`` and ``.plan_week(...)``. The same inputs give
the same plan: candidate meals are drawn from a random generator seeded by a digest of the
inputs, and HiGHS runs single-threaded with a fixed seed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from mealplan import _validate
from mealplan.catalog import FoodCatalog
from mealplan.domain.diagnosis import Diagnosis, Shortage
from mealplan.domain.plan import DayPlan, Meal, NutrientTotal, PlanItem, SolverInfo, WeekPlan
from mealplan.domain.vocabulary import FREE_FORM_MEAL, MAIN_ROLES, ROLE_ORDER
from mealplan.domain.wording import (
    B12_COUNTING_NOTE,
    B12_SHORT_NOTE,
    MEDICAL_NOTE,
    VITAMIN_D_SHORT_NOTE,
    WATER_NOTE,
)
from mealplan.errors import InfeasiblePlanError, PlannerError
from mealplan.optimize._candidates import Candidates, SlotSpec, generate, nutrient_weights
from mealplan.optimize._diagnose import EnergyUnreachable, Shortfall, shortfalls
from mealplan.optimize._model import WeekRules, build_direct, build_selection, chosen
from mealplan.optimize._problem import ENERGY, Bounds, FoodArrays, food_arrays
from mealplan.optimize._solve import SolveResult, check_solver, solve
from mealplan.preferences import ObjectiveWeights, Preferences
from mealplan.safeguards import drinking_water, screen
from mealplan.targets import Targets

logger = logging.getLogger(__name__)

B12 = "vitamin_b12"
WATER = "water"
#: Candidate meals per slot: measured on the default catalogue (benchmarks/), 50 a slot solve
#: a day in ~0.07 s with no infeasible day over 42 varied profiles; 64 keep a week under 3 s.
_DAY_CANDIDATES = 50
_WEEK_CANDIDATES_PER_DAY = 24
_LOCK_CANDIDATES_PER_DAY = 12
#: "Servings not fixed" for a locked food (one object, so equal lock sets compare equal).
_FREE = float("nan")


@dataclass
class _Setup:
    """Everything a solve needs, derived once from the inputs."""

    catalog: FoodCatalog
    foods: FoodArrays
    bounds: Bounds
    preferences: Preferences
    targets: Targets
    energy_target: float
    seed: int
    #: The allowed foods' table, nutrients per serving and imputed-zero flags, read once.
    table: pd.DataFrame
    per_serving: pd.DataFrame
    imputed: pd.DataFrame
    #: Allowed foods whose B12 is not a reliable source: counted as 0 and flagged in the totals.
    b12_unreliable: pd.Series
    #: Plan notes from the safety screen: the rules applied, overrides, foods left out.
    safety_notes: list[str]


def _describe_diet(preferences: Preferences) -> str:
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


def _fmt(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


class Planner:
    """Builds menus from a catalogue. Holds no state between calls; safe to reuse.

    ``time_limit`` (seconds, finite and > 0) bounds each solve; ``gap`` is the relative MIP gap
    in [0, 1) at which HiGHS may stop (0.01 = within 1 % of the best possible objective).

    Bad arguments raise :class:`~mealplan.errors.PlannerError` naming the argument, before any
    solve. Food ids in ``preferences.exclude_foods``, ``dislikes`` or ``likes`` that the catalogue
    lacks are logged as a WARNING (logger ``mealplan.planner``) and ignored; with
    ``strict=True`` they raise :class:`~mealplan.errors.UnknownFoodError` instead. An unknown
    food in ``preferences.locks`` always raises it.
    """

    def __init__(
        self,
        catalog: FoodCatalog,
        solver: str = "highs",
        time_limit: float = 10.0,
        gap: float = 0.01,
        *,
        verbose: bool = False,
        strict: bool = False,
    ) -> None:
        check_solver(solver)
        self.catalog = _validate.check_catalog(catalog)
        self.solver = solver
        self.time_limit = _validate.check_time_limit(time_limit)
        self.gap = _validate.check_gap(gap)
        self.verbose = _validate.check_flag("verbose", verbose)
        self.strict = _validate.check_flag("strict", strict)

    # -- public -----------------------------------------------------------------------------
    def plan_day(
        self,
        targets: Targets,
        preferences: Preferences | None = None,
        *,
        integer_servings: bool = True,
        objective: Literal["balanced", "cost"] = "balanced",
    ) -> DayPlan:
        """One day's menu meeting every target that day.

        ``targets`` must be :class:`Targets` and ``preferences`` :class:`Preferences` or None (the
        defaults); a dict is refused with a :class:`PlannerError` rather than converted: build
        one with ``Preferences.model_validate(data)``, which names any bad field. The checks of
        :class:`Planner` apply: ``weekly_nutrients`` must name mealplan nutrients or the targets'
        keys, a lock's day must be 1, locked foods must be in the catalogue. Raises
        :class:`InfeasiblePlanError` with a diagnosis when no plan exists.
        """
        targets, preferences = _validate.check_plan(
            targets, preferences, self.catalog, days=1, strict=self.strict, logger=logger
        )
        _validate.check_flag("integer_servings", integer_servings)
        if objective not in ("balanced", "cost"):
            raise PlannerError(f"objective: must be 'balanced' or 'cost' (got {objective!r})")
        if not integer_servings and preferences.meals is not None:
            raise PlannerError(
                "integer_servings: continuous amounts plan one free-form list of foods; "
                "pass Preferences(meals=None) with integer_servings=False"
            )
        if objective == "cost" and self.catalog.foods["cost"].isna().all():
            raise PlannerError("objective: 'cost' needs a catalogue with prices (cost_column)")
        setup = self._setup(targets, preferences, days=1, weekly=False)
        self._check_foods_left(setup)
        if preferences.meals is None:
            return self._plan_direct(setup, integer_servings, objective)
        if objective == "cost":
            cost_only = ObjectiveWeights(
                calorie_deviation=0, disliked=0, liked=0, cost=1, serving_size=0
            )
            setup.preferences = preferences.model_copy(update={"weights": cost_only})
        week = self._plan_selection(setup, days=1, keep=None, replan=())
        return week.days[0].model_copy(update={"notes": week.notes})

    def plan_week(
        self,
        targets: Targets,
        preferences: Preferences | None = None,
        days: int = 7,
        *,
        keep: WeekPlan | None = None,
        replan: Iterable[int] = (),
    ) -> WeekPlan:
        """A menu for ``days`` days. Nutrients in ``preferences.weekly_nutrients`` (vitamin D and
        B12 by default: the body stores them) are met as a weekly average, the rest every day.

        ``keep`` with ``replan=[3]`` re-plans day 3 only and keeps the other days as they were.

        ``days`` is a whole number from 1 to 14 (a numpy integer is fine; a float, string or bool
        is not); locks must fall within those days. ``targets`` and ``preferences`` are checked
        as in :meth:`plan_day` (a dict for ``preferences`` is refused). Bad input raises
        :class:`PlannerError` naming the argument before any solve.
        """
        days = _validate.check_days(days)
        targets, preferences = _validate.check_plan(
            targets, preferences, self.catalog, days=days, strict=self.strict, logger=logger
        )
        if preferences.meals is None:
            raise PlannerError("preferences.meals: plan_week needs meals; use plan_day for a list")
        replan_days = _validate.check_keep(keep, replan, days)
        setup = self._setup(targets, preferences, days=days, weekly=True)
        self._check_foods_left(setup)
        return self._plan_selection(setup, days=days, keep=keep, replan=replan_days)

    def _solve(self, problem: Any, *, mip: bool = True, abs_gap: float = 1e-6) -> SolveResult:
        return solve(
            problem,
            solver=self.solver,
            time_limit=self.time_limit,
            gap=self.gap,
            abs_gap=abs_gap,
            verbose=self.verbose,
            mip=mip,
        )

    # -- set-up -----------------------------------------------------------------------------
    def _setup(self, targets: Targets, preferences: Preferences, days: int, weekly: bool) -> _Setup:
        if preferences.budget_per_day is not None and self.catalog.foods["cost"].isna().all():
            raise PlannerError(
                "budget_per_day: this catalogue has no costs, so a budget cannot be kept; give "
                "prices with FoodCatalog.with_costs(...) or from_frame(cost_column=...), or "
                "leave budget_per_day as None"
            )
        allowed = self.catalog.filter(
            diet=preferences.diet,
            dairy_free=preferences.dairy_free,
            gluten_free=preferences.gluten_free,
            exclude_allergens=preferences.exclude_allergens,
            exclude_ids=preferences.exclude_foods,
            allow_fortified=preferences.allow_fortified,
            menu_items_only=True,
        )
        self._check_locks(allowed, preferences)
        allowed, safety_notes = screen(allowed, targets, preferences)
        bounds = self._bounds(targets, preferences, weekly and days > 1)
        table = allowed.foods
        per_serving = allowed.per_serving()
        reliable = allowed.b12_reliable()
        b12_unreliable = pd.Series(False, index=per_serving.index)
        if B12 in per_serving:
            b12_unreliable = ~reliable & (per_serving[B12].fillna(0.0) > 0)
            per_serving.loc[~reliable, B12] = 0.0
        foods = food_arrays(
            table,
            per_serving,
            bounds.keys,
            dislikes=set(preferences.dislikes),
            likes=set(preferences.likes),
            disliked_points=preferences.weights.disliked,
            liked_points=preferences.weights.liked,
        )
        seed_text = json.dumps(
            [
                [str(i) for i in self.catalog.ids],
                targets.model_dump(mode="json"),
                preferences.model_dump(mode="json"),
                days,
            ],
            sort_keys=True,
            default=str,
        )
        seed = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "little")
        return _Setup(
            allowed,
            foods,
            bounds,
            preferences,
            targets,
            (bounds.energy_low + bounds.energy_high) / 2,
            seed,
            table,
            per_serving,
            allowed.imputed(),
            b12_unreliable,
            safety_notes,
        )

    def _check_locks(self, allowed: FoodCatalog, preferences: Preferences) -> None:
        conflicts = []
        for lock in preferences.locks:
            # Unknown lock foods are bad input, refused before set-up (_validate).
            if lock.food not in allowed:
                name = self.catalog[lock.food].name
                conflicts.append(
                    f"locked food {name!r} is excluded by the preferences "
                    f"({_describe_diet(preferences)} or an excluded food/allergen)"
                )
            elif lock.meal is not None and lock.meal not in self.catalog[lock.food].meals:
                name = self.catalog[lock.food].name
                conflicts.append(f"locked food {name!r} is not tagged for {lock.meal}")
        if conflicts:
            raise InfeasiblePlanError(
                Diagnosis(conflicts=conflicts, message="; ".join(conflicts) + ".")
            )

    def _check_foods_left(self, setup: _Setup) -> None:
        """No food at all passes the preferences (or has an energy value): nothing to plan."""
        if len(setup.foods):
            return
        excluded = len(setup.preferences.exclude_foods)
        message = (
            f"no food is left after the preferences: {_describe_diet(setup.preferences)}"
            + (f" and {excluded} excluded food(s)" if excluded else "")
            + f" rule out all {len(self.catalog)} foods of the catalogue; allow more foods"
        )
        raise InfeasiblePlanError(Diagnosis(conflicts=[message], message=message + "."))

    def _bounds(self, targets: Targets, preferences: Preferences, weekly: bool) -> Bounds:
        # Water is met with drinking water beside the foods (the plan's water line), so the
        # foods' water is reported but never constrained.
        keys = tuple(k for k in targets if k not in (ENERGY, WATER))
        low = np.array([np.nan if targets[k].min is None else targets[k].min for k in keys])
        high = np.array([np.nan if targets[k].max is None else targets[k].max for k in keys])
        units = tuple(targets[k].unit or self.catalog.units.get(k, "") for k in keys)
        weekly_mask = np.array([weekly and k in preferences.weekly_nutrients for k in keys])
        if preferences.calories is not None:
            energy_low, energy_high = preferences.calories
        elif ENERGY in targets and targets[ENERGY].min is not None:
            energy_low = targets[ENERGY].min
            energy_high = targets[ENERGY].max if targets[ENERGY].max is not None else np.nan
        else:
            energy_low = energy_high = np.nan
        return Bounds(
            keys,
            low.astype(float),
            high.astype(float),
            units,
            weekly_mask,
            float(energy_low),
            float(energy_high),
        )

    # -- the structured plan: candidate meals + selection model ------------------------------
    def _slot_specs(self, setup: _Setup) -> list[SlotSpec]:
        preferences = setup.preferences
        bands = preferences.energy_bands()
        bounds = setup.bounds
        if np.isnan(bounds.energy_low) or np.isnan(bounds.energy_high):
            raise PlannerError(
                "targets: meal plans need an energy range; give Targets an 'energy' bound or "
                "Preferences(calories=(low, high))"
            )
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
                )
            )
        return specs

    def _lock_map(
        self, setup: _Setup, specs: list[SlotSpec], days: int
    ) -> dict[tuple[int, int], list[tuple[int, float]]]:
        """(day, slot) → the locked foods (positions) and servings for that meal."""
        foods = setup.foods
        required: dict[tuple[int, int], list[tuple[int, float]]] = {}
        names = [spec.meal for spec in specs]
        for lock in setup.preferences.locks:
            position = foods.position.get(lock.food)
            if position is None:
                raise InfeasiblePlanError(
                    Diagnosis(
                        conflicts=[f"locked food {lock.food!r} has no energy value"],
                        message=f"locked food {lock.food!r} has no energy value in the catalogue.",
                    )
                )
            meal = lock.meal or next((m for m in names if m in foods.meals[position]), None)
            if meal is None:
                message = (
                    f"locked food {foods.names[position]!r} fits none of the planned meals {names}"
                )
                raise InfeasiblePlanError(Diagnosis(conflicts=[message], message=message + "."))
            slot = names.index(meal)
            # A lock's day lies within the plan: _validate refuses one beyond it.
            lock_days = [lock.day - 1] if lock.day is not None else list(range(days))
            servings = float(lock.servings) if lock.servings else _FREE
            for d in lock_days:
                required.setdefault((d, slot), []).append((position, servings))
        return required

    def _plan_selection(
        self, setup: _Setup, days: int, keep: WeekPlan | None, replan: list[int]
    ) -> WeekPlan:
        started = time.perf_counter()
        specs = self._slot_specs(setup)
        foods = setup.foods
        rng = np.random.default_rng(setup.seed)
        daily_low = setup.bounds.low
        weights = nutrient_weights(foods, daily_low, setup.energy_target)
        serving_weight = setup.preferences.weights.serving_size
        locks = self._lock_map(setup, specs, days)
        count = _DAY_CANDIDATES if days == 1 else _WEEK_CANDIDATES_PER_DAY * days
        pools: list[Candidates] = []
        open_on: list[np.ndarray] = []
        for s, spec in enumerate(specs):
            pool = generate(
                foods, spec, weights, daily_low, count, rng, serving_weight=serving_weight
            )
            # Each day gets its own share of the pool (round robin over a random order).
            days_of = np.arange(len(pool)) % days
            lock_days: dict[tuple[tuple[int, float], ...], list[int]] = {}
            for (d, slot), locked in sorted(locks.items()):
                if slot == s:
                    lock_days.setdefault(tuple(sorted(locked)), []).append(d)
            for forced, forced_days in sorted(lock_days.items(), key=str):
                locked_spec = SlotSpec(**{**spec.__dict__, "forced": forced})
                extra = generate(
                    foods,
                    locked_spec,
                    weights,
                    daily_low,
                    _LOCK_CANDIDATES_PER_DAY * len(forced_days),
                    rng,
                    serving_weight=serving_weight,
                )
                pool = _merge(pool, extra)
                days_of = np.concatenate(
                    [days_of, np.array(forced_days)[np.arange(len(extra)) % len(forced_days)]]
                )
            pools.append(pool)
            open_on.append(days_of)
        fixed: dict[tuple[int, int], int] = {}
        if keep is not None:
            for d, day in enumerate(keep.days):
                if d + 1 in replan:
                    continue
                for s, meal in enumerate(day.meals):
                    pools[s] = _merge(pools[s], _as_candidate(pools[s].slot, meal, foods))
                    open_on[s] = np.append(open_on[s], d)
                    fixed[(d, s)] = len(pools[s]) - 1
        for (d, s), locked in sorted(locks.items()):
            for position, _ in locked:
                today = np.flatnonzero(open_on[s] == d)
                if not any(position in pools[s].foods[c] for c in today):
                    message = (
                        f"no {specs[s].meal} within its energy band and structure can hold the "
                        f"locked food {foods.names[position]!r} on day {d + 1}"
                    )
                    raise InfeasiblePlanError(Diagnosis(conflicts=[message], message=message + "."))
        empty = [spec.meal for spec, pool in zip(specs, pools, strict=True) if len(pool) == 0]
        if empty:
            raise InfeasiblePlanError(self._diagnose(setup, days, specs, empty_slots=empty))
        exempt = frozenset(position for v in locks.values() for position, _ in v)
        rules = WeekRules(
            main_foods=np.isin(foods.roles, MAIN_ROLES),
            max_repeats=setup.preferences.max_repeats_per_week,
            exempt=exempt,
        )
        model = build_selection(
            pools,
            [setup.preferences.energy_bands()[spec.meal] for spec in specs],
            setup.bounds,
            foods,
            days=days,
            rules=rules,
            slot_targets=[spec.share * setup.energy_target for spec in specs],
            calorie_weight=setup.preferences.weights.calorie_deviation,
            cost_weight=setup.preferences.weights.cost,
            budget=setup.preferences.budget_per_day,
            open_on=open_on,
            required={key: tuple(p for p, _ in v) for key, v in locks.items()},
            fixed=fixed,
        )
        build_seconds = time.perf_counter() - started
        result = self._solve(model.problem, abs_gap=0.05)
        if not result.has_solution:
            if result.status == "no_solution":
                logger.warning("no solution within the time limit of %.1f s", self.time_limit)
            raise InfeasiblePlanError(
                self._diagnose(setup, days, specs, timed_out=(result.status == "no_solution"))
            )
        info = SolverInfo(
            solver=result.solver,
            status=result.status,
            objective=result.objective,
            mip_gap=result.mip_gap,
            build_seconds=round(build_seconds, 4),
            solve_seconds=round(result.seconds, 4),
            formulation="candidate-meals",
        )
        picks = chosen(model)
        day_plans = []
        for d in range(days):
            meals = []
            for s, spec in enumerate(specs):
                pool = pools[s]
                c = picks[d][s]
                meals.append(self._meal(setup, spec.meal, pool.foods[c], pool.servings[c]))
            day_plans.append(self._day(setup, d + 1, meals, info if days == 1 else None))
        return self._week(setup, day_plans, info)

    # -- free-form and continuous plans: the direct model -------------------------------------
    def _plan_direct(self, setup: _Setup, integer: bool, objective: str) -> DayPlan:
        started = time.perf_counter()
        foods = setup.foods
        # One list of foods: each food within its own serving range, as in one meal.
        maximum = np.where(np.isfinite(foods.max_servings), foods.max_servings, 1e4)
        bounds = setup.bounds
        target = setup.energy_target if not np.isnan(setup.energy_target) else 0.0
        model = build_direct(
            foods,
            bounds,
            integer=integer,
            objective=objective,
            energy_target=target,
            calorie_weight=setup.preferences.weights.calorie_deviation,
            cost_weight=setup.preferences.weights.cost,
            budget=setup.preferences.budget_per_day,
            max_per_food=maximum,
        )
        build_seconds = time.perf_counter() - started
        result = self._solve(model.problem, mip=integer)
        if not result.has_solution:
            raise InfeasiblePlanError(self._diagnose(setup, 1, []))
        amounts = np.array([v.varValue or 0.0 for v in model.amounts]) * model.unit
        used = [i for i in np.flatnonzero(amounts > 1e-9)]
        info = SolverInfo(
            solver=result.solver,
            status=result.status,
            objective=result.objective,
            mip_gap=result.mip_gap if integer else 0.0,
            build_seconds=round(build_seconds, 4),
            solve_seconds=round(result.seconds, 4),
            formulation="direct" if integer else "continuous",
        )
        servings = tuple(float(round(a, 6)) if not integer else float(a) for a in amounts[used])
        meal = self._meal(setup, FREE_FORM_MEAL, tuple(int(i) for i in used), servings)
        return self._day(setup, 1, [meal], info).model_copy(update={"notes": _notes(setup)})

    # -- plan objects -------------------------------------------------------------------------
    def _meal(
        self, setup: _Setup, name: str, positions: tuple[int, ...], servings: tuple[float, ...]
    ) -> Meal:
        items = []
        for position, amount in sorted(
            zip(positions, servings, strict=True),
            key=lambda p: (ROLE_ORDER.get(setup.foods.roles[p[0]], 9), setup.foods.names[p[0]]),
        ):
            food_id = setup.foods.ids[position]
            food = setup.table.loc[food_id]
            serving_g = None if pd.isna(food["serving_g"]) else float(food["serving_g"])
            grams = None if serving_g is None else amount * serving_g
            items.append(
                PlanItem(
                    food_id=food_id,
                    fdc_id=None if pd.isna(food["fdc_id"]) else int(food["fdc_id"]),
                    name=setup.foods.names[position],
                    role=str(food["role"]),
                    servings=amount,
                    grams=grams,
                    serving_text=str(food["serving_text"]),
                    household=_household(amount, str(food["serving_text"]), grams),
                    energy_kcal=amount * float(setup.foods.energy[position]),
                )
            )
        return Meal(name=name, items=items, energy_kcal=sum(i.energy_kcal for i in items))

    def _totals(self, setup: _Setup, servings: pd.Series) -> dict[str, NutrientTotal]:
        """Each nutrient's total for the servings, with the foods whose value is unknown (counted
        as 0) or an imputed zero. ``basis`` is "daily"; a week marks its weekly nutrients."""
        foods = setup.foods

        def names(ids: Iterable[Any]) -> list[str]:
            return sorted(foods.names[foods.position[i]] for i in ids)

        totals = {}
        water = [WATER] if WATER in setup.targets else []
        for key in [ENERGY, *setup.bounds.keys, *water]:
            unreliable: list[str] = []
            if key in setup.per_serving:
                column = setup.per_serving.loc[servings.index, key]
                amount = float((column.fillna(0.0) * servings).sum())
                unknown = names(column.index[column.isna()])
                imputed_in = names(column.index[setup.imputed.loc[servings.index, key]])
                if key == B12:
                    flags = setup.b12_unreliable.loc[servings.index]
                    unreliable = names(flags.index[flags])
            else:
                amount, unknown, imputed_in = 0.0, names(servings.index), []
            bound = setup.targets.get(key)
            low = bound.min if bound else None
            high = bound.max if bound else None
            if key == ENERGY and setup.preferences.calories is not None:
                low, high = setup.preferences.calories
            unit = bound.unit if bound and bound.unit else setup.catalog.units.get(key, "")
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

    def _day(
        self, setup: _Setup, number: int, meals: list[Meal], info: SolverInfo | None
    ) -> DayPlan:
        servings = _servings_by_food(meals)
        cost = _cost(setup.table, servings)
        totals = self._totals(setup, servings)
        drinking = None
        if WATER in totals and totals[WATER].min is not None:
            drinking = drinking_water(totals[WATER].amount, totals[WATER].min)
            water = totals[WATER]
            amount = water.amount + drinking.grams
            totals[WATER] = water.model_copy(
                update={"amount": amount, "percent_of_target": round(100 * amount / water.min, 1)}
            )
        return DayPlan(
            day=number,
            meals=meals,
            totals=totals,
            cost=cost,
            solver=info,
            drinking_water=drinking,
        )

    def _week(self, setup: _Setup, days: list[DayPlan], info: SolverInfo) -> WeekPlan:
        weekly_keys = [k for k in setup.preferences.weekly_nutrients if k in setup.bounds.keys]
        average: dict[str, NutrientTotal] = {}
        for key, first in days[0].totals.items():
            mean = sum(day.totals[key].amount for day in days) / len(days)
            unknown = sorted({n for day in days for n in day.totals[key].unknown_in})
            imputed = sorted({n for day in days for n in day.totals[key].imputed_in})
            average[key] = first.model_copy(
                update={
                    "amount": mean,
                    "percent_of_target": round(100 * mean / first.min, 1) if first.min else None,
                    "unknown_in": unknown,
                    "imputed_in": imputed,
                    "basis": "weekly" if key in weekly_keys and len(days) > 1 else "daily",
                }
            )
        if len(days) > 1:
            days = [
                day.model_copy(
                    update={
                        "totals": {
                            k: (t.model_copy(update={"basis": "weekly"}) if k in weekly_keys else t)
                            for k, t in day.totals.items()
                        }
                    }
                )
                for day in days
            ]
        costs = [day.cost for day in days]
        cost = None if any(c is None for c in costs) else sum(costs)  # type: ignore[arg-type]
        return WeekPlan(
            days=days,
            weekly_average=average,
            weekly_nutrients=weekly_keys if len(days) > 1 else [],
            cost=cost,
            solver=info,
            notes=_notes(setup),
        )

    # -- diagnosis ----------------------------------------------------------------------------
    def _diagnose(
        self,
        setup: _Setup,
        days: int,
        specs: list[SlotSpec],
        *,
        empty_slots: list[str] | None = None,
        timed_out: bool = False,
    ) -> Diagnosis:
        foods, bounds, preferences = setup.foods, setup.bounds, setup.preferences
        meal_count = max(1, len(preferences.meals or ()))
        maximum = np.where(np.isfinite(foods.max_servings), foods.max_servings * meal_count, 1e4)
        conflicts = []
        try:
            found = shortfalls(foods, bounds, maximum, preferences.budget_per_day)
        except EnergyUnreachable:
            found = []
            budget = preferences.budget_per_day
            conflicts.append(
                f"no mix of the allowed foods reaches {bounds.energy_low:,.0f}–"
                f"{bounds.energy_high:,.0f} kcal a day within the nutrient maximums"
                + (f" and a budget of {budget:g} a day" if budget is not None else "")
            )
        shortages = [self._shortage(setup, short, days) for short in found]
        conflicts += [
            f"no food fits {meal} with {_describe_diet(preferences)}"
            for meal in (empty_slots or [])
        ]
        conflicts += self._structural_conflicts(setup, specs)
        if not shortages and not conflicts:
            if timed_out:
                conflicts.append(
                    f"no plan was found within the time limit of {self.time_limit:g} s; "
                    "a longer time_limit, fewer locks or a wider calorie range may help"
                )
            else:
                conflicts.append(
                    "every target can be met by these foods in free amounts, but not in whole or "
                    "half servings within the meal structure and variety rules; widen the "
                    "calorie range, allow more items per meal or more repeats per week "
                    f"(now {preferences.max_repeats_per_week})"
                )
        notes = []
        if any(s.nutrient == "vitamin_d" for s in shortages):
            notes.append(VITAMIN_D_SHORT_NOTE)
        if any(s.nutrient == B12 for s in shortages):
            notes.append(B12_SHORT_NOTE)
        notes.append(MEDICAL_NOTE)
        sentences = [s.message for s in shortages] + conflicts
        return Diagnosis(
            shortfalls=shortages,
            conflicts=conflicts,
            relaxation={s.nutrient: s.achievable for s in shortages},
            notes=notes,
            message="; ".join(sentences) + ".",
        )

    def _shortage(self, setup: _Setup, short: Shortfall, days: int) -> Shortage:
        k = setup.bounds.keys.index(short.nutrient)
        weekly = bool(setup.bounds.weekly[k])
        helpful = self._helpful_foods(setup, short.nutrient)
        label = (
            short.nutrient.replace("_", " ")
            .replace("vitamin b", "vitamin B")
            .replace("vitamin d", "vitamin D")
        )
        per = "a day on weekly average" if weekly else "a day"
        advice = (
            "allow fortified foods or add a source"
            if not setup.preferences.allow_fortified
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
        limit = setup.preferences.budget_per_day
        budget = f" and a budget of {limit:g} a day" if limit is not None else ""
        message = (
            f"{label}: at most {_fmt(short.achievable)} {short.unit} of {_fmt(short.required)} "
            f"{short.unit} {per} within {setup.bounds.energy_low:,.0f}–"
            f"{setup.bounds.energy_high:,.0f} kcal{budget} with "
            f"{_describe_diet(setup.preferences)}{suggestion}"
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

    def _helpful_foods(self, setup: _Setup, key: str) -> list[str]:
        """Foods richest in ``key`` per serving that fit the diet pattern but were left out by
        the other preferences (fortified foods, excluded foods); else the richest allowed ones."""
        if key not in self.catalog.nutrient_keys:
            return []
        preferences = setup.preferences
        same_diet = self.catalog.filter(
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
        allowed = set(setup.catalog.ids)
        left_out = [i for i in best.index if i not in allowed]
        chosen_ids = left_out[:5] if left_out else list(best.index[:5])
        return [self.catalog[i].name for i in chosen_ids]

    def _structural_conflicts(self, setup: _Setup, specs: list[SlotSpec]) -> list[str]:
        foods = setup.foods
        conflicts = []
        minimum_kcal = 0.0
        for spec in specs:
            eligible = np.array([spec.meal in m for m in foods.meals], dtype=bool)
            cheapest = 0.0
            for role in spec.required_roles:
                mask = eligible & (foods.roles == role)
                if not mask.any():
                    conflicts.append(
                        f"{spec.meal} needs a {role} item but no {role} food fits "
                        f"{spec.meal} with {_describe_diet(setup.preferences)}"
                    )
                    continue
                cheapest += float(np.min(foods.energy[mask] * foods.min_servings[mask]))
            minimum_kcal += cheapest
        if not np.isnan(setup.bounds.energy_high) and minimum_kcal > setup.bounds.energy_high:
            conflicts.append(
                f"the calorie range (at most {setup.bounds.energy_high:.0f} kcal) is below what "
                f"the meal structure needs (at least {minimum_kcal:.0f} kcal)"
            )
        return conflicts


def _merge(pool: Candidates, extra: Candidates) -> Candidates:
    """The pool with ``extra``'s candidates appended (their indices follow the pool's)."""
    if len(extra) == 0:
        return pool
    return Candidates(
        pool.slot,
        pool.foods + extra.foods,
        pool.servings + extra.servings,
        np.concatenate([pool.energy, extra.energy]),
        np.vstack([pool.nutrients, extra.nutrients]) if len(pool) else extra.nutrients,
        np.concatenate([pool.cost, extra.cost]),
        np.concatenate([pool.score, extra.score]),
    )


def _as_candidate(slot: str, meal: Meal, foods: FoodArrays) -> Candidates:
    """A kept meal as a one-candidate pool."""
    positions = []
    for item in meal.items:
        if item.food_id not in foods.position:
            raise PlannerError(f"keep: food {item.food_id!r} is not allowed by the preferences")
        positions.append(foods.position[item.food_id])
    index = np.array(positions)
    amounts = np.array([item.servings for item in meal.items])
    return Candidates(
        slot,
        [tuple(positions)],
        [tuple(float(a) for a in amounts)],
        np.array([amounts @ foods.energy[index]]),
        (amounts @ foods.nutrients[index]).reshape(1, -1),
        np.array([amounts @ foods.cost[index]]),
        np.array([amounts @ foods.score[index]]),
    )


def _servings_by_food(meals: list[Meal]) -> pd.Series:
    amounts: dict[Any, float] = {}
    for meal in meals:
        for item in meal.items:
            amounts[item.food_id] = amounts.get(item.food_id, 0.0) + item.servings
    return pd.Series(amounts, dtype=float)


def _cost(table: pd.DataFrame, servings: pd.Series) -> float | None:
    if servings.empty:
        return 0.0
    costs = table.loc[servings.index, "cost"].astype(float)
    if costs.isna().any():
        return None
    return float((costs * servings).sum())


def _fraction(amount: float) -> str:
    whole = int(amount)
    half = abs(amount - whole - 0.5) < 1e-9
    if abs(amount - whole) < 1e-9:
        return str(whole)
    if half:
        return f"{whole}½" if whole else "½"
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def _household(amount: float, serving_text: str, grams: float | None) -> str:
    weight = f" ({grams:.0f} g)" if grams is not None else ""
    if abs(amount - 1) < 1e-9:
        return f"{serving_text}{weight}"
    return f"{_fraction(amount)} × {serving_text}{weight}"


def _notes(setup: _Setup) -> list[str]:
    notes = [MEDICAL_NOTE, *setup.safety_notes]
    if B12 in setup.bounds.keys:
        notes.append(B12_COUNTING_NOTE)
    if WATER in setup.targets:
        notes.append(WATER_NOTE)
    return notes
