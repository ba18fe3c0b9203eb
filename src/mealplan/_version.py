"""The installed mealplan's version, as a plan's JSON states it."""

from __future__ import annotations

import functools
from importlib import metadata

#: What a plan states when mealplan runs from a source tree that is not installed.
UNKNOWN_VERSION = "unknown"


@functools.cache
def package_version() -> str:
    """The version of the installed ``mealplan`` distribution, or ``"unknown"``."""
    try:
        return metadata.version("mealplan")
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION
