"""``mealplan week`` and ``mealplan day``: plan menus from the shipped food data.

Bad input is one stderr line naming the option and exit code 2; a request no plan can meet
prints the diagnosis (what falls short, by how much, which foods would help) and exits 3. With
``--format table`` the diagnosis is the output (stdout); with json, csv or html it goes to stderr,
so it never lands in a file meant for a plan, and ``--format json`` also prints
``{"error": "infeasible", "message": ..., "diagnosis": {...}}`` on stdout (never into ``--out``).
An output that cannot be written is one stderr line and exit code 4 (2 for a path that must not
be replaced, such as a device or FIFO).

This module builds the parser only; the work is in :mod:`mealplan.cli._plan_run`.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from mealplan.cli._profile import add_profile_arguments
from mealplan.domain.limits import WORK_LIMIT
from mealplan.domain.vocabulary import ALLERGENS, CATALOGS, MEALS
from mealplan.domain.wording import MEDICAL_NOTE

FORMATS = ("table", "json", "csv", "html")
DIETS = ("omnivore", "pescatarian", "vegetarian", "vegan")

WEEK_EXAMPLES = """examples:
  mealplan week --age 34 --sex female
  mealplan week --age 34 --sex female --diet vegetarian --exclude-allergen peanuts
  mealplan week --age 52 --sex male --days 3 --meals breakfast,lunch,dinner --dislike tofu
  mealplan week --age 29 --sex female --pregnant --format json > plan.json
  mealplan week --age 34 --sex female --format html --out report.html
  mealplan week --age 34 --sex female --out plan/   # table, plus the four files in plan/

--out PATH: with --format json, csv or html, the file to write instead of printing; with
--format table (the default), a folder that receives plan.json, plan.csv, shopping_list.csv
and report.html (all four or none) while the table still prints. --out - means stdout. An
existing PATH that is not a regular file (a device, FIFO or socket) is refused.

Exit codes: 0 plan found, 2 bad input, 3 no plan meets the targets (the diagnosis says why;
on stderr with --format json/csv/html, and json also prints {"error": "infeasible", ...} on
stdout), 4 an output could not be written (read-only folder, full disk).

""" + textwrap.fill(MEDICAL_NOTE, width=92)

SWAP_EXAMPLES = """examples:
  mealplan week --age 34 --sex female --format json --out week.json
  mealplan swap week.json --day 3 --meal dinner --age 34 --sex female
  mealplan swap week.json --day 3 --meal dinner --age 34 --sex female --format json --out week.json

Exit codes: 0 the week with its new meal, 2 bad input (an unreadable or foreign PLAN.json, a day
or meal the week does not have), 3 no other meal fits the week's rules (the diagnosis says why).
"""

DAY_EXAMPLES = """examples:
  mealplan day --age 34 --sex female
  mealplan day --age 70 --sex male --diet pescatarian --calories 1800 2200
  mealplan day --age 34 --sex female --format json

--out PATH: with --format json, csv or html, the file to write instead of printing; with
--format table (the default), a folder that receives plan.json, plan.csv, shopping_list.csv
and report.html (all four or none) while the table still prints. --out - means stdout. An
existing PATH that is not a regular file (a device, FIFO or socket) is refused.

