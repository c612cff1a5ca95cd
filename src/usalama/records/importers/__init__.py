"""Readers that turn files into FtM entity dicts, one small module per format.

Every reader is a generator of ``Item``: either ``(entity_dict, record_ref)`` for a good
record or a ``RowError`` naming the row, the field and the reason. Problems that make the
whole file unusable (wrong format, truncation, binary garbage, a bad mapping) raise
``InvalidInput`` instead. Readers never touch the database; ``records.imports`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.util import sanitize_text

from usalama.core.errors import InvalidInput

IMPORTER_VERSION = "1.0"
FORMATS = ("csv", "xlsx", "ftm", "goaml")
MAX_ENTITY_ID = 200  # Statement.entity_id
MAX_RECORD_REF = 100  # Statement.record_ref


@dataclass(frozen=True)
class RowError:
    """One rejected record: where it is in the file, which field, and why."""

    row: str
    field: str
    reason: str


Item = tuple[dict[str, Any], str] | RowError
Reader = Iterator[Item]

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "ftm",
    ".jsonl": "ftm",
    ".ijson": "ftm",
    ".ftm": "ftm",
    ".xml": "goaml",
}


def guess_format(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(
            f"cannot tell the format of {path.name!r} from its name; "
            f"pass --format ({', '.join(FORMATS)})"
        )
    return fmt


def check_entity(data: dict[str, Any], ref: str) -> RowError | None:
    """Everything that would make ``records.writing.statement_entity`` fail, checked cheaply.

    Runs on every record in the check pass, before anything is written, so it builds no FtM
    proxy: with a known schema, known properties and string values, building one cannot
    fail (FtM cleaning drops a value it cannot read rather than raising), so the write pass
    meets no bad record the check pass let through.
    """
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not sanitize_text(entity_id):
        return RowError(ref, "id", "entity has no id")
    if len(entity_id) > MAX_ENTITY_ID:
        return RowError(ref, "id", f"entity id is longer than {MAX_ENTITY_ID} characters")
    if not isinstance(data.get("schema"), str):
        return RowError(ref, "schema", "entity has no schema")
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        return RowError(ref, "properties", "properties must be an object")
    for name, values in properties.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return RowError(ref, str(name), "property values must be a list of strings")
    schema = model.get(data["schema"])
    if schema is None:
        return RowError(ref, "schema", f"unknown schema {data['schema']!r}")
    for name in properties:
        if schema.get(name) is None:
            return RowError(ref, str(name), f"{schema.name} has no property {name!r}")
    return None


def short_ref(ref: str) -> str:
    return ref if len(ref) <= MAX_RECORD_REF else ref[: MAX_RECORD_REF - 1] + "…"
