"""Issue #10, item 5: dependency floors exclude versions with known fixes missing, and every
floor carries its reason in a comment."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _requirements() -> dict[str, Requirement]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    found = (Requirement(line) for line in data["project"]["dependencies"])
    return {req.name.lower(): req for req in found}


@pytest.mark.parametrize(
    ("name", "too_old", "fixed"),
    [
        ("requests", "2.32.3", "2.32.4"),  # CVE-2024-47081 fixed in 2.32.4
        ("requests", "2.31.0", "2.32.4"),  # CVE-2024-35195 fixed in 2.32.0
        ("tqdm", "4.66.2", "4.66.3"),  # CVE-2024-34062 fixed in 4.66.3
    ],
)
def test_floors_exclude_versions_without_the_security_fix(
    name: str, too_old: str, fixed: str
) -> None:
    specifier = _requirements()[name].specifier
    assert not specifier.contains(too_old), f"{name} {specifier} allows {too_old}"
    assert specifier.contains(fixed)


def test_every_dependency_has_a_comment_giving_its_reason() -> None:
    lines = PYPROJECT.read_text(encoding="utf-8").splitlines()
    start = lines.index("dependencies = [")
    end = lines.index("]", start)
    previous = ""
    for line in lines[start + 1 : end]:
        stripped = line.strip()
        if stripped.startswith('"'):
            assert previous.startswith("#"), f"no reason given above {stripped}"
        previous = stripped
    assert set(_requirements()) >= {
        "pulp",
        "highspy",
        "pandas",
        "numpy",
        "requests",
        "pydantic",
        "platformdirs",
        "tqdm",
    }
