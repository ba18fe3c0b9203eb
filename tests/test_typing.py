"""The package type-checks under ``mypy --strict``: the check a developer runs, as a test.

mypy runs with the project's configuration (``[tool.mypy]`` in ``pyproject.toml``: strict, the
whole of ``src/mealplan``) from the interpreter running the tests, which the test extra gives
mypy and the stubs it needs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_reports_no_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
