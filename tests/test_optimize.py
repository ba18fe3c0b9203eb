"""The optimizer below the planner: each constraint family on a model small enough to solve by hand.

A five-food catalogue (per serving: kcal, calcium mg, protein g, cost):

    0 oats     grain      150   20   5    0.30
    1 lentils  protein    230   40  18    0.50
    2 spinach  vegetable   40  250   5    1.00
    3 milk     dairy      120  300   8    0.40
    4 apple    fruit       95   10   0.5  0.60

Candidate meals are written as foods and servings; their totals come from the catalogue. Unless a
test says otherwise the objective is the candidates' own points (``score``), so the preferred
candidate is known, and a family shows itself by making the model pick another one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pulp  # type: ignore[import-untyped]
import pytest

from mealplan.optimize import (
    Bounds,
    Candidates,
    DirectModel,
    FoodTable,
    SelectionModel,
    SelectionVars,
    WeekRules,
    build_direct,
    build_selection,
    chosen,
    food_table,
    solve,
    solve_arrays,
)
from mealplan.optimize import _families as families
from mealplan.optimize._arrays import Row
from mealplan.optimize._solve import resolve_lp, to_pulp

OATS, LENTILS, SPINACH, MILK, APPLE = range(5)
KEYS = ("calcium", "protein")
NAN = float("nan")

Meal = tuple[tuple[int, ...], tuple[float, ...]]


@pytest.fixture(scope="module")
def foods() -> FoodTable:
    frame = pd.DataFrame(
        {
            "name": ["oats", "lentils", "spinach", "milk", "apple"],
            "role": ["grain", "protein", "vegetable", "dairy", "fruit"],
            "meals": [("breakfast", "lunch")] * 5,
            "min_servings": [0.5, 0.5, 0.5, 0.5, 2.0],
            "max_servings": [2.0] * 5,
            "half_servings": [True, True, False, False, False],
            "cost": [0.3, 0.5, 1.0, 0.4, 0.6],
        },
        index=[f"f{i}" for i in range(5)],
    )
    per_serving = pd.DataFrame(
        {
            "energy": [150.0, 230.0, 40.0, 120.0, 95.0],
            "calcium": [20.0, 40.0, 250.0, 300.0, 10.0],
            "protein": [5.0, 18.0, 5.0, 8.0, 0.5],
        },
        index=frame.index,
    )
    return food_table(
        frame,
        per_serving,
        KEYS,
        dislikes=set(),
        likes=set(),
        disliked_points=0.0,
        liked_points=0.0,
    )


def pool(foods: FoodTable, meals: Sequence[Meal], scores: Sequence[float]) -> Candidates:
    """Candidates with the catalogue's totals and the given points."""
    amounts = np.zeros((len(meals), len(foods)))
    for row, (members, servings) in enumerate(meals):
        amounts[row, list(members)] = servings
    return Candidates(
        slot="meal",
        foods=[members for members, _ in meals],
        servings=[servings for _, servings in meals],
        energy=amounts @ foods.energy,
        nutrients=amounts @ foods.nutrients,
        cost=amounts @ foods.cost,
        score=np.array(scores, dtype=float),
    )


def bounds(
    low: Sequence[float] = (NAN, NAN),
    high: Sequence[float] = (NAN, NAN),
    *,
    weekly: Sequence[bool] = (False, False),
    energy: tuple[float, float] = (0.0, 10_000.0),
) -> Bounds:
    return Bounds(
        keys=KEYS,
        low=np.array(low, dtype=float),
        high=np.array(high, dtype=float),
        units=("mg", "g"),
        weekly=np.array(weekly, dtype=bool),
        energy_low=energy[0],
        energy_high=energy[1],
    )


def model(
    foods: FoodTable,
    slots: list[Candidates],
    *,
    days: int = 1,
    limits: Bounds | None = None,
    bands: list[tuple[float, float]] | None = None,
    main: Sequence[int] = (),
    max_repeats: int = 7,
    exempt: frozenset[int] = frozenset(),
    **options: Any,
) -> SelectionModel:
    """A selection model with neutral defaults: no bounds, open bands, no main food, points."""
    main_foods = np.isin(np.arange(len(foods)), list(main))
    arguments: dict[str, Any] = {
        "slot_targets": [0.0] * len(slots),
        "calorie_weight": 0.0,
        "cost_weight": 0.0,
        "budget": None,
    }
    arguments.update(options)
    return build_selection(
        slots,
        bands or [(0.0, 1.0)] * len(slots),
        limits or bounds(),
        foods,
        days=days,
        rules=WeekRules(main_foods, max_repeats, exempt),
        **arguments,
    )


