"""FoodCache: round trips, atomic writes under kill -9, corruption, schema versions, packs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mealplan.cache import FoodCache, read_pack, write_pack
from mealplan.models import FOOD_SCHEMA_VERSION, Food, NutrientValue, Portion


def _food(fdc_id: int, calcium: float = 120.0, padding: int = 0) -> Food:
    return Food(
        fdc_id=fdc_id,
        description=f"Test food {fdc_id}" + " x" * padding,
        data_type="SR Legacy",
        category="Dairy and Egg Products",
        nutrients={"calcium": NutrientValue(amount=calcium, unit="mg", nutrient_id=1087)},
        energy_source=None,
        portions=[Portion(description="1 cup", gram_weight=244.0)],
    )


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    cache = FoodCache(tmp_path, starter=False)
    food = _food(171265)
    cache.put(food, raw={"fdcId": 171265, "description": "raw body"})
    assert cache.get(171265) == food
    assert cache.get_raw(171265) == {"fdcId": 171265, "description": "raw body"}
    assert cache.get(1) is None
    assert 171265 in cache
    assert cache.user_food_ids() == [171265]


def test_entries_are_versioned_and_checksummed(tmp_path: Path) -> None:
    cache = FoodCache(tmp_path, starter=False)
    cache.put(_food(5))
    (entry,) = (tmp_path / f"v{FOOD_SCHEMA_VERSION}" / "foods").glob("*.json")
    body = json.loads(entry.read_bytes())
    assert body["schema"] == FOOD_SCHEMA_VERSION
    assert len(body["sha256"]) == 64


@pytest.mark.parametrize(
    "damage",
    ["truncate", "garbage", "tamper", "other_schema", "empty"],
)
def test_damaged_entry_is_a_miss_and_is_removed_online(tmp_path: Path, damage: str) -> None:
    cache = FoodCache(tmp_path, starter=False, offline=False)
    cache.put(_food(7))
    (entry,) = (tmp_path / f"v{FOOD_SCHEMA_VERSION}" / "foods").glob("*.json")
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        entry.write_bytes(b"\x00\xff not json")
    elif damage == "tamper":
        entry.write_bytes(data.replace(b"120.0", b"999.0"))
    elif damage == "other_schema":
        body = json.loads(data)
        body["schema"] = FOOD_SCHEMA_VERSION + 1
        entry.write_text(json.dumps(body))
    else:
        entry.write_bytes(b"")
    assert cache.get(7) is None
    assert not entry.exists(), "a damaged entry is removed so that it is fetched again"


def test_damaged_entry_offline_is_reported_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = FoodCache(tmp_path, starter=False, offline=True)
    cache.put(_food(8))
    cache.put(_food(9))
    (tmp_path / f"v{FOOD_SCHEMA_VERSION}" / "foods" / "8.json").write_bytes(b'{"schema": 1, "ki')
    with caplog.at_level("WARNING"):
        foods = list(cache.iter_foods())
    assert [f.fdc_id for f in foods] == [9]
    assert "8.json" in caplog.text


def test_offline_flag_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEALPLAN_OFFLINE", "1")
    assert FoodCache(tmp_path, starter=False).offline is True
    monkeypatch.setenv("MEALPLAN_OFFLINE", "0")
    assert FoodCache(tmp_path, starter=False).offline is False
    assert FoodCache(tmp_path, starter=False, offline=True).offline is True


def test_default_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEALPLAN_CACHE_DIR", str(tmp_path / "here"))
    cache = FoodCache(starter=False)
    assert cache.path == tmp_path / "here"
    cache.put(_food(3))
    assert (tmp_path / "here").is_dir()


def test_stats_and_clear(tmp_path: Path) -> None:
    cache = FoodCache(tmp_path, starter=False)
    for fdc_id in (1, 2, 3):
        cache.put(_food(fdc_id), raw={"fdcId": fdc_id})
    stats = cache.stats()
    assert (stats.foods, stats.raw_responses, stats.stray_temp_files) == (3, 3, 0)
    assert stats.bytes > 0
    assert cache.clear() == 3
    assert cache.stats().foods == 0
    assert cache.get(1) is None


def test_pack_is_byte_identical_and_read_under_the_user_cache(tmp_path: Path) -> None:
    foods = [_food(i, calcium=float(i)) for i in (30, 10, 20)]
    first = write_pack(tmp_path / "a", foods, {"release": "test release"})
    second = write_pack(tmp_path / "b", list(reversed(foods)), {"release": "test release"})
    for name in ("foods.jsonl.gz", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first == second
    manifest, records = read_pack(tmp_path / "a")
    assert manifest["foods"] == 3
    assert sorted(records) == [10, 20, 30]

    cache = FoodCache(tmp_path / "user", starter=tmp_path / "a")
    assert cache.get(20) == foods[2]
    assert cache.stats().starter_foods == 3
    assert cache.stats().starter_release == "test release"
    cache.put(_food(20, calcium=999.0))
    assert cache.get(20).amount("calcium") == 999.0, "the user cache wins over the pack"
    assert [f.fdc_id for f in cache.iter_foods()] == [10, 20, 30]


_WRITER = textwrap.dedent(
    """
    import sys
    from mealplan.cache import FoodCache
    from mealplan.models import Food, NutrientValue
    cache = FoodCache(sys.argv[1], starter=False)
    print("ready", flush=True)
    i = 0
    while True:
        fdc_id = i % 50
        food = Food(
            fdc_id=fdc_id,
            description="x" * 200_000 + str(i),
            data_type="SR Legacy",
            nutrients={"calcium": NutrientValue(amount=float(i), unit="mg", nutrient_id=1087)},
        )
        cache.put(food, raw={"fdcId": fdc_id, "blob": "y" * 200_000})
        i += 1
    """
)


def _start_writer(cache_dir: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(cache_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_kill_during_writes_leaves_a_readable_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    for delay in (0.3, 0.55, 0.8):
        process = _start_writer(cache_dir)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        cache = FoodCache(cache_dir, starter=False, offline=True)
        ids = cache.user_food_ids()
        assert ids, "the writer wrote something before it was killed"
        for fdc_id in ids:
            food = cache.get(fdc_id)
            assert food is not None, f"entry {fdc_id} unreadable after kill -9"
            assert food.description.startswith("x" * 1000)
            assert cache.get_raw(fdc_id) is None or cache.get_raw(fdc_id)["fdcId"] == fdc_id


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    writers = [_start_writer(cache_dir) for _ in range(3)]
    time.sleep(1.0)
    for process in writers:
        process.kill()
        process.wait(timeout=10)
    cache = FoodCache(cache_dir, starter=False, offline=True)
    ids = cache.user_food_ids()
    assert ids
    assert all(cache.get(fdc_id) is not None for fdc_id in ids)
