"""FoodCatalog: the shipped pack against USDA's official files, the build, tags, API and CLI.

Expected nutrient values come from the official files in ``../shared/fdc`` (through the
``fdc_shared`` fixture), parsed here independently of ``mealplan.fdc.bulk``: SR28's
``NUT_DATA.txt`` (``~``-quoted, ``^``-separated, Latin-1) joined to FDC ids through SR Legacy's
``sr_legacy_food.csv``, and the Foundation CSV zip's ``food_nutrient.csv``.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import random
import re
import socket
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import requests

from mealplan.cache import default_starter_dir, read_pack
from mealplan.catalog import ALLERGENS, DIETS, MEALS, ROLES, CatalogError, FoodCatalog
from mealplan.catalog._build import CatalogBuildError, validate_tags
from mealplan.catalog._tags import TagRow, TagTableError, read_tag_table
from mealplan.cli import main as cli_main
from mealplan.models import Food

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_PACK = ROOT / "data" / "usda_cache"
TAG_TABLE = ROOT / "src" / "mealplan" / "data" / "food_tags.csv"
SR_FOLDER = "bulk/sr_legacy_food_csv_2018-04_without_food_nutrient"
SR28_ZIP = "bulk/sr28asc_reassembled.zip"
FOUNDATION_ZIP = "bulk/FoodData_Central_foundation_food_csv_2024-10-31.zip"

#: SR28 nutrient number → FDC nutrient id (SOURCES.md, "Key ids").
SR28_NUMBER_TO_ID = {
    "208": 1008,
    "301": 1087,
    "304": 1090,
    "306": 1092,
    "324": 1110,
    "328": 1114,
    "418": 1178,
}
FOUNDATION_IDS = frozenset({1008, 2047, 2048, 1087, 1090, 1092, 1110, 1114, 1178})
#: Catalogue key → FDC nutrient ids in order of preference.
CHECKED = {
    "energy": (1008, 2048, 2047),
    "magnesium": (1090,),
    "potassium": (1092,),
    "calcium": (1087,),
    "vitamin_b12": (1178,),
    "vitamin_d": (1114,),  # else 1110 (IU) / 40
}
IMPUTABLE = ("vitamin_b12", "vitamin_d")


# ------------------------------------------------------------------------------------------
# The official files, parsed here
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Official:
    """What USDA's files say, keyed by FDC id."""

    #: Every SR Legacy food (7,793): FDC id → NDB number, and its description.
    sr_ndb: dict[int, int]
    sr_description: dict[int, str]
    #: NDB numbers in SR28's FOOD_DES.txt.
    sr28_ndbs: frozenset[int]
    #: Foundation foods (foundation_food.csv) and their descriptions (food.csv).
    foundation: dict[int, str]
    #: FDC id → key → (amount per 100 g, FDC nutrient id) for every SR28-covered SR Legacy food
    #: and every Foundation food; a missing key means the source has no value.
    values: dict[int, dict[str, tuple[float, int]]]

    @property
    def sr_covered(self) -> list[int]:
        return sorted(i for i, ndb in self.sr_ndb.items() if ndb in self.sr28_ndbs)

    @property
    def sr_skipped(self) -> list[int]:
        return sorted(i for i, ndb in self.sr_ndb.items() if ndb not in self.sr28_ndbs)


def _sr28_lines(archive: zipfile.ZipFile, name: str, fields: int) -> Any:
    """The first ``fields`` fields of an SR28 ASCII file: ``^``-separated, ``~``-quoted, Latin-1."""
    with archive.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="latin-1", newline=""):
            line = line.rstrip("\r\n")
            if line:
                yield [field.strip("~") for field in line.split("^", fields)[:fields]]


def _pick(raw: dict[int, float]) -> dict[str, tuple[float, int]]:
    """The documented choice of FDC nutrient per key (vitamin D from IU only without µg)."""
    picked: dict[str, tuple[float, int]] = {}
    for key, ids in CHECKED.items():
        for nutrient_id in ids:
            if nutrient_id in raw:
                picked[key] = (raw[nutrient_id], nutrient_id)
                break
    if "vitamin_d" not in picked and 1110 in raw:
        picked["vitamin_d"] = (raw[1110] / 40.0, 1110)
    return picked


