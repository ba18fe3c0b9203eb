"""FDC payload → :class:`~mealplan.models.Food`: per 100 g, stable keys, unknown is not zero.

Rules (each has a test):
- nutrient id (1090), number ("304") and a search result's ``nutrientId`` map to one key;
- energy comes from 1008, else Atwater specific 2048, else Atwater general 2047, else
  4/9/4 kcal per gram of protein, fat and carbohydrate; ``Food.energy_source`` says which;
- vitamin D is µg (1114); IU (1110) is converted at 40 IU = 1 µg only when no µg value exists;
- Branded ``foodNutrients`` are per 100 g, ``labelNutrients`` per serving: kept apart;
- a nutrient absent from the record stays absent (unknown);
- Survey (FNDDS) foods carry their food code, WWEIA category and FNDDS release (from the
  record's NHANES cycle, ``startDate``/``endDate``), with "Quantity not specified" listed after
  the household measures, as :mod:`mealplan.fdc.fndds` does for USDA's files. FDC records carry
  no FPED food groups: ``Food.food_groups`` stays None (unknown).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from mealplan.errors import FdcResponseError
from mealplan.fdc.payloads import FoodItemPayload, FoodNutrientPayload, FoodPortionPayload
from mealplan.models import Food, NutrientValue, Portion
from mealplan.nutrients import (
    IU_PER_UG_VITAMIN_D,
    NUTRIENTS,
    VITAMIN_D_IU,
    canonical_unit,
)

_MASS_IN_MG = {"g": 1000.0, "mg": 1.0, "µg": 0.001}
_EXCERPT_CHARS = 200
_YEAR = re.compile(r"(\d{4})\s*$")


def _convert(amount: float, from_unit: str | None, to_unit: str) -> float | None:
    """Convert between g/mg/µg; kcal stays kcal. None when the units do not convert."""
    unit = canonical_unit(from_unit)
    if unit is None or unit == to_unit:
        return amount
    if unit in _MASS_IN_MG and to_unit in _MASS_IN_MG:
        return amount * _MASS_IN_MG[unit] / _MASS_IN_MG[to_unit]
    return None


def nutrients_from_amounts(
    amounts: Mapping[int, tuple[float, str | None]],
) -> tuple[dict[str, NutrientValue], str | None]:
    """Normalized nutrients and the energy source from ``{nutrient id: (amount, unit)}``.

    Shared by the API payloads and every bulk reader, so that one set of rules applies to all.
    """
    nutrients: dict[str, NutrientValue] = {}
    energy_source: str | None = None
    for spec in NUTRIENTS:
        for nutrient_id, _number in spec.sources:
            if nutrient_id not in amounts:
                continue
            amount, unit = amounts[nutrient_id]
            converted = _convert(amount, unit, spec.unit)
            if converted is None or converted < 0:
                continue
            nutrients[spec.key] = NutrientValue(
                amount=converted, unit=spec.unit, nutrient_id=nutrient_id
            )
            if spec.key == "energy":
                energy_source = str(nutrient_id)
            break

    iu_id = VITAMIN_D_IU[0]
    if "vitamin_d" not in nutrients and iu_id in amounts:
        amount_iu, unit = amounts[iu_id]
        if canonical_unit(unit) in (None, "IU") and amount_iu >= 0:
            nutrients["vitamin_d"] = NutrientValue(
                amount=amount_iu / IU_PER_UG_VITAMIN_D,
                unit="µg",
                nutrient_id=iu_id,
                note=f"converted from {iu_id} (IU) at {IU_PER_UG_VITAMIN_D:g} IU = 1 µg",
            )

    if "energy" not in nutrients and all(
        k in nutrients for k in ("protein", "fat", "carbohydrate")
    ):
        kcal = (
            4 * nutrients["protein"].amount
            + 9 * nutrients["fat"].amount
            + 4 * nutrients["carbohydrate"].amount
        )
        nutrients["energy"] = NutrientValue(
            amount=kcal, unit="kcal", nutrient_id=0, note="4/9/4 kcal per g of protein/fat/carbs"
        )
        energy_source = "macros_4_9_4"
    return nutrients, energy_source


def _amounts_from_payload(
    items: Iterable[FoodNutrientPayload],
) -> dict[int, tuple[float, str | None]]:
    amounts: dict[int, tuple[float, str | None]] = {}
    for item in items:
        nutrient_id = item.resolved_id
        if nutrient_id is None or item.amount is None:
            continue  # group headers ("Proximates") and nutrients mealplan does not map
        amounts.setdefault(nutrient_id, (item.amount, item.resolved_unit))
    return amounts


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def portion_description(portion: FoodPortionPayload) -> str:
    """Household text for a portion: "1 cup", "2 tbsp", or Survey's own "1 piece"."""
    if portion.portion_description and portion.portion_description.strip():
        return portion.portion_description.strip()
    quantity = portion.amount if portion.amount is not None else portion.value
    unit = portion.measure_unit.name if portion.measure_unit else None
    parts = [_number_text(quantity or 1.0)]
    if unit and unit != "undetermined":
        parts.append(unit)
    if portion.modifier and not portion.modifier.isdigit():
        parts.append(portion.modifier)
    return " ".join(p for p in parts if p).strip()


