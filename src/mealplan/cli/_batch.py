"""``mealplan batch requests.jsonl --out results.jsonl --workers N``: plan_many on the command line.

Each line of the input is a :class:`mealplan.PlanRequest` as JSON; each line of the output the
:class:`mealplan.PlanResult` of the request on the same line. The planning modules load only
when the command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mealplan.cli import EXIT_BAD_INPUT, EXIT_OK

EXAMPLES = """examples:
  mealplan batch requests.jsonl --out results.jsonl --workers 2
  cat requests.jsonl | mealplan batch - > results.jsonl

A request line: {"id": "u1", "profile": {"age": 34, "sex": "female"},
                 "preferences": {"diet": "vegetarian"}, "kind": "week", "days": 7}
(`mealplan schema request` and `mealplan schema result` print both forms.) Blank lines are
skipped; a request without an id gets its position among the other lines, from 0. A line that
is not a valid request gets a result with its error, and the batch goes on; so does a request
no plan can meet (its result holds the diagnosis). The results file is written whole or not at
all. A summary goes to stderr, with a progress bar on a terminal.

Exit codes: 0 the batch ran (each result says how its request went), 2 bad arguments or an
unreadable input, 4 the output could not be written.
"""


def register(subparsers: Any) -> None:
    """Add the ``batch`` subcommand."""
    parser = subparsers.add_parser(
        "batch",
        help="plan many requests from a JSON-lines file, in parallel",
        description=(
            "Plan every request of a JSON-lines file (one PlanRequest a line) and write one\n"
            "PlanResult a line, in the same order. Identical requests are planned once."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("requests", metavar="REQUESTS.jsonl", help="the requests; - for stdin")
    parser.add_argument(
        "--out", default="-", metavar="PATH", help="the results file; - (default) for stdout"
    )
    parser.add_argument(
        "--workers",
        type=_whole_number,
        default=1,
        metavar="N",
        help="processes planning at once (default 1: plan in this process)",
    )
    parser.add_argument(
        "--chunksize",
        type=_whole_number,
        default=1,
        metavar="K",
        help="requests sent to a worker at a time (default 1)",
    )
    parser.set_defaults(handler=_run)


def _whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1 (got {text!r})")
    return value


def _run(args: argparse.Namespace) -> int:
    from concurrent.futures import Executor, ProcessPoolExecutor

    from tqdm import tqdm

    from mealplan.batch import plan_many
    from mealplan.export import check_output_path, write_file

    try:
        lines = _read_lines(args.requests)
    except OSError as exc:
        print(f"mealplan: {args.requests}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError as exc:
        print(f"mealplan: {args.requests}: not UTF-8 text ({exc.reason})", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.out != "-":
        check_output_path(args.out)  # refuse a device or folder before any planning
    counts = {"planned": 0, "infeasible": 0, "error": 0}
    executor: Executor | None = None
    if args.workers > 1:
        executor = ProcessPoolExecutor(max_workers=args.workers)
    try:
        results = plan_many(lines, executor=executor, chunksize=args.chunksize)
        bar = tqdm(
            results,
            total=len(lines),
            unit="plan",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        )

        def output() -> Iterator[bytes]:
            for result in bar:
                kind = "planned" if result.ok else "infeasible" if result.diagnosis else "error"
                counts[kind] += 1
                yield result.model_dump_json().encode("utf-8") + b"\n"

        if args.out == "-":
            _stream(output(), sys.stdout.buffer)
        else:
            write_file(Path(args.out), output())
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    print(
        f"mealplan batch: {len(lines)} request(s): {counts['planned']} planned, "
        f"{counts['infeasible']} with no plan (diagnosis), {counts['error']} error(s)",
        file=sys.stderr,
    )
    return EXIT_OK


def _read_lines(path: str) -> list[str]:
    """The input's non-blank lines."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def _stream(chunks: Iterator[bytes], out: IO[bytes]) -> None:
    for chunk in chunks:
        out.write(chunk)
        out.flush()
