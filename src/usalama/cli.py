"""The one front door for operators: ``usalama``.

Engine commands (graph, money, hotspots, resolve link/dedupe) work on plain files and never
touch Django; platform commands set Django up lazily so ``usalama --help`` stays fast.
"""

from __future__ import annotations

import sys

import typer

from usalama.core.errors import UsalamaError

app = typer.Typer(
    name="usalama",
    help="usalama: intelligence, cases and oversight for police services and their partners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_registered = False


def _register() -> None:
    """Attach every command group once (``main`` may be called repeatedly in one process)."""
    global _registered
    if _registered:
        return
    _registered = True
    from usalama.commands import platform

    platform.register(app)
    __import__("usalama.commands.records", fromlist=["register"]).register(app)
    for name in ("graph", "money", "hotspots", "resolve", "watchlist", "comms"):
        module = __import__(f"usalama.commands.{name}", fromlist=["app"])
        app.add_typer(module.app, name=name)
    app.add_typer(__import__("usalama.commands.policing", fromlist=["app"]).app, name="incidents")
    app.add_typer(__import__("usalama.commands.ledger", fromlist=["app"]).app, name="ledger")
    app.add_typer(__import__("usalama.commands.intake", fromlist=["app"]).app, name="intake")
    app.add_typer(__import__("usalama.commands.justice", fromlist=["app"]).app, name="justice")
    app.add_typer(__import__("usalama.commands.evidence", fromlist=["app"]).app, name="evidence")
    app.add_typer(
        __import__("usalama.commands.federation", fromlist=["app"]).app, name="federation"
    )
    app.add_typer(__import__("usalama.commands.keys", fromlist=["app"]).app, name="keys")
    app.add_typer(__import__("usalama.commands.oversight", fromlist=["app"]).app, name="oversight")
    app.add_typer(__import__("usalama.commands.public", fromlist=["app"]).app, name="public")
    app.add_typer(__import__("usalama.commands.kpis", fromlist=["app"]).app, name="kpis")
    __import__("usalama.commands.backup", fromlist=["register"]).register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; deliberate errors become one line on stderr and a non-zero exit."""
    _register()
    try:
        app(args=argv, standalone_mode=False)
    except UsalamaError as error:
        typer.echo(f"usalama: error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        typer.echo("usalama: interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as error:  # click usage errors and friends
        import click
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(error, ImproperlyConfigured):
            typer.echo(f"usalama: configuration: {error}", err=True)
            sys.exit(2)

        if isinstance(error, click.exceptions.ClickException):
            error.show()
            sys.exit(error.exit_code)
        if isinstance(error, click.exceptions.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
