"""Issue #10, items 2, 4 and 7: where outputs may go, what a CSV cell may start with, and what
an output failure looks like (one stderr line, exit code 4, no partial set of files).

Nothing here relies on running as root: a full disk is a file-size limit in the child process
(``RLIMIT_FSIZE``, which binds root too), a broken folder is a parent path that is a regular
file, and the read-only-folder case drops to uid 65534 when run as root (skipped when that user
cannot run this interpreter).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import mealplan.export as export
from faults_support import (
    FORMULA_NAME,
    FORMULA_SERVING,
    PERSON,
    formula_plan,
    one_line,
    run_cli,
    tree,
)
from mealplan import DayPlan, Targets
from mealplan.cache import atomic_write_bytes
from mealplan.cli import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK
from mealplan.errors import MealplanError, OutputPathError, OutputWriteError
from mealplan.export import (
    OUTPUT_FILES,
    check_output_path,
    frame_to_csv,
    neutralise_csv_cell,
    write_file,
    write_outputs,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "mealplan"


@pytest.fixture(scope="module")
def day() -> DayPlan:
    return formula_plan()


def _write_set(plan: DayPlan, folder: Path) -> dict[str, Path]:
    return write_outputs(plan, folder, targets=Targets(minimums={"energy": 1500}))


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("this OS has no FIFOs (os.mkfifo)")
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("this OS has no Unix sockets")
    folder = Path(tempfile.mkdtemp(prefix="mp-sock-"))  # short: socket paths are limited
    path = folder / "s"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    try:
        yield path
    finally:
        server.close()
        path.unlink(missing_ok=True)
        folder.rmdir()


def _char_device() -> Path:
    path = Path(os.devnull)
    if not stat.S_ISCHR(path.stat().st_mode):
        pytest.skip(f"{path} is not a character device on this OS")
    return path


# -- item 2: special files are refused, never replaced, never opened --------------------------
def test_week_json_out_fifo_exits_2_and_the_fifo_stays(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path / "plan.fifo")
    # A writer that opened the FIFO would block forever: the timeout makes that a failure.
    result = run_cli(
        "week", *PERSON, "--days", "1", "--format", "json", "--out", str(fifo), timeout=60
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("mealplan: --out: ") and str(fifo) in line and "FIFO" in line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.fifo"]  # no temporary file


def test_character_device_out_exits_2_and_stays_a_device() -> None:
    device = _char_device()
    result = run_cli("day", *PERSON, "--format", "json", "--out", str(device), timeout=60)
    assert result.returncode == EXIT_BAD_INPUT and result.stdout == ""
    line = one_line(result.stderr)
    assert str(device) in line and "character device" in line
    assert stat.S_ISCHR(device.stat().st_mode)


def test_a_fifo_inside_the_out_folder_is_refused_before_planning(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    fifo = _fifo(folder / OUTPUT_FILES["csv"])
    result = run_cli("day", *PERSON, "--out", str(folder), timeout=60)
    assert result.returncode == EXIT_BAD_INPUT and result.stdout == ""
    assert str(fifo) in one_line(result.stderr)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in folder.iterdir()) == [OUTPUT_FILES["csv"]]


def test_out_dash_writes_to_stdout(tmp_path: Path) -> None:
    result = run_cli("day", *PERSON, "--format", "csv", "--out", "-", cwd=tmp_path)
    assert result.returncode == EXIT_OK, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert {"day", "meal", "name", "servings"} <= set(frame.columns) and len(frame) > 0
    assert list(tmp_path.iterdir()) == []  # no file called "-"


@pytest.mark.parametrize("kind", ["fifo", "socket", "device", "folder"])
def test_the_shared_writer_refuses_non_regular_targets(
    kind: str, tmp_path: Path, unix_socket: Path
) -> None:
    makers: dict[str, Callable[[], Path]] = {
        "fifo": lambda: _fifo(tmp_path / "f"),
        "socket": lambda: unix_socket,
        "device": _char_device,
        "folder": lambda: tmp_path,
    }
    target = makers[kind]()
    before = os.stat(target)
    with pytest.raises(OutputPathError) as raised:
        write_file(target, b"data")
    assert isinstance(raised.value, MealplanError)
    assert raised.value.path == str(target) and "not a regular file" in raised.value.reason
    after = os.stat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_write_outputs_refuses_a_special_file_among_its_four(day: DayPlan, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    fifo = _fifo(folder / OUTPUT_FILES["html"])
    with pytest.raises(OutputPathError, match="FIFO"):
        _write_set(day, folder)
    assert sorted(p.name for p in folder.iterdir()) == [OUTPUT_FILES["html"]]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_check_output_path_accepts_new_and_regular_paths(tmp_path: Path) -> None:
    existing = tmp_path / "old.json"
    existing.write_text("{}")
    assert check_output_path(existing) == existing
    assert check_output_path(tmp_path / "new" / "plan.json") == tmp_path / "new" / "plan.json"
    assert check_output_path(tmp_path, "folder") == tmp_path
    with pytest.raises(OutputPathError, match="not a folder"):
        check_output_path(existing, "folder")


# -- item 4: CSV formula injection --------------------------------------------------------------
def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_formula_food_name_is_neutralised_in_both_csv_files(day: DayPlan, tmp_path: Path) -> None:
    written = _write_set(day, tmp_path / "out")
    plan_rows = _rows(written["csv"])
    shopping_rows = _rows(written["shopping_list"])
    for rows in (plan_rows, shopping_rows):
        names = {row["name"] for row in rows}
        assert "'" + FORMULA_NAME in names, names
        assert FORMULA_NAME not in names
    evil = next(row for row in shopping_rows if row["food_id"] == "evil")
    assert evil["serving_text"] == "'" + FORMULA_SERVING
    # Numbers stay numbers: no quote in front of servings, kcal or day.
    for row in plan_rows:
        float(row["servings"]), float(row["energy_kcal"]), int(row["day"])
    # JSON is not a spreadsheet: the name is kept as given there.
    items = json.loads(written["json"].read_text())["meals"][0]["items"]
    assert FORMULA_NAME in {item["name"] for item in items}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Oats", "Oats"),
        ("", ""),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise_csv_cell(value: object, expected: object) -> None:
    assert neutralise_csv_cell(value) == expected


def test_frame_to_csv_keeps_negative_numbers_numeric() -> None:
    frame = pd.DataFrame(
        {"amount": [-1.5, 2.0], "text": ["-x", "ok"], "mixed": [-3, "=a"], "flag": [True, False]}
    )
    rows = list(csv.reader(io.StringIO(frame_to_csv(frame))))
    assert rows == [
        ["amount", "text", "mixed", "flag"],
        ["-1.5", "'-x", "-3", "True"],
        ["2.0", "ok", "'=a", "False"],
    ]


def test_every_csv_goes_through_the_one_helper() -> None:
    """``to_csv`` appears once in the library: inside :func:`frame_to_csv`."""
    hits = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".to_csv(" in line or "csv.writer(" in line or "csv.DictWriter(" in line
    ]
    assert len(hits) == 1 and hits[0].startswith("export.py:"), hits


# -- item 7: output failures are one line, exit code 4, and leave no partial set ---------------
def _limit_file_size(size: int) -> None:
    """In the child: writes past ``size`` bytes fail with EFBIG, as on a full disk (root too)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_full_disk_on_the_out_folder_is_one_line_exit_4_and_no_files(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    result = run_cli(
        "day", *PERSON, "--out", str(folder), preexec_fn=lambda: _limit_file_size(1024)
    )
    assert result.returncode == EXIT_FAILURE
    line = one_line(result.stderr)
    assert str(folder) in line and "too large" in line
    assert tree(folder) == {"notes.txt": b"mine\n"}  # none of the four, the user's file kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no staging folder left


def test_full_disk_on_a_single_file_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old\n")
    result = run_cli(
        "day",
        *PERSON,
        "--format",
        "json",
        "--out",
        str(target),
        preexec_fn=lambda: _limit_file_size(1024),
    )
    assert result.returncode == EXIT_FAILURE and result.stdout == ""
    assert str(target) in one_line(result.stderr)
    assert tree(tmp_path) == {"plan.json": b"old\n"}


def test_stdout_on_a_full_device_is_one_line_exit_4() -> None:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("/dev/full does not exist on this OS")
    with full.open("w") as stdout:
        result = run_cli("targets", *PERSON, stdout=stdout, stderr=subprocess.PIPE)
    assert result.returncode == EXIT_FAILURE
    assert one_line(result.stderr) == "mealplan: stdout: No space left on device"


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_parent_path_that_is_a_file_is_one_line_exit_4(fmt: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = blocker / ("plan.json" if fmt == "json" else "plan")
    result = run_cli("day", *PERSON, "--format", fmt, "--out", str(out), timeout=60)
    assert result.returncode == EXIT_FAILURE and result.stdout == ""
    line = one_line(result.stderr)
    assert str(out) in line and "parent" in line and "is a file" in line
    assert tree(tmp_path) == {"not-a-folder": b"x"}


def test_library_write_errors_are_typed(day: DayPlan, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputWriteError) as raised:
        write_file(blocker / "plan.json", b"{}")
    assert isinstance(raised.value, MealplanError) and isinstance(raised.value, OSError)
    assert "parent" in raised.value.reason
    with pytest.raises(OutputWriteError):
        _write_set(day, blocker / "out")
    assert tree(tmp_path) == {"file": b"x"}


def _run_as_nobody() -> Any:
    """A ``preexec_fn`` that drops to uid/gid 65534 when running as root, so that permission
    bits apply; skip when that user cannot run this interpreter and its packages."""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import mealplan"],
            preexec_fn=drop,
            capture_output=True,
            timeout=60,
            check=False,
            cwd="/",
        )
    except OSError as exc:
        pytest.skip(f"running as root and uid 65534 cannot run {sys.executable}: {exc}")
    if probe.returncode != 0:
        pytest.skip(f"running as root and uid 65534 cannot import mealplan from {sys.executable}")
    return drop


def test_read_only_folder_is_one_line_exit_4_and_no_files() -> None:
    drop = _run_as_nobody()
    with tempfile.TemporaryDirectory(prefix="mp-ro-") as parent_name:
        parent = Path(parent_name)
        parent.chmod(0o755)  # reachable by uid 65534
        folder = parent / "plan"
        folder.mkdir()
        (folder / "notes.txt").write_text("mine\n")
        folder.chmod(0o555)
        parent.chmod(0o555)  # no staging folder beside it either
        try:
            result = run_cli("day", *PERSON, "--out", str(folder), preexec_fn=drop, cwd="/")
        finally:
            parent.chmod(0o755)
            folder.chmod(0o755)
        assert result.returncode == EXIT_FAILURE
        line = one_line(result.stderr)
        assert str(folder) in line and "Permission denied" in line
        assert tree(folder) == {"notes.txt": b"mine\n"}
        assert sorted(p.name for p in parent.iterdir()) == ["plan"]


def test_folder_nobody_may_write_is_one_line_exit_4() -> None:
    """Linux's sysfs refuses new files to every user, root included: a read-only folder that
    needs no permission bits, so this case runs under any user."""
    folder = Path("/sys/kernel")
    if not folder.is_dir():
        pytest.skip("no sysfs at /sys (not Linux): no folder that refuses every user")
    before = sorted(p.name for p in folder.iterdir())
    result = run_cli("day", *PERSON, "--out", str(folder), cwd="/")
    assert result.returncode == EXIT_FAILURE
    line = one_line(result.stderr)
    assert str(folder) in line or "/sys" in line
    assert sorted(p.name for p in folder.iterdir()) == before
    assert not any(name.startswith(".") and "mealplan" in name for name in os.listdir("/sys"))


# -- the partial-set rule -----------------------------------------------------------------------
def test_failure_on_the_third_file_leaves_no_new_files(
    day: DayPlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    (folder / OUTPUT_FILES["json"]).write_text("old plan\n")
    before = tree(folder)
    real = atomic_write_bytes
    calls: list[Path] = []

    def third_fails(path: Path, data: bytes, *, mode: int | None = None) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data, mode=mode)

    monkeypatch.setattr(export, "atomic_write_bytes", third_fails)
    with pytest.raises(OutputWriteError) as raised:
        _write_set(day, folder)
    assert calls[2].name == OUTPUT_FILES["shopping_list"]
    assert raised.value.path == str(folder / OUTPUT_FILES["shopping_list"])
    assert "No space left" in raised.value.reason
    assert tree(folder) == before  # nothing new, the old plan and the user's file kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_on_the_third_file_creates_no_folder(
    day: DayPlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = atomic_write_bytes
    calls: list[Path] = []

    def third_fails(path: Path, data: bytes, *, mode: int | None = None) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(path, data, mode=mode)

    monkeypatch.setattr(export, "atomic_write_bytes", third_fails)
    with pytest.raises(OutputWriteError):
        _write_set(day, tmp_path / "new")
    assert list(tmp_path.iterdir()) == []


def test_failure_while_moving_the_set_puts_the_old_files_back(
    day: DayPlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    for name in OUTPUT_FILES.values():
        (folder / name).write_text(f"old {name}\n")
    before = tree(folder)
    real = os.replace
    failing = folder / OUTPUT_FILES["shopping_list"]

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        if Path(dst) == failing and Path(src).parent != folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputWriteError) as raised:
        _write_set(day, folder)
    assert raised.value.path == str(failing)
    assert tree(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_successful_set_keeps_other_files_and_replaces_old_ones(
    day: DayPlan, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    (folder / OUTPUT_FILES["json"]).write_text("old plan\n")
    written = _write_set(day, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*OUTPUT_FILES.values(), "notes.txt"])
    assert DayPlan.model_validate_json(written["json"].read_text()).model_dump_json() == (
        day.model_dump_json()
    )
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
