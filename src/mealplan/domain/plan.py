"""DayPlan and WeekPlan: what a planner returns. JSON-ready pydantic models with exports.

Every number carries its unit; every item names its food's FDC id (or the custom food's id).

The JSON (``plan.model_dump_json()``; read back with ``DayPlan.model_validate_json``) opens with
an envelope that says what produced it: ``schema_version`` (:data:`SCHEMA_VERSION`),
``mealplan_version``, ``data`` (the USDA releases the plan's foods come from), ``request``
(the profile, preferences and days) and ``targets`` (``Targets.model_dump(mode="json")``, each
bound with its source), and ``nutrient_info`` (each reported nutrient's unit and FDC nutrient
id). A :class:`WeekPlan` carries the envelope once, at the top; the days inside it leave
theirs empty (``None``): they were planned by one request. A day from ``plan_day`` carries it.
Every envelope field has a default, so plans saved before it existed still load.

``schema_version`` policy: the major number goes up when a field is removed or renamed or its
meaning or type changes (a reader must change); the minor number when fields are added or a
precision changes (a reader may ignore it). ``None``: a day inside a week, or a plan saved
before versions (mealplan 0.1, the "1.x" form: ``unknown_in`` and friends held food names).
2.0 added the envelope and the items' nutrients, listed food ids in ``unknown_in``,
``imputed_in`` and ``unreliable_in``, and rounded the numbers as below.

Precision. The planner rounds when it assembles a plan, so the Python objects and the JSON hold
the same numbers; every decision (minimums met, shortfalls, food-group bands) is taken on the
exact values first, and each number is rounded from its exact value, not from rounded parts.
Rounding is monotone, so an amount that meets its rounded ``min`` still does.

=====================================================  ===========================================
numbers                                                decimals (step)
=====================================================  ===========================================
``grams`` (items), drinking water grams                1 (0.1 g)
``energy_kcal`` (items, meals)                         1 (0.1 kcal)
nutrient amounts in kcal (totals, items, shortfalls)   1 (0.1 kcal)
nutrient amounts in g, mg or µg (same places)          2 (0.01 g, 0.01 mg, 0.01 µg)
``min``/``max`` of a total, a shortfall's ``minimum``  as the nutrient's amount
``percent_of_target``                                  1 (0.1 %)
``servings``                                           6: the planned portions are steps of ½ or 1
                                                       (or a lock's own amount), exact already; a
                                                       continuous list keeps the solve's amounts
``cost``                                               4
food groups (``amount``, ``ratio``, ``low``, ``high``)  3
``solver``: ``objective``, ``bound``, ``gap``          6
=====================================================  ===========================================

``request`` and ``targets`` are echoed as given, not rounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mealplan.domain.vocabulary import WEEKDAYS, FoodId

if TYPE_CHECKING:  # pandas is read when a table is asked for, not on import
    import pandas as pd

#: The version of the plan's JSON form; see the module docstring for what changes bump it.
SCHEMA_VERSION = "2.0"

#: Decimals of the rounded numbers (the table in the module docstring).
GRAMS_DECIMALS = 1
KCAL_DECIMALS = 1
#: Nutrient amounts in a unit other than kcal (g, mg, µg, or a custom nutrient's unit).
AMOUNT_DECIMALS = 2
PERCENT_DECIMALS = 1
SERVINGS_DECIMALS = 6
COST_DECIMALS = 4
GROUP_DECIMALS = 3
SOLVER_DECIMALS = 6


def amount_decimals(unit: str) -> int:
    """Decimals of a nutrient amount in ``unit``: 1 for kcal, 2 for the rest."""
    return KCAL_DECIMALS if unit == "kcal" else AMOUNT_DECIMALS


def rounded(value: float | None, decimals: int) -> float | None:
    """``value`` rounded to ``decimals`` (None stays None; -0.0 becomes 0.0)."""
    if value is None:
        return None
    return round(value, decimals) + 0.0


class PlanItem(BaseModel):
    """One food on the plate: how many servings, and what that weighs."""

    model_config = ConfigDict(frozen=True)

    food_id: FoodId
    fdc_id: int | None
    name: str
    role: str
    servings: float
    #: Weight of the servings; None for custom foods without a gram weight.
    grams: float | None
    #: The household measure of one serving, e.g. "1 cup".
    serving_text: str
    #: The amount in words, e.g. "1½ × 1 cup (366 g)".
    household: str
    energy_kcal: float
    #: FNDDS foods as eaten: the 8-digit food code (with ``release``), USDA's id for them when
    #: the FDC id is not known offline.
    food_code: int | None = None
    release: str | None = None
    #: The part of the meal's pattern this food fills ("cereal", "milk", "side"), when planned
    #: from a pattern.
    part: str | None = None
    #: The nutrients of these servings, by key: the nutrients the day totals (the keys of
    #: ``DayPlan.totals``), in the totals' units, ``None`` where the food's value is unknown
    #: (the totals count it as 0). The units and FDC nutrient ids are stated once per plan, in
    #: ``nutrient_info``, not on every item: a week has ~100 items and ~17 nutrients, and a
    #: flat ``{"magnesium": 61.2}`` keeps an item readable and easy to sum. Empty in plans
    #: saved before schema 2.0.
    nutrients: dict[str, float | None] = Field(default_factory=dict)

    @property
    def usda_ref(self) -> str:
        """Where the numbers come from: "FDC 168627" or "FNDDS 2017-2018 food code 58100000"."""
        if self.fdc_id is not None:
            return f"FDC {self.fdc_id}"
        if self.food_code is not None:
            return f"{self.release or 'FNDDS'} food code {self.food_code}"
        return ""


class MealRef(BaseModel):
    """A meal of the plan: its day (1-based; day 1 is a Monday) and name."""

    model_config = ConfigDict(frozen=True)

    day: int
    meal: str

    @property
    def text(self) -> str:
        """ "Monday's dinner" (weekdays repeat after day 7)."""
        return f"{WEEKDAYS[(self.day - 1) % 7].capitalize()}'s {self.meal}"


class Meal(BaseModel):
    """A named meal (``breakfast``…, or ``foods`` when planned without meal structure)."""

    model_config = ConfigDict(frozen=True)

    name: str
    items: list[PlanItem]
    energy_kcal: float
    #: The meal pattern it follows (an id of ``mealplan/data/meal_patterns.toml``) and its name,
    #: e.g. "cereal_milk_fruit", "Cereal with milk and fruit".
    pattern: str | None = None
    pattern_name: str | None = None
    #: For a leftover meal: the day (1-based) and meal it was cooked for, in double quantity.
    leftover_from: MealRef | None = None

    @property
    def title(self) -> str:
        """ "Lunch: Stir-fry with rice (leftover from Monday's dinner)"."""
        text = self.name.capitalize()
        if self.pattern_name:
            text += f": {self.pattern_name}"
        if self.leftover_from is not None:
            text += f" (leftover from {self.leftover_from.text})"
        return text


class NutrientTotal(BaseModel):
    """A nutrient's total against its bounds."""

    model_config = ConfigDict(frozen=True)

    nutrient: str
    amount: float
    unit: str
    min: float | None = None
    max: float | None = None
    #: amount / min × 100, when there is a minimum.
    percent_of_target: float | None = None
    #: Foods in the plan whose value for this nutrient is unknown (counted as 0), by food id
    #: (``PlanItem.food_id``). Plans saved before schema 2.0 list names here, which load as
    #: strings; :meth:`DayPlan.food_name` shows either.
    unknown_in: list[FoodId] = Field(default_factory=list)
    #: Foods whose value is an imputed zero (plant foods for B12 and vitamin D), by food id.
    imputed_in: list[FoodId] = Field(default_factory=list)
    #: Foods whose value is not a reliable source and counts as 0 (B12 in plant foods), by id.
    unreliable_in: list[FoodId] = Field(default_factory=list)
    #: Where the bounds come from (the DRI report or guideline), when a target sets them.
    source: str | None = None
    #: "daily" or "weekly": how the planner had to meet this minimum.
    basis: str = "daily"


