"""The match-weight waterfall as server-side SVG: prior, each comparison up or down, final.

Every text is escaped here, so views may mark the result safe.
"""

from __future__ import annotations

from html import escape

WIDTH = 720
HEIGHT = 300
TOP, BOTTOM, LEFT, RIGHT = 24, 70, 44, 12


def waterfall(
    prior: float, steps: list[tuple[str, float]], final: float, labels: dict[str, str]
) -> str:
    """``steps`` are (label, weight) in order; ``labels`` holds the translated 'prior'/'final'."""
    bars: list[tuple[str, float, float, str]] = [(labels["prior"], 0.0, prior, "prior")]
    running = prior
    for label, weight in steps:
        bars.append((label, running, running + weight, "up" if weight >= 0 else "down"))
        running += weight
    bars.append((labels["final"], 0.0, final, "final"))
    values = [0.0] + [v for _l, a, b, _k in bars for v in (a, b)]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        high = low + 1.0
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(bars)

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts = [
        f'<svg class="waterfall" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(labels["title"])}">',
        f"<title>{escape(labels['title'])}</title>",
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        'stroke="#555" stroke-width="1"/>',
        f'<text x="4" y="{y(0) + 4:.1f}" font-size="11">0</text>',
    ]
    colours = {"prior": "#6b7280", "final": "#1d4ed8", "up": "#15803d", "down": "#b91c1c"}
    for i, (label, start, end, kind) in enumerate(bars):
        x = LEFT + i * slot + slot * 0.15
        w = slot * 0.7
        top, bottom = y(max(start, end)), y(min(start, end))
        delta = end - start
        shown = f"{end:+.2f}" if kind in ("prior", "final") else f"{delta:+.2f}"
        parts.append(
            f'<g class="step {kind}"><title>{escape(label)}: {escape(shown)}</title>'
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" '
            f'height="{max(bottom - top, 1.0):.1f}" fill="{colours[kind]}"/>'
            f'<text x="{x + w / 2:.1f}" y="{top - 4:.1f}" font-size="10" '
            f'text-anchor="middle">{escape(shown)}</text>'
            f'<text x="{x + w / 2:.1f}" y="{HEIGHT - BOTTOM + 14:.1f}" font-size="10" '
            f'text-anchor="end" transform="rotate(-35 {x + w / 2:.1f} {HEIGHT - BOTTOM + 14:.1f})">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
