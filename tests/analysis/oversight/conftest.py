"""Shared fixtures: the real Chicago complaint files and a small synthetic world."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import SHARED_DATA

CHICAGO = SHARED_DATA / "oversight" / "chicago"
NAMES = ("officers", "complaints", "force", "units")


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Shadow the root conftest's autouse fixture (it needs pytest-django): engine tests."""


@pytest.fixture
def chicago_files() -> list[Path]:
    files = [CHICAGO / f"{name}.csv.gz" for name in NAMES]
    for path in files:
        if not path.is_file():
            pytest.skip(f"shared data not present: {path}")
    return files


def write_world(folder: Path, officers: int = 60, seed: int = 3) -> list[Path]:
    """Officers appointed 1995-2004, complaints 2000-2010; a third are 'risky' and draw more
    complaints, force allegations and sustained findings every year."""
    import random

    rng = random.Random(seed)
    officer_rows, complaint_rows, force_rows, unit_rows = [], [], [], []
    allegation = 0
    for i in range(officers):
        oid = 1000 + i
        risky = i % 3 == 0
        race = ["White", "Black", "Hispanic"][i % 3 - 1]
        officer_rows.append(f"{oid},{1960 + i % 20},{'MF'[i % 2]},{race},{1995 + i % 10}-03-01,")
        unit_rows.append(f"{oid},{i % 4},{1995 + i % 10}-03-01,")
        for year in range(2000, 2011):
            for _ in range(rng.randint(1, 4) if risky else rng.randint(0, 1)):
                allegation += 1
                force = 1 if risky and rng.random() < 0.5 else 0
                finding = "SUSTAINED" if risky and rng.random() < 0.3 else "NOT SUSTAINED"
                day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                code = "05A" if force else "01B"
                complaint_rows.append(
                    f"{allegation},{allegation},{oid},{day},{day},{code},x,{force},{finding},"
                )
            if risky and year >= 2004:
                force_rows.append(
                    f"{len(force_rows) + 1},{oid},{year}-06-01,{int(rng.random() < 0.2)},0,0"
                )
    headers = {
        "officers": "officer_id,birth_year,gender,race,appointed_date,resigned_date",
        "complaints": "complaint_id,allegation_id,officer_id,complaint_date,incident_date,"
        "category_code,category,use_of_force,finding,closed_date",
        "force": "event_id,officer_id,date,firearm_used,taser_used,officer_injured",
        "units": "officer_id,unit,start_date,end_date",
    }
    rows = {
        "officers": officer_rows,
        "complaints": complaint_rows,
        "force": force_rows,
        "units": unit_rows,
    }
    paths = []
    for name in NAMES:
        path = folder / f"{name}.csv"
        path.write_text(headers[name] + "\n" + "\n".join(rows[name]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
