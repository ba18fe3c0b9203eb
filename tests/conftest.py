"""Shared fixtures. Tests that read the real FDC material in ../shared go through ``fdc_shared``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: ``../shared`` beside the project root: real FDC files for the tests (absent in a user's clone).
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def require_shared() -> Path:
    """``../shared/fdc``; skip when absent, or fail under MEALPLAN_REQUIRE_SHARED=1."""
    folder = SHARED / "fdc"
    if folder.is_dir():
        return folder
    reason = (
        f"{folder} is absent (a user's clone has no ../shared); "
        "set MEALPLAN_REQUIRE_SHARED=1 to make this an error"
    )
    if os.environ.get("MEALPLAN_REQUIRE_SHARED") == "1":
        pytest.fail(f"MEALPLAN_REQUIRE_SHARED=1 but {folder} is absent")
    pytest.skip(reason)


@pytest.fixture
def fdc_shared() -> Path:
    """The real FDC material (recorded API responses, bulk downloads, nutrient lists)."""
    return require_shared()
