"""Federation between installations: identity, peers, signed bundles, hit/no-hit.

The cryptography lives in the engine (``usalama.analysis.federation``); this module stores
the identity (a file in the var dir, mode 0600) and the peers, decides what may leave
(handling codes: H2/H3 leave only by their originator's hand), writes imports in one
transaction, and audits both sides with counts only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from usalama.accounts.models import Agency, AgencyKind, User
from usalama.analysis.federation import psi
from usalama.analysis.federation.bundle import BundleRefused, open_bundle, seal
from usalama.analysis.federation.keys import BadKey, Identity, PublicIdentity, b64d, b64e
from usalama.audit.services import Actor, record
from usalama.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from usalama.core.text import looks_like_phone, normalise_identifier, normalise_phone
from usalama.records import services as records
from usalama.records.grading import NO_ONWARD_DISSEMINATION
from usalama.records.models import Collection, CollectionGrant, Source, Statement
from usalama.sharing.log import log_event
from usalama.sharing.models import DisseminationKind, HitCheckLog, ImportedBundle, Peer

FEDERATION = Actor(name="federation")
MAX_HITCHECK_ITEMS = 20_000
CLOCK_SKEW = timedelta(minutes=5)
KINDS = ("phone", "id", "account", "wallet", "plate")
_ID_PROPS = ("idNumber", "passportNumber", "taxNumber", "socialSecurityNumber")
_STATEMENT_FIELDS = (
    "entity_id",
    "schema",
    "prop",
    "value",
    "lang",
    "original_value",
    "reliability",
    "assessment",
    "handling",
)


# --- identity and peers -----------------------------------------------------------------------


def _dir() -> Path:
    path = Path(settings.VAR_DIR) / "federation"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _identity_file() -> Path:
    return _dir() / "identity.json"


def init_identity(agency_code: str) -> str:
    """Create this installation's identity once; returns the public key to give to peers."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFound(f"no agency with code {agency_code!r}")
    path = _identity_file()
    if path.exists():
        raise Conflict(f"this installation already has an identity ({path})")
    identity = Identity.generate()
    signing, receiving = identity.private_bytes()
    data = {"agency": agency.code, "signing": b64e(signing), "receiving": b64e(receiving)}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    public = identity.public()
    record(
        FEDERATION,
        "federation.init",
        details={"agency": agency.code, "fingerprint": public.fingerprint()},
    )
    return public.text()


@dataclass(frozen=True)
class Local:
    identity: Identity
    agency: Agency


