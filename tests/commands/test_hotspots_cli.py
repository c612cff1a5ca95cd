"""`usalama hotspots`: JSON shape, coverage keys as written, outputs and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from usalama.cli import main


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Shadow the root conftest's autouse fixture of the same name, which needs pytest-django's
    ``settings``: these engine tests use no Django and must also run with ``-p no:django``."""


@pytest.fixture(scope="module")
def incidents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 days of synthetic incidents around Nairobi CBD, with two persistent hotspots."""
    rng = np.random.default_rng(7)
    n = 3000
    lat = -1.30 + rng.random(n) * 0.06
    lon = 36.78 + rng.random(n) * 0.08
    hot = rng.random(n) < 0.3
    centre = np.where(rng.random(hot.sum()) < 0.5, -1.2833, -1.2650)
    lat[hot] = centre + rng.normal(0, 4e-4, hot.sum())
    lon[hot] = 36.8219 + rng.normal(0, 4e-4, hot.sum())
    start = dt.datetime(2024, 1, 1)
    times = [start + dt.timedelta(hours=float(h)) for h in np.sort(rng.random(n) * 24 * 120)]
    kinds = rng.choice(["theft", "assault"], n)
    path = tmp_path_factory.mktemp("cli") / "nairobi.csv"
    lines = ["reported_at,lat,lon,kind"] + [
        f"{t:%Y-%m-%d %H:%M:%S},{a:.6f},{b:.6f},{k}"
        for t, a, b, k in zip(times, lat, lon, kinds, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def base(path: Path) -> list[str]:
    return ["--incidents", str(path), "--x-col", "lon", "--y-col", "lat",
            "--time-col", "reported_at", "--cell-size", "250"]  # fmt: skip


def test_backtest_json_shape_and_coverage_keys_as_written(
    incidents: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        [
            "hotspots",
            "backtest",
            *base(incidents),
            "--coverage",
            "0.01,.05",
            "--train-days",
            "60",
            "--test-days",
            "14",
            "--folds",
            "2",
            "--methods",
            "naive,kde,etas,best",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    report = json.loads(out)
    assert isinstance(report["study_cells"], int) and report["study_cells"] > 50
    assert list(report["methods"]) == ["naive", "kde", "etas", "best"]
    for by_coverage in report["methods"].values():
        assert list(by_coverage) == ["0.01", ".05"]
        for figures in by_coverage.values():
            assert set(figures) == {"hit_rate", "pai", "pei"}
            assert 0 <= figures["hit_rate"] <= 1 and figures["pai"] > 0 and figures["pei"] <= 1
    assert len(report["best_chosen"]) == 2


def test_backtest_table_with_filter(incidents: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        [
            "hotspots",
            "backtest",
            *base(incidents),
            "--where",
            "kind=theft",
            "--train-days",
            "60",
            "--test-days",
            "14",
            "--folds",
            "1",
            "--methods",
            "naive",
        ],
        capsys,
    )
    assert code == 0, err
    assert "PAI" in out and "naive" in out


def test_forecast_writes_geojson_and_csv(
    incidents: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "cells.geojson"
    code, out, err = run(
        [
            "hotspots",
            "forecast",
            *base(incidents),
            "--method",
            "etas",
            "--train-days",
            "60",
            "--horizon-days",
            "7",
            "--out",
            str(out_file),
            "--json",
            "--top",
            "3",
        ],
        capsys,
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["method"] == "etas" and len(summary["top"]) == 3
    features = json.loads(out_file.read_text())["features"]
    assert len(features) == summary["study_cells"]
    lon, lat = features[0]["geometry"]["coordinates"][0][0]
    assert abs(lat - -1.28) < 0.05 and abs(lon - 36.82) < 0.05  # a Nairobi hotspot
    csv_file = tmp_path / "cells.csv"
    code, _, err = run(
        [
            "hotspots",
            "forecast",
            *base(incidents),
            "--method",
            "naive",
            "--train-days",
            "30",
            "--out",
            str(csv_file),
        ],
        capsys,
    )
    assert code == 0, err
    assert csv_file.read_text().startswith("cell_id,rank,score,centroid_lat,centroid_lon,polygon")


def test_patrol_plan_json(incidents: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        [
            "hotspots",
            "patrol",
            *base(incidents),
            "--method",
            "kde",
            "--train-days",
            "60",
            "--cells",
            "3",
            "--visit-minutes",
            "14",
            "--shift-start",
            "06:00",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    cells = json.loads(out)["cells"]
    assert [c["rank"] for c in cells] == [1, 2, 3]
    assert cells[0]["visit_minutes"] == 14 and cells[0]["revisit_minutes"] == 120
    assert cells[0]["visit_times"][:2] == ["06:00", "08:00"]
    assert {"cell_id", "score", "centroid_lat", "centroid_lon"} <= set(cells[0])


BAD_INPUTS = [
    pytest.param(["--incidents", "/no/such/file.csv"], "no such file", id="missing-file"),
    pytest.param(["--x-col", "longitude"], "no column 'longitude'", id="missing-column"),
    pytest.param(["--crs", "EPSG:99999999"], "unknown CRS", id="unknown-crs"),
    pytest.param(["--coverage", "0.01,1.5"], "coverage 1.5 must be in (0, 1]", id="coverage-high"),
    pytest.param(["--coverage", "0"], "must be in (0, 1]", id="coverage-zero"),
    pytest.param(["--coverage", "five"], "not a number", id="coverage-text"),
    pytest.param(["--train-days", "400"], "shorten --train-days", id="train-too-long"),
    pytest.param(["--methods", "naive,oracle"], "unknown method(s) oracle", id="unknown-method"),
    pytest.param(["--where", "kind"], "COLUMN=VALUE", id="bad-where"),
    pytest.param(["--units", "yards"], "--units must be m or ft", id="bad-units"),
]


@pytest.mark.parametrize(("override", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_and_non_zero(
    incidents: Path, override: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*base(incidents), "--train-days", "60", "--test-days", "14", "--folds", "1"]
    option, value = override
    if option in args:  # replace rather than repeat, so the test does not rely on "last wins"
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    code, out, err = run(["hotspots", "backtest", *args, "--json"], capsys)
    assert code != 0
    assert err.startswith("usalama: error: ") and message in err
    assert "Traceback" not in err and out == ""


def test_unparseable_date_names_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("reported_at,lat,lon\n2024-01-01,-1.28,36.82\n31st of Jan,-1.28,36.82\n")
    code, _, err = run(["hotspots", "backtest", *base(path), "--json"], capsys)
    assert code != 0
    assert "dates.csv: row 3, column 'reported_at': cannot read '31st of Jan'" in err


def test_xlsx_that_is_not_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.xlsx"
    path.write_text("reported_at,lat,lon\n2024-01-01,-1.28,36.82\n")
    code, _, err = run(["hotspots", "forecast", *base(path)], capsys)
    assert code != 0 and "calls.xlsx: not a readable spreadsheet" in err
