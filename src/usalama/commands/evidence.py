"""`usalama evidence`: check a case's evidence (file hashes and custody chains)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from usalama.commands.platform import setup_django
from usalama.core.errors import IntegrityFailure

app = typer.Typer(
    help="Evidence register: verify file hashes and chains of custody.", no_args_is_help=True
)


@app.command("verify")
def verify_command(
    case: Annotated[str, typer.Option("--case", help="Case reference, e.g. DCI-2026-0001.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute every digital exhibit's SHA-256 and check every custody chain.

    Exits 6 naming the first exhibit whose file changed or whose custody chain is broken.
    """
    setup_django()
    from usalama.audit.services import SYSTEM, record
    from usalama.cases.evidence import verify_case

    report = verify_case(case)
    record(
        SYSTEM,
        "evidence.verify",
        object_type="case",
        object_id=case,
        details={"ok": report.ok, "first_break": report.first_break},
    )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "case": report.case,
                    "ok": report.ok,
                    "exhibits": report.exhibits,
                    "files": report.files,
                    "transfers": report.transfers,
                    "first_break": report.first_break or None,
                }
            )
        )
    if not report.ok:
        raise IntegrityFailure(f"case {case}: {report.first_break}")
    if not as_json:
        typer.echo(
            f"case {case}: {report.exhibits} exhibits, {report.files} files and "
            f"{report.transfers} custody transfers verified"
        )
