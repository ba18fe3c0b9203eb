"""What ``plan.solver`` reports (status, objective, proven bound, gap), and the work limit that
makes the same request give the same plan however loaded the machine is."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from mealplan import (
    FoodCatalog,
    InfeasiblePlanError,
    Planner,
    Preferences,
    Profile,
    Targets,
    verify,
)
from mealplan.domain.plan import SolverInfo
from mealplan.optimize import SolveResult, solve
from mealplan.planner import _solver_info, _through
from mealplan.planning import build_problem, selection_model, week_pools

WOMAN = Targets.cramp_support(Profile(age=34, sex="female"))


@pytest.fixture(scope="module")
def catalog() -> FoodCatalog:
    return FoodCatalog.default()


def assert_consistent(solver: SolverInfo) -> None:
    """The bound is below the objective and the gap is their distance over the objective.

    The plan states the three to 6 decimals, the gap computed from the exact two: recomputed
    from the stated ones it may differ by their rounding over the objective."""
    assert solver.objective is not None and solver.bound is not None and solver.gap is not None
    assert solver.bound <= solver.objective + 1e-9
    expected = (solver.objective - solver.bound) / abs(solver.objective)
    rounding = 1e-6 * (1 + (2 + abs(expected)) / abs(solver.objective))
    assert solver.gap == pytest.approx(max(expected, 0.0), abs=rounding)


#: A request that always has a plan (a menu may declare what it misses), so that a work limit
#: too small to prove anything still returns one.
DECLARE = Preferences(shortfalls="declare")


def test_a_solve_that_stops_at_its_work_limit_says_so(catalog: FoodCatalog) -> None:
    """50 of HiGHS's limit checks are too few to prove a day's menu best: the plan comes back
    marked ``work_limit``, with the bound proven so far, never as optimal."""
    solver = Planner(catalog, work_limit=50).plan_day(WOMAN, DECLARE).solver
    assert solver is not None
    assert solver.status == "work_limit"
    assert solver.bound_scope == "all_meals"
    assert_consistent(solver)
    assert solver.gap is not None and solver.gap > 0.01


def test_a_day_of_drawn_meals_is_proven_within_its_gap(catalog: FoodCatalog) -> None:
    """Without column generation, a day's bound covers its candidate meals, and the solve is
    proven within the planner's tolerance of the best of them."""
    solver = Planner(catalog, generate_meals=False).plan_day(WOMAN).solver
    assert solver is not None
    assert solver.status in ("optimal", "within_gap")
    assert solver.bound_scope == "candidate_meals"
    assert_consistent(solver)
    assert solver.gap is not None and solver.gap <= 0.01 + 1e-9


def test_a_days_gap_to_every_pattern_meal_is_reported_as_it_is(catalog: FoodCatalog) -> None:
    """With column generation (the default), the bound covers every meal the patterns allow;
    the gap then holds what the generated meals could not close, beyond the solve's own
    tolerance, and is reported as it is: a few tenths of a point."""
    solver = Planner(catalog).plan_day(WOMAN).solver
    assert solver is not None
    assert solver.status == "within_gap" and solver.bound_scope == "all_meals"
    assert_consistent(solver)
    assert solver.objective is not None and solver.bound is not None
    assert 0 < solver.objective - solver.bound < 1.0


def test_the_free_form_lists_bound_covers_every_list_of_the_allowed_foods(
    catalog: FoodCatalog,
) -> None:
    """Continuous amounts are an LP: proven optimal, its bound is its objective."""
    plan = Planner(catalog).plan_day(WOMAN, Preferences(meals=None), integer_servings=False)
    solver = plan.solver
    assert solver is not None
    assert (solver.status, solver.bound_scope, solver.gap) == ("optimal", "all_foods", 0.0)
    assert solver.bound == pytest.approx(solver.objective)


