"""Run a PuLP model on HiGHS (default) or CBC, silenced, and report what really happened.

PuLP 3.3 reports a HiGHS time-limit stop as "Optimal"; HiGHS's own model status and MIP gap are
read instead.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import highspy
import pulp

from mealplan.errors import SolverError

logger = logging.getLogger(__name__)

SOLVERS = ("highs", "cbc")
#: HiGHS's presolve costs more than it saves on these small, dense selection models: measured
#: on the default catalogue, a day took 0.37 s with presolve and 0.16 s without, a week 3.9 s
#: and 2.3 s (measured with the planner benchmark, now benchmarks/bench_plans.py).
_HIGHS_OPTIONS: Mapping[str, object] = MappingProxyType({"presolve": "off"})


@dataclass(frozen=True)
class SolveResult:
    solver: str
    #: "optimal", "feasible" (stopped at a limit with a solution), "infeasible", "no_solution".
    status: str
    objective: float | None
    mip_gap: float | None
    seconds: float

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


@functools.cache
def _absorb_highs_banner() -> None:
    """HiGHS prints a banner to the C-level stdout when the first solver object of a process is
    made, before any option can silence it; make that first object with stdout pointed away."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _cbc(**options: object) -> pulp.PULP_CBC_CMD:
    """PuLP's bundled CBC, without the deprecation warning PuLP 3.3 gives on every use."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


def check_solver(name: str) -> None:
    if name not in SOLVERS:
        raise SolverError(f"solver: {name!r} is not one of {', '.join(SOLVERS)}")
    if name == "cbc" and not _cbc(msg=False).available():
        raise SolverError("solver: CBC is not available here; use solver='highs'")


def solve(
    problem: pulp.LpProblem,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.01,
    abs_gap: float = 1e-6,
    verbose: bool = False,
    mip: bool = True,
) -> SolveResult:
    """Solve ``problem`` and classify the outcome from the solver's own status."""
    check_solver(solver)
    started = time.perf_counter()
    if solver == "highs":
        if not verbose:
            _absorb_highs_banner()
        engine = pulp.HiGHS(
            mip=mip,
            msg=verbose,
            gapRel=gap,
            gapAbs=abs_gap,
            threads=1,
            timeLimit=time_limit,
            random_seed=0,
            **_HIGHS_OPTIONS,
        )
        problem.solve(engine)
        seconds = time.perf_counter() - started
        highs = problem.solverModel
        status_enum = highs.getModelStatus()
        info = highs.getInfo()
        name = highs.modelStatusToString(status_enum).lower()
        has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if "optimal" in name:
            status = "optimal"
        elif "infeasible" in name:
            status = "infeasible"
        elif has_point:
            status = "feasible"
        else:
            status = "no_solution"
        objective = float(info.objective_function_value) if has_point else None
        mip_gap = float(info.mip_gap) if mip and has_point else (0.0 if has_point else None)
        if mip_gap is not None and mip_gap > 1e20:
            mip_gap = None
        logger.debug("HiGHS: %s in %.3f s, gap %s", name, seconds, mip_gap)
        return SolveResult("highs", status, objective, mip_gap, seconds)

    engine = _cbc(msg=verbose, gapRel=gap, timeLimit=time_limit, threads=1, mip=mip)
    code = problem.solve(engine)
    seconds = time.perf_counter() - started
    text = pulp.LpStatus[code].lower()
    solution = pulp.LpSolution[problem.sol_status] if hasattr(problem, "sol_status") else ""
    if text == "optimal" and "integer feasible" in solution.lower():
        status = "feasible"
    elif text == "optimal":
        status = "optimal"
    elif text == "infeasible":
        status = "infeasible"
    else:
        status = "no_solution"
    objective = pulp.value(problem.objective) if status in ("optimal", "feasible") else None
    return SolveResult("cbc", status, objective, None, seconds)
