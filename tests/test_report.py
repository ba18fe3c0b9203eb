"""The HTML report and the text report: content, escaping, no network, and how Chromium
renders the page (DOM and a screenshot under test-artifacts/).

One 7-day plan is computed per module; every test reads it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mealplan import FoodCatalog, Planner, Preferences, Profile, Targets, WeekPlan
from mealplan.export import OUTPUT_FILES, write_outputs
from mealplan.report import COVERAGE_NUTRIENTS, MEDICAL_NOTE, render_html, render_text

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


class Inputs:
    """The plan and everything it was made from."""

    def __init__(self) -> None:
        catalog = FoodCatalog.curated()
        self.release = catalog.release
        self.profile = Profile(age=34, sex="female")
        self.targets = Targets.cramp_support(self.profile)
        self.preferences = Preferences(exclude_allergens=("peanuts",))
        self.week = Planner(catalog).plan_week(self.targets, self.preferences, days=7)

    def html(self, plan: WeekPlan | None = None) -> str:
        return render_html(
            plan or self.week,
            profile=self.profile,
            targets=self.targets,
            preferences=self.preferences,
            catalog_release=self.release,
        )


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return Inputs()


@pytest.fixture(scope="module")
def page(inputs: Inputs) -> str:
    return inputs.html()


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each h2."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_h2 = tag == "h2"
        if self._in_h2:
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2[-1] += data


def _parse(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    return parser


# -- pure Python ------------------------------------------------------------------------------
def test_page_loads_nothing_from_the_network(page: str) -> None:
    assert "http://" not in page and "https://" not in page
    tags = _parse(page).tags
    names = {name for name, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert all("src" not in attrs and "href" not in attrs for _, attrs in tags)
    assert "@import" not in page and "url(" not in page


def test_page_has_a_day_section_per_day_and_both_charts(inputs: Inputs, page: str) -> None:
    parsed = _parse(page)
    assert [h for h in parsed.h2 if h.startswith("Day ")] == [f"Day {d}" for d in range(1, 8)]
    ids = {attrs.get("id") for _, attrs in parsed.tags}
    assert {"coverage-chart", "calories-chart"} <= ids
    for day in inputs.week.days:
        for item in day.items:
            assert html.escape(item.name) in page


def test_coverage_cells_carry_the_plans_percentages(inputs: Inputs, page: str) -> None:
    cells = [attrs for name, attrs in _parse(page).tags if attrs.get("class") == "cov-cell"]
    assert len(cells) == len(COVERAGE_NUTRIENTS) * 8  # 7 days and the average
    by_key = {(c["data-nutrient"], c["data-column"]): c["data-percent"] for c in cells}
    for day in inputs.week.days:
        for key in COVERAGE_NUTRIENTS:
            expected = day.totals[key].percent_of_target
            assert float(by_key[(key, f"Day {day.day}")] or "nan") == pytest.approx(
                expected, abs=0.06
            )
    for key in COVERAGE_NUTRIENTS:
        expected = inputs.week.weekly_average[key].percent_of_target
        assert float(by_key[(key, "Average")] or "nan") == pytest.approx(expected, abs=0.06)


def test_calorie_bars_add_up_to_each_days_energy(inputs: Inputs, page: str) -> None:
    segments = [attrs for name, attrs in _parse(page).tags if attrs.get("class") == "kcal-seg"]
    for day in inputs.week.days:
        mine = [s for s in segments if s["data-day"] == str(day.day)]
        assert [s["data-meal"] for s in mine] == [meal.name for meal in day.meals]
        total = sum(float(s["data-kcal"] or 0) for s in mine)
        assert total == pytest.approx(sum(m.energy_kcal for m in day.meals), abs=0.5)


def test_page_names_sources_and_the_medical_note(inputs: Inputs, page: str) -> None:
    assert "USDA FoodData Central" in page
    assert html.escape(inputs.release or "") in page
    fdc_line = re.search(r"<p class='fdc-ids'>USDA ids used \((\d+)\): ([^<]+)</p>", page)
    assert fdc_line, "the USDA id line is missing"
    listed = fdc_line.group(2).split(", ")
    used = sorted({f"FDC {item.fdc_id}" for day in inputs.week.days for item in day.items})
    assert sorted(listed) == used and int(fdc_line.group(1)) == len(used)
    for bound in inputs.targets.values():
        assert html.escape(bound.source) in page
    assert "not medical advice" in page
    assert "call for a doctor" in page
    assert "Do not take supplements without a diagnosed deficiency" in page
    # Beyond that warning the page says nothing about supplements (the DRI source citations,
    # quoted as the targets give them, are left out of the count).
    prose = page
    for bound in inputs.targets.values():
        prose = prose.replace(html.escape(bound.source), "")
    assert prose.lower().count("supplement") == prose.count(
        "Do not take supplements without a diagnosed deficiency"
    )


def test_food_names_are_escaped(inputs: Inputs) -> None:
    data = inputs.week.model_dump()
    nasty = 'Mac & "cheese" <script>alert(1)</script>'
    data["days"][0]["meals"][0]["items"][0]["name"] = nasty
    page = inputs.html(WeekPlan.model_validate(data))
    assert nasty not in page
    assert html.escape(nasty) in page
    assert "script" not in {name for name, _ in _parse(page).tags}


def test_a_single_day_renders_without_an_average_column(inputs: Inputs) -> None:
    day = inputs.week.days[0]
    page = render_html(
        day, profile=None, targets=inputs.targets, preferences=None, catalog_release=None
    )
    parsed = _parse(page)
    assert [h for h in parsed.h2 if h.startswith("Day ")] == ["Day 1"]
    columns = {a["data-column"] for n, a in parsed.tags if a.get("class") == "cov-cell"}
    assert columns == {"Day 1"}
    assert "female" in page  # the profile comes from the targets


def test_text_report_lists_days_nutrients_and_shopping(inputs: Inputs) -> None:
    text = render_text(inputs.week, catalog_release=inputs.release)
    lines = text.splitlines()
    assert [line.split("  ")[0] for line in lines if line.startswith("Day ")] == [
        f"Day {d}" for d in range(1, 8)
    ]
    start = lines.index("Nutrients, average per day over 7 days")
    magnesium = next(line for line in lines[start:] if line.strip().startswith("Magnesium"))
    percent = inputs.week.weekly_average["magnesium"].percent_of_target
    assert f"{percent:,.0f} %" in magnesium and magnesium.rstrip().endswith("daily")
    vitamin_d = next(line for line in lines[start:] if line.strip().startswith("Vitamin D"))
    assert vitamin_d.rstrip().endswith("weekly")
    # Sodium is capped in every plan, so the reader sees its amount against the maximum.
    sodium = next(line for line in lines[start:] if line.strip().startswith("Sodium"))
    amount = inputs.week.weekly_average["sodium"].amount
    assert f"{amount:,.0f} mg" in sodium and "≤" in sodium
    shopping = lines.index("Shopping list (7 days)")
    assert len(lines[shopping + 2 :]) >= len(inputs.week.shopping_list())
    # The plan's notes are shown, each once (the words of a note, not only its first line).
    shown = [n for n in inputs.week.notes if n != MEDICAL_NOTE]
    flat = " ".join(text.split())
    for note in shown:
        assert flat.count(" ".join(note.split())) == 1, note
    # A note the week gains (the cap lifted) reaches the reader.
    lifted = inputs.week.model_copy(update={"notes": [*inputs.week.notes, "A test note."]})
    assert "- A test note." in render_text(lifted).splitlines()


def test_write_outputs_writes_four_readable_files(inputs: Inputs, tmp_path: Path) -> None:
    written = write_outputs(
        inputs.week,
        tmp_path / "out",
        targets=inputs.targets,
        profile=inputs.profile,
        preferences=inputs.preferences,
        catalog_release=inputs.release,
    )
    assert {path.name for path in written.values()} == set(OUTPUT_FILES.values())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(OUTPUT_FILES.values())
    text = written["json"].read_text()
    assert WeekPlan.model_validate_json(text).model_dump_json() == inputs.week.model_dump_json()
    assert written["html"].read_text() == inputs.html()
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name


# -- in a browser -----------------------------------------------------------------------------
def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("CI is set but chromium is not installed (apt-get install chromium)")
    pytest.skip("chromium is not installed; the HTML report is not checked in a browser")


def _browser(html_file: Path, profile_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile_dir}",
        *extra,
        html_file.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def html_file(page: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def test_chromium_renders_the_days_and_charts(html_file: Path, tmp_path: Path) -> None:
    result = _browser(html_file, tmp_path / "profile", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert re.findall(r"<h2>(Day \d+)</h2>", dom) == [f"Day {d}" for d in range(1, 8)]
    for chart in ("coverage-chart", "calories-chart"):
        assert re.search(rf'<svg id="{chart}"', dom), chart
    assert len(re.findall(r'class="cov-cell"', dom)) == len(COVERAGE_NUTRIENTS) * 8


def test_chromium_screenshot(html_file: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    result = _browser(
        html_file, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,3000"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists(), result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
