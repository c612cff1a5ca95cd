"""Size limits checked before a file is read, so a 2 GB upload fails at once."""

from __future__ import annotations

from pathlib import Path

from usalama.core.errors import InvalidInput, TooLarge

MAX_FIELD_CHARS = 1_000_000  # one CSV cell or one JSON line larger than this is not data
MAX_ERRORS_KEPT = 10_000  # beyond this, errors are counted but not listed


def check_file(path: Path, max_bytes: int) -> int:
    """The file's size in bytes; TooLarge past ``max_bytes``, InvalidInput if empty/missing."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InvalidInput(f"cannot read {path.name!r}: {error.strerror}") from error
    if not path.is_file():
        raise InvalidInput(f"{path.name!r} is not a file")
    if size > max_bytes:
        raise TooLarge(
            f"{path.name!r} is {size:,} bytes; the limit is {max_bytes:,} "
            "(USALAMA_MAX_UPLOAD_BYTES)"
        )
    if size == 0:
        raise InvalidInput(f"{path.name!r} is empty")
    return size
