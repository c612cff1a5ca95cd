"""`usalama comms`: call records, cell sites and seized-phone chats.

``colocate`` and ``chats`` work on plain files and never touch Django; ``import-cdr`` and
``import-chats`` store records in a collection through the records import machinery (two
passes, chunked, idempotent: a run killed at any point and started again adds each
statement once), acting as a named user (``--as``), audited.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from usalama.core.errors import InvalidInput

app = typer.Typer(
    help=(
        "Communications analysis: call detail records, cell sites and seized-phone chats "
        "(WhatsApp, Telegram, ALEAPP/iLEAPP): co-location, FtM conversion, import."
    ),
    no_args_is_help=True,
)

AS_HELP = "Username the command acts as (audited); or set USALAMA_AS."
MAPPING_HELP = (
    "CDR mapping (YAML: columns, values, time_format, timezone; or 'preset: NAME'). "
    "Without it the file has the plain header "
    "a_number,b_number,start_time,duration_s,type,direction,cell_id,imei,imsi."
)
CHAT_FILE_HELP = "Chat export: WhatsApp .txt, Telegram .json, ALEAPP/iLEAPP .tsv."
REGION_HELP = "Country whose national numbers the files use (ISO code) for E.164."


def _warn_problems(problems: list[Any], what: str, unit: str = "row") -> None:
    if not problems:
        return
    typer.echo(f"{len(problems)} {what} could not be read:", err=True)
    for problem in problems[:20]:
        typer.echo(f"  {unit} {problem.row}, {problem.field}: {problem.reason}", err=True)
    if len(problems) > 20:
        typer.echo(f"  ... and {len(problems) - 20} more", err=True)


@app.command("colocate")
def colocate(
    cdr: Annotated[Path, typer.Option("--cdr", help="Call detail records (CSV or XLSX).")],
    cells: Annotated[
        Path,
        typer.Option(
            "--cells", help="Cell sites: OpenCelliD's layout, or cell_id,lat,lon[,azimuth,...]."
        ),
    ],
    mapping: Annotated[Path | None, typer.Option("--mapping", help=MAPPING_HELP)] = None,
    window_minutes: Annotated[
        int, typer.Option("--window-minutes", min=1, help="Clock-aligned window length.")
    ] = 15,
    max_distance_m: Annotated[
        float,
        typer.Option("--max-distance-m", min=0, help="Farthest two cells may be apart (metres)."),
    ] = 1000.0,
    min_meetings: Annotated[
        int, typer.Option("--min-meetings", min=1, help="Only pairs meeting at least this often.")
    ] = 1,
    region: Annotated[str, typer.Option("--region", help=REGION_HELP)] = "KE",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Pairs of numbers seen on the same or nearby cells in the same time window."""
    from usalama.analysis.comms import cdr as cdr_engine
    from usalama.analysis.comms import cells as cells_engine
    from usalama.analysis.comms.colocate import colocate as find_meetings

    try:
        table = cdr_engine.read_cdr(cdr, cdr_engine.load_mapping(mapping, region))
        sites, cell_problems = cells_engine.read_cells(cells)
    except cdr_engine.CdrError as error:
        raise InvalidInput(str(error)) from error
    _warn_problems(table.problems, f"CDR rows of {cdr.name}")
    _warn_problems(cell_problems, f"cells of {cells.name}", "line")
    if table.frame.height == 0:
        raise InvalidInput(f"{cdr.name}: no record could be read")
    unknown = table.frame.filter(
        table.frame["cell"].is_not_null() & ~table.frame["cell"].is_in(sites["cell"])
    ).height
    if unknown:
        typer.echo(f"{unknown} records name a cell the cells file does not list", err=True)
    meetings = [
        m
        for m in find_meetings(table.frame, sites, window_minutes, max_distance_m)
        if m.meetings >= min_meetings
    ]
    if as_json:
        typer.echo(json.dumps({"pairs": [m.as_json() for m in meetings]}, indent=2))
        return
    for m in meetings:
        typer.echo(f"{m.a}\t{m.b}\t{m.meetings}\t{m.first.isoformat()}\t{m.last.isoformat()}")


