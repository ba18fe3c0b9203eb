"""FNDDS foods as eaten in the catalogue: their tags and their rows, both computed once, when
the pack is built, and read when a catalogue loads.

A food's tags come from the reviewed WWEIA category table and food rules
(:mod:`mealplan.fndds_tags`); tagging all 7,083 foods takes seconds, so the build stores the
result in the pack (``fndds_tags.csv.gz``). The catalogue rows (serving, tags, nutrients per
100 g and their FDC ids) are stored as one table too (``fndds_table.json.gz``): reading it takes
a quarter of a second, where parsing the 20 MB of JSON records took over one. A row's serving is the
food's first household portion ("1 burrito", "1 cup"), never FNDDS's "Quantity not specified";
a food without one is kept in the table but is not a menu item.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from mealplan.fndds_tags import FPED_ANIMAL_EVIDENCE, tag_fndds
from mealplan.food_groups import FOOD_GROUP_KEYS
from mealplan.models import Food
from mealplan.nutrients import NUTRIENT_KEYS

#: The pack's tag table for FNDDS foods, one row per food code.
TAG_COLUMNS = (
    "food_code",
    "roles",
    "covers",
    "meals",
    "plannable",
    "diets",
    "allergens",
    "fortified",
)
#: The order a food's roles are listed in: its first role is the one the planner uses.
_LIST_COLUMNS = ("roles", "covers", "meals", "diets", "allergens")
#: Servings of a food as eaten a meal may hold: half to twice the household portion.
MIN_SERVINGS, MAX_SERVINGS = 0.5, 2.0
#: Household measures a cook can halve ("½ cup", "1½ tablespoons"). Any other portion is a unit
#: (a sandwich, an egg, a 6 oz container, a small fillet), served whole: once or twice.
_DIVISIBLE = re.compile(
    r"^\d[\d/.]*\s+(?:cups?|tablespoons?|teaspoons?|oz|fl oz|ounces?)\b|^guideline amount",
    re.IGNORECASE,
)
#: A household portion outside this weight (g) is not a sensible serving to plan with.
_PORTION_GRAMS = (5.0, 1000.0)


@dataclass(frozen=True)
class FnddsTags:
    """The tags of one FNDDS food, as the pack stores them."""

    roles: tuple[str, ...]
    covers: tuple[str, ...]
    meals: tuple[str, ...]
    plannable: str
    diets: tuple[str, ...]
    allergens: tuple[str, ...]
    fortified: bool


def tags_csv(foods: Sequence[Food]) -> str:
    """The tag table of these FNDDS foods as CSV text (sorted by food code): what the build
    writes into the pack."""
    frame = pd.DataFrame(
        {
            "food_code": [food.food_code for food in foods],
            "description": [food.description for food in foods],
            "additional_description": [food.additional_description or "" for food in foods],
            "wweia_code": [food.wweia_category for food in foods],
            "b12_added": [food.amount("vitamin_b12_added") or 0.0 for food in foods],
            **{
                column: [sum((food.food_groups or {}).get(k, 0.0) for k in keys) for food in foods]
                for column, keys in FPED_ANIMAL_EVIDENCE.items()
            },
        }
    )
    tags = tag_fndds(frame).sort_values("food_code", kind="stable")
    # Codes and tag words only (no commas, quotes or user text): plain lines, like auto_tags.
    lines = [",".join(TAG_COLUMNS)]
    for record in tags.to_dict("records"):
        fields = [
            str(int(record["food_code"])),
            *(";".join(record[column]) for column in ("roles", "covers", "meals")),
            str(record["plannable"]),
            ";".join(record["diets"]),
            ";".join(record["allergens"]),
            str(int(bool(record["fortified"]))),
        ]
        lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def read_tags_csv(text: str) -> dict[int, FnddsTags]:
    """The pack's tag table, by food code."""
    tags: dict[int, FnddsTags] = {}
    for row in csv.DictReader(io.StringIO(text)):
        lists = {column: tuple(filter(None, row[column].split(";"))) for column in _LIST_COLUMNS}
        tags[int(row["food_code"])] = FnddsTags(
            plannable=row["plannable"], fortified=row["fortified"] == "1", **lists
        )
    return tags


#: A plausible single serving by role, in g: the portion nearest this band is the one planned
#: with (a "1 bite size" French toast or a "1 oz" tuna steak is a real measure, not a serving).
_SERVING_BANDS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "dish": (150.0, 450.0),
        "sandwich": (100.0, 350.0),
        "soup": (200.0, 400.0),
        "protein": (60.0, 200.0),
        "grain": (30.0, 250.0),
        "vegetable": (50.0, 200.0),
        "starchy_vegetable": (80.0, 250.0),
        "fruit": (80.0, 250.0),
        "dairy": (150.0, 300.0),
        "drink": (200.0, 360.0),
        "fat": (5.0, 30.0),
        "condiment": (5.0, 40.0),
        "snack": (20.0, 60.0),
        "sweet": (30.0, 150.0),
    }
)


