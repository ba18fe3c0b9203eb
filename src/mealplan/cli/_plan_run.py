"""The work of ``mealplan week``, ``day`` and ``swap`` (their parser is in ``_plan``): check the
input, load the catalogue, plan, then render and write the plan or the diagnosis."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from mealplan.catalog import FoodCatalog, shipped_catalog
from mealplan.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, silence_stdout
from mealplan.cli._profile import BadInput, bad_input, profile_from_args
from mealplan.domain.diagnosis import Diagnosis
from mealplan.domain.limits import WORK_LIMIT
from mealplan.domain.plan import DayPlan, WeekPlan
from mealplan.domain.vocabulary import MEALS
from mealplan.errors import InfeasiblePlanError, OutputPathError, PlannerError
from mealplan.export import (
    OUTPUT_FILES,
    check_output_path,
    frame_to_csv,
    write_file,
    write_outputs,
)
from mealplan.planner import Planner
from mealplan.preferences import Preferences
from mealplan.report import render_diagnosis, render_html, render_text
from mealplan.targets import Profile, Targets, TargetsError

logger = logging.getLogger(__name__)

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


def run(args: argparse.Namespace) -> int:
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
        planner = _planner(catalog, args.time_limit, args.work_limit, args.generate_meals)
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


def _planner(
    catalog: FoodCatalog, time_limit: float | None, work_limit: int | None, generate_meals: bool
) -> Planner:
    try:
        return Planner(
            catalog,
            time_limit=time_limit,
            work_limit=WORK_LIMIT if work_limit is None else work_limit,
            generate_meals=generate_meals,
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
