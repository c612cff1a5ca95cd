"""Raw Bitcoin blocks: header, transactions (legacy and segwit serialization), framing.

A block file is either one bare serialized block, or Bitcoin Core ``blk*.dat`` framing:
repeated 4-byte network magic + 4-byte little-endian length + block. We look at the
first four bytes to tell which. Every block's merkle root is recomputed and checked
against its header, so a truncated or corrupt file fails loudly instead of yielding
wrong totals.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from usalama.analysis.money.bitcoin.addresses import sha256d
from usalama.core.errors import InvalidInput

NETWORK_MAGICS = {
    bytes.fromhex("f9beb4d9"): "main",
    bytes.fromhex("0b110907"): "testnet3",
    bytes.fromhex("0a03cf40"): "signet",
    bytes.fromhex("fabfb5da"): "regtest",
}
COINBASE_PREVOUT = "00" * 32


@dataclass(frozen=True)
class TxIn:
    prev_txid: str  # hex, display order (as explorers show it)
    prev_vout: int
    script_sig: bytes
    sequence: int
    witness: tuple[bytes, ...]

    @property
    def is_coinbase(self) -> bool:
        return self.prev_txid == COINBASE_PREVOUT and self.prev_vout == 0xFFFFFFFF


@dataclass(frozen=True)
class TxOut:
    value: int  # satoshis
    script: bytes


@dataclass(frozen=True)
class Transaction:
    txid: str
    version: int
    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    locktime: int
    segwit: bool

    @property
    def is_coinbase(self) -> bool:
        return len(self.inputs) == 1 and self.inputs[0].is_coinbase


@dataclass(frozen=True)
class Block:
    hash: str
    version: int
    prev_hash: str
    merkle_root: str
    timestamp: int
    bits: int
    nonce: int
    transactions: tuple[Transaction, ...]

    def meets_target(self) -> bool:
        """Proof of work: the header hash is at most the target encoded in ``bits``."""
        exponent, mantissa = self.bits >> 24, self.bits & 0xFFFFFF
        target = mantissa << (8 * (exponent - 3))
        return int(self.hash, 16) <= target


class _Reader:
    def __init__(self, data: bytes, origin: str) -> None:
        self.data, self.pos, self.origin = data, 0, origin

    def take(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise InvalidInput(f"{self.origin}: truncated at byte {self.pos} (wanted {size} more)")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def varint(self) -> int:
        first = self.take(1)[0]
        if first < 0xFD:
            return first
        size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
        return int.from_bytes(self.take(size), "little")

    def var_bytes(self) -> bytes:
        return self.take(self.varint())


def _display(hash_bytes: bytes) -> str:
    return hash_bytes[::-1].hex()


def parse_transaction(reader: _Reader) -> Transaction:
    start = reader.pos
    version = reader.u32()
    count = reader.varint()
    segwit = False
    if count == 0:  # BIP 144: marker 0x00, flag 0x01, then the real input count
        if reader.take(1) != b"\x01":
            raise InvalidInput(f"{reader.origin}: bad segwit flag at byte {reader.pos - 1}")
        segwit = True
        count = reader.varint()
    after_version = reader.pos
    raw_inputs = []
    for _ in range(count):
        prev = reader.take(32)
        vout = reader.u32()
        script_sig = reader.var_bytes()
        raw_inputs.append((prev, vout, script_sig, reader.u32()))
    outputs = []
    for _ in range(reader.varint()):
        value = int(struct.unpack("<q", reader.take(8))[0])
        outputs.append(TxOut(value=value, script=reader.var_bytes()))
    before_witness = reader.pos
    witnesses: list[tuple[bytes, ...]] = [() for _ in raw_inputs]
    if segwit:
        witnesses = [tuple(reader.var_bytes() for _ in range(reader.varint())) for _ in raw_inputs]
    locktime_bytes = reader.take(4)
    # the txid hashes the legacy serialization: no marker, flag or witness
    if segwit:
        legacy = (
            reader.data[start : start + 4]
            + _varint_bytes(count)
            + reader.data[after_version:before_witness]
            + locktime_bytes
        )
    else:
        legacy = reader.data[start : reader.pos]
    inputs = tuple(
        TxIn(prev_txid=_display(prev), prev_vout=vout, script_sig=script, sequence=seq, witness=wit)
        for (prev, vout, script, seq), wit in zip(raw_inputs, witnesses, strict=True)
    )
    return Transaction(
        txid=_display(sha256d(legacy)),
        version=version,
        inputs=inputs,
        outputs=tuple(outputs),
        locktime=int.from_bytes(locktime_bytes, "little"),
        segwit=segwit,
    )


def _varint_bytes(value: int) -> bytes:
    if value < 0xFD:
        return bytes([value])
    if value <= 0xFFFF:
        return b"\xfd" + value.to_bytes(2, "little")
    if value <= 0xFFFFFFFF:
        return b"\xfe" + value.to_bytes(4, "little")
    return b"\xff" + value.to_bytes(8, "little")


def merkle_root(txids: list[str]) -> str:
    level = [bytes.fromhex(txid)[::-1] for txid in txids]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return _display(level[0])


def parse_block(data: bytes, origin: str = "block") -> Block:
    reader = _Reader(data, origin)
    header = reader.take(80)
    transactions = tuple(parse_transaction(reader) for _ in range(reader.varint()))
    version, prev, root, timestamp, bits, nonce = struct.unpack("<I32s32sIII", header)
    block = Block(
        hash=_display(sha256d(header)),
        version=version,
        prev_hash=_display(prev),
        merkle_root=_display(root),
        timestamp=timestamp,
        bits=bits,
        nonce=nonce,
        transactions=transactions,
    )
    computed = merkle_root([tx.txid for tx in transactions]) if transactions else ""
    if computed != block.merkle_root:
        raise InvalidInput(
            f"{origin}: block {block.hash}: merkle root does not match its transactions"
        )
    return block


def iter_blocks(data: bytes, origin: str = "blocks") -> Iterator[Block]:
    """Blocks in ``data``: framed (``blk*.dat``) if it opens with a network magic, else bare."""
    if data[:4] not in NETWORK_MAGICS:
        yield parse_block(data, origin)
        return
    pos, index = 0, 0
    while pos + 8 <= len(data):
        magic = data[pos : pos + 4]
        if magic == b"\0\0\0\0":  # Bitcoin Core pre-allocates blk files with zeros
            break
        if magic not in NETWORK_MAGICS:
            raise InvalidInput(f"{origin}: byte {pos}: expected network magic, found {magic.hex()}")
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if pos + 8 + size > len(data):
            raise InvalidInput(f"{origin}: block {index} at byte {pos} is truncated")
        yield parse_block(data[pos + 8 : pos + 8 + size], f"{origin} block {index}")
        pos += 8 + size
        index += 1
