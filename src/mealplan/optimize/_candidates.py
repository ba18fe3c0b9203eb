"""Candidate meals: for each meal slot, a pool of complete meals (foods and servings).

Each candidate is one of the slot's meal patterns ("Cereal with milk and fruit"): one food per
part, servings within the part's range and the food's own, the meal's item count and required
roles, the pairing rules kept, and the meal inside its energy window, so the model only has to
*choose* one candidate per slot and day. Many random meals are drawn at once (arrays, not
loops), then the pool keeps those that carry the largest part of their meal's share of the
day's nutrient minimums, with caps on how often one food and one pattern may appear, so that
the pool is both nutrient-dense and varied enough for a week.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from mealplan.domain.vocabulary import Role
from mealplan.optimize._problem import FoodTable

#: Per-food or per-candidate values; food positions (-1 = no food).
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int_]
Bools = npt.NDArray[np.bool_]

_OVERSAMPLE = 8
#: How much one liked food (disliked: minus) adds to a candidate meal's rank, against its adequacy
#: (0-1, the mean share of the slot's minimums it carries).
_LIKING = 0.1
_NUDGES = 4
#: How hard a food denser in a capped nutrient than the day allows is drawn less: weight ÷
#: (density ÷ allowed density) ** this.
_CAP_DAMPING = 2.0
#: A cap counts as broken by the typical food when the median food is this far over it.
_TYPICAL_OVER = 1.5
#: Roles of a main on its own: a mixed dish, a sandwich, a soup.
DISH_ROLES = (Role.DISH, Role.SANDWICH, Role.SOUP)
#: Meals people recognise are built around a dish: a meal holding a mixed dish, sandwich or
#: soup scores this many points better (one serving's worth of portion oddity), so that of two
#: menus that meet the targets alike, the one of dishes wins over beans, bread and a glass of milk.
MAIN_DISH_POINTS = 0.5


@dataclass(frozen=True)
class PartSpec:
    """One place of a pattern's plate: the foods it takes (a mask over the food table), its
    servings range (multiples of a food's serving), and whether it may be left out or is the
    meal's main item."""

    foods: Bools
    low: float
    high: float
    optional: bool = False
    main: bool = False


@dataclass(frozen=True)
class PatternSpec:
    """A meal pattern as arrays: its position in the problem's pattern list, how often it is
    drawn relative to the slot's other patterns, and its parts."""

    index: int
    weight: float
    parts: tuple[PartSpec, ...]


@dataclass(frozen=True)
class PairSpec:
    """A pairing rule as masks: at most ``at_most`` items in ``foods``, or, with ``other``, no
    item in ``foods`` beside another in ``other``."""

    foods: Bools
    other: Bools | None = None
    at_most: int = 1


@dataclass(frozen=True)
class SlotSpec:
    """What a meal slot needs: its name, required roles, item count and energy window (kcal),
    and the patterns its candidate meals are drawn from."""

    meal: str
    required_roles: tuple[str, ...]
    min_items: int
    max_items: int
    kcal_low: float
    kcal_high: float
    #: The meal's share of the day (middle of its band), to size its part of the minimums.
    share: float = 0.25
    share_low: float = 0.2
    share_high: float = 0.3
    #: Foods (positions) every candidate must contain, with fixed servings or NaN.
    forced: tuple[tuple[int, float], ...] = ()
    patterns: tuple[PatternSpec, ...] = ()
    #: Rules no candidate of any slot may break (two drinks, fish with a sweet cereal).
    pairs: tuple[PairSpec, ...] = ()
    #: The food (position) every candidate has as its main item (a week's schedule), or -1.
    main_food: int = -1


@dataclass(frozen=True)
class Candidates:
    """Candidate meals of one slot: food positions and servings, their totals, and for each
    the pattern it was drawn from (index into the problem's patterns) and the part each food
    fills (index into that pattern's parts, aligned with ``foods``)."""

    slot: str
    foods: list[tuple[int, ...]]
    servings: list[tuple[float, ...]]
    energy: Floats  # kcal per candidate
    nutrients: Floats  # candidates × keys
    cost: Floats
    score: Floats  # preference and serving-size points
    patterns: Ints = field(default_factory=lambda: np.zeros(0, dtype=int))
    parts: list[tuple[int, ...]] = field(default_factory=list)
    #: The foods of each candidate that are its main items (the variety rules count them).
    mains: list[tuple[int, ...]] = field(default_factory=list)
    #: candidates × food groups (see ``FoodTable.groups``).
    groups: Floats = field(default_factory=lambda: np.zeros((0, 0)))

    def __len__(self) -> int:
        return len(self.foods)

    def take(self, rows: list[int], *, slot: str | None = None, mains: bool = True) -> Candidates:
        """The candidates ``rows``, in that order; for another ``slot`` (a leftover lunch of
        dinners) and without main items when ``mains`` is False (the dish counts once)."""
        index = np.array(rows, dtype=int)
        return Candidates(
            self.slot if slot is None else slot,
            [self.foods[c] for c in rows],
            [self.servings[c] for c in rows],
            self.energy[index],
            self.nutrients[index],
            self.cost[index],
            self.score[index],
            self.patterns[index] if len(self.patterns) else np.full(len(rows), -1),
            [self.parts[c] for c in rows] if self.parts else [() for _ in rows],
            [self.mains[c] for c in rows] if self.mains and mains else [() for _ in rows],
            self.groups[index] if len(self.groups) else np.zeros((len(rows), 0)),
        )


def nutrient_weights(
    foods: FoodTable, daily_low: Floats, energy_mid: float, daily_high: Floats | None = None
) -> Floats:
    """A sampling weight per food: its share of the daily minimums per kcal, plus a floor, times
    the preference (liked foods are drawn more often, disliked ones less).

    With ``daily_high``, for a cap that the typical food breaks (the median food is denser in
    it than the day allows per kcal by more than half: sodium in foods as eaten), a food is
    drawn less by the square of how far over it is: salty dishes would otherwise fill the pool
    with meals no day can hold.
    """
    lows = np.where(np.isnan(daily_low) | (daily_low <= 0), np.inf, daily_low)
    share: Floats = (
        np.minimum(foods.nutrients / lows, 1.0).sum(axis=1) if lows.size else np.zeros(len(foods))
    )
    relative_kcal = np.maximum(foods.energy, 10.0) / max(energy_mid, 1.0)
    per_kcal: Floats = share / relative_kcal
    weights = 0.5 + per_kcal / (np.mean(per_kcal) + 1e-9)
    if daily_high is not None and daily_high.size and len(foods):
        highs = np.where(np.isnan(daily_high) | (daily_high <= 0), np.inf, daily_high)
        density = np.nan_to_num(foods.nutrients / highs / relative_kcal[:, None])
        # Only caps the typical food breaks: where most foods are under, meals mix them back
        # under the cap (fruit is over the carbohydrate range on its own, a salad is not).
        salty = np.median(density, axis=0) > _TYPICAL_OVER
        over = np.maximum(density[:, salty], 1.0).max(axis=1, initial=1.0)
        weights = weights / over**_CAP_DAMPING
    return weights * np.where(foods.score > 0, 0.3, np.where(foods.score < 0, 3.0, 1.0))


def _draw(rng: np.random.Generator, options: Ints, weights: Floats, size: int) -> Ints:
    if options.size == 0:
        return np.full(size, -1)
    p = weights[options] / weights[options].sum()
    return rng.choice(options, size=size, p=p)


@dataclass(frozen=True)
class _Rows:
    """Drawn meals as padded arrays (rows × places, -1 = empty place)."""

    items: Ints  # food positions
    parts: Ints  # the pattern part each item fills
    patterns: Ints  # per row, the pattern's index
    fixed: Floats  # locked servings (NaN = free)
    low: Floats  # the part's servings range
    high: Floats

    def take(self, rows: Ints | Bools) -> _Rows:
        return _Rows(
            self.items[rows],
            self.parts[rows],
            self.patterns[rows],
            self.fixed[rows],
            self.low[rows],
            self.high[rows],
        )


def _draw_pattern(
    foods: FoodTable,
    spec: SlotSpec,
    pattern: PatternSpec,
    eligible: Bools,
    weights: Floats,
    draws: int,
    rng: np.random.Generator,
) -> _Rows | None:
    """``draws`` meals of one pattern: one food per part (an optional part left out half the
    time), a locked food in the first part that takes it; None when a required part has no
    food or a locked food fits no part."""
    width = len(pattern.parts)
    items = np.full((draws, width), -1)
    fixed = np.full((draws, width), np.nan)
    placed: dict[int, tuple[int, float]] = {}
    if spec.main_food >= 0:
        mains = [j for j, p in enumerate(pattern.parts) if p.main and p.foods[spec.main_food]]
        if not mains:
            return None
        placed[mains[0]] = (spec.main_food, np.nan)
    for position, servings in spec.forced:
        if position == spec.main_food:
            continue
        free = [
            j for j, part in enumerate(pattern.parts) if part.foods[position] and j not in placed
        ]
        if not free:
            return None
        placed[free[0]] = (position, servings)
    for j, part in enumerate(pattern.parts):
        if j in placed:
            items[:, j], fixed[:, j] = placed[j]
            continue
        options = np.flatnonzero(eligible & part.foods)
        if options.size == 0:
            if part.optional:
                continue
            return None
        column = _draw(rng, options, weights, draws)
        if part.optional:
            column = np.where(rng.random(draws) < 0.5, column, -1)
        items[:, j] = column
    parts = np.where(items >= 0, np.arange(width), -1)
    low = np.tile([part.low for part in pattern.parts], (draws, 1))
    high = np.tile([part.high for part in pattern.parts], (draws, 1))
    return _Rows(items, parts, np.full(draws, pattern.index), fixed, low, high)


def _draw_rows(
    foods: FoodTable,
    spec: SlotSpec,
    eligible: Bools,
    weights: Floats,
    draws: int,
    rng: np.random.Generator,
) -> _Rows:
    """Meals of every pattern of the slot, ``draws`` in all shared by pattern weight, padded
    to one width."""
    total_weight = sum(p.weight for p in spec.patterns) or 1.0
    drawn = [
        _draw_pattern(
            foods, spec, p, eligible, weights, max(1, round(draws * p.weight / total_weight)), rng
        )
        for p in spec.patterns
    ]
    rows = [r for r in drawn if r is not None]
    width = max((r.items.shape[1] for r in rows), default=0)

    def pad(a: np.ndarray, value: float) -> np.ndarray:
        return np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=value)

    if not rows:
        empty = np.zeros((0, 0))
        return _Rows(empty.astype(int), empty.astype(int), np.zeros(0, int), empty, empty, empty)
    return _Rows(
        np.vstack([pad(r.items, -1) for r in rows]),
        np.vstack([pad(r.parts, -1) for r in rows]),
        np.concatenate([r.patterns for r in rows]),
        np.vstack([pad(r.fixed, np.nan) for r in rows]),
        np.vstack([pad(r.low, 0.0) for r in rows]),
        np.vstack([pad(r.high, 0.0) for r in rows]),
    )


