"""Issue #10, item 11: CLI error paths. Every error goes to stderr as one line (the diagnosis of
an infeasible request is several lines, on stderr unless it is the table the user asked for);
an infeasible request keeps exit code 3 whatever happens to stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from faults_support import PERSON, one_line, run_cli, tree
from mealplan import Diagnosis, Food, NutrientValue, Portion
from mealplan.cache import FoodCache
from mealplan.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK

#: A request no plan can meet, quickly diagnosed: vitamin B12 without animal or fortified foods.
INFEASIBLE = ["day", *PERSON, "--diet", "vegan", "--no-fortified"]


# -- foods search --limit -----------------------------------------------------------------------
@pytest.mark.parametrize("limit", ["0", "-5"])
def test_search_limit_out_of_range_exits_2_naming_the_option(limit: str) -> None:
    result = run_cli("foods", "search", "salmon", "--limit", limit, timeout=60)
    assert result.returncode == EXIT_BAD_INPUT and result.stdout == ""
    assert one_line(result.stderr) == (
        f"mealplan: --limit: must be between 1 and 1000 (got {limit})"
    )


def test_search_limit_in_range_still_works() -> None:
    result = run_cli("foods", "search", "salmon", "--limit", "1", timeout=60)
    assert result.returncode == EXIT_OK and result.stderr == ""
    assert len(result.stdout.splitlines()) == 1 and "almon" in result.stdout


# -- foods show -----------------------------------------------------------------------------
def test_show_unknown_food_errs_on_stderr() -> None:
    result = run_cli("foods", "show", "1", timeout=60)
    assert result.returncode == EXIT_BAD_INPUT and result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("mealplan: fdc_id: 1 is not among the shipped foods")


# -- cache clear ------------------------------------------------------------------------------
@pytest.fixture
def filled_cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    food = Food(
        fdc_id=99,
        description="Test food",
        data_type="SR Legacy",
        category="Dairy and Egg Products",
        nutrients={"calcium": NutrientValue(amount=120.0, unit="mg", nutrient_id=1087)},
        energy_source=None,
        portions=[Portion(description="1 cup", gram_weight=244.0)],
    )
    FoodCache(folder, starter=False).put(food)
    return folder


def test_cache_clear_without_yes_and_without_an_answer_deletes_nothing(
    filled_cache: Path,
) -> None:
    before = tree(filled_cache)
    assert before  # something to lose
    result = run_cli(
        "cache", "--cache-dir", str(filled_cache), "clear", stdin=subprocess.DEVNULL, timeout=60
    )
    assert result.returncode == EXIT_BAD_INPUT and result.stdout == ""
    assert "Traceback" not in result.stderr and "EOFError" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("delete the user cache at")  # the question, on stderr
    assert lines[-1] == (
        "mealplan: cache clear: no answer on stdin; nothing deleted "
        "(pass --yes to clear without asking)"
    )
    assert tree(filled_cache) == before


def test_cache_clear_answers_are_read_from_stdin(filled_cache: Path) -> None:
    before = tree(filled_cache)
    no = run_cli("cache", "--cache-dir", str(filled_cache), "clear", input="n\n", timeout=60)
    assert no.returncode == EXIT_OK and no.stdout == "nothing deleted\n"
    assert tree(filled_cache) == before
    yes = run_cli("cache", "--cache-dir", str(filled_cache), "clear", input="y\n", timeout=60)
    assert yes.returncode == EXIT_OK and yes.stdout.startswith("removed 1 foods")
    assert tree(filled_cache) == {}


# -- broken pipe ------------------------------------------------------------------------------
def _closed_pipe_run(*args: str) -> subprocess.CompletedProcess[str]:
    """``mealplan ARGS`` with stdout a pipe whose reader has already gone away."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return run_cli(*args, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)


def test_broken_pipe_on_an_infeasible_request_keeps_exit_3() -> None:
    result = _closed_pipe_run(*INFEASIBLE)
    assert result.returncode == EXIT_INFEASIBLE
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_broken_pipe_on_a_good_request_stays_quiet_with_exit_0() -> None:
    result = _closed_pipe_run("targets", *PERSON)
    assert result.returncode == EXIT_OK and result.stderr == ""


# -- infeasible with a machine format -----------------------------------------------------------
def test_infeasible_json_gives_a_json_error_on_stdout_and_the_diagnosis_on_stderr(
    tmp_path: Path,
) -> None:
    target = tmp_path / "plan.json"
    result = run_cli(*INFEASIBLE, "--format", "json", "--out", str(target))
    assert result.returncode == EXIT_INFEASIBLE
    error = json.loads(result.stdout)
    assert error["error"] == "infeasible" and "vitamin B12" in error["message"]
    diagnosis = Diagnosis.model_validate(error["diagnosis"])
    assert [s.nutrient for s in diagnosis.shortfalls] == ["vitamin_d", "vitamin_b12"]
    assert "Shortfalls:" in result.stderr and "vitamin B12" in result.stderr
    assert result.stderr.strip().endswith("mealplan: no plan meets the targets (see the diagnosis)")
    assert not target.exists()  # --out holds a plan or nothing
    assert list(tmp_path.iterdir()) == []


def test_infeasible_csv_leaves_stdout_empty() -> None:
    result = run_cli(*INFEASIBLE, "--format", "csv")
    assert result.returncode == EXIT_INFEASIBLE
    assert result.stdout == ""
    assert "Shortfalls:" in result.stderr