@app.command("chats")
def chats(
    path: Annotated[Path, typer.Argument(help=CHAT_FILE_HELP)],
    out: Annotated[Path, typer.Option("--out", help="FtM JSON-lines file to write.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="whatsapp, telegram or aleapp (default: from the name)."),
    ] = None,
    court_order: Annotated[
        str | None, typer.Option("--court-order", help="Court order reference.")
    ] = None,
    device: Annotated[str | None, typer.Option("--device", help="Seized device.")] = None,
    examiner: Annotated[str | None, typer.Option("--examiner", help="Who extracted it.")] = None,
    region: Annotated[str, typer.Option("--region", help=REGION_HELP)] = "KE",
    timezone: Annotated[
        str, typer.Option("--timezone", help="Zone of the phone's clock (WhatsApp).")
    ] = "Africa/Nairobi",
    date_order: Annotated[
        str,
        typer.Option("--date-order", help="DMY, MDY or YMD when the file cannot tell."),
    ] = "DMY",
) -> None:
    """Convert a chat export to FtM JSON lines (``usalama import --format ftm`` reads them)."""
    import hashlib

    from usalama.analysis.comms import chats as engine
    from usalama.analysis.comms import ftm
    from usalama.analysis.comms.phones import check_region

    if fmt is not None and fmt not in engine.FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; formats: {', '.join(engine.FORMATS)}")
    if date_order.upper() not in ("DMY", "MDY", "YMD"):
        raise InvalidInput("--date-order is DMY, MDY or YMD")
    try:
        check_region(region)
        report = engine.parse_file(
            path, fmt, region=region, timezone=timezone, date_order=date_order
        )
    except (engine.ChatError, ValueError) as error:
        raise InvalidInput(f"{path.name}: {error}") from error
    unit = "message" if report.format == "telegram" else "line"
    _warn_problems(report.problems, f"records of {path.name}", unit)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    prov = ftm.Provenance(
        path.name, sha256, court_order, device, examiner, f"usalama.{report.format}"
    )
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for entity, _ref in ftm.chat_entities(report, prov):
            handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    multiline = sum(1 for m in report.messages if m.multiline)
    typer.echo(
        f"{path.name}: {len(report.messages)} messages from {len(report.senders)} senders "
        f"({multiline} multi-line), {len(report.calls)} calls, {len(report.contacts)} contacts, "
        f"{report.system_lines} system lines left out, {len(report.problems)} problems; "
        f"{count} entities written to {out}"
    )


def _import(
    path: Path,
    fmt: str,
    collection: str,
    as_user: str | None,
    mapping: Path | None,
    options: Any,
    strict: bool,
    errors: Path | None,
) -> None:
    from usalama.commands.platform import setup_django
    from usalama.commands.records import _progress, _user

    setup_django()
    from usalama.records.imports import ImportRejected, import_file

    user = _user(as_user)
    with _progress() as bars:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bars.add_task(phase, total=total, rate="")
            bars.update(tasks[phase], completed=done, total=total)

        try:
            report = import_file(
                user,
                path,
                collection,
                fmt=fmt,
                mapping=mapping,
                strict=strict,
                progress=progress,
                comms_options=options,
            )
        except ImportRejected as rejected:
            if errors is not None:
                errors.write_text(rejected.report.errors_csv(), encoding="utf-8")
            raise
    if errors is not None:
        errors.write_text(report.errors_csv(), encoding="utf-8")
    typer.echo(report.summary())
    if report.error_count and errors is None:
        typer.echo(
            f"{report.error_count} records were rejected; run again with --errors FILE.csv "
            "to list them (nothing is duplicated)",
            err=True,
        )


COLLECTION = typer.Option("--collection", help="Collection key (created if missing).")
STRICT = typer.Option("--strict", help="Reject the whole file on any bad record.")
ERRORS = typer.Option("--errors", help="Write rejected records here as CSV (row, field, reason).")


@app.command("import-cdr")
def import_cdr(
    path: Annotated[Path, typer.Argument(help="Call detail records (CSV or XLSX).")],
    collection: Annotated[str, COLLECTION],
    mapping: Annotated[Path | None, typer.Option("--mapping", help=MAPPING_HELP)] = None,
    court_order: Annotated[
        str | None, typer.Option("--court-order", help="Court order the records came under.")
    ] = None,
    region: Annotated[str, typer.Option("--region", help=REGION_HELP)] = "KE",
    strict: Annotated[bool, STRICT] = False,
    errors: Annotated[Path | None, ERRORS] = None,
    as_user: Annotated[str | None, typer.Option("--as", envvar="USALAMA_AS", help=AS_HELP)] = None,
) -> None:
    """Import call records into a collection: each a Call (SMS: Message) with provenance."""
    from usalama.records.importers.comms import CommsOptions

    options = CommsOptions(court_order=court_order, region=region)
    _import(path, "cdr", collection, as_user, mapping, options, strict, errors)


@app.command("import-chats")
def import_chats(
    path: Annotated[Path, typer.Argument(help="WhatsApp .txt, Telegram .json, ALEAPP .tsv.")],
    collection: Annotated[str, COLLECTION],
    fmt: Annotated[
        str | None, typer.Option("--format", help="whatsapp, telegram or aleapp.")
    ] = None,
    court_order: Annotated[
        str | None, typer.Option("--court-order", help="Court order reference.")
    ] = None,
    device: Annotated[str | None, typer.Option("--device", help="Seized device.")] = None,
    examiner: Annotated[str | None, typer.Option("--examiner", help="Who extracted it.")] = None,
    region: Annotated[str, typer.Option("--region", help=REGION_HELP)] = "KE",
    strict: Annotated[bool, STRICT] = False,
    errors: Annotated[Path | None, ERRORS] = None,
    as_user: Annotated[str | None, typer.Option("--as", envvar="USALAMA_AS", help=AS_HELP)] = None,
) -> None:
    """Import a seized phone's chat export into a collection (messages, accounts, calls)."""
    from usalama.analysis.comms.chats import ChatError, guess_format
    from usalama.records.importers.comms import CommsOptions

    try:
        chosen = fmt or guess_format(path)
    except ChatError as error:
        raise InvalidInput(str(error)) from error
    options = CommsOptions(court_order=court_order, device=device, examiner=examiner,
                           region=region)  # fmt: skip
    _import(path, chosen, collection, as_user, None, options, strict, errors)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
