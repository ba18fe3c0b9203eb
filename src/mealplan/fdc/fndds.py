"""Reader for USDA's FNDDS "At A Glance" files and FPED: one normalized Food per food code.

FNDDS (Food and Nutrient Database for Dietary Studies) lists foods as people eat them; FPED
(Food Patterns Equivalents Database) gives the same food codes in Dietary Guidelines food
groups. A folder laid out like ``../shared/fndds`` holds four CSV files, found by name:

- ``* Foods and Beverages*.csv``: food code, descriptions, WWEIA category;
- ``* FNDDS Nutrient Values*.csv``: 65 nutrients per 100 g (the main table, streamed);
- ``* Portions and Weights*.csv``: household portions in grams;
- ``FPED_*.csv``: 37 food-pattern components per 100 g.

The At A Glance files open with a title record (quoted, spanning two lines) before the header,
several header names hold a line break ("Sugars, total\\n(g)"), and files may start with a
byte-order mark: the header is the first record whose first cell is "Food code", whitespace in
header names is folded to one space, and files are decoded as ``utf-8-sig``.

Each food becomes a :class:`~mealplan.models.Food`:

- nutrients through :func:`mealplan.fdc.normalize.nutrients_from_amounts` (the rules every FDC
  source follows), each column read as the FDC nutrient in :data:`NUTRIENT_COLUMNS`;
  ``added_sugars`` is computed from FPED's ``ADD_SUGARS`` (tsp eq.) at 4.2 g per tsp eq.
  (nutrient id 0, with a note), FNDDS having no added-sugars column;
- ``food_groups``: all 37 FPED columns under the keys of :data:`mealplan.food_groups.FOOD_GROUPS`;
- portions: a weight of 0 (or USDA's -9, "missing") means no weight was given, and the row is
  skipped. Order: household measures in USDA's sequence, then "Quantity not specified" (a
  default amount, kept), then the measures of brand-specific subcodes, described as
  "1 cake (Tastykake Chocolate Kandy Kakes)"; so a catalogue taking the first portion gets a
  generic household measure;
- identity: ``food_code`` with ``release`` ("FNDDS 2017-2018", from the file names), the WWEIA
  number in ``wweia_category`` and its description in ``category``, ``data_type`` "Survey
  (FNDDS)". The FDC id is not in these files: ``fdc_id`` is
  :func:`~mealplan.models.fndds_food_id` (minus the food code), never a real FDC id.

Resolving the FDC id online (not done here): FDC serves FNDDS foods as "Survey (FNDDS)" records
that carry the same ``foodCode``. ``FdcClient.search(str(food_code), data_types="Survey
(FNDDS)")`` returns hits whose ``Food.food_code`` can be compared with the code (hits are
abridged and carry no cycle dates); ``FdcClient.list_foods(data_types="Survey (FNDDS)")`` pages
through all of them when a search misses. The matching record's ``fdc_id`` then fetches the full
record with ``get_food``, whose ``release`` comes from its NHANES cycle (``startDate`` and
``endDate``). FDC keeps only its current FNDDS release online, so a 2017-2018 code may resolve
to a record of another release, with other values: compare ``release`` before mixing them.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import IO

from mealplan.errors import BulkImportError
from mealplan.fdc.normalize import nutrients_from_amounts
from mealplan.food_groups import ADDED_SUGARS_G_PER_TSP_EQ, FOOD_GROUPS
from mealplan.models import Food, NutrientValue, Portion, fndds_food_id

logger = logging.getLogger(__name__)

DATA_TYPE = "Survey (FNDDS)"

#: The four files by role: a pattern their lower-cased file name matches.
FILE_PATTERNS: dict[str, str] = {
    "foods": "*foods and beverages*.csv",
    "nutrients": "*nutrient values*.csv",
    "portions": "*portions and weights*.csv",
    "fped": "fped*.csv",
}

#: At A Glance nutrient column (line breaks folded) → the FDC nutrient id it holds. The unit in
#: the column name is the unit of the values. Checked against FDC's nutrient list and the FDC
#: Survey record of food 73101010 (same ids, same units).
NUTRIENT_COLUMNS: dict[str, int] = {
    "Energy (kcal)": 1008,
    "Protein (g)": 1003,
    "Carbohydrate (g)": 1005,
    "Total Fat (g)": 1004,
    "Fiber, total dietary (g)": 1079,
    "Sugars, total (g)": 2000,
    "Fatty acids, total saturated (g)": 1258,
    "Retinol (mcg)": 1105,
    "Vitamin B-6 (mg)": 1175,
    "Vitamin B-12 (mcg)": 1178,
    "Vitamin B-12, added (mcg)": 1246,
    "Vitamin D (D2 + D3) (mcg)": 1114,
    "Calcium (mg)": 1087,
    "Magnesium (mg)": 1090,
    "Potassium (mg)": 1092,
    "Sodium (mg)": 1093,
    "Caffeine (mg)": 1057,
    "Alcohol (g)": 1018,
    "Water (g)": 1051,
}

_FOOD_CODE = "Food code"
_FPED_FOOD_CODE = "FOODCODE"
_HEADER_SEARCH_RECORDS = 5
_UNIT_IN_NAME = re.compile(r"\(([^()]*)\)\s*$")
_FPED_NAME = re.compile(r"^(?P<column>\S+) \((?P<unit>[^()]+)\)$")
_FNDDS_YEARS = re.compile(r"(?P<start>\d{4})-(?P<end>\d{4}) FNDDS", re.IGNORECASE)
_FPED_YEARS = re.compile(r"FPED_(?P<start>\d{2})(?P<end>\d{2})", re.IGNORECASE)
ADDED_SUGARS_NOTE = (
    f"computed from FPED ADD_SUGARS (tsp eq.) at {ADDED_SUGARS_G_PER_TSP_EQ:g} g per tsp eq. "
    "(FPED documentation)"
)


@dataclass
class FnddsInfo:
    """What an FNDDS folder holds; counts filled while reading."""

    path: str
    release: str
    #: The file of each role (``foods``, ``nutrients``, ``portions``, ``fped``).
    files: dict[str, Path]
    foods: int = 0
    portions: int = 0
    #: Portion rows left out, by reason ("weight 0", "weight -9").
    skipped_portions: dict[str, int] = field(default_factory=dict)
    #: Food codes without an FPED row (their ``food_groups`` stay None: unknown).
    without_food_groups: list[int] = field(default_factory=list)
    #: Food codes without any portion with a weight.
    without_portions: list[int] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The files a food came from, for ``Food.source``."""
        return " + ".join(self.files[role].stem for role in ("nutrients", "fped"))


