"""Taint tracing forward or backward from accounts: poison, haircut and FIFO.

Forward, from seed accounts whose outgoing money is dirty:

* **poison** — any transfer leaving a tainted account after it became tainted is
  tainted in full, and taints its receiver.
* **haircut** — each account holds a pooled balance; a transfer leaving it carries
  taint in proportion to the tainted share of that balance at that moment.
* **FIFO** — each account holds its incoming amounts as lots in arrival order; a
  transfer leaving it consumes the oldest lots first and carries their taint.

Common rules: a seed's own outgoing transfers (after ``start``) are fully tainted;
balances start at zero (money we never saw arrive counts as clean, so an account that
pays out more than it received pays the excess from clean funds); transfers are taken
in time order, ties in input order; ``hops`` bounds how many transfers the taint may
cross; ``time_limit`` bounds how long after ``start`` (or the first seed transfer);
transfers below ``min_amount`` are ignored and taint below ``min_taint`` is dropped.

Backward traces answer "where did the seed's money come from": the seed's inflows (up to
``start``) are hop 1, and each account's history is replayed forward with the same model
to split its tainted outflows over the inflows that paid for them (see ``taint_backward``).

Holders: with ``holders`` (account → holder id) the accounts of one holder share one
balance, so taint that reaches a person's bank account can leave from the same person's
M-Pesa wallet. Crossing between a holder's accounts costs no hop and is reported as
``via_holder`` on the accounts it reaches.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import numpy as np
import polars as pl

from usalama.analysis.money.taint_backward import backward_taint
from usalama.analysis.money.taint_reach import AccountRows, ForwardReach
from usalama.analysis.money.transfers import validate_transfers
from usalama.core.errors import InvalidInput

TaintModel = Literal["poison", "haircut", "fifo"]
Direction = Literal["forward", "backward"]
MODELS = ("poison", "haircut", "fifo")
DIRECTIONS = ("forward", "backward")
_EPSILON = 1e-9


@dataclass(frozen=True)
class TraceResult:
    """The flow subgraph the taint crossed.

    ``edges``: transfer (input row), source, target, amount, time, tainted, hop — one row per
    transfer that carried taint (in the input's direction, also for backward traces).
    ``accounts``: account, holder, tainted (amount of taint received; for seeds, sent),
    first_hop, first_time, via_holder, seed.
    ``hops``: hop, transfers, tainted — tainted amount per hop.
    """

    edges: pl.DataFrame
    accounts: pl.DataFrame
    hops: pl.DataFrame
    model: str
    direction: str


def trace(
    transfers: pl.DataFrame,
    seeds: list[str],
    *,
    direction: Direction = "forward",
    model: TaintModel = "poison",
    hops: int = 5,
    start: float | None = None,
    time_limit: timedelta | None = None,
    min_amount: float = 0.0,
    min_taint: float = 0.0,
    holders: dict[str, str] | None = None,
) -> TraceResult:
    """Trace taint from ``seeds`` through ``transfers`` (the standard transfer frame)."""
    if model not in MODELS:
        raise InvalidInput(f"unknown taint model {model!r}: use poison, haircut or fifo")
    if direction not in DIRECTIONS:
        raise InvalidInput(f"unknown direction {direction!r}: use forward or backward")
    if hops < 1:
        raise InvalidInput("hops must be at least 1")
    frame = validate_transfers(transfers)
    holders = holders or {}
    if not seeds:
        raise InvalidInput("seed account(s) not in the transfers: (none given)")
    if direction == "backward":
        return _trace_backward(
            frame.with_row_index("transfer"),
            seeds,
            holders,
            model,
            hops,
            start,
            time_limit,
            min_amount,
            min_taint,
        )
    sources, targets = AccountRows(frame["source"]), AccountRows(frame["target"])
    seed_rows = frame[sources.rows(seeds)]
    missing = set(seeds) - set(seed_rows["source"].to_list())
    if missing:
        missing -= set(frame["target"].gather(targets.rows(missing)).to_list())
    if missing:
        raise InvalidInput(
            f"seed account(s) not in the transfers: {', '.join(s for s in seeds if s in missing)}"
        )
    if min_amount > 0:
        seed_rows = seed_rows.filter(pl.col("amount") >= min_amount)
    origin = start if start is not None else _as_float(seed_rows["time"].min())
    # earlier transfers stay: they build the balances that dilute (haircut)
    # or queue ahead of (FIFO) the taint
    cutoff = None if time_limit is None else origin + time_limit.total_seconds()
    reach = ForwardReach(frame, sources, targets, holders, min_amount, cutoff)
    rows = reach.rows_to_replay(set(seeds), hops, origin)

    walker = _Walker(model, set(seeds), holders, hops, min_taint, origin)
    for row in zip(
        rows["transfer"].to_list(),
        rows["source"].to_list(),
        rows["target"].to_list(),
        rows["amount"].to_list(),
        rows["time"].to_list(),
        strict=True,
    ):
        walker.step(*row)
    return walker.result(rows, direction, holders)


def _trace_backward(
    frame: pl.DataFrame,
    seeds: list[str],
    holders: dict[str, str],
    model: str,
    hops: int,
    start: float | None,
    time_limit: timedelta | None,
    min_amount: float,
    min_taint: float,
) -> TraceResult:
    seen = frame.filter(pl.col("source").is_in(seeds) | pl.col("target").is_in(seeds))
    known = set(seen["source"].to_list()) | set(seen["target"].to_list())
    missing = [seed for seed in seeds if seed not in known]
    if missing:
        raise InvalidInput(f"seed account(s) not in the transfers: {', '.join(missing)}")
    if min_amount > 0:  # skip a 10 M-row copy when there is nothing to drop
        frame = frame.filter(pl.col("amount") >= min_amount)
        seen = seen.filter(pl.col("amount") >= min_amount)
    seed_set = set(seeds)
    seed_end = seen.filter(pl.col("target").is_in(list(seed_set)))["time"].max()
    origin = start if start is not None else _as_float(seed_end)
    frame = frame.filter(pl.col("time") <= origin)
    if time_limit is not None:
        frame = frame.filter(pl.col("time") >= origin - time_limit.total_seconds())
    walker = _Walker(model, seed_set, holders, hops, min_taint, origin)
    walker.edges = backward_taint(frame, seed_set, holders, model, hops, origin, min_taint)
    return walker.result(frame, "backward", holders)


def _as_float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


class _Walker:
    """Replays transfers in time order, keeping each holder's balance and taint."""

    def __init__(
        self,
        model: str,
        seeds: set[str],
        holders: dict[str, str],
        hops: int,
        min_taint: float,
        origin: float,
    ) -> None:
        self.model = model
        self.origin = origin
        self.holders = holders
        self.max_hops = hops
        self.min_taint = min_taint
        self.seed_holders = {self.holder(seed) for seed in seeds}
        self.hop: dict[str, int] = {holder: 0 for holder in self.seed_holders}
        self.balance: dict[str, float] = {}
        self.tainted: dict[str, float] = {}
        self.lots: dict[str, deque[list[float]]] = {}  # FIFO: [amount, tainted amount]
        self.edges: list[tuple[int, float, int]] = []

    def holder(self, account: str) -> str:
        return self.holders.get(account, account)

    def step(self, transfer: int, source: str, target: str, amount: float, time: float) -> None:
        payer, payee = self.holder(source), self.holder(target)
        if payer == payee:
            # one holder moving money between their own accounts: the pooled balance and its
            # taint do not change, and counting it as a tainted transfer would count the same
            # money twice (once here, once when it leaves the holder)
            return
        taint = self._taint_out(payer, amount, time)
        if taint > self.min_taint and taint > _EPSILON:
            hop = self.hop[payer] + 1
            if hop > self.max_hops:
                taint = 0.0  # beyond the hop limit taint is no longer followed
            else:
                self.edges.append((transfer, taint, hop))
                self.hop[payee] = min(self.hop.get(payee, hop), hop)
        else:
            taint = 0.0
        self._receive(payee, amount, taint)

    def _taint_out(self, payer: str, amount: float, time: float) -> float:
        if payer in self.seed_holders and time >= self.origin:
            return amount
        if payer not in self.hop or time < self.origin:
            self._spend_clean(payer, amount)
            return 0.0
        if self.model == "poison":
            return amount
        if self.model == "haircut":
            balance = self.balance.get(payer, 0.0)
            tainted = self.tainted.get(payer, 0.0)
            share = tainted / max(balance, amount) if balance > _EPSILON else 0.0
            out = min(tainted, amount * share)
            self.tainted[payer] = tainted - out
            self.balance[payer] = max(0.0, balance - amount)
            return out
        return self._spend_fifo(payer, amount)

    def _spend_clean(self, payer: str, amount: float) -> None:
        if self.model == "fifo":
            self._spend_fifo(payer, amount)
        else:
            self.balance[payer] = max(0.0, self.balance.get(payer, 0.0) - amount)

    def _spend_fifo(self, payer: str, amount: float) -> float:
        lots = self.lots.setdefault(payer, deque())
        remaining, out = amount, 0.0
        while remaining > _EPSILON and lots:
            lot = lots[0]
            used = min(lot[0], remaining)
            taint_used = lot[1] * used / lot[0] if lot[0] > 0 else 0.0
            out += taint_used
            lot[0] -= used
            lot[1] -= taint_used
            remaining -= used
            if lot[0] <= _EPSILON:
                lots.popleft()
        return out

    def _receive(self, payee: str, amount: float, taint: float) -> None:
        if self.model == "fifo":
            self.lots.setdefault(payee, deque()).append([amount, taint])
        else:
            self.balance[payee] = self.balance.get(payee, 0.0) + amount
            self.tainted[payee] = self.tainted.get(payee, 0.0) + taint

    def result(self, frame: pl.DataFrame, direction: str, holders: dict[str, str]) -> TraceResult:
        taint = pl.DataFrame(
            {
                "transfer": np.array([e[0] for e in self.edges], dtype=np.uint32),
                "tainted": np.array([e[1] for e in self.edges], dtype=np.float64),
                "hop": np.array([e[2] for e in self.edges], dtype=np.int64),
            }
        )
        edges = frame.join(taint, on="transfer", how="inner").select(
            "transfer", "source", "target", "amount", "time", "tainted", "hop"
        )
        edges = edges.with_columns(pl.col("transfer").cast(pl.Int64)).sort(
            "hop", "time", "transfer"
        )
        # in a backward trace the account "reached" is the payer of the original transfer
        reached_col = "target" if direction == "forward" else "source"
        seed_col = "source" if direction == "forward" else "target"
        received = edges.group_by(pl.col(reached_col).alias("account")).agg(
            pl.col("tainted").sum(),
            pl.col("hop").min().alias("first_hop"),
            pl.col("time").min().alias("first_time"),
        )
        seeds_sent = (
            edges.filter(pl.col("hop") == 1)
            .group_by(pl.col(seed_col).alias("account"))
            .agg(
                pl.col("tainted").sum(),
                pl.lit(0, dtype=pl.Int64).alias("first_hop"),
                pl.col("time").min().alias("first_time"),
            )
            .filter(
                pl.col("account").map_elements(
                    lambda a: self.holder(a) in self.seed_holders, return_dtype=pl.Boolean
                )
            )
        )
        accounts = (
            pl.concat([seeds_sent, received])
            .group_by("account")
            .agg(pl.col("tainted").sum(), pl.col("first_hop").min(), pl.col("first_time").min())
        )
        accounts = self._add_holder_siblings(accounts, holders)
        hop_table = (
            edges.group_by("hop")
            .agg(pl.len().alias("transfers"), pl.col("tainted").sum())
            .sort("hop")
        )
        return TraceResult(
            edges=edges, accounts=accounts, hops=hop_table, model=self.model, direction=direction
        )

    def _add_holder_siblings(self, accounts: pl.DataFrame, holders: dict[str, str]) -> pl.DataFrame:
        """Accounts reached only because a sibling account of the same holder was tainted."""
        present = set(accounts["account"].to_list())
        first_hop = dict(
            zip(accounts["account"].to_list(), accounts["first_hop"].to_list(), strict=True)
        )
        extra_accounts, extra_hops = [], []
        for account, holder in holders.items():
            if account in present:
                continue
            hops = [h for a, h in first_hop.items() if holders.get(a) == holder]
            if hops:
                extra_accounts.append(account)
                extra_hops.append(min(hops))
        siblings = pl.DataFrame(
            {
                "account": extra_accounts,
                "tainted": [0.0] * len(extra_accounts),
                "first_hop": extra_hops,
                "first_time": [None] * len(extra_accounts),
            },
            schema={
                "account": pl.Utf8,
                "tainted": pl.Float64,
                "first_hop": pl.Int64,
                "first_time": pl.Float64,
            },
        )
        seed_holders = self.seed_holders
        return (
            pl.concat(
                [
                    accounts.with_columns(pl.lit(False).alias("via_holder")),
                    siblings.with_columns(pl.lit(True).alias("via_holder")),
                ]
            )
            .with_columns(
                pl.col("account").replace_strict(holders, default=None).alias("holder"),
                pl.col("account")
                .map_elements(lambda a: self.holder(a) in seed_holders, return_dtype=pl.Boolean)
                .alias("seed"),
            )
            .select("account", "holder", "tainted", "first_hop", "first_time", "via_holder", "seed")
            .sort("first_hop", "account")
        )
