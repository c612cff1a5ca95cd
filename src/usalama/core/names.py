"""East-African name rules: one place that decides when two written names may be one person.

Shared by the resolution and watchlist engines (engines must not import each other).

Kenyan and East-African registers write the same person's name in many ways: parts in a
different order (``Hassan Mohamed Abdi`` vs ``Mohamed Abdi Hassan``), with or without
honorifics (``Sheikh``, ``Mzee``, ``Bi``), with kinship particles (``Kamau wa Njoroge``,
``Ali bin Omar``, ``arap Moi``, ``ole Sapit``), Arabic-origin names in several
transliterations (``Mohammed``/``Muhammad``, ``Fatuma``/``Fatma``/``Fatima``), Swahili
forms that add a final vowel (``Omari``, ``Hassani``, ``Rashidi``) and initials
(``M. A. Hassan``). Everything here is a pure function of strings, so the same rules
feed the Splink comparisons (as precomputed columns) and the tests.

Deliberate non-equivalences (why they are *not* in the variant table):

* Cross-language forms such as ``Yohana``/``John``, ``Yusufu``/``Joseph``,
  ``Petro``/``Peter``, ``Maria``/``Mary`` name the same saint but a Kenyan register holds
  the form the person was registered under; equating them would merge different people
  who share a common surname.
* ``Mohamud`` is the Somali spelling of *Mahmoud* (a different Arabic name from
  *Muhammad*). It keeps its own canonical form, but shares Mohamed's phonetic key, so a
  Mohamed/Mohamud pair still reaches the weaker "phonetic" comparison level.
* ``Abdi`` is a complete Somali name; it is never merged with ``Abdiaziz`` (=Abdulaziz).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rigour.text import ascii_text
from rigour.text.phonetics import metaphone

# Titles and forms of address; stripped only while they lead the name, because some
# (``Haji``, ``Mama``) also occur as names further in.
HONORIFICS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "hon",
        "rev",
        "revd",
        "fr",
        "sr",
        "sir",
        "dame",
        "sheikh",
        "sheik",
        "shaikh",
        "shaykh",
        "haji",
        "hajji",
        "hajj",
        "alhaji",
        "hajjat",
        "hajia",
        "mzee",
        "bi",
        "bibi",
        "bw",
        "bwana",
        "mwalimu",
        "mwl",
        "ustadh",
        "ustadha",
        "imam",
        "eng",
        "engr",
        "cpl",
        "sgt",
        "insp",
        "cpt",
        "capt",
        "col",
        "gen",
        "maj",
        "lt",
        "pst",
        "pastor",
        "bishop",
        "cllr",
        "mca",
        "mp",
        "snr",
        "jnr",
    ]
)

# Kinship and origin particles ("son of", "daughter of", "father of"): they carry no
# identity of their own and are often dropped by one agency and kept by another.
PARTICLES: frozenset[str] = frozenset(
    ["wa", "bin", "binti", "bint", "ibn", "arap", "ole", "abu", "umm"]
)

# Arabic articles glue onto the next part (``Al Amin`` == ``Al-Amin`` == ``Alamin``).
_ARTICLES: frozenset[str] = frozenset({"al", "el", "ul"})
# ``Abdul Rahman`` == ``Abdulrahman``; ``Abdi`` is absent on purpose (see module doc).
_ABD_PREFIXES: frozenset[str] = frozenset({"abdul", "abdel", "abdal", "abd", "abdil", "abdu"})

# canonical form first; every spelling (including the canonical one) maps to it.
_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "mohamed",
        "mohammed",
        "muhammad",
        "mohammad",
        "muhammed",
        "mohamad",
        "mohamet",
        "mohamedi",
        "muhamad",
        "mohd",
        "mohmed",
        "mahamed",
        "muhamed",
    ),
    ("mohamud", "mahmoud", "mahmud", "mohmoud", "mahamud", "mehmud"),
    (
        "abdullahi",
        "abdullah",
        "abdulla",
        "abdallah",
        "abdalla",
        "abdillahi",
        "abdilahi",
        "abdulahi",
        "abdallahi",
    ),
    (
        "abdirahman",
        "abdulrahman",
        "abdurahman",
        "abdurrahman",
        "abdelrahman",
        "abdalrahman",
        "abdarrahman",
        "abdirahmaan",
        "abdulrehman",
        "abdalrehman",
    ),
    (
        "abdikadir",
        "abdulkadir",
        "abdulqadir",
        "abdelkader",
        "abdelkadir",
        "abdiqadir",
        "abdulkader",
        "abdalqadir",
    ),
    ("abdiaziz", "abdulaziz", "abdelaziz", "abdalaziz", "abdiasis", "abdulazizi"),
    ("abdirashid", "abdulrashid", "abdurashid", "abdelrashid"),
    ("abdiwahab", "abdulwahab", "abdelwahab", "abdulwahhab"),
    ("abdinoor", "abdinur", "abdulnur", "abdulnoor"),
    ("abdikarim", "abdulkarim", "abdelkarim", "abdulkareem"),
    ("abdisalam", "abdulsalam", "abdusalam", "abdessalam", "abdulsalaam"),
    ("hussein", "husein", "hussain", "husain", "hussien", "husseini", "husen"),
    ("hassan", "hasan", "hassani", "hasani", "hassane"),
    ("ahmed", "ahmad", "ahmet", "ahamed", "ahmedi", "ahamad"),
    ("yusuf", "yussuf", "yusufu", "yusuph", "youssef", "yousuf", "yousef", "yussuph"),
    ("omar", "omari", "umar", "omer", "umari"),
    ("ali", "aly", "alii"),
    ("fatuma", "fatma", "fatima", "fatumah", "fatimah", "fatouma"),
    ("mariam", "maryam", "miriam", "mariamu", "maryamu", "meriam"),
    ("said", "saidi", "saeed", "sayed", "sayid", "saeid"),
    ("rashid", "rashidi", "rasheed", "rachid"),
    ("othman", "osman", "uthman", "athuman", "athumani", "usman", "othmani"),
    ("ramadhan", "ramadhani", "ramadan", "ramathan"),
    ("khamis", "hamis", "hamisi", "khamisi"),
    ("salim", "salimu", "saleem", "selim"),
    ("abubakar", "abubakr", "abubakari", "abubaker", "abubakir"),
    ("ibrahim", "ibrahimu", "ebrahim", "ibraheem", "ibrahima"),
    ("ismail", "ismael", "ismaili", "ismaeel", "ismahil"),
    ("issa", "isa", "essa", "isaa"),
    ("musa", "moussa", "mussa", "musah"),
    ("suleiman", "sulaiman", "suleyman", "sleiman", "selemani", "sulemani", "suleman"),
    ("khalid", "khalidi", "khaled"),
    ("yasin", "yassin", "yaseen", "yassine"),
    ("yakub", "yaqub", "yakubu", "yacoub", "yaqoub"),
    ("daud", "daudi", "dawud", "dawood", "daoud"),
    ("idris", "idriss", "idrisa"),
    ("jama", "jaama", "jamaa"),
    ("nur", "noor", "nuur", "nuru"),
    ("amina", "aminah", "ameena", "aminat"),
    ("zainab", "zeinab", "zaynab", "zainabu", "zenab"),
    ("khadija", "khadijah", "hadija", "kadija", "khadijja", "hadijah"),
    ("halima", "halimah", "halimo"),
    ("aisha", "aysha", "ayesha", "asha", "aishah", "aicha"),
    ("rukia", "ruqayya", "rukiya", "rukiah"),
    ("mwanaisha", "mwanaesha"),
    ("hamza", "hamzah", "hamsa"),
    ("adan", "aden"),
    # English spellings that Kenyan registers mix freely; same language, same name.
    ("stephen", "steven", "stephene", "stefan"),
    ("geoffrey", "jeffrey", "jeffery", "geofrey", "jefferey"),
    ("catherine", "katherine", "cathrine", "kathryn", "catherene", "katharine"),
    ("philip", "phillip", "philipp"),
    ("matthew", "mathew"),
    ("elizabeth", "elisabeth"),
    ("josephine", "josephene"),
    ("yohana", "yohanna", "yohanes"),
    ("odhiambo", "odiambo"),
)


def _build_variant_index(groups: Iterable[Sequence[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for group in groups:
        canonical = group[0]
        for spelling in group:
            if spelling in index and index[spelling] != canonical:
                raise ValueError(f"name variant {spelling!r} is in two groups")
            index[spelling] = canonical
    return index


VARIANTS: dict[str, str] = _build_variant_index(_VARIANT_GROUPS)

_SPLIT = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['’‘`ʼ]")


def raw_tokens(text: str | None) -> list[str]:
    """Lower-case ASCII word tokens; apostrophes vanish (``O'Brien`` -> ``obrien``)."""
    if not text:
        return []
    folded = ascii_text(_APOSTROPHES.sub("", str(text))).lower()
    return [token for token in _SPLIT.split(folded) if token]


def canonical_token(token: str) -> str:
    """The canonical spelling of one name part (variants folded, case folded)."""
    token = token.lower()
    return VARIANTS.get(token, token)


def _drop_leading_honorifics(tokens: list[str]) -> list[str]:
    start = 0
    # keep at least one token: a record that is only "Mzee" still names someone
    while start < len(tokens) - 1 and tokens[start] in HONORIFICS:
        start += 1
    return tokens[start:]


def _glue_prefixes(tokens: list[str]) -> list[str]:
    """Join articles and Abd- prefixes to the part that follows them."""
    glued: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        has_next = index + 1 < len(tokens)
        if has_next and token in _ARTICLES | _ABD_PREFIXES:
            # ``abd al rahman``: glue the article first, then the prefix onto the result
            rest = _glue_prefixes(tokens[index + 1 :])
            glued.append(token + rest[0])
            glued.extend(rest[1:])
            return glued
        if has_next and token == "abu" and tokens[index + 1] in {"bakar", "bakr", "baker"}:  # noqa: S105
            glued.append("abubakar")
            index += 2
            continue
        glued.append(token)
        index += 1
    return glued


def _is_initial(token: str) -> bool:
    return len(token) == 1 and token.isalpha()


@lru_cache(maxsize=200_000)
def _name_parts(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(full canonical parts in written order, initials in written order)."""
    tokens = _glue_prefixes(_drop_leading_honorifics(raw_tokens(text)))
    full: list[str] = []
    initials: list[str] = []
    for token in tokens:
        if token in PARTICLES and len(tokens) > 1:
            continue
        if _is_initial(token):
            initials.append(token)
        elif token.isdigit():
            continue  # stray numbers (badge or row numbers) are not name parts
        else:
            full.append(canonical_token(token))
    return tuple(full), tuple(initials)


def name_parts(*parts: str | None) -> list[str]:
    """Canonical full name parts (no initials, particles or leading titles), in order."""
    return list(_name_parts(" ".join(p for p in parts if p))[0])


def name_initials_written(*parts: str | None) -> list[str]:
    """Parts written only as an initial (``M. A. Hassan`` -> ``['m', 'a']``)."""
    return list(_name_parts(" ".join(p for p in parts if p))[1])


def canonical_token_set(*parts: str | None) -> list[str]:
    """Sorted, de-duplicated canonical parts: the order-insensitive identity of a name."""
    return sorted(set(name_parts(*parts)))


def canonical_name(*parts: str | None) -> str:
    """Canonical parts sorted and space-joined; equal for re-ordered or variant spellings."""
    return " ".join(canonical_token_set(*parts))


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Metaphone of a canonical part; falls back to the part when metaphone is empty."""
    return metaphone(token) or token


def phonetic_keys(*parts: str | None) -> list[str]:
    """Sorted, de-duplicated phonetic keys of the canonical parts."""
    return sorted({phonetic_key(token) for token in name_parts(*parts)})


def initials(*parts: str | None) -> str:
    """Sorted first letters of every part, full or initial: ``M. A. Hassan`` -> ``ahm``."""
    full, written = _name_parts(" ".join(p for p in parts if p))
    return "".join(sorted([token[0] for token in full] + list(written)))


def initials_compatible(left: str, right: str) -> bool:
    """Could one written name be the other with some parts reduced to initials or left out?

    At least one full part must be shared (two bare sets of initials never match); each
    initial must stand for a distinct unshared part on the other side with that first
    letter; and parts left over may sit on one side only (an omitted middle name), since
    leftovers on both sides mean two different names (``Mohamed X`` vs ``Ali Y``).
    """
    left_full, left_initials = _name_parts(left)
    right_full, right_initials = _name_parts(right)
    shared = set(left_full) & set(right_full)
    if not shared:
        return False
    left_rest = [t for t in left_full if t not in shared]
    right_rest = [t for t in right_full if t not in shared]
    unmatched_left_initials = _consume_by_initial(list(left_initials), right_rest)
    unmatched_right_initials = _consume_by_initial(list(right_initials), left_rest)
    left_leftover = bool(left_rest) or bool(unmatched_left_initials)
    right_leftover = bool(right_rest) or bool(unmatched_right_initials)
    return not (left_leftover and right_leftover)


def _consume_by_initial(initial_letters: list[str], full_parts: list[str]) -> list[str]:
    """Pair initials with parts of the same first letter, removing both; return the rest."""
    unmatched: list[str] = []
    for letter in initial_letters:
        partner = next((part for part in full_parts if part[0] == letter), None)
        if partner is None:
            unmatched.append(letter)
        else:
            full_parts.remove(partner)
    return unmatched


def token_set_similarity(left: str, right: str) -> float:
    """Jaccard similarity of canonical part sets (order-insensitive, variant-aware)."""
    left_set = set(canonical_token_set(left))
    right_set = set(canonical_token_set(right))
    if not left_set and not right_set:
        return 1.0
    return len(left_set & right_set) / len(left_set | right_set)


@dataclass(frozen=True, slots=True)
class NameFeatures:
    """The SQL-friendly columns the Splink name comparison reads."""

    canonical: str  # sorted canonical parts, space-joined ("" if no name)
    tokens: list[str]  # sorted canonical parts
    phonetic: list[str]  # sorted phonetic keys of the parts
    phonetic_key: str  # the phonetic keys space-joined (exact-level friendly)
    initials: str  # sorted first letters of all parts, including written initials
    has_initials: bool  # some part was written as an initial


def name_features(*parts: str | None) -> NameFeatures:
    text = " ".join(p for p in parts if p)
    full, written = _name_parts(text)
    tokens = sorted(set(full))
    phonetic = sorted({phonetic_key(t) for t in tokens})
    return NameFeatures(
        canonical=" ".join(tokens),
        tokens=tokens,
        phonetic=phonetic,
        phonetic_key=" ".join(phonetic),
        initials="".join(sorted([t[0] for t in full] + list(written))),
        has_initials=bool(written),
    )