def picks(m: SelectionModel) -> list[list[int]]:
    result = solve(m.problem, gap=0.0)
    assert result.status == "optimal", result
    return chosen(m)


def rows(m: SelectionModel | pulp.LpProblem, prefix: str) -> list[str]:
    problem = m.problem if isinstance(m, SelectionModel) else m
    return [c.name for c in problem.constraints() if c.name.startswith(prefix)]


def served(m: SelectionModel, food: int) -> list[int]:
    """The days on which ``food`` is served."""
    return [
        d
        for d, day in enumerate(chosen(m))
        if any(food in m.slots[s].foods[c] for s, c in enumerate(day))
    ]


# -- one per slot, and reading the choice back by label ----------------------------------------


def test_one_candidate_per_slot_and_day(foods: FoodTable) -> None:
    breakfast = pool(foods, [((OATS,), (1,)), ((MILK,), (1,)), ((APPLE,), (2,))], [2, 1, 3])
    lunch = pool(foods, [((LENTILS,), (1,)), ((LENTILS, SPINACH), (1, 1))], [1, 0])
    m = model(foods, [breakfast, lunch], days=2)
    assert rows(m, "one_") == ["one_0_0", "one_0_1", "one_1_0", "one_1_1"]
    picked = picks(m)
    for d in range(2):
        for s in range(2):
            values = [v.varValue for v in m.x.for_slot(d, s)]
            assert sum(values) == pytest.approx(1.0)
    # Each candidate once a week: the best breakfast (milk) and lunch on one day only.
    assert sorted(day[0] for day in picked) == [0, 1]
    assert sorted(day[1] for day in picked) == [0, 1]


def test_chosen_reads_labels_not_positions(foods: FoodTable) -> None:
    """Day 0 holds candidates 0 and 2, day 1 candidates 1 and 3: the best of each day is the
    second of its day's variables, but ``chosen`` gives its label (2 and 3)."""
    meals = [((OATS,), (1,)), ((MILK,), (1,)), ((APPLE,), (2,)), ((LENTILS,), (1,))]
    slot = pool(foods, meals, [1, 1, 0, 0])
    m = model(foods, [slot], days=2, open_on=[np.array([0, 1, 0, 1])])
    assert picks(m) == [[2], [3]]
    assert list(m.x.open_candidates(0, 0)) == [0, 2]
    assert m.x.of_candidate(1, 0, 3).name == "x_1_0_3"
    with pytest.raises(KeyError):
        m.x.of_candidate(0, 0, 1)  # not open on day 0
    assert not rows(m, "once_")  # every candidate has its own day


def test_selection_vars_are_labelled_in_order() -> None:
    problem = pulp.LpProblem("labels", pulp.LpMinimize)
    x = SelectionVars(problem, [np.array([-1, 1, 0]), np.array([1, -1])], days=2)
    assert [label for label, _ in x.items()] == [
        (0, 0, 0),
        (0, 0, 2),
        (0, 1, 1),
        (1, 0, 0),
        (1, 0, 1),
        (1, 1, 0),
        (1, 1, 1),
    ]
    assert [v.name for v in x.for_day(1)] == ["x_1_0_0", "x_1_0_1", "x_1_1_0", "x_1_1_1"]
    assert [v.name for v in x.all()] == [f"x_{d}_{s}_{c}" for d, s, c in dict(x.items())]
    values = [np.array([10.0, 11.0, 12.0]), np.array([20.0, 21.0])]
    assert x.day_column(0, values).tolist() == [10.0, 12.0, 21.0]
    assert x.week_column(values).tolist() == [10.0, 12.0, 21.0, 10.0, 11.0, 20.0, 21.0]


# -- nutrient bounds and energy ------------------------------------------------------------------