#: WWEIA categories whose servings are smaller than their role's band: a dietitian's read found
#: a cup of nuts, of dried fruit, of diced cheese and of eggs on one plate (g per serving).
_CATEGORY_BANDS: Mapping[int, tuple[float, float]] = MappingProxyType(
    {
        1602: (20.0, 60.0),  # cheese: a slice or an ounce, not a cup
        1604: (80.0, 150.0),  # cottage and ricotta cheese: half a cup
        2502: (40.0, 120.0),  # eggs and omelets: an egg or two, not a cup
        2804: (14.0, 45.0),  # nuts and seeds: an ounce or two tablespoons
        4602: (25.0, 60.0),  # ready-to-eat cereal: a bowl, not a cup of Grape-Nuts (116 g)
        4604: (25.0, 60.0),
        5202: (20.0, 50.0),  # crackers: a single-serving bag or a handful, not a cup
        5204: (20.0, 50.0),  # saltines: likewise
        6016: (20.0, 60.0),  # dried fruits: a small box or a quarter cup
    }
)


def household_portion(
    portions: Iterable[Mapping[str, Any]], role: str = "dish", category: int | None = None
) -> tuple[float, str] | None:
    """The household measure to plan with: (grams, "1 burrito").

    The first of USDA's measures whose weight is a plausible serving for the food's role, or,
    where :data:`_CATEGORY_BANDS` has a band for its WWEIA category, the measure nearest the
    middle of that band; else the measure nearest the range; never "Quantity not specified".
    """
    by_category = _CATEGORY_BANDS.get(category or 0)
    low, high = by_category or _SERVING_BANDS.get(role, (30.0, 400.0))
    measures = [
        (float(p.get("gram_weight") or 0), str(p.get("description") or ""))
        for p in portions
        if not str(p.get("description") or "").casefold().startswith("quantity not specified")
    ]
    measures = [(g, t) for g, t in measures if _PORTION_GRAMS[0] <= g <= _PORTION_GRAMS[1]]
    if not measures:
        return None
    inside = [(g, t) for g, t in measures if low <= g <= high]
    nearest_middle = lambda m: abs(math.log(m[0] / math.sqrt(low * high)))  # noqa: E731
    if inside:
        # A category's band is narrow: of its measures, the most typical ("1 oz" of nuts
        # rather than a 100-calorie pack); a role's band keeps USDA's first plausible one.
        return min(inside, key=nearest_middle) if by_category else inside[0]
    return min(measures, key=nearest_middle)


def _max_servings(grams: float, divisible: bool, category: Any) -> float:
    """Up to :data:`MAX_SERVINGS` portions; where the food's category has a band and its only
    measure is large ("1 cup" of Grape-Nuts, 116 g), no more than the band allows, in the
    food's steps (half a cup), and never below one step."""
    band = _CATEGORY_BANDS.get(int(category) if category else 0)
    if band is None or grams <= 0:
        return MAX_SERVINGS
    step = 0.5 if divisible else 1.0
    within = math.floor(band[1] / grams / step + 1e-9) * step
    return max(MIN_SERVINGS if divisible else 1.0, min(MAX_SERVINGS, within))


