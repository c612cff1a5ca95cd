"""Backward tracing: which earlier inflows funded the money that reached the seed.

The seed's inflows (up to ``start``) are the hop-1 tainted transfers. At every account
they leave from, the account's history is replayed forward in time with the same model
as a forward trace, and each tainted outflow is attributed to the inflows that paid for it:

* poison — every inflow that arrived before a tainted outflow is tainted in full;
* haircut — the outflow is paid pro rata from what remains of each earlier inflow;
* FIFO — the outflow is paid from the oldest remaining inflows first.

So a backward FIFO trace names the same funders a forward FIFO trace from those funders
would reach (the two directions agree). Money already in the account before the data
starts is unknown and counts as unattributed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import polars as pl

_EPSILON = 1e-9


def backward_taint(
    frame: pl.DataFrame,
    seeds: set[str],
    holders: dict[str, str],
    model: str,
    hops: int,
    start: float,
    min_taint: float,
) -> list[tuple[int, float, int]]:
    """(transfer, tainted amount, hop) for every transfer found upstream of the seeds."""

    def holder(account: str, default: str) -> str:
        return holders.get(account, default)

    members: dict[str, list[str]] = {}
    for account in set(frame["source"].to_list()) | set(frame["target"].to_list()):
        members.setdefault(holder(account, account), []).append(account)
    frame = frame.sort(["time", "transfer"])
    rows = list(
        zip(
            frame["transfer"].to_list(),
            frame["source"].to_list(),
            frame["target"].to_list(),
            frame["amount"].to_list(),
            frame["time"].to_list(),
            strict=True,
        )
    )
    history: dict[str, list[tuple[int, str, str, float, float]]] = {}
    for row in rows:
        for side in (row[1], row[2]):
            history.setdefault(holder(side, side), []).append(row)
    by_id = {row[0]: row for row in rows}

    seed_holders = {holder(seed, seed) for seed in seeds}
    found: dict[int, tuple[float, int]] = {}
    demand: dict[str, dict[int, float]] = {}  # holder → tainted outflow transfer → tainted amount
    for seed_holder in seed_holders:
        for tid, source, target, amount, time in history.get(seed_holder, []):
            if (
                holder(target, target) == seed_holder
                and holder(source, source) != seed_holder
                and time <= start
            ):
                found[tid] = (amount, 1)
                demand.setdefault(holder(source, source), {})[tid] = amount
    for hop in range(2, hops + 1):
        next_demand: dict[str, dict[int, float]] = {}
        for account, outflows in demand.items():
            if account in seed_holders:
                continue
            for tid, tainted in _attribute(
                history.get(account, []), account, outflows, model, holder
            ).items():
                if tainted <= max(min_taint, _EPSILON):
                    continue
                previous = found.get(tid)
                found[tid] = (
                    (previous[0] if previous else 0.0) + tainted,
                    min(previous[1], hop) if previous else hop,
                )
                source = by_id[tid][1]
                next_demand.setdefault(holder(source, source), {})[tid] = (
                    next_demand.get(holder(source, source), {}).get(tid, 0.0) + tainted
                )
        demand = next_demand
        if not demand:
            break
    return [(tid, amount, hop) for tid, (amount, hop) in found.items()]


def _attribute(
    history: list[tuple[int, str, str, float, float]],
    account: str,
    outflows: dict[int, float],
    model: str,
    holder_of: Callable[[str, str], str],
) -> dict[int, float]:
    """Replay one holder's transfers; split each tainted outflow over the inflows that paid it."""
    latest = max(row[4] for row in history if row[0] in outflows)
    attributed: dict[int, float] = {}
    lots: deque[list[float]] = deque()  # [transfer id, remaining]
    for tid, source, target, amount, time in history:
        if time > latest:
            break
        incoming = holder_of(target, target) == account
        outgoing = holder_of(source, source) == account
        if incoming and outgoing:
            continue  # moving money between one holder's own accounts changes nothing
        if incoming:
            lots.append([float(tid), amount])
            continue
        share = outflows.get(tid, 0.0) / amount if amount > 0 else 0.0
        if model == "poison":
            if share > 0:
                for lot in lots:  # poison never consumes lots: lot[1] is the whole inflow
                    attributed[int(lot[0])] = lot[1]
            continue
        if model == "haircut":
            total = sum(lot[1] for lot in lots)
            if total <= _EPSILON:
                continue
            fraction = min(1.0, amount / total)
            for lot in lots:
                used = lot[1] * fraction
                lot[1] -= used
                if share > 0:
                    attributed[int(lot[0])] = attributed.get(int(lot[0]), 0.0) + used * share
            continue
        remaining = amount  # FIFO
        while remaining > _EPSILON and lots:
            lot = lots[0]
            used = min(lot[1], remaining)
            lot[1] -= used
            remaining -= used
            if share > 0:
                attributed[int(lot[0])] = attributed.get(int(lot[0]), 0.0) + used * share
            if lot[1] <= _EPSILON:
                lots.popleft()
    return attributed
