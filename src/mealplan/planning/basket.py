"""The week's basket and its schedule of mains: the few dozen foods a household shops for, and
which main each meal is built around, chosen before the meals.

Drawing every meal of a week from 4,600 foods gives weeks of 60-80 distinct foods, and the
selection model cannot bring such pools down to 30, nor keep each main off consecutive days,
in the time a request has. So a week is planned in passes:

1. **Scout.** Candidate meals are drawn from every allowed food, as for a day, and the linear
   relaxation of the week's selection model (every rule but the distinct-food cap) is solved.
   How much of each food that relaxed week serves says which foods carry the week's nutrients
   within its caps (sodium, saturated fat): salmon or fortified milk for vitamin D, beans for
   magnesium.
2. **Shop.** The basket is the foods the relaxed week serves most: first enough mains for
   every meal of the week, then the rest, up to the distinct-food cap, one food per WWEIA
   category (two for a scarce nutrient's sources) and the allowed kinds of each staple. Foods
   denser per kcal than the day allows in a crowded maximum (sodium in dishes as eaten) rank
   lower.
3. **Schedule.** Candidate meals are drawn from the basket around each of its mains; each
   breakfast, lunch and dinner of the week gets two mains that have candidates, spread over
   the week, never a main of the day before or after and at most N times a week
   (:func:`~mealplan.planning.pools.schedule_mains`). The scout's meals with one counted food
   outside the basket join them, and the selection model (with the cap and staple rows)
   chooses, buying that food or not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pulp

from mealplan.domain.plan import WeekPlan
from mealplan.optimize._model import SelectionModel, build_selection
from mealplan.optimize._solve import resolve_lp, solve
from mealplan.planning.formulation import (
    SHORTFALL_PENALTY,
    distinct_cap,
    selection_arguments,
)
from mealplan.planning.pools import (
    CandidatePools,
    candidate_pools,
    crowded_maxima,
    merge_all,
    scarce_nutrients,
)
from mealplan.planning.problem import PlanningProblem

#: Foods of one WWEIA category in the basket: the relaxed week spreads itself over near-twins
#: (five peanut butter sandwiches, raw and frozen cherries), a shopping list should not.
PER_CATEGORY = 1
#: ... but a scarce nutrient's sources may be two of one category: trout and mackerel, when
#: one fish at most 3 times a week cannot carry a 71-year-old's 20 µg of vitamin D a day.
SCARCE_PER_CATEGORY = 2
#: Mains the basket holds per meal: enough for a week at most 3 times each and never on
#: consecutive days, with a spare; lunch and dinner share theirs.
MAINS_PER_MEAL = {"breakfast": 4, "lunch": 7, "dinner": 7}
#: Mains beyond the basket a slot may call on when too few of the basket's make meals.
EXTRA_MAINS = 6
#: For each nutrient minimum, the basket takes this many of the foods that carry most of it in
#: the relaxed week, before the rest.
SOURCES_PER_NUTRIENT = 2
#: ... and this many times as many for a scarce nutrient (see ``scarce_nutrients``).
SCARCE_FACTOR = 2
#: Weight of a main's richness in scarce nutrients against its relaxed usage (servings a week)
#: in the basket's ranking of mains: a serving with a whole day's vitamin D counts as 3.
SCARCE_MAIN_WEIGHT = 3.0
#: Weight of a food's excess over a crowded daily maximum (see ``crowded_maxima``) against its
#: relaxed usage: a main twice as salty per kcal as the day allows counts as 2 servings less.
CROWDING_WEIGHT = 2.0


@dataclass(frozen=True)
class Basket:
    """A week's foods (a mask over the problem's foods) and, per slot, the basket's foods
    that can be its main, most served first (the pools schedule them over the days)."""

    foods: np.ndarray
    mains: tuple[tuple[int, ...], ...]
    usage: np.ndarray


#: Scout meals with at most this many counted foods outside the basket join its pools.
OUTSIDE_FOODS = 1
#: Each pruning round drops this share of the foods the relaxed week uses least.
PRUNE_SHARE = 0.25
PRUNE_ROUNDS = 12


def relaxed_usage(
    problem: PlanningProblem, scout: CandidatePools, solver: str = "highs", cap: int | None = None
) -> np.ndarray | None:
    """Servings of each food's meals in the linear relaxation of the week over ``scout``'s
    pools (every rule but the distinct-food cap, the minimums elastic), or None when it has
    no solution.

    With ``cap``, the relaxed week is pruned: round by round, the meals holding the foods it
    uses least are closed and it is solved again, until it uses at most ``cap`` foods or
    closing more would miss a minimum by more; the last solution's usage is returned. A relaxed
    week spreads itself over a hundred foods; the pruned one says which few carry it."""
    arguments = selection_arguments(problem, scout)
    kwargs = dict(arguments.kwargs)
    kwargs["rules"] = replace(kwargs["rules"], counted=None)
    # The same basket whether the request refuses or declares shortfalls: elastic minimums,
    # so that pools too poor in a nutrient (vitamin D for a vegetarian) still say which of
    # their foods carry most of it. The food-group bands are left to the final model (in the
    # relaxation they crowd out nutrient sources).
    kwargs["shortfall_penalty"] = SHORTFALL_PENALTY
    kwargs["group_bands"] = None
    model = build_selection(*arguments.args, **kwargs)
    variables = model.problem.variables()
    for variable in variables:
        variable.cat = pulp.LpContinuous
    shorts = [v for v in variables if str(v.name).startswith("short_")]
    position = {id(v): p for p, v in enumerate(variables)}
    counted = problem.plates.counted
    best: np.ndarray | None = None
    first_missed: float | None = None
    closed: set[int] = set()
    newly_closed: dict[int, float] = {}
    for round_ in range(PRUNE_ROUNDS if cap is not None else 1):
        # An LP: no limit, so no luck. After the first round HiGHS keeps the model and its
        # basis, and only the closed meals' bounds change.
        if round_ == 0 or solver != "highs":
            result = solve(model.problem, solver=solver, mip=False)
        else:
            result = resolve_lp(model.problem, variables, newly_closed)
        if not result.has_solution:
            break
        missed = sum(v.varValue or 0.0 for v in shorts)
        if first_missed is None:
            first_missed = missed
        elif missed > first_missed * (1 + 1e-6) + 1e-6:
            break  # closing those foods cost a minimum: the last usage stands
        best = _usage(problem, scout, model)
        used = [f for f in np.flatnonzero((best > 1e-9) & counted).tolist()]
        if cap is None or len(used) <= cap:
            break
        used.sort(key=lambda f: (best[f], f))
        drop = set(used[: max(1, int(len(used) * PRUNE_SHARE))])
        closed |= drop
        newly_closed = {}
        for (_, s, c), v in model.x.items():
            if v.upBound == 0 or (s, c) in scout.fixed_set:
                continue
            if closed.intersection(scout.pools[s].foods[c]):
                v.upBound = 0
                newly_closed[position[id(v)]] = 0.0
    return best


def _usage(problem: PlanningProblem, scout: CandidatePools, model: SelectionModel) -> np.ndarray:
    usage = np.zeros(len(problem.foods))
    for (_, s, c), v in model.x.items():
        value = v.varValue or 0.0
        if value > 1e-9:
            for food in scout.pools[s].foods[c]:
                usage[food] += value
    return usage


def week_basket(
    problem: PlanningProblem, scout: CandidatePools, usage: np.ndarray, cap: int
) -> Basket:
    """The basket and the ranked mains for the usage of the relaxed week (see the module):
    mains first, then each minimum's sources, then the rest by usage, within ``cap``."""
    foods = problem.foods
    mains = _main_foods(problem)
    drawn = np.zeros(len(foods), dtype=bool)
    for pool in scout.pools:
        for members in pool.foods:
            drawn[list(members)] = True
    scarce = scarce_nutrients(problem, scout.pools)
    # Foods denser than a day allows in a crowded maximum (sodium) rank lower: a basket of
    # salty mains leaves no day under the limit.
    excess = _crowding(problem, crowded_maxima(problem, scout.pools))
    # Most served first; ties in food order.
    order = np.lexsort((np.arange(len(foods)), -(usage - CROWDING_WEIGHT * excess))).tolist()
    # Mains rich in a scarce nutrient first (salmon for vitamin D): the schedule serves the
    # first-ranked mains most, and a relaxed week takes a little of many such foods.
    main_order = np.lexsort(
        (
            np.arange(len(foods)),
            -(usage + _scarce_richness(problem, scarce, drawn) - CROWDING_WEIGHT * excess),
        )
    ).tolist()
    chooser = _Chooser(problem, cap)
    for s, spec in enumerate(problem.slots):
        chooser.take_first(main_order, mains[s], MAINS_PER_MEAL.get(spec.meal, 0))
    _take_sources(problem, usage, scarce, drawn, chooser)
    chooser.take_first(order, usage > 1e-9, len(foods), stop_outside=True)
    # Per slot: the basket's mains, then a few more the relaxed week served, for the pools
    # to call on when too few of the basket's can be built into meals (the model's cap rows
    # then decide what stays).
    ranked = tuple(
        tuple(f for f in main_order if chooser.basket[f] and m[f])
        + tuple(f for f in main_order if not chooser.basket[f] and m[f])[:EXTRA_MAINS]
        for m in mains
    )
    return Basket(chooser.basket, ranked, usage)


