"""``mealplan week`` and ``mealplan day``: plan menus from the shipped food data.

Bad input is one stderr line naming the option and exit code 2; a request no plan can meet
prints the diagnosis (what falls short, by how much, which foods would help) and exits 3. With
``--format table`` the diagnosis is the output (stdout); with json, csv or html it goes to stderr,
so it never lands in a file meant for a plan, and ``--format json`` also prints
``{"error": "infeasible", "message": ..., "diagnosis": {...}}`` on stdout (never into ``--out``).
An output that cannot be written is one stderr line and exit code 4 (2 for a path that must not
be replaced, such as a device or FIFO).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from mealplan.catalog import CATALOGS, FoodCatalog, shipped_catalog
from mealplan.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, silence_stdout
from mealplan.cli._profile import BadInput, add_profile_arguments, bad_input, profile_from_args
from mealplan.domain.diagnosis import Diagnosis
from mealplan.domain.plan import DayPlan, WeekPlan
from mealplan.domain.vocabulary import ALLERGENS, MEALS
from mealplan.domain.wording import MEDICAL_NOTE
from mealplan.errors import InfeasiblePlanError, OutputPathError, PlannerError
from mealplan.export import (
    OUTPUT_FILES,
    check_output_path,
    frame_to_csv,
    write_file,
    write_outputs,
)
from mealplan.planner import WORK_LIMIT, Planner
from mealplan.preferences import Preferences
from mealplan.report import render_diagnosis, render_html, render_text
from mealplan.targets import Profile, Targets, TargetsError

logger = logging.getLogger(__name__)

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

#: Preferences field -> the option that sets it, so errors name what the user typed.
_PREFERENCE_OPTIONS = MappingProxyType(
    {
        "diet": "--diet",
        "dairy_free": "--dairy-free",
        "gluten_free": "--gluten-free",
        "allow_fortified": "--no-fortified",
        "exclude_allergens": "--exclude-allergen",
        "dislikes": "--dislike",
        "likes": "--like",
        "meals": "--meals",
        "calories": "--calories",
        "shortfalls": "--shortfalls",
        "max_distinct_foods": "--max-foods",
        "leftovers": "--leftovers",
    }
)


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


def _run(args: argparse.Namespace) -> int:
    """Validate everything before the slow part; then plan, render and write."""
    try:
        profile, targets, preferences = _inputs(args)
        _check_output(args)
        with _status(f"loading the {args.catalog} food catalogue"):
            catalog = shipped_catalog(args.catalog)
        preferences = _with_foods(
            catalog,
            preferences,
            dislikes=_resolve(catalog, args.dislike, "--dislike"),
            likes=_resolve(catalog, args.like, "--like"),
        )
        planner = _planner(catalog, args.time_limit, args.work_limit)
    except BadInput as exc:
        print(f"mealplan: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        plan: WeekPlan | DayPlan
        if args.plan_kind == "swap":
            with _status(f"changing day {args.day}'s {args.meal}"):
                plan = planner.swap_meal(
                    args.week, targets, preferences, day=args.day, meal=args.meal
                )
        elif args.plan_kind == "week":
            with _status(f"planning {args.days} day(s), usually a few seconds"):
                plan = planner.plan_week(targets, preferences, days=args.days)
        else:
            with _status("planning the day"):
                plan = planner.plan_day(targets, preferences)
    except InfeasiblePlanError as exc:
        try:
            _report_infeasible(args.format, exc)
        except BrokenPipeError:
            silence_stdout()  # the reader went away; the answer is still "no plan"
        return EXIT_INFEASIBLE
    except PlannerError as exc:
        print(f"mealplan: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _emit(args, plan, profile=profile, targets=targets, preferences=preferences, catalog=catalog)
    return EXIT_OK


# -- inputs ------------------------------------------------------------------------------------
def _inputs(args: argparse.Namespace) -> tuple[Profile, Targets, Preferences]:
    if args.plan_kind == "swap":
        args.week = _read_week(args.plan)
        args.days = len(args.week.days)
    profile = profile_from_args(args)
    if not 1 <= args.days <= 14:
        raise BadInput("--days", f"must be between 1 and 14 (got {args.days})")
    if args.time_limit is not None and not args.time_limit > 0:
        raise BadInput(
            "--time-limit", f"must be a positive number of seconds (got {args.time_limit:g})"
        )
    if args.work_limit is not None and not args.work_limit >= 1:
        raise BadInput(
            "--work-limit", f"must be a whole number of at least 1 (got {args.work_limit})"
        )
    meals = tuple(m.strip() for m in args.meals.split(",") if m.strip())
    unknown = [m for m in meals if m not in MEALS]
    if unknown or not meals:
        raise BadInput(
            "--meals",
            f"give a comma-separated list of {', '.join(MEALS)} (got {args.meals!r})",
        )
    calories = None if args.calories is None else (args.calories[0], args.calories[1])
    try:
        preferences = Preferences(
            diet=args.diet,
            dairy_free=args.dairy_free,
            gluten_free=args.gluten_free,
            allow_fortified=args.allow_fortified,
            exclude_allergens=tuple(args.exclude_allergen),
            shortfalls=args.shortfalls,
            meals=meals,
            calories=calories,
            leftovers=getattr(args, "leftovers", False),
            max_distinct_foods=getattr(args, "max_foods", 30),
        )
    except ValidationError as exc:
        raise _bad(exc) from None
    try:
        targets = Targets.cramp_support(profile, energy=calories)
    except TargetsError as exc:
        raise BadInput("--calories" if calories else "--age", str(exc)) from None
    return profile, targets, preferences


def _read_week(path: Path) -> WeekPlan:
    """The week a swap starts from, read from its JSON; a clear error for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput("PLAN.json", f"cannot read {str(path)!r}: {exc}") from None
    try:
        return WeekPlan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise BadInput(
            "PLAN.json",
            f"{str(path)!r} is not a week's plan from `mealplan week --format json` "
            f"({where}: {first['msg']})",
        ) from None


