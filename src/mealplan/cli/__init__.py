"""The ``mealplan`` command; each subcommand lives in a module with a ``register`` function."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from mealplan.errors import MealplanError

#: Exit codes: 0 success, 2 bad input, 3 infeasible plan, 4 data or network failure.
EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_FAILURE = 4


def build_parser() -> argparse.ArgumentParser:
    from mealplan.cli import _cache, _foods, _plan, _targets

    parser = argparse.ArgumentParser(
        prog="mealplan",
        description="Food-first meal plans for magnesium, potassium, calcium, vitamin D and B12.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (_cache, _foods, _targets, _plan):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except MealplanError as exc:
        print(f"mealplan: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
