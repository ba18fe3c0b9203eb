"""FNDDS 2017-2018 At A Glance + FPED: the reader, the Survey API shape, and the pack.

Expected values come from USDA's files in ``../shared/fndds``, parsed here with the ``csv``
module independently of :mod:`mealplan.fdc.fndds` (own header search, own column table). The
whole pack's two-build byte identity is checked in ``test_catalog.py``; here the FNDDS part is
rebuilt in-process and compared with the shipped file.
"""

from __future__ import annotations

import csv
import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from conftest import require_shared
from fake_fdc import FakeFdc
from mealplan import FdcClient
from mealplan.cache import (
    PACK_FNDDS_FILE,
    PACK_FNDDS_TABLE_FILE,
    PACK_FNDDS_TAGS_FILE,
    PACK_MANIFEST_FILE,
    FoodCache,
    read_fndds_pack,
    read_pack_fndds_table,
    read_pack_fndds_tags,
    write_pack,
)
from mealplan.catalog._build import BuildSources, CatalogBuildError, read_fndds_sources
from mealplan.catalog._fndds import fndds_frames, read_table_json, read_tags_csv
from mealplan.catalog._fndds import table_json as fndds_table_json
from mealplan.catalog._fndds import tags_csv as fndds_tags_csv
from mealplan.errors import BulkImportError, CacheError
from mealplan.fdc.fndds import FnddsReader, read_fndds
from mealplan.fdc.normalize import parse_food
from mealplan.food_groups import FOOD_GROUP_KEYS, FOOD_GROUPS
from mealplan.models import Food, Portion
from mealplan.nutrients import NUTRIENT_KEYS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_PACK = ROOT / "data" / "usda_cache"
NUTRIENT_FILE = "2017-2018 FNDDS At A Glance - FNDDS Nutrient Values.csv"
FOODS_FILE = "2017-2018 FNDDS At A Glance - Foods and Beverages.csv"
PORTIONS_FILE = "2017-2018 FNDDS At A Glance - Portions and Weights.csv"
FPED_FILE = "FPED_1718.csv"
CARROTS = 73101010
SURVEY_CARROTS = 787522

#: Our key → (At A Glance column with its line breaks folded, FDC nutrient id).
EXPECTED_COLUMNS: dict[str, tuple[str, int]] = {
    "energy": ("Energy (kcal)", 1008),
    "protein": ("Protein (g)", 1003),
    "carbohydrate": ("Carbohydrate (g)", 1005),
    "fat": ("Total Fat (g)", 1004),
    "fiber": ("Fiber, total dietary (g)", 1079),
    "sugars": ("Sugars, total (g)", 2000),
    "saturated_fat": ("Fatty acids, total saturated (g)", 1258),
    "retinol": ("Retinol (mcg)", 1105),
    "vitamin_b6": ("Vitamin B-6 (mg)", 1175),
    "vitamin_b12": ("Vitamin B-12 (mcg)", 1178),
    "vitamin_b12_added": ("Vitamin B-12, added (mcg)", 1246),
    "vitamin_d": ("Vitamin D (D2 + D3) (mcg)", 1114),
    "calcium": ("Calcium (mg)", 1087),
    "magnesium": ("Magnesium (mg)", 1090),
    "potassium": ("Potassium (mg)", 1092),
    "sodium": ("Sodium (mg)", 1093),
    "caffeine": ("Caffeine (mg)", 1057),
    "alcohol": ("Alcohol (g)", 1018),
    "water": ("Water (g)", 1051),
}
#: Our food-group key → FPED column code (written out here, not taken from FOOD_GROUPS).
EXPECTED_FPED: dict[str, str] = {
    "fg_fruit_cup": "F_TOTAL",
    "fg_fruit_citrus_melon_berry_cup": "F_CITMLB",
    "fg_fruit_other_cup": "F_OTHER",
    "fg_fruit_juice_cup": "F_JUICE",
    "fg_vegetables_cup": "V_TOTAL",
    "fg_veg_dark_green_cup": "V_DRKGR",
    "fg_veg_red_orange_cup": "V_REDOR_TOTAL",
    "fg_veg_tomato_cup": "V_REDOR_TOMATO",
    "fg_veg_red_orange_other_cup": "V_REDOR_OTHER",
    "fg_veg_starchy_cup": "V_STARCHY_TOTAL",
    "fg_veg_potato_cup": "V_STARCHY_POTATO",
    "fg_veg_starchy_other_cup": "V_STARCHY_OTHER",
    "fg_veg_other_cup": "V_OTHER",
    "fg_veg_legumes_cup": "V_LEGUMES",
    "fg_grains_oz": "G_TOTAL",
    "fg_whole_grains_oz": "G_WHOLE",
    "fg_refined_grains_oz": "G_REFINED",
    "fg_protein_foods_oz": "PF_TOTAL",
    "fg_protein_meat_poultry_seafood_oz": "PF_MPS_TOTAL",
    "fg_protein_meat_oz": "PF_MEAT",
    "fg_protein_cured_meat_oz": "PF_CUREDMEAT",
    "fg_protein_organ_meat_oz": "PF_ORGAN",
    "fg_protein_poultry_oz": "PF_POULT",
    "fg_protein_seafood_high_n3_oz": "PF_SEAFD_HI",
    "fg_protein_seafood_low_n3_oz": "PF_SEAFD_LOW",
    "fg_protein_eggs_oz": "PF_EGGS",
    "fg_protein_soy_oz": "PF_SOY",
    "fg_protein_nuts_seeds_oz": "PF_NUTSDS",
    "fg_protein_legumes_oz": "PF_LEGUMES",
    "fg_dairy_cup": "D_TOTAL",
    "fg_dairy_milk_cup": "D_MILK",
    "fg_dairy_yogurt_cup": "D_YOGURT",
    "fg_dairy_cheese_cup": "D_CHEESE",
    "fg_oils_g": "OILS",
    "fg_solid_fats_g": "SOLID_FATS",
    "fg_added_sugars_tsp": "ADD_SUGARS",
    "fg_alcohol_drinks": "A_DRINKS",
}


