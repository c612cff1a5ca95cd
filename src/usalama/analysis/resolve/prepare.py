"""Turn a standard input frame into the cleaned, feature-bearing frame Splink compares.

All normalisation happens here, once, in Polars, so the Splink SQL stays simple and
portable across DuckDB and Spark (no user-defined functions inside the database).
Per-value Python work (names, phones) runs once per *distinct* value, not per row.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import phonenumbers
import polars as pl

from usalama.analysis.resolve.names import name_initials_written, name_parts, phonetic_key
from usalama.analysis.resolve.org_names import org_name_parts
from usalama.analysis.resolve.schema import STANDARD_FIELDS
from usalama.core.errors import InvalidInput

# Which name rules apply: people's names, or names of companies and other bodies.
Family = Literal["person", "organization"]

# Columns of the prepared frame that the comparisons and blocking rules read.
PREPARED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "name_text",
    "name_canonical",
    "name_tokens",
    "name_phonetic",
    "name_phonetic_key",
    "name_initials",
    "name_phon_first",
    "name_phon_last",
    "dob",
    "dob_year",
    "national_id",
    "passport",
    "kra_pin",
    "brs_number",
    "phone",
    "email",
    "email_user",
    "address",
    "address_tokens",
    "address_first_word",
    "postcode",
    "town",
    "county",
    "nationality",
)

_ADDRESS_ABBREVIATIONS = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "hwy": "highway",
    "cres": "crescent",
    "cl": "close",
    "ct": "court",
    "pl": "place",
    "dr": "drive",
    "ln": "lane",
    "est": "estate",
    "apt": "apartment",
    "blk": "block",
    "po": "po",
    "p": "p",
    "o": "o",
}


def _clean_text(column: str) -> pl.Expr:
    """Trimmed string, with empty strings and common null markers turned into nulls."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    is_blank = text.is_null() | text.str.to_lowercase().is_in(
        ["", "nan", "null", "none", "n/a", "-"]
    )
    return pl.when(is_blank).then(None).otherwise(text)


def _identifier(column: str) -> pl.Expr:
    """Upper-case letters and digits only; digit-only identifiers lose leading zeros,
    because one agency stores ``0012345`` where another stores ``12345``."""
    raw = pl.col(column).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")
    stripped = raw.str.strip_chars_start("0")
    only_digits = raw.str.contains(r"^[0-9]+$")
    value = pl.when(only_digits).then(stripped).otherwise(raw)
    return pl.when(value.str.len_chars() > 0).then(value).otherwise(None)


def _lower_words(column: str) -> pl.Expr:
    words = pl.col(column).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()
    return pl.when(words.str.len_chars() > 0).then(words).otherwise(None)


_DATE_DIGITS = re.compile(r"^\d{8}$")
_DMY = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\- ](\d{1,2})[/.\- ](\d{1,2})")


@lru_cache(maxsize=100_000)
def normalise_date(value: str) -> str | None:
    """``YYYY-MM-DD`` from the usual written forms. Impossible dates (month 13) are kept
    as written, because a typo'd date still agrees with its original on most digits."""
    value = value.strip()
    if _DATE_DIGITS.match(value):
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if match := _YMD.match(value):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if match := _DMY.match(value):
        day, month, year = match.groups()  # East Africa writes day first
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


