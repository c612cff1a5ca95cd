"""Server-rendered SVG: layered flow graphs, the Sankey of a trace by hop, balance plots.

Hand-written SVG for the graphs (a few dozen nodes: a layered left-to-right layout is
readable and needs no JavaScript), matplotlib for the balance line plot. Every text is
escaped; nothing is fetched from anywhere.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

KIND_COLOURS = {
    "bank": "#1f5f8b",
    "exchange": "#6b3fa0",
    "cash": "#7a7a7a",
    "mobile_wallet": "#2e8b57",
    "mobile_till": "#2e8b57",
    "mobile_paybill": "#2e8b57",
    "mobile_agent": "#2e8b57",
    "crypto": "#c77c02",
    "unknown": "#999999",
}


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    sublabel: str
    kind: str
    layer: int
    href: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    amount: float
    label: str = ""
    dashed: bool = False


def _fmt(amount: float) -> str:
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:,.2f}M"
    if amount >= 10_000:
        return f"{amount / 1_000:,.0f}k"
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


def _columns(nodes: list[Node]) -> dict[int, list[Node]]:
    columns: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        columns[node.layer].append(node)
    return dict(sorted(columns.items()))


def flow_svg(nodes: list[Node], edges: list[Edge], *, title: str, width: int = 1100) -> str:
    """Accounts in columns by layer (hop), transfers as arrows labelled with amounts."""
    if not nodes:
        return ""
    columns = _columns(nodes)
    box_w, box_h, gap = 200, 44, 16
    n_cols = max(len(columns), 1)
    col_gap = max((width - 40 - box_w) / max(n_cols - 1, 1), box_w + 100)
    height = 60 + max(len(c) for c in columns.values()) * (box_h + gap)
    width = int(40 + box_w + col_gap * (n_cols - 1)) if n_cols > 1 else width
    pos: dict[str, tuple[float, float]] = {}
    for i, (_layer, column) in enumerate(columns.items()):
        top = 40 + (height - 40 - len(column) * (box_h + gap)) / 2
        for j, node in enumerate(column):
            pos[node.key] = (20 + i * col_gap, top + j * (box_h + gap))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>',
    ]
    biggest = max((e.amount for e in edges), default=1.0) or 1.0
    fan_out: dict[str, int] = defaultdict(int)
    for edge in edges:
        fan_out[edge.source] += 1
    for edge in edges:
        if edge.source not in pos or edge.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[edge.source], pos[edge.target]
        x1, y1 = x1 + box_w, y1 + box_h / 2
        y2 = y2 + box_h / 2
        if x2 <= x1:  # same column (holder crossing) or backwards: curve around
            x2 = x2 + box_w
        stroke = 1.2 + 5 * edge.amount / biggest
        mid = (x1 + x2) / 2
        dash = ' stroke-dasharray="5 4"' if edge.dashed else ""
        parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} '
            f'{x2:.1f},{y2:.1f}" '
            f'fill="none" stroke="#555" stroke-opacity="0.7" stroke-width="{stroke:.1f}"{dash} '
            f'marker-end="url(#arrow)"><title>{escape(edge.label)}</title></path>'
        )
        if edge.label:
            # fan-outs are labelled at the arrow head, fan-ins at the tail: no two labels meet
            if fan_out[edge.source] > 1:
                lx, ly, anchor = x2 - 12, y2 - 5, "end"
            else:
                lx, ly, anchor = x1 + 6, y1 - 5, "start"
            parts.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" class="edge-label" text-anchor="{anchor}" '
                f'font-size="10" fill="#333" paint-order="stroke" stroke="#fff" '
                f'stroke-width="3">{escape(edge.label)}</text>'
            )
    for node in nodes:
        x, y = pos[node.key]
        colour = KIND_COLOURS.get(node.kind, "#999")
        ring = ' stroke="#d62728" stroke-width="3"' if node.highlight else ' stroke="#333"'
        box = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{box_h}" rx="6" '
            f'fill="{colour}" fill-opacity="0.15"{ring}/>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="6" height="{box_h}" rx="3" fill="{colour}"/>'
            f'<text x="{x + 12:.1f}" y="{y + 18:.1f}" font-size="12" font-weight="600" '
            f'fill="#111">{escape(short(node.label, 26))}</text>'
            f'<text x="{x + 12:.1f}" y="{y + 34:.1f}" font-size="10" fill="#333">'
            f"{escape(short(node.sublabel, 34))}</text>"
        )
        if node.href:
            box = f'<a href="{escape(node.href)}" class="node">{box}</a>'
        parts.append(f'<g class="node-{escape(node.kind)}">{box}</g>')
    parts.append("</svg>")
    return "".join(parts)


def sankey_svg(
    nodes: list[Node], edges: list[Edge], *, title: str, unit: str = "", width: int = 1100
) -> str:
    """Amounts by hop: columns are hops, bands are tainted amounts, node height ∝ amount."""
    if not nodes or not edges:
        return ""
    columns = _columns(nodes)
    node_w, pad, height = 14, 14, 420
    through: dict[str, float] = defaultdict(float)
    for edge in edges:
        through[edge.source] += 0.0
        through[edge.target] += edge.amount
    outflow: dict[str, float] = defaultdict(float)
    for edge in edges:
        outflow[edge.source] += edge.amount
    size = {n.key: max(through[n.key], outflow[n.key], 1e-9) for n in nodes}
    scale = min(
        (height - 60 - pad * len(col)) / max(sum(size[n.key] for n in col), 1e-9)
        for col in columns.values()
    )
    n_cols = len(columns)
    col_gap = (width - 240 - node_w) / max(n_cols - 1, 1)
    pos: dict[str, tuple[float, float, float]] = {}
    for i, (_layer, column) in enumerate(columns.items()):
        y = 30.0
        for node in column:
            h = max(size[node.key] * scale, 2.0)
            pos[node.key] = (40 + i * col_gap, y, h)
            y += h + pad
    out_off: dict[str, float] = defaultdict(float)
    in_off: dict[str, float] = defaultdict(float)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sankey" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, layer in enumerate(columns):
        x = 40 + i * col_gap
        parts.append(
            f'<text x="{x:.1f}" y="16" font-size="11" fill="#555">'
            f"{escape(_hop_label(layer))}</text>"
        )
    for edge in sorted(edges, key=lambda e: (pos.get(e.source, (0, 0, 0))[1], -e.amount)):
        if edge.source not in pos or edge.target not in pos:
            continue
        sx, sy, _sh = pos[edge.source]
        tx, ty, _th = pos[edge.target]
        band = max(edge.amount * scale, 1.0)
        y0 = sy + out_off[edge.source]
        y1 = ty + in_off[edge.target]
        out_off[edge.source] += band
        in_off[edge.target] += band
        x0, x1 = sx + node_w, tx
        if x1 <= x0:
            x1 = tx + node_w
        mid = (x0 + x1) / 2
        colour = KIND_COLOURS.get(next((n.kind for n in nodes if n.key == edge.target), ""), "#999")
        parts.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} '
            f"L{x1:.1f},{y1 + band:.1f} C{mid:.1f},{y1 + band:.1f} {mid:.1f},{y0 + band:.1f} "
            f'{x0:.1f},{y0 + band:.1f} Z" fill="{colour}" fill-opacity="0.35" stroke="none">'
            f"<title>{escape(edge.label)}</title></path>"
        )
    for node in nodes:
        x, y, h = pos[node.key]
        colour = KIND_COLOURS.get(node.kind, "#999")
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" fill="{colour}"/>'
            f'<text x="{x + node_w + 4:.1f}" y="{y + min(h / 2, 12) + 4:.1f}" font-size="10" '
            f'fill="#111">{escape(short(node.label, 22))} · {escape(_fmt(size[node.key]))} '
            f"{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _hop_label(layer: int) -> str:
    from django.utils.translation import gettext

    if layer == 0:
        return gettext("Starting account")
    return gettext("Step %(n)s") % {"n": layer}


def short(text: str, width: int) -> str:
    """Long identifiers keep both ends (addresses are recognised by their start and end)."""
    if len(text) <= width:
        return text
    if " " not in text:
        return f"{text[: width - 8]}…{text[-6:]}"
    return text[: width - 1] + "…"


def balance_svg(series: list[tuple[datetime, float]], *, title: str, currency: str) -> str:
    """A step line of the running balance (matplotlib's SVG backend, no display needed)."""
    if not series:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    times: Any = [t for t, _ in series]
    values = [v for _, v in series]
    fig, ax = plt.subplots(figsize=(9, 3), dpi=100)
    try:
        ax.step(times, values, where="post", color="#1f5f8b", linewidth=1.6)
        ax.fill_between(times, values, step="post", alpha=0.12, color="#1f5f8b")
        ax.axhline(0, color="#999", linewidth=0.8)
        ax.set_ylabel(currency)
        ax.set_title(title, fontsize=10)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))  # type: ignore[no-untyped-call]
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: _fmt(v)))
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