def test_daily_minimum_excludes_the_candidate_that_cannot_reach_it(foods: FoodTable) -> None:
    slot = pool(foods, [((OATS, APPLE), (1, 1)), ((OATS, MILK), (1, 1))], [0, 1])  # 30, 320 mg
    assert picks(model(foods, [slot])) == [[0]]
    m = model(foods, [slot], limits=bounds(low=(300, NAN)))
    assert rows(m, "min_") == ["min_calcium_0"]
    assert picks(m) == [[1]]


def test_daily_maximum_excludes_the_candidate_above_it(foods: FoodTable) -> None:
    slot = pool(foods, [((MILK,), (2,)), ((OATS, APPLE), (1, 1))], [0, 1])  # 600, 30 mg
    m = model(foods, [slot], limits=bounds(high=(500, NAN)))
    assert rows(m, "max_") == ["max_calcium_0"]
    assert picks(m) == [[1]]


def test_weekly_minimum_is_met_over_the_week_not_every_day(foods: FoodTable) -> None:
    """300 mg a day as a weekly average: only milk × 2 (600 mg) reaches it on its own, and it may
    be served once a week, so a daily minimum would be infeasible; over two days it suffices."""
    meals = [((OATS,), (1,)), ((APPLE,), (2,)), ((MILK,), (2,)), ((SPINACH,), (1,))]
    slot = pool(foods, meals, [0, 1, 5, 5])
    daily = model(foods, [slot], days=2, limits=bounds(low=(300, NAN)))
    assert solve(daily.problem).status == "infeasible"
    m = model(foods, [slot], days=2, limits=bounds(low=(300, NAN), weekly=(True, False)))
    assert rows(m, "min_") == []
    assert rows(m, "week_min_") == ["week_min_calcium"]
    assert sorted(day[0] for day in picks(m)) == [0, 2]


def test_energy_range(foods: FoodTable) -> None:
    slot = pool(foods, [((APPLE,), (1,)), ((LENTILS, OATS), (1, 1))], [0, 1])  # 95, 380 kcal
    m = model(foods, [slot], limits=bounds(energy=(300, 1000)))
    assert rows(m, "energy_") == ["energy_lo_0", "energy_hi_0"]
    assert picks(m) == [[1]]
    slot = pool(foods, [((APPLE,), (1,)), ((LENTILS, OATS), (1, 1))], [1, 0])
    assert picks(model(foods, [slot], limits=bounds(energy=(0, 200)))) == [[0]]


def test_meal_band(foods: FoodTable) -> None:
    """Breakfast must be 40-60 % of the day: an apple (95 of 365 kcal, 26 %) is too small next to
    lentils and spinach (270 kcal); oats and milk (270 of 540 kcal, 50 %) fit."""
    breakfast = pool(foods, [((APPLE,), (1,)), ((OATS, MILK), (1, 1))], [0, 1])
    lunch = pool(foods, [((LENTILS, SPINACH), (1, 1))], [0])
    assert picks(model(foods, [breakfast, lunch])) == [[0, 0]]
    m = model(foods, [breakfast, lunch], bands=[(0.4, 0.6), (0.4, 0.6)])
    assert rows(m, "band_") == ["band_lo_0_0", "band_hi_0_0", "band_lo_0_1", "band_hi_0_1"]
    assert picks(m) == [[1, 0]]
    assert not rows(model(foods, [breakfast], bands=[(0.4, 0.6)]), "band_")


# -- variety ------------------------------------------------------------------------------------


def lentil_week(foods: FoodTable) -> Candidates:
    """Two lentil lunches at 0 points, two others at 5, each servable on any day."""
    meals = [
        ((LENTILS,), (1,)),
        ((LENTILS, SPINACH), (1, 1)),
        ((OATS,), (1,)),
        ((OATS, APPLE), (1, 1)),
    ]
    return pool(foods, meals, [0, 0, 5, 5])


def test_main_food_never_on_consecutive_days(foods: FoodTable) -> None:
    m = model(foods, [lentil_week(foods)], days=3, main=[LENTILS])
    assert rows(m, "consecutive_") == ["consecutive_1_0", "consecutive_1_1"]
    assert not rows(m, "repeats_")  # three days, at most seven repeats
    picks(m)
    assert served(m, LENTILS) == [0, 2]


def test_main_food_at_most_n_times(foods: FoodTable) -> None:
    m = model(foods, [lentil_week(foods)], days=3, main=[LENTILS], max_repeats=1)
    assert rows(m, "repeats_") == ["repeats_1"]
    picks(m)
    assert len(served(m, LENTILS)) == 1


