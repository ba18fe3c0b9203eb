"""What ``targets``, ``week`` and ``day`` share: the profile options and how bad input is named.

Building the options imports nothing heavy; :func:`profile_from_args` reads the targets module
(pydantic) when a command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

    from mealplan.targets import Profile

ACTIVITIES = ("inactive", "low_active", "active", "very_active")

#: Profile field -> the option that sets it, so errors name what the user typed.
PROFILE_OPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "age": "--age",
        "sex": "--sex",
        "pregnant": "--pregnant",
        "lactating": "--lactating",
        "trimester": "--trimester",
        "weight_kg": "--weight-kg",
        "height_cm": "--height-cm",
        "activity": "--activity",
    }
)


class BadInput(Exception):
    """One bad option: reported as ``mealplan: OPTION: message`` with exit code 2."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")


def add_profile_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--age``, ``--sex``, ``--pregnant``/``--lactating``, ``--trimester``, body size and
    activity."""
    parser.add_argument("--age", type=float, required=True, help="age in years (1-120)")
    parser.add_argument("--sex", choices=("female", "male"), required=True)
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument("--pregnant", action="store_true", help="pregnant (ages 14-50)")
    stage.add_argument("--lactating", action="store_true", help="breastfeeding (ages 14-50)")
    parser.add_argument(
        "--trimester",
        type=int,
        choices=(1, 2, 3),
        help="with --pregnant: trimester for the energy addition (default: 2nd)",
    )
    parser.add_argument(
        "--weight-kg", type=float, metavar="KG", help="body weight in kg (default: DRI reference)"
    )
    parser.add_argument(
        "--height-cm", type=float, metavar="CM", help="height in cm (default: DRI reference)"
    )
    parser.add_argument(
        "--activity",
        choices=ACTIVITIES,
        default="low_active",
        help="physical activity level for the energy equation (default: %(default)s)",
    )


def bad_input(exc: ValidationError, options: Mapping[str, str], fallback: str) -> BadInput:
    """The first validation problem, named by the option that set the field."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    cause = (error.get("ctx") or {}).get("error")
    message = str(cause) if isinstance(cause, ValueError) else str(error["msg"])
    return BadInput(options.get(field, field or fallback), message)


def profile_from_args(args: argparse.Namespace) -> Profile:
    """The Profile the options describe, or BadInput naming the option at fault."""
    from pydantic import ValidationError

    from mealplan.targets import Profile

    try:
        return Profile(
            age=args.age,
            sex=args.sex,
            pregnant=args.pregnant,
            lactating=args.lactating,
            trimester=args.trimester,
            weight_kg=args.weight_kg,
            height_cm=args.height_cm,
            activity=args.activity,
        )
    except ValidationError as exc:
        raise bad_input(exc, PROFILE_OPTIONS, "profile") from None
