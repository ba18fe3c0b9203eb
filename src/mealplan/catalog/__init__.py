"""FoodCatalog: the foods the planner chooses from, as one table.

One row per food: FDC id, display name, nutrients **per 100 g** (NaN = unknown), a default
serving in grams with its household text, meal tags, diet patterns, allergens and, where known,
a cost per serving. Constructors:

- :meth:`FoodCatalog.default` — the curated everyday set (``data/food_tags.csv``);
- :meth:`FoodCatalog.full` — every food in the shipped pack, tagged automatically where not curated;
- :meth:`FoodCatalog.from_fdc` — foods fetched through an :class:`~mealplan.FdcClient`;
- :meth:`FoodCatalog.from_frame` — an app's own foods or recipes, any nutrient columns.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from mealplan.autotag import AutoTags, auto_tags, tags_from_csv
from mealplan.cache import (
    FoodCache,
    default_starter_dir,
    read_pack,
    read_pack_auto_tags,
    read_pack_fndds_table,
)
from mealplan.catalog._fndds import read_table_json
from mealplan.catalog._tags import TagRow, read_tag_table
from mealplan.domain.vocabulary import (
    ALL_ROLES,
    ALLERGENS,
    CATALOGS,
    COVER_ROLES,
    DIET_FLAGS,
    DIETS,
    MEALS,
    ROLES,
)
from mealplan.errors import MealplanError
from mealplan.food_groups import FOOD_GROUP_KEYS, food_group_unit
from mealplan.models import Food
from mealplan.nutrients import NUTRIENT_KEYS, unit_of

if TYPE_CHECKING:
    from mealplan.fdc.client import FdcClient

__all__ = [
    "ALLERGENS",
    "CATALOGS",
    "DIETS",
    "MEALS",
    "ROLES",
    "CatalogError",
    "CatalogFood",
    "FoodCatalog",
    "shipped_catalog",
]

#: Nutrient ids for values that were not read from FDC: computed from other values, imputed
#: as a known zero, or given by the user's own table.
COMPUTED, IMPUTED, USER_SUPPLIED = 0, -1, -2
_IMPUTED_KEYS = ("vitamin_b12", "vitamin_d")
#: Plant foods whose B12 is trace or an inactive analogue, whatever their tags say.
_UNRELIABLE_B12_NAMES = (
    r"\b(?:tempeh|mushrooms?|shiitake|portabell?a|seaweed|algae|spirulina|chlorella|nori|"
    r"kelp|wakame|laver)\b"
)
_TAG_COLUMNS = [
    "name",
    "description",
    "fdc_id",
    "data_type",
    "category",
    "serving_g",
    "serving_text",
    "serving_source",
    "min_servings",
    "max_servings",
    "half_servings",
    "meals",
    "role",
    "diets",
    "allergens",
    "fortified",
    "menu_item",
    "curated",
    "cost",
]


class CatalogError(MealplanError):
    """A catalogue cannot be built or queried as asked (names the argument and allowed values)."""


@dataclass(frozen=True)
class CatalogFood:
    """One food of a catalogue, JSON-ready, with its per-100 g and per-serving nutrients."""

    id: Any
    name: str
    fdc_id: int | None
    description: str
    category: str | None
    serving_g: float | None
    serving_text: str
    meals: tuple[str, ...]
    role: str
    diets: tuple[str, ...]
    allergens: tuple[str, ...]
    fortified: bool
    cost: float | None
    per_100g: dict[str, float | None]
    per_serving: dict[str, float | None]
    units: dict[str, str]
    #: FDC nutrient id behind each value (0 computed, -1 imputed zero, -2 user supplied).
    nutrient_ids: dict[str, int]
    #: The servings a meal may hold of this food, and whether half servings are allowed.
    min_servings: float = 0.0
    max_servings: float = math.inf
    half_servings: bool = True
    #: How :meth:`FoodCatalog.find` matched it: "word", "prefix", "substring" or "fuzzy".
    match: str | None = None
    #: The plate components (``COVER_ROLES``) a food as eaten stands in for: a burrito covers
    #: protein, grain and vegetable; empty for an ingredient, whose role says all.
    covers: tuple[str, ...] = ()
    #: Foods as eaten: the WWEIA food category (``wweia_categories.csv``); None otherwise.
    wweia_category: int | None = None
    #: Foods as eaten: the Dietary Guidelines' food groups per 100 g (FPED, ``fg_*`` keys of
    #: :mod:`mealplan.food_groups`); empty for other foods.
    food_groups: dict[str, float] = field(default_factory=dict)


_WORD = re.compile(r"[a-z0-9]+")


def _pack_records(
    cache: FoodCache | None,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[int, AutoTags]]:
    """The pack's manifest, food records and the automatic tags computed when it was built."""
    folder = default_starter_dir()
    if folder is None:
        raise CatalogError(
            "the shipped food pack (data/usda_cache) is missing: reinstall mealplan or rebuild "
            "it with `python -m mealplan.catalog build --from PATH`"
        )
    tag_text = read_pack_auto_tags(folder)
    precomputed = tags_from_csv(tag_text) if tag_text is not None else {}
    if cache is not None:
        records = [f.model_dump(mode="json") for f in cache.iter_foods()]
        return cache.starter_manifest, records, precomputed
    manifest, by_id = read_pack(folder)
    return manifest, [by_id[key] for key in sorted(by_id)], precomputed


