"""Block files → Polars frames of transactions, inputs and outputs.

Reads raw blocks (bare or ``blk*.dat`` framed) or Bitcoin Core ``getblock <hash> 2``
JSON (one object, a JSON array of them, or one object a line); ``.bz2`` files are
decompressed transparently.

Frames (values in satoshis):

* ``transactions``: txid, block_hash, time, inputs, outputs, coinbase, output_value,
  input_value (null when a spent output lies outside the file);
* ``outputs``: txid, vout, value, script_type, address;
* ``inputs``: txid, vin, prev_txid, prev_vout, value (null if unresolved), script_type, address.

An input's address comes from the output it spends when that output is in the file
(or given as ``prevout`` by ``getblock … 3``), otherwise from its own scriptSig/witness.
"""

from __future__ import annotations

import bz2
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from usalama.analysis.money.bitcoin.addresses import (
    input_type_and_address,
    script_type_and_address,
)
from usalama.analysis.money.bitcoin.blocks import (
    COINBASE_PREVOUT,
    Block,
    Transaction,
    TxIn,
    TxOut,
    iter_blocks,
)
from usalama.core.errors import InvalidInput

BlockFormat = Literal["raw", "json"]


@dataclass(frozen=True)
class ChainData:
    blocks: list[Block]
    transactions: pl.DataFrame
    inputs: pl.DataFrame
    outputs: pl.DataFrame


def read_block_file(path: str | Path, block_format: BlockFormat = "raw") -> ChainData:
    source = Path(path)
    try:
        if source.suffix == ".bz2":
            with bz2.open(source) as handle:
                data = handle.read()
        else:
            data = source.read_bytes()
    except (OSError, EOFError, ValueError) as error:
        raise InvalidInput(f"{source}: cannot read block file ({error})") from error
    if block_format == "json":
        blocks = blocks_from_getblock_json(data, str(source))
    elif block_format == "raw":
        blocks = list(iter_blocks(data, str(source)))
    else:
        raise InvalidInput(f"unknown block format {block_format!r}: use raw or json")
    if not blocks:
        raise InvalidInput(f"{source}: no blocks found")
    return chain_frames(blocks)


def chain_frames(blocks: list[Block]) -> ChainData:
    tx_rows: dict[str, list[Any]] = {
        k: [] for k in ("txid", "block_hash", "time", "inputs", "outputs", "coinbase")
    }
    out_rows: dict[str, list[Any]] = {
        k: [] for k in ("txid", "vout", "value", "script_type", "address")
    }
    in_rows: dict[str, list[Any]] = {
        k: [] for k in ("txid", "vin", "prev_txid", "prev_vout", "spend_type", "spend_address")
    }
    for block in blocks:
        for tx in block.transactions:
            for key, value in (
                ("txid", tx.txid),
                ("block_hash", block.hash),
                ("time", block.timestamp),
                ("inputs", len(tx.inputs)),
                ("outputs", len(tx.outputs)),
                ("coinbase", tx.is_coinbase),
            ):
                tx_rows[key].append(value)
            for vout, output in enumerate(tx.outputs):
                script_type, address = script_type_and_address(output.script)
                for key, value in (
                    ("txid", tx.txid),
                    ("vout", vout),
                    ("value", output.value),
                    ("script_type", script_type),
                    ("address", address),
                ):
                    out_rows[key].append(value)
            if tx.is_coinbase:
                continue
            for vin, tx_input in enumerate(tx.inputs):
                spend_type, spend_address = input_type_and_address(
                    tx_input.script_sig, list(tx_input.witness)
                )
                for key, value in (
                    ("txid", tx.txid),
                    ("vin", vin),
                    ("prev_txid", tx_input.prev_txid),
                    ("prev_vout", tx_input.prev_vout),
                    ("spend_type", spend_type),
                    ("spend_address", spend_address),
                ):
                    in_rows[key].append(value)
    transactions = pl.DataFrame(
        tx_rows,
        schema={
            "txid": pl.Utf8,
            "block_hash": pl.Utf8,
            "time": pl.Int64,
            "inputs": pl.Int64,
            "outputs": pl.Int64,
            "coinbase": pl.Boolean,
        },
    )
    outputs = pl.DataFrame(
        out_rows,
        schema={
            "txid": pl.Utf8,
            "vout": pl.Int64,
            "value": pl.Int64,
            "script_type": pl.Utf8,
            "address": pl.Utf8,
        },
    )
    raw_inputs = pl.DataFrame(
        in_rows,
        schema={
            "txid": pl.Utf8,
            "vin": pl.Int64,
            "prev_txid": pl.Utf8,
            "prev_vout": pl.Int64,
            "spend_type": pl.Utf8,
            "spend_address": pl.Utf8,
        },
    )
    spent = outputs.rename({"txid": "prev_txid", "vout": "prev_vout"})
    inputs = (
        raw_inputs.join(spent, on=["prev_txid", "prev_vout"], how="left")
        .with_columns(
            pl.coalesce("script_type", "spend_type").alias("script_type"),
            pl.coalesce("address", "spend_address").alias("address"),
        )
        .select("txid", "vin", "prev_txid", "prev_vout", "value", "script_type", "address")
    )
    return ChainData(
        blocks=blocks,
        transactions=_with_totals(transactions, inputs, outputs),
        inputs=inputs,
        outputs=outputs,
    )


