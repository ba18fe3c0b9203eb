"""Candidate meals: for each meal slot, a pool of complete meals (foods and servings).

Each candidate keeps its meal's structure (required roles, one food per role, the item count,
each food's own serving range and step) and sits inside its energy window, so the model only
has to *choose* one candidate per slot and day. Many random meals are drawn at once (arrays, not
loops), then the pool keeps those that carry the largest part of their meal's share of the
day's nutrient minimums, with a cap on how often one main food may appear, so that the pool is
both nutrient-dense and varied enough for a week.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mealplan.domain.vocabulary import BASE_ROLES, COVER_ROLES, DEFAULT_BASE_ROLES, Role
from mealplan.optimize._problem import FoodTable

#: Per-food or per-candidate values; food positions (-1 = no food).
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int_]
Bools = npt.NDArray[np.bool_]

_OVERSAMPLE = 8
#: How much more often a food filling several of a meal's roles is drawn as its main.
_DISH_WEIGHT = 3.0
_NUDGES = 4
#: How hard a food denser in a capped nutrient than the day allows is drawn less: weight ÷
#: (density ÷ allowed density) ** this.
_CAP_DAMPING = 2.0
#: A cap counts as broken by the typical food when the median food is this far over it.
_TYPICAL_OVER = 1.5
#: Roles of a main on its own: a mixed dish, a sandwich, a soup.
_MAINS = (Role.DISH, Role.SANDWICH, Role.SOUP)
#: Roles never drawn as an extra item: a second main, or what is eaten with a food, not as one.
_NOT_SIDES = (*_MAINS, Role.CONDIMENT, Role.SWEET)
#: Meals people recognise are built around a dish: a meal holding a mixed dish, sandwich or
#: soup scores this many points better (one serving's worth of portion oddity), so that of two
#: menus that meet the targets alike, the one of dishes wins over beans, bread and a glass of milk.
_MAIN_DISH_POINTS = 0.5


@dataclass(frozen=True)
class SlotSpec:
    """What a meal slot needs: its name, required roles, item count and energy window (kcal)."""

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


@dataclass(frozen=True)
class Candidates:
    """Candidate meals of one slot: food positions and servings, and their totals."""

    slot: str
    foods: list[tuple[int, ...]]
    servings: list[tuple[float, ...]]
    energy: Floats  # kcal per candidate
    nutrients: Floats  # candidates × keys
    cost: Floats
    score: Floats  # preference and serving-size points

    def __len__(self) -> int:
        return len(self.foods)


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


def _structure(
    foods: FoodTable,
    spec: SlotSpec,
    eligible: Bools,
    weights: Floats,
    draws: int,
    rng: np.random.Generator,
) -> tuple[list[Ints], list[Bools]]:
    """The item columns every row starts with, and where each was skipped.

    Forced foods come first, then one food per required role they do not fill. The first
    role is drawn from the foods that fill it by role or by covers, so a burrito, sandwich or
    soup is drawn as a meal's main; later roles by role only. A role an item drawn earlier in
    the row already fills is still drawn (the random stream stays the same) but set to -1 and
    marked skipped. A meal without required roles draws one food of its base roles instead.
    """
    columns = [np.full(draws, p) for p, _ in spec.forced]
    skipped = [np.zeros(draws, dtype=bool) for _ in columns]
    required = foods.fills(spec.required_roles)
    forced = required[[p for p, _ in spec.forced]]
    filled = np.zeros((draws, len(spec.required_roles)), dtype=bool)
    needed = [j for j in range(len(spec.required_roles)) if not forced[:, j].any()]
    # A food that fills several required roles (a burrito, a sandwich) is what people eat as
    # a main: drawn that much more often, so weeks of foods as eaten are made of dishes.
    as_main = weights * np.where(required.sum(axis=1) >= 2, _DISH_WEIGHT, 1.0)
    for n, j in enumerate(needed):
        options = required[:, j] if n == 0 else foods.roles == spec.required_roles[j]
        column = _draw(
            rng, np.flatnonzero(eligible & options), as_main if n == 0 else weights, draws
        )
        again = filled[:, j].copy()
        column = np.where(again, -1, column)
        filled |= required[np.maximum(column, 0)] & (column >= 0)[:, None]
        columns.append(column)
        skipped.append(again)
    if not spec.required_roles and not spec.forced:
        base = BASE_ROLES.get(spec.meal, DEFAULT_BASE_ROLES)
        options = foods.fills(base).any(axis=1)
        columns.append(_draw(rng, np.flatnonzero(eligible & options), weights, draws))
        skipped.append(np.zeros(draws, dtype=bool))
    return columns, skipped


def _side_pool(foods: FoodTable, spec: SlotSpec, eligible: Bools) -> Ints:
    """Foods an extra item may be: none of the meal's required roles (a second vegetable is
    fine) and never a second main (a dish, sandwich or soup, or a food standing in for a
    protein); condiments and sweets are not drawn as items of a meal."""
    taken = [r for r in spec.required_roles if r != Role.VEGETABLE]
    stands_in = foods.fills([Role.PROTEIN], by_role=False)[:, 0]
    return np.flatnonzero(eligible & ~np.isin(foods.roles, [*taken, *_NOT_SIDES]) & ~stands_in)


def _valid(foods: FoodTable, spec: SlotSpec, items: Ints, skipped: Bools) -> Bools:
    """Rows that hold a whole meal: enough items, every structure column drawn or skipped,
    every required role filled (by role or covers), one food per role (two vegetables
    allowed, a covered role counts), one starch (no rice with potatoes) and no food twice."""
    real = items >= 0
    safe = np.where(real, items, 0)
    valid: Bools = real.sum(axis=1) >= spec.min_items
    if len(foods.starch):
        valid &= (foods.starch[safe] & real).sum(axis=1) <= 1
    valid &= np.all(real[:, : skipped.shape[1]] | skipped, axis=1)
    required = foods.fills(spec.required_roles)[safe] & real[:, :, None]
    valid &= np.all(required.any(axis=1), axis=1)
    roles = np.where(real, foods.roles[safe], "")
    not_vegetable = np.array([r != Role.VEGETABLE for r in COVER_ROLES])
    covered = foods.fills(COVER_ROLES)[safe] & real[:, :, None] & not_vegetable
    for a in range(items.shape[1]):
        for b in range(a + 1, items.shape[1]):
            both = real[:, a] & real[:, b]
            same_food = items[:, a] == items[:, b]
            same_role = (roles[:, a] == roles[:, b]) & (roles[:, a] != Role.VEGETABLE)
            same_cover = np.any(covered[:, a] & covered[:, b], axis=1)
            valid &= ~(both & (same_food | same_role | same_cover))
    return valid


def _snap(value: Floats, step: Floats, low: Floats, high: Floats) -> Floats:
    low_ok = np.ceil(low / step - 1e-9) * step
    high_ok = np.floor(high / step + 1e-9) * step
    return np.clip(np.round(value / step) * step, low_ok, high_ok)


def _fit_servings(foods: FoodTable, items: Ints, fixed: Floats, target: Floats) -> Floats:
    """Servings (rows × items) that bring each row's energy close to its target.

    ``items`` is padded with -1; ``fixed`` holds locked servings (NaN = free).
    """
    real = items >= 0
    safe = np.where(real, items, 0)
    step = np.where(real, foods.step[safe], 1.0)
    low = np.where(real, foods.min_servings[safe], 0.0)
    high = np.where(real, foods.max_servings[safe], 0.0)
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
    rows = np.arange(len(items))
    for _ in range(_NUDGES):
        gap = target - (servings * energy).sum(axis=1)
        direction = np.sign(gap)[:, None]
        trial = servings + direction * step
        movable = free & (trial >= low - 1e-9) & (trial <= high + 1e-9) & (direction != 0)
        new_gap = np.abs(gap[:, None] - direction * step * energy)
        new_gap = np.where(movable, new_gap, np.inf)
        best = np.argmin(new_gap, axis=1)
        improves = new_gap[rows, best] < np.abs(gap)
        servings[rows[improves], best[improves]] = trial[rows[improves], best[improves]]
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
) -> Candidates:
    """Up to ``count`` distinct candidate meals for a slot (fewer when the foods run out).

    With ``daily_high``, a meal that carries more than its share of a daily maximum (sodium in
    prepared dishes, saturated fat) ranks lower by how far it goes over, so that the pool still
    holds days that keep every maximum.
    """
    draws = count * _OVERSAMPLE
    eligible = np.array([spec.meal in meals for meals in foods.meals], dtype=bool)
    forced_positions = np.array([p for p, _ in spec.forced], dtype=int)
    columns, skipped = _structure(foods, spec, eligible, weights, draws, rng)
    fixed = [np.full(draws, s) for _, s in spec.forced]
    fixed += [np.full(draws, np.nan) for _ in range(len(columns) - len(fixed))]
    used = len(columns)
    # Items the structure holds per row: a skipped role (filled by a dish) leaves room for sides.
    present = used - np.sum(skipped, axis=0, dtype=int)
    side_pool = _side_pool(foods, spec, eligible)
    extra_slots = max(0, spec.max_items - used)
    wanted = rng.integers(
        max(spec.min_items, used), max(spec.min_items, used, spec.max_items) + 1, size=draws
    )
    for j in range(extra_slots):
        column = _draw(rng, side_pool, weights, draws)
        column = np.where(present + j < wanted, column, -1)
        columns.append(column)
        fixed.append(np.full(draws, np.nan))
    if not columns:
        return _pack(foods, spec.meal, np.zeros((0, 0), int), np.zeros((0, 0)), serving_weight)
    items = np.column_stack(columns)
    fixed_servings = np.column_stack(fixed)
    valid = _valid(foods, spec, items, np.column_stack(skipped))
    items, fixed_servings = items[valid], fixed_servings[valid]
    if items.size == 0:
        return _pack(foods, spec.meal, np.zeros((0, 0), int), np.zeros((0, 0)), serving_weight)

    middle = (
        spec.share
        * (spec.kcal_low / max(spec.share_low, 1e-9) + spec.kcal_high / max(spec.share_high, 1e-9))
        / 2
    )
    target = np.clip(
        rng.normal(middle, 0.12 * middle, size=len(items)), spec.kcal_low, spec.kcal_high
    )
    servings = _fit_servings(foods, items, fixed_servings, target)
    real = items >= 0
    safe = np.where(real, items, 0)
    energy = (servings * np.where(real, foods.energy[safe], 0.0)).sum(axis=1)
    inside = (energy >= spec.kcal_low) & (energy <= spec.kcal_high)
    inside &= np.all(~real | (servings > 0), axis=1)
    items, servings = items[inside], servings[inside]

    # Canonical order (by food position) so equal meals compare equal; then drop repeats.
    order = np.argsort(np.where(items >= 0, items, np.iinfo(np.int64).max), axis=1)
    items = np.take_along_axis(items, order, axis=1)
    servings = np.take_along_axis(servings, order, axis=1)
    if len(items) == 0:
        return _pack(foods, spec.meal, items, servings, serving_weight)
    _, first = np.unique(np.hstack([items, servings * 2]), axis=0, return_index=True)
    first.sort()
    items, servings = items[first], servings[first]

    # Rank: the part of the meal's share of each minimum it carries, minus serving oddity.
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
    rank = np.argsort(-(adequacy - 0.05 * oddity - excess + 0.05 * with_main), kind="stable")

    # Greedy pick with a cap on how many candidates one food may appear in.
    cap = max(3, count // 12)
    seen = np.zeros(len(foods), dtype=int)
    picked = []
    for row in rank:
        members = items[row][items[row] >= 0]
        if np.all(seen[members] < cap) or len(forced_positions):
            picked.append(row)
            seen[members] += 1
            if len(picked) == count:
                break
    picked_rows = np.array(sorted(picked), dtype=int)
    return _pack(foods, spec.meal, items[picked_rows], servings[picked_rows], serving_weight)


def _holds_main(foods: FoodTable, items: Ints) -> Bools:
    """Per candidate row (food positions, -1 for none): whether it holds a main on its own."""
    mains = np.isin(foods.roles[np.maximum(items, 0)], _MAINS) & (items >= 0)
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
    foods: FoodTable, slot: str, items: Ints, servings: Floats, serving_weight: float
) -> Candidates:
    keys = foods.nutrients.shape[1]
    if items.size == 0:
        empty = np.zeros(0)
        return Candidates(slot, [], [], empty, np.zeros((0, keys)), empty, empty)
    real = items >= 0
    safe = np.where(real, items, 0)
    energy = (servings * np.where(real, foods.energy[safe], 0.0)).sum(axis=1)
    nutrients = np.einsum(
        "ij,ijk->ik", servings, np.where(real[:, :, None], foods.nutrients[safe], 0.0)
    )
    cost = (servings * np.where(real, foods.cost[safe], 0.0)).sum(axis=1)
    score = (servings * np.where(real, foods.score[safe], 0.0)).sum(axis=1)
    score = score + serving_weight * (np.abs(servings - 1.0) * real).sum(axis=1)
    score = score - _MAIN_DISH_POINTS * _holds_main(foods, items)
    food_rows = [tuple(int(f) for f in row[row >= 0]) for row in items]
    serving_rows = [
        tuple(float(s) for s, r in zip(srow, row >= 0, strict=True) if r)
        for srow, row in zip(servings, items, strict=True)
    ]
    return Candidates(slot, food_rows, serving_rows, energy, nutrients, cost, score)