@functools.cache
def official(folder: Path) -> Official:
    """Parse the SR Legacy CSVs, SR28 and the Foundation CSV zip (once per session)."""
    with open(folder / SR_FOLDER / "sr_legacy_food.csv", encoding="utf-8", newline="") as fh:
        sr_ndb = {int(r["fdc_id"]): int(r["NDB_number"]) for r in csv.DictReader(fh)}
    with open(folder / SR_FOLDER / "food.csv", encoding="utf-8", newline="") as fh:
        sr_description = {int(r["fdc_id"]): r["description"] for r in csv.DictReader(fh)}

    by_ndb: dict[int, dict[int, float]] = {}
    with zipfile.ZipFile(folder / SR28_ZIP) as sr28:
        sr28_ndbs = frozenset(int(fields[0]) for fields in _sr28_lines(sr28, "FOOD_DES.txt", 1))
        for fields in _sr28_lines(sr28, "NUT_DATA.txt", 3):
            nutrient_id = SR28_NUMBER_TO_ID.get(fields[1])
            if nutrient_id is not None and fields[2] != "":
                by_ndb.setdefault(int(fields[0]), {})[nutrient_id] = float(fields[2])

    with zipfile.ZipFile(folder / FOUNDATION_ZIP) as zf:
        prefix = Path(FOUNDATION_ZIP).stem + "/"

        def rows(name: str) -> Any:
            with zf.open(prefix + name) as raw:
                yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))

        foundation_ids = {int(r["fdc_id"]) for r in rows("foundation_food.csv")}
        foundation = {
            int(r["fdc_id"]): r["description"]
            for r in rows("food.csv")
            if int(r["fdc_id"]) in foundation_ids
        }
        by_fdc: dict[int, dict[int, float]] = {}
        for r in rows("food_nutrient.csv"):
            fdc_id, nutrient_id = int(r["fdc_id"]), int(r["nutrient_id"])
            if fdc_id in foundation_ids and nutrient_id in FOUNDATION_IDS and r["amount"] != "":
                by_fdc.setdefault(fdc_id, {})[nutrient_id] = float(r["amount"])

    values = {
        fdc_id: _pick(by_ndb.get(ndb, {})) for fdc_id, ndb in sr_ndb.items() if ndb in sr28_ndbs
    }
    values.update({fdc_id: _pick(by_fdc.get(fdc_id, {})) for fdc_id in foundation})
    return Official(sr_ndb, sr_description, sr28_ndbs, foundation, values)


@pytest.fixture(scope="module")
def full_catalog() -> FoodCatalog:
    """Every shipped food (loaded once per module: catalogues are immutable)."""
    return FoodCatalog.ingredients()


@pytest.fixture
def sources(fdc_shared: Path) -> Official:
    return official(fdc_shared)


def _tag_table_rows() -> list[dict[str, str]]:
    """The curated table read with the csv module, not with ``read_tag_table``."""
    with open(TAG_TABLE, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------------------------------
# 1. Every SR28-covered SR Legacy food and every Foundation food; the 39 skipped ones
# ------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_full_has_every_covered_sr_legacy_food_and_every_foundation_food(
    full_catalog: FoodCatalog, sources: Official
) -> None:
    assert len(sources.sr_covered) == 7754
    assert len(sources.foundation) == 316
    assert len(full_catalog) >= 8070
    ids = set(full_catalog.ids)
    assert not set(sources.sr_covered) - ids
    assert not set(sources.foundation) - ids
    foods = full_catalog.foods
    assert set(foods.index[foods["data_type"] == "SR Legacy"]) == set(sources.sr_covered)
    assert set(foods.index[foods["data_type"] == "Foundation"]) == set(sources.foundation)
    # Descriptions are FDC's own.
    for fdc_id in sources.sr_covered[::97]:
        assert foods.at[fdc_id, "description"] == sources.sr_description[fdc_id]
    for fdc_id, description in sources.foundation.items():
        assert foods.at[fdc_id, "description"] == description


@pytest.mark.shared
def test_manifest_lists_exactly_the_sr_legacy_foods_missing_from_sr28(
    full_catalog: FoodCatalog, sources: Official
) -> None:
    pack = default_starter_dir()
    assert pack is not None
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    skipped = manifest["skipped"]
    assert len(sources.sr_skipped) == 39
    assert sorted(int(i) for i in skipped) == sources.sr_skipped
    for fdc_id in sources.sr_skipped:
        reason = skipped[str(fdc_id)]
        assert isinstance(reason, str) and reason.strip()
        assert str(sources.sr_ndb[fdc_id]) in reason
        assert fdc_id not in full_catalog
    assert manifest["counts"] == {"Foundation": 316, "SR Legacy": 7754}
    assert manifest["foods"] == len(full_catalog)


# ------------------------------------------------------------------------------------------
# 2. Values equal the official files
# ------------------------------------------------------------------------------------------