class FoodGroupTotal(BaseModel):
    """A Dietary Guidelines food group's amount (from FPED) against the food pattern for the
    day's energy: ``ratio`` is amount / pattern amount; ``status`` says whether it is within
    the band the preferences set (``within``, ``below``, ``above``). Whole grains have no band
    of their own: they must be at least a share of grains (``low``)."""

    model_config = ConfigDict(frozen=True)

    group: str
    label: str
    amount: float
    unit: str
    pattern_amount: float
    ratio: float
    low: float | None = None
    high: float | None = None
    status: Literal["within", "below", "above"] = "within"


class DrinkingWater(BaseModel):
    """Plain drinking (tap) water that, with the water in the day's foods and drinks, reaches
    the total-water AI. Part of the plan, never a purchase. 1 g = 1 mL."""

    model_config = ConfigDict(frozen=True)

    grams: float
    #: US cups of 240 mL, in half cups.
    cups: float
    #: e.g. "about 6 cups (1,440 mL) of water over the day".
    household: str
    from_food_g: float
    target_g: float


#: How far apart two amounts may be and still count as equal (solver round-off): absolute
#: plus relative to the larger. The planner and ``verify`` judge a shortfall by the same rule.
ABS_TOL = 1e-6
REL_TOL = 1e-6


def below_minimum(amount: float, minimum: float) -> bool:
    """Whether ``amount`` falls short of ``minimum`` by more than round-off."""
    return amount < minimum - (ABS_TOL + REL_TOL * abs(minimum))