def test_exempt_main_food_has_no_variety_rows(foods: FoodTable) -> None:
    m = model(foods, [lentil_week(foods)], days=3, main=[LENTILS], exempt=frozenset({LENTILS}))
    assert not rows(m, "consecutive_") and not rows(m, "daily_") and not rows(m, "repeats_")


def test_main_food_at_most_once_a_day(foods: FoodTable) -> None:
    breakfast = pool(foods, [((LENTILS,), (1,)), ((OATS,), (1,))], [0, 3])
    lunch = pool(foods, [((LENTILS, SPINACH), (1, 1)), ((OATS, APPLE), (1, 1))], [0, 1])
    assert picks(model(foods, [breakfast, lunch])) == [[0, 0]]
    m = model(foods, [breakfast, lunch], main=[LENTILS, OATS])
    assert rows(m, "daily_") == ["daily_0_0", "daily_1_0"]
    assert picks(m) == [[0, 1]]


def test_each_candidate_at_most_once_a_week(foods: FoodTable) -> None:
    slot = pool(foods, [((OATS,), (1,)), ((MILK,), (1,)), ((APPLE,), (2,))], [0, 1, 2])
    assert picks(model(foods, [slot], days=1)) == [[0]]
    m = model(foods, [slot], days=2)
    assert rows(m, "once_") == ["once_0_0", "once_0_1", "once_0_2"]
    assert sorted(day[0] for day in picks(m)) == [0, 1]


# -- locks, kept meals, budget --------------------------------------------------------------------


def test_lock_forces_a_food(foods: FoodTable) -> None:
    slot = pool(foods, [((OATS,), (1,)), ((MILK,), (1,)), ((MILK, APPLE), (1, 2))], [0, 1, 2])
    m = model(foods, [slot], required={(0, 0): (MILK,)})
    assert rows(m, "lock_") == ["lock_0_0_3"]
    assert picks(m) == [[1]]
    assert picks(model(foods, [slot], required={(0, 0): (APPLE,)})) == [[2]]


def test_kept_meal_stays(foods: FoodTable) -> None:
    slot = pool(foods, [((OATS,), (1,)), ((MILK,), (1,)), ((MILK, APPLE), (1, 2))], [0, 1, 2])
    m = model(foods, [slot], days=2, fixed={(1, 0): 2})
    assert rows(m, "keep_") == ["keep_1_0"]
    assert picks(m) == [[0], [2]]


def test_budget(foods: FoodTable) -> None:
    slot = pool(foods, [((SPINACH,), (1,)), ((OATS,), (1,))], [0, 1])  # 1.00, 0.30
    m = model(foods, [slot], budget=0.5)
    assert rows(m, "budget_") == ["budget_0"]
    assert picks(m) == [[1]]
    unknown = pool(foods, [((SPINACH,), (1,)), ((OATS,), (1,))], [0, 1])
    unknown.cost[1] = NAN
    assert not rows(model(foods, [unknown], budget=0.5), "budget_")


# -- objective ------------------------------------------------------------------------------------


def test_objective_prefers_the_cheaper_candidate(foods: FoodTable) -> None:
    slot = pool(foods, [((SPINACH,), (1,)), ((OATS,), (1,))], [0, 0])
    m = model(foods, [slot], cost_weight=1.0)
    assert picks(m) == [[1]]
    assert [c for _, c in m.problem.objective.items()] == pytest.approx([1.0, 0.3])


def test_objective_prefers_the_candidate_closer_to_its_share(foods: FoodTable) -> None:
    slot = pool(foods, [((APPLE,), (1,)), ((LENTILS,), (1,))], [0, 0])  # 95, 230 kcal
    m = model(foods, [slot], calorie_weight=10.0, slot_targets=[250.0])
    assert picks(m) == [[1]]
    # w_kcal·|e − t|/100: 10 × 155/100 and 10 × 20/100.
    assert [c for _, c in m.problem.objective.items()] == pytest.approx([15.5, 2.0])


def test_objective_ignores_cost_when_one_is_unknown(foods: FoodTable) -> None:
    slot = pool(foods, [((SPINACH,), (1,)), ((OATS,), (1,))], [0, 1])
    slot.cost[0] = NAN
    m = model(foods, [slot], cost_weight=1.0)
    assert [c for _, c in m.problem.objective.items()] == [0.0, 1.0]


