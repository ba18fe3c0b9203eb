"""Run a PuLP model on HiGHS (default) or CBC, silenced, and report what really happened.

PuLP 3.3 reports a HiGHS time-limit stop as "Optimal"; HiGHS's own model status and MIP gap are
read instead.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import secrets
import sys
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import highspy
import numpy as np
import pulp

from mealplan.errors import SolverError
from mealplan.optimize._arrays import ArrayModel
from mealplan.optimize._candidates import Floats
from mealplan.optimize._families import add_bounded

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
    #: The best proven bound on the objective (HiGHS's dual bound; an LP's optimum).
    bound: float | None = None
    #: Work done, in HiGHS's limit checks (see :class:`_WorkMeter`); 0 when not counted.
    work: int = 0
    #: "work" or "time" when that limit stopped the solve, else None.
    limit: str | None = None

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


class _WorkMeter:
    """A deterministic work limit for HiGHS's MIP solver: it counts HiGHS's limit checks (the
    MIP interrupt callback, made at fixed points of the search: cut rounds, nodes, heuristics)
    and interrupts at ``limit``. Unlike a wall-clock limit, the same model stops at the same
    point on a loaded server as on a quiet one, so the same request gives the same plan."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.checks = 0

    def __call__(
        self,
        kind: highspy.cb.HighsCallbackType,
        message: str,
        out: highspy.cb.HighsCallbackOutput,
        into: highspy.cb.HighsCallbackInput,
        data: object,
    ) -> None:
        self.checks += 1
        if self.limit is not None and self.checks >= self.limit:
            into.user_interrupt = True

    def attach(self, highs: highspy.Highs) -> None:
        highs.setCallback(self, None)
        highs.startCallback(highspy.cb.HighsCallbackType.kCallbackMipInterrupt)


#: Makes the banner's one-time absorption one thread's job: two threads swapping fd 1 at once
#: could each save the other's pipe as "the original" and leave stdout there for good.
_BANNER_LOCK = threading.Lock()
#: The lines HiGHS writes to the C-level stdout when a process makes its first solver object.
_BANNER = re.compile(
    rb"^(?:Running HiGHS |Includes third-party software components)[^\n]*\n?", re.MULTILINE
)


def _absorb_highs_banner() -> None:
    """HiGHS prints a banner to the C-level stdout when the first solver object of a process is
    made, before any option can silence it; make that first object with stdout pointed away,
    once per process."""
    with _BANNER_LOCK:
        _absorb_once()


