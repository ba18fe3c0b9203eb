"""Preferences: what a person will eat, how meals are built, and what the planner optimizes.

The meal-structure rules live here as data (``meal_rules``) so that the planner and the
independent checker (:func:`mealplan.verify`) read the same rules without sharing code.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mealplan.domain.food_patterns import FoodGroupBounds
from mealplan.domain.vocabulary import (
    ALLERGENS,
    MEALS,
    ROLES,
    WEEKDAYS,
    Allergen,
    Diet,
    FoodId,
    MealName,
)


class MealRule(BaseModel):
    """How one meal is built: required roles, item count and its share of the day's energy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    required_roles: tuple[str, ...] = ()
    min_items: int = Field(default=2, ge=1, le=8)
    max_items: int = Field(default=5, ge=1, le=8)
    #: (low, high) fraction of the day's energy this meal may carry.
    energy_share: tuple[float, float] = (0.0, 1.0)

    @field_validator("required_roles")
    @classmethod
    def _roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if r not in ROLES]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; allowed: {', '.join(ROLES)}")
        return value

    @model_validator(mode="after")
    def _ranges(self) -> MealRule:
        if self.min_items > self.max_items:
            raise ValueError("min_items must not exceed max_items")
        low, high = self.energy_share
        if not 0 <= low <= high <= 1:
            raise ValueError("energy_share must be (low, high) with 0 ≤ low ≤ high ≤ 1")
        if len(self.required_roles) > self.max_items:
            raise ValueError("more required roles than max_items")
        return self


DEFAULT_MEAL_RULES: dict[str, MealRule] = {
    "breakfast": MealRule(min_items=2, max_items=4, energy_share=(0.20, 0.30)),
    "lunch": MealRule(
        required_roles=("protein", "vegetable", "grain"),
        min_items=2,
        max_items=5,
        energy_share=(0.25, 0.40),
    ),
    "dinner": MealRule(
        required_roles=("protein", "vegetable", "grain"),
        min_items=2,
        max_items=5,
        energy_share=(0.25, 0.40),
    ),
    "snack": MealRule(min_items=1, max_items=2, energy_share=(0.05, 0.15)),
}


class Lock(BaseModel):
    """A food that must appear: ``Lock(food=173904, meal="breakfast")`` (every day), or on one
    day: ``Lock(food=175168, meal="dinner", day="tuesday")`` (or ``day=2``, counting from 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    food: FoodId
    meal: MealName | None = None
    day: int | None = Field(default=None, ge=1, le=14)
    servings: float | None = Field(default=None, gt=0)

    @field_validator("day", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.isdigit():
            name = value.strip().lower()
            if name not in WEEKDAYS:
                raise ValueError(f"day must be 1–14 or a weekday name ({', '.join(WEEKDAYS)})")
            return WEEKDAYS.index(name) + 1
        return value


class ObjectiveWeights(BaseModel):
    """What the planner trades off; each term is in points, lower is better.

    - ``calorie_deviation``: points per 100 kcal between the day's energy and the middle of
      its range;
    - ``disliked``: points per serving of a disliked food (kept possible, never forced);
    - ``liked``: points *removed* per serving of a liked food;
    - ``cost``: points per unit of currency (only when the catalogue has prices);
    - ``serving_size``: points per serving away from a food's default serving (2 servings of
      a food cost 1 × this), which keeps portions close to what people eat;
    - ``pattern_repeat``: points per meal of one pattern beyond ``max_repeats_per_week`` in a
      week ("Soup and a sandwich" a fourth time), leftover lunches aside: variety of meals,
      not only of foods.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    calorie_deviation: float = Field(default=1.0, ge=0)
    disliked: float = Field(default=3.0, ge=0)
    liked: float = Field(default=1.0, ge=0)
    cost: float = Field(default=1.0, ge=0)
    serving_size: float = Field(default=0.5, ge=0)
    pattern_repeat: float = Field(default=2.0, ge=0)