# -- each family adds the rows its docstring names ------------------------------------------------


def documented_prefixes(family: Callable[..., Any]) -> set[str]:
    """``Rows ``one_{d}_{s}``…`` in a docstring → {"one_"}."""
    doc = family.__doc__ or ""
    named = re.split(r"\bRows?\b", doc, maxsplit=1)[1]
    return set(re.findall(r"``([a-z_]+?_)\{", named))


def two_day_model(foods: FoodTable) -> SelectionModel:
    """Two days, two slots, candidates 0-1 of each slot open on any day, 2-3 on day 0 or 1."""
    meals = [((OATS,), (1,)), ((MILK,), (1,)), ((APPLE,), (2,)), ((LENTILS,), (1,))]
    slots = [pool(foods, meals, [0, 0, 0, 0]), pool(foods, meals, [0, 0, 0, 0])]
    problem = pulp.LpProblem("families", pulp.LpMinimize)
    open_on = [np.array([-1, -1, 0, 1])] * 2
    return SelectionModel(problem, SelectionVars(problem, open_on, days=2), slots)


FAMILIES: list[tuple[Callable[..., Any], Callable[[SelectionModel], None], int]] = [
    # (family, how to call it alone, rows it adds: the count its ∀ says)
    (families.one_per_slot, lambda m: families.one_per_slot(m, 0), 2),  # ∀ s
    (
        families.day_nutrient_bounds,
        lambda m: families.day_nutrient_bounds(m, 1, bounds(low=(1, 1), high=(NAN, 50))),
        3,  # two minimums, one maximum
    ),
    (families.meal_energy_bands, lambda m: families.meal_energy_bands(m, 0, [(0, 1)] * 2), 4),
    (families.day_budget, lambda m: families.day_budget(m, 0, 5.0), 1),
    (
        families.weekly_minimums,
        lambda m: families.weekly_minimums(m, bounds(low=(1, 1), weekly=(True, False))),
        1,
    ),
    (families.once_a_week, lambda m: families.once_a_week(m, [np.array([-1, -1, 0, 1])] * 2), 4),
    (families.locked_foods, lambda m: families.locked_foods(m, {(0, 1): (MILK, OATS)}), 2),
    (families.kept_meals, lambda m: families.kept_meals(m, {(0, 0): 2, (1, 1): 0}), 2),
    (
        families.main_food_once_a_day,
        lambda m: families.main_food_once_a_day(
            m.problem, OATS, [families.total(m.x.for_day(d)) for d in range(2)], [2, 1]
        ),
        1,  # only where two or more candidates hold the food
    ),
]


@pytest.mark.parametrize(
    ("family", "call", "count"), FAMILIES, ids=[f.__name__ for f, _, _ in FAMILIES]
)
def test_family_adds_the_rows_its_docstring_names(
    foods: FoodTable,
    family: Callable[..., Any],
    call: Callable[[SelectionModel], None],
    count: int,
) -> None:
    m = two_day_model(foods)
    call(m)
    names = [c.name for c in m.problem.constraints()]
    assert len(names) == count
    prefixes = documented_prefixes(family)
    assert prefixes
    assert all(any(name.startswith(p) for p in prefixes) for name in names), (names, prefixes)


def test_row_coefficients_are_the_documented_sums(foods: FoodTable) -> None:
    """``one_``: Σ x = 1; ``energy``: Σ e·x; ``band_lo``: Σ_{own} e·x − lo·Σ e·x ≥ 0;
    ``once_``: Σ_d x ≤ 1."""
    m = two_day_model(foods)
    families.one_per_slot(m, 0)
    families.energy_range(m.problem, families.day_energy(m, 0), bounds(energy=(100, 900)), "_0")
    families.meal_energy_bands(m, 0, [(0.25, 0.75), (0.25, 0.75)])
    families.once_a_week(m, [np.array([-1, -1, 0, 1])] * 2)
    constraints = {c.name: c for c in m.problem.constraints()}

    def terms(name: str) -> dict[str, float]:
        return {v.name: c for v, c in constraints[name].items()}

    assert terms("one_0_1") == {"x_0_1_0": 1.0, "x_0_1_1": 1.0, "x_0_1_2": 1.0}
    assert constraints["one_0_1"].constant == -1
    energy = {"x_0_0_0": 150.0, "x_0_0_1": 120.0, "x_0_0_2": 190.0}
    assert terms("energy_lo_0") == {
        **energy,
        **{k.replace("_0_0_", "_0_1_"): e for k, e in energy.items()},
    }
    assert terms("band_lo_0_0") == pytest.approx(
        {
            **{k: 0.75 * e for k, e in energy.items()},
            **{k.replace("_0_0_", "_0_1_"): -0.25 * e for k, e in energy.items()},
        }
    )
    assert terms("once_1_0") == {"x_0_1_0": 1.0, "x_1_1_0": 1.0}
    assert constraints["once_1_0"].sense == pulp.LpConstraintLE


