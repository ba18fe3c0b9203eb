"""Pricing for column generation: the meal of one slot and pattern with the lowest reduced cost.

The selection model chooses among candidate meals. Its LP relaxation's dual values price what
one more meal of a slot would be worth: every row a meal enters (one per slot, the day's energy
and nutrients, the meal's energy band, the budget, the food groups, a main food once a day, a
locked food) holds it at a price per unit of one of its totals (:class:`MealPrices`). A meal's
reduced cost is its points (what the objective charges it) less what those rows pay for it.

The pricing problem finds, over every meal a pattern allows, the one whose reduced cost is
lowest, as a small MILP: ``z[i] ∈ {0,1}`` takes option ``i``, one food at one serving size in
one part of the pattern. Its rows are the rules of :func:`~._candidates.generate`: at most one
option per part (exactly one for a part that is not optional), the meal's item count, its
required roles, no food or WWEIA category twice, one starch, the pairing rules, and the meal
inside its energy window. Solved to optimality, its value proves that no meal of the pattern
prices out, which is what makes the column-generation bound a bound over all meals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from mealplan.optimize._arrays import ArrayModel, ModelBuilder
from mealplan.optimize._candidates import (
    DISH_ROLES,
    MAIN_DISH_POINTS,
    Bools,
    Candidates,
    Floats,
    Ints,
    PatternSpec,
    SlotSpec,
    meal_rules_hold,
    pack_meals,
)
from mealplan.optimize._problem import FoodTable
from mealplan.optimize._solve import solve_relaxation


@dataclass(frozen=True)
class MealPoints:
    """What the selection objective charges a meal of one slot (see
    :func:`~._families.selection_objective`): its preference and serving-size points, its
    distance from the slot's kcal target and, when every cost is known, its cost."""

    target: float
    calorie_weight: float
    cost_weight: float
    serving_weight: float

    def of(self, meals: Candidates) -> Floats:
        """Per candidate, its objective coefficient."""
        points = meals.score + self.calorie_weight * np.abs(meals.energy - self.target) / 100.0
        return points + self.cost_weight * meals.cost if self.cost_weight else points


@dataclass(frozen=True)
class MealPrices:
    """What the rows of the selection model's LP relaxation pay for one more meal of a slot,
    per unit of the meal's totals: ``constant + energy·e + nutrients·a + cost·p + groups·g``,
    plus ``mains[f]`` for each main food ``f`` it serves and ``holds[f]`` for each food ``f``
    it holds. A meal's reduced cost is its points less this."""

    constant: float
    energy: float
    nutrients: Floats
    cost: float
    groups: Floats
    mains: Mapping[int, float] = field(default_factory=dict)
    holds: Mapping[int, float] = field(default_factory=dict)

    def of(self, meals: Candidates) -> Floats:
        """Per candidate, what the rows pay for it."""
        paid = self.constant + self.energy * meals.energy + meals.nutrients @ self.nutrients
        paid = paid + self.cost * np.nan_to_num(meals.cost)
        if meals.groups.size and self.groups.size:
            paid = paid + meals.groups @ self.groups
        extra = [
            sum(self.mains.get(f, 0.0) for f in mains) + sum(self.holds.get(f, 0.0) for f in foods)
            for mains, foods in zip(
                meals.mains or [() for _ in meals.foods], meals.foods, strict=True
            )
        ]
        return np.asarray(paid + np.array(extra, dtype=float), dtype=float)


def reduced_costs(meals: Candidates, points: MealPoints, prices: MealPrices) -> Floats:
    """Per candidate, its reduced cost in the LP whose duals ``prices`` holds."""
    return points.of(meals) - prices.of(meals)


@dataclass(frozen=True)
class _Options:
    """The pricing problem's columns: option ``i`` puts ``foods[i]`` at ``servings[i]`` in
    ``parts[i]``."""

    foods: Ints
    parts: Ints
    servings: Floats
    #: The parts a meal must fill: those not optional, and those holding a locked food.
    required: frozenset[int] = frozenset()

    def take(self, keep: np.ndarray) -> _Options:
        return _Options(self.foods[keep], self.parts[keep], self.servings[keep], self.required)


