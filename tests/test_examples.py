"""The examples run as a user runs them: ``python examples/...`` in a fresh process, offline."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from mealplan import Diagnosis, WeekPlan
from mealplan.domain.patterns import pattern_book

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: Offline: the examples must work from the shipped data alone.
ENV = {**os.environ, "MEALPLAN_OFFLINE": "1"}


def _run(script: str, *args: str, stdin: str | bytes = b"") -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        input=data,
        capture_output=True,
        env=ENV,
        cwd=ROOT,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def embed() -> Iterator[ModuleType]:
    """examples/embed_in_app.py as a module, for its request model and handler."""
    spec = importlib.util.spec_from_file_location("embed_in_app", EXAMPLES / "embed_in_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # pydantic resolves the request model's annotations through sys.modules.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_week_plan_prints_days_nutrients_and_shopping_and_writes_files(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    result = _run("week_plan.py", "--days", "2", "--out", str(out_dir))
    stdout = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    lines = stdout.splitlines()
    assert [line.split("  ")[0] for line in lines if line.startswith("Day ")] == ["Day 1", "Day 2"]
    # Every meal names its pattern, with household units and grams for its foods.
    names = {p.name for p in pattern_book().patterns}
    meal_lines = [line for line in lines if re.match(r"^  (Breakfast|Lunch|Dinner|Snack)", line)]
    assert len(meal_lines) >= 6
    for line in meal_lines:
        title = re.match(r"^  \w+: (.+) \([\d,]+ kcal\)$", line)
        assert title and re.sub(r" \(leftover from .*\)$", "", title.group(1)) in names, line
    assert " g)" in stdout
    assert "Nutrients, average per day over 2 days" in lines
    for label in ("Magnesium", "Potassium", "Calcium", "Vitamin D", "Vitamin B12", "Energy"):
        assert any(line.strip().startswith(label) for line in lines), label
    assert "Shopping list (2 days)" in lines

    files = {p.name for p in out_dir.iterdir()}
    assert files == {"plan.json", "plan.csv", "shopping_list.csv", "report.html"}
    week = WeekPlan.model_validate_json((out_dir / "plan.json").read_text())
    assert len(week.days) == 2
    assert len(pd.read_csv(out_dir / "plan.csv")) == sum(len(d.items) for d in week.days)
    assert "<h2>Day 2</h2>" in (out_dir / "report.html").read_text()


def test_sample_request_is_valid(embed: ModuleType) -> None:
    request = embed.PlanRequest.model_validate_json((EXAMPLES / "request.json").read_text())
    assert request.profile.age == 34 and request.days == 7


def test_embed_round_trips_a_request(embed: ModuleType) -> None:
    """``python examples/embed_in_app.py < examples/request.json``, the request as shipped
    (a vegetarian week that declares what it misses: vitamin D alone, see the README's
    limits)."""
    request = json.loads((EXAMPLES / "request.json").read_text())
    result = _run("embed_in_app.py", stdin=json.dumps(request))
    assert result.returncode == 0, result.stderr.decode()
    week = WeekPlan.model_validate_json(result.stdout)
    assert len(week.days) == request["days"] == 7
    assert {short.nutrient for short in week.shortfalls} <= {"vitamin_d"}
    assert result.stderr == b""


@pytest.mark.parametrize(
    ("body", "kind", "where"),
    [
        (b'{"profile": {"age": 34, ', "bad_request", "not a JSON object"),
        (b'{"profile": {"age": -3, "sex": "female"}}', "validation_error", "profile.age"),
    ],
)
def test_embed_bad_requests_get_a_json_error(body: bytes, kind: str, where: str) -> None:
    result = _run("embed_in_app.py", stdin=body)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    error = json.loads(result.stdout)["error"]
    assert error["type"] == kind and where in error["message"]
    assert isinstance(error["details"], list) and error["details"]


@pytest.mark.parametrize(
    ("body", "kind", "code"),
    [
        (b"\xff\xfe", "bad_request", 2),
        (b"[1, 2]", "bad_request", 2),
        (b'{"profile": {"age": 34, "sex": "female"}, "days": 30}', "validation_error", 2),
        (b'{"profile": {"age": 34, "sex": "female"}, "colour": "red"}', "validation_error", 2),
        (
            b'{"profile": {"age": 34, "sex": "female"}, "days": 2, '
            b'"preferences": {"diet": "vegan", "allow_fortified": false}}',
            "infeasible",
            3,
        ),
    ],
)
def test_embed_handler_answers_every_request_in_json(
    embed: ModuleType, body: bytes, kind: str, code: int
) -> None:
    text, exit_code = embed.handle(body)
    error = json.loads(text)["error"]
    assert (error["type"], exit_code) == (kind, code)
    if kind == "infeasible":
        diagnosis = Diagnosis.model_validate(error["details"])
        assert [s.nutrient for s in diagnosis.shortfalls] == ["vitamin_d", "vitamin_b12"]