def meal_rules_hold(foods: FoodTable, spec: SlotSpec, items: Ints) -> Bools:
    """Per row of food positions (-1 = an empty place), whether it is a meal a person would
    eat: the meal's item count, every required role filled (by role or covers), no food twice,
    no two foods of one WWEIA category (cooked and frozen spinach), one starch (no rice with
    potatoes) and every pairing rule kept. The candidate draws and the pricing's search both
    hold meals to these rules."""
    real = items >= 0
    safe = np.where(real, items, 0)
    count = real.sum(axis=1)
    valid: Bools = (count >= spec.min_items) & (count <= spec.max_items)
    if len(foods.starch):
        valid &= (foods.starch[safe] & real).sum(axis=1) <= 1
    required = foods.fills(spec.required_roles)[safe] & real[:, :, None]
    valid &= np.all(required.any(axis=1), axis=1)
    category = np.where(real, foods.categories[safe] if len(foods.categories) else -1, -1)
    for a in range(items.shape[1]):
        for b in range(a + 1, items.shape[1]):
            both = real[:, a] & real[:, b]
            same = (items[:, a] == items[:, b]) | (
                (category[:, a] == category[:, b]) & (category[:, a] >= 0)
            )
            valid &= ~(both & same)
    for pair in spec.pairs:
        in_a = pair.foods[safe] & real
        if pair.other is None:
            valid &= in_a.sum(axis=1) <= pair.at_most
        else:
            in_b = pair.other[safe] & real
            valid &= ~(in_a.any(axis=1) & in_b.any(axis=1) & ((in_a | in_b).sum(axis=1) >= 2))
    return valid


