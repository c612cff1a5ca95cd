"""Kenyan number plates: one spelling per plate, whatever the camera or the clerk wrote.

Plates reach us from ANPR cameras (OCR confuses ``O``/``0``, ``I``/``1``, ``B``/``8``) and from
registers typed by hand (spaces, dashes, lower case). Kenyan formats:

* private and commercial: ``KDA 123A`` (``K`` + two letters, three digits, one letter) and
  the older ``KAA 123`` without the final letter;
* government: ``GK A123B`` / ``GKA 123B`` / ``GK 123A``;
* diplomatic: ``CD 12 K 34`` / ``12 CD 34K`` (digits and letters mixed).

``normalise_plate`` returns the display form with OCR confusions corrected *where the format
says which of letter or digit belongs*; ``plate_key`` folds every confusable pair to one
character so that two readings of the same plate always share a key (a lookup key, never
shown to anyone).
"""

from __future__ import annotations

import re

_JUNK = re.compile(r"[^A-Z0-9]")
_TO_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "B": "8", "S": "5", "Z": "2"}
)
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z"})
# Only the three confusions the sensors report are folded in the key: folding S/5 or Z/2
# too would join plates that differ by one real character more often than it would help.
_KEY_FOLD = str.maketrans({"O": "0", "I": "1", "B": "8"})

# Recognised formats, most specific first: L = letter, D = digit, lower case = that letter.
_SHAPES: tuple[str, ...] = (
    "kLLDDDL",  # KDA123A
    "kLLDDD",  # KAA123 (older)
    "gkLDDDL",  # GKA123B
    "gkDDDL",  # GK123A
    "cdDDLDD",  # CD12K34
    "DDcdDDL",  # 12CD34K
)


def compact(plate: str) -> str:
    """Upper case, no spaces or punctuation."""
    return _JUNK.sub("", plate.upper())


def _fits(text: str, shape: str) -> bool:
    if len(text) != len(shape):
        return False
    for char, kind in zip(text, shape, strict=True):
        if kind == "L" and not (char.isalpha() or char in "01825"):
            return False
        if kind == "D" and not (char.isdigit() or char in "OQDILBSZ"):
            return False
        if kind.islower() and char.translate(_TO_LETTER) != kind.upper():
            return False
    return True


def _apply(text: str, shape: str) -> str:
    out = []
    for char, kind in zip(text, shape, strict=True):
        if kind == "D":
            out.append(char.translate(_TO_DIGIT))
        elif kind == "L":
            out.append(char.translate(_TO_LETTER))
        else:
            out.append(kind.upper())
    return "".join(out)


def normalise_plate(plate: str) -> str:
    """The plate in canonical compact form (``KDA123A``); OCR confusions fixed by position.

    A plate in no recognised format is returned compacted but otherwise as read.
    """
    text = compact(plate)
    for shape in _SHAPES:
        if _fits(text, shape):
            return _apply(text, shape)
    return text


def display_plate(plate: str) -> str:
    """``KDA123A`` -> ``KDA 123A``; ``GKA123B`` -> ``GK A123B``; others unchanged."""
    text = normalise_plate(plate)
    if re.fullmatch(r"K[A-Z]{2}\d{3}[A-Z]?", text):
        return f"{text[:3]} {text[3:]}"
    if re.fullmatch(r"GK[A-Z]?\d{3}[A-Z]", text):
        return f"GK {text[2:]}"
    return text


def plate_key(plate: str) -> str:
    """A lookup key shared by every OCR reading of one plate (O/0, I/1, B/8 folded)."""
    return normalise_plate(plate).translate(_KEY_FOLD)
