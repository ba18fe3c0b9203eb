"""The optimizer's typed inputs: the allowed foods as one table of arrays, and the bounds.

:func:`food_table` is the one place a catalogue's DataFrame becomes arrays; every later step
(candidates, models, diagnosis, the assembled plan) reads :class:`FoodTable` fields, not column
names. Unknown nutrient values become 0 here: an unknown value never counts towards a minimum.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from mealplan.domain.vocabulary import COVER_ROLES

ENERGY = "energy"


@dataclass(frozen=True)
class Bounds:
    """Per-day bounds as aligned arrays over ``keys`` (NaN = no bound)."""

    keys: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    units: tuple[str, ...]
    #: True where the minimum is met as a weekly average instead of every day.
    weekly: np.ndarray
    energy_low: float
    energy_high: float
    #: Limits set as a share of energy (:attr:`mealplan.targets.Bound.per_kcal`): the minimum
    #: and maximum per kcal of the day's own energy, and a minimum that does not follow it
    #: (protein's RDA by weight), aligned with ``keys`` (NaN = none). None: no such limits,
    #: and ``low`` and ``high`` hold for every day. Where set, ``low`` and ``high`` are the
    #: limits at the energy target, which the candidate heuristics read.
    low_per_kcal: np.ndarray | None = None
    high_per_kcal: np.ndarray | None = None
    floor: np.ndarray | None = None

    def per_kcal(self, k: int) -> tuple[float, float, float]:
        """Nutrient ``k``'s (min per kcal, max per kcal, floor), NaN where none."""
        if self.low_per_kcal is None or self.high_per_kcal is None or self.floor is None:
            return (np.nan, np.nan, np.nan)
        return (
            float(self.low_per_kcal[k]),
            float(self.high_per_kcal[k]),
            float(self.floor[k]),
        )


@dataclass(frozen=True)
class FoodTable:
    """The allowed foods as arrays, index-aligned with ``ids``; ``position[id]`` finds a row."""

    ids: list[object]
    names: list[str]
    roles: np.ndarray  # str
    meals: list[tuple[str, ...]]
    energy: np.ndarray  # kcal per serving
    nutrients: np.ndarray  # foods × bound keys, per serving, unknown = 0
    min_servings: np.ndarray
    max_servings: np.ndarray
    step: np.ndarray  # 0.5 or 1.0
    cost: np.ndarray  # per serving, NaN unknown
    score: np.ndarray  # preference points per serving (disliked > 0, liked < 0)
    position: dict[object, int] = field(default_factory=dict)
    #: What a plan shows of each food: its FDC id (None for an app's own food), the weight of
    #: one serving in g (NaN unknown) and the serving in household words.
    fdc_ids: list[int | None] = field(default_factory=list)
    #: FNDDS foods: the food code and its release (None for other sources).
    food_codes: list[int | None] = field(default_factory=list)
    releases: list[str | None] = field(default_factory=list)
    serving_g: np.ndarray = field(default_factory=lambda: np.empty(0))
    serving_text: list[str] = field(default_factory=list)
    #: foods × ``COVER_ROLES``: the plate components a food stands in for (a burrito is
    #: protein, grain and vegetable); all False for an ingredient, whose role says all.
    covers: npt.NDArray[np.bool_] = field(
        default_factory=lambda: np.zeros((0, len(COVER_ROLES)), dtype=bool)
    )
    #: Per food: the starch of a plate (a grain, a dish with its grain, or a serving of starchy
    #: vegetable such as potato, taro or plantain); a meal holds one. Empty: none known.
    starch: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: foods × group keys: the Dietary Guidelines' food groups per serving (FPED), NaN
    #: where a food has no FPED values; no columns when the plan does not track groups.
    groups: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: Per food: its WWEIA category (foods as eaten), -1 for a food without one.
    categories: npt.NDArray[np.int_] = field(default_factory=lambda: np.zeros(0, dtype=int))

    def __len__(self) -> int:
        return len(self.ids)

    def fills(self, roles: Sequence[str], *, by_role: bool = True) -> npt.NDArray[np.bool_]:
        """foods × ``roles``: True where a food fills the role in a meal, by its own role or
        by what it covers; ``by_role=False`` keeps only the covers (a food standing in)."""
        wanted = np.array(roles, dtype=str).reshape(1, -1)
        table = (
            (self.roles.reshape(-1, 1) == wanted)
            if by_role
            else np.zeros((len(self), wanted.shape[1]), dtype=bool)
        )
        if len(self.covers):
            for j, role in enumerate(roles):
                if role in COVER_ROLES:
                    table[:, j] |= self.covers[:, COVER_ROLES.index(role)]
        return table


