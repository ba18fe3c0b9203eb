"""``mealplan targets``: table and JSON output, and one clear line for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from mealplan.cli import EXIT_BAD_INPUT, EXIT_OK, main
from mealplan.targets import Targets

#: nutrient, min, max, unit, source; min and max are "-" or a number followed by its unit.
ROW = re.compile(
    r"^(?P<nutrient>[a-z0-9_]+)\s+"
    r"(?P<min>-|\d+(?:\.\d+)? (?:kcal|mg|µg|g))\s+"
    r"(?P<max>-|\d+(?:\.\d+)? (?:kcal|mg|µg|g))\s+"
    r"(?P<unit>kcal|mg|µg|g)\s+"
    r"(?P<source>\S.*)$"
)


def _rows(output: str) -> dict[str, dict[str, str]]:
    """Parse the table rows; every data line must match ROW (so every number has a unit)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("nutrient "))
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        match = ROW.match(line)
        assert match, f"row without units: {line!r}"
        rows[match["nutrient"]] = match.groupdict()
    return rows


def test_table_prints_units_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["targets", "--age", "34", "--sex", "female"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK and err == ""
    assert "31-50" in out.splitlines()[0]
    rows = _rows(out)
    assert list(rows)[:4] == ["energy", "protein", "carbohydrate", "fat"]
    assert rows["magnesium"]["min"] == "320 mg" and rows["magnesium"]["max"] == "-"
    assert rows["potassium"]["min"] == "2600 mg"
    assert rows["calcium"]["max"] == "2500 mg"
    assert rows["vitamin_d"]["min"] == "15 µg" and rows["vitamin_d"]["max"] == "100 µg"
    assert rows["vitamin_b12"]["min"] == "2.4 µg"
    assert rows["sodium"]["min"] == "-" and rows["sodium"]["max"] == "2300 mg"
    assert rows["energy"]["unit"] == "kcal" and rows["energy"]["min"].endswith(" kcal")
    assert "IOM 1997" in rows["magnesium"]["source"]
    assert "NASEM 2019" in rows["potassium"]["source"]
    assert "IOM 2005" in rows["energy"]["source"]


def test_cramp_preset_lists_cramp_nutrients_first_with_the_caveat(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["targets", "--age", "29", "--sex", "female", "--pregnant", "--cramp"])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    rows = _rows(out)
    assert list(rows)[:6] == [
        "magnesium",
        "potassium",
        "calcium",
        "vitamin_d",
        "vitamin_b12",
        "vitamin_b6",
    ]
    assert rows["magnesium"]["min"] == "350 mg"
    assert rows["vitamin_b12"]["min"] == "2.6 µg"
    assert "not medical advice" in out and "doctor" in out


def test_body_size_activity_and_energy_options(capsys: pytest.CaptureFixture[str]) -> None:
    # Woman, 30 y, 60 kg, 165 cm, active: EER 2381.265 kcal (see test_targets), ±10 %.
    argv = ["targets", "--age", "30", "--sex", "female", "--weight-kg", "60"]
    argv += ["--height-cm", "165", "--activity", "active"]
    assert main(argv) == EXIT_OK
    rows = _rows(capsys.readouterr().out)
    assert rows["energy"]["min"] == "2143 kcal" and rows["energy"]["max"] == "2619 kcal"

    assert main([*argv, "--energy", "1800", "2200"]) == EXIT_OK
    rows = _rows(capsys.readouterr().out)
    assert rows["energy"]["min"] == "1800 kcal" and rows["energy"]["max"] == "2200 kcal"
    assert rows["carbohydrate"]["min"] == "225 g"  # 45 % of 2000 kcal at 4 kcal/g


def test_json_output_reads_back_as_targets(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["targets", "--age", "8", "--sex", "male", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    data = json.loads(out)
    targets = Targets.model_validate(data)
    assert targets["magnesium"].min == 130
    assert targets["vitamin_d"].max == 75
    assert data["profile"]["age"] == 8
    assert all(bound["unit"] and bound["source"] for bound in data["bounds"])


@pytest.mark.parametrize(
    ("argv", "option", "detail"),
    [
        (["--age", "-3", "--sex", "female"], "--age", "between 1 and 120"),
        (["--age", "121", "--sex", "male"], "--age", "(got 121)"),
        (["--age", "40", "--sex", "male", "--pregnant"], "--pregnant", "'female'"),
        (["--age", "12", "--sex", "female", "--lactating"], "--lactating", "14 to 50"),
        (["--age", "30", "--sex", "female", "--weight-kg", "0"], "--weight-kg", "greater than 0"),
        (["--age", "30", "--sex", "female", "--height-cm", "5"], "--height-cm", "between 40"),
        (["--age", "30", "--sex", "female", "--trimester", "2"], "--trimester", "pregnant"),
        (["--age", "30", "--sex", "female", "--energy", "2400", "2000"], "--energy", "min"),
    ],
)
def test_bad_input_is_one_line_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], option: str, detail: str
) -> None:
    code = main(["targets", *argv])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"mealplan: {option}: ")
    assert detail in lines[0]


def test_age_message_matches_the_documented_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--age", "-3", "--sex", "female"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "mealplan: --age: must be between 1 and 120 years (got -3)\n"


def test_pregnant_and_lactating_are_exclusive_options() -> None:
    with pytest.raises(SystemExit) as info:
        main(["targets", "--age", "30", "--sex", "female", "--pregnant", "--lactating"])
    assert info.value.code == EXIT_BAD_INPUT


def test_module_entry_point_exits_2_naming_age() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mealplan", "targets", "--age", "-3", "--sex", "female"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stdout == ""
    assert result.stderr.strip() == "mealplan: --age: must be between 1 and 120 years (got -3)"
