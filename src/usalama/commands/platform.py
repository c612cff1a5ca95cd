"""Platform commands: migrate, serve, worker, demo, createuser, token, audit.

Django is set up inside each command, so engine commands and ``--help`` stay fast.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from usalama.core.errors import IntegrityFailure


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usalama.settings")
    import django

    django.setup()


def migrate(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Create or upgrade the database schema (SQLite by default, or USALAMA_DATABASE_URL)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    from django.db import connection

    typer.echo(f"database ready ({connection.vendor})")


def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web worker processes.")] = 2,
    threads: Annotated[int, typer.Option(help="Threads per web worker.")] = 4,
    no_worker: Annotated[
        bool,
        typer.Option("--no-worker", help="Serve only; run `usalama worker` elsewhere."),
    ] = False,
) -> None:
    """Serve the web app and API with gunicorn, and run a background worker beside it."""
    setup_django()
    if no_worker:
        from usalama.server import run_gunicorn

        run_gunicorn(host=host, port=port, workers=workers, threads=threads)
        return
    _serve_with_worker(host=host, port=port, workers=workers, threads=threads)


def _serve_with_worker(*, host: str, port: int, workers: int, threads: int) -> None:
    import sys

    from usalama.server import supervise

    cli = [sys.executable, "-m", "usalama.cli"]
    web = [*cli, "serve", "--no-worker", "--host", host, "--port", str(port)]
    web += ["--workers", str(workers), "--threads", str(threads)]
    raise typer.Exit(supervise(web, [*cli, "worker"]))


def worker(
    interval: Annotated[
        float,
        typer.Option(
            help="Longest wait between looks at an empty queue (PostgreSQL wakes it at once)."
        ),
    ] = 0.5,
    batch: Annotated[bool, typer.Option("--batch", help="Run what is queued, then exit.")] = False,
) -> None:
    """Run background jobs (imports uploaded on the web or the API) until stopped."""
    setup_django()
    from usalama.records.worker import run_worker

    run_worker(interval=interval, batch=batch)


def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the demo, don't serve.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 7,
    people: Annotated[int, typer.Option(help="How many true people to generate.")] = 5000,
    host: Annotated[str, typer.Option(help="Address to bind when serving.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind when serving.")] = 8000,
) -> None:
    """Build the demo (agencies, one user per role, synthetic records) and serve it."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from usalama.demo.load import load_demo, print_logins

    logins = load_demo(seed=seed, people=people)
    print_logins(logins)
    if not no_serve:
        _serve_with_worker(host=host, port=port, workers=2, threads=4)


def createuser(
    agency: Annotated[str, typer.Option(help="Agency code, e.g. DCI.")],
    role: Annotated[list[str], typer.Option(help="Role; repeat for several.")],
    username: Annotated[str, typer.Option(help="Login name.")],
    password: Annotated[str | None, typer.Option(help="Password (prompted if omitted).")] = None,
) -> None:
    """Create a user in an agency with roles and a TOTP second factor (prints its secret)."""
    setup_django()
    from usalama.accounts import services
    from usalama.audit.services import Actor

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = services.create_user(
        Actor(name="cli"),
        username=username,
        agency=services.get_agency(agency),
        roles=role,
        password=password,
    )
    typer.echo(f"created {username} ({agency}, {', '.join(role)})")
    typer.echo(f"TOTP secret (add it to an authenticator app): {created.totp_secret_base32}")
    typer.echo(f"otpauth URI: {created.totp_uri}")


token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
agency_app = typer.Typer(help="Agencies.", no_args_is_help=True)