def _portions(payload: FoodItemPayload) -> list[Portion]:
    portions: list[Portion] = []
    ordered = sorted(
        payload.food_portions,
        key=lambda p: p.sequence_number if p.sequence_number is not None else 10**6,
    )
    for portion in ordered:
        if portion.gram_weight and portion.gram_weight > 0:
            portions.append(
                Portion(description=portion_description(portion), gram_weight=portion.gram_weight)
            )
    for measure in sorted(payload.food_measures, key=lambda m: m.rank or 0):
        if measure.gram_weight and measure.gram_weight > 0 and measure.dissemination_text:
            portions.append(
                Portion(description=measure.dissemination_text, gram_weight=measure.gram_weight)
            )
    unit = (payload.serving_size_unit or "").strip().lower()
    if payload.serving_size and payload.serving_size > 0 and unit in ("g", "grm", "ml", "mlt"):
        text = payload.household_serving_full_text or "1 serving"
        in_ml = unit in ("ml", "mlt")
        suffix = "ml, taken as 1 g/ml" if in_ml else "g"
        portions.append(
            Portion(
                description=f"{text.strip()} ({payload.serving_size:g} {suffix})",
                gram_weight=payload.serving_size,
            )
        )
    return portions


def household_measures_first(portions: Iterable[Portion]) -> list[Portion]:
    """Household measures, then "Quantity not specified" amounts, each in the order given.

    A catalogue that takes the first portion as the serving then gets a real measure.
    """
    listed = list(portions)
    return [p for p in listed if not p.quantity_not_specified] + [
        p for p in listed if p.quantity_not_specified
    ]


def _fndds_release(payload: FoodItemPayload) -> str | None:
    """The FNDDS release ("FNDDS 2015-2016") from a Survey record's NHANES cycle dates."""
    start = _YEAR.search(payload.start_date or "")
    end = _YEAR.search(payload.end_date or "")
    if payload.food_code is None or start is None or end is None:
        return None
    return f"FNDDS {start.group(1)}-{end.group(1)}"


def _category(payload: FoodItemPayload) -> str | None:
    if payload.food_category and payload.food_category.description:
        return payload.food_category.description
    if payload.wweia_food_category and payload.wweia_food_category.description:
        return payload.wweia_food_category.description
    return payload.branded_food_category


def food_from_payload(payload: FoodItemPayload, source: str = "api") -> Food:
    """Normalize a parsed FDC food item."""
    nutrients, energy_source = nutrients_from_amounts(_amounts_from_payload(payload.food_nutrients))
    label = None
    if payload.label_nutrients:
        label = {
            name: value.value
            for name, value in payload.label_nutrients.items()
            if value is not None and value.value is not None
        }
    portions = _portions(payload)
    wweia = payload.wweia_food_category
    return Food(
        fdc_id=payload.fdc_id,
        description=payload.description,
        data_type=payload.data_type or "unknown",
        category=_category(payload),
        ndb_number=payload.ndb_number,
        publication_date=payload.publication_date,
        nutrients=nutrients,
        energy_source=energy_source,  # type: ignore[arg-type]
        portions=portions if payload.food_code is None else household_measures_first(portions),
        label_nutrients_per_serving=label,
        source=source,
        food_code=payload.food_code,
        release=_fndds_release(payload),
        wweia_category=wweia.code if wweia is not None else None,
        additional_description=(payload.additional_descriptions or "").strip() or None,
    )


def excerpt(raw: Any) -> str:
    """A short, single-line excerpt of a body for error messages."""
    text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + "…"


def parse_food(raw: Any, source: str = "api") -> Food:
    """Parse one FDC food (a decoded JSON object) into a Food, or raise FdcResponseError."""
    fdc_id = raw.get("fdcId") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise FdcResponseError(
            f"expected a JSON object for a food, got {type(raw).__name__}: {excerpt(raw)}",
            excerpt=excerpt(raw),
        )
    try:
        payload = FoodItemPayload.model_validate(raw)
        return food_from_payload(payload, source=source)
    except (ValidationError, ValueError, TypeError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        where = ".".join(str(p) for p in first["loc"]) if first else ""
        why = first["msg"] if first else str(exc)
        raise FdcResponseError(
            f"food {fdc_id!r} has an unexpected shape at '{where}': {why}; excerpt: {excerpt(raw)}",
            fdc_id=fdc_id if isinstance(fdc_id, int) else None,
            excerpt=excerpt(raw),
        ) from None