class Preferences(BaseModel):
    """A person's preferences and the rules a plan must keep. Validated with clear messages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    diet: Diet = Diet.OMNIVORE
    dairy_free: bool = False
    gluten_free: bool = False
    allow_fortified: bool = True
    exclude_allergens: tuple[Allergen, ...] = ()
    exclude_foods: tuple[FoodId, ...] = ()
    dislikes: tuple[FoodId, ...] = ()
    likes: tuple[FoodId, ...] = ()
    #: Meals to plan, in order; ``None`` plans one free-form list of foods with no structure.
    meals: tuple[MealName, ...] | None = tuple(MealName)
    #: Overrides the energy range of the targets, in kcal per day.
    calories: tuple[float, float] | None = None
    max_repeats_per_week: int = Field(default=3, ge=1, le=14)
    max_items_per_meal: int = Field(default=5, ge=2, le=8)
    budget_per_day: float | None = Field(default=None, gt=0)
    locks: tuple[Lock, ...] = ()
    #: Nutrients met as a weekly average by plan_week (the body stores them); others daily.
    #: Each must be a mealplan nutrient key (:data:`mealplan.nutrients.NUTRIENT_KEYS`) or a key of
    #: the targets planned with (custom targets may carry custom keys); the planner checks this
    #: when it plans, and raises a PlannerError naming the field and the allowed keys.
    weekly_nutrients: tuple[str, ...] = ("vitamin_d", "vitamin_b12")
    meal_rules: dict[str, MealRule] = Field(default_factory=lambda: dict(DEFAULT_MEAL_RULES))
    weights: ObjectiveWeights = ObjectiveWeights()
    #: Life-stage food-safety rules (``mealplan/data/food_safety.csv``) to switch off, by id.
    #: The profile's rules apply by default; switching one off is logged as a warning and named
    #: in the plan's notes. Meant for a clinician's explicit decision, never a default.
    override_safety_rules: tuple[str, ...] = ()
    #: When no menu meets every minimum: ``"refuse"`` raises InfeasiblePlanError with the
    #: diagnosis; ``"declare"`` plans the menu that comes closest and states, in
    #: ``plan.shortfalls`` and the notes, each minimum it misses and by how much. Upper limits,
    #: the calorie range and the food-safety rules are never relaxed.
    shortfalls: Literal["refuse", "declare"] = "refuse"
    #: At most this many distinct foods in a 7-day plan (drinking water, condiments and
    #: cooking fats not counted), so a household can shop for the week; scaled by days / 7 for
    #: longer plans. None lifts the cap.
    max_distinct_foods: int | None = Field(default=30, ge=5, le=500)
    #: At most this many kinds of each staple (milk, bread, breakfast cereal, juice: see
    #: ``mealplan/data/meal_patterns.toml``) in a 7-day plan. None lifts the limit.
    max_staple_kinds: int | None = Field(default=1, ge=1, le=20)
    #: Cook some dinners in double quantity and eat the second half at the next day's lunch
    #: (at least 3 such lunches in a 7-day plan). The shopping list counts the dish once.
    leftovers: bool = False
    #: Bands around the Dietary Guidelines' food pattern for the day's energy (Healthy
    #: U.S.-Style, or Healthy Vegetarian for vegetarian and vegan plans): each group within
    #: ``low``–``high`` × the pattern (protein foods up to ``protein_high``), whole grains at
    #: least ``whole_grain_share`` of grains; met as a weekly average in a week. A group the
    #: nutrient targets push outside is reported in the plan. None leaves groups untracked.
    food_groups: FoodGroupBounds | None = FoodGroupBounds()

    @field_validator("meals")
    @classmethod
    def _meals(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not value:
            raise ValueError(f"give at least one meal of {', '.join(MEALS)}, or None")
        if len(set(value)) != len(value):
            raise ValueError("each meal may appear once")
        return tuple(m for m in MEALS if m in value)

    @field_validator("weekly_nutrients")
    @classmethod
    def _weekly(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "energy" in value:
            raise ValueError("energy is planned every day, never on weekly average")
        if any(not key.strip() for key in value):
            raise ValueError("nutrient keys must not be blank")
        return value

    @field_validator("calories")
    @classmethod
    def _calories(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None:
            low, high = value
            if not 500 <= low <= high <= 6000:
                raise ValueError(
                    f"must be (low, high) kcal with 500 ≤ low ≤ high ≤ 6000 (got {value})"
                )
        return value

    @field_validator("exclude_allergens")
    @classmethod
    def _allergens(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(a for a in ALLERGENS if a in value)

    @field_validator("meal_rules")
    @classmethod
    def _rule_keys(cls, value: dict[str, MealRule]) -> dict[str, MealRule]:
        unknown = [m for m in value if m not in MEALS]
        if unknown:
            raise ValueError(f"unknown meal(s) {unknown}; allowed: {', '.join(MEALS)}")
        return {**DEFAULT_MEAL_RULES, **value}

    @model_validator(mode="after")
    def _consistent(self) -> Preferences:
        both = set(self.likes) & set(self.dislikes)
        if both:
            raise ValueError(f"likes and dislikes share {sorted(map(str, both))}")
        if self.meals is not None:
            for lock in self.locks:
                if lock.meal is not None and lock.meal not in self.meals:
                    raise ValueError(
                        f"locks: meal {lock.meal!r} is not among the planned meals {self.meals}"
                    )
        return self

    def rule(self, meal: str) -> MealRule:
        """The structure rule of a meal, with ``max_items_per_meal`` applied."""
        base = self.meal_rules[meal]
        max_items = min(base.max_items, self.max_items_per_meal)
        min_items = min(base.min_items, max_items)
        return base.model_copy(update={"max_items": max_items, "min_items": min_items})

    def energy_bands(self) -> dict[str, tuple[float, float]]:
        """Each planned meal's (low, high) share of the day's energy, made to add up.

        When the planned meals' shares cannot sum to 100 % (say lunch and dinner only, at
        most 40 % each), the highs are scaled up and the lows down in proportion until they can.
        """
        if self.meals is None:
            return {}
        bands = {meal: self.meal_rules[meal].energy_share for meal in self.meals}
        low_sum = sum(low for low, _ in bands.values())
        high_sum = sum(high for _, high in bands.values())
        low_scale = min(1.0, 1.0 / low_sum) if low_sum > 0 else 1.0
        high_scale = max(1.0, 1.0 / high_sum) if high_sum > 0 else 1.0
        return {
            meal: (round(low * low_scale, 4), round(min(1.0, high * high_scale), 4))
            for meal, (low, high) in bands.items()
        }
