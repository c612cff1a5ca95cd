"""The indicator catalogue as Markdown, from the registry (docs/kpis.md holds its output and
a test keeps the two equal)."""

from __future__ import annotations

from django.utils import translation

from usalama.kpis.registry import INDICATORS


def markdown() -> str:
    with translation.override("en"):
        lines = [
            "| key | name | unit | better | levels | owner | source |",
            "|---|---|---|---|---|---|---|",
        ]
        for i in INDICATORS:
            lines.append(
                f"| `{i.key}` | {i.name} | {i.unit} | {i.direction} | {', '.join(i.levels)} "
                f"| {i.owner} | {i.query} |"
            )
        lines.append("")
        for i in INDICATORS:
            lines.append(f"- **{i.name}** (`{i.key}`): {i.definition}")
        return "\n".join(lines) + "\n"