def fndds_frames(
    records: Iterable[Mapping[str, Any]], tags: Mapping[int, FnddsTags]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows of FNDDS foods (tags, serving, food code, food groups), nutrients per 100 g and
    their FDC nutrient ids. A food's catalogue id is minus its food code (see ``models``)."""
    rows: list[dict[str, Any]] = []
    amounts: list[list[float]] = []
    sources: list[list[int]] = []
    for record in records:
        code = int(record["food_code"])
        tag = tags[code]
        role = tag.roles[0] if tag.roles else "dish"
        category = record.get("wweia_category")
        portion = household_portion(
            record.get("portions") or [], role, int(category) if category else None
        )
        grams, text = portion if portion is not None else (100.0, "100 g")
        divisible = bool(_DIVISIBLE.match(text))
        groups = record.get("food_groups") or {}
        rows.append(
            {
                "id": int(record["fdc_id"]),
                "name": record.get("description", ""),
                "description": record.get("description", ""),
                "fdc_id": np.nan,
                "data_type": record.get("data_type"),
                "category": record.get("category"),
                "serving_g": grams,
                "serving_text": text,
                "serving_source": "fndds_portion" if portion is not None else "standard",
                "min_servings": MIN_SERVINGS,
                "max_servings": _max_servings(grams, divisible, category),
                "half_servings": divisible,
                "meals": tag.meals,
                "role": role,
                # The plate's starch, by rule (potatoes, sweet potatoes, plantains, taro).
                "starchy": "starchy_vegetable" in tag.roles,
                "diets": tag.diets,
                "allergens": tag.allergens,
                "fortified": tag.fortified,
                "menu_item": tag.plannable == "yes" and portion is not None and bool(tag.meals),
                "curated": False,
                "cost": np.nan,
                "source": "fndds",
                "food_code": code,
                "release": record.get("release"),
                "wweia_category": record.get("wweia_category"),
                "covers": tag.covers,
                "plannable": tag.plannable,
                "portions": tuple(
                    (str(p.get("description")), float(p.get("gram_weight") or 0))
                    for p in record.get("portions") or []
                ),
                **{key: groups.get(key, np.nan) for key in FOOD_GROUP_KEYS},
            }
        )
        nutrients = record.get("nutrients") or {}
        amounts.append(
            [float(nutrients[k]["amount"]) if k in nutrients else np.nan for k in NUTRIENT_KEYS]
        )
        sources.append(
            [int(nutrients[k]["nutrient_id"]) if k in nutrients else 0 for k in NUTRIENT_KEYS]
        )
    index = pd.Index([row.pop("id") for row in rows], name="id")
    foods = pd.DataFrame(rows, index=index)
    per_100g = pd.DataFrame(amounts, index=index, columns=list(NUTRIENT_KEYS), dtype=float)
    nutrient_ids = pd.DataFrame(sources, index=index, columns=list(NUTRIENT_KEYS), dtype=int)
    return foods, per_100g, nutrient_ids


#: Columns of the catalogue rows holding tuples of names, and of (text, grams) portions.
_TUPLE_COLUMNS = ("meals", "diets", "allergens", "covers")
#: Prefixes of the table's nutrient columns: amounts per 100 g, and their FDC nutrient ids.
_AMOUNT, _NUTRIENT_ID = "per_100g:", "nutrient_id:"


def table_json(foods: Iterable[Food], tags: str) -> str:
    """The catalogue rows of the FNDDS foods (:func:`fndds_frames` over their records, as the
    pack stores them, and the pack's tag table) as one table, written when the pack is built:
    loading then reads one table instead of parsing 20 MB of JSON records and choosing every
    serving again. Text, flags and lists are JSON columns; the numbers are one float64 matrix
    in NumPy's ``.npy`` format (base64), exact and read without parsing text.
    :func:`read_table_json` reads the same frames back."""
    records = sorted(
        (food.model_dump(mode="json", exclude_defaults=True) for food in foods),
        key=lambda record: int(record["food_code"]),
    )
    rows, per_100g, nutrient_ids = fndds_frames(records, read_tags_csv(tags))
    table = pd.concat(
        [rows, per_100g.add_prefix(_AMOUNT), nutrient_ids.add_prefix(_NUTRIENT_ID)], axis=1
    )
    numeric = [
        c
        for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
    ]
    matrix = io.BytesIO()
    np.save(matrix, table[numeric].to_numpy(dtype=np.float64), allow_pickle=False)
    content = {
        "id": table.index.tolist(),
        "columns": table.columns.tolist(),
        "text": {c: table[c].tolist() for c in table.columns if c not in numeric},
        "numbers": numeric,
        "integers": [c for c in numeric if pd.api.types.is_integer_dtype(table[c])],
        "matrix": base64.b64encode(matrix.getvalue()).decode("ascii"),
    }
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_table_json(text: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The frames :func:`table_json` wrote: rows, nutrients per 100 g, FDC nutrient ids."""
    content = json.loads(text)
    index = pd.Index(content["id"], name="id")
    columns: dict[str, Any] = content["text"]
    for column in _TUPLE_COLUMNS:
        columns[column] = [tuple(v) for v in columns[column]]
    # JSON keeps a float a float ("100.0"), so a portion reads back as (text, grams) as written.
    columns["portions"] = [tuple(map(tuple, v)) for v in columns["portions"]]
    matrix = np.load(io.BytesIO(base64.b64decode(content["matrix"])), allow_pickle=False)
    integers = set(content["integers"])
    for j, column in enumerate(content["numbers"]):
        values = matrix[:, j]
        columns[column] = values.astype(np.int64) if column in integers else values
    table = pd.DataFrame(columns, index=index)[content["columns"]]
    amounts = [c for c in table.columns if c.startswith(_AMOUNT)]
    ids = [c for c in table.columns if c.startswith(_NUTRIENT_ID)]
    per_100g = table[amounts].rename(columns=lambda c: c.removeprefix(_AMOUNT))
    nutrient_ids = table[ids].rename(columns=lambda c: c.removeprefix(_NUTRIENT_ID))
    return table.drop(columns=[*amounts, *ids]), per_100g, nutrient_ids
