"""Taint models against hand-computed examples."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from usalama.analysis.money import trace
from usalama.core.errors import InvalidInput


def transfers(rows: list[tuple[str, str, float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
            "currency": ["KES"] * len(rows),
            "time": [r[3] for r in rows],
            "channel": ["bank"] * len(rows),
            "reference": [f"t{i}" for i in range(len(rows))],
        }
    )


# M holds 100 clean (from C at t=1), then gets 100 dirty (from S at t=2),
# then pays 50 to X (t=3), 100 to Y (t=4) and 50 to Z (t=5).
MIXED = transfers(
    [
        ("C", "M", 100.0, 1.0),
        ("S", "M", 100.0, 2.0),
        ("M", "X", 50.0, 3.0),
        ("M", "Y", 100.0, 4.0),
        ("M", "Z", 50.0, 5.0),
    ]
)


def tainted_by_target(result: object) -> dict[str, float]:
    edges = result.edges  # type: ignore[attr-defined]
    return {t: round(v, 6) for t, v in zip(edges["target"], edges["tainted"], strict=True)}


def test_poison_taints_everything_after_contact() -> None:
    result = trace(MIXED, ["S"], model="poison")
    assert tainted_by_target(result) == {"M": 100.0, "X": 50.0, "Y": 100.0, "Z": 50.0}


def test_haircut_is_proportional_to_balance() -> None:
    # balance 200, half dirty: each payment out is half dirty
    result = trace(MIXED, ["S"], model="haircut")
    assert tainted_by_target(result) == {"M": 100.0, "X": 25.0, "Y": 50.0, "Z": 25.0}


def test_fifo_spends_oldest_lots_first() -> None:
    # lots at M: [100 clean, 100 dirty]; X takes 50 clean, Y takes 50 clean + 50 dirty, Z 50 dirty
    result = trace(MIXED, ["S"], model="fifo")
    assert tainted_by_target(result) == {"M": 100.0, "Y": 50.0, "Z": 50.0}
    per_account = dict(zip(result.accounts["account"], result.accounts["tainted"], strict=True))
    assert per_account["S"] == 100.0
    assert "X" not in per_account


def test_fifo_order_follows_time_not_file_order() -> None:
    shuffled = MIXED.reverse()
    result = trace(shuffled, ["S"], model="fifo")
    assert sorted(tainted_by_target(result).items()) == [("M", 100.0), ("Y", 50.0), ("Z", 50.0)]


def test_money_cannot_leave_before_it_arrives() -> None:
    early = transfers([("M", "X", 10.0, 1.0), ("S", "M", 10.0, 2.0), ("M", "Y", 10.0, 3.0)])
    result = trace(early, ["S"], model="poison")
    assert set(result.edges["target"]) == {"M", "Y"}


def test_hop_limit_and_hop_table() -> None:
    chain = transfers([("S", "A", 10.0, 1.0), ("A", "B", 10.0, 2.0), ("B", "C", 10.0, 3.0)])
    result = trace(chain, ["S"], model="haircut", hops=2)
    assert set(result.edges["target"]) == {"A", "B"}
    assert result.hops.to_dicts() == [
        {"hop": 1, "transfers": 1, "tainted": 10.0},
        {"hop": 2, "transfers": 1, "tainted": 10.0},
    ]


def test_time_limit_and_amount_threshold() -> None:
    day = 86_400.0
    chain = transfers([("S", "A", 10.0, 0.0), ("A", "B", 1.0, day), ("A", "C", 9.0, 3 * day)])
    assert set(trace(chain, ["S"], time_limit=timedelta(days=2)).edges["target"]) == {"A", "B"}
    assert set(trace(chain, ["S"], min_amount=5.0).edges["target"]) == {"A", "C"}


def test_backward_traces_agree_with_forward_models() -> None:
    # who funded Z (paid 50 by M at t=5)? M received C 100 (t=1) and S 100 (t=2)
    poison = trace(MIXED, ["Z"], model="poison", direction="backward")
    reached = dict(zip(poison.accounts["account"], poison.accounts["first_hop"], strict=True))
    assert reached == {"Z": 0, "M": 1, "C": 2, "S": 2}
    by_source = {s: v for s, v in zip(poison.edges["source"], poison.edges["tainted"], strict=True)}
    assert by_source == {"M": 50.0, "C": 100.0, "S": 100.0}
    # haircut: X takes 1/4 of each inflow, Y 2/3 of the rest, Z the last 25 + 25
    haircut = trace(MIXED, ["Z"], model="haircut", direction="backward")
    by_source = {
        s: round(v, 6)
        for s, v in zip(haircut.edges["source"], haircut.edges["tainted"], strict=True)
    }
    assert by_source == {"M": 50.0, "C": 25.0, "S": 25.0}
    # FIFO: X (t=3) is paid from C's lot, the oldest — the same answer a forward FIFO gives
    fifo = trace(MIXED, ["X"], model="fifo", direction="backward")
    by_source = {s: v for s, v in zip(fifo.edges["source"], fifo.edges["tainted"], strict=True)}
    assert by_source == {"M": 50.0, "C": 50.0}
    fifo_z = trace(MIXED, ["Z"], model="fifo", direction="backward")
    by_source = {s: v for s, v in zip(fifo_z.edges["source"], fifo_z.edges["tainted"], strict=True)}
    assert by_source == {"M": 50.0, "S": 50.0}


def test_holder_links_accounts_across_channels() -> None:
    # dirty money reaches P's bank account; P pays out from the M-Pesa wallet
    rows = transfers([("S", "bank:P", 100.0, 1.0), ("mpesa:P", "Q", 80.0, 2.0)])
    without = trace(rows, ["S"], model="poison")
    assert set(without.edges["target"]) == {"bank:P"}
    holders = {"bank:P": "person:P", "mpesa:P": "person:P"}
    with_holder = trace(rows, ["S"], model="haircut", holders=holders)
    assert tainted_by_target(with_holder) == {"bank:P": 100.0, "Q": 80.0}
    hop = dict(zip(with_holder.edges["target"], with_holder.edges["hop"], strict=True))
    assert hop == {"bank:P": 1, "Q": 2}  # the holder crossing costs no hop


def test_bad_arguments_raise_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="not in the transfers"):
        trace(MIXED, ["nobody"])
    with pytest.raises(InvalidInput, match="model"):
        trace(MIXED, ["S"], model="lifo")  # type: ignore[arg-type]


def test_moves_between_one_holders_accounts_are_not_counted_twice() -> None:
    # S (seed holder) tops up its bank account from its own wallet, then pays P 100; P moves
    # the money bank → exchange → crypto (all P's) and the crypto wallet pays Q 100.
    rows = transfers(
        [
            ("wallet:S", "bank:S", 100.0, 1.0),
            ("bank:S", "bank:P", 100.0, 2.0),
            ("bank:P", "exchange:P", 100.0, 3.0),
            ("exchange:P", "crypto:P", 100.0, 4.0),
            ("crypto:P", "Q", 100.0, 5.0),
        ]
    )
    holders = {
        "wallet:S": "S",
        "bank:S": "S",
        "bank:P": "P",
        "exchange:P": "P",
        "crypto:P": "P",
    }
    for model in ("poison", "haircut", "fifo"):
        result = trace(rows, ["bank:S"], model=model, holders=holders)  # type: ignore[arg-type]
        assert tainted_by_target(result) == {"bank:P": 100.0, "Q": 100.0}, model
        hops = {r["hop"]: (r["transfers"], r["tainted"]) for r in result.hops.to_dicts()}
        assert hops == {1: (1, 100.0), 2: (1, 100.0)}, model
        seed_sent = result.accounts.filter(pl.col("account") == "bank:S")["tainted"].sum()
        assert seed_sent == 100.0, model
