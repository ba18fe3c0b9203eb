"""Bulk imports: FDC's Foundation JSON and CSV zips, SR Legacy CSV tables with SR28 values."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from mealplan.cache import FoodCache
from mealplan.errors import BulkImportError
from mealplan.fdc import bulk
from mealplan.fdc.bulk import BulkReader, import_bulk, iter_json_array

FOUNDATION_JSON = "FoodData_Central_foundation_food_json_2024-10-31.zip"
FOUNDATION_CSV = "FoodData_Central_foundation_food_csv_2024-10-31.zip"
SR_LEGACY_CSV = "sr_legacy_food_csv_2018-04_without_food_nutrient"
SR28_ZIP = "sr28asc_reassembled.zip"
TARGETS = {"calcium": 1087, "magnesium": 1090, "potassium": 1092}


def _raw_foundation_json(path: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(path) as archive:
        (name,) = archive.namelist()
        return json.loads(archive.read(name))["FoundationFoods"]


def _raw_amounts(raw: dict[str, Any]) -> dict[int, float]:
    return {
        item["nutrient"]["id"]: float(item["amount"])
        for item in raw["foodNutrients"]
        if "amount" in item
    }


def test_cli_imports_all_316_foundation_foods_with_the_bulk_values(
    fdc_shared: Path, tmp_path: Path
) -> None:
    source = fdc_shared / "bulk" / FOUNDATION_JSON
    cache_dir = tmp_path / "cache"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mealplan",
            "cache",
            "--cache-dir",
            str(cache_dir),
            "import",
            str(source),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["imported"] == 316
    assert report["skipped"] == {}
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal

    cache = FoodCache(cache_dir, starter=False, offline=True)
    raw_foods = _raw_foundation_json(source)
    assert len(raw_foods) == 316
    compared = 0
    for raw in raw_foods:
        food = cache.get(raw["fdcId"])
        assert food is not None, raw["fdcId"]
        amounts = _raw_amounts(raw)
        for key, nutrient_id in TARGETS.items():
            if nutrient_id in amounts:
                assert food.amount(key) == pytest.approx(amounts[nutrient_id]), (raw["fdcId"], key)
                compared += 1
            else:
                assert food.amount(key) is None
    assert compared >= 900


def test_csv_zip_gives_the_same_values_as_the_json_zip(fdc_shared: Path) -> None:
    from_json = {f.fdc_id: f for f in BulkReader(fdc_shared / "bulk" / FOUNDATION_JSON)}
    from_csv = {f.fdc_id: f for f in BulkReader(fdc_shared / "bulk" / FOUNDATION_CSV)}
    assert set(from_json) == set(from_csv)
    assert len(from_csv) == 316
    for fdc_id, food in from_json.items():
        other = from_csv[fdc_id]
        assert other.description == food.description
        assert other.category == food.category
        for key in (*TARGETS, "vitamin_d", "vitamin_b12"):
            # The JSON download rounds (4.656 → 4.66, 0.0212 → 0.021); the CSV keeps the lab
            # value. Same value, each file's own precision: within half a unit of the third
            # significant figure or of the third decimal.
            expected = food.amount(key)
            if expected is None:
                assert other.amount(key) is None, (fdc_id, key)
            else:
                assert other.amount(key) == pytest.approx(expected, rel=5e-3, abs=5e-4), (
                    fdc_id,
                    key,
                )


def test_csv_values_equal_the_csv_rows(fdc_shared: Path) -> None:
    path = fdc_shared / "bulk" / FOUNDATION_CSV
    with zipfile.ZipFile(path) as archive:
        member = next(n for n in archive.namelist() if n.endswith("/food_nutrient.csv"))
        rows = csv.DictReader(io.TextIOWrapper(archive.open(member), encoding="utf-8"))
        expected = {
            (int(r["fdc_id"]), int(r["nutrient_id"])): float(r["amount"])
            for r in rows
            if r["nutrient_id"] in ("1087", "1090", "1092")
        }
    foods = list(BulkReader(path))
    for food in foods:
        for key, nutrient_id in TARGETS.items():
            if (food.fdc_id, nutrient_id) in expected:
                assert food.amount(key) == expected[(food.fdc_id, nutrient_id)]


def test_sr_legacy_tables_with_sr28_values(fdc_shared: Path) -> None:
    reader = BulkReader(
        fdc_shared / "bulk" / SR_LEGACY_CSV, values_from=fdc_shared / "bulk" / SR28_ZIP
    )
    foods = {food.fdc_id: food for food in reader}
    assert len(foods) == 7754
    assert len(reader.info.skipped) == 39
    assert all("SR28" in why for why in reader.info.skipped.values())
    with (fdc_shared / "derived" / "sr_legacy_fdcid_target_nutrients_per100g_from_SR28.csv").open(
        encoding="utf-8"
    ) as handle:
        derived = {int(row["fdc_id"]): row for row in csv.DictReader(handle)}
    assert set(derived) == set(foods)
    columns = {
        "calcium": "calcium_mg_1087",
        "magnesium": "magnesium_mg_1090",
        "potassium": "potassium_mg_1092",
        "vitamin_b12": "vitamin_b12_ug_1178",
        "energy": "energy_kcal_1008",
    }
    for fdc_id, row in derived.items():
        food = foods[fdc_id]
        for key, column in columns.items():
            if row[column] == "":
                assert food.amount(key) is None or key == "energy"
            else:
                assert food.amount(key) == pytest.approx(float(row[column])), (fdc_id, key)
        if row["vitamin_d_ug_1114"]:
            assert food.amount("vitamin_d") == pytest.approx(float(row["vitamin_d_ug_1114"]))
    milk = foods[171265]
    assert milk.description == "Milk, whole, 3.25% milkfat, with added vitamin D"
    assert milk.ndb_number == 1077
    assert milk.category == "Dairy and Egg Products"
    assert any("cup" in p.description for p in milk.portions)


def test_sr28_alone_is_refused_with_a_pointer(fdc_shared: Path) -> None:
    with pytest.raises(BulkImportError, match="values-from"):
        BulkReader(fdc_shared / "bulk" / SR28_ZIP)


def test_csv_without_values_is_refused(fdc_shared: Path) -> None:
    with pytest.raises(BulkImportError, match=r"food_nutrient\.csv"):
        list(BulkReader(fdc_shared / "bulk" / SR_LEGACY_CSV))


def test_not_a_bulk_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(BulkImportError, match="not an FDC bulk download"):
        BulkReader(path)
    with pytest.raises(BulkImportError, match="no such file"):
        BulkReader(tmp_path / "missing.zip")


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_streaming_json_array_equals_json_load(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    items = [{"fdcId": i, "description": 'a ] b [ " , }', "n": [1, {"x": "]"}]} for i in range(30)]
    text = json.dumps({"FoundationFoods": items}, indent=1)
    monkeypatch.setattr(bulk, "_CHUNK_CHARS", chunk)
    assert list(iter_json_array(io.StringIO(text))) == items


def test_streaming_json_reports_truncation() -> None:
    text = json.dumps({"FoundationFoods": [{"fdcId": 1}, {"fdcId": 2}]})
    with pytest.raises(BulkImportError):
        list(iter_json_array(io.StringIO(text[:-10])))


def test_import_keeps_memory_to_one_food_at_a_time(fdc_shared: Path, tmp_path: Path) -> None:
    import tracemalloc

    source = fdc_shared / "bulk" / FOUNDATION_JSON
    # Warm up imports and pydantic schemas so that only the import's own memory is measured.
    import_bulk(source, FoodCache(tmp_path / "warm", starter=False), progress=False)

    tracemalloc.start()
    with zipfile.ZipFile(source) as archive:
        whole = json.loads(archive.read(archive.namelist()[0]))
    _, whole_peak = tracemalloc.get_traced_memory()
    del whole
    tracemalloc.stop()

    tracemalloc.start()
    report = import_bulk(source, FoodCache(tmp_path / "cache", starter=False), progress=False)
    _, streaming_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.imported == 316
    assert streaming_peak < whole_peak / 4, (streaming_peak, whole_peak)
