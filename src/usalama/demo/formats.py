"""Identifier formats of the demo world: phones, national IDs, KRA PINs, BRS numbers,
bank account numbers, M-Pesa codes and crypto addresses.

Every function takes a :class:`random.Random` so the world stays deterministic. The
formats follow the real ones (E.164 phones on real operator ranges, ``A123456789Z``
KRA PINs, ``PVT-`` BRS numbers, base58check and bech32 Bitcoin addresses with valid
checksums) but the values are random: they identify nobody.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import string
from dataclasses import dataclass

__all__ = [
    "BANKS",
    "BRS_RE",
    "KRA_PIN_RE",
    "Bank",
    "bank_account_number",
    "brs_number",
    "btc_address",
    "eth_address",
    "kra_pin",
    "mpesa_code",
    "national_id",
    "phone",
]

KRA_PIN_RE = re.compile(r"^[AP]\d{9}[A-Z]$")
BRS_RE = re.compile(r"^(PVT|CPR|BN)-[A-Z0-9]{7}$")

# Mobile ranges in E.164: Safaricom, Airtel and Telkom Kenya; MTN/Airtel Uganda;
# Vodacom/Airtel/Tigo/Halotel Tanzania (only the +2557 block).
_MOBILE_PREFIXES: dict[str, tuple[str, ...]] = {
    "KE": (
        "+25470",
        "+25471",
        "+25472",
        "+25474",
        "+25479",
        "+25473",
        "+25475",
        "+25478",
        "+25477",
        "+254110",
        "+254111",
        "+254112",
        "+254115",
        "+254100",
        "+254101",
    ),
    "UG": ("+25670", "+25674", "+25675", "+25677", "+25678", "+25676"),
    "TZ": ("+25571", "+25574", "+25575", "+25576", "+25577", "+25578"),
}
_NATIONAL_DIGITS = 9  # subscriber digits after the country code in KE, UG and TZ


def phone(country: str, rng: random.Random) -> str:
    """A mobile number in E.164 form for ``country`` (``"KE"``, ``"UG"`` or ``"TZ"``)."""
    prefix = rng.choice(_MOBILE_PREFIXES[country])
    national = len(prefix) - 4  # "+254" etc. are four characters
    rest = _NATIONAL_DIGITS - national
    return prefix + "".join(rng.choice(string.digits) for _ in range(rest))


def national_id(birth_year: int, rng: random.Random) -> str:
    """A Kenyan national ID number (7 or 8 digits), rising with the year of birth the
    way serial numbers issued at 18 do."""
    # piecewise-linear: born 1950 → ~1.5m, 1980 → ~13m, 1990 → ~27m, 2006 → ~40m
    points = (
        (1940, 1_000_000),
        (1950, 1_500_000),
        (1980, 13_000_000),
        (1990, 27_000_000),
        (2006, 40_000_000),
    )
    year = min(max(birth_year, points[0][0]), points[-1][0])
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if y0 <= year <= y1:
            base = v0 + (v1 - v0) * (year - y0) / (y1 - y0)
            break
    value = int(base + rng.uniform(-400_000, 400_000))
    if value < 1_000_000:  # reflect rather than clamp, so values stay spread out
        value = 2_000_000 - value
    return str(value)


def kra_pin(rng: random.Random, *, company: bool = False) -> str:
    """A KRA PIN: ``A`` (individual) or ``P`` (non-individual), 9 digits, a letter."""
    digits = "".join(rng.choice(string.digits) for _ in range(9))
    return ("P" if company else "A") + digits + rng.choice(string.ascii_uppercase)


def brs_number(rng: random.Random, prefix: str = "PVT") -> str:
    """A Business Registration Service number, e.g. ``PVT-AB12CD3``."""
    alphabet = string.ascii_uppercase + string.digits
    return prefix + "-" + "".join(rng.choice(alphabet) for _ in range(7))


def mpesa_code(rng: random.Random) -> str:
    """An M-Pesa-style transaction code: ten upper-case letters and digits."""
    alphabet = string.ascii_uppercase + string.digits
    return rng.choice(string.ascii_uppercase) + "".join(rng.choice(alphabet) for _ in range(9))


@dataclass(frozen=True)
class Bank:
    """A Kenyan bank: display name, SWIFT BIC, account-number length and prefix."""

    name: str
    bic: str
    digits: int
    prefix: str


BANKS: tuple[Bank, ...] = (
    Bank("KCB Bank Kenya", "KCBLKENX", 10, "11"),
    Bank("Equity Bank Kenya", "EQBLKENA", 13, "01"),
    Bank("Co-operative Bank of Kenya", "KCOOKENA", 14, "011"),
    Bank("NCBA Bank Kenya", "CBAFKENX", 10, "10"),
    Bank("Absa Bank Kenya", "BARCKENX", 10, "20"),
    Bank("Stanbic Bank Kenya", "SBICKENX", 13, "01"),
    Bank("Family Bank", "FABLKENA", 12, "04"),
    Bank("I&M Bank", "IMBLKENA", 14, "00"),
)


def bank_account_number(bank: Bank, rng: random.Random) -> str:
    """An account number of the bank's usual length."""
    rest = bank.digits - len(bank.prefix)
    return bank.prefix + "".join(rng.choice(string.digits) for _ in range(rest))


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _bech32_address(program: bytes) -> str:
    hrp = "bc"
    acc, bits, data = 0, 0, [0]  # witness version 0
    for byte in program:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def btc_address(rng: random.Random) -> str:
    """A Bitcoin address with a valid checksum: bech32 P2WPKH (``bc1q…``) most of the
    time, otherwise base58check P2PKH (``1…``) or P2SH (``3…``)."""
    program = bytes(rng.randrange(256) for _ in range(20))
    roll = rng.random()
    if roll < 0.6:
        return _bech32_address(program)
    version = b"\x00" if roll < 0.85 else b"\x05"
    return _base58check(version + program)


def eth_address(rng: random.Random) -> str:
    """An Ethereum address: ``0x`` and 40 lower-case hex digits (no EIP-55 casing)."""
    return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
