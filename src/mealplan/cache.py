"""FoodCache: a read-through, on-disk cache of normalized foods and raw FDC responses.

Two layers:
- the **starter pack** that ships with mealplan (``data/usda_cache/``): read-only, one gzip'd
  JSON-lines file of normalized foods plus a manifest naming the data release; beside them, the
  FNDDS foods (``fndds.jsonl.gz``, sorted by food code, read with :func:`read_fndds_pack`), kept
  apart because they are keyed by food code, not FDC id, and are not FDC cache entries;
- the **user cache** (``MEALPLAN_CACHE_DIR``, else the platform's user cache directory): one JSON
  file per food, written atomically (temp file + ``os.replace``), so concurrent writers never
  leave a half-written entry and a killed process leaves at worst a stray temp file.

Every entry carries a schema version and a SHA-256 of its payload: an entry from another schema,
or a truncated or corrupted one, is treated as a miss (and removed), never as data.

Damaged or odd entries and folders never crash or block a read; each is a miss with a warning:
- an entry is opened without following a symlink and without blocking (a FIFO), and read only when
  it is a regular file; JSON nested too deep to parse is a damaged entry like any other;
- a symlinked folder *inside* the cache (``v1``, ``v1/foods``...) is refused: nothing is read or
  written through it (the cache folder itself may be a symlink: the user chose it);
- a cache that cannot be written (read-only, a folder that is a file, a symlinked folder) makes
  :meth:`FoodCache.put` raise :class:`~mealplan.errors.CacheError`; :meth:`FoodCache.try_put`, which
  the client uses, warns once per cache instead, so a downloaded food is still returned;
- a cache path that exists and is not a folder (e.g. ``MEALPLAN_CACHE_DIR`` naming a file) is a
  :class:`~mealplan.errors.CacheError` when the cache is created: it is a setting to fix, and
  running on without it would silently throw every download away;
- temporary files left by a killed writer are removed on first use once older than an hour
  (younger ones may belong to a writer still at work).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from mealplan.errors import CacheError
from mealplan.models import FOOD_SCHEMA_VERSION, Food

logger = logging.getLogger(__name__)

PACK_FOODS_FILE = "foods.jsonl.gz"
PACK_MANIFEST_FILE = "manifest.json"
#: Beside the foods, a pack may carry the catalogue's automatic tags, computed at build time.
PACK_AUTO_TAGS_FILE = "auto_tags.csv.gz"
#: The FNDDS foods of a pack; the manifest's "fndds" entry names their release and hash.
PACK_FNDDS_FILE = "fndds.jsonl.gz"
#: The FNDDS foods' tags (roles, meals, diets, allergens...), computed when the pack is built.
PACK_FNDDS_TAGS_FILE = "fndds_tags.csv.gz"
#: The FNDDS foods' catalogue rows (serving, tags, nutrients per 100 g and their ids), computed
#: from the two files above when the pack is built, so that loading the catalogue reads a table.
PACK_FNDDS_TABLE_FILE = "fndds_table.json.gz"
_TMP_PREFIX = ".tmp-"
#: A temporary file older than this is left over from a killed writer and is removed on first use.
STALE_TEMP_SECONDS = 3600.0
CACHE_DIR_ENV = "MEALPLAN_CACHE_DIR"
_TRUTHY = {"1", "true", "yes", "on"}


def env_flag(name: str) -> bool:
    """True when an environment variable is set to 1/true/yes/on."""
    return os.environ.get(name, "").strip().lower() in _TRUTHY


def default_cache_dir() -> Path:
    """``MEALPLAN_CACHE_DIR``, else the platform's per-user cache directory for mealplan."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("mealplan", appauthor=False))


def default_starter_dir() -> Path | None:
    """Where the shipped starter pack is: inside an installed wheel, or the repo's data folder."""
    configured = os.environ.get("MEALPLAN_STARTER_CACHE")
    candidates = [Path(configured)] if configured else []
    here = Path(__file__).resolve().parent
    candidates += [here / "_starter_cache", here.parents[1] / "data" / "usda_cache"]
    for candidate in candidates:
        if (candidate / PACK_MANIFEST_FILE).is_file():
            return candidate
    return None


