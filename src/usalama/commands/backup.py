"""`usalama backup` and `usalama restore`: the database, the stored files and the audit
checkpoints in one archive.

The archive (a gzip'd tar) holds ``manifest.json`` (format, database vendor, the audit chain's
head at backup time, a SHA-256 per member), the database — ``database.sqlite3`` taken with
SQLite's online backup API (consistent while the server keeps writing), or ``database.pgdump``
from ``pg_dump --format=custom`` — the uploaded and evidence files under ``<var>/media/`` and
the signed audit checkpoints. The signing key is *not* in it: it lives outside the data
directory, and a restore is checked with the same key (``usalama audit verify``).

``usalama restore`` refuses to overwrite an installation that already holds data; it checks
every member's digest before writing anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from usalama.commands.platform import setup_django
from usalama.core.errors import Conflict, IntegrityFailure, InvalidInput

FORMAT = "usalama-backup-1"
_CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _database_settings() -> dict[str, Any]:
    from django.db import connection

    return dict(connection.settings_dict)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InvalidInput(f"{name} is not installed; it is needed for PostgreSQL backups")
    return found


def _dump_database(staging: Path) -> tuple[str, str]:
    from django.db import connection

    db = _database_settings()
    if connection.vendor == "sqlite":
        target = staging / "database.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # a consistent snapshot, even while others write
        finally:
            copy.close()
            source.close()
        return "sqlite", target.name
    if connection.vendor == "postgresql":
        target = staging / "database.pgdump"
        subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                _program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                *_pg_args(db),
            ],
            check=True,
            env=_pg_env(db),
        )
        return "postgresql", target.name
    raise InvalidInput(f"backing up a {connection.vendor} database is not supported")


def _add_tree(archive: tarfile.TarFile, root: Path, prefix: str, digests: dict[str, str]) -> int:
    count = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = f"{prefix}/{path.relative_to(root).as_posix()}"
            digests[name] = _sha256(path)
            archive.add(path, arcname=name, recursive=False)
            count += 1
    return count


def backup(
    out: Annotated[Path, typer.Option("--out", help="Archive to write (.tar.gz).")],
) -> None:
    """Back up the database (SQLite online backup or pg_dump), the stored upload and evidence
    files and the signed audit checkpoints into one archive."""
    setup_django()
    from django.conf import settings

    from usalama.audit.checkpoints import checkpoints_path, head
    from usalama.audit.services import SYSTEM, record

    if out.exists():
        raise Conflict(f"{out} exists; choose a new file name")
    last_id, last_hash = head()
    with tempfile.TemporaryDirectory(prefix="usalama-backup-") as tmp:
        staging = Path(tmp)
        vendor, db_name = _dump_database(staging)
        digests = {db_name: _sha256(staging / db_name)}
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(staging / db_name, arcname=db_name)
            files = _add_tree(archive, Path(settings.VAR_DIR) / "media", "media", digests)
            checkpoints = checkpoints_path()
            if checkpoints.exists():
                digests["audit/checkpoints.jsonl"] = _sha256(checkpoints)
                archive.add(checkpoints, arcname="audit/checkpoints.jsonl")
            manifest = {
                "format": FORMAT,
                "vendor": vendor,
                "created_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
                "audit_head": {"last_id": last_id, "last_hash": last_hash},
                "files": digests,
            }
            encoded = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
        partial.replace(out)  # an interrupted backup never looks like a finished one
    record(SYSTEM, "platform.backup", details={"file": out.name, "files": files, "vendor": vendor})
    typer.echo(f"backup written to {out}: {vendor} database, {files} stored file(s)")


def _safe_members(archive: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = {}
    for member in archive.getmembers():
        name = member.name
        if not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
            raise IntegrityFailure(f"the archive holds an unexpected entry {name!r}")
        members[name] = member
    return members


def _installation_is_empty() -> bool:
    from django.db import connection

    tables = connection.introspection.table_names()
    if "audit_auditevent" not in tables:
        return True
    from usalama.accounts.models import User
    from usalama.audit.models import AuditEvent

    return not AuditEvent.objects.exists() and not User.objects.exists()


def restore(
    archive_path: Annotated[Path, typer.Argument(help="Archive written by usalama backup.")],
) -> None:
    """Restore a backup into an empty installation (database, stored files, audit
    checkpoints); every member's digest is checked before anything is written."""
    setup_django()
    from django.conf import settings
    from django.db import connection

    from usalama.audit.checkpoints import checkpoints_path

    if not archive_path.is_file():
        raise InvalidInput(f"{archive_path} is not a file")
    if not _installation_is_empty():
        raise Conflict("this installation already holds data; restore into an empty one")
    with tempfile.TemporaryDirectory(prefix="usalama-restore-") as tmp:
        staging = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            members = _safe_members(archive)
            if "manifest.json" not in members:
                raise IntegrityFailure("the archive has no manifest.json")
            archive.extractall(staging, members=list(members.values()), filter="data")
        manifest = json.loads((staging / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise IntegrityFailure(f"not a {FORMAT} archive")
        for name, digest in manifest["files"].items():
            if _sha256(staging / name) != digest:
                raise IntegrityFailure(f"{name} in the archive does not match its digest")
        if manifest["vendor"] != connection.vendor:
            raise InvalidInput(
                f"the backup is of a {manifest['vendor']} database; this installation uses "
                f"{connection.vendor}"
            )
        db = _database_settings()
        connection.close()
        if connection.vendor == "sqlite":
            target = Path(str(db["NAME"]))
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            shutil.copyfile(staging / "database.sqlite3", target)
        else:
            subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _program("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    *_pg_args(db),
                    str(staging / "database.pgdump"),
                ],
                check=True,
                env=_pg_env(db),
            )
        media = staging / "media"
        if media.is_dir():
            shutil.copytree(media, Path(settings.VAR_DIR) / "media", dirs_exist_ok=True)
        checkpoints = staging / "audit" / "checkpoints.jsonl"
        if checkpoints.exists():
            checkpoints_path().parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(checkpoints, checkpoints_path())
    head = manifest["audit_head"]
    typer.echo(
        f"restored {archive_path.name}: audit chain up to #{head['last_id']}; "
        "run `usalama audit verify` to check it"
    )


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
