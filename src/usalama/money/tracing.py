"""Turning an engine trace over the ledger into rows, graphs and a CSV (no database writes).

The engine (``usalama.analysis.money.trace``) walks the transfer frame; here its account ids
become ``Account`` rows, and transfers between one holder's own accounts (which move no taint
in the engine: a person's balance is pooled) are shown as dashed holder crossings so the
analyst sees the money go bank → M-Pesa → exchange → crypto.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from usalama.core import spreadsheets
from usalama.money.charts import Edge, Node, flow_svg, sankey_svg
from usalama.money.models import Account, Transfer


@dataclass
class TraceStep:
    transfer: Transfer
    tainted: float
    hop: int
    via_holder: bool = False


@dataclass
class TracedAccount:
    account: Account
    tainted: float
    first_hop: int
    via_holder: bool
    seed: bool
    layer: int = 0


@dataclass(frozen=True)
class HopRow:
    """One row of the hop table, summed from the transfers table shown under it.

    ``own_moves`` are a holder's moves between their own accounts (shown dashed): the same
    money as the transfer that brought it, so they are counted apart and never added twice.
    """

    hop: int
    transfers: int
    tainted: float
    own_moves: int


@dataclass
class TraceView:
    seed: Account
    direction: str
    model: str
    hops: int
    steps: list[TraceStep] = field(default_factory=list)
    accounts: list[TracedAccount] = field(default_factory=list)
    by_hop: list[HopRow] = field(default_factory=list)
    since: date | None = None  # the transfers' time window, when one was given
    until: date | None = None

    @property
    def seed_amount(self) -> float:
        """Taint that left (forward) or reached (backward) the seed: the hop-1 total."""
        return sum(row.tainted for row in self.by_hop if row.hop == 1)

    @property
    def channels(self) -> list[str]:
        seen: list[str] = []
        for row in sorted(self.accounts, key=lambda a: a.layer):
            channel = row.account.channel
            if channel and channel not in seen:
                seen.append(channel)
        return seen

    @property
    def currency(self) -> str:
        return self.seed.currency


class _NotSeed:
    seed = False


_NOT_SEED: Any = _NotSeed()


def build_view(
    seed: Account,
    direction: str,
    model: str,
    hops: int,
    result: Any,
    transfers: dict[int, Transfer],
    accounts: dict[int, Account],
    ids: list[int],
    holder_transfers: list[Transfer],
) -> TraceView:
    view = TraceView(seed=seed, direction=direction, model=model, hops=hops)
    for transfer_row, tainted, hop in result.edges.select("transfer", "tainted", "hop").iter_rows():
        item = transfers[ids[int(transfer_row)]]
        view.steps.append(TraceStep(item, float(tainted), int(hop)))
    rows = result.accounts.select(
        "account", "tainted", "first_hop", "via_holder", "seed"
    ).iter_rows()
    traced: dict[int, TracedAccount] = {}
    for account_id, tainted, first_hop, via_holder, is_seed in rows:
        account = accounts[int(account_id)]
        traced[account.pk] = TracedAccount(
            account, float(tainted or 0), int(first_hop or 0), bool(via_holder), bool(is_seed)
        )
    for row in traced.values():
        row.layer = row.first_hop
    holder_taint: dict[str, float] = defaultdict(float)
    for row in traced.values():
        if not row.via_holder and row.account.holder_entity_id:
            holder_taint[row.account.holder_entity_id] += row.tainted
    reach = -1 if direction == "backward" else 1
    for item in sorted(holder_transfers, key=lambda t: (t.time, t.pk), reverse=reach < 0):
        near, far = (
            (item.source_account_id, item.target_account_id)
            if reach > 0
            else (item.target_account_id, item.source_account_id)
        )
        if near in traced and far in traced and traced[far].via_holder:
            traced[far].layer = max(traced[far].layer, traced[near].layer + 1)
            share = min(float(item.amount), holder_taint[item.source_account.holder_entity_id])
            view.steps.append(TraceStep(item, share, traced[near].first_hop, via_holder=True))
    # display columns: a transfer always goes one column right of its payer (forward), so the
    # holder's own moves (wallet → exchange → crypto) get columns of their own
    for step in sorted(
        view.steps, key=lambda s: (s.transfer.time, s.transfer.pk), reverse=reach < 0
    ):
        item = step.transfer
        a, b = item.source_account, item.target_account
        if a.holder_entity_id and a.holder_entity_id == b.holder_entity_id:
            step.via_holder = True
        near, far = (a.pk, b.pk) if reach > 0 else (b.pk, a.pk)
        visible = near in traced and far in traced and not traced[far].seed
        if visible and traced[far].layer <= traced[near].layer:
            traced[far].layer = traced[near].layer + 1
    # money flowing into a seed (e.g. the holder's cash deposit) is not part of the trace
    view.steps = [
        s
        for s in view.steps
        if not traced.get(
            s.transfer.target_account_id if reach > 0 else s.transfer.source_account_id,
            _NOT_SEED,
        ).seed
    ]
    shown = {s.transfer.source_account_id for s in view.steps}
    shown |= {s.transfer.target_account_id for s in view.steps}
    traced = {pk: row for pk, row in traced.items() if pk in shown or pk == seed.pk}
    view.accounts = sorted(traced.values(), key=lambda a: (a.layer, -a.tainted))
    # an account reached only through its holder's own move holds what that move carried
    for s in view.steps:
        if s.via_holder:
            far_id = s.transfer.target_account_id if reach > 0 else s.transfer.source_account_id
            reached = traced.get(far_id)
            if reached is not None and reached.via_holder and not reached.seed:
                reached.tainted = max(reached.tainted, s.tainted)
    view.by_hop = hop_table(view.steps)
    view.steps.sort(key=lambda s: (s.transfer.time, s.transfer.pk))
    seed_row = traced.get(seed.pk)
    if seed_row is not None:
        seed_row.tainted = view.seed_amount
    return view


def hop_table(steps: list[TraceStep]) -> list[HopRow]:
    """Per hop: the transfers between holders and their taint, and the own-account moves."""
    counts: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for s in steps:
        row = counts[s.hop]
        if s.via_holder:
            row[2] += 1
        else:
            row[0] += 1
            row[1] += s.tainted
    return [HopRow(hop, int(n), float(t), int(own)) for hop, (n, t, own) in sorted(counts.items())]


def _node(row: TracedAccount, href: str) -> Node:
    account = row.account
    sub = account.holder_name or account.provider or account.get_kind_display()
    return Node(
        key=str(account.pk),
        label=account.label,
        sublabel=f"{account.provider or account.get_kind_display()} · {sub}"
        if account.holder_name
        else sub,
        kind=account.kind,
        layer=row.layer if not row.seed else 0,
        href=href.format(id=account.pk),
        highlight=row.seed,
    )


def flow_graph(view: TraceView, href: str, title: str) -> str:
    nodes = [_node(row, href) for row in view.accounts]
    edges = [
        Edge(
            str(s.transfer.source_account_id),
            str(s.transfer.target_account_id),
            s.tainted,
            f"{s.tainted:,.0f} {s.transfer.currency}",
            dashed=s.via_holder,
        )
        for s in view.steps
    ]
    return flow_svg(nodes, edges, title=title)


def sankey(view: TraceView, href: str, title: str) -> str:
    nodes = [_node(row, href) for row in view.accounts]
    merged: dict[tuple[str, str], float] = defaultdict(float)
    for s in view.steps:
        merged[(str(s.transfer.source_account_id), str(s.transfer.target_account_id))] += s.tainted
    edges = [
        Edge(a, b, amount, f"{amount:,.0f}") for (a, b), amount in merged.items() if amount > 0
    ]
    return sankey_svg(nodes, edges, title=title, unit=view.currency)


def evidence_graph(alert_account: Account, transfers: list[Transfer], href: str, title: str) -> str:
    """Evidence transfers as a layered graph: layer = distance from the earliest payers."""
    if not transfers:
        return ""
    accounts: dict[int, Account] = {}
    for item in transfers:
        accounts[item.source_account_id] = item.source_account
        accounts[item.target_account_id] = item.target_account
    layer = dict.fromkeys(accounts, 0)
    for _ in range(len(accounts)):
        changed = False
        for item in transfers:
            if item.source_account_id == item.target_account_id:
                continue
            wanted = layer[item.source_account_id] + 1
            if layer[item.target_account_id] < wanted <= len(accounts):
                layer[item.target_account_id] = wanted
                changed = True
        if not changed:
            break
    nodes = [
        Node(
            str(a.pk),
            a.label,
            a.holder_name or a.provider or a.get_kind_display(),
            a.kind,
            layer[a.pk],
            href.format(id=a.pk),
            a.pk == alert_account.pk,
        )
        for a in accounts.values()
    ]
    merged: dict[tuple[str, str], float] = defaultdict(float)
    for item in transfers:
        merged[(str(item.source_account_id), str(item.target_account_id))] += float(item.amount)
    edges = [Edge(a, b, v, f"{v:,.0f}") for (a, b), v in merged.items()]
    return flow_svg(nodes, edges, title=title)


CSV_HEADER = (
    "time",
    "hop",
    "holder_crossing",
    "transfer_id",
    "source_account",
    "source_kind",
    "source_provider",
    "source_holder",
    "target_account",
    "target_kind",
    "target_provider",
    "target_holder",
    "amount",
    "currency",
    "tainted",
    "channel",
    "reference",
)


def trace_csv(view: TraceView) -> str:
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_HEADER)
    for s in view.steps:
        t = s.transfer
        writer.writerow(
            [
                t.time.astimezone(UTC).isoformat(),
                s.hop,
                "yes" if s.via_holder else "",
                t.pk,
                t.source_account.identifier,
                t.source_account.kind,
                t.source_account.provider,
                t.source_account.holder_name or t.source_account.holder_entity_id,
                t.target_account.identifier,
                t.target_account.kind,
                t.target_account.provider,
                t.target_account.holder_name or t.target_account.holder_entity_id,
                f"{t.amount.normalize():f}",
                t.currency,
                f"{s.tainted:.2f}",
                t.channel,
                t.reference,
            ]
        )
    return buffer.getvalue()


def now() -> datetime:
    return datetime.now(tz=UTC)