# -- files and tables ---------------------------------------------------------------------------
def find_files(folder: Path) -> dict[str, Path]:
    """The four files of an FNDDS folder by role; BulkImportError naming what is missing."""
    if not folder.is_dir():
        raise BulkImportError(f"{folder}: not a folder (expected FNDDS At A Glance files)")
    children = sorted(p for p in folder.iterdir() if p.is_file())
    found: dict[str, Path] = {}
    for role, pattern in FILE_PATTERNS.items():
        matches = [p for p in children if fnmatch(p.name.lower(), pattern)]
        if len(matches) != 1:
            names = ", ".join(p.name for p in matches) or "none"
            raise BulkImportError(f"{folder}: expected one file like {pattern!r}, found {names}")
        found[role] = matches[0]
    return found


def release_of(files: dict[str, Path]) -> str:
    """The release ("FNDDS 2017-2018") from the file names; FPED must name the same years."""
    fndds = _FNDDS_YEARS.search(files["nutrients"].name)
    if fndds is None:
        raise BulkImportError(
            f"{files['nutrients']}: cannot tell the FNDDS release from the file name "
            "(expected '2017-2018 FNDDS ...')"
        )
    fped = _FPED_YEARS.search(files["fped"].name)
    if fped is not None and (fped["start"], fped["end"]) != (
        fndds["start"][2:],
        fndds["end"][2:],
    ):
        raise BulkImportError(
            f"{files['fped']}: FPED for other years than {fndds['start']}-{fndds['end']}"
        )
    return f"FNDDS {fndds['start']}-{fndds['end']}"


def header_name(cell: str) -> str:
    """A header cell with the BOM dropped and line breaks and runs of spaces folded."""
    return " ".join(cell.replace("\ufeff", "").split())


