"""Watchlist screening engine: records against watchlist entries (FtM entities), no Django.

Names are compared with the East-African name rules of ``usalama.core.names`` (shared with the
resolution engine); identifiers match exactly after normalisation; plates are Kenyan plates
with OCR confusions folded. See ``docs/watchlists.md``.
"""

from usalama.analysis.watchlist.plates import display_plate, normalise_plate, plate_key
from usalama.analysis.watchlist.scoring import DEFAULT_THRESHOLD, score_pair
from usalama.analysis.watchlist.screening import Match, WatchlistIndex, blocking_keys, screen
from usalama.analysis.watchlist.subjects import (
    Subject,
    read_entities,
    read_subjects,
    subject_from_ftm,
    subjects_from,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "Match",
    "Subject",
    "WatchlistIndex",
    "blocking_keys",
    "display_plate",
    "normalise_plate",
    "plate_key",
    "read_entities",
    "read_subjects",
    "score_pair",
    "screen",
    "subject_from_ftm",
    "subjects_from",
]
