"""What the planner benchmarks share: the profiles, the baseline, timing, statistics, the text
table and the results files.

Not a benchmark itself. It imports only mealplan's public API (``mealplan``), so that
``compare_commits.py`` can run it against an older source tree too.

The baseline of every timing benchmark is the planner's own ``plan_day`` for a 34-year-old
woman, omnivore, four meals, on ``FoodCatalog.default()``, measured in the same process at the
start and again at the end of the run (:class:`Baseline`); times are shown as ratios to it
because wall times on a shared machine drift from run to run.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import highspy
import numpy as np

from mealplan import (
    DayPlan,
    FoodCatalog,
    InfeasiblePlanError,
    Planner,
    Preferences,
    Profile,
    Targets,
    WeekPlan,
    verify,
)

RESULTS = Path(__file__).resolve().parent / "results"

Plan = DayPlan | WeekPlan
Horizon = Literal["day", "week"]


# -- profiles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A person to plan for: a label, a profile and preferences."""

    label: str
    profile: Profile
    preferences: Preferences

    @property
    def targets(self) -> Targets:
        return Targets.cramp_support(self.profile)

    def call(self, planner: Planner, horizon: Horizon) -> Callable[[], Plan]:
        """The planner call for this person: ``plan_day`` or a 7-day ``plan_week``."""
        targets = self.targets
        if horizon == "day":
            return lambda: planner.plan_day(targets, self.preferences)
        return lambda: planner.plan_week(targets, self.preferences)


def case(
    label: str,
    age: float,
    sex: str,
    diet: str = "omnivore",
    allergens: tuple[str, ...] = (),
    **profile: Any,
) -> Case:
    return Case(
        label,
        Profile(age=age, sex=sex, **profile),
        Preferences(diet=diet, exclude_allergens=allergens),
    )


BASELINE = case("F34 omnivore", 34, "female")
#: Twenty people over ages, sexes, pregnancy, lactation, diets and allergens.
DAY_CASES: tuple[Case, ...] = (
    BASELINE,
    case("M4 omnivore", 4, "male"),
    case("F6 vegetarian", 6, "female", "vegetarian"),
    case("M9 omnivore -peanut -nut", 9, "male", allergens=("peanuts", "tree_nuts")),
    case("F12 pescatarian", 12, "female", "pescatarian"),
    case("M15 omnivore", 15, "male", activity="active"),
    case("F17 vegan", 17, "female", "vegan"),
    case("M22 omnivore -milk", 22, "male", allergens=("milk",)),
    case("F28 vegetarian -egg", 28, "female", "vegetarian", ("egg",)),
    case("F30 pregnant omnivore", 30, "female", pregnant=True),
    case("F31 lactating vegetarian", 31, "female", "vegetarian", lactating=True),
    case("M40 pescatarian -shellfish", 40, "male", "pescatarian", ("crustacean_shellfish",)),
    case("F45 vegan -soy", 45, "female", "vegan", ("soy",)),
    case("M52 omnivore -wheat", 52, "male", allergens=("wheat",)),
    case("F58 omnivore -fish", 58, "female", allergens=("fish",)),
    case("M63 vegetarian", 63, "male", "vegetarian"),
    case("F67 pescatarian", 67, "female", "pescatarian"),
    case("M72 omnivore -sesame", 72, "male", allergens=("sesame",)),
    case("F76 vegan", 76, "female", "vegan"),
    case("M80 omnivore -milk -egg", 80, "male", allergens=("milk", "egg")),
)
#: The three people planned for a week: the baseline, an easy and a hard one.
WEEK_CASES: tuple[Case, ...] = (
    BASELINE,
    DAY_CASES[13],  # M52 omnivore -wheat
    DAY_CASES[8],  # F28 vegetarian -egg
)


# -- statistics ----------------------------------------------------------------------------------


def now() -> float:
    return time.perf_counter()


def median(values: list[float]) -> float:
    return float(np.median(values)) if values else math.nan


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else math.nan


