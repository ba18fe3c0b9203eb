"""Human-readable views of a plan: a plain-text report and one self-contained HTML page.

Both are pure functions of the plan and its inputs (no clock, no network), so the same plan
renders to the same bytes. The HTML page carries its CSS and SVG charts inline and loads
nothing, so it can be mailed, archived or opened offline; every piece of text in it goes
through :func:`html.escape` because food names and sources come from data files. Its markup
and stylesheet are files in ``mealplan/data/report`` (``string.Template`` placeholders).
"""

from __future__ import annotations

import functools
import html
import math
import numbers
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from string import Template

import pandas as pd

from mealplan.domain.diagnosis import Diagnosis
from mealplan.domain.energy import energy_range
from mealplan.domain.plan import DayPlan, Meal, NutrientTotal, PlanItem, WeekPlan
from mealplan.domain.wording import MEDICAL_NOTE, REPORT_MEDICAL_NOTE
from mealplan.nutrients import BY_KEY
from mealplan.preferences import Preferences
from mealplan.targets import Bound, Profile, Targets

__all__ = [
    "COVERAGE_NUTRIENTS",
    "MEDICAL_NOTE",
    "SUMMARY_NUTRIENTS",
    "render_diagnosis",
    "render_html",
    "render_text",
]

#: The nutrients the plans exist for: the coverage chart shows these, in this order.
COVERAGE_NUTRIENTS: tuple[str, ...] = (
    "magnesium",
    "potassium",
    "calcium",
    "vitamin_d",
    "vitamin_b12",
)
#: The rows of the short nutrient table: the cramp nutrients, energy and protein, then the
#: limits every plan keeps (fiber, sodium, saturated fat, added sugars, retinol) and water.
SUMMARY_NUTRIENTS: tuple[str, ...] = (
    *COVERAGE_NUTRIENTS,
    "energy",
    "protein",
    "fiber",
    "sodium",
    "saturated_fat",
    "added_sugars",
    "retinol",
    "water",
)
_DATA_SOURCE = "USDA FoodData Central"
_UNKNOWN_NOTE = (
    "some foods in the plan have no value for this nutrient (SR Legacy carries no added "
    "sugars at all); it counts as zero, so the true amount may be higher."
)
_TEXT_WIDTH = 96
_GRAMS_SUFFIX = re.compile(r"\s*\([\d,.]+\s*g\)$")


# --------------------------------------------------------------------------------------------
# Shared helpers


def _days(plan: WeekPlan | DayPlan) -> list[DayPlan]:
    return list(plan.days) if isinstance(plan, WeekPlan) else [plan]


def _average(plan: WeekPlan | DayPlan) -> dict[str, NutrientTotal]:
    """The per-day average for a week, or the day's own totals."""
    return dict(plan.weekly_average) if isinstance(plan, WeekPlan) else dict(plan.totals)


def _label(key: str) -> str:
    spec = BY_KEY.get(key)
    return spec.label if spec is not None else key.replace("_", " ").capitalize()


def _num(value: float | None, digits: int | None = None) -> str:
    """Few enough digits to read: whole numbers from 100, one decimal below (two under 1)."""
    if value is None:
        return "—"
    if digits is None:
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 1 else 2
    return f"{value:,.{digits}f}"


