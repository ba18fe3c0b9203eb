"""mealplan: food-first menus from USDA FoodData Central.

Plans daily and weekly menus that meet magnesium, potassium, calcium, vitamin D and vitamin B12
needs from food, within a calorie range and a person's preferences. Not medical advice.

The public names are loaded on first use (PEP 562): ``import mealplan`` reads none of pandas,
numpy, PuLP, HiGHS or requests, so the ``mealplan`` command and applications that embed the
library start quickly. ``from mealplan import Planner`` and ``mealplan.Planner`` work as before.
"""

from __future__ import annotations

import sys as _sys
from importlib import import_module as _import_module
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mealplan.batch import BatchError, PlanRequest, PlanResult, plan_many
    from mealplan.cache import FoodCache
    from mealplan.catalog import FoodCatalog
    from mealplan.domain.diagnosis import Diagnosis
    from mealplan.domain.food_patterns import FoodGroupBounds
    from mealplan.domain.plan import (
        DayPlan,
        DrinkingWater,
        FoodGroupTotal,
        Meal,
        MealRef,
        NutrientTotal,
        PlanItem,
        PlanShortfall,
        WeekPlan,
    )
    from mealplan.errors import (
        BulkImportError,
        CacheError,
        FdcAuthError,
        FdcDeadlineError,
        FdcError,
        FdcNotFoundError,
        FdcRateLimitError,
        FdcRedirectError,
        FdcResponseError,
        FdcResponseTooLargeError,
        FdcUnavailableError,
        InfeasiblePlanError,
        MealplanError,
        OfflineCacheMissError,
        OutputPathError,
        OutputWriteError,
        PlannerError,
        SolverError,
        UnknownFoodError,
    )
    from mealplan.fdc.client import FdcClient, FoodsResult, SearchHit
    from mealplan.models import Food, NutrientValue, Portion
    from mealplan.planner import Planner
    from mealplan.preferences import Lock, Preferences
    from mealplan.targets import Bound, Profile, Targets
    from mealplan.verify import Violation, verify

#: The package's version, kept equal to ``version`` in pyproject.toml (a test checks it).
__version__ = "0.1.0"

#: Where each public name is defined; :func:`__getattr__` imports the module on first use.
_LAZY: dict[str, str] = {
    "BatchError": "mealplan.batch",
    "PlanRequest": "mealplan.batch",
    "PlanResult": "mealplan.batch",
    "plan_many": "mealplan.batch",
    "FoodCache": "mealplan.cache",
    "FoodCatalog": "mealplan.catalog",
    "Diagnosis": "mealplan.domain.diagnosis",
    "FoodGroupBounds": "mealplan.domain.food_patterns",
    "DayPlan": "mealplan.domain.plan",
    "DrinkingWater": "mealplan.domain.plan",
    "FoodGroupTotal": "mealplan.domain.plan",
    "Meal": "mealplan.domain.plan",
    "MealRef": "mealplan.domain.plan",
    "NutrientTotal": "mealplan.domain.plan",
    "PlanItem": "mealplan.domain.plan",
    "PlanShortfall": "mealplan.domain.plan",
    "WeekPlan": "mealplan.domain.plan",
    "BulkImportError": "mealplan.errors",
    "CacheError": "mealplan.errors",
    "FdcAuthError": "mealplan.errors",
    "FdcDeadlineError": "mealplan.errors",
    "FdcError": "mealplan.errors",
    "FdcNotFoundError": "mealplan.errors",
    "FdcRateLimitError": "mealplan.errors",
    "FdcRedirectError": "mealplan.errors",
    "FdcResponseError": "mealplan.errors",
    "FdcResponseTooLargeError": "mealplan.errors",
    "FdcUnavailableError": "mealplan.errors",
    "InfeasiblePlanError": "mealplan.errors",
    "MealplanError": "mealplan.errors",
    "OfflineCacheMissError": "mealplan.errors",
    "OutputPathError": "mealplan.errors",
    "OutputWriteError": "mealplan.errors",
    "PlannerError": "mealplan.errors",
    "SolverError": "mealplan.errors",
    "UnknownFoodError": "mealplan.errors",
    "FdcClient": "mealplan.fdc.client",
    "FoodsResult": "mealplan.fdc.client",
    "SearchHit": "mealplan.fdc.client",
    "Food": "mealplan.models",
    "NutrientValue": "mealplan.models",
    "Portion": "mealplan.models",
    "Planner": "mealplan.planner",
    "Lock": "mealplan.preferences",
    "Preferences": "mealplan.preferences",
    "Bound": "mealplan.targets",
    "Profile": "mealplan.targets",
    "Targets": "mealplan.targets",
    "Violation": "mealplan.verify",
    "verify": "mealplan.verify",
}

__all__ = [
    "BatchError",
    "Bound",
    "BulkImportError",
    "CacheError",
    "DayPlan",
    "Diagnosis",
    "DrinkingWater",
    "FdcAuthError",
    "FdcClient",
    "FdcDeadlineError",
    "FdcError",
    "FdcNotFoundError",
    "FdcRateLimitError",
    "FdcRedirectError",
    "FdcResponseError",
    "FdcResponseTooLargeError",
    "FdcUnavailableError",
    "Food",
    "FoodCache",
    "FoodCatalog",
    "FoodGroupBounds",
    "FoodGroupTotal",
    "FoodsResult",
    "InfeasiblePlanError",
    "Lock",
    "Meal",
    "MealRef",
    "MealplanError",
    "NutrientTotal",
    "NutrientValue",
    "OfflineCacheMissError",
    "OutputPathError",
    "OutputWriteError",
    "PlanItem",
    "PlanRequest",
    "PlanResult",
    "PlanShortfall",
    "Planner",
    "PlannerError",
    "Portion",
    "Preferences",
    "Profile",
    "SearchHit",
    "SolverError",
    "Targets",
    "UnknownFoodError",
    "Violation",
    "WeekPlan",
    "plan_many",
    "verify",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value  # later lookups find it without calling this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(_ModuleType):
    """The package's module type: a submodule named like a public name does not hide it.

    Importing ``mealplan.verify`` (the planner does) makes Python set the package's ``verify``
    attribute to that submodule; the eager imports used to rebind it to the function right
    after, and this keeps it so when the name is loaded lazily.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            name in _LAZY
            and isinstance(value, _ModuleType)
            and value.__name__ == f"{__name__}.{name}"
        ):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