def _valid(foods: FoodTable, spec: SlotSpec, rows: _Rows) -> Bools:
    """Rows that hold a meal a person would eat (:func:`meal_rules_hold`) in servings the
    part and the food both allow."""
    real = rows.items >= 0
    safe = np.where(real, rows.items, 0)
    valid = meal_rules_hold(foods, spec, rows.items)
    step = np.where(real, foods.step[safe], 1.0)
    low, high = _servings_range(foods, rows)
    fits = np.ceil(low / step - 1e-9) * step <= np.floor(high / step + 1e-9) * step + 1e-9
    valid &= np.all(~real | fits | ~np.isnan(rows.fixed) & real, axis=1)
    return valid


def _servings_range(foods: FoodTable, rows: _Rows) -> tuple[Floats, Floats]:
    """Per item, the servings both its part and the food allow (0 for an empty place)."""
    real = rows.items >= 0
    safe = np.where(real, rows.items, 0)
    low = np.where(real, np.maximum(rows.low, foods.min_servings[safe]), 0.0)
    high = np.where(real, np.minimum(rows.high, foods.max_servings[safe]), 0.0)
    return low, high


def _snap(value: Floats, step: Floats, low: Floats, high: Floats) -> Floats:
    low_ok = np.ceil(low / step - 1e-9) * step
    high_ok = np.floor(high / step + 1e-9) * step
    return np.clip(np.round(value / step) * step, low_ok, high_ok)


