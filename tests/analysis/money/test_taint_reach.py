"""The forward trace replays only the transfers its reach needs: same answer as replaying all.

The reference below walks every transfer in time order through the same walker, which is what
the trace did before it pruned; on random networks with ties in time, holders, amount and time
limits, every model and several hop limits, the two must report the same tainted transfers.
"""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from usalama.analysis.money import trace
from usalama.analysis.money.taint import _Walker
from usalama.analysis.money.taint_reach import AccountRows
from usalama.analysis.money.transfers import validate_transfers


def network(rows: int, accounts: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "source": [f"a{i}" for i in rng.integers(0, accounts, rows)],
            "target": [f"a{i}" for i in rng.integers(0, accounts, rows)],
            "amount": np.round(rng.lognormal(4, 1, rows), 2),
            "currency": ["KES"] * rows,
            # whole hours over 30 days, in no particular row order: many ties in time
            "time": rng.integers(0, 30 * 24, rows).astype(np.float64) * 3600,
            "channel": ["bank"] * rows,
            "reference": [""] * rows,
        }
    )


def full_replay(frame: pl.DataFrame, seeds: list[str], **options: object) -> pl.DataFrame:
    """Every transfer through the walker (min_amount, time limit and origin as the trace has
    them): the tainted transfers, (transfer, tainted, hop), in the trace's order."""
    holders: dict[str, str] = options.get("holders") or {}  # type: ignore[assignment]
    min_amount = float(options.get("min_amount", 0.0))  # type: ignore[arg-type]
    rows = validate_transfers(frame).with_row_index("transfer")
    if min_amount > 0:
        rows = rows.filter(pl.col("amount") >= min_amount)
    seed_times = rows.filter(pl.col("source").is_in(seeds))["time"]
    start = options.get("start")
    origin = float(start) if start is not None else float(seed_times.min() or 0.0)  # type: ignore[arg-type]
    limit = options.get("time_limit")
    if isinstance(limit, timedelta):
        rows = rows.filter(pl.col("time") <= origin + limit.total_seconds())
    walker = _Walker(
        str(options.get("model", "poison")),
        set(seeds),
        holders,
        int(options.get("hops", 5)),  # type: ignore[call-overload]
        float(options.get("min_taint", 0.0)),  # type: ignore[arg-type]
        origin,
    )
    for row in (
        rows.sort("time", "transfer")
        .select("transfer", "source", "target", "amount", "time")
        .iter_rows()
    ):
        walker.step(*row)
    return walker.result(rows, "forward", holders).edges.select("transfer", "tainted", "hop")


@pytest.mark.parametrize("accounts", [60, 400])
def test_pruned_trace_equals_the_full_replay(accounts: int) -> None:
    frame = network(4000, accounts, seed=accounts)
    rng = random.Random(accounts)
    names = sorted(set(frame["source"].to_list()))
    holders = {a: f"H{rng.randrange(accounts // 3)}" for a in rng.sample(names, len(names) // 2)}
    checked = tainted = 0
    for _ in range(40):
        seeds = rng.sample(names, rng.choice([1, 1, 2]))
        options: dict[str, object] = {
            "model": rng.choice(["poison", "haircut", "fifo"]),
            "hops": rng.choice([1, 2, 3, 5]),
        }
        if rng.random() < 0.3:
            options["holders"] = holders
        if rng.random() < 0.3:
            options["min_amount"] = rng.choice([30.0, 80.0])
        if rng.random() < 0.3:
            options["time_limit"] = timedelta(days=rng.choice([1, 7]))
        if rng.random() < 0.3:
            options["start"] = float(rng.randrange(0, 30 * 24)) * 3600
        if rng.random() < 0.2:
            options["min_taint"] = 1.0
        got = trace(frame, seeds, **options).edges.select("transfer", "tainted", "hop")  # type: ignore[arg-type]
        assert got.equals(full_replay(frame, seeds, **options)), (seeds, options)
        checked += 1
        tainted += got.height
    assert checked == 40
    assert tainted > 40 * 5  # the traces reached somewhere: the comparison is not vacuous


def test_account_rows_finds_exact_rows_and_remembers_them() -> None:
    column = pl.Series(["a", "b", "a", "ab", "c", "b"])
    finder = AccountRows(column)
    assert finder.rows({"a"}).tolist() == [0, 2]
    assert sorted(finder.rows({"a", "b"}).tolist()) == [0, 1, 2, 5]
    assert finder.rows({"zz"}).tolist() == []
    assert finder.rows(set()).tolist() == []
