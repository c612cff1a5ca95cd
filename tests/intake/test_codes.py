"""Tip codes and references: entropy, format, normalisation, hashing round trip (pure)."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.intake import codes

KEY = b"k" * 32


def test_entropy_is_at_least_80_bits() -> None:
    assert codes.CODE_BITS >= 80
    assert math.isclose(codes.CODE_BITS, 25 * math.log2(10))


def test_format_is_five_groups_of_five_digits() -> None:
    for _ in range(200):
        assert re.fullmatch(r"\d{5}(-\d{5}){4}", codes.new_tip_code())


def test_codes_do_not_repeat() -> None:
    assert len({codes.new_tip_code() for _ in range(2000)}) == 2000


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=10**25 - 1))
def test_hash_round_trip(number: int) -> None:
    digits = f"{number:025d}"
    stored = codes.hash_code(digits)
    assert digits not in stored
    assert stored.startswith("$argon2id$")
    assert codes.verify_code(stored, digits)
    wrong = f"{(number + 1) % 10**25:025d}"
    assert not codes.verify_code(stored, wrong)


@given(st.integers(min_value=0, max_value=10**25 - 1), st.sampled_from([" ", "-", "*", "", "  "]))
def test_normalise_accepts_any_separator(number: int, sep: str) -> None:
    digits = f"{number:025d}"
    grouped = sep.join(digits[i : i + 5] for i in range(0, 25, 5))
    assert codes.normalise_code(grouped) == digits
    assert codes.normalise_code(codes.format_code(digits)) == digits


@given(st.text(max_size=40))
def test_normalise_rejects_wrong_lengths(text: str) -> None:
    digits = re.sub(r"[^0-9]", "", text)
    result = codes.normalise_code(text)
    assert (result is not None) == (len(digits) == 25)


@given(st.integers(min_value=0, max_value=10**25 - 1))
def test_bucket_is_short_keyed_and_stable(number: int) -> None:
    digits = f"{number:025d}"
    one = codes.bucket(KEY, digits)
    assert one == codes.bucket(KEY, digits)
    assert len(one) == codes.BUCKET_HEX
    assert re.fullmatch(r"[0-9a-f]+", one)
    # The bucket holds 20 bits: at least 60 bits of the code stay unknown given the bucket.
    assert codes.CODE_BITS - 4 * codes.BUCKET_HEX >= 60


def test_bucket_depends_on_the_key() -> None:
    digits = "0" * 25
    assert {codes.bucket(bytes([i]) * 32, digits) for i in range(20)} != {codes.bucket(KEY, digits)}


@given(st.integers(min_value=2000, max_value=2100), st.integers(min_value=0, max_value=999_999))
def test_reference_forms(year: int, number: int) -> None:
    canonical = f"RPT-{year}-{number:06d}"
    assert codes.normalise_reference(canonical, 2026) == canonical
    assert codes.normalise_reference(canonical.lower().replace("-", ""), 2026) == canonical
    assert codes.normalise_reference(f"{year}{number:06d}", 2026) == canonical
    assert codes.normalise_reference(f"{number:06d}", year) == canonical


def test_new_reference_format() -> None:
    assert re.fullmatch(r"RPT-2026-\d{6}", codes.new_reference(2026))