def _scarce_richness(problem: PlanningProblem, scarce: list[int], drawn: np.ndarray) -> np.ndarray:
    """Per food, the shares of the ``scarce`` nutrients' daily minimums one serving carries
    (each at most 1), times :data:`SCARCE_MAIN_WEIGHT`; 0 for foods the scout did not draw."""
    foods, low = problem.foods, problem.bounds.low
    richness = np.zeros(len(foods))
    for k in scarce:
        if low[k] > 0:
            richness += np.minimum(foods.nutrients[:, k] / low[k], 1.0)
    weighted: np.ndarray = SCARCE_MAIN_WEIGHT * richness * drawn
    return weighted


def _crowding(problem: PlanningProblem, crowded: list[int]) -> np.ndarray:
    """Per food, how far its density per kcal of each ``crowded`` maximum goes over what the
    day allows per kcal (its maximum over the energy target), summed (0 when within)."""
    foods, high = problem.foods, problem.bounds.high
    per_kcal = np.maximum(foods.energy, 1.0)
    excess = np.zeros(len(foods))
    energy = problem.energy_target if np.isfinite(problem.energy_target) else 2000.0
    for k in crowded:
        allowed = high[k] / max(energy, 1.0)
        excess += np.maximum(foods.nutrients[:, k] / per_kcal / allowed - 1.0, 0.0)
    return excess


