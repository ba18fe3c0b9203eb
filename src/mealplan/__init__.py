"""mealplan: food-first menus from USDA FoodData Central."""

from mealplan.errors import (
    BulkImportError,
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    MealplanError,
    OfflineCacheMissError,
)
from mealplan.fdc.client import FdcClient, FoodsResult, SearchHit
from mealplan.models import Food, NutrientValue, Portion
from mealplan.targets import Bound, Profile, Targets
from mealplan.verify import Violation, verify

__all__ = [
    "Bound",
    "BulkImportError",
    "FdcAuthError",
    "FdcClient",
    "FdcError",
    "FdcNotFoundError",
    "FdcRateLimitError",
    "FdcResponseError",
    "FdcUnavailableError",
    "Food",
    "FoodsResult",
    "MealplanError",
    "NutrientValue",
    "OfflineCacheMissError",
    "Portion",
    "Profile",
    "SearchHit",
    "Targets",
    "Violation",
    "verify",
]
