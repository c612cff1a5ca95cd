"""Load benchmark: web report POSTs against `usalama serve` on loopback, next to a bare view.

Starts a fresh install in a temporary var dir, serves it with gunicorn, then for each target
(the bare health endpoint, then the public report API) sends requests at a fixed rate from a
thread pool (stdlib http.client, one keep-alive connection per thread) and prints achieved
rate and p50/p99 latency. For reports it counts accepted (201) and stored rows: they must match.

    .venv/bin/python benchmarks/intake_load.py --seconds 60 --rate 200
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BODY = json.dumps(
    {
        "category": "stealing",
        "description": "Simu imeibiwa kwenye matatu Kencom",
        "location_text": "Kencom stage",
    }
).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(
    port: int, method: str, path: str, body: bytes | None, rate: float, seconds: float, threads: int
) -> dict[str, float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    counter = iter(range(total))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"} if body else {}
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            # latency from the scheduled time, so queueing behind a slow server counts
            elapsed = time.perf_counter() - min(t0, max(due, t0))
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "sent": len(latencies),
        "rate": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "ok": sum(v for k, v in statuses.items() if 200 <= k < 300),
        "errors": sum(v for k, v in statuses.items() if not 200 <= k < 300),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="usalama-intake-load-"))
    env = {**os.environ, "USALAMA_VAR_DIR": str(var)}
    env.pop("USALAMA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "usalama.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _run(port, "GET", "/api/v1/health", None, 50, 1, 4)  # warm up both
        _run(port, "POST", "/api/v1/public/reports", BODY, 20, 1, 4)
        db = sqlite3.connect(var / "usalama.sqlite3")
        before = db.execute("SELECT COUNT(*) FROM intake_report").fetchone()[0]
        bare = _run(port, "GET", "/api/v1/health", None, args.rate, args.seconds, args.threads)
        reports = _run(
            port, "POST", "/api/v1/public/reports", BODY, args.rate, args.seconds, args.threads
        )
        stored = db.execute("SELECT COUNT(*) FROM intake_report").fetchone()[0] - before
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"target {args.rate:.0f} req/s for {args.seconds:.0f} s, {args.threads} client threads, "
        f"gunicorn {args.workers} workers x 4 threads, SQLite, {os.cpu_count()} CPUs"
    )
    print("| endpoint | sent | achieved req/s | p50 ms | p99 ms | 2xx | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (
        ("GET /api/v1/health (bare view)", bare),
        ("POST /api/v1/public/reports", reports),
    ):
        print(
            f"| {name} | {r['sent']:.0f} | {r['rate']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['ok']:.0f} | {r['errors']:.0f} |"
        )
    lost = reports["ok"] - stored
    print(f"reports accepted {reports['ok']:.0f}, stored {stored}, lost {lost:.0f}")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
