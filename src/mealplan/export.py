"""Write a plan to a folder: JSON for apps, CSV for spreadsheets, HTML for people.

Every output goes through one checked path function, :func:`check_output_path`: an existing
target that is not a regular file (a device such as ``/dev/null``, a FIFO, a socket, a folder
where a file is expected) is refused with :class:`~mealplan.errors.OutputPathError` before
anything is written, and is never opened, so a FIFO cannot block the writer.

A single file is written atomically (a temporary file in the same folder, then ``os.replace``),
so a reader, or a second run writing the same file, never sees half a file. The four files of
:func:`write_outputs` are written as a set: all of them or none. A failure (read-only folder,
full disk, a parent path that is a file) raises :class:`~mealplan.errors.OutputWriteError`
naming the path and the reason, and leaves the folder as it was.

Every CSV goes through :func:`frame_to_csv`, which neutralises text cells a spreadsheet would
run as a formula (see :func:`neutralise_csv_cell`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import pandas as pd

from mealplan.cache import atomic_write_bytes, atomic_write_chunks
from mealplan.domain.plan import DayPlan, WeekPlan
from mealplan.errors import OutputPathError, OutputWriteError
from mealplan.preferences import Preferences
from mealplan.report import render_html
from mealplan.targets import Profile, Targets

__all__ = [
    "OUTPUT_FILES",
    "check_output_path",
    "frame_to_csv",
    "neutralise_csv_cell",
    "write_file",
    "write_outputs",
]

logger = logging.getLogger(__name__)

#: What :func:`write_outputs` writes, by role: the file names are part of the interface.
OUTPUT_FILES = MappingProxyType(
    {
        "json": "plan.json",
        "csv": "plan.csv",
        "shopping_list": "shopping_list.csv",
        "html": "report.html",
    }
)

#: Output files are no secret, unlike the cache's private entries.
_FILE_MODE = 0o644

#: First characters that make a spreadsheet read a cell as a formula (or hide one behind a
#: control character): OWASP's CSV-injection list, plus line feed.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


# -- CSV ---------------------------------------------------------------------------------------
def neutralise_csv_cell(value: object) -> object:
    """``value`` made safe for a spreadsheet: text starting with ``=``, ``+``, ``-``, ``@``,
    tab, carriage return or line feed gets a leading ``'``, following OWASP's advice on CSV
    injection, so Excel, LibreOffice or Google Sheets show it as text instead of running it.

    Only text is changed: numbers (a negative amount too), None and NaN come back as they are.
    The ``'`` stays in the file; a program reading the CSV sees ``'=HYPERLINK(...)``.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def frame_to_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index) with every text cell passed through
    :func:`neutralise_csv_cell`; numeric and boolean columns are written unchanged.

    Every CSV mealplan writes (``plan.csv``, ``shopping_list.csv``, ``--format csv``) is made
    here.
    """
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        safe[column] = series.map(neutralise_csv_cell)
    return str(safe.to_csv(index=False))


# -- paths -------------------------------------------------------------------------------------
def check_output_path(
    path: str | os.PathLike[str], kind: Literal["file", "folder"] = "file"
) -> Path:
    """``path`` as a :class:`~pathlib.Path`, once it is safe to write as a ``kind``.

    A path that does not exist yet is fine. An existing one must be a regular file (for
    ``kind="file"``) or a folder (for ``kind="folder"``); anything else, such as a character
    device (``/dev/null``, ``/dev/full``), a FIFO, a socket or a folder where a file is expected,
    raises :class:`~mealplan.errors.OutputPathError`. A parent path that is a file raises
    :class:`~mealplan.errors.OutputWriteError`. The path is only examined (``stat``), never
    opened: a FIFO cannot block the caller.
    """
    target = Path(path)
    try:
        info = os.stat(target)  # follows a symlink: a link to a device is a device
    except FileNotFoundError:
        return target
    except NotADirectoryError:
        raise OutputWriteError(target, "a parent of this path is a file, not a folder") from None
    except OSError as exc:
        raise OutputWriteError(target, _reason(exc)) from None
    mode = info.st_mode
    if kind == "folder":
        if not stat.S_ISDIR(mode):
            raise OutputPathError(target, f"is {_describe(mode)}, not a folder")
        return target
    if not stat.S_ISREG(mode):
        raise OutputPathError(target, f"is {_describe(mode)}, not a regular file; not replaced")
    return target


def _describe(mode: int) -> str:
    for test, words in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISREG, "a file"),
    ):
        if test(mode):
            return words
    return "a special file"


def _reason(exc: OSError) -> str:
    """The system's explanation of an OSError, without the path (the message names it once)."""
    if exc.errno == errno.EFBIG:
        return "file too large for this file system or process limit (is the disk full?)"
    if exc.errno == errno.ENOTDIR:
        return "a parent of this path is a file, not a folder"
    return exc.strerror or str(exc)


