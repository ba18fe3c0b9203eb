"""Planner: daily and weekly menus as a mixed-integer program over candidate meals.

``Planner(catalog).plan_day(targets, preferences)`` and ``.plan_week(...)``. The Planner is a
thin facade over the planning steps (:mod:`mealplan.planning`): the request becomes a planning
problem, the problem candidate meals, the meals a selection model, and its solution a plan.
The same inputs give the same plan: candidate meals are drawn from a random generator seeded by
a digest of the inputs, and HiGHS runs single-threaded with a fixed seed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from mealplan import _validate
from mealplan.catalog import FoodCatalog
from mealplan.domain.limits import WORK_LIMIT as WORK_LIMIT  # re-exported
from mealplan.domain.plan import (
    ENVELOPE_FIELDS,
    DayPlan,
    PlanShortfall,
    SolverInfo,
    SolverStatus,
    WeekPlan,
)
from mealplan.errors import InfeasiblePlanError, PlannerError
from mealplan.optimize._model import SelectionModel, chosen
from mealplan.optimize._solve import SolveResult, check_solver, solve, solve_arrays
from mealplan.planning import (
    CandidatePools,
    PlanningProblem,
    build_problem,
    colgen,
    diagnose,
    direct_model,
    free_form_day,
    mark_cap_lifted,
    misses_a_minimum,
    portion_pools,
    selection_model,
    selection_week,
    unreachable_nutrients,
    week_pools,
)
from mealplan.preferences import Preferences
from mealplan.targets import Targets

logger = logging.getLogger(__name__)

#: Candidate pools tried per plan: when no menu of the first pool keeps every rule (a proof, not
#: a time-out), a second pool twice its size, from another random stream, often holds one (on
#: the foods as eaten, 4 of 6 such weeks measured); each try has the full time limit.
_ATTEMPTS = 3
#: Baskets (each from another scout's random stream) tried within the distinct-food cap and
#: staples before a week is planned without them.
_CAPPED_ATTEMPTS = 2
#: Rounds of polish (each lets every portion move one more step) for a menu that misses a
#: minimum; each takes ~0.05-0.5 s.
_POLISH_ROUNDS = 4
#: Points within which a free-form list is as good as the best: 0.1 kcal from the calorie
#: target at the default weight. Tighter, HiGHS searched the whole 10 s for a woman's day whose
#: best list scores 0 after finding one 0.0006 kcal off (an exact zero is luck of the order).
_DIRECT_ABS_GAP = 1e-3
#: CBC's limit when none is given: it has no work limit here, and unbounded a week can run on.
CBC_TIME_LIMIT = 10.0


class Planner:
    """Builds menus from a catalogue. Holds no state between calls; safe to reuse.

    ``work_limit`` bounds each solve by work, not time: HiGHS stops a solve after that many of
    its limit checks (made at fixed points of the search), so the same request gives the same
    plan on a loaded server as on a quiet one. ``time_limit`` (seconds, finite and > 0, or
    None) adds a wall-clock limit, which makes the plan depend on the machine's speed and load;
    CBC has only this one, and stops after 10 s when none is given. ``gap`` is the relative MIP
    gap in [0, 1) at which HiGHS may stop (0.01 = within 1 % of the best possible objective). A
    plan that stopped at a limit says so in ``plan.solver.status``. ``generate_meals`` (on by
    default) lets :meth:`plan_day` generate meals by column generation
    (:mod:`mealplan.planning.colgen`): a menu scored against every meal the patterns allow,
    with a bound over them all, at ~3× the time of choosing among the drawn meals alone.

    Bad arguments raise :class:`~mealplan.errors.PlannerError` naming the argument, before any
    solve. Food ids in ``preferences.exclude_foods``, ``dislikes`` or ``likes`` that the catalogue
    lacks are logged as a WARNING (logger ``mealplan.planner``) and ignored; with
    ``strict=True`` they raise :class:`~mealplan.errors.UnknownFoodError` instead. An unknown
    food in ``preferences.locks`` always raises it.
    """

    def __init__(
        self,
        catalog: FoodCatalog,
        solver: str = "highs",
        time_limit: float | None = None,
        gap: float = 0.01,
        *,
        work_limit: int | None = WORK_LIMIT,
        verbose: bool = False,
        strict: bool = False,
        generate_meals: bool = True,
    ) -> None:
        check_solver(solver)
        self.catalog = _validate.check_catalog(catalog)
        self.solver = solver
        self.time_limit = _validate.check_time_limit(time_limit)
        if solver == "cbc" and self.time_limit is None:
            self.time_limit = CBC_TIME_LIMIT
        self.work_limit = _validate.check_work_limit(work_limit)
        self.gap = _validate.check_gap(gap)
        self.verbose = _validate.check_flag("verbose", verbose)
        self.strict = _validate.check_flag("strict", strict)
        self.generate_meals = _validate.check_flag("generate_meals", generate_meals)

    # -- public -----------------------------------------------------------------------------
    def plan_day(
        self,
        targets: Targets,
        preferences: Preferences | None = None,
        *,
        integer_servings: bool = True,
        objective: Literal["balanced", "cost"] = "balanced",
    ) -> DayPlan:
        """One day's menu meeting every target that day.

        ``targets`` must be :class:`Targets` and ``preferences`` :class:`Preferences` or None (the
        defaults); a dict is refused with a :class:`PlannerError` rather than converted: build
        one with ``Preferences.model_validate(data)``, which names any bad field. The checks of
        :class:`Planner` apply: ``weekly_nutrients`` must name mealplan nutrients or the targets'
        keys, a lock's day must be 1, locked foods must be in the catalogue. Raises
        :class:`InfeasiblePlanError` with a diagnosis when no plan exists.
        """
        targets, preferences = _validate.check_plan(
            targets, preferences, self.catalog, days=1, strict=self.strict, logger=logger
        )
        _validate.check_flag("integer_servings", integer_servings)
        if objective not in ("balanced", "cost"):
            raise PlannerError(f"objective: must be 'balanced' or 'cost' (got {objective!r})")
        if not integer_servings and preferences.meals is not None:
            raise PlannerError(
                "integer_servings: continuous amounts plan one free-form list of foods; "
                "pass Preferences(meals=None) with integer_servings=False"
            )
        if objective == "cost" and not self.catalog.has_costs:
            raise PlannerError("objective: 'cost' needs a catalogue with prices (cost_column)")
        problem = build_problem(self.catalog, targets, preferences, days=1, weekly=False)
        if preferences.meals is None:
            return self._plan_direct(problem, integer=integer_servings, objective=objective)
        if objective == "cost":
            problem = problem.cost_only()
        week = self._plan_selection(problem, generate=self.generate_meals)
        # The day alone: it states the week's notes, shortfalls and envelope (versions, data,
        # request, targets), which the days inside a week leave to the week.
        envelope = {name: getattr(week, name) for name in ENVELOPE_FIELDS}
        return week.days[0].model_copy(
            update={"notes": week.notes, "shortfalls": week.shortfalls, **envelope}
        )

    def plan_week(
        self,
        targets: Targets,
        preferences: Preferences | None = None,
        days: int = 7,
        *,
        keep: WeekPlan | None = None,
        replan: Iterable[int] = (),
    ) -> WeekPlan:
        """A menu for ``days`` days. Nutrients in ``preferences.weekly_nutrients`` (vitamin D and
        B12 by default: the body stores them) are met as a weekly average, the rest every day.

        ``keep`` with ``replan=[3]`` re-plans day 3 only and keeps the other days as they were.

        ``days`` is a whole number from 1 to 14 (a numpy integer is fine; a float, string or bool
        is not); locks must fall within those days. ``targets`` and ``preferences`` are checked
        as in :meth:`plan_day` (a dict for ``preferences`` is refused). Bad input raises
        :class:`PlannerError` naming the argument before any solve.
        """
        days = _validate.check_days(days)
        targets, preferences = _validate.check_plan(
            targets, preferences, self.catalog, days=days, strict=self.strict, logger=logger
        )
        if preferences.meals is None:
            raise PlannerError("preferences.meals: plan_week needs meals; use plan_day for a list")
        replan_days = _validate.check_keep(keep, replan, days)
        problem = build_problem(self.catalog, targets, preferences, days=days, weekly=True)
        return self._plan_selection(problem, keep=keep, replan=replan_days)

    def swap_meal(
        self,
        week: WeekPlan,
        targets: Targets,
        preferences: Preferences | None = None,
        *,
        day: int,
        meal: str,
    ) -> WeekPlan:
        """The week with one meal changed: ``swap_meal(week, targets, day=3, meal="dinner")``.

        Every other meal stays as it was; the new meal differs from the old one, and the week
        still keeps every daily and weekly bound and rule (distinct foods, staples, variety).
        ``targets`` and ``preferences`` must be those the week was planned with (a plan does
        not carry its request). With leftovers, a swapped dinner's leftover lunch the next
        day is the same dish, so it follows the new dinner (two meals change); a swapped
        leftover lunch becomes a lunch of its own. Raises :class:`InfeasiblePlanError` when
        no other meal fits.
        """
        if not isinstance(week, WeekPlan):
            raise PlannerError(f"week: must be a WeekPlan (got {type(week).__name__})")
        days = len(week.days)
        if not _validate.is_whole(day) or not 1 <= int(day) <= days:
            raise PlannerError(f"day: must be a day of the week, 1 to {days} (got {day!r})")
        targets, preferences = _validate.check_plan(
            targets, preferences, self.catalog, days=days, strict=self.strict, logger=logger
        )
        meals = [str(m) for m in preferences.meals or ()]
        if meal not in meals:
            raise PlannerError(f"meal: must be one of the planned meals {meals} (got {meal!r})")
        if [m.name for m in week.days[0].meals] != meals:
            raise PlannerError("week: its meals differ from preferences.meals; pass the same")
        problem = build_problem(self.catalog, targets, preferences, days=days, weekly=True)
        swap = (int(day) - 1, meals.index(meal))
        return self._plan_selection(problem, keep=week, replan=[], swap=swap)

    # -- the steps: problem → candidate pools → model → solve → plan ----------------------------
    def _plan_selection(
        self,
        problem: PlanningProblem,
        keep: WeekPlan | None = None,
        replan: list[int] | None = None,
        swap: tuple[int, int] | None = None,
        *,
        generate: bool = False,
    ) -> WeekPlan:
        """Candidate meals chosen by the selection model (one per slot and day); with
        ``generate`` (a day's menu), more meals generated by pricing them first
        (:mod:`mealplan.planning.colgen`).

        A week is first planned within its distinct-food cap and staples (a basket of foods,
        see :mod:`mealplan.planning.basket`). Those are a household's convenience, the nutrient
        targets are not: when no week within them is found (or, with declared shortfalls, it
        misses a minimum), the week is planned without them and says so in its notes.
        """
        capped = problem.days > 1 and (
            problem.preferences.max_distinct_foods is not None
            or problem.preferences.max_staple_kinds is not None
        )
        attempts = _CAPPED_ATTEMPTS if capped else _ATTEMPTS
        unreachable: frozenset[str] | None = None

        def food_can_do_no_better(week: WeekPlan) -> bool:
            """Whether the week misses only minimums no mix of the allowed foods meets (an LP
            solve, done once and only for a week with shortfalls)."""
            nonlocal unreachable
            short = {s.nutrient for s in week.shortfalls}
            if not short:
                return True
            if unreachable is None:
                unreachable = unreachable_nutrients(problem)
            return short <= unreachable

        # A day that declares a shortfall food could meet is worth another pool (a week's
        # baskets are tried below): on every 8th food of the default catalogue, a vegetarian
        # girl's first day stopped at 96 % of her vitamin D, and a later pool's met it. Not a
        # swap or a re-plan: their kept meals, not the foods, may be what falls short.
        day = problem.days == 1 and keep is None and swap is None
        within = self._attempts(
            problem,
            keep,
            replan,
            swap,
            attempts,
            until_met=capped or day,
            enough=food_can_do_no_better if day else None,
            generate=generate,
        )
        week, timed_out, closest = within.week, within.timed_out, within.closest
        cap_lifted = False
        if capped and (week is None or not food_can_do_no_better(week)):
            # No capped pool had a menu that meets what food can meet: one more basket
            # before the cap goes, since a week within the cap beats a wider one.
            more = self._attempts(
                problem, keep, replan, swap, attempts + 1, until_met=True, first=attempts
            )
            if more.week is not None and (week is None or _misses(more.week) < _misses(week)):
                week = more.week
            timed_out = timed_out or more.timed_out
            closest = _closer(closest, more.closest)
        if capped and week is not None and week.shortfalls and food_can_do_no_better(week):
            # No food meets them: a longer shopping list would not either.
            return week
        if capped and (week is None or week.shortfalls):
            lifted = problem.preferences.model_copy(
                update={"max_distinct_foods": None, "max_staple_kinds": None}
            )
            wider = self._attempts(
                replace(problem, preferences=lifted), keep, replan, swap, _ATTEMPTS
            )
            # Only a wider week that meets every target is worth a longer shopping list: a
            # minimum no food can meet (vitamin D in a vegan week) stays short either way.
            if wider.week is not None and (week is None or not wider.week.shortfalls):
                logger.info("no week within the distinct-food cap met every target")
                return mark_cap_lifted(problem, wider.week)
            timed_out = timed_out or wider.timed_out
            if not closest and wider.closest:
                # Said as planned without the cap: the request's own limits had no menu.
                closest, cap_lifted = wider.closest, True
        if week is None:
            limits = self._limits() if timed_out else None
            if limits:
                logger.warning("no solution within %s", limits)
            diagnosis = diagnose(problem, stopped_at=limits, closest=closest, cap_lifted=cap_lifted)
            raise InfeasiblePlanError(diagnosis)
        return week

    def _attempts(
        self,
        problem: PlanningProblem,
        keep: WeekPlan | None,
        replan: list[int] | None,
        swap: tuple[int, int] | None,
        attempts: int,
        *,
        until_met: bool = False,
        enough: Callable[[WeekPlan], bool] | None = None,
        first: int = 0,
        generate: bool = False,
    ) -> _Attempts:
        """The week of the first candidate pool whose model has a solution (see
        :class:`_Attempts`). A menu that misses a minimum is first polished (:meth:`_polish`);
        a request that refuses shortfalls then throws it away, keeping only what it misses
        for the diagnosis. With ``until_met``, a week that declares a shortfall does not end
        the attempts: a further pool (another basket) is tried, and the week missing least is
        returned, unless ``enough`` says its shortfalls are the least food allows. ``first``:
        the first attempt's number (each draws from its own random stream)."""
        best: WeekPlan | None = None
        refused = problem.preferences.shortfalls != "declare"
        timed_out = False
        closest: tuple[PlanShortfall, ...] = ()
        for attempt in range(first, attempts):
            started = time.perf_counter()
            pools = week_pools(
                problem, keep=keep, replan=replan, attempt=attempt, solver=self.solver, swap=swap
            )
            generated = None
            if generate and self.solver == "highs" and colgen.applies(problem):
                generated = colgen.generate_meals(problem, pools, deadline=self.time_limit)
                pools = generated.pools
            model = selection_model(problem, pools)
            build_seconds = time.perf_counter() - started
            result = self._solve(model.problem, abs_gap=0.05)
            if result.has_solution and misses_a_minimum(model):
                pools, model, result = self._polish(problem, pools, model, result)
            # A bound over every meal the patterns allow, unless the polish took meals whose
            # portions left their slot's energy window (outside what was priced): then the
            # bound is the polish's, over its candidate meals.
            all_meals = (
                generated is not None
                and generated.bound is not None
                and pools is generated.pools
                and (result.objective is None or result.objective >= generated.bound - 1e-9)
            )
            if all_meals and generated is not None:
                result = replace(result, bound=generated.bound)
            if result.has_solution and refused and misses_a_minimum(model):
                # The minimums are elastic in the model (a start for the solver), not in the
                # request: a menu that misses one is no menu. What it misses tells the
                # diagnosis how close the foods came.
                if result.status != "optimal":
                    timed_out = True
                logger.info("no menu of candidate pool %d meets every minimum", attempt + 1)
                info = _solver_info(result, build_seconds, "candidate-meals")
                declared = problem.preferences.model_copy(update={"shortfalls": "declare"})
                missed = selection_week(
                    replace(problem, preferences=declared), pools, chosen(model), info
                ).shortfalls
                closest = _closer(closest, tuple(missed))
                continue
            if result.has_solution:
                info = _solver_info(result, build_seconds, "candidate-meals", all_meals=all_meals)
                week = selection_week(problem, pools, chosen(model), info)
                if not (until_met and week.shortfalls) or (enough is not None and enough(week)):
                    return _Attempts(week, False, closest)
                if best is None or _misses(week) < _misses(best):
                    best = week
                logger.info(
                    "the week of candidate pool %d declares a shortfall: %s",
                    attempt + 1,
                    ", ".join(f"{x.nutrient} {x.percent_of_target:.1f} %" for x in week.shortfalls),
                )
                continue
            if result.status != "infeasible":
                return _Attempts(best, best is None, closest)
            logger.info("no menu of candidate pool %d keeps every rule", attempt + 1)
        return _Attempts(best, best is None and timed_out, closest)

    def _polish(
        self,
        problem: PlanningProblem,
        pools: CandidatePools,
        model: SelectionModel,
        result: SolveResult,
    ) -> tuple[CandidatePools, SelectionModel, SolveResult]:
        """The chosen menu with its portions free to move a step, beside a few other meals
        of the week's foods or of one food more (see :mod:`mealplan.planning.polish`), when
        that misses no minimum it missed and scores better; else the menu as it was. The
        other meals are offered from the first round: a week polished by portions alone can
        settle where no single other meal helps (a man of 72 stayed 0.8 % short of
        magnesium that way, and met it with the other meals offered at once). The result
        reports the solves the menu came through together (:func:`_through`)."""
        seconds = result.seconds
        taken = [result]
        for _ in range(_POLISH_ROUNDS):
            polished = portion_pools(problem, pools, chosen(model))
            again = selection_model(problem, polished)
            # Exactly: a small model, and a slack the gap tolerates would stay a shortfall.
            second = self._solve(again.problem, gap=0.0)
            seconds += second.seconds
            logger.info("portions polished: %s in %.2f s", second.status, second.seconds)
            if not second.has_solution or (
                second.objective is not None
                and result.objective is not None
                and second.objective >= result.objective - 1e-9
            ):
                break
            pools, model, result = polished, again, second
            taken.append(second)
            if not misses_a_minimum(model):
                break
        return pools, model, _through(taken, seconds)

    def _plan_direct(self, problem: PlanningProblem, *, integer: bool, objective: str) -> DayPlan:
        """One free-form list of foods from the direct model (integer or continuous servings)."""
        started = time.perf_counter()
        model = direct_model(problem, integer=integer, objective=objective)
        build_seconds = time.perf_counter() - started
        result, values = solve_arrays(
            model.model,
            solver=self.solver,
            time_limit=self.time_limit,
            gap=self.gap,
            abs_gap=_DIRECT_ABS_GAP,
            verbose=self.verbose,
            work_limit=self.work_limit,
        )
        if values is None:
            raise InfeasiblePlanError(diagnose(problem))
        amounts = model.servings(values)
        used = np.flatnonzero(amounts > 1e-9)
        info = _solver_info(result, build_seconds, "direct" if integer else "continuous")
        servings = [float(round(a, 6)) if not integer else float(a) for a in amounts[used]]
        return free_form_day(problem, [int(i) for i in used], servings, info)

    def _limits(self) -> str:
        """The limits a solve stops at, in words."""
        parts = []
        if self.work_limit is not None and self.solver == "highs":
            parts.append(f"the work limit of {self.work_limit:,} checks")
        if self.time_limit is not None:
            parts.append(f"the time limit of {self.time_limit:g} s")
        return " and ".join(parts)

    def _solve(
        self, problem: Any, *, mip: bool = True, abs_gap: float = 1e-6, gap: float | None = None
    ) -> SolveResult:
        return solve(
            problem,
            solver=self.solver,
            time_limit=self.time_limit,
            gap=self.gap if gap is None else gap,
            abs_gap=abs_gap,
            verbose=self.verbose,
            mip=mip,
            work_limit=self.work_limit,
        )


def _through(solves: list[SolveResult], seconds: float) -> SolveResult:
    """The last of the solves a menu came through, reported for them all: the bound is the
    lowest of theirs (a bound over all their candidate meals), proven only when each solve was,
    and stopped at a limit when one was. A polish round proven optimal over its own small pool
    does not make a menu whose first solve stopped at the work limit optimal."""
    bounds = [s.bound for s in solves]
    return replace(
        solves[-1],
        status="optimal" if all(s.status == "optimal" for s in solves) else "feasible",
        bound=None if any(b is None for b in bounds) else min(b for b in bounds if b is not None),
        limit=next((s.limit for s in solves if s.limit is not None), None),
        work=sum(s.work for s in solves),
        seconds=seconds,
    )


@dataclass(frozen=True)
class _Attempts:
    """What a run of candidate pools gave: the week (None when no pool had one), whether a
    solve stopped at a limit without one, and the minimums missed by the closest menu a
    request that refuses shortfalls threw away (empty when none was)."""

    week: WeekPlan | None
    timed_out: bool
    closest: tuple[PlanShortfall, ...]


def _misses(week: WeekPlan) -> tuple[int, float]:
    """How far a week with declared shortfalls falls short: their count, then the total
    percentage missed (less is better)."""
    return _shortfall_size(week.shortfalls)


def _shortfall_size(shortfalls: Iterable[PlanShortfall]) -> tuple[int, float]:
    missed = list(shortfalls)
    return len(missed), sum(100 - s.percent_of_target for s in missed)


def _closer(
    a: tuple[PlanShortfall, ...], b: tuple[PlanShortfall, ...]
) -> tuple[PlanShortfall, ...]:
    """Of two refused menus' shortfalls (empty: no menu), the smaller; the first on a tie."""
    if not b:
        return a
    if not a:
        return b
    return b if _shortfall_size(b) < _shortfall_size(a) else a


def _solver_info(
    result: SolveResult, build_seconds: float, formulation: str, *, all_meals: bool = False
) -> SolverInfo:
    """The solve as the plan reports it: its status in the plan's words, objective, proven
    bound and gap."""
    gap = result.mip_gap
    if result.bound is not None and result.objective is not None:
        distance = max(0.0, result.objective - result.bound)
        if distance <= 1e-9:
            gap = 0.0
        elif abs(result.objective) > 1e-9:
            gap = distance / abs(result.objective)
        else:
            gap = None  # a score of 0 above a negative bound: no relative gap
    status: SolverStatus
    if result.limit is not None or result.status != "optimal":
        status = "time_limit" if result.limit != "work" else "work_limit"
    else:
        status = "optimal" if gap is not None and gap <= 1e-6 else "within_gap"
    return SolverInfo(
        solver=result.solver,
        status=status,
        objective=result.objective,
        bound=result.bound,
        bound_scope="all_foods"
        if formulation != "candidate-meals"
        else "all_meals"
        if all_meals
        else "candidate_meals",
        gap=gap,
        build_seconds=round(build_seconds, 4),
        solve_seconds=round(result.seconds, 4),
        formulation=formulation,
    )
