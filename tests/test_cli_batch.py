"""``mealplan batch``: JSON lines in, JSON lines out, in order, whole or not at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mealplan.batch import PlanResult
from mealplan.cli import EXIT_BAD_INPUT, EXIT_OK, main

LINES = [
    '{"id": "a", "profile": {"age": 34, "sex": "female"}, "days": 1}',
    "",
    '{"id": "b", "profile": {"age": 34, "sex": "robot"}}',
    '{"profile": {"age": 60, "sex": "male"}, "kind": "day"}',
    '{"id": "a-again", "profile": {"age": 34, "sex": "female"}, "days": 1}',
    "not json at all",
]


@pytest.fixture
def requests_file(tmp_path: Path) -> Path:
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def read_results(path: Path) -> list[PlanResult]:
    return [PlanResult.model_validate_json(line) for line in path.read_text().splitlines()]


def test_a_results_file_has_one_line_per_request_in_order(
    requests_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.jsonl"
    assert main(["batch", str(requests_file), "--out", str(out), "--workers", "2"]) == EXIT_OK
    results = read_results(out)
    assert [result.id for result in results] == ["a", "b", "2", "a-again", "4"]
    assert [result.ok for result in results] == [True, False, True, True, False]
    assert results[0].plan == results[3].plan and results[3].seconds == 0
    assert results[1].error is not None and results[1].error.message.startswith("profile.sex:")
    assert "female" in results[1].error.message  # the allowed values are named
    assert results[4].error is not None and results[4].error.type == "validation_error"
    assert type(results[2].plan).__name__ == "DayPlan"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "5 request(s): 3 planned, 0 with no plan (diagnosis), 2 error(s)" in captured.err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["requests.jsonl", "results.jsonl"]


def test_stdin_to_stdout_in_one_process(requests_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mealplan", "batch", "-"],
        input=requests_file.read_text(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    ids = [json.loads(line)["id"] for line in done.stdout.splitlines()]
    assert ids == ["a", "b", "2", "a-again", "4"]
    assert "HiGHS" not in done.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--workers", "0"], "--workers: must be a whole number ≥ 1 (got '0')"),
        (["--chunksize", "two"], "--chunksize: must be a whole number ≥ 1 (got 'two')"),
    ],
)
def test_bad_options_name_the_option(
    requests_file: Path,
    arguments: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["batch", str(requests_file), *arguments])
    assert caught.value.code == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


def test_a_missing_input_and_a_folder_as_output_are_refused(
    tmp_path: Path, requests_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", str(tmp_path / "nowhere.jsonl")]) == EXIT_BAD_INPUT
    assert "nowhere.jsonl: No such file or directory" in capsys.readouterr().err
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(["batch", str(requests_file), "--out", str(folder)]) == EXIT_BAD_INPUT
    assert "is a folder, not a regular file" in capsys.readouterr().err


def test_an_input_that_is_not_utf8_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "caf\xe9"}\n')
    assert main(["batch", str(path)]) == EXIT_BAD_INPUT
    assert "not UTF-8 text" in capsys.readouterr().err


def test_an_earlier_results_file_stays_whole_when_the_batch_fails(
    requests_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure halfway through (here, the third result) leaves the old file as it was."""
    out = tmp_path / "results.jsonl"
    out.write_text("old results\n")
    from mealplan import batch

    plan_one = batch._plan_one
    calls: list[str] = []

    def failing(planner: object, key: str) -> PlanResult:
        calls.append(key)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return plan_one(planner, key)

    monkeypatch.setattr(batch, "_plan_one", failing)
    with pytest.raises(KeyboardInterrupt):
        main(["batch", str(requests_file), "--out", str(out)])
    assert out.read_text() == "old results\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["requests.jsonl", "results.jsonl"]
