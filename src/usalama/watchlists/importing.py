"""Importing a file into a watchlist with the records import machinery (``usalama import
--watchlist KEY``, the watchlist's import form).

The readers are the records importers' (``records.importers``): FtM JSON lines (entities or
statements, OpenSanctions' ``entities.ftm.json`` exports included) and CSV/XLSX with an FtM
mapping. As for records, two streaming passes: the first parses everything and writes
nothing (a fatal problem, or any bad row with ``strict``, stops the import before a row is
stored); the second writes entries in chunks, each one transaction, keyed by (watchlist,
entity id). A run killed at any point and started again writes each entry once (it updates
what the first run stored), so an import is idempotent and resumable.

OpenSanctions exports hold the sanctioned parties *and* the entities describing them
(``Sanction``, ``Address``, ``Ownership``...): only entities that screening compares become
entries; a ``Sanction``'s programme and reason become the reason of the party it names.
An entry's reason is the ``--reason`` option, else its sanctions, else its ``notes`` (a CSV
column mapped to ``notes`` gives each row its reason); expiry and handling code come from the
options (the list's handling code when none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from usalama.analysis.watchlist import plate_key
from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput
from usalama.records.grading import Handling
from usalama.records.importers import FORMATS, RowError, guess_format
from usalama.records.importers.limits import check_file
from usalama.records.imports import ImportRejected, RowErrors, counted, reader
from usalama.records.services import file_sha256
from usalama.watchlists.models import Entry, Watchlist

CHUNK = 1000
Progress = Callable[[str, int, int | None], None]

# what screening compares (analysis.watchlist.subjects): parties, vehicles, documents, wallets
SCREENED_SCHEMATA = frozenset(
    {
        "Person",
        "Organization",
        "Company",
        "PublicBody",
        "LegalEntity",
        "Vehicle",
        "Vessel",
        "Airplane",
        "Passport",
        "Identification",
        "CryptoWallet",
        "BankAccount",
    }
)


@dataclass
class WatchlistImportReport(RowErrors):
    watchlist: str
    file_name: str
    sha256: str
    format: str
    records: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0  # entities that are not screened (addresses, ownerships, sanctions)
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file_name} → watchlist {self.watchlist}: {self.records:,} entries read, "
            f"{self.added:,} added, {self.updated:,} updated, {self.skipped:,} other entities "
            f"skipped, {self.error_count:,} rejected"
        )


WATCHLIST_FORMATS = tuple(f for f in FORMATS if f != "goaml")


def _reader(fmt: str, path: Path, mapping: Any, key: str) -> Callable[[], Any]:
    if fmt not in WATCHLIST_FORMATS:
        raise InvalidInput(f"a watchlist imports {', '.join(WATCHLIST_FORMATS)}, not {fmt!r}")
    return reader(fmt, path, mapping, key)


def _values(entity: Mapping[str, Any], prop: str) -> list[str]:
    raw = entity.get("properties", {}).get(prop) or []
    return [raw] if isinstance(raw, str) else [str(v) for v in raw if v]


def _sanction_text(entity: Mapping[str, Any]) -> str:
    parts = [
        *_values(entity, "authority")[:1],
        *_values(entity, "program")[:1],
        *_values(entity, "reason")[:1],
    ]
    return " — ".join(parts) or "sanctioned"


def _entry_reason(entity: Mapping[str, Any], reason: str, sanctions: dict[str, list[str]]) -> str:
    if reason:
        return reason
    found = sanctions.get(str(entity.get("id")), [])
    if found:
        return "; ".join(dict.fromkeys(found))[:2000]
    notes = _values(entity, "notes")
    if notes:
        return notes[0][:2000]
    topics = _values(entity, "topics")
    return f"topics: {', '.join(topics)}"[:2000] if topics else ""


def import_watchlist_file(
    user: Any,
    path: str | Path,
    watchlist_key: str,
    *,
    fmt: str | None = None,
    mapping: Path | dict[str, Any] | None = None,
    reason: str = "",
    expires_at: datetime | None = None,
    handling: str = "",
    strict: bool = False,
    progress: Progress | None = None,
    file_name: str | None = None,
) -> WatchlistImportReport:
    """Import ``path`` into the watchlist ``watchlist_key`` as ``user`` (its agency must own
    the list). Audited; the records of every agency that sees the list are screened after."""
    from usalama.watchlists import services

    path = Path(path)
    name = file_name or path.name
    found = Watchlist.objects.visible_to(user).filter(key=watchlist_key).first()
    watchlist = services.writable_watchlist(user, found.pk if found else -1, "import")
    if handling and handling not in Handling.values:
        raise InvalidInput(f"handling code {handling!r} unknown ({', '.join(Handling.values)})")
    check_file(path, settings.USALAMA_MAX_UPLOAD_BYTES)
    fmt = fmt or guess_format(path)
    read = _reader(fmt, path, mapping, watchlist_key)
    report = WatchlistImportReport(
        watchlist=watchlist_key, file_name=name, sha256=file_sha256(str(path)), format=fmt
    )
    notify = progress or (lambda phase, done, total: None)

    # Pass 1: parse everything, write nothing; gather the sanctions' reasons by party.
    sanctions: dict[str, list[str]] = {}
    good = 0
    for item in counted(read(), "checking", None, notify):
        if isinstance(item, RowError):
            report.add_error(item)
            continue
        entity, ref = item
        if entity["schema"] == "Sanction":
            for party in _values(entity, "entity"):
                sanctions.setdefault(party, []).append(_sanction_text(entity))
        if entity["schema"] not in SCREENED_SCHEMATA:
            continue
        try:
            services.check_entry_entity(entity, ref)
        except InvalidInput as bad:
            report.add_error(RowError(ref, "", bad.message))
            continue
        good += 1
    if strict and report.error_count:
        first = report.errors[0]
        raise ImportRejected(
            f"{report.error_count} bad record(s), so nothing was imported (strict); first: "
            f"{first.row}: {first.reason}",
            report,  # type: ignore[arg-type]
        )
    if good == 0:
        detail = (
            f"; first: {report.errors[0].row}: {report.errors[0].reason}" if report.errors else ""
        )
        raise InvalidInput(f"{name}: no entity to put on a watchlist{detail}")

    # Pass 2: write in chunks, each one transaction; (watchlist, entity id) is the key.
    chunk: list[dict[str, Any]] = []
    author = user.get_username()

    def flush() -> None:
        added, updated = _write(
            watchlist, chunk, reason, expires_at, handling, name, author, sanctions
        )
        report.added += added
        report.updated += updated
        chunk.clear()

    for item in counted(read(), "writing", None, notify):
        if isinstance(item, RowError):
            continue
        entity, ref = item
        if entity["schema"] not in SCREENED_SCHEMATA:
            report.skipped += 1
            continue
        try:
            services.check_entry_entity(entity, ref)
        except InvalidInput:
            continue
        chunk.append(entity)
        report.records += 1
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    record(
        Actor.of(user),
        "watchlists.entries.import",
        object_type="watchlist",
        object_id=watchlist.pk,
        details={
            "file": name,
            "sha256": report.sha256,
            "format": fmt,
            "added": report.added,
            "updated": report.updated,
            "skipped": report.skipped,
            "rejected": report.error_count,
        },
    )
    services.queue_screening(watchlist.pk)
    return report


def _write(
    watchlist: Watchlist,
    entities: list[dict[str, Any]],
    reason: str,
    expires_at: datetime | None,
    handling: str,
    source: str,
    author: str,
    sanctions: dict[str, list[str]],
) -> tuple[int, int]:
    from usalama.watchlists.services import entity_caption

    by_id: dict[str, dict[str, Any]] = {}
    for entity in entities:
        by_id[str(entity["id"])] = entity  # the last of a repeated id wins
    with transaction.atomic():
        existing = {
            e.entity_id: e
            for e in Entry.objects.select_for_update().filter(
                watchlist=watchlist, entity_id__in=list(by_id)
            )
        }
        new: list[Entry] = []
        changed: list[Entry] = []
        for entity_id, entity in by_id.items():
            props = entity.get("properties", {})
            plates = props.get("registrationNumber", []) if entity["schema"] == "Vehicle" else []
            values = {
                "schema": entity["schema"],
                "caption": entity_caption(entity)[:500],
                "data": {"id": entity_id, "schema": entity["schema"], "properties": props},
                "reason": _entry_reason(entity, reason, sanctions),
                "expires_at": expires_at,
                "handling": handling,
                "source": source[:300],
                "plate_key": plate_key(plates[0]) if plates else "",
                "active": True,
            }
            entry = existing.get(entity_id)
            if entry is None:
                new.append(
                    Entry(watchlist=watchlist, entity_id=entity_id, created_by=author, **values)
                )
            else:
                for name, value in values.items():
                    setattr(entry, name, value)
                changed.append(entry)
        Entry.objects.bulk_create(new)
        if changed:
            Entry.objects.bulk_update(changed, list(values))
    return len(new), len(changed)