def _options(
    foods: FoodTable, spec: SlotSpec, pattern: PatternSpec, eligible: np.ndarray
) -> _Options | None:
    """Every food and serving size each part of ``pattern`` takes (a locked food alone in the
    first part that takes it, as :func:`~._candidates.generate` places it); None when a part
    that is not optional has no food."""
    placed: dict[int, tuple[int, float]] = {}
    for position, servings in spec.forced:
        free = [j for j, p in enumerate(pattern.parts) if p.foods[position] and j not in placed]
        if not free:
            return None
        placed[free[0]] = (position, servings)
    chunks: list[tuple[Ints, Ints, Floats]] = []
    for j, part in enumerate(pattern.parts):
        if j in placed:
            position, fixed = placed[j]
            candidates = np.array([position])
        else:
            candidates = np.flatnonzero(part.foods & eligible)
            fixed = np.nan
        step = foods.step[candidates]
        low = np.maximum(part.low, foods.min_servings[candidates])
        high = np.minimum(part.high, foods.max_servings[candidates])
        first = np.ceil(low / step - 1e-9) * step
        last = np.floor(high / step + 1e-9) * step
        counts = np.maximum(np.round((last - first) / step).astype(int) + 1, 0)
        if j in placed and not np.isnan(fixed):
            food_of, size = candidates, np.array([fixed])
        else:
            food_of = np.repeat(candidates, counts)
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            size = np.repeat(first, counts) + offsets * np.repeat(step, counts)
        if food_of.size == 0 and not part.optional:
            return None
        chunks.append((food_of, np.full(food_of.size, j), size.astype(float)))
    return _Options(
        np.concatenate([c[0] for c in chunks]).astype(int),
        np.concatenate([c[1] for c in chunks]).astype(int),
        np.concatenate([c[2] for c in chunks]),
        frozenset(j for j, part in enumerate(pattern.parts) if not part.optional or j in placed),
    )


def _option_costs(
    foods: FoodTable,
    pattern: PatternSpec,
    points: MealPoints,
    prices: MealPrices,
    options: _Options,
) -> tuple[Floats, Floats]:
    """Per option, its part of a meal's reduced cost (its points less what the rows pay for
    it; the kcal distance, the dish bonus and the slot's constant come on top) and its kcal."""
    f, v = options.foods, options.servings
    kcal = v * foods.energy[f]
    paid = prices.energy * kcal + v * (foods.nutrients[f] @ prices.nutrients)
    paid += prices.cost * v * np.nan_to_num(foods.cost[f])
    if foods.groups.size and prices.groups.size:
        paid += v * (foods.groups[f] @ prices.groups)
    main_part = np.array([part.main for part in pattern.parts], dtype=bool)[options.parts]
    paid += _lookup(prices.mains, f) * main_part + _lookup(prices.holds, f)
    own = v * foods.score[f] + points.serving_weight * np.abs(v - 1.0)
    if points.cost_weight:
        own += points.cost_weight * v * foods.cost[f]
    return own - paid, kcal


def _lookup(values: Mapping[int, float], foods: Ints) -> Floats:
    """``values[f]`` for each food ``f`` (0 where it has none)."""
    result = np.zeros(len(foods))
    for food, value in values.items():
        result[foods == food] += value
    return result