def test_same_request_same_plan_alone_and_in_four_threads(catalog: FoodCatalog) -> None:
    """At a work limit that stops the solve, the plan is the same alone and in 4 threads at
    once (2 cores, so each solve runs slower): a wall-clock limit would stop each at another
    point. The JSON leaves out the timings."""
    planner = Planner(catalog, work_limit=50)
    alone = planner.plan_day(WOMAN, DECLARE).model_dump_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(
            pool.map(lambda _: planner.plan_day(WOMAN, DECLARE).model_dump_json(), range(4))
        )
    assert together == [alone] * 4
    assert json.loads(alone)["solver"]["status"] == "work_limit"


def test_a_wall_clock_limit_stays_available_and_is_named(catalog: FoodCatalog) -> None:
    """With only a time limit far too short to finish, the plan is marked ``time_limit``, or
    when no menu was found in time the diagnosis names the time limit."""
    planner = Planner(catalog, time_limit=0.01, work_limit=None)
    try:
        solver = planner.plan_day(WOMAN).solver
    except InfeasiblePlanError as error:
        assert "time limit of 0.01 s" in error.diagnosis.message
        return
    assert solver is not None and solver.status == "time_limit"


def test_the_work_meter_stops_a_solve_at_its_count(catalog: FoodCatalog) -> None:
    """The same day model, unbounded and stopped after 3 checks."""
    problem = build_problem(catalog, WOMAN, Preferences(), days=1, weekly=False)
    model = selection_model(problem, week_pools(problem, attempt=0, solver="highs"))
    free = solve(model.problem, work_limit=None)
    assert (free.status, free.limit) == ("optimal", None)
    assert free.work > 3
    model = selection_model(problem, week_pools(problem, attempt=0, solver="highs"))
    stopped = solve(model.problem, work_limit=3)
    assert (stopped.limit, stopped.work) == ("work", 3)
    assert stopped.status != "optimal"


def test_a_menu_polished_after_a_stopped_solve_still_reports_the_stop() -> None:
    """A polish round proven optimal over its own small pool does not make a menu whose first
    solve stopped at the work limit optimal: the menu's report keeps the stop, and its bound is
    the lower of the two (a bound over both pools)."""
    first = SolveResult("highs", "feasible", 20.0, 0.5, 1.0, bound=10.0, work=1000, limit="work")
    polish = SolveResult("highs", "optimal", 15.0, 0.0, 0.5, bound=15.0, work=40)
    through = _through([first, polish], seconds=1.5)
    assert (through.objective, through.bound, through.limit) == (15.0, 10.0, "work")
    assert (through.status, through.work, through.seconds) == ("feasible", 1040, 1.5)
    info = _solver_info(through, 0.1, "candidate-meals")
    assert (info.status, info.gap) == ("work_limit", pytest.approx(5 / 15))
    proven = _through([replace(first, status="optimal", limit=None, bound=14.0), polish], 1.5)
    assert _solver_info(proven, 0.1, "candidate-meals").status == "within_gap"


def test_plans_saved_before_the_bound_was_reported_still_load() -> None:
    """``mip_gap`` and the ``feasible`` status of earlier plan files (a solve stopped at the
    then-default 10 s limit) read as ``gap`` and ``time_limit``."""
    old = {"solver": "highs", "status": "feasible", "objective": 3.5, "mip_gap": 0.2}
    info = SolverInfo.model_validate(old)
    assert (info.status, info.gap, info.bound) == ("time_limit", 0.2, None)
    info = SolverInfo.model_validate({**old, "status": "optimal", "mip_gap": 0.0})
    assert (info.status, info.gap) == ("optimal", 0.0)


def test_a_continuous_list_passes_verify(catalog: FoodCatalog) -> None:
    """Continuous amounts are the classic LP, which has no minimum servings: verify() holds
    them to their maximums only (before, 0.215 servings of almonds was a violation)."""
    prefs = Preferences(meals=None)
    plan = Planner(catalog).plan_day(WOMAN, prefs, integer_servings=False)
    assert verify(plan, catalog, WOMAN, prefs) == []
    assert any(
        item.servings < (catalog.get(item.food_id).min_servings or 0.0)  # type: ignore[union-attr]
        for item in plan.items
    )
