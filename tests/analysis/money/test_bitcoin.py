"""Bitcoin block parsing on real main-net blocks (btcd test data) and address encodings."""

from __future__ import annotations

import bz2
import json

import polars as pl
import pytest

from tests.shared_data import SHARED_DATA
from usalama.analysis.money import blocks_from_getblock_json, iter_blocks, read_block_file
from usalama.analysis.money.bitcoin.addresses import (
    input_type_and_address,
    script_type_and_address,
    segwit_address,
    sha256d,
)
from usalama.analysis.money.bitcoin.chain import block_to_getblock_json, chain_frames
from usalama.core.errors import InvalidInput

BITCOIN = SHARED_DATA / "money" / "bitcoin"
GENESIS = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
COIN = 100_000_000


def _framed_277647() -> bytes:
    with bz2.open(BITCOIN / "277647.dat.bz2") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def early_chain():  # type: ignore[no-untyped-def]
    return read_block_file(BITCOIN / "blocks1-256.bz2")


@pytest.fixture(scope="module")
def block_277647():  # type: ignore[no-untyped-def]
    return read_block_file(BITCOIN / "277647.dat.bz2")


def test_early_blocks_counts_and_totals(early_chain) -> None:  # type: ignore[no-untyped-def]
    blocks = early_chain.blocks
    # the file holds 255 framed blocks, heights 1..255, each linked to the one before
    assert len(blocks) == 255
    assert blocks[0].prev_hash == GENESIS
    assert blocks[0].hash == "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"
    assert all(blocks[i].prev_hash == blocks[i - 1].hash for i in range(1, len(blocks)))
    assert all(block.meets_target() for block in blocks)
    txs = early_chain.transactions
    assert txs.height == 262
    coinbases = txs.filter(pl.col("coinbase"))
    assert coinbases.height == 255
    assert set(coinbases["output_value"].to_list()) == {50 * COIN}
    # the only spends: block 170 (Satoshi → Hal Finney) and Satoshi's follow-ups, no fees
    spends = txs.filter(~pl.col("coinbase"))
    assert spends.height == 7
    assert spends["output_value"].sum() == 179 * COIN
    assert (spends["input_value"] == spends["output_value"]).all()
    assert txs["output_value"].sum() == (255 * 50 + 179) * COIN


def test_famous_addresses(early_chain) -> None:  # type: ignore[no-untyped-def]
    outputs = early_chain.outputs
    assert outputs["address"][0] == "12c6DSiU4Rq3P4ZxziKxzrL5LmMBrzjrJX"  # block 1 coinbase (P2PK)
    hal = outputs.filter(pl.col("txid").str.starts_with("f4184fc596403b9d"))
    assert hal.sort("vout")["address"].to_list() == [
        "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3",
        "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S",
    ]
    # the block-170 input spends block 9's coinbase, resolved inside the file
    spend = early_chain.inputs.filter(pl.col("txid") == hal["txid"][0])
    assert spend["address"].to_list() == ["12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S"]
    assert spend["value"].to_list() == [50 * COIN]


def test_block_277647(block_277647) -> None:  # type: ignore[no-untyped-def]
    (block,) = block_277647.blocks
    assert block.hash == "0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8"
    assert block.meets_target()
    txs = block_277647.transactions
    assert txs.height == 213
    assert txs.filter(pl.col("inputs") > 1).height == 115
    assert txs["inputs"].sum() == 732 + 1  # plus the coinbase input
    assert txs["outputs"].sum() == 769
    coinbase = txs.filter(pl.col("coinbase"))
    # subsidy 25 BTC at this height, plus 0.04737355 BTC of fees
    assert coinbase["output_value"].to_list() == [2_504_737_355]
    assert txs["output_value"].sum() == 177_966_312_176
    # spent outputs lie outside the file: input totals unknown, addresses come from scriptSigs
    # 23 transactions spend only outputs of this same block and get a total; the rest do not
    assert txs.filter(~pl.col("coinbase"))["input_value"].null_count() == 189
    assert (block_277647.inputs["address"] != "unknown").all()


