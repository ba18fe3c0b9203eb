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

from mealplan.domain.vocabulary import BASE_ROLES, DEFAULT_BASE_ROLES
from mealplan.optimize._problem import FoodTable

#: Per-food or per-candidate values; food positions (-1 = no food).
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int_]

_OVERSAMPLE = 8
_NUDGES = 4


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


def nutrient_weights(foods: FoodTable, daily_low: Floats, energy_mid: float) -> Floats:
    """A sampling weight per food: its share of the daily minimums per kcal, plus a floor, times
    the preference (liked foods are drawn more often, disliked ones less)."""
    lows = np.where(np.isnan(daily_low) | (daily_low <= 0), np.inf, daily_low)
    share: Floats = (
        np.minimum(foods.nutrients / lows, 1.0).sum(axis=1) if lows.size else np.zeros(len(foods))
    )
    per_kcal: Floats = share / (np.maximum(foods.energy, 10.0) / max(energy_mid, 1.0))
    weights = 0.5 + per_kcal / (np.mean(per_kcal) + 1e-9)
    return weights * np.where(foods.score > 0, 0.3, np.where(foods.score < 0, 3.0, 1.0))


def _draw(rng: np.random.Generator, options: Ints, weights: Floats, size: int) -> Ints:
    if options.size == 0:
        return np.full(size, -1)
    p = weights[options] / weights[options].sum()
    return rng.choice(options, size=size, p=p)


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
) -> Candidates:
    """Up to ``count`` distinct candidate meals for a slot (fewer when the foods run out)."""
    draws = count * _OVERSAMPLE
    eligible = np.array([spec.meal in meals for meals in foods.meals], dtype=bool)
    forced_positions = np.array([p for p, _ in spec.forced], dtype=int)
    forced_roles = set(foods.roles[forced_positions].tolist()) if forced_positions.size else set()
    columns = [np.full(draws, p) for p in forced_positions]
    fixed = [np.full(draws, s) for _, s in spec.forced]

    roles_needed = [r for r in spec.required_roles if r not in forced_roles]
    for role in roles_needed:
        columns.append(_draw(rng, np.flatnonzero(eligible & (foods.roles == role)), weights, draws))
        fixed.append(np.full(draws, np.nan))
    if not spec.required_roles and not forced_positions.size:
        base = BASE_ROLES.get(spec.meal, DEFAULT_BASE_ROLES)
        columns.append(
            _draw(rng, np.flatnonzero(eligible & np.isin(foods.roles, base)), weights, draws)
        )
        fixed.append(np.full(draws, np.nan))
    used = len(columns)
    side_pool = np.flatnonzero(
        eligible & ~np.isin(foods.roles, [r for r in spec.required_roles if r != "vegetable"])
    )
    extra_slots = max(0, spec.max_items - used)
    wanted = rng.integers(
        max(spec.min_items, used), max(spec.min_items, used, spec.max_items) + 1, size=draws
    )
    for j in range(extra_slots):
        column = _draw(rng, side_pool, weights, draws)
        column = np.where(used + j < wanted, column, -1)
        columns.append(column)
        fixed.append(np.full(draws, np.nan))
    if not columns:
        return _pack(foods, spec.meal, np.zeros((0, 0), int), np.zeros((0, 0)), serving_weight)
    items = np.column_stack(columns)
    fixed_servings = np.column_stack(fixed)

    # One food per role (two vegetables allowed) and no food twice.
    real = items >= 0
    valid = real.sum(axis=1) >= spec.min_items
    valid &= np.all(real[:, :used], axis=1)
    roles = np.where(real, foods.roles[np.where(real, items, 0)], "")
    for a in range(items.shape[1]):
        for b in range(a + 1, items.shape[1]):
            both = real[:, a] & real[:, b]
            same_food = items[:, a] == items[:, b]
            same_role = (roles[:, a] == roles[:, b]) & (roles[:, a] != "vegetable")
            valid &= ~(both & (same_food | same_role))
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
    rank = np.argsort(-(adequacy - 0.05 * oddity), kind="stable")

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
    food_rows = [tuple(int(f) for f in row[row >= 0]) for row in items]
    serving_rows = [
        tuple(float(s) for s, r in zip(srow, row >= 0, strict=True) if r)
        for srow, row in zip(servings, items, strict=True)
    ]
    return Candidates(slot, food_rows, serving_rows, energy, nutrients, cost, score)