def test_per_kcal_rows_are_the_documented_sums(foods: FoodTable) -> None:
    """A minimum per kcal (``r`` = 0.1 mg of calcium per kcal, floor 5 mg): ``min_`` is
    Σ (a − r·e)·x ≥ 0, scaled by the minimum at the target, beside ``min_…_floor`` Σ a·x ≥ 5;
    a maximum per kcal (0.05 g of protein per kcal) is Σ (a − r·e)·x ≤ 0; met over the week,
    ``week_min_`` sums the same over both days."""
    limits = replace(
        bounds(low=(40, 10), high=(NAN, 30), weekly=(True, False)),
        low_per_kcal=np.array([0.1, NAN]),
        high_per_kcal=np.array([NAN, 0.05]),
        floor=np.array([5.0, NAN]),
    )
    m = two_day_model(foods)
    daily = replace(limits, weekly=np.array([False, False]))
    families.day_nutrient_bounds(m, 0, daily)
    families.weekly_minimums(m, limits)
    constraints = {c.name: c for c in m.problem.constraints()}
    calcium = {c: float(m.slots[0].nutrients[c, 0]) for c in range(4)}
    protein = {c: float(m.slots[0].nutrients[c, 1]) for c in range(4)}
    energy = {c: float(m.slots[0].energy[c]) for c in range(4)}

    def terms(name: str) -> dict[str, float]:
        return {v.name: c for v, c in constraints[name].items()}

    assert terms("min_calcium_0")["x_0_0_1"] == pytest.approx(calcium[1] - 0.1 * energy[1])
    assert constraints["min_calcium_0"].constant == 0
    assert m.minimum_scales["min_calcium_0"] == 40
    assert terms("min_calcium_floor_0")["x_0_0_1"] == pytest.approx(calcium[1])
    assert constraints["min_calcium_floor_0"].constant == -5
    assert terms("max_protein_0")["x_0_1_2"] == pytest.approx(protein[2] - 0.05 * energy[2])
    assert constraints["max_protein_0"].sense == pulp.LpConstraintLE
    assert terms("min_protein_0")["x_0_1_2"] == pytest.approx(protein[2])  # a fixed minimum
    week = terms("week_min_calcium")
    assert week["x_1_0_3"] == pytest.approx(calcium[3] - 0.1 * energy[3])
    assert m.minimum_scales["week_min_calcium"] == 80
    assert constraints["week_min_calcium_floor"].constant == -10


# -- the direct model ------------------------------------------------------------------------------


def direct(
    foods: FoodTable, integer: bool, energy: tuple[float, float] = (450, NAN), **options: Any
) -> DirectModel:
    arguments: dict[str, Any] = {
        "objective": "cost",
        "energy_target": 0.0,
        "calorie_weight": 0.0,
        "cost_weight": 0.0,
        "budget": None,
        "max_per_food": np.full(len(foods), 2.0),
    }
    arguments.update(options)
    return build_direct(foods, bounds(energy=energy), integer=integer, **arguments)


def solved(m: DirectModel, gap: float = 0.0) -> npt.NDArray[np.float64]:
    """Servings per food of the model's optimum (HiGHS on the arrays)."""
    result, values = solve_arrays(m.model, gap=gap)
    assert result.status == "optimal"
    assert values is not None
    return m.servings(values)


