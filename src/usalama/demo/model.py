"""The data types of the demo world and its fixed agencies and collections.

A :class:`DemoWorld` is plain data: agencies, collections, records (FtM entity dicts,
each in one collection), ground truth and the planted scenarios. It knows nothing of
Django; ``usalama.demo.load`` turns it into database rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "AGENCIES",
    "COLLECTIONS",
    "AgencyKind",
    "DemoAgency",
    "DemoCollection",
    "DemoRecord",
    "DemoWorld",
    "EntityDict",
    "entity_id",
    "make_entity",
]

AgencyKind = Literal["police", "investigations", "prosecution", "oversight", "fiu", "partner"]
EntityDict = dict[str, Any]
"""An FtM entity as ``{"id": str, "schema": str, "properties": {prop: [str, ...]}}``."""


@dataclass(frozen=True)
class DemoAgency:
    """An agency taking part: ``code`` is short and upper-case (``"DCI"``)."""

    code: str
    name: str
    country: str  # ISO 3166-1 alpha-2, upper-case
    kind: AgencyKind


@dataclass(frozen=True)
class DemoCollection:
    """A collection of records owned by one agency, with its default grading.

    ``reliability`` is the source evaluation (A/B/C/X), ``assessment`` the information
    assessment (1-4), ``handling`` the handling code (H0-H3) and ``tlp`` the Traffic
    Light Protocol marking (CLEAR, GREEN, AMBER, AMBER+STRICT, RED).
    """

    key: str
    agency: str
    label: str
    summary: str
    reliability: str
    assessment: int
    handling: str
    tlp: str


@dataclass(frozen=True)
class DemoRecord:
    """One FtM entity as one collection holds it."""

    collection: str
    entity: EntityDict

    @property
    def id(self) -> str:
        return str(self.entity["id"])

    @property
    def schema(self) -> str:
        return str(self.entity["schema"])


@dataclass
class DemoWorld:
    """Everything :func:`usalama.demo.generator.generate_world` builds.

    ``truth`` maps the entity id of every Person and Company record to the id of the
    true person/company it describes (ids like ``truth-7-person-000042``); records of
    the same true id are the same real-world entity recorded by different agencies (or
    twice by one). ``scenarios`` holds the planted stories by name (see the docs).
    """

    seed: int
    agencies: list[DemoAgency]
    collections: list[DemoCollection]
    records: list[DemoRecord]
    truth: dict[str, str]
    scenarios: dict[str, dict[str, Any]]
    _by_id: dict[str, DemoRecord] = field(default_factory=dict, repr=False, compare=False)

    def record(self, entity_id: str) -> DemoRecord:
        """The record with this entity id (``KeyError`` if there is none)."""
        if len(self._by_id) != len(self.records):
            self._by_id = {r.id: r for r in self.records}
        return self._by_id[entity_id]

    def by_schema(self, schema: str) -> Iterator[DemoRecord]:
        """Records whose entity has exactly this schema, in order."""
        return (r for r in self.records if r.schema == schema)

    def to_json(self) -> str:
        """The whole world as canonical JSON (sorted keys): equal seeds give equal text."""
        data = {
            "seed": self.seed,
            "agencies": [a.__dict__ for a in self.agencies],
            "collections": [c.__dict__ for c in self.collections],
            "records": [{"collection": r.collection, "entity": r.entity} for r in self.records],
            "truth": self.truth,
            "scenarios": self.scenarios,
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of :meth:`to_json`: a short fingerprint of the world."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency("NPS", "National Police Service", "KE", "police"),
    DemoAgency("DCI", "Directorate of Criminal Investigations", "KE", "investigations"),
    DemoAgency("ODPP", "Office of the Director of Public Prosecutions", "KE", "prosecution"),
    DemoAgency("IPOA", "Independent Policing Oversight Authority", "KE", "oversight"),
    DemoAgency("FRC", "Financial Reporting Centre", "KE", "fiu"),
    DemoAgency("UPF", "Uganda Police Force", "UG", "partner"),
    DemoAgency("TPF", "Tanzania Police Force", "TZ", "partner"),
)

COLLECTIONS: tuple[DemoCollection, ...] = (
    DemoCollection(
        "nps-occurrence-book",
        "NPS",
        "Occurrence Book entries",
        "Complainants, suspects and witnesses from station Occurrence Books.",
        "B",
        2,
        "H1",
        "GREEN",
    ),
    DemoCollection(
        "nps-arrests",
        "NPS",
        "Arrests and charge sheets",
        "People arrested and booked, with contacts and next of kin.",
        "A",
        1,
        "H1",
        "AMBER",
    ),
    DemoCollection(
        "dci-investigations",
        "DCI",
        "Investigation files",
        "Subjects, associates, call records and companies in open investigations.",
        "B",
        2,
        "H2",
        "AMBER",
    ),
    DemoCollection(
        "dci-serious-crime",
        "DCI",
        "Serious and organised crime unit",
        "Organised-crime targets and their networks.",
        "C",
        3,
        "H3",
        "RED",
    ),
    DemoCollection(
        "odpp-case-files",
        "ODPP",
        "Prosecution case files",
        "Accused persons and companies in cases before court.",
        "A",
        1,
        "H1",
        "AMBER",
    ),
    DemoCollection(
        "ipoa-complaints",
        "IPOA",
        "Complaints against police",
        "Complainants and witnesses in complaints about police conduct.",
        "B",
        2,
        "H2",
        "AMBER+STRICT",
    ),
    DemoCollection(
        "frc-str",
        "FRC",
        "Suspicious transaction reports",
        "Persons, accounts, wallets and payments reported by banks and payment service providers.",
        "B",
        2,
        "H3",
        "RED",
    ),
    DemoCollection(
        "frc-beneficial-ownership",
        "FRC",
        "Beneficial ownership filings",
        "Companies with their directors and beneficial owners.",
        "A",
        1,
        "H1",
        "AMBER",
    ),
    DemoCollection(
        "upf-cross-border",
        "UPF",
        "Uganda Police: cross-border requests",
        "Persons of interest shared under EAPCCO cooperation.",
        "C",
        2,
        "H2",
        "AMBER",
    ),
    DemoCollection(
        "tpf-cross-border",
        "TPF",
        "Tanzania Police: cross-border requests",
        "Persons of interest shared under EAPCCO cooperation.",
        "C",
        2,
        "H2",
        "AMBER",
    ),
)


def entity_id(seed: int, agency: str, kind: str, *parts: object) -> str:
    """A deterministic FtM-valid entity id such as ``dci-per-5f3a…`` (hash of the seed
    and the parts, so ids do not give away which records share a true identity)."""
    text = "\x1f".join(str(p) for p in (seed, agency, kind, *parts))
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:24]
    return f"{agency.lower()}-{kind}-{digest}"


def make_entity(schema: str, eid: str, props: dict[str, object]) -> EntityDict:
    """An FtM entity dict from already-clean values. ``None``, empty strings and empty
    lists are dropped; lists keep their order and lose duplicates."""
    properties: dict[str, list[str]] = {}
    for name, value in props.items():
        values = value if isinstance(value, list | tuple) else [value]
        clean: list[str] = []
        for v in values:
            if v is None or v == "":
                continue
            text = str(v)
            if text not in clean:
                clean.append(text)
        if clean:
            properties[name] = clean
    return {"id": eid, "schema": schema, "properties": properties}
