"""Federation benchmark: hit/no-hit (private set intersection) and bundle export/import.

    .venv/bin/python benchmarks/federation_bench.py --client 10000 --server 1000000
    .venv/bin/python benchmarks/federation_bench.py --client 10000 --server 100000 --entities 20000
    .venv/bin/python benchmarks/federation_bench.py --only bundle --entities 100000

Hit/no-hit: the holder's blinded set is built once (offline, cached until its data changes);
a check is then the asker's request, the holder's answer and the asker's intersection. The
peer figure, measured in the same run on the same sets, is a plain SHA-256 hashed-set
intersection (what a non-private exchange of hashes would cost: it leaks every identifier to
a dictionary attack). Each figure is wall time, with the process's CPU time beside it: on a
shared machine the CPU time is what the work itself cost. Bundles: N generated entities (~4
statements each) are stored with ``records.ingest_entities`` (the peer figure: a plain
records import of the same entities), then sealed with ``usalama federation export`` logic
and imported back (the bundle is addressed to the installation itself, so the import writes
a second collection in full).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def psi_bench(client_n: int, server_n: int) -> None:
    from usalama.analysis.federation import psi

    rng = random.Random(7)
    server = [f"2547{n:08d}" for n in rng.sample(range(100_000_000), server_n)]
    shared = server[: client_n // 10]
    client = shared + [
        f"2567{n:08d}" for n in rng.sample(range(100_000_000), client_n - len(shared))
    ]
    began = time.perf_counter()
    server_set = psi.build_server_set(server)
    built = time.perf_counter() - began
    began, cpu = time.perf_counter(), time.process_time()
    asker = psi.Asker(client)
    request = asker.request()
    response, _asked = psi.answer(server_set, request)
    hits = asker.hits(server_set.setup, response)
    online, online_cpu = time.perf_counter() - began, time.process_time() - cpu
    assert len(hits) == len(shared)
    began = time.perf_counter()
    hashed = {hashlib.sha256(s.encode()).digest() for s in server}
    naive = [c for c in client if hashlib.sha256(c.encode()).digest() in hashed]
    peer = time.perf_counter() - began
    assert len(naive) == len(shared)
    print(
        f"hit/no-hit {client_n:,} vs {server_n:,}: holder's set built once in {built:.1f} s "
        f"({len(server_set.setup) / 1e6:.1f} MB); check {online:.1f} s (CPU {online_cpu:.1f} s) "
        f"(request {len(request) / 1e6:.2f} MB); {len(hits):,} hits"
    )
    print(f"  peer: plain SHA-256 set intersection of the same sets {peer:.2f} s (not private)")


def bundle_bench(entities: int) -> None:
    os.environ["USALAMA_VAR_DIR"] = tempfile.mkdtemp(prefix="fedbench-")
    os.environ.pop("USALAMA_DATABASE_URL", None)
    from usalama.commands.platform import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.records import services as records
    from usalama.records.models import Source, Statement
    from usalama.sharing import federation

    actor = Actor(name="bench")
    agency = accounts.ensure_agency(actor, code="DCI", name="DCI", country="KE", kind="police")
    collection = records.ensure_collection(actor, key="bench", agency=agency, label="bench")
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name="bench",
        sha256="0" * 64,
        importer="bench",
        importer_version="1",
        created_by="bench",
    )
    rng = random.Random(7)
    people = (
        (
            {
                "id": f"p{i}",
                "schema": "Person",
                "properties": {
                    "name": [f"Person {i}"],
                    "phone": [f"+2547{rng.randint(10**7, 10**8 - 1)}"],
                    "idNumber": [str(20_000_000 + i)],
                },
            },
            str(i),
        )
        for i in range(entities)
    )
    began, cpu = time.perf_counter(), time.process_time()
    records.ingest_entities(actor, collection, source, people)
    stored, stored_cpu = time.perf_counter() - began, time.process_time() - cpu
    public = federation.init_identity("DCI")
    federation.trust_peer("self", public)
    out = Path(os.environ["USALAMA_VAR_DIR"]) / "bench.bundle"
    began, cpu = time.perf_counter(), time.process_time()
    federation.export_bundle("bench", "self", out)
    exported, exported_cpu = time.perf_counter() - began, time.process_time() - cpu
    began, cpu = time.perf_counter(), time.process_time()
    result = federation.import_bundle(out)
    imported, imported_cpu = time.perf_counter() - began, time.process_time() - cpu
    statements = Statement.objects.filter(collection__key="bench").count()
    assert result.entities == entities
    print(
        f"bundle of {entities:,} entities ({statements:,} statements, "
        f"{out.stat().st_size / 1e6:.1f} MB): export {exported:.1f} s "
        f"(CPU {exported_cpu:.1f} s), import {imported:.1f} s (CPU {imported_cpu:.1f} s)"
    )
    print(f"  peer: records import of the same entities {stored:.1f} s (CPU {stored_cpu:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", type=int, default=10_000)
    parser.add_argument("--server", type=int, default=1_000_000)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--only", choices=("psi", "bundle"), help="run one part (both by default)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if args.only != "bundle":
        psi_bench(args.client, args.server)
    if args.only != "psi":
        bundle_bench(args.entities)


if __name__ == "__main__":
    main()
