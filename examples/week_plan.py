"""A week of meals for a sample profile, from the shipped food data, offline.

    python examples/week_plan.py --age 34 --sex female --diet omnivore

Prints the plan day by day, the week's nutrients against the targets, and a shopping list.
"""

from __future__ import annotations

import argparse
import sys
import time

from mealplan import FoodCatalog, InfeasiblePlanError, Planner, Preferences, Profile, Targets
from mealplan.catalog import ALLERGENS, MEALS

SHOWN = ("magnesium", "potassium", "calcium", "vitamin_d", "vitamin_b12", "energy", "protein")


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
    parser.add_argument(
        "--dislike", action="append", default=[], help="a food name to avoid (repeatable)"
    )
    parser.add_argument(
        "--meals", default=",".join(MEALS), help="comma-separated meals (default: %(default)s)"
    )
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    catalog = FoodCatalog.default()
    profile = Profile(age=args.age, sex=args.sex)
    targets = Targets.cramp_support(profile)
    dislikes = []
    for name in args.dislike:
        found = catalog.find(name, limit=1)
        if not found:
            parser.error(f"--dislike: no food matches {name!r}")
        dislikes.append(found[0].id)
    preferences = Preferences(
        diet=args.diet,
        exclude_allergens=tuple(args.exclude_allergen),
        dislikes=tuple(dislikes),
        meals=tuple(m.strip() for m in args.meals.split(",") if m.strip()),
    )
    try:
        week = Planner(catalog).plan_week(targets, preferences, days=args.days)
    except InfeasiblePlanError as exc:
        print(f"No plan: {exc}")
        for note in exc.diagnosis.notes:
            print(f"  {note}")
        return 3

    for day in week.days:
        print(f"Day {day.day}")
        for meal in day.meals:
            print(f"  {meal.name.capitalize()} ({meal.energy_kcal:,.0f} kcal)")
            for item in meal.items:
                print(f"    - {item.name}: {item.household}")
        print()

    print(f"Nutrients, average per day over {len(week.days)} days")
    print(f"  {'nutrient':<12} {'average':>12} {'target':>14} {'% of target':>12}  basis")
    for key in SHOWN:
        total = week.weekly_average[key]
        target = f"≥ {total.min:,.1f} {total.unit}" if total.min is not None else "—"
        percent = f"{total.percent_of_target:,.0f} %" if total.percent_of_target else "—"
        print(
            f"  {key:<12} {total.amount:>9,.1f} {total.unit:<3}{target:>13} {percent:>12}  "
            f"{total.basis}"
        )
    print()
    print("Shopping list")
    for row in week.shopping_list().itertuples():
        grams = f"{row.grams:,.0f} g" if row.grams == row.grams and row.grams else "—"
        print(f"  {row.name:<45} {row.servings:>5g} × {row.serving_text}  ({grams})")
    print()
    print(
        f"Solved by {week.solver.solver} ({week.solver.status}, gap {week.solver.mip_gap:.2%}) "
        f"in {time.perf_counter() - started:.1f} s. Data: USDA FoodData Central "
        f"({catalog.release})."
    )
    print(
        "Food-first guidance, not medical advice: persistent muscle cramps call for a doctor "
        "and blood tests."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
