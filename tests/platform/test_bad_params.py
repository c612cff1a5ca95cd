"""Bad parameters answer 4xx naming the problem, never 500 (issue #20, finding 10)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.platform.web_login import sign_in
from usalama.core.errors import InvalidInput


@pytest.mark.parametrize(
    "params",
    [
        {"top": "nan"},
        {"top": "inf"},
        {"top": "-inf"},
        {"top": "1e400"},
        {"horizon": "0"},
        {"horizon": "nan"},
        {"train": "inf"},
        {"cell": "nan"},
    ],
)
def test_hotspot_page_refuses_non_finite_and_empty_windows(
    world: dict[str, Any], client: Any, params: dict[str, str]
) -> None:
    sign_in(client, world["users"]["nps.analyst"])
    response = client.get("/policing/hotspots/", {"collection": "nps-incidents", **params})
    assert response.status_code == 400
    assert b'class="error"' in response.content or b"must be" in response.content


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"horizon_days": 0.0}, "horizon"),
        ({"horizon_days": float("nan")}, "horizon"),
        ({"train_days": float("inf")}, "training window"),
        ({"top": 0}, "top"),
        ({"patrol_cells": 0}, "patrol cells"),
    ],
)
def test_hotspot_service_validates_before_reading(
    world: dict[str, Any], kwargs: dict[str, Any], named: str
) -> None:
    from usalama.policing import services

    with pytest.raises(InvalidInput, match=named):
        services.hotspot_forecast(world["users"]["nps.analyst"], "nps-incidents", **kwargs)


def test_hotspot_engine_refuses_an_empty_horizon() -> None:
    import polars as pl

    from usalama.analysis import hotspots

    frame = pl.DataFrame(
        {
            "x": [36.80 + i * 0.001 for i in range(40)],
            "y": [-1.28 + i * 0.001 for i in range(40)],
            "time": pl.datetime_range(
                pl.datetime(2024, 1, 1),
                pl.datetime(2024, 1, 1) + pl.duration(days=39),
                interval="1d",
                eager=True,
            ),
        }
    )
    data = hotspots.prepare(frame, crs="EPSG:4326", cell_size=600, units="m")
    for horizon in (0.0, float("nan"), -1.0):
        with pytest.raises(InvalidInput):
            hotspots.forecast(data, method="naive", train_days=14, horizon_days=horizon)
