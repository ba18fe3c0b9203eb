"""The ``mealplan`` command; each subcommand lives in a module with a ``register`` function."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from mealplan.errors import MealplanError, OutputPathError

#: Exit codes: 0 success, 2 bad input (including an output path that must not be written, such
#: as a device or FIFO), 3 infeasible plan, 4 I/O, data or network failure (a read-only folder,
#: a full disk, an unreadable file). Every error is one line on stderr.
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
    code = EXIT_OK
    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except OutputPathError as exc:
        print(f"mealplan: --out: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MealplanError as exc:
        print(f"mealplan: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as other command-line tools do, with
        # the code the command had already decided (an infeasible plan stays 3).
        silence_stdout()
        return code
    except OSError as exc:
        # Anything else the system refused: one line naming the file and the reason, never a
        # traceback. Files mealplan opens carry their name; the one unnamed file is stdout
        # (``> /dev/full``, a full disk under a shell redirect).
        where = "stdout" if exc.filename is None else str(exc.filename)
        if exc.filename is None:
            silence_stdout()
        print(f"mealplan: {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILURE


def silence_stdout() -> None:
    """Point stdout at the null device, so that nothing more (not even the interpreter's final
    flush) fails on a reader that went away or a full disk."""
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test's capture): nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