def test_bare_block_and_framing_give_the_same_block() -> None:
    framed = _framed_277647()
    assert framed[:4] == bytes.fromhex("f9beb4d9")  # this file is framed, like blk*.dat
    bare = framed[8:]
    assert next(iter_blocks(bare)).hash == next(iter_blocks(framed)).hash


def test_corrupt_block_is_rejected() -> None:
    framed = _framed_277647()
    broken = bytearray(framed[8:])
    broken[200] ^= 0xFF  # inside the first transaction
    with pytest.raises(InvalidInput):
        list(iter_blocks(bytes(broken), "broken.dat"))
    with pytest.raises(InvalidInput, match="truncated"):
        list(iter_blocks(framed[:5000], "short.dat"))


def test_getblock_json_round_trip(block_277647, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = block_to_getblock_json(block_277647.blocks[0])
    path = tmp_path / "block.json"
    path.write_text(json.dumps(document))
    from_json = read_block_file(path, "json")
    assert from_json.transactions.height == 213
    assert from_json.outputs.equals(block_277647.outputs)
    assert from_json.inputs.equals(block_277647.inputs)
    lines = (json.dumps(document) + "\n") * 2
    assert len(blocks_from_getblock_json(lines.encode())) == 2
    with pytest.raises(InvalidInput):
        blocks_from_getblock_json(b'{"hash": "x"}')


def test_segwit_transaction_parsing() -> None:
    # BIP 143 example: native P2WPKH spend (txid from the BIP) inside a minimal block-like wrapper
    raw = bytes.fromhex(
        "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830"
        "450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a"
        "99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b"
        "309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c9"
        "5a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247"
        "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561"
        "406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0a"
        "d253f62fc70f07aeeec35711000000"
    )
    from usalama.analysis.money.bitcoin.blocks import _Reader, parse_transaction

    tx = parse_transaction(_Reader(raw, "bip143"))
    assert tx.segwit
    # the txid hashes the serialization without marker, flag and witness (108 bytes here)
    legacy = raw[:4] + raw[6 : -(108 + 4)] + raw[-4:]
    assert tx.txid == sha256d(legacy)[::-1].hex()
    assert len(tx.outputs) == 2 and tx.locktime == 17
    assert [len(i.witness) for i in tx.inputs] == [0, 2]
    assert (
        input_type_and_address(tx.inputs[1].script_sig, list(tx.inputs[1].witness))[0] == "p2wpkh"
    )


def test_address_encodings() -> None:
    # BIP 173 / BIP 350 test vectors
    program = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert segwit_address(0, program) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert script_type_and_address(bytes.fromhex("0014") + program) == (
        "p2wpkh",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    )
    p2wsh = bytes.fromhex("1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262")
    assert script_type_and_address(bytes.fromhex("0020") + p2wsh)[1] == (
        "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"
    )
    taproot = bytes.fromhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
    assert script_type_and_address(bytes.fromhex("5120") + taproot)[1] == (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    )
    p2sh = (
        bytes.fromhex("a914") + bytes.fromhex("74f209f6ea907e2ea48f74fae05782ae8a665257") + b"\x87"
    )
    kind, address = script_type_and_address(p2sh)
    assert kind == "p2sh" and address.startswith("3") and len(address) == 34
    assert script_type_and_address(bytes.fromhex("6a0401020304"))[0] == "nulldata"
    assert script_type_and_address(b"\x51")[1] == "script:51"


def test_chain_frames_of_no_spends_are_empty_but_typed(early_chain) -> None:  # type: ignore[no-untyped-def]
    first = chain_frames(early_chain.blocks[:1])
    assert first.inputs.height == 0
    assert first.inputs.schema["value"] == pl.Int64
