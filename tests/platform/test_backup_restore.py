"""`usalama backup` and `usalama restore` as an operator runs them (issue #20).

A populated installation with an upload and signed audit checkpoints is backed up while it
runs, restored into an empty installation (another data directory, the same signing key),
and `usalama audit verify` passes there; the archive's digests and the refusal to overwrite
a populated installation are checked too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

USALAMA = [sys.executable, "-m", "usalama.cli"]
pytestmark = pytest.mark.slow


def _run(args: list[str], var_dir: Path, key: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "USALAMA_VAR_DIR": str(var_dir),
        "USALAMA_AUDIT_SIGNING_KEY": str(key),
    }
    env.pop("USALAMA_DATABASE_URL", None)
    env.pop("USALAMA_AUDIT_CHECKPOINTS", None)
    return subprocess.run(
        [*USALAMA, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_backup_restores_into_an_empty_installation(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "audit.pem"
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    _ok(_run(["migrate"], source, key))
    _ok(
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
            source,
            key,
        )
    )
    _ok(_run(["audit", "checkpoint"], source, key))
    evidence = source / "media" / "imports" / "upload.csv"
    evidence.parent.mkdir(parents=True)
    evidence.write_text("name\nMohamed Abdi Hassan\n")
    _ok(
        _run(
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
            source,
            key,
        )
    )
    _ok(_run(["audit", "checkpoint"], source, key))
    archive = tmp_path / "backup.tar.gz"
    assert "sqlite database, 1 stored file" in _ok(
        _run(["backup", "--out", str(archive)], source, key)
    )
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    assert {
        "manifest.json",
        "database.sqlite3",
        "media/imports/upload.csv",
        "audit/checkpoints.jsonl",
    } <= names

    _ok(_run(["migrate"], target, key))  # an empty installation
    assert "restored backup.tar.gz" in _ok(_run(["restore", str(archive)], target, key))
    assert (target / "media" / "imports" / "upload.csv").read_text() == evidence.read_text()
    verified = _ok(_run(["audit", "verify"], target, key))
    assert "audit chain intact" in verified and "2 signed checkpoint(s) match" in verified

    # a second restore would overwrite data: refused, exit code 5 (conflict)
    again = _run(["restore", str(archive)], target, key)
    assert again.returncode == 5 and "already holds data" in again.stderr


def test_a_tampered_archive_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "audit.pem"
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    _ok(_run(["migrate"], source, key))
    archive = tmp_path / "backup.tar.gz"
    _ok(_run(["backup", "--out", str(archive)], source, key))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(tampered, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member)
            if member.name == "database.sqlite3":
                content = bytearray(data.read())  # type: ignore[union-attr]
                content[-1] ^= 0xFF
                member.size = len(content)
                import io

                copy.addfile(member, io.BytesIO(bytes(content)))
            else:
                copy.addfile(member, data)
    result = _run(["restore", str(tampered)], target, key)
    assert result.returncode == 6 and "does not match its digest" in result.stderr