def _check_food(catalog: FoodCatalog, imputed: pd.DataFrame, fdc_id: int, expected: Any) -> None:
    food = catalog[fdc_id]
    for key in CHECKED:
        got, flagged = food.per_100g[key], bool(imputed.at[fdc_id, key])
        where = f"{fdc_id} {food.description!r} {key}"
        if key in expected:
            amount, nutrient_id = expected[key]
            assert got == pytest.approx(amount, rel=1e-9, abs=1e-12), where
            assert food.nutrient_ids[key] == nutrient_id, where
            assert not flagged, where
        elif got is None:
            assert not flagged, where
        else:
            assert key in IMPUTABLE and got == 0.0 and flagged, f"{where}: {got} not in source"


@pytest.mark.shared
def test_twenty_random_foods_equal_the_official_files(
    full_catalog: FoodCatalog, sources: Official
) -> None:
    rng = random.Random(2024)
    sample = rng.sample(sources.sr_covered, 12) + rng.sample(sorted(sources.foundation), 8)
    imputed = full_catalog.imputed()
    for fdc_id in sample:
        _check_food(full_catalog, imputed, fdc_id, sources.values[fdc_id])
    # The sample is not trivial: it meets real values, missing ones and both sources.
    known = sum(len(sources.values[i]) for i in sample)
    assert 0 < known < len(sample) * len(CHECKED)


@pytest.mark.shared
def test_every_food_equals_the_official_files(full_catalog: FoodCatalog, sources: Official) -> None:
    keys = list(CHECKED)
    ids = sorted(sources.values)
    expected = pd.DataFrame(
        [[sources.values[i].get(k, (np.nan, 0))[0] for k in keys] for i in ids],
        index=ids,
        columns=keys,
    )
    got = full_catalog.per_100g().loc[ids, keys]
    imputed = full_catalog.imputed().loc[ids, keys]
    known = expected.notna()
    wrong = known & ~np.isclose(got, expected, rtol=1e-9, atol=1e-12)
    invented = ~known & got.notna() & ~(imputed & (got == 0))
    flagged_known = known & imputed
    for name, bad in (("wrong", wrong), ("invented", invented), ("flagged", flagged_known)):
        cells = bad.stack()
        cells = cells[cells]
        assert cells.empty, f"{name}: {len(cells)} cells, e.g. {cells.index[:5].tolist()}"
    # coverage() counts the same: source values from FDC, the rest imputed or unknown.
    coverage = full_catalog.coverage().set_index("nutrient")
    for key in keys:
        assert coverage.at[key, "from_fdc"] == known[key].sum(), key
        assert coverage.at[key, "imputed_zero"] == imputed[key].sum(), key


# ------------------------------------------------------------------------------------------
# 3. The curated everyday set
# ------------------------------------------------------------------------------------------


def test_default_catalog_is_the_tag_table_with_servings(curated_catalog: FoodCatalog) -> None:
    rows = _tag_table_rows()
    assert len(curated_catalog) >= 250
    assert sorted(curated_catalog.ids) == sorted(int(r["fdc_id"]) for r in rows)
    foods = curated_catalog.foods
    assert foods["curated"].all()
    for row in rows:
        fdc_id = int(row["fdc_id"])
        assert foods.at[fdc_id, "name"] == row["name"]
        assert foods.at[fdc_id, "serving_g"] == float(row["serving_g"]) > 0
        assert foods.at[fdc_id, "serving_text"] == row["serving_text"] != ""
    per_serving = curated_catalog.per_serving()
    expected = curated_catalog.per_100g().mul(foods["serving_g"] / 100, axis=0)
    pd.testing.assert_frame_equal(per_serving, expected)


def test_default_catalog_has_vitamin_d_and_b12_sources(curated_catalog: FoodCatalog) -> None:
    per_serving = curated_catalog.per_serving()
    vegetarian = curated_catalog.foods["diets"].map(lambda d: "vegetarian" in d)
    rich_d = per_serving["vitamin_d"] >= 2
    rich_b12 = per_serving["vitamin_b12"] >= 0.5
    assert rich_d.sum() >= 12
    assert rich_b12.sum() >= 20
    assert (rich_d & vegetarian).sum() >= 3
    assert (rich_b12 & vegetarian).sum() >= 3