@functools.cache
def _absorb_once() -> None:
    """Point fd 1 at a pipe for as long as HiGHS takes to make its first object, then pass on
    everything else that reached the pipe: another thread writing to stdout in that moment
    loses nothing, and only the banner is dropped.

    A reader thread empties the pipe meanwhile, so a full pipe never blocks HiGHS or a writer.
    It reads up to an end mark written once fd 1 is back, and never waits for the pipe to
    close: a child process started in that moment holds the pipe as its stdout for as long as
    it lives, and what it writes later is passed on to the real stdout as it comes.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        read_end, write_end = os.pipe()
    except OSError:
        os.close(saved)
        raise
    end = b"\0mealplan: end of the HiGHS banner " + secrets.token_hex(8).encode() + b"\0"
    before: list[bytes] = []
    marked = threading.Event()
    reader = threading.Thread(
        target=_read_to_mark,
        args=(read_end, end, before, marked, os.dup(saved)),
        name="mealplan-highs-banner",
        daemon=True,
    )
    reader.start()
    try:
        os.dup2(write_end, 1)
        try:
            highspy.Highs()
        finally:
            os.dup2(saved, 1)
    finally:
        os.close(saved)
        try:
            os.write(write_end, end)  # shorter than PIPE_BUF: written whole
        finally:
            os.close(write_end)
    marked.wait()
    _write_all(1, _BANNER.sub(b"", b"".join(before)))


def _read_to_mark(
    fd: int, end: bytes, before: list[bytes], marked: threading.Event, forward: int
) -> None:
    """Collect what reaches the pipe before ``end``; then pass the rest on to ``forward`` (a
    copy of the real stdout) until the pipe closes."""
    received = b""
    try:
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while not marked.is_set():
                chunk = pipe.read(65536)
                if not chunk:
                    before.append(received)
                    return
                received += chunk
                at = received.find(end)
                if at >= 0:
                    before.append(received[:at])
                    marked.set()
                    _write_all(forward, received[at + len(end) :])
            while chunk := pipe.read(65536):
                _write_all(forward, chunk)
    finally:
        marked.set()
        os.close(forward)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _highs_result(highs: highspy.Highs, mip: bool, seconds: float, work: int = 0) -> SolveResult:
    """The outcome as HiGHS itself reports it (its model status, primal status, gap, bound)."""
    status_enum = highs.getModelStatus()
    info = highs.getInfo()
    name = highs.modelStatusToString(status_enum).lower()
    has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if "optimal" in name:
        status = "optimal"
    elif "infeasible" in name:
        status = "infeasible"
    elif "unbounded" in name:
        status = "no_solution"  # a diet model with bounded amounts never is
    elif has_point:
        status = "feasible"
    else:
        status = "no_solution"
    objective = float(info.objective_function_value) if has_point else None
    if mip:
        mip_gap = float(info.mip_gap) if has_point else None
    else:
        mip_gap = 0.0 if status == "optimal" else None
    if mip_gap is not None and mip_gap > 1e20:
        mip_gap = None
    bound = float(info.mip_dual_bound) if mip else objective if status == "optimal" else None
    if bound is not None and not math.isfinite(bound):
        bound = None
    limit = {
        highspy.HighsModelStatus.kInterrupt: "work",
        highspy.HighsModelStatus.kTimeLimit: "time",
    }.get(status_enum)
    logger.debug(
        "HiGHS: %s in %.3f s, %d checks, gap %s, bound %s", name, seconds, work, mip_gap, bound
    )
    return SolveResult("highs", status, objective, mip_gap, seconds, bound, work, limit)


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
    work_limit: int | None = None,
) -> SolveResult:
    """Solve ``problem`` and classify the outcome from the solver's own status. ``work_limit``
    (HiGHS only) stops a MIP after that much work (:class:`_WorkMeter`), ``time_limit`` after
    that many seconds; either may be None."""
    check_solver(solver)
    started = time.perf_counter()
    if solver == "highs":
        if not verbose:
            _absorb_highs_banner()
        meter = _WorkMeter(work_limit)
        engine = pulp.HiGHS(
            mip=mip,
            msg=verbose,
            gapRel=gap,
            gapAbs=abs_gap,
            threads=1,
            timeLimit=time_limit,
            random_seed=0,
            callbackTuple=(meter, None),
            callbacksToActivate=[highspy.cb.HighsCallbackType.kCallbackMipInterrupt],
            **_HIGHS_OPTIONS,
        )
        problem.solve(engine)
        seconds = time.perf_counter() - started
        return _highs_result(problem.solverModel, mip, seconds, meter.checks)

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
    # CBC gives no dual bound here; an LP's optimum is its own.
    bound = objective if not mip and status == "optimal" else None
    proven_gap = 0.0 if bound is not None else None
    limit = "time" if status == "feasible" else None
    return SolveResult("cbc", status, objective, proven_gap, seconds, bound, 0, limit)


def resolve_lp(
    problem: pulp.LpProblem,
    variables: list[pulp.LpVariable],
    upper: Mapping[int, float],
) -> SolveResult:
    """Solve an LP that :func:`solve` solved with HiGHS again, with new upper bounds on some of
    its ``variables`` (``problem.variables()``, by position), in the same HiGHS model and from
    its last basis: PuLP would rebuild the model, which costs more than the solve. The new
    bounds and values are written back to the variables."""
    highs = problem.solverModel
    started = time.perf_counter()
    positions = sorted(upper)
    columns = np.array([variables[p].index for p in positions], dtype=np.int32)
    lows = np.array([variables[p].lowBound or 0.0 for p in positions], dtype=float)
    ups = np.array([upper[p] for p in positions], dtype=float)
    highs.changeColsBounds(len(columns), columns, lows, ups)
    for p in positions:
        variables[p].upBound = upper[p]
    highs.run()
    result = _highs_result(highs, False, time.perf_counter() - started)
    if result.has_solution:
        values = highs.getSolution().col_value
        for variable in variables:
            variable.varValue = values[variable.index]
    return result


def solve_arrays(
    model: ArrayModel,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.01,
    abs_gap: float = 1e-6,
    verbose: bool = False,
    work_limit: int | None = None,
    presolve: bool | None = None,
    start: Floats | None = None,
    options: Mapping[str, bool | float | str] | None = None,
) -> tuple[SolveResult, Floats | None]:
    """Solve an :class:`ArrayModel`: the outcome, and the column values when there is a
    solution. HiGHS takes the arrays in one call; CBC gets the same model through PuLP.
    ``start`` (HiGHS only) is a solution to start from; ``options`` are further HiGHS options."""
    check_solver(solver)
    if solver == "cbc":
        problem, variables = to_pulp(model)
        mip = model.is_mip
        result = solve(
            problem, solver=solver, time_limit=time_limit, gap=gap, verbose=verbose, mip=mip
        )  # CBC has no deterministic work limit here
        values = np.array([v.varValue or 0.0 for v in variables]) if result.has_solution else None
        return result, values
    highs, result = _run_highs(
        model,
        gap=gap,
        abs_gap=abs_gap,
        time_limit=time_limit,
        verbose=verbose,
        work_limit=work_limit,
        presolve=presolve,
        start=start,
        options=options,
    )
    if not result.has_solution:
        return result, None
    return result, np.array(highs.getSolution().col_value, dtype=float)


def solve_relaxation(model: ArrayModel) -> tuple[SolveResult, Floats | None, Floats | None]:
    """The LP relaxation of ``model`` (integrality dropped) with HiGHS: the outcome, and the
    column values and reduced costs when it has a solution."""
    relaxed = replace(model, integer=np.zeros_like(model.integer))
    highs, result = _run_highs(relaxed, gap=0.0, abs_gap=0.0)
    if not result.has_solution:
        return result, None, None
    solution = highs.getSolution()
    return (
        result,
        np.array(solution.col_value, dtype=float),
        np.array(solution.col_dual, dtype=float),
    )


def _run_highs(
    model: ArrayModel,
    *,
    gap: float,
    abs_gap: float,
    time_limit: float | None = None,
    verbose: bool = False,
    work_limit: int | None = None,
    presolve: bool | None = None,
    start: Floats | None = None,
    options: Mapping[str, bool | float | str] | None = None,
) -> tuple[highspy.Highs, SolveResult]:
    """``model`` passed to HiGHS in one call and solved (from ``start``, a solution, when
    given), silenced unless ``verbose``."""
    started = time.perf_counter()
    if not verbose:
        _absorb_highs_banner()
    highs = highspy.Highs()
    settings: dict[str, bool | float | str] = {
        "output_flag": verbose,
        "threads": 1,
        "random_seed": 0,
        "mip_rel_gap": gap,
        "mip_abs_gap": abs_gap,
        **{key: str(value) for key, value in _HIGHS_OPTIONS.items()},
        **(options or {}),
    }
    if presolve is not None:
        settings["presolve"] = "on" if presolve else "off"
    if time_limit is not None:
        settings["time_limit"] = float(time_limit)
    for key, value in settings.items():
        highs.setOptionValue(key, value)
    meter = _WorkMeter(work_limit)
    meter.attach(highs)
    highs.passModel(_highs_lp(model))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = np.asarray(start, dtype=float).tolist()
        solution.value_valid = True
        highs.setSolution(solution)
    highs.run()
    return highs, _highs_result(highs, model.is_mip, time.perf_counter() - started, meter.checks)


def _highs_lp(model: ArrayModel) -> highspy.HighsLp:
    lp = highspy.HighsLp()
    lp.num_col_ = len(model.cost)
    lp.num_row_ = len(model.row_lower)
    lp.sense_ = highspy.ObjSense.kMaximize if model.maximize else highspy.ObjSense.kMinimize
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.lower
    lp.col_upper_ = model.upper
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = model.starts.astype(np.int32)
    lp.a_matrix_.index_ = model.indices.astype(np.int32)
    lp.a_matrix_.value_ = model.values
    if model.is_mip:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in model.integer.tolist()
        ]
    return lp


def to_pulp(model: ArrayModel) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The same model as a PuLP problem (for CBC, and to read it as named rows)."""
    sense = pulp.LpMaximize if model.maximize else pulp.LpMinimize
    problem = pulp.LpProblem("mealplan_arrays", sense)

    def bound(value: float) -> float | None:
        return float(value) if np.isfinite(value) else None

    variables = [
        problem.add_variable(
            name,
            lowBound=bound(low),
            upBound=bound(high),
            cat=pulp.LpInteger if integer else pulp.LpContinuous,
        )
        for name, low, high, integer in zip(
            model.column_names, model.lower, model.upper, model.integer, strict=True
        )
    ]
    for r, name in enumerate(model.row_names):
        span = slice(int(model.starts[r]), int(model.starts[r + 1]))
        expr = pulp.LpAffineExpression(
            [
                (variables[int(i)], float(v))
                for i, v in zip(model.indices[span], model.values[span], strict=True)
            ]
        )
        add_bounded(problem, expr, float(model.row_lower[r]), float(model.row_upper[r]), name)
    problem.setObjective(
        pulp.LpAffineExpression(
            [(v, float(c)) for v, c in zip(variables, model.cost, strict=True) if c != 0.0]
        )
    )
    return problem, variables
