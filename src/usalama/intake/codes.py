"""Tip codes and report references: generation, normalisation, hashing, lookup buckets.

A tip code is 25 random decimal digits in five groups of five (``log2(10**25)`` ≈ 83 bits),
easy to read back over a phone and to type on a keypad. Only an Argon2id hash is stored.
To find the hash without trying every row, each tip also stores a *bucket*: the first
:data:`BUCKET_HEX` hex digits of a keyed HMAC of the code. Without the key the bucket says
nothing about the code; with the key an attacker still has to enumerate 2**83 codes to use it.
Pure Python (no Django): the key is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CODE_GROUPS = 5
GROUP_DIGITS = 5
CODE_DIGITS = CODE_GROUPS * GROUP_DIGITS
CODE_BITS = CODE_DIGITS * math.log2(10)
BUCKET_HEX = 5  # 20 bits: about one tip per bucket at a million tips
REFERENCE_DIGITS = 6

# OWASP's minimum for Argon2id (19 MiB, 2 passes): a guess costs memory, not just time.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_NON_DIGIT = re.compile(r"[^0-9]")
_REFERENCE = re.compile(rf"^RPT-?(\d{{4}})-?(\d{{{REFERENCE_DIGITS}}})$")


def new_tip_code() -> str:
    digits = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    return format_code(digits)


def format_code(digits: str) -> str:
    return "-".join(digits[i : i + GROUP_DIGITS] for i in range(0, CODE_DIGITS, GROUP_DIGITS))


def normalise_code(raw: str) -> str | None:
    """Digits only (spaces, dashes, ``*`` and ``#`` dropped), or None if it cannot be a code."""
    digits = _NON_DIGIT.sub("", raw or "")
    return digits if len(digits) == CODE_DIGITS else None


def hash_code(digits: str) -> str:
    return _HASHER.hash(digits)


def verify_code(stored_hash: str, digits: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, digits)
    except (VerificationError, InvalidHashError):
        return False


def bucket(key: bytes, digits: str) -> str:
    mac = hmac.new(key, b"tip-bucket:" + digits.encode(), hashlib.sha256).hexdigest()
    return mac[:BUCKET_HEX]


def new_reference(year: int) -> str:
    return f"RPT-{year:04d}-{secrets.randbelow(10**REFERENCE_DIGITS):0{REFERENCE_DIGITS}d}"


def normalise_reference(raw: str, default_year: int) -> str | None:
    """``RPT-2026-123456``, ``rpt2026123456``, ``2026123456`` or ``123456`` → canonical form."""
    text = (raw or "").strip().upper().replace(" ", "")
    match = _REFERENCE.match(text)
    if match:
        return f"RPT-{match[1]}-{match[2]}"
    digits = _NON_DIGIT.sub("", text)
    if len(digits) == REFERENCE_DIGITS:
        return f"RPT-{default_year:04d}-{digits}"
    if len(digits) == REFERENCE_DIGITS + 4:
        return f"RPT-{digits[:4]}-{digits[4:]}"
    return None