def test_direct_continuous_takes_fractions(foods: FoodTable) -> None:
    """Cheapest kcal: oats (0.30 / 150), then lentils (0.50 / 230): 2 oats and 150/230 lentils."""
    m = direct(foods, integer=False)
    assert not m.model.is_mip
    assert m.model.rows("energy_") == ["energy_lo"]  # no upper energy bound given
    assert solved(m)[[OATS, LENTILS]] == pytest.approx([2.0, 150 / 230])
    assert solved(m)[[SPINACH, MILK, APPLE]] == pytest.approx([0, 0, 0])


def test_direct_integer_takes_whole_steps(foods: FoodTable) -> None:
    """Oats (75 kcal, 0.15 a half serving) and lentils (115 kcal, 0.25 a half) come in half
    servings, the others whole: three halves of oats and two of lentils (455 kcal, 0.95) are the
    cheapest steps over 450 kcal (four halves of oats and two of lentils cost 1.10)."""
    m = direct(foods, integer=True)
    assert m.model.integer[: len(foods)].all()
    assert m.unit.tolist() == [0.5, 0.5, 1.0, 1.0, 1.0]
    assert solved(m).tolist() == [1.5, 1.0, 0.0, 0.0, 0.0]


def test_direct_minimum_serving_switch(foods: FoodTable) -> None:
    """Apples are served two at a time or not at all (minimum 2 servings): an on/off switch,
    ``n − 2·y ≥ 0`` and ``n − 2·y ≤ 0`` (at most 2 apples here)."""
    m = direct(foods, integer=True)
    assert m.model.rows("min_serving_") == ["min_serving_4"]
    assert m.model.row("min_serving_4") == {"n_4": 1.0, "y_4": -2.0}
    assert m.model.row("max_serving_4") == {"n_4": 1.0, "y_4": -2.0}
    assert m.model.integer[m.model.column_names.index("y_4")]
    # Apples free (cost 0): the cheapest 450 kcal takes the two apples as a pair.
    free = replace(foods, cost=np.where(np.arange(len(foods)) == APPLE, 0.0, foods.cost))
    assert solved(direct(free, integer=True))[APPLE] == 2.0


def test_direct_continuous_model_is_a_linear_program(foods: FoodTable) -> None:
    """Relaxed, an on/off switch allows any amount, so the LP has none."""
    m = direct(foods, integer=False)
    assert not m.model.rows("min_serving_")
    assert "y_4" not in m.model.column_names


def test_direct_calorie_distance_objective(foods: FoodTable) -> None:
    """Points: no preferences here, so only |kcal − 300| counts; four halves of oats hit it."""
    m = direct(
        foods,
        integer=True,
        energy=(0, 1000),
        objective="points",
        energy_target=300.0,
        calorie_weight=100.0,
    )
    assert m.model.rows("dev_") == ["dev_hi", "dev_lo"]
    result, values = solve_arrays(m.model, gap=0.0)
    assert values is not None and result.objective == pytest.approx(0.0)
    assert float(m.servings(values) @ foods.energy) == pytest.approx(300.0)


def test_direct_model_solves_alike_on_cbc(foods: FoodTable) -> None:
    """CBC gets the same arrays through PuLP and finds the same optimum."""
    highs, _ = solve_arrays(direct(foods, integer=True).model, gap=0.0)
    cbc, values = solve_arrays(direct(foods, integer=True).model, solver="cbc", gap=0.0)
    assert cbc.status == "optimal" and values is not None
    assert cbc.objective == pytest.approx(highs.objective)


# -- variety of meal patterns -------------------------------------------------------------------


def patterned(foods: FoodTable, scores: Sequence[float], patterns: Sequence[int]) -> Candidates:
    """Distinct one-food meals (lentils in growing portions), each of the given pattern."""
    meals = [((LENTILS,), (1 + c / 2,)) for c in range(len(scores))]
    return replace(
        pool(foods, meals, scores),
        patterns=np.array(patterns, dtype=int),
        mains=[() for _ in scores],
    )


def pattern_counts(m: SelectionModel) -> list[int]:
    days = picks(m)
    return [
        sum(int(m.slots[s].patterns[c]) == p for day in days for s, c in enumerate(day))
        for p in (0, 1)
    ]


