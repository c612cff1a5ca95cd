"""Prospective kernel density (Bowers, Johnson & Pease 2004; Johnson et al. 2009).

Each past incident adds ``1 / (1 + weeks old)`` times ``1 / (1 + distance in cells)`` to
every cell centre within the bandwidth, counting only incidents in the look-back window.
Recent, nearby incidents count most: burglary risk "flags" nearby homes for a few weeks.
The defaults (400 m, eight weeks) are the published ones, not tuned on any test window.

Also here: plain (non-prospective) Gaussian kernel density per cell for hotspot maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from usalama.analysis.hotspots.events import HotspotData

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ProspectiveKdeParameters:
    bandwidth_metres: float = 400.0
    lookback_days: float = 56.0


def bowers_kernel(bandwidth_cells: float) -> FloatArray:
    """Spatial weights ``1 / (1 + d)`` for cell-centre distances ``d <= bandwidth`` (in cells)."""
    reach = int(np.floor(bandwidth_cells))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    distance = np.hypot(offsets[:, None], offsets[None, :])
    return np.where(distance <= bandwidth_cells + 1e-9, 1.0 / (1.0 + distance), 0.0)


def prospective_kde_forecast(
    data: HotspotData,
    origin: float,
    train_days: float,
    horizon_days: float,
    parameters: ProspectiveKdeParameters | None = None,
) -> FloatArray:
    """Risk score per grid cell for the window starting at ``origin`` (shape ``grid.shape``)."""
    del horizon_days  # the prospective surface is the same whatever the window length
    parameters = parameters or ProspectiveKdeParameters()
    lookback = min(train_days, parameters.lookback_days)
    in_window = data.window(origin - lookback, origin)
    weeks_old = np.floor((origin - data.t[in_window]) / 7.0)
    weighted = data.grid.histogram(data.cell[in_window], weights=1.0 / (1.0 + weeks_old))
    bandwidth_cells = (
        data.plane.length_to_plane_units(parameters.bandwidth_metres, "m") / data.grid.cell_size
    )
    kernel = bowers_kernel(bandwidth_cells)
    if kernel.size == 1:
        return weighted
    # Direct convolution, not FFT: FFT round-off turns empty cells into +-1e-17 noise
    # that would then decide the order of tied cells.
    return np.asarray(ndimage.convolve(weighted, kernel, mode="constant"), dtype=np.float64)


def gaussian_density(
    data: HotspotData, bandwidth_metres: float, mask: NDArray[np.bool_] | None = None
) -> FloatArray:
    """Incidents per square plane-unit, Gaussian-smoothed; ``mask`` selects incidents."""
    chosen = slice(None) if mask is None else mask
    counts = data.grid.histogram(data.cell[chosen])
    sigma = data.plane.length_to_plane_units(bandwidth_metres, "m") / data.grid.cell_size
    smoothed = ndimage.gaussian_filter(counts, sigma=sigma, mode="constant", truncate=4.0)
    return np.asarray(smoothed, dtype=np.float64) / data.grid.cell_area


def naive_forecast(
    data: HotspotData, origin: float, train_days: float, horizon_days: float
) -> FloatArray:
    """Last period's counts: incidents per cell in the final ``horizon_days`` of training."""
    lookback = min(train_days, horizon_days)
    in_window = data.window(origin - lookback, origin)
    return data.grid.histogram(data.cell[in_window])
