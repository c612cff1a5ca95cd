"""Kenyan plates: one key for every OCR reading of a plate, distinct keys for distinct plates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.analysis.watchlist.plates import display_plate, normalise_plate, plate_key


@pytest.mark.parametrize(
    ("read", "canonical"),
    [
        ("kda 123a", "KDA123A"),
        ("KDA I23A", "KDA123A"),  # I read for 1 in a digit position
        ("K0A 123A", "KOA123A"),  # 0 read for O in a letter position
        ("KD8-l23A", "KDB123A"),
        ("GK A123B", "GKA123B"),
        ("gk 1O3a", "GK103A"),
        ("CD 12 K 34", "CD12K34"),
        ("12 CD 34K", "12CD34K"),
    ],
)
def test_normalise_fixes_spacing_case_and_ocr_by_position(read: str, canonical: str) -> None:
    assert normalise_plate(read) == canonical


def test_display_form() -> None:
    assert display_plate("kda123a") == "KDA 123A"
    assert display_plate("GKA123B") == "GK A123B"


def test_distinct_plates_keep_distinct_keys() -> None:
    assert plate_key("KDA 123A") != plate_key("KDA 124A")
    assert plate_key("KDA 123A") != plate_key("KDC 123A")


_CONFUSE = {"0": "O", "1": "I", "8": "B", "O": "0", "I": "1", "B": "8"}


@settings(max_examples=50, deadline=None)
@given(
    letters=st.text(alphabet="ABCDEFGHJKMNOPRSTUVWXYZ", min_size=3, max_size=3),
    digits=st.integers(min_value=0, max_value=999),
    suffix=st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ"),
    flips=st.lists(st.integers(min_value=0, max_value=6), max_size=3),
)
def test_ocr_confusions_never_change_the_key(
    letters: str, digits: int, suffix: str, flips: list[int]
) -> None:
    plate = f"K{letters[1:]}{digits:03d}{suffix}"
    read = list(plate)
    for i in flips:
        read[i] = _CONFUSE.get(read[i], read[i])
    assert plate_key("".join(read)) == plate_key(plate)