# -- writers -----------------------------------------------------------------------------------
def write_file(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Write one output file atomically, readable as an ordinary file (0644). ``data`` may come
    in pieces (an iterable of bytes), written as they come.

    Raises :class:`~mealplan.errors.OutputPathError` for an existing target that is not a
    regular file (nothing is written) and :class:`~mealplan.errors.OutputWriteError` when the
    write fails (no temporary file is left; an existing file keeps its old content).
    """
    target = check_output_path(path, "file")
    try:
        chunks = (data,) if isinstance(data, bytes) else data
        atomic_write_chunks(target, chunks, mode=_FILE_MODE)
    except OSError as exc:
        raise OutputWriteError(target, _reason(exc)) from None


def write_outputs(
    plan: WeekPlan | DayPlan,
    out_dir: str | os.PathLike[str],
    *,
    targets: Targets,
    profile: Profile | None = None,
    preferences: Preferences | None = None,
    catalog_release: str | None = None,
) -> dict[str, Path]:
    """Write plan.json, plan.csv, shopping_list.csv and report.html into ``out_dir``.

    The folder is created if needed; other files in it are left alone. The four files are
    written as a set: into a temporary sibling folder first, then moved into place, so a
    failure leaves none of them (and restores any earlier plan files). Returns the written
    paths keyed as in :data:`OUTPUT_FILES`. ``plan.json`` reads back with
    ``WeekPlan.model_validate_json`` (or ``DayPlan`` for a day).

    Raises :class:`~mealplan.errors.OutputPathError` when ``out_dir`` or one of the four names
    in it is not what it should be (before anything is written), and
    :class:`~mealplan.errors.OutputWriteError` when writing fails.
    """
    folder = check_output_path(out_dir, "folder")
    targets_by_role = {role: folder / name for role, name in OUTPUT_FILES.items()}
    for path in targets_by_role.values():
        check_output_path(path, "file")
    contents = {
        "json": plan.model_dump_json(indent=2).encode("utf-8") + b"\n",
        "csv": frame_to_csv(plan.to_frame()).encode("utf-8"),
        "shopping_list": frame_to_csv(plan.shopping_list()).encode("utf-8"),
        "html": render_html(
            plan,
            profile=profile,
            targets=targets,
            preferences=preferences,
            catalog_release=catalog_release,
        ).encode("utf-8"),
    }
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputWriteError(folder.parent, _reason(exc)) from None
    staging = _staging_folder(folder)
    try:
        for role, data in contents.items():
            staged = staging / OUTPUT_FILES[role]
            try:
                atomic_write_bytes(staged, data, mode=_FILE_MODE)
            except OSError as exc:
                raise OutputWriteError(targets_by_role[role], _reason(exc)) from None
        if _move_folder(staging, folder):
            return targets_by_role
        _move_files(staging, targets_by_role)
        return targets_by_role
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging_folder(folder: Path) -> Path:
    """A new, empty sibling of ``folder`` (same file system, so renames are atomic)."""
    for _ in range(100):
        staging = folder.parent / f".{folder.name}.mealplan-{secrets.token_hex(4)}.tmp"
        try:
            staging.mkdir()  # 0777 less the umask, as a folder made by mkdir
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputWriteError(folder, _reason(exc)) from None
        return staging
    raise OutputWriteError(folder, "could not create a temporary folder beside it")


def _move_folder(staging: Path, folder: Path) -> bool:
    """Rename the staged set to ``folder`` when that does not exist: one atomic step."""
    if folder.exists():
        return False
    try:
        os.rename(staging, folder)
    except OSError as exc:
        if folder.is_dir():  # created meanwhile by someone else: move file by file instead
            return False
        raise OutputWriteError(folder, _reason(exc)) from None
    return True


def _move_files(staging: Path, targets_by_role: dict[str, Path]) -> None:
    """Move the staged files over ``targets_by_role``; on failure put the old ones back."""
    moved: dict[Path, Path | None] = {}  # target -> its previous file, kept in staging
    current = staging
    try:
        for role, target in targets_by_role.items():
            current = target
            old: Path | None = None
            if target.exists():
                old = staging / f"{target.name}.old"
                try:
                    os.link(target, old)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, old)
            os.replace(staging / OUTPUT_FILES[role], target)
            moved[target] = old
    except OSError as exc:
        for target, old in moved.items():
            with contextlib.suppress(OSError):
                if old is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(old, target)
        logger.info("put back %d output file(s) after a failed move", len(moved))
        raise OutputWriteError(current, _reason(exc)) from None
