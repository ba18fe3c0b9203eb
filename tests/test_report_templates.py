"""The HTML report's templates (mealplan/data/report): found as package resources, every
placeholder filled and none invented, and data that looks like markup or like a placeholder
printed literally.

One 2-day plan is computed per module.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

import pytest

from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets, WeekPlan, report
from mealplan.domain.plan import FoodGroupTotal
from mealplan.domain.vocabulary import Allergen, MealName
from mealplan.report import render_html

SRC = Path(__file__).resolve().parents[1] / "src"
#: A food name that is markup, and one that is a template placeholder and braces.
SCRIPT_NAME = "<script>alert(1)</script>"
DOLLAR_NAME = "Pie $title ${days} $$ {} {0} & co"


def _folder() -> Traversable:
    return resources.files("mealplan.data") / "report"


def _templates() -> dict[str, str]:
    return {
        entry.name.removesuffix(".html"): entry.read_text(encoding="utf-8")
        for entry in _folder().iterdir()
        if entry.name.endswith(".html")
    }


class Inputs:
    """A short plan with notes, drinking water and flagged nutrients, and what it came from."""

    def __init__(self) -> None:
        catalog = FoodCatalog.curated()
        self.profile = Profile(age=34, sex="female")
        self.targets = Targets.cramp_support(self.profile)
        self.preferences = Preferences(exclude_allergens=(Allergen.PEANUTS,))
        self.week = Planner(catalog).plan_week(self.targets, self.preferences, days=2)

    def html(self, plan: WeekPlan | None = None, release: str | None = "SR Legacy") -> str:
        return render_html(
            plan or self.week,
            profile=self.profile,
            targets=self.targets,
            preferences=self.preferences,
            catalog_release=release,
        )

    def renamed(self, *names: str, note: str | None = None) -> WeekPlan:
        """The plan with its first items renamed and, optionally, a note added."""
        data = self.week.model_dump()
        items = [item for meal in data["days"][0]["meals"] for item in meal["items"]]
        for item, name in zip(items, names, strict=False):
            item["name"] = name
        if note is not None:
            data["notes"] = [*data["notes"], note]
        return WeekPlan.model_validate(data)


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return Inputs()


# -- the files ---------------------------------------------------------------------------------
def test_templates_and_stylesheet_are_package_resources() -> None:
    names = {entry.name for entry in _folder().iterdir()}
    assert "page.html" in names and "style.css" in names
    css = (_folder() / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


@pytest.mark.parametrize("name", sorted(_templates()))
def test_each_template_fills_with_dummy_values(name: str) -> None:
    template = Template(_templates()[name])
    assert template.is_valid(), f"{name}.html has a stray $"
    placeholders = template.get_identifiers()
    assert placeholders, f"{name}.html has no placeholder; it could be plain text"
    filled = template.substitute({key: f"@{key}@" for key in placeholders})
    assert "$" not in filled
    assert all(f"@{key}@" in filled for key in placeholders)


def test_a_missing_or_unknown_value_fails_loudly() -> None:
    with pytest.raises(KeyError):
        report._fill("water")
    with pytest.raises(TypeError, match="no placeholder for \\['cups'\\]"):
        report._fill("water", amount="2 cups", cups=2)


def test_every_template_is_used_and_every_one_used_exists(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full page (notes, solver line, water, flags, FDC ids) reads each file, and only those."""
    used: set[str] = set()
    original: Callable[[str], tuple[Template, frozenset[str]]] = report._template

    def recording(name: str) -> tuple[Template, frozenset[str]]:
        used.add(name)
        return original(name)

    monkeypatch.setattr(report, "_template", recording)
    plan = inputs.renamed(note="a note of the plan's own")
    # Foods as eaten carry the Dietary Guidelines' food groups: their chart has a template.
    fruit = FoodGroupTotal(
        group="fruit", label="Fruits", amount=1.5, unit="cup eq", pattern_amount=2.0, ratio=0.75
    )
    day = plan.days[0].model_copy(update={"food_groups": {"fruit": fruit}})
    inputs.html(plan.model_copy(update={"days": [day, *plan.days[1:]]}))
    assert used == set(_templates())


def test_the_stylesheet_colours_every_meal_and_coverage_band() -> None:
    css = (_folder() / "style.css").read_text(encoding="utf-8")
    for meal in MealName:
        assert f"[data-meal='{meal.value}']" in css, meal
    for _, band, _ in report._COVERAGE_BANDS:
        assert f"[data-coverage='{band}']" in css, band


def test_the_page_inlines_the_stylesheet_and_leaves_no_placeholder(inputs: Inputs) -> None:
    page = inputs.html()
    css = (_folder() / "style.css").read_text(encoding="utf-8")
    assert f"<style>{css}</style>" in page
    assert not re.search(r"\$\{?[A-Za-z_]", page)


# -- escaping ----------------------------------------------------------------------------------
def test_markup_and_placeholders_in_data_print_literally(inputs: Inputs) -> None:
    plan = inputs.renamed(SCRIPT_NAME, DOLLAR_NAME, note="<b>bold</b> $note")
    page = inputs.html(plan, release="<i>rel</i> ${release}")
    assert SCRIPT_NAME not in page and "<script" not in page
    for text in (SCRIPT_NAME, DOLLAR_NAME, "<b>bold</b> $note", "<i>rel</i> ${release}"):
        assert html.escape(text) in page, text
    # The food called "$title" did not become the page's title, nor the other way round.
    assert "<title>Meal plan: 2 days</title>" in page
    assert page.count("<title>Meal plan") == 1
    assert "&lt;b&gt;" in page and "<b>" not in page


# -- as an installed package -------------------------------------------------------------------
_RENDER_FROM_ZIP = """
import sys
import mealplan
from mealplan import Preferences, Profile, Targets, WeekPlan
from mealplan.report import render_html

assert mealplan.__file__.startswith(sys.argv[1]), mealplan.__file__
profile = Profile(age=34, sex="female")
plan = WeekPlan.model_validate_json(sys.stdin.read())
sys.stdout.write(render_html(
    plan,
    profile=profile,
    targets=Targets.cramp_support(profile),
    preferences=Preferences(exclude_allergens=("peanuts",)),
    catalog_release="SR Legacy",
))
"""


def test_a_zipped_package_renders_the_same_page(inputs: Inputs, tmp_path: Path) -> None:
    """Imported from a zip, mealplan has no files on disk: the templates must come through
    importlib.resources, as they do from a wheel installed anywhere."""
    archive = tmp_path / "mealplan.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((SRC / "mealplan").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, path.relative_to(SRC).as_posix())
    result = subprocess.run(
        [sys.executable, "-c", _RENDER_FROM_ZIP, str(archive)],
        input=inputs.week.model_dump_json(),
        env={"PYTHONPATH": str(archive), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == inputs.html()
