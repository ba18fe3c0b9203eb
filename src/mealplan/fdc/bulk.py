"""Readers for FDC's official bulk downloads, streaming one food at a time.

Formats:
- **FDC JSON** (``FoodData_Central_*_json_*.zip`` or the ``.json`` inside): one object whose single
  key (``FoundationFoods``, ``SRLegacyFoods``, ...) holds an array of full-format foods. The array
  is decoded item by item, so at most one food's JSON is in memory beside the read buffer.
- **FDC CSV** (``FoodData_Central_*_csv_*.zip`` or its unpacked folder): ``food.csv``,
  ``food_nutrient.csv``, ``food_portion.csv``, ... ``food_nutrient.csv`` is streamed row by row,
  keeping only the nutrients mealplan uses.
- **SR28 ASCII** (USDA's ``sr28asc.zip`` or folder: ``FOOD_DES``, ``NUT_DATA``, ``WEIGHT``,
  ``FD_GROUP``): the SR Legacy values keyed by NDB number. FDC ids come from the SR Legacy CSV
  tables (``sr_legacy_food.csv``: fdc_id → NDB number), so SR28 is read as the *values* source of
  an SR Legacy CSV folder that lacks ``food_nutrient.csv``: ``read_bulk(csv, values_from=sr28)``.

All of them normalize through :func:`mealplan.fdc.normalize.nutrients_from_amounts`, the same
rules as the API.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

from tqdm import tqdm

from mealplan.cache import FoodCache
from mealplan.errors import BulkImportError, FdcResponseError
from mealplan.fdc.normalize import nutrients_from_amounts, parse_food, portion_description
from mealplan.fdc.payloads import FoodPortionPayload, MeasureUnitPayload
from mealplan.models import Food, Portion
from mealplan.nutrients import WANTED_NUTRIENT_IDS, nutrient_id_for_number

logger = logging.getLogger(__name__)

_CHUNK_CHARS = 1 << 18
_DATA_TYPE_TABLES = {
    "foundation_food": "Foundation",
    "sr_legacy_food": "SR Legacy",
    "survey_fndds_food": "Survey (FNDDS)",
    "branded_food": "Branded",
}
_SR28_FILES = ("FOOD_DES.txt", "NUT_DATA.txt", "WEIGHT.txt", "FD_GROUP.txt")


class _Files:
    """Members of a zip archive or a folder, found by base name wherever they sit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    self._members.setdefault(child.name.lower(), str(child))
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            for name in self._zip.namelist():
                if not name.endswith("/"):
                    self._members.setdefault(PurePosixPath(name).name.lower(), name)
        elif path.is_file():
            self._members[path.name.lower()] = str(path)
        else:
            raise BulkImportError(f"{path}: no such file or folder")

    def names(self) -> list[str]:
        return sorted(self._members)

    def has(self, name: str) -> bool:
        return name.lower() in self._members

    def open_text(self, name: str, encoding: str = "utf-8") -> IO[str]:
        member = self._members[name.lower()]
        if self._zip is not None:
            return io.TextIOWrapper(self._zip.open(member), encoding=encoding, newline="")
        return open(member, encoding=encoding, newline="")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


@dataclass
class BulkInfo:
    """What a bulk source is; filled while reading (``skipped`` lists foods left out and why)."""

    path: str
    format: str
    release: str
    data_types: list[str] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


# -- JSON ---------------------------------------------------------------------------------------
_ARRAY_START = re.compile(r'\s*\{\s*"(?P<key>[A-Za-z]+)"\s*:\s*\[')


class _TextSource(Protocol):
    """What :func:`iter_json_array` reads from: a file, a zip member, or a prefixed stream."""

    def read(self, size: int, /) -> str: ...


