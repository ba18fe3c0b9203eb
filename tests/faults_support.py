"""What the fault tests share: the CLI as a real process, and a small catalogue that plans.

The CLI runs as ``python -m mealplan`` in a child process, so exit codes, streams and signals
are the ones a user sees. Every run has a timeout: a regression that blocks (a FIFO opened for
writing) fails the test instead of hanging it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from mealplan import Planner, Preferences, Targets
from mealplan.catalog import FoodCatalog
from mealplan.domain.plan import DayPlan

PERSON = ["--age", "34", "--sex", "female"]

#: A name a spreadsheet would run as a formula.
FORMULA_NAME = '=HYPERLINK("x")'
#: A serving text a spreadsheet would run as a formula too.
FORMULA_SERVING = "@SUM(1+1)"


def run_cli(
    *args: str,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """``mealplan ARGS`` in a child process; stdout and stderr captured as text."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs.setdefault("capture_output", True)
    return subprocess.run(
        [sys.executable, "-m", "mealplan", *args],
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
        **kwargs,
    )


def one_line(stderr: str) -> str:
    """The single line of an error report (and no traceback)."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("mealplan: "), stderr
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> content), to compare before and after."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def formula_catalog() -> FoodCatalog:
    """Four foods from a frame; the only source of zinc is named like a spreadsheet formula."""
    frame = pd.DataFrame(
        {
            "id": ["oats", "milk", "beans", "evil"],
            "name": ["Oats", "Milk", "Beans", FORMULA_NAME],
            "serving": ["1 bowl", "1 glass", "1 cup", FORMULA_SERVING],
            "price": [0.30, 0.45, 0.40, 0.50],
            "energy": [150.0, 120.0, 220.0, 100.0],
            "protein": [5.0, 8.0, 15.0, 2.0],
            "zinc": [0.0, 0.0, 0.0, 3.0],
        }
    )
    return FoodCatalog.from_frame(frame, serving_text_column="serving", cost_column="price")


def formula_plan() -> DayPlan:
    """A day from :func:`formula_catalog` that must contain the formula-named food."""
    targets = Targets(minimums={"energy": 1500, "protein": 40, "zinc": 8})
    return Planner(formula_catalog()).plan_day(targets, Preferences(meals=None), objective="cost")
