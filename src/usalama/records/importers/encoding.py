"""Text encodings of agency files: UTF-8 (with or without BOM), Windows-1252, Latin-1.

Excel on Windows writes CSV as cp1252; older systems write Latin-1. The two differ only in
0x80-0x9F, where cp1252 has printable characters and Latin-1 has control codes, so a byte in
that range that cp1252 leaves undefined means Latin-1.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TextIO

from usalama.core.errors import InvalidInput

SNIFF_BYTES = 1 << 20
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_TEXT_CONTROLS = frozenset({0x09, 0x0A, 0x0C, 0x0D})


def detect(head: bytes) -> str:
    """The encoding of a file from its first bytes. Binary content raises InvalidInput."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput("the file is UTF-16; save it as UTF-8 and import again")
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if b"\x00" in head or controls > max(8, len(head) // 100):
        raise InvalidInput("the file is binary, not text (does its format match its name?)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    high = {b for b in head if 0x80 <= b <= 0x9F}
    if high & _CP1252_UNDEFINED:
        return "latin-1"
    return "cp1252"


def open_text(path: Path) -> tuple[TextIO, str]:
    """The file opened as text in its detected encoding (newlines untranslated, for csv)."""
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    encoding = detect(head)
    handle = path.open(encoding=encoding, errors="strict", newline="")
    return handle, encoding


def decode_error(error: UnicodeDecodeError, encoding: str, where: str) -> InvalidInput:
    return InvalidInput(
        f"{where}: bytes that are not valid {encoding} (is the file truncated or mixed encodings?)"
    )
