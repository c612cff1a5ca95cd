"""Signed checkpoints of the audit chain's head, so that deleting its tail is detected.

The hash chain (``audit.chain``) shows any change *inside* the log, but someone who deletes
the last events leaves a shorter chain that is still intact. A checkpoint records the head
— the last event's id (= the count) and hash — signed with an Ed25519 key that lives outside
the data directory (``USALAMA_AUDIT_SIGNING_KEY``, a PEM file the operator keeps elsewhere;
generated on first use, with a message saying where). Checkpoints are appended as JSON lines
to ``USALAMA_AUDIT_CHECKPOINTS`` (default: ``<var>/audit/checkpoints.jsonl``) and may also be
published elsewhere (printed by ``usalama audit checkpoint``): whoever holds a copy can tell
that the log they are shown lost or rewrote entries.

``usalama audit checkpoint`` writes one; the background worker writes one periodically when
the chain has grown; ``usalama audit verify`` checks the chain and then every checkpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from usalama.audit.models import AuditEvent
from usalama.core.errors import IntegrityFailure, InvalidInput

log = logging.getLogger("usalama.audit.checkpoints")


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    last_hash: str
    time: str
    key_id: str
    signature: str = ""

    def message(self) -> bytes:
        """What is signed: the head and when, in a fixed form."""
        return f"usalama-audit-checkpoint\n{self.last_id}\n{self.last_hash}\n{self.time}".encode()


def key_path() -> Path:
    return Path(settings.USALAMA_AUDIT_SIGNING_KEY).expanduser()


def checkpoints_path() -> Path:
    return Path(settings.USALAMA_AUDIT_CHECKPOINTS).expanduser()


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def signing_key(*, create: bool = True) -> Ed25519PrivateKey:
    """The operator's signing key; created (mode 0600) on first use when ``create``."""
    path = key_path()
    if _inside(path, Path(settings.VAR_DIR)):
        raise InvalidInput(
            f"the audit signing key {path} is inside the data directory {settings.VAR_DIR}; "
            "set USALAMA_AUDIT_SIGNING_KEY to a file elsewhere (a copy of the data directory "
            "must not carry the key that vouches for it)"
        )
    if not path.exists():
        if not create:
            raise InvalidInput(f"no audit signing key at {path} (USALAMA_AUDIT_SIGNING_KEY)")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        log.warning(
            "created a new audit signing key at %s: keep it (and a copy) outside the data "
            "directory; checkpoints signed with it can only be checked with it",
            path,
        )
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 private key")
    return loaded


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def head() -> tuple[int, str]:
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return (int(last[0]), str(last[1])) if last else (0, "")


_WRITE_LOCK = threading.Lock()


def write_checkpoint() -> Checkpoint:
    """Sign the chain's current head and append it to the checkpoint file."""
    key = signing_key()
    last_id, last_hash = head()
    unsigned = Checkpoint(
        last_id=last_id,
        last_hash=last_hash,
        time=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        key_id=_key_id(key.public_key()),
    )
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    checkpoint = Checkpoint(**{**asdict(unsigned), "signature": signature})
    path = checkpoints_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _WRITE_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(checkpoint), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def read_checkpoints() -> list[Checkpoint]:
    path = checkpoints_path()
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint(**json.loads(line)))
        except (ValueError, TypeError) as bad:
            raise IntegrityFailure(f"checkpoint line {number} of {path} is unreadable") from bad
    return found


def latest_id() -> int:
    found = read_checkpoints()
    return found[-1].last_id if found else 0


@dataclass(frozen=True)
class CheckpointResult:
    checked: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_checkpoints() -> CheckpointResult:
    """Compare the chain with every checkpoint; name the first missing or altered event.

    Run it after ``verify_chain`` (which proves each event follows the one before): then a
    checkpoint whose head is missing means the tail was cut from the first missing id on,
    and one whose head hash differs means events after the last matching checkpoint were
    rewritten (and re-chained).
    """
    checkpoints = read_checkpoints()
    if not checkpoints:
        return CheckpointResult(0)
    public = signing_key(create=False).public_key()
    my_id = _key_id(public)
    chain_last, _hash = head()
    good_up_to = 0
    for number, checkpoint in enumerate(checkpoints, start=1):
        if checkpoint.key_id != my_id:
            return CheckpointResult(
                number - 1, checkpoint.last_id, f"checkpoint {number} was signed by another key"
            )
        try:
            public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
        except (InvalidSignature, ValueError):
            return CheckpointResult(
                number - 1, checkpoint.last_id, f"checkpoint {number} has a bad signature"
            )
        if checkpoint.last_id == 0:
            continue
        if checkpoint.last_id > chain_last:
            return CheckpointResult(
                number - 1,
                chain_last + 1,
                f"missing: the chain ends at #{chain_last} but checkpoint {number} "
                f"({checkpoint.time}) saw #{checkpoint.last_id}",
            )
        stored = AuditEvent.objects.filter(id=checkpoint.last_id).values_list("hash", flat=True)
        if stored.first() != checkpoint.last_hash:
            return CheckpointResult(
                number - 1,
                good_up_to + 1,
                f"altered: events after #{good_up_to} up to #{checkpoint.last_id} differ from "
                f"checkpoint {number} ({checkpoint.time})",
            )
        good_up_to = checkpoint.last_id
    return CheckpointResult(len(checkpoints))


def checkpoint_if_grown() -> Checkpoint | None:
    """The worker's periodic checkpoint: only when events were added since the last one."""
    last_id, _hash = head()
    if last_id == 0 or last_id == latest_id():
        return None
    return write_checkpoint()


class PeriodicCheckpoints:
    """A daemon thread writing a checkpoint every ``interval`` seconds while the chain grows."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-checkpoints", daemon=True)

    def start(self) -> PeriodicCheckpoints:
        if self.interval > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        from django.db import connection

        while not self._stop.wait(self.interval):
            try:
                checkpoint_if_grown()
            except Exception:  # a failed checkpoint must not stop the worker; it is logged
                log.exception("could not write an audit checkpoint")
            finally:
                connection.close()
