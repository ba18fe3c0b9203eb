"""Argument checks for the public planner API, kept apart from the planner's solving code.

Each check either returns the value (normalized: ``int`` for a numpy integer, ``float`` for a
number) or raises a :class:`~mealplan.errors.PlannerError` whose message starts with the
argument's name (``"days: ..."``, ``"preferences.locks: ..."``) and says what is allowed. All of
them run before any model is built, so bad input fails fast.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Iterable
from typing import TypeGuard

from mealplan.catalog import FoodCatalog
from mealplan.domain.plan import WeekPlan
from mealplan.errors import PlannerError, UnknownFoodError
from mealplan.nutrients import NUTRIENT_KEYS
from mealplan.preferences import Preferences
from mealplan.targets import Targets

#: Days a weekly plan may span.
MIN_DAYS, MAX_DAYS = 1, 14
#: The nutrient planned every day, never on weekly average.
_ENERGY = "energy"
#: Food-id fields that only warn about unknown ids unless the planner is strict.
_SOFT_ID_FIELDS = ("exclude_foods", "dislikes", "likes")
_SHOWN_IDS = 10


def is_whole(value: object) -> TypeGuard[numbers.Integral]:
    """A whole number (see :func:`_is_int`), for the planner's own checks."""
    return _is_int(value)


def _is_int(value: object) -> TypeGuard[numbers.Integral]:
    """A whole number: ``int`` or a numpy integer, but not ``bool`` (nor ``numpy.bool_``)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: object) -> TypeGuard[numbers.Real]:
    """A real number (int, float, numpy number), but not ``bool`` nor a string."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _type_name(value: object) -> str:
    return type(value).__name__


def check_days(days: object) -> int:
    """``days`` as an int from 1 to 14; a float, string, bool or None is refused."""
    if _is_int(days) and MIN_DAYS <= int(days) <= MAX_DAYS:
        return int(days)
    raise PlannerError(f"days: must be a whole number from {MIN_DAYS} to {MAX_DAYS} (got {days!r})")


def check_time_limit(time_limit: object) -> float | None:
    """``time_limit`` as finite, positive seconds, or None (no wall-clock limit)."""
    if time_limit is None:
        return None
    if _is_real(time_limit) and math.isfinite(float(time_limit)) and float(time_limit) > 0:
        return float(time_limit)
    raise PlannerError(
        "time_limit: must be None or a finite number of seconds greater than 0 "
        f"(got {time_limit!r})"
    )


def check_work_limit(work_limit: object) -> int | None:
    """``work_limit`` as a whole number of HiGHS limit checks ≥ 1, or None (no work limit)."""
    if work_limit is None:
        return None
    if _is_int(work_limit) and int(work_limit) >= 1:
        return int(work_limit)
    raise PlannerError(
        f"work_limit: must be None or a whole number of at least 1 (got {work_limit!r})"
    )


def check_gap(gap: object) -> float:
    """``gap`` as a relative MIP gap in [0, 1)."""
    if _is_real(gap) and 0 <= float(gap) < 1:
        return float(gap)
    raise PlannerError(f"gap: must be a number in [0, 1), such as 0.01 (got {gap!r})")


def check_flag(name: str, value: object) -> bool:
    """A keyword that must be True or False (a string such as ``"no"`` would read as true)."""
    if not isinstance(value, bool):
        raise PlannerError(f"{name}: must be True or False (got {value!r})")
    return value


def check_catalog(catalog: object) -> FoodCatalog:
    """The planner's catalogue."""
    if not isinstance(catalog, FoodCatalog):
        raise PlannerError(
            f"catalog: must be a mealplan.FoodCatalog (got {_type_name(catalog)}); "
            "use FoodCatalog.default() or FoodCatalog.from_frame(...)"
        )
    return catalog


def check_targets(targets: object) -> Targets:
    """The targets of a plan: a :class:`Targets`, never a mapping or None."""
    if not isinstance(targets, Targets):
        raise PlannerError(
            f"targets: must be a mealplan.Targets (got {_type_name(targets)}); build one with "
            "Targets.for_profile(profile), Targets(minimums={...}) or Targets.model_validate(data)"
        )
    return targets


def check_preferences(preferences: object) -> Preferences:
    """A :class:`Preferences`, or the defaults for None.

    A mapping is refused rather than converted, so that the type a caller passes is the type the
    planner uses; ``Preferences.model_validate(mapping)`` converts one and names any bad field.
    """
    if preferences is None:
        return Preferences()
    if not isinstance(preferences, Preferences):
        raise PlannerError(
            f"preferences: must be a mealplan.Preferences or None (got {_type_name(preferences)});"
            " build one with Preferences(**values) or Preferences.model_validate(values), "
            "which names any bad field"
        )
    return preferences


