"""The mealplan version a plan's JSON and ``mealplan --version`` state."""

from __future__ import annotations


def package_version() -> str:
    """The installed distribution's version, or the package's own when mealplan runs from a
    source tree that was never installed. Read when asked: importing ``importlib.metadata``
    costs every other run of the command some milliseconds."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mealplan")
    except PackageNotFoundError:
        from mealplan import __version__

        return __version__
