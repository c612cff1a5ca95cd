"""Transfer readers: column mapping, time handling, errors that name the row and column."""

from __future__ import annotations

import pytest

from usalama.analysis.money import TransferColumns, read_transfers_csv
from usalama.core.errors import InvalidInput


def test_custom_columns_and_datetimes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bank.csv"
    path.write_text(
        "from,to,kes,when,via\nA,B,100.5,2024-01-02T03:04:05,bank\nB,C,7,2024-01-03T00:00:00,mobile_money\n"
    )
    columns = TransferColumns(source="from", target="to", amount="kes", time="when", channel="via")
    frame = read_transfers_csv(path, columns, default_currency="KES")
    assert frame.columns == [
        "source",
        "target",
        "amount",
        "currency",
        "time",
        "channel",
        "reference",
    ]
    assert frame["time"][0] == 1704164645.0
    assert frame["currency"].to_list() == ["KES", "KES"]


def test_step_numbers_become_seconds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "amlsim.csv"
    path.write_text("sourceNodeId,targetNodeId,value,time\n1,2,3.5,4\n")
    frame = read_transfers_csv(path)  # AMLSim header recognised
    assert frame["source"][0] == "1" and frame["time"][0] == 4 * 86_400.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("source,target,amount,time\nA,B,abc,1\n", "row 2, column 'amount'"),
        ("source,target,amount,time\nA,B,1,1\nA,B,-5,2\n", "row 3, column 'amount'"),
        ("source,target,amount,time\nA,B,1,yesterday\n", "row 2, column 'time'"),
        ("source,amount,time\nA,1,1\n", "missing target column 'target'"),
    ],
)
def test_bad_rows_are_named(tmp_path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        read_transfers_csv(path)
