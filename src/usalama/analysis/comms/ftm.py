"""FtM entities from call records and chats, each with its provenance.

* every phone number is one ``LegalEntity`` (name and ``phone`` the E.164 number) whose id
  depends on the number only, so calls, messages and other records that state the same phone
  meet on one node of the network (and resolution may tie it to a person);
* a CDR record is a ``Call`` (``caller``/``receiver`` those entities, ``callerNumber``/
  ``receiverNumber``, ``startDate``, ``duration``) or, for SMS, a ``Message``; its id hashes
  the record itself (numbers, time, type, direction), so importing a file again, or the
  other party's records of the same call, adds nothing twice;
* a chat participant is a ``UserAccount`` of the service (phone or username it shows);
  messages are ``Message`` entities with ``senderAccount``/``recipientAccount`` and, where
  the phone is known, ``sender``/``recipients`` the phone's entity;
* the file is a ``Document`` (the extraction or the operator's return: file name, SHA-256,
  court order, device, examiner) that every record names as ``proof``; each record's
  ``recordId`` says where in the file it is (``row 12``, ``line 40``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from usalama.analysis.comms.chats import ChatMessage, ChatReport

Entity = dict[str, Any]


@dataclass(frozen=True)
class Provenance:
    file_name: str
    sha256: str
    court_order: str | None = None
    device: str | None = None
    examiner: str | None = None
    tool: str | None = None


def entity_id(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return f"comms-{digest.hexdigest()[:32]}"


def _entity(schema: str, key: tuple[str, ...], **props: list[str] | str | None) -> Entity:
    properties: dict[str, list[str]] = {}
    for name, value in props.items():
        if value is None or value == [] or value == "":
            continue
        values = value if isinstance(value, list) else [value]
        properties[name] = [v for v in values if v]
    return {"id": entity_id(schema, *key), "schema": schema, "properties": properties}


def source_document(prov: Provenance) -> Entity:
    notes = []
    if prov.court_order:
        notes.append(f"Court order: {prov.court_order}")
    if prov.device:
        notes.append(f"Device: {prov.device}")
    if prov.examiner:
        notes.append(f"Examiner: {prov.examiner}")
    return _entity(
        "Document",
        ("source", prov.sha256),
        title=prov.file_name,
        fileName=prov.file_name,
        contentHash=prov.sha256,
        generator=prov.tool,
        author=prov.examiner,
        notes=notes,
    )


def phone_entity(number: str) -> Entity:
    return _entity("LegalEntity", ("phone", number), name=number, phone=number)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


DESCRIPTION_FIELDS = ("served", "other", "cell", "IMEI", "IMSI")


def parse_description(text: str) -> dict[str, str] | None:
    """The fields a CDR record's ``description`` carries (see ``cdr_entities``), or None."""
    parts = [p.strip() for p in text.split(";")]
    if not parts or " " not in parts[0]:
        return None
    kind, _, direction = parts[0].partition(" ")
    if kind not in ("voice", "sms", "data") or direction not in ("out", "in"):
        return None
    fields = {"type": kind, "direction": direction}
    for part in parts[1:]:
        name, _, value = part.partition(" ")
        if name in DESCRIPTION_FIELDS and value:
            fields[name] = value
    return fields if "served" in fields else None


def cdr_entities(
    frame: pl.DataFrame, prov: Provenance, seen: set[str] | None = None
) -> Iterator[tuple[Entity, str]]:
    """(entity, "row N") for the source document, every number and every record.

    For a file read in batches, pass the same ``seen`` (numbers already given) to each
    batch: the document and each number's entity come once, with the first batch that has
    them.
    """
    document = source_document(prov)
    if seen is None:
        seen = set()
    if document["id"] not in seen:
        seen.add(document["id"])
        yield document, "file"
    court = f"Court order {prov.court_order}" if prov.court_order else None
    for row in frame.iter_rows(named=True):
        ref = f"row {row['row']}"
        a, b = row["a"], row["b"]
        for number in (a, b):
            if number and number not in seen and number.startswith("+"):
                seen.add(number)
                yield phone_entity(number), ref
        caller, receiver = (a, b) if row["direction"] == "out" else (b, a)
        started = _iso(row["start"])
        key = (caller or "", receiver or "", started, row["type"], str(row["duration"]))
        details = [
            f"{row['type']} {row['direction']}",
            f"served {a}",
            f"other {b}" if b else "",
            f"cell {row['cell']}" if row["cell"] else "",
            f"IMEI {row['imei']}" if row["imei"] else "",
            f"IMSI {row['imsi']}" if row["imsi"] else "",
        ]
        description = "; ".join(d for d in details if d)
        caller_ref = phone_entity(caller)["id"] if caller and caller.startswith("+") else None
        receiver_ref = (
            phone_entity(receiver)["id"] if receiver and receiver.startswith("+") else None
        )
        if row["type"] == "sms":
            yield (
                _entity(
                    "Message",
                    ("cdr", *key),
                    sender=caller_ref,
                    recipients=receiver_ref,
                    date=started,
                    description=description,
                    summary=court,
                    recordId=ref,
                    proof=document["id"],
                    title=f"SMS {caller} → {receiver}",
                ),
                ref,
            )
            continue
        yield (
            _entity(
                "Call",
                ("cdr", *key),
                caller=caller_ref,
                receiver=receiver_ref,
                callerNumber=caller,
                receiverNumber=receiver,
                startDate=started,
                duration=str(row["duration"]),
                description=description,
                summary=court,
                recordId=ref,
                proof=document["id"],
            ),
            ref,
        )


