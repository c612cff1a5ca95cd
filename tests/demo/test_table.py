"""The flat person table for resolution benchmarks."""

from __future__ import annotations

import phonenumbers
import polars as pl

from usalama.demo import generate_person_table
from usalama.demo.formats import KRA_PIN_RE
from usalama.demo.table import TABLE_COLUMNS


def test_shape_and_columns() -> None:
    df = generate_person_table(20_000, seed=5)
    assert df.height == 20_000
    assert tuple(df.columns) == TABLE_COLUMNS
    assert df["record_id"].n_unique() == 20_000
    for column in (
        "record_id",
        "true_id",
        "agency",
        "given_name",
        "surname",
        "full_name",
        "phone",
        "county",
        "town",
    ):
        assert df[column].null_count() == 0, column


def test_duplicate_share_and_truth() -> None:
    df = generate_person_table(20_000, seed=5, duplicate_share=0.3)
    sizes = df.group_by("true_id").len()["len"]
    share = (sizes > 1).mean()
    assert share is not None and 0.27 <= share <= 0.33
    # copies of one person sit in different agencies and share the surname or a variant
    multi = df.filter(pl.col("true_id").is_in(df["true_id"].filter(df["true_id"].is_duplicated())))
    per_person = multi.group_by("true_id").agg(
        pl.col("agency").n_unique().alias("n"), pl.len().alias("rows")
    )
    assert (per_person["n"] == per_person["rows"]).mean() > 0.95
    none = generate_person_table(1_000, seed=5, duplicate_share=0.0)
    assert none["true_id"].n_unique() == 1_000


def test_formats() -> None:
    df = generate_person_table(5_000, seed=9)
    for pin in df["kra_pin"].drop_nulls():
        assert KRA_PIN_RE.match(pin)
    for phone in df["phone"].head(2_000):
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone)), phone
    assert df["national_id"].drop_nulls().str.contains(r"^\d{7,8}$").all()
    # one phone per true person (unless changed in a copy): no two people share a phone
    owners = df.group_by("phone").agg(pl.col("true_id").n_unique().alias("n"))
    assert owners["n"].max() == 1


def test_deterministic() -> None:
    assert generate_person_table(3_000, seed=1).equals(generate_person_table(3_000, seed=1))
    assert not generate_person_table(3_000, seed=1).equals(generate_person_table(3_000, seed=2))
