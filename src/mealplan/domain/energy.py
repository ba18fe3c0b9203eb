"""The day's energy range, decided in one place: the preferences' calories win over targets.

The planner, ``verify``, the totals and the report all ask :func:`energy_range`; it reads any
object shaped like ``Targets`` and ``Preferences`` so the domain imports nothing above it.
"""

from __future__ import annotations

from typing import Protocol

ENERGY = "energy"


class _Range(Protocol):
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...


class _Targets(Protocol):
    def get(self, key: str) -> _Range | None: ...


class _Calories(Protocol):
    @property
    def calories(self) -> tuple[float, float] | None: ...


def energy_range(targets: _Targets, preferences: _Calories) -> tuple[float | None, float | None]:
    """(low, high) kcal a day: ``Preferences.calories`` when given, else the energy target's
    bounds; None where neither sets one."""
    if preferences.calories is not None:
        low, high = preferences.calories
        return float(low), float(high)
    bound = targets.get(ENERGY)
    if bound is None:
        return None, None
    return bound.min, bound.max
