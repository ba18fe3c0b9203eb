"""Tags for FNDDS foods (foods as eaten): roles, meal cover, meals, plannability, diets, allergens.

FNDDS gives every food a WWEIA category. Two reviewed tables decide the tags, kept apart from the
code like ``food_tags.csv`` and ``food_safety.csv`` (see ``WWEIA_CATEGORIES.md``):

* ``data/wweia_categories.csv``: one row per WWEIA category with its roles, the classic plate
  components a food of it stands for (``covers``: a burrito is protein, grain and vegetable),
  its meals, whether it is planned by default (``yes``/``no``/``opt_in``), the least strict diet
  and the allergens its foods are presumed to have, and whether fortification is usual;
* ``data/fndds_food_rules.csv``: regular expressions over the lower-cased description (and,
  for rules that only add evidence, the additional description) that refine the category:
  "made with milk" adds milk and dairy cover, "shrimp" adds crustacean shellfish and makes the
  food pescatarian at least, "meatless" lowers a soup's presumed diet, "gluten free" drops wheat.

Rules apply in file order, so a later rule overrides an earlier one for roles, cover, meals,
allergens, plannability and fortification. Diets are an animal level: the category's
presumption, lowered by any matching ``diet_cap`` (explicit words such as "meatless"), then
raised by every matching ``diet_min`` (an animal ingredient named or implied); evidence of an
animal ingredient therefore always wins, and milk or egg among the allergens makes a food
vegetarian at least, fish or crustaceans pescatarian. ``Vitamin B-12, added`` above 0 marks a
food fortified whatever the tables say.

Everything is vectorised (one regex per rule over the distinct texts, bit masks for the sets),
so the 7,083 FNDDS foods take about two seconds (the regexes over the descriptions dominate).
The module is pure: it reads its two packaged tables once and never prints, writes or goes online.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd

from mealplan.domain.vocabulary import (
    ALL_ROLES,
    ALLERGENS,
    COVER_ROLES,
    DIET_FLAGS,
    DIETS,
    MEALS,
    Role,
)
from mealplan.errors import MealplanError
from mealplan.safety import pattern_problem

__all__ = [
    "CATEGORY_COUNT",
    "PLANNABLE",
    "ROLE_DISPLAY_ORDER",
    "TRAITS",
    "FnddsTagsError",
    "FoodRule",
    "WweiaCategory",
    "load_categories",
    "load_food_rules",
    "parse_categories",
    "parse_food_rules",
    "tag_fndds",
]

_log = logging.getLogger(__name__)

_CATEGORIES_FILE = "wweia_categories.csv"
_RULES_FILE = "fndds_food_rules.csv"

#: WWEIA categories used by the FNDDS 2017-2018 foods (counted from the At A Glance files).
CATEGORY_COUNT = 167

#: Values of ``plannable``: planned by default, never planned, planned only when asked for.
PLANNABLE: tuple[str, ...] = ("yes", "no", "opt_in")

#: Allergen-like traits the tables may name: the nine major allergens, and ``gluten`` for
#: barley, rye, malt and oats (they break ``gluten_free`` without being a major allergen).
TRAITS: tuple[str, ...] = (*ALLERGENS, "gluten")

#: The fixed order roles are listed in: the form of the food first, then what it gives.
#: ``roles`` is a set; this order is for display, not a ranking.
ROLE_DISPLAY_ORDER: tuple[str, ...] = (
    Role.DISH,
    Role.SANDWICH,
    Role.SOUP,
    Role.DRINK,
    Role.PROTEIN,
    Role.GRAIN,
    Role.VEGETABLE,
    Role.STARCHY_VEGETABLE,
    Role.FRUIT,
    Role.DAIRY,
    Role.FAT,
    Role.SNACK,
    Role.SWEET,
    Role.CONDIMENT,
)

_CATEGORY_COLUMNS: tuple[str, ...] = (
    "code",
    "description",
    "roles",
    "covers",
    "meals",
    "plannable",
    "diet_hint",
    "allergen_hint",
    "fortified",
    "note",
)
_RULE_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "text",
    "pattern",
    "except_pattern",
    "category_pattern",
    "roles",
    "covers",
    "meals",
    "plannable",
    "diet_min",
    "diet_cap",
    "allergens",
    "fortified",
    "note",
)
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*")
_CODE = re.compile(r"[0-9]{4}")
#: The four diets as an animal level: 0 vegan ... 3 omnivore.
_LEVEL: dict[str, int] = {diet: i for i, diet in enumerate(DIETS)}


class FnddsTagsError(MealplanError, ValueError):
    """A packaged (or given) category table or rule table is malformed."""


@dataclass(frozen=True)
class WweiaCategory:
    """One reviewed row of ``wweia_categories.csv``."""

    code: str
    description: str
    roles: tuple[str, ...]
    covers: tuple[str, ...]
    meals: tuple[str, ...]
    plannable: str
    diet_hint: str
    allergen_hint: tuple[str, ...]
    fortified: bool
    note: str


@dataclass(frozen=True)
class FoodRule:
    """One reviewed row of ``fndds_food_rules.csv``; empty strings mean "not used".

    The set columns (``roles``, ``covers``, ``meals``, ``allergens``) hold ``;``-separated
    changes: ``=a;b`` replaces the set, ``+a`` adds and ``-a`` removes.
    """

    rule_id: str
    text: str
    pattern: str
    except_pattern: str
    category_pattern: str
    roles: str
    covers: str
    meals: str
    plannable: str
    diet_min: str
    diet_cap: str
    allergens: str
    fortified: str
    note: str


# --- reading the tables -----------------------------------------------------------------------


def _rows(text: str, columns: tuple[str, ...], where: str) -> list[tuple[str, dict[str, str]]]:
    """CSV rows as stripped dicts with their ``file:line``; the header must be ``columns``."""
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    if set(header) != set(columns):
        missing = sorted(set(columns) - set(header))
        extra = sorted(set(header) - set(columns))
        raise FnddsTagsError(f"{where}: columns differ: missing {missing}, unexpected {extra}")
    out: list[tuple[str, dict[str, str]]] = []
    for line, row in enumerate(reader, start=2):
        at = f"{where}:{line}"
        if None in row or any(value is None for value in row.values()):
            raise FnddsTagsError(f"{at}: wrong number of fields")
        out.append((at, {key: row[key].strip() for key in columns}))
    return out


def _words(text: str, allowed: Sequence[str], what: str, at: str) -> tuple[str, ...]:
    """A ``;``-separated list whose every item is one of ``allowed``, in ``allowed`` order."""
    items = [w.strip() for w in text.split(";") if w.strip()]
    unknown = sorted(set(items) - set(allowed))
    if unknown:
        raise FnddsTagsError(f"{at}: unknown {what} {unknown}; allowed: {', '.join(allowed)}")
    return tuple(a for a in allowed if a in items)


def _choice(value: str, allowed: Sequence[str], what: str, at: str) -> str:
    if value not in allowed:
        raise FnddsTagsError(f"{at}: {what} {value!r} is not one of {', '.join(allowed)}")
    return value


def parse_categories(text: str, where: str = _CATEGORIES_FILE) -> tuple[WweiaCategory, ...]:
    """Parse and validate a category table, in file order; duplicate codes are errors."""
    categories: list[WweiaCategory] = []
    seen: set[str] = set()
    for at, row in _rows(text, _CATEGORY_COLUMNS, where):
        code = row["code"]
        if not _CODE.fullmatch(code) or code in seen:
            raise FnddsTagsError(f"{at}: code {code!r} is not a new 4-digit WWEIA code")
        seen.add(code)
        roles = _words(row["roles"], ALL_ROLES, "role(s)", at)
        meals = _words(row["meals"], MEALS, "meal(s)", at)
        if not roles or not meals or not row["description"]:
            raise FnddsTagsError(f"{at}: a category needs a description, roles and meals")
        categories.append(
            WweiaCategory(
                code=code,
                description=row["description"],
                roles=roles,
                covers=_words(row["covers"], COVER_ROLES, "cover role(s)", at),
                meals=meals,
                plannable=_choice(row["plannable"], PLANNABLE, "plannable", at),
                diet_hint=_choice(row["diet_hint"], DIETS, "diet_hint", at),
                allergen_hint=_words(row["allergen_hint"], TRAITS, "allergen(s)", at),
                fortified=_choice(row["fortified"], ("yes", "no"), "fortified", at) == "yes",
                note=row["note"],
            )
        )
    if not categories:
        raise FnddsTagsError(f"{where}: no categories")
    return tuple(categories)


def _check_regex(rule_id: str, column: str, pattern: str, at: str) -> None:
    problem = pattern_problem(pattern)
    if problem is not None:
        raise FnddsTagsError(f"{at}: rule {rule_id!r}: {column} {problem}")


def _set_items(items: list[str]) -> list[str]:
    """The names of an ``=a;b`` change; a bare ``=`` empties the set."""
    return [name for name in (items[0][1:], *items[1:]) if name]


def _check_changes(value: str, allowed: Sequence[str], what: str, at: str) -> None:
    """``=a;b`` or a list of ``+a``/``-a``; every name must be in ``allowed``."""
    if not value:
        return
    items = [w.strip() for w in value.split(";") if w.strip()]
    if value.startswith("="):
        names = _set_items(items)
    elif all(item[:1] in "+-" and len(item) > 1 for item in items):
        names = [item[1:] for item in items]
    else:
        raise FnddsTagsError(f"{at}: {what} {value!r}: use '=a;b' or '+a;-b'")
    _words(";".join(names), allowed, what, at)


def _parse_rule(values: dict[str, str], at: str) -> FoodRule:
    rule_id = values["rule_id"]
    _choice(values["text"], ("main", "all"), "text", at)
    if not values["pattern"] and not values["category_pattern"]:
        raise FnddsTagsError(f"{at}: rule {rule_id!r} needs a pattern or a category_pattern")
    if not values["note"]:
        raise FnddsTagsError(f"{at}: rule {rule_id!r} has no note")
    for column in ("pattern", "except_pattern", "category_pattern"):
        if values[column]:
            _check_regex(rule_id, column, values[column], at)
    _check_changes(values["roles"], ALL_ROLES, "roles", at)
    _check_changes(values["covers"], COVER_ROLES, "covers", at)
    _check_changes(values["meals"], MEALS, "meals", at)
    _check_changes(values["allergens"], TRAITS, "allergens", at)
    for column, allowed in (
        ("plannable", PLANNABLE),
        ("diet_min", DIETS),
        ("diet_cap", DIETS),
        ("fortified", ("yes", "no")),
    ):
        if values[column]:
            _choice(values[column], allowed, column, at)
    return FoodRule(**values)


def parse_food_rules(text: str, where: str = _RULES_FILE) -> tuple[FoodRule, ...]:
    """Parse and validate a food-rule table, in file order (the order rules apply in)."""
    rules: list[FoodRule] = []
    seen: set[str] = set()
    for at, values in _rows(text, _RULE_COLUMNS, where):
        rule_id = values["rule_id"]
        if not _RULE_ID.fullmatch(rule_id) or rule_id in seen:
            raise FnddsTagsError(f"{at}: rule_id {rule_id!r} is not a new snake_case id")
        seen.add(rule_id)
        rules.append(_parse_rule(values, at))
    return tuple(rules)


def _packaged(name: str) -> str:
    return (resources.files("mealplan") / "data" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_categories() -> tuple[WweiaCategory, ...]:
    """The packaged WWEIA category table, read and validated once per process."""
    categories = parse_categories(_packaged(_CATEGORIES_FILE))
    if len(categories) != CATEGORY_COUNT:
        raise FnddsTagsError(
            f"{_CATEGORIES_FILE}: {len(categories)} categories, expected {CATEGORY_COUNT}"
        )
    return categories


@lru_cache(maxsize=1)
def load_food_rules() -> tuple[FoodRule, ...]:
    """The packaged food-level rules, read and validated once per process."""
    rules = parse_food_rules(_packaged(_RULES_FILE))
    _log.debug("loaded %d FNDDS food rules", len(rules))
    return rules


# --- tagging ----------------------------------------------------------------------------------

_Ints = npt.NDArray[np.int64]
_Bools = npt.NDArray[np.bool_]


def _bits(names: Iterable[str], universe: Sequence[str]) -> int:
    index = {name: i for i, name in enumerate(universe)}
    return sum(1 << index[name] for name in set(names))


def _unbits(mask: int, universe: Sequence[str]) -> tuple[str, ...]:
    """The names of the set bits, as plain strings (not enum members) in ``universe`` order."""
    return tuple(str(name) for i, name in enumerate(universe) if mask >> i & 1)


@dataclass
class _State:
    """The tags of every food as bit masks and small integers, changed rule by rule."""

    roles: _Ints
    covers: _Ints
    meals: _Ints
    traits: _Ints
    plannable: _Ints
    level: _Ints
    fortified: _Bools


def _start(codes: pd.Series, categories: Sequence[WweiaCategory]) -> _State:
    """Each food's tags from its category; a code not in the table is unplannable and is
    presumed to carry every allergen and animal ingredient."""
    table = {c.code: c for c in categories}
    unknown = WweiaCategory(
        code="",
        description="",
        roles=(),
        covers=(),
        meals=(),
        plannable="no",
        diet_hint=DIETS[-1],
        allergen_hint=TRAITS,
        fortified=False,
        note="",
    )
    rows = [table.get(code, unknown) for code in codes]
    return _State(
        roles=np.array([_bits(c.roles, ROLE_DISPLAY_ORDER) for c in rows], dtype=np.int64),
        covers=np.array([_bits(c.covers, COVER_ROLES) for c in rows], dtype=np.int64),
        meals=np.array([_bits(c.meals, MEALS) for c in rows], dtype=np.int64),
        traits=np.array([_bits(c.allergen_hint, TRAITS) for c in rows], dtype=np.int64),
        plannable=np.array([PLANNABLE.index(c.plannable) for c in rows], dtype=np.int64),
        level=np.array([_LEVEL[c.diet_hint] for c in rows], dtype=np.int64),
        fortified=np.array([c.fortified for c in rows], dtype=bool),
    )


def _change(masks: _Ints, hit: _Bools, value: str, universe: Sequence[str]) -> None:
    """Apply a rule's ``=a;b`` / ``+a;-b`` change to the masks of the foods it hit."""
    if not value:
        return
    items = [w.strip() for w in value.split(";") if w.strip()]
    if value.startswith("="):
        masks[hit] = _bits(_set_items(items), universe)
        return
    add = _bits([i[1:] for i in items if i[0] == "+"], universe)
    drop = _bits([i[1:] for i in items if i[0] == "-"], universe)
    masks[hit] = (masks[hit] | add) & ~drop