def food_table(
    foods: pd.DataFrame,
    per_serving: pd.DataFrame,
    keys: tuple[str, ...],
    *,
    dislikes: set[object],
    likes: set[object],
    disliked_points: float,
    liked_points: float,
    halves_for_all: bool = False,
    groups: Mapping[str, tuple[str, ...]] | None = None,
) -> FoodTable:
    """Arrays over the foods of a (filtered) catalogue; foods without energy are left out.
    ``halves_for_all`` lets every food move in half servings (a young child's portions), not
    only those whose ``half_servings`` says so. ``groups`` maps a food-group key to the FPED
    columns (per 100 g) summed for it."""
    if ENERGY in per_serving:
        energy = per_serving[ENERGY].to_numpy(dtype=float)
        keep = ~np.isnan(energy)
    else:
        energy = np.zeros(len(foods))
        keep = np.ones(len(foods), dtype=bool)
    foods, per_serving, energy = foods[keep], per_serving[keep], energy[keep]
    columns = [
        per_serving[k] if k in per_serving else pd.Series(0.0, index=per_serving.index)
        for k in keys
    ]
    matrix = (
        np.nan_to_num(np.column_stack([c.to_numpy(dtype=float) for c in columns]), nan=0.0)
        if keys
        else np.zeros((len(foods), 0))
    )
    ids = foods.index.tolist()
    covers = _covers(_column(foods, "covers", ()))
    score = np.array(
        [disliked_points if i in dislikes else (-liked_points if i in likes else 0.0) for i in ids]
    )
    return FoodTable(
        ids=ids,
        names=foods["name"].astype(str).tolist(),
        roles=foods["role"].to_numpy(dtype=str),
        meals=[tuple(m) for m in foods["meals"]],
        energy=energy,
        nutrients=matrix,
        min_servings=foods["min_servings"].to_numpy(dtype=float),
        max_servings=foods["max_servings"].to_numpy(dtype=float),
        step=np.where(foods["half_servings"].to_numpy(dtype=bool) | halves_for_all, 0.5, 1.0),
        cost=foods["cost"].to_numpy(dtype=float),
        score=score,
        position={food_id: i for i, food_id in enumerate(ids)},
        fdc_ids=[None if pd.isna(f) else int(f) for f in _column(foods, "fdc_id", None)],
        food_codes=[None if pd.isna(c) else int(c) for c in _column(foods, "food_code", None)],
        releases=[r if isinstance(r, str) else None for r in _column(foods, "release", None)],
        serving_g=_column(foods, "serving_g", np.nan).to_numpy(dtype=float),
        serving_text=_column(foods, "serving_text", "1 serving").astype(str).tolist(),
        covers=covers,
        starch=_starch(foods, covers),
        groups=_groups(foods, groups or {}),
        categories=np.asarray(
            _column(foods, "wweia_category", np.nan).astype(float).fillna(-1), dtype=int
        ),
    )


#: A serving with at least this many cup-equivalents of starchy vegetable (FPED) is the
#: plate's starch: a baked potato (1.1), a side of fries (0.4), a cup of taro.
STARCHY_SERVING_CUP = 0.25


def _starch(foods: pd.DataFrame, covers: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Where a food is a plate's starch: its role or cover (``covers``, the foods' matrix) is
    grain, it is a starchy vegetable by rule (column ``starchy``: sweet potatoes, which FPED
    counts as red-orange), or a serving carries a starchy vegetable's worth of FPED starchy
    vegetables (foods as eaten only)."""
    grain = (foods["role"].to_numpy(dtype=str) == "grain") | covers[:, COVER_ROLES.index("grain")]
    grain |= _column(foods, "starchy", False).fillna(False).to_numpy(dtype=bool)
    starchy = _column(foods, "fg_veg_starchy_cup", 0.0).fillna(0.0).to_numpy(dtype=float)
    grams = _column(foods, "serving_g", np.nan).fillna(0.0).to_numpy(dtype=float)
    result: npt.NDArray[np.bool_] = grain | (starchy * grams / 100.0 >= STARCHY_SERVING_CUP)
    return result


def _groups(foods: pd.DataFrame, groups: Mapping[str, tuple[str, ...]]) -> np.ndarray:
    """foods × groups per serving: the FPED columns (per 100 g) summed, times the serving's
    grams / 100; NaN where a column or the serving weight is missing."""
    grams = _column(foods, "serving_g", np.nan).to_numpy(dtype=float)
    columns = []
    for keys in groups.values():
        amount = np.zeros(len(foods))
        for key in keys:
            amount = amount + _column(foods, key, np.nan).to_numpy(dtype=float)
        columns.append(amount * grams / 100.0)
    return np.column_stack(columns) if columns else np.zeros((len(foods), 0))


def _covers(column: pd.Series) -> npt.NDArray[np.bool_]:
    """The ``covers`` column (tuples, ``;``-separated text, or missing) as a foods ×
    ``COVER_ROLES`` matrix; a value that is neither tuple nor text covers nothing."""
    sets = [
        set(v.split(";")) if isinstance(v, str) else set(v) if isinstance(v, Collection) else set()
        for v in column
    ]
    return np.array([[r in s for r in COVER_ROLES] for s in sets], dtype=bool).reshape(
        len(sets), len(COVER_ROLES)
    )


def _column(foods: pd.DataFrame, name: str, default: object) -> pd.Series:
    """A column of the foods table, or ``default`` for every food when a hand-made table (in
    tests) leaves out what only plan output needs."""
    if name in foods.columns:
        return foods[name]
    return pd.Series([default] * len(foods), index=foods.index, dtype=object)