def _check_cache_dir(path: Path, from_env: bool) -> None:
    """Raise CacheError when ``path`` exists and is not a folder (or lies under a file)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return  # made on the first write
    except NotADirectoryError:
        mode = None
    except OSError:
        return  # e.g. no permission: reads miss and writes warn, one by one
    if mode is not None and stat.S_ISDIR(mode):
        return
    source = f" ({CACHE_DIR_ENV})" if from_env else ""
    raise CacheError(
        f"the food cache path {path}{source} is not a folder: point "
        f"{CACHE_DIR_ENV if from_env else 'the cache path'} at a folder (it is created if missing)",
        path=str(path),
    )


class _OddEntryError(OSError):
    """A cache entry that is not a regular file (a folder, a FIFO, a device)."""


def _read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file; follows no symlink, never waits on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise _OddEntryError(f"{path} is {kind}")
        return handle.read()


def _canonical(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    The file is private (0600, as the temporary file it starts as) unless ``mode`` says otherwise.
    """
    atomic_write_chunks(path, (data,), mode=mode)


def atomic_write_chunks(path: Path, chunks: Iterable[bytes], *, mode: int | None = None) -> None:
    """:func:`atomic_write_bytes` for data that arrives in pieces (a batch's results, line by
    line): the pieces go to a temporary file beside ``path`` as they come, which replaces
    ``path`` only once the last one is written; an error on the way leaves ``path`` as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _envelope(kind: str, fdc_id: int, payload: Any) -> bytes:
    body = {
        "schema": FOOD_SCHEMA_VERSION,
        "kind": kind,
        "fdc_id": fdc_id,
        "sha256": hashlib.sha256(_canonical(payload)).hexdigest(),
        "payload": payload,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def _open_envelope(data: bytes, kind: str, fdc_id: int) -> Any:
    """The payload of an entry, or raise ValueError saying why it cannot be trusted."""
    try:
        body = json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
    if not isinstance(body, dict):
        raise ValueError("not a cache entry")
    if body.get("schema") != FOOD_SCHEMA_VERSION:
        raise ValueError(f"schema {body.get('schema')!r}, expected {FOOD_SCHEMA_VERSION}")
    if body.get("kind") != kind or body.get("fdc_id") != fdc_id:
        raise ValueError("entry belongs to another food")
    payload = body.get("payload")
    try:
        digest = hashlib.sha256(_canonical(payload)).hexdigest()
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
    if digest != body.get("sha256"):
        raise ValueError("checksum mismatch")
    return payload


@dataclass(frozen=True)
class CacheStats:
    """What the cache holds, JSON-ready via ``dataclasses.asdict``."""

    path: str
    schema_version: int
    offline: bool
    foods: int
    raw_responses: int
    bytes: int
    stray_temp_files: int
    starter_path: str | None
    starter_foods: int
    starter_release: str | None


@dataclass
class _Starter:
    """The read-only pack, loaded lazily on first use."""

    path: Path | None
    manifest: dict[str, Any] = field(default_factory=dict)
    records: dict[int, dict[str, Any]] = field(default_factory=dict)


def read_pack_auto_tags(path: Path) -> str | None:
    """The pack's automatic-tag table as CSV text, or None when the pack has none."""
    return _read_gzip_text(path / PACK_AUTO_TAGS_FILE)


def read_pack_fndds_tags(path: Path) -> str | None:
    """The pack's FNDDS tag table as CSV text, or None when the pack has none."""
    return _read_gzip_text(path / PACK_FNDDS_TAGS_FILE)


def read_pack_fndds_table(path: Path) -> tuple[dict[str, Any], str] | None:
    """The manifest's "fndds" entry and the pack's FNDDS catalogue table as JSON text, or None
    when the pack has none. Raises CacheError when the table is not the one the manifest names
    (its SHA-256 differs) or belongs to another schema."""
    file = path / PACK_FNDDS_TABLE_FILE
    entry = _fndds_entry(path, file)
    if entry is None or not file.is_file():
        return None
    return entry, gzip.decompress(_named_bytes(file, entry.get("table_sha256"))).decode("utf-8")


def _read_gzip_text(file: Path) -> str | None:
    if not file.is_file():
        return None
    return gzip.decompress(file.read_bytes()).decode("utf-8")


def _records(lines: Iterable[str], key: str) -> dict[int, dict[str, Any]]:
    """JSON lines keyed by the integer field ``key``."""
    records: dict[int, dict[str, Any]] = {}
    for line in lines:
        if line.strip():
            record = json.loads(line)
            records[int(record[key])] = record
    return records


def read_pack(path: Path) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """Read a pack folder: its manifest and its food records keyed by FDC id."""
    manifest = json.loads((path / PACK_MANIFEST_FILE).read_text(encoding="utf-8"))
    with gzip.open(path / PACK_FOODS_FILE, "rt", encoding="utf-8") as handle:
        return manifest, _records(handle, "fdc_id")


