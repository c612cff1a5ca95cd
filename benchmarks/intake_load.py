"""Load benchmark: public report POSTs against `usalama serve`, next to a bare Django view.

Starts a fresh install in a temporary var dir (SQLite, or PostgreSQL with ``--postgres URL``),
serves it with gunicorn through ``usalama serve`` (its defaults: 2 workers x 4 threads) under
``usalama.benchmark_settings`` (the normal settings plus the peer's URL, which a normal
deployment does not have), then drives each target open loop. The targets:

- ``bare``: ``POST /benchmark/bare/`` with the JSON API's body, a Django view that only reads
  the body and answers, through the same middleware: the peer;
- ``form``: ``POST /report/``, the public web form, an identified report (the form's no-cookie
  path: a signed form token, no CSRF cookie, decision 0005), answered with the rendered page;
- ``api``: ``POST /api/v1/public/reports``, the public JSON API, the same service without a page;
- ``health``: ``GET /api/v1/health`` (one ``SELECT 1``), the peer of earlier runs.

For each report target it counts accepted (201) and rows stored: they must match; at the end
``usalama audit verify`` checks the hash chain every report was appended to.

Fixed rate (``--rate``): each target for ``--seconds``; prints achieved rate and latencies.
Ceiling (``--ramp``): for each target, steps of ``--seconds`` each, the rate multiplied by
``--factor`` while a step passes, then halved ``--refine`` times between the last pass and the
first failure; before each ramp, ``--warm-up`` seconds at the start rate are served and not
counted. A step passes when the generator sent at the asked rate, p99 <= ``--p99-ms``,
no error and no report lost; a step is cut short (and fails) once a response is 2 s late. The
ceiling is the highest passing rate; the ratio to the bare view's is printed.

The generator is one asyncio process with raw HTTP/1.1 keep-alive connections (no client
library), so it costs the two shared CPUs far less than a thread pool of ``http.client``; its
own CPU use and the server's are printed per step. Latency runs from the *scheduled* send
time, so queueing behind a slow server counts.

    .venv/bin/python benchmarks/intake_load.py --seconds 60 --rate 200
    .venv/bin/python benchmarks/intake_load.py --ramp --seconds 60
    .venv/bin/python benchmarks/intake_load.py --ramp --seconds 10 --refine 1   # quick check
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

import psutil

DESCRIPTION = "Simu imeibiwa kwenye matatu Kencom jana jioni"
API_BODY = json.dumps(
    {"category": "stealing", "description": DESCRIPTION, "location_text": "Kencom stage"}
).encode()
LATE_SECONDS = 2.0  # a response this late ends a ramp step: the rate is past the ceiling
IDLE_SECONDS = 1.5  # gunicorn's keep-alive timeout is 2 s
Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter, float]


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
    cut_short: bool = False
    generator_cpu: float = 0.0  # share of one CPU
    server_cpu: float = 0.0

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


async def _drive(
    port: int,
    target: Target,
    rate: float,
    seconds: float,
    conns: int,
    server: psutil.Process | None = None,
    cut_when_late: bool = False,
) -> Result:
    """Send ``rate * seconds`` requests at fixed times over a pool of keep-alive connections."""
    raw = _request(target, port)
    # most recently used first, each with when it was last used: gunicorn closes a keep-alive
    # connection idle for 2 s, so one idle for IDLE_SECONDS is replaced before it is used
    # (as a browser would), instead of failing a request that the server never read
    # connections open only when needed: gunicorn's threads wait on a new connection for its
    # first request, so connections opened ahead and left idle would hold them
    pool: asyncio.LifoQueue[Connection | None] = asyncio.LifoQueue()
    loop = asyncio.get_running_loop()
    for _ in range(conns):
        pool.put_nowait(None)
    result = Result()
    start = loop.time() + 0.1
    total = int(rate * seconds)
    own_before, server_before = os.times(), _cpu_seconds(server)

    async def one(due: float) -> None:
        conn = await pool.get()
        status = 0
        try:
            if conn is not None and loop.time() - conn[2] > IDLE_SECONDS:
                conn[1].close()
                conn = None
            if conn is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                conn = (reader, writer, loop.time())
            status, _ = await _exchange(conn[0], conn[1], raw)
            conn = (conn[0], conn[1], loop.time())
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            if conn is not None:
                conn[1].close()
            conn = None  # reopened by the next request that takes this slot
        latency = loop.time() - due
        result.latencies.append(latency)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if cut_when_late and latency > LATE_SECONDS:
            result.cut_short = True
        pool.put_nowait(conn)

    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if result.cut_short:
            break
        tasks.append(asyncio.create_task(one(due)))
    sent_until = loop.time()
    await asyncio.gather(*tasks)
    # the achieved rate counts the sending window, not the wait for the last answers
    result.wall = max(sent_until - start, len(tasks) / rate)
    own_after, server_after = os.times(), _cpu_seconds(server)
    elapsed = max(loop.time() - start, 1e-9)
    own = (own_after.user + own_after.system) - (own_before.user + own_before.system)
    result.generator_cpu = own / elapsed
    result.server_cpu = (server_after - server_before) / elapsed
    while not pool.empty():
        conn = pool.get_nowait()
        if conn is not None:
            conn[1].close()
    return result


def _cpu_seconds(process: psutil.Process | None) -> float:
    """CPU time of a process and its children (gunicorn's master and workers)."""
    if process is None:
        return 0.0
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


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


def _wait_for(server: subprocess.Popen[bytes], port: int) -> None:
    """Until the server accepts connections (a minute or more on a busy machine)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"usalama serve exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("usalama serve did not start within 300 s")


def _targets(port: int) -> dict[str, Target]:
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
    return {
        "bare": Target(
            "POST /benchmark/bare/ (bare view)",
            "POST",
            "/benchmark/bare/",
            API_BODY,
            "application/json",
        ),
        "health": Target("GET /api/v1/health", "GET", "/api/v1/health"),
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


@dataclass
class Step:
    rate: float
    summary: dict[str, float]
    lost: int | None
    result: Result

    def passed(self, p99_ms: float) -> bool:
        s = self.summary
        return (
            not self.result.cut_short
            and s["rate"] >= 0.97 * self.rate
            and s["p99_ms"] <= p99_ms
            and s["errors"] == 0
            and not self.lost
        )


def _step(
    port: int,
    target: Target,
    rate: float,
    args: argparse.Namespace,
    counter: Counter,
    server: psutil.Process,
    seconds: float | None = None,
) -> Step:
    before = counter.reports() if target.counts_reports else 0
    length = args.seconds if seconds is None else seconds
    result = asyncio.run(
        _drive(port, target, rate, length, args.connections, server, cut_when_late=args.ramp)
    )
    summary = result.summary()
    lost = int(summary["created"]) - (counter.reports() - before) if target.counts_reports else None
    return Step(rate, summary, lost, result)


def _failed_statuses(result: Result) -> str:
    """``, statuses {0: 3, 400: 2}`` for the answers that were not 2xx (0: no answer)."""
    failed = {k: v for k, v in sorted(result.statuses.items()) if not 200 <= k < 300}
    return f", statuses {failed}" if failed else ""


def _ramp(
    port: int, target: Target, args: argparse.Namespace, counter: Counter, server: psutil.Process
) -> tuple[float, list[Step]]:
    steps: list[Step] = []

    def run(rate: float) -> bool:
        step = _step(port, target, rate, args, counter, server)
        steps.append(step)
        ok = step.passed(args.p99_ms)
        s = step.summary
        print(
            f"  {target.name} {rate:.0f}/s: achieved {s['rate']:.1f}/s, p50 {s['p50_ms']:.1f} "
            f"ms, p99 {s['p99_ms']:.1f} ms, errors {s['errors']:.0f}, lost {step.lost}, "
            f"server CPU {step.result.server_cpu:.2f}, generator CPU "
            f"{step.result.generator_cpu:.2f}, load {os.getloadavg()[0]:.2f} -> "
            f"{'pass' if ok else 'FAIL'}{' (cut short)' if step.result.cut_short else ''}"
            f"{_failed_statuses(step.result)}",
            flush=True,
        )
        time.sleep(2)  # let the server settle between steps
        return ok

    if args.warm_up > 0:
        # not counted: a server that served only the 2 s at 40 req/s failed a first step near
        # its ceiling in its first seconds, at a CPU at which later steps passed
        warm = _step(port, target, args.start_rate, args, counter, server, seconds=args.warm_up)
        print(
            f"  {target.name} {args.start_rate:.0f}/s for {args.warm_up:.0f} s: warm-up, "
            f"not counted (p99 {warm.summary['p99_ms']:.1f} ms, lost {warm.lost})",
            flush=True,
        )
        if warm.lost and warm.lost > 0:  # accepted, not stored (below 0: a cut step's unread)
            raise SystemExit(f"{target.name}: {warm.lost} reports lost during the warm-up")
        time.sleep(2)
    good, bad = 0.0, 0.0
    rate = args.start_rate
    while rate <= args.max_rate:
        if not run(rate):
            bad = rate
            break
        good = rate
        rate *= args.factor
    if bad:
        for _ in range(args.refine):
            middle = (good + bad) / 2 if good else bad / 2
            if run(middle):
                good = middle
            else:
                bad = middle
    return good, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres", help="PostgreSQL URL of a database for the benchmark only")
    parser.add_argument(
        "--targets", default="bare,form,api", help="comma list of bare, health, form, api"
    )
    parser.add_argument("--ramp", action="store_true", help="find each target's ceiling")
    parser.add_argument("--start-rate", type=float, default=50)
    parser.add_argument("--factor", type=float, default=1.5)
    parser.add_argument("--refine", type=int, default=2)
    parser.add_argument("--max-rate", type=float, default=20_000)
    parser.add_argument("--p99-ms", type=float, default=300)
    parser.add_argument(
        "--warm-up",
        type=float,
        default=15,
        help="with --ramp: seconds at the start rate before each endpoint's ramp, not counted",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    var = Path(tempfile.mkdtemp(prefix="usalama-intake-load-"))
    env = {
        **os.environ,
        "USALAMA_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "usalama.benchmark_settings",
    }
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
        stderr=(var / "serve.log").open("wb"),
    )
    counter = Counter(var, args.postgres)
    rows: list[tuple[str, dict[str, float], int | None]] = []
    ceilings: dict[str, float] = {}
    try:
        _wait_for(server, port)
        targets = _targets(port)
        names = [name.strip() for name in args.targets.split(",")]
        chosen = [targets[name] for name in names]
        for target in chosen:  # warm up every worker and thread on every path
            asyncio.run(_drive(port, target, 40, 2, 8))
        process = psutil.Process(server.pid)
        for name, target in zip(names, chosen, strict=True):
            if args.ramp:
                ceilings[name], steps = _ramp(port, target, args, counter, process)
                best = [s for s in steps if s.rate == ceilings[name]]
                if best:
                    rows.append((target.name, best[0].summary, best[0].lost))
            else:
                step = _step(port, target, args.rate, args, counter, process)
                rows.append((target.name, step.summary, step.lost))
                cpu = step.result.server_cpu
                print(
                    f"  {target.name}: server CPU {cpu:.2f} cores, "
                    f"{cpu / max(step.summary['rate'], 1e-9) * 1000:.2f} ms a request, "
                    f"generator CPU {step.result.generator_cpu:.2f}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    # every accepted report appended to the audit chain under load: the chain must still verify
    verify = subprocess.run([*cli, "audit", "verify"], env=env, capture_output=True, text=True)
    load = os.getloadavg()
    mode = "ramp, steps of" if args.ramp else f"target {args.rate:.0f} req/s for"
    print(
        f"{mode} {args.seconds:.0f} s per endpoint, "
        f"{args.connections} keep-alive connections, gunicorn {args.workers} workers x "
        f"{args.threads} threads, {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"{os.cpu_count()} CPUs, load average before {load_before[0]:.2f} {load_before[1]:.2f} "
        f"{load_before[2]:.2f}, after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    if args.ramp:
        peer = ceilings.get("bare", 0.0)
        print(
            f"| endpoint | ceiling req/s (p99 <= {args.p99_ms:.0f} ms, 0 lost) "
            "| ratio to bare view |"
        )
        print("|---|---|---|")
        for name, target in zip(names, chosen, strict=True):
            ratio = f"{ceilings[name] / peer:.2f}" if peer else "-"
            print(f"| {target.name} | {ceilings[name]:.0f} | {ratio} |")
        print("At each ceiling:")
    print("| endpoint | sent | achieved req/s | p50 ms | p99 ms | max ms | 2xx | errors |")
    print("|---|---|---|---|---|---|---|---|")
    lost_total = 0
    for name, r, _stored in rows:
        print(
            f"| {name} | {r['sent']:.0f} | {r['rate']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['ok']:.0f} | {r['errors']:.0f} |"
        )
    for name, r, lost in rows:
        if lost is not None:
            lost_total += abs(lost)
            print(f"{name}: accepted {r['created']:.0f}, lost {lost}")
    print(f"usalama audit verify: {(verify.stdout or verify.stderr).strip()}")
    return 0 if lost_total == 0 and verify.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
