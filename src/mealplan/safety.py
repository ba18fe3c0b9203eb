"""Food-safety exclusions by life stage: which foods a pregnant, breastfeeding or young eater skips.

The rules themselves are reviewed data in ``data/food_safety.csv`` (see ``FOOD_SAFETY.md``): one
row per rule with the life-stage groups it protects, a reason a user can read, its source and
regular expressions over the food's name, description and FDC/WWEIA category. This module only
reads that table (once) and applies it, so a food from the curated table, the full SR Legacy and
Foundation catalogue, FdcClient or a user's ``from_frame`` is judged the same way: by its words,
not by its id.

A food triggers a rule when

* its lower-cased, accent-free name or description matches ``pattern``, or its category matches
  ``category_pattern``;
* and, if the rule has a scope, the name or description matches ``scope_pattern`` or the
  category matches ``scope_category_pattern`` (this keeps "raw" to animal foods);
* and neither the name nor the description matches ``except_pattern``, nor the category
  ``except_category_pattern``.

Everything is vectorised (one ``str.contains`` per pattern over all foods), so the 8,000-food
catalogue is classified in well under a second. The module is pure: no printing, no network, no
writing; it sits low in the import graph and takes plain ages and flags, not a ``Profile``.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd

from mealplan.errors import MealplanError

__all__ = [
    "LIFE_STAGE_GROUPS",
    "LifeStageGroup",
    "SafetyRule",
    "SafetyRulesError",
    "classify",
    "classify_frame",
    "groups_for",
    "load_rules",
    "parse_rules",
    "pattern_problem",
    "person_rules",
    "retinol_dense",
    "retinol_dense_frame",
    "rules_for",
]

_log = logging.getLogger(__name__)

_RULES_FILE = "food_safety.csv"


class LifeStageGroup(StrEnum):
    """The groups a safety rule can protect; a person belongs to zero or more of them."""

    PREGNANCY = "pregnancy"
    LACTATION = "lactation"
    #: DRI stage 1-3: from the first birthday up to (not including) the fourth.
    CHILD_1_3 = "child_1_3"
    #: FDA/EPA fish advice for children: from 1 up to (not including) 12.
    CHILD_1_11 = "child_1_11"
    #: FDA/EPA fish advice is for those who *might become* pregnant too: women from 14 up to
    #: (not including) 51, the ages at which a Profile may be pregnant.
    MIGHT_BECOME_PREGNANT = "might_become_pregnant"
    #: CDC and FDA: adults 65 and older are at higher risk from Listeria and other food germs.
    OLDER_ADULT_65 = "older_adult_65"


#: Every group name a rule may use in its ``groups`` column.
LIFE_STAGE_GROUPS: frozenset[str] = frozenset(group.value for group in LifeStageGroup)

#: Columns of ``food_safety.csv``, in file order.
_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "groups",
    "pattern",
    "except_pattern",
    "category_pattern",
    "scope_pattern",
    "scope_category_pattern",
    "except_category_pattern",
    "reason",
    "source",
    "note",
)
_PATTERN_COLUMNS: tuple[str, ...] = tuple(c for c in _COLUMNS if c.endswith("pattern"))
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*")


class SafetyRulesError(MealplanError, ValueError):
    """``food_safety.csv`` (or a table given to :func:`parse_rules`) is malformed."""


@dataclass(frozen=True)
class SafetyRule:
    """One reviewed exclusion rule; empty pattern strings mean "not used"."""

    rule_id: str
    groups: tuple[str, ...]
    pattern: str
    except_pattern: str
    category_pattern: str
    scope_pattern: str
    scope_category_pattern: str
    except_category_pattern: str
    reason: str
    source: str
    note: str

    def applies_to(self, groups: Iterable[str]) -> bool:
        """True when any of ``groups`` is one this rule protects."""
        return not set(self.groups).isdisjoint(groups)


def groups_for(
    age: float, pregnant: bool = False, lactating: bool = False, sex: str | None = None
) -> frozenset[str]:
    """The life-stage groups of a person, from plain values (no ``Profile`` import).

    ``sex`` ("female" or "male") places women of 14 up to 51 in ``might_become_pregnant``;
    without it, only pregnancy itself counts.

    Children are grouped by completed years like the DRI tables: 3.9 is still ``child_1_3``.
    Under 1 (not planned by mealplan, whose profiles start at 1) gets both child groups, because
    an infant is at least as vulnerable as a toddler.
    """
    if not math.isfinite(age) or age < 0:
        raise ValueError(f"age must be a finite number of years >= 0, got {age!r}")
    groups: set[str] = set()
    if pregnant:
        groups.add(LifeStageGroup.PREGNANCY.value)
    if lactating:
        groups.add(LifeStageGroup.LACTATION.value)
    if age < 4:
        groups.add(LifeStageGroup.CHILD_1_3.value)
    if age < 12:
        groups.add(LifeStageGroup.CHILD_1_11.value)
    if str(sex) == "female" and 14 <= age < 51:
        groups.add(LifeStageGroup.MIGHT_BECOME_PREGNANT.value)
    if age >= 65:
        groups.add(LifeStageGroup.OLDER_ADULT_65.value)
    return frozenset(groups)


def pattern_problem(pattern: str) -> str | None:
    """Why a rule's regular expression cannot work on lower-cased food text, or None.

    Shared by every reviewed rule table (food safety here, FNDDS food rules in ``fndds_tags``):
    a pattern must compile, have no capturing groups, not match the empty string (it would
    match every food) and have no upper-case letters (foods are matched lower-cased).
    """
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"bad regex: {exc}"
    if compiled.groups:
        return "has capturing groups; use (?:...) instead"
    if compiled.search("") is not None:
        return "matches the empty string, so it would match every food"
    if any(ch.isupper() for ch in re.sub(r"\\.", "", pattern)):
        return "has upper-case letters, but foods are matched lower-cased"
    return None


def _check_pattern(rule_id: str, column: str, pattern: str, where: str) -> None:
    problem = pattern_problem(pattern)
    if problem is not None:
        raise SafetyRulesError(f"{where}: rule {rule_id!r}: {column} {problem}")


def parse_rules(text: str, where: str = _RULES_FILE) -> tuple[SafetyRule, ...]:
    """Parse and validate a rules table (the packaged CSV, or a test's), in file order.

    Unknown or missing columns, duplicate or malformed rule ids, unknown groups, an empty
    reason or source, a rule without any matching pattern, and bad regexes are all errors: a
    safety table that half-loads would silently let foods through.
    """
    reader = csv.DictReader(io.StringIO(text))
    _check_columns(tuple(reader.fieldnames or ()), where)
    rules: list[SafetyRule] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        at = f"{where}:{line}"
        if None in row or any(value is None for value in row.values()):
            raise SafetyRulesError(f"{at}: wrong number of fields")
        values = {key: row[key].strip() for key in _COLUMNS}
        rule_id = values["rule_id"]
        if not _RULE_ID.fullmatch(rule_id):
            raise SafetyRulesError(f"{at}: rule_id {rule_id!r} is not snake_case")
        if rule_id in seen:
            raise SafetyRulesError(f"{at}: duplicate rule_id {rule_id!r}")
        seen.add(rule_id)
        rules.append(_parse_rule(rule_id, values, at))
    if not rules:
        raise SafetyRulesError(f"{where}: no rules")
    return tuple(rules)


def _check_columns(header: tuple[str, ...], where: str) -> None:
    """Reject a header other than :data:`_COLUMNS`: an unknown column would be silently unread."""
    if set(header) != set(_COLUMNS):
        missing = sorted(set(_COLUMNS) - set(header))
        extra = sorted(set(header) - set(_COLUMNS))
        raise SafetyRulesError(f"{where}: columns differ: missing {missing}, unexpected {extra}")


def _parse_rule(rule_id: str, values: dict[str, str], at: str) -> SafetyRule:
    """One row whose id is checked: its groups, reason, source and patterns validated."""
    groups = _parse_groups(values["groups"], rule_id, at)
    for column in ("reason", "source"):
        if not values[column]:
            raise SafetyRulesError(f"{at}: rule {rule_id!r} has no {column}")
    if not values["pattern"] and not values["category_pattern"]:
        raise SafetyRulesError(f"{at}: rule {rule_id!r} needs a pattern or a category_pattern")
    for column in _PATTERN_COLUMNS:
        if values[column]:
            _check_pattern(rule_id, column, values[column], at)
    return SafetyRule(
        rule_id=rule_id,
        groups=groups,
        pattern=values["pattern"],
        except_pattern=values["except_pattern"],
        category_pattern=values["category_pattern"],
        scope_pattern=values["scope_pattern"],
        scope_category_pattern=values["scope_category_pattern"],
        except_category_pattern=values["except_category_pattern"],
        reason=values["reason"],
        source=values["source"],
        note=values["note"],
    )


def _parse_groups(text: str, rule_id: str, at: str) -> tuple[str, ...]:
    """The ``;``-separated life-stage groups; none, or an unknown one, would protect no one."""
    groups = tuple(g.strip() for g in text.split(";") if g.strip())
    if not groups:
        raise SafetyRulesError(f"{at}: rule {rule_id!r} has no groups")
    unknown = [g for g in groups if g not in LIFE_STAGE_GROUPS]
    if unknown:
        raise SafetyRulesError(
            f"{at}: rule {rule_id!r}: unknown group(s) {unknown}; "
            f"allowed: {sorted(LIFE_STAGE_GROUPS)}"
        )
    return groups


@lru_cache(maxsize=1)
def load_rules() -> tuple[SafetyRule, ...]:
    """The packaged rules, read and validated once per process."""
    text = (resources.files("mealplan") / "data" / _RULES_FILE).read_text(encoding="utf-8")
    rules = parse_rules(text)
    _log.debug("loaded %d food-safety rules", len(rules))
    return rules


def rules_for(
    groups: Iterable[str], rules: Sequence[SafetyRule] | None = None
) -> tuple[SafetyRule, ...]:
    """The rules protecting any of ``groups`` (e.g. from :func:`groups_for`), in file order."""
    wanted = frozenset(groups)
    unknown = sorted(wanted - LIFE_STAGE_GROUPS)
    if unknown:
        raise ValueError(
            f"unknown life-stage group(s) {unknown}; allowed: {sorted(LIFE_STAGE_GROUPS)}"
        )
    return tuple(
        rule for rule in (load_rules() if rules is None else rules) if rule.applies_to(wanted)
    )


def person_rules(
    age: float,
    pregnant: bool,
    lactating: bool,
    switched_off: Iterable[str] = (),
    *,
    sex: str | None = None,
) -> tuple[tuple[SafetyRule, ...], tuple[SafetyRule, ...]]:
    """A person's rules, split into those that apply and those ``switched_off`` by id.

    The planner's screen and ``verify`` both ask this, so they judge a plan by the same rules.
    """
    off = frozenset(switched_off)
    rules = rules_for(groups_for(age, pregnant, lactating, sex))
    return (
        tuple(r for r in rules if r.rule_id not in off),
        tuple(r for r in rules if r.rule_id in off),
    )


# --- matching ---------------------------------------------------------------------------------

_BoolArray = npt.NDArray[np.bool_]


def _clean(values: Iterable[object] | None, length: int) -> pd.Series:
    """Lower-cased, accent-free text; None/NaN/missing become ''."""
    if values is None:
        return pd.Series([""] * length, dtype=object)
    items = list(values)
    if len(items) != length:
        raise ValueError(f"expected {length} values, got {len(items)}")
    text = pd.Series(["" if _missing(v) else str(v) for v in items], dtype=object)
    return text.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.lower()


def _missing(value: object) -> bool:
    """True for None and float NaN (pandas' missing text)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


class _Texts:
    """The cleaned name, description and category columns of the foods being judged."""

    def __init__(self, names: pd.Series, descriptions: pd.Series, categories: pd.Series) -> None:
        self.size = len(names)
        self.names = names.to_numpy(dtype=object)
        # A description equal to the name adds nothing; blank it to halve the regex work.
        self.descriptions = descriptions.where(descriptions != names, "").to_numpy(dtype=object)
        # Categories repeat (25 in SR Legacy, 167 in FNDDS): match each distinct one once.
        codes, uniques = pd.factorize(categories)
        self._category_codes = codes
        self._categories = pd.Series(uniques, dtype=object)
        self._full: dict[str, _BoolArray] = {}

    def text(self, pattern: str, rows: npt.NDArray[np.intp] | None = None) -> _BoolArray:
        """Name or description matches ``pattern``, for every food or only ``rows``."""
        if rows is None:
            if pattern not in self._full:
                self._full[pattern] = self._search(pattern, self.names, self.descriptions)
            return self._full[pattern]
        return self._search(pattern, self.names[rows], self.descriptions[rows])

    @staticmethod
    def _search(
        pattern: str, names: npt.NDArray[np.object_], descriptions: npt.NDArray[np.object_]
    ) -> _BoolArray:
        if not pattern:
            return np.zeros(len(names), dtype=bool)
        hit = pd.Series(names, dtype=object).str.contains(pattern, regex=True)
        hit |= pd.Series(descriptions, dtype=object).str.contains(pattern, regex=True)
        return hit.to_numpy(dtype=bool)

    def category(self, pattern: str, rows: npt.NDArray[np.intp] | None = None) -> _BoolArray:
        """Category matches ``pattern``, for every food or only ``rows``."""
        codes = self._category_codes if rows is None else self._category_codes[rows]
        if not pattern:
            return np.zeros(len(codes), dtype=bool)
        per_category = self._categories.str.contains(pattern, regex=True).to_numpy(dtype=bool)
        return per_category[codes]

    def matches(self, rule: SafetyRule) -> _BoolArray:
        """The rule's verdict for every food (see the module docstring for the logic).

        The inclusion patterns run over every food; scope and exceptions only over the few
        foods the inclusion patterns caught, which keeps the cost near one regex per rule.
        """
        hit = self.text(rule.pattern) | self.category(rule.category_pattern)
        rows = np.flatnonzero(hit)
        if rows.size == 0:
            return hit
        keep = np.ones(rows.size, dtype=bool)
        if rule.scope_pattern or rule.scope_category_pattern:
            keep &= self.text(rule.scope_pattern, rows) | self.category(
                rule.scope_category_pattern, rows
            )
        keep &= ~self.text(rule.except_pattern, rows)
        keep &= ~self.category(rule.except_category_pattern, rows)
        verdict = np.zeros(self.size, dtype=bool)
        verdict[rows[keep]] = True
        return verdict


def _texts(
    names: Sequence[str],
    descriptions: Sequence[str | None] | None,
    categories: Sequence[str | None] | None,
) -> _Texts:
    length = len(names)
    return _Texts(_clean(names, length), _clean(descriptions, length), _clean(categories, length))


def _verdicts(texts: _Texts, rules: Sequence[SafetyRule]) -> list[tuple[str, ...]]:
    """One tuple of triggered rule ids per food, in rule order."""
    if not rules:
        return [() for _ in range(texts.size)]
    matrix = np.column_stack([texts.matches(rule) for rule in rules])
    ids = [rule.rule_id for rule in rules]
    # Most foods trigger nothing or the same few combinations: build each tuple once.
    memo: dict[bytes, tuple[str, ...]] = {}
    out: list[tuple[str, ...]] = []
    for row in matrix:
        key = row.tobytes()
        found = memo.get(key)
        if found is None:
            found = tuple(ids[j] for j in np.flatnonzero(row))
            memo[key] = found
        out.append(found)
    return out


def classify(
    names: Sequence[str],
    descriptions: Sequence[str | None] | None = None,
    categories: Sequence[str | None] | None = None,
    rules: Sequence[SafetyRule] | None = None,
) -> list[tuple[str, ...]]:
    """The ids of the rules each food triggers, in rule order (``()`` for a safe food).

    ``descriptions`` and ``categories`` may be left out or hold None/NaN (a ``from_frame`` food
    may have only a name). ``rules`` defaults to every packaged rule; pass
    ``rules_for(groups_for(...))`` to judge for one person.
    """
    chosen = load_rules() if rules is None else rules
    return _verdicts(_texts(names, descriptions, categories), chosen)


def _frame_columns(
    frame: pd.DataFrame,
) -> tuple[list[str], list[str | None] | None, list[str | None] | None]:
    if "name" not in frame.columns:
        raise ValueError("the frame needs a 'name' column")
    names = frame["name"].tolist()
    descriptions = frame["description"].tolist() if "description" in frame.columns else None
    categories = frame["category"].tolist() if "category" in frame.columns else None
    return names, descriptions, categories


def classify_frame(frame: pd.DataFrame, rules: Sequence[SafetyRule] | None = None) -> pd.Series:
    """:func:`classify` for a foods table (``name``; optional ``description``, ``category``).

    Returns a Series of rule-id tuples indexed like ``frame`` (object dtype, named
    ``safety_rules``).
    """
    names, descriptions, categories = _frame_columns(frame)
    verdicts = classify(names, descriptions, categories, rules)
    return pd.Series(verdicts, index=frame.index, dtype=object, name="safety_rules")


#: Organ meats and fish-liver foods: retinol-dense, so an unknown vitamin A value is not "zero".
_RETINOL_DENSE = re.compile(
    r"\b(?:livers?|liverwurst|leberwurst|braunschweiger|pate|foie gras|giblets?|kidneys?|"
    r"gandinga)\b"
)
#: Kidney beans are not kidneys; a whole bird "with giblets" is mostly muscle.
_RETINOL_EXCEPT = re.compile(
    r"\b(?:beans?|meat and skin,? and giblets|giblets \(excluding liver\))"
)


def retinol_dense(
    names: Sequence[str],
    descriptions: Sequence[str | None] | None = None,
    categories: Sequence[str | None] | None = None,
) -> list[bool]:
    """Which foods are organ meats or fish-liver foods (liver, kidney, giblets, pate,
    liverwurst/braunschweiger, foie gras, cod liver oil).

    A missing retinol value on such a food must be treated as over the upper limit rather than
    as zero, since these foods are where preformed vitamin A is concentrated. ``categories`` is
    accepted for symmetry with :func:`classify` and is not needed by the current words.
    """
    texts = _texts(names, descriptions, categories)
    hit = texts.text(_RETINOL_DENSE.pattern) & ~texts.text(_RETINOL_EXCEPT.pattern)
    return [bool(v) for v in hit]


def retinol_dense_frame(frame: pd.DataFrame) -> pd.Series:
    """:func:`retinol_dense` for a foods table, as a boolean Series indexed like ``frame``."""
    names, descriptions, categories = _frame_columns(frame)
    return pd.Series(
        retinol_dense(names, descriptions, categories),
        index=frame.index,
        dtype=bool,
        name="retinol_dense",
    )
