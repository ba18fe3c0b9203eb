"""FoodCache with damaged and odd entries and folders (issue #10, item 8): misses, never crashes.

Nothing here relies on running as root or not: the read-only case drops to an unprivileged
user (uid/gid 65534) in a subprocess when the tests run as root, and uses permission bits
otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_fdc import FakeFdc
from mealplan import FdcClient
from mealplan.cache import STALE_TEMP_SECONDS, FoodCache
from mealplan.errors import CacheError
from mealplan.models import FOOD_SCHEMA_VERSION, Food, NutrientValue

SECRET = "s3cret-key-4711"


def _food(fdc_id: int) -> Food:
    return Food(
        fdc_id=fdc_id,
        description=f"Test food {fdc_id}",
        data_type="SR Legacy",
        nutrients={"calcium": NutrientValue(amount=120.0, unit="mg", nutrient_id=1087)},
    )


def _foods_folder(root: Path) -> Path:
    return root / f"v{FOOD_SCHEMA_VERSION}" / "foods"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "mealplan.cache"
    ]


# -- odd entries ----------------------------------------------------------------------------------
@pytest.mark.parametrize("offline", [False, True])
def test_deeply_nested_entry_is_a_miss_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, offline: bool
) -> None:
    cache = FoodCache(tmp_path, starter=False, offline=offline)
    cache.put(_food(7))
    entry = _foods_folder(tmp_path) / "7.json"
    entry.write_bytes(b"[" * 100_000)
    with caplog.at_level(logging.WARNING):
        assert cache.get(7) is None
        assert list(cache.iter_foods()) == []
    (warning, *_) = _warnings(caplog)
    assert "7.json" in warning and "nested too deep" in warning
    assert entry.exists() is offline  # removed online to be fetched again, as any damaged entry


def test_entry_that_is_a_folder_is_a_miss_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = FoodCache(tmp_path, starter=False)
    entry = _foods_folder(tmp_path) / "7.json"
    entry.mkdir(parents=True)
    with caplog.at_level(logging.WARNING):
        assert cache.get(7) is None
        assert 7 not in cache
    assert any("7.json" in w and "folder" in w for w in _warnings(caplog))
    assert entry.is_dir()  # left alone: not ours to delete
    # Storing the food cannot replace a folder: warned, not raised, by try_put.
    with caplog.at_level(logging.WARNING):
        assert cache.try_put(_food(7)) is False
    with pytest.raises(CacheError, match=r"7\.json"):
        cache.put(_food(7))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this OS has no named pipes (os.mkfifo)")
def test_entry_that_is_a_fifo_does_not_block(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = FoodCache(tmp_path, starter=False)
    entry = _foods_folder(tmp_path) / "7.json"
    entry.parent.mkdir(parents=True)
    os.mkfifo(entry)
    results: list[object] = []
    reader = threading.Thread(target=lambda: results.append(cache.get(7)), daemon=True)
    with caplog.at_level(logging.WARNING):
        reader.start()
        reader.join(timeout=5)
    try:
        assert not reader.is_alive(), "FoodCache.get blocked on a FIFO"
    finally:
        if reader.is_alive():  # release the blocked reader so that it does not outlive the test
            fd = os.open(entry, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
            reader.join(timeout=5)
    assert results == [None]
    assert any("7.json" in w and "not a regular file" in w for w in _warnings(caplog))
    assert stat.S_ISFIFO(os.lstat(entry).st_mode)


def test_symlinked_entry_file_is_not_followed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = FoodCache(tmp_path / "elsewhere", starter=False)
    elsewhere.put(_food(7))
    cache = FoodCache(tmp_path / "cache", starter=False)
    entry = _foods_folder(cache.path) / "7.json"
    entry.parent.mkdir(parents=True)
    entry.symlink_to(_foods_folder(elsewhere.path) / "7.json")
    with caplog.at_level(logging.WARNING):
        assert cache.get(7) is None
    assert any("7.json" in w for w in _warnings(caplog))


# -- the cache folder -----------------------------------------------------------------------------
def test_cache_dir_env_naming_a_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    monkeypatch.setenv("MEALPLAN_CACHE_DIR", str(a_file))
    with pytest.raises(CacheError) as caught:
        FoodCache(starter=False)
    assert str(a_file) in str(caught.value)
    assert "MEALPLAN_CACHE_DIR" in str(caught.value)
    assert caught.value.path == str(a_file)
    with pytest.raises(CacheError, match="MEALPLAN_CACHE_DIR"):
        FdcClient("k")  # the client's default cache says the same
    monkeypatch.setenv("MEALPLAN_CACHE_DIR", str(a_file / "below"))
    with pytest.raises(CacheError, match="below"):
        FoodCache(starter=False)
    monkeypatch.delenv("MEALPLAN_CACHE_DIR")
    with pytest.raises(CacheError) as explicit:
        FoodCache(a_file, starter=False)
    assert "MEALPLAN_CACHE_DIR (" not in str(explicit.value)
    assert FoodCache(tmp_path / "not-yet", starter=False).get(1) is None  # absent is fine


def test_a_folder_inside_the_cache_that_is_a_file_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = FoodCache(tmp_path, starter=False)
    (tmp_path / f"v{FOOD_SCHEMA_VERSION}").write_text("in the way")
    with caplog.at_level(logging.WARNING):
        assert cache.get(1) is None
        assert [cache.try_put(_food(i)) for i in (1, 2, 3)] == [False, False, False]
    write_warnings = [w for w in _warnings(caplog) if "not cached" in w]
    assert len(write_warnings) == 1
    with pytest.raises(CacheError):
        cache.put(_food(1))


_READ_ONLY_RUN = textwrap.dedent(
    """
    import json, logging, os, sys, tempfile
    from mealplan import FdcClient
    from mealplan.cache import FoodCache

    if sys.argv[3] == "drop":
        # The interpreter lives under /root, which uid 65534 cannot enter: start as root, load
        # every module a request and a cache write import (lazily), then drop to 65534 before
        # the read-only cache is touched.
        with tempfile.TemporaryDirectory() as scratch:
            warm = FoodCache(scratch, starter=False)
            FdcClient("warm-up", base_url=sys.argv[1], cache=warm).get_foods([2262077])
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    records = []
    class Keep(logging.Handler):
        def emit(self, record):
            records.append((record.name, record.levelname, record.getMessage()))
    logging.getLogger().addHandler(Keep())
    logging.getLogger().setLevel(logging.DEBUG)

    cache = FoodCache(sys.argv[2], starter=False)
    client = FdcClient(base_url=sys.argv[1], cache=cache, max_attempts=1)
    first = client.get_food(169901)
    second = client.get_foods([170720, 787522])
    print(json.dumps({
        "uid": os.geteuid(),
        "descriptions": [first.description] + [f.description for f in second.foods],
        "records": records,
    }))
    """
)


@pytest.fixture
def world_readable_dir() -> Iterator[Path]:
    """A fresh folder an unprivileged user can reach (pytest's tmp_path is private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="mealplan-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.shared
def test_read_only_cache_warns_once_and_the_client_returns_the_food(
    fake_fdc: FakeFdc, world_readable_dir: Path
) -> None:
    cache_dir = world_readable_dir / "cache"
    _foods_folder(cache_dir).mkdir(parents=True)
    for path in [cache_dir, *cache_dir.rglob("*")]:
        path.chmod(0o555)
    drop = "drop" if hasattr(os, "geteuid") and os.geteuid() == 0 else "chmod"
    done = subprocess.run(
        [sys.executable, "-c", _READ_ONLY_RUN, fake_fdc.base_url, str(cache_dir), drop],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "FDC_API_KEY": SECRET},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["uid"] != 0
    assert result["descriptions"] == [
        "Cheese, american cheddar, imitation",
        "McDONALD'S, BIG MAC",
        "Carrots, raw",
    ]
    cache_warnings = [
        message
        for name, level, message in result["records"]
        if name == "mealplan.cache" and level == "WARNING"
    ]
    assert len(cache_warnings) == 1, cache_warnings  # three foods, one warning
    assert str(cache_dir) in cache_warnings[0] and "not cached" in cache_warnings[0]
    assert SECRET not in done.stdout and SECRET not in done.stderr
    assert [p for p in cache_dir.rglob("*") if p.is_file()] == []
    assert sum(r.headers.get("X-Api-Key") == SECRET for r in fake_fdc.requests) == 2


def test_symlinked_foods_folder_is_never_written_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    planted = FoodCache(tmp_path / "planted", starter=False)
    planted.put(_food(5))
    shutil.copy(_foods_folder(planted.path) / "5.json", target / "5.json")
    cache = FoodCache(tmp_path / "cache", starter=False)
    foods = _foods_folder(cache.path)
    foods.parent.mkdir(parents=True)
    foods.symlink_to(target, target_is_directory=True)

    with pytest.raises(CacheError) as caught:
        cache.put(_food(1))
    assert str(foods) in str(caught.value) and "symbolic link" in str(caught.value)
    with caplog.at_level(logging.WARNING):
        assert cache.try_put(_food(2), raw={"fdcId": 2}) is False
        assert cache.try_put(_food(3)) is False
        assert cache.get(5) is None  # nor read through
    assert sorted(p.name for p in target.iterdir()) == ["5.json"]  # nothing written into it
    assert len([w for w in _warnings(caplog) if "not cached" in w]) == 1
    assert any("symbolic link" in w for w in _warnings(caplog))


def test_symlinked_schema_folder_is_refused_too(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    cache = FoodCache(tmp_path / "cache", starter=False)
    cache.path.mkdir()
    (cache.path / f"v{FOOD_SCHEMA_VERSION}").symlink_to(target, target_is_directory=True)
    assert cache.try_put(_food(1)) is False
    assert list(target.rglob("*")) == []


def test_the_cache_folder_itself_may_be_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    cache = FoodCache(tmp_path / "link", starter=False)
    cache.put(_food(1))
    assert cache.get(1) == _food(1)
    assert (_foods_folder(real) / "1.json").is_file()


# -- stale temporary files ------------------------------------------------------------------------
def test_stale_temp_files_are_swept_on_first_use_and_fresh_ones_kept(tmp_path: Path) -> None:
    FoodCache(tmp_path, starter=False).put(_food(1), raw={"fdcId": 1})
    foods = _foods_folder(tmp_path)
    raw = foods.parent / "raw"
    old = time.time() - STALE_TEMP_SECONDS - 60
    stale = [foods / ".tmp-dead1", raw / ".tmp-dead2"]
    fresh = [foods / ".tmp-busy", raw / ".tmp-recent"]
    for path in stale + fresh:
        path.write_bytes(b"half an entry")
    for path in stale:
        os.utime(path, (old, old))
    os.utime(fresh[1], (time.time() - STALE_TEMP_SECONDS + 120,) * 2)  # 58 min old: kept
    old_folder = foods / ".tmp-folder"  # not a temp file of ours: left alone
    old_folder.mkdir()
    os.utime(old_folder, (old, old))

    cache = FoodCache(tmp_path, starter=False)
    assert cache.stats().stray_temp_files == 4  # opening alone changes nothing
    assert cache.get(1) == _food(1)  # first use
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in fresh)
    assert old_folder.is_dir()
    assert cache.stats().stray_temp_files == 2
    assert cache.get_raw(1) == {"fdcId": 1}
