"""``mealplan schema NAME``: the JSON Schema of what mealplan writes, for apps that read it.

Each name maps to the import path of a pydantic model; adding a schema is one line in
:data:`SCHEMAS`. The model is imported only when its schema is asked for.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from importlib import import_module
from types import MappingProxyType
from typing import Any

from mealplan.cli import EXIT_OK

#: Schema name -> ``"module:Class"`` of the pydantic model it describes.
SCHEMAS: Mapping[str, str] = MappingProxyType(
    {
        "plan": "mealplan.domain.plan:WeekPlan",
        "day": "mealplan.domain.plan:DayPlan",
        "request": "mealplan.batch:PlanRequest",
        "result": "mealplan.batch:PlanResult",
    }
)

EXAMPLES = """examples:
  mealplan schema plan > week.schema.json   # what `mealplan week --format json` prints
  mealplan schema day                        # what `mealplan day --format json` prints
  mealplan schema request                    # a line of `mealplan batch`'s input
  mealplan schema result                     # a line of its output
"""


def register(subparsers: Any) -> None:
    """Add the ``schema`` subcommand."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a plan (plan, day) or a batch line (request, result)",
        description="Print the JSON Schema (draft 2020-12) of one of mealplan's JSON outputs.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", choices=tuple(SCHEMAS), help="which schema")
    parser.set_defaults(handler=_run)


def model_for(name: str) -> Any:
    """The model class ``SCHEMAS[name]`` names, imported now."""
    module, _, attribute = SCHEMAS[name].partition(":")
    return getattr(import_module(module), attribute)


def _run(args: argparse.Namespace) -> int:
    schema = model_for(args.name).model_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK
