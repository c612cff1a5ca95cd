"""Loading the synthetic demo world into the database, idempotently.

``load_demo`` creates the agencies, one user per role (password and TOTP secret derived from
the seed, so re-running prints the same logins), the collections and their records. A second
run with the same seed finds the demo source already stored and adds nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from usalama.accounts import services as accounts
from usalama.accounts.models import User
from usalama.accounts.roles import Role
from usalama.audit.services import Actor
from usalama.demo.stages import DemoContext, run_stages
from usalama.records import services as records
from usalama.records.models import CollectionGrant, Source

DEMO_ACTOR = Actor(name="demo")
DEMO_PASSWORD = "usalama-demo-2026"  # noqa: S105 - printed demo login by design
GENERATOR_VERSION = "1"

# (username, agency, role): one user per role, placed where that role works.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("nps.analyst", "NPS", Role.ANALYST),
    ("dci.analyst", "DCI", Role.ANALYST),
    ("frc.analyst", "FRC", Role.ANALYST),
    ("dci.supervisor", "DCI", Role.SUPERVISOR),
    ("nps.desk", "NPS", Role.DESK_OFFICER),
    ("nps.commander", "NPS", Role.COMMANDER),
    # approves the commander's ward alerts (two people: usalama.community)
    ("nps.supervisor", "NPS", Role.SUPERVISOR),
    ("odpp.prosecutor", "ODPP", Role.PROSECUTOR),
    ("ipoa.investigator", "IPOA", Role.OVERSIGHT_INVESTIGATOR),
    ("nps.wellness", "NPS", Role.WELLNESS_COUNSELLOR),
    ("dci.admin", "DCI", Role.AGENCY_ADMIN),
    ("sysadmin", "NPS", Role.SYSTEM_ADMIN),
    ("jud.clerk", "JUD", Role.COURT_CLERK),
    ("nps.iau", "NPS", Role.INTERNAL_AFFAIRS),
)

# Agencies that hold no records in the synthetic world but work in the demo (the courts).
EXTRA_AGENCIES: tuple[tuple[str, str, str, str], ...] = (
    ("JUD", "Judiciary of Kenya", "KE", "judiciary"),
)

# Sharing the demo shows: the DCI shares its case collection with the prosecutors.
DEMO_GRANTS: tuple[tuple[str, str], ...] = (("dci-investigations", "ODPP"),)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    agency: str
    role: str
    password: str
    totp_secret: str
    tips: tuple[str, ...] = ()


def _demo_totp_key(seed: int, username: str) -> str:
    """A stable 20-byte TOTP key per demo user, so re-runs print the same secret."""
    return hashlib.sha256(f"usalama-demo-totp:{seed}:{username}".encode()).hexdigest()[:40]


def _ensure_user(seed: int, username: str, agency_code: str, role: str) -> DemoLogin:
    user = User.objects.filter(username=username).first()
    if user is None:
        created = accounts.create_user(
            DEMO_ACTOR,
            username=username,
            agency=accounts.get_agency(agency_code),
            roles=[role],
            password=DEMO_PASSWORD,
            with_totp=False,
            check_password=False,
        )
        user = created.user
    device = TOTPDevice.objects.filter(user=user, name="default").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="default", confirmed=True, key=_demo_totp_key(seed, username)
        )
    secret = accounts.totp_secret(device)
    return DemoLogin(username, agency_code, role, DEMO_PASSWORD, secret)


def load_demo(
    seed: int = 7, people: int = 5000, quiet: bool = False, with_stages: bool = True
) -> list[DemoLogin]:
    """Load the world; ``with_stages=False`` stops after the records (for tests that need
    the bare world: no grants, ledger, calls, reports or resolution run)."""
    from usalama.demo.generator import generate_world

    console = Console(stderr=True, quiet=quiet)
    console.print(
        f"[bold]usalama demo[/]: building the synthetic world (seed {seed}, {people:,} people)…"
    )
    world = generate_world(seed=seed, people=people)
    with transaction.atomic():
        agencies = {
            a.code: accounts.ensure_agency(
                DEMO_ACTOR, code=a.code, name=a.name, country=a.country, kind=a.kind
            )
            for a in world.agencies
        }
        for code, name, country, kind in EXTRA_AGENCIES:
            agencies[code] = accounts.ensure_agency(
                DEMO_ACTOR, code=code, name=name, country=country, kind=kind
            )
        logins = [_ensure_user(seed, *spec) for spec in DEMO_USERS]
        collections = {
            c.key: records.ensure_collection(
                DEMO_ACTOR,
                key=c.key,
                agency=agencies[c.agency],
                label=c.label,
                summary=c.summary,
                reliability=c.reliability,
                assessment=str(c.assessment),
                handling=c.handling,
                tlp=c.tlp,
            )
            for c in world.collections
        }
        for key, agency_code in DEMO_GRANTS:
            if key in collections:
                CollectionGrant.objects.get_or_create(
                    collection=collections[key],
                    agency=agencies[agency_code],
                    defaults={"granted_by": DEMO_ACTOR.name},
                )
    by_collection: dict[str, list[dict[str, Any]]] = {}
    for demo_record in world.records:
        by_collection.setdefault(demo_record.collection, []).append(demo_record.entity)
    fingerprint = hashlib.sha256(f"{GENERATOR_VERSION}:{seed}:{people}".encode()).hexdigest()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("loading records", total=len(world.records))
        for key, entities in by_collection.items():
            collection = collections[key]
            name = f"demo world (seed {seed}, {people} people)"
            done = Source.objects.filter(
                collection=collection,
                kind=Source.Kind.DEMO,
                name=name,
                sha256=fingerprint,
                completed_at__isnull=False,
            ).exists()
            if done:
                progress.advance(task, len(entities))
                continue
            source = records.ensure_source(
                collection,
                kind=Source.Kind.DEMO,
                name=name,
                sha256=fingerprint,
                importer="usalama.demo",
                importer_version=GENERATOR_VERSION,
                created_by=DEMO_ACTOR.name,
            )
            numbered = ((entity, str(i + 1)) for i, entity in enumerate(entities))
            records.ingest_entities(
                DEMO_ACTOR, collection, source, _advancing(numbered, progress, task)
            )
            records.mark_source_complete(source)
    context = DemoContext(
        seed=seed,
        people=people,
        world=world,
        agencies=agencies,
        collections=collections,
        users=_users_by_name(logins),
        console=console,
    )
    tips = run_stages(context) if with_stages else []
    return [
        replace(login, tips=tuple(t.text for t in tips if t.username == login.username))
        for login in logins
    ]


def _users_by_name(logins: list[DemoLogin]) -> dict[str, User]:
    names = [x.username for x in logins]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _advancing(items: Any, progress: Progress, task: Any) -> Any:
    for item in items:
        progress.advance(task)
        yield item


def print_logins(logins: list[DemoLogin]) -> None:
    """Plain aligned lines, never truncated, so the secrets can be copied from any terminal."""
    rows = [("username", "agency", "role", "password", "TOTP secret")]
    rows += [(x.username, x.agency, x.role, x.password, x.totp_secret) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    print("usalama demo logins: the password, then a code from the TOTP secret")
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("Add a TOTP secret to any authenticator app (or run `oathtool --totp -b SECRET`).")
    tried = [(x.username, tip) for x in logins for tip in x.tips]
    if tried:
        print()
        print("One thing to try, per login:")
        for username, tip in tried:
            print(f"  {username}: {tip}")
