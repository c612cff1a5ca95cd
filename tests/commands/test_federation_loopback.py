"""Two installations on loopback (own var dirs, SQLite files and servers): a signed, sealed
bundle moves Kenya -> Uganda intact, once; a flipped byte is refused with nothing written;
onward export of H2 is refused naming the originator; hit/no-hit returns exactly the shared
identifiers and no side stores the other's non-matching identifiers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow
PY = sys.executable
KE_PHONES = [f"+2547110{i:05d}" for i in range(40)]  # in Kenya's bundle
UG_PHONES = [f"+2567720{i:05d}" for i in range(60)]  # held by Uganda only
SETUP = """
import json, sys
from usalama.commands.platform import setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from usalama.accounts import services as accounts
from usalama.audit.services import Actor
from usalama.records import services as records
from usalama.records.models import Source
spec = json.loads(sys.argv[1])
actor = Actor(name="setup")
agency = accounts.ensure_agency(actor, code=spec["agency"], name=spec["name"],
                                country=spec["country"], kind="police")
accounts.create_user(actor, username=spec["user"], agency=agency, roles=["analyst"],
                     password="correct horse battery staple 42")
col = records.ensure_collection(actor, key=spec["collection"], agency=agency,
                                label=spec["label"], handling="H2", reliability="B")
src = records.ensure_source(col, kind=Source.Kind.MANUAL, name="setup", sha256="0" * 64,
                            importer="test", importer_version="1", created_by="setup")
records.ingest_entities(actor, col, src, [(e, str(i)) for i, e in enumerate(spec["entities"])])
"""
QUERY = """
import json, sys
from usalama.commands.platform import setup_django
setup_django()
from usalama.records.models import Collection, Statement
rows = Statement.objects.filter(collection__key=sys.argv[1]).exclude(prop="id")
col = Collection.objects.select_related("agency").filter(key=sys.argv[1]).first()
print(json.dumps({
    "statements": sorted([r.entity_id, r.prop, r.value, r.effective_handling] for r in rows),
    "agency": col.agency.code if col else "", "country": col.agency.country if col else "",
    "total": Statement.objects.count()}))
