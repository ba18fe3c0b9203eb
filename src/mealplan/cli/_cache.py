"""``mealplan cache``: import FDC bulk files, show what the cache holds, clear it."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from mealplan.cli import EXIT_BAD_INPUT, EXIT_OK

if TYPE_CHECKING:  # the cache (pydantic, platformdirs) is read when a command runs
    from mealplan.cache import FoodCache

EXAMPLES = """examples:
  mealplan cache import FoodData_Central_foundation_food_json_2024-10-31.zip
  mealplan cache import FoodData_Central_sr_legacy_food_csv_2018-04/ --values-from sr28asc.zip
  mealplan cache stats --format json
  mealplan cache clear --yes
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cache",
        help="import FDC bulk downloads, show or clear the food cache",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--cache-dir", help="cache folder (default: MEALPLAN_CACHE_DIR or the user cache directory)"
    )
    actions = parser.add_subparsers(dest="cache_command", metavar="ACTION", required=True)

    importer = actions.add_parser("import", help="read an FDC JSON/CSV bulk download")
    importer.add_argument("path", help="an FDC bulk zip, its unpacked folder, or its .json file")
    importer.add_argument(
        "--values-from",
        metavar="SR28",
        help="SR28 ASCII zip/folder giving the nutrient values for SR Legacy CSV tables",
    )
    importer.add_argument("--format", choices=("table", "json"), default="table")
    importer.set_defaults(handler=_import)

    stats = actions.add_parser("stats", help="what the cache holds")
    stats.add_argument("--format", choices=("table", "json"), default="table")
    stats.set_defaults(handler=_stats)

    clear = actions.add_parser(
        "clear",
        help="delete the user cache (never the starter pack)",
        description=(
            "Delete the user cache after asking on stderr and reading y/N from stdin. Without\n"
            "--yes and without an answer (stdin closed or empty) nothing is deleted and the\n"
            "exit code is 2."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clear.add_argument("--yes", action="store_true", help="do not ask")
    clear.set_defaults(handler=_clear)


def _cache(args: argparse.Namespace) -> FoodCache:
    from mealplan.cache import FoodCache

    return FoodCache(args.cache_dir)


def _print(data: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(data, indent=2, default=str))
        return
    width = max(len(key) for key in data)
    for key, value in data.items():
        print(f"{key:<{width}}  {value}")


def _import(args: argparse.Namespace) -> int:
    from mealplan.fdc.bulk import import_bulk  # tqdm and the FDC parsers

    report = import_bulk(args.path, _cache(args), values_from=args.values_from)
    data = asdict(report)
    if args.format == "table":
        data["skipped"] = f"{len(report.skipped)} (see --format json for ids and reasons)"
    _print(data, args.format)
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    _print(asdict(_cache(args).stats()), args.format)
    return EXIT_OK


def _clear(args: argparse.Namespace) -> int:
    cache = _cache(args)
    if not args.yes:
        answer = _ask(f"delete the user cache at {cache.path}? [y/N] ")
        if answer is None:
            print(
                "mealplan: cache clear: no answer on stdin; nothing deleted "
                "(pass --yes to clear without asking)",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return EXIT_OK
    removed = cache.clear()
    print(f"removed {removed} foods from {cache.path}")
    return EXIT_OK


def _ask(question: str) -> str | None:
    """The line typed after ``question`` (asked on stderr, so stdout stays data), or None at
    end of input: a closed or empty stdin is "no", never an EOFError."""
    sys.stderr.write(question)
    sys.stderr.flush()
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        sys.stderr.write("\n")
        return None
    return line
