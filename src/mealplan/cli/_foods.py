"""``mealplan foods``: search the catalogue, show a food's nutrients, report coverage."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from mealplan.cli import EXIT_BAD_INPUT, EXIT_OK

if TYPE_CHECKING:  # the catalogue (pandas, numpy) is read when a command runs
    from mealplan.catalog import FoodCatalog

#: The allowed range of ``foods search --limit``.
LIMIT_RANGE = (1, 1000)

EXAMPLES = """examples:
  mealplan foods search salmon
  mealplan foods search "soy milk" --all
  mealplan foods show 171265
  mealplan foods coverage --all
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "foods",
        help="search foods, show one food's nutrients, report nutrient coverage",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="foods_command", metavar="ACTION", required=True)
    search = actions.add_parser("search", help="foods whose name matches WORD")
    search.add_argument("word")
    search.add_argument(
        "--limit",
        type=int,
        default=15,
        help=f"at most this many foods, {LIMIT_RANGE[0]}-{LIMIT_RANGE[1]} (default: %(default)s)",
    )
    search.add_argument(
        "--all",
        action="store_true",
        help="search all shipped foods (foods as eaten and ingredients), not only the default",
    )
    search.set_defaults(handler=_search)

    show = actions.add_parser("show", help="a food's nutrients per 100 g and per serving")
    show.add_argument(
        "fdc_id", type=int, help="an FDC id, or the 8-digit FNDDS food code of a food as eaten"
    )
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(handler=_show)

    coverage = actions.add_parser("coverage", help="how many foods have a value per nutrient")
    coverage.add_argument("--all", action="store_true", help="all shipped foods")
    coverage.add_argument("--format", choices=("table", "json"), default="table")
    coverage.set_defaults(handler=_coverage)


def _catalog(everything: bool) -> FoodCatalog:
    from mealplan.catalog import shipped_catalog

    return shipped_catalog("full" if everything else "default")


def _complain(message: str) -> int:
    """A bad-input error: one line on stderr, exit code 2."""
    print(f"mealplan: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _search(args: argparse.Namespace) -> int:
    low, high = LIMIT_RANGE
    if not low <= args.limit <= high:
        return _complain(f"--limit: must be between {low} and {high} (got {args.limit})")
    catalog = _catalog(args.all)
    found = catalog.find(args.word, limit=args.limit)
    if not found:
        print(f"no food matches {args.word!r}")
        return EXIT_OK
    for food in found:
        # The USDA id: the FDC id, or the FNDDS food code of a food as eaten (its id negated).
        usda_id = food.fdc_id if food.fdc_id is not None else -int(food.id)
        close = "  (close spelling)" if food.match == "fuzzy" else ""
        print(f"{usda_id!s:>8}  {food.name}  [{food.role}; {food.serving_text}]{close}")
    return EXIT_OK


def _amount(value: float | None, unit: str) -> str:
    return "unknown" if value is None or math.isnan(value) else f"{value:,.2f} {unit}"


def _show(args: argparse.Namespace) -> int:
    from mealplan.catalog import FoodCatalog

    catalog = FoodCatalog.full()
    # A food as eaten is filed under minus its FNDDS food code (its FDC id is not shipped).
    food = catalog.get(args.fdc_id) or catalog.get(-args.fdc_id)
    if food is None:
        return _complain(
            f"fdc_id: {args.fdc_id} is not among the shipped foods; "
            "fetch it with FdcClient().get_food(...)"
        )
    if args.format == "json":
        print(json.dumps(food.__dict__, indent=2, default=str))
        return EXIT_OK
    ref = f"FDC {food.fdc_id}" if food.fdc_id is not None else f"FNDDS food code {-food.id}"
    print(f"{food.name}  ({ref}; {food.description}; {food.category})")
    print(f"serving: {food.serving_text} = {food.serving_g:g} g   source: {catalog.release}")
    width = max(len(key) for key in catalog.nutrient_keys) + 1
    print(f"{'nutrient':<{width}}{'per 100 g':>16}{'per serving':>16}  FDC nutrient id")
    for key in catalog.nutrient_keys:
        unit = food.units.get(key, "")
        source = food.nutrient_ids[key]
        where = {0: "computed", -1: "imputed zero"}.get(source, str(source))
        if food.per_100g[key] is None:
            where = "—"
        print(
            f"{key:<{width}}{_amount(food.per_100g[key], unit):>16}"
            f"{_amount(food.per_serving[key], unit):>16}  {where}"
        )
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    catalog = _catalog(args.all)
    frame = catalog.coverage()
    if args.format == "json":
        print(frame.to_json(orient="records", indent=2))
        return EXIT_OK
    print(
        f"{len(catalog)} foods ({'all shipped' if args.all else 'everyday set'}); "
        "imputed zeros only where the category makes zero a fact"
    )
    width = max(len("nutrient"), *(len(str(key)) for key in frame["nutrient"])) + 1
    print(f"{'nutrient':<{width}}{'unit':<6}{'from FDC':>10}{'imputed 0':>11}{'unknown':>9}")
    for row in frame.itertuples():
        print(
            f"{row.nutrient:<{width}}{row.unit:<6}{row.from_fdc:>10}{row.imputed_zero:>11}"
            f"{row.unknown:>9}"
        )
    return EXIT_OK
