"""What screening compares: a watchlist entry or a record reduced to names, dates and identifiers.

Both sides arrive as FollowTheMoney entities (``{"id", "schema", "properties"}``), from a
plain JSON-lines file or from the platform's store. Reading them needs no FtM model
object: screening a million records must not build a million proxies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rigour.names import remove_org_types

from usalama.analysis.watchlist.plates import plate_key
from usalama.core.errors import InvalidInput
from usalama.core.names import name_initials_written, name_parts, raw_tokens
from usalama.core.text import normalise_identifier, normalise_phone

PERSON_SCHEMATA = frozenset({"Person"})
ORG_SCHEMATA = frozenset({"Company", "Organization", "PublicBody"})
PARTY_SCHEMATA = PERSON_SCHEMATA | ORG_SCHEMATA | {"LegalEntity"}

# property -> identifier kind; two identifiers only ever match within one kind.
IDENTIFIER_PROPERTIES: dict[str, str] = {
    "idNumber": "id",
    "passportNumber": "id",
    "nationalId": "id",
    "taxNumber": "tax",
    "vatCode": "tax",
    "innCode": "tax",
    "registrationNumber": "registration",
    "leiCode": "lei",
    "swiftBic": "bic",
    "imoNumber": "imo",
    "phone": "phone",
    "email": "email",
    "accountNumber": "account",
    "iban": "account",
    "publicKey": "wallet",
    "number": "id",  # Passport / Identification documents
}
NAME_PROPERTIES = ("name", "alias", "previousName")
PART_PROPERTIES = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "jurisdiction")


@dataclass(frozen=True, slots=True)
class Name:
    written: str
    parts: tuple[str, ...]  # canonical full parts in written order
    initials: tuple[str, ...]  # parts written as an initial


@dataclass(frozen=True, slots=True)
class Subject:
    """One side of a comparison. ``kind`` is person, organization, vehicle or other."""

    id: str
    schema: str
    kind: str
    names: tuple[Name, ...] = ()
    birth_dates: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    identifiers: frozenset[tuple[str, str]] = frozenset()  # (kind, normalised value)
    caption: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


def _kind(schema: str) -> str:
    if schema in PERSON_SCHEMATA:
        return "person"
    if schema in ORG_SCHEMATA or schema == "LegalEntity":
        return "organization"
    if schema in {"Vehicle", "Vessel", "Airplane"}:
        return "vehicle"
    return "other"


def person_name(written: str) -> Name:
    return Name(written, tuple(name_parts(written)), tuple(name_initials_written(written)))


def org_name(written: str) -> Name:
    stripped = remove_org_types(written.lower()) or written
    return Name(written, tuple(raw_tokens(stripped)), ())


def _normalise_identifier(kind: str, prop: str, value: str, schema: str) -> str | None:
    if kind == "phone":
        return normalise_phone(value)
    if kind == "email":
        cleaned = value.strip().lower()
        return cleaned if "@" in cleaned else None
    if kind == "registration" and schema == "Vehicle":
        return plate_key(value) or None
    cleaned = normalise_identifier(value)
    return cleaned if len(cleaned) >= 4 else None


def _date(value: str) -> str | None:
    text = value.strip()[:10]
    if len(text) >= 4 and text[:4].isdigit():
        return text
    return None


def subject_from_ftm(entity: Mapping[str, Any]) -> Subject:
    """Reduce one FtM entity dict to what screening compares. Raises InvalidInput if malformed."""
    entity_id = entity.get("id")
    schema = entity.get("schema")
    props = entity.get("properties", {})
    if not isinstance(entity_id, str) or not entity_id or not isinstance(schema, str):
        raise InvalidInput("an entity needs a string 'id' and 'schema'")
    if not isinstance(props, Mapping):
        raise InvalidInput(f"entity {entity_id}: 'properties' must be an object")

    def values(prop: str) -> list[str]:
        raw = props.get(prop, [])
        if isinstance(raw, str):
            return [raw]
        return [str(v) for v in raw if v not in (None, "")]

    kind = _kind(schema)
    written: list[str] = []
    for prop in NAME_PROPERTIES:
        written.extend(values(prop))
    parts = [v for prop in PART_PROPERTIES for v in values(prop)[:1]]
    if parts and not written:
        written.append(" ".join(parts))
    make = person_name if kind == "person" or schema == "LegalEntity" else org_name
    names = tuple(n for n in (make(w) for w in dict.fromkeys(written)) if n.parts or n.initials)
    if kind not in {"person", "organization"}:
        names = ()
    birth = tuple(d for d in (_date(v) for v in values("birthDate")) if d)
    countries = frozenset(
        c.strip().lower()[:2] for prop in COUNTRY_PROPERTIES for c in values(prop) if c.strip()
    )
    identifiers: set[tuple[str, str]] = set()
    for prop, id_kind in IDENTIFIER_PROPERTIES.items():
        for value in values(prop):
            normalised = _normalise_identifier(id_kind, prop, value, schema)
            if normalised:
                # a vehicle's registration is its plate: its own kind so a plate never
                # matches a company registration number
                identifiers.add(
                    (
                        "plate" if schema == "Vehicle" and id_kind == "registration" else id_kind,
                        normalised,
                    )
                )
    caption = written[0] if written else next(iter(values("publicKey")), "")
    if schema == "Vehicle" and not caption:
        caption = next(iter(values("registrationNumber")), "")
    return Subject(
        id=entity_id,
        schema=schema,
        kind=kind,
        names=names,
        birth_dates=birth,
        countries=countries,
        identifiers=frozenset(identifiers),
        caption=caption,
    )


def read_entities(path: Path) -> Iterator[dict[str, Any]]:
    """FtM JSON lines (one entity a line); blank lines skipped; a bad line names its number."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entity = json.loads(line)
            except json.JSONDecodeError as error:
                raise InvalidInput(f"{path}:{number}: not JSON ({error.msg})") from error
            if not isinstance(entity, dict):
                raise InvalidInput(f"{path}:{number}: expected an entity object")
            yield entity


def read_subjects(path: Path) -> list[Subject]:
    subjects = []
    for number, entity in enumerate(read_entities(path), start=1):
        try:
            subjects.append(subject_from_ftm(entity))
        except InvalidInput as error:
            raise InvalidInput(f"{path}: entity {number}: {error.message}") from error
    return subjects


def subjects_from(entities: Iterable[Mapping[str, Any]]) -> list[Subject]:
    return [subject_from_ftm(e) for e in entities]
