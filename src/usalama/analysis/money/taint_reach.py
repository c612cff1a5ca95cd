"""Which transfers a forward trace has to replay: a few hundred out of millions.

The walk (``taint._Walker``) keeps a balance per holder and replays transfers in time order.
Only holders that can still pass taint on matter: those the taint can reach within
``hops - 1`` transfers. Their whole history counts (every inflow dilutes, every outflow may
carry taint); any other payer holds no taint or sits at the hop limit, where its taint is not
followed, so its transfers change nothing the trace reports.

Taint only moves forward in time, so the reach is computed hop by hop on the earliest moment,
``(time, row)`` in replay order, each holder can first hold taint: a transfer passes taint on
only if it leaves its payer after that moment. This is a superset of what the walk reaches,
and much smaller than the reach that ignores time (an account reached late does not open its
whole past). The rows to replay are then every transfer from or to a holder in the reach.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import polars as pl

_NEVER = (float("inf"), 0)
_BUCKET_MASK = (1 << 20) - 1  # a 1 MB bitmap: stays in cache, few false candidates


class AccountRows:
    """Rows whose ``column`` holds one of a set of accounts, remembered per account so that
    each account costs one pass over the column at most (a trace asks again every hop).

    A pass gathers the column's 20-bit hash buckets through a bitmap of the wanted accounts'
    buckets (numpy, no string compared), then checks the few candidates exactly. Polars'
    string ``is_in`` over 10 M rows took 80-140 ms for account names of six characters or
    more; the gather takes 15-30 ms, after hashing the column once (about 40 ms)."""

    def __init__(self, column: pl.Series) -> None:
        self.column = column
        self._buckets: np.ndarray | None = None
        self._scanned: set[str] = set()
        self._found: list[pl.DataFrame] = []

    def rows(self, accounts: Collection[str]) -> np.ndarray:
        wanted = set(accounts)
        new = wanted - self._scanned
        if new:
            rows = self._scan(pl.Series(sorted(new), dtype=pl.Utf8))
            self._found.append(pl.DataFrame({"row": rows, "account": self.column.gather(rows)}))
            self._scanned |= new
        if not self._found:
            return np.empty(0, dtype=np.int64)
        found = pl.concat(self._found)
        if len(wanted) < len(self._scanned):
            found = found.filter(pl.col("account").is_in(list(wanted)))
        return found["row"].to_numpy().astype(np.int64)

    def _scan(self, wanted: pl.Series) -> pl.Series:
        if self._buckets is None:
            # int64 (not the hash's uint64): numpy gathers with it without a converted copy
            self._buckets = np.bitwise_and(self.column.hash().to_numpy(), _BUCKET_MASK).view(
                np.int64
            )
        bitmap = np.zeros(_BUCKET_MASK + 1, dtype=bool)
        bitmap[np.bitwise_and(wanted.hash().to_numpy(), _BUCKET_MASK).view(np.int64)] = True
        candidates = pl.Series(np.flatnonzero(bitmap[self._buckets]), dtype=pl.Int64)
        return candidates.filter(self.column.gather(candidates).is_in(wanted.implode()))


class ForwardReach:
    """The transfers a forward trace from ``seeds`` must replay (see the module docstring).

    ``frame`` is the validated transfer frame, ``sources`` and ``targets`` finders on its two
    account columns; transfers under ``min_amount`` or after ``cutoff`` are left out, as the
    trace leaves them out."""

    def __init__(
        self,
        frame: pl.DataFrame,
        sources: AccountRows,
        targets: AccountRows,
        holders: dict[str, str],
        min_amount: float,
        cutoff: float | None,
    ) -> None:
        self.frame = frame
        self.sources, self.targets = sources, targets
        self.holders = holders
        self.min_amount = min_amount
        self.cutoff = cutoff
        self.members: dict[str, set[str]] = {}
        for account, holder in holders.items():
            self.members.setdefault(holder, set()).add(account)

    def accounts_of(self, holders: Collection[str]) -> set[str]:
        accounts = set(holders)
        for holder in holders:
            accounts |= self.members.get(holder, set())
        return accounts

    def rows_to_replay(self, seeds: set[str], hops: int, origin: float) -> pl.DataFrame:
        """Every transfer touching a holder that can pass taint on, with its row number as
        ``transfer``, in replay order (time, then row)."""
        seed_holders = {self.holders.get(seed, seed) for seed in seeds}
        # a seed's transfers carry taint from ``origin`` on: "reached" just before it
        arrival: dict[str, tuple[float, int]] = {holder: (origin, -1) for holder in seed_holders}
        frontier = set(seed_holders)
        for _ in range(hops - 1):
            frontier = self._next_hop(frontier, arrival)
            if not frontier:
                break
        accounts = self.accounts_of(arrival)
        rows = np.union1d(self.sources.rows(accounts), self.targets.rows(accounts))
        return (
            self._kept(self.frame[rows].with_columns(transfer=pl.Series(rows, dtype=pl.UInt32)))
            .select("transfer", *self.frame.columns)
            .sort("time", "transfer")
        )

    def _next_hop(self, frontier: set[str], arrival: dict[str, tuple[float, int]]) -> set[str]:
        """Holders whose earliest taint moment improves through one more transfer."""
        outflows = self._outflows(self.accounts_of(frontier))
        reached = pl.DataFrame(
            {
                "payer": list(frontier),
                "since_time": [arrival[h][0] for h in frontier],
                "since_row": [arrival[h][1] for h in frontier],
            },
            schema={"payer": pl.Utf8, "since_time": pl.Float64, "since_row": pl.Int64},
        )
        first_in = (
            outflows.join(reached, on="payer")
            .filter(
                (pl.col("time") > pl.col("since_time"))
                | (
                    (pl.col("time") == pl.col("since_time"))
                    & (pl.col("transfer") > pl.col("since_row"))
                )
            )
            .sort("time", "transfer")
            .group_by("payee", maintain_order=True)
            .first()
        )
        improved: set[str] = set()
        for payee, time, row in first_in.select("payee", "time", "transfer").iter_rows():
            if (time, row) < arrival.get(payee, _NEVER):
                arrival[payee] = (time, row)
                improved.add(payee)
        return improved

    def _outflows(self, accounts: set[str]) -> pl.DataFrame:
        """``transfer, time, payer, payee`` of every kept transfer leaving ``accounts``."""
        rows = self.sources.rows(accounts)
        found = self._kept(
            self.frame[rows]
            .select("source", "target", "time", "amount")
            .with_columns(transfer=pl.Series(rows, dtype=pl.Int64))
        )
        return (
            found.with_columns(
                payer=self._holder_of(pl.col("source")), payee=self._holder_of(pl.col("target"))
            )
            # moving money between one holder's own accounts passes no taint on
            .filter(pl.col("payer") != pl.col("payee"))
            .select("transfer", "time", "payer", "payee")
        )

    def _holder_of(self, account: pl.Expr) -> pl.Expr:
        if not self.holders:
            return account
        return account.replace_strict(self.holders, default=account, return_dtype=pl.Utf8)

    def _kept(self, rows: pl.DataFrame) -> pl.DataFrame:
        if self.min_amount > 0:
            rows = rows.filter(pl.col("amount") >= self.min_amount)
        if self.cutoff is not None:
            rows = rows.filter(pl.col("time") <= self.cutoff)
        return rows
