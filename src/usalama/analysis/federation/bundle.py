"""Bundles: a payload signed by the sender and encrypted to one recipient.

Layout: one line ``USALAMA-BUNDLE-1``, then a JSON envelope ``{"header", "ciphertext",
"signature"}``. The header names sender and recipient (their public identities), the bundle
id, an ephemeral X25519 key and a nonce. The payload is gzip-compressed and encrypted with
ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from an X25519 exchange between the
ephemeral key and the recipient's key, with the header as associated data. The sender signs
header and ciphertext together with Ed25519, so a bundle cannot be re-addressed, re-attributed
or altered without the signature failing; only the recipient can decrypt it.
"""

from __future__ import annotations

import gzip
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from usalama.analysis.federation.keys import BadKey, Identity, PublicIdentity, b64d, b64e

MAGIC = b"USALAMA-BUNDLE-1\n"
INFO = b"usalama-bundle-1"


class BundleRefused(ValueError):
    """The bundle is malformed, misaddressed, unsigned, tampered with or from a stranger."""


@dataclass(frozen=True)
class Opened:
    bundle_id: str
    sender: str  # the sender's public identity text
    created: str
    payload: dict[str, Any]


def _canonical(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _key(shared: bytes, ephemeral: bytes, recipient: str) -> bytes:
    info = INFO + recipient.encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral, info=info)
    return hkdf.derive(shared)


def seal(identity: Identity, recipient: PublicIdentity, payload: dict[str, Any]) -> bytes:
    """Sign and encrypt ``payload`` (JSON-serialisable) for ``recipient``."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = os.urandom(12)
    bundle_id = uuid.uuid4().hex
    header = {
        "v": 1,
        "id": bundle_id,
        "from": identity.public().text(),
        "to": recipient.text(),
        "created": datetime.now(tz=UTC).isoformat(),
        "ephemeral": b64e(ephemeral_raw),
        "nonce": b64e(nonce),
    }
    aad = _canonical(header)
    key = _key(ephemeral.exchange(recipient.receiving), ephemeral_raw, recipient.text())
    body = gzip.compress(json.dumps({**payload, "bundle_id": bundle_id}).encode(), 6)
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, body, aad)
    signature = identity.sign(aad + b"\n" + ciphertext)
    envelope = {"header": header, "ciphertext": b64e(ciphertext), "signature": b64e(signature)}
    return MAGIC + json.dumps(envelope, separators=(",", ":")).encode()


def read_header(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """Header, ciphertext and signature of a bundle, without checking anything else."""
    if not data.startswith(MAGIC):
        raise BundleRefused("not a usalama bundle")
    try:
        envelope = json.loads(data[len(MAGIC) :])
        header = envelope["header"]
        ciphertext = b64d(envelope["ciphertext"])
        signature = b64d(envelope["signature"])
    except (ValueError, KeyError, TypeError) as bad:
        raise BundleRefused("the bundle is malformed") from bad
    if not isinstance(header, dict) or header.get("v") != 1:
        raise BundleRefused("unknown bundle version")
    if not signature:
        raise BundleRefused("the bundle is not signed")
    return header, ciphertext, signature


def open_bundle(identity: Identity, data: bytes, trusted: dict[str, str]) -> tuple[str, Opened]:
    """Verify and decrypt. ``trusted`` maps public identity text -> peer name.

    Checks, in order: format; addressed to us; sender is a trusted peer; signature over
    header and ciphertext; decryption (authenticated); bundle id inside matches the header.
    Returns (peer name, opened bundle); raises BundleRefused naming the first failure.
    """
    header, ciphertext, signature = read_header(data)
    if header.get("to") != identity.public().text():
        raise BundleRefused("the bundle is addressed to another installation")
    sender_text = str(header.get("from", ""))
    peer = trusted.get(sender_text)
    if peer is None:
        raise BundleRefused("the bundle comes from an installation that is not a trusted peer")
    try:
        sender = PublicIdentity.parse(sender_text)
    except BadKey as bad:
        raise BundleRefused(str(bad)) from bad
    aad = _canonical(header)
    if not sender.verify(signature, aad + b"\n" + ciphertext):
        raise BundleRefused("the signature does not match: the bundle was altered")
    try:
        ephemeral_raw = b64d(str(header["ephemeral"]))
        ephemeral = X25519PublicKey.from_public_bytes(ephemeral_raw)
        key = _key(identity.receiving.exchange(ephemeral), ephemeral_raw, str(header["to"]))
        body = ChaCha20Poly1305(key).decrypt(b64d(str(header["nonce"])), ciphertext, aad)
        payload = json.loads(gzip.decompress(body))
    except (InvalidTag, ValueError, KeyError, OSError) as bad:
        raise BundleRefused("the bundle cannot be decrypted") from bad
    if not isinstance(payload, dict) or payload.get("bundle_id") != header.get("id"):
        raise BundleRefused("the bundle's content does not match its header")
    return peer, Opened(str(header["id"]), sender_text, str(header.get("created", "")), payload)