# ------------------------------------------------------------------------------------------
# USDA's files, parsed here
# ------------------------------------------------------------------------------------------


def _csv_table(path: Path) -> list[dict[str, str]]:
    """Rows after the title lines, keyed by header names with whitespace folded."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    start = next(
        i for i, record in enumerate(records) if record[0].strip() in ("Food code", "FOODCODE")
    )
    header = [" ".join(cell.split()) for cell in records[start]]
    return [dict(zip(header, record, strict=True)) for record in records[start + 1 :]]


@dataclass(frozen=True)
class Official:
    nutrients: dict[int, dict[str, str]]
    foods: dict[int, dict[str, str]]
    fped: dict[int, dict[str, str]]
    portions: dict[int, list[dict[str, str]]]


@functools.cache
def official(folder: Path) -> Official:
    portions: dict[int, list[dict[str, str]]] = {}
    for row in _csv_table(folder / PORTIONS_FILE):
        portions.setdefault(int(row["Food code"]), []).append(row)
    return Official(
        nutrients={int(r["Food code"]): r for r in _csv_table(folder / NUTRIENT_FILE)},
        foods={int(r["Food code"]): r for r in _csv_table(folder / FOODS_FILE)},
        fped={int(r["FOODCODE"]): r for r in _csv_table(folder / FPED_FILE)},
        portions=portions,
    )


def _fped_value(row: dict[str, str], column: str) -> float:
    (name,) = [name for name in row if name.split(" (")[0] == column]
    return float(row[name])


@pytest.fixture(scope="module")
def fndds_folder() -> Path:
    return require_shared("fndds")


@pytest.fixture(scope="module")
def source(fndds_folder: Path) -> Official:
    return official(fndds_folder)


@pytest.fixture(scope="module")
def imported(fndds_folder: Path) -> dict[int, Food]:
    foods, _ = read_fndds(fndds_folder)
    return {food.food_code: food for food in foods if food.food_code is not None}


@pytest.fixture(scope="module")
def sample(source: Official) -> list[int]:
    return random.Random(20251202).sample(sorted(source.nutrients), 300)


# ------------------------------------------------------------------------------------------
# 1. The import
# ------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_import_reads_one_food_per_food_code(imported: dict[int, Food], source: Official) -> None:
    assert len(imported) == 7083
    assert set(imported) == set(source.nutrients) == set(source.foods) == set(source.fped)
    categories = {food.wweia_category for food in imported.values()}
    assert len(categories) == 167
    for code, food in imported.items():
        assert food.fdc_id == -code and not food.has_fdc_id
        assert food.release == "FNDDS 2017-2018"
        assert food.data_type == "Survey (FNDDS)"
        assert food.energy_source == "1008"
        # FNDDS has a value for every nutrient: nothing unknown, added sugars from FPED.
        assert food.unknown_nutrients == []
        assert food.food_groups is not None and tuple(food.food_groups) == FOOD_GROUP_KEYS


@pytest.mark.shared
def test_300_random_foods_equal_the_csv_values(
    imported: dict[int, Food], source: Official, sample: list[int]
) -> None:
    assert set(EXPECTED_COLUMNS) | {"added_sugars"} == set(NUTRIENT_KEYS)
    for code in sample:
        food, row, about = imported[code], source.nutrients[code], source.foods[code]
        assert food.description == row["Main food description"] == about["Main food description"]
        assert food.category == row["WWEIA Category description"]
        assert food.wweia_category == int(row["WWEIA Category number"])
        assert food.additional_description == (about["Additional food description"] or None)
        for key, (column, nutrient_id) in EXPECTED_COLUMNS.items():
            value = food.nutrients[key]
            assert value.amount == float(row[column]), (code, key)
            assert value.nutrient_id == nutrient_id, (code, key)
        tsp = _fped_value(source.fped[code], "ADD_SUGARS")
        added = food.nutrients["added_sugars"]
        assert added.amount == pytest.approx(tsp * 4.2, abs=1e-9), code
        assert added.nutrient_id == 0 and added.note and "4.2 g" in added.note
        assert food.food_groups is not None
        for key, column in EXPECTED_FPED.items():
            assert food.food_groups[key] == _fped_value(source.fped[code], column), (code, key)


@pytest.mark.shared
def test_food_group_table_covers_all_37_fped_columns(source: Official) -> None:
    header = next(iter(source.fped.values()))
    columns = {name.split(" (")[0] for name in header if name not in ("FOODCODE", "DESCRIPTION")}
    assert len(columns) == 37
    assert {spec.fped_column for spec in FOOD_GROUPS} == columns == set(EXPECTED_FPED.values())
    assert {spec.key: spec.fped_column for spec in FOOD_GROUPS} == EXPECTED_FPED


@pytest.mark.shared
def test_portions_skip_weight_zero_and_put_measures_first(
    imported: dict[int, Food], source: Official, sample: list[int]
) -> None:
    weighed = sum(
        1
        for rows in source.portions.values()
        for row in rows
        if float(row["Portion weight (g)"]) > 0
    )
    assert sum(len(food.portions) for food in imported.values()) == weighed == 32440
    # Human milk's "Quantity not specified" has weight 0: no weight given, not a 0 g portion.
    milk = [r for r in source.portions[11000000] if r["Portion description"].startswith("Quan")]
    assert [r["Portion weight (g)"] for r in milk] == ["0"]
    assert [p.description for p in imported[11000000].portions] == ["1 cup", "1 fl oz"]
    for code in sample:
        got = [(p.description, p.gram_weight) for p in imported[code].portions]
        assert got == _expected_portions(source.portions.get(code, [])), code
    carrots = imported[CARROTS].portions
    assert carrots[0] == Portion(description="1 cup", gram_weight=120.0)
    assert carrots[-1] == Portion(description="Quantity not specified", gram_weight=60.0)


def _expected_portions(rows: list[dict[str, str]]) -> list[tuple[str, float]]:
    """Weighed rows: generic measures, then "Quantity not specified", then brand subcodes
    (their measures, then theirs not specified), each in USDA's sequence (file order on ties)."""
    weighed = [r for r in rows if float(r["Portion weight (g)"]) > 0]
    ordered = sorted(
        weighed,
        key=lambda r: (
            r["Subcode"] != "",
            r["Portion description"] == "Quantity not specified",
            int(r["Subcode"] or 0),
            float(r["Seq num"]),
        ),
    )
    return [
        (
            r["Portion description"] + (f" ({r['Subcode description']})" if r["Subcode"] else ""),
            float(r["Portion weight (g)"]),
        )
        for r in ordered
    ]