def test_a_pattern_beyond_its_weekly_allowance_costs_points(foods: FoodTable) -> None:
    """One dinner a day for 7 days; pattern 0 scores 0, pattern 1 scores 1 a meal. Free, all
    7 are pattern 0. At 2 points a meal beyond 3 a week, the cheapest week serves pattern 0
    four times (3 + 2 for the fourth) and pattern 1 three times (3): 5 points, against 6
    for 3 + 4 or 5 + 2."""
    dinners = patterned(foods, [0] * 7 + [1] * 7, [0] * 7 + [1] * 7)
    assert pattern_counts(model(foods, [dinners], days=7)) == [7, 0]
    m = model(foods, [dinners], days=7, max_repeats=3, pattern_weight=2.0)
    assert pattern_counts(m) == [4, 3]
    assert rows(m, "pattern_") == ["pattern_0", "pattern_1"]


def test_a_pattern_twice_in_a_day_costs_points_and_a_leftover_does_not_count(
    foods: FoodTable,
) -> None:
    """Lunch and dinner on 2 days from the same two patterns (0 free, 1 at 1 point): at 2
    points for a pattern twice in a day, each day serves both. A leftover copy of a dinner
    at lunch is not another meal, so its pattern counts for neither rule."""
    lunch = patterned(foods, [0, 0, 1, 1], [0, 0, 1, 1])
    dinner = patterned(foods, [0, 0, 1, 1], [0, 0, 1, 1])
    assert pattern_counts(model(foods, [lunch, dinner], days=2)) == [4, 0]
    m = model(foods, [lunch, dinner], days=2, pattern_weight=2.0)
    for day in picks(m):
        assert {int(lunch.patterns[day[0]]), int(dinner.patterns[day[1]])} == {0, 1}
    copies = {(0, c): (1, c) for c in range(4)}
    m = model(foods, [lunch, dinner], days=2, pattern_weight=2.0, leftovers=copies)
    assert not rows(m, "pattern_")


def test_resolve_lp_matches_a_fresh_solve_after_closing_columns(foods: FoodTable) -> None:
    """The basket's pruning rounds: close a variable in the HiGHS model of the last solve and
    solve from its basis; the optimum and the values are those of a fresh solve."""

    def lp() -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
        problem = pulp.LpProblem("diet", pulp.LpMinimize)
        n = [problem.add_variable(f"n_{i}", lowBound=0, upBound=3) for i in range(len(foods))]
        problem.addConstraint(families.linear(n, foods.energy) >= 450, "energy")
        problem.setObjective(families.linear(n, foods.cost))
        return problem, problem.variables()

    problem, variables = lp()
    assert solve(problem, mip=False).status == "optimal"
    assert (variables[OATS].varValue or 0.0) > 0  # oats are the cheapest kcal
    result = resolve_lp(problem, variables, {OATS: 0.0})
    fresh, fresh_variables = lp()
    fresh_variables[OATS].upBound = 0.0
    expected = solve(fresh, mip=False)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(expected.objective)
    assert [v.varValue for v in variables] == pytest.approx([v.varValue for v in fresh_variables])
    assert variables[OATS].upBound == 0.0 and variables[OATS].varValue == 0.0


def test_a_two_sided_row_becomes_two_pulp_rows_as_in_the_arrays(foods: FoodTable) -> None:
    """``300 ≤ kcal ≤ 500`` written into PuLP and into an ArrayModel keeps both sides."""
    row = Row("kcal", foods.energy, lower=300.0, upper=500.0)
    problem = pulp.LpProblem("rows", pulp.LpMinimize)
    n = [problem.add_variable(f"n_{i}", lowBound=0) for i in range(len(foods))]
    families.add_rows(problem, n, [row])
    constraints = {str(c.name): c for c in problem.constraints()}
    assert sorted(constraints) == ["kcal", "kcal_hi"]
    assert constraints["kcal"].sense == pulp.LpConstraintGE
    assert constraints["kcal_hi"].sense == pulp.LpConstraintLE
    assert (-constraints["kcal"].constant, -constraints["kcal_hi"].constant) == (300, 500)
    pulp_form, _ = to_pulp(direct(foods, integer=False).model)
    assert "energy_lo" in {str(c.name) for c in pulp_form.constraints()}


def test_cbc_reports_an_lp_optimum_as_its_own_bound(foods: FoodTable) -> None:
    result, _ = solve_arrays(direct(foods, integer=False).model, solver="cbc", gap=0.0)
    assert (result.status, result.bound, result.mip_gap) == ("optimal", result.objective, 0.0)
