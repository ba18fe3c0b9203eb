"""Shared fixtures. Tests that read the real FDC material in ../shared go through ``fdc_shared``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_fdc import FakeFdc, FdcData
from mealplan.cache import FoodCache
from mealplan.catalog import FoodCatalog

#: ``../shared`` beside the project root: real FDC files for the tests (absent in a user's clone).
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def require_shared(part: str = "fdc") -> Path:
    """``../shared/<part>`` (``fdc`` or ``fndds``); skip when absent, or fail under
    MEALPLAN_REQUIRE_SHARED=1."""
    folder = SHARED / part
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


@pytest.fixture(scope="session")
def fake_fdc_data() -> FdcData:
    """The recorded FDC responses the fake server answers with, read once per session."""
    return FdcData.load(require_shared())


@pytest.fixture
def fake_fdc(fake_fdc_data: FdcData) -> Iterator[FakeFdc]:
    """A running fake FDC server on 127.0.0.1, fresh (no requests, no faults) for each test."""
    fake = FakeFdc(fake_fdc_data).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def tmp_cache(tmp_path: Path) -> FoodCache:
    """An empty user cache without the starter pack, so every food is a miss at first."""
    return FoodCache(tmp_path / "cache", starter=False)


@pytest.fixture(autouse=True)
def _isolated_user_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user cache, nor depends on the caller's offline flag."""
    monkeypatch.setenv("MEALPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("user_cache")))
    monkeypatch.delenv("MEALPLAN_OFFLINE", raising=False)
    monkeypatch.delenv("FDC_API_KEY", raising=False)


@pytest.fixture(scope="session")
def curated_catalog() -> FoodCatalog:
    """The curated everyday catalogue (loaded once: it is immutable)."""
    return FoodCatalog.curated()