def _serving_from_portions(portions: list[dict[str, Any]]) -> tuple[float, str, str]:
    for portion in portions or []:
        grams = float(portion.get("gram_weight") or 0)
        if grams > 0:
            return grams, str(portion.get("description") or f"{grams:g} g"), "fdc_portion"
    return 100.0, "100 g", "standard"


def _frames_from_records(
    records: Sequence[Mapping[str, Any]],
    tags: Mapping[int, TagRow],
    curated_only: bool,
    precomputed: Mapping[int, AutoTags] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows of foods, nutrient amounts per 100 g and their FDC nutrient ids, from pack records."""
    rows: list[dict[str, Any]] = []
    amounts: list[list[float]] = []
    sources: list[list[int]] = []
    for record in records:
        fdc_id = int(record["fdc_id"])
        tag = tags.get(fdc_id)
        if curated_only and tag is None:
            continue
        nutrients = record.get("nutrients") or {}
        auto = (precomputed or {}).get(fdc_id) or auto_tags(
            record.get("category"), record.get("description", "")
        )
        if tag is not None:
            grams, text, source = tag.serving_g, tag.serving_text, tag.serving_source
            row = {
                "name": tag.name,
                "meals": tag.meals,
                "role": tag.role,
                "diets": tag.diets,
                "allergens": tag.allergens,
                "fortified": tag.fortified,
                "min_servings": tag.min_servings,
                "max_servings": tag.max_servings,
                "half_servings": tag.half_servings,
                "menu_item": True,
                "curated": True,
            }
        else:
            grams, text, source = _serving_from_portions(record.get("portions") or [])
            row = {
                "name": record.get("description", ""),
                "meals": auto.meals,
                "role": auto.role,
                "diets": auto.diets,
                "allergens": auto.allergens,
                "fortified": auto.fortified,
                "min_servings": 0.5,
                "max_servings": 2.0,
                "half_servings": True,
                "menu_item": auto.menu_item,
                "curated": False,
            }
        impute = auto.zero_b12_and_vitamin_d_is_fact and not row["fortified"]
        row.update(
            fdc_id=fdc_id,
            description=record.get("description", ""),
            data_type=record.get("data_type"),
            category=record.get("category"),
            serving_g=float(grams),
            serving_text=text,
            serving_source=source,
            cost=np.nan,
        )
        food_amounts, food_sources = [], []
        for key in NUTRIENT_KEYS:
            value = nutrients.get(key)
            if value is not None:
                food_amounts.append(float(value["amount"]))
                food_sources.append(int(value["nutrient_id"]))
            elif impute and key in _IMPUTED_KEYS:
                food_amounts.append(0.0)
                food_sources.append(IMPUTED)
            else:
                food_amounts.append(np.nan)
                food_sources.append(COMPUTED)
        rows.append(row)
        amounts.append(food_amounts)
        sources.append(food_sources)
    index = pd.Index([row["fdc_id"] for row in rows], name="id")
    foods = pd.DataFrame(rows, index=index)[_TAG_COLUMNS]
    per_100g = pd.DataFrame(amounts, index=index, columns=list(NUTRIENT_KEYS), dtype=float)
    nutrient_ids = pd.DataFrame(sources, index=index, columns=list(NUTRIENT_KEYS), dtype=int)
    return foods, per_100g, nutrient_ids


#: Columns every catalogue carries beside its tags, with the value a food lacking them gets:
#: where a food comes from and how to trace it, what it stands in for on a plate, and its
#: household portions.
_EXTRA_COLUMNS: Mapping[str, Any] = MappingProxyType(
    {
        "source": None,
        "food_code": np.nan,
        "release": None,
        "wweia_category": np.nan,
        "covers": (),
        "plannable": None,
        "portions": (),
    }
)
_SOURCES = {
    "SR Legacy": "sr_legacy",
    "Foundation": "foundation",
    "Survey (FNDDS)": "fndds",
    "Branded": "branded",
    "custom": "custom",
}


def _complete(foods: pd.DataFrame) -> pd.DataFrame:
    """The foods table with every standard column, filling what a source does not have."""
    missing = [c for c in (*_EXTRA_COLUMNS, *FOOD_GROUP_KEYS) if c not in foods.columns]
    if not missing:
        return foods
    foods = foods.copy()
    for column in missing:
        default = _EXTRA_COLUMNS.get(column, np.nan)
        if column == "source":
            foods[column] = foods["data_type"].map(lambda t: _SOURCES.get(str(t), "other"))
        elif column == "plannable":
            foods[column] = foods["menu_item"].map(lambda m: "yes" if m else "no")
        else:
            foods[column] = pd.Series([default] * len(foods), index=foods.index, dtype=object)
    for column in FOOD_GROUP_KEYS:
        foods[column] = foods[column].astype(float)
    return foods


def shipped_catalog(name: str) -> FoodCatalog:
    """A shipped catalogue by name (one of :data:`CATALOGS`), read once per process."""
    _check_choice(name, CATALOGS, "catalog")
    return _shipped(name)


@functools.cache
def _shipped(kind: str) -> FoodCatalog:
    """The shipped catalogues, read once per process (they are immutable, so shared)."""
    if kind == "default":
        return _shipped("as_eaten")
    if kind == "curated":
        return FoodCatalog._from_pack(None, curated_only=True)
    if kind == "ingredients":
        return FoodCatalog._from_pack(None, curated_only=False)
    if kind == "fndds":
        return _fndds_catalog()
    fndds = _shipped("fndds")
    if kind == "as_eaten":
        return fndds.filter(menu_items_only=True)
    return FoodCatalog._concat(fndds, _shipped("ingredients"))


def _fndds_catalog() -> FoodCatalog:
    folder = default_starter_dir()
    if folder is None:
        raise CatalogError("the shipped food pack (data/usda_cache) is missing: reinstall mealplan")
    table = read_pack_fndds_table(folder)
    if table is None:
        raise CatalogError(
            f"the shipped food pack in {folder} has no FNDDS foods: rebuild it with "
            "`python -m mealplan.catalog build --from ../shared`"
        )
    entry, text = table
    foods, per_100g, ids = read_table_json(text)
    units = {key: unit_of(key) for key in NUTRIENT_KEYS}
    return FoodCatalog(foods, per_100g, units=units, nutrient_ids=ids, release=entry["release"])


def _closeness(words: Sequence[str], name_words: Sequence[str]) -> float:
    """How closely a name's words spell the query's words (1 = the same words)."""
    return sum(
        max((difflib.SequenceMatcher(None, w, n).ratio() for n in name_words), default=0.0)
        for w in words
    ) / max(len(words), 1)


class FoodCatalog:
    """The foods a planner may choose from, with nutrients per 100 g and serving data.

    Immutable: :meth:`filter` and the constructors return new catalogues.
    """

    def __init__(
        self,
        foods: pd.DataFrame,
        per_100g: pd.DataFrame,
        *,
        units: Mapping[str, str],
        nutrient_ids: pd.DataFrame | None = None,
        per_serving: pd.DataFrame | None = None,
        release: str | None = None,
    ) -> None:
        self._foods = _complete(foods)
        self._per_100g = per_100g
        self._units = dict(units)
        self._nutrient_ids = (
            nutrient_ids
            if nutrient_ids is not None
            else pd.DataFrame(USER_SUPPLIED, index=per_100g.index, columns=per_100g.columns)
        )
        if per_serving is None:
            per_serving = per_100g.mul(foods["serving_g"] / 100.0, axis=0)
        self._per_serving = per_serving
        self.release = release

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def default(cls, cache: FoodCache | None = None) -> FoodCatalog:
        """The planner's default foods: everyday foods as eaten (:meth:`as_eaten`), the dishes,
        sandwiches, soups, drinks and single foods people report eating, in household portions.

        Read once per process and shared: a catalogue is immutable. With ``cache`` (a cache of
        FDC ingredient foods, which holds no foods as eaten), the reviewed everyday ingredients
        as that cache holds them (:meth:`curated`).
        """
        return _shipped("default") if cache is None else cls.curated(cache)

    @classmethod
    def as_eaten(cls) -> FoodCatalog:
        """Everyday foods as eaten, :meth:`default`: the FNDDS 2017-2018 foods (dishes,
        sandwiches, soups, drinks and single foods) that are plannable by default and have a
        household portion. Restaurant, fast-food and frozen-meal versions, the survey's "NS as
        to" codes and other duplicates are opt-in (``src/mealplan/data/fndds_food_rules.csv``)."""
        return _shipped("as_eaten")

    @classmethod
    def ingredients(cls, cache: FoodCache | None = None) -> FoodCatalog:
        """Every shipped SR Legacy and Foundation food (ingredients, as USDA analysed them);
        curated tags win over automatic ones. With ``cache``, the foods of that cache."""
        return _shipped("ingredients") if cache is None else cls._from_pack(cache, False)

    @classmethod
    def curated(cls, cache: FoodCache | None = None) -> FoodCatalog:
        """The 376 reviewed everyday SR Legacy and Foundation foods of ``food_tags.csv``."""
        return _shipped("curated") if cache is None else cls._from_pack(cache, True)

    @classmethod
    def full(cls, cache: FoodCache | None = None) -> FoodCatalog:
        """Every shipped food: the FNDDS foods as eaten and the SR Legacy and Foundation
        ingredients, in one table (``source`` tells them apart). With ``cache``, the
        ingredients are that cache's foods."""
        if cache is None:
            return _shipped("full")
        return cls._concat(_shipped("fndds"), cls.ingredients(cache))

    @classmethod
    def _from_pack(cls, cache: FoodCache | None, curated_only: bool) -> FoodCatalog:
        manifest, records, precomputed = _pack_records(cache)
        tags = {row.fdc_id: row for row in read_tag_table()}
        foods, per_100g, ids = _frames_from_records(records, tags, curated_only, precomputed)
        if curated_only:
            missing = sorted(set(tags) - set(foods.index))
            if missing:
                raise CatalogError(f"curated foods missing from the food pack: {missing[:10]}")
        units = {key: unit_of(key) for key in NUTRIENT_KEYS}
        return cls(foods, per_100g, units=units, nutrient_ids=ids, release=manifest.get("release"))

    @classmethod
    def from_foods(cls, foods: Iterable[Food], release: str | None = None) -> FoodCatalog:
        """A catalogue of normalized foods (automatic tags; curated tags where the id has them)."""
        records = [food.model_dump(mode="json") for food in foods]
        tags = {row.fdc_id: row for row in read_tag_table()}
        frame, per_100g, ids = _frames_from_records(records, tags, curated_only=False)
        units = {key: unit_of(key) for key in NUTRIENT_KEYS}
        return cls(frame, per_100g, units=units, nutrient_ids=ids, release=release)

    @classmethod
    def from_fdc(cls, client: FdcClient, ids: Iterable[int]) -> FoodCatalog:
        """Foods fetched through the client (and its cache), in the order of ``ids``."""
        result = client.get_foods(list(ids))
        return cls.from_foods(result.foods, release="FoodData Central API")

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        id_column: str = "id",
        name_column: str | None = "name",
        nutrient_columns: Sequence[str] | None = None,
        units: Mapping[str, str] | None = None,
        amounts: Literal["per_100g", "per_serving"] = "per_serving",
        serving_g_column: str | None = None,
        serving_text_column: str | None = None,
        cost_column: str | None = None,
        role_column: str | None = None,
        meals_column: str | None = None,
        max_servings_column: str | None = None,
        covers_column: str | None = None,
    ) -> FoodCatalog:
        """An app's own foods or recipes: any nutrient columns, amounts per serving or 100 g.

        ``amounts="per_serving"`` (the default) reads every nutrient column as the amount in one
        serving (one unit) of the food; the planner's servings are then units of that row. With
        ``amounts="per_100g"``, ``serving_g_column`` is required. Costs are per serving. Without
        a ``name`` column (the default ``name_column``), the ids are the names.

        Values are checked, and a :class:`CatalogError` names the column and the first bad rows:
        ids must be present and unique; nutrient amounts, costs and serving grams must be finite
        numbers ≥ 0 (serving grams > 0, and present when ``amounts="per_100g"``);
        ``max_servings`` must be ≥ 0 (missing or ``inf`` means no limit). An explicit NaN or
        None is an unknown value; text that is not a number is an error, not an unknown.
        Roles are any of ``ALL_ROLES``; ``covers_column`` holds what a food as eaten stands in
        for (``"protein;grain"`` or a tuple of ``COVER_ROLES``; empty or missing: nothing).
        """
        _require_columns(frame, [id_column], "id_column")
        if name_column == "name" and name_column not in frame.columns:
            name_column = None  # the default name column is optional: the ids name the foods
        if name_column is not None:
            _require_columns(frame, [name_column], "name_column")
        reserved = {
            id_column,
            name_column,
            serving_g_column,
            serving_text_column,
            cost_column,
            role_column,
            meals_column,
            max_servings_column,
            covers_column,
        }
        nutrient_columns = _nutrient_columns(frame, nutrient_columns, reserved)
        if amounts not in ("per_100g", "per_serving"):
            raise CatalogError(f"amounts: must be 'per_100g' or 'per_serving' (got {amounts!r})")
        if amounts == "per_100g" and serving_g_column is None:
            raise CatalogError("serving_g_column: required when amounts='per_100g'")
        for argument, column in (
            ("serving_g_column", serving_g_column),
            ("serving_text_column", serving_text_column),
            ("cost_column", cost_column),
            ("role_column", role_column),
            ("meals_column", meals_column),
            ("max_servings_column", max_servings_column),
            ("covers_column", covers_column),
        ):
            if column is not None:
                _require_columns(frame, [column], argument)
        labels = _frame_ids(frame, id_column)
        index = pd.Index(labels, name="id")
        values = pd.DataFrame(
            {
                column: _numbers(frame[column], "nutrient_columns", column, labels, minimum=0.0)
                for column in nutrient_columns
            },
            index=index,
        )
        grams = (
            _numbers(
                frame[serving_g_column],
                "serving_g_column",
                serving_g_column,
                labels,
                minimum=0.0,
                strict=True,
            )
            if serving_g_column
            else np.full(len(frame), np.nan)
        )
        if amounts == "per_100g" and np.isnan(grams).any():
            raise CatalogError(
                f"serving_g_column: column {serving_g_column!r} needs a value for every food "
                f"with amounts='per_100g' (missing for ids {_first(_at(np.isnan(grams), labels))})"
            )
        if amounts == "per_100g":
            per_100g = values
            per_serving = values.mul(grams / 100.0, axis=0)
        else:
            per_serving = values
            per_100g = values.mul(100.0 / grams, axis=0)
        names = (
            [
                str(i) if _missing(n) else str(n)
                for n, i in zip(frame[name_column], labels, strict=True)
            ]
            if name_column
            else [str(i) for i in labels]
        )
        count = len(frame)
        foods = pd.DataFrame(
            {
                "name": names,
                "description": names,
                "fdc_id": [
                    int(i) if isinstance(i, (int, np.integer)) and id_column == "fdc_id" else None
                    for i in index
                ],
                "data_type": "custom",
                "category": None,
                "serving_g": grams,
                "serving_text": (
                    frame[serving_text_column].astype(str).tolist()
                    if serving_text_column
                    else ["1 serving"] * count
                ),
                "serving_source": "user",
                "min_servings": 0.0,
                "max_servings": (
                    np.nan_to_num(
                        _numbers(
                            frame[max_servings_column],
                            "max_servings_column",
                            max_servings_column,
                            labels,
                            minimum=0.0,
                            allow_inf=True,
                        ),
                        nan=np.inf,
                        posinf=np.inf,
                    )
                    if max_servings_column
                    else np.inf
                ),
                "half_servings": True,
                "meals": (
                    [_as_tuple(m, MEALS, "meals_column") for m in frame[meals_column]]
                    if meals_column
                    else [MEALS] * count
                ),
                "role": (
                    [_as_role(r) for r in frame[role_column]]
                    if role_column
                    else ["protein"] * count
                ),
                "diets": [DIETS + DIET_FLAGS] * count,
                "allergens": [()] * count,
                "fortified": False,
                "menu_item": True,
                "curated": False,
                "cost": (
                    _numbers(frame[cost_column], "cost_column", cost_column, labels, minimum=0.0)
                    if cost_column
                    else np.nan
                ),
            },
            index=index,
        )[_TAG_COLUMNS]
        if covers_column:
            foods = foods.assign(covers=_as_covers(frame[covers_column], covers_column, index))
        unit_map = {
            column: (units or {}).get(column, _default_unit(column)) for column in nutrient_columns
        }
        return cls(foods, per_100g, units=unit_map, per_serving=per_serving, release="user table")

    # -- queries --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._foods)

    def __contains__(self, food_id: object) -> bool:
        return food_id in self._foods.index

    def __iter__(self) -> Iterator[Any]:
        return iter(self._foods.index.tolist())

    def __repr__(self) -> str:
        return f"<FoodCatalog {len(self)} foods, {len(self.nutrient_keys)} nutrients>"

    @property
    def ids(self) -> list[Any]:
        return self._foods.index.tolist()

    @property
    def nutrient_keys(self) -> list[str]:
        return list(self._per_serving.columns)

    @property
    def units(self) -> dict[str, str]:
        return dict(self._units)

    @property
    def foods(self) -> pd.DataFrame:
        """Tags and serving data, one row per food (a copy)."""
        return self._foods.copy()

    def per_serving(self) -> pd.DataFrame:
        """Nutrients in one default serving of each food (NaN = unknown), a copy."""
        return self._per_serving.copy()

    def per_100g(self) -> pd.DataFrame:
        return self._per_100g.copy()

    def imputed(self) -> pd.DataFrame:
        """True where a value is an imputed zero rather than an FDC number."""
        return self._nutrient_ids == IMPUTED

    def data_release(self, food_id: Any) -> str:
        """The data release a food's values come from, as a plan states it: an FNDDS food's
        own release ("FNDDS 2017-2018"); else the part of the catalogue's release that names
        the food's FDC data type ("SR Legacy 2018-04 (values: SR28)" of the shipped pack);
        else the catalogue's release ("user table", "FoodData Central API"); else the data
        type."""
        row = self._foods.loc[food_id]
        own = row.get("release", None)
        if isinstance(own, str) and own:
            return own
        data_type = str(row["data_type"])
        if not self.release:
            return data_type
        parts = [part.strip() for part in self.release.split(" + ")]
        named = [part for part in parts if data_type in part]
        return named[0] if len(named) == 1 else self.release

    def b12_reliable(self) -> pd.Series:
        """True where a food's vitamin B12 counts towards a plan: animal foods and fortified foods.

        Plant foods, algae, tempeh and mushrooms carry trace B12 or inactive analogues, so their
        B12 counts as 0 for adequacy. A plant food is one the tags call vegan (FDC foods), or one
        whose name says tempeh, mushroom or an alga (any food, including an app's own table,
        whose diet tags are not known).
        """
        foods = self._foods
        text = (foods["name"].astype(str) + " " + foods["description"].astype(str)).str.lower()
        unreliable_by_name = text.str.contains(_UNRELIABLE_B12_NAMES, regex=True)
        plant = foods["diets"].map(lambda diets: "vegan" in diets) & (
            foods["data_type"] != "custom"
        )
        fortified = foods["fortified"].astype(bool)
        return ~((plant | unreliable_by_name) & ~fortified)

    def __getitem__(self, food_id: Any) -> CatalogFood:
        if food_id not in self._foods.index:
            raise KeyError(f"no food with id {food_id!r} in this catalogue")
        row = self._foods.loc[food_id]
        per_100g = self._per_100g.loc[food_id]
        per_serving = self._per_serving.loc[food_id]
        ids = self._nutrient_ids.loc[food_id]
        category = row.get("wweia_category", None)

        def clean(value: Any) -> float | None:
            return None if pd.isna(value) else float(value)

        return CatalogFood(
            id=food_id,
            name=str(row["name"]),
            fdc_id=None if pd.isna(row["fdc_id"]) else int(row["fdc_id"]),
            description=str(row["description"]),
            category=row["category"] if isinstance(row["category"], str) else None,
            serving_g=clean(row["serving_g"]),
            serving_text=str(row["serving_text"]),
            meals=tuple(row["meals"]),
            role=str(row["role"]),
            diets=tuple(row["diets"]),
            allergens=tuple(row["allergens"]),
            fortified=bool(row["fortified"]),
            cost=clean(row["cost"]),
            per_100g={k: clean(per_100g[k]) for k in self.nutrient_keys},
            per_serving={k: clean(per_serving[k]) for k in self.nutrient_keys},
            units=self.units,
            nutrient_ids={k: int(ids[k]) for k in self.nutrient_keys},
            min_servings=float(row["min_servings"]),
            max_servings=float(row["max_servings"]),
            half_servings=bool(row["half_servings"]),
            covers=_covers_of(row.get("covers")),
            wweia_category=None if pd.isna(category) else int(category),
            food_groups={
                k: float(row[k]) for k in FOOD_GROUP_KEYS if k in row.index and pd.notna(row[k])
            },
        )

    def get(self, food_id: Any) -> CatalogFood | None:
        return self[food_id] if food_id in self._foods.index else None

    def find(self, name: str, limit: int = 5) -> list[CatalogFood]:
        """Foods whose name best matches ``name``, best first; each says how it matched.

        Ranks: every query word a whole word of the name ("salmon" → "Salmon, baked"), then
        every word a prefix of a name word ("salm"), then inside a word, and only then close
        spellings ("salmn" finds "Salmon, pink, baked"; ``match="fuzzy"``). Within a rank,
        names that start with the query come first, then shorter names.
        """
        query = name.strip().lower()
        if not query:
            return []
        words = _WORD.findall(query) or [query]
        names = {food_id: str(n).lower() for food_id, n in self._foods["name"].items()}
        name_words = {i: _WORD.findall(n) for i, n in names.items()}
        ranks: dict[Any, tuple[int, str]] = {}
        for food_id, text in names.items():
            found = name_words[food_id]
            if all(w in found for w in words):
                ranks[food_id] = (0, "word")
            elif all(any(f.startswith(w) for f in found) for w in words):
                ranks[food_id] = (1, "prefix")
            elif all(w in text for w in words):
                ranks[food_id] = (2, "substring")
        for food_id in self._spelled_like(words, names, name_words, limit):
            ranks.setdefault(food_id, (3, "fuzzy"))

        def order(food_id: Any) -> tuple[int, float, bool, int, str]:
            text, rank = names[food_id], ranks[food_id][0]
            # Close spellings: the closest first (how near its words are to the query's).
            distance = 0.0 if rank < 3 else -_closeness(words, name_words[food_id])
            return (rank, distance, not text.startswith(words[0]), len(text), text)

        best = sorted(ranks, key=order)[:limit]
        return [dataclasses.replace(self[i], match=ranks[i][1]) for i in best]

    @staticmethod
    def _spelled_like(
        words: list[str],
        names: Mapping[Any, str],
        name_words: Mapping[Any, list[str]],
        limit: int,
    ) -> list[Any]:
        """Foods whose words include a close spelling of every query word, or whose whole name
        is close to the query."""
        vocabulary = sorted({w for ws in name_words.values() for w in ws})
        near = [set(difflib.get_close_matches(w, vocabulary, n=5, cutoff=0.75)) for w in words]
        spelled = [i for i, ws in name_words.items() if all(set(ws) & n for n in near)]
        by_name: dict[str, list[Any]] = {}
        for food_id, text in names.items():
            by_name.setdefault(text, []).append(food_id)
        close = difflib.get_close_matches(" ".join(words), list(by_name), n=limit, cutoff=0.6)
        return [*spelled, *(i for text in close for i in by_name[text])]

    def filter(
        self,
        *,
        diet: str | None = None,
        dairy_free: bool = False,
        gluten_free: bool = False,
        exclude_allergens: Iterable[str] = (),
        ids: Iterable[Any] | None = None,
        exclude_ids: Iterable[Any] = (),
        allow_fortified: bool = True,
        meal: str | None = None,
        role: str | None = None,
        menu_items_only: bool = False,
    ) -> FoodCatalog:
        """A catalogue of the foods that fit; arguments are checked against allowed values."""
        mask = pd.Series(True, index=self._foods.index)
        if diet is not None:
            _check_choice(diet, DIETS, "diet")
            mask &= self._foods["diets"].map(lambda d: diet in d)
        for flag, wanted in (("dairy_free", dairy_free), ("gluten_free", gluten_free)):
            if wanted:
                mask &= self._foods["diets"].map(lambda d, f=flag: f in d)
        excluded = set(exclude_allergens)
        for allergen in excluded:
            _check_choice(allergen, ALLERGENS, "exclude_allergens")
        if excluded:
            mask &= self._foods["allergens"].map(lambda a: not excluded.intersection(a))
        if ids is not None:
            wanted_ids = set(ids)
            mask &= self._foods.index.isin(wanted_ids)
        exclude = set(exclude_ids)
        if exclude:
            mask &= ~self._foods.index.isin(exclude)
        if not allow_fortified:
            mask &= ~self._foods["fortified"].astype(bool)
        if meal is not None:
            _check_choice(meal, MEALS, "meal")
            mask &= self._foods["meals"].map(lambda m: meal in m)
        if role is not None:
            _check_choice(role, ALL_ROLES, "role")
            mask &= self._foods["role"] == role
        if menu_items_only:
            mask &= self._foods["menu_item"].astype(bool)
        return self._subset(mask.to_numpy())

    @classmethod
    def _concat(cls, first: FoodCatalog, second: FoodCatalog) -> FoodCatalog:
        """Two catalogues with distinct ids as one (the foods as eaten, then the ingredients)."""
        return cls(
            pd.concat([first._foods, second._foods]),
            pd.concat([first._per_100g, second._per_100g]),
            units={**second._units, **first._units},
            nutrient_ids=pd.concat([first._nutrient_ids, second._nutrient_ids]),
            per_serving=pd.concat([first._per_serving, second._per_serving]),
            release=f"{first.release} + {second.release}",
        )

    def _subset(self, mask: np.ndarray) -> FoodCatalog:
        return FoodCatalog(
            self._foods[mask],
            self._per_100g[mask],
            units=self._units,
            nutrient_ids=self._nutrient_ids[mask],
            per_serving=self._per_serving[mask],
            release=self.release,
        )

    @property
    def has_costs(self) -> bool:
        """True when at least one food has a price (a budget or a cost objective needs some)."""
        return bool(self._foods["cost"].notna().any())

    def with_costs(self, costs: Mapping[Any, float]) -> FoodCatalog:
        """A copy with a cost per serving for the given foods (others keep theirs)."""
        foods = self._foods.copy()
        unknown = [food_id for food_id in costs if food_id not in foods.index]
        if unknown:
            raise CatalogError(f"costs: unknown food ids {unknown[:5]}")
        for food_id, cost in costs.items():
            if not cost >= 0:
                raise CatalogError(f"costs: cost of {food_id!r} must be ≥ 0 (got {cost!r})")
            foods.loc[food_id, "cost"] = float(cost)
        return FoodCatalog(
            foods,
            self._per_100g,
            units=self._units,
            nutrient_ids=self._nutrient_ids,
            per_serving=self._per_serving,
            release=self.release,
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per food: ids, name, nutrients per 100 g, serving, tags, cost, food groups.

        ``frame.attrs["units"]`` gives the unit of every nutrient and food-group column (food
        groups in cup, oz or tsp equivalents, as the Dietary Guidelines count them).
        """
        tags = self._foods.copy()
        for column in ("meals", "diets", "allergens", "covers"):
            tags[column] = tags[column].map(";".join)
        tags["portions"] = tags["portions"].map(
            lambda portions: "; ".join(f"{text} = {grams:g} g" for text, grams in portions)
        )
        frame = pd.concat(
            [tags[["fdc_id", "name"]], self._per_100g, tags.drop(columns=["fdc_id", "name"])],
            axis=1,
        ).reset_index()
        frame.attrs["units"] = {
            **self._units,
            **{key: food_group_unit(key) for key in FOOD_GROUP_KEYS},
        }
        return frame

    def coverage(self) -> pd.DataFrame:
        """Per nutrient: how many foods have a value from FDC, an imputed zero, or none."""
        imputed = self.imputed().sum()
        known = self._per_100g.notna().sum()
        return pd.DataFrame(
            {
                "nutrient": self.nutrient_keys,
                "unit": [self._units.get(k, "") for k in self.nutrient_keys],
                "foods": len(self),
                "from_fdc": (known - imputed).astype(int).to_numpy(),
                "imputed_zero": imputed.astype(int).to_numpy(),
                "unknown": (len(self) - known).astype(int).to_numpy(),
            }
        )


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], argument: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CatalogError(
            f"{argument}: column(s) {missing} not in the frame; columns are {list(frame.columns)}"
        )


def _nutrient_columns(
    frame: pd.DataFrame, given: Sequence[str] | None, reserved: set[str | None]
) -> Sequence[str]:
    """The given nutrient columns, or else every numeric column not used for something else.

    A table without one is refused: its foods would carry no nutrients to plan with.
    """
    columns = given
    if columns is None:
        columns = [
            c
            for c in frame.columns
            if c not in reserved and pd.api.types.is_numeric_dtype(frame[c])
        ]
    _require_columns(frame, list(columns), "nutrient_columns")
    if not columns:
        raise CatalogError("nutrient_columns: no numeric nutrient columns found")
    return columns


def _frame_ids(frame: pd.DataFrame, id_column: str) -> list[Any]:
    """The table's ids in row order, refused when one is missing or repeated (ids key foods)."""
    raw_ids = frame[id_column]
    missing_ids = raw_ids.isna().to_numpy()
    if missing_ids.any():
        rows = np.flatnonzero(missing_ids).tolist()
        raise CatalogError(
            f"id_column: column {id_column!r} has missing ids (NaN/None) at row positions "
            f"{_first(rows)}"
        )
    if raw_ids.duplicated().any():
        dupes = raw_ids[raw_ids.duplicated()].tolist()[:5]
        raise CatalogError(f"id_column: ids must be unique (repeated: {dupes})")
    return raw_ids.tolist()


def _missing(value: Any) -> bool:
    """An explicit unknown: None, NaN, pd.NA or NaT (not text, not a number)."""
    if value is None or isinstance(value, str):
        return value is None
    result = pd.isna(value)
    return isinstance(result, (bool, np.bool_)) and bool(result)


def _at(mask: np.ndarray, labels: Sequence[Any]) -> list[Any]:
    return [labels[i] for i in np.flatnonzero(mask).tolist()]


def _first(items: Sequence[Any], shown: int = 5) -> str:
    """At most ``shown`` items, and how many more there are."""
    text = ", ".join(repr(item) for item in items[:shown])
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return f"[{text}]{more}"


def _numbers(
    column: pd.Series,
    argument: str,
    name: str,
    labels: Sequence[Any],
    *,
    minimum: float,
    strict: bool = False,
    allow_inf: bool = False,
) -> np.ndarray:
    """A column as floats (NaN for an explicit unknown), or a CatalogError naming the argument,
    the column and the ids of the first bad rows.

    Text that does not parse as a number is an error, never a silent unknown; so is ``inf``
    (unless ``allow_inf``) and a value below ``minimum`` (at or below it when ``strict``).
    """
    given = np.array([not _missing(v) for v in column], dtype=bool)
    parsed = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    problems = (
        (given & np.isnan(parsed), "values that are not numbers"),
        (np.isinf(parsed) & (not allow_inf) & (parsed > 0), "infinite values"),
        (
            (parsed <= minimum) if strict else (parsed < minimum),
            f"values {'≤' if strict else '<'} {minimum:g} (they must be "
            f"{'>' if strict else '≥'} {minimum:g}; NaN means unknown)",
        ),
    )
    for mask, what in problems:
        if mask.any():
            raw = column.tolist()  # Python scalars: repr shows 'abc' or -0.5, not np.float64
            shown = [(labels[i], raw[i]) for i in np.flatnonzero(mask).tolist()]
            details = ", ".join(f"id {label!r} = {value!r}" for label, value in shown[:5])
            more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
            raise CatalogError(f"{argument}: column {name!r} has {what}: {details}{more}")
    return parsed


def _check_choice(value: str, allowed: Sequence[str], argument: str) -> None:
    if value not in allowed:
        raise CatalogError(f"{argument}: {value!r} is not one of {', '.join(allowed)}")


def _as_tuple(value: Any, allowed: Sequence[str], argument: str) -> tuple[str, ...]:
    items = value.split(";") if isinstance(value, str) else list(value)
    for item in items:
        _check_choice(item, allowed, argument)
    return tuple(a for a in allowed if a in items)


def _as_role(value: Any) -> str:
    _check_choice(str(value), ALL_ROLES, "role_column")
    return str(value)


def _as_covers(column: pd.Series, name: str, index: pd.Index) -> pd.Series:
    """Each food's covers as a tuple in ``COVER_ROLES`` order; empty text or a missing value
    covers nothing, and an unknown word is refused with the column and the allowed values."""
    covers = []
    for value, label in zip(column, index, strict=True):
        words = _covers_of(value)
        unknown = [w for w in words if w not in COVER_ROLES]
        if unknown:
            raise CatalogError(
                f"covers_column: column {name!r} has {unknown[0]!r} for id {label!r}; "
                f"allowed: {', '.join(COVER_ROLES)}"
            )
        covers.append(tuple(str(r) for r in COVER_ROLES if r in words))
    return pd.Series(covers, index=index, dtype=object)


def _covers_of(value: Any) -> tuple[str, ...]:
    """Covers as stored (a tuple) or given (``;``-separated text); anything else is none."""
    if isinstance(value, str):
        return tuple(w.strip() for w in value.split(";") if w.strip())
    if isinstance(value, (tuple, list)):
        return tuple(str(w) for w in value)
    return ()


def _default_unit(column: str) -> str:
    return unit_of(column) if column in NUTRIENT_KEYS else ""
