"""Is the planner faster or slower than at an older commit? Both timed in one run, interleaved.

    .venv/bin/python benchmarks/compare_commits.py          # this tree vs 5a30e25, 3 rounds, ~1 min
    .venv/bin/python benchmarks/compare_commits.py --quick  # one round, ~25 s
    .venv/bin/python benchmarks/compare_commits.py --commit 8948ab5 --rounds 5
    .venv/bin/python benchmarks/compare_commits.py --old ../other-tree --new .

Two source trees run the same workload: ``plan_day`` for the 20 profiles and ``plan_week`` for
the 3 week profiles of ``common.py``, one plan each per round after a warm-up plan. The old
tree is by default a detached ``git worktree`` of ``--commit`` (default ``5a30e25``, the last
commit before the planner's restructure) made under a temporary folder and removed at the end;
the new tree is this checkout (uncommitted changes included). Each workload runs in a fresh
subprocess of this interpreter with ``PYTHONPATH=<tree>/src``, so each tree imports its own
``mealplan`` and reads its own starter pack (``default_starter_dir()`` looks beside the source:
``<tree>/data/usda_cache``; ``MEALPLAN_STARTER_CACHE`` is unset); the subprocess checks both
and uses only the public API (``FoodCatalog``, ``Planner``, ``Targets``, ``Preferences``,
``Profile``), so any commit with that API can be timed.

The trees alternate so that the machine's load falls on both alike: per round and workload old
then new, with the order swapped every other round (old, new, new, old, old, new, ...) so that
a steady drift cancels too. Reported: per workload the median over rounds of the summed plan
times, per tree, and the ratio new/old (below 1: the new tree is faster); per profile the
median and ratio; and whether both trees found plans of the same objective (a difference means
they did not solve the same problems). Results: ``benchmarks/results/compare_commits.json`` and
``.txt``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from common import (
    BASELINE,
    DAY_CASES,
    WEEK_CASES,
    Horizon,
    Session,
    Table,
    arguments,
    fmt_s,
    median,
    now,
    percentile,
    plan_cases,
    ratio,
)

import mealplan
from mealplan import FoodCatalog, Planner
from mealplan.cache import default_starter_dir

REPO = Path(__file__).resolve().parents[1]
#: The last commit before the planner's restructure (issue #11).
DEFAULT_COMMIT = "5a30e25"
WORKLOADS: dict[Horizon, str] = {
    "day": f"plan_day, {len(DAY_CASES)} profiles",
    "week": f"plan_week, {len(WEEK_CASES)} profiles × 7 days",
}
TREES = ("old", "new")
#: The parts of a plan's wall time (``SolverInfo``: build, solve; the rest: checks, set-up,
#: assembly), summed per workload.
PARTS = ("build_s", "solve_s", "rest_s")


# -- the workload, in a subprocess -----------------------------------------------------------------


def work(workload: Horizon, tree: Path, repeats: int) -> dict[str, Any]:
    """Time one workload with the ``mealplan`` on the path; check it is ``tree``'s."""
    source = Path(mealplan.__file__).resolve()
    pack = default_starter_dir()
    if not source.is_relative_to(tree / "src") or pack is None or not pack.is_relative_to(tree):
        raise SystemExit(f"{tree}: imported mealplan from {source}, starter pack {pack}")
    started = now()
    catalog = FoodCatalog.default()
    load_s = now() - started
    planner = Planner(catalog)
    BASELINE.call(planner, "day")()  # warm-up: imports, the HiGHS banner, caches
    cases = DAY_CASES if workload == "day" else WEEK_CASES
    rows = plan_cases(planner, cases, workload, repeats, check=False)
    return {
        "source": str(source),
        "pack": str(pack),
        "catalog_load_s": load_s,
        "rows": [
            {k: row.get(k) for k in ("case", "seconds", "feasible", "objective", *PARTS)}
            for row in rows
        ],
    }


def run_worker(python: str, tree: Path, workload: Horizon, repeats: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    env.pop("MEALPLAN_STARTER_CACHE", None)
    command = [python, __file__, "--worker", workload, "--tree", str(tree)]
    done = subprocess.run(
        [*command, "--repeats", str(repeats)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"the {workload} workload failed in {tree}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the trees -------------------------------------------------------------------------------------


def git(*args: str, cwd: Path = REPO) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@contextmanager
def worktree(commit: str) -> Iterator[Path]:
    """A detached worktree of ``commit`` under a temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="mealplan-compare-"))
    path = folder / commit
    git("worktree", "add", "--detach", str(path), commit)
    try:
        yield path
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(path)], cwd=REPO, capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def describe(tree: Path) -> dict[str, Any]:
    """The tree's path, commit and whether it has uncommitted changes."""
    if not (tree / ".git").exists():
        return {"path": str(tree), "commit": tree.name, "dirty": False}
    return {
        "path": str(tree),
        "commit": git("rev-parse", "--short", "HEAD", cwd=tree),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no", cwd=tree)),
    }


# -- the comparison --------------------------------------------------------------------------------


def compare(trees: dict[str, Path], rounds: int, repeats: int, session: Session) -> dict[str, Any]:
    """Every round runs each workload in each tree, alternating the trees' order."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        workload: {name: [] for name in trees} for workload in WORKLOADS
    }
    for r in range(rounds):
        order = TREES if r % 2 == 0 else TREES[::-1]
        for workload in WORKLOADS:
            for name in order:
                result = run_worker(sys.executable, trees[name], workload, repeats)
                total = sum(row["seconds"] for row in result["rows"])
                session.log(f"round {r + 1}/{rounds}, {workload}, {name}: {total:.2f} s")
                runs[workload][name].append(result)
    return {workload: summary(by_tree) for workload, by_tree in runs.items()}


def summary(by_tree: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Median total and per-profile times over the rounds, per tree; ratios new/old."""
    out: dict[str, Any] = {"trees": {}}
    for name, results in by_tree.items():
        labels = [row["case"] for row in results[0]["rows"]]
        per_case = {
            label: median([res["rows"][i]["seconds"] for res in results])
            for i, label in enumerate(labels)
        }
        out["trees"][name] = {
            "totals_s": [sum(row["seconds"] for row in res["rows"]) for res in results],
            "per_case_s": per_case,
            "p50_s": percentile(list(per_case.values()), 50),
            "p95_s": percentile(list(per_case.values()), 95),
            "objectives": {row["case"]: row["objective"] for row in results[0]["rows"]},
            "infeasible": sum(not row["feasible"] for row in results[0]["rows"]),
            "parts_s": {
                part: median([sum(row[part] or 0.0 for row in res["rows"]) for res in results])
                for part in PARTS
            },
            "source": results[0]["source"],
            "pack": results[0]["pack"],
        }
        out["trees"][name]["median_total_s"] = median(out["trees"][name]["totals_s"])
    old, new = out["trees"]["old"], out["trees"]["new"]
    out["ratio_new_over_old"] = ratio(new["median_total_s"], old["median_total_s"])
    out["per_case_ratio"] = {
        label: ratio(new["per_case_s"][label], seconds)
        for label, seconds in old["per_case_s"].items()
    }
    out["different_objectives"] = [
        label
        for label, value in old["objectives"].items()
        if value is None
        or new["objectives"].get(label) is None
        or abs(value - new["objectives"][label]) > 1e-6 * max(1.0, abs(value))
    ]
    return out


def report(results: dict[str, Any]) -> Table:
    table = Table(1.0, "new/old")
    trees = results["trees"]
    table.section(
        f"old {trees['old']['commit']} vs new {trees['new']['commit']}"
        + (" + uncommitted changes" if trees["new"]["dirty"] else "")
        + f"; median of {results['rounds']} interleaved rounds"
    )
    for workload, title in WORKLOADS.items():
        found = results["workloads"][workload]
        old, new = found["trees"]["old"], found["trees"]["new"]
        same = found["different_objectives"]
        table.timed(
            f"{title}, total",
            new["median_total_s"],
            f"old {fmt_s(old['median_total_s'])}; "
            + ("same objectives" if not same else f"objectives differ: {', '.join(same)}"),
            against=old["median_total_s"],
        )
        for part in PARTS:
            table.timed(
                f"  {part[:-2]} (SolverInfo)" if part != "rest_s" else "  the rest",
                new["parts_s"][part],
                f"old {fmt_s(old['parts_s'][part])}",
                against=old["parts_s"][part],
            )
        if workload == "day":
            for q in ("p50", "p95"):
                table.timed(
                    f"  {q} over the profiles",
                    new[f"{q}_s"],
                    f"old {fmt_s(old[f'{q}_s'])}",
                    against=old[f"{q}_s"],
                )
    for workload, title in WORKLOADS.items():
        found = results["workloads"][workload]
        old, new = found["trees"]["old"], found["trees"]["new"]
        table.section(f"{title}: per profile (new, ratio new/old, old)")
        for label, seconds in new["per_case_s"].items():
            before = old["per_case_s"][label]
            table.timed(f"  {label}", seconds, f"old {fmt_s(before)}", against=before)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, "compare_commits")
    parser.add_argument("--commit", default=DEFAULT_COMMIT, help="old commit (%(default)s)")
    parser.add_argument("--old", type=Path, help="an old source tree instead of --commit")
    parser.add_argument("--new", type=Path, default=REPO, help="new source tree (this checkout)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (3; 1 with --quick)")
    parser.add_argument("--repeats", type=int, default=1, help="plans per profile and round")
    parser.add_argument("--worker", choices=tuple(WORKLOADS), help="(internal) run one workload")
    parser.add_argument("--tree", type=Path, help="(internal) the worker's source tree")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(work(args.worker, args.tree.resolve(), args.repeats)))
        return 0
    rounds = args.rounds or (1 if args.quick else 3)
    session = Session(args)
    with worktree(args.commit) if args.old is None else nullcontext(args.old) as old:
        trees = {"old": old.resolve(), "new": args.new.resolve()}
        described = {name: describe(path) for name, path in trees.items()}
        session.log(f"old {described['old']['commit']} at {old}, new {described['new']['commit']}")
        workloads = compare(trees, rounds, args.repeats, session)
    results = {"rounds": rounds, "repeats": args.repeats, "trees": described}
    results["workloads"] = workloads
    results["ratios_new_over_old"] = {w: workloads[w]["ratio_new_over_old"] for w in WORKLOADS}
    session.finish(results, report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
