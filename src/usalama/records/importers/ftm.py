"""FollowTheMoney JSON lines, as the ``ftm`` CLI, Aleph and OpenSanctions write them.

Each line is an entity (``{"id", "schema", "properties"}``) or a statement
(``{"entity_id", "schema", "prop", "value", ...}``). Entity ids are kept exactly as given, so
an export re-imports onto the same entities. Consecutive statements of one entity are gathered
into one entity (statement files come sorted by entity); should an entity's statements be
scattered, the pieces still meet in the store under their shared entity id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData

from usalama.core.errors import InvalidInput
from usalama.records.importers import Reader, RowError, check_entity
from usalama.records.importers.encoding import decode_error, open_text
from usalama.records.importers.limits import MAX_FIELD_CHARS

BASE_PROP = "id"


def read(path: Path) -> Reader:
    handle, encoding = open_text(path)
    seen_json = False
    group = _Group()
    with handle:
        number = 0
        try:
            for line in handle:
                number += 1
                text = line.strip()
                if not text:
                    continue
                ref = f"line {number}"
                if len(text) > MAX_FIELD_CHARS:
                    yield RowError(ref, "", f"line is longer than {MAX_FIELD_CHARS:,} characters")
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as error:
                    if not line.endswith("\n") and seen_json:
                        raise InvalidInput(
                            f"{path.name}: the last line ({number}) is cut off; "
                            "the file is truncated"
                        ) from error
                    if not seen_json:
                        raise InvalidInput(
                            f"{path.name}: line {number} is not JSON; this is not an FtM "
                            "JSON-lines file"
                        ) from error
                    yield RowError(ref, "", f"not valid JSON ({error.msg})")
                    continue
                seen_json = True
                if isinstance(obj, dict) and "entity_id" in obj and "prop" in obj:
                    finished = group.add(obj, ref)
                    if finished is not None:
                        yield finished
                    continue
                if group.data is not None:
                    yield group.flush()
                yield _item(obj, ref)
            if group.data is not None:
                yield group.flush()
        except UnicodeDecodeError as error:
            raise decode_error(error, encoding, f"{path.name} line {number + 1}") from error


def _item(obj: Any, ref: str) -> tuple[dict[str, Any], str] | RowError:
    if not isinstance(obj, dict):
        return RowError(ref, "", "a line must be a JSON object (an entity or a statement)")
    properties = obj.get("properties", {})
    data = {"id": obj.get("id"), "schema": obj.get("schema"), "properties": properties}
    problem = check_entity(data, ref)
    return problem if problem is not None else (data, ref)


class _Group:
    """Consecutive statements of one entity, gathered into one entity dict."""

    def __init__(self) -> None:
        self.data: dict[str, Any] | None = None
        self.first = self.last = ""
        self.error: RowError | None = None

    def add(self, obj: dict[str, Any], ref: str) -> tuple[dict[str, Any], str] | RowError | None:
        finished = None
        if self.data is not None and self.data["id"] != obj.get("entity_id"):
            finished = self.flush()
        if self.data is None:
            self.data = {"id": obj.get("entity_id"), "schema": obj.get("schema"), "properties": {}}
            self.first = ref
        self.last = ref
        prop, value = obj.get("prop"), obj.get("value")
        if not isinstance(prop, str) or not isinstance(value, str):
            self.error = self.error or RowError(
                ref, "prop", "a statement needs string prop and value"
            )
        elif prop != BASE_PROP:
            self.data["properties"].setdefault(prop, []).append(value)
            if isinstance(obj.get("schema"), str) and obj["schema"] != self.data["schema"]:
                self.data["schema"] = _common_schema(self.data["schema"], obj["schema"])
        return finished

    def flush(self) -> tuple[dict[str, Any], str] | RowError:
        data, error = self.data, self.error
        ref = self.first if self.first == self.last else f"{self.first}-{self.last.split()[-1]}"
        self.data, self.error = None, None
        if error is not None:
            return error
        assert data is not None
        problem = check_entity(data, ref)
        return problem if problem is not None else (data, ref)


def _common_schema(left: Any, right: Any) -> Any:
    try:
        return model.common_schema(left, right).name
    except InvalidData:
        return left