class PlanShortfall(BaseModel):
    """A nutrient minimum the plan misses, stated because the request allowed it
    (``Preferences(shortfalls="declare")``): no menu of the candidate meals met it. In a
    diagnosis (``Diagnosis.closest_menu``), a minimum the closest refused menu missed."""

    model_config = ConfigDict(frozen=True)

    nutrient: str
    unit: str
    #: What the plan gives: the day's amount, or the average per day for a weekly minimum.
    amount: float
    minimum: float
    percent_of_target: float
    #: The day (1-based) that falls short, or None for a minimum met as a weekly average.
    day: int | None = None
    message: str


SolverStatus = Literal["optimal", "within_gap", "work_limit", "time_limit"]


class SolverInfo(BaseModel):
    """How the plan was found.

    The timings are attributes but are left out of ``model_dump``/``model_dump_json``: the same
    inputs must give the same JSON, and wall time never repeats exactly.
    """

    model_config = ConfigDict(frozen=True)

    solver: str
    #: ``optimal``: no better plan exists among ``bound_scope``; ``within_gap``: the search
    #: ended by its tolerance (the planner's relative ``gap``, or a small absolute one: 0.05
    #: points for meals, 0.001 for a free-form list, so a near-zero score can show a large
    #: relative ``gap``); over ``all_meals``, ``gap`` also holds what the meals generated
    #: could not close, so it may exceed the tolerance; ``work_limit`` / ``time_limit``: the
    #: solve stopped at that limit with this plan, which is not proven best.
    status: SolverStatus
    #: The plan's score (points, lower is better; the day's cost for ``objective="cost"``).
    objective: float | None
    #: A proven lower bound on ``objective`` over ``bound_scope`` (None when the solver gives
    #: none, as CBC does here).
    bound: float | None = None
    #: What the bound covers: ``all_meals``, every meal the meal patterns allow from the
    #: allowed foods (a day's menu, whose meals were generated by pricing them with the
    #: model's dual values); ``candidate_meals``, the candidate meals drawn for this request
    #: (a week's menu: a plan of other meals the patterns allow may score lower);
    #: ``all_foods``, every list of the allowed foods in their serving steps (the free-form
    #: list).
    bound_scope: Literal["all_meals", "candidate_meals", "all_foods"] = "candidate_meals"
    #: ``(objective − bound) / |objective|``: 0 when they are equal, None without a bound (or
    #: for an objective of 0 above a negative bound).
    gap: float | None = None
    build_seconds: float = Field(default=0.0, exclude=True)
    solve_seconds: float = Field(default=0.0, exclude=True)
    formulation: str = "candidate-meals"

    def _stated(self) -> tuple[Any, ...]:
        """What the JSON states: every field but the timings."""
        return tuple(
            getattr(self, name)
            for name, field in type(self).model_fields.items()
            if not field.exclude
        )

    def __eq__(self, other: object) -> bool:
        """Equal when they state the same: the timings are left out, as from the JSON, so a
        plan read back from its JSON equals the plan."""
        if not isinstance(other, SolverInfo):
            return NotImplemented
        return self._stated() == other._stated()

    def __hash__(self) -> int:
        return hash(self._stated())

    @model_validator(mode="before")
    @classmethod
    def _earlier_plans(cls, data: Any) -> Any:
        """Plans saved before the bound was reported (``mip_gap``; ``feasible`` for a solve
        stopped at the then-default wall-clock limit) still load, for ``swap`` and apps."""
        if isinstance(data, dict) and ("mip_gap" in data or data.get("status") == "feasible"):
            data = dict(data)
            data.setdefault("gap", data.pop("mip_gap", None))
            if data.get("status") == "feasible":
                data["status"] = "time_limit"
        return data


