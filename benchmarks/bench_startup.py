"""Start-up time of ``import mealplan`` and the ``mealplan`` command (issue #15).

Run: ``.venv/bin/python benchmarks/bench_startup.py [--quick] [--repeats N] [--against-src DIR]``.

Each command runs in a fresh interpreter (a subprocess, from a temporary folder), ``--repeats``
times, the commands taking turns so that drift in the machine's load touches each alike. The
table gives the best and the median wall time of each, and the median as a ratio to
``python -c pass`` (the interpreter's own start) and to ``python -c "import pandas"`` (what
every ``import mealplan`` cost before the names were loaded lazily). Targets: ``import
mealplan`` at most 0.3 s, ``mealplan --help`` at most 0.5 s.

``--against-src DIR`` also times the mealplan commands with ``DIR`` (another tree's ``src``,
e.g. from ``git archive``) first on ``PYTHONPATH``, to compare with an older commit.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import Session, Table, arguments, fmt_x, ratio

#: (key, label, arguments after the interpreter, target in seconds or None)
COMMANDS: tuple[tuple[str, str, tuple[str, ...], float | None], ...] = (
    ("python", "python -c pass", ("-c", "pass"), None),
    ("pandas", 'python -c "import pandas"', ("-c", "import pandas"), None),
    ("import", 'python -c "import mealplan"', ("-c", "import mealplan"), 0.3),
    ("help", "python -m mealplan --help", ("-m", "mealplan", "--help"), 0.5),
    ("version", "python -m mealplan --version", ("-m", "mealplan", "--version"), None),
    (
        "import_all",
        'python -c "from mealplan import *"',
        ("-c", "from mealplan import *"),
        None,
    ),
)
#: The commands timed again with ``--against-src`` (an older tree may have no ``--version``).
MEALPLAN_KEYS = ("import", "help", "import_all")


def run_once(argv: tuple[str, ...], cwd: str, env: dict[str, str]) -> float:
    """Wall-clock seconds of one fresh interpreter running ``argv``; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv], cwd=cwd, env=env, capture_output=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')}")
    return seconds


def measure(
    commands: list[tuple[str, tuple[str, ...], dict[str, str]]], repeats: int, cwd: str
) -> dict[str, list[float]]:
    """Each command ``repeats`` times, in turns, after one untimed run of each (disk cache)."""
    for _, argv, env in commands:
        run_once(argv, cwd, env)
    times: dict[str, list[float]] = {key: [] for key, _, _ in commands}
    for _ in range(repeats):
        for key, argv, env in commands:
            times[key].append(run_once(argv, cwd, env))
    return times


def summary(runs: list[float]) -> dict[str, Any]:
    return {"best_s": min(runs), "median_s": statistics.median(runs), "runs_s": runs}


def seconds(value: float) -> str:
    return f"{value:.3f} s"


def main() -> None:
    parser = arguments(__doc__, "bench_startup")
    parser.add_argument("--repeats", type=int, help="runs of each command (default 15; 5 quick)")
    parser.add_argument(
        "--against-src",
        type=Path,
        metavar="DIR",
        help="also time the mealplan commands with this source tree first on PYTHONPATH",
    )
    args = parser.parse_args()
    session = Session(args)
    repeats = args.repeats or (5 if args.quick else 15)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    commands = [(key, argv, env) for key, _, argv, _ in COMMANDS]
    if args.against_src is not None:
        other = {**env, "PYTHONPATH": str(args.against_src.resolve())}
        argvs = {key: argv for key, _, argv, _ in COMMANDS}
        commands += [(f"{key}_against", argvs[key], other) for key in MEALPLAN_KEYS]
    session.log(f"{len(commands)} commands × {repeats} runs, in turns")
    with tempfile.TemporaryDirectory() as cwd:
        times = measure(commands, repeats, cwd)

    results: dict[str, Any] = {"repeats": repeats, "commands": {}}
    python = statistics.median(times["python"])
    pandas = statistics.median(times["pandas"])
    table = Table(python, "× python")
    table.section(f"Fresh interpreter: median of {repeats} runs (ratios of the medians), best")
    for key, label, argv, target in COMMANDS:
        row = summary(times[key])
        row.update(
            command=label,
            argv=list(argv),
            target_s=target,
            over_python=ratio(row["median_s"], python),
            over_pandas=ratio(row["median_s"], pandas),
        )
        if target is not None:
            row["within_target"] = row["median_s"] <= target
        results["commands"][key] = row
        note = f"best {seconds(row['best_s'])}; {fmt_x(row['over_pandas'])} import pandas"
        if target is not None:
            verdict = "met" if row["within_target"] else "MISSED"
            note += f"; target ≤ {target:g} s {verdict}"
        table.row(label, seconds(row["median_s"]), fmt_x(row["over_python"]), note)
    if args.against_src is not None:
        table.section(f"The same with {args.against_src} first on PYTHONPATH")
        results["against_src"] = str(args.against_src)
        for key in MEALPLAN_KEYS:
            row = summary(times[f"{key}_against"])
            now_s = results["commands"][key]["median_s"]
            row.update(
                over_python=ratio(row["median_s"], python),
                this_over_that=ratio(now_s, row["median_s"]),
            )
            results["commands"][f"{key}_against"] = row
            label = next(text for k, text, _, _ in COMMANDS if k == key)
            note = f"best {seconds(row['best_s'])}; this tree {fmt_x(row['this_over_that'])}"
            table.row(label, seconds(row["median_s"]), fmt_x(row["over_python"]), note)
    session.finish(results, table)


if __name__ == "__main__":
    main()
