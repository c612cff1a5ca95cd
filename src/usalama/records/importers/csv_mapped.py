"""CSV and XLSX rows mapped to entities with a FollowTheMoney mapping (Aleph's format).

The mapping is ``{entities: {key: {schema, keys, properties: {prop: {column|columns|literal}}}}}``
(optionally wrapped as ``{queries: [...]}`` or ``{dataset: {queries: [...]}}``, as Aleph writes
it). ``followthemoney.mapping.QueryMapping`` validates it and computes the ids: a SHA-1 of the
key columns' values seeded with the collection key, so the same row always gives the same id.
A value FtM cannot clean (a date that is not a date) rejects the row, naming the column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from followthemoney import model
from followthemoney.entity import ValueEntity
from followthemoney.exc import InvalidMapping
from followthemoney.mapping.query import QueryMapping
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from usalama.core.archives import xlsx_rows as stream_xlsx
from usalama.core.errors import InvalidInput
from usalama.core.text import clean_text
from usalama.records.importers import Reader, RowError
from usalama.records.importers.encoding import decode_error, open_text
from usalama.records.importers.limits import MAX_FIELD_CHARS

Row = dict[str, str]


def load_mapping(source: Path | dict[str, Any], key_prefix: str) -> list[QueryMapping]:
    """Parse and validate a mapping; every problem is one InvalidInput naming it."""
    if isinstance(source, dict):
        data: Any = source
    else:
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidInput(f"cannot read the mapping {source.name!r}: {error}") from error
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(error, "problem", None) or "unreadable"
            raise InvalidInput(f"the mapping is not valid YAML: {problem}{where}") from error
    queries = _queries(data)
    mappings = []
    for query in queries:
        # A placeholder URL satisfies FtM's source check; rows come from our own readers.
        spec = {**query, "csv_url": "file:///dev/null"}
        try:
            mappings.append(QueryMapping(model, spec, key_prefix=key_prefix))
        except InvalidMapping as error:
            raise InvalidInput(f"the mapping is invalid: {error}") from error
        except (TypeError, AttributeError, ValueError) as error:
            raise InvalidInput(f"the mapping is malformed: {error}") from error
    return mappings


def _queries(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise InvalidInput("the mapping must be a YAML mapping with an 'entities' key")
    if "entities" in data:
        if not isinstance(data["entities"], dict) or not data["entities"]:
            raise InvalidInput("the mapping's 'entities' must be a non-empty mapping")
        return [data]
    if "queries" in data and isinstance(data["queries"], list):
        return [q for q in data["queries"] if isinstance(q, dict)] or _queries({})
    if len(data) == 1:
        inner = next(iter(data.values()))
        if isinstance(inner, dict) and ("queries" in inner or "entities" in inner):
            return _queries(inner)
    raise InvalidInput("the mapping must have an 'entities' key (or Aleph-style 'queries')")


def required_columns(mappings: list[QueryMapping]) -> set[str]:
    columns: set[str] = set()
    for query in mappings:
        columns.update(query.refs)
    return columns


def map_rows(mappings: list[QueryMapping], rows: Iterator[tuple[int, Row] | RowError]) -> Reader:
    for item in rows:
        if isinstance(item, RowError):
            yield item
            continue
        number, row = item
        ref = f"row {number}"
        found: list[dict[str, Any]] = []
        error: RowError | None = None
        for query in mappings:
            done: dict[str, EntityProxy] = {}
            for entity_mapping in query.entities:
                proxy, error = _map_entity(entity_mapping, row, done, ref)
                if error is not None:
                    break
                if proxy is not None:
                    done[entity_mapping.name] = proxy
                    found.append(proxy.to_dict())
            if error is not None:
                break
        if error is not None:
            yield error
        elif not found:
            keys = sorted(required_columns(mappings))
            yield RowError(ref, ",".join(keys)[:200], "the key columns are empty; no entity")
        else:
            for data in found:
                yield data, ref


def _map_entity(
    mapping: Any, row: Row, done: dict[str, EntityProxy], ref: str
) -> tuple[ValueEntity | None, RowError | None]:
    proxy = ValueEntity(mapping.schema, {}, key_prefix=None, cleaned=True)
    # Countries first: phone and address cleaning use them (as FtM's own mapper does).
    ordered = sorted(mapping.properties, key=lambda p: p.prop.type != registry.country)
    for prop in ordered:
        discarded = prop.map(proxy, row, done)
        if discarded:
            field = ",".join(prop.refs) or prop.prop.name
            reason = (
                f"{discarded[0]!r} is not a valid {prop.prop.type.name} "
                f"for {mapping.schema.name}.{prop.prop.name}"
            )
            return None, RowError(ref, field, reason)
    proxy.id = mapping.compute_key(row)
    if proxy.id is None:
        return None, None
    for prop in mapping.properties:
        if prop.required and not proxy.has(prop.prop):
            return None, None
    return proxy, None


# --- readers ---------------------------------------------------------------------------------


def _check_header(header: list[str], needed: set[str], name: str) -> None:
    if not header or not any(h.strip() for h in header):
        raise InvalidInput(f"{name}: the first row must be a header naming the columns")
    missing = sorted(needed - set(header))
    if missing:
        raise InvalidInput(
            f"{name}: the mapping uses column(s) {', '.join(map(repr, missing))} "
            "that the header does not have"
        )


def csv_rows(path: Path, needed: set[str]) -> Iterator[tuple[int, Row] | RowError]:
    handle, encoding = open_text(path)
    csv.field_size_limit(MAX_FIELD_CHARS)
    with handle:
        try:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            dialect: Any = csv.excel
            if "\t" in sample.split("\n", 1)[0] and "," not in sample.split("\n", 1)[0]:
                dialect = csv.excel_tab
            elif ";" in sample.split("\n", 1)[0] and "," not in sample.split("\n", 1)[0]:
                dialect = "excel-semicolon"
                csv.register_dialect(dialect, delimiter=";")
            reader = csv.reader(handle, dialect, strict=True)
            header = [h.strip() for h in next(reader, [])]
            _check_header(header, needed, path.name)
            for fields in reader:
                number = reader.line_num
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    yield RowError(
                        f"row {number}",
                        "",
                        f"row has {len(fields)} fields; the header has {len(header)}",
                    )
                    continue
                yield number, _record(header, fields)
        except UnicodeDecodeError as error:
            raise decode_error(error, encoding, path.name) from error
        except csv.Error as error:
            raise InvalidInput(
                f"{path.name}: not readable as CSV near line {reader.line_num}: {error} "
                "(is the file truncated?)"
            ) from error


def _record(header: list[str], fields: list[Any]) -> Row:
    record: Row = {}
    for name, value in zip(header, fields, strict=True):
        text = clean_text(_cell(value)).strip()
        if text and name:
            record[name] = text
    return record


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat() if value.time() != time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def xlsx_rows(path: Path, needed: set[str]) -> Iterator[tuple[int, Row] | RowError]:
    """Rows of the first sheet, streamed (``core.archives.xlsx_rows``: the archive guard first,
    then openpyxl's read-only reader one row at a time, under the memory cap)."""
    rows = stream_xlsx(path)
    header = [_cell(h).strip() for h in next(rows, ())]
    _check_header(header, needed, path.name)
    for offset, cells in enumerate(rows):
        values: list[Any] = list(cells)[: len(header)]
        values += [None] * (len(header) - len(values))
        record = _record(header, values)
        if record:
            yield offset + 2, record


def read(path: Path, fmt: str, mappings: list[QueryMapping]) -> Reader:
    needed = required_columns(mappings)
    source = xlsx_rows(path, needed) if fmt == "xlsx" else csv_rows(path, needed)
    yield from map_rows(mappings, source)
