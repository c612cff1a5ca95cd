"""Square cells on the working plane, and H3 cells for lat/lon summaries.

Cells are numbered row by row from the south-west corner: ``id = row * columns + column``.
The grid is snapped to multiples of the cell size so two runs over overlapping data give
the same cell ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from usalama.core.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SquareGrid:
    """A rectangle of ``rows`` x ``columns`` square cells of side ``cell_size`` (plane units)."""

    x0: float
    y0: float
    cell_size: float
    columns: int
    rows: int

    @classmethod
    def covering(cls, x: FloatArray, y: FloatArray, cell_size: float) -> SquareGrid:
        if not cell_size > 0:
            raise InvalidInput(f"cell size must be positive, got {cell_size}")
        if x.size == 0:
            raise InvalidInput("no incidents to build a grid over")
        x0 = float(np.floor(x.min() / cell_size) * cell_size)
        y0 = float(np.floor(y.min() / cell_size) * cell_size)
        columns = int(np.floor((x.max() - x0) / cell_size)) + 1
        rows = int(np.floor((y.max() - y0) / cell_size)) + 1
        if columns * rows > 50_000_000:
            raise InvalidInput(
                f"a {cell_size:g}-unit grid over this extent has {columns * rows:,} cells; "
                "use larger cells or check the coordinates and CRS"
            )
        return cls(x0, y0, float(cell_size), columns, rows)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.columns)

    @property
    def cell_count(self) -> int:
        return self.rows * self.columns

    @property
    def cell_area(self) -> float:
        return self.cell_size * self.cell_size

    def cell_ids(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Cell id of each point; points outside the grid are an error (the caller's bug)."""
        column = np.floor((x - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell_size).astype(np.int64)
        column = np.clip(column, 0, self.columns - 1)
        row = np.clip(row, 0, self.rows - 1)
        return row * self.columns + column

    def centroids(self, ids: IntArray) -> tuple[FloatArray, FloatArray]:
        row, column = np.divmod(np.asarray(ids, dtype=np.int64), self.columns)
        return (
            self.x0 + (column + 0.5) * self.cell_size,
            self.y0 + (row + 0.5) * self.cell_size,
        )

    def corners(self, ids: IntArray) -> tuple[FloatArray, FloatArray]:
        """Corner coordinates, shape (len(ids), 5): a closed ring SW, SE, NE, NW, SW."""
        row, column = np.divmod(np.asarray(ids, dtype=np.int64), self.columns)
        left = self.x0 + column * self.cell_size
        bottom = self.y0 + row * self.cell_size
        dx = np.array([0.0, 1.0, 1.0, 0.0, 0.0]) * self.cell_size
        dy = np.array([0.0, 0.0, 1.0, 1.0, 0.0]) * self.cell_size
        return left[:, None] + dx[None, :], bottom[:, None] + dy[None, :]

    def histogram(self, ids: IntArray, weights: FloatArray | None = None) -> FloatArray:
        """Sum of weights (or counts) per cell as a (rows, columns) array."""
        flat = np.bincount(ids, weights=weights, minlength=self.cell_count)
        return flat.astype(np.float64).reshape(self.shape)


def h3_cell_ids(lat: FloatArray, lon: FloatArray, resolution: int) -> list[str]:
    """H3 cell (hex string) of each lat/lon point at ``resolution`` (0-15)."""
    import h3

    if not 0 <= resolution <= 15:
        raise InvalidInput(f"H3 resolution must be 0-15, got {resolution}")
    return [
        h3.latlng_to_cell(float(a), float(b), resolution) for a, b in zip(lat, lon, strict=True)
    ]
