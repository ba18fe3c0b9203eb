"""``mealplan targets``: the daily DRI targets for a person, with units and sources."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from mealplan.cli import EXIT_BAD_INPUT, EXIT_OK
from mealplan.cli._profile import BadInput, add_profile_arguments, profile_from_args
from mealplan.domain.wording import REPORT_MEDICAL_NOTE

if TYPE_CHECKING:  # read by _run when the command runs, not when the parser is built
    from mealplan.targets import Bound, Profile, Targets

EXAMPLES = """examples:
  mealplan targets --age 34 --sex female
  mealplan targets --age 29 --sex female --pregnant --trimester 3 --cramp
  mealplan targets --age 52 --sex male --weight-kg 82 --height-cm 180 --activity active
  mealplan targets --age 8 --sex male --format json
"""

CRAMP_NOTE = textwrap.fill(REPORT_MEDICAL_NOTE, width=92)


def register(subparsers: Any) -> None:
    """Add the ``targets`` subcommand."""
    parser = subparsers.add_parser(
        "targets",
        help="daily nutrient targets (DRI) for an age, sex and life stage",
        description=(
            "Daily targets from the Dietary Reference Intakes: RDA/AI minimums, food-applicable "
            "ULs and the sodium CDRR as maximums, energy from the IOM 2005 EER equations."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_profile_arguments(parser)
    parser.add_argument(
        "--energy",
        type=float,
        nargs=2,
        metavar=("MIN", "MAX"),
        help="use this energy range in kcal instead of the EER ±10%%",
    )
    parser.add_argument(
        "--cramp",
        action="store_true",
        help="muscle-cramp preset: magnesium, potassium, calcium, vitamin D, B12, B6 first",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    """Build the profile and targets; bad input is one stderr line and exit code 2."""
    from mealplan.targets import Targets, TargetsError

    try:
        profile = profile_from_args(args)
    except BadInput as exc:
        _complain(str(exc))
        return EXIT_BAD_INPUT
    energy = None if args.energy is None else (args.energy[0], args.energy[1])
    build = Targets.cramp_support if args.cramp else Targets.for_profile
    try:
        targets = build(profile, energy=energy)
    except TargetsError as exc:
        _complain(f"--energy: {exc}" if energy is not None else str(exc))
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps(targets.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(_table(targets, profile))
        if args.cramp:
            print()
            print(CRAMP_NOTE)
    return EXIT_OK


def _complain(message: str) -> None:
    print(f"mealplan: {message}", file=sys.stderr)


def _number(value: float) -> str:
    """Few enough digits to read: whole numbers from 100, one decimal from 10, else two."""
    if value >= 100:
        text = f"{value:.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _quantity(value: float | None, bound: Bound) -> str:
    if value is None:
        return "-"
    return f"{_number(value)} {bound.unit}" if bound.unit else _number(value)


def _table(targets: Targets, profile: Profile) -> str:
    """Aligned columns nutrient, min, max, unit, source, under a one-line profile summary."""
    size = []
    if profile.weight_kg is not None:
        size.append(f"{profile.weight_kg:g} kg")
    if profile.height_cm is not None:
        size.append(f"{profile.height_cm:g} cm")
    summary = (
        f"Daily targets for {profile.sex}, age {profile.age:g}, DRI life stage "
        f"{profile.life_stage}, activity {profile.activity}"
        + (f", {', '.join(size)}" if size else "")
    )
    header = ("nutrient", "min", "max", "unit", "source")
    rows = [
        (
            bound.nutrient,
            _quantity(bound.min, bound),
            _quantity(bound.max, bound),
            bound.unit or "",
            bound.source,
        )
        for bound in targets.values()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [summary, ""]
    for row in [header, *rows]:
        cells = [
            row[i].rjust(widths[i]) if i in (1, 2) else row[i].ljust(widths[i]) for i in range(4)
        ]
        lines.append("  ".join([*cells, row[4]]))
    return "\n".join(lines)
