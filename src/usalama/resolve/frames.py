"""Records → the engine's input frames, one per schema family (reads only, no audit).

* people (``Person``) and organisations (``Company``, ``Organization``, ``LegalEntity``)
  become standard frames for the Splink models (``usalama.analysis.resolve``);
* accounts (``BankAccount``) and wallets (``CryptoWallet``) become identifier frames that
  link on the exact normalised number or address.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from usalama.records.models import Collection, EntityRecord, Statement
from usalama.resolve.models import Family

PERSON_SCHEMAS = ("Person",)
ORGANIZATION_SCHEMAS = ("Company", "Organization", "LegalEntity")
IDENTIFIER_SCHEMAS = ("BankAccount", "CryptoWallet")

# FtM property → field of the engine's standard frame, per family. Where two properties
# feed one field, the first listed wins (nationality over country; registration number
# over the generic idNumber).
PERSON_FIELDS: dict[str, str] = {
    "name": "full_name",
    "firstName": "given_name",
    "middleName": "middle_name",
    "lastName": "surname",
    "birthDate": "date_of_birth",
    "idNumber": "national_id",
    "passportNumber": "passport",
    "taxNumber": "kra_pin",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "nationality": "nationality",
    "country": "nationality",
}
ORGANIZATION_FIELDS: dict[str, str] = {
    "name": "full_name",
    # the incorporation date plays the part of a birth date: same comparison levels
    "incorporationDate": "date_of_birth",
    "registrationNumber": "brs_number",
    "idNumber": "brs_number",
    "taxNumber": "kra_pin",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "country": "nationality",
    "jurisdiction": "nationality",
}
IDENTIFIER_PROPS = (
    "accountNumber",
    "iban",
    "accountType",
    "bankName",
    "bank",
    "publicKey",
    "blockchain",
)

FAMILY_SCHEMAS: dict[str, tuple[str, ...]] = {
    Family.PERSON: PERSON_SCHEMAS,
    Family.ORGANIZATION: ORGANIZATION_SCHEMAS,
    Family.IDENTIFIER: IDENTIFIER_SCHEMAS,
}


@dataclass
class Scope:
    """What a run reads: entity → (collection id, caption, family) and one frame per family."""

    info: dict[str, tuple[int, str]] = field(default_factory=dict)
    family_of: dict[str, str] = field(default_factory=dict)
    frames: dict[str, Any] = field(default_factory=dict)

    def count(self, family: str) -> int:
        frame = self.frames.get(family)
        return 0 if frame is None else int(frame.height)


def read_scope(collections: list[Collection]) -> Scope:
    keys = {c.id: c.key for c in collections}
    scope = Scope()
    schema_family = {s: f for f, schemas in FAMILY_SCHEMAS.items() for s in schemas}
    for entity_id, collection_id, caption, schema in (
        EntityRecord.objects.filter(collection_id__in=list(keys), schema__in=list(schema_family))
        .order_by("collection_id")
        .values_list("entity_id", "collection_id", "caption", "schema")
        .iterator(chunk_size=10_000)
    ):
        if entity_id not in scope.info:
            scope.info[entity_id] = (collection_id, caption)
            scope.family_of[entity_id] = schema_family[schema]
    scope.frames[Family.PERSON] = _standard_frame(
        scope, keys, Family.PERSON, PERSON_SCHEMAS, PERSON_FIELDS
    )
    scope.frames[Family.ORGANIZATION] = _standard_frame(
        scope, keys, Family.ORGANIZATION, ORGANIZATION_SCHEMAS, ORGANIZATION_FIELDS
    )
    scope.frames[Family.IDENTIFIER] = _identifier_frame(scope, keys)
    return scope


def _values(
    keys: dict[int, str], schemas: tuple[str, ...], props: list[str]
) -> dict[str, dict[str, list[str]]]:
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Statement.objects.filter(collection_id__in=list(keys), schema__in=schemas, prop__in=props)
        .order_by("entity_id", "prop", "value")
        .values_list("entity_id", "prop", "value")
    )
    for entity_id, prop, value in rows.iterator(chunk_size=10_000):
        values[entity_id][prop].append(value)
    return values


def _standard_frame(
    scope: Scope,
    keys: dict[int, str],
    family: str,
    schemas: tuple[str, ...],
    mapping: dict[str, str],
) -> Any:
    import polars as pl

    values = _values(keys, schemas, list(mapping))
    columns = sorted(set(mapping.values()))
    data: dict[str, list[str | None]] = {"record_id": [], "source": []}
    data.update({name: [] for name in columns})
    for entity_id, (collection_id, _caption) in scope.info.items():
        if scope.family_of[entity_id] != family:
            continue
        props = values.get(entity_id, {})
        fields: dict[str, str] = {}
        for prop, name in mapping.items():  # first listed property wins
            if name not in fields and props.get(prop):
                fields[name] = props[prop][0]
        data["record_id"].append(entity_id)
        data["source"].append(keys[collection_id])
        for name in columns:
            data[name].append(fields.get(name))
    return pl.DataFrame(data, schema=dict.fromkeys(data, pl.Utf8))


def _identifier_frame(scope: Scope, keys: dict[int, str]) -> Any:
    import polars as pl

    values = _values(keys, IDENTIFIER_SCHEMAS, list(IDENTIFIER_PROPS))
    bank_ids = {v[0] for props in values.values() for v in [props.get("bank", [])] if v}
    bank_names = dict(
        EntityRecord.objects.filter(entity_id__in=list(bank_ids)).values_list(
            "entity_id", "caption"
        )
    )
    rows: dict[str, list[str | None]] = {
        "record_id": [],
        "source": [],
        "kind": [],
        "identifier": [],
        "issuer": [],
    }
    for entity_id, (collection_id, _caption) in scope.info.items():
        if scope.family_of[entity_id] != Family.IDENTIFIER:
            continue
        props = values.get(entity_id, {})

        def first(name: str, props: dict[str, list[str]] = props) -> str | None:
            found = props.get(name)
            return found[0] if found else None

        if first("publicKey"):
            kind, identifier, issuer = "crypto_wallet", first("publicKey"), first("blockchain")
        else:
            identifier = first("accountNumber") or first("iban")
            mobile = "mobile money" in (first("accountType") or "").lower()
            kind = "mobile_money" if mobile else "bank_account"
            bank = first("bank")
            issuer = first("bankName") or (bank_names.get(bank) if bank else None)
        if not identifier:
            continue
        rows["record_id"].append(entity_id)
        rows["source"].append(keys[collection_id])
        rows["kind"].append(kind)
        rows["identifier"].append(identifier)
        rows["issuer"].append(issuer)
    return pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.Utf8))
