"""Bitcoin addresses from scripts: base58check (P2PKH, P2SH), bech32/bech32m (BIP 173/350).

Output scripts map to addresses as block explorers show them. Pay-to-pubkey outputs
(early coinbases: ``<pubkey> OP_CHECKSIG``) have no address of their own; we show them
as the P2PKH address of the same key, because that is the address later spends of the
key use and it lets the clustering link them. Anything else is ``script:<hex>`` (bare
multisig, OP_RETURN as ``nulldata``) so nothing is silently dropped.

Input addresses are read from the spending data when the previous output is not at
hand: a P2PKH scriptSig ends with the public key, a P2SH scriptSig with the redeem script,
a P2WPKH witness with the public key, a P2WSH witness with the witness script.
"""

from __future__ import annotations

import hashlib

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32M_CONST = 0x2BC830A3


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", hashlib.sha256(data).digest()).digest()


def base58check(version: int, payload: bytes) -> str:
    data = bytes([version]) + payload
    data += sha256d(data)[:4]
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _B58[remainder] + encoded
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + encoded


def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= generator[i] if ((top >> i) & 1) else 0
    return checksum


def _convert_bits(data: bytes, from_bits: int, to_bits: int) -> list[int]:
    accumulator, bits, out = 0, 0, []
    mask = (1 << to_bits) - 1
    for byte in data:
        accumulator = (accumulator << from_bits) | byte
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & mask)
    if bits:
        out.append((accumulator << (to_bits - bits)) & mask)
    return out


def segwit_address(version: int, program: bytes, hrp: str = "bc") -> str:
    """bech32 for witness version 0, bech32m for version 1+ (BIP 350)."""
    data = [version, *_convert_bits(program, 8, 5)]
    constant = 1 if version == 0 else _BECH32M_CONST
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ constant
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def script_type_and_address(script: bytes) -> tuple[str, str]:
    """(type, address) of an output script; see the module docstring for non-standard ones."""
    n = len(script)
    if n == 25 and script[:3] == b"\x76\xa9\x14" and script[23:] == b"\x88\xac":
        return "p2pkh", base58check(0x00, script[3:23])
    if n == 23 and script[:2] == b"\xa9\x14" and script[22] == 0x87:
        return "p2sh", base58check(0x05, script[2:22])
    if n == 22 and script[:2] == b"\x00\x14":
        return "p2wpkh", segwit_address(0, script[2:])
    if n == 34 and script[:2] == b"\x00\x20":
        return "p2wsh", segwit_address(0, script[2:])
    if n == 34 and script[:2] == b"\x51\x20":
        return "p2tr", segwit_address(1, script[2:])
    if n in (35, 67) and script[0] == n - 2 and script[-1] == 0xAC:
        return "p2pk", base58check(0x00, hash160(script[1:-1]))
    if n and script[0] == 0x6A:
        return "nulldata", "nulldata"
    return "nonstandard", "script:" + script.hex()


def _pushes(script: bytes) -> list[bytes] | None:
    """The data pushed by a push-only script (a scriptSig), or None if it does more."""
    pushes, i = [], 0
    while i < len(script):
        op = script[i]
        i += 1
        if op == 0:
            pushes.append(b"")
            continue
        if op <= 75:
            size = op
        elif op == 76:
            size = script[i] if i < len(script) else 0
            i += 1
        elif op == 77:
            size = int.from_bytes(script[i : i + 2], "little")
            i += 2
        elif op == 78:
            size = int.from_bytes(script[i : i + 4], "little")
            i += 4
        elif 81 <= op <= 96 or op == 79:
            pushes.append(bytes([op]))
            continue
        else:
            return None
        pushes.append(script[i : i + size])
        i += size
    return pushes


def _is_pubkey(data: bytes) -> bool:
    return (len(data) == 33 and data[0] in (2, 3)) or (len(data) == 65 and data[0] == 4)


def input_type_and_address(script_sig: bytes, witness: list[bytes]) -> tuple[str, str]:
    """Best reading of who spent an input, from its scriptSig and witness alone."""
    if witness:
        if not script_sig and len(witness) == 2 and _is_pubkey(witness[1]):
            return "p2wpkh", segwit_address(0, hash160(witness[1]))
        if not script_sig and len(witness) == 1 and len(witness[0]) in (64, 65):
            return "p2tr", "unknown"  # key-path spend: the key is only in the spent output
        pushes = _pushes(script_sig) if script_sig else []
        if pushes and len(pushes) == 1 and len(pushes[0]) in (22, 34) and pushes[0][0] == 0:
            return "p2sh", base58check(0x05, hash160(pushes[0]))  # nested segwit
        if not script_sig:
            return "p2wsh", segwit_address(0, hashlib.sha256(witness[-1]).digest())
    pushes = _pushes(script_sig)
    if not pushes:
        return "unknown", "unknown"
    if len(pushes) == 2 and _is_pubkey(pushes[1]) and len(pushes[0]) >= 9:
        return "p2pkh", base58check(0x00, hash160(pushes[1]))
    if len(pushes) == 1 and 9 <= len(pushes[0]) <= 73:
        return "p2pk", "unknown"  # signature only: the key is in the spent output
    if len(pushes) >= 2 and len(pushes[-1]) > 0 and pushes[0] == b"":
        return "p2sh", base58check(0x05, hash160(pushes[-1]))  # multisig redeem script
    return "unknown", "unknown"
