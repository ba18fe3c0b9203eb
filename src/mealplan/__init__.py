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
from mealplan.models import Food, NutrientValue, Portion

__all__ = [
    "BulkImportError",
    "FdcAuthError",
    "FdcError",
    "FdcNotFoundError",
    "FdcRateLimitError",
    "FdcResponseError",
    "FdcUnavailableError",
    "Food",
    "MealplanError",
    "NutrientValue",
    "OfflineCacheMissError",
    "Portion",
]
