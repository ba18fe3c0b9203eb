"""Candidate meals for each slot and day: drawn at random within each meal's structure, plus
the meals that must contain a locked food, plus the meals a re-plan keeps.

Each day gets its own share of a slot's candidates (round robin over a random order), which
keeps the selection model small and the days distinct.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from mealplan.domain.plan import Meal, WeekPlan
from mealplan.errors import InfeasiblePlanError, PlannerError
from mealplan.optimize._candidates import Candidates, SlotSpec, generate, nutrient_weights
from mealplan.planning import explain
from mealplan.planning.problem import PlanningProblem

#: Candidate meals per slot: measured on the default catalogue (benchmarks/), 50 a slot solve
#: a day in ~0.07 s with no infeasible day over 42 varied profiles; 24 a day keep a week fast.
DAY_CANDIDATES = 50
WEEK_CANDIDATES_PER_DAY = 24
LOCK_CANDIDATES_PER_DAY = 12
#: Extra candidates per slot and day for each scarce nutrient (see :func:`scarce_nutrients`).
FOCUS_PER_DAY = 6
#: Meals for a crowded maximum (see :func:`crowded_maxima`) are drawn as if the day allowed
#: this share of it: a day of ordinary meals goes over, so the pool needs leaner ones.
LEAN_SHARE = 0.6


@dataclass(frozen=True)
class CandidatePools:
    """Per slot: the candidate meals, the day each may be served on, and the kept meals."""

    pools: list[Candidates]
    #: open_on[s][c]: the day (0-based) candidate c of slot s may be served on.
    open_on: list[np.ndarray]
    #: (day, slot) → the candidate that keeps that meal as it was (a re-plan's other days).
    fixed: dict[tuple[int, int], int]
    #: (lunch slot, candidate) → (dinner slot, candidate): the lunch is the dinner's second
    #: half, eaten the next day (``Preferences(leftovers=True)``).
    leftovers: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def fixed_set(self) -> frozenset[tuple[int, int]]:
        """(slot, candidate) of every kept meal."""
        return frozenset((s, c) for (_, s), c in self.fixed.items())

    def tied(self, slot: int) -> frozenset[int]:
        """The candidates of ``slot`` that are not free meals: kept meals and leftover copies
        (each tied to its day, or to its dinner)."""
        return frozenset(c for (s, c) in self.fixed_set | self.leftovers.keys() if s == slot)


def candidate_pools(
    problem: PlanningProblem,
    *,
    keep: WeekPlan | None = None,
    replan: list[int] | None = None,
    day_candidates: int = DAY_CANDIDATES,
    week_candidates_per_day: int = WEEK_CANDIDATES_PER_DAY,
    attempt: int = 0,
    basket: np.ndarray | None = None,
    mains: Sequence[Sequence[int]] | None = None,
    swap: tuple[int, int] | None = None,
    grow: bool = True,
) -> CandidatePools:
    """Draw every slot's pool; raise :class:`InfeasiblePlanError` when a slot has no candidate
    or no candidate of a locked day can hold its locked food.

    ``attempt`` > 0 draws ``attempt + 1`` times as many candidates from another random stream
    (still derived from the request): the planner's second try when no menu of the first pool
    keeps every rule; with ``grow=False``, as many as the first from another stream (a
    basket's next try: a larger pool of a basket only slows the solve). ``basket`` limits
    the foods (a week's shopping basket, see :mod:`~mealplan.planning.basket`); locked and
    kept foods are always allowed. ``mains`` (per slot, the basket's foods that can be its
    main, best first) has candidates drawn around each main and the mains scheduled over the
    days (:func:`schedule_mains`).
    ``swap`` (day, slot), with ``keep``: every meal is kept but that one, which must change.
    """
    foods, days = problem.foods, problem.days
    rng = np.random.default_rng(problem.seed if attempt == 0 else [problem.seed, attempt])
    weights = nutrient_weights(
        foods, problem.bounds.low, problem.energy_target, problem.bounds.high
    )
    size = attempt + 1 if grow else 1
    count = size * (day_candidates if days == 1 else week_candidates_per_day * days)
    pools: list[Candidates] = []
    open_on: list[np.ndarray] = []
    slots = problem.slots
    within = basket
    if within is not None:
        within = within.copy()
        _add_kept_and_locked(problem, within, keep)
    draw = _Drawer(problem, weights, rng, within=within)
    per_day = count // days if days > 1 else count
    base = _base_draws(problem, draw, count, per_day, mains, size - 1)
    # One drawer per scarce nutrient, its weights computed once for every slot.
    drawn_pools = [merge_all([d.pool for d in b]) for b in base]
    scarce = scarce_nutrients(problem, drawn_pools)
    focused = [draw.focused(k) for k in scarce]
    crowded = crowded_maxima(problem, drawn_pools)
    if crowded:
        focused.append(draw.lean(crowded))
    for s, spec in enumerate(slots):
        parts, parts_days = [], []
        for drawn in base[s]:
            pool = drawn.pool
            spread = drawn.spread or (not drawn.days and within is None)
            focus = size * FOCUS_PER_DAY * (days if spread else 1)
            for draw_focused in focused:
                pool = _merge(pool, draw_focused(drawn.spec, focus))
            if spread:
                # Every allowed food: each candidate has its own day, so days differ.
                parts.append(pool)
                parts_days.append(np.arange(len(pool)) % days)
                continue
            # A week's basket holds few meals: each may be served on any of its days.
            for d in drawn.days or list(range(days)):
                parts.append(pool)
                parts_days.append(np.full(len(pool), d))
        pool = merge_all(parts)
        days_of = np.concatenate(parts_days)
        for forced, forced_days in _locked_days(problem, s):
            extra = draw(replace(spec, forced=forced), LOCK_CANDIDATES_PER_DAY * len(forced_days))
            if len(extra) < LOCK_CANDIDATES_PER_DAY * len(forced_days):
                # Few meals hold the locked food: each is offered on every day that needs one
                # (shared out, day 6 of 7 had none). A breakfast or snack may repeat; a lunch
                # or dinner is still served once a week, so it needs as many meals as days.
                extra = merge_all([extra] * len(forced_days))
                on = np.repeat(np.array(forced_days), len(extra) // len(forced_days))
            else:
                on = np.array(forced_days)[np.arange(len(extra)) % len(forced_days)]
            pool = _merge(pool, extra)
            days_of = np.concatenate([days_of, on])
        pools.append(pool)
        open_on.append(days_of)
    follows = _swapped_dinner_with_leftover(problem, keep, swap)
    leftovers = _leftover_lunches(
        problem, pools, open_on, replan if keep is not None else None, follows
    )
    fixed = _keep_meals(problem, pools, open_on, keep, replan or [], leftovers, swap, follows)
    _check_locks_held(problem, pools, open_on)
    empty = [spec.meal for spec, pool in zip(problem.slots, pools, strict=True) if not len(pool)]
    if empty:
        raise InfeasiblePlanError(explain.diagnose(problem, empty_slots=empty))
    return CandidatePools(pools, open_on, fixed, leftovers)


@dataclass(frozen=True)
class _Drawn:
    """Candidates drawn for a slot: for the days given (every day when empty), with the
    slot's spec they were drawn for (its main food, if any)."""

    pool: Candidates
    days: list[int]
    spec: SlotSpec
    #: Each candidate on its own day, round robin (drawn from every food, not a basket).
    spread: bool = False


def _base_draws(
    problem: PlanningProblem,
    draw: _Drawer,
    count: int,
    per_day: int,
    mains: Sequence[Sequence[int]] | None,
    attempt: int,
) -> list[list[_Drawn]]:
    """Per slot, its base candidates: around each scheduled main (a week's basket), or for
    the whole plan."""
    slots, days = problem.slots, problem.days
    ranked = mains or tuple(() for _ in slots)
    limit = problem.preferences.max_repeats_per_week
    # Mains the week needs at least: each at most ``limit`` times, never two days running.
    enough = -(-days // limit) + OPTIONS_PER_MEAL + attempt
    by_main: list[dict[int, Candidates]] = []
    for s, spec in enumerate(slots):
        # The basket's mains, then extras until the week has enough that make meals.
        drawn: dict[int, Candidates] = {}
        for f in ranked[s]:
            usable = sum(len(c) >= MIN_MAIN_CANDIDATES for c in drawn.values())
            if draw.within is not None and not draw.within[f] and usable >= enough:
                break
            drawn[f] = draw(replace(spec, main_food=f), per_day // OPTIONS_PER_MEAL)
        by_main.append(drawn)
    usable_mains = [
        [f for f, pool in drawn.items() if len(pool) >= MIN_MAIN_CANDIDATES] for drawn in by_main
    ]
    schedule = schedule_mains(days, usable_mains, limit, OPTIONS_PER_MEAL + attempt)
    base: list[list[_Drawn]] = []
    everything = replace(draw, within=None)
    for s, spec in enumerate(slots):
        if not any(key[1] == s for key in schedule):
            pool = draw(spec, count if draw.within is None else per_day)
            if not len(pool) and draw.within is not None:
                # The basket makes no such meal: this slot draws from every allowed food, and
                # the model's cap rows keep the week within its distinct foods.
                base.append([_Drawn(everything(spec, count), [], spec, spread=True)])
                continue
            base.append([_Drawn(pool, [], spec)])
            continue
        on: dict[int, list[int]] = {}
        for d in range(days):
            for f in schedule.get((d, s), (-1,)):
                on.setdefault(f, []).append(d)
        base.append(
            [
                _Drawn(
                    by_main[s][f] if f >= 0 else draw(spec, per_day),
                    days_f,
                    replace(spec, main_food=f),
                )
                for f, days_f in on.items()
            ]
        )
    return base


def _leftover_lunches(
    problem: PlanningProblem,
    pools: list[Candidates],
    open_on: list[np.ndarray],
    replan: list[int] | None,
    follows: int | None = None,
) -> dict[tuple[int, int], tuple[int, int]]:
    """With leftovers, add to the lunch pool a copy of every dinner candidate of a dish that
    keeps (a stew, not a burger), open on the next day: the same foods and servings, eaten
    again. The copy has no main items (the variety rules count the dish once, at dinner).
    ``follows``: the day of a swapped dinner whose leftover lunch is the next day's; that
    lunch may only be a copy of the new dinner."""
    names = [spec.meal for spec in problem.slots]
    if not problem.preferences.leftovers or problem.days < 2:
        return {}
    if "lunch" not in names or "dinner" not in names:
        return {}
    lunch, dinner = names.index("lunch"), names.index("dinner")
    dinners = pools[dinner]
    patterns = problem.plates.patterns
    copies = [
        c
        for c in range(len(dinners))
        if 0 <= open_on[dinner][c] < problem.days - 1
        and (not len(dinners.patterns) or patterns[int(dinners.patterns[c])].keeps)
    ]
    if replan is not None:
        # A re-plan keeps other days as they were: only a re-planned lunch may be a leftover.
        copies = [
            c
            for c in copies
            if int(open_on[dinner][c]) + 2 in replan or open_on[dinner][c] == follows
        ]
    if not copies:
        return {}
    if follows is not None:
        # The lunch after the swapped dinner is its leftover: close the lunch's own meals.
        open_on[lunch][open_on[lunch] == follows + 1] = problem.days
    extra = dinners.take(copies, slot=pools[lunch].slot, mains=False)
    first = len(pools[lunch])
    pools[lunch] = _merge(pools[lunch], extra)
    open_on[lunch] = np.concatenate([open_on[lunch], open_on[dinner][np.array(copies)] + 1])
    return {(lunch, first + i): (dinner, c) for i, c in enumerate(copies)}


#: A main is scheduled only when this many candidate meals could be built around it.
MIN_MAIN_CANDIDATES = 3
#: Mains scheduled per meal and day (plus one per further attempt): the model chooses.
OPTIONS_PER_MEAL = 2


def schedule_mains(
    days: int, mains: Sequence[Sequence[int]], max_repeats: int, options: int = OPTIONS_PER_MEAL
) -> dict[tuple[int, int], tuple[int, ...]]:
    """(day, slot) → up to ``options`` mains, day by day and slot by slot. The first is the
    meal's main as far as the variety rules go: the best ranked (the relaxed week served it
    most) that is not a main of the day before, the same day or the day after, and not yet
    scheduled ``max_repeats`` times; the others are alternatives kept off the days around the
    first choices, for the selection model to choose between."""
    first: dict[int, set[int]] = {}
    schedule: dict[tuple[int, int], tuple[int, ...]] = {}
    for d in range(days):
        for s, ranked in enumerate(mains):
            allowed = [
                f
                for f in ranked
                if not {d - 1, d, d + 1} & first.get(f, set())
                and len(first.get(f, set())) < max_repeats
            ]
            chosen = tuple(allowed[:options])
            if chosen:
                first.setdefault(chosen[0], set()).add(d)
                schedule[(d, s)] = chosen
    return schedule


def merge_all(pools: list[Candidates]) -> Candidates:
    merged = pools[0]
    for pool in pools[1:]:
        merged = _merge(merged, pool)
    return merged


def _add_kept_and_locked(
    problem: PlanningProblem, basket: np.ndarray, keep: WeekPlan | None
) -> None:
    """Locked foods and the foods of kept meals always belong to the basket."""
    foods = problem.foods
    for locked in problem.locks.values():
        basket[[position for position, _ in locked]] = True
    for day in keep.days if keep is not None else []:
        for item in day.items:
            if item.food_id in foods.position:
                basket[foods.position[item.food_id]] = True


def scarce_nutrients(problem: PlanningProblem, pools: list[Candidates]) -> list[int]:
    """The nutrients (positions in ``problem.bounds.keys``) a typical day of the pools falls
    short of: the mean candidate of every slot, summed, carries less than the day's minimum.

    The selection model can only meet such a minimum with the few candidates rich in it, so the
    pools get more of those (vitamin D outside fish and milk, for one, is rare in foods).
    """
    low = problem.bounds.low
    typical = _typical_day(pools, len(low))
    return [k for k in range(len(low)) if not np.isnan(low[k]) and typical[k] < low[k]]


def _typical_day(pools: list[Candidates], keys: int) -> np.ndarray:
    """The mean candidate of every slot, summed: what a day drawn at random carries."""
    return sum((pool.nutrients.mean(axis=0) for pool in pools if len(pool)), np.zeros(keys))


def crowded_maxima(problem: PlanningProblem, pools: list[Candidates]) -> list[int]:
    """The daily maximums (positions in ``problem.bounds.keys``) a typical day of the pools
    goes over: the mean candidate of every slot, summed, carries more than the day's maximum.

    The mirror of :func:`scarce_nutrients`: sodium in foods as eaten, where a day stays under
    its limit only with the few meals low in it, so the week's basket must hold such foods.
    """
    high = problem.bounds.high
    typical = _typical_day(pools, len(high))
    return [k for k in range(len(high)) if not np.isnan(high[k]) and typical[k] > high[k]]


@dataclass(frozen=True)
class _Drawer:
    """Draws candidates for a slot from the problem's foods, one shared random stream."""

    problem: PlanningProblem
    weights: np.ndarray
    rng: np.random.Generator
    #: The minimums candidates are ranked by (the problem's, unless focused on one nutrient).
    low: np.ndarray | None = None
    #: The week's basket: the foods candidates may use (None: every allowed food).
    within: np.ndarray | None = None
    #: The maximums meals are ranked against (the problem's, unless leaner).
    high: np.ndarray | None = None

    def __call__(self, spec: SlotSpec, count: int) -> Candidates:
        return generate(
            self.problem.foods,
            spec,
            self.weights,
            self.problem.bounds.low if self.low is None else self.low,
            count,
            self.rng,
            serving_weight=self.problem.preferences.weights.serving_size,
            daily_high=self.problem.bounds.high if self.high is None else self.high,
            within=self.within,
        )

    def focused(self, key: int) -> _Drawer:
        """A drawer for one nutrient alone: foods drawn and meals ranked by it (within the
        caps as usual), on the same random stream."""
        bounds = self.problem.bounds
        only = np.full(len(bounds.low), np.nan)
        only[key] = bounds.low[key]
        weights = nutrient_weights(
            self.problem.foods, only, self.problem.energy_target, bounds.high
        )
        return _Drawer(self.problem, weights, self.rng, only, self.within)

    def lean(self, keys: list[int]) -> _Drawer:
        """A drawer for meals low in the crowded maximums ``keys`` (sodium): foods drawn and
        meals ranked as if those maximums were :data:`LEAN_SHARE` of the day's, on the same
        random stream."""
        bounds = self.problem.bounds
        high = bounds.high.copy()
        high[keys] *= LEAN_SHARE
        weights = nutrient_weights(self.problem.foods, bounds.low, self.problem.energy_target, high)
        return _Drawer(self.problem, weights, self.rng, self.low, self.within, high)


def _locked_days(
    problem: PlanningProblem, slot: int
) -> list[tuple[tuple[tuple[int, float], ...], list[int]]]:
    """The distinct sets of locked foods of one slot, each with the days that need it."""
    by_set: dict[tuple[tuple[int, float], ...], list[int]] = {}
    for (d, s), locked in sorted(problem.locks.items()):
        if s == slot:
            by_set.setdefault(tuple(sorted(locked)), []).append(d)
    return sorted(by_set.items(), key=str)


def _keep_meals(
    problem: PlanningProblem,
    pools: list[Candidates],
    open_on: list[np.ndarray],
    keep: WeekPlan | None,
    replan: list[int],
    leftovers: dict[tuple[int, int], tuple[int, int]],
    swap: tuple[int, int] | None = None,
    follows: int | None = None,
) -> dict[tuple[int, int], int]:
    """Add the kept meals (every meal of the days not re-planned, but the swapped one and
    the leftover lunch that ``follows`` it) as one-candidate pools fixed to their day. A kept
    leftover whose dinner is kept too stays a leftover (``leftovers`` gains the pair). The
    swapped meal gets a new meal: its pool's candidates equal to the old one are closed."""
    fixed: dict[tuple[int, int], int] = {}
    if keep is None:
        return fixed
    names = [spec.meal for spec in problem.slots]
    for d, day in enumerate(keep.days):
        if d + 1 in replan:
            continue
        for s, meal in enumerate(day.meals):
            if (d, s) == swap:
                _close_twins(problem, pools[s], open_on[s], d, meal)
                continue
            if follows is not None and d == follows + 1 and meal.leftover_from is not None:
                continue
            pools[s] = _merge(pools[s], _as_candidate(pools[s].slot, meal, problem))
            open_on[s] = np.append(open_on[s], d)
            fixed[(d, s)] = len(pools[s]) - 1
    for (d, s), c in fixed.items():
        source = keep.days[d].meals[s].leftover_from
        if source is None or source.meal not in names:
            continue
        cooked = (source.day - 1, names.index(source.meal))
        if cooked in fixed and source.day == d:
            pools[s].mains[c] = ()
            leftovers[(s, c)] = (cooked[1], fixed[cooked])
    return fixed


def _swapped_dinner_with_leftover(
    problem: PlanningProblem, keep: WeekPlan | None, swap: tuple[int, int] | None
) -> int | None:
    """The day of a swapped dinner whose leftovers are the next day's lunch, or None. That
    lunch is the same dish eaten again, so it follows the swap: nobody eats the leftovers of
    a dinner they did not cook."""
    if keep is None or swap is None or not problem.preferences.leftovers:
        return None
    d, s = swap
    if problem.slots[s].meal != "dinner" or d + 1 >= len(keep.days):
        return None
    for meal in keep.days[d + 1].meals:
        source = meal.leftover_from
        if source is not None and source.day == d + 1 and source.meal == "dinner":
            return d
    return None


def _close_twins(
    problem: PlanningProblem, pool: Candidates, open_on: np.ndarray, day: int, meal: Meal
) -> None:
    """Close (open on no day) the candidates of ``day`` that serve ``meal`` again."""
    foods = problem.foods
    old = sorted(
        (foods.position.get(item.food_id, -1), round(item.servings, 6)) for item in meal.items
    )
    for c in np.flatnonzero(open_on == day).tolist():
        pairs = sorted(zip(pool.foods[c], (round(x, 6) for x in pool.servings[c]), strict=True))
        if pairs == old:
            open_on[c] = problem.days


def _check_locks_held(
    problem: PlanningProblem, pools: list[Candidates], open_on: list[np.ndarray]
) -> None:
    for (d, s), locked in sorted(problem.locks.items()):
        for position, _ in locked:
            today = np.flatnonzero(open_on[s] == d)
            if not any(position in pools[s].foods[c] for c in today):
                message = explain.unheld_lock(
                    problem.slots[s].meal, problem.foods.names[position], d + 1
                )
                raise InfeasiblePlanError(explain.conflicts([message]))


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
        np.concatenate([pool.patterns, extra.patterns]).astype(int),
        pool.parts + extra.parts,
        pool.mains + extra.mains,
        np.vstack([pool.groups, extra.groups]) if len(pool) else extra.groups,
    )


def _as_candidate(slot: str, meal: Meal, problem: PlanningProblem) -> Candidates:
    """A kept meal as a one-candidate pool, with its pattern and parts when it names them."""
    foods = problem.foods
    positions = []
    for item in meal.items:
        if item.food_id not in foods.position:
            raise PlannerError(f"keep: food {item.food_id!r} is not allowed by the preferences")
        positions.append(foods.position[item.food_id])
    patterns = [p.id for p in problem.plates.patterns]
    pattern = patterns.index(meal.pattern) if meal.pattern in patterns else -1
    book = problem.plates.patterns[pattern].components if pattern >= 0 else ()
    names = [part.name for part in book]
    parts = tuple(names.index(i.part) if i.part in names else -1 for i in meal.items)
    mains = tuple(p for p, j in zip(positions, parts, strict=True) if j >= 0 and book[j].main)
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
        np.array([pattern]),
        [parts],
        [mains],
        (amounts @ foods.groups[index]).reshape(1, -1) if foods.groups.size else np.zeros((1, 0)),
    )