class _Matcher:
    """Regex hits over the distinct texts of the foods, each pattern searched once."""

    def __init__(self, main: pd.Series, full: pd.Series, categories: pd.Series) -> None:
        self._texts = {"main": pd.factorize(main), "all": pd.factorize(full)}
        self._categories = pd.factorize(categories)

    @staticmethod
    def _search(pattern: str, factorized: tuple[npt.NDArray[np.intp], pd.Index]) -> _Bools:
        codes, uniques = factorized
        hits = pd.Series(uniques, dtype=object).str.contains(pattern, regex=True)
        return hits.to_numpy(dtype=bool)[codes]

    def hits(self, rule: FoodRule) -> _Bools:
        """Foods whose text matches ``pattern`` and not ``except_pattern``, in the category."""
        text = self._texts[rule.text]
        size = len(text[0])
        hit = self._search(rule.pattern, text) if rule.pattern else np.ones(size, dtype=bool)
        if rule.category_pattern:
            hit &= self._search(rule.category_pattern, self._categories)
        if rule.except_pattern and hit.any():
            hit &= ~self._search(rule.except_pattern, text)
        return hit


#: FPED evidence of an animal ingredient: the column ``tag_fndds`` reads (oz-eq per 100 g, summed
#: over these food-group keys) and the least diet a food with any of it fits. USDA's recipe
#: files put ground beef in "Fried stuffed potatoes, Puerto Rican style" and pork in "Baked
#: beans" although the descriptions do not say so.
FPED_ANIMAL_EVIDENCE: dict[str, tuple[str, ...]] = {
    "fped_meat_poultry_oz": (
        "fg_protein_meat_oz",
        "fg_protein_cured_meat_oz",
        "fg_protein_organ_meat_oz",
        "fg_protein_poultry_oz",
    ),
    "fped_seafood_oz": ("fg_protein_seafood_high_n3_oz", "fg_protein_seafood_low_n3_oz"),
    "fped_eggs_oz": ("fg_protein_eggs_oz",),
}
_FPED_DIET_FLOOR = {
    "fped_meat_poultry_oz": "omnivore",
    "fped_seafood_oz": "pescatarian",
    "fped_eggs_oz": "vegetarian",
}


