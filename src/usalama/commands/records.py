"""Records in and out: ``usalama import`` and ``usalama export``.

Both act as a named user (``--as USERNAME``, or the ``USALAMA_AS`` environment variable):
the audit log needs a person, and what may be imported into or exported from which
collection follows from that user's agency and roles, exactly as on the web and the API.
There is deliberately no implicit system user.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from usalama.commands.platform import setup_django
from usalama.core.errors import InvalidInput

AS_HELP = "Username the command acts as (audited); or set USALAMA_AS."


def _user(username: str | None) -> Any:
    if not username:
        raise InvalidInput("name the user this acts as: --as USERNAME (or set USALAMA_AS)")
    from usalama.accounts import services

    return services.get_user(username)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
        disable=not sys.stderr.isatty(),
    )


@contextmanager
def _importing(errors: Path | None) -> Iterator[Callable[[str, int, int | None], None]]:
    """Progress bars (one per pass, with the rows a second) for an import; a rejected import
    still writes its rejected rows to ``errors`` before the error goes on."""
    from usalama.records.imports import ImportRejected

    with _progress() as bars:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bars.add_task(phase, total=total, rate="")
            task_id = tasks[phase]
            bars.update(task_id, completed=done, total=total)
            speed = next((t.speed for t in bars.tasks if t.id == task_id), None)
            bars.update(task_id, rate=f"{speed:,.0f} rows/s" if speed else "")

        try:
            yield progress
        except ImportRejected as rejected:
            if errors is not None:
                errors.write_text(rejected.report.errors_csv(), encoding="utf-8")
            raise


def _reported(report: Any, errors: Path | None) -> None:
    """An import's rejected rows to ``errors`` (when asked) and its summary to stdout."""
    if errors is not None:
        errors.write_text(report.errors_csv(), encoding="utf-8")
    typer.echo(report.summary())


def import_(
    path: Annotated[Path, typer.Argument(help="File to import.")],
    collection: Annotated[
        str | None, typer.Option("--collection", help="Collection key (created if missing).")
    ] = None,
    agency: Annotated[
        str | None, typer.Option(help="Owning agency code (default: the user's).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv, xlsx, ftm, goaml, cdr, whatsapp, telegram or aleapp (default: by name).",
        ),
    ] = None,
    mapping: Annotated[Path | None, typer.Option(help="FtM mapping (YAML) for csv/xlsx.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Reject the whole file on any bad row.")
    ] = False,
    as_user: Annotated[str | None, typer.Option("--as", envvar="USALAMA_AS", help=AS_HELP)] = None,
    errors: Annotated[
        Path | None, typer.Option(help="Write rejected rows here as CSV (row, field, reason).")
    ] = None,
    watchlist: Annotated[
        str | None,
        typer.Option(
            "--watchlist",
            help="Import into this watchlist (its key) instead of a collection: FtM JSON "
            "lines (OpenSanctions exports too) or CSV/XLSX with a mapping.",
        ),
    ] = None,
    reason: Annotated[
        str, typer.Option(help="Watchlist only: the entries' reason (default: per entity).")
    ] = "",
    expires: Annotated[
        str | None, typer.Option(help="Watchlist only: the entries expire on this date.")
    ] = None,
    handling: Annotated[
        str, typer.Option(help="Watchlist only: handling code H0-H3 (default: the list's).")
    ] = "",
) -> None:
    """Import a CSV/XLSX (with a mapping), FtM JSON-lines or goAML XML file into a collection,
    or (``--watchlist``) entries into a watchlist."""
    setup_django()
    from usalama.records.imports import import_file

    if (collection is None) == (watchlist is None):
        raise InvalidInput("give either --collection or --watchlist")
    user = _user(as_user)
    if watchlist is not None:
        _import_watchlist(
            user, path, watchlist, fmt, mapping, strict, errors, reason, expires, handling
        )
        return
    if reason or expires or handling:
        raise InvalidInput("--reason, --expires and --handling apply to --watchlist only")
    assert collection is not None
    with _importing(errors) as progress:
        report = import_file(
            user,
            path,
            collection,
            agency=agency,
            fmt=fmt,
            mapping=mapping,
            strict=strict,
            progress=progress,
        )
    _reported(report, errors)
    if report.error_count and errors is None:
        typer.echo(
            f"{report.error_count} rows were rejected; run again with --errors FILE.csv "
            "to list them (nothing is duplicated)",
            err=True,
        )


def _import_watchlist(
    user: Any,
    path: Path,
    key: str,
    fmt: str | None,
    mapping: Path | None,
    strict: bool,
    errors: Path | None,
    reason: str,
    expires: str | None,
    handling: str,
) -> None:
    from datetime import UTC, date, datetime, time

    from usalama.watchlists.importing import import_watchlist_file

    expires_at = None
    if expires:
        try:
            expires_at = datetime.combine(date.fromisoformat(expires), time.max, tzinfo=UTC)
        except ValueError as error:
            raise InvalidInput(f"--expires: not a date (YYYY-MM-DD): {expires!r}") from error
    with _importing(errors) as progress:
        report = import_watchlist_file(
            user,
            path,
            key,
            fmt=fmt,
            mapping=mapping,
            reason=reason,
            expires_at=expires_at,
            handling=handling.upper(),
            strict=strict,
            progress=progress,
        )
    _reported(report, errors)


def export(
    collection: Annotated[str, typer.Option("--collection", help="Collection key.")],
    fmt: Annotated[str, typer.Option("--format", help="ftm, csv or geojson.")] = "ftm",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: stdout).")
    ] = None,
    as_user: Annotated[str | None, typer.Option("--as", envvar="USALAMA_AS", help=AS_HELP)] = None,
) -> None:
    """Export a collection as FtM JSON lines, CSV or GeoJSON (audited; handling codes apply)."""
    setup_django()
    from usalama.records.exports import export_collection, exportable_collection

    user = _user(as_user)
    exportable_collection(user, collection)  # fail before creating the output file
    with _progress() as bars:
        task = bars.add_task("export", total=None, rate="")

        def progress(done: int, total: int | None) -> None:
            bars.update(task, completed=done, total=total)

        if out is None:
            count = export_collection(user, collection, fmt, sys.stdout, progress)
        else:
            tmp = out.with_name(out.name + ".part")
            try:
                with tmp.open("w", encoding="utf-8", newline="") as handle:
                    count = export_collection(user, collection, fmt, handle, progress)
                tmp.replace(out)
            finally:
                tmp.unlink(missing_ok=True)
    typer.echo(f"exported {count:,} entities from {collection} ({fmt})", err=True)


def register(app: typer.Typer) -> None:
    """Attach ``import`` and ``export`` to the root CLI."""
    app.command("import")(import_)
    app.command("export")(export)
