"""How alike a record is to a watchlist entry: a score in [0, 1] and the reasons for it.

The name score follows the resolution engine's name rules (``usalama.core.names``): parts are
compared after variants are folded (Mohamed/Muhammad, Hassan/Hasani), particles (wa, bin,
arap) and leading titles dropped, in any order. Parts that differ are compared by phonetic
key and then by Jaro-Winkler; a part written as an initial stands for an unmatched part with
that first letter. Then birth date, nationality and identifiers move the score: a shared
identifier is near-certain, a different birth year or nationality counts strongly against
(two people who merely share a name).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rigour.text.distance import jaro_winkler

from usalama.analysis.watchlist.subjects import Name, Subject
from usalama.core.names import phonetic_key

DEFAULT_THRESHOLD = 0.7

PHONETIC_SIMILARITY = 0.9
INITIAL_SIMILARITY = 0.8
FUZZY_FLOOR = 0.86  # Jaro-Winkler below this is a different part
SOUND_ALIKE_FLOOR = 0.8  # ... unless the parts also sound alike
# A part present on one side only (an omitted middle name, or another person who shares two
# of three parts) counts fully against: "Ann Ruto" ~ "Ann Ruto Mutai" needs a birth date.
ONE_SIDED_LEFTOVER = 1.0

BIRTH_EXACT = 0.08
BIRTH_PARTIAL = 0.03  # year (or year-month) agrees; one side only has the year
BIRTH_SAME_YEAR_OTHER_DAY = -0.15
BIRTH_DIFFERENT = -0.35
COUNTRY_SAME = 0.02  # weak: most people on a Kenyan list are Kenyan
COUNTRY_DIFFERENT = -0.32
IDENTIFIER_SAME = 0.99
IDENTIFIER_FLOOR = 0.9
IDENTIFIER_DIFFERENT = -0.25


@dataclass(frozen=True, slots=True)
class NameComparison:
    score: float
    reason: str


def _part_similarity(left: str, right: str) -> float:
    if left == right:
        return 1.0
    similarity = jaro_winkler(left, right)
    # a shared phonetic key alone is too generous (Hassan/Hussein, Collins/Kilonzo share one):
    # it lifts only parts that are already spelt alike
    if similarity >= SOUND_ALIKE_FLOOR and phonetic_key(left) == phonetic_key(right):
        return max(similarity, PHONETIC_SIMILARITY)
    return similarity if similarity >= FUZZY_FLOOR else 0.0


def compare_names(left: Name, right: Name) -> NameComparison:
    """Score two written names of people or organisations (order-insensitive)."""
    if not left.parts or not right.parts:
        return NameComparison(0.0, "no comparable name")
    score, detail = _compare_parts(left.parts, left.initials, right.parts, right.initials)
    if score == 0.0:
        return NameComparison(0.0, detail)
    return NameComparison(score, f"name {left.written!r} ~ {right.written!r}: {detail}")


@lru_cache(maxsize=500_000)
def _compare_parts(
    left_tuple: tuple[str, ...],
    left_initial_tuple: tuple[str, ...],
    right_tuple: tuple[str, ...],
    right_initial_tuple: tuple[str, ...],
) -> tuple[float, str]:
    left_parts = list(left_tuple)
    right_parts = list(right_tuple)
    # every candidate pairing, best first; greedy assignment is exact enough for names of
    # two to five parts and keeps screening linear
    candidates = sorted(
        (
            (_part_similarity(a, b), i, j)
            for i, a in enumerate(left_parts)
            for j, b in enumerate(right_parts)
        ),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    total = 0.0
    kinds: set[str] = set()
    for similarity, i, j in candidates:
        if similarity <= 0.0:
            break
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        total += similarity
        if similarity < 1.0:
            kinds.add("spelling")
    matched = len(used_left)
    if matched == 0:
        return 0.0, "no name part in common"
    left_rest = [p for i, p in enumerate(left_parts) if i not in used_left]
    right_rest = [p for j, p in enumerate(right_parts) if j not in used_right]
    left_initials = list(left_initial_tuple)
    right_initials = list(right_initial_tuple)
    for initials, rest in ((left_initials, right_rest), (right_initials, left_rest)):
        for letter in list(initials):
            partner = next((p for p in rest if p[0] == letter), None)
            if partner is not None:
                rest.remove(partner)
                initials.remove(letter)
                total += INITIAL_SIMILARITY
                matched += 1
                kinds.add("initials")
    left_over = len(left_rest) + len(left_initials)
    right_over = len(right_rest) + len(right_initials)
    denominator: float
    if left_over and right_over:
        denominator = matched + left_over + right_over
        kinds.add("different parts")
    elif left_over or right_over:
        denominator = matched + ONE_SIDED_LEFTOVER * (left_over + right_over)
        kinds.add("part missing on one side")
    else:
        denominator = matched
    if [p for p in left_parts] != [p for p in right_parts] and sorted(left_parts) == sorted(
        right_parts
    ):
        kinds.add("order differs")
    return total / denominator, ", ".join(sorted(kinds)) if kinds else "same parts"


def _best_name(record: Subject, entry: Subject) -> NameComparison:
    best = NameComparison(0.0, "no comparable name")
    for left in record.names:
        for right in entry.names:
            comparison = compare_names(left, right)
            if comparison.score > best.score:
                best = comparison
                if best.score >= 1.0:
                    return best
    return best


def _birth(record: Subject, entry: Subject) -> tuple[float, str] | None:
    if not record.birth_dates or not entry.birth_dates:
        return None
    best: tuple[float, str] | None = None
    for left in record.birth_dates:
        for right in entry.birth_dates:
            if left == right:
                outcome = (BIRTH_EXACT, f"birth date {left} equal")
            elif left[:4] != right[:4]:
                outcome = (BIRTH_DIFFERENT, f"birth date {left} differs from {right}")
            elif len(left) < 10 or len(right) < 10:
                outcome = (BIRTH_PARTIAL, f"birth year {left[:4]} equal")
            else:
                outcome = (BIRTH_SAME_YEAR_OTHER_DAY, f"birth date {left} differs from {right}")
            if best is None or outcome[0] > best[0]:
                best = outcome
    return best


def _country(record: Subject, entry: Subject) -> tuple[float, str] | None:
    if not record.countries or not entry.countries:
        return None
    common = record.countries & entry.countries
    if common:
        return COUNTRY_SAME, f"nationality {sorted(common)[0]} equal ({COUNTRY_SAME:+.2f})"
    return COUNTRY_DIFFERENT, (
        f"nationality {'/'.join(sorted(record.countries))} differs from "
        f"{'/'.join(sorted(entry.countries))} ({COUNTRY_DIFFERENT:+.2f})"
    )


def score_pair(record: Subject, entry: Subject, floor: float = 0.0) -> tuple[float, list[str]]:
    """Score one record against one entry; the explanation lists every contribution.

    With ``floor`` > 0 a pair that cannot reach it even with a perfect name (a different
    birth year, another nationality) is answered (0.0, []) without comparing names: most
    candidates of a large screen are such pairs.
    """
    shared = record.identifiers & entry.identifiers
    birth = _birth(record, entry)
    country = _country(record, entry)
    adjustment = (birth[0] if birth else 0.0) + (country[0] if country else 0.0)
    if floor > 0.0 and not shared and 1.0 + max(adjustment, 0.0) + min(adjustment, 0.0) < floor:
        return 0.0, []
    reasons: list[str] = []
    score = 0.0
    if record.names and entry.names:
        name = _best_name(record, entry)
        score = name.score
        reasons.append(f"{name.reason} ({name.score:.2f})")
    if shared:
        kind, value = sorted(shared)[0]
        score = max(score, IDENTIFIER_SAME)
        reasons.append(f"{kind} {value} equal")
    elif score > 0.0:
        record_kinds = {k for k, _ in record.identifiers}
        entry_kinds = {k for k, _ in entry.identifiers}
        clashing = sorted(record_kinds & entry_kinds - {"phone", "email"})
        if clashing:
            score += IDENTIFIER_DIFFERENT
            reasons.append(f"{clashing[0]} differs ({IDENTIFIER_DIFFERENT:+.2f})")
    if score <= 0.0:
        return 0.0, reasons
    for part in (birth, country):
        if part is not None:
            score += part[0]
            reasons.append(part[1] if part is country else f"{part[1]} ({part[0]:+.2f})")
    if shared:
        # a shared document, plate or wallet outweighs a disagreeing date or country
        score = max(score, IDENTIFIER_FLOOR)
    return max(0.0, min(1.0, score)), reasons
