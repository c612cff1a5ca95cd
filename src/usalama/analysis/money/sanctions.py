"""Sanctions screening of addresses and accounts: exact matching after normalisation.

Lists:

* plain text, one address a line (the OFAC crypto lists ``ofac_XBT.txt`` …; ``#`` comments
  and blank lines ignored); the list name is the file stem;
* FollowTheMoney JSON lines (``.json``/``.jsonl``/``.ftm``: one entity a line, or a JSON array):
  values of the properties ``cryptoWallet``-like ``publicKey``, ``accountNumber``, ``iban``
  and ``address`` of CryptoWallet entities, with the entity id and caption kept for the hit.
  Read as plain JSON: the engine needs no followthemoney import for this.

Normalisation (``normalise_identifier``): trim; ``0x`` hex (Ethereum, EVM chains, USDT-ERC20)
and bech32 (``bc1…``) are case-insensitive, so lower-cased; IBANs (upper case) and digit-only
account numbers lose spaces and dashes; base58 (Bitcoin legacy, Tron) is case-sensitive and
kept as is. Only exact matches count: a near-miss on an address is a different address.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from usalama.core.errors import InvalidInput

_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_BECH32 = re.compile(r"^(bc|tb|ltc|bcrt)1[0-9a-zA-Z]+$", re.IGNORECASE)
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9 \-]{11,34}$")  # upper case only: base58 is not
FTM_PROPERTIES = ("publicKey", "cryptoWallet", "accountNumber", "iban", "address")
FTM_SUFFIXES = (".json", ".jsonl", ".ftm", ".ndjson")
TEXT_SUFFIXES = (".txt", ".csv", ".lst", "")


def normalise_identifier(value: str) -> str:
    value = value.strip()
    if _HEX.match(value) or _BECH32.match(value):
        return value.lower()
    if _IBAN.match(value):
        return re.sub(r"[\s\-]", "", value).upper()
    if re.fullmatch(r"[0-9][0-9 \-]*[0-9]", value):
        return re.sub(r"[\s\-]", "", value)
    return value


@dataclass(frozen=True)
class ScreeningResult:
    checked: int
    hits: pl.DataFrame  # address, normalised, list, entity, caption


LIST_SCHEMA = {
    "normalised": pl.Utf8,
    "listed": pl.Utf8,
    "list": pl.Utf8,
    "entity": pl.Utf8,
    "caption": pl.Utf8,
}


def load_sanctions(paths: Iterable[str | Path]) -> pl.DataFrame:
    """Every entry of every list (files, or directories of list files)."""
    frames = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in FTM_SUFFIXES + TEXT_SUFFIXES
            )
        elif path.is_file():
            files = [path]
        else:
            raise InvalidInput(f"{path}: no such sanctions list file or directory")
        for file in files:
            frames.append(
                _read_ftm(file) if file.suffix.lower() in FTM_SUFFIXES else _read_text_list(file)
            )
    if not frames:
        raise InvalidInput("no sanctions list files found")
    return pl.concat(frames).unique(subset=["normalised", "list", "entity"], maintain_order=True)


def _read_text_list(path: Path) -> pl.DataFrame:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read sanctions list ({error})") from error
    entries = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return pl.DataFrame(
        {
            "normalised": [normalise_identifier(e) for e in entries],
            "listed": entries,
            "list": [path.stem] * len(entries),
            "entity": [None] * len(entries),
            "caption": [None] * len(entries),
        },
        schema=LIST_SCHEMA,
    )


def _read_ftm(path: Path) -> pl.DataFrame:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read ({error})") from error
    entities: list[Any] = []
    try:
        if text.startswith("["):
            entities = json.loads(text)
        else:
            entities = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path}: line {error.lineno}: not FtM JSON ({error.msg})") from error
    rows: dict[str, list[Any]] = {key: [] for key in LIST_SCHEMA}
    for number, entity in enumerate(entities, start=1):
        if not isinstance(entity, dict) or not isinstance(entity.get("properties", {}), dict):
            raise InvalidInput(f"{path}: entity {number}: expected an object with 'properties'")
        properties = entity.get("properties", {})
        caption = entity.get("caption") or next(iter(properties.get("name", []) or []), None)
        for name in FTM_PROPERTIES:
            if name == "address" and entity.get("schema") != "CryptoWallet":
                continue  # a postal address on a Person is not a wallet
            for value in properties.get(name, []) or []:
                if isinstance(value, str) and value.strip():
                    rows["normalised"].append(normalise_identifier(value))
                    rows["listed"].append(value)
                    rows["list"].append(path.stem)
                    rows["entity"].append(entity.get("id"))
                    rows["caption"].append(caption)
    return pl.DataFrame(rows, schema=LIST_SCHEMA)


def read_address_file(path: str | Path) -> list[str]:
    """Addresses to screen: one a line, or a CSV with an ``address`` (or ``account``) column."""
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{source}: cannot read ({error})") from error
    if lines and "," in lines[0]:
        header = [h.strip() for h in lines[0].split(",")]
        column = next((h for h in ("address", "account", "cluster_id") if h in header), None)
        if column is None:
            raise InvalidInput(f"{source}: CSV needs an 'address' or 'account' column")
        frame = pl.read_csv(source, infer_schema_length=0)
        return [v for v in frame[column].to_list() if v]
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def screen_addresses(addresses: Iterable[str], sanctions: pl.DataFrame) -> ScreeningResult:
    values = list(addresses)
    frame = pl.DataFrame({"address": values}, schema={"address": pl.Utf8}).unique(
        maintain_order=True
    )
    frame = frame.with_columns(
        pl.col("address")
        .map_elements(normalise_identifier, return_dtype=pl.Utf8)
        .alias("normalised")
    )
    hits = frame.join(sanctions, on="normalised", how="inner").select(
        "address", "normalised", "listed", "list", "entity", "caption"
    )
    return ScreeningResult(checked=frame.height, hits=hits.sort("address", "list"))