def pricing_model(
    foods: FoodTable,
    spec: SlotSpec,
    pattern: PatternSpec,
    points: MealPoints,
    options: _Options,
    cost: Floats,
) -> ArrayModel:
    """The pricing MILP of one slot and pattern over ``options``: minimise the meal's reduced
    cost (less the slot's constant price), ``cost`` being each option's part of it
    (:func:`_option_costs`). Columns ``z_*`` (the options, first), ``dev`` (the meal's kcal from
    the slot's target), ``dish`` (the meal holds a mixed dish, sandwich or soup) and the pairing
    rules' switches."""
    f = options.foods
    kcal = options.servings * foods.energy[f]
    b = ModelBuilder()
    z = b.columns("z", len(f), upper=1.0, integer=True, cost=cost)
    dev = b.column("dev", cost=points.calorie_weight / 100.0)
    dish = b.column("dish", upper=1.0, integer=True, cost=-MAIN_DISH_POINTS)
    ones = np.ones(len(f))
    for j in range(len(pattern.parts)):
        in_part = options.parts == j
        lower = 1.0 if j in options.required else 0.0
        b.row(f"part_{j}", z[in_part], ones[in_part], lower=lower, upper=1.0)
    b.row("items", z, ones, lower=spec.min_items, upper=spec.max_items)
    b.row("kcal", z, kcal, lower=spec.kcal_low, upper=spec.kcal_high)
    b.row("dev_up", np.append(z, dev), np.append(kcal, -1.0), upper=points.target)
    b.row("dev_down", np.append(z, dev), np.append(kcal, 1.0), lower=points.target)
    holds_dish = np.isin(foods.roles[f], DISH_ROLES)
    b.row("dish", np.append(z[holds_dish], dish), np.append(ones[holds_dish], -1.0), lower=0.0)
    if spec.required_roles:
        fills = foods.fills(spec.required_roles)[f]
        for r, role in enumerate(spec.required_roles):
            b.row(f"role_{role}", z[fills[:, r]], ones[fills[:, r]], lower=1.0)
    if len(foods.starch):
        starch = foods.starch[f]
        b.row("starch", z[starch], ones[starch], upper=1.0)
    _no_food_or_category_twice(b, foods, f, options.parts, z)
    _pairing_rules(b, spec, f, z)
    return b.build()


def _no_food_or_category_twice(
    b: ModelBuilder, foods: FoodTable, f: Ints, part_of: Ints, z: Ints
) -> None:
    """No food twice, and no two foods of one WWEIA category (cooked and frozen spinach)."""
    category = foods.categories[f] if len(foods.categories) else np.full(len(f), -1)
    # A food without a category is a group of its own (offset past every category id).
    group = np.where(category >= 0, category, category.max(initial=0) + 1 + f)
    parts: dict[int, set[int]] = {}
    for i, g in enumerate(group.tolist()):
        parts.setdefault(g, set()).add(int(part_of[i]))
    for g in sorted(g for g, seen in parts.items() if len(seen) > 1):
        # Within one part, its own row already allows one option.
        members = group == g
        b.row(f"once_{g}", z[members], np.ones(int(members.sum())), upper=1.0)


def _pairing_rules(b: ModelBuilder, spec: SlotSpec, f: Ints, z: Ints) -> None:
    """Each pairing rule: at most ``k`` items of a kind; or no item of ``A`` beside another of
    ``B``, which allows a meal with no ``A``, one with no ``B``, or one with a single item of
    either (three switches, one of which holds)."""
    n = float(len(f))
    for r, pair in enumerate(spec.pairs):
        in_a = pair.foods[f]
        if pair.other is None:
            if in_a.sum() > pair.at_most:
                b.row(f"pair_{r}", z[in_a], np.ones(int(in_a.sum())), upper=pair.at_most)
            continue
        in_b = pair.other[f]
        if not in_a.any() or not in_b.any():
            continue
        no_a, no_b, single = (b.column(f"pair_{r}_{x}", upper=1.0, integer=True) for x in "abs")
        b.row(f"pair_{r}_one", np.array([no_a, no_b, single]), np.ones(3), lower=1.0)
        either = in_a | in_b
        for name, mask, switch, limit in (
            ("a", in_a, no_a, 0.0),
            ("b", in_b, no_b, 0.0),
            ("s", either, single, 1.0),
        ):
            # Σ z[mask] ≤ limit + n·(1 − switch)
            b.row(
                f"pair_{r}_{name}",
                np.append(z[mask], switch),
                np.append(np.ones(int(mask.sum())), n),
                upper=limit + n,
            )