def iter_json_array(stream: _TextSource) -> Iterator[Any]:
    """Decode the items of ``{"Key": [item, item, ...]}`` one by one from a text stream.

    Holds the read buffer (about ``_CHUNK_CHARS``) and one decoded item at a time.
    """
    decoder = json.JSONDecoder()
    buffer = ""
    while (match := _ARRAY_START.match(buffer)) is None and len(buffer) < 4096:
        more = stream.read(_CHUNK_CHARS)
        if not more:
            break
        buffer += more
    if match is None:
        raise BulkImportError('expected a JSON object of the form {"FoundationFoods": [...]}')
    pos = match.end()
    eof = False

    def refill() -> None:
        nonlocal buffer, pos, eof
        more = stream.read(_CHUNK_CHARS)
        eof = not more
        buffer, pos = buffer[pos:] + more, 0

    while True:
        while pos < len(buffer) and buffer[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(buffer):
            if eof:
                raise BulkImportError("the JSON array ends without its closing bracket")
            refill()
            continue
        if buffer[pos] == "]":
            return
        try:
            item, pos = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as exc:
            if eof:
                near = buffer[pos : pos + 80]
                raise BulkImportError(f"truncated or invalid JSON near: {near!r}") from exc
            refill()
            continue
        yield item


def _read_json(files: _Files, info: BulkInfo) -> Iterator[Food]:
    json_names = [n for n in files.names() if n.endswith(".json")]
    if len(json_names) != 1:
        raise BulkImportError(f"{files.path}: expected one .json file, found {json_names}")
    with files.open_text(json_names[0]) as stream:
        head = stream.read(2048)
        stream_rest = _Prefixed(head, stream)
        if head.lstrip().startswith("[") or '"fdcId"' in head.split("[", 1)[0]:
            items: Any = json.loads(head + stream.read())
            items = items if isinstance(items, list) else [items]
        else:
            items = iter_json_array(stream_rest)
        for item in items:
            try:
                food = parse_food(item, source=info.release)
            except FdcResponseError as exc:
                fdc_id = item.get("fdcId") if isinstance(item, dict) else None
                if isinstance(fdc_id, int):
                    info.skipped[fdc_id] = str(exc)
                    continue
                raise BulkImportError(f"{files.path}: {exc}") from exc
            if food.data_type not in info.data_types:
                info.data_types.append(food.data_type)
            yield food


class _Prefixed(io.TextIOBase):
    """A text stream that first returns an already-read prefix."""

    def __init__(self, prefix: str, rest: IO[str]) -> None:
        self._prefix = prefix
        self._rest = rest

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            out, self._prefix = self._prefix + self._rest.read(), ""
            return out
        if self._prefix:
            out, self._prefix = self._prefix[:size], self._prefix[size:]
            return out
        return self._rest.read(size)


# -- CSV ----------------------------------------------------------------------------------------
def _csv_rows(files: _Files, name: str) -> Iterator[dict[str, str]]:
    with files.open_text(name) as handle:
        yield from csv.DictReader(handle)


def _float(text: str | None) -> float | None:
    if text is None or text.strip() == "":
        return None
    return float(text)


def _lookup(files: _Files, name: str, key: str, value: str) -> dict[str, str]:
    if not files.has(name):
        return {}
    return {row[key]: row[value] for row in _csv_rows(files, name)}


@dataclass
class _CsvFood:
    fdc_id: int
    data_type: str
    description: str
    category: str | None
    publication_date: str | None
    ndb_number: int | None = None
    amounts: dict[int, tuple[float, str | None]] = field(default_factory=dict)
    portions: list[tuple[float, Portion]] = field(default_factory=list)


def _csv_foods(files: _Files) -> dict[int, _CsvFood]:
    categories = _lookup(files, "food_category.csv", "id", "description")
    wanted: dict[int, tuple[str, int | None]] = {}
    for table, label in _DATA_TYPE_TABLES.items():
        if files.has(f"{table}.csv"):
            for row in _csv_rows(files, f"{table}.csv"):
                ndb_text = (row.get("NDB_number") or "").strip()
                wanted[int(row["fdc_id"])] = (label, int(ndb_text) if ndb_text.isdigit() else None)
    if not wanted:
        raise BulkImportError(
            f"{files.path}: no foundation_food.csv, sr_legacy_food.csv, survey_fndds_food.csv "
            "or branded_food.csv: not an FDC CSV download"
        )
    foods: dict[int, _CsvFood] = {}
    for row in _csv_rows(files, "food.csv"):
        fdc_id = int(row["fdc_id"])
        if fdc_id in wanted:
            label, ndb = wanted[fdc_id]
            foods[fdc_id] = _CsvFood(
                fdc_id=fdc_id,
                data_type=label,
                description=row["description"],
                category=categories.get(row.get("food_category_id") or ""),
                publication_date=row.get("publication_date") or None,
                ndb_number=ndb,
            )
    return foods


def _csv_portions(files: _Files, foods: dict[int, _CsvFood]) -> None:
    if not files.has("food_portion.csv"):
        return
    units = _lookup(files, "measure_unit.csv", "id", "name")
    for row in _csv_rows(files, "food_portion.csv"):
        food = foods.get(int(row["fdc_id"]))
        grams = _float(row.get("gram_weight"))
        if food is None or not grams or grams <= 0:
            continue
        payload = FoodPortionPayload(
            amount=_float(row.get("amount")),
            modifier=row.get("modifier") or None,
            portionDescription=row.get("portion_description") or None,
            gramWeight=grams,
            measureUnit=MeasureUnitPayload(name=units.get(row.get("measure_unit_id") or "")),
        )
        order = _float(row.get("seq_num")) or float(row.get("id") or 0)
        food.portions.append(
            (order, Portion(description=portion_description(payload), gram_weight=grams))
        )


def _csv_nutrients(files: _Files, foods: dict[int, _CsvFood]) -> None:
    units = {
        int(row["id"]): row["unit_name"]
        for row in _csv_rows(files, "nutrient.csv")
        if int(row["id"]) in WANTED_NUTRIENT_IDS
    }
    for row in _csv_rows(files, "food_nutrient.csv"):
        nutrient_id = int(row["nutrient_id"])
        if nutrient_id not in WANTED_NUTRIENT_IDS:
            continue
        food = foods.get(int(row["fdc_id"]))
        amount = _float(row.get("amount"))
        if food is not None and amount is not None:
            food.amounts.setdefault(nutrient_id, (amount, units.get(nutrient_id)))


# -- SR28 ASCII ---------------------------------------------------------------------------------
def _sr28_rows(files: _Files, name: str) -> Iterator[list[str]]:
    """SR28 ASCII: ``~``-quoted text fields, ``^``-separated, Latin-1."""
    with files.open_text(name, encoding="latin-1") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if line:
                yield [part.strip("~") for part in line.split("^")]


def _sr28_values(values: _Files, foods: dict[int, _CsvFood], info: BulkInfo) -> None:
    missing = [name for name in _SR28_FILES if not values.has(name)]
    if missing:
        raise BulkImportError(f"{values.path}: not SR28 ASCII, missing {', '.join(missing)}")
    by_ndb = {food.ndb_number: food for food in foods.values() if food.ndb_number is not None}
    units = {row[0]: row[1] for row in _sr28_rows(values, "NUTR_DEF.txt")}
    groups = {row[0]: row[1] for row in _sr28_rows(values, "FD_GROUP.txt")}
    in_sr28: set[int] = set()
    for row in _sr28_rows(values, "FOOD_DES.txt"):
        food = by_ndb.get(int(row[0]))
        if food is not None:
            in_sr28.add(food.fdc_id)
            food.category = food.category or groups.get(row[1])
    for row in _sr28_rows(values, "NUT_DATA.txt"):
        nutrient_id = nutrient_id_for_number(row[1])
        if nutrient_id is None or nutrient_id not in WANTED_NUTRIENT_IDS:
            continue
        food = by_ndb.get(int(row[0]))
        amount = _float(row[2])
        if food is not None and amount is not None:
            food.amounts.setdefault(nutrient_id, (amount, units.get(row[1])))
    if not any(food.portions for food in foods.values()):
        for row in _sr28_rows(values, "WEIGHT.txt"):
            food = by_ndb.get(int(row[0]))
            grams = _float(row[4])
            if food is None or not grams:
                continue
            payload = FoodPortionPayload(amount=_float(row[2]), modifier=row[3], gramWeight=grams)
            food.portions.append(
                (
                    float(row[1]),
                    Portion(description=portion_description(payload), gram_weight=grams),
                )
            )
    for fdc_id in sorted(set(foods) - in_sr28):
        food = foods[fdc_id]
        info.skipped[fdc_id] = (
            f"{food.description!r} (NDB {food.ndb_number}) is not in SR28: SR Legacy (2018) "
            "added it after release 28, and this import takes its nutrient values from SR28"
        )


def _read_csv(files: _Files, info: BulkInfo, values_from: _Files | None) -> Iterator[Food]:
    foods = _csv_foods(files)
    _csv_portions(files, foods)
    if values_from is not None:
        _sr28_values(values_from, foods, info)
    elif files.has("food_nutrient.csv"):
        _csv_nutrients(files, foods)
    else:
        raise BulkImportError(
            f"{files.path}: has no food_nutrient.csv; give the SR28 ASCII files as the values "
            "source (values_from=..., or --values-from on the command line)"
        )
    for fdc_id in sorted(foods):
        if fdc_id in info.skipped:
            continue
        food = foods[fdc_id]
        nutrients, energy_source = nutrients_from_amounts(food.amounts)
        if food.data_type not in info.data_types:
            info.data_types.append(food.data_type)
        yield Food(
            fdc_id=fdc_id,
            description=food.description,
            data_type=food.data_type,
            category=food.category,
            ndb_number=food.ndb_number,
            publication_date=food.publication_date,
            nutrients=nutrients,
            energy_source=energy_source,  # type: ignore[arg-type]
            portions=[portion for _, portion in sorted(food.portions, key=lambda p: p[0])],
            source=info.release,
        )


# -- entry point --------------------------------------------------------------------------------
def _release_name(path: Path) -> str:
    return path.stem if path.suffix.lower() in (".zip", ".json") else path.name


class BulkReader:
    """Iterate the foods of an FDC bulk download: ``for food in BulkReader(path): ...``.

    ``values_from`` names SR28 ASCII files to take nutrient values from (for SR Legacy CSV
    tables that come without ``food_nutrient.csv``). After iteration, ``info.skipped`` lists the
    foods left out and why.
    """

    def __init__(self, path: str | Path, *, values_from: str | Path | None = None) -> None:
        self.path = Path(path)
        self._files = _Files(self.path)
        self._values = _Files(Path(values_from)) if values_from is not None else None
        names = self._files.names()
        if self._files.has("food.csv"):
            fmt = "csv"
        elif any(n.endswith(".json") for n in names):
            fmt = "json"
        elif all(self._files.has(n) for n in _SR28_FILES):
            raise BulkImportError(
                f"{self.path}: SR28 ASCII has NDB numbers, not FDC ids; import the SR Legacy "
                "CSV tables and pass these files as their values source (--values-from)"
            )
        else:
            raise BulkImportError(
                f"{self.path}: not an FDC bulk download (expected an FDC JSON or CSV zip or "
                "folder); found " + ", ".join(names[:8])
            )
        release = _release_name(self.path)
        if self._values is not None:
            release += f" + values from {_release_name(self._values.path)}"
        self.info = BulkInfo(path=str(self.path), format=fmt, release=release)

    def __iter__(self) -> Iterator[Food]:
        try:
            if self.info.format == "csv":
                yield from _read_csv(self._files, self.info, self._values)
            else:
                yield from _read_json(self._files, self.info)
        finally:
            self.close()

    def close(self) -> None:
        self._files.close()
        if self._values is not None:
            self._values.close()


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_bulk` did, JSON-ready via ``dataclasses.asdict``."""

    path: str
    format: str
    release: str
    data_types: list[str]
    imported: int
    skipped: dict[int, str]
    cache_path: str


def import_bulk(
    path: str | Path,
    cache: FoodCache,
    *,
    values_from: str | Path | None = None,
    progress: bool | None = None,
) -> ImportReport:
    """Read an FDC bulk download into ``cache``, one food at a time.

    ``progress=None`` shows a progress bar only when stderr is a terminal.
    """
    reader = BulkReader(path, values_from=values_from)
    imported = 0
    with tqdm(
        desc=f"importing {reader.path.name}",
        unit=" foods",
        disable=None if progress is None else not progress,
        leave=False,
    ) as bar:
        for food in reader:
            cache.put(food)
            imported += 1
            bar.update()
    logger.info("imported %d foods from %s into %s", imported, reader.path, cache.path)
    return ImportReport(
        path=str(reader.path),
        format=reader.info.format,
        release=reader.info.release,
        data_types=list(reader.info.data_types),
        imported=imported,
        skipped=dict(reader.info.skipped),
        cache_path=str(cache.path),
    )