def read_fndds_pack(path: Path) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """A pack's FNDDS entry of the manifest and its FNDDS food records keyed by food code.

    Both are empty when the pack has no FNDDS foods. Raises CacheError when the file is not the
    one the manifest names (its SHA-256 differs) or belongs to another schema.
    """
    file = path / PACK_FNDDS_FILE
    entry = _fndds_entry(path, file)
    if entry is None:
        return {}, {}
    data = _named_bytes(file, entry.get("sha256"))
    with gzip.open(io.BytesIO(data), "rt", encoding="utf-8") as handle:
        return entry, _records(handle, "food_code")


def _fndds_entry(path: Path, file: Path) -> dict[str, Any] | None:
    """The manifest's "fndds" entry, or None when the pack has no FNDDS foods; CacheError
    (naming ``file``, the one about to be read) when the pack is of another schema."""
    manifest = json.loads((path / PACK_MANIFEST_FILE).read_text(encoding="utf-8"))
    entry = manifest.get("fndds")
    if not isinstance(entry, dict):
        return None
    if manifest.get("schema") != FOOD_SCHEMA_VERSION:
        raise CacheError(
            f"{file}: schema {manifest.get('schema')!r}, expected {FOOD_SCHEMA_VERSION}",
            path=str(file),
        )
    return entry


def _named_bytes(file: Path, sha256: object) -> bytes:
    """The bytes of ``file``, which must be those whose SHA-256 the manifest names."""
    data = file.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CacheError(f"{file} is not the file {PACK_MANIFEST_FILE} names", path=str(file))
    return data


def _gzip(data: bytes) -> bytes:
    """Gzip with no file name and no time stamp, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buffer.getvalue()


def _jsonl_gz(foods: Iterable[Food]) -> bytes:
    """One canonical JSON line per food (defaults left out), gzip'd without a time stamp."""
    return _gzip(
        b"".join(
            _canonical(food.model_dump(mode="json", exclude_defaults=True)) + b"\n"
            for food in foods
        )
    )