def test_default_catalog_covers_every_meal_and_role(curated_catalog: FoodCatalog) -> None:
    foods = curated_catalog.foods
    for meal in MEALS:
        assert foods["meals"].map(lambda m, meal=meal: meal in m).sum() >= 5, meal
    for role in ROLES:
        assert (foods["role"] == role).sum() >= 3, role


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("almonds", ("almond",)),
        ("cashews", ("cashew",)),
        ("pumpkin seeds", ("pumpkin seed",)),
        ("chia seeds", ("chia",)),
        ("spinach", ("spinach",)),
        ("banana", ("banana",)),
        ("sweet potato", ("sweet potato",)),
        ("salmon", ("salmon",)),
        ("tuna", ("tuna",)),
        ("sardines", ("sardine",)),
        ("milk", ("milk",)),
        ("soy milk", ("soy milk",)),
        ("egg", ("egg",)),
        ("yogurt", ("yogurt",)),
        ("kale", ("kale", "collard")),
        ("collard", ("kale", "collard")),
        ("beans", ("bean",)),
        ("lentils", ("lentil",)),
        ("cantaloupe", ("cantaloupe", "melon")),
    ],
)
def test_default_catalog_has_the_classic_sources(
    curated_catalog: FoodCatalog, query: str, words: tuple[str, ...]
) -> None:
    found = curated_catalog.find(query)
    assert found, query
    assert any(w in found[0].name.lower() for w in words), (query, found[0].name)
    if query == "soy milk":
        assert any(f.fortified and "soy milk" in f.name.lower() for f in found)
    if query == "egg":
        assert any(f.role == "protein" and "egg" in f.allergens for f in found)


