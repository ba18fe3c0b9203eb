"""Human-readable views of a plan: a plain-text report and one self-contained HTML page.

Both are pure functions of the plan and its inputs (no clock, no network), so the same plan
renders to the same bytes. The HTML page carries its CSS and SVG charts inline and loads
nothing, so it can be mailed, archived or opened offline; every piece of text in it goes
through :func:`html.escape` because food names and sources come from data files.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable, Sequence

import pandas as pd

from mealplan.domain.diagnosis import Diagnosis
from mealplan.domain.energy import energy_range
from mealplan.domain.plan import DayPlan, NutrientTotal, WeekPlan
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
#: limits every plan keeps (fiber, saturated fat, added sugars, retinol) and water.
SUMMARY_NUTRIENTS: tuple[str, ...] = (
    *COVERAGE_NUTRIENTS,
    "energy",
    "protein",
    "fiber",
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
_MEAL_COLOURS = {
    "breakfast": "#e9a23b",
    "lunch": "#4c8bbf",
    "dinner": "#6a5a9c",
    "snack": "#5aa37a",
    "foods": "#7f7f7f",
}


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


def _fdc_ids(days: Iterable[DayPlan]) -> list[int]:
    return sorted({item.fdc_id for day in days for item in day.items if item.fdc_id is not None})


def _source_line(catalog_release: str | None) -> str:
    release = f" ({catalog_release})" if catalog_release else ""
    return (
        f"Data: {_DATA_SOURCE}{release}; each food's FDC id is in the shopping list. "
        "Targets: the Dietary Reference Intakes."
    )


# --------------------------------------------------------------------------------------------
# Text


def render_text(plan: WeekPlan | DayPlan, *, catalog_release: str | None = None) -> str:
    """The plan for a terminal: day by day, the nutrient table, the shopping list, the sources.

    Shared by ``mealplan week``/``day`` and ``examples/week_plan.py`` so both print the same.
    """
    days = _days(plan)
    parts = [day.menu_text() for day in days]
    parts.append(_text_nutrients(_average(plan), len(days)))
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
    period = f"{n_days} days" if n_days > 1 else "1 day"
    rows = [("food", "amount", "grams", "FDC id")]
    rows += [
        (
            str(row.name),
            _amount(float(row.servings), str(row.serving_text)),
            _grams(row.grams),
            "" if pd.isna(row.fdc_id) else str(int(row.fdc_id)),
        )
        for row in frame.itertuples(index=False)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"Shopping list ({period})"]
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
    title = f"Meal plan: {len(days)} day{'s' if len(days) != 1 else ''}"
    body = [
        f"<header><h1>{_e(title)}</h1>",
        f"<p class='lead'>{_e(_who(profile, preferences))}</p>",
        f"<p class='note' role='note'>{_e(REPORT_MEDICAL_NOTE)}</p></header>",
        "<main>",
        _html_summary(plan, len(days)),
        "<section class='charts'>",
        "<div class='chart'><h2 class='chart-title'>Nutrient coverage per day</h2>",
        _coverage_svg(plan),
        "<p class='caption'>Percent of the daily target (the RDA or AI); 100 % meets it. "
        + _e(_weekly_caption(plan))
        + "</p></div>",
        "<div class='chart'><h2 class='chart-title'>Calories per meal</h2>",
        _calories_svg(days, energy_range(targets, preferences or Preferences())),
        "<p class='caption'>Stacked by meal; the shaded band is the day's energy range.</p></div>",
        "</section>",
        "<section class='menu'><h2 class='section-title'>Menu</h2><div class='days'>",
        *(_html_day(day) for day in days),
        "</div></section>",
        _html_shopping(plan.shopping_list(), len(days)),
        _html_inputs(profile, targets, preferences),
        _html_sources(plan, catalog_release),
        "</main>",
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


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


def _html_summary(plan: WeekPlan | DayPlan, n_days: int) -> str:
    average = _average(plan)
    title = "Average per day" if n_days > 1 else "Nutrients for the day"
    rows = []
    for key, total in average.items():
        flag = ""
        if total.unknown_in:
            flag = f" <span class='flag' title='{_e(', '.join(total.unknown_in))}'>*</span>"
        short = total.percent_of_target is not None and total.percent_of_target < 100
        row_class = " class='short'" if short else ""
        rows.append(
            f"<tr{row_class}><th scope='row'>{_e(_label(key))}{flag}</th>"
            f"<td class='num'>{_e(_num(total.amount))} {_e(total.unit)}</td>"
            f"<td class='num'>{_e(_target_text(total))}</td>"
            f"<td class='num'>{_e(_percent(total))}</td><td>{_e(total.basis)}</td></tr>"
        )
    return (
        f"<section class='summary'><h2 class='section-title'>{_e(title)}</h2>"
        "<table><thead><tr><th>Nutrient</th><th class='num'>Amount</th>"
        "<th class='num'>Target</th><th class='num'>% of target</th><th>Basis</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p class='caption'>* {_e(_UNKNOWN_NOTE)}</p></section>"
    )


def _html_day(day: DayPlan) -> str:
    meals = []
    for meal in day.meals:
        rows = []
        for item in meal.items:
            amount = _GRAMS_SUFFIX.sub("", item.household) if item.grams else item.household
            fdc = f"<span class='fdc'>FDC {item.fdc_id}</span>" if item.fdc_id is not None else ""
            rows.append(
                f"<tr><td>{_e(item.name)} {fdc}</td><td>{_e(amount)}</td>"
                f"<td class='num'>{_e(_grams(item.grams))}</td>"
                f"<td class='num'>{_e(_num(item.energy_kcal, 0))}</td></tr>"
            )
        colour = _MEAL_COLOURS.get(meal.name, "#7f7f7f")
        meals.append(
            f"<div class='meal'><h3><span class='swatch' style='background:{colour}'></span>"
            f"{_e(meal.name.capitalize())} <span class='kcal'>{_e(_num(meal.energy_kcal, 0))} "
            "kcal</span></h3><table class='items'><thead><tr><th>Food</th><th>Amount</th>"
            "<th class='num'>Grams</th><th class='num'>kcal</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    water = ""
    if day.drinking_water is not None:
        water = f"<p class='water'>Water: {_e(day.drinking_water.household)}</p>"
    return (
        f"<section class='day' id='day-{day.day}'><h2>Day {day.day}</h2>"
        f"<p class='daysum'>{_e(_num(_day_energy(day), 0))} kcal</p>{''.join(meals)}{water}"
        "</section>"
    )


def _html_shopping(frame: pd.DataFrame, n_days: int) -> str:
    rows = "".join(
        f"<tr><td>{_e(row.name)}</td><td>{_e(_amount(float(row.servings), str(row.serving_text)))}"
        f"</td><td class='num'>{_e(_grams(row.grams))}</td>"
        f"<td class='num'>{'' if pd.isna(row.fdc_id) else int(row.fdc_id)}</td></tr>"
        for row in frame.itertuples(index=False)
    )
    period = f"{n_days} days" if n_days > 1 else "1 day"
    return (
        f"<section class='shopping'><h2 class='section-title'>Shopping list ({period})</h2>"
        "<table><thead><tr><th>Food</th><th>Amount</th><th class='num'>Grams</th>"
        f"<th class='num'>FDC id</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _html_inputs(profile: Profile | None, targets: Targets, preferences: Preferences | None) -> str:
    profile_rows: list[tuple[str, str]] = []
    if profile is not None:
        profile_rows = [
            ("Age", f"{profile.age:g} years"),
            ("Sex", profile.sex),
            ("DRI life stage", profile.life_stage),
            ("Activity", profile.activity.replace("_", " ")),
            (
                "Weight",
                "DRI reference" if profile.weight_kg is None else f"{profile.weight_kg:g} kg",
            ),
            (
                "Height",
                "DRI reference" if profile.height_cm is None else f"{profile.height_cm:g} cm",
            ),
        ]
        if profile.pregnant:
            profile_rows.append(("Pregnant", f"trimester {profile.trimester or 'not given'}"))
        if profile.lactating:
            profile_rows.append(("Lactating", "yes"))
    if preferences is not None:
        profile_rows += _preference_rows(preferences)
    profile_table = "".join(
        f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in profile_rows
    )
    target_rows = "".join(_target_row(bound) for bound in targets.values())
    return (
        "<section class='inputs'><h2 class='section-title'>Profile and targets</h2>"
        f"<table class='profile'><tbody>{profile_table}</tbody></table>"
        "<h3 class='subtitle'>Daily targets</h3>"
        "<table class='targets'><thead><tr><th>Nutrient</th><th class='num'>Min</th>"
        "<th class='num'>Max</th><th>Unit</th><th>Source</th></tr></thead>"
        f"<tbody>{target_rows}</tbody></table></section>"
    )


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


def _target_row(bound: Bound) -> str:
    return (
        f"<tr><th scope='row'>{_e(_label(bound.nutrient))}</th>"
        f"<td class='num'>{_e(_limit(bound.min))}</td><td class='num'>{_e(_limit(bound.max))}</td>"
        f"<td>{_e(bound.unit or '')}</td><td class='source'>{_e(bound.source)}</td></tr>"
    )


def _html_sources(plan: WeekPlan | DayPlan, catalog_release: str | None) -> str:
    ids = _fdc_ids(_days(plan))
    release = f", release {catalog_release}" if catalog_release else ""
    # The medical note heads the page; the plan's own copy of it is not repeated.
    notes = [n for n in plan.notes if n.strip() and n != MEDICAL_NOTE]
    note_items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    solver = plan.solver
    solved = f"<p>Planned with {_e(solver.solver)} ({_e(solver.status)}).</p>" if solver else ""
    return (
        "<footer><h2 class='section-title'>Sources and notes</h2>"
        f"<p class='source-line'>Nutrient values: {_DATA_SOURCE}{_e(release)}. Targets: the "
        "Dietary Reference Intakes, with each source in the table above.</p>"
        f"<p class='fdc-ids'>FDC ids used ({len(ids)}): "
        f"{_e(', '.join(str(i) for i in ids))}</p>"
        + (f"<ul class='notes'>{note_items}</ul>" if note_items else "")
        + solved
        + "</footer>"
    )


# --------------------------------------------------------------------------------------------
# SVG charts


def _coverage_colour(percent: float | None) -> tuple[str, str]:
    """(fill, text colour) by band; the number is written in the cell as well."""
    if percent is None:
        return "#e6e6e6", "#333333"
    if percent < 50:
        return "#c0392b", "#ffffff"
    if percent < 75:
        return "#e67e22", "#1a1a1a"
    if percent < 100:
        return "#f4d03f", "#1a1a1a"
    if percent < 150:
        return "#8fd19e", "#1a1a1a"
    return "#2e8b57", "#ffffff"


def _coverage_svg(plan: WeekPlan | DayPlan) -> str:
    """A heatmap: a row per cramp nutrient, a column per day plus the average."""
    days = _days(plan)
    average = _average(plan)
    columns: list[tuple[str, dict[str, NutrientTotal]]] = [
        (f"Day {day.day}", day.totals) for day in days
    ]
    if len(days) > 1:
        columns.append(("Average", average))
    keys = [k for k in COVERAGE_NUTRIENTS if k in average]
    label_w, cell_w, cell_h, top = 120, 72, 34, 28
    width = label_w + cell_w * len(columns) + 8
    height = top + cell_h * len(keys) + 44
    parts = [
        f"<svg id='coverage-chart' viewBox='0 0 {width} {height}' width='{width}' "
        f"height='{height}' role='img' aria-labelledby='coverage-title' class='svg-chart'>",
        "<title id='coverage-title'>Percent of the daily target per day for magnesium, "
        "potassium, calcium, vitamin D and vitamin B12</title>",
    ]
    for c, (name, _) in enumerate(columns):
        x = label_w + c * cell_w + cell_w / 2
        weight = " font-weight='700'" if name == "Average" else ""
        parts.append(
            f"<text x='{x:.1f}' y='{top - 10}' text-anchor='middle' class='axis'{weight}>"
            f"{_e(name)}</text>"
        )
    for r, key in enumerate(keys):
        y = top + r * cell_h
        parts.append(
            f"<text x='{label_w - 8}' y='{y + cell_h / 2 + 4:.1f}' text-anchor='end' "
            f"class='axis'>{_e(_label(key))}</text>"
        )
        for c, (name, totals) in enumerate(columns):
            total = totals.get(key)
            percent = None if total is None else total.percent_of_target
            fill, ink = _coverage_colour(percent)
            x = label_w + c * cell_w
            text = "—" if percent is None else f"{percent:,.0f} %"
            tip = f"{_label(key)}, {name}: {text}"
            if total is not None:
                tip += f" ({_num(total.amount)} {total.unit}, {total.basis} target)"
            data = (
                f"data-nutrient='{_e(key)}' data-column='{_e(name)}' "
                f"data-percent='{'' if percent is None else f'{percent:.1f}'}'"
            )
            parts.append(
                f"<g><title>{_e(tip)}</title><rect class='cov-cell' {data} x='{x + 1}' "
                f"y='{y + 1}' width='{cell_w - 2}' height='{cell_h - 2}' rx='3' fill='{fill}'/>"
                f"<text x='{x + cell_w / 2:.1f}' y='{y + cell_h / 2 + 4:.1f}' "
                f"text-anchor='middle' class='cell' fill='{ink}'>{_e(text)}</text></g>"
            )
    legend_y = top + cell_h * len(keys) + 16
    bands = [(40, "< 50 %"), (60, "50–74 %"), (90, "75–99 %"), (120, "100–149 %")]
    bands.append((160, "≥ 150 %"))
    x = label_w
    for value, text in bands:
        fill, _ = _coverage_colour(value)
        parts.append(
            f"<rect x='{x}' y='{legend_y}' width='14' height='14' rx='2' fill='{fill}'/>"
            f"<text x='{x + 19}' y='{legend_y + 11}' class='legend'>{_e(text)}</text>"
        )
        x += 96
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(limit: float) -> float:
    for step in (250.0, 500.0, 1000.0):
        if limit / step <= 8:
            return step
    return 2000.0


def _calories_svg(days: list[DayPlan], energy: tuple[float | None, float | None]) -> str:
    """Stacked bars of kcal per meal for each day, over the day's energy range."""
    low, high = energy
    totals = [_day_energy(day) for day in days]
    peak = max([*totals, high or 0.0, 1.0]) * 1.12
    step = _nice_step(peak)
    left, right, top, plot_h = 56, 12, 40, 240
    bar_gap = 18
    bar_w = max(24, min(64, int(640 / max(len(days), 1)) - bar_gap))
    width = left + right + len(days) * (bar_w + bar_gap) + bar_gap
    width = max(width, 360)
    height = top + plot_h + 36

    def y_of(kcal: float) -> float:
        return top + plot_h - kcal / peak * plot_h

    parts = [
        f"<svg id='calories-chart' viewBox='0 0 {width} {height}' width='{width}' "
        f"height='{height}' role='img' aria-labelledby='calories-title' class='svg-chart'>",
        "<title id='calories-title'>Calories per meal for each day, stacked</title>",
    ]
    tick = 0.0
    while tick <= peak:
        y = y_of(tick)
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' class='grid'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' class='axis'>"
            f"{tick:,.0f}</text>"
        )
        tick += step
    if low is not None and high is not None:
        parts.append(
            f"<rect x='{left}' y='{y_of(high):.1f}' width='{width - left - right}' "
            f"height='{y_of(low) - y_of(high):.1f}' class='band'>"
            f"<title>{_e(f'energy range {_num(low)}–{_num(high)} kcal')}</title></rect>"
        )
    for d, day in enumerate(days):
        x = left + bar_gap + d * (bar_w + bar_gap)
        base = 0.0
        for meal in day.meals:
            y_top, y_bottom = y_of(base + meal.energy_kcal), y_of(base)
            colour = _MEAL_COLOURS.get(meal.name, "#7f7f7f")
            label = f"Day {day.day} {meal.name}: {_num(meal.energy_kcal, 0)} kcal"
            parts.append(
                f"<g><title>{_e(label)}</title><rect class='kcal-seg' data-day='{day.day}' "
                f"data-meal='{_e(meal.name)}' data-kcal='{meal.energy_kcal:.1f}' x='{x}' "
                f"y='{y_top:.1f}' width='{bar_w}' height='{max(y_bottom - y_top, 0):.1f}' "
                f"fill='{colour}'/>"
            )
            if y_bottom - y_top >= 14 and bar_w >= 34:
                parts.append(
                    f"<text x='{x + bar_w / 2:.1f}' y='{(y_top + y_bottom) / 2 + 4:.1f}' "
                    f"text-anchor='middle' class='seg'>{meal.energy_kcal:,.0f}</text>"
                )
            parts.append("</g>")
            base += meal.energy_kcal
        parts.append(
            f"<text x='{x + bar_w / 2:.1f}' y='{y_of(base) - 6:.1f}' text-anchor='middle' "
            f"class='axis total'>{base:,.0f}</text>"
            f"<text x='{x + bar_w / 2:.1f}' y='{top + plot_h + 18}' text-anchor='middle' "
            f"class='axis'>Day {day.day}</text>"
        )
    x = left
    meals = list(dict.fromkeys(meal.name for day in days for meal in day.meals))
    for name in meals:
        colour = _MEAL_COLOURS.get(name, "#7f7f7f")
        parts.append(
            f"<rect x='{x}' y='10' width='14' height='14' rx='2' fill='{colour}'/>"
            f"<text x='{x + 19}' y='21' class='legend'>{_e(name.capitalize())}</text>"
        )
        x += 96
    if low is not None and high is not None:
        parts.append(
            f"<rect x='{x}' y='10' width='14' height='14' class='band'/>"
            f"<text x='{x + 19}' y='21' class='legend'>energy range</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
:root { color-scheme: light; --ink: #1d2125; --muted: #5c6670; --line: #d9dee3;
  --panel: #f6f8fa; --accent: #2c6e91; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
header, main { max-width: 1180px; margin: 0 auto; }
h1 { font-size: 28px; margin: 0 0 4px; }
.lead { margin: 0 0 12px; color: var(--muted); }
.note { margin: 8px 0 20px; padding: 10px 14px; background: #fff7e6;
  border-left: 4px solid #e9a23b; border-radius: 4px; }
.section-title, .chart-title { font-size: 19px; margin: 28px 0 10px; }
.chart-title { margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th { font-size: 13px; color: var(--muted); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.short th, tr.short td { background: #fdf0ee; }
.flag { color: #b03a2e; cursor: help; }
.caption { font-size: 13px; color: var(--muted); margin: 6px 0 0; }
.summary table { max-width: 760px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 24px; margin-top: 8px; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px; overflow-x: auto; }
.svg-chart { display: block; max-width: 100%; height: auto; }
.svg-chart .axis { font-size: 12px; fill: #3b4249; }
.svg-chart .total { font-weight: 700; }
.svg-chart .cell { font-size: 13px; font-weight: 600; }
.svg-chart .seg { font-size: 11px; fill: #fff; }
.svg-chart .legend { font-size: 12px; fill: #3b4249; }
.svg-chart .grid { stroke: #d5dbe0; stroke-width: 1; }
.svg-chart .band { fill: #2c6e91; fill-opacity: 0.12; stroke: #2c6e91;
  stroke-opacity: 0.5; stroke-dasharray: 4 3; }
.days { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr));
  gap: 18px; }
.day { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  break-inside: avoid; }
.day h2 { font-size: 18px; margin: 0; display: inline-block; }
.daysum { display: inline-block; margin: 0 0 0 10px; color: var(--muted); }
.meal h3 { font-size: 15px; margin: 12px 0 4px; }
.meal .kcal { font-weight: 400; color: var(--muted); font-size: 13px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; }
.items td { font-size: 14px; }
.items th:first-child { width: 50%; }
.fdc { color: var(--muted); font-size: 11px; white-space: nowrap; }
.inputs table { margin-bottom: 16px; }
.profile { max-width: 560px; }
.subtitle { font-size: 15px; margin: 18px 0 6px; }
.profile th { width: 40%; font-weight: 600; }
.source { font-size: 13px; color: var(--muted); }
footer { margin-top: 12px; }
.fdc-ids { font-size: 13px; color: var(--muted); word-break: break-word; }
.notes { padding-left: 20px; }
@media (max-width: 640px) { body { padding: 12px; } .days { grid-template-columns: 1fr; } }
@media print { body { padding: 0; } .chart { break-inside: avoid; }
  .day { break-inside: avoid; } }
"""