def _with_totals(
    transactions: pl.DataFrame, inputs: pl.DataFrame, outputs: pl.DataFrame
) -> pl.DataFrame:
    out_value = outputs.group_by("txid").agg(pl.col("value").sum().alias("output_value"))
    in_value = inputs.group_by("txid").agg(
        # one unknown input makes the total unknown, not smaller
        pl.when(pl.col("value").is_null().any())
        .then(None)
        .otherwise(pl.col("value").sum())
        .alias("input_value")
    )
    return (
        transactions.join(out_value, on="txid", how="left")
        .join(in_value, on="txid", how="left")
        .with_columns(pl.col("output_value").fill_null(0))
    )


def blocks_from_getblock_json(data: bytes, origin: str = "json") -> list[Block]:
    text = data.decode("utf-8", errors="strict").strip()
    try:
        documents: list[Any] = (
            json.loads(text)
            if text.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
            if "\n" in text and not text.startswith("{\n")
            else [json.loads(text)]
        )
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{origin}: not getblock JSON ({error})") from error
    blocks = []
    for number, document in enumerate(documents):
        doc = document.get("result", document) if isinstance(document, dict) else None
        if not isinstance(doc, dict) or not isinstance(doc.get("tx"), list):
            raise InvalidInput(
                f"{origin}: block {number}: expected a getblock verbosity-2 object with 'tx'"
            )
        try:
            blocks.append(_block_from_json(doc))
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"{origin}: block {number}: missing or bad field {error}") from error
    return blocks


def _block_from_json(doc: dict[str, Any]) -> Block:
    transactions = []
    for tx in doc["tx"]:
        if not isinstance(tx, dict):
            raise TypeError("tx entries must be objects (use verbosity 2)")
        inputs = []
        for vin in tx["vin"]:
            if "coinbase" in vin:
                inputs.append(
                    TxIn(
                        COINBASE_PREVOUT,
                        0xFFFFFFFF,
                        bytes.fromhex(vin["coinbase"]),
                        vin.get("sequence", 0),
                        (),
                    )
                )
                continue
            witness = tuple(bytes.fromhex(item) for item in vin.get("txinwitness", []))
            inputs.append(
                TxIn(
                    vin["txid"],
                    int(vin["vout"]),
                    bytes.fromhex(vin["scriptSig"]["hex"]),
                    vin.get("sequence", 0),
                    witness,
                )
            )
        outputs = [
            TxOut(
                value=round(float(vout["value"]) * 100_000_000),
                script=bytes.fromhex(vout["scriptPubKey"]["hex"]),
            )
            for vout in tx["vout"]
        ]
        transactions.append(
            Transaction(
                txid=tx["txid"],
                version=tx.get("version", 1),
                inputs=tuple(inputs),
                outputs=tuple(outputs),
                locktime=tx.get("locktime", 0),
                segwit=any(i.witness for i in inputs),
            )
        )
    return Block(
        hash=doc["hash"],
        version=doc.get("version", 0),
        prev_hash=doc.get("previousblockhash", COINBASE_PREVOUT),
        merkle_root=doc.get("merkleroot", ""),
        timestamp=int(doc.get("time", 0)),
        bits=int(doc.get("bits", "0"), 16),
        nonce=int(doc.get("nonce", 0)),
        transactions=tuple(transactions),
    )


def block_to_getblock_json(block: Block) -> dict[str, Any]:
    """The parts of ``getblock <hash> 2`` this module reads (used in tests and exports)."""
    txs = []
    for tx in block.transactions:
        vin: list[dict[str, Any]] = []
        for tx_input in tx.inputs:
            if tx.is_coinbase:
                vin.append({"coinbase": tx_input.script_sig.hex(), "sequence": tx_input.sequence})
                continue
            entry: dict[str, Any] = {
                "txid": tx_input.prev_txid,
                "vout": tx_input.prev_vout,
                "scriptSig": {"hex": tx_input.script_sig.hex()},
                "sequence": tx_input.sequence,
            }
            if tx_input.witness:
                entry["txinwitness"] = [item.hex() for item in tx_input.witness]
            vin.append(entry)
        vout = [
            {
                "value": output.value / 100_000_000,
                "n": n,
                "scriptPubKey": {"hex": output.script.hex()},
            }
            for n, output in enumerate(tx.outputs)
        ]
        txs.append(
            {
                "txid": tx.txid,
                "version": tx.version,
                "locktime": tx.locktime,
                "vin": vin,
                "vout": vout,
            }
        )
    return {
        "hash": block.hash,
        "previousblockhash": block.prev_hash,
        "merkleroot": block.merkle_root,
        "time": block.timestamp,
        "bits": f"{block.bits:08x}",
        "nonce": block.nonce,
        "tx": txs,
    }