def allowed_weekly_nutrients(targets: Targets) -> list[str]:
    """The keys ``weekly_nutrients`` may name: mealplan's nutrients and the targets' own keys
    (custom targets may carry custom keys), except energy, which is planned every day."""
    keys = [k for k in NUTRIENT_KEYS if k != _ENERGY]
    return keys + [k for k in targets if k not in keys and k != _ENERGY]


def check_weekly_nutrients(preferences: Preferences, targets: Targets) -> None:
    """Every ``preferences.weekly_nutrients`` key is a known nutrient or one of the targets'.

    A known nutrient the targets lack is allowed (it has nothing to average), so the defaults
    work with any targets.
    """
    allowed = allowed_weekly_nutrients(targets)
    unknown = [k for k in preferences.weekly_nutrients if k not in allowed]
    if unknown:
        raise PlannerError(
            f"preferences.weekly_nutrients: unknown nutrient(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}"
        )


def check_lock_days(preferences: Preferences, days: int) -> None:
    """No lock asks for a day the plan does not have."""
    late = sorted(
        {lock.day for lock in preferences.locks if lock.day is not None and lock.day > days}
    )
    if late:
        span = "1 day" if days == 1 else f"{days} days"
        raise PlannerError(
            f"preferences.locks: day(s) {', '.join(map(str, late))} lie beyond the plan of {span}; "
            f"a lock's day must be between 1 and {days} (or None for every day)"
        )


def _unknown_ids(catalog: FoodCatalog, ids: Iterable[object]) -> list[object]:
    return list(dict.fromkeys(i for i in ids if i not in catalog))


def _shown(ids: list[object]) -> str:
    text = ", ".join(repr(i) for i in ids[:_SHOWN_IDS])
    more = len(ids) - _SHOWN_IDS
    return text + (f" and {more} more" if more > 0 else "")


def check_food_ids(
    preferences: Preferences,
    catalog: FoodCatalog,
    *,
    strict: bool,
    logger: logging.Logger,
) -> None:
    """Food ids the catalogue lacks: an error in ``locks`` (a lock cannot be kept), a WARNING on
    ``logger`` in ``exclude_foods``, ``dislikes`` and ``likes``, or an error there too when
    ``strict``. Errors are :class:`UnknownFoodError`, naming every field and id at once."""
    unknown: dict[str, list[object]] = {}
    locked = _unknown_ids(catalog, (lock.food for lock in preferences.locks))
    if locked:
        unknown["preferences.locks"] = locked
    for field in _SOFT_ID_FIELDS:
        ids = _unknown_ids(catalog, getattr(preferences, field))
        if not ids:
            continue
        if strict:
            unknown[f"preferences.{field}"] = ids
        else:
            logger.warning(
                "preferences.%s: food id(s) %s are not in the catalogue and have no effect",
                field,
                _shown(ids),
            )
    if unknown:
        parts = [f"{field}: food id(s) {_shown(ids)}" for field, ids in unknown.items()]
        raise UnknownFoodError(
            "; ".join(parts)
            + f" are not in the catalogue ({len(catalog)} foods); find ids with catalog.find(name)",
            unknown,
        )


def check_plan(
    targets: object,
    preferences: object,
    catalog: FoodCatalog,
    *,
    days: int,
    strict: bool,
    logger: logging.Logger,
) -> tuple[Targets, Preferences]:
    """Every check of one plan call's targets and preferences; returns them typed."""
    checked_targets = check_targets(targets)
    checked = check_preferences(preferences)
    check_weekly_nutrients(checked, checked_targets)
    check_lock_days(checked, days)
    check_food_ids(checked, catalog, strict=strict, logger=logger)
    return checked_targets, checked


def check_keep(keep: object, replan: object, days: int) -> list[int]:
    """``replan`` as sorted day numbers; with ``keep``, each within 1..``days`` and ``keep``
    as long as the plan."""
    if keep is not None and not isinstance(keep, WeekPlan):
        raise PlannerError(f"keep: must be a WeekPlan or None (got {_type_name(keep)})")
    if isinstance(replan, str | bytes) or not isinstance(replan, Iterable):
        raise PlannerError(f"replan: must be day numbers such as [3] (got {replan!r})")
    items = list(replan)
    if not all(_is_int(d) for d in items):
        raise PlannerError(f"replan: must be whole day numbers such as [3] (got {items!r})")
    replan_days = sorted({int(d) for d in items if _is_int(d)})
    if keep is not None:
        if len(keep.days) != days:
            raise PlannerError(f"keep: has {len(keep.days)} days, expected {days}")
        bad = [d for d in replan_days if not 1 <= d <= days]
        if bad:
            raise PlannerError(f"replan: days must be between 1 and {days} (got {bad})")
    return replan_days
