"""``usalama keys``: where the keys that protect data at rest are, and rotating them."""

from __future__ import annotations

from typing import Annotated

import typer

from usalama.commands.platform import setup_django

app = typer.Typer(
    help="Keys kept outside the data directory: show where they are, rotate the field keys.",
    no_args_is_help=True,
)


@app.command("where")
def where() -> None:
    """Print the keys directory and where each key comes from (never the keys)."""
    setup_django()
    from django.conf import settings

    typer.echo(f"keys directory: {settings.USALAMA_KEYS_DIR}")
    typer.echo(f"data directory: {settings.VAR_DIR}")
    phone = "USALAMA_PHONE_HMAC_KEY" if settings.USALAMA_PHONE_HMAC_KEY else "keys directory"
    fields = "USALAMA_FIELD_KEYS" if settings.USALAMA_FIELD_KEYS else "keys directory"
    typer.echo(f"phone HMAC key: {phone}")
    typer.echo(f"field-encryption keys: {fields}")


@app.command("rotate")
def rotate(
    reencrypt_only: Annotated[
        bool,
        typer.Option(
            "--reencrypt-only",
            help="Only re-encrypt under the newest key (keys given in USALAMA_FIELD_KEYS).",
        ),
    ] = False,
) -> None:
    """Encrypt every protected field under a new key, then drop the old keys."""
    setup_django()
    from usalama.accounts import sealing
    from usalama.audit.services import Actor, record

    if reencrypt_only:
        values, dropped = sealing.reencrypt_all(), 0
    else:
        values, dropped = sealing.rotate()
    record(
        Actor(name="cli"),
        "keys.rotate",
        object_type="field_keys",
        details={"values": values, "old_keys_dropped": dropped},
    )
    typer.echo(f"re-encrypted {values} values; dropped {dropped} old key(s)")
