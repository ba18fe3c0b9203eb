"""Daily nutrient targets from the Dietary Reference Intakes (DRI), for every life stage.

A :class:`Profile` (age, sex, pregnancy or lactation, body size, activity) maps to one DRI life
stage; :meth:`Targets.for_profile` turns it into a lower and/or upper :class:`Bound` per nutrient.

Where the numbers come from (all of them live in ``mealplan/data/*.csv``, never in this code):

* ``dri.csv``: RDA or AI as the minimum for magnesium, potassium, calcium, vitamin D, B12 and
  B6; the UL as the maximum only where it applies to food (the magnesium UL covers supplements
  and drugs only, so magnesium gets no maximum; potassium and B12 have no UL); the 2019 sodium
  CDRR as the sodium maximum; AMDR percentages and protein RDA per kg for the macronutrients.
* ``energy.csv``: the IOM 2005 Estimated Energy Requirement (EER) equations, their
  physical-activity coefficients, pregnancy and lactation additions and the DRI reference body
  sizes used when the profile gives no weight or height.

Energy is a range, EER × 0.9 to EER × 1.1, kept within 800–5,000 kcal (a warning is logged when
the range has to be moved). Carbohydrate, fat and protein are grams per day from the AMDR
percentages of the midpoint of the energy range, at 4, 9 and 4 kcal per gram. The protein
minimum is the larger of the life-stage protein RDA (g per kg) × body weight and the AMDR floor.

These are targets for planning food, not medical advice.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mealplan.errors import MealplanError
from mealplan.nutrients import BY_KEY

if TYPE_CHECKING:  # pandas is read when a table is asked for, not on import
    import pandas as pd

logger = logging.getLogger(__name__)

Sex = Literal["female", "male"]
Activity = Literal["inactive", "low_active", "active", "very_active"]
Trimester = Literal[1, 2, 3]

#: Ages the DRI tables cover here (infants under 1 year are out of scope).
AGE_MIN_YEARS = 1.0
AGE_MAX_YEARS = 120.0
#: Pregnancy and lactation rows exist for ages 14–18, 19–30 and 31–50 (i.e. 14 up to, not
#: including, 51).
REPRODUCTIVE_AGE_MIN = 14.0
REPRODUCTIVE_AGE_LIMIT = 51.0
#: Plausible body sizes; anything outside is a typo (pounds for kilograms, metres for cm).
WEIGHT_MAX_KG = 500.0
HEIGHT_MIN_CM = 40.0
HEIGHT_MAX_CM = 250.0

#: Energy range around the EER, and the range every computed energy target is kept within.
ENERGY_SPREAD = 0.10
ENERGY_FLOOR_KCAL = 800.0
ENERGY_CEILING_KCAL = 5000.0
#: Atwater general factors, kcal per gram, to turn AMDR percentages into grams.
KCAL_PER_G: Mapping[str, float] = MappingProxyType(
    {"carbohydrate": 4.0, "fat": 9.0, "protein": 4.0, "saturated_fat": 9.0, "added_sugars": 4.0}
)
#: The Dietary Guidelines' limits on saturated fat and added sugars start at age 2.
DGA_LIMITS_MIN_AGE = 2.0

#: The nutrients whose shortfall drives muscle cramps, in the order the cramp preset lists them.
CRAMP_NUTRIENTS: tuple[str, ...] = (
    "magnesium",
    "potassium",
    "calcium",
    "vitamin_d",
    "vitamin_b12",
    "vitamin_b6",
)
MACRONUTRIENTS: tuple[str, ...] = ("protein", "carbohydrate", "fat")

_LOWER_KINDS = ("RDA", "AI")
_UPPER_KINDS = ("UL", "CDRR")
#: Bounds that scale with the day's energy target: a minimum per 1,000 kcal (fiber) and a
#: maximum as a share of energy (saturated fat, added sugars).
_PER_1000_KCAL = "AI_per_1000kcal"
_PERCENT_ENERGY_MAX = "max_percent_energy"
_KINDS = frozenset(
    {*_LOWER_KINDS, *_UPPER_KINDS, "AMDR_low", "AMDR_high", _PER_1000_KCAL, _PERCENT_ENERGY_MAX}
)
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_AGE_STAGES: tuple[tuple[float, str], ...] = (
    (4.0, "1-3"),
    (9.0, "4-8"),
    (14.0, "9-13"),
    (19.0, "14-18"),
    (31.0, "19-30"),
    (51.0, "31-50"),
    (71.0, "51-70"),
)
_OLDEST_STAGE = "71+"
#: Every DRI life stage name used in dri.csv (pregnancy and lactation rows are female only).
LIFE_STAGES: tuple[str, ...] = (
    *(name for _, name in _AGE_STAGES),
    _OLDEST_STAGE,
    "pregnancy 14-18",
    "pregnancy 19-30",
    "pregnancy 31-50",
    "lactation 14-18",
    "lactation 19-30",
    "lactation 31-50",
)


class TargetsError(MealplanError, ValueError):
    """Targets cannot be built: a bad energy override or replacement, or a gap in the tables."""


def _fmt(value: float) -> str:
    """Numbers in messages without a spurious ``.0``."""
    return f"{value:g}"


# --------------------------------------------------------------------------------------------
# Profile


class Profile(BaseModel):
    """Who the targets are for. Field order matters: later validators read earlier fields.

    ``age`` is in years, 1 to 120 (fractions allowed; DRI bands use completed years, so 3.9 is
    in 1-3). ``pregnant`` and ``lactating`` need sex ``female`` and an age from 14 up to 51 (the
    DRI rows 14-18, 19-30, 31-50), and cannot both be true.

    ``weight_kg`` and ``height_cm`` are optional: when absent, energy and protein use the DRI
    reference body size for the life stage and sex (``energy.csv``). During pregnancy give the
    pre-pregnancy weight, as the IOM equations expect. ``trimester`` only changes energy; when
    a pregnant profile leaves it out, the 2nd-trimester addition (+340 kcal) is used, the middle
    of the 0/340/452 kcal steps. Lactation uses the 0–6 month addition (+330 kcal).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age: float
    sex: Sex
    pregnant: bool = False
    lactating: bool = False
    trimester: Trimester | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    activity: Activity = "low_active"

    @field_validator("age")
    @classmethod
    def _check_age(cls, value: float) -> float:
        if not math.isfinite(value) or not AGE_MIN_YEARS <= value <= AGE_MAX_YEARS:
            raise ValueError(
                f"must be between {_fmt(AGE_MIN_YEARS)} and {_fmt(AGE_MAX_YEARS)} years "
                f"(got {_fmt(value)})"
            )
        return value

    @field_validator("pregnant", "lactating")
    @classmethod
    def _check_reproductive(cls, value: bool, info: ValidationInfo) -> bool:
        if not value:
            return value
        name = info.field_name
        if info.data.get("sex") == "male":
            raise ValueError("allowed only when sex is 'female' (got sex 'male')")
        age = info.data.get("age")
        if age is not None and not REPRODUCTIVE_AGE_MIN <= age < REPRODUCTIVE_AGE_LIMIT:
            raise ValueError(
                f"allowed only for ages {_fmt(REPRODUCTIVE_AGE_MIN)} to "
                f"{_fmt(REPRODUCTIVE_AGE_LIMIT - 1)} (the DRI pregnancy and lactation rows); "
                f"got age {_fmt(age)}"
            )
        if name == "lactating" and info.data.get("pregnant"):
            raise ValueError("cannot be combined with pregnant; choose one")
        return value

    @field_validator("trimester")
    @classmethod
    def _check_trimester(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and not info.data.get("pregnant"):
            raise ValueError("allowed only when pregnant is true")
        return value

    @field_validator("weight_kg")
    @classmethod
    def _check_weight(cls, value: float | None) -> float | None:
        if value is not None and (not math.isfinite(value) or not 0 < value <= WEIGHT_MAX_KG):
            raise ValueError(
                f"must be greater than 0 and at most {_fmt(WEIGHT_MAX_KG)} kg (got {_fmt(value)})"
            )
        return value

    @field_validator("height_cm")
    @classmethod
    def _check_height(cls, value: float | None) -> float | None:
        if value is not None and (
            not math.isfinite(value) or not HEIGHT_MIN_CM <= value <= HEIGHT_MAX_CM
        ):
            raise ValueError(
                f"must be between {_fmt(HEIGHT_MIN_CM)} and {_fmt(HEIGHT_MAX_CM)} cm "
                f"(got {_fmt(value)})"
            )
        return value

    @property
    def age_stage(self) -> str:
        """The DRI age band in completed years (age 3.9 is in ``1-3``)."""
        for upper, name in _AGE_STAGES:
            if self.age < upper:
                return name
        return _OLDEST_STAGE

    @property
    def life_stage(self) -> str:
        """The DRI table row: the age band, prefixed by ``pregnancy``/``lactation`` if either."""
        if self.pregnant:
            return f"pregnancy {self.age_stage}"
        if self.lactating:
            return f"lactation {self.age_stage}"
        return self.age_stage

    @property
    def describe_stage(self) -> str:
        """Life stage and sex as a citation fragment, e.g. ``female 31-50 y``."""
        if self.pregnant or self.lactating:
            return f"{self.life_stage} y"
        return f"{self.sex} {self.age_stage} y"


# --------------------------------------------------------------------------------------------
# Bound


class Bound(BaseModel):
    """One nutrient's daily range: ``min`` and/or ``max`` (None where the DRI set none)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nutrient: str
    min: float | None = None
    max: float | None = None
    #: Standard keys (:mod:`mealplan.nutrients`) always carry their unit; custom keys may not.
    unit: str | None = None
    #: Short citation of where the numbers come from.
    source: str = "user-supplied"
    #: For a limit set as a share of energy (the AMDR, fiber per 1,000 kcal, saturated fat and
    #: added sugars under 10 % of energy): ``(min, max)`` in the bound's unit per kcal of the
    #: day's own energy, None where that side is fixed. ``min`` and ``max`` are then the
    #: limits at the energy target, for tables; a day is held to :meth:`limits_at` its energy,
    #: so that a day eaten at 2,060 kcal needs 45 % of 2,060 kcal from carbohydrate, not of the
    #: 2,270 kcal target.
    per_kcal: tuple[float | None, float | None] | None = None
    #: A minimum that does not follow energy, under a per-kcal one: protein's RDA by weight.
    floor: float | None = None

    def limits_at(self, energy_kcal: float | None) -> tuple[float | None, float | None]:
        """The (min, max) for a day of ``energy_kcal``: per kcal where set, else as stated."""
        if self.per_kcal is None or energy_kcal is None or not math.isfinite(energy_kcal):
            return self.min, self.max
        low_rate, high_rate = self.per_kcal
        low = self.min if low_rate is None else low_rate * energy_kcal
        if self.floor is not None:
            low = max(low or 0.0, self.floor)
        high = self.max if high_rate is None else high_rate * energy_kcal
        return low, high

    @field_validator("nutrient")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if not _KEY_PATTERN.match(value):
            raise ValueError(
                f"nutrient key must be snake_case (lower-case letters, digits and single "
                f"underscores, starting with a letter); got {value!r}"
            )
        return value

    @field_validator("min", "max")
    @classmethod
    def _check_amount(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and (not math.isfinite(value) or value < 0):
            raise ValueError(
                f"{info.field_name} must be a finite number >= 0 or None (got {value})"
            )
        return value

    @field_validator("per_kcal")
    @classmethod
    def _check_per_kcal(
        cls, value: tuple[float | None, float | None] | None
    ) -> tuple[float | None, float | None] | None:
        if value is None:
            return None
        rates = [rate for rate in value if rate is not None]
        if not rates or any(not math.isfinite(rate) or rate < 0 for rate in rates):
            raise ValueError(
                f"per_kcal must be a (min, max) pair of finite amounts >= 0 per kcal, at least "
                f"one of them set (got {value})"
            )
        if len(rates) == 2 and rates[0] > rates[1]:
            raise ValueError(f"per_kcal min {rates[0]:g} is greater than max {rates[1]:g}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _fill_standard_unit(cls, data: Any) -> Any:
        """A standard key without a unit gets the unit foods are stored in."""
        if isinstance(data, dict) and data.get("unit") is None:
            spec = BY_KEY.get(str(data.get("nutrient")))
            if spec is not None:
                return {**data, "unit": spec.unit}
        return data

    @model_validator(mode="after")
    def _check_range_and_unit(self) -> Bound:
        if self.min is None and self.max is None:
            raise ValueError(f"{self.nutrient}: give a min, a max or both (both are None)")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(
                f"{self.nutrient}: min {_fmt(self.min)} is greater than max {_fmt(self.max)}"
            )
        spec = BY_KEY.get(self.nutrient)
        if spec is not None and self.unit != spec.unit:
            raise ValueError(
                f"{self.nutrient}: unit must be {spec.unit!r}, the unit mealplan stores "
                f"foods in (got {self.unit!r})"
            )
        return self


BoundLike = Bound | tuple[float | None, float | None]


# --------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class _DriRow:
    nutrient: str
    stage: str
    sex: str
    kind: str
    amount: float
    unit: str
    applies_to_food: bool
    source: str


@dataclass(frozen=True)
class _DriTable:
    rows: tuple[_DriRow, ...]
    #: (nutrient, stage, sex, kind) -> row, with ``any`` rows filed under female and male.
    index: Mapping[tuple[str, str, str, str], _DriRow]
    #: Nutrients in the order they first appear in the file.
    nutrients: tuple[str, ...]


@dataclass(frozen=True)
class _EnergyTable:
    #: (parameter, group, sex, activity) -> (value, source); ``any`` filed under both sexes.
    values: Mapping[tuple[str, str, str, str], tuple[float, str]]


def _read_rows(name: str) -> list[dict[str, str]]:
    """The data rows of a packaged CSV whose header block is ``#`` comment lines."""
    text = (resources.files("mealplan") / "data" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _sexes(sex: str, where: str) -> tuple[str, ...]:
    if sex == "any":
        return ("female", "male")
    if sex in ("female", "male"):
        return (sex,)
    raise TargetsError(f"{where}: sex must be female, male or any (got {sex!r})")


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise TargetsError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise TargetsError(f"{where}: {text!r} is not a finite number")
    return value


@lru_cache(maxsize=1)
def _dri_table() -> _DriTable:
    """Read and check ``dri.csv`` once; the result is immutable."""
    rows: list[_DriRow] = []
    index: dict[tuple[str, str, str, str], _DriRow] = {}
    nutrients: dict[str, None] = {}
    for line_no, raw in enumerate(_read_rows("dri.csv"), start=1):
        where = f"dri.csv data row {line_no}"
        if raw["kind"] not in _KINDS:
            raise TargetsError(f"{where}: unknown kind {raw['kind']!r}")
        if raw["stage"] not in LIFE_STAGES:
            raise TargetsError(f"{where}: unknown stage {raw['stage']!r}")
        if raw["applies_to_food"] not in ("true", "false"):
            raise TargetsError(f"{where}: applies_to_food must be true or false")
        amount = _number(raw["amount"], where)
        if amount < 0:
            raise TargetsError(f"{where}: amount must be >= 0")
        row = _DriRow(
            nutrient=raw["nutrient"],
            stage=raw["stage"],
            sex=raw["sex"],
            kind=raw["kind"],
            amount=amount,
            unit=raw["unit"],
            applies_to_food=raw["applies_to_food"] == "true",
            source=raw["source"],
        )
        spec = BY_KEY.get(row.nutrient)
        if spec is not None and row.unit not in (spec.unit, "%", "g/kg"):
            raise TargetsError(f"{where}: {row.nutrient} must be in {spec.unit}, not {row.unit}")
        for sex in _sexes(row.sex, where):
            key = (row.nutrient, row.stage, sex, row.kind)
            if key in index:
                raise TargetsError(f"{where}: duplicate {row.kind} for {row.nutrient} {sex}")
            index[key] = row
        rows.append(row)
        nutrients[row.nutrient] = None
    return _DriTable(tuple(rows), MappingProxyType(index), tuple(nutrients))


@lru_cache(maxsize=1)
def _energy_table() -> _EnergyTable:
    """Read and check ``energy.csv`` once; the result is immutable."""
    values: dict[tuple[str, str, str, str], tuple[float, str]] = {}
    for line_no, raw in enumerate(_read_rows("energy.csv"), start=1):
        where = f"energy.csv data row {line_no}"
        value = _number(raw["value"], where)
        for sex in _sexes(raw["sex"], where):
            key = (raw["parameter"], raw["group"], sex, raw["activity"])
            if key in values:
                raise TargetsError(f"{where}: duplicate {key}")
            values[key] = (value, raw["source"])
    return _EnergyTable(MappingProxyType(values))


def _energy_value(parameter: str, group: str, sex: str, activity: str = "") -> float:
    found = _energy_table().values.get((parameter, group, sex, activity))
    if found is None:
        raise TargetsError(f"energy.csv has no {parameter} row for {group}, {sex} {activity}")
    return found[0]


def _dri_row(nutrient: str, profile: Profile, kinds: tuple[str, ...]) -> _DriRow | None:
    """The one row of the given kinds for the profile's stage and sex (food-applicable only)."""
    index = _dri_table().index
    found = [
        row
        for kind in kinds
        if (row := index.get((nutrient, profile.life_stage, profile.sex, kind))) is not None
        and row.applies_to_food
    ]
    if len(found) > 1:
        raise TargetsError(
            f"dri.csv has both {found[0].kind} and {found[1].kind} for {nutrient}, "
            f"{profile.describe_stage}; keep one"
        )
    return found[0] if found else None


def _required_row(nutrient: str, profile: Profile, kind: str) -> _DriRow:
    row = _dri_row(nutrient, profile, (kind,))
    if row is None:
        raise TargetsError(f"dri.csv has no {kind} row for {nutrient}, {profile.describe_stage}")
    return row


# --------------------------------------------------------------------------------------------
# Energy


@dataclass(frozen=True)
class _Energy:
    eer: float
    weight_kg: float
    height_cm: float
    note: str
    source: str


def _equation_group(age: float) -> str:
    """IOM 2005 equation groups: 13–35 months, 3–8 years, 9–18 years, adults."""
    if age < 3:
        return "toddler"
    if age < 9:
        return "child"
    if age < 19:
        return "adolescent"
    return "adult"


def _reference_group(profile: Profile) -> str:
    return profile.age_stage if profile.age < 19 else "adult"


def _body_size(profile: Profile) -> tuple[float, float, list[str]]:
    """Weight (kg) and height (cm), from the profile or else the DRI reference body size."""
    group = _reference_group(profile)
    notes: list[str] = []
    weight = profile.weight_kg
    if weight is None:
        weight = _energy_value("reference_weight_kg", group, profile.sex)
        notes.append(f"reference weight {_fmt(weight)} kg")
    height = profile.height_cm
    if height is None:
        height = _energy_value("reference_height_cm", group, profile.sex)
        notes.append(f"reference height {_fmt(height)} cm")
    return weight, height, notes


def _estimate_energy(profile: Profile) -> _Energy:
    """IOM 2005 EER: intercept + a×age + PA×(b×weight + c×height in m) + growth + additions."""
    group = _equation_group(profile.age)
    sex = profile.sex
    weight, height, notes = _body_size(profile)
    pa = _energy_value("pa", group, sex, profile.activity)
    eer = (
        _energy_value("intercept", group, sex)
        + _energy_value("age_coef", group, sex) * profile.age
        + pa
        * (
            _energy_value("weight_coef", group, sex) * weight
            + _energy_value("height_coef", group, sex) * height / 100.0
        )
        + _energy_value("growth", group, sex)
    )
    if profile.pregnant:
        trimester = profile.trimester or 2
        addition = _energy_value("pregnancy_addition", f"trimester {trimester}", sex)
        assumed = "" if profile.trimester else ", trimester not given"
        notes.append(f"+{_fmt(addition)} kcal pregnancy trimester {trimester}{assumed}")
        eer += addition
    elif profile.lactating:
        addition = _energy_value("lactation_addition", "0-6 months", sex)
        notes.append(f"+{_fmt(addition)} kcal lactation 0-6 months")
        eer += addition
    source = _energy_table().values[("intercept", group, sex, "")][1]
    note = f"{group} equation, PA {_fmt(pa)} ({profile.activity})"
    if notes:
        note += "; " + "; ".join(notes)
    return _Energy(eer=eer, weight_kg=weight, height_cm=height, note=note, source=source)


def _energy_bound(profile: Profile, energy: tuple[float, float] | None) -> tuple[Bound, _Energy]:
    """EER × (0.9, 1.1) kept inside 800–5,000 kcal, or the caller's own range."""
    estimate = _estimate_energy(profile)
    if energy is not None:
        low, high = _check_energy_override(energy)
        return Bound(
            nutrient="energy", min=low, max=high, unit="kcal", source="user-supplied range"
        ), estimate
    low = estimate.eer * (1 - ENERGY_SPREAD)
    high = estimate.eer * (1 + ENERGY_SPREAD)
    clamp = ""
    if low < ENERGY_FLOOR_KCAL:
        low, high = ENERGY_FLOOR_KCAL, ENERGY_FLOOR_KCAL * (1 + ENERGY_SPREAD) / (1 - ENERGY_SPREAD)
        clamp = f"raised to the {_fmt(ENERGY_FLOOR_KCAL)} kcal floor"
    elif high > ENERGY_CEILING_KCAL:
        low = ENERGY_CEILING_KCAL * (1 - ENERGY_SPREAD) / (1 + ENERGY_SPREAD)
        high = ENERGY_CEILING_KCAL
        clamp = f"lowered to the {_fmt(ENERGY_CEILING_KCAL)} kcal ceiling"
    if clamp:
        logger.warning(
            "EER %.0f kcal for %s is implausible; energy range %s", estimate.eer, profile, clamp
        )
        clamp = f"; EER {estimate.eer:.0f} kcal {clamp}"
    source = (
        f"{estimate.source}: EER {estimate.eer:.0f} kcal ±10%, {estimate.note}{clamp}; "
        f"{profile.describe_stage}"
    )
    return Bound(nutrient="energy", min=low, max=high, unit="kcal", source=source), estimate


def _check_energy_override(energy: tuple[float, float]) -> tuple[float, float]:
    try:
        low, high = (float(value) for value in energy)
    except (TypeError, ValueError):
        raise TargetsError(f"energy must be a (min, max) pair of kcal (got {energy!r})") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or low > high:
        raise TargetsError(
            f"energy must satisfy 0 < min <= max in kcal (got {_fmt(low)}, {_fmt(high)})"
        )
    if low < ENERGY_FLOOR_KCAL or high > ENERGY_CEILING_KCAL:
        logger.warning(
            "energy range %g-%g kcal is outside %g-%g kcal; kept as given",
            low,
            high,
            ENERGY_FLOOR_KCAL,
            ENERGY_CEILING_KCAL,
        )
    return low, high


# --------------------------------------------------------------------------------------------
# Macronutrients


def _macro_bounds(profile: Profile, midpoint: float, weight_kg: float) -> list[Bound]:
    """Grams per day from the AMDR percentages of the energy midpoint; protein also per kg."""
    bounds: list[Bound] = []
    for nutrient in MACRONUTRIENTS:
        low_row = _required_row(nutrient, profile, "AMDR_low")
        high_row = _required_row(nutrient, profile, "AMDR_high")
        per_g = KCAL_PER_G[nutrient]
        low_rate = low_row.amount / 100 / per_g
        high_rate: float | None = high_row.amount / 100 / per_g
        low = low_rate * midpoint
        high: float | None = high_row.amount / 100 * midpoint / per_g
        floor: float | None = None
        detail = (
            f"AMDR {_fmt(low_row.amount)}-{_fmt(high_row.amount)}% of the day's energy "
            f"({midpoint:.0f} kcal at the target) at {_fmt(per_g)} kcal/g"
        )
        if nutrient == "protein":
            rda = _required_row("protein", profile, "RDA")
            floor = rda.amount * weight_kg
            detail = (
                f"min = larger of RDA {_fmt(rda.amount)} g/kg × {_fmt(weight_kg)} kg "
                f"and the AMDR floor; {detail}"
            )
            low = max(low, floor)
            if high is not None and low >= high:
                logger.warning(
                    "protein RDA %.0f g exceeds the AMDR ceiling %.0f g for %s; ceiling dropped",
                    low,
                    high,
                    profile,
                )
                high = high_rate = None
                detail += "; AMDR ceiling dropped: below the RDA for this weight"
        bounds.append(
            Bound(
                nutrient=nutrient,
                min=low,
                max=high,
                per_kcal=(low_rate, high_rate),
                floor=floor,
                unit="g",
                source=f"{low_row.source}: {detail}; {profile.describe_stage}",
            )
        )
    return bounds


def _energy_scaled_bounds(profile: Profile, midpoint: float) -> list[Bound]:
    """Fiber at 14 g per 1,000 kcal (AI); saturated fat and added sugars under 10 % of energy.

    All three follow the day's energy target (the midpoint of the range), like the macros.
    """
    bounds: list[Bound] = []
    for nutrient in _dri_table().nutrients:
        per_1000 = _dri_row(nutrient, profile, (_PER_1000_KCAL,))
        if per_1000 is not None:
            bounds.append(
                Bound(
                    nutrient=nutrient,
                    min=per_1000.amount * midpoint / 1000,
                    per_kcal=(per_1000.amount / 1000, None),
                    unit=per_1000.unit,
                    source=(
                        f"{per_1000.source}: AI {_fmt(per_1000.amount)} {per_1000.unit} per "
                        f"1,000 kcal of the day's energy ({midpoint:.0f} kcal at the target); "
                        f"{profile.describe_stage}"
                    ),
                )
            )
        share = _dri_row(nutrient, profile, (_PERCENT_ENERGY_MAX,))
        if share is not None and profile.age >= DGA_LIMITS_MIN_AGE:
            per_g = KCAL_PER_G[nutrient]
            bounds.append(
                Bound(
                    nutrient=nutrient,
                    max=share.amount / 100 * midpoint / per_g,
                    per_kcal=(None, share.amount / 100 / per_g),
                    source=(
                        f"{share.source}: less than {_fmt(share.amount)}% of the day's energy "
                        f"({midpoint:.0f} kcal at the target) at {_fmt(per_g)} kcal/g; "
                        f"{profile.describe_stage}"
                    ),
                )
            )
    return bounds


# --------------------------------------------------------------------------------------------
# Micronutrients


def _micronutrient_bound(nutrient: str, profile: Profile) -> Bound | None:
    """RDA/AI as min; food-applicable UL or CDRR as max; None if the table has neither."""
    lower = _dri_row(nutrient, profile, _LOWER_KINDS)
    upper = _dri_row(nutrient, profile, _UPPER_KINDS)
    if lower is None and upper is None:
        return None
    parts: list[str] = []
    if lower is not None and upper is not None and lower.source == upper.source:
        parts.append(f"{lower.source}: {lower.kind} min, {upper.kind} max")
    else:
        if lower is not None:
            parts.append(f"{lower.source}: {lower.kind} min")
        if upper is not None:
            parts.append(f"{upper.source}: {upper.kind} max")
    skipped = _dri_table().index.get((nutrient, profile.life_stage, profile.sex, "UL"))
    if skipped is not None and not skipped.applies_to_food:
        parts.append(
            f"no max: the UL ({_fmt(skipped.amount)} {skipped.unit}) limits only magnesium "
            "from non-food sources"
        )
    unit = lower.unit if lower is not None else upper.unit if upper is not None else None
    return Bound(
        nutrient=nutrient,
        min=None if lower is None else lower.amount,
        max=None if upper is None else upper.amount,
        unit=unit,
        source="; ".join(parts) + f"; {profile.describe_stage}",
    )


# --------------------------------------------------------------------------------------------
# Targets


class Targets(BaseModel):
    """An immutable, ordered set of daily nutrient bounds; read it like a mapping.

    ``targets["magnesium"]`` is a :class:`Bound`; iterating gives the nutrient keys in order.
    Build one from a profile (:meth:`for_profile`, :meth:`cramp_support`) or directly from
    mappings: ``Targets(minimums={"magnesium": 400}, maximums={"sodium": 2300})``. The JSON
    form is ``model_dump(mode="json")``; ``Targets.model_validate`` reads it back.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bounds: tuple[Bound, ...] = ()
    #: The profile the targets were computed for, when they were.
    profile: Profile | None = None

    _index: Mapping[str, Bound] = PrivateAttr(default_factory=dict)

    def __init__(
        self,
        *,
        bounds: tuple[Bound, ...] | list[Bound] | None = None,
        profile: Profile | None = None,
        minimums: Mapping[str, float] | None = None,
        maximums: Mapping[str, float] | None = None,
        units: Mapping[str, str] | None = None,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        """Accept either ``bounds`` or the ``minimums``/``maximums``/``units`` mappings."""
        if any(part is not None for part in (minimums, maximums, units, sources)):
            if bounds:
                raise TargetsError("give either bounds or minimums/maximums, not both")
            bounds = _bounds_from_mappings(
                minimums or {}, maximums or {}, units or {}, sources or {}
            )
        super().__init__(bounds=tuple(bounds or ()), profile=profile)

    @model_validator(mode="after")
    def _check_unique(self) -> Targets:
        seen: set[str] = set()
        for bound in self.bounds:
            if bound.nutrient in seen:
                raise ValueError(f"nutrient {bound.nutrient!r} appears twice")
            seen.add(bound.nutrient)
        return self

    def model_post_init(self, context: Any, /) -> None:
        """Index the bounds by key once. A plain dict, so that targets pickle (a mapping proxy
        does not); it is private and only read, like the frozen model."""
        self._index = {bound.nutrient: bound for bound in self.bounds}

    # Mapping-like reading ------------------------------------------------------------------

    def __getitem__(self, key: str) -> Bound:
        try:
            return self._index[key]
        except KeyError:
            raise KeyError(f"no target for {key!r}; have: {', '.join(self._index)}") from None

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        """Nutrient keys in order (not pydantic's field pairs: a Targets reads like a dict)."""
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def keys(self) -> tuple[str, ...]:
        """Nutrient keys in order."""
        return tuple(self._index)

    def values(self) -> tuple[Bound, ...]:
        """Bounds in order."""
        return self.bounds

    def items(self) -> tuple[tuple[str, Bound], ...]:
        """(key, bound) pairs in order."""
        return tuple(self._index.items())

    def get(self, key: str, default: Bound | None = None) -> Bound | None:
        """The bound for ``key``, or ``default``."""
        return self._index.get(key, default)

    # Building ------------------------------------------------------------------------------

    @classmethod
    def for_profile(cls, profile: Profile, energy: tuple[float, float] | None = None) -> Targets:
        """DRI targets for the profile's life stage; ``energy`` overrides the EER range (kcal).

        Order: energy, protein, carbohydrate, fat, fiber, saturated fat and added sugars, then
        the nutrients of ``dri.csv`` in file order. Macronutrient, fiber, saturated-fat and
        added-sugar grams follow the energy range, including an override.
        """
        energy_bound, estimate = _energy_bound(profile, energy)
        # Both ends are always set on the energy bound.
        midpoint = ((energy_bound.min or 0.0) + (energy_bound.max or 0.0)) / 2
        bounds = [
            energy_bound,
            *_macro_bounds(profile, midpoint, estimate.weight_kg),
            *_energy_scaled_bounds(profile, midpoint),
        ]
        for nutrient in _dri_table().nutrients:
            if nutrient in MACRONUTRIENTS:
                continue
            bound = _micronutrient_bound(nutrient, profile)
            if bound is not None:
                bounds.append(bound)
        return cls(bounds=bounds, profile=profile)

    @classmethod
    def cramp_support(cls, profile: Profile, energy: tuple[float, float] | None = None) -> Targets:
        """Targets for a food-first plan against muscle cramps: the cramp nutrients come first.

        Magnesium, potassium, calcium, vitamin D, vitamin B12 and vitamin B6 at their RDA or AI
        (with the food-applicable ULs), followed by energy, macronutrients and sodium exactly as
        :meth:`for_profile` sets them.

        This is food-first guidance, not medical advice, and it gives no supplement advice.
        Cramps that persist call for a doctor and blood tests (for example magnesium,
        potassium, calcium, vitamin D and B12 levels, and kidney and thyroid function).
        """
        base = cls.for_profile(profile, energy=energy)
        first = [base[key] for key in CRAMP_NUTRIENTS]
        rest = [bound for bound in base.bounds if bound.nutrient not in CRAMP_NUTRIENTS]
        return cls(bounds=[*first, *rest], profile=profile)

    def replace(self, **changes: BoundLike | None) -> Targets:
        """A new Targets with some bounds changed; the original is untouched.

        A ``(min, max)`` pair keeps the existing unit (or the standard one for a known key);
        a :class:`Bound` is used as is; ``None`` removes the target. New keys are appended.
        """
        bounds = dict(self._index)
        for key, change in changes.items():
            if change is None:
                if key not in bounds:
                    raise TargetsError(f"cannot remove {key!r}: there is no such target")
                del bounds[key]
                continue
            if isinstance(change, Bound):
                if change.nutrient != key:
                    raise TargetsError(
                        f"replace({key}=...) got a Bound for {change.nutrient!r}; keys must match"
                    )
                bounds[key] = change
                continue
            try:
                low, high = change
            except (TypeError, ValueError):
                raise TargetsError(
                    f"replace({key}=...) takes a (min, max) pair, a Bound or None (got {change!r})"
                ) from None
            previous = bounds.get(key)
            bounds[key] = Bound(
                nutrient=key,
                min=low,
                max=high,
                unit=None if previous is None else previous.unit,
                source="user override",
            )
        return type(self)(bounds=tuple(bounds.values()), profile=self.profile)

    # Output --------------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """One row per nutrient: nutrient, min, max (NaN where none), unit, source."""
        import pandas as pd

        return pd.DataFrame(
            {
                "nutrient": pd.Series([b.nutrient for b in self.bounds], dtype="object"),
                "min": pd.Series(
                    [math.nan if b.min is None else b.min for b in self.bounds], dtype="float64"
                ),
                "max": pd.Series(
                    [math.nan if b.max is None else b.max for b in self.bounds], dtype="float64"
                ),
                "unit": pd.Series([b.unit for b in self.bounds], dtype="object"),
                "source": pd.Series([b.source for b in self.bounds], dtype="object"),
            }
        )


def _bounds_from_mappings(
    minimums: Mapping[str, float],
    maximums: Mapping[str, float],
    units: Mapping[str, str],
    sources: Mapping[str, str],
) -> tuple[Bound, ...]:
    """Bounds in the order keys first appear in minimums, then maximums."""
    stray = (set(units) | set(sources)) - set(minimums) - set(maximums)
    if stray:
        raise TargetsError(
            f"units/sources given for {', '.join(sorted(stray))} with no minimum or maximum"
        )
    keys = dict.fromkeys([*minimums, *maximums])
    return tuple(
        Bound(
            nutrient=key,
            min=minimums.get(key),
            max=maximums.get(key),
            unit=units.get(key),
            source=sources.get(key, "user-supplied"),
        )
        for key in keys
    )
