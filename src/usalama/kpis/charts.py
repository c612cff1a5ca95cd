"""KPI plots: a month-by-month trend against target, as inline SVG for pages and as
matplotlib figures for the PDF review pack (text as paths: no font needed, nothing injected)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

from usalama.core.svg import figure_svg

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

VALUE_COLOUR = "#0b5d4b"
TARGET_COLOUR = "#a11a1a"


def trend_figure(
    periods: Sequence[str],
    values: Sequence[float | None],
    targets: Sequence[float | None],
    *,
    title: str,
    unit: str,
    value_label: str,
    target_label: str,
) -> Figure:
    figure, axes = plt.subplots(figsize=(6.4, 2.6), dpi=100)
    shown = [(i, v) for i, v in enumerate(values) if v is not None]
    axes.plot(
        [p[0] for p in shown],
        [p[1] for p in shown],
        marker="o",
        markersize=4,
        color=VALUE_COLOUR,
        label=value_label,
    )
    aimed = [(i, t) for i, t in enumerate(targets) if t is not None]
    if aimed:
        axes.plot(
            [p[0] for p in aimed],
            [p[1] for p in aimed],
            linestyle="--",
            marker="_",
            markersize=12,
            color=TARGET_COLOUR,
            label=target_label,
        )
    axes.set_xticks(range(len(periods)), [str(p) for p in periods])
    axes.set_xlim(-0.5, max(0.5, len(periods) - 0.5))
    axes.set_title(title, fontsize=10, loc="left")
    axes.set_ylabel(unit, fontsize=9)
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    return figure


def trend_svg(*args: object, **kwargs: object) -> str:
    return figure_svg(trend_figure(*args, **kwargs))  # type: ignore[arg-type]


def funnel_figure(labels: Sequence[str], counts: Sequence[int], *, title: str) -> Figure:
    figure, axes = plt.subplots(figsize=(6.4, 2.2), dpi=100)
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, list(counts), color=VALUE_COLOUR)
    axes.set_yticks(positions, list(labels))
    for y, count in zip(positions, counts, strict=True):
        axes.text(count, y, f" {count}", va="center", fontsize=8)
    axes.set_title(title, fontsize=10, loc="left")
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def funnel_svg(labels: Sequence[str], counts: Sequence[int], *, title: str) -> str:
    return figure_svg(funnel_figure(labels, counts, title=title))
