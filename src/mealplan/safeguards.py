"""What keeps every plan safe before it is optimised: the life-stage food-safety screen, the
retinol rule for organ meats without a value, and the day's drinking water.

The screen runs on the catalogue the preferences allow, so the optimizer never sees a food the
person's life stage rules out; :func:`mealplan.verify.verify` checks the same rules on the plan.
"""

from __future__ import annotations

import logging
import math

import pandas as pd

from mealplan.catalog import FoodCatalog
from mealplan.domain.plan import DrinkingWater
from mealplan.errors import PlannerError
from mealplan.preferences import Preferences
from mealplan.safety import (
    SafetyRule,
    classify_frame,
    load_rules,
    person_rules,
    retinol_dense_frame,
)
from mealplan.targets import Targets

logger = logging.getLogger(__name__)

#: A US cup as used for drinking water on nutrition labels, mL (= g of water).
CUP_ML = 240.0
RETINOL = "retinol"


def _check_overrides(preferences: Preferences) -> None:
    """An unknown rule id in ``override_safety_rules`` is an error naming the allowed ids."""
    known = [rule.rule_id for rule in load_rules()]
    unknown = [r for r in preferences.override_safety_rules if r not in known]
    if unknown:
        raise PlannerError(
            f"preferences.override_safety_rules: unknown rule(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(known)}"
        )


def screen(
    catalog: FoodCatalog, targets: Targets, preferences: Preferences
) -> tuple[FoodCatalog, list[str]]:
    """The catalogue without the foods the profile's safety rules exclude, and the plan notes
    that say which rules were applied, which were switched off, and what was left out.

    Two screens: the life-stage rules of ``food_safety.csv`` (pregnancy, lactation, young
    children), and, whenever the targets cap retinol, organ meats and fish-liver foods whose
    retinol is unknown: those are where preformed vitamin A is concentrated, so an unknown value
    is treated as over the limit rather than as zero.
    """
    _check_overrides(preferences)
    notes: list[str] = []
    profile = targets.profile
    rules: tuple[SafetyRule, ...] = ()
    if profile is None:
        # Targets built from numbers carry no life stage, so no rule applies.
        notes.append(
            "No life-stage food-safety rules were applied: these targets carry no profile "
            "(age, pregnancy, lactation)."
        )
    else:
        rules, switched_off = person_rules(
            profile.age,
            profile.pregnant,
            profile.lactating,
            preferences.override_safety_rules,
            sex=profile.sex,
        )
        for rule in switched_off:
            logger.warning(
                "food-safety rule %r switched off by preferences.override_safety_rules for %s",
                rule.rule_id,
                profile.describe_stage,
            )
            notes.append(
                f"Food safety: the rule '{rule.rule_id}' ({rule.reason}) was switched off by the "
                "preferences; foods it would leave out may appear."
            )
    foods = catalog.foods
    verdicts = classify_frame(foods, rules)
    excluded = verdicts.map(bool)
    for rule in rules:
        count = int(verdicts.map(lambda hit, r=rule.rule_id: r in hit).sum())
        stage = profile.describe_stage if profile else ""
        notes.append(
            f"Food safety ({stage}), rule {rule.rule_id}: {rule.reason}. {count} food(s) of "
            f"this catalogue left out; source: {_short_source(rule.source)}."
        )
    retinol = targets.get(RETINOL)
    if retinol is not None and retinol.max is not None:
        unknown = (
            catalog.per_serving()[RETINOL].isna()
            if RETINOL in catalog.nutrient_keys
            else pd.Series(True, index=foods.index)
        )
        organ = retinol_dense_frame(foods) & unknown & ~excluded
        if organ.any():
            names = ", ".join(sorted(foods.loc[organ, "name"].astype(str))[:5])
            notes.append(
                f"Left out {int(organ.sum())} organ-meat or fish-liver food(s) with no retinol "
                f"value (e.g. {names}): their vitamin A is treated as over the upper limit."
            )
            excluded |= organ
    if not excluded.any():
        return catalog, notes
    return catalog.filter(exclude_ids=foods.index[excluded].tolist()), notes


def _short_source(source: str) -> str:
    """The first cited document of a rule, without its detail (the table keeps the rest)."""
    return source.split(";")[0].split(":")[0].strip()


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
