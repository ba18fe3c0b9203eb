"""``mealplan week`` and ``mealplan day``: outputs that parse, one clear line for bad input,
exit code 3 with a diagnosis when no plan exists.

Plans are kept to 1-3 days so the file runs in seconds.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mealplan import DayPlan, Diagnosis, WeekPlan
from mealplan.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, main

PERSON = ["--age", "34", "--sex", "female"]


def _one_error_line(err: str, option: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"mealplan: {option}: "), err
    return lines[0]


def test_negative_age_is_one_line_naming_the_option() -> None:
    """The acceptance command, as a user types it."""
    result = subprocess.run(
        [sys.executable, "-m", "mealplan", "week", "--age", "-3", "--sex", "female"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stdout == ""
    assert result.stderr.strip() == "mealplan: --age: must be between 1 and 120 years (got -3)"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "option", "detail"),
    [
        (["--days", "20"], "--days", "between 1 and 14 (got 20)"),
        (["--calories", "100", "200"], "--calories", "500 ≤ low ≤ high ≤ 6000"),
        (["--meals", "breakfast,brunch"], "--meals", "'breakfast,brunch'"),
        (["--time-limit", "0"], "--time-limit", "positive"),
        (["--work-limit", "0"], "--work-limit", "at least 1 (got 0)"),
        (["--weight-kg", "900"], "--weight-kg", "at most 500 kg"),
    ],
)
def test_bad_values_name_their_option(
    capsys: pytest.CaptureFixture[str], extra: list[str], option: str, detail: str
) -> None:
    code = main(["week", *PERSON, *extra])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT and out == ""
    assert detail in _one_error_line(err, option)


def test_profile_rules_name_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["day", "--age", "34", "--sex", "male", "--pregnant"])
    _, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert "sex is 'female'" in _one_error_line(err, "--pregnant")


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["week", *PERSON, "--exclude-allergen", "nuts"])
    assert raised.value.code == EXIT_BAD_INPUT
    assert "--exclude-allergen" in capsys.readouterr().err


def test_unknown_disliked_food_names_dislike(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["week", *PERSON, "--dislike", "zzqqxx"])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT and out == ""
    assert "'zzqqxx'" in _one_error_line(err, "--dislike")


def test_a_food_both_liked_and_disliked_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["day", *PERSON, "--dislike", "salmon", "--like", "salmon"])
    _, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert "salmon" in _one_error_line(err, "--like/--dislike").lower()


def test_infeasible_request_exits_3_with_the_diagnosis(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["week", *PERSON, "--diet", "vegan", "--no-fortified", "--days", "2"])
    out, err = capsys.readouterr()
    assert code == EXIT_INFEASIBLE
    assert "Shortfalls:" in out
    shortfall = next(line for line in out.splitlines() if line.startswith("  - vitamin B12"))
    assert "2.4 µg" in shortfall
    assert "fortified" in shortfall  # it says what would help
    assert "not medical advice" in out
    assert "supplement" not in out.lower()
    assert err.strip() == "mealplan: no plan meets the targets (see the diagnosis)"


def test_infeasible_json_prints_the_diagnosis_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["day", *PERSON, "--diet", "vegan", "--no-fortified", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == EXIT_INFEASIBLE
    error = json.loads(out)  # a JSON error object on stdout; the readable diagnosis on stderr
    assert error["error"] == "infeasible" and "Shortfalls:" in err
    diagnosis = Diagnosis.model_validate(error["diagnosis"])
    # Unfortified vegan foods as eaten carry no B12 and too little vitamin D.
    assert [s.nutrient for s in diagnosis.shortfalls] == ["vitamin_d", "vitamin_b12"]
    assert all(s.achievable < s.required for s in diagnosis.shortfalls)


def test_week_json_validates_as_weekplan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["week", *PERSON, "--days", "3", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert err == ""  # no progress line when stderr is not a terminal
    week = WeekPlan.model_validate_json(out)
    assert [day.day for day in week.days] == [1, 2, 3]
    assert [meal.name for meal in week.days[0].meals] == ["breakfast", "lunch", "dinner", "snack"]
    assert week.weekly_average["magnesium"].amount >= week.weekly_average["magnesium"].min


def test_day_json_validates_as_dayplan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["day", *PERSON, "--meals", "breakfast,lunch,dinner", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    day = DayPlan.model_validate_json(out)
    assert [meal.name for meal in day.meals] == ["breakfast", "lunch", "dinner"]
    for key in ("magnesium", "potassium", "calcium", "vitamin_d", "vitamin_b12"):
        total = day.totals[key]
        assert total.min is not None and total.amount >= total.min * 0.999, key


def test_csv_parses_with_pandas(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["week", *PERSON, "--days", "2", "--format", "csv"])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    frame = pd.read_csv(io.StringIO(out))
    assert {"day", "meal", "fdc_id", "food_code", "name", "servings", "grams"} <= set(frame)
    assert sorted(frame["day"].unique()) == [1, 2]
    assert (frame["grams"] > 0).all()
    # Foods as eaten: each row traces to its FNDDS food code (their FDC ids are not shipped).
    assert frame["food_code"].notna().all() and frame["fdc_id"].isna().all()
    assert frame["food_code"].between(10_000_000, 99_999_999).all()


def test_table_with_out_dir_prints_the_plan_and_writes_four_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "plan"
    code = main(["week", *PERSON, "--days", "2", "--dislike", "tofu", "--out", str(out_dir)])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines if line.startswith("Day ")] == [
        ["Day", "1"],
        ["Day", "2"],
    ]
    table = lines.index("Nutrients, average per day over 2 days")
    header = lines[table + 1].split()
    assert header[:2] == ["nutrient", "average"] and header[-1] == "basis"
    # A trailing * marks a nutrient some food in the plan has no value for.
    rows = {line.split()[0].rstrip("*") for line in lines[table + 2 : table + 9]}
    assert rows == {"Magnesium", "Potassium", "Calcium", "Vitamin", "Energy", "Protein"}
    assert any(line.startswith("Shopping list (2 days)") for line in lines)
    assert "USDA FoodData Central" in out

    assert sorted(p.name for p in out_dir.iterdir()) == [
        "plan.csv",
        "plan.json",
        "report.html",
        "shopping_list.csv",
    ]
    week = WeekPlan.model_validate_json((out_dir / "plan.json").read_text())
    assert len(week.days) == 2
    assert len(pd.read_csv(out_dir / "plan.csv")) == len(week.to_frame())
    shopping = pd.read_csv(out_dir / "shopping_list.csv")
    bought = shopping[shopping["purchase"]]
    assert set(bought["name"]) == set(week.to_frame()["name"])
    assert shopping.loc[~shopping["purchase"], "food_id"].tolist() == ["tap_water"]
    assert "id='coverage-chart'" in (out_dir / "report.html").read_text()


def test_html_out_writes_one_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code = main(["day", *PERSON, "--format", "html", "--out", str(target)])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK and out == ""
    text = target.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<h2>Day 1</h2>" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_out_folder_with_a_file_format_is_refused_before_planning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["week", *PERSON, "--format", "json", "--out", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert "is a folder" in _one_error_line(err, "--out")


def test_progress_shows_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code = main(["week", *PERSON, "--dislike", "zzqqxx"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.startswith("mealplan: loading the default food catalogue")
    assert "\r\033[K" in err  # the status line is cleared before the error
    assert err.rsplit("\r\033[K", 1)[1].startswith("mealplan: --dislike: ")


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["week", "--help"])
    out = capsys.readouterr().out
    assert raised.value.code == 0
    assert "examples:" in out and "mealplan week --age 34 --sex female" in out
    assert "--out PATH" in out and "Exit codes" in out


def test_json_numbers_are_plain_json(capsys: pytest.CaptureFixture[str]) -> None:
    """An app's JSON parser (not pydantic) reads the output too."""
    code = main(["day", *PERSON, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    items = [item for meal in data["meals"] for item in meal["items"]]
    assert all(isinstance(item["food_code"], int) and item["fdc_id"] is None for item in items)
    assert all(item["release"] == "FNDDS 2017-2018" for item in items)


def test_foods_as_eaten_trace_to_their_food_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["day", *PERSON, "--catalog", "as_eaten", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    items = [item for meal in data["meals"] for item in meal["items"]]
    assert all(isinstance(item["food_code"], int) and item["fdc_id"] is None for item in items)
    assert all(item["release"] == "FNDDS 2017-2018" for item in items)


def test_a_day_generates_meals_unless_told_not_to(capsys: pytest.CaptureFixture[str]) -> None:
    """``--no-generate-meals`` chooses among the drawn meals (their bound); by default the
    day's meals are generated and its bound covers every meal the patterns allow."""
    scopes = {}
    for flag in ("--generate-meals", "--no-generate-meals"):
        assert main(["day", *PERSON, "--format", "json", flag]) == 0
        solver = json.loads(capsys.readouterr().out)["solver"]
        scopes[flag] = (solver["bound_scope"], solver["objective"])
    assert scopes["--generate-meals"][0] == "all_meals"
    assert scopes["--no-generate-meals"][0] == "candidate_meals"
    assert scopes["--generate-meals"][1] <= scopes["--no-generate-meals"][1]
    with pytest.raises(SystemExit):
        main(["week", *PERSON, "--no-generate-meals"])
    assert "unrecognized arguments: --no-generate-meals" in capsys.readouterr().err
