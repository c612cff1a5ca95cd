"""Tip codes and references: entropy, format, normalisation, hashing round trip (pure)."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.intake import codes

KEY = b"k" * 32
BASE32 = st.text(alphabet=codes.CROCKFORD, min_size=16, max_size=16).filter(
    lambda text: not text.isdigit()
)


def test_entropy_is_at_least_80_bits() -> None:
    assert codes.CODE_BITS >= 80
    assert codes.NUMERIC_BITS >= 80
    assert math.isclose(codes.NUMERIC_BITS, 25 * math.log2(10))
    # references: long enough that a guess hits one of a million reports one time in 10**6
    assert codes.REFERENCE_BITS >= 39


def test_format_is_four_groups_of_four_base32_characters() -> None:
    for _ in range(200):
        code = codes.new_tip_code()
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code), code
        assert len(code) == 19  # was 29 characters (25 digits and dashes)


def test_numeric_format_for_keypads() -> None:
    for _ in range(50):
        assert re.fullmatch(r"\d{5}(-\d{5}){4}", codes.new_tip_code(numeric=True))


def test_codes_do_not_repeat() -> None:
    assert len({codes.new_tip_code() for _ in range(2000)}) == 2000


@settings(max_examples=15, deadline=None)
@given(BASE32)
def test_hash_round_trip(canonical: str) -> None:
    stored = codes.hash_code(canonical)
    assert canonical not in stored
    assert stored.startswith("$argon2id$")
    assert codes.verify_code(stored, canonical)
    wrong = ("1" if canonical[0] != "1" else "2") + canonical[1:]
    assert not codes.verify_code(stored, wrong)


@settings(max_examples=50)
@given(BASE32, st.sampled_from([" ", "-", "", "  ", "."]), st.booleans())
def test_normalise_tolerates_case_separators_and_confusions(
    canonical: str, sep: str, lower: bool
) -> None:
    grouped = sep.join(canonical[i : i + 4] for i in range(0, 16, 4))
    typed = grouped.lower() if lower else grouped
    assert codes.normalise_code(typed) == canonical
    assert codes.normalise_code(codes.format_code(canonical)) == canonical
    # I and L are read as 1, O as 0 (Crockford): the code still matches
    confused = canonical.replace("1", "l").replace("0", "O")
    assert codes.normalise_code(confused) == canonical


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=10**25 - 1), st.sampled_from([" ", "-", "*", ""]))
def test_numeric_codes_of_before_still_normalise(number: int, sep: str) -> None:
    digits = f"{number:025d}"
    grouped = sep.join(digits[i : i + 5] for i in range(0, 25, 5))
    assert codes.normalise_code(grouped) == digits
    assert codes.normalise_code(codes.format_code(digits)) == digits


@settings(max_examples=50)
@given(st.text(max_size=40))
def test_normalise_rejects_what_cannot_be_a_code(text: str) -> None:
    result = codes.normalise_code(text)
    if result is not None:
        assert len(result) in {16, 25}
        assert set(result) <= set(codes.CROCKFORD)


def test_normalise_rejects_letters_outside_the_alphabet() -> None:
    assert codes.normalise_code("UUUU-AAAA-BBBB-CCCC") is None  # U is not Crockford
    assert codes.normalise_code("ABCD-EFGH-JKMN-PQR") is None  # 15 characters
    assert codes.normalise_code("") is None
    assert codes.normalise_code("2026-1234-5678-9012") is None  # a reference, not a code


@settings(max_examples=50)
@given(BASE32)
def test_bucket_is_short_keyed_and_stable(canonical: str) -> None:
    one = codes.bucket(KEY, canonical)
    assert one == codes.bucket(KEY, canonical)
    assert len(one) == codes.BUCKET_HEX
    assert re.fullmatch(r"[0-9a-f]+", one)
    # The bucket holds 20 bits: at least 60 bits of the code stay unknown given the bucket.
    assert codes.CODE_BITS - 4 * codes.BUCKET_HEX >= 60


def test_bucket_depends_on_the_key() -> None:
    digits = "0" * 16
    assert {codes.bucket(bytes([i]) * 32, digits) for i in range(20)} != {codes.bucket(KEY, digits)}


@settings(max_examples=50)
@given(st.integers(min_value=2000, max_value=2100), st.integers(min_value=0, max_value=10**12 - 1))
def test_reference_forms(year: int, number: int) -> None:
    digits = f"{number:012d}"
    canonical = f"RPT-{year}-{digits[:4]}-{digits[4:8]}-{digits[8:]}"
    assert codes.normalise_reference(canonical, 2026) == canonical
    assert codes.normalise_reference(canonical.lower().replace("-", ""), 2026) == canonical
    assert codes.normalise_reference(f"{year}{digits}", 2026) == canonical
    assert codes.normalise_reference(digits, year) == canonical
    assert codes.normalise_reference(f"{digits[:6]} {digits[6:]}", year) == canonical


@settings(max_examples=50)
@given(st.integers(min_value=2000, max_value=2100), st.integers(min_value=0, max_value=999_999))
def test_six_digit_references_of_before_still_normalise(year: int, number: int) -> None:
    canonical = f"RPT-{year}-{number:06d}"
    assert codes.normalise_reference(canonical, 2026) == canonical
    assert codes.normalise_reference(canonical.lower().replace("-", ""), 2026) == canonical
    assert codes.normalise_reference(f"{year}{number:06d}", 2026) == canonical
    assert codes.normalise_reference(f"{number:06d}", year) == canonical


def test_reference_rejects_junk() -> None:
    assert codes.normalise_reference("RPT-2026-12345", 2026) is None
    assert codes.normalise_reference("RPTX2026123456", 2026) is None
    assert codes.normalise_reference("hello", 2026) is None


def test_new_reference_format() -> None:
    assert re.fullmatch(r"RPT-2026-\d{4}-\d{4}-\d{4}", codes.new_reference(2026))
