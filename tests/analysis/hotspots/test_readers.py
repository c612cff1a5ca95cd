"""Reading CSV/XLSX incident files, and the errors that name the row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.analysis.hotspots.conftest import write_csv
from usalama.analysis.hotspots import read_incidents
from usalama.core.errors import InvalidInput

HEADER = "when,lon,lat,kind"


def test_csv_rows_are_parsed_filtered_and_cleaned(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        HEADER,
        [
            "2021-01-01 10:00:00,-79.4,43.7, theft ",
            "2021-01-02,-79.5,43.6,assault",
            "2021-01-03,0,0,theft",  # ungeocoded: (0, 0)
            "2021-01-04,,43.6,theft",  # no longitude
            ",-79.5,43.6,theft",  # no date
        ],
    )
    table = read_incidents([path], x_col="lon", y_col="lat", time_col="when")
    assert table.frame.height == 2
    assert table.dropped_no_coordinates == 2
    assert table.dropped_no_time == 1
    only_theft = read_incidents(
        [path], x_col="lon", y_col="lat", time_col="when", where=[("kind", "theft")]
    )
    assert only_theft.frame.height == 1  # trimmed " theft " matches
    assert only_theft.frame["time"][0] == dt.datetime(2021, 1, 1, 10)


def test_several_files_concatenate_and_hours_are_added(tmp_path: Path) -> None:
    one = write_csv(tmp_path / "1.csv", "d,h,x,y", ["2014/03/02 05:00:00+00,8,1,2"])
    two = write_csv(tmp_path / "2.csv", "d,h,x,y", ["2014/03/03 05:00:00+00,23,3,4"])
    table = read_incidents([one, two], x_col="x", y_col="y", time_col="d", hour_col="h")
    assert table.frame["time"].to_list() == [
        dt.datetime(2014, 3, 2, 13),
        dt.datetime(2014, 3, 4, 4),
    ]


def test_unreadable_date_names_file_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv", HEADER, ["2021-01-01,-79.4,43.7,a", "not a date,-79.4,43.7,a"]
    )
    with pytest.raises(InvalidInput, match=r"bad\.csv: row 3, column 'when'.*not a date"):
        read_incidents([path], x_col="lon", y_col="lat", time_col="when")


def test_non_numeric_coordinate_names_the_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", HEADER, ["2021-01-01,west,43.7,a"])
    with pytest.raises(InvalidInput, match=r"row 2, column 'lon': 'west' is not a number"):
        read_incidents([path], x_col="lon", y_col="lat", time_col="when")


def test_missing_column_lists_the_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", HEADER, ["2021-01-01,-79.4,43.7,a"])
    with pytest.raises(InvalidInput, match=r"no column 'Lat' \(columns are: when, lon, lat"):
        read_incidents([path], x_col="lon", y_col="Lat", time_col="when")


def test_missing_file_and_fake_xlsx(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_incidents([tmp_path / "nope.csv"], x_col="x", y_col="y", time_col="t")
    fake = tmp_path / "calls.xlsx"
    fake.write_text("this is not a spreadsheet")
    with pytest.raises(InvalidInput, match=r"calls\.xlsx: not a readable spreadsheet"):
        read_incidents([fake], x_col="x", y_col="y", time_col="t")


def test_portland_xlsx_reads_with_day_dates(portland_files: list[Path]) -> None:
    table = read_incidents(
        portland_files[:1], x_col="x_coordinate", y_col="y_coordinate", time_col="occ_date"
    )
    assert table.frame.height > 18_000
    assert table.frame["time"].min() == dt.datetime(2016, 8, 1)
    assert table.frame["time"].max() == dt.datetime(2016, 8, 31)