class NutrientInfo(BaseModel):
    """How to read a nutrient's amounts in a plan: its unit and where USDA gives it.

    ``fdc_nutrient_id`` is FDC's nutrient id (``nutrient.id`` in FoodData Central: 1090 for
    magnesium); ``other_fdc_nutrient_ids`` are those mealplan takes it from when a food lacks
    the first (energy from the Atwater factors, 2048 and 2047). Both are empty for a nutrient
    mealplan does not know (a custom catalogue's column)."""

    model_config = ConfigDict(frozen=True)

    label: str
    unit: str
    fdc_nutrient_id: int | None = None
    other_fdc_nutrient_ids: list[int] = Field(default_factory=list)


class RequestRecord(BaseModel):
    """What a plan was asked for: the profile the targets were computed for (None for targets
    given directly), the preferences and the number of days, each in JSON form
    (``Profile.model_dump(mode="json")``, ``Preferences.model_dump(mode="json")``; read them
    back with ``model_validate``). Plain mappings here, so that the plan's model does not
    depend on the request's and a plan from another version still loads."""

    model_config = ConfigDict(frozen=True)

    profile: dict[str, Any] | None = None
    preferences: dict[str, Any] = Field(default_factory=dict)
    days: int = 1


class _Envelope(BaseModel):
    """What produced a plan (see the module docstring): on a top-level plan only."""

    model_config = ConfigDict(frozen=True)

    #: :data:`SCHEMA_VERSION` when the planner made it; None for a day inside a week and for
    #: plans saved before schema 2.0.
    schema_version: str | None = None
    #: The mealplan package that planned it (``importlib.metadata``; "unknown" when it is
    #: not installed as a package).
    mealplan_version: str | None = None
    #: The USDA data releases of the plan's foods, e.g. "FNDDS 2017-2018", "SR Legacy 2018-04
    #: (values: SR28)"; "user table" or a custom source for foods of your own.
    data: list[str] = Field(default_factory=list)
    request: RequestRecord | None = None
    #: The targets planned for: ``Targets.model_dump(mode="json")`` (each bound's source too).
    targets: dict[str, Any] | None = None
    #: The unit and FDC nutrient ids of each nutrient in the totals and the items.
    nutrient_info: dict[str, NutrientInfo] = Field(default_factory=dict)


