"""The words mealplan plans with, defined once: meals, roles, diets, allergens, food ids.

Everything that names a meal, a role, a diet or an allergen (the automatic tagger, the tag
table, ``Preferences``, the planner, ``verify``, the CLI and the report) imports it from here,
so the vocabulary has one owner. The enums are ``StrEnum``: a member *is* its string, so JSON,
CSV and messages show plain words.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

#: A food's id in a catalogue: an FDC id, or an app's own id (text or number).
FoodId = int | str


class MealName(StrEnum):
    """The meals of a day, in the order they are eaten."""

    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"
    SNACK = "snack"


class Role(StrEnum):
    """What a food does on the plate; meal rules ask for roles, not foods."""

    PROTEIN = "protein"
    VEGETABLE = "vegetable"
    GRAIN = "grain"
    FRUIT = "fruit"
    DAIRY = "dairy"
    DRINK = "drink"
    FAT = "fat"
    # Roles of foods as eaten (FNDDS, see ``fndds_tags``). A mixed dish, sandwich or soup is a
    # main on its own; which classic components it stands for is recorded apart ("covers").
    #: A mixed dish that is a main on its own (a burrito, a stir-fry, a casserole).
    DISH = "dish"
    SANDWICH = "sandwich"
    SOUP = "soup"
    #: Sauces, dressings, pickles and spreads: eaten with a food, not as one.
    CONDIMENT = "condiment"
    #: Desserts, candy and sweetened drinks and toppings.
    SWEET = "sweet"
    #: Chips, crackers, popcorn, pretzels and bars.
    SNACK = "snack"
    #: Potatoes, corn, peas, plantains: vegetables in the Dietary Guidelines that also fill
    #: the starch place on a plate; such foods carry ``vegetable`` too.
    STARCHY_VEGETABLE = "starchy_vegetable"


class Diet(StrEnum):
    """Eating patterns, from the strictest."""

    VEGAN = "vegan"
    VEGETARIAN = "vegetarian"
    PESCATARIAN = "pescatarian"
    OMNIVORE = "omnivore"


class DietFlag(StrEnum):
    """Restrictions that combine with any diet."""

    DAIRY_FREE = "dairy_free"
    GLUTEN_FREE = "gluten_free"


class Allergen(StrEnum):
    """The nine major US food allergens (FALCPA 2004 and the FASTER Act 2021)."""

    MILK = "milk"
    EGG = "egg"
    FISH = "fish"
    CRUSTACEAN_SHELLFISH = "crustacean_shellfish"
    TREE_NUTS = "tree_nuts"
    PEANUTS = "peanuts"
    WHEAT = "wheat"
    SOY = "soy"
    SESAME = "sesame"


MEALS: tuple[str, ...] = tuple(MealName)
#: The classic plate roles the curated table, the tagger and the meal rules use. Kept to the
#: first seven members so catalogues and meal rules mean what they did before the roles of
#: foods as eaten were added.
ROLES: tuple[str, ...] = (
    Role.PROTEIN,
    Role.VEGETABLE,
    Role.GRAIN,
    Role.FRUIT,
    Role.DAIRY,
    Role.DRINK,
    Role.FAT,
)
#: Every role, including those of foods as eaten (FNDDS mixed dishes, sandwiches, soups...).
ALL_ROLES: tuple[str, ...] = tuple(Role)
#: The roles a mixed dish can stand for on a plate ("covers"): the classic food groups.
COVER_ROLES: tuple[str, ...] = (Role.PROTEIN, Role.GRAIN, Role.VEGETABLE, Role.FRUIT, Role.DAIRY)
DIETS: tuple[str, ...] = tuple(Diet)
DIET_FLAGS: tuple[str, ...] = tuple(DietFlag)
ALLERGENS: tuple[str, ...] = tuple(Allergen)
#: The shipped catalogues by name, as the CLI offers them (``catalog.shipped_catalog``).
CATALOGS: tuple[str, ...] = ("default", "as_eaten", "curated", "ingredients", "full")

#: The one meal of a plan made without meal structure (``Preferences(meals=None)``).
FREE_FORM_MEAL = "foods"

#: Roles whose foods count as a meal's "main item" for the weekly variety rules: the classic
#: three, then the foods as eaten that are a whole main (a burrito is not served every day).
MAIN_ROLES: tuple[str, ...] = (
    Role.PROTEIN,
    Role.GRAIN,
    Role.VEGETABLE,
    Role.DISH,
    Role.SANDWICH,
    Role.SOUP,
)

#: The order items are listed on a plate: the main item first, the drink last.
ROLE_ORDER: Mapping[str, int] = MappingProxyType(
    {
        role: i
        for i, role in enumerate(
            (
                Role.DISH,
                Role.SANDWICH,
                Role.SOUP,
                Role.PROTEIN,
                Role.GRAIN,
                Role.STARCHY_VEGETABLE,
                Role.VEGETABLE,
                Role.DAIRY,
                Role.FRUIT,
                Role.SNACK,
                Role.SWEET,
                Role.FAT,
                Role.CONDIMENT,
                Role.DRINK,
            )
        )
    }
)

#: Roles a meal without required roles starts its candidates from (breakfast and snacks have
#: no required roles; these keep them recognisable).
BASE_ROLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        MealName.BREAKFAST: (Role.GRAIN, Role.DAIRY, Role.PROTEIN),
        MealName.SNACK: (Role.FRUIT, Role.DAIRY, Role.FAT, Role.GRAIN),
    }
)
#: The base roles of any other meal without required roles.
DEFAULT_BASE_ROLES: tuple[str, ...] = (Role.GRAIN, Role.DAIRY, Role.PROTEIN, Role.FRUIT)

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