# ------------------------------------------------------------------------------------------
# 4. Reproducible build, identical to the shipped pack
# ------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_build_is_byte_identical_and_equals_the_shipped_pack(
    fdc_shared: Path, tmp_path: Path
) -> None:
    outs = [tmp_path / "build1", tmp_path / "build2"]
    # The parent of fdc/ also holds fndds/: the shipped pack carries the FNDDS foods.
    shared = fdc_shared.parent
    command = [sys.executable, "-m", "mealplan.catalog", "build", "--from", str(shared)]
    # The two builds run side by side (independent processes, one per core).
    runs = [
        subprocess.Popen(
            [*command, "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    for run in runs:
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
        assert "wrote 8070 foods" in stdout and "39 SR Legacy foods skipped" in stdout
        assert "7083 FNDDS foods (FNDDS 2017-2018)" in stdout
    names = sorted(p.name for p in outs[0].iterdir())
    assert names == sorted(p.name for p in SHIPPED_PACK.iterdir())
    assert {"foods.jsonl.gz", "manifest.json", "auto_tags.csv.gz", "fndds.jsonl.gz"} <= set(names)
    for name in names:
        first, second = ((out / name).read_bytes() for out in outs)
        assert first == second, f"{name}: two builds differ"
        shipped = (SHIPPED_PACK / name).read_bytes()
        assert first == shipped, f"{name}: data/usda_cache is not what the build writes"


# ------------------------------------------------------------------------------------------
# 5. The build fails loudly
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack_foods() -> dict[int, Food]:
    """A few foods of the shipped pack as ``Food`` models (with their FDC portions)."""
    pack = default_starter_dir()
    assert pack is not None
    _, records = read_pack(pack)
    return {i: Food.model_validate(records[i]) for i in (173944, 168463, 171477)}


def test_validate_tags_accepts_the_curated_rows(pack_foods: dict[int, Food]) -> None:
    rows = [row for row in read_tag_table() if row.fdc_id in pack_foods]
    assert len(rows) == 3 and {r.serving_source for r in rows} == {"fdc_portion"}
    validate_tags(rows, pack_foods)


def test_validate_tags_names_an_id_missing_from_the_sources(
    pack_foods: dict[int, Food],
) -> None:
    banana = next(row for row in read_tag_table() if row.fdc_id == 173944)
    ghost = banana.model_copy(update={"fdc_id": 99999991, "name": "Ghost fruit"})
    with pytest.raises(CatalogBuildError, match="99999991") as info:
        validate_tags([banana, ghost], pack_foods)
    assert "not in the source files" in str(info.value)
    assert "173944" not in str(info.value)


def test_validate_tags_names_a_serving_that_matches_no_fdc_portion(
    pack_foods: dict[int, Food],
) -> None:
    banana = next(row for row in read_tag_table() if row.fdc_id == 173944)
    grams = {p.gram_weight for p in pack_foods[173944].portions}
    assert 118.0 in grams and 110.0 not in grams
    wrong = banana.model_copy(update={"serving_g": 110.0})
    with pytest.raises(CatalogBuildError, match="173944") as info:
        validate_tags([wrong], pack_foods)
    assert "110 g" in str(info.value) and "fdc_portion" in str(info.value)
    # The same grams as a "standard" serving are fine: only FDC portions are checked.
    validate_tags([wrong.model_copy(update={"serving_source": "standard"})], pack_foods)


def _tag_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("role", "snack food", ("role",)),
        ("allergens", "milk;gluten", ("allergens", "gluten")),
        ("serving_g", "", ("serving_g",)),
        ("serving_text", "", ("serving_text",)),
        ("fdc_id", "<first id>", ("duplicate", "fdc_id")),
    ],
)
def test_read_tag_table_names_line_and_column(
    column: str, value: str, words: tuple[str, ...]
) -> None:
    rows = _tag_table_rows()[:3]
    assert len(read_tag_table(_tag_text(rows))) == 3  # the unchanged rows are valid
    bad = dict(rows[2])
    bad[column] = rows[0]["fdc_id"] if value == "<first id>" else value
    with pytest.raises(TagTableError) as info:
        read_tag_table(_tag_text([rows[0], rows[1], bad]))
    message = str(info.value)
    assert "line 4" in message, message  # header is line 1, the bad row is the third row
    for word in words:
        assert word in message, message


def test_shipped_tag_table_reads() -> None:
    rows = read_tag_table()
    assert len(rows) == len(_tag_table_rows())
    assert all(isinstance(row, TagRow) and row.serving_g > 0 for row in rows)


# ------------------------------------------------------------------------------------------
# 6. Imputation rules
# ------------------------------------------------------------------------------------------


def _by_description(sources: Official, description: str) -> int:
    """The one FDC id (SR Legacy or Foundation) with exactly this description."""
    described = sources.sr_description | sources.foundation
    matches = [fdc_id for fdc_id, text in described.items() if text == description]
    assert len(matches) == 1, description
    return matches[0]


@pytest.mark.shared
def test_unfortified_plant_food_missing_b12_and_d_is_imputed_zero(
    full_catalog: FoodCatalog, sources: Official
) -> None:
    imputed = full_catalog.imputed()
    for description in ("Spinach, mature", "Pears, raw, red anjou"):
        fdc_id = _by_description(sources, description)
        assert not {"vitamin_b12", "vitamin_d"} & set(sources.values[fdc_id])
        food = full_catalog[fdc_id]
        assert not food.fortified and "vegan" in food.diets
        for key in IMPUTABLE:
            assert food.per_100g[key] == 0.0 and food.per_serving[key] == 0.0
            assert food.nutrient_ids[key] == -1
            assert imputed.at[fdc_id, key]
        # Values the source has are kept and never flagged.
        assert food.per_100g["potassium"] == sources.values[fdc_id]["potassium"][0]
        assert not imputed.loc[fdc_id].drop(list(IMPUTABLE)).any()
    # SR Legacy's cooked spinach carries real zeros: FDC's, not imputed.
    cooked = _by_description(sources, "Spinach, cooked, boiled, drained, without salt")
    assert sources.values[cooked]["vitamin_b12"][0] == 0.0
    assert full_catalog[cooked].per_100g["vitamin_b12"] == 0.0
    assert not imputed.loc[cooked].any()


@pytest.mark.shared
def test_mushrooms_fortified_foods_and_meat_are_never_imputed(
    full_catalog: FoodCatalog, sources: Official
) -> None:
    foods, imputed = full_catalog.foods, full_catalog.imputed()
    mushrooms = foods.index[foods["description"].str.contains(r"(?i)\bmushrooms?\b")]
    assert len(mushrooms) >= 20
    assert not imputed.loc[mushrooms].any().any()
    # Some mushrooms lack B12 in the source: it stays unknown.
    shiitake = _by_description(sources, "Mushrooms, shiitake, raw")
    assert "vitamin_b12" not in sources.values[shiitake]
    assert full_catalog[shiitake].per_100g["vitamin_b12"] is None

    fortified = foods.index[foods["fortified"].astype(bool)]
    assert len(fortified) >= 50
    assert not imputed.loc[fortified].any().any()

    animal = foods.index[~foods["diets"].map(lambda d: "vegan" in d)]
    assert not imputed.loc[animal].any().any()
    chicken = _by_description(
        sources, "Chicken, broilers or fryers, breast, meat only, cooked, roasted"
    )
    _check_food(full_catalog, imputed, chicken, sources.values[chicken])
    assert (
        full_catalog[chicken].per_100g["vitamin_b12"]
        == sources.values[chicken]["vitamin_b12"][0]
        > 0
    )


def test_only_b12_and_vitamin_d_are_ever_imputed(
    full_catalog: FoodCatalog, curated_catalog: FoodCatalog
) -> None:
    for catalog in (full_catalog, curated_catalog):
        imputed = catalog.imputed()
        assert imputed[list(IMPUTABLE)].any().all()
        assert not imputed.drop(columns=list(IMPUTABLE)).any().any()
        values = catalog.per_100g()
        assert (values.to_numpy()[imputed.to_numpy()] == 0).all()
        # Imputed foods are unfortified plant foods (no animal pattern, no mushroom).
        rows = catalog.foods[imputed.any(axis=1)]
        assert not rows["fortified"].any()
        assert rows["diets"].map(lambda d: "vegan" in d).all()
        assert not rows["description"].str.contains(r"(?i)mushroom").any()


# ------------------------------------------------------------------------------------------
# 7. from_frame, to_frame, filter, find, lookup
# ------------------------------------------------------------------------------------------


def _recipes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": ["oats-bowl", "tofu-stir-fry", "kefir"],
            "title": ["Oat bowl", "Tofu stir-fry", "Kefir"],
            "iron": [4.0, 2.5, 0.1],
            "omega3": [0.1, 0.6, 0.0],
            "grams": [250.0, 400.0, 200.0],
            "text": ["1 bowl", "1 plate", "1 glass"],
            "price": [0.8, 2.4, 1.1],
            "kind": ["grain", "protein", "dairy"],
            "when": ["breakfast", "lunch;dinner", "breakfast;snack"],
            "most": [1, 2, 3],
        }
    )


