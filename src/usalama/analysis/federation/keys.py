"""An installation's identity: an Ed25519 key that signs and an X25519 key that receives.

The public identity is one printable string, ``usl1.<base64url(ed25519 ‖ x25519)>``, so an
operator exchanges and pins a single value per peer.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PREFIX = "usl1."


class BadKey(ValueError):
    """A key string that is not a usalama public identity."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64d(text: str) -> bytes:
    """Strict: only the one canonical spelling decodes (so no two texts give the same bytes,
    and a changed character is always a changed value)."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64e(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _raw(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class PublicIdentity:
    signing: Ed25519PublicKey
    receiving: X25519PublicKey

    def text(self) -> str:
        return PREFIX + b64e(_raw(self.signing) + _raw(self.receiving))

    def fingerprint(self) -> str:
        """Short hex digest to read aloud over the phone when pinning a peer."""
        return hashlib.sha256(self.text().encode()).hexdigest()[:16]

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.signing.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    @classmethod
    def parse(cls, text: str) -> PublicIdentity:
        text = text.strip()
        if not text.startswith(PREFIX):
            raise BadKey(f"a usalama public key starts with {PREFIX!r}")
        try:
            raw = b64d(text[len(PREFIX) :])
        except ValueError as bad:
            raise BadKey("the public key is not valid base64") from bad
        if len(raw) != 64:
            raise BadKey("the public key has the wrong length")
        return cls(
            Ed25519PublicKey.from_public_bytes(raw[:32]),
            X25519PublicKey.from_public_bytes(raw[32:]),
        )


@dataclass(frozen=True)
class Identity:
    signing: Ed25519PrivateKey
    receiving: X25519PrivateKey

    @classmethod
    def generate(cls) -> Identity:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    def public(self) -> PublicIdentity:
        return PublicIdentity(self.signing.public_key(), self.receiving.public_key())

    def sign(self, message: bytes) -> bytes:
        return self.signing.sign(message)

    def private_bytes(self) -> tuple[bytes, bytes]:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        return (
            self.signing.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
            self.receiving.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        )

    @classmethod
    def from_private_bytes(cls, signing: bytes, receiving: bytes) -> Identity:
        return cls(
            Ed25519PrivateKey.from_private_bytes(signing),
            X25519PrivateKey.from_private_bytes(receiving),
        )
