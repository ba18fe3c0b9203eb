"""Issue #15: ``import mealplan`` and the command's parser load no heavy dependency.

Each check runs in a fresh interpreter, since this test session has long since imported
pandas and the solvers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

import mealplan

#: What ``import mealplan`` and ``mealplan --help`` must leave unloaded.
HEAVY = ("pandas", "numpy", "pulp", "highspy", "requests")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def loaded_after(code: str) -> list[str]:
    """The heavy modules loaded once ``code`` has run in a fresh interpreter."""
    probe = (
        "import sys\n"
        f"{code}\n"
        f"print('\\n' + __import__('json').dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = run_python(probe)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_import_mealplan_loads_no_heavy_dependency() -> None:
    assert loaded_after("import mealplan") == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The check above could pass by looking in the wrong place; it does see pandas here."""
    assert "pandas" in loaded_after("import mealplan\nmealplan.FoodCatalog")


def test_errors_and_vocabulary_stay_light() -> None:
    loaded = loaded_after("import mealplan.errors, mealplan.domain.vocabulary")
    assert loaded == []


def test_help_loads_no_heavy_dependency() -> None:
    code = (
        "from mealplan.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code"
    )
    assert loaded_after(code) == []


@pytest.mark.parametrize(
    "command", ["week", "day", "swap", "targets", "foods", "cache", "schema", "completion"]
)
def test_subcommand_help_loads_no_heavy_dependency(command: str) -> None:
    code = (
        "from mealplan.cli import main\n"
        "try:\n"
        f"    main([{command!r}, '--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code"
    )
    assert loaded_after(code) == []


def test_help_and_version_leave_shtab_and_pydantic_unloaded() -> None:
    """shtab is read by ``mealplan completion`` only; the models by the commands that use them."""
    for argv in (["--help"], ["--version"]):
        code = (
            "import sys\n"
            "from mealplan.cli import main\n"
            "try:\n"
            f"    main({argv!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            "print('\\n' + repr(sorted(m for m in ('shtab', 'pydantic') if m in sys.modules)))"
        )
        done = run_python(code)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "[]", argv


def test_python_m_mealplan_help_loads_no_heavy_dependency() -> None:
    """``python -m mealplan --help``, through the package's ``__main__`` as ``-m`` runs it."""
    code = (
        "import runpy\n"
        "sys.argv = ['mealplan', '--help']\n"
        "try:\n"
        "    runpy.run_module('mealplan', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code"
    )
    assert loaded_after(code) == []


def test_python_m_mealplan_help_runs_and_lists_the_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mealplan", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("week", "day", "swap", "targets", "foods", "cache"):
        assert command in done.stdout


def test_public_names_resolve_lazily() -> None:
    from mealplan.planner import Planner

    assert mealplan.Planner is Planner
    assert mealplan.WeekPlan.__name__ == "WeekPlan"


def test_every_name_in_all_resolves() -> None:
    assert sorted(mealplan._LAZY) == sorted(mealplan.__all__)  # one entry per public name
    for name in mealplan.__all__:
        assert getattr(mealplan, name) is not None, name


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from mealplan import *", namespace)
    assert set(mealplan.__all__) <= set(namespace)
    assert namespace["Planner"] is mealplan.Planner


def test_star_import_in_a_fresh_interpreter() -> None:
    done = run_python("from mealplan import *\nprint(Planner.__name__, verify.__name__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Planner", "verify"]


def test_unknown_attribute_names_itself() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = mealplan.no_such_name  # type: ignore[attr-defined]


def test_dir_lists_the_public_names() -> None:
    assert set(mealplan.__all__) <= set(dir(mealplan))


def test_verify_stays_the_function_after_its_module_is_imported() -> None:
    """``mealplan.verify`` is both a submodule and a public function; the function wins even
    when something (the planner) imports the submodule before the name is first used."""
    done = run_python(
        "import sys, types, mealplan, mealplan.planner, mealplan.verify\n"
        "assert not isinstance(mealplan.verify, types.ModuleType), mealplan.verify\n"
        "assert mealplan.verify is sys.modules['mealplan.verify'].verify\n"
    )
    assert done.returncode == 0, done.stderr
    assert callable(mealplan.verify)
    assert not isinstance(mealplan.verify, types.ModuleType)
