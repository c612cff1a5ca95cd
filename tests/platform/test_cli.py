"""The CLI as an operator uses it: a real process, its exit code and its one-line errors."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_data import PROJECT_ROOT

USALAMA = [sys.executable, "-m", "usalama.cli"]


def _run(args: list[str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    return subprocess.run(
        [*USALAMA, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_audit_verify_detects_tampering(tmp_path: Path) -> None:
    assert _run(["migrate"], tmp_path).returncode == 0
    create = _run(
        [
            "createuser",
            "--agency",
            "NPS",
            "--role",
            "analyst",
            "--username",
            "a1",
            "--password",
            "a long enough passphrase 9",
        ],
        tmp_path,
    )
    assert create.returncode != 0 and "no agency with code 'NPS'" in create.stderr
    assert create.stderr.count("\n") == 1  # one line, no traceback
    db = tmp_path / "usalama.sqlite3"
    agency = _run(
        [
            "agency",
            "create",
            "--code",
            "NPS",
            "--name",
            "National Police Service",
            "--country",
            "KE",
            "--kind",
            "police",
        ],
        tmp_path,
    )
    assert agency.returncode == 0, agency.stderr
    create = _run(
        [
            "createuser",
            "--agency",
            "NPS",
            "--role",
            "analyst",
            "--username",
            "a1",
            "--password",
            "a long enough passphrase 9",
        ],
        tmp_path,
    )
    assert create.returncode == 0, create.stderr
    assert "TOTP secret" in create.stdout
    token = _run(["token", "create", "--username", "a1"], tmp_path)
    assert token.returncode == 0 and token.stdout.startswith("usl_")
    ok = _run(["audit", "verify"], tmp_path)
    assert ok.returncode == 0 and "intact: 3 events" in ok.stdout
    with sqlite3.connect(db) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_auditevent SET actor = 'x' WHERE id = 1")
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_auditevent SET actor = 'someone' WHERE id = 3")
    bad = _run(["audit", "verify"], tmp_path)
    assert bad.returncode != 0
    assert "audit event #3" in bad.stderr


def test_unknown_role_is_one_line_error(tmp_path: Path) -> None:
    _run(["migrate"], tmp_path)
    result = _run(
        ["createuser", "--agency", "X", "--role", "wizard", "--username", "u", "--password", "p"],
        tmp_path,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def _commands(args: list[str]) -> list[str]:
    """Every leaf command reachable from ``usalama`` as 'usalama a b'."""
    import click
    import typer.main

    from usalama import cli

    cli._register()
    root = typer.main.get_command(cli.app)
    found: list[str] = []

    def walk(command: click.Command, path: list[str]) -> None:
        # By what it has, not its class: Typer ships its own copy of click, whose groups
        # are not click.Group, so an isinstance test silently checked only "usalama".
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, dict):
            for name, sub in subcommands.items():
                walk(sub, [*path, name])
        else:
            found.append(" ".join(["usalama", *path]))

    walk(root, [])  # type: ignore[arg-type]
    assert len(found) > 20, found  # the walk reached the leaves
    return found


def test_every_cli_command_is_documented() -> None:
    docs = "\n".join(p.read_text() for p in (PROJECT_ROOT / "docs" / "reference").glob("cli*.md"))
    missing = [c for c in _commands([]) if not re.search(re.escape(c) + r"\b", docs)]
    assert not missing, f"undocumented CLI commands: {missing}"


def test_intake_leader_add_creates_an_account_that_reports_verified(tmp_path: Path) -> None:
    assert _run(["migrate"], tmp_path).returncode == 0
    assert (
        _run(
            [
                "agency",
                "create",
                "--code",
                "NPS",
                "--name",
                "NPS",
                "--country",
                "KE",
                "--kind",
                "police",
            ],
            tmp_path,
        ).returncode
        == 0
    )
    env = {**os.environ, "USALAMA_VAR_DIR": str(tmp_path)}
    env.pop("USALAMA_DATABASE_URL", None)
    password = "correct horse battery staple 42"
    done = subprocess.run(
        [
            *USALAMA,
            "intake",
            "leader-add",
            "--name",
            "Chief Jane Wanjala",
            "--kind",
            "chief",
            "--county",
            "Kakamega",
            "--user",
            "chief.wanjala",
            "--create-account",
        ],
        input=f"{password}\n{password}\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "registered (web)" in done.stdout
    db = sqlite3.connect(tmp_path / "usalama.sqlite3")
    row = db.execute(
        "SELECT l.kind, u.username FROM intake_localleader l"
        " JOIN accounts_user u ON u.id = l.user_id"
    ).fetchone()
    assert row == ("chief", "chief.wanjala")
    bad = _run(["intake", "leader-add", "--name", "X", "--kind", "king"], tmp_path)
    assert bad.returncode != 0 and "kind" in bad.stderr and "Traceback" not in bad.stderr
