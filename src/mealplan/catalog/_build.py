"""Build the shipped starter pack (``data/usda_cache/``) from USDA's official files.

``python -m mealplan.catalog build --from ../shared`` (the folder holding ``fdc/`` and
``fndds/``) reads:
- Foundation Foods (the FDC CSV zip, which carries full-precision values and more Atwater
  energy values than the JSON zip of the same release);
- SR Legacy: the FDC CSV tables (FDC ids, descriptions, categories, portions) with nutrient
  values from USDA's SR28 ASCII files, joined on the NDB number;
- FNDDS 2017-2018 "At A Glance" files with FPED (:mod:`mealplan.fdc.fndds`), written to their
  own file, ``fndds.jsonl.gz``, sorted by food code.
``--from ../shared/fdc`` (a folder without ``fdc/``) builds the pack without FNDDS, as before.
It writes gzip'd JSON-lines files and a manifest (release, counts, SHA-256 of every pack file and
FNDDS source file), byte-identical on every run, and fails loudly when the curated tag table
names a food the sources lack or a serving FDC does not have.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mealplan.autotag import auto_tags, tags_to_csv
from mealplan.cache import write_pack
from mealplan.catalog._fndds import table_json as fndds_table_json
from mealplan.catalog._fndds import tags_csv as fndds_tags_csv
from mealplan.catalog._tags import TagRow, read_tag_table
from mealplan.errors import BulkImportError, MealplanError
from mealplan.fdc.bulk import BulkReader
from mealplan.fdc.fndds import DATA_TYPE as FNDDS_DATA_TYPE
from mealplan.fdc.fndds import FnddsInfo, read_fndds
from mealplan.models import Food

logger = logging.getLogger(__name__)

_SERVING_TOLERANCE_G = 0.051


class CatalogBuildError(MealplanError):
    """The official files and the tag table disagree; nothing was written."""


@dataclass(frozen=True)
class BuildSources:
    """The official files a build reads."""

    foundation: Path
    sr_legacy: Path
    sr28: Path
    #: The FNDDS At A Glance + FPED folder; None builds a pack without FNDDS foods.
    fndds: Path | None = None

    @classmethod
    def from_folder(cls, folder: str | Path) -> BuildSources:
        """Find the files in ``../shared`` (``fdc/`` and ``fndds/``) or ``../shared/fdc``.

        Given the parent, ``fndds/`` must be there (a pack silently missing its FNDDS foods
        would be worse than an error); given the FDC folder itself, FNDDS is left out.
        """
        root = Path(folder)
        fndds: Path | None = None
        if (root / "fdc").is_dir():
            fndds = root / "fndds"
            if not fndds.is_dir():
                raise CatalogBuildError(
                    f"{root}: has fdc/ but no fndds/; give {root / 'fdc'} to build without FNDDS"
                )
            root = root / "fdc"
        bulk = root / "bulk" if (root / "bulk").is_dir() else root

        def one(pattern: str) -> Path:
            found = sorted(bulk.glob(pattern))
            if not found:
                raise CatalogBuildError(f"{bulk}: no file matches {pattern!r}")
            return found[-1]

        return cls(
            foundation=one("FoodData_Central_foundation_food_csv_*.zip"),
            sr_legacy=one("sr_legacy_food_csv_*"),
            sr28=one("sr28asc*.zip"),
            fndds=fndds,
        )


def _check_serving(row: TagRow, food: Food) -> str | None:
    """Why a curated serving is not one of FDC's portions (times a whole number), or None."""
    if row.serving_source != "fdc_portion":
        return None
    for portion in food.portions:
        ratio = row.serving_g / portion.gram_weight
        if round(ratio) >= 1 and abs(row.serving_g - round(ratio) * portion.gram_weight) <= (
            _SERVING_TOLERANCE_G * round(ratio)
        ):
            return None
    weights = ", ".join(f"{p.description} = {p.gram_weight:g} g" for p in food.portions) or "none"
    return (
        f"{row.fdc_id} {row.name!r}: serving {row.serving_g:g} g is marked fdc_portion but FDC's "
        f"portions are: {weights}"
    )