@dataclass(frozen=True)
class Priced:
    """The outcome of pricing one slot and pattern."""

    #: The meal with the lowest reduced cost found (a one-candidate pool), or None.
    meal: Candidates | None
    #: Its reduced cost (inf without a meal).
    reduced_cost: float
    #: A proven lower bound on the reduced cost of every meal of the pattern (-inf: none).
    bound: float


#: The most meals an exact search checks one by one (beyond, the relaxation's bound stands).
ENUMERATION_LIMIT = 20_000
#: Options per part the search keeps, by their reduced cost in the relaxation.
SEARCH_OPTIONS = 8


class PatternPricer:
    """The pricing problem of one slot and pattern, built once: each round of column generation
    changes only the options' costs.

    HiGHS takes ~0.3 s for the pricing MILP over every option, and ~40 ms even for one over 30
    options; its LP relaxation takes ~3 ms and is tight (within 0.01 points on the pattern
    measured). So the relaxation decides: its value is the bound, and when it shows no meal
    below ``-tolerance`` there is none to find. Otherwise the meals of the options it favours
    (:data:`SEARCH_OPTIONS` per part by reduced cost, and its support) are checked one by one
    (:func:`_enumerate`), a few thousand at most, in one vectorised pass."""

    def __init__(
        self,
        foods: FoodTable,
        spec: SlotSpec,
        pattern: PatternSpec,
        points: MealPoints,
        eligible: np.ndarray,
    ) -> None:
        self.foods, self.spec, self.pattern, self.points = foods, spec, pattern, points
        self.options = _options(foods, spec, pattern, eligible)
        self.model = (
            None
            if self.options is None
            else pricing_model(
                foods, spec, pattern, points, self.options, self.options.servings * 0
            )
        )

    def own_points(self) -> Floats:
        """Per option, what the objective charges it (its part of a meal's points, before the
        kcal distance and the dish bonus): its reduced cost at zero prices."""
        if self.options is None:
            return np.zeros(0)
        keys = self.foods.nutrients.shape[1]
        zero = MealPrices(0.0, 0.0, np.zeros(keys), 0.0, np.zeros(self.foods.groups.shape[1]))
        return _option_costs(self.foods, self.pattern, self.points, zero, self.options)[0]

    def cheapest(
        self, prices: MealPrices, *, tolerance: float = 1e-6, exact: bool = False
    ) -> Priced | None:
        """A meal with a low reduced cost at ``prices``, and a proven bound on the lowest; None
        when the pattern makes no meal here. With ``exact``, when the search finds no meal
        below ``-tolerance`` and the relaxation leaves room for one, every meal that could
        still price out is checked, when there are at most :data:`ENUMERATION_LIMIT` (the
        pricing MILP itself takes ~0.3 s a pattern, too slow to run for each)."""
        options, model = self.options, self.model
        if options is None or model is None:
            return None
        n = len(options.foods)
        cost, kcal = _option_costs(self.foods, self.pattern, self.points, prices, options)
        priced = replace(model, cost=np.concatenate([cost, model.cost[n:]]))
        relaxed, values, costs = solve_relaxation(priced)
        if relaxed.status == "infeasible":
            return None
        if values is None or costs is None or relaxed.objective is None:
            return Priced(None, np.inf, -np.inf)
        bound = float(relaxed.objective) - prices.constant
        if bound >= -tolerance:
            return Priced(None, np.inf, bound)
        keep = values[:n] > 1e-9
        for j in range(len(self.pattern.parts)):
            in_part = np.flatnonzero(options.parts == j)
            keep[in_part[np.argsort(costs[in_part], kind="stable")[:SEARCH_OPTIONS]]] = True

        def search(among: Bools) -> tuple[Ints, float] | None:
            return _enumerate(
                self.foods,
                self.spec,
                self.pattern,
                self.points,
                prices.constant,
                options,
                among,
                cost,
                kcal,
            )

        found = search(keep)
        taken, reduced = found if found is not None else (None, np.inf)
        if exact and reduced >= -tolerance:
            # Reduced-cost fixing: a meal holding option i costs at least the relaxation's
            # value plus i's reduced cost, so only options below this can be in a meal that
            # prices out; when few meals remain, checking them all is the proof.
            ceiling = -tolerance - bound
            open_ = (values[:n] > 1e-9) | (costs[:n] <= ceiling)
            if _combinations(options, open_, len(self.pattern.parts)) <= ENUMERATION_LIMIT:
                found = search(open_)
                if found is None or found[1] >= -tolerance:
                    return Priced(None, np.inf, max(bound, -tolerance))
                taken, reduced = found
                meal = _meal(self.foods, self.spec, self.pattern, options, taken, self.points)
                return Priced(meal, reduced, bound)
        if taken is None:
            return Priced(None, np.inf, bound)
        meal = _meal(self.foods, self.spec, self.pattern, options, taken, self.points)
        return Priced(meal, reduced, bound)


