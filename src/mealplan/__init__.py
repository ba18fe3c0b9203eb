"""mealplan: food-first menus from USDA FoodData Central.

Plans daily and weekly menus that meet magnesium, potassium, calcium, vitamin D and vitamin B12
needs from food, within a calorie range and a person's preferences. Not medical advice.
"""

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

__all__ = [
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
    "verify",
]
