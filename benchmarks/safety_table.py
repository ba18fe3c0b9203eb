"""Issue #9's acceptance table: 60 profiles over every DRI life stage, both sexes, pregnancy and
lactation at each age band, and the four diets, each planned for a week and checked.

Run: ``.venv/bin/python benchmarks/safety_table.py [--days 7] [--catalog default|curated]
[--shortfalls refuse|declare] [--out benchmarks/results/...]``.

Per profile it prints whether a plan was found and, for a plan, checks made here from the
catalogue's own numbers and USDA's rules table, apart from the planner:

- ``UL``: the highest day's amount over its upper limit, across every nutrient with a maximum
  (retinol, calcium, vitamin D, B6, sodium, saturated fat, added sugars); ≤ 1.00 means none
  breached;
- ``retinol``: the highest day's retinol in µg, against the life stage's UL;
- ``excluded``: foods in the plan that the profile's food-safety rules exclude (classified
  afresh from each food's name, description and category);
- ``fiber`` / ``sat fat``: whether every day meets the fiber minimum and the saturated-fat
  maximum;
- ``verify``: the number of violations ``mealplan.verify`` finds;
- last, with ``--shortfalls declare``, the minimums the plan states it misses (``/wk`` for a
  weekly average, ``/dN`` for day N), as a percentage of the minimum.

A profile with no plan shows the first words of its diagnosis.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from mealplan import InfeasiblePlanError, Planner, Preferences, Profile, Targets
from mealplan import verify as verify_plan
from mealplan.catalog import CATALOGS, shipped_catalog
from mealplan.safety import classify_frame, groups_for, rules_for

DIETS = ("omnivore", "vegetarian", "pescatarian", "vegan")
AGES = (1.5, 2.5, 3, 5, 7, 8, 10, 12, 13, 15, 17, 18, 22, 28, 35, 45, 55, 65, 75, 85)
REPRODUCTIVE_AGES = (15, 17, 22, 28, 35, 45)


def profiles() -> list[tuple[Profile, str]]:
    """60 (profile, diet) pairs: every stage and sex, pregnancy and lactation at each band."""
    people = [Profile(age=age, sex=sex) for age in AGES for sex in ("female", "male")]
    people += [Profile(age=age, sex="female", pregnant=True) for age in REPRODUCTIVE_AGES]
    people += [Profile(age=age, sex="female", lactating=True) for age in REPRODUCTIVE_AGES]
    people += [Profile(age=age, sex="female", pregnant=True, trimester=3) for age in (16, 25, 40)]
    people += [Profile(age=age, sex="male", activity="active") for age in (30, 50)]
    people += [Profile(age=age, sex="female", activity="very_active") for age in (19, 33, 60)]
    pairs = list(zip(people, itertools.cycle(DIETS), strict=False))
    assert len(pairs) == 60, len(pairs)
    return pairs


def check(days: int, catalog_name: str, shortfalls: str = "refuse") -> list[str]:
    catalog = shipped_catalog(catalog_name)
    planner = Planner(catalog)
    rows = [
        f"{'profile':<24} {'diet':<12} {'plan':<5} {'UL':>5} {'retinol':>13} "
        f"{'excluded':>8} {'fiber':>5} {'sat fat':>7} {'verify':>6} {'s':>5}"
    ]
    counts = {"plans": 0, "no plan": 0, "breaches": 0, "excluded": 0, "fiber": 0, "satfat": 0}
    counts["stated"] = 0
    for profile, diet in profiles():
        targets = Targets.cramp_support(profile)
        prefs = Preferences(diet=diet, shortfalls=shortfalls)
        started = time.perf_counter()
        label = profile.describe_stage + (f" T{profile.trimester}" if profile.trimester else "")
        try:
            week = planner.plan_week(targets, prefs, days=days)
        except InfeasiblePlanError as error:
            counts["no plan"] += 1
            rows.append(f"{label:<24} {diet:<12} {'no':<5} {error.diagnosis.message[:70]}")
            continue
        seconds = time.perf_counter() - started
        counts["plans"] += 1
        per_serving = catalog.per_serving()
        worst_ratio, worst_retinol = 0.0, 0.0
        fiber_ok = satfat_ok = True
        for day in week.days:
            amounts = {
                key: sum(
                    item.servings * float(per_serving.at[item.food_id, key])
                    for item in day.items
                    if per_serving.at[item.food_id, key] == per_serving.at[item.food_id, key]
                )
                for key in per_serving.columns
            }
            for key, bound in targets.items():
                if bound.max is not None and key in amounts:
                    worst_ratio = max(worst_ratio, amounts[key] / bound.max)
            worst_retinol = max(worst_retinol, amounts["retinol"])
            fiber_ok &= amounts["fiber"] >= (targets["fiber"].min or 0) - 1e-6
            if "saturated_fat" in targets:
                satfat_ok &= amounts["saturated_fat"] <= (targets["saturated_fat"].max or 0) + 1e-6
        rules = rules_for(groups_for(profile.age, profile.pregnant, profile.lactating, profile.sex))
        ids = [item.food_id for day in week.days for item in day.items]
        verdicts = classify_frame(catalog.foods.loc[ids], rules)
        excluded = int(verdicts.map(bool).sum())
        violations = len(verify_plan(week, catalog, targets, prefs))
        counts["breaches"] += worst_ratio > 1 + 1e-9
        counts["excluded"] += excluded
        counts["fiber"] += not fiber_ok
        counts["satfat"] += not satfat_ok
        retinol = f"{worst_retinol:,.0f}/{targets['retinol'].max:,.0f}"
        stated = " ".join(
            f"{s.nutrient}:{s.percent_of_target:.0f}%{'/wk' if s.day is None else f'/d{s.day}'}"
            for s in week.shortfalls
        )
        counts["stated"] += bool(week.shortfalls)
        rows.append(
            f"{label:<24} {diet:<12} {'yes':<5} {worst_ratio:>5.2f} {retinol:>13} "
            f"{excluded:>8} {'ok' if fiber_ok else 'SHORT':>5} {'ok' if satfat_ok else 'OVER':>7} "
            f"{violations:>6} {seconds:>5.1f} {stated}".rstrip()
        )
    rows.append("")
    rows.append(
        f"{counts['plans']} plans, {counts['no plan']} without a plan; among the plans: "
        f"{counts['breaches']} with a day over an upper limit, {counts['excluded']} excluded "
        f"foods, {counts['fiber']} short of fiber, {counts['satfat']} over saturated fat; "
        f"{counts['stated']} stating a shortfall (--shortfalls declare)."
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--catalog", choices=CATALOGS, default="default")
    parser.add_argument("--shortfalls", choices=("refuse", "declare"), default="refuse")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    rows = check(args.days, args.catalog, args.shortfalls)
    text = "\n".join(rows)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