@agency_app.command("create")
def agency_create(
    code: Annotated[str, typer.Option(help="Short code, e.g. DCI.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code, e.g. KE.")],
    kind: Annotated[
        str, typer.Option(help="police, investigations, prosecution, oversight, fiu or partner.")
    ],
) -> None:
    """Create an agency (idempotent: an existing code is left as it is)."""
    setup_django()
    from usalama.accounts import services
    from usalama.accounts.models import AgencyKind
    from usalama.audit.services import Actor
    from usalama.core.errors import InvalidInput

    if kind not in AgencyKind.values:
        raise InvalidInput(f"unknown kind {kind!r}; kinds are: {', '.join(AgencyKind.values)}")
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(f"country must be a two-letter ISO code, not {country!r}")
    agency = services.ensure_agency(
        Actor(name="cli"), code=code.upper(), name=name, country=country, kind=kind
    )
    typer.echo(f"agency {agency.code}: {agency.name}")


@agency_app.command("list")
def agency_list() -> None:
    """List agencies."""
    setup_django()
    from usalama.accounts.models import Agency

    for agency in Agency.objects.order_by("code"):
        typer.echo(f"{agency.code}\t{agency.country}\t{agency.kind}\t{agency.name}")


audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Option(help="User the token acts as.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "cli",
) -> None:
    """Create an API token for a user and print it (shown once; only its hash is stored)."""
    setup_django()
    from usalama.accounts import services
    from usalama.audit.services import Actor

    issued = services.create_token(Actor(name="cli"), services.get_user(username), name)
    typer.echo(issued.raw)


@token_app.command("create-sensor")
def token_create_sensor(
    agency: Annotated[str, typer.Option(help="Agency code the sensor posts for.")],
    name: Annotated[str, typer.Option(help="The sensor or site, e.g. 'Thika Road gantry'.")],
    camera: Annotated[
        list[str] | None,
        typer.Option(help="A camera id the token is bound to (repeat; none: any camera)."),
    ] = None,
) -> None:
    """Create a sensor token (POST /api/v1/sensors/anpr only) and print it (shown once); the
    admin console's Sensors page does the same and lists and revokes them."""
    setup_django()
    from usalama.accounts import services
    from usalama.audit.services import Actor

    issued = services.create_sensor_token(
        Actor(name="cli"), services.get_agency(agency.upper()), name, camera or []
    )
    typer.echo(issued.raw)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="Token id.")]) -> None:
    """Revoke an API token by its id."""
    setup_django()
    from usalama.accounts import services
    from usalama.audit.services import Actor

    services.revoke_token(Actor(name="cli"), token_id)
    typer.echo(f"revoked token {token_id}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit hash chain and compare it with every signed checkpoint; exit
    non-zero naming the first bad, missing or altered event."""
    setup_django()
    from usalama.audit.checkpoints import verify_checkpoints
    from usalama.audit.services import verify_chain

    result = verify_chain()
    if not result.ok:
        raise IntegrityFailure(
            f"audit event #{result.first_bad_id} is bad: {result.reason} "
            f"({result.checked} events before it are intact)"
        )
    anchored = verify_checkpoints()
    if not anchored.ok:
        raise IntegrityFailure(f"audit event #{anchored.first_bad_id}: {anchored.reason}")
    typer.echo(
        f"audit chain intact: {result.checked} events; "
        f"{anchored.checked} signed checkpoint(s) match"
    )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the audit chain's head (last id and hash) and append it to the checkpoint file;
    prints the checkpoint as JSON so that it can also be published elsewhere."""
    setup_django()
    import json
    from dataclasses import asdict

    from usalama.audit.checkpoints import checkpoints_path, key_path, write_checkpoint

    existed = key_path().exists()
    checkpoint = write_checkpoint()
    if not existed:
        typer.echo(
            f"created the audit signing key {key_path()}: keep it, and a copy, outside the "
            "data directory",
            err=True,
        )
    typer.echo(json.dumps(asdict(checkpoint), sort_keys=True))
    typer.echo(f"appended to {checkpoints_path()}", err=True)


def register(app: typer.Typer) -> None:
    """Attach the platform commands to the root CLI."""
    app.command()(migrate)
    app.command()(serve)
    app.command()(worker)
    app.command()(demo)
    app.command()(createuser)
    app.add_typer(agency_app, name="agency")
    app.add_typer(token_app, name="token")
    app.add_typer(audit_app, name="audit")
