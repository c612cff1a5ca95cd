"""``usalama federation``: identity, peers, signed bundles and hit/no-hit between installations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from usalama.commands.platform import setup_django

app = typer.Typer(
    help="Exchange with other usalama installations (signed, encrypted bundles; hit/no-hit).",
    no_args_is_help=True,
)


@app.command()
def init(agency: Annotated[str, typer.Option(help="This installation's agency code.")]) -> None:
    """Create this installation's identity (once) and print its public key."""
    setup_django()
    from usalama.sharing import federation

    typer.echo(federation.init_identity(agency))


@app.command()
def identity() -> None:
    """Print this installation's public key (give it to peers) and its fingerprint."""
    setup_django()
    from usalama.sharing import federation

    public = federation.local().identity.public()
    typer.echo(public.text())
    typer.echo(f"fingerprint {public.fingerprint()}", err=True)


@app.command()
def trust(
    peer: Annotated[str, typer.Option(help="A short name for the peer, e.g. uganda.")],
    key: Annotated[str, typer.Option(help="The peer's public key (usl1.…).")],
    url: Annotated[str, typer.Option(help="The peer's server, for hit/no-hit.")] = "",
    token: Annotated[str, typer.Option(help="The token the peer issued to us.")] = "",
) -> None:
    """Trust a peer by its public key (and where and how to reach it)."""
    setup_django()
    from usalama.sharing import federation

    saved = federation.trust_peer(peer, key, url, token)
    typer.echo(f"trusting {saved.name}")


@app.command()
def token(peer: Annotated[str, typer.Option(help="The peer to issue a token for.")]) -> None:
    """Issue (and print once) the token a peer presents to our hit/no-hit endpoint."""
    setup_django()
    from usalama.sharing import federation

    typer.echo(federation.issue_token(peer))


@app.command("export")
def export_(
    collection: Annotated[str, typer.Option(help="Collection key.")],
    for_peer: Annotated[str, typer.Option("--for", help="The peer it is for.")],
    out: Annotated[Path, typer.Option(help="Bundle file to write.")],
) -> None:
    """Seal a collection for one peer (H2/H3 leave only by their originator's hand)."""
    setup_django()
    from usalama.sharing import federation

    count = federation.export_bundle(collection, for_peer, out)
    typer.echo(f"sealed {count:,} entities of {collection} for {for_peer} into {out}", err=True)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="Bundle file.")],
    as_user: Annotated[
        str | None, typer.Option("--as", help="Open the imported collection to this user's agency.")
    ] = None,
) -> None:
    """Verify and import a peer's bundle (all or nothing; importing it again changes nothing)."""
    setup_django()
    from usalama.sharing import federation

    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file")
    result = federation.import_bundle(path, as_user)
    if result.already:
        typer.echo(f"already imported into {result.collection_key}; nothing changed", err=True)
        return
    typer.echo(
        f"imported {result.entities:,} entities ({result.statements_added:,} new statements) "
        f"into {result.collection_key}",
        err=True,
    )


@app.command()
def hitcheck(
    peer: Annotated[str, typer.Option(help="The peer to ask.")],
    identifiers: Annotated[Path, typer.Option(help="File with one identifier per line.")],
    kind: Annotated[
        str | None, typer.Option(help="phone, id, account, wallet or plate (default: any).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ask a peer which of these identifiers it holds, learning nothing else."""
    setup_django()
    from usalama.sharing import federation

    if not identifiers.is_file():
        raise typer.BadParameter(f"{identifiers} is not a file")
    lines = identifiers.read_text(encoding="utf-8").splitlines()
    result = federation.hitcheck(peer, lines, kind)
    if as_json:
        typer.echo(json.dumps({"checked": result.checked, "hits": result.hits}))
        return
    typer.echo(f"checked {result.checked:,}; {peer} holds {len(result.hits):,}")
    for hit in result.hits:
        typer.echo(hit)
