"""The exact day model (:mod:`mealplan.planning.exact`): it states the selection model's rules
and points for any menu of pattern meals, and it checks column generation's bound from outside:
no menu of the exact structure scores below that bound, and the planner's menu is one of its
menus."""

from __future__ import annotations

import numpy as np
import pytest

from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets
from mealplan.optimize._model import build_selection, chosen
from mealplan.optimize._solve import solve, solve_arrays
from mealplan.planning import (
    CandidatePools,
    build_problem,
    candidate_pools,
    selection_arguments,
)
from mealplan.planning.exact import exact_day_model, menu_columns, solve_exact_day, with_menu
from mealplan.planning.problem import PlanningProblem

WOMAN = Targets.cramp_support(Profile(age=34, sex="female"))
MAN = Targets.cramp_support(Profile(age=52, sex="male"))


@pytest.fixture(scope="module")
def small() -> FoodCatalog:
    """Every 16th food of the default catalogue: enough for every meal pattern that the
    exact model solves in seconds."""
    catalog = FoodCatalog.default()
    return catalog.filter(ids=catalog.ids[::16])


def _problem(catalog: FoodCatalog, targets: Targets) -> PlanningProblem:
    preferences = Preferences(shortfalls="declare")
    return build_problem(catalog, targets, preferences, days=1, weekly=False)


def _drawn_menu(problem: PlanningProblem) -> tuple[CandidatePools, list[int], float]:
    """The drawn candidate pools, the menu the selection model picks from them, its points."""
    pools = candidate_pools(problem)
    arguments = selection_arguments(problem, pools)
    selection = build_selection(*arguments.args, **arguments.kwargs)
    result = solve(selection.problem, gap=0.0)
    assert result.objective is not None
    return pools, chosen(selection)[0], result.objective


@pytest.mark.parametrize("catalog_name", ["default", "small"])
def test_the_exact_model_scores_a_drawn_menu_as_the_selection_model_does(
    catalog_name: str, small: FoodCatalog
) -> None:
    """The menu the selection model picks from the drawn candidates, fixed in the exact model
    (its patterns, and each food at its serving in its part), is a solution there with the same
    points: the two models state the same rules and the same objective for it."""
    catalog = small if catalog_name == "small" else FoodCatalog.default()
    problem = _problem(catalog, WOMAN)
    pools, menu, objective = _drawn_menu(problem)
    exact = exact_day_model(problem)
    fixed = with_menu(exact, menu_columns(exact, problem, pools, menu))
    solved, _ = solve_arrays(fixed, gap=0.0, abs_gap=1e-9)
    assert solved.status == "optimal"
    assert solved.objective == pytest.approx(objective, abs=1e-6)


def test_the_exact_solve_starts_from_a_given_menu(small: FoodCatalog) -> None:
    """Started from the selection model's menu, the exact solve returns that menu or a better
    one, however short its time (HiGHS alone finds no menu of this model in seconds)."""
    problem = _problem(small, MAN)
    pools, menu, objective = _drawn_menu(problem)
    exact = solve_exact_day(problem, time_limit=3.0, start=(pools, menu))
    assert exact.objective is not None
    assert exact.objective <= objective + 1e-6


def test_no_menu_of_the_exact_structure_scores_below_the_column_generation_bound(
    small: FoodCatalog,
) -> None:
    """Column generation proves its bound over every meal the patterns allow; the exact model
    is an independent statement of those meals. Any menu it finds scores at least the bound,
    and its own proven bound is at most the planner's menu, which is one of its menus."""
    for targets in (WOMAN, MAN):
        info = Planner(small).plan_day(targets, Preferences(shortfalls="declare")).solver
        assert info is not None and info.bound_scope == "all_meals"
        assert info.bound is not None and info.objective is not None
        problem = _problem(small, targets)
        pools, menu, _ = _drawn_menu(problem)
        # Started from a drawn menu, so a slow machine still returns a menu to check.
        exact = solve_exact_day(problem, time_limit=20.0, start=(pools, menu))
        assert exact.objective is not None and exact.bound is not None
        assert exact.objective >= info.bound - 1e-6
        assert exact.bound <= info.objective + 1e-6
        assert np.isfinite(exact.bound)