def _bad(exc: ValidationError) -> BadInput:
    """The first problem with the preferences, named by the option that set the field."""
    problem = bad_input(exc, _PREFERENCE_OPTIONS, "preferences")
    if "likes and dislikes" in str(problem) and str(problem).startswith("preferences"):
        return BadInput("--like/--dislike", str(problem).split(": ", 1)[1])
    return problem


def _with_foods(
    catalog: FoodCatalog,
    preferences: Preferences,
    *,
    dislikes: tuple[Any, ...],
    likes: tuple[Any, ...],
) -> Preferences:
    """The preferences with resolved food ids; a food both liked and disliked is an error."""
    both = [food_id for food_id in likes if food_id in dislikes]
    if both:
        raise BadInput(
            "--like/--dislike", f"both name {catalog[both[0]].name!r}; keep it in one of them"
        )
    try:
        return Preferences.model_validate(
            {**preferences.model_dump(), "dislikes": dislikes, "likes": likes}
        )
    except ValidationError as exc:
        raise _bad(exc) from None


def _resolve(catalog: FoodCatalog, names: list[str], option: str) -> tuple[Any, ...]:
    """Food names to catalogue ids: the best match of each, or a BadInput naming the option."""
    ids: list[Any] = []
    for name in names:
        found = catalog.find(name, limit=1)
        if not found:
            raise BadInput(
                option,
                f"no food matches {name!r}; try `mealplan foods search WORD` to see names",
            )
        logger.info("%s %r: %s (FDC %s)", option, name, found[0].name, found[0].fdc_id)
        ids.append(found[0].id)
    return tuple(dict.fromkeys(ids))


def _planner(catalog: FoodCatalog, time_limit: float | None, work_limit: int | None) -> Planner:
    try:
        return Planner(
            catalog,
            time_limit=time_limit,
            work_limit=WORK_LIMIT if work_limit is None else work_limit,
        )
    except PlannerError as exc:
        option = "--work-limit" if str(exc).startswith("work_limit") else "--time-limit"
        raise BadInput(option, str(exc)) from None


def _check_output(args: argparse.Namespace) -> None:
    """Catch a file-for-folder mix-up, or a device or FIFO given as the output, before minutes
    of work, not after. ``--out -`` means stdout."""
    out: Path | None = args.out
    if out is not None and str(out) == "-":
        args.out = None
        return
    if out is None:
        return
    try:
        if args.format == "table":
            if out.exists() and not out.is_dir():
                raise BadInput(
                    "--out", f"{out} is a file; with --format table --out names a folder"
                )
            check_output_path(out, "folder")
            for name in OUTPUT_FILES.values():
                check_output_path(out / name, "file")
        elif out.is_dir():
            raise BadInput(
                "--out", f"{out} is a folder; with --format {args.format} --out names a file"
            )
        else:
            check_output_path(out, "file")
    except OutputPathError as exc:
        raise BadInput("--out", str(exc)) from None


# -- output ------------------------------------------------------------------------------------
def _report_infeasible(fmt: str, exc: InfeasiblePlanError) -> None:
    """The diagnosis where it cannot be mistaken for a plan.

    With ``--format table`` the diagnosis is the report, on stdout. Otherwise stdout (or the
    ``--out`` file) is reserved for a plan: the diagnosis goes to stderr, and for json stdout
    gets one JSON object an app can parse. ``--out`` is never written for a failed plan.
    """
    diagnosis = exc.diagnosis
    if fmt == "table":
        print(render_diagnosis(diagnosis))
    else:
        if fmt == "json":
            error: dict[str, Any] = {"error": "infeasible", "message": str(exc)}
            if isinstance(diagnosis, Diagnosis):
                error["diagnosis"] = diagnosis.model_dump(mode="json")
            print(json.dumps(error, indent=2, ensure_ascii=False))
        print(render_diagnosis(diagnosis), file=sys.stderr)
    print("mealplan: no plan meets the targets (see the diagnosis)", file=sys.stderr)


def _emit(
    args: argparse.Namespace,
    plan: WeekPlan | DayPlan,
    *,
    profile: Profile,
    targets: Targets,
    preferences: Preferences,
    catalog: FoodCatalog,
) -> None:
    if args.format == "table":
        print(render_text(plan, catalog_release=catalog.release))
        if args.out is not None:
            written = write_outputs(
                plan,
                args.out,
                targets=targets,
                profile=profile,
                preferences=preferences,
                catalog_release=catalog.release,
            )
            print(f"\nWrote {', '.join(str(written[k]) for k in OUTPUT_FILES)}")
        return
    if args.format == "json":
        text = plan.model_dump_json(indent=2) + "\n"
    elif args.format == "csv":
        text = frame_to_csv(plan.to_frame())
    else:
        text = render_html(
            plan,
            profile=profile,
            targets=targets,
            preferences=preferences,
            catalog_release=catalog.release,
        )
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_file(args.out, text.encode("utf-8"))


@contextmanager
def _status(message: str) -> Iterator[None]:
    """A one-line status on stderr while slow work runs, only when a person is watching."""
    stream = sys.stderr
    shown = stream.isatty()
    if shown:
        stream.write(f"mealplan: {message}…")
        stream.flush()
    try:
        yield
    finally:
        if shown:
            stream.write("\r\033[K")
            stream.flush()