def _account(service: str, name: str, identifier: str | None, scope: str) -> Entity:
    phone = identifier if identifier and identifier.startswith("+") else None
    username = identifier if identifier and not phone else None
    key = (service, phone or username or f"{scope}:{name}")
    return _entity(
        "UserAccount",
        key,
        name=name,
        phone=phone,
        username=username,
        service=service,
        owner=phone_entity(phone)["id"] if phone else None,
    )


def chat_entities(report: ChatReport, prov: Provenance) -> Iterator[tuple[Entity, str]]:
    """(entity, "line N") for the extraction document, accounts, phones and messages."""
    document = source_document(prov)
    yield document, "file"
    emitted: set[str] = set()
    by_name: dict[tuple[str, str], Entity] = {}

    def account(service: str, name: str, identifier: str | None) -> Iterator[tuple[Entity, str]]:
        if (service, name) in by_name:
            return
        entity = _account(service, name, identifier, prov.sha256)
        by_name[(service, name)] = entity
        if entity["id"] not in emitted:
            emitted.add(entity["id"])
            phone = entity["properties"].get("phone")
            if phone:
                yield phone_entity(phone[0]), "accounts"
            yield entity, "accounts"

    identifiers = {m.sender: m.sender_id for m in report.messages if m.sender_id}
    for contact in report.contacts:
        if contact.number:
            identifiers.setdefault(contact.name, contact.number)
    for message in report.messages:
        yield from account(message.service, message.sender, identifiers.get(message.sender))
        for other in message.recipients:
            yield from account(message.service, other, identifiers.get(other))
        yield _message(message, by_name, document["id"], prov), f"line {message.line}"
    for contact in report.contacts:
        yield from account("Phone contacts", contact.name, contact.number)
    for call in report.calls:
        ref = f"line {call.line}"
        party: str | None = call.number if call.number.startswith("+") else None
        if party:
            yield phone_entity(party), ref
        caller, receiver = (None, party) if call.direction == "out" else (party, None)
        yield (
            _entity(
                "Call",
                ("device-call", prov.sha256, str(call.line)),
                caller=phone_entity(caller)["id"] if caller else None,
                receiver=phone_entity(receiver)["id"] if receiver else None,
                callerNumber=caller if call.direction != "out" else None,
                receiverNumber=receiver if call.direction == "out" else None,
                startDate=_iso(call.at),
                duration=str(call.duration) if call.duration is not None else None,
                description=f"{call.direction or 'unknown'} call with {call.name or call.number}",
                recordId=ref,
                proof=document["id"],
            ),
            ref,
        )


def _message(
    message: ChatMessage, accounts: dict[tuple[str, str], Entity], proof: str, prov: Provenance
) -> Entity:
    sender = accounts[(message.service, message.sender)]
    recipients = [accounts[(message.service, r)] for r in message.recipients]
    flags = []
    if message.media:
        flags.append("media")
    if message.deleted:
        flags.append("deleted")

    def phone_of(entity: Entity) -> str | None:
        phones = entity["properties"].get("phone")
        return phone_entity(phones[0])["id"] if phones else None

    return _entity(
        "Message",
        ("chat", prov.sha256, message.service, message.chat, str(message.line),
         message.message_id or ""),
        senderAccount=sender["id"],
        recipientAccount=[r["id"] for r in recipients],
        sender=phone_of(sender),
        recipients=[p for p in (phone_of(r) for r in recipients) if p],
        bodyText=message.body,
        date=_iso(message.sent_at),
        threadTopic=message.chat,
        messageId=message.message_id,
        keywords=flags,
        recordId=f"line {message.line}",
        proof=proof,
        title=f"{message.service}: {message.sender}",
    )  # fmt: skip
