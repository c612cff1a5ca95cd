"""CPU a public JSON report costs in-process, next to the bare view (issue 22).

Calls the WSGI handler directly (no server, no sockets on our side), so the figure is the
Python work of one request: the same middleware, the ninja view and the intake service for
``POST /api/v1/public/reports``; the middleware and a view that only reads the body for the
peer, ``POST /benchmark/bare/`` (``usalama.benchmark_settings``). CPU is this process's
(``time.process_time``); on PostgreSQL the server's backend works on top. A fresh database:
a temporary var dir (SQLite), or ``--postgres URL`` (dropped and created).

    .venv/bin/python benchmarks/intake_inprocess.py --requests 2000
    .venv/bin/python benchmarks/intake_inprocess.py --postgres postgresql://postgres@127.0.0.1:5432/usalama_inprocess_bench
    .venv/bin/python benchmarks/intake_inprocess.py --profile 30   # cProfile, top 30 by own time
    .venv/bin/python benchmarks/intake_inprocess.py --parts        # what parts of a report cost
    .venv/bin/python benchmarks/intake_inprocess.py --parts --deferred   # and a deferred design's

``--parts`` measures the JSON API with parts of the intake service switched off (the
classification, ``services.suggest``; the row and its audit event, ``services._insert_report``;
both), each variant in turn for ``--rounds`` rounds, so that a drift in the machine's speed
touches every variant alike; it prints each variant's median. cProfile is not used for
shares: its per-call cost overstates Python-heavy parts such as the classifier.

``--deferred`` (with ``--parts``) prices a design that answers before classifying and storing:
the request costs what "without both" costs, and the deferred work is the classification, the
report's row built, and its insert with its audit event in batches of ``--batch`` (the
cheapest way to store many at once). The sum is a lower bound: it leaves out the durable
record of the raw submission that such a design must write before answering.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

# benchmarks/ is the script's directory
from intake_load import API_BODY, DESCRIPTION, _prepare_postgres


def _cpu_ms(work: Callable[[], Any], count: int) -> float:
    """This process's CPU, in ms, for each of ``count`` calls of ``work``."""
    start = time.process_time()
    for _ in range(count):
        work()
    return (time.process_time() - start) / count * 1000


def _caller(app: Callable[..., Any]) -> Callable[[str], str]:
    def call(path: str) -> str:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(API_BODY)),
            "wsgi.input": io.BytesIO(API_BODY),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        b"".join(app(environ, lambda s, _headers, _exc=None: status.append(s)))
        return status[0]

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--postgres", help="PostgreSQL URL of a database for the benchmark only")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N")
    parser.add_argument("--parts", action="store_true", help="cost with parts switched off")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of --parts")
    parser.add_argument("--deferred", action="store_true", help="with --parts: a deferred design")
    parser.add_argument("--batch", type=int, default=50, help="rows a batch, for --deferred")
    args = parser.parse_args()
    os.environ["USALAMA_VAR_DIR"] = tempfile.mkdtemp(prefix="usalama-inprocess-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "usalama.benchmark_settings"
    os.environ.pop("USALAMA_DATABASE_URL", None)
    if args.postgres:
        _prepare_postgres(args.postgres)
        os.environ["USALAMA_DATABASE_URL"] = args.postgres
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    call = _caller(get_wsgi_application())
    paths = {"bare view": "/benchmark/bare/", "JSON API": "/api/v1/public/reports"}
    costs: dict[str, float] = {}
    for name, path in paths.items():
        for _ in range(200):  # warm up: the classifier is trained on the first report
            assert call(path)[:3] in ("200", "201"), call(path)
        costs[name] = _cpu_ms(functools.partial(call, path), args.requests)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{database}, {args.requests} requests each, load {os.getloadavg()[0]:.2f}")
    for name, ms in costs.items():
        print(f"  {name}: {ms:.3f} ms CPU a request ({ms / costs['bare view']:.1f}x the bare view)")
    if args.parts:
        floor = _parts(call, paths["JSON API"], args.requests, args.rounds)
        if args.deferred:
            _deferred(floor, costs["bare view"], args.requests, args.batch)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call(paths["JSON API"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    return 0


def _parts(call: Callable[[str], str], path: str, requests: int, rounds: int) -> float:
    """Print each variant's median CPU a request; return the "without both" one."""
    import statistics

    from usalama.intake import classify, services

    real_suggest, real_insert = services.suggest, services._insert_report
    plain = classify.Suggestion("stealing", "normal", ())

    def no_suggest(_text: str, **_kwargs: Any) -> classify.Suggestion:
        return plain

    def no_insert(*_args: Any) -> None:
        return None

    variants = {
        "whole report": (real_suggest, real_insert),
        "without classification": (no_suggest, real_insert),
        "without the insert and its audit event": (real_suggest, no_insert),
        "without both": (no_suggest, no_insert),
    }
    per_round = max(requests // rounds, 50)
    costs: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, (suggest, insert) in variants.items():
            services.suggest, services._insert_report = suggest, insert  # type: ignore[assignment]
            costs[name].append(_cpu_ms(lambda: call(path), per_round))
    services.suggest, services._insert_report = real_suggest, real_insert  # type: ignore[assignment]
    print(f"JSON API by parts, {rounds} rounds of {per_round} reports each (median):")
    for name, values in costs.items():
        print(f"  {name}: {statistics.median(values):.3f} ms CPU a request")
    return statistics.median(costs["without both"])


def _deferred(request_ms: float, bare_ms: float, requests: int, batch: int) -> None:
    from usalama.audit.services import insert_batch_and_record, prepare_insert
    from usalama.intake import classify, codes, rows, services
    from usalama.intake.models import Channel, Report
    from usalama.intake.writegate import write_gate

    submission = services.SubmissionInput(
        category="stealing",
        description=DESCRIPTION,
        channel=Channel.API,
        location_text="Kencom stage",
    )
    fields = services._validated(submission)
    text = f"{DESCRIPTION} Kencom stage"

    def prepared() -> Any:
        report = Report(reference=codes.new_reference(2026), leader=None, **fields)
        sql, params = rows.insert_statement(report)
        # the details submit_report gives a public report's event
        details = {"channel": report.channel, "category": report.category, "verified_source": False}
        return prepare_insert(
            sql,
            params,
            services.PUBLIC,
            "intake.report.create",
            object_type="report",
            details=details,
        )

    classify_ms = _cpu_ms(lambda: classify.suggest(text), requests)
    build_ms = _cpu_ms(prepared, requests)
    groups = [[prepared() for _ in range(batch)] for _ in range(max(requests // batch, 5))]

    def store() -> None:
        with write_gate():
            insert_batch_and_record(groups.pop())

    store_ms = _cpu_ms(store, len(groups)) / batch
    total = request_ms + classify_ms + build_ms + store_ms
    print(f"A deferred design, in process (batches of {batch}):")
    print(f"  the request (without both): {request_ms:.3f} ms")
    print(
        f"  deferred: classification {classify_ms:.3f} ms, the row built {build_ms:.3f} ms, "
        f"stored with its event {store_ms:.3f} ms"
    )
    print(
        f"  at least {total:.3f} ms a report in all, {total / bare_ms:.1f}x the bare view "
        "(before the raw submission's own durable write)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
