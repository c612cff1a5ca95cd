"""Grouping likely duplicates for triage: same category, nearby place, close in time, similar text.

Text similarity compares words, so it cannot see that an English and a Swahili report tell the
same story. Two reports of the same category from the same place within ``SAME_EVENT_WINDOW``
are grouped whatever their wording: the same motorbike theft reported twice, two minutes
apart, in English and in Swahili, lands in one group. (A group is a suggestion to the desk
officer, who decides.)

Pure Python over small dataclasses; the queue passes the recent open submissions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

TIME_WINDOW = timedelta(hours=48)
NEAR_KM = 3.0
MIN_JACCARD = 0.25
SAME_EVENT_WINDOW = timedelta(hours=2)
_TOKEN = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class Item:
    key: str
    category: str
    when: datetime
    text: str
    ward: str = ""
    sub_county: str = ""
    county: str = ""
    place: str = ""
    lat: float | None = None
    lon: float | None = None


def tokens(text: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _km(a: Item, b: Item) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def near(a: Item, b: Item) -> bool:
    distance = _km(a, b)
    if distance is not None:
        return distance <= NEAR_KM
    if a.ward and b.ward:
        return a.ward == b.ward and a.sub_county == b.sub_county
    if a.sub_county and b.sub_county:
        return a.sub_county == b.sub_county
    if a.place and b.place:
        return jaccard(tokens(a.place), tokens(b.place)) >= 0.5
    return bool(a.county and a.county == b.county)


def likely_duplicates(a: Item, b: Item) -> bool:
    if a.category != b.category or not near(a, b):
        return False
    apart = abs(a.when - b.when)
    if apart <= SAME_EVENT_WINDOW:
        return True
    return apart <= TIME_WINDOW and jaccard(tokens(a.text), tokens(b.text)) >= MIN_JACCARD


def group(items: list[Item]) -> list[list[str]]:
    """Connected groups (union-find) of keys; singletons included, input order kept."""
    parent = {item.key: item.key for item in items}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if likely_duplicates(a, b):
                parent[find(b.key)] = find(a.key)
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(find(item.key), []).append(item.key)
    return list(groups.values())