def local() -> Local:
    path = _identity_file()
    if not path.exists():
        raise InvalidInput(
            "no federation identity yet: run `usalama federation init --agency CODE`"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    identity = Identity.from_private_bytes(b64d(data["signing"]), b64d(data["receiving"]))
    agency = Agency.objects.filter(code=data["agency"]).first()
    if agency is None:
        raise InvalidInput(f"the identity's agency {data['agency']!r} no longer exists")
    return Local(identity, agency)


def trust_peer(name: str, key: str, url: str = "", token: str = "") -> Peer:
    """Pin a peer by its public key (and where and how to reach its server)."""
    slug = slugify(name)
    if not slug or slug != name:
        raise InvalidInput("peer name: use lower-case letters, digits and hyphens")
    try:
        public = PublicIdentity.parse(key)
    except BadKey as bad:
        raise InvalidInput(f"key: {bad}") from bad
    if url and not url.startswith(("http://", "https://")):
        raise InvalidInput("url must start with http:// or https://")
    clash = Peer.objects.filter(public_key=public.text()).exclude(name=name).first()
    if clash is not None:
        raise Conflict(f"that key is already trusted as peer {clash.name!r}")
    peer, _created = Peer.objects.update_or_create(
        name=name,
        defaults={"public_key": public.text(), "url": url.rstrip("/"), "outbound_token": token},
    )
    record(
        FEDERATION,
        "federation.trust",
        object_type="peer",
        object_id=peer.pk,
        details={"peer": name, "fingerprint": public.fingerprint(), "url": peer.url},
    )
    return peer


def get_peer(name: str) -> Peer:
    peer = Peer.objects.filter(name=name).first()
    if peer is None:
        known = ", ".join(Peer.objects.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"no peer named {name!r} (known: {known})")
    return peer


def issue_token(name: str) -> str:
    """A new token that the peer presents to our hit/no-hit endpoint; shown once."""
    peer = get_peer(name)
    raw = "uslp_" + secrets.token_urlsafe(32)
    peer.inbound_token_hash = hashlib.sha256(raw.encode()).hexdigest()
    peer.save(update_fields=["inbound_token_hash"])
    record(FEDERATION, "federation.token", object_type="peer", object_id=peer.pk)
    return raw


# --- bundles ----------------------------------------------------------------------------------


def _foreign_agency_ids() -> list[int]:
    """Agencies whose records came from peers (their bundles' originators)."""
    from_bundles = ImportedBundle.objects.values_list("collection__agency_id", flat=True)
    return sorted(
        {*from_bundles, *(a for a in Peer.objects.values_list("agency_id", flat=True) if a)}
    )


def _refuse_onward(collection: Collection, peer: Peer) -> PermissionDenied:
    log_event(
        DisseminationKind.REFUSED_ONWARD,
        originator_id=collection.agency_id,
        recipient_id=peer.agency_id,
        collection=collection,
        actor=FEDERATION.name,
        note=f"bundle for {peer.name}",
    )
    error = PermissionDenied(
        f"collection {collection.key!r} is handled {collection.handling} by "
        f"{collection.agency.code} ({collection.agency.name}, {collection.agency.country}): "
        f"no onward dissemination; ask {collection.agency.code} for permission"
    )
    record(
        FEDERATION,
        "federation.export.refused",
        object_type="collection",
        object_id=collection.pk,
        details={"peer": peer.name, "originator": collection.agency.code},
    )
    return error


def export_bundle(collection_key: str, peer_name: str, out: Path) -> int:
    """Seal a collection for one peer. Only the installation's own agency sends its H2/H3
    material; from anyone else's collection, H2/H3 statements stay behind (per statement),
    and a whole H2/H3 collection of another agency is refused naming its originator."""
    me = local()
    peer = get_peer(peer_name)
    collection = Collection.objects.select_related("agency").filter(key=collection_key).first()
    if collection is None:
        raise NotFound(f"collection {collection_key!r} not found")
    own = collection.agency_id == me.agency.pk
    if not own and collection.handling in NO_ONWARD_DISSEMINATION:
        raise _refuse_onward(collection, peer)
    rows = Statement.objects.filter(collection=collection).exclude(prop="id")
    if not own:
        rows = rows.exclude(handling__in=sorted(NO_ONWARD_DISSEMINATION))
    statements = [
        list(r) for r in rows.order_by("entity_id", "prop").values_list(*_STATEMENT_FIELDS)
    ]
    schemas = dict(
        Statement.objects.filter(collection=collection, prop="id").values_list(
            "entity_id", "schema"
        )
    )
    payload = {
        "sender": {
            "agency": collection.agency.code,
            "name": collection.agency.name,
            "country": collection.agency.country,
            "kind": collection.agency.kind,
        },
        "collection": {
            "key": collection.key,
            "label": collection.label,
            "summary": collection.summary,
            "reliability": collection.reliability,
            "assessment": collection.assessment,
            "handling": collection.handling,
            "tlp": collection.tlp,
        },
        "fields": list(_STATEMENT_FIELDS),
        "schemas": schemas,
        "statements": statements,
    }
    data = seal(me.identity, PublicIdentity.parse(peer.public_key), payload)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    entities = len({s[0] for s in statements})
    log_event(
        DisseminationKind.BUNDLE,
        originator_id=collection.agency_id,
        recipient_id=peer.agency_id,
        collection=collection,
        actor=FEDERATION.name,
        note=f"bundle for {peer.name}: {entities} entities",
    )
    record(
        FEDERATION,
        "federation.export",
        object_type="collection",
        object_id=collection.pk,
        details={"peer": peer.name, "entities": entities, "statements": len(statements)},
    )
    return entities


@dataclass(frozen=True)
class BundleImport:
    collection_key: str
    entities: int
    statements_added: int
    already: bool


def import_bundle(path: Path, as_username: str | None = None) -> BundleImport:
    """Verify, decrypt and store a bundle, all or nothing. Importing it again changes nothing."""
    me = local()
    data = path.read_bytes()
    trusted = dict(Peer.objects.values_list("public_key", "name"))
    try:
        peer_name, opened = open_bundle(me.identity, data, trusted)
    except BundleRefused as refused:
        record(FEDERATION, "federation.import.refused", details={"reason": str(refused)})
        raise InvalidInput(f"bundle refused: {refused}") from refused
    peer = Peer.objects.get(name=peer_name)
    digest = hashlib.sha256(data).hexdigest()
    done = ImportedBundle.objects.filter(bundle_id=opened.bundle_id).first()
    if done is not None:
        if done.sha256 != digest:
            raise InvalidInput(
                "bundle refused: a bundle with this id was imported with other content"
            )
        return BundleImport(done.collection.key, 0, 0, already=True)
    recipient = _user(as_username) if as_username else None
    payload = opened.payload
    try:
        sender, meta = payload["sender"], payload["collection"]
        fields = payload["fields"]
        rows = [dict(zip(fields, row, strict=True)) for row in payload["statements"]]
        schemas: dict[str, str] = payload.get("schemas") or {}
    except (KeyError, TypeError, ValueError) as bad:
        raise InvalidInput("bundle refused: its content is not a usalama collection") from bad
    with transaction.atomic():
        agency = _foreign_agency(peer, sender)
        key = slugify(f"{peer.name}-{meta['key']}")[:100]
        collection = records.ensure_collection(
            FEDERATION,
            key=key,
            agency=agency,
            label=f"{meta['label']} ({agency.name}, {agency.country})"[:200],
            summary=str(meta.get("summary", "")),
            reliability=str(meta.get("reliability", "X")),
            assessment=str(meta.get("assessment", "4")),
            handling=str(meta.get("handling", "H2")),
            tlp=str(meta.get("tlp", "AMBER")),
        )
        source = records.ensure_source(
            collection,
            kind=Source.Kind.IMPORT,
            name=f"federation bundle {opened.bundle_id} from {peer.name}",
            sha256=digest,
            importer="federation",
            importer_version="1",
            created_by=FEDERATION.name,
        )
        result = records.ingest_entities(
            FEDERATION, collection, source, _entities(rows, schemas), audit=False
        )
        _apply_grading(collection, rows)
        records.mark_source_complete(source)
        ImportedBundle.objects.create(
            bundle_id=opened.bundle_id, sha256=digest, peer=peer, collection=collection
        )
        if recipient is not None and recipient.agency_id:
            CollectionGrant.objects.update_or_create(
                collection=collection,
                agency_id=recipient.agency_id,
                defaults={
                    "granted_by": FEDERATION.name,
                    "purpose": f"received from {peer.name}",
                    "revoked_at": None,
                },
            )
        record(
            recipient or FEDERATION,
            "federation.import",
            object_type="collection",
            object_id=collection.pk,
            details={
                "peer": peer.name,
                "bundle": opened.bundle_id,
                "entities": result.entities,
                "statements_added": result.statements_added,
                "originator": agency.code,
            },
        )
    return BundleImport(collection.key, result.entities, result.statements_added, already=False)


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user {username!r}")
    return user


def _foreign_agency(peer: Peer, sender: dict[str, Any]) -> Agency:
    """The local record of the peer's originating agency: ``<COUNTRY>--<CODE>``, never one
    of ours, so that a bundle cannot make its content look home-grown."""
    country = str(sender.get("country", "")).upper()[:2] or "XX"
    code = f"{country}--{slugify(str(sender.get('agency', 'peer')))}".upper()[:32]
    agency, created = Agency.objects.get_or_create(
        code=code,
        defaults={
            "name": str(sender.get("name", code))[:200],
            "country": country,
            "kind": AgencyKind.PARTNER,
        },
    )
    if created:
        record(
            FEDERATION,
            "agency.create",
            object_type="agency",
            object_id=agency.pk,
            details={"code": code, "peer": peer.name},
        )
    if peer.agency_id is None:
        peer.agency = agency
        peer.save(update_fields=["agency"])
    return agency


def _entities(
    rows: list[dict[str, Any]], schemas: dict[str, str]
) -> Iterator[tuple[dict[str, Any], str]]:
    by_entity: dict[str, dict[str, Any]] = {}
    for row in rows:
        entity_id = str(row["entity_id"])
        entity = by_entity.setdefault(
            entity_id,
            {"id": entity_id, "schema": schemas.get(entity_id, row["schema"]), "properties": {}},
        )
        entity["properties"].setdefault(str(row["prop"]), []).append(str(row["value"]))
    for number, entity in enumerate(by_entity.values(), start=1):
        yield entity, str(number)


def _apply_grading(collection: Collection, rows: Iterable[dict[str, Any]]) -> None:
    """Statements that carried their own grading or handling keep it."""
    graded: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for row in rows:
        for field in ("reliability", "assessment", "handling"):
            if row.get(field):
                graded[(row["entity_id"], row["prop"], row["value"])][field] = str(row[field])
    for (entity_id, prop, value), changes in graded.items():
        Statement.objects.filter(
            collection=collection, entity_id=entity_id, prop=prop, value=value
        ).update(**changes)


# --- hit/no-hit -------------------------------------------------------------------------------


def normalise(value: str, kind: str | None) -> str:
    """An identifier as records indexes it: phones as E.164 digits, the rest compacted."""
    value = value.strip()
    if kind == "phone" or (kind is None and looks_like_phone(value)):
        phone = normalise_phone(value)
        if phone:
            return phone
    return normalise_identifier(value)


def _kind_filter(kind: str | None) -> Q:
    filters = {
        "phone": Q(prop_type="phone"),
        "id": Q(prop__in=_ID_PROPS),
        "account": Q(prop__in=("accountNumber", "iban")),
        "wallet": Q(prop="publicKey", schema="CryptoWallet"),
        "plate": Q(prop="registrationNumber", schema="Vehicle"),
    }
    if kind is None:
        combined = Q()
        for part in filters.values():
            combined |= part
        return combined
    return filters[kind]


def held_identifiers(kind: str | None) -> list[str]:
    """Our identifiers of a kind (all kinds for None), normalised, from our own agencies'
    collections only (never what peers sent us)."""
    rows = (
        Statement.objects.filter(_kind_filter(kind))
        .exclude(collection__agency_id__in=_foreign_agency_ids())
        .values_list("value", "prop_type")
    )
    found: set[str] = set()
    for value, prop_type in rows.iterator(chunk_size=20_000):
        found.add(normalise(value, "phone" if prop_type == "phone" else "id"))
    found.discard("")
    return sorted(found)


def _server_set(kind: str | None) -> psi.ServerSet:
    """Our encrypted set, reused while our data is unchanged (rebuilt when it changes)."""
    name = kind or "all"
    marker = (
        Statement.objects.filter(_kind_filter(kind))
        .order_by("-last_seen")
        .values_list("last_seen", flat=True)
        .first()
    )
    count = Statement.objects.filter(_kind_filter(kind)).count()
    fingerprint = f"{count}:{marker.isoformat() if marker else ''}:{len(_foreign_agency_ids())}"
    cache = _dir() / f"hitcheck-{name}.json"
    if cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("fingerprint") == fingerprint:
            return psi.ServerSet(b64d(stored["key"]), b64d(stored["setup"]), stored["size"])
    key_file = _dir() / "hitcheck.key"
    key = key_file.read_bytes() if key_file.exists() else None
    built = psi.build_server_set(held_identifiers(kind), key)
    if key is None:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(built.key)
    descriptor = os.open(cache, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "fingerprint": fingerprint,
                "key": b64e(built.key),
                "setup": b64e(built.setup),
                "size": built.size,
            },
            handle,
        )
    return built