def _from_recipes(frame: pd.DataFrame | None = None, **kwargs: Any) -> FoodCatalog:
    options: dict[str, Any] = {
        "id_column": "sku",
        "name_column": "title",
        "units": {"iron": "mg", "omega3": "g"},
        "serving_g_column": "grams",
        "serving_text_column": "text",
        "cost_column": "price",
        "role_column": "kind",
        "meals_column": "when",
        "max_servings_column": "most",
    }
    options.update(kwargs)
    return FoodCatalog.from_frame(_recipes() if frame is None else frame, **options)


def test_from_frame_per_serving_amounts() -> None:
    catalog = _from_recipes()
    assert len(catalog) == 3
    assert catalog.nutrient_keys == ["iron", "omega3"]  # numeric, unreserved columns
    assert catalog.units == {"iron": "mg", "omega3": "g"}
    tofu = catalog["tofu-stir-fry"]
    assert tofu.name == "Tofu stir-fry" and tofu.fdc_id is None
    assert tofu.per_serving == {"iron": 2.5, "omega3": 0.6}
    assert tofu.per_100g["iron"] == pytest.approx(2.5 * 100 / 400)
    assert tofu.serving_g == 400 and tofu.serving_text == "1 plate" and tofu.cost == 2.4
    assert tofu.role == "protein" and tofu.meals == ("lunch", "dinner")
    assert catalog.foods.at["kefir", "max_servings"] == 3
    assert catalog.filter(meal="snack").ids == ["kefir"]


def test_from_frame_per_100g_amounts_need_serving_grams() -> None:
    catalog = _from_recipes(amounts="per_100g", nutrient_columns=["iron"])
    oats = catalog["oats-bowl"]
    assert catalog.nutrient_keys == ["iron"]
    assert oats.per_100g == {"iron": 4.0}
    assert oats.per_serving["iron"] == pytest.approx(4.0 * 250 / 100)
    with pytest.raises(CatalogError, match="serving_g_column"):
        _from_recipes(amounts="per_100g", serving_g_column=None)


def test_from_frame_minimal_table_defaults() -> None:
    frame = pd.DataFrame({"id": [1, 2], "name": ["a", "b"], "zinc": [1.0, np.nan]})
    catalog = FoodCatalog.from_frame(frame)
    assert len(catalog) == 2 and catalog.nutrient_keys == ["zinc"]
    assert catalog[1].per_serving == {"zinc": 1.0}
    assert catalog[2].per_serving == {"zinc": None}  # NaN is unknown, not zero
    assert catalog[1].cost is None and catalog[1].serving_text == "1 serving"


@pytest.mark.parametrize(
    ("kwargs", "frame_edit", "words"),
    [
        ({"id_column": "code"}, None, ("id_column", "code")),
        ({"name_column": "label"}, None, ("name_column", "label")),
        ({"nutrient_columns": ["iron", "zinc"]}, None, ("nutrient_columns", "zinc")),
        ({"cost_column": "cost"}, None, ("cost_column", "cost")),
        ({"serving_g_column": "weight"}, None, ("serving_g_column", "weight")),
        ({"meals_column": "slot"}, None, ("meals_column", "slot")),
        ({}, ("sku", 2, "oats-bowl"), ("id_column", "oats-bowl")),
        ({}, ("iron", 1, -0.5), ("nutrient_columns", "≥ 0")),
        ({"amounts": "per_kg"}, None, ("amounts", "per_kg", "per_100g", "per_serving")),
        ({}, ("kind", 0, "cereal"), ("role_column", "cereal", "protein")),
        ({}, ("when", 0, "brunch"), ("meals_column", "brunch", "breakfast")),
    ],
)
def test_from_frame_errors_name_the_argument(
    kwargs: dict[str, Any], frame_edit: tuple[str, int, Any] | None, words: tuple[str, ...]
) -> None:
    frame = _recipes()
    if frame_edit is not None:
        column, row, value = frame_edit
        frame.loc[row, column] = value
    with pytest.raises(CatalogError) as info:
        _from_recipes(frame, **kwargs)
    message = str(info.value)
    assert message.startswith(words[0]), message
    for word in words:
        assert word in message, message