def _bound_num(value: float) -> str:
    """A target without a spurious ``.0``: 2.4, 15, 1,000."""
    text = _num(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _target_text(total: NutrientTotal) -> str:
    """``≥ 320 mg``, ``≤ 2,300 mg`` or ``1,838–2,246 kcal`` (a range when both ends exist)."""
    unit = total.unit
    if total.min is not None and total.max is not None:
        if total.nutrient == "energy":
            return f"{_bound_num(total.min)}–{_bound_num(total.max)} {unit}"
        return f"≥ {_bound_num(total.min)} {unit} (≤ {_bound_num(total.max)})"
    if total.min is not None:
        return f"≥ {_bound_num(total.min)} {unit}"
    if total.max is not None:
        return f"≤ {_bound_num(total.max)} {unit}"
    return "—"


def _percent(total: NutrientTotal) -> str:
    """Percent of the minimum; energy is a range, so it reads in, below or above range."""
    if total.nutrient == "energy" and total.min is not None and total.max is not None:
        if total.amount < total.min * 0.995:
            return "below range"
        return "above range" if total.amount > total.max * 1.005 else "in range"
    return "—" if total.percent_of_target is None else f"{total.percent_of_target:,.0f} %"


def _amount(servings: float, serving_text: str) -> str:
    """``2 × 1 cup``; one serving is just its household measure."""
    if abs(servings - 1) < 1e-9:
        return serving_text
    return f"{servings:g} × {serving_text}"


def _grams(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:,.0f} g"


def _usda_refs(days: Iterable[DayPlan]) -> list[str]:
    """Each food's USDA id, FDC ids first: "FDC 168627", "FNDDS 2017-2018 food code ..."."""
    refs = {item.usda_ref for day in days for item in day.items if item.usda_ref}
    return sorted(refs, key=lambda ref: (not ref.startswith("FDC"), len(ref), ref))


def _source_line(catalog_release: str | None) -> str:
    release = f" ({catalog_release})" if catalog_release else ""
    return (
        f"Data: {_DATA_SOURCE}{release}; each food's USDA id (FDC id or FNDDS food code) is "
        "in the shopping list. "
        "Targets: the Dietary Reference Intakes."
    )


def _period(n_days: int) -> str:
    return f"{n_days} days" if n_days > 1 else "1 day"


@dataclass(frozen=True)
class _ShoppingRow:
    """A shopping-list line as typed values; the frame's cells are untyped to a type checker."""

    name: str
    servings: float
    serving_text: str
    grams: float | None
    fdc_id: int | None
    food_code: int | None = None

    @property
    def amount(self) -> str:
        return _amount(self.servings, self.serving_text)

    @property
    def fdc_text(self) -> str:
        if self.fdc_id is not None:
            return str(self.fdc_id)
        return "" if self.food_code is None else f"FNDDS {self.food_code}"


def _number(value: object) -> float | None:
    """A number from a frame cell; None for a missing one (None or NaN). Anything else is a
    bug upstream and raises rather than printing as text."""
    if value is None:
        return None
    if not isinstance(value, numbers.Real):
        raise TypeError(f"expected a number in the shopping list, got {value!r}")
    number = float(value)
    return None if math.isnan(number) else number


def _shopping_rows(frame: pd.DataFrame) -> list[_ShoppingRow]:
    """The rows of ``DayPlan/WeekPlan.shopping_list()``; grams and FDC id may be missing."""
    rows = []
    for record in frame.to_dict("records"):
        servings = _number(record["servings"])
        if servings is None:
            raise ValueError(f"{record['name']!r} has no servings in the shopping list")
        fdc_id = _number(record["fdc_id"])
        food_code = _number(record.get("food_code"))
        rows.append(
            _ShoppingRow(
                name=str(record["name"]),
                servings=servings,
                serving_text=str(record["serving_text"]),
                grams=_number(record["grams"]),
                fdc_id=None if fdc_id is None else int(fdc_id),
                food_code=None if food_code is None else int(food_code),
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# Text


def render_text(plan: WeekPlan | DayPlan, *, catalog_release: str | None = None) -> str:
    """The plan for a terminal: day by day, the nutrient table, the shopping list, the sources.

    Shared by ``mealplan week``/``day`` and ``examples/week_plan.py`` so both print the same.
    """
    days = _days(plan)
    parts = [day.menu_text() for day in days]
    parts.append(_text_nutrients(_average(plan), len(days)))
    if plan.shortfalls:
        parts.append(
            "\n".join(
                textwrap.fill(short.message, width=_TEXT_WIDTH, subsequent_indent="  ")
                for short in plan.shortfalls
            )
        )
    # The plan's own notes (a week planned beyond its distinct-food cap, a food group outside
    # its band), as the HTML report shows them; the shortfalls and the medical note are above
    # and below.
    stated = {short.message for short in plan.shortfalls} | {MEDICAL_NOTE}
    notes = [n for n in plan.notes if n.strip() and n not in stated]
    if notes:
        parts.append(
            "Notes\n"
            + "\n".join(
                textwrap.fill(n, width=_TEXT_WIDTH, initial_indent="- ", subsequent_indent="  ")
                for n in notes
            )
        )
    parts.append(_text_shopping(plan.shopping_list(), len(days)))
    parts.append(
        "\n".join(
            textwrap.fill(text, width=_TEXT_WIDTH)
            for text in (_source_line(catalog_release), REPORT_MEDICAL_NOTE)
        )
    )
    return "\n\n".join(parts)


def _day_energy(day: DayPlan) -> float:
    return sum(meal.energy_kcal for meal in day.meals)


def _text_nutrients(average: dict[str, NutrientTotal], n_days: int) -> str:
    title = (
        f"Nutrients, average per day over {n_days} days" if n_days > 1 else "Nutrients for the day"
    )
    header = ("nutrient", "average" if n_days > 1 else "amount", "target", "% of target", "basis")
    rows = [
        (
            _label(key) + ("*" if total.unknown_in else ""),
            f"{_num(total.amount)} {total.unit}",
            _target_text(total),
            _percent(total),
            total.basis,
        )
        for key in SUMMARY_NUTRIENTS
        if (total := average.get(key)) is not None
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [title]
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [row[i].rjust(widths[i]) for i in (1, 2, 3)]
        cells.append(row[4])
        lines.append("  " + "  ".join(cells))
    if any(row[0].endswith("*") for row in rows):
        lines.append(f"  * {_UNKNOWN_NOTE}")
    return "\n".join(lines)


def _text_shopping(frame: pd.DataFrame, n_days: int) -> str:
    rows = [("food", "amount", "grams", "USDA id")]
    rows += [
        (row.name, row.amount, _grams(row.grams), row.fdc_text) for row in _shopping_rows(frame)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"Shopping list ({_period(n_days)})"]
    for name, amount, grams, fdc_id in rows:
        lines.append(
            f"  {name.ljust(widths[0])}  {amount.ljust(widths[1])}  {grams.rjust(widths[2])}"
            f"  {fdc_id.rjust(widths[3])}"
        )
    return "\n".join(lines)


def render_diagnosis(diagnosis: object) -> str:
    """Why no plan exists, for a person: each shortfall or conflict, then the notes.

    Takes ``InfeasiblePlanError.diagnosis``; anything else is shown as its string.
    """
    if not isinstance(diagnosis, Diagnosis):
        return f"No plan: {diagnosis}"
    lines = ["No plan meets every target with these foods and preferences.", ""]
    if diagnosis.shortfalls:
        lines.append("Shortfalls:")
        lines.extend(f"  - {short.message}" for short in diagnosis.shortfalls)
    if diagnosis.conflicts:
        lines.append("Conflicts:")
        lines.extend(f"  - {conflict}" for conflict in diagnosis.conflicts)
    if not diagnosis.shortfalls and not diagnosis.conflicts:
        lines.append(diagnosis.message)
    if diagnosis.notes:
        lines.append("")
        lines.extend(diagnosis.notes)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# HTML
#
# The page is filled from templates in mealplan/data/report (page.html, a template per
# section and per repeated row, style.css). Only the SVG charts are written here: they are
# computed geometry. Text goes into a template escaped; a filled template or a chart is
# _Markup and goes in as it is, so nothing from data reaches the page unescaped.


class _Markup(str):
    """HTML that is safe as it stands (a filled template or a chart); `_fill` does not escape it."""

    __slots__ = ()


_NOTHING = _Markup("")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


@functools.cache
def _resource(name: str) -> str:
    """A file of ``mealplan/data/report``, read once, through importlib.resources so that an
    installed (even zipped) package finds it as a source checkout does."""
    return (resources.files("mealplan.data") / "report" / name).read_text(encoding="utf-8")


@functools.cache
def _template(name: str) -> tuple[Template, frozenset[str]]:
    """``name.html`` and its placeholders; the file's final newline is not part of it."""
    template = Template(_resource(f"{name}.html").removesuffix("\n"))
    return template, frozenset(template.get_identifiers())


def _fill(name: str, /, **values: object) -> _Markup:
    """Template ``name`` filled in: text escaped, `_Markup` as it is (``name`` is positional
    only, so a placeholder may be called ``name`` too).

    A placeholder without a value, or a value without a placeholder, raises: a renamed
    placeholder must fail the tests, not leave ``$name`` on the page or drop a value.
    """
    template, placeholders = _template(name)
    if unknown := values.keys() - placeholders:
        raise TypeError(f"{name}.html has no placeholder for {sorted(unknown)}")
    return _Markup(
        template.substitute(
            {
                key: value if isinstance(value, _Markup) else _e(value)
                for key, value in values.items()
            }
        )
    )


def _join(fragments: Iterable[_Markup], separator: str = "\n") -> _Markup:
    return _Markup(separator.join(fragments))


def render_html(
    plan: WeekPlan | DayPlan,
    *,
    profile: Profile | None,
    targets: Targets,
    preferences: Preferences | None,
    catalog_release: str | None,
) -> str:
    """One self-contained HTML page: menu, coverage and calorie charts, targets and sources.

    ``profile`` falls back to ``targets.profile``. No scripts, fonts or images are loaded; the
    charts are inline SVG with their numbers written on them, so colour is never the only cue.
    """
    profile = profile if profile is not None else targets.profile
    days = _days(plan)
    page = _fill(
        "page",
        title=f"Meal plan: {len(days)} day{'s' if len(days) != 1 else ''}",
        style=_Markup(_resource("style.css")),
        who=_who(profile, preferences),
        medical_note=REPORT_MEDICAL_NOTE,
        summary=_html_summary(plan, len(days)),
        coverage_chart=_coverage_svg(plan),
        weekly_caption=_weekly_caption(plan),
        calories_chart=_calories_svg(days, energy_range(targets, preferences or Preferences())),
        groups_chart=_groups_section(plan),
        days=_join(_html_day(day) for day in days),
        shopping=_html_shopping(plan.shopping_list(), len(days)),
        inputs=_html_inputs(profile, targets, preferences),
        sources=_html_sources(plan, catalog_release),
    )
    return page + "\n"


def _who(profile: Profile | None, preferences: Preferences | None) -> str:
    parts = []
    if profile is not None:
        stage = "pregnant, " if profile.pregnant else "lactating, " if profile.lactating else ""
        parts.append(
            f"For a {stage}{profile.sex}, age {profile.age:g} (DRI life stage "
            f"{profile.life_stage}), activity {profile.activity.replace('_', ' ')}"
        )
    if preferences is not None:
        diet = f"{preferences.diet} diet"
        if not preferences.allow_fortified:
            diet += ", no fortified foods"
        if preferences.exclude_allergens:
            diet += ", without " + ", ".join(
                a.replace("_", " ") for a in preferences.exclude_allergens
            )
        parts.append(diet)
    return "; ".join(parts) + "." if parts else ""


def _weekly_caption(plan: WeekPlan | DayPlan) -> str:
    if not isinstance(plan, WeekPlan) or len(plan.days) < 2:
        return ""
    weekly = [_label(k) for k in COVERAGE_NUTRIENTS if k in plan.weekly_nutrients]
    if not weekly:
        return ""
    return (
        f"{' and '.join(weekly)} are planned as a weekly average (the body stores them), so a "
        "single day may sit below 100 % while the average column meets the target."
    )


def _html_summary(plan: WeekPlan | DayPlan, n_days: int) -> _Markup:
    return _fill(
        "summary",
        title="Average per day" if n_days > 1 else "Nutrients for the day",
        rows=_join(_summary_row(key, total, plan) for key, total in _average(plan).items()),
        unknown_note=_UNKNOWN_NOTE,
    )


def _summary_row(key: str, total: NutrientTotal, plan: WeekPlan | DayPlan) -> _Markup:
    """A nutrient's row; the foods whose value is unknown by name (the plan lists their ids)."""
    short = total.percent_of_target is not None and total.percent_of_target < 100
    return _fill(
        "summary_row",
        short=_Markup(" class='short'") if short else _NOTHING,
        nutrient=_label(key),
        flag=_fill("flag", foods=", ".join(plan.food_name(f) for f in total.unknown_in))
        if total.unknown_in
        else _NOTHING,
        amount=_num(total.amount),
        unit=total.unit,
        target=_target_text(total),
        percent=_percent(total),
        basis=total.basis,
    )


def _html_day(day: DayPlan) -> _Markup:
    water = day.drinking_water
    return _fill(
        "day",
        day=day.day,
        kcal=_num(_day_energy(day), 0),
        meals=_join(_html_meal(meal) for meal in day.meals),
        water=_NOTHING if water is None else _fill("water", amount=water.household),
    )


def _html_meal(meal: Meal) -> _Markup:
    return _fill(
        "meal",
        meal=meal.name,
        name=meal.title,
        kcal=_num(meal.energy_kcal, 0),
        rows=_join(_item_row(item) for item in meal.items),
    )


def _item_row(item: PlanItem) -> _Markup:
    # The grams have a column of their own, so the household text drops its "(… g)".
    amount = _GRAMS_SUFFIX.sub("", item.household) if item.grams else item.household
    return _fill(
        "item_row",
        name=item.name,
        fdc=_fill("fdc", ref=item.usda_ref) if item.usda_ref else _NOTHING,
        amount=amount,
        grams=_grams(item.grams),
        kcal=_num(item.energy_kcal, 0),
    )


def _html_shopping(frame: pd.DataFrame, n_days: int) -> _Markup:
    rows = (
        _fill(
            "shopping_row",
            name=row.name,
            amount=row.amount,
            grams=_grams(row.grams),
            fdc_id=row.fdc_text,
        )
        for row in _shopping_rows(frame)
    )
    return _fill("shopping", period=_period(n_days), rows=_join(rows))


def _html_inputs(
    profile: Profile | None, targets: Targets, preferences: Preferences | None
) -> _Markup:
    rows = _profile_rows(profile) if profile is not None else []
    if preferences is not None:
        rows += _preference_rows(preferences)
    return _fill(
        "inputs",
        profile_rows=_join(_fill("profile_row", name=name, value=value) for name, value in rows),
        target_rows=_join(_target_row(bound) for bound in targets.values()),
    )


def _profile_rows(profile: Profile) -> list[tuple[str, str]]:
    rows = [
        ("Age", f"{profile.age:g} years"),
        ("Sex", profile.sex),
        ("DRI life stage", profile.life_stage),
        ("Activity", profile.activity.replace("_", " ")),
        ("Weight", "DRI reference" if profile.weight_kg is None else f"{profile.weight_kg:g} kg"),
        ("Height", "DRI reference" if profile.height_cm is None else f"{profile.height_cm:g} cm"),
    ]
    if profile.pregnant:
        rows.append(("Pregnant", f"trimester {profile.trimester or 'not given'}"))
    if profile.lactating:
        rows.append(("Lactating", "yes"))
    return rows


def _preference_rows(preferences: Preferences) -> list[tuple[str, str]]:
    def listed(values: Sequence[object]) -> str:
        return ", ".join(str(v).replace("_", " ") for v in values) or "none"

    rows = [
        ("Diet", preferences.diet),
        ("Fortified foods", "allowed" if preferences.allow_fortified else "not allowed"),
        ("Allergens excluded", listed(preferences.exclude_allergens)),
        ("Meals", listed(preferences.meals or ("one free-form list",))),
    ]
    if preferences.dairy_free or preferences.gluten_free:
        free = [
            w
            for w, on in (("dairy", preferences.dairy_free), ("gluten", preferences.gluten_free))
            if on
        ]
        rows.append(("Free of", ", ".join(free)))
    if preferences.dislikes:
        rows.append(("Disliked foods (id)", listed(preferences.dislikes)))
    if preferences.likes:
        rows.append(("Liked foods (id)", listed(preferences.likes)))
    if preferences.exclude_foods:
        rows.append(("Excluded foods (id)", listed(preferences.exclude_foods)))
    if preferences.calories is not None:
        low, high = preferences.calories
        rows.append(("Calories", f"{_num(low)}–{_num(high)} kcal a day"))
    return rows


def _limit(value: float | None) -> str:
    return "—" if value is None else _bound_num(value)


def _target_row(bound: Bound) -> _Markup:
    return _fill(
        "target_row",
        nutrient=_label(bound.nutrient),
        min=_limit(bound.min),
        max=_limit(bound.max),
        unit=bound.unit or "",
        source=bound.source,
    )


def _html_sources(plan: WeekPlan | DayPlan, catalog_release: str | None) -> _Markup:
    ids = _usda_refs(_days(plan))
    # The medical note heads the page; the plan's own copy of it is not repeated.
    notes = [n for n in plan.notes if n.strip() and n != MEDICAL_NOTE]
    solver = plan.solver
    return _fill(
        "sources",
        data_source=_DATA_SOURCE,
        release=f", release {catalog_release}" if catalog_release else "",
        count=len(ids),
        fdc_ids=", ".join(str(i) for i in ids),
        notes=_fill("notes", items=_join(_fill("note", note=n) for n in notes))
        if notes
        else _NOTHING,
        solver=_NOTHING
        if solver is None
        else _fill("solver", solver=solver.solver, status=solver.status),
    )


# --------------------------------------------------------------------------------------------
# SVG charts
#
# Computed geometry, so written here; colours, anchors and fonts are in style.css, reached
# through classes and the data-meal / data-coverage attributes.

#: The coverage chart's bands: (upper bound in percent, name in style.css, key text).
_COVERAGE_BANDS: tuple[tuple[float, str, str], ...] = (
    (50, "under-50", "< 50 %"),
    (75, "50-74", "50–74 %"),
    (100, "75-99", "75–99 %"),
    (150, "100-149", "100–149 %"),
    (math.inf, "150-up", "≥ 150 %"),
)
_COV_LABEL_W, _COV_CELL_W, _COV_CELL_H, _COV_TOP = 120, 72, 34, 28
_KEY_STEP = 96


def _svg_open(name: str, width: int, height: int, title: str) -> str:
    """The chart's ``<svg id='{name}-chart'>`` and the title that labels it."""
    return (
        f"<svg id='{name}-chart' viewBox='0 0 {width} {height}' width='{width}' "
        f"height='{height}' role='img' aria-labelledby='{name}-title' class='svg-chart'>"
        f"<title id='{name}-title'>{_e(title)}</title>"
    )


def _key_entry(x: int, y: int, swatch: str, text: str) -> str:
    """One entry of a chart's key: a swatch (its attributes given) and its words."""
    return (
        f"<rect x='{x}' y='{y}' width='14' height='14' {swatch}/>"
        f"<text x='{x + 19}' y='{y + 11}' class='legend'>{_e(text)}</text>"
    )


def _coverage_band(percent: float | None) -> str:
    """The band ``percent`` falls in; ``none`` without a target."""
    if percent is None:
        return "none"
    for upper, name, _ in _COVERAGE_BANDS:
        if percent < upper:
            return name
    return _COVERAGE_BANDS[-1][1]  # NaN compares false everywhere; it reads as the top band


def _heatmap_open(kind: str, title: str, columns: list[str], rows: int) -> list[str]:
    """The start of a heatmap's SVG (the coverage and the food groups): the frame sized for
    its columns and rows, and a header per column, the average in bold."""
    width = _COV_LABEL_W + _COV_CELL_W * len(columns) + 8
    height = _COV_TOP + _COV_CELL_H * rows + 44
    parts = [_svg_open(kind, width, height, title)]
    for c, name in enumerate(columns):
        x = _COV_LABEL_W + c * _COV_CELL_W + _COV_CELL_W / 2
        strong = " total" if name == "Average" else ""
        parts.append(
            f"<text x='{x:.1f}' y='{_COV_TOP - 10}' class='axis mid{strong}'>{_e(name)}</text>"
        )
    return parts


def _heatmap_row_label(y: float, label: str) -> str:
    """A heatmap row's label, right-aligned before its first cell."""
    return (
        f"<text x='{_COV_LABEL_W - 8}' y='{y + _COV_CELL_H / 2 + 4:.1f}' "
        f"class='axis end'>{_e(label)}</text>"
    )


def _coverage_svg(plan: WeekPlan | DayPlan) -> _Markup:
    """A heatmap: a row per cramp nutrient, a column per day plus the average."""
    days = _days(plan)
    average = _average(plan)
    columns: list[tuple[str, dict[str, NutrientTotal]]] = [
        (f"Day {day.day}", day.totals) for day in days
    ]
    if len(days) > 1:
        columns.append(("Average", average))
    keys = [k for k in COVERAGE_NUTRIENTS if k in average]
    title = (
        "Percent of the daily target per day for magnesium, potassium, calcium, vitamin D "
        "and vitamin B12"
    )
    parts = _heatmap_open("coverage", title, [name for name, _ in columns], len(keys))
    for r, key in enumerate(keys):
        y = _COV_TOP + r * _COV_CELL_H
        parts.append(_heatmap_row_label(y, _label(key)))
        parts.extend(
            _coverage_cell(key, name, totals.get(key), _COV_LABEL_W + c * _COV_CELL_W, y)
            for c, (name, totals) in enumerate(columns)
        )
    key_y = _COV_TOP + _COV_CELL_H * len(keys) + 16
    parts.extend(
        _key_entry(_COV_LABEL_W + i * _KEY_STEP, key_y, f"rx='2' data-coverage='{band}'", text)
        for i, (_, band, text) in enumerate(_COVERAGE_BANDS)
    )
    parts.append("</svg>")
    return _Markup("".join(parts))


_GROUP_STATUS_TEXT = (
    ("below", "below the band"),
    ("within", "within the band"),
    ("above", "above the band"),
)


def _groups_section(plan: WeekPlan | DayPlan) -> _Markup:
    """The food-group heatmap with its caption, or nothing when groups are not tracked."""
    days = _days(plan)
    if not days or not days[0].food_groups:
        return _NOTHING
    pattern = plan.food_pattern or "the food pattern"
    caption = (
        f"Amount ÷ the Dietary Guidelines' {pattern} (Appendix 3). Colours mark each group "
        "against its band; whole grains should be at least half of grains. Over a week the "
        "bands hold for the average."
    )
    return _fill("groups", chart=_groups_svg(plan), caption=caption)


def _groups_svg(plan: WeekPlan | DayPlan) -> _Markup:
    """A heatmap: a row per food group, a column per day plus the average; each cell the ratio
    to the pattern, coloured by its band."""
    days = _days(plan)
    columns = [(f"Day {day.day}", day.food_groups) for day in days]
    if isinstance(plan, WeekPlan) and len(days) > 1:
        columns.append(("Average", plan.food_groups))
    keys = list(days[0].food_groups)
    title = "Food groups against the dietary pattern"
    parts = _heatmap_open("groups", title, [name for name, _ in columns], len(keys))
    for r, key in enumerate(keys):
        y = _COV_TOP + r * _COV_CELL_H
        label = days[0].food_groups[key].label
        parts.append(_heatmap_row_label(y, label))
        for c, (name, groups) in enumerate(columns):
            total = groups.get(key)
            x = _COV_LABEL_W + c * _COV_CELL_W
            status = "none" if total is None else total.status
            text = "—" if total is None else f"{total.ratio:.2f} ×"
            tip = f"{label}, {name}: {text}"
            if total is not None:
                tip += f" ({_num(total.amount, 2)} {total.unit} of {_num(total.pattern_amount, 2)})"
            parts.append(
                f"<g><title>{_e(tip)}</title><rect class='cov-cell' data-group='{_e(key)}' "
                f"data-column='{_e(name)}' data-status='{status}' x='{x + 1}' y='{y + 1}' "
                f"width='{_COV_CELL_W - 2}' height='{_COV_CELL_H - 2}' rx='3'/>"
                f"<text x='{x + _COV_CELL_W / 2:.1f}' y='{y + _COV_CELL_H / 2 + 4:.1f}' "
                f"class='cell' data-status='{status}'>{_e(text)}</text></g>"
            )
    key_y = _COV_TOP + _COV_CELL_H * len(keys) + 16
    parts.extend(
        _key_entry(_COV_LABEL_W + i * _KEY_STEP * 3 // 2, key_y, f"rx='2' data-status='{s}'", t)
        for i, (s, t) in enumerate(_GROUP_STATUS_TEXT)
    )
    parts.append("</svg>")
    return _Markup("".join(parts))


def _coverage_cell(key: str, column: str, total: NutrientTotal | None, x: int, y: int) -> str:
    """One cell: its band's colour, the percentage written on it, the amounts in its tooltip."""
    percent = None if total is None else total.percent_of_target
    band = _coverage_band(percent)
    text = "—" if percent is None else f"{percent:,.0f} %"
    tip = f"{_label(key)}, {column}: {text}"
    if total is not None:
        tip += f" ({_num(total.amount)} {total.unit}, {total.basis} target)"
    data = (
        f"data-nutrient='{_e(key)}' data-column='{_e(column)}' "
        f"data-percent='{'' if percent is None else f'{percent:.1f}'}' data-coverage='{band}'"
    )
    return (
        f"<g><title>{_e(tip)}</title><rect class='cov-cell' {data} x='{x + 1}' y='{y + 1}' "
        f"width='{_COV_CELL_W - 2}' height='{_COV_CELL_H - 2}' rx='3'/>"
        f"<text x='{x + _COV_CELL_W / 2:.1f}' y='{y + _COV_CELL_H / 2 + 4:.1f}' class='cell' "
        f"data-coverage='{band}'>{_e(text)}</text></g>"
    )


def _nice_step(limit: float) -> float:
    for step in (250.0, 500.0, 1000.0):
        if limit / step <= 8:
            return step
    return 2000.0


@dataclass(frozen=True)
class _CaloriesLayout:
    """Where the calorie chart's bars and scale go."""

    n_days: int
    peak: float
    left: int = 56
    right: int = 12
    top: int = 40
    plot_h: int = 240
    gap: int = 18

    @property
    def bar_w(self) -> int:
        return max(24, min(64, int(640 / max(self.n_days, 1)) - self.gap))

    @property
    def width(self) -> int:
        return max(self.left + self.right + self.n_days * (self.bar_w + self.gap) + self.gap, 360)

    @property
    def height(self) -> int:
        return self.top + self.plot_h + 36

    def y(self, kcal: float) -> float:
        return self.top + self.plot_h - kcal / self.peak * self.plot_h

    def bar_x(self, index: int) -> int:
        return self.left + self.gap + index * (self.bar_w + self.gap)


def _calories_svg(days: list[DayPlan], energy: tuple[float | None, float | None]) -> _Markup:
    """Stacked bars of kcal per meal for each day, over the day's energy range."""
    low, high = energy
    peak = max([*(_day_energy(day) for day in days), high or 0.0, 1.0]) * 1.12
    layout = _CaloriesLayout(n_days=len(days), peak=peak)
    parts = [
        _svg_open(
            "calories", layout.width, layout.height, "Calories per meal for each day, stacked"
        ),
        *_calories_scale(layout),
    ]
    if low is not None and high is not None:
        parts.append(
            f"<rect x='{layout.left}' y='{layout.y(high):.1f}' "
            f"width='{layout.width - layout.left - layout.right}' "
            f"height='{layout.y(low) - layout.y(high):.1f}' class='band'>"
            f"<title>{_e(f'energy range {_num(low)}–{_num(high)} kcal')}</title></rect>"
        )
    parts.extend(_calories_bar(layout, d, day) for d, day in enumerate(days))
    meals = list(dict.fromkeys(meal.name for day in days for meal in day.meals))
    parts.extend(
        _key_entry(
            layout.left + i * _KEY_STEP, 10, f"rx='2' data-meal='{_e(name)}'", name.capitalize()
        )
        for i, name in enumerate(meals)
    )
    if low is not None and high is not None:
        parts.append(
            _key_entry(layout.left + len(meals) * _KEY_STEP, 10, "class='band'", "energy range")
        )
    parts.append("</svg>")
    return _Markup("".join(parts))


def _calories_scale(layout: _CaloriesLayout) -> list[str]:
    """The kcal grid lines and their numbers."""
    step = _nice_step(layout.peak)
    lines = []
    tick = 0.0
    while tick <= layout.peak:
        y = layout.y(tick)
        lines.append(
            f"<line x1='{layout.left}' x2='{layout.width - layout.right}' y1='{y:.1f}' "
            f"y2='{y:.1f}' class='grid'/><text x='{layout.left - 6}' y='{y + 4:.1f}' "
            f"class='axis end'>{tick:,.0f}</text>"
        )
        tick += step
    return lines


def _calories_bar(layout: _CaloriesLayout, index: int, day: DayPlan) -> str:
    """A day's bar: a segment per meal (its kcal on it where it fits), the total on top."""
    x, bar_w = layout.bar_x(index), layout.bar_w
    middle = x + bar_w / 2
    parts = []
    base = 0.0
    for meal in day.meals:
        y_top, y_bottom = layout.y(base + meal.energy_kcal), layout.y(base)
        label = f"Day {day.day} {meal.name}: {_num(meal.energy_kcal, 0)} kcal"
        parts.append(
            f"<g><title>{_e(label)}</title><rect class='kcal-seg' data-day='{day.day}' "
            f"data-meal='{_e(meal.name)}' data-kcal='{meal.energy_kcal:.1f}' x='{x}' "
            f"y='{y_top:.1f}' width='{bar_w}' height='{max(y_bottom - y_top, 0):.1f}'/>"
        )
        if y_bottom - y_top >= 14 and bar_w >= 34:
            parts.append(
                f"<text x='{middle:.1f}' y='{(y_top + y_bottom) / 2 + 4:.1f}' class='seg'>"
                f"{meal.energy_kcal:,.0f}</text>"
            )
        parts.append("</g>")
        base += meal.energy_kcal
    parts.append(
        f"<text x='{middle:.1f}' y='{layout.y(base) - 6:.1f}' class='axis mid total'>"
        f"{base:,.0f}</text><text x='{middle:.1f}' y='{layout.top + layout.plot_h + 18}' "
        f"class='axis mid'>Day {day.day}</text>"
    )
    return "".join(parts)