def cheapest_meal(
    foods: FoodTable,
    spec: SlotSpec,
    pattern: PatternSpec,
    points: MealPoints,
    prices: MealPrices,
    eligible: np.ndarray,
    *,
    tolerance: float = 1e-6,
) -> Priced | None:
    """:meth:`PatternPricer.cheapest` for one pricing only."""
    return PatternPricer(foods, spec, pattern, points, eligible).cheapest(
        prices, tolerance=tolerance
    )


def _combinations(options: _Options, keep: Bools, parts: int) -> int:
    """How many meals :func:`_enumerate` would check over the options ``keep``."""
    count = 1
    for j in range(parts):
        count *= int(np.count_nonzero(keep & (options.parts == j))) + int(j not in options.required)
    return count


def _enumerate(
    foods: FoodTable,
    spec: SlotSpec,
    pattern: PatternSpec,
    points: MealPoints,
    constant: float,
    options: _Options,
    keep: Bools,
    cost: Floats,
    kcal: Floats,
) -> tuple[Ints, float] | None:
    """Every meal of the options ``keep`` (one per part, an optional part perhaps empty),
    checked against the pattern's rules as the pricing MILP states them: the options taken by
    the one with the lowest reduced cost, and that reduced cost; None when none is valid.
    ``cost`` and ``kcal`` are the options' (:func:`_option_costs`), ``constant`` the slot's
    constant price."""
    per_part = []
    for j in range(len(pattern.parts)):
        members = np.flatnonzero(keep & (options.parts == j))
        per_part.append(members if j in options.required else np.append(members, -1))
    if any(len(m) == 0 for m in per_part):
        return None
    grid = np.stack(np.meshgrid(*per_part, indexing="ij"), axis=-1).reshape(-1, len(per_part))
    real = grid >= 0
    at = np.where(real, grid, 0)
    food = np.where(real, options.foods[at], -1)
    safe = np.maximum(food, 0)
    energy = np.where(real, kcal[at], 0.0).sum(axis=1)
    valid = meal_rules_hold(foods, spec, food)
    valid &= (energy >= spec.kcal_low) & (energy <= spec.kcal_high)
    if not valid.any():
        return None
    dish = (np.isin(foods.roles[safe], DISH_ROLES) & real).any(axis=1)
    value = (
        np.where(real, cost[at], 0.0).sum(axis=1)
        + points.calorie_weight * np.abs(energy - points.target) / 100.0
        - MAIN_DISH_POINTS * dish
        - constant
    )
    value = np.where(valid, value, np.inf)
    best = int(np.argmin(value))
    return grid[best][real[best]], float(value[best])


def _meal(
    foods: FoodTable,
    spec: SlotSpec,
    pattern: PatternSpec,
    options: _Options,
    taken: Ints,
    points: MealPoints,
) -> Candidates:
    """The meal of the options ``taken``."""
    return pack_meals(
        foods,
        spec,
        pattern,
        options.foods[taken],
        options.parts[taken],
        options.servings[taken],
        points.serving_weight,
    )
