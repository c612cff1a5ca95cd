"""Justice dashboard charts as inline SVG.

matplotlib draws text as paths, so labels taken from data cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

from usalama.core.svg import figure_svg

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLOURS = ("#0b5d4b", "#d08a1c", "#5b6475")


def monthly(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    ylabel: str,
    kind: str = "bar",
) -> str:
    figure, axes = plt.subplots(figsize=(6.4, 2.6), dpi=100)
    count = max(1, len(series))
    width = 0.8 / count
    for index, (name, values) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        if kind == "bar":
            positions = [i + (index - (count - 1) / 2) * width for i in range(len(labels))]
            axes.bar(positions, [v or 0.0 for v in values], width=width, label=name, color=colour)
        else:
            points = [(i, v) for i, v in enumerate(values) if v is not None]
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker="o",
                markersize=3,
                label=name,
                color=colour,
            )
    axes.set_xticks(range(len(labels)), list(labels), rotation=45, ha="right")
    axes.set_title(title, fontsize=10, loc="left")
    axes.set_ylabel(ylabel, fontsize=9)
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    return figure_svg(figure)