@pytest.mark.shared
def test_brand_subcode_portions_come_last(imported: dict[int, Food]) -> None:
    cakes = imported[53108200].portions
    assert cakes[0] == Portion(description="1 snack cake", gram_weight=40.0)
    assert cakes[1] == Portion(description="Quantity not specified", gram_weight=80.0)
    assert cakes[2] == Portion(
        description="1 cake (Tastykake Chocolate Kandy Kakes)", gram_weight=19.0
    )


# ------------------------------------------------------------------------------------------
# 2. Title lines, header line breaks, BOM, malformed input (small synthetic files)
# ------------------------------------------------------------------------------------------

_TITLE = '\ufeff"{name}\n2017-2018 Food and Nutrient Database for Dietary Studies - At A Glance   "'


def _csv_text(title: str | None, header: list[str], rows: list[list[str]]) -> str:
    lines = [] if title is None else [title + "," * (len(header) - 1)]
    quoted = [",".join(f'"{cell}"' for cell in header)]
    body = [",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows]
    return "\r\n".join([*lines, *quoted, *body]) + "\r\n"


def _nutrient_header() -> list[str]:
    # Line breaks where USDA puts them, and in a few more names.
    names = [column for column, _ in EXPECTED_COLUMNS.values()]
    names = [
        n.replace(" (", "\n(") if n.startswith(("Sugars", "Water", "Vitamin B-12,")) else n
        for n in names
    ]
    return [
        "Food code",
        "Main food description",
        "WWEIA Category number",
        "WWEIA Category description",
        *names,
    ]


def _write_synthetic(
    folder: Path, *, nutrient_cell: str = "1.5", fped_unit: str = "cup eq."
) -> Path:
    folder.mkdir()
    nutrients = ["12345678", "Test stew, with beans", "3802", "Stews", *[nutrient_cell] * 19]
    (folder / "2017-2018 FNDDS At A Glance - FNDDS Nutrient Values.csv").write_text(
        _csv_text(_TITLE.format(name="FNDDS Nutrient Values"), _nutrient_header(), [nutrients]),
        encoding="utf-8",
    )
    (folder / "2017-2018 FNDDS At A Glance - Foods and Beverages.csv").write_text(
        _csv_text(
            _TITLE.format(name="Foods and Beverages"),
            [
                "Food code",
                "Main food description",
                "Additional food description",
                "WWEIA Category number",
                "WWEIA Category description",
            ],
            [["12345678", "Test stew, with beans", "guiso", "3802", "Stews"]],
        ),
        encoding="utf-8",
    )
    portion_header = [
        "Food code",
        "Main food description",
        "Subcode",
        "Subcode description",
        "WWEIA Category number",
        "WWEIA Category description",
        "Seq num",
        "Portion description",
        "Portion weight\n(g)",
    ]
    base = ["12345678", "Test stew, with beans"]
    portion_rows = [
        [*base, "", "", "3802", "Stews", "1", "Quantity not specified", "0"],
        [*base, "", "", "3802", "Stews", "2", "Quantity not specified", "245"],
        [*base, "1000001", "Brand stew", "3802", "Stews", "1", "1 can", "400"],
        [*base, "", "", "3802", "Stews", "3", "1 cup", "240"],
        [*base, "", "", "3802", "Stews", "4", "1 bowl", "-9"],
    ]
    (folder / "2017-2018 FNDDS At A Glance - Portions and Weights.csv").write_text(
        _csv_text(_TITLE.format(name="Portions and Weights"), portion_header, portion_rows),
        encoding="utf-8",
    )
    fped_header = ["FOODCODE", "DESCRIPTION"] + [
        f"{column} ({fped_unit if column == 'F_TOTAL' else spec.fped_unit})"
        for spec in FOOD_GROUPS
        for column in [spec.fped_column]
    ]
    fped_row = ["12345678", "Test stew, with beans"] + [
        "0.5" if spec.fped_column in ("V_LEGUMES", "ADD_SUGARS") else "0" for spec in FOOD_GROUPS
    ]
    (folder / "FPED_1718.csv").write_text(
        "\ufeff" + _csv_text(None, fped_header, [fped_row]), encoding="utf-8"
    )
    return folder


def test_synthetic_files_with_title_lines_line_breaks_and_bom(tmp_path: Path) -> None:
    folder = _write_synthetic(tmp_path / "fndds")
    raw = (folder / "FPED_1718.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"Sugars, total\n(g)" in (folder / NUTRIENT_FILE).read_bytes()
    reader = FnddsReader(folder)
    (food,) = list(reader)
    assert food.food_code == 12345678 and food.fdc_id == -12345678
    assert food.description == "Test stew, with beans"
    assert food.additional_description == "guiso"
    assert (food.category, food.wweia_category) == ("Stews", 3802)
    assert food.release == "FNDDS 2017-2018"
    assert {key: food.amount(key) for key in EXPECTED_COLUMNS} == dict.fromkeys(
        EXPECTED_COLUMNS, 1.5
    )
    assert food.nutrients["vitamin_b12"].unit == "µg"
    assert food.amount("added_sugars") == pytest.approx(2.1)
    assert food.food_groups is not None and food.food_groups["fg_veg_legumes_cup"] == 0.5
    assert [(p.description, p.gram_weight) for p in food.portions] == [
        ("1 cup", 240.0),
        ("Quantity not specified", 245.0),
        ("1 can (Brand stew)", 400.0),
    ]
    assert reader.info.skipped_portions == {"weight 0": 1, "weight -9": 1}


def test_a_value_that_is_not_a_number_names_file_line_and_column(tmp_path: Path) -> None:
    folder = _write_synthetic(tmp_path / "fndds", nutrient_cell="n/a")
    with pytest.raises(BulkImportError) as caught:
        list(FnddsReader(folder))
    data_line = (folder / NUTRIENT_FILE).read_bytes().count(b"\n")  # the last physical line
    message = str(caught.value)
    assert f"{NUTRIENT_FILE}, line {data_line}:" in message
    assert "column 'Energy (kcal)'" in message and "'n/a'" in message


def test_fped_in_another_unit_is_refused(tmp_path: Path) -> None:
    folder = _write_synthetic(tmp_path / "fndds", fped_unit="oz. eq.")
    with pytest.raises(BulkImportError, match=r"FPED_1718\.csv: F_TOTAL is in 'oz\. eq\.'"):
        list(FnddsReader(folder))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    folder = _write_synthetic(tmp_path / "fndds")
    (folder / FPED_FILE).unlink()
    with pytest.raises(BulkImportError, match=r"fped\*\.csv"):
        FnddsReader(folder)


def test_a_negative_id_must_be_minus_the_food_code() -> None:
    Food(fdc_id=-12345678, description="x", data_type="Survey (FNDDS)", food_code=12345678)
    with pytest.raises(ValidationError, match="negative"):
        Food(fdc_id=-5, description="x", data_type="Survey (FNDDS)", food_code=12345678)
    with pytest.raises(ValidationError, match="negative"):
        Food(fdc_id=-5, description="x", data_type="SR Legacy")


# ------------------------------------------------------------------------------------------
# 3. The FDC Survey record in the same shape
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack_fndds() -> tuple[dict[str, object], dict[int, dict[str, object]]]:
    return read_fndds_pack(SHIPPED_PACK)


@pytest.mark.shared
def test_survey_record_through_the_client_matches_the_pack(
    fake_fdc: FakeFdc,
    tmp_cache: FoodCache,
    pack_fndds: tuple[dict[str, object], dict[int, dict[str, object]]],
) -> None:
    client = FdcClient(api_key="test-key", base_url=fake_fdc.base_url, cache=tmp_cache)
    api = client.get_food(SURVEY_CARROTS)
    pack = Food.model_validate(pack_fndds[1][CARROTS])
    assert (api.food_code, api.wweia_category, api.category) == (CARROTS, 6404, "Carrots")
    assert (pack.food_code, pack.wweia_category, pack.category) == (CARROTS, 6404, "Carrots")
    assert api.fdc_id == SURVEY_CARROTS and pack.fdc_id == -CARROTS
    # FDC's record is from the FNDDS release for NHANES 2015-2016 (startDate/endDate).
    assert api.release == "FNDDS 2015-2016" and pack.release == "FNDDS 2017-2018"
    # No FPED in the API: food groups and the added sugars computed from them are unknown.
    assert api.food_groups is None and "added_sugars" not in api.nutrients
    assert set(api.nutrients) == set(pack.nutrients) - {"added_sugars"}
    assert set(api.nutrients) == set(EXPECTED_COLUMNS)
    for key in api.nutrients:
        assert api.nutrients[key].nutrient_id == pack.nutrients[key].nutrient_id, key
        assert api.nutrients[key].unit == pack.nutrients[key].unit, key
        if key == "saturated_fat":
            continue
        assert api.amount(key) == pack.amount(key), key
    # The one difference between the releases: saturated fat, the sum of the fatty acids each
    # release lists (16:0 + 18:0 = 0.035 + 0.002 in 2015-2016; 0.03 + 0.002 in 2017-2018).
    assert (api.amount("saturated_fat"), pack.amount("saturated_fat")) == (0.037, 0.032)
    # The values SOURCES.md recorded when the files were added.
    expected = {
        "energy": 41.0,
        "protein": 0.93,
        "water": 88.29,
        "calcium": 33.0,
        "magnesium": 12.0,
        "potassium": 320.0,
        "sodium": 69.0,
        "vitamin_d": 0.0,
        "vitamin_b12": 0.0,
    }
    assert {key: pack.amount(key) for key in expected} == expected
    # Both list their household measures first and "Quantity not specified" last.
    for food in (api, pack):
        assert food.portions[-1].quantity_not_specified
        assert not any(p.quantity_not_specified for p in food.portions[:-1])


@pytest.mark.shared
def test_survey_search_hits_carry_the_food_code(fdc_shared: Path) -> None:
    body = json.loads(
        (
            fdc_shared
            / "api_responses"
            / "search_pork_pageSize50_page1_sr_legacy_heavy_2022-05-27.json"
        ).read_text()
    )
    hits = [parse_food(raw) for raw in body["foods"]]
    survey = [hit for hit in hits if hit.data_type == "Survey (FNDDS)"]
    assert survey and all(hit.food_code is not None for hit in survey)
    assert all(hit.food_code is None for hit in hits if hit.data_type != "Survey (FNDDS)")
    beans = next(hit for hit in survey if hit.fdc_id == 1100421)
    assert (beans.food_code, beans.release) == (41208030, None)  # hits carry no cycle dates


# ------------------------------------------------------------------------------------------
# 4. The pack
# ------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_shipped_pack_has_every_fndds_food_by_food_code(
    pack_fndds: tuple[dict[str, object], dict[int, dict[str, object]]],
    imported: dict[int, Food],
) -> None:
    entry, records = pack_fndds
    assert entry["release"] == "FNDDS 2017-2018" and entry["foods"] == 7083
    assert list(records) == sorted(imported)
    for code in list(records)[::250]:
        assert Food.model_validate(records[code]) == imported[code]
    total = sum(path.stat().st_size for path in SHIPPED_PACK.iterdir())
    assert total < 15 * 1024 * 1024, f"the pack is {total} bytes"


@pytest.mark.shared
def test_fndds_part_of_the_pack_is_byte_identical_and_equals_the_shipped_one(
    fndds_folder: Path, tmp_path: Path
) -> None:
    shipped_manifest = json.loads((SHIPPED_PACK / PACK_MANIFEST_FILE).read_text())
    for out in (tmp_path / "one", tmp_path / "two"):
        foods, entry = read_fndds_sources(fndds_folder)
        tags = fndds_tags_csv(foods)
        manifest = write_pack(
            out,
            [],
            {},
            fndds=reversed(foods),
            fndds_manifest=entry,
            fndds_tags_csv=tags,
            fndds_table_json=fndds_table_json(reversed(foods), tags),
        )
        assert manifest["fndds"] == shipped_manifest["fndds"]
        for name in (PACK_FNDDS_FILE, PACK_FNDDS_TAGS_FILE, PACK_FNDDS_TABLE_FILE):
            assert (out / name).read_bytes() == (SHIPPED_PACK / name).read_bytes()
    sources = {s["file"]: s["sha256"] for s in shipped_manifest["fndds"]["sources"]}
    assert sources[NUTRIENT_FILE] == (
        "1956467947061052d3f8b4e00f10c3738afc4e6e5851968162f6ca5561a86bab"  # SOURCES.md
    )


def test_the_shipped_table_holds_the_rows_the_records_and_tags_give() -> None:
    """The catalogue loads its FNDDS rows from the pack's table; they are exactly the rows the
    pack's records and tags give (servings, tags, nutrients per 100 g, nutrient ids)."""
    entry, records = read_fndds_pack(SHIPPED_PACK)
    tags = read_pack_fndds_tags(SHIPPED_PACK)
    table = read_pack_fndds_table(SHIPPED_PACK)
    assert tags is not None and table is not None and table[0] == entry
    expected = fndds_frames([records[c] for c in sorted(records)], read_tags_csv(tags))
    for got, want in zip(read_table_json(table[1]), expected, strict=True):
        pd.testing.assert_frame_equal(got, want)
    assert len(expected[0]) == 7083


def test_a_damaged_fndds_table_is_refused(tmp_path: Path) -> None:
    stew = Food(
        fdc_id=-12345678, description="stew", data_type="Survey (FNDDS)", food_code=12345678
    )
    write_pack(tmp_path, [], {}, fndds=[stew], fndds_manifest={}, fndds_table_json="{}")
    assert read_pack_fndds_table(tmp_path) is not None
    (tmp_path / PACK_FNDDS_TABLE_FILE).write_bytes(b"\x1f\x8b not the table")
    with pytest.raises(CacheError, match="not the file"):
        read_pack_fndds_table(tmp_path)


def test_a_pack_without_fndds_has_no_fndds_file(tmp_path: Path) -> None:
    stew = Food(
        fdc_id=-12345678, description="stew", data_type="Survey (FNDDS)", food_code=12345678
    )
    write_pack(tmp_path, [], {}, fndds=[stew], fndds_manifest={"release": "FNDDS 2017-2018"})
    entry, records = read_fndds_pack(tmp_path)
    assert entry["foods"] == 1 and list(records) == [12345678]
    write_pack(tmp_path, [], {})  # a build without FNDDS (--from ../shared/fdc)
    assert not (tmp_path / PACK_FNDDS_FILE).exists()
    assert not (tmp_path / PACK_FNDDS_TABLE_FILE).exists()
    assert read_pack_fndds_table(tmp_path) is None
    assert read_fndds_pack(tmp_path) == ({}, {})


def test_a_damaged_fndds_file_is_refused(tmp_path: Path) -> None:
    stew = Food(
        fdc_id=-12345678, description="stew", data_type="Survey (FNDDS)", food_code=12345678
    )
    write_pack(tmp_path, [], {}, fndds=[stew], fndds_manifest={})
    (tmp_path / PACK_FNDDS_FILE).write_bytes(b"\x1f\x8b not the file")
    with pytest.raises(CacheError, match="not the file"):
        read_fndds_pack(tmp_path)


def test_build_sources_from_the_parent_or_the_fdc_folder(tmp_path: Path) -> None:
    bulk = tmp_path / "shared" / "fdc" / "bulk"
    bulk.mkdir(parents=True)
    for name in (
        "FoodData_Central_foundation_food_csv_2024-10-31.zip",
        "sr_legacy_food_csv_2018-04",
        "sr28asc.zip",
    ):
        (bulk / name).touch()
    with pytest.raises(CatalogBuildError, match="no fndds/"):
        BuildSources.from_folder(tmp_path / "shared")
    (tmp_path / "shared" / "fndds").mkdir()
    assert BuildSources.from_folder(tmp_path / "shared").fndds == tmp_path / "shared" / "fndds"
    assert BuildSources.from_folder(tmp_path / "shared" / "fdc").fndds is None
