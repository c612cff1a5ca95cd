"""Worker benchmark: how long a queued job waits for an idle worker, and what idling costs.

An idle ``usalama worker`` is started on a fresh installation; jobs (a one-entity import,
queued exactly as the web and the API queue it) are then queued at random moments, one at a
time, and the wait is the time from queueing to the job's ``started_at``. The idle CPU is the
worker's user + system time over a quiet stretch, as a share of one core. The peer, timed in
the same run on the same installation, is django-tasks-db's stock ``db_worker`` at the same
polling interval: what the worker would cost without usalama's own loop.

    .venv/bin/python benchmarks/worker_bench.py                       # SQLite
    .venv/bin/python benchmarks/worker_bench.py --postgres postgresql://postgres@127.0.0.1:5432/usalama_worker_bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USALAMA = [sys.executable, "-m", "usalama.cli"]
STOCK_WORKER = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'usalama.settings');"
    "django.setup(); from django.core.management import call_command;"
    "call_command('db_worker', queue_name='*', interval=1.0, startup_delay=False,"
    " reload=False, verbosity=0)"
)


def _env(var: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "USALAMA_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "usalama.settings"}
    env.pop("USALAMA_DATABASE_URL", None)
    if database_url:
        env["USALAMA_DATABASE_URL"] = database_url
    env.setdefault("USALAMA_AUDIT_SIGNING_KEY", str(var.parent / "audit.pem"))
    return env


def _cli(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([*USALAMA, *args], env=env, check=True, capture_output=True, timeout=600)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def _settle(pid: int, limit: float = 120.0) -> None:
    """Wait until the process has used under 5 % of a core for three seconds in a row."""
    deadline, quiet = time.monotonic() + limit, 0
    while time.monotonic() < deadline and quiet < 3:
        before = _cpu_seconds(pid)
        time.sleep(1.0)
        quiet = quiet + 1 if _cpu_seconds(pid) - before < 0.05 else 0


def _measure(command: list[str], env: dict[str, str], jobs: int, idle: float) -> dict[str, float]:
    """Start a worker, let it settle, time ``jobs`` queued jobs and ``idle`` s of idling."""
    os.environ.update(env)
    import django

    django.setup()
    from usalama.accounts.models import User
    from usalama.records import jobs as import_jobs
    from usalama.records.models import Collection, ImportJob

    user = User.objects.get(username="bench")
    collection = Collection.objects.get(key="bench")
    worker = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _settle(worker.pid)  # up and idle: its start-up is not what is timed
        cpu_before, wall_before = _cpu_seconds(worker.pid), time.monotonic()
        time.sleep(idle)
        idle_share = (_cpu_seconds(worker.pid) - cpu_before) / (time.monotonic() - wall_before)
        waits = []
        rng = random.Random(7)
        for n in range(jobs):
            time.sleep(rng.uniform(0.3, 1.7))  # queue at a random point of the polling cycle
            body = json.dumps(
                {
                    "id": f"w-{n}-{time.time_ns()}",
                    "schema": "Person",
                    "properties": {"name": ["Amina Wanjiru"]},
                }
            ).encode()
            path = Path(tempfile.mkstemp(suffix=".ftm.json")[1])
            path.write_bytes(body + b"\n")
            with path.open("rb") as upload:
                queued = time.time()
                job = import_jobs.start_import_job(
                    user, collection.pk, upload, path.name, len(body) + 1, fmt="ftm"
                )
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                started = ImportJob.objects.filter(pk=job.pk).values_list("started_at", flat=True)
                if started[0] is not None:
                    waits.append(started[0].timestamp() - queued)
                    break
                time.sleep(0.01)
            else:
                raise SystemExit("a job was not started within 60 s")
            while ImportJob.objects.get(pk=job.pk).status not in ("done", "failed"):
                time.sleep(0.05)
            path.unlink()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    first = waits[0]
    waits.sort()
    return {
        "first_job_s": first,
        "p50_s": statistics.median(waits),
        "max_s": waits[-1],
        "idle_cpu_share": idle_share,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (database is reset)")
    parser.add_argument(
        "--which", choices=["usalama", "stock"], default=None, help=argparse.SUPPRESS
    )
    parser.add_argument("--var", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.which:  # one measurement in a fresh process (Django is set up once per process)
        var = Path(args.var)
        env = _env(var, args.postgres)
        command = (
            [*USALAMA, "worker"]
            if args.which == "usalama"
            else [sys.executable, "-c", STOCK_WORKER]
        )
        print(json.dumps(_measure(command, env, args.jobs, args.idle_seconds)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        var.mkdir()
        env = _env(var, args.postgres)
        if args.postgres:
            import psycopg

            name = args.postgres.rsplit("/", 1)[1]
            admin = args.postgres.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        _cli(["migrate"], env)
        _cli(
            [
                "agency",
                "create",
                "--code",
                "DCI",
                "--name",
                "DCI",
                "--country",
                "KE",
                "--kind",
                "investigations",
            ],
            env,
        )
        _cli(
            [
                "createuser",
                "--agency",
                "DCI",
                "--role",
                "analyst",
                "--username",
                "bench",
                "--password",
                "a long enough passphrase 9",
            ],
            env,
        )
        setup = (
            "import django; django.setup();"
            "from usalama.accounts.models import Agency; from usalama.audit.services import Actor;"
            "from usalama.records.services import ensure_collection;"
            "ensure_collection(Actor(name='bench'), key='bench',"
            " agency=Agency.objects.get(code='DCI'), label='bench', reliability='B',"
            " assessment='2', handling='H1', tlp='AMBER')"
        )
        subprocess.run([sys.executable, "-c", setup], env=env, check=True)
        results = {}
        for which in ("usalama", "stock"):
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--which",
                    which,
                    "--var",
                    str(var),
                    "--jobs",
                    str(args.jobs),
                    "--idle-seconds",
                    str(args.idle_seconds),
                    *(["--postgres", args.postgres] if args.postgres else []),
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            results[which] = json.loads(done.stdout.strip().splitlines()[-1])
    load = Path("/proc/loadavg").read_text().split()[:3]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"worker benchmark on {backend}, {args.jobs} jobs, load {' '.join(load)}")
    print(f"{'worker':<22}{'first job':>11}{'p50 wait':>10}{'max wait':>10}{'idle CPU':>10}")
    for which, label in (("usalama", "usalama worker"), ("stock", "stock db_worker (peer)")):
        r = results[which]
        print(
            f"{label:<22}{r['first_job_s']:>10.3f}s{r['p50_s']:>9.3f}s{r['max_s']:>9.3f}s"
            f"{100 * r['idle_cpu_share']:>9.2f}%"
        )
    ratio = results["stock"]["p50_s"] / max(results["usalama"]["p50_s"], 1e-6)
    print(f"p50 wait: usalama is {ratio:.1f}x faster than the stock worker")


if __name__ == "__main__":
    main()