def _take_sources(
    problem: PlanningProblem,
    usage: np.ndarray,
    scarce: list[int],
    drawn: np.ndarray,
    chooser: _Chooser,
) -> None:
    """For each minimum, the relaxed week's main sources (milk and yogurt for calcium), then
    the richest foods the scout drew (``drawn``): a relaxed week takes a little of many, a
    real one needs a few servings of salmon for its vitamin D."""
    foods, low = problem.foods, problem.bounds.low
    # Scarce nutrients first: their few sources (fortified milk, cereal and eggs for a
    # vegetarian's vitamin D) must all be in the basket before the room runs out.
    for k in sorted(range(len(low)), key=lambda k: k not in scarce):
        if np.isnan(low[k]) or low[k] <= 0:
            continue
        sources = SOURCES_PER_NUTRIENT * (SCARCE_FACTOR if k in scarce else 1)
        per_category = SCARCE_PER_CATEGORY if k in scarce else PER_CATEGORY
        for amount in (usage * foods.nutrients[:, k], drawn * foods.nutrients[:, k]):
            order = np.lexsort((np.arange(len(foods)), -amount)).tolist()
            chooser.take_first(
                order, amount > 1e-9, sources, stop_outside=True, per_category=per_category
            )


class _Chooser:
    """Adds foods to a basket within the cap, one per WWEIA category (two for a scarce
    nutrient, never two of one name) and the staple kinds."""

    def __init__(self, problem: PlanningProblem, cap: int) -> None:
        self.problem = problem
        self.cap = cap
        self.basket = np.zeros(len(problem.foods), dtype=bool)
        self.kinds: dict[str, int] = {}
        self.categories: dict[int, int] = {}
        #: Per category, the name heads (before the first comma) of its foods in the basket.
        self.heads: dict[int, set[str]] = {}
        self.counted = 0

    def take_first(
        self,
        order: list[int],
        wanted: np.ndarray,
        count: int,
        *,
        stop_outside: bool = False,
        per_category: int = PER_CATEGORY,
    ) -> None:
        """Take foods of ``wanted`` in ``order`` until ``count`` of them are in the basket
        (those already in count), or, with ``stop_outside``, until the first food outside
        ``wanted``."""
        taken = 0
        for food in order:
            if taken >= count:
                return
            if not wanted[food]:
                if stop_outside:
                    return
                continue
            if self.basket[food] or self.take(food, per_category):
                taken += 1

    def take(self, food: int, per_category: int = PER_CATEGORY) -> bool:
        plates, foods = self.problem.plates, self.problem.foods
        if self.basket[food]:
            return True
        groups = [g for g, members in plates.staples.items() if members[food]]
        limit = self.problem.preferences.max_staple_kinds
        if limit is not None and any(self.kinds.get(g, 0) >= limit for g in groups):
            return False
        category = int(foods.categories[food]) if len(foods.categories) else -1
        if category >= 0 and self.categories.get(category, 0) >= per_category:
            return False
        head = _name_head(foods.names[food])
        if category >= 0 and head in self.heads.get(category, set()):
            return False  # a twin: trout baked with oil beside trout baked with butter
        if plates.counted[food] and self.counted >= self.cap:
            return False
        self.counted += int(plates.counted[food])
        self.categories[category] = self.categories.get(category, 0) + 1
        self.heads.setdefault(category, set()).add(head)
        for g in groups:
            self.kinds[g] = self.kinds.get(g, 0) + 1
        self.basket[food] = True
        return True


