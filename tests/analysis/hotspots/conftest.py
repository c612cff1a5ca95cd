"""Shared fixtures: the real Portland calls files and small synthetic incident files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import SHARED_DATA


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Shadow the root conftest's autouse fixture of the same name, which needs pytest-django's
    ``settings``: these engine tests use no Django and must also run with ``-p no:django``."""


PORTLAND = [
    SHARED_DATA / "crime" / "portland_calls_2016_08.xlsx",
    SHARED_DATA / "crime" / "portland_calls_2016_09.xlsx",
]


@pytest.fixture
def portland_files() -> list[Path]:
    for path in PORTLAND:
        if not path.is_file():
            pytest.skip(f"shared data not present: {path}")
    return PORTLAND


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path
