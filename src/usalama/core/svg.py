"""A matplotlib figure as inline SVG for a page: text drawn as paths (no font needed on the
reader's phone) and a fixed hash salt, so the same figures give the same bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def figure_svg(figure: object) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": "usalama"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    text = buffer.getvalue()
    return text[text.index("<svg") :]
