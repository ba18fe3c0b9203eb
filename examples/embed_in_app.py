"""mealplan behind an app: a JSON request on stdin, a JSON plan (or a JSON error) on stdout.

    python examples/embed_in_app.py < examples/request.json > plan.json

The request::

    {"profile": {"age": 34, "sex": "female"},
     "preferences": {"diet": "vegetarian", "exclude_allergens": ["peanuts"],
                     "shortfalls": "declare"},
     "days": 7}

``"shortfalls": "declare"``: an app shows the closest week and the targets it misses (here
vitamin D, about 89 % on weekly average) rather than an error.

``profile`` and ``preferences`` take the fields of :class:`mealplan.Profile` and
:class:`mealplan.Preferences` (``preferences`` must be an object); ``days`` is a JSON integer
from 1 to 14 (``"3"``, ``2.5`` or ``true`` is a ``validation_error``). The answer is
``WeekPlan`` JSON (read it back with ``WeekPlan.model_validate_json``). Anything else is one
JSON object on stdout, ``{"error": {"type": ..., "message": ..., "details": ...}}``, with exit
code

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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mealplan import (
    FoodCatalog,
    InfeasiblePlanError,
    MealplanError,
    Planner,
    Preferences,
    Profile,
    Targets,
)
from mealplan.errors import UnknownFoodError

EXIT_BAD_REQUEST, EXIT_INFEASIBLE, EXIT_INTERNAL = 2, 3, 4


class PlanRequest(BaseModel):
    """What an app sends: who, what they eat, how many days. Unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid")

    profile: Profile
    preferences: Preferences = Field(default_factory=Preferences)
    #: Strict: a JSON integer, not "3", 2.5 or true (which lax parsing would turn into 3 or 1).
    days: int = Field(default=7, ge=1, le=14, strict=True)


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
        if not first["loc"]:  # the body as a whole: not JSON, not UTF-8, not an object
            return error(
                "bad_request", f"the request is not a JSON object: {first['msg']}", problems
            ), EXIT_BAD_REQUEST
        where = ".".join(str(part) for part in first["loc"])
        reason = (first.get("ctx") or {}).get("error") or first["msg"]
        return error("validation_error", f"{where}: {reason}", problems), EXIT_BAD_REQUEST
    try:
        targets = Targets.cramp_support(request.profile)
        planner = Planner(FoodCatalog.default(), strict=True)
        week = planner.plan_week(targets, request.preferences, days=request.days)
    except InfeasiblePlanError as exc:
        diagnosis = exc.diagnosis
        details = diagnosis.model_dump(mode="json") if isinstance(diagnosis, BaseModel) else None
        return error("infeasible", str(exc), details), EXIT_INFEASIBLE
    except UnknownFoodError as exc:
        return error("bad_request", str(exc), exc.unknown), EXIT_BAD_REQUEST
    except MealplanError as exc:
        return error("bad_request", str(exc)), EXIT_BAD_REQUEST
    except Exception as exc:  # an app needs JSON even from a bug; the type names it
        return error("internal_error", f"{type(exc).__name__}: {exc}"), EXIT_INTERNAL
    return week.model_dump_json(), 0


def main() -> int:
    body, code = handle(sys.stdin.buffer.read())
    sys.stdout.write(body + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