def ratio(value: float | None, base: float | None) -> float | None:
    """``value / base``, or None when either is missing or not a positive finite number."""
    if value is None or base is None or not math.isfinite(value) or not base > 0:
        return None
    return value / base


def rounded(value: Any, digits: int = 4) -> Any:
    """Floats rounded for the JSON record (NaN and inf become None), numpy scalars as Python."""
    if isinstance(value, float | np.floating):
        return round(float(value), digits) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, digits) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


# -- timed planner calls ---------------------------------------------------------------------------


@dataclass
class Run:
    """One timed planner call: wall seconds and the plan, or the infeasibility message."""

    seconds: float
    plan: Plan | None
    error: str | None = None


def timed_plan(call: Callable[[], Plan]) -> Run:
    gc.collect()
    started = now()
    try:
        plan = call()
    except InfeasiblePlanError as exc:
        return Run(now() - started, None, str(exc)[:240])
    return Run(now() - started, plan)


def samples(call: Callable[[], Plan], repeats: int) -> tuple[list[float], Run]:
    """Wall times of ``repeats`` calls, and the last run (plans are deterministic)."""
    runs = [timed_plan(call) for _ in range(repeats)]
    return [r.seconds for r in runs], runs[-1]


def solver_parts(plan: Plan | None, wall: float) -> dict[str, float | None]:
    """The plan's own build and solve seconds (``SolverInfo``) and the rest of the wall time
    (input checks, the planning problem, plan assembly)."""
    if plan is None or plan.solver is None:
        return {"build_s": None, "solve_s": None, "rest_s": None}
    build, solve_s = plan.solver.build_seconds, plan.solver.solve_seconds
    return {"build_s": build, "solve_s": solve_s, "rest_s": max(wall - build - solve_s, 0.0)}


def plan_row(
    label: str, seconds: float, run: Run, check: tuple[FoodCatalog, Targets, Preferences] | None
) -> dict[str, Any]:
    """A result row: time (``seconds``, e.g. a median), solver status, gap, objective and the
    build/solve/rest split of ``run`` itself, and with ``check`` = (catalogue, targets,
    preferences) the ``verify`` violations of its plan."""
    row: dict[str, Any] = {"case": label, "seconds": seconds, "feasible": run.plan is not None}
    if run.plan is None:
        row["error"] = run.error
        return row
    solver = run.plan.solver
    row.update(
        status=solver.status if solver else None,
        # ``gap`` since the solver report's bound; ``mip_gap`` in older trees (compare_commits).
        mip_gap=getattr(solver, "gap", getattr(solver, "mip_gap", None)) if solver else None,
        objective=solver.objective if solver else None,
        **solver_parts(run.plan, run.seconds),
    )
    if check is not None:
        violations = verify(run.plan, *check)
        row.update(violations=len(violations), violation_rules=sorted({v.rule for v in violations}))
    return row


def plan_cases(
    planner: Planner,
    cases: tuple[Case, ...],
    horizon: Horizon,
    repeats: int,
    *,
    check: bool = True,
) -> list[dict[str, Any]]:
    """Each case planned ``repeats`` times: a row with the median time (and ``verify``)."""
    rows = []
    for person in cases:
        times, run = samples(person.call(planner, horizon), repeats)
        checked = (planner.catalog, person.targets, person.preferences) if check else None
        rows.append(plan_row(person.label, median(times), run, checked))
    return rows


def spread(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """p50, p95 and max over the rows' times; infeasible plans and violations in all."""
    times = [r["seconds"] for r in rows]
    feasible = [r for r in rows if r["feasible"]]
    return {
        "plans": len(rows),
        "p50_s": percentile(times, 50),
        "p95_s": percentile(times, 95),
        "max_s": max(times) if times else math.nan,
        "infeasible": len(rows) - len(feasible),
        "violations": sum(r.get("violations", 0) for r in feasible),
    }


@dataclass
class Baseline:
    """The baseline ``plan_day`` (F34 omnivore), timed at the start and at the end of a run."""

    planner: Planner
    repeats: int
    at_start: list[float] = field(default_factory=list)
    at_end: list[float] = field(default_factory=list)
    run: Run | None = None

    def start(self) -> Baseline:
        call = BASELINE.call(self.planner, "day")
        call()  # warm-up: imports, the HiGHS banner, caches
        self.at_start, self.run = samples(call, self.repeats)
        return self

    def end(self) -> None:
        self.at_end, _ = samples(BASELINE.call(self.planner, "day"), self.repeats)

    @property
    def seconds(self) -> float:
        """The median of both rounds, so that drift during the run evens out."""
        return median(self.at_start + self.at_end)

    def record(self) -> dict[str, Any]:
        assert self.run is not None, "Baseline.start() first"
        check = (self.planner.catalog, BASELINE.targets, BASELINE.preferences)
        return {
            **plan_row(BASELINE.label, self.seconds, self.run, check),
            "repeats": self.repeats,
            "seconds_at_start": median(self.at_start),
            "seconds_at_end": median(self.at_end),
        }


# -- HiGHS probe -----------------------------------------------------------------------------------


@dataclass
class HighsProbe:
    """Every ``highspy.Highs`` PuLP makes while active, and the improving MIP solutions."""

    track_solutions: bool
    instances: list[Any] = field(default_factory=list)
    #: (HiGHS running time in s, objective) of each improving solution, in order.
    solutions: list[tuple[float, float]] = field(default_factory=list)

    def last(self) -> dict[str, Any]:
        """Size, run time and bounds of the most recent solve."""
        if not self.instances:
            return {}
        highs = self.instances[-1]
        info = highs.getInfo()
        return {
            "columns": int(highs.getNumCol()),
            "rows": int(highs.getNumRow()),
            "nonzeros": int(highs.getNumNz()),
            "highs_run_s": float(highs.getRunTime()),
            "dual_bound": float(info.mip_dual_bound),
            "nodes": int(info.mip_node_count),
        }


@contextmanager
def probe_highs(track_solutions: bool = False) -> Iterator[HighsProbe]:
    """Swap ``highspy.Highs`` (PuLP makes one per solve) for a recording subclass. This wraps
    the solver library, not mealplan: the planner runs unchanged."""
    probe = HighsProbe(track_solutions)
    original = highspy.Highs

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            probe.instances.append(self)
            if probe.track_solutions:
                self.cbMipImprovingSolution += self.improved

        @staticmethod
        def improved(event: Any) -> None:
            out = event.data_out
            probe.solutions.append((float(out.running_time), float(out.objective_function_value)))

    highspy.Highs = Recorded  # type: ignore[misc]
    try:
        yield probe
    finally:
        highspy.Highs = original  # type: ignore[misc]


# -- text table ------------------------------------------------------------------------------------


def fmt_s(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"


def fmt_x(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}×"


def fmt_pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100 * value:.1f} %"


def state(row: dict[str, Any]) -> str:
    """A plan row in words: status, gap and violations, or INFEASIBLE."""
    if not row["feasible"]:
        return "INFEASIBLE"
    found = f"{row['status']}, gap {fmt_pct(row['mip_gap'])}"
    return found + (f", {row['violations']} violations" if "violations" in row else "")


class Table:
    """Aligned lines of label, value, ratio to a base and a note, under section titles."""

    def __init__(self, base: float, ratio_title: str = "× base") -> None:
        self.base = base
        self.ratio_title = ratio_title
        self.lines: list[tuple[str, ...]] = []

    def section(self, title: str) -> None:
        self.lines += [("",), (f"== {title}",)]

    def row(self, label: str, value: str, ratio_text: str = "", note: str = "") -> None:
        self.lines.append((label, value, ratio_text, note))

    def timed(
        self, label: str, seconds: float | None, note: str = "", against: float | None = None
    ) -> None:
        """A time, with its ratio to ``against`` (the table's base unless given)."""
        base = self.base if against is None else against
        self.row(label, fmt_s(seconds), fmt_x(ratio(seconds, base)), note)

    def baseline(self, record: dict[str, Any]) -> None:
        """The baseline's section: the median of both rounds, and each round alone."""
        self.section("Baseline: plan_day, F34 omnivore, 4 meals, default catalogue")
        repeats = record["repeats"]
        self.timed(f"median of 2 × {repeats} runs", record["seconds"], state(record))
        self.timed(f"  {repeats} at the start (after a warm-up)", record["seconds_at_start"])
        self.timed(f"  {repeats} at the end", record["seconds_at_end"], "start vs end = noise")

    def run(self, meta: dict[str, Any]) -> None:
        """The run's section: machine load and total time."""
        self.section("Run")
        before, after = meta["load_before"], meta["load_after"]
        self.row(
            "load average, 1 min",
            f"{before[0]} → {after[0]}",
            "",
            f"1/5/15 min before {before}, after {after}",
        )
        self.row("total benchmark time", fmt_s(meta["total_s"]))

    def render(self) -> str:
        full = [line for line in self.lines if len(line) == 4]
        header = ("", "value", self.ratio_title, "note")
        widths = [max(len(line[i]) for line in [header, *full]) + 2 for i in range(3)]
        out = [f"{'':<{widths[0]}}{'value':<{widths[1]}}{self.ratio_title:<{widths[2]}}note"]
        for line in self.lines:
            if len(line) == 1:
                out.append(line[0])
                continue
            label, value, ratio_text, note = line
            out.append(
                f"{label:<{widths[0]}}{value:<{widths[1]}}{ratio_text:<{widths[2]}}{note}".rstrip()
            )
        return "\n".join(out)


# -- a benchmark run -------------------------------------------------------------------------------


def arguments(doc: str | None, name: str) -> argparse.ArgumentParser:
    """The parser every benchmark starts from: ``--quick`` and ``--out``."""
    parser = argparse.ArgumentParser(
        description=(doc or name).splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter limits")
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS / f"{name}.json",
        help="JSON file; the text table goes beside it as .txt (default: %(default)s)",
    )
    return parser


class Session:
    """One benchmark run: its clock, progress log, metadata and results files."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.started = now()
        self.quick: bool = args.quick
        self.out: Path = args.out
        self.meta: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": "quick" if self.quick else "full",
            "python": platform.python_version(),
            "pulp": metadata.version("pulp"),
            "highspy": metadata.version("highspy"),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "load_before": load_average(),
            "note": "wall times on a shared machine; compare ratios within one run",
        }

    def log(self, text: str) -> None:
        print(f"[{now() - self.started:7.1f} s] {text}", file=sys.stderr, flush=True)

    def default_planner(self) -> Planner:
        """A planner on ``FoodCatalog.default()``; the load time goes into the metadata."""
        started = now()
        catalog = FoodCatalog.default()
        self.meta["catalog_foods"] = len(catalog)
        self.meta["catalog_load_s"] = now() - started
        planner = Planner(catalog)
        self.meta["planner"] = {"time_limit": planner.time_limit, "gap": planner.gap}
        self.log(f"default catalogue: {len(catalog)} foods in {self.meta['catalog_load_s']:.2f} s")
        return planner

    @property
    def repeats(self) -> int:
        """How often each measurement is repeated: once with ``--quick``, else three times."""
        return 1 if self.quick else 3

    def baseline(self, planner: Planner) -> Baseline:
        """The baseline's first round (3 runs with ``--quick``, else 7) after a warm-up."""
        return Baseline(planner, 3 if self.quick else 7).start()

    def finish(self, results: dict[str, Any], table: Table) -> None:
        """Close the metadata, print the table and write ``--out`` (JSON) and its ``.txt``."""
        out = self.out
        self.meta["load_after"] = load_average()
        self.meta["total_s"] = now() - self.started
        results["meta"] = self.meta
        table.run(self.meta)
        text = table.render()
        print(text)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rounded(results), indent=2, ensure_ascii=False) + "\n")
        out.with_suffix(".txt").write_text(text + "\n")
        self.log(f"results written to {out} and {out.with_suffix('.txt').name}")


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]
