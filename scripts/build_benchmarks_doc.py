"""Assemble docs/benchmarks.md from the per-engine sections in docs/benchmarks/*.md.

Each engine's benchmark script writes (by hand, after a run) its own section with the exact
command and figures; this joins them so there is one page to read. Run after updating one.
"""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
ORDER = [
    "import", "resolve", "graph", "money", "hotspots", "intake",
    "justice", "oversight", "watchlists", "sharing", "citizen", "disclosure",
]
HEADER = """# Benchmarks

Measured, not asserted: each engine has a script in `benchmarks/` that prints its own figures
next to a peer implementation measured **in the same run** (machines are noisy, so the ratio is
the figure to trust). Every section gives the command that produced it. The machine is the
project's standard one: 2 cores, 24 GiB. Sections are kept in `docs/benchmarks/*.md` and joined
here by `python scripts/build_benchmarks_doc.py`.
"""


def main() -> None:
    sections = {p.stem: p for p in (DOCS / "benchmarks").glob("*.md")}
    ordered = [sections.pop(name) for name in ORDER if name in sections]
    ordered += [sections[name] for name in sorted(sections)]
    parts = [HEADER]
    for path in ordered:
        text = path.read_text().strip()
        parts.append(text.replace("\n# ", "\n## ").replace("# ", "## ", 1) if text.startswith("# ")
                     else text)
    (DOCS / "benchmarks.md").write_text("\n\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
