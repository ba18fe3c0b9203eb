"""Issue #15: the command's conventions: --version, errors on stderr, shell completion, no
colour, and ``mealplan schema``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import mealplan
from mealplan._version import package_version
from mealplan.cli import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, _schema, main
from mealplan.domain.diagnosis import Diagnosis
from mealplan.domain.plan import DayPlan, WeekPlan

ROOT = Path(__file__).resolve().parents[1]
SUBCOMMANDS = ("cache", "foods", "targets", "week", "day", "swap", "schema", "completion")


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mealplan", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


# -- version ----------------------------------------------------------------------------------
def test_package_version_matches_pyproject() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    assert mealplan.__version__ == declared
    assert package_version() == declared


def test_version_prints_the_program_and_version_on_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    out, err = capsys.readouterr()
    assert out == f"mealplan {mealplan.__version__}\n"
    assert err == ""


def test_version_falls_back_to_the_package_when_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    monkeypatch.setattr(mealplan, "__version__", "9.8.7")
    assert package_version() == "9.8.7"


def test_version_in_a_fresh_process() -> None:
    done = run_command("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"mealplan {mealplan.__version__}"


# -- errors on stderr -------------------------------------------------------------------------
def test_a_bad_argument_is_reported_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["targets", "--age", "thirty", "--sex", "female"])
    assert exit.value.code == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert "--age" in err and "thirty" in err


def test_an_unknown_command_is_reported_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["cook"])
    assert exit.value.code == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert "cook" in err


def test_a_mealplan_error_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file, not a folder", encoding="utf-8")
    code = main(["cache", "--cache-dir", str(not_a_folder), "stats"])
    assert code == EXIT_FAILURE
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("mealplan: ")
    assert str(not_a_folder) in err
    assert err.count("\n") == 1


def test_a_bad_value_found_by_a_handler_is_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--age", "400", "--sex", "female"]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("mealplan: --age")


# -- completion -------------------------------------------------------------------------------
@pytest.mark.parametrize("shell", ["bash", "zsh", "tcsh"])
def test_completion_script_offers_every_subcommand(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["completion", shell]) == EXIT_OK
    script = capsys.readouterr().out
    assert "mealplan" in script
    for command in SUBCOMMANDS:
        assert command in script, (shell, command)


def test_bash_completion_offers_options_and_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == EXIT_OK
    script = capsys.readouterr().out
    assert "complete" in script  # the bash builtin that registers the function
    assert "--exclude-allergen" in script
    assert "vegetarian" in script  # a --diet choice


def test_bash_completion_script_is_valid_bash(tmp_path: Path) -> None:
    done = run_command("completion", "bash")
    assert done.returncode == 0, done.stderr
    script = tmp_path / "mealplan.bash"
    script.write_text(done.stdout, encoding="utf-8")
    bash = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert bash.returncode == 0, bash.stderr


def test_an_unknown_shell_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["completion", "cmd.exe"])
    assert exit.value.code == EXIT_BAD_INPUT
    assert capsys.readouterr().out == ""


# -- colour -----------------------------------------------------------------------------------
def without_no_color() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env["TERM"] = "xterm-256color"  # a terminal that could show colour, were any sent
    env.pop("MEALPLAN_CACHE_DIR", None)
    return env


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("week", "--help"),
        ("day", "--help"),
        ("targets", "--age", "34", "--sex", "female"),
        ("targets", "--age", "34", "--sex", "female", "--cramp"),
        ("targets", "--age", "400", "--sex", "female"),  # an error
        ("schema", "plan"),
    ],
)
def test_no_output_carries_an_escape_code_without_no_color(args: tuple[str, ...]) -> None:
    done = run_command(*args, env=without_no_color())
    assert done.stdout or done.stderr
    assert "\x1b" not in done.stdout
    assert "\x1b" not in done.stderr


def test_help_says_no_colour_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "NO_COLOR" in capsys.readouterr().out


# -- schema -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "model"), [("plan", WeekPlan), ("day", DayPlan)])
def test_schema_prints_the_models_json_schema(
    name: str, model: type[WeekPlan] | type[DayPlan], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", name]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed == model.model_json_schema()
    assert printed["title"] == model.__name__
    assert (
        "days" in printed["properties"] if model is WeekPlan else "meals" in printed["properties"]
    )


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_problems(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> list[str]:
    """Where ``value`` breaks ``schema``: a small checker for the keywords pydantic emits
    ($ref, anyOf, type, enum, const, properties, required, items, additionalProperties)."""
    if "$ref" in schema:
        return schema_problems(value, root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root)
    if "anyOf" in schema:
        options = [schema_problems(value, option, root) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else min(options, key=len)
    problems = _scalar_problems(value, schema)
    if isinstance(value, dict) and not problems:
        problems += _object_problems(value, schema, root)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            problems += [f"[{i}].{p}" for p in schema_problems(item, schema["items"], root)]
    return problems


def _scalar_problems(value: Any, schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str) and (
        not isinstance(value, _JSON_TYPES[kind])
        or (isinstance(value, bool) and kind in ("integer", "number"))
    ):
        return [f"{value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{value!r} not in {schema['enum']}"]
    if "const" in schema and value != schema["const"]:
        return [f"{value!r} != {schema['const']!r}"]
    return []


def _object_problems(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any]
) -> list[str]:
    properties: dict[str, Any] = schema.get("properties", {})
    problems = [f"missing {key}" for key in schema.get("required", ()) if key not in value]
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        if key in properties:
            problems += [f"{key}.{p}" for p in schema_problems(item, properties[key], root)]
        elif isinstance(extra, dict):
            problems += [f"{key}.{p}" for p in schema_problems(item, extra, root)]
        elif properties:
            problems.append(f"{key} is not in the schema")
    return problems


def test_the_checker_finds_a_broken_plan() -> None:
    schema = DayPlan.model_json_schema()
    assert "missing totals" in schema_problems({"meals": []}, schema, schema)
    assert schema_problems({"meals": "none"}, schema, schema) != []
    assert schema_problems({"meals": [{"name": 3}]}, schema, schema) != []


def test_a_planned_day_matches_the_day_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """The schema describes what ``mealplan day --format json`` really prints, nested
    objects included."""
    person = ["--age", "34", "--sex", "female", "--meals", "breakfast,lunch,dinner"]
    assert main(["day", *person, "--format", "json"]) == EXIT_OK
    planned = json.loads(capsys.readouterr().out)
    assert main(["schema", "day"]) == EXIT_OK
    schema = json.loads(capsys.readouterr().out)
    assert schema_problems(planned, schema, schema) == []


def test_an_unknown_schema_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["schema", "pizza"])
    assert exit.value.code == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert "pizza" in err


def test_a_schema_is_added_by_one_entry_in_the_mapping(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        _schema, "SCHEMAS", {**_schema.SCHEMAS, "diagnosis": "mealplan.domain.diagnosis:Diagnosis"}
    )
    assert main(["schema", "diagnosis"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == Diagnosis.model_json_schema()


def test_every_schema_names_a_model_that_exists() -> None:
    for name in _schema.SCHEMAS:
        assert hasattr(_schema.model_for(name), "model_json_schema"), name
