"""mealplan behind an app: a JSON request on stdin, a JSON plan (or a JSON error) on stdout.

    python examples/embed_in_app.py < examples/request.json > plan.json

The request::

    {"profile": {"age": 34, "sex": "female"},
     "preferences": {"diet": "vegetarian", "exclude_allergens": ["peanuts"],
                     "shortfalls": "declare"},
     "days": 7}

``"shortfalls": "declare"``: an app shows the closest week and the targets it misses (here
vitamin D, about 89 % on weekly average) rather than an error.

The request is a :class:`mealplan.PlanRequest`, as a line of ``mealplan batch`` is: ``profile``
and ``preferences`` take the fields of :class:`mealplan.Profile` and
:class:`mealplan.Preferences` (``preferences`` must be an object); ``days`` is a JSON integer
from 1 to 14 (``"3"``, ``2.5`` or ``true`` is a ``validation_error``); ``kind`` ("week", the
default, or "day") and ``id`` are optional. It is planned with :func:`mealplan.plan_many`,
which answers with a plan, a diagnosis or an error; this script turns that into its output.
The answer is ``WeekPlan`` JSON (``DayPlan`` for a day; read it back with
``model_validate_json``). Anything else is one JSON object on stdout,
``{"error": {"type": ..., "message": ..., "details": ...}}``, with exit code

- 2 for ``bad_request`` (not a JSON object, or a request the planner refuses: the message starts
  with the field, such as ``preferences.weekly_nutrients: unknown nutrient(s) ...``; the planner
  is strict, so food ids the catalogue lacks in ``locks``, ``exclude_foods``, ``dislikes`` or
  ``likes`` are refused too, with ``details`` mapping each field to those ids) and
  ``validation_error`` (a field of the wrong type or out of range), with pydantic's problems in
  ``details``;
- 3 for ``infeasible``: no plan meets the targets, with the diagnosis in ``details``;
- 4 for ``internal_error``: a bug; the message names the exception, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import ValidationError

from mealplan import PlanRequest, PlanResult, plan_many

EXIT_BAD_REQUEST, EXIT_INFEASIBLE, EXIT_INTERNAL = 2, 3, 4


def error(kind: str, message: str, details: Any = None) -> str:
    return json.dumps(
        {"error": {"type": kind, "message": message, "details": details}}, ensure_ascii=False
    )


def handle(raw: bytes | str) -> tuple[str, int]:
    """The response body and exit code for one request; never raises."""
    try:
        request = PlanRequest.model_validate_json(raw)
    except ValidationError as exc:
        problems = json.loads(exc.json(include_url=False, include_input=False))
        first = problems[0]
        if not first["loc"] and first["type"] != "value_error":
            # the body as a whole: not JSON, not UTF-8, not an object
            return error(
                "bad_request", f"the request is not a JSON object: {first['msg']}", problems
            ), EXIT_BAD_REQUEST
        where = ".".join(str(part) for part in first["loc"])
        reason = str((first.get("ctx") or {}).get("error") or first["msg"])
        message = f"{where}: {reason}" if where else reason
        return error("validation_error", message, problems), EXIT_BAD_REQUEST
    (result,) = plan_many([request])
    return answer(result)


def answer(result: PlanResult) -> tuple[str, int]:
    """A plan, or the JSON error for a diagnosis or a refused request."""
    if result.plan is not None:
        return result.plan.model_dump_json(), 0
    if result.diagnosis is not None:
        details = result.diagnosis.model_dump(mode="json")
        return error("infeasible", result.diagnosis.message, details), EXIT_INFEASIBLE
    assert result.error is not None
    refused = result.error.type in ("bad_request", "validation_error")
    code = EXIT_BAD_REQUEST if refused else EXIT_INTERNAL
    return error(result.error.type, result.error.message, result.error.details), code


def main() -> int:
    body, code = handle(sys.stdin.buffer.read())
    sys.stdout.write(body + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
