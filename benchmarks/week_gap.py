"""Where a week's gap comes from: HiGHS options and the distinct-food cap (issues #13, #14).

Run: ``.venv/bin/python benchmarks/week_gap.py [--quick] [--people 0,13,8,5]``.

Each variant plans the same 7-day weeks in a fresh process, so that an option set in one cannot
leak into another: the planner as shipped, HiGHS's RINS and RENS heuristics off, heuristic
effort 0.2, symmetry detection off, (with the shipped options) the distinct-food cap and
staple limits lifted, and HiGHS's presolve on (``--variants`` picks some). For each week:
time, status, objective, bound and gap. ``--people`` picks benchmark people by their index in
``common.DAY_CASES``. The wall times on a shared machine drift; compare the gaps, and the
times within one run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from common import Session, Table, arguments

#: (label, HiGHS options added to the planner's, preference changes)
VARIANTS: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = (
    ("as shipped", {}, {}),
    ("RINS and RENS off", {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False}, {}),
    ("heuristic effort 0.2", {"mip_heuristic_effort": 0.2}, {}),
    ("symmetry detection off", {"mip_detect_symmetry": False}, {}),
    ("no food cap, no staple limits", {}, {"max_distinct_foods": None, "max_staple_kinds": None}),
    ("presolve on", {"presolve": "on"}, {}),
)

#: Run in a fresh interpreter per variant: plans the weeks and prints one JSON line.
WORKER = """
import json, sys, time
from types import MappingProxyType
sys.path.insert(0, sys.argv[4])
import mealplan as m
from mealplan.optimize import _solve
from common import DAY_CASES

options, changes, people = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
_solve._HIGHS_OPTIONS = MappingProxyType({**_solve._HIGHS_OPTIONS, **options})
planner = m.Planner(m.FoodCatalog.default())
rows = []
for index in map(int, people.split(",")):
    case = DAY_CASES[index]
    preferences = case.preferences.model_copy(update=changes)
    started = time.perf_counter()
    try:
        week = planner.plan_week(case.targets, preferences)
    except m.InfeasiblePlanError:
        rows.append({"person": case.label, "seconds": time.perf_counter() - started,
                     "status": "no plan"})
        continue
    s = week.solver
    rows.append({"person": case.label, "seconds": time.perf_counter() - started,
                 "status": s.status, "objective": s.objective, "bound": s.bound, "gap": s.gap,
                 "foods": week.distinct_foods})
print(json.dumps(rows))
"""


def main() -> None:
    parser = arguments(__doc__, "week_gap")
    parser.add_argument("--people", default="0,13,8,5", help="default %(default)s")
    parser.add_argument(
        "--variants",
        default=",".join(str(i) for i in range(len(VARIANTS))),
        help="indices into VARIANTS, e.g. 0,5 (default: all)",
    )
    args = parser.parse_args()
    people = "0" if args.quick else args.people
    session = Session(args)
    here = str(Path(__file__).resolve().parent)
    results: dict[str, Any] = {"variants": []}
    table = Table(1.0, "")
    for index in map(int, args.variants.split(",")):
        label, options, changes = VARIANTS[index]
        done = subprocess.run(
            [sys.executable, "-c", WORKER, json.dumps(options), json.dumps(changes), people, here],
            capture_output=True,
            text=True,
            check=True,
        )
        rows = json.loads(done.stdout.strip().splitlines()[-1])
        results["variants"].append(
            {"label": label, "options": options, "changes": changes, "weeks": rows}
        )
        session.log(f"{label}: done")
        table.section(label)
        for row in rows:
            if row["status"] == "no plan":
                table.row(f"  {row['person']}", f"{row['seconds']:.1f} s", "", "no plan")
                continue
            gap = "—" if row["gap"] is None else f"{100 * row['gap']:.1f} %"
            table.row(
                f"  {row['person']}",
                f"{row['seconds']:.1f} s",
                "",
                f"{row['status']}, objective {row['objective']:.3f}, bound {row['bound']}, "
                f"gap {gap}, {row['foods']} foods",
            )
    session.finish(results, table)


if __name__ == "__main__":
    main()
