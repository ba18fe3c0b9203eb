"""How does ``plan_day`` scale with the catalogue: synthetic catalogues of 1,000 and 8,000 foods.

    .venv/bin/python benchmarks/bench_scaling.py                 # 1k and 8k foods (~10 s)
    .venv/bin/python benchmarks/bench_scaling.py --quick         # 1k foods, one repeat (~5 s)
    .venv/bin/python benchmarks/bench_scaling.py --sizes 2000,16000

Each synthetic catalogue (``FoodCatalog.from_frame``) draws its foods' roles, meal tags,
servings and nutrients from the default catalogue's role by role (:func:`synthetic_catalog`,
fixed seed). ``plan_day`` for the baseline person runs on the default catalogue and on each
synthetic one with the targets of the nine synthetic nutrients; each plan is checked with
``verify`` and split into build and solve (``SolverInfo``).

Baseline: the ordinary ``plan_day`` for a 34-year-old woman, omnivore, four meals, on the
default catalogue with all her targets, timed in the same process (``common.Baseline``); every
time is also a ratio to it. Results: ``benchmarks/results/bench_scaling.json`` and ``.txt``.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd
from common import (
    BASELINE,
    Session,
    Table,
    arguments,
    fmt_s,
    median,
    now,
    plan_row,
    ratio,
    samples,
    state,
)

from mealplan import FoodCatalog, Planner, Targets

#: The nutrients of the synthetic catalogues (per serving).
SYNTHETIC_NUTRIENTS = (
    "energy",
    "protein",
    "carbohydrate",
    "fat",
    "magnesium",
    "potassium",
    "calcium",
    "vitamin_d",
    "vitamin_b12",
)
SYNTHETIC_SEED = 20240601


def synthetic_catalog(size: int, reference: FoodCatalog, seed: int = SYNTHETIC_SEED) -> FoodCatalog:
    """``size`` made-up foods whose roles, meal tags, servings and per-serving nutrients follow
    the reference catalogue role by role.

    Roles are drawn in the reference's proportions; meal tags, ``max_servings`` and serving
    grams are resampled from reference foods of the same role; protein, carbohydrate, fat and
    the micronutrients are log-normal per role (fitted to the reference's non-zero values, with
    the reference's share of zeros, capped at 1.5 × the role's largest value); energy follows
    from the macronutrients (4/4/9 kcal per g) with 5 % noise.
    """
    rng = np.random.default_rng(seed)
    foods = reference.foods
    per_serving = reference.per_serving()
    shares = foods["role"].value_counts(normalize=True).sort_index()
    roles = rng.choice(shares.index.to_numpy(), size=size, p=shares.to_numpy())
    columns: dict[str, np.ndarray] = {key: np.zeros(size) for key in SYNTHETIC_NUTRIENTS}
    meals = np.empty(size, dtype=object)
    max_servings = np.zeros(size)
    serving_g = np.zeros(size)
    for role in shares.index:
        where = np.flatnonzero(roles == role)
        source = foods.index[foods["role"] == role]
        picks = rng.choice(len(source), size=where.size)
        meals[where] = [tuple(m) for m in foods.loc[source, "meals"].to_numpy()[picks]]
        max_servings[where] = foods.loc[source, "max_servings"].to_numpy(dtype=float)[picks]
        grams = foods.loc[source, "serving_g"].to_numpy(dtype=float)[picks]
        serving_g[where] = np.round(grams * rng.lognormal(0.0, 0.15, where.size), 1)
        for key in SYNTHETIC_NUTRIENTS[1:]:
            known = per_serving.loc[source, key].dropna().to_numpy(dtype=float)
            positive = known[known > 1e-9]
            if positive.size < 3:
                continue
            logs = np.log(positive)
            amounts = rng.lognormal(logs.mean(), max(logs.std(), 0.2), where.size)
            amounts = np.minimum(amounts, 1.5 * positive.max())
            zero = rng.random(where.size) < (1.0 - positive.size / known.size)
            columns[key][where] = np.where(zero, 0.0, amounts)
    atwater = 4 * columns["protein"] + 4 * columns["carbohydrate"] + 9 * columns["fat"]
    columns["energy"] = atwater * rng.lognormal(0.0, 0.05, size)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, size + 1),
            "name": [f"synthetic {role} {i + 1}" for i, role in enumerate(roles)],
            "role": roles,
            "meals": meals,
            "serving_g": serving_g,
            "max_servings": max_servings,
            **{key: np.round(values, 4) for key, values in columns.items()},
        }
    )
    return FoodCatalog.from_frame(
        frame,
        nutrient_columns=list(SYNTHETIC_NUTRIENTS),
        amounts="per_serving",
        serving_g_column="serving_g",
        role_column="role",
        meals_column="meals",
        max_servings_column="max_servings",
    )


def synthetic_targets(targets: Targets) -> Targets:
    """The targets without the nutrients a synthetic catalogue lacks (vitamin B6, sodium)."""
    return targets.replace(**{key: None for key in targets if key not in SYNTHETIC_NUTRIENTS})


def scaling(reference: FoodCatalog, sizes: list[int], repeats: int) -> list[dict[str, Any]]:
    """``plan_day`` on the default catalogue and on each synthetic one, same targets."""
    targets = synthetic_targets(BASELINE.targets)
    preferences = BASELINE.preferences
    catalogs: list[tuple[str, FoodCatalog, float]] = [("default", reference, 0.0)]
    for size in sizes:
        started = now()
        catalog = synthetic_catalog(size, reference)
        catalogs.append((f"synthetic {size}", catalog, now() - started))
    rows = []
    for label, catalog, made_s in catalogs:
        planner = Planner(catalog)
        times, run = samples(lambda p=planner: p.plan_day(targets, preferences), repeats)
        row = plan_row(label, median(times), run, (catalog, targets, preferences))
        rows.append({**row, "foods": len(catalog), "catalog_build_s": made_s})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, "bench_scaling")
    parser.add_argument("--sizes", type=str, default=None, help="synthetic sizes, e.g. 1000,8000")
    args = parser.parse_args(argv)
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = [1000] if args.quick else [1000, 8000]
    session = Session(args)
    repeats = session.repeats
    planner = session.default_planner()
    baseline = session.baseline(planner)
    session.log(f"synthetic catalogues {sizes}")
    rows = scaling(planner.catalog, sizes, repeats)
    baseline.end()
    base = baseline.seconds

    table = Table(base)
    table.baseline(baseline.record())
    table.section(
        f"plan_day by catalogue (F34, the 9 synthetic nutrients' targets; median of {repeats})"
    )
    for row in rows:
        note = state(row)
        if row["feasible"]:
            note += f"; build {fmt_s(row['build_s'])}, solve {fmt_s(row['solve_s'])}"
        table.timed(f"  {row['case']} ({row['foods']:,} foods)", row["seconds"], note)
    results: dict[str, Any] = {
        "repeats": repeats,
        "baseline": baseline.record(),
        "rows": rows,
        "ratios": {row["case"]: ratio(row["seconds"], base) for row in rows},
    }
    session.finish(results, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