def _fit_servings(foods: FoodTable, rows: _Rows, target: Floats) -> Floats:
    """Servings (rows × items) within each item's range that bring each row's energy close to
    its target; locked servings stay."""
    items, fixed = rows.items, rows.fixed
    real = items >= 0
    safe = np.where(real, items, 0)
    step = np.where(real, foods.step[safe], 1.0)
    low, high = _servings_range(foods, rows)
    energy = np.where(real, foods.energy[safe], 0.0)
    free = real & np.isnan(fixed)
    servings = np.where(free, _snap(np.ones_like(step), step, low, high), np.nan_to_num(fixed))
    servings = np.where(real, servings, 0.0)
    for _ in range(2):
        total = (servings * energy).sum(axis=1)
        flexible = (np.where(free, servings, 0.0) * energy).sum(axis=1)
        factor = np.where(
            flexible > 0, (target - (total - flexible)) / np.maximum(flexible, 1e-9), 1.0
        )
        scaled = _snap(servings * np.maximum(factor, 0.0)[:, None], step, low, high)
        servings = np.where(free, scaled, servings)
    index = np.arange(len(items))
    for _ in range(_NUDGES):
        gap = target - (servings * energy).sum(axis=1)
        direction = np.sign(gap)[:, None]
        trial = servings + direction * step
        movable = free & (trial >= low - 1e-9) & (trial <= high + 1e-9) & (direction != 0)
        new_gap = np.abs(gap[:, None] - direction * step * energy)
        new_gap = np.where(movable, new_gap, np.inf)
        best = np.argmin(new_gap, axis=1)
        improves = new_gap[index, best] < np.abs(gap)
        servings[index[improves], best[improves]] = trial[index[improves], best[improves]]
    return servings


