"""The ``mealplan`` command; each subcommand lives in a module with a ``register`` function."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from mealplan._version import package_version
from mealplan.errors import MealplanError, OutputPathError

#: Exit codes: 0 success, 2 bad input (including an output path that must not be written, such
#: as a device or FIFO), 3 infeasible plan, 4 I/O, data or network failure (a read-only folder,
#: a full disk, an unreadable file). Every error is one line on stderr.
EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_FAILURE = 4


#: Shown under the top-level help.
EPILOG = """\
mealplan --version prints the version; mealplan COMMAND --help explains a command.
Shell completion: mealplan completion bash > ~/.local/share/bash-completion/completions/mealplan

Results go to stdout; errors, questions and progress to stderr. mealplan prints no colour
anywhere, so NO_COLOR (https://no-color.org) is respected trivially."""


def build_parser() -> argparse.ArgumentParser:
    """The command's parser. Each subcommand module registers its options and a handler that
    imports the heavy modules (pandas, the solvers, requests) only when it runs, so building
    the parser and printing ``--help`` stay fast."""
    from mealplan.cli import _batch, _cache, _completion, _foods, _plan, _schema, _targets

    parser = argparse.ArgumentParser(
        prog="mealplan",
        description="Food-first meal plans for magnesium, potassium, calcium, vitamin D and B12.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument(
        "--version", action=_VersionAction, help="print mealplan's version and exit"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (_cache, _foods, _targets, _plan, _batch, _schema, _completion):
        module.register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: like argparse's own, but reads the version only when asked (importing
    ``importlib.metadata`` costs every other run of the command some milliseconds)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"{parser.prog} {package_version()}\n")
        parser.exit()


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