#: The envelope's fields: a week states them once, at the top.
ENVELOPE_FIELDS: tuple[str, ...] = tuple(_Envelope.model_fields)


class DayPlan(_Envelope):
    """One day's meals and their nutrient totals."""

    day: int = 1
    meals: list[Meal]
    totals: dict[str, NutrientTotal]
    cost: float | None = None
    solver: SolverInfo | None = None
    notes: list[str] = Field(default_factory=list)
    #: Minimums this plan misses, each stated; empty unless the request allowed shortfalls.
    shortfalls: list[PlanShortfall] = Field(default_factory=list)
    #: Drinking water to reach the total-water AI, when the targets set one.
    drinking_water: DrinkingWater | None = None
    #: The Dietary Guidelines' food groups of the day against the plan's food pattern
    #: ("Healthy U.S.-Style, 2,000 kcal"), when tracked (foods as eaten, with FPED values).
    food_pattern: str | None = None
    food_groups: dict[str, FoodGroupTotal] = Field(default_factory=dict)

    @property
    def items(self) -> list[PlanItem]:
        return [item for meal in self.meals for item in meal.items]

    def food_name(self, food: FoodId) -> str:
        """The name of a food of this day by its id, as ``unknown_in`` lists it (a plan saved
        before schema 2.0 lists the name itself, which is returned as it is)."""
        return _food_names(self.items).get(food, str(food))

    def to_frame(self) -> pd.DataFrame:
        """One row per item: day, meal, food, servings, grams, household measure, kcal."""
        import pandas as pd

        return pd.DataFrame(_item_rows([self]))

    def shopping_list(self) -> pd.DataFrame:
        return _shopping_list([self])

    def menu_text(self) -> str:
        """The day's meals and items in household units, under a ``Day N (kcal)`` heading."""
        day_kcal = sum(meal.energy_kcal for meal in self.meals)
        lines = [f"Day {self.day}  ({_fmt(day_kcal)} kcal)"]
        for meal in self.meals:
            lines.append(f"  {meal.title} ({_fmt(meal.energy_kcal)} kcal)")
            lines.extend(f"    - {item.name}: {item.household}" for item in meal.items)
        if self.drinking_water is not None:
            lines.append(f"  Water: {self.drinking_water.household}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return _day_text(self)


class WeekPlan(_Envelope):
    """Several days; ``weekly_average`` shows each nutrient's mean per day against its target.

    The envelope (``schema_version`` … ``nutrient_info``) is stated here once; the days inside
    leave theirs empty."""

    days: list[DayPlan]
    weekly_average: dict[str, NutrientTotal]
    weekly_nutrients: list[str] = Field(default_factory=list)
    cost: float | None = None
    solver: SolverInfo | None = None
    notes: list[str] = Field(default_factory=list)
    #: Minimums this plan misses (by day, or as a weekly average), each stated; empty unless the
    #: request allowed shortfalls.
    shortfalls: list[PlanShortfall] = Field(default_factory=list)
    #: The food pattern the plan is held near ("Healthy U.S.-Style, 2,000 kcal"), and each
    #: group's average per day against it (the bands hold for this average).
    food_pattern: str | None = None
    food_groups: dict[str, FoodGroupTotal] = Field(default_factory=dict)
    #: Distinct foods to shop for (drinking water, condiments and cooking fats not counted).
    distinct_foods: int | None = None
    #: True when no week within the distinct-food cap and staple kinds met every target, so
    #: this one was planned without them (its notes say so).
    cap_lifted: bool = False

    def food_name(self, food: FoodId) -> str:
        """The name of a food of the week by its id (see :meth:`DayPlan.food_name`)."""
        return _food_names([item for day in self.days for item in day.items]).get(food, str(food))

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(_item_rows(self.days))

    def shopping_list(self) -> pd.DataFrame:
        """Grams per food for the whole period, with the count of household servings."""
        return _shopping_list(self.days)

    def __str__(self) -> str:
        parts = [_day_text(day) for day in self.days]
        parts.append(_totals_text("Weekly average per day", self.weekly_average))
        return "\n\n".join(parts)


def _food_names(items: list[PlanItem]) -> dict[FoodId, str]:
    return {item.food_id: item.name for item in items}


def _item_rows(days: list[DayPlan]) -> list[dict[str, Any]]:
    return [
        {
            "day": day.day,
            "meal": meal.name,
            "food_id": item.food_id,
            "fdc_id": item.fdc_id,
            "food_code": item.food_code,
            "name": item.name,
            "role": item.role,
            "servings": item.servings,
            "grams": item.grams,
            "household": item.household,
            "energy_kcal": item.energy_kcal,
        }
        for day in days
        for meal in day.meals
        for item in meal.items
    ]


#: The shopping list's row for drinking water: on the list so the day adds up, not to be bought.
TAP_WATER_ID = "tap_water"


def _shopping_list(days: list[DayPlan]) -> pd.DataFrame:
    """Foods to buy, by name, then drinking water as tap water (``purchase`` False). ``meals``
    counts the meals a food is eaten at; ``cooked`` the times it is prepared: a dinner cooked
    in double quantity for the next day's lunch counts once."""
    import pandas as pd

    columns = [
        "food_id",
        "fdc_id",
        "food_code",
        "name",
        "servings",
        "serving_text",
        "grams",
        "purchase",
        "meals",
        "cooked",
    ]
    rows: dict[Any, dict[str, Any]] = {}
    for day in days:
        for meal in day.meals:
            for item in meal.items:
                row = rows.setdefault(
                    item.food_id,
                    {
                        "food_id": item.food_id,
                        "fdc_id": item.fdc_id,
                        "food_code": item.food_code,
                        "name": item.name,
                        "servings": 0.0,
                        "serving_text": item.serving_text,
                        "grams": 0.0,
                        "purchase": True,
                        "meals": 0,
                        "cooked": 0,
                    },
                )
                row["meals"] += 1
                # A leftover is the second half of a dish cooked once, in double quantity.
                row["cooked"] += int(meal.leftover_from is None)
                row["servings"] += item.servings
                row["grams"] = (
                    None
                    if item.grams is None or row["grams"] is None
                    else (row["grams"] + item.grams)
                )
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    frame = frame.sort_values("name", kind="stable").reset_index(drop=True)
    water = [day.drinking_water for day in days if day.drinking_water is not None]
    if water:
        tap = {
            "food_id": TAP_WATER_ID,
            "fdc_id": None,
            "food_code": None,
            "name": "Tap water (drinking water, not a purchase)",
            "servings": sum(w.cups for w in water),
            "serving_text": "1 cup (240 mL)",
            "grams": sum(w.grams for w in water),
            "purchase": False,
            "meals": 0,
            "cooked": 0,
        }
        frame = pd.concat([frame, pd.DataFrame([tap], columns=columns)], ignore_index=True)
    return frame


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _day_text(day: DayPlan) -> str:
    return day.menu_text() + "\n" + _totals_text("  Totals", day.totals)


def _totals_text(title: str, totals: dict[str, NutrientTotal]) -> str:
    lines = [f"{title}:"]
    width = max((len(key) for key in totals), default=12)
    for total in totals.values():
        target = ""
        if total.min is not None:
            target = f" of ≥ {_fmt(total.min, 1)} {total.unit}"
            if total.percent_of_target is not None:
                target += f" ({_fmt(total.percent_of_target)} %)"
        if total.max is not None:
            target += f", ≤ {_fmt(total.max, 1)} {total.unit}"
        if total.unknown_in:
            target += f" [no value known for {len(total.unknown_in)} food(s), counted as 0]"
        lines.append(
            f"    {total.nutrient:<{width}} {_fmt(total.amount, 1):>9} {total.unit}{target}"
        )
    return "\n".join(lines)