def write_pack(
    path: Path,
    foods: Iterable[Food],
    manifest: dict[str, Any],
    *,
    auto_tags_csv: str | None = None,
    fndds: Iterable[Food] | None = None,
    fndds_manifest: dict[str, Any] | None = None,
    fndds_tags_csv: str | None = None,
    fndds_table_json: str | None = None,
) -> dict[str, Any]:
    """Write foods as a read-only pack, byte-identical for the same input (sorted, no mtime).

    ``fndds`` foods (each with a food code) go to their own file, sorted by food code, and the
    manifest's "fndds" entry (``fndds_manifest`` plus file, count and SHA-256). Without them, an
    FNDDS file left by an earlier build is removed, so the folder holds what the manifest says.
    """
    ordered = sorted(foods, key=lambda food: food.fdc_id)
    data = _jsonl_gz(ordered)
    full_manifest = {
        **manifest,
        "schema": FOOD_SCHEMA_VERSION,
        "foods": len(ordered),
        "foods_sha256": hashlib.sha256(data).hexdigest(),
    }
    if auto_tags_csv is not None:
        tags = _gzip(auto_tags_csv.encode())
        full_manifest["auto_tags_sha256"] = hashlib.sha256(tags).hexdigest()
        atomic_write_bytes(path / PACK_AUTO_TAGS_FILE, tags, mode=0o644)
    if fndds is not None:
        by_code = sorted(fndds, key=_food_code)
        fndds_data = _jsonl_gz(by_code)
        full_manifest["fndds"] = {
            **(fndds_manifest or {}),
            "file": PACK_FNDDS_FILE,
            "foods": len(by_code),
            "sha256": hashlib.sha256(fndds_data).hexdigest(),
        }
        atomic_write_bytes(path / PACK_FNDDS_FILE, fndds_data, mode=0o644)
        if fndds_tags_csv is not None:
            fndds_tags = _gzip(fndds_tags_csv.encode())
            full_manifest["fndds"]["tags_sha256"] = hashlib.sha256(fndds_tags).hexdigest()
            atomic_write_bytes(path / PACK_FNDDS_TAGS_FILE, fndds_tags, mode=0o644)
        if fndds_table_json is not None:
            table = _gzip(fndds_table_json.encode())
            full_manifest["fndds"]["table_sha256"] = hashlib.sha256(table).hexdigest()
            atomic_write_bytes(path / PACK_FNDDS_TABLE_FILE, table, mode=0o644)
    else:
        for name in (PACK_FNDDS_FILE, PACK_FNDDS_TAGS_FILE, PACK_FNDDS_TABLE_FILE):
            with contextlib.suppress(FileNotFoundError):
                (path / name).unlink()
    atomic_write_bytes(path / PACK_FOODS_FILE, data, mode=0o644)
    manifest_text = json.dumps(full_manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_bytes(path / PACK_MANIFEST_FILE, manifest_text.encode(), mode=0o644)
    return full_manifest


def _food_code(food: Food) -> int:
    if food.food_code is None:
        raise ValueError(f"food {food.fdc_id} {food.description!r} has no FNDDS food code")
    return food.food_code


class FoodCache:
    """Normalized foods and raw FDC responses on disk, over the shipped starter pack.

    ``FoodCache()`` uses ``MEALPLAN_CACHE_DIR`` (else the user cache directory) and the shipped
    starter pack. ``offline=True`` (or ``MEALPLAN_OFFLINE=1``) tells the client never to call
    the network: a miss is then an :class:`~mealplan.errors.OfflineCacheMissError`.

    Raises :class:`~mealplan.errors.CacheError` when the cache path exists and is not a folder.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        starter: str | os.PathLike[str] | bool | None = True,
        offline: bool | None = None,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_cache_dir()
        _check_cache_dir(self.path, from_env=path is None and bool(os.environ.get(CACHE_DIR_ENV)))
        if starter is True:
            starter_path = default_starter_dir()
        elif starter is False or starter is None:
            starter_path = None
        else:
            starter_path = Path(starter)
        self._starter_path = starter_path
        self.offline = env_flag("MEALPLAN_OFFLINE") if offline is None else offline
        self._opened = False
        #: Problems already warned about (each once per instance).
        self._warned: set[str] = set()

    def __repr__(self) -> str:
        return f"FoodCache(path={str(self.path)!r}, offline={self.offline})"

    # -- layout -----------------------------------------------------------------------------
    @property
    def _root(self) -> Path:
        return self.path / f"v{FOOD_SCHEMA_VERSION}"

    def _food_path(self, fdc_id: int) -> Path:
        return self._root / "foods" / f"{int(fdc_id)}.json"

    def _raw_path(self, fdc_id: int) -> Path:
        return self._root / "raw" / f"{int(fdc_id)}.json"

    def _symlinked_folder(self, folder: Path) -> Path | None:
        """The first folder from the cache root down to ``folder`` that is a symlink, if any."""
        current = self.path
        for part in folder.relative_to(self.path).parts:
            current = current / part
            try:
                if stat.S_ISLNK(os.lstat(current).st_mode):
                    return current
            except OSError:
                return None  # absent (or unreadable): nothing below it to follow
        return None

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key in self._warned:
            logger.debug(message, *args)
            return
        self._warned.add(key)
        logger.warning(message, *args)

    def _open(self) -> None:
        """First use: sweep the temporary files that killed writers left behind."""
        if self._opened:
            return
        self._opened = True
        cutoff = time.time() - STALE_TEMP_SECONDS
        removed = 0
        for folder in (self._root / "foods", self._root / "raw"):
            if self._symlinked_folder(folder) is not None:
                continue
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if not entry.name.startswith(_TMP_PREFIX):
                    continue
                try:
                    if (
                        entry.is_file(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_mtime < cutoff
                    ):
                        os.unlink(entry.path)
                        removed += 1
                except OSError as exc:
                    logger.debug("stale temporary file %s not removed: %s", entry.path, exc)
        if removed:
            logger.info(
                "removed %d temporary file(s) older than %.0f s from %s (left by killed writers)",
                removed,
                STALE_TEMP_SECONDS,
                self._root,
            )

    @cached_property
    def _starter(self) -> _Starter:
        if self._starter_path is None:
            return _Starter(path=None)
        manifest, records = read_pack(self._starter_path)
        if manifest.get("schema") != FOOD_SCHEMA_VERSION:
            logger.warning(
                "starter pack at %s has schema %s, expected %s: ignored",
                self._starter_path,
                manifest.get("schema"),
                FOOD_SCHEMA_VERSION,
            )
            return _Starter(path=self._starter_path, manifest=manifest)
        return _Starter(path=self._starter_path, manifest=manifest, records=records)

    @property
    def starter_manifest(self) -> dict[str, Any]:
        """The starter pack's manifest (data release, counts), empty when there is none."""
        return dict(self._starter.manifest)

    # -- reading ----------------------------------------------------------------------------
    def _read_entry(self, path: Path, kind: str, fdc_id: int) -> Any | None:
        self._open()
        linked = self._symlinked_folder(path.parent)
        if linked is not None:
            self._warn_once(
                f"link:{linked}",
                "cache folder %s is a symbolic link: entries under it are not read (misses)",
                linked,
            )
            return None
        try:
            data = _read_regular_file(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("cache entry %s cannot be read (%s): treated as a miss", path, exc)
            return None
        try:
            return _open_envelope(data, kind, fdc_id)
        except (ValueError, UnicodeDecodeError) as exc:
            logger.warning("cache entry %s is unreadable (%s): treated as a miss", path, exc)
            if not self.offline:
                with contextlib.suppress(OSError):
                    path.unlink()
            return None

    def get(self, fdc_id: int) -> Food | None:
        """The cached food, from the user cache first, then the starter pack; None on a miss."""
        payload = self._read_entry(self._food_path(fdc_id), "food", fdc_id)
        if payload is not None:
            try:
                return Food.model_validate(payload)
            except (ValidationError, RecursionError) as exc:
                logger.warning("cache entry for %s does not validate (%s): a miss", fdc_id, exc)
        record = self._starter.records.get(int(fdc_id))
        return Food.model_validate(record) if record is not None else None

    def get_many(self, fdc_ids: Iterable[int]) -> dict[int, Food]:
        """The cached foods among ``fdc_ids``, keyed by id (misses are left out)."""
        found: dict[int, Food] = {}
        for fdc_id in fdc_ids:
            food = self.get(fdc_id)
            if food is not None:
                found[int(fdc_id)] = food
        return found

    def get_raw(self, fdc_id: int) -> Any | None:
        """The raw FDC response stored with the food, if any."""
        return self._read_entry(self._raw_path(fdc_id), "raw", fdc_id)

    def __contains__(self, fdc_id: object) -> bool:
        return isinstance(fdc_id, int) and self.get(fdc_id) is not None

    def user_food_ids(self) -> list[int]:
        """FDC ids stored in the user cache (not the starter pack), sorted."""
        folder = self._root / "foods"
        if not folder.is_dir():
            return []
        return sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit())

    def starter_food_ids(self) -> list[int]:
        return sorted(self._starter.records)

    def iter_foods(self) -> Iterator[Food]:
        """Every readable food, user cache over starter pack, in FDC id order."""
        ids = sorted(set(self.user_food_ids()) | set(self._starter.records))
        for fdc_id in ids:
            food = self.get(fdc_id)
            if food is not None:
                yield food

    # -- writing ----------------------------------------------------------------------------
    def put(self, food: Food, raw: Any | None = None) -> None:
        """Store a food (and the raw response it came from) atomically.

        Raises :class:`~mealplan.errors.CacheError` when the cache cannot be written: a
        read-only folder, a folder that is a file, or a symlinked folder inside the cache.
        """
        self._open()
        payload = food.model_dump(mode="json", exclude_defaults=True)
        self._write(self._food_path(food.fdc_id), _envelope("food", food.fdc_id, payload))
        if raw is not None:
            self._write(self._raw_path(food.fdc_id), _envelope("raw", food.fdc_id, raw))

    def try_put(self, food: Food, raw: Any | None = None) -> bool:
        """:meth:`put`, but a cache that cannot be written is warned about once, not raised.

        Returns whether the food was stored. For callers (the FDC client) whose food is worth
        returning even when it cannot be kept.
        """
        try:
            self.put(food, raw)
        except CacheError as exc:
            self._warn_once("write", "%s; foods are not cached (warned once)", exc)
            return False
        return True

    def _write(self, path: Path, data: bytes) -> None:
        linked = self._symlinked_folder(path.parent)
        if linked is not None:
            raise CacheError(
                f"cannot write {path.name} to the food cache: folder {linked} is a symbolic "
                "link, and the cache writes through none",
                path=str(linked),
            )
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            message = f"cannot write food cache entry {path}: {exc}"
            raise CacheError(message, path=str(path)) from exc

    def clear(self) -> int:
        """Delete the user cache (never the starter pack); returns the number of foods removed."""
        removed = len(self.user_food_ids())
        if self._root.exists():
            shutil.rmtree(self._root)
        return removed

    def stats(self) -> CacheStats:
        files = [p for p in self._root.rglob("*") if p.is_file()] if self._root.exists() else []
        raw_folder = self._root / "raw"
        return CacheStats(
            path=str(self.path),
            schema_version=FOOD_SCHEMA_VERSION,
            offline=self.offline,
            foods=len(self.user_food_ids()),
            raw_responses=len(list(raw_folder.glob("*.json"))) if raw_folder.is_dir() else 0,
            bytes=sum(p.stat().st_size for p in files),
            stray_temp_files=sum(1 for p in files if p.name.startswith(_TMP_PREFIX)),
            starter_path=str(self._starter.path) if self._starter.path else None,
            starter_foods=len(self._starter.records),
            starter_release=self._starter.manifest.get("release"),
        )
