"""Write a plan to a folder: JSON for apps, CSV for spreadsheets, HTML for people.

Each file is written atomically (a temporary file in the same folder, then ``os.replace``), so
a reader, or a second run writing the same folder, never sees half a file.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from mealplan.cache import atomic_write_bytes
from mealplan.plan import DayPlan, WeekPlan
from mealplan.preferences import Preferences
from mealplan.report import render_html
from mealplan.targets import Profile, Targets

__all__ = ["OUTPUT_FILES", "write_file", "write_outputs"]

#: What :func:`write_outputs` writes, by role: the file names are part of the interface.
OUTPUT_FILES = MappingProxyType(
    {
        "json": "plan.json",
        "csv": "plan.csv",
        "shopping_list": "shopping_list.csv",
        "html": "report.html",
    }
)


def write_outputs(
    plan: WeekPlan | DayPlan,
    out_dir: str | Path,
    *,
    targets: Targets,
    profile: Profile | None = None,
    preferences: Preferences | None = None,
    catalog_release: str | None = None,
) -> dict[str, Path]:
    """Write plan.json, plan.csv, shopping_list.csv and report.html into ``out_dir``.

    The folder is created if needed. Returns the written paths keyed as in
    :data:`OUTPUT_FILES`. ``plan.json`` reads back with ``WeekPlan.model_validate_json`` (or
    ``DayPlan`` for a day).
    """
    folder = Path(out_dir)
    contents = {
        "json": plan.model_dump_json(indent=2).encode("utf-8") + b"\n",
        "csv": plan.to_frame().to_csv(index=False).encode("utf-8"),
        "shopping_list": plan.shopping_list().to_csv(index=False).encode("utf-8"),
        "html": render_html(
            plan,
            profile=profile,
            targets=targets,
            preferences=preferences,
            catalog_release=catalog_release,
        ).encode("utf-8"),
    }
    written: dict[str, Path] = {}
    for role, data in contents.items():
        path = folder / OUTPUT_FILES[role]
        write_file(path, data)
        written[role] = path
    return written


def write_file(path: str | Path, data: bytes) -> None:
    """Write one output file atomically, readable as an ordinary file (0644): a plan is no
    secret, unlike the cache's private entries."""
    atomic_write_bytes(Path(path), data, mode=0o644)