class _Table:
    """The rows of one file after its title lines, as dicts keyed by folded header names."""

    def __init__(self, path: Path, first_header: str, required: list[str]) -> None:
        self.path = path
        self._first = first_header
        self._required = required
        self.line = 0
        self.header: list[str] = []

    def where(self) -> str:
        return f"{self.path.name}, line {self.line}"

    def error(self, message: str) -> BulkImportError:
        return BulkImportError(f"{self.where()}: {message}")

    def _find_header(self, reader: Iterator[list[str]]) -> None:
        for _ in range(_HEADER_SEARCH_RECORDS):
            record = next(reader, None)
            if record is None:
                break
            if record and header_name(record[0]) == self._first:
                self.header = [header_name(cell) for cell in record]
                missing = [c for c in self._required if c not in self.header]
                if missing:
                    names = ", ".join(map(repr, missing))
                    raise BulkImportError(f"{self.path.name}: no column {names}")
                return
        raise BulkImportError(
            f"{self.path.name}: no header row starting with {self._first!r} in the first "
            f"{_HEADER_SEARCH_RECORDS} records"
        )

    def rows(self) -> Iterator[dict[str, str]]:
        with open(self.path, encoding="utf-8-sig", newline="") as handle:
            yield from self._rows(handle)

    def _rows(self, handle: IO[str]) -> Iterator[dict[str, str]]:
        reader = csv.reader(handle)
        try:
            self._find_header(reader)
            self.line = reader.line_num
            for record in reader:
                self.line = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(self.header):
                    raise self.error(
                        f"{len(record)} fields where the header has {len(self.header)}"
                    )
                yield dict(zip(self.header, record, strict=True))
        except csv.Error as exc:
            raise BulkImportError(f"{self.path.name}, line {reader.line_num}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise BulkImportError(f"{self.path.name}: not UTF-8 text ({exc})") from exc

    def number(self, row: dict[str, str], column: str) -> float | None:
        """A cell as a float, None when empty; BulkImportError naming file, line and column."""
        text = row[column].strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise self.error(f"column {column!r}: {text!r} is not a number") from None

    def food_code(self, row: dict[str, str], column: str = _FOOD_CODE) -> int:
        text = row[column].strip()
        if len(text) != 8 or not text.isdigit():
            raise self.error(f"{text!r} is not an 8-digit FNDDS food code")
        return int(text)


# -- the four files -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Described:
    description: str
    additional: str | None
    wweia: int
    wweia_description: str


def _descriptions(path: Path) -> dict[int, _Described]:
    columns = [
        "Main food description",
        "Additional food description",
        "WWEIA Category number",
        "WWEIA Category description",
    ]
    table = _Table(path, _FOOD_CODE, columns)
    found: dict[int, _Described] = {}
    for row in table.rows():
        code = table.food_code(row)
        if code in found:
            raise table.error(f"food code {code} listed twice")
        wweia = row["WWEIA Category number"].strip()
        if not wweia.isdigit():
            raise table.error(f"WWEIA category {wweia!r} is not a number")
        found[code] = _Described(
            description=row["Main food description"].strip(),
            additional=row["Additional food description"].strip() or None,
            wweia=int(wweia),
            wweia_description=row["WWEIA Category description"].strip(),
        )
    return found


def _fped_columns(table: _Table) -> dict[str, str]:
    """Food-group key → FPED header name; every component must be there, in its unit."""
    by_column: dict[str, tuple[str, str]] = {}
    for name in table.header[1:]:
        match = _FPED_NAME.match(name)
        if match is not None:
            by_column[match["column"]] = (name, match["unit"])
    columns: dict[str, str] = {}
    for spec in FOOD_GROUPS:
        name, unit = by_column.get(spec.fped_column, ("", ""))
        if not name:
            raise BulkImportError(f"{table.path.name}: no FPED column {spec.fped_column}")
        if unit != spec.fped_unit:
            raise BulkImportError(
                f"{table.path.name}: {spec.fped_column} is in {unit!r}, expected {spec.fped_unit!r}"
            )
        columns[spec.key] = name
    return columns


def _food_groups(path: Path) -> dict[int, dict[str, float]]:
    table = _Table(path, _FPED_FOOD_CODE, [])
    found: dict[int, dict[str, float]] = {}
    columns: dict[str, str] = {}
    for row in table.rows():
        if not columns:
            columns = _fped_columns(table)
        code = table.food_code(row, _FPED_FOOD_CODE)
        if code in found:
            raise table.error(f"food code {code} listed twice")
        amounts: dict[str, float] = {}
        for key, column in columns.items():
            amount = table.number(row, column)
            if amount is None or amount < 0:
                raise table.error(f"column {column!r}: {row[column]!r} is not an amount")
            amounts[key] = amount
        found[code] = amounts
    return found


def _portion_order(subcode: str, portion: Portion, sequence: float) -> tuple[int, int, int, float]:
    """Generic measures, then "Quantity not specified", then subcodes (each in USDA's order)."""
    brand = int(subcode) if subcode.isdigit() else 0
    return (1 if brand else 0, 1 if portion.quantity_not_specified else 0, brand, sequence)


def _portions(path: Path, info: FnddsInfo) -> dict[int, list[Portion]]:
    columns = ["Subcode", "Subcode description", "Seq num", "Portion description"]
    table = _Table(path, _FOOD_CODE, [*columns, "Portion weight (g)"])
    found: dict[int, list[tuple[tuple[int, int, int, float], int, Portion]]] = {}
    for index, row in enumerate(table.rows()):
        code = table.food_code(row)
        grams = table.number(row, "Portion weight (g)")
        if grams is None or grams <= 0:
            reason = f"weight {row['Portion weight (g)'].strip() or 'empty'}"
            info.skipped_portions[reason] = info.skipped_portions.get(reason, 0) + 1
            continue
        description = row["Portion description"].strip()
        brand = row["Subcode description"].strip()
        if row["Subcode"].strip() and brand:
            description = f"{description} ({brand})"
        portion = Portion(description=description, gram_weight=grams)
        order = _portion_order(row["Subcode"].strip(), portion, table.number(row, "Seq num") or 0)
        found.setdefault(code, []).append((order, index, portion))
    info.portions = sum(len(portions) for portions in found.values())
    return {code: [p for *_, p in sorted(rows)] for code, rows in found.items()}


def _nutrients(table: _Table, row: dict[str, str]) -> dict[int, tuple[float, str | None]]:
    amounts: dict[int, tuple[float, str | None]] = {}
    for column, nutrient_id in NUTRIENT_COLUMNS.items():
        amount = table.number(row, column)
        if amount is not None:
            unit = _UNIT_IN_NAME.search(column)
            amounts[nutrient_id] = (amount, unit.group(1) if unit else None)
    return amounts


def _added_sugars(groups: dict[str, float] | None) -> NutrientValue | None:
    if groups is None:
        return None
    grams = round(groups["fg_added_sugars_tsp"] * ADDED_SUGARS_G_PER_TSP_EQ, 6)
    return NutrientValue(amount=grams, unit="g", nutrient_id=0, note=ADDED_SUGARS_NOTE)


# -- the reader ---------------------------------------------------------------------------------
class FnddsReader:
    """Iterate the FNDDS foods of a folder: ``for food in FnddsReader(path): ...``.

    The descriptions, portions and FPED tables are read first (one entry per food code); the
    nutrient table is then streamed, one Food at a time, in its own order. ``info`` counts what
    was read and skipped.
    """

    def __init__(self, folder: str | Path) -> None:
        self.path = Path(folder)
        files = find_files(self.path)
        self.info = FnddsInfo(path=str(self.path), release=release_of(files), files=files)

    def __iter__(self) -> Iterator[Food]:
        files = self.info.files
        described = _descriptions(files["foods"])
        groups = _food_groups(files["fped"])
        portions = _portions(files["portions"], self.info)
        table = _Table(files["nutrients"], _FOOD_CODE, ["Main food description", *NUTRIENT_COLUMNS])
        seen: set[int] = set()
        for row in table.rows():
            code = table.food_code(row)
            if code in seen:
                raise table.error(f"food code {code} listed twice")
            seen.add(code)
            yield self._food(table, row, code, described, groups.get(code), portions.get(code))
        unlisted = sorted(set(described) - seen)
        if unlisted:
            raise BulkImportError(
                f"{files['foods'].name}: {len(unlisted)} food code(s) without nutrient values "
                f"in {files['nutrients'].name}, e.g. {unlisted[:5]}: files of different releases?"
            )
        logger.info(
            "%s: %d foods, %d portions (skipped: %s)",
            self.info.release,
            self.info.foods,
            self.info.portions,
            self.info.skipped_portions or "none",
        )

    def _food(
        self,
        table: _Table,
        row: dict[str, str],
        code: int,
        described: dict[int, _Described],
        groups: dict[str, float] | None,
        portions: list[Portion] | None,
    ) -> Food:
        about = described.get(code)
        description = row["Main food description"].strip()
        if about is None or about.description != description:
            raise table.error(
                f"food code {code} {description!r} is described as "
                f"{about.description if about else 'nothing'!r} in {self.info.files['foods'].name}"
            )
        nutrients, energy_source = nutrients_from_amounts(_nutrients(table, row))
        added_sugars = _added_sugars(groups)
        if added_sugars is not None:
            nutrients["added_sugars"] = added_sugars
        if groups is None:
            self.info.without_food_groups.append(code)
        if not portions:
            self.info.without_portions.append(code)
        self.info.foods += 1
        return Food(
            fdc_id=fndds_food_id(code),
            description=description,
            data_type=DATA_TYPE,
            category=about.wweia_description,
            nutrients=nutrients,
            energy_source=energy_source,  # type: ignore[arg-type]
            portions=portions or [],
            source=self.info.source,
            food_code=code,
            release=self.info.release,
            wweia_category=about.wweia,
            additional_description=about.additional,
            food_groups=groups,
        )


def read_fndds(folder: str | Path) -> tuple[list[Food], FnddsInfo]:
    """Every FNDDS food of a folder, in food-code order, and what was read."""
    reader = FnddsReader(folder)
    foods = sorted(reader, key=lambda food: food.food_code or 0)
    return foods, reader.info
