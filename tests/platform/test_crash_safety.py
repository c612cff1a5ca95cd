"""kill -9 in the middle of background and long jobs, then restart (issue #20, crash safety).

* a resolution run queued for the background worker: the worker is killed mid-run; the next
  worker hands the task back (``records.worker.resume_abandoned``) and the *same* run
  finishes once — one run row, done; one ``resolve.run`` audit event; no pair stored twice;
  no record in two active merges;
* a ledger scan killed mid-way, then run again: the alerts are those of one complete scan;
* a hotspot forecast queued for the worker, killed mid-computation: the next worker computes
  it again and stores its result and its one audit event together, once.

After each, SQLite's ``PRAGMA integrity_check`` answers ``ok`` and ``usalama audit verify``
passes. (An import killed mid-way is tested in ``test_imports.py``.)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

USALAMA = [sys.executable, "-m", "usalama.cli"]
pytestmark = pytest.mark.slow


def _env(var: Path) -> dict[str, str]:
    env = {**os.environ, "USALAMA_VAR_DIR": str(var)}
    env.pop("USALAMA_DATABASE_URL", None)
    return env


def _cli(args: list[str], var: Path) -> str:
    done = subprocess.run(
        [*USALAMA, *args], capture_output=True, text=True, env=_env(var), timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _query(db: Path, sql: str) -> list[Any]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def _kill_when(process: subprocess.Popen[bytes], db: Path, sql: str, limit: float = 300) -> bool:
    """SIGKILL the process as soon as ``sql`` returns a row; whether it was still running."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(sqlite3.OperationalError):
            if _query(db, sql):
                break
        time.sleep(0.05)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return alive


def _people(count: int) -> list[dict[str, Any]]:
    """``count`` records of ``count // 2`` people: each twice, the second spelled differently."""
    first = ["Mohamed", "Wanjiku", "Otieno", "Achieng", "Kamau", "Njeri", "Hassan", "Mutua"]
    middle = ["Abdi", "Wairimu", "Odhiambo", "Wafula", "Mwangi", "Chebet", "Omondi", "Akinyi"]
    last = ["Kiprop", "Ouma", "Karanja", "Mohamud", "Barasa", "Nyambura", "Korir", "Adhiambo"]
    people = []
    for j in range(count // 2):
        name = f"{first[j % 8]} {middle[(j // 8) % 8]} {last[(j // 64) % 8]}"
        born = f"19{60 + j % 40}-{1 + (j // 40) % 12:02d}-{1 + j % 28:02d}"
        for side, shown in (("a", name), ("b", name.replace("a", "aa", 1))):
            people.append(
                {
                    "id": f"p-{j}-{side}",
                    "schema": "Person",
                    "properties": {"name": [shown], "birthDate": [born]},
                }
            )
    return people


def _bank(count: int) -> list[dict[str, Any]]:
    accounts = [
        {
            "id": f"acct-{i}",
            "schema": "BankAccount",
            "properties": {"accountNumber": [f"KE{i:08d}"]},
        }
        for i in range(40)
    ]
    payments = [
        {
            "id": f"pay-{i}",
            "schema": "Payment",
            "properties": {
                "payer": [f"acct-{i % 40}"],
                "beneficiary": [f"acct-{(i * 7 + 1) % 40}"],
                "amount": [str(9_000 + (i % 13) * 100)],
                "currency": ["KES"],
                "date": [f"2024-0{1 + i % 9}-{10 + i % 18}"],
            },
        }
        for i in range(count)
    ]
    return accounts + payments


def _write(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities))
    return path


def _integrity(var: Path) -> None:
    assert _query(var / "usalama.sqlite3", "PRAGMA integrity_check") == [("ok",)]
    assert "audit chain intact" in _cli(["audit", "verify"], var)


@pytest.fixture
def installation(tmp_path: Path) -> Path:
    var = tmp_path / "var"
    var.mkdir()
    os.environ.setdefault("USALAMA_AUDIT_SIGNING_KEY", str(tmp_path / "audit.pem"))
    _cli(["migrate"], var)
    _cli(["agency", "create", "--code", "DCI", "--name", "DCI", "--country", "KE",
          "--kind", "investigations"], var)  # fmt: skip
    _cli(["createuser", "--agency", "DCI", "--role", "analyst", "--username", "a1",
          "--password", "a long enough passphrase 9"], var)  # fmt: skip
    return var