def validate_tags(tags: list[TagRow], foods: dict[int, Food]) -> None:
    """Fail loudly when a tagged id is missing from the sources or its serving is not FDC's."""
    problems = [
        f"{row.fdc_id} {row.name!r}: not in the source files"
        for row in tags
        if row.fdc_id not in foods
    ]
    problems += [
        problem
        for row in tags
        if row.fdc_id in foods and (problem := _check_serving(row, foods[row.fdc_id]))
    ]
    if problems:
        shown = "\n  ".join(problems[:30])
        raise CatalogBuildError(f"{len(problems)} problem(s) in food_tags.csv:\n  {shown}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fndds_manifest(info: FnddsInfo, foods: list[Food]) -> dict[str, Any]:
    """The manifest's "fndds" entry (the pack adds file, count and SHA-256)."""
    return {
        "release": info.release,
        "data_type": FNDDS_DATA_TYPE,
        "id": "fdc_id is minus the food code (FDC ids are not in these files)",
        "sources": [
            {"role": role, "file": path.name, "sha256": _sha256(path)}
            for role, path in sorted(info.files.items())
        ],
        "counts": {
            "wweia_categories": len({food.wweia_category for food in foods}),
            "portions": info.portions,
            "portions_skipped": dict(sorted(info.skipped_portions.items())),
            "foods_without_portions": len(info.without_portions),
            "foods_without_food_groups": len(info.without_food_groups),
        },
    }


def read_fndds_sources(folder: Path) -> tuple[list[Food], dict[str, Any]]:
    """The FNDDS foods of a folder and their manifest entry; CatalogBuildError if unreadable."""
    try:
        foods, info = read_fndds(folder)
    except BulkImportError as exc:
        raise CatalogBuildError(f"FNDDS: {exc}") from exc
    logger.info("%s: %d foods", info.release, len(foods))
    return foods, _fndds_manifest(info, foods)


def build_pack(sources: BuildSources, out: str | Path) -> dict[str, Any]:
    """Read the official files, check the tag table against them, write the pack."""
    foundation = BulkReader(sources.foundation)
    sr_legacy = BulkReader(sources.sr_legacy, values_from=sources.sr28)
    foods: dict[int, Food] = {}
    for reader in (foundation, sr_legacy):
        for food in reader:
            foods[food.fdc_id] = food
        logger.info("%s: %d foods", reader.info.release, len(foods))
    validate_tags(read_tag_table(), foods)
    skipped = {**foundation.info.skipped, **sr_legacy.info.skipped}
    manifest = {
        "release": "FDC Foundation Foods 2024-10-31 + SR Legacy 2018-04 (values: SR28)",
        "sources": [
            {"file": sources.foundation.name, "data_type": "Foundation"},
            {"file": sources.sr_legacy.name, "data_type": "SR Legacy", "part": "ids, portions"},
            {"file": sources.sr28.name, "data_type": "SR Legacy", "part": "nutrient values"},
        ],
        "counts": {
            "Foundation": sum(1 for f in foods.values() if f.data_type == "Foundation"),
            "SR Legacy": sum(1 for f in foods.values() if f.data_type == "SR Legacy"),
        },
        "skipped": {str(fdc_id): why for fdc_id, why in sorted(skipped.items())},
    }
    tags = tags_to_csv(
        (food.fdc_id, auto_tags(food.category, food.description)) for food in foods.values()
    )
    fndds, fndds_manifest = (
        read_fndds_sources(sources.fndds) if sources.fndds is not None else (None, None)
    )
    fndds_tags = fndds_table = None
    if fndds is not None:
        fndds_tags = fndds_tags_csv(fndds)
        fndds_table = fndds_table_json(fndds, fndds_tags)
    return write_pack(
        Path(out),
        foods.values(),
        manifest,
        auto_tags_csv=tags,
        fndds=fndds,
        fndds_manifest=fndds_manifest,
        fndds_tags_csv=fndds_tags,
        fndds_table_json=fndds_table,
    )
