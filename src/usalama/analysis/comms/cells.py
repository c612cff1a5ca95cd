"""Cell sites: OpenCelliD's public layout or an operator's list with azimuth and beam width.

OpenCelliD: ``radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,
averageSignal`` (with or without that header line). An operator's list: a header naming
``cell_id`` (``MCC-MNC-LAC-CI``), ``lat``, ``lon`` and optionally ``azimuth``,
``beam_width``, ``range`` and ``name``. Either way the result is one row per cell keyed like
the CDR frame's ``cell`` column (every part a plain integer).
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from usalama.analysis.comms.cdr import CdrError, RowProblem

OPENCELLID = (
    "radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples",
    "changeable", "created", "updated", "averageSignal",
)  # fmt: skip
CELL_COLUMNS = ("cell", "lat", "lon", "azimuth", "beam_width", "range", "radio", "name")


def read_cells(path: Path) -> tuple[pl.DataFrame, list[RowProblem]]:
    """Cells with position (and sector when known); bad rows reported by line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CdrError(f"cannot read the cells file {path.name}: {error}") from error
    first = text.split("\n", 1)[0].strip().lower()
    if not first:
        raise CdrError(f"{path.name} is empty")
    has_header = not first[:1].isdigit() and not first.startswith(
        ("gsm", "umts", "lte", "nr", "cdma")
    )
    try:
        raw = pl.read_csv(
            io.StringIO(text),
            has_header=has_header,
            infer_schema=False,
            new_columns=None if has_header else list(OPENCELLID),
            truncate_ragged_lines=True,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        raise CdrError(f"{path.name}: not a readable cells CSV ({error})") from error
    offset = 2 if has_header else 1
    raw = raw.with_row_index("row", offset=offset).with_columns(pl.col("row").cast(pl.Int64))
    names = set(raw.columns)
    if {"mcc", "net", "area", "cell", "lon", "lat"} <= names:
        key = pl.concat_str(
            [pl.col(c).str.strip_chars().cast(pl.Int64, strict=False).cast(pl.String)
             for c in ("mcc", "net", "area", "cell")],
            separator="-",
        )  # fmt: skip
        azimuth = pl.lit(None, dtype=pl.Float64)
        beam = pl.lit(None, dtype=pl.Float64)
        radio = pl.col("radio") if "radio" in names else pl.lit(None, dtype=pl.String)
    elif {"cell_id", "lat", "lon"} <= names:
        pieces = pl.col("cell_id").str.strip_chars().str.split("-")
        key = pl.when(pieces.list.len() == 4).then(
            pl.concat_str(
                [pieces.list.get(i, null_on_oob=True).cast(pl.Int64, strict=False).cast(pl.String)
                 for i in range(4)],
                separator="-",
            )
        )  # fmt: skip
        azimuth = _number(raw, "azimuth")
        beam = _number(raw, "beam_width")
        radio = pl.col("radio") if "radio" in names else pl.lit(None, dtype=pl.String)
    else:
        raise CdrError(
            f"{path.name}: a cells file is OpenCelliD's layout ({','.join(OPENCELLID[:9])},...) "
            "or has the columns cell_id, lat, lon"
        )
    cells = raw.select(
        "row",
        key.alias("cell"),
        pl.col("lat").cast(pl.Float64, strict=False).alias("lat"),
        pl.col("lon").cast(pl.Float64, strict=False).alias("lon"),
        azimuth.alias("azimuth"),
        beam.alias("beam_width"),
        _number(raw, "range").alias("range"),
        radio.alias("radio"),
        (pl.col("name") if "name" in names else pl.lit(None, dtype=pl.String)).alias("name"),
    )
    problems: list[RowProblem] = []
    bad_key = pl.col("cell").is_null()
    bad_position = (
        pl.col("lat").is_null() | pl.col("lon").is_null()
        | (pl.col("lat").abs() > 90) | (pl.col("lon").abs() > 180)
    )  # fmt: skip
    for (row,) in cells.filter(bad_key).select("row").iter_rows():
        problems.append(RowProblem(int(row), "cell", "is not a cell id MCC-MNC-LAC-CI"))
    for (row,) in cells.filter(~bad_key & bad_position).select("row").iter_rows():
        problems.append(RowProblem(int(row), "lat/lon", "is not a position"))
    good = cells.filter(~bad_key & ~bad_position).unique("cell", keep="first", maintain_order=True)
    return good.select(CELL_COLUMNS), sorted(problems, key=lambda p: p.row)


def _number(raw: pl.DataFrame, name: str) -> pl.Expr:
    if name not in raw.columns:
        return pl.lit(None, dtype=pl.Float64)
    return pl.col(name).str.strip_chars().cast(pl.Float64, strict=False)
