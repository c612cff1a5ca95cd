"""`usalama watchlist`: screen FtM records against a watchlist file; make a labelled test set;
delete expired ANPR sightings; send alert e-mails and SMS that are due."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from usalama.core import spreadsheets

app = typer.Typer(
    help="Watchlist screening: records against wanted persons, sanctions, plates and wallets.",
    no_args_is_help=True,
)

WATCHLIST = typer.Option(..., "--watchlist", help="Watchlist entries: FtM JSON lines.")
RECORDS = typer.Option(..., "--records", help="Records to screen: FtM JSON lines.")
THRESHOLD = typer.Option(0.7, "--threshold", min=0.0, max=1.0, help="Lowest score reported.")
JSON_OUT = typer.Option(False, "--json", help="Print JSON instead of a table.")
OUT = typer.Option(..., "--out", help="Directory to write the test set into.")
PERSONS = typer.Option(2000, "--persons", min=1, help="Watchlist persons.")
RECORD_COUNT = typer.Option(50_000, "--records", min=1, help="Records (planted + others).")
SEED = typer.Option(17, "--seed", help="Random seed (same seed, same files).")


@app.command("screen")
def screen_command(
    watchlist: Path = WATCHLIST,
    records: Path = RECORDS,
    threshold: float = THRESHOLD,
    as_json: bool = JSON_OUT,
) -> None:
    """Every record matching a watchlist entry at or above the threshold, best first."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from usalama.analysis.watchlist import WatchlistIndex, read_entities, read_subjects
    from usalama.analysis.watchlist.subjects import subject_from_ftm

    index = WatchlistIndex(read_subjects(watchlist))
    matches = []
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("screening", total=None)
        for entity in read_entities(records):
            matches.extend(index.screen_one(subject_from_ftm(entity), threshold))
            progress.advance(task)
    matches.sort(key=lambda m: (-m.score, m.record_id, m.entry_id))
    if as_json:
        typer.echo(json.dumps({"matches": [m.as_dict() for m in matches]}, ensure_ascii=False))
        return
    table = Table("record", "entry", "score", "why")
    for match in matches:
        table.add_row(
            match.record_id, match.entry_id, f"{match.score:.2f}", "; ".join(match.explanation)
        )
    Console().print(table)
    typer.echo(f"{len(matches)} matches against {len(index)} entries")


@app.command("generate")
def generate_command(
    out: Path = OUT,
    persons: int = PERSONS,
    records: int = RECORD_COUNT,
    seed: int = SEED,
) -> None:
    """Write a labelled test set: watchlist.jsonl, records.jsonl and truth.csv."""
    from usalama.analysis.watchlist.generate import generate

    test_set = generate(persons, records, seed)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("watchlist.jsonl", test_set.entries), ("records.jsonl", test_set.records)):
        with (out / name).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = spreadsheets.writer(handle)
        writer.writerow(["record_id", "entry_id"])
        writer.writerows(sorted(test_set.truth))
    typer.echo(
        f"{len(test_set.entries)} entries, {len(test_set.records)} records, "
        f"{len(test_set.truth)} true pairs in {out}"
    )


NOW = typer.Option(None, "--now", help="The clock to use (ISO datetime with zone); default now.")


@app.command("sweep")
def sweep_command(now: str | None = NOW) -> None:
    """Delete ANPR sightings past the retention that raised no alert; retire expired entries."""
    from datetime import datetime

    from usalama.commands.platform import setup_django
    from usalama.core.errors import InvalidInput

    clock = None
    if now:
        try:
            clock = datetime.fromisoformat(now)
        except ValueError as error:
            raise InvalidInput(f"--now: not an ISO datetime: {now!r}") from error
        if clock.tzinfo is None:
            raise InvalidInput("--now: give a time zone (e.g. 2026-01-31T12:00:00+03:00)")
    setup_django()
    from usalama.watchlists.services import sweep

    result = sweep(clock)
    typer.echo(
        f"{result.sightings_deleted} sightings deleted, {result.entries_expired} entries expired"
    )


@app.command("deliver")
def deliver_command() -> None:
    """Plan e-mail/SMS deliveries of new alerts and send those due (retries included); the
    background worker does the same after each screening."""
    from usalama.commands.platform import setup_django

    setup_django()
    from usalama.watchlists.delivery import deliver_due

    run = deliver_due()
    typer.echo(f"{run.planned} deliveries planned, {run.sent} sent, {run.failed} failed")