def test_resolution_run_killed_with_its_worker_finishes_once(
    installation: Path, tmp_path: Path
) -> None:
    var = installation
    db = var / "usalama.sqlite3"
    people = _write(tmp_path / "people.ftm.json", _people(1_200))
    _cli(["import", str(people), "--collection", "people", "--as", "a1"], var)
    queued = _cli(["resolve", "run", "--collections", "people", "--as", "a1", "--background"], var)
    assert "queued" in queued.lower() or any(ch.isdigit() for ch in queued)

    worker = subprocess.Popen(
        [*USALAMA, "worker"], env=_env(var), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    killed = _kill_when(
        worker, db, "SELECT id FROM resolve_resolutionrun WHERE status = 'running' AND step >= 1"
    )
    assert killed, "the run finished before the worker was killed"
    assert _query(db, "SELECT status FROM resolve_resolutionrun") == [("running",)]

    _cli(["worker", "--batch"], var)  # a new worker resumes the dead one's task
    assert _query(db, "SELECT status FROM resolve_resolutionrun") == [("done",)]
    assert _query(db, "SELECT count(*) FROM audit_auditevent WHERE action = 'resolve.run'") == [
        (1,)
    ]
    assert (
        _query(
            db,
            "SELECT left_entity_id, right_entity_id FROM resolve_candidatepair "
            "GROUP BY 1, 2 HAVING count(*) > 1",
        )
        == []
    )
    assert (
        _query(
            db,
            "SELECT m.entity_id FROM resolve_mergemember m "
            "JOIN resolve_merge g ON g.id = m.merge_id WHERE g.undone_at IS NULL "
            "GROUP BY m.entity_id HAVING count(*) > 1",
        )
        == []
    )
    assert _query(db, "SELECT count(*) FROM resolve_candidatepair")[0][0] > 0
    _integrity(var)


def test_ledger_scan_killed_then_rerun_gives_one_scans_alerts(
    installation: Path, tmp_path: Path
) -> None:
    var = installation
    db = var / "usalama.sqlite3"
    bank = _write(tmp_path / "bank.ftm.json", _bank(4_000))
    _cli(["import", str(bank), "--collection", "bank", "--as", "a1"], var)
    _cli(["ledger", "sync", "--collection", "bank", "--as", "a1"], var)
    command = [*USALAMA, "ledger", "scan", "--collection", "bank", "--as", "a1"]
    scan = subprocess.Popen(
        command, env=_env(var), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # the scan reads, computes, then writes all alerts in one transaction: kill it while the
    # process is busy. Where the kill lands depends on the machine (the whole command takes
    # 2-5 s), so the check is the transaction's: no alert, or every alert of a whole scan.
    time.sleep(2)
    killed = scan.poll() is None
    scan.send_signal(signal.SIGKILL)
    scan.wait(timeout=30)
    alerts = "SELECT account_id, typologies, score FROM money_alert ORDER BY 1"
    after_kill = _query(db, alerts)
    _cli(command[3:], var)
    first = _query(db, alerts)
    assert first  # the bank's planted patterns are flagged
    if killed:
        assert after_kill in ([], first)  # all or nothing
    _cli(command[3:], var)  # a second complete scan changes nothing
    assert _query(db, alerts) == first
    assert (
        _query(db, "SELECT account_id FROM money_alert GROUP BY account_id HAVING count(*) > 1")
        == []
    )
    _integrity(var)


def _calls(path: Path, count: int) -> Path:
    """``count`` calls for service around four Nairobi centres over five months."""
    import datetime as dt
    import random

    rnd = random.Random(7)
    start = dt.datetime(2024, 1, 1)
    centres = [(36.82, -1.285), (36.89, -1.27), (36.78, -1.30), (36.85, -1.25)]
    rows = ["id,lon,lat,when"]
    for i in range(count):
        lon, lat = centres[i % 4]
        when = start + dt.timedelta(minutes=rnd.randrange(150 * 24 * 60))
        rows.append(
            f"{i},{lon + rnd.gauss(0, 0.01):.5f},{lat + rnd.gauss(0, 0.01):.5f},"
            f"{when:%Y-%m-%d %H:%M:%S}"
        )
    path.write_text("\n".join(rows) + "\n")
    return path


def test_forecast_killed_with_its_worker_finishes_once(installation: Path, tmp_path: Path) -> None:
    var = installation
    db = var / "usalama.sqlite3"
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"external_id": "id", "x": "lon", "y": "lat", "received": "when"})
    )
    calls = _calls(tmp_path / "calls.csv", 3_000)
    _cli(["incidents", "import", str(calls), "--collection", "calls", "--mapping", str(mapping),
          "--as", "a1"], var)  # fmt: skip
    queued = _cli(["incidents", "forecast", "--collection", "calls", "--as", "a1",
                   "--method", "best", "--background"], var)  # fmt: skip
    assert "queued" in queued

    worker = subprocess.Popen(
        [*USALAMA, "worker"], env=_env(var), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    killed = _kill_when(worker, db, "SELECT id FROM policing_forecastrun WHERE status = 'running'")
    assert killed, "the forecast finished before the worker was killed"
    assert _query(db, "SELECT status, result FROM policing_forecastrun") == [("running", None)]

    _cli(["worker", "--batch"], var)  # a new worker resumes the dead one's task
    assert _query(db, "SELECT status, attempts FROM policing_forecastrun") == [("done", 2)]
    assert _query(
        db, "SELECT count(*) FROM audit_auditevent WHERE action = 'incidents.forecast'"
    ) == [(1,)]
    shown = json.loads(_cli(["incidents", "forecast-show", "1", "--as", "a1"], var))
    assert shown["status"] == "done" and shown["result"]["cells"]
    ranks = [cell["rank"] for cell in shown["result"]["cells"]]
    assert ranks == sorted(set(ranks))  # each cell once
    _cli(["worker", "--batch"], var)  # nothing left to do: still one result, one event
    assert _query(
        db, "SELECT count(*) FROM audit_auditevent WHERE action = 'incidents.forecast'"
    ) == [(1,)]
    _integrity(var)
