"""Phone numbers to E.164 with the ``phonenumbers`` library (Kenya by default).

Operators write numbers as ``0712345678``, ``254712345678``, ``+254 712 345 678`` or
``00254712345678``; all of them are the one subscriber ``+254712345678``. Short codes and
alphanumeric senders (``MPESA``, ``100``) are not phone numbers: ``to_e164`` answers None
and callers keep the raw text where a counterpart may legitimately be one.
"""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers

DEFAULT_REGION = "KE"


def to_e164(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """``raw`` as E.164 (``+254712345678``), or None when it is not a possible number."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.isdigit() and len(text) > 10 and not text.startswith("0"):
        # a full international number written without its "+" (254712345678)
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_many(values: Iterable[str | None], region: str = DEFAULT_REGION) -> dict[str, str]:
    """Each distinct raw value that is a number, mapped to its E.164 form (parsed once)."""
    out: dict[str, str] = {}
    for value in set(values):
        if value is None:
            continue
        e164 = to_e164(value, region)
        if e164 is not None:
            out[value] = e164
    return out


def check_region(region: str) -> str:
    """The region code upper-cased; ValueError when ``phonenumbers`` does not know it."""
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {region!r}; use a two-letter ISO code such as KE")
    return code