def _positive(foods: pd.DataFrame, column: str) -> _Bools:
    """Where a numeric column (FPED evidence, added B12) is above 0; nowhere when absent."""
    if column not in foods.columns:
        return np.zeros(len(foods), dtype=bool)
    amount = pd.to_numeric(foods[column], errors="coerce").fillna(0.0)
    return amount.to_numpy(dtype=float) > 0


def _fped_floor(foods: pd.DataFrame) -> _Ints:
    """The least diet level the FPED amounts prove (vegan where the columns are absent)."""
    floor = np.zeros(len(foods), dtype=np.int64)
    for column, diet in _FPED_DIET_FLOOR.items():
        floor = np.where(_positive(foods, column), np.maximum(floor, _LEVEL[diet]), floor)
    return floor


def _apply(state: _State, matcher: _Matcher, rules: Sequence[FoodRule]) -> None:
    """Every rule in file order; diet caps and minimums are gathered and applied last."""
    cap = np.full(len(state.level), len(DIETS) - 1, dtype=np.int64)
    floor = np.zeros(len(state.level), dtype=np.int64)
    for rule in rules:
        hit = matcher.hits(rule)
        if not hit.any():
            continue
        _change(state.roles, hit, rule.roles, ROLE_DISPLAY_ORDER)
        _change(state.covers, hit, rule.covers, COVER_ROLES)
        _change(state.meals, hit, rule.meals, MEALS)
        _change(state.traits, hit, rule.allergens, TRAITS)
        if rule.plannable:
            # An opt-in rule narrows the default; it never reopens a food nobody plans (a baby
            # food "NS as to strained or junior" stays unplannable).
            never = state.plannable == PLANNABLE.index("no")
            where = hit & ~never if rule.plannable == "opt_in" else hit
            state.plannable[where] = PLANNABLE.index(rule.plannable)
        if rule.fortified:
            state.fortified[hit] = rule.fortified == "yes"
        if rule.diet_cap:
            cap[hit] = np.minimum(cap[hit], _LEVEL[rule.diet_cap])
        if rule.diet_min:
            floor[hit] = np.maximum(floor[hit], _LEVEL[rule.diet_min])
    state.level = np.maximum(np.maximum(np.minimum(state.level, cap), floor), _implied(state))


