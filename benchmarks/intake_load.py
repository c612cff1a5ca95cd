"""Load benchmark: web report POSTs against `usalama serve` on loopback, next to a bare view.

Starts a fresh install in a temporary var dir (SQLite, or PostgreSQL with ``--postgres URL``),
serves it with gunicorn through ``usalama serve``, then drives each target at a fixed rate
(open loop) and prints achieved rate and p50/p99 latency. The targets, in one run:

- ``GET /api/v1/health``: the bare Django view (one ``SELECT 1``), the peer to compare with;
- ``POST /report/``: the public web form, an identified report (the form's no-cookie path:
  a signed form token, no CSRF cookie, decision 0005), answered with the rendered page;
- ``POST /api/v1/public/reports``: the public JSON API, the same service without a page.

For each report target it counts accepted (201) and rows stored: they must match; at the end
``usalama audit verify`` checks the hash chain every report was appended to.

The generator is one asyncio process with raw HTTP/1.1 keep-alive connections (no client
library), so it costs the two shared CPUs far less than a thread pool of ``http.client``.
Latency runs from the *scheduled* send time, so queueing behind a slow server counts.

    .venv/bin/python benchmarks/intake_load.py --seconds 60 --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

DESCRIPTION = "Simu imeibiwa kwenye matatu Kencom jana jioni"
API_BODY = json.dumps(
    {"category": "stealing", "description": DESCRIPTION, "location_text": "Kencom stage"}
).encode()


@dataclass
class Target:
    name: str
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""
    counts_reports: bool = False


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0

    def summary(self) -> dict[str, float]:
        lat = sorted(self.latencies)
        n = len(lat)
        return {
            "sent": n,
            "rate": n / self.wall if self.wall else 0.0,
            "p50_ms": 1000 * lat[n // 2] if n else 0.0,
            "p99_ms": 1000 * lat[int(0.99 * (n - 1))] if n else 0.0,
            "max_ms": 1000 * lat[-1] if n else 0.0,
            "created": self.statuses.get(201, 0),
            "ok": sum(v for k, v in self.statuses.items() if 200 <= k < 300),
            "errors": sum(v for k, v in self.statuses.items() if not 200 <= k < 300),
        }


def _request(target: Target, port: int) -> bytes:
    head = [
        f"{target.method} {target.path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: keep-alive",
    ]
    if target.body:
        head += [f"Content-Type: {target.content_type}", f"Content-Length: {len(target.body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + target.body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bytes]:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    body = await reader.readexactly(int(match.group(1))) if match else b""
    if re.search(rb"(?im)^connection:\s*close", head):
        writer.close()
        raise ConnectionResetError("server closed the connection")
    return status, body


async def _drive(port: int, target: Target, rate: float, seconds: float, conns: int) -> Result:
    """Send ``rate * seconds`` requests at fixed times over a pool of keep-alive connections."""
    raw = _request(target, port)
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = asyncio.Queue()
    for _ in range(conns):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    result = Result()
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.1
    total = int(rate * seconds)

    async def one(due: float) -> None:
        conn = await pool.get()
        status = 0
        try:
            if conn is None:
                conn = await asyncio.open_connection("127.0.0.1", port)
            status, _ = await _exchange(*conn, raw)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            if conn is not None:
                conn[1].close()
            conn = None  # reopened by the next request that takes this slot
        result.latencies.append(loop.time() - due)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        pool.put_nowait(conn)

    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    result.wall = loop.time() - start
    while not pool.empty():
        conn = pool.get_nowait()
        if conn is not None:
            conn[1].close()
    return result


async def _form_token(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    _, body = await _exchange(reader, writer, _request(Target("", "GET", "/report/?lang=en"), port))
    writer.close()
    match = re.search(rb'name="form_token" value="([^"]+)"', body)
    if match is None:
        raise SystemExit("no form_token on /report/")
    return match.group(1).decode()


class Counter:
    """Rows in intake_report, read straight from the database the server writes to."""

    def __init__(self, var: Path, postgres: str | None) -> None:
        self.var, self.postgres = var, postgres

    def reports(self) -> int:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.postgres) as conn:
                row = conn.execute("SELECT COUNT(*) FROM intake_report").fetchone()
        else:
            with sqlite3.connect(self.var / "usalama.sqlite3") as conn:
                row = conn.execute("SELECT COUNT(*) FROM intake_report").fetchone()
        assert row is not None
        return int(row[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare_postgres(url: str) -> None:
    """Drop and recreate the benchmark's own database (never a shared one)."""
    import psycopg

    base, _, name = url.rpartition("/")
    if not name.startswith("usalama_") or "bench" not in name:
        raise SystemExit("--postgres: use a database of its own, named usalama_*bench*")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres", help="PostgreSQL URL of a database for the benchmark only")
    parser.add_argument(
        "--targets", default="health,form,api", help="comma list of health, form, api"
    )
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="usalama-intake-load-"))
    env = {**os.environ, "USALAMA_VAR_DIR": str(var)}
    env.pop("USALAMA_DATABASE_URL", None)
    if args.postgres:
        _prepare_postgres(args.postgres)
        env["USALAMA_DATABASE_URL"] = args.postgres
    cli = [sys.executable, "-m", "usalama.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    serve_command = [*cli, "serve", "--port", str(port), "--workers", str(args.workers)]
    serve_command += ["--threads", str(args.threads)]
    server = subprocess.Popen(
        serve_command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    counter = Counter(var, args.postgres)
    rows: list[tuple[str, dict[str, float], int | None]] = []
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        token = asyncio.run(_form_token(port))
        form_body = urlencode(
            {
                "form_token": token,
                "lang": "en",
                "category": "stealing",
                "description": DESCRIPTION,
                "location_text": "Kencom stage",
                "identity": "contact",
                "contact_email": "mwananchi@example.org",
            }
        ).encode()
        targets = {
            "health": Target("GET /api/v1/health (bare view)", "GET", "/api/v1/health"),
            "form": Target(
                "POST /report/ (web form)",
                "POST",
                "/report/",
                form_body,
                "application/x-www-form-urlencoded",
                counts_reports=True,
            ),
            "api": Target(
                "POST /api/v1/public/reports (JSON)",
                "POST",
                "/api/v1/public/reports",
                API_BODY,
                "application/json",
                counts_reports=True,
            ),
        }
        chosen = [targets[name.strip()] for name in args.targets.split(",")]
        for target in chosen:  # warm up every worker and thread on every path
            asyncio.run(_drive(port, target, 40, 2, 8))
        for target in chosen:
            before = counter.reports()
            result = asyncio.run(
                _drive(port, target, args.rate, args.seconds, args.connections)
            ).summary()
            stored = counter.reports() - before if target.counts_reports else None
            rows.append((target.name, result, stored))
    finally:
        server.terminate()
        server.wait(timeout=30)
    # every accepted report appended to the audit chain under load: the chain must still verify
    verify = subprocess.run([*cli, "audit", "verify"], env=env, capture_output=True, text=True)
    load = os.getloadavg()
    print(
        f"target {args.rate:.0f} req/s for {args.seconds:.0f} s per endpoint, "
        f"{args.connections} keep-alive connections, gunicorn {args.workers} workers x "
        f"{args.threads} threads, {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"{os.cpu_count()} CPUs, load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("| endpoint | sent | achieved req/s | p50 ms | p99 ms | max ms | 2xx | errors |")
    print("|---|---|---|---|---|---|---|---|")
    lost_total = 0
    for name, r, _stored in rows:
        print(
            f"| {name} | {r['sent']:.0f} | {r['rate']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['ok']:.0f} | {r['errors']:.0f} |"
        )
    for name, r, stored in rows:
        if stored is not None:
            lost = int(r["created"]) - stored
            lost_total += abs(lost)
            print(f"{name}: accepted {r['created']:.0f}, stored {stored}, lost {lost}")
    print(f"usalama audit verify: {(verify.stdout or verify.stderr).strip()}")
    return 0 if lost_total == 0 and verify.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
