"""Sanctions screening: OFAC crypto lists and an FtM JSON file."""

from __future__ import annotations

import json

import pytest

from tests.shared_data import SHARED_DATA
from usalama.analysis.money import load_sanctions, normalise_identifier, screen_addresses
from usalama.core.errors import InvalidInput

LISTS = SHARED_DATA / "money" / "sanctions"


def test_normalisation_rules() -> None:
    assert normalise_identifier(" 0xABCdef01 ") == "0xabcdef01"
    assert normalise_identifier("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4") == (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    )
    # base58 is case-sensitive: untouched
    assert (
        normalise_identifier("TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre")
        == "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"
    )
    assert normalise_identifier("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    assert normalise_identifier("0110-2345 678") == "01102345678"


def test_ofac_lists_match_exactly_with_hex_case_folded() -> None:
    sanctions = load_sanctions([LISTS])
    assert set(sanctions["list"].unique()) == {"ofac_XBT", "ofac_ETH", "ofac_TRX", "ofac_USDT"}
    first_eth = (LISTS / "ofac_ETH.txt").read_text().split()[0]
    first_xbt = (LISTS / "ofac_XBT.txt").read_text().split()[0]
    result = screen_addresses(
        [
            first_eth.upper().replace("0X", "0x"),
            first_xbt,
            first_xbt.lower(),
            "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        ],
        sanctions,
    )
    assert result.checked == 4
    assert sorted(result.hits["list"].to_list()) == ["ofac_ETH", "ofac_XBT"]
    assert first_xbt.lower() not in result.hits["address"].to_list()  # base58 case matters


def test_ftm_json_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    entities = [
        {
            "id": "wallet-1",
            "schema": "CryptoWallet",
            "caption": "Mixer wallet",
            "properties": {"publicKey": ["0xDEADbeef00000000000000000000000000000001"]},
        },
        {
            "id": "person-1",
            "schema": "Person",
            "caption": "J. Doe",
            "properties": {
                "name": ["J. Doe"],
                "address": ["1 Main St"],
                "iban": ["GB82 WEST 1234 5698 7654 32"],
            },
        },
        {
            "id": "account-1",
            "schema": "BankAccount",
            "properties": {"accountNumber": ["0110-2345678"]},
        },
    ]
    path = tmp_path / "sanctions.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in entities))
    sanctions = load_sanctions([path])
    assert "1 Main St" not in sanctions["listed"].to_list()
    result = screen_addresses(
        [
            "0xdeadbeef00000000000000000000000000000001",
            "GB82WEST12345698765432",
            "01102345678",
            "other",
        ],
        sanctions,
    )
    assert sorted(result.hits["entity"].to_list()) == ["account-1", "person-1", "wallet-1"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInput, match=r"bad\.json"):
        load_sanctions([bad])
    with pytest.raises(InvalidInput):
        load_sanctions([tmp_path / "missing"])
