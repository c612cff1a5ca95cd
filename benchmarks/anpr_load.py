"""Load benchmark: ANPR sightings (``POST /api/v1/sensors/anpr``) against `usalama serve`.

A fresh install in a temporary var dir (SQLite): one agency, a sensor token (scope ``sensor``), a
"Stolen vehicles" watchlist of 1,000 plates. The open-loop asyncio driver of
``intake_load.py`` sends sightings at a fixed rate over keep-alive connections (latency from
the scheduled send time); the bare health view is driven the same way as the peer. Every
accepted sighting (201) must be a stored row: lost = accepted - stored.

    .venv/bin/python benchmarks/anpr_load.py --seconds 60 --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_load import Target, _drive, _free_port

SETUP = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usalama.settings")
django.setup()
from usalama.accounts import services as accounts
from usalama.audit.services import Actor
from usalama.watchlists import services
actor = Actor(name="bench")
agency = accounts.ensure_agency(actor, code="NPS", name="NPS", country="KE", kind="police")
sensor = accounts.create_user(actor, username="anpr.sensor", agency=agency, roles=["analyst"],
                              password="bench-password-not-used-42").user
watchlist = services.create_watchlist(sensor, key="stolen", label="Stolen", kind="vehicles")
cars = [{"id": f"car-{n}", "schema": "Vehicle",
         "properties": {"registrationNumber": [f"KD{chr(65 + n % 26)} {n % 1000:03d}A"]}}
        for n in range(1000)]
services.add_entries(sensor, watchlist.pk, cars)
print(accounts.create_sensor_token(actor, agency, "bench cameras").raw)
"""


def _sightings(var: Path) -> int:
    with sqlite3.connect(var / "usalama.sqlite3") as conn:
        row = conn.execute("SELECT COUNT(*) FROM watchlists_sighting").fetchone()
    return int(row[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="usalama-anpr-load-"))
    env = {**os.environ, "USALAMA_VAR_DIR": str(var)}
    env.pop("USALAMA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "usalama.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    token = made.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [
            *cli,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    body = json.dumps(
        {
            "plate": "KCX 9O9Z",
            "camera_id": "cam-bench-1",
            "time": "2026-12-06T10:00:00+03:00",
            "lat": -1.29,
            "lon": 36.82,
        }
    ).encode()
    # intake_load's request writer puts the content type on its own header line; the token
    # header rides along after it
    anpr = Target(
        "POST /api/v1/sensors/anpr (no hit)",
        "POST",
        "/api/v1/sensors/anpr",
        body,
        "application/json\r\nAuthorization: Bearer " + token,
    )
    health = Target("GET /api/v1/health (bare view)", "GET", "/api/v1/health")
    rows = []
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts gunicorn slowly
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        for target in (health, anpr):
            asyncio.run(_drive(port, target, 40, 2, 8))
        for target in (health, anpr):
            before = _sightings(var)
            result = asyncio.run(
                _drive(port, target, args.rate, args.seconds, args.connections)
            ).summary()
            rows.append((target.name, result, _sightings(var) - before))
    finally:
        server.terminate()
        server.wait(timeout=30)
    load = os.getloadavg()
    print(
        f"target {args.rate:.0f} req/s for {args.seconds:.0f} s per endpoint, "
        f"{args.connections} keep-alive connections, gunicorn {args.workers} workers x "
        f"{args.threads} threads, SQLite, {os.cpu_count()} CPUs, "
        f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("| endpoint | sent | achieved req/s | p50 ms | p99 ms | max ms | 2xx | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r, _stored in rows:
        print(
            f"| {name} | {r['sent']:.0f} | {r['rate']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['ok']:.0f} | {r['errors']:.0f} |"
        )
    name, r, stored = rows[-1]
    lost = int(r["created"]) - stored
    print(f"{name}: accepted {r['created']:.0f}, stored {stored}, lost {lost}")
    return 0 if lost == 0 and r["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