def _name_head(name: str) -> str:
    """A food's name before its first comma ("Trout" for "Trout, baked or broiled, ..."):
    what a shopping list calls it."""
    return name.split(",", 1)[0].strip().lower()


def _main_foods(problem: PlanningProblem) -> list[np.ndarray]:
    """Per slot, the foods that can be its main: in a main part of one of its patterns."""
    foods = problem.foods
    result = []
    for spec in problem.slots:
        eligible = np.array([spec.meal in meals for meals in foods.meals], dtype=bool)
        mains = np.zeros(len(foods), dtype=bool)
        for pattern in spec.patterns:
            for part in pattern.parts:
                if part.main:
                    mains |= part.foods & eligible
        result.append(mains)
    return result


def week_pools(
    problem: PlanningProblem,
    *,
    keep: WeekPlan | None = None,
    replan: list[int] | None = None,
    attempt: int = 0,
    solver: str = "highs",
    swap: tuple[int, int] | None = None,
) -> CandidatePools:
    """A week's candidate pools: scout, shop, schedule (see the module). Without a
    distinct-food cap, or when even the relaxed week has no solution (the model then proves
    it and the diagnosis says why), the scout's own pools."""
    scout = candidate_pools(problem, keep=keep, replan=replan, attempt=attempt, swap=swap)
    cap = problem.preferences.max_distinct_foods
    if problem.days < 2 or cap is None:
        return scout
    room = distinct_cap(cap, problem.days) or cap
    usage = relaxed_usage(problem, scout, solver, cap=room)
    if usage is None:
        return scout
    # A further attempt shops from another scout (another random stream), no more widely:
    # a basket wider than the cap left the cap rows to the solver, which ran out of time.
    basket = week_basket(problem, scout, usage, room)
    pools = candidate_pools(
        problem,
        keep=keep,
        replan=replan,
        attempt=attempt,
        basket=basket.foods,
        mains=basket.mains,
        swap=swap,
        grow=False,
    )
    return _with_near_basket(problem, pools, scout, basket.foods)


def _with_near_basket(
    problem: PlanningProblem, pools: CandidatePools, scout: CandidatePools, basket: np.ndarray
) -> CandidatePools:
    """``pools`` with the scout's meals that hold at most :data:`OUTSIDE_FOODS` counted foods
    outside the basket, each on its own day as drawn. A basket chosen from a relaxed week can
    miss the one low-sodium side or second fish a day needs; the model's cap rows then decide
    whether the week buys it."""
    counted_outside = problem.plates.counted & ~basket
    merged, open_on = list(pools.pools), list(pools.open_on)
    for s, pool in enumerate(scout.pools):
        own = scout.tied(s)
        rows = [
            c
            for c in range(len(pool))
            if c not in own
            and 0 <= scout.open_on[s][c] < problem.days
            and 0 < int(counted_outside[list(pool.foods[c])].sum()) <= OUTSIDE_FOODS
        ]
        if rows:
            merged[s] = merge_all([merged[s], pool.take(rows)])
            open_on[s] = np.concatenate([open_on[s], scout.open_on[s][rows]])
    return replace(pools, pools=merged, open_on=open_on)
