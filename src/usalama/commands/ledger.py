"""``usalama ledger``: the money app's database commands (sync from records, import, scan).

The plain-file engine commands are ``usalama money …``; these write the ledger of a collection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from usalama.commands.platform import setup_django

app = typer.Typer(
    help="The money ledger in the database: sync from records, import statements, scan.",
    no_args_is_help=True,
)

CollectionOpt = Annotated[str, typer.Option("--collection", help="Collection key, e.g. frc-str.")]
AsOpt = Annotated[
    str | None,
    typer.Option("--as", help="Act as this user (checks their access); default: the operator."),
]


def _user(username: str | None) -> Any:
    if username is None:
        return None
    from usalama.accounts import services as accounts

    return accounts.get_user(username)


def _report(result: Any) -> None:
    typer.echo(
        f"accounts added {result.accounts_added}, transfers added {result.transfers_added} "
        f"of {result.transfers_seen}"
        + (f", skipped {result.skipped}" if result.skipped else "")
        + (f", transactions {result.transactions}" if result.transactions else "")
    )


@app.command("sync")
def sync(collection: CollectionOpt, as_user: AsOpt = None) -> None:
    """Map the collection's FtM accounts, wallets, payments and holders into the ledger."""
    setup_django()
    from usalama.money import services

    user = _user(as_user)
    result = services.sync_from_records(services.collection_for(user, collection), user)
    _report(result)
    for problem in result.errors[:20]:
        typer.echo(f"skipped: {problem}", err=True)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="Statement or chain file.")],
    collection: CollectionOpt,
    fmt: Annotated[str, typer.Option("--format", help="bank, mpesa, bitcoin or tokens.")],
    account: Annotated[
        str, typer.Option(help="Whose statement: account number or MSISDN (bank, mpesa).")
    ] = "",
    provider: Annotated[str, typer.Option(help="Bank name (bank statements).")] = "",
    currency: Annotated[str, typer.Option(help="Statement currency (bank).")] = "KES",
    holder: Annotated[str, typer.Option(help="Holder entity id of the statement's account.")] = "",
    mapping: Annotated[
        str | None,
        typer.Option(help="Bank columns: date=Date,debit=Debit,credit=Credit,amount=…,…"),
    ] = None,
    password: Annotated[str | None, typer.Option(help="Password of a protected PDF.")] = None,
    chain: Annotated[str, typer.Option(help="Chain of a token file: ethereum, tron.")] = "ethereum",
    block_format: Annotated[str, typer.Option(help="Bitcoin blocks: raw or json.")] = "raw",
    as_user: AsOpt = None,
) -> None:
    """Import a file into the collection's ledger: all rows or none, idempotent."""
    setup_django()
    from usalama.money import services

    user = _user(as_user)
    result = services.import_file(
        user,
        services.collection_for(user, collection),
        fmt,
        file,
        account=account,
        provider=provider,
        currency=currency,
        holder=holder,
        mapping=mapping,
        password=password,
        chain=chain,
        block_format=block_format,
    )
    _report(result)


@app.command("scan")
def scan(collection: CollectionOpt, as_user: AsOpt = None) -> None:
    """Run the typology scan and sanctions screening; store alerts (a re-scan keeps reviews)."""
    setup_django()
    from usalama.money import services

    user = _user(as_user)
    result = services.scan(user, services.collection_for(user, collection))
    typer.echo(
        f"flagged accounts {result.flagged} (new alerts {result.created}, "
        f"sanctions hits {result.sanctioned})"
    )