def generate(
    foods: FoodTable,
    spec: SlotSpec,
    weights: Floats,
    daily_low: Floats,
    count: int,
    rng: np.random.Generator,
    *,
    serving_weight: float = 0.5,
    daily_high: Floats | None = None,
    within: Bools | None = None,
) -> Candidates:
    """Up to ``count`` distinct candidate meals for a slot, drawn from its patterns (fewer when
    the foods run out), from the foods in ``within`` when given (a week's basket).

    With ``daily_high``, a meal that carries more than its share of a daily maximum (sodium in
    prepared dishes, saturated fat) ranks lower by how far it goes over, so that the pool still
    holds days that keep every maximum.
    """
    main_parts = {p.index: tuple(part.main for part in p.parts) for p in spec.patterns}
    eligible = np.array([spec.meal in meals for meals in foods.meals], dtype=bool)
    if within is not None:
        eligible &= within
    rows = _draw_rows(foods, spec, eligible, weights, count * _OVERSAMPLE, rng)
    rows = rows.take(_valid(foods, spec, rows))
    if len(rows.items) == 0:
        return _pack(foods, spec.meal, rows, np.zeros((0, 0)), serving_weight, main_parts)

    middle = (
        spec.share
        * (spec.kcal_low / max(spec.share_low, 1e-9) + spec.kcal_high / max(spec.share_high, 1e-9))
        / 2
    )
    target = np.clip(
        rng.normal(middle, 0.12 * middle, size=len(rows.items)), spec.kcal_low, spec.kcal_high
    )
    servings = _fit_servings(foods, rows, target)
    real = rows.items >= 0
    safe = np.where(real, rows.items, 0)
    energy = (servings * np.where(real, foods.energy[safe], 0.0)).sum(axis=1)
    inside = (energy >= spec.kcal_low) & (energy <= spec.kcal_high)
    inside &= np.all(~real | (servings > 0), axis=1)
    rows, servings = rows.take(inside), servings[inside]
    if len(rows.items) == 0:
        return _pack(foods, spec.meal, rows, servings, serving_weight, main_parts)

    # Canonical order (by food position) so equal meals compare equal; then drop repeats.
    order = np.argsort(np.where(rows.items >= 0, rows.items, np.iinfo(np.int64).max), axis=1)
    rows = _Rows(
        np.take_along_axis(rows.items, order, axis=1),
        np.take_along_axis(rows.parts, order, axis=1),
        rows.patterns,
        rows.fixed,
        rows.low,
        rows.high,
    )
    servings = np.take_along_axis(servings, order, axis=1)
    _, first = np.unique(np.hstack([rows.items, servings * 2]), axis=0, return_index=True)
    first.sort()
    rows, servings = rows.take(first), servings[first]

    # Rank: the part of the meal's share of each minimum it carries, minus serving oddity.
    items = rows.items
    real = items >= 0
    safe = np.where(real, items, 0)
    nutrients = np.einsum(
        "ij,ijk->ik", servings, np.where(real[:, :, None], foods.nutrients[safe], 0.0)
    )
    lows = np.where(np.isnan(daily_low) | (daily_low <= 0), np.inf, daily_low * spec.share)
    adequacy = np.minimum(nutrients / lows, 1.0).mean(axis=1) if lows.size else np.zeros(len(items))
    oddity = (np.abs(servings - 1.0) * real).sum(axis=1)
    excess = _excess(nutrients, daily_high, spec.share)
    with_main = _holds_main(foods, items)
    # Liked foods (score < 0) rank a meal up, disliked ones down: the pool, not only the
    # objective, must hold meals with them, or a liking never reaches the plan.
    liking = np.where(real, -np.sign(foods.score[safe]), 0.0).sum(axis=1)
    rank = np.argsort(
        -(adequacy - 0.05 * oddity - excess + 0.05 * with_main + _LIKING * liking), kind="stable"
    )

    # Greedy pick with a cap on how many candidates one food, and one pattern, may appear in.
    # A week's basket holds few foods by design: they may recur more.
    cap = max(3, count // (3 if within is not None else 12))
    pattern_cap = max(3, -(-count * 2 // max(len(spec.patterns), 1)))
    seen = np.zeros(len(foods), dtype=int)
    per_pattern: dict[int, int] = {}
    picked = []
    for row in rank:
        members = items[row][items[row] >= 0]
        pattern = int(rows.patterns[row])
        if len(spec.forced) or (
            np.all(seen[members] < cap) and per_pattern.get(pattern, 0) < pattern_cap
        ):
            picked.append(row)
            seen[members] += 1
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            if len(picked) == count:
                break
    picked_rows = np.array(sorted(picked), dtype=int)
    return _pack(
        foods, spec.meal, rows.take(picked_rows), servings[picked_rows], serving_weight, main_parts
    )


def _holds_main(foods: FoodTable, items: Ints) -> Bools:
    """Per candidate row (food positions, -1 for none): whether it holds a main on its own."""
    mains = np.isin(foods.roles[np.maximum(items, 0)], DISH_ROLES) & (items >= 0)
    return np.asarray(mains.any(axis=1), dtype=bool)


def _excess(nutrients: Floats, daily_high: Floats | None, share: float) -> Floats:
    """Per candidate, how far it goes over its share of each daily maximum, summed (0 when
    within every share)."""
    if daily_high is None or not np.any(np.isfinite(daily_high)):
        return np.zeros(len(nutrients))
    highs = np.where(np.isnan(daily_high) | (daily_high <= 0), np.inf, daily_high * share)
    over: Floats = np.maximum(nutrients / highs - 1.0, 0.0).sum(axis=1)
    return over


def _pack(
    foods: FoodTable,
    slot: str,
    rows: _Rows,
    servings: Floats,
    serving_weight: float,
    main_parts: Mapping[int, tuple[bool, ...]],
) -> Candidates:
    keys = foods.nutrients.shape[1]
    items = rows.items
    if items.size == 0:
        empty = np.zeros(0)
        return Candidates(
            slot, [], [], empty, np.zeros((0, keys)), empty, empty, groups=np.zeros((0, 0))
        )
    real = items >= 0
    safe = np.where(real, items, 0)
    energy = (servings * np.where(real, foods.energy[safe], 0.0)).sum(axis=1)
    nutrients = np.einsum(
        "ij,ijk->ik", servings, np.where(real[:, :, None], foods.nutrients[safe], 0.0)
    )
    cost = (servings * np.where(real, foods.cost[safe], 0.0)).sum(axis=1)
    score = (servings * np.where(real, foods.score[safe], 0.0)).sum(axis=1)
    score = score + serving_weight * (np.abs(servings - 1.0) * real).sum(axis=1)
    score = score - MAIN_DISH_POINTS * _holds_main(foods, items)
    food_rows = [tuple(int(f) for f in row[row >= 0]) for row in items]
    part_rows = [
        tuple(int(j) for j, r in zip(prow, row >= 0, strict=True) if r)
        for prow, row in zip(rows.parts, items, strict=True)
    ]
    serving_rows = [
        tuple(float(s) for s, r in zip(srow, row >= 0, strict=True) if r)
        for srow, row in zip(servings, items, strict=True)
    ]
    mains = [
        tuple(f for f, j in zip(fs, js, strict=True) if _is_main(main_parts, int(p), j))
        for fs, js, p in zip(food_rows, part_rows, rows.patterns, strict=True)
    ]
    return Candidates(
        slot,
        food_rows,
        serving_rows,
        energy,
        nutrients,
        cost,
        score,
        rows.patterns.astype(int),
        part_rows,
        mains,
        _amounts(foods.groups, items, servings),
    )


def pack_meals(
    foods: FoodTable,
    spec: SlotSpec,
    pattern: PatternSpec,
    items: Ints,
    parts: Ints,
    servings: Floats,
    serving_weight: float,
) -> Candidates:
    """One meal of ``pattern`` (its foods, the part each fills and their servings) as a pool of
    one candidate, totalled as :func:`generate` totals its meals."""
    order = np.argsort(items, kind="stable")
    rows = _Rows(
        items[order].reshape(1, -1),
        parts[order].reshape(1, -1),
        np.array([pattern.index]),
        np.full((1, len(items)), np.nan),
        np.zeros((1, len(items))),
        np.zeros((1, len(items))),
    )
    main_parts = {p.index: tuple(part.main for part in p.parts) for p in spec.patterns}
    return _pack(foods, spec.meal, rows, servings[order].reshape(1, -1), serving_weight, main_parts)


def _amounts(per_food: Floats, items: Ints, servings: Floats) -> Floats:
    """rows × columns of ``per_food`` (foods × columns) summed over each row's items."""
    if per_food.size == 0:
        return np.zeros((len(items), 0))
    real = items >= 0
    safe = np.where(real, items, 0)
    result: Floats = np.einsum(
        "ij,ijk->ik", servings, np.where(real[:, :, None], per_food[safe], 0.0)
    )
    return result


def _is_main(main_parts: Mapping[int, tuple[bool, ...]], pattern: int, part: int) -> bool:
    flags = main_parts.get(pattern, ())
    return 0 <= part < len(flags) and flags[part]


def portion_variants(
    foods: FoodTable,
    spec: SlotSpec,
    meal: Candidates,
    c: int,
    frozen: frozenset[int] = frozenset(),
    *,
    serving_weight: float = 0.5,
) -> Candidates:
    """Candidate ``c`` of ``meal`` (first) and the meals that differ from it in portions only:
    one item one or two steps more or less, two items a step more or less each, or one a step
    up and another a step down, within the servings
    its part and the food allow. The foods stay, so a week's basket, staples and variety rules
    hold for every variant. Items of foods in ``frozen`` (locked amounts) keep theirs; a meal
    without a pattern has no variants."""
    items = np.array(meal.foods[c], dtype=int)
    parts = np.array(meal.parts[c] if meal.parts else [-1] * len(items), dtype=int)
    pattern = int(meal.patterns[c]) if len(meal.patterns) else -1
    base = np.array(meal.servings[c], dtype=float)
    spec_of = {p.index: p for p in spec.patterns}
    step = foods.step[items]
    low = np.full(len(items), np.inf)
    high = np.full(len(items), -np.inf)
    if pattern in spec_of:
        for i, j in enumerate(parts.tolist()):
            if 0 <= j < len(spec_of[pattern].parts) and int(items[i]) not in frozen:
                part = spec_of[pattern].parts[j]
                low[i] = max(part.low, foods.min_servings[items[i]])
                high[i] = min(part.high, foods.max_servings[items[i]])
    moves = [np.zeros(len(items))]
    for i in range(len(items)):
        for sign in (1.0, -1.0):
            for size in (1.0, 2.0):
                one = np.zeros(len(items))
                one[i] = sign * size
                moves.append(one)
            for k in range(len(items)):
                if k != i:
                    # Two items a step more (or less) each, or one up and one down.
                    for other in (sign, -sign) if k > i else (-sign,):
                        two = np.zeros(len(items))
                        two[i], two[k] = sign, other
                        moves.append(two)
    servings = base + np.array(moves) * step
    inside = np.all(
        (servings == base) | ((servings >= low - 1e-9) & (servings <= high + 1e-9)), axis=1
    )
    servings = servings[inside]
    _, first = np.unique(servings, axis=0, return_index=True)
    servings = servings[np.sort(first)]
    count = len(servings)
    rows = _Rows(
        np.tile(items, (count, 1)),
        np.tile(parts, (count, 1)),
        np.full(count, pattern),
        np.full((count, len(items)), np.nan),
        np.tile(np.where(np.isfinite(low), low, base), (count, 1)),
        np.tile(np.where(np.isfinite(high), high, base), (count, 1)),
    )
    main_parts = {p.index: tuple(part.main for part in p.parts) for p in spec.patterns}
    return _pack(foods, meal.slot, rows, servings, serving_weight, main_parts)