Exit codes: 0 plan found, 2 bad input, 3 no plan meets the targets (the diagnosis says why;
on stderr with --format json/csv/html, and json also prints {"error": "infeasible", ...} on
stdout), 4 an output could not be written (read-only folder, full disk).
"""


def register(subparsers: Any) -> None:
    """Add the ``week`` and ``day`` subcommands."""
    week = subparsers.add_parser(
        "week",
        help="a menu for several days (vitamin D and B12 met as a weekly average)",
        description=(
            "Plan a menu for 1-14 days from the shipped USDA FoodData Central foods that meets\n"
            "the DRI targets for magnesium, potassium, calcium, vitamin D and B12 within an\n"
            "energy range. Vitamin D and B12 are met as a weekly average, the rest every day."
        ),
        epilog=WEEK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_options(week, week=True)
    week.set_defaults(handler=_run, plan_kind="week")

    day = subparsers.add_parser(
        "day",
        help="a menu for one day, meeting every target that day",
        description=(
            "Plan one day's menu from the shipped USDA FoodData Central foods that meets the\n"
            "DRI targets for magnesium, potassium, calcium, vitamin D and B12 that day."
        ),
        epilog=DAY_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_options(day, week=False)
    day.set_defaults(handler=_run, plan_kind="day", days=1)

    swap = subparsers.add_parser(
        "swap",
        help="change one meal of a planned week, keeping the rest",
        description=(
            "Re-plan one meal of a week planned with `mealplan week --format json`: every other\n"
            "meal stays, the new meal differs from the old one, and the week still meets every\n"
            "daily and weekly target and rule. Give the same person and options as for the week."
        ),
        epilog=SWAP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    swap.add_argument("plan", type=Path, metavar="PLAN.json", help="the week, as JSON")
    swap.add_argument("--day", type=int, required=True, metavar="N", help="the day, from 1")
    swap.add_argument("--meal", required=True, choices=MEALS, help="the meal to change")
    _add_options(swap, week=True, swap=True)
    swap.set_defaults(handler=_run, plan_kind="swap")


def _add_options(parser: argparse.ArgumentParser, *, week: bool, swap: bool = False) -> None:
    who = parser.add_argument_group("who the plan is for")
    add_profile_arguments(who)

    food = parser.add_argument_group("what to eat")
    food.add_argument("--diet", choices=DIETS, default="omnivore", help="default: %(default)s")
    food.add_argument(
        "--exclude-allergen",
        action="append",
        default=[],
        choices=ALLERGENS,
        metavar="ALLERGEN",
        help=f"leave out foods with this allergen (repeatable): {', '.join(ALLERGENS)}",
    )
    food.add_argument("--dairy-free", action="store_true", help="no dairy foods")
    food.add_argument("--gluten-free", action="store_true", help="no gluten")
    food.add_argument(
        "--dislike",
        action="append",
        default=[],
        metavar="NAME",
        help="a food to avoid where possible, by name (repeatable; the best match is used)",
    )
    food.add_argument(
        "--like", action="append", default=[], metavar="NAME", help="a food to favour (repeatable)"
    )
    food.add_argument(
        "--no-fortified",
        dest="allow_fortified",
        action="store_false",
        help="leave out fortified foods (vitamin D and B12 get much harder)",
    )
    food.add_argument(
        "--shortfalls",
        choices=("refuse", "declare"),
        default="refuse",
        help=(
            "when no menu meets every minimum: refuse (exit 3 with the diagnosis, the default) "
            "or declare (the closest menu, each missed target stated)"
        ),
    )
    food.add_argument(
        "--meals",
        default=",".join(MEALS),
        metavar="LIST",
        help="comma-separated meals to plan (default: %(default)s)",
    )
    if week and not swap:
        food.add_argument(
            "--days", type=int, default=7, metavar="N", help="days to plan, 1-14 (default: 7)"
        )
    if week:
        food.add_argument(
            "--leftovers",
            action="store_true",
            help="cook some dinners twice over and eat the rest at the next day's lunch",
        )
        food.add_argument(
            "--max-foods",
            type=int,
            default=30,
            metavar="N",
            help="at most N distinct foods a week, water, condiments and fats aside (default: 30)",
        )
    food.add_argument(
        "--calories",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="kcal a day instead of the EER ±10%% (500-6000)",
    )
    food.add_argument(
        "--catalog",
        choices=CATALOGS,
        default="default",
        help=(
            "default (the same as as_eaten): everyday foods as eaten (FNDDS dishes, "
            "sandwiches, soups, drinks); curated: the 376 reviewed ingredients of earlier "
            "releases (faster); ingredients: all SR Legacy and Foundation foods; full: all "
            "shipped foods (slower)"
        ),
    )

    out = parser.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    out.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="a file for json/csv/html; a folder for the four files with table (see below)",
    )
    out.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="also stop each solve after this many seconds; the plan then depends on the "
        "machine's speed and load (default: no wall-clock limit)",
    )
    out.add_argument(
        "--work-limit",
        type=int,
        metavar="CHECKS",
        help=f"stop each solve after this much solver work, the same on any machine load "
        f"(default: {WORK_LIMIT:,}; more may find a better plan, slower)",
    )
    if week:  # column generation is for a day's menu; a week chooses among drawn meals
        parser.set_defaults(generate_meals=True)
    else:
        out.add_argument(
            "--generate-meals",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="price new meals by column generation, with a bound over every meal the "
            "patterns allow (default); --no-generate-meals chooses among the drawn candidate "
            "meals only, 2-4 times faster, with a bound over those",
        )


def _run(args: argparse.Namespace) -> int:
    """Plan, render and write: the catalogue, the planner and the solvers are imported here,
    when a plan is asked for, never to build the parser or print its help."""
    from mealplan.cli._plan_run import run

    return run(args)
