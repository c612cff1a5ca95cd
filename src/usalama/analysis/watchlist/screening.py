"""Screen records against a watchlist: block cheaply, then score the few candidates.

Blocking keys (an entry is a candidate only if it shares one with the record):

* every identifier, by kind, exactly after normalisation (plates OCR-folded, phones E.164);
* for names of two or more parts: every pair of phonetic keys of canonical parts; for names of
  two parts also every (phonetic key, first and last letters of the other part), and for names with
  initials every (phonetic key, initial) — so one badly misspelt part, an order swap or an
  initial still leaves a shared key;
* for names of one full part (``M. A. Hassan``): that part's phonetic key.

Keys of very common single parts would make every Mohamed a candidate of every Mohamed; the
pair keys keep candidates few, and single-part keys are only looked up for single-part names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from usalama.analysis.watchlist.scoring import DEFAULT_THRESHOLD, score_pair
from usalama.analysis.watchlist.subjects import Name, Subject
from usalama.core.names import phonetic_key


@dataclass(frozen=True, slots=True)
class Match:
    record_id: str
    entry_id: str
    score: float
    explanation: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "record_id": self.record_id,
            "entry_id": self.entry_id,
            "score": round(self.score, 4),
            "explanation": list(self.explanation),
        }


def _compatible(record: Subject, entry: Subject) -> bool:
    if record.kind == entry.kind:
        return True
    # a LegalEntity (kind organization) entry may name a person and vice versa
    return "LegalEntity" in (record.schema, entry.schema)


def _name_keys(name: Name, *, for_entry: bool) -> set[str]:
    sounds = [phonetic_key(p) for p in name.parts]
    keys: set[str] = set()
    # (sound, first and last letters of another part) survives a misspelling that changes one
    # part's sound; records look it up only when they have no third part to pair with
    loose = for_entry or len(sounds) == 2
    for i, left in enumerate(sounds):
        for j, right in enumerate(sounds):
            if i < j:
                keys.add("p:" + "|".join(sorted((left, right))))
            if i != j and loose:
                keys.add(f"g:{left}|{name.parts[j][0]}{name.parts[j][-1]}")
            if i != j and (for_entry or (name.initials and len(sounds) == 2)):
                keys.add(f"f:{left}|{name.parts[j][0]}")
        for letter in name.initials:
            keys.add(f"f:{left}|{letter}")
    if for_entry or len(sounds) == 1:
        keys.update("s:" + s for s in sounds)
    return keys


def blocking_keys(subject: Subject, *, for_entry: bool = False) -> set[str]:
    keys = {f"i:{kind}:{value}" for kind, value in subject.identifiers}
    for name in subject.names:
        keys |= _name_keys(name, for_entry=for_entry)
    return keys


class WatchlistIndex:
    """Entries indexed by blocking key; build once, screen many records."""

    def __init__(self, entries: Iterable[Subject]) -> None:
        self.entries: list[Subject] = list(entries)
        self._by_key: dict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(self.entries):
            for key in blocking_keys(entry, for_entry=True):
                self._by_key[key].append(position)

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, record: Subject) -> set[int]:
        found: set[int] = set()
        for key in blocking_keys(record):
            found.update(self._by_key.get(key, ()))
        return found

    def screen_one(self, record: Subject, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
        matches = []
        for position in self.candidates(record):
            entry = self.entries[position]
            if not _compatible(record, entry):
                continue
            score, reasons = score_pair(record, entry, threshold)
            if score >= threshold:
                matches.append(Match(record.id, entry.id, score, tuple(reasons)))
        matches.sort(key=lambda m: (-m.score, m.entry_id))
        return matches

    def scored(self, record: Subject) -> Iterator[tuple[str, float]]:
        """(entry id, score) for every compatible candidate: the raw material of a PR curve."""
        for position in self.candidates(record):
            entry = self.entries[position]
            if _compatible(record, entry):
                yield entry.id, score_pair(record, entry)[0]


def screen(
    records: Iterable[Subject],
    entries: Iterable[Subject] | WatchlistIndex,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Match]:
    """Every (record, entry) pair scoring at or above ``threshold``, best first."""
    index = entries if isinstance(entries, WatchlistIndex) else WatchlistIndex(entries)
    matches = [m for record in records for m in index.screen_one(record, threshold)]
    matches.sort(key=lambda m: (-m.score, m.record_id, m.entry_id))
    return matches