"""


@dataclass
class Site:
    name: str
    var: Path
    port: int
    server: Any = None

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "USALAMA_DATABASE_URL"}
        env.update(USALAMA_VAR_DIR=str(self.var), USALAMA_HITCHECK_PER_HOUR="100")
        return env

    def cli(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [PY, "-m", "usalama.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def python(self, code: str, *args: str) -> str:
        done = subprocess.run(
            [PY, "-c", code, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def state(self, key: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.python(QUERY, key))
        return result

    def stored_bytes(self) -> bytes:
        """Everything this installation wrote: database files, caches, logs."""
        return b"".join(p.read_bytes() for p in self.var.rglob("*") if p.is_file())


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(site: Site) -> None:
    log = (site.var / "server.log").open("wb")
    site.server = subprocess.Popen(
        [
            PY,
            "-m",
            "usalama.cli",
            "serve",
            "--no-worker",
            "--port",
            str(site.port),
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{site.port}/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("server did not start")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Site]]:
    kenya = Site("kenya", tmp_path_factory.mktemp("kenya"), _port())
    uganda = Site("uganda", tmp_path_factory.mktemp("uganda"), _port())
    people = [
        {
            "id": f"ke-p{i}",
            "schema": "Person",
            "properties": {"name": [f"Person {i}"], "phone": [phone]},
        }
        for i, phone in enumerate(KE_PHONES)
    ]
    kenya.python(
        SETUP,
        json.dumps(
            {
                "agency": "DCI",
                "name": "Directorate of Criminal Investigations",
                "country": "KE",
                "user": "ke.analyst",
                "collection": "dci-intel",
                "label": "DCI intelligence",
                "entities": people,
            }
        ),
    )
    uganda.python(
        SETUP,
        json.dumps(
            {
                "agency": "UPF",
                "name": "Uganda Police Force",
                "country": "UG",
                "user": "ug.analyst",
                "collection": "upf-intel",
                "label": "UPF intelligence",
                "entities": [
                    {
                        "id": f"ug-p{i}",
                        "schema": "Person",
                        "properties": {"name": [f"Mtu {i}"], "phone": [p]},
                    }
                    for i, p in enumerate(UG_PHONES)
                ],
            }
        ),
    )
    ke_key = kenya.cli("federation", "init", "--agency", "DCI").stdout.strip()
    ug_key = uganda.cli("federation", "init", "--agency", "UPF").stdout.strip()
    assert kenya.cli("federation", "identity").stdout.strip() == ke_key
    uganda.cli("federation", "trust", "--peer", "kenya", "--key", ke_key)
    token = uganda.cli("federation", "token", "--peer", "kenya").stdout.strip()
    kenya.cli(
        "federation",
        "trust",
        "--peer",
        "uganda",
        "--key",
        ug_key,
        "--url",
        f"http://127.0.0.1:{uganda.port}",
        "--token",
        token,
    )
    _start(uganda)
    yield kenya, uganda
    uganda.server.terminate()
    uganda.server.wait(timeout=30)


def test_bundle_moves_intact_once_and_tampering_writes_nothing(sites: Any) -> None:
    kenya, uganda = sites
    kenya_key = kenya.cli("federation", "identity").stdout.strip()
    bundle = kenya.var / "dci.bundle"
    kenya.cli(
        "federation", "export", "--collection", "dci-intel", "--for", "uganda", "--out", str(bundle)
    )
    assert b"Person 1" not in bundle.read_bytes()  # encrypted
    tampered = bytearray(bundle.read_bytes())
    tampered[len(tampered) // 2] ^= 0x01
    bad = uganda.var / "tampered.bundle"
    bad.write_bytes(bytes(tampered))
    before = uganda.state("kenya-dci-intel")["total"]
    refused = uganda.cli("federation", "import", str(bad), ok=False)
    assert refused.returncode != 0 and "refused" in refused.stderr
    assert uganda.state("kenya-dci-intel")["total"] == before
    uganda.cli("federation", "import", str(bundle), "--as", "ug.analyst")
    sent, got = kenya.state("dci-intel"), uganda.state("kenya-dci-intel")
    assert got["statements"] == sent["statements"]  # same entities, values and handling
    assert (got["agency"], got["country"]) == ("KE--DCI", "KE")
    again = uganda.cli("federation", "import", str(bundle))
    assert "nothing changed" in again.stderr
    assert uganda.state("kenya-dci-intel")["total"] == got["total"]
    # Uganda may not pass Kenya's H2 material on, to anyone
    clash = uganda.cli("federation", "trust", "--peer", "kenya2", "--key", kenya_key, ok=False)
    assert clash.returncode != 0 and "already trusted" in clash.stderr
    onward = uganda.cli(
        "federation",
        "export",
        "--collection",
        "kenya-dci-intel",
        "--for",
        "kenya",
        "--out",
        str(uganda.var / "onward.bundle"),
        ok=False,
    )
    assert onward.returncode != 0 and "KE--DCI" in onward.stderr and "H2" in onward.stderr
    assert not (uganda.var / "onward.bundle").exists()
    blocked = uganda.cli(
        "export", "--collection", "kenya-dci-intel", "--as", "ug.analyst", ok=False
    )
    assert blocked.returncode != 0 and "KE--DCI" in blocked.stderr


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    shared=st.sets(st.sampled_from(UG_PHONES), max_size=8),
    others=st.sets(
        st.integers(0, 99_999).map(lambda n: f"+2547339{n:05d}"), min_size=1, max_size=8
    ),
)
def test_hitcheck_returns_exactly_the_shared(
    sites: Any, shared: set[str], others: set[str]
) -> None:
    kenya, uganda = sites
    ask = kenya.var / "ask.txt"
    ask.write_text("\n".join(sorted(shared | others)) + "\n", encoding="utf-8")
    done = kenya.cli(
        "federation",
        "hitcheck",
        "--peer",
        "uganda",
        "--identifiers",
        str(ask),
        "--kind",
        "phone",
        "--json",
    )
    answer = json.loads(done.stdout)
    assert answer == {"checked": len(shared | others), "hits": sorted(shared)}
    ask.unlink()
    on_uganda = uganda.stored_bytes()
    on_kenya = kenya.stored_bytes()
    for number in others:  # Kenya's non-matching identifiers never reach Uganda
        assert number.encode() not in on_uganda and number[1:].encode() not in on_uganda
    for number in set(UG_PHONES) - shared:  # Uganda's other identifiers never reach Kenya
        assert number.encode() not in on_kenya and number[1:].encode() not in on_kenya
