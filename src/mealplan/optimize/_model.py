"""The candidate-selection model, in PuLP (the direct model is :mod:`._direct`).

The model is built in three steps: make the variables, add the constraint families of
:mod:`._families` (each one function, with its rule in math), set the objective. The solution is
read back by label (:func:`chosen`).

Selection model (the default): binary ``x[d, s, c]`` serves candidate meal ``c`` of slot ``s`` on
day ``d``. Rows: one candidate per slot and day; nutrient minimums per day (or per week for the
nutrients met as a weekly average) and maximums per day; the energy range; each meal's share of
the day's energy; the daily budget; each candidate at most once a week (so no two days are the
same); a main food at most once a day, never on consecutive days and at most N times a week;
locks; kept meals. Objective (points, lower is better), linear in the candidates so that the LP
relaxation bounds it tightly: each meal's distance from its share of the day's calorie target
(which bounds the day's distance from the target), preference and serving-size points, cost.
"""

from __future__ import annotations

from collections.abc import ItemsView, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pulp

from mealplan.optimize import _families as families
from mealplan.optimize._candidates import Candidates, Floats, Ints
from mealplan.optimize._problem import Bounds, FoodTable

Label = tuple[int, int, int]


@dataclass(frozen=True)
class WeekRules:
    """The variety rules of the selection model."""

    main_foods: npt.NDArray[np.bool_]  # per food
    max_repeats: int
    exempt: frozenset[int] = frozenset()
    #: Per food: whether the distinct-food count includes it (not water, condiments, fats).
    counted: npt.NDArray[np.bool_] | None = None
    #: At most this many distinct counted foods in the plan (None: no cap).
    max_distinct: int | None = None
    #: Staple groups (group id → foods) and how many kinds of each the plan may hold.
    staples: Mapping[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    max_staple_kinds: int | None = None

    @property
    def shapes_the_basket(self) -> bool:
        """Whether the model needs the food-used binaries."""
        return self.counted is not None and (
            self.max_distinct is not None
            or (bool(self.staples) and self.max_staple_kinds is not None)
        )


@dataclass(frozen=True)
class GroupBands:
    """The food-group bands of a plan, per day, aligned with the candidates' ``groups``
    columns (NaN = no band); ``whole`` and ``grains`` are the columns of the whole-grain
    share rule."""

    keys: tuple[str, ...]
    amount: Floats  # the pattern's amount per day
    low: Floats
    high: Floats
    whole: int | None = None
    grains: int | None = None
    whole_share: float = 0.0


class SelectionVars:
    """The binaries ``x[d,s,c]``, labelled ``(day, slot, candidate)``.

    A candidate's label is its position in its slot's pool (:class:`Candidates`). A day has
    variables only for the candidates open on it. The variables are named ``x_{d}_{s}_{c}`` and
    kept in day, slot, candidate order, which is the order of every row's terms.
    """

    def __init__(self, problem: pulp.LpProblem, open_on: Sequence[Ints], days: int) -> None:
        self.days = days
        self.slots = len(open_on)
        self._open = [[np.flatnonzero((o == d) | (o < 0)) for o in open_on] for d in range(days)]
        self._by_label: dict[Label, pulp.LpVariable] = {}
        self._by_slot: list[list[list[pulp.LpVariable]]] = []
        for d in range(days):
            day = []
            for s in range(self.slots):
                labels = self._open[d][s].tolist()
                variables = [
                    problem.add_variable(f"x_{d}_{s}_{c}", cat=pulp.LpBinary) for c in labels
                ]
                self._by_label.update(zip([(d, s, c) for c in labels], variables, strict=True))
                day.append(variables)
            self._by_slot.append(day)
        self._by_day = [[v for slot in day for v in slot] for day in self._by_slot]

    def open_candidates(self, d: int, s: int) -> Ints:
        """The labels of slot ``s``'s candidates open on day ``d``, ascending."""
        return self._open[d][s]

    def for_slot(self, d: int, s: int) -> Sequence[pulp.LpVariable]:
        """``x[d,s,c]`` for ``c`` in :meth:`open_candidates` (do not modify)."""
        return self._by_slot[d][s]

    def for_day(self, d: int) -> Sequence[pulp.LpVariable]:
        """``x[d,s,c]`` over the day's slots and their open candidates (do not modify)."""
        return self._by_day[d]

    def of_candidate(self, d: int, s: int, c: int) -> pulp.LpVariable:
        """``x[d,s,c]``; a KeyError if candidate ``c`` is not open on day ``d``."""
        return self._by_label[(d, s, c)]

    def items(self) -> ItemsView[Label, pulp.LpVariable]:
        """``((d, s, c), x[d,s,c])`` for every variable, in order."""
        return self._by_label.items()

    def all(self) -> list[pulp.LpVariable]:
        """Every variable, in order."""
        return list(self._by_label.values())

    def day_column(self, d: int, per_slot: Sequence[Floats]) -> Floats:
        """Per-candidate values (``per_slot[s][c]``, or rows of a matrix) aligned with
        :meth:`for_day`."""
        return np.concatenate([per_slot[s][self._open[d][s]] for s in range(self.slots)])

    def week_column(self, per_slot: Sequence[Floats]) -> Floats:
        """Per-candidate values aligned with :meth:`all`."""
        return np.concatenate([self.day_column(d, per_slot) for d in range(self.days)])


@dataclass
class SelectionModel:
    """The selection MILP, its labelled variables and the candidate pools they choose from."""

    problem: pulp.LpProblem
    x: SelectionVars
    slots: Sequence[Candidates]
    #: The minimum at the energy target of each per-kcal minimum row (right-hand side 0),
    #: which scales its shortfall (:func:`~._families.elastic_minimums`).
    minimum_scales: dict[str, float] = field(default_factory=dict)


def build_selection(
    slots: list[Candidates],
    bands: list[tuple[float, float]],
    bounds: Bounds,
    foods: FoodTable,
    *,
    days: int,
    rules: WeekRules,
    slot_targets: list[float],
    calorie_weight: float,
    cost_weight: float,
    budget: float | None,
    open_on: Sequence[Ints] | None = None,
    required: Mapping[tuple[int, int], tuple[int, ...]] | None = None,
    fixed: Mapping[tuple[int, int], int] | None = None,
    shortfall_penalty: float | None = None,
    leftovers: Mapping[tuple[int, int], tuple[int, int]] | None = None,
    min_leftovers: int = 0,
    group_bands: GroupBands | None = None,
    group_penalty: float = 0.0,
    meal_families: Mapping[int, Ints] | None = None,
    pattern_weight: float = 0.0,
) -> SelectionModel:
    """The selection MILP.

    ``open_on[s][c]`` is the day (0-based) candidate ``c`` of slot ``s`` may be served on, or -1
    for any day (then it is served at most once a week). Giving each day its own candidates
    keeps the model small and breaks the symmetry between days, which is what makes a week fast.
    ``required[(day, slot)] = foods`` forces foods into that meal; ``fixed[(day, slot)] = c``
    keeps a meal as it was. ``pattern_weight`` prices a meal pattern served more often than
    ``rules.max_repeats`` a week (:func:`~._families.pattern_repeats`).
    ``shortfall_penalty`` makes the nutrient minimums elastic
    (:func:`~._families.elastic_minimums`). ``foods`` is not needed: the candidates carry their
    totals.
    """
    problem = pulp.LpProblem("mealplan_selection", pulp.LpMinimize)
    open_on = open_on or [np.full(len(slot), -1) for slot in slots]
    m = SelectionModel(problem, SelectionVars(problem, open_on, days), slots)
    for d in range(days):
        families.one_per_slot(m, d)
        families.energy_range(problem, families.day_energy(m, d), bounds, f"_{d}")
        families.day_nutrient_bounds(m, d, bounds)
        families.meal_energy_bands(m, d, bands)
        families.day_budget(m, d, budget)
    families.weekly_minimums(m, bounds)
    families.once_a_week(m, open_on)
    families.same_meal_once_a_week(m, meal_families or {})
    families.main_food_variety(m, rules)
    families.locked_foods(m, required or {})
    families.kept_meals(m, fixed or {})
    families.leftover_lunches(m, leftovers or {}, open_on, min_leftovers)
    if rules.shapes_the_basket and rules.counted is not None:
        used = families.food_used(m, rules.counted)
        if rules.max_distinct is not None:
            families.distinct_foods(m, used, rules.max_distinct)
        if rules.max_staple_kinds is not None:
            families.staple_kinds(m, used, rules.staples, rules.max_staple_kinds)
    objective = families.selection_objective(m, slot_targets, calorie_weight, cost_weight)
    if shortfall_penalty is not None:
        objective += families.elastic_minimums(m, shortfall_penalty)
    if group_bands is not None and group_penalty > 0:
        objective += families.food_group_bands(m, group_bands, group_penalty)
    objective += families.pattern_repeats(m, rules.max_repeats, pattern_weight, leftovers or {})
    problem.setObjective(objective)
    return m


def chosen(model: SelectionModel) -> list[list[int]]:
    """The label of the candidate served on each day (outer) and slot (inner)."""
    x = model.x
    return [[_served(x, d, s) for s in range(x.slots)] for d in range(x.days)]


def _served(x: SelectionVars, d: int, s: int) -> int:
    """The open candidate whose variable is largest (the first of equals)."""
    values = [v.varValue or 0.0 for v in x.for_slot(d, s)]
    return int(x.open_candidates(d, s)[int(np.argmax(values))])
