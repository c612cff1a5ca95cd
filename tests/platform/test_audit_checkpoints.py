"""Signed checkpoints anchor the audit chain's tail (issue #20, finding 7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored(settings: Any, tmp_path: Path) -> Path:
    settings.USALAMA_AUDIT_SIGNING_KEY = str(tmp_path / "keys" / "audit.pem")
    settings.USALAMA_AUDIT_CHECKPOINTS = str(tmp_path / "published" / "checkpoints.jsonl")
    return tmp_path


def _append(n: int) -> None:
    for i in range(n):
        record(Actor(name="tester", agency="NPS"), "test.event", object_id=i)


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def test_checkpoint_is_signed_and_verifies(anchored: Path) -> None:
    from usalama.audit.checkpoints import read_checkpoints, verify_checkpoints, write_checkpoint

    _append(4)
    checkpoint = write_checkpoint()
    assert checkpoint.last_id == 4
    assert (anchored / "keys" / "audit.pem").stat().st_mode & 0o777 == 0o600
    _append(2)  # growing after a checkpoint is fine
    assert verify_checkpoints().ok
    assert [c.last_id for c in read_checkpoints()] == [4]


def test_deleting_the_tail_is_detected(anchored: Path) -> None:
    from usalama.audit.checkpoints import verify_checkpoints, write_checkpoint
    from usalama.audit.services import verify_chain

    _append(6)
    write_checkpoint()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id > 4")
    assert verify_chain().ok  # the shortened chain is intact in itself...
    result = verify_checkpoints()  # ...but the checkpoint saw #6
    assert not result.ok
    assert result.first_bad_id == 5
    assert "missing" in result.reason


def test_rewriting_the_tail_is_detected(anchored: Path) -> None:
    from usalama.audit.checkpoints import verify_checkpoints, write_checkpoint

    _append(3)
    write_checkpoint()
    _append(3)
    write_checkpoint()
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id > 4")
    _append(2)  # re-chained events of the same count
    result = verify_checkpoints()
    assert not result.ok
    assert result.first_bad_id == 4  # after the last checkpoint that still matches (#3)
    assert "altered" in result.reason


def test_a_forged_checkpoint_is_refused(anchored: Path) -> None:
    from usalama.audit.checkpoints import checkpoints_path, verify_checkpoints, write_checkpoint

    _append(2)
    write_checkpoint()
    path = checkpoints_path()
    line = json.loads(path.read_text())
    line["last_id"] = 1
    path.write_text(json.dumps(line) + "\n")
    result = verify_checkpoints()
    assert not result.ok and "signature" in result.reason


def test_key_inside_the_data_directory_is_refused(settings: Any) -> None:
    from usalama.audit.checkpoints import write_checkpoint

    settings.USALAMA_AUDIT_SIGNING_KEY = str(Path(settings.VAR_DIR) / "audit.pem")
    with pytest.raises(InvalidInput, match="inside the data directory"):
        write_checkpoint()


def test_worker_checkpoints_only_when_the_chain_grew(anchored: Path) -> None:
    from usalama.audit.checkpoints import checkpoint_if_grown, read_checkpoints

    assert checkpoint_if_grown() is None  # empty chain
    _append(2)
    assert checkpoint_if_grown() is not None
    assert checkpoint_if_grown() is None
    _append(1)
    assert checkpoint_if_grown() is not None
    assert [c.last_id for c in read_checkpoints()] == [2, 3]
    assert AuditEvent.objects.count() == 3
