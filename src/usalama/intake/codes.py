"""Tip codes and report references: generation, normalisation, hashing, lookup buckets.

A tip code is 80 random bits written as 16 Crockford base32 characters in four groups
(``7KQ2-M9XD-4HTR-B0ZC``): short enough to copy onto paper, typed in any case, with or
without dashes, and with the letters people confuse (I and L for 1, O for 0) read as the digit.
A USSD menu takes only digits, so a tip sent over USSD gets a numeric code instead: 25
decimal digits in five groups (``log2(10**25)`` ≈ 83 bits), the format every earlier tip
has. Both formats are accepted everywhere, so existing codes keep working.

Only an Argon2id hash is stored. To find the hash without trying every row, each tip also
stores a *bucket*: the first :data:`BUCKET_HEX` hex digits of a keyed HMAC of the code.
Without the key the bucket says nothing about the code; with the key an attacker still has
to enumerate 2**80 codes to use it. Pure Python (no Django): the key is passed in.

A report reference (``RPT-2026-4821-0937-5512``) is 12 random digits after the year (40
bits), digits only so that it can be read out and typed on a keypad; its lookups are
throttled like tip codes. References of six digits issued before keep working.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 16
CODE_GROUP = 4
CODE_BITS = CODE_CHARS * 5  # 80
NUMERIC_GROUPS = 5
NUMERIC_GROUP_DIGITS = 5
NUMERIC_DIGITS = NUMERIC_GROUPS * NUMERIC_GROUP_DIGITS
NUMERIC_BITS = NUMERIC_DIGITS * math.log2(10)
# Kept for callers that speak of the numeric (USSD) format.
CODE_DIGITS = NUMERIC_DIGITS
BUCKET_HEX = 5  # 20 bits: about one tip per bucket at a million tips
REFERENCE_DIGITS = 12
LEGACY_REFERENCE_DIGITS = 6
REFERENCE_BITS = REFERENCE_DIGITS * math.log2(10)

# OWASP's minimum for Argon2id (19 MiB, 2 passes): a guess costs memory, not just time.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_NON_DIGIT = re.compile(r"[^0-9]")
_SEPARATORS = re.compile(r"[\s\-_.*#]")
_CONFUSED = str.maketrans({"I": "1", "L": "1", "O": "0"})
_BASE32 = frozenset(CROCKFORD)


def new_tip_code(*, numeric: bool = False) -> str:
    """A fresh code: base32 (web, API, SMS) or, for keypads (USSD), 25 digits."""
    if numeric:
        digits = f"{secrets.randbelow(10**NUMERIC_DIGITS):0{NUMERIC_DIGITS}d}"
        return format_code(digits)
    while True:
        chars = "".join(secrets.choice(CROCKFORD) for _ in range(CODE_CHARS))
        # Never all digits (one draw in 10**8): 16 digits are a report reference's year and
        # number, so a keypad's digits mean one thing only.
        if not chars.isdigit():
            return format_code(chars)


def format_code(canonical: str) -> str:
    """Grouped for reading: four groups of four characters, or five groups of five digits."""
    size = NUMERIC_GROUP_DIGITS if len(canonical) == NUMERIC_DIGITS else CODE_GROUP
    return "-".join(canonical[i : i + size] for i in range(0, len(canonical), size))


def normalise_code(raw: str) -> str | None:
    """The canonical form of a code (what is hashed), or None if it cannot be a code.

    Spaces, dashes, dots, ``*`` and ``#`` are dropped and case ignored; in a base32 code
    I and L read as 1 and O as 0. Sixteen digits are not a code (none is issued): they are a
    report reference without its prefix.
    """
    text = _SEPARATORS.sub("", raw or "").upper()
    if len(text) == NUMERIC_DIGITS and text.isdigit():
        return text
    text = text.translate(_CONFUSED)
    if len(text) == CODE_CHARS and set(text) <= _BASE32 and not text.isdigit():
        return text
    return None


def hash_code(canonical: str) -> str:
    return _HASHER.hash(canonical)


def verify_code(stored_hash: str, canonical: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, canonical)
    except (VerificationError, InvalidHashError):
        return False


def bucket(key: bytes, canonical: str) -> str:
    mac = hmac.new(key, b"tip-bucket:" + canonical.encode(), hashlib.sha256).hexdigest()
    return mac[:BUCKET_HEX]


def new_reference(year: int) -> str:
    digits = f"{secrets.randbelow(10**REFERENCE_DIGITS):0{REFERENCE_DIGITS}d}"
    return f"RPT-{year:04d}-{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def _canonical_reference(year: str, digits: str) -> str | None:
    if len(digits) == LEGACY_REFERENCE_DIGITS:
        return f"RPT-{year}-{digits}"
    if len(digits) == REFERENCE_DIGITS:
        return f"RPT-{year}-{digits[:4]}-{digits[4:8]}-{digits[8:]}"
    return None


def normalise_reference(raw: str, default_year: int) -> str | None:
    """``RPT-2026-4821-0937-5512``, ``rpt 2026 482109375512``, ``482109375512`` (this year),
    and the six-digit references of before (``RPT-2026-123456``, ``123456``) → canonical."""
    text = (raw or "").strip().upper()
    digits = _NON_DIGIT.sub("", text)
    if text.startswith("RPT") or len(digits) in {
        4 + LEGACY_REFERENCE_DIGITS,
        4 + REFERENCE_DIGITS,
    }:
        if text.startswith("RPT") and not re.fullmatch(r"RPT[\s\-0-9]*", text):
            return None
        return _canonical_reference(digits[:4], digits[4:]) if len(digits) > 4 else None
    if len(digits) != len(text.replace(" ", "").replace("-", "")):
        return None
    return _canonical_reference(f"{default_year:04d}", digits)