def _implied(state: _State) -> _Ints:
    """The least animal level the allergens imply: milk or egg is vegetarian at least, fish or
    crustaceans pescatarian. Keeps a diet from contradicting the allergens whatever the rules."""
    dairy_egg = _bits(("milk", "egg"), TRAITS)
    seafood = _bits(("fish", "crustacean_shellfish"), TRAITS)
    implied = np.where(state.traits & dairy_egg, _LEVEL["vegetarian"], _LEVEL["vegan"])
    return np.where(state.traits & seafood, _LEVEL["pescatarian"], implied).astype(np.int64)


def _clean(values: pd.Series) -> pd.Series:
    """Lower-cased, accent-free text with missing values as ''."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    return text.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.lower()


def _decode(masks: _Ints, universe: Sequence[str]) -> list[tuple[str, ...]]:
    memo = {int(m): _unbits(int(m), universe) for m in np.unique(masks)}
    return [memo[int(m)] for m in masks]


def _diets(level: _Ints, traits: _Ints) -> list[tuple[str, ...]]:
    """Diets a food fits (every diet at or above its animal level) and the two flags."""
    milk = 1 << TRAITS.index("milk")
    gluten = (1 << TRAITS.index("wheat")) | (1 << TRAITS.index("gluten"))
    memo: dict[tuple[int, bool, bool], tuple[str, ...]] = {}
    out: list[tuple[str, ...]] = []
    for lvl, mask in zip(level.tolist(), traits.tolist(), strict=True):
        key = (lvl, not mask & milk, not mask & gluten)
        if key not in memo:
            flags = (flag for flag, ok in zip(DIET_FLAGS, key[1:], strict=True) if ok)
            memo[key] = tuple(str(d) for d in (*DIETS[lvl:], *flags))
        out.append(memo[key])
    return out


def tag_fndds(
    foods: pd.DataFrame,
    *,
    categories: Sequence[WweiaCategory] | None = None,
    rules: Sequence[FoodRule] | None = None,
) -> pd.DataFrame:
    """Tags for FNDDS foods, one row per input row (same index).

    ``foods`` needs ``food_code``, ``description`` (FNDDS main description) and ``wweia_code``
    (4-digit category number, text or integer); ``additional_description`` and ``b12_added``
    (mcg of added vitamin B12 per 100 g) are used when present, and so are the FPED amounts of
    :data:`FPED_ANIMAL_EVIDENCE`: meat or poultry makes a food omnivore, seafood pescatarian,
    egg vegetarian (and the egg allergen) at least. The result has ``food_code``,
    ``roles``, ``covers``, ``meals``, ``diets``, ``allergens`` (tuples), ``plannable``
    (``yes``/``no``/``opt_in``) and ``fortified`` (bool). Foods of a category missing from the
    table are ``no`` and presumed to carry every allergen and animal ingredient.
    """
    missing = sorted({"food_code", "description", "wweia_code"} - set(foods.columns))
    if missing:
        raise ValueError(f"foods lack column(s) {missing}")
    cats = load_categories() if categories is None else tuple(categories)
    codes = foods["wweia_code"].astype(str).str.strip().str.removesuffix(".0")
    names = {c.code: c.description for c in cats}
    main = _clean(foods["description"])
    extra = (
        _clean(foods["additional_description"])
        if "additional_description" in foods.columns
        else pd.Series([""] * len(foods), index=foods.index, dtype=object)
    )
    category_text = (codes + " " + codes.map(names).fillna("")).str.lower()
    matcher = _Matcher(main, main + " | " + extra, category_text)
    state = _start(codes, cats)
    _apply(state, matcher, load_food_rules() if rules is None else rules)
    # Egg in the recipe is the egg allergen too, whatever the description says.
    has_egg = _positive(foods, "fped_eggs_oz")
    state.traits = np.where(has_egg, state.traits | _bits(("egg",), TRAITS), state.traits)
    state.level = np.maximum(state.level, _fped_floor(foods))
    allergen_bits = (1 << len(ALLERGENS)) - 1
    return pd.DataFrame(
        {
            "food_code": foods["food_code"].to_numpy(),
            "roles": _decode(state.roles, ROLE_DISPLAY_ORDER),
            "covers": _decode(state.covers, COVER_ROLES),
            "meals": _decode(state.meals, MEALS),
            "plannable": [PLANNABLE[i] for i in state.plannable.tolist()],
            "diets": _diets(state.level, state.traits),
            "allergens": _decode(state.traits & allergen_bits, TRAITS),
            "fortified": state.fortified | _positive(foods, "b12_added"),
        },
        index=foods.index,
    )
