"""Server-side charts as inline SVG (matplotlib, no JavaScript needed to read them).

Text is drawn as paths (``svg.fonttype = "path"``), so labels taken from data (station or
beat names) cannot inject markup into the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

from usalama.core.svg import figure_svg

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLOURS = ("#0b5d4b", "#d08a1c")


def bars(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    ylabel: str,
    standard: float | None = None,
    standard_label: str = "",
) -> str:
    """Grouped bars (e.g. median and 90th percentile per priority) as an SVG string."""
    figure, axes = plt.subplots(figsize=(6.4, 2.8), dpi=100)
    count = max(1, len(series))
    width = 0.8 / count
    for index, (name, values) in enumerate(series.items()):
        positions = [i + (index - (count - 1) / 2) * width for i in range(len(labels))]
        heights = [v if v is not None else 0.0 for v in values]
        axes.bar(positions, heights, width=width, label=name, color=COLOURS[index % 2])
    if standard is not None:
        axes.axhline(standard, color="#a11a1a", linestyle="--", linewidth=1, label=standard_label)
    axes.set_xticks(range(len(labels)), [str(label) for label in labels])
    axes.set_title(title, fontsize=10, loc="left")
    axes.set_ylabel(ylabel, fontsize=9)
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    return figure_svg(figure)


def lines(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    ylabel: str,
) -> str:
    figure, axes = plt.subplots(figsize=(6.4, 2.8), dpi=100)
    for index, (name, values) in enumerate(series.items()):
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            markersize=3,
            label=name,
            color=COLOURS[index % 2],
        )
    axes.set_xticks(range(len(labels)), [str(label) for label in labels])
    axes.set_title(title, fontsize=10, loc="left")
    axes.set_ylabel(ylabel, fontsize=9)
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    return figure_svg(figure)