def test_to_frame_has_ids_nutrients_servings_tags_and_cost(
    curated_catalog: FoodCatalog,
) -> None:
    frame = curated_catalog.to_frame()
    assert len(frame) == len(curated_catalog)
    for column in ["fdc_id", "name", *curated_catalog.nutrient_keys, "serving_g"]:
        assert column in frame.columns, column
    for column in ["serving_text", "meals", "role", "diets", "allergens", "fortified", "cost"]:
        assert column in frame.columns, column
    row = frame.set_index("fdc_id").loc[173944]
    banana = curated_catalog[173944]
    assert row["name"] == banana.name
    assert row["magnesium"] == banana.per_100g["magnesium"]  # per 100 g, not per serving
    assert row["meals"] == ";".join(banana.meals)
    costed = _from_recipes().to_frame().set_index("id")
    assert costed.loc["kefir", "cost"] == 1.1 and costed.loc["kefir", "iron"] == pytest.approx(0.05)


def test_filter_by_diet_allergens_ids_fortified_meal_role(curated_catalog: FoodCatalog) -> None:
    foods = curated_catalog.foods
    vegan = curated_catalog.filter(diet="vegan")
    assert 0 < len(vegan) < len(curated_catalog)
    assert set(vegan.ids) == {i for i in foods.index if "vegan" in foods.at[i, "diets"]}

    safe = curated_catalog.filter(exclude_allergens=["milk", "tree_nuts"])
    assert set(safe.ids) == {
        i for i in foods.index if not {"milk", "tree_nuts"} & set(foods.at[i, "allergens"])
    }
    assert 0 < len(safe) < len(curated_catalog)

    picked = curated_catalog.filter(ids=[173944, 168463, 1])
    assert sorted(picked.ids) == [168463, 173944]
    assert 173944 not in curated_catalog.filter(exclude_ids=[173944])

    plain = curated_catalog.filter(allow_fortified=False)
    assert not plain.foods["fortified"].any()
    assert len(plain) == (~foods["fortified"].astype(bool)).sum() < len(curated_catalog)

    breakfast = curated_catalog.filter(meal="breakfast", role="dairy")
    assert len(breakfast) > 0
    assert all("breakfast" in m for m in breakfast.foods["meals"])
    assert (breakfast.foods["role"] == "dairy").all()

    combined = curated_catalog.filter(diet="vegetarian", dairy_free=True, gluten_free=True)
    assert all(
        {"vegetarian", "dairy_free", "gluten_free"} <= set(d) for d in combined.foods["diets"]
    )


@pytest.mark.parametrize(
    ("kwargs", "argument", "allowed"),
    [
        ({"diet": "keto"}, "diet", DIETS),
        ({"exclude_allergens": ["gluten"]}, "exclude_allergens", ALLERGENS),
        ({"meal": "brunch"}, "meal", MEALS),
        ({"role": "dessert"}, "role", ROLES),
    ],
)
def test_filter_errors_name_argument_and_allowed_values(
    curated_catalog: FoodCatalog, kwargs: dict[str, Any], argument: str, allowed: tuple[str, ...]
) -> None:
    with pytest.raises(CatalogError) as info:
        curated_catalog.filter(**kwargs)
    message = str(info.value)
    assert message.startswith(argument), message
    assert str(next(iter(kwargs.values()))).strip("[]'") in message
    for value in allowed:
        assert value in message, message


def test_find_ranks_name_matches_first_and_tolerates_typos(
    curated_catalog: FoodCatalog,
) -> None:
    salmon_names = [n for n in curated_catalog.foods["name"] if "salmon" in n.lower()]
    assert len(salmon_names) >= 2
    found = curated_catalog.find("salmon", limit=len(salmon_names) + 3)
    assert all("salmon" in f.name.lower() for f in found[: len(salmon_names)])
    assert {f.name for f in found[: len(salmon_names)]} == set(salmon_names)
    assert "salmon" in curated_catalog.find("Salmn")[0].name.lower()
    assert curated_catalog.find("bananna")[0].name == "Banana"
    assert curated_catalog.find("   ") == []
    assert curated_catalog.find("qqqzzzxx") == []


