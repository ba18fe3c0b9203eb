"""A week of meals for a sample profile, from the shipped food data, offline.

    python examples/week_plan.py --age 34 --sex female --diet vegetarian
    python examples/week_plan.py --days 3 --out plan/    # also plan.json, plan.csv,
                                                          # shopping_list.csv, report.html

Prints the plan day by day, the nutrient table and a shopping list. The same plan from the
command line: ``mealplan week --age 34 --sex female``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from mealplan import FoodCatalog, InfeasiblePlanError, Planner, Preferences, Profile, Targets
from mealplan.catalog import ALLERGENS, MEALS
from mealplan.export import write_outputs
from mealplan.report import render_diagnosis, render_text


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--age", type=float, default=34)
    parser.add_argument("--sex", choices=("female", "male"), default="female")
    parser.add_argument(
        "--diet", choices=("omnivore", "pescatarian", "vegetarian", "vegan"), default="omnivore"
    )
    parser.add_argument("--exclude-allergen", action="append", default=[], choices=ALLERGENS)
    parser.add_argument("--dislike", action="append", default=[], help="a food name (repeatable)")
    parser.add_argument("--meals", default=",".join(MEALS), help="default: %(default)s")
    parser.add_argument("--days", type=int, default=7, choices=range(1, 15), metavar="1-14")
    parser.add_argument("--out", type=Path, help="a folder for the JSON, CSV and HTML files")
    args = parser.parse_args()

    # 1. Who the plan is for, and their daily targets from the DRI tables.
    try:
        profile = Profile(age=args.age, sex=args.sex)
    except ValidationError as exc:
        parser.error(f"--age: {exc.errors()[0]['msg'].removeprefix('Value error, ')}")
    targets = Targets.cramp_support(profile)

    # 2. What they eat: disliked foods are looked up by name in the catalogue.
    catalog = FoodCatalog.default()
    dislikes = []
    for name in args.dislike:
        found = catalog.find(name, limit=1)
        if not found:
            parser.error(f"--dislike: no food matches {name!r}")
        dislikes.append(found[0].id)
    meals = tuple(m.strip() for m in args.meals.split(",") if m.strip())
    if not meals or any(m not in MEALS for m in meals):
        parser.error(f"--meals: use a comma-separated list of {', '.join(MEALS)}")
    preferences = Preferences(
        diet=args.diet,
        exclude_allergens=tuple(args.exclude_allergen),
        dislikes=tuple(dislikes),
        meals=meals,
    )

    # 3. Plan, then show it; when no plan exists, say why.
    try:
        week = Planner(catalog).plan_week(targets, preferences, days=args.days)
    except InfeasiblePlanError as exc:
        print(render_diagnosis(exc.diagnosis))
        return 3
    print(render_text(week, catalog_release=catalog.release))

    # 4. Files for an app (JSON), a spreadsheet (CSV) and a person (HTML).
    if args.out is not None:
        written = write_outputs(
            week,
            args.out,
            targets=targets,
            profile=profile,
            preferences=preferences,
            catalog_release=catalog.release,
        )
        print()
        for path in written.values():
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