@lru_cache(maxsize=200_000)
def normalise_phone(value: str, region: str = "KE") -> str | None:
    """E.164 (``+254712345678``) when the number parses; otherwise its digits."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", value)
    return digits or None


def _normalise_address(text: str | None) -> str | None:
    if not text:
        return None
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    expanded = [_ADDRESS_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(expanded) or None


def _map_distinct(
    frame: pl.DataFrame, column: str, function: object, dtype: pl.DataType
) -> pl.Series:
    """Apply a Python function once per distinct value and broadcast back (fast on 1M rows)."""
    distinct = frame.select(pl.col(column).unique()).get_column(column)
    mapped = pl.Series(
        "mapped",
        [function(value) if value is not None else None for value in distinct.to_list()],  # type: ignore[operator]
        dtype=dtype,
    )
    lookup = pl.DataFrame({column: distinct, "mapped": mapped})
    return (
        frame.select(column)
        .join(lookup, on=column, how="left", nulls_equal=True, maintain_order="left")
        .get_column("mapped")
    )


def _encode_name(text: str) -> str:
    """Canonical full parts and written initials as one string (cheap to move into Polars)."""
    return " ".join(name_parts(text)) + "\t" + "".join(name_initials_written(text))


def _encode_org_name(text: str) -> str:
    # organisations are never written with initials for words: no second field
    return " ".join(org_name_parts(text)) + "\t"


def _name_columns(frame: pl.DataFrame, family: Family = "person") -> pl.DataFrame:
    """Name features for each distinct ``name_text``, computed in bulk.

    Python only canonicalises each distinct name once and each distinct part's sound
    once; sorting, de-duplication and joining happen in Polars. The result matches
    ``names.name_features`` column for column (a test holds them together).
    """
    distinct = frame.select(pl.col("name_text").unique()).drop_nulls()
    encode = _encode_org_name if family == "organization" else _encode_name
    encoded = pl.Series(
        [encode(text) for text in distinct.get_column("name_text").to_list()],
        dtype=pl.String,
    )
    split = distinct.with_columns(encoded.str.split_exact("\t", 1).alias("_parts")).unnest("_parts")
    split = split.rename({"field_0": "_full", "field_1": "_written"})
    full = pl.col("_full").str.split(" ").list.eval(pl.element().filter(pl.element() != ""))
    split = split.with_columns(_full_list=full)
    tokens = split.get_column("_full_list").explode().drop_nulls().unique().to_list()
    sounds = {token: phonetic_key(token) for token in tokens}
    first_letters = pl.col("_full_list").list.eval(pl.element().str.slice(0, 1))
    written = pl.col("_written").str.split("").list.eval(pl.element().filter(pl.element() != ""))
    features = split.select(
        "name_text",
        name_tokens=pl.col("_full_list").list.unique().list.sort(),
        name_phonetic=pl.col("_full_list")
        .list.eval(pl.element().replace_strict(sounds, return_dtype=pl.String))
        .list.unique()
        .list.sort(),
        name_initials=pl.concat_list(first_letters, written).list.sort().list.join(""),
    ).with_columns(
        name_canonical=pl.col("name_tokens").list.join(" "),
        name_phonetic_key=pl.col("name_phonetic").list.join(" "),
    )
    empty_to_null = [
        pl.when(pl.col(c).list.len() > 0).then(pl.col(c)).otherwise(None).alias(c)
        for c in ("name_tokens", "name_phonetic")
    ] + [
        pl.when(pl.col(c).str.len_chars() > 0).then(pl.col(c)).otherwise(None).alias(c)
        for c in ("name_canonical", "name_phonetic_key", "name_initials")
    ]
    features = features.with_columns(empty_to_null)
    return (
        frame.select("name_text")
        .join(features, on="name_text", how="left", maintain_order="left")
        .drop("name_text")
    )


def _phone_column(frame: pl.DataFrame, region: str) -> pl.Series:
    """E.164 phones. The two shapes that make up nearly all East-African data (already
    international, or national with a 0 trunk prefix) are converted in Polars; only the
    rest goes through ``phonenumbers`` (about 50 microseconds a number)."""
    country_code = phonenumbers.country_code_for_region(region)
    cleaned = pl.col("phone").str.replace_all(r"[\s\-.]", "")
    international = cleaned.str.contains(r"^\+[1-9][0-9]{7,14}$")
    national = cleaned.str.contains(r"^0[1-9][0-9]{8}$") & pl.lit(country_code > 0)
    fast = (
        pl.when(international)
        .then(cleaned)
        .when(national)
        .then(pl.lit(f"+{country_code}") + cleaned.str.slice(1))
        .otherwise(None)
    )
    quick = frame.select(fast.alias("phone_fast"), pl.col("phone"))
    slow = quick.filter(pl.col("phone_fast").is_null() & pl.col("phone").is_not_null())
    slow_mapped = _map_distinct(slow, "phone", lambda v: normalise_phone(v, region), pl.String())
    lookup = slow.select("phone").with_columns(slow_mapped.alias("phone_slow")).unique("phone")
    joined = quick.join(lookup, on="phone", how="left", nulls_equal=True, maintain_order="left")
    return joined.select(pl.coalesce("phone_fast", "phone_slow")).to_series().alias("phone")


def prepare_records(
    frame: pl.DataFrame, *, default_region: str = "KE", family: Family = "person"
) -> pl.DataFrame:
    """Clean a standard input frame and add the name/address/identifier features.

    ``family``: ``"person"`` applies the East-African person-name rules (``names.py``),
    ``"organization"`` the company-name rules (``org_names.py``: legal forms dropped).

    ``frame`` needs ``record_id`` and any subset of the other standard fields
    (see ``usalama.analysis.resolve.schema.STANDARD_FIELDS``); missing ones become null.
    """
    if "record_id" not in frame.columns:
        raise InvalidInput("input frame has no record_id column")
    unknown_dtype = [c for c in frame.columns if c in STANDARD_FIELDS]
    standard = frame.select(
        [_clean_text(c).alias(c) for c in unknown_dtype]
        + [
            pl.lit(None, dtype=pl.String).alias(c)
            for c in STANDARD_FIELDS
            if c not in frame.columns
        ]
    )
    if standard.get_column("record_id").null_count():
        raise InvalidInput("column record_id has empty values")
    if standard.get_column("record_id").n_unique() != standard.height:
        raise InvalidInput("column record_id has duplicate values")

    parts = pl.concat_str(
        [pl.col("given_name"), pl.col("middle_name"), pl.col("surname")],
        separator=" ",
        ignore_nulls=True,
    )
    has_parts = pl.any_horizontal(
        pl.col(c).is_not_null() for c in ("given_name", "middle_name", "surname")
    )
    standard = standard.with_columns(
        name_text=pl.when(has_parts).then(parts).otherwise(pl.col("full_name")),
        source=pl.col("source").fill_null(""),
    )

    names = _name_columns(standard, family)
    dates = _map_distinct(standard, "date_of_birth", normalise_date, pl.String())
    phones = _phone_column(standard, default_region)
    addresses = _map_distinct(standard, "address", _normalise_address, pl.String())
    prepared = standard.hstack(names).with_columns(
        dob=dates,
        phone=phones,
        address=addresses,
    )
    return prepared.with_columns(
        name_phon_first=pl.col("name_phonetic").list.first(),
        name_phon_last=pl.col("name_phonetic").list.last(),
        dob_year=pl.col("dob").str.slice(0, 4),
        national_id=_identifier("national_id"),
        passport=_identifier("passport"),
        kra_pin=_identifier("kra_pin"),
        brs_number=_identifier("brs_number"),
        email=pl.col("email").str.to_lowercase(),
        # the local part catches the same mailbox at a different provider
        email_user=pl.col("email").str.to_lowercase().str.split("@").list.first(),
        address_tokens=pl.col("address").str.split(" "),
        # first non-numeric address word (the street name): a blocking key robust to
        # a missing or mistyped house number
        address_first_word=pl.col("address").str.extract(r"([a-z][a-z]+)", 1),
        postcode=pl.col("postcode").str.replace_all(r"\s", "").str.to_uppercase(),
        town=_lower_words("town"),
        county=_lower_words("county"),
        nationality=_lower_words("nationality"),
    ).select(PREPARED_COLUMNS)


def present_fields(prepared: pl.DataFrame) -> set[str]:
    """Prepared columns that hold at least one value (comparisons on the rest are dropped)."""
    counts = prepared.select(pl.all().is_not_null().sum()).row(0, named=True)
    return {column for column, count in counts.items() if count}