def answer_hitcheck(token: str, body: bytes, signature: str) -> dict[str, Any]:
    """Serve one check for a peer: token, signature and freshness checked; counts audited."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    peer = Peer.objects.filter(inbound_token_hash=token_hash).exclude(inbound_token_hash="").first()
    if peer is None:
        raise PermissionDenied("unknown peer token")
    try:
        message = json.loads(body)
        sent_at = datetime.fromisoformat(str(message["at"]))
        kind = message.get("kind") or None
        request = base64.b64decode(str(message["request"]), validate=True)
        signature_bytes = base64.b64decode(signature, validate=True)
    except (ValueError, KeyError, TypeError) as bad:
        raise InvalidInput("malformed hit/no-hit request") from bad
    if message.get("from") != peer.public_key or not PublicIdentity.parse(peer.public_key).verify(
        signature_bytes, body
    ):
        record(
            FEDERATION,
            "federation.hitcheck.refused",
            details={"peer": peer.name, "reason": "signature"},
        )
        raise PermissionDenied("the request is not signed by the peer's key")
    if sent_at.tzinfo is None or abs(datetime.now(tz=UTC) - sent_at) > CLOCK_SKEW:
        raise PermissionDenied("the request is too old or from the future (check clocks)")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}")
    recent = HitCheckLog.objects.filter(
        peer=peer, inbound=True, at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= settings.USALAMA_HITCHECK_PER_HOUR:
        record(
            FEDERATION,
            "federation.hitcheck.refused",
            details={"peer": peer.name, "reason": "rate limit"},
        )
        raise PermissionDenied(
            f"rate limit: {settings.USALAMA_HITCHECK_PER_HOUR} checks per hour per peer"
        )
    server_set = _server_set(kind)
    try:
        response, asked = psi.answer(server_set, request)
    except Exception as bad:  # the PSI library raises plain exceptions on bad input
        raise InvalidInput("malformed hit/no-hit request") from bad
    if asked > MAX_HITCHECK_ITEMS:
        raise InvalidInput(f"at most {MAX_HITCHECK_ITEMS:,} identifiers per check")
    HitCheckLog.objects.create(peer=peer, inbound=True, asked=asked)
    record(
        FEDERATION,
        "federation.hitcheck.answered",
        object_type="peer",
        object_id=peer.pk,
        details={"peer": peer.name, "asked": asked, "kind": kind or "all"},
    )
    return {
        "setup": base64.b64encode(server_set.setup).decode(),
        "response": base64.b64encode(response).decode(),
    }


@dataclass(frozen=True)
class HitResult:
    checked: int
    hits: list[str]


def hitcheck(peer_name: str, values: Iterable[str], kind: str | None = None) -> HitResult:
    """Ask a peer which of our identifiers it holds. Only counts are stored or audited."""
    import urllib.error
    import urllib.request

    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}")
    me = local()
    peer = get_peer(peer_name)
    if not peer.url or not peer.outbound_token:
        raise InvalidInput(
            f"peer {peer_name!r} has no url or token: "
            "run `usalama federation trust` with --url and --token"
        )
    originals: dict[str, str] = {}
    for value in values:
        if value.strip():
            originals.setdefault(normalise(value, kind), value.strip())
    originals.pop("", None)
    if len(originals) > MAX_HITCHECK_ITEMS:
        raise InvalidInput(f"at most {MAX_HITCHECK_ITEMS:,} identifiers per check")
    asker = psi.Asker(sorted(originals))
    body = json.dumps(
        {
            "from": me.identity.public().text(),
            "kind": kind,
            "at": datetime.now(tz=UTC).isoformat(),
            "request": base64.b64encode(asker.request()).decode(),
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the operator configured the peer's URL
        f"{peer.url}/api/v1/federation/hitcheck",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {peer.outbound_token}",
            "X-Usalama-Signature": base64.b64encode(me.identity.sign(body)).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as reply:  # noqa: S310
            answer = json.loads(reply.read())
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode("utf-8", "replace")
        raise InvalidInput(
            f"peer {peer_name!r} refused the check ({error.code}): {detail}"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        raise InvalidInput(f"peer {peer_name!r} cannot be reached: {error}") from error
    found = asker.hits(base64.b64decode(answer["setup"]), base64.b64decode(answer["response"]))
    HitCheckLog.objects.create(peer=peer, inbound=False, asked=len(originals))
    record(
        FEDERATION,
        "federation.hitcheck",
        object_type="peer",
        object_id=peer.pk,
        details={"peer": peer.name, "checked": len(originals), "hits": len(found)},
    )
    return HitResult(checked=len(originals), hits=sorted(originals[h] for h in found))