def test_lookup_by_id_and_len(curated_catalog: FoodCatalog) -> None:
    banana = curated_catalog[173944]
    assert banana.fdc_id == 173944 and banana.name == "Banana"
    assert curated_catalog.get(173944) == banana
    assert curated_catalog.get(1) is None
    assert 173944 in curated_catalog and 1 not in curated_catalog
    with pytest.raises(KeyError, match="1234567"):
        curated_catalog[1234567]
    assert len(curated_catalog) == len(_tag_table_rows()) == len(list(curated_catalog))


# ------------------------------------------------------------------------------------------
# 8. CLI
# ------------------------------------------------------------------------------------------


def test_cli_foods_search(capsys: pytest.CaptureFixture[str]) -> None:
    # The default catalogue is the foods as eaten: each line is a food code, name, role and
    # household portion, whole-word matches first.
    assert cli_main(["foods", "search", "almond"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    default = FoodCatalog.default()
    assert 10 <= len(lines) <= 15  # the default --limit
    for line in lines:
        code, rest = line.split(maxsplit=1)
        food = default[-int(code)]
        assert rest.startswith(f"{food.name}  [{food.role}; {food.serving_text}]"), line
    assert all(re.search(r"\balmonds?\b", line.lower()) for line in lines[:5]), lines


@pytest.mark.shared
def test_cli_foods_show(capsys: pytest.CaptureFixture[str], sources: Official) -> None:
    assert cli_main(["foods", "show", "171265"]) == 0
    out = capsys.readouterr().out
    assert "FDC 171265" in out and sources.sr_description[171265] in out
    lines = {line.split()[0]: line for line in out.splitlines()[3:] if line.strip()}
    expected = sources.values[171265]
    units = {"energy": "kcal", "magnesium": "mg", "potassium": "mg", "calcium": "mg"}
    units |= {"vitamin_d": "µg", "vitamin_b12": "µg"}
    for key, unit in units.items():
        amount, nutrient_id = expected[key]
        assert f"{amount:,.2f} {unit}" in lines[key], lines[key]
        assert lines[key].rstrip().endswith(str(nutrient_id)), lines[key]
    assert cli_main(["foods", "show", "1"]) == 2
    assert "1 is not among" in capsys.readouterr().err  # an error: stderr, not stdout


def _coverage_rows(out: str) -> dict[str, tuple[str, int, int, int]]:
    rows = {}
    for line in out.splitlines()[2:]:
        nutrient, unit, from_fdc, imputed, unknown = line.split()
        rows[nutrient] = (unit, int(from_fdc), int(imputed), int(unknown))
    return rows


def test_cli_foods_coverage(capsys: pytest.CaptureFixture[str], full_catalog: FoodCatalog) -> None:
    assert cli_main(["foods", "coverage"]) == 0
    rows = _coverage_rows(capsys.readouterr().out)
    default = FoodCatalog.default()
    expected = default.coverage()
    assert list(rows) == expected["nutrient"].tolist()
    for row in expected.itertuples():
        assert rows[row.nutrient] == (row.unit, row.from_fdc, row.imputed_zero, row.unknown)
        assert row.from_fdc + row.imputed_zero + row.unknown == len(default)
    # --all: every shipped food, the foods as eaten (FNDDS) and the ingredients.
    assert cli_main(["foods", "coverage", "--all", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    everything = FoodCatalog.full()
    assert records == json.loads(everything.coverage().to_json(orient="records"))
    assert records[0]["foods"] == len(everything) == len(full_catalog) + 7083
    assert cli_main(["foods", "search", "burrito with beans", "--all"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    code = int(first.split()[0])  # foods as eaten are listed by their FNDDS food code
    assert everything.foods.loc[-code, "food_code"] == code and "Burrito" in first


# ------------------------------------------------------------------------------------------
# 9. Offline
# ------------------------------------------------------------------------------------------


def test_catalogues_load_offline_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def no_network(*args: Any, **kwargs: Any) -> Any:
        calls.append(repr(args[:2]))
        raise AssertionError("the catalogue touched the network")

    monkeypatch.setenv("MEALPLAN_OFFLINE", "1")
    monkeypatch.setattr(requests.Session, "send", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    default, full = FoodCatalog.default(), FoodCatalog.full()
    assert len(default) >= 250 and len(full) >= 8070 + 7083
    assert not math.isnan(full.per_100g().loc[173944, "potassium"])
    assert calls == []
