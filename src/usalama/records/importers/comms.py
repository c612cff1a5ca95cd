"""Call records and seized-phone chats, read by the ``usalama.analysis.comms`` engine.

Formats: ``cdr`` (CSV/XLSX with a CDR mapping, the plain layout without one), ``whatsapp``,
``telegram`` and ``aleapp``. Each record becomes FtM entities with provenance (the file's
SHA-256, the court order, the extraction's device and examiner); the engine's row problems
become ``RowError`` s naming the row or line. A CDR file is streamed in batches (memory
stays flat however many records it holds); a chat export is read whole (one phone's chats).
Entity ids depend on the records, not the run, so the importer's statement keys make a
re-run or a resumed run idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usalama.core.errors import InvalidInput
from usalama.records.importers import Reader, RowError, check_entity

FORMATS = ("cdr", "whatsapp", "telegram", "aleapp")


@dataclass(frozen=True)
class CommsOptions:
    court_order: str | None = None
    device: str | None = None
    examiner: str | None = None
    region: str | None = None
    timezone: str | None = None


def _checked(items: Any) -> Reader:
    for entity, ref in items:
        problem = check_entity(entity, ref)
        yield problem if problem is not None else (entity, ref)


def read(
    path: Path,
    fmt: str,
    sha256: str,
    *,
    mapping: Path | dict[str, Any] | None = None,
    options: CommsOptions | None = None,
    file_name: str | None = None,
) -> Reader:
    from usalama.analysis.comms import cdr, chats, ftm

    chosen = options or CommsOptions()
    name = file_name or path.name
    layout: dict[str, Any] | None = None
    if isinstance(mapping, dict):
        # from the web: the CDR layout (optional) and the provenance in one mapping
        given = mapping.get("provenance") or {}
        if not isinstance(given, dict):
            raise InvalidInput("'provenance' must map court_order, device and examiner")
        chosen = CommsOptions(
            court_order=str(given.get("court_order") or "") or chosen.court_order,
            device=str(given.get("device") or "") or chosen.device,
            examiner=str(given.get("examiner") or "") or chosen.examiner,
            region=chosen.region,
            timezone=chosen.timezone,
        )
        rest = {k: v for k, v in mapping.items() if k != "provenance"}
        layout = rest or None
        mapping = None
    if fmt == "cdr":
        try:
            rules = (
                cdr.mapping_from_dict(layout, chosen.region)
                if layout is not None
                else cdr.load_mapping(mapping, chosen.region)
            )
        except cdr.CdrError as error:
            raise InvalidInput(f"{name}: {error}") from error
        prov = ftm.Provenance(name, sha256, chosen.court_order, tool="usalama.cdr")
        seen: set[str] = set()
        batches = cdr.read_cdr_batches(path, rules)
        while True:
            # streamed: one batch of records in memory at a time (see cdr.read_cdr_batches)
            try:
                table = next(batches, None)
            except cdr.CdrError as error:
                raise InvalidInput(f"{name}: {error}") from error
            if table is None:
                return
            for problem in table.problems:
                yield RowError(f"row {problem.row}", problem.field, problem.reason)
            yield from _checked(ftm.cdr_entities(table.frame, prov, seen))
    try:
        report = chats.parse_file(
            path,
            fmt,
            region=chosen.region or "KE",
            timezone=chosen.timezone or cdr.DEFAULT_TIMEZONE,
        )
    except (chats.ChatError, ValueError) as error:
        raise InvalidInput(f"{name}: {error}") from error
    where = "message" if fmt == "telegram" else "line"
    for problem in report.problems:
        yield RowError(f"{where} {problem.row}", problem.field, problem.reason)
    prov = ftm.Provenance(
        name, sha256, chosen.court_order, chosen.device, chosen.examiner, tool=f"usalama.{fmt}"
    )
    yield from _checked(ftm.chat_entities(report, prov))
