"""Text normalisation for names, phones and identifiers (pure functions, no Django).

Search matches on normalised tokens, so "MOHAMED Abdi-Hassan", "Hassan, Mohamed Abdi" and
"Mohaméd abdi hassan" all index to the same token set; phones index as E.164 digits and
identifiers (national ID, KRA PIN, account numbers, wallets) upper-cased without separators.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
_IDENTIFIER_JUNK = re.compile(r"[\s\-./_:]+")
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]{7,20}$")
DEFAULT_REGION = "KE"


def fold(text: str) -> str:
    """Lower case, accents removed, compatibility forms unified (ﬁ → fi, full-width → ASCII)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def tokens(text: str) -> list[str]:
    """Folded alphanumeric tokens in their original order (duplicates kept)."""
    return [t for t in _TOKEN_SPLIT.split(fold(text)) if t]


def name_key(name: str) -> str:
    """An order-insensitive key for a name: its folded tokens, sorted."""
    return " ".join(sorted(tokens(name)))


def normalise_phone(value: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 without the plus sign (``254712345678``), or None if it is not a possible number."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def normalise_identifier(value: str) -> str:
    """ID numbers, KRA PINs, account numbers and wallets: upper case, no separators.

    Hex wallet addresses (0x…) are case-insensitive and fold to lower case; base58/bech32
    addresses are kept as written apart from separators, since their case is significant.
    """
    compact = _IDENTIFIER_JUNK.sub("", value.strip())
    if compact[:2].lower() == "0x":
        return compact.lower()
    if compact.isalnum() and (compact.isdigit() or len(compact) <= 20):
        return compact.upper()
    return compact


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_LIKE.match(text.strip())) and sum(c.isdigit() for c in text) >= 7


def query_alternatives(query: str, region: str = DEFAULT_REGION) -> list[list[str]]:
    """Ways to read a user's query; a record matches if it has every term of any one reading.

    "0712 345 678" reads as the phone 254712345678 and also as its digits, so that a national
    ID or account number that happens to look like a phone is still found.
    """
    stripped = query.strip()
    readings: list[list[str]] = []
    if looks_like_phone(stripped):
        phone = normalise_phone(stripped, region)
        if phone:
            readings.append([phone])
    plain: list[str] = []
    for token in tokens(stripped):
        if token not in plain:
            plain.append(token)
    if plain and plain not in readings:
        readings.append(plain)
    # "PVT-AB12CD3" or "KCB/001/234": an identifier written with separators.
    if len(plain) > 1 and " " not in stripped:
        readings.append(["".join(plain)])
    return readings


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Drop NUL and other control characters (PostgreSQL refuses NUL in text columns)."""
    return _CONTROL.sub("", text)
