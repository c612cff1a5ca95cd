"""When two written names may be one company, organisation or group.

Company registers, bank KYC files and police records write the same firm as
"Kamau Holdings Limited", "KAMAU HOLDINGS LTD.", "Kamau Holdings (K) Ltd" or "Kampuni ya
Kamau Holdings". The legal form says little about identity (a clerk writes "Ltd" for
"Limited" or leaves it out) while the distinctive words say a lot, so the canonical form
keeps only the distinctive words:

* tokens folded like person names (``raw_tokens``: ASCII, lower case, apostrophes gone);
* legal-form words dropped, in any language rigour knows (Ltd/Limited, LLC, PLC, Inc,
  GmbH, SARL, ...) plus the East-African ones it does not: Kampuni (ya), Chama, "(K)"
  for Kenya, Co./Company, Group when it is the last word, and the article "the";
* ``&`` and "and" dropped, so "Kamau & Sons" = "Kamau and Sons";
* personal-name spellings folded as for people (Mohammed → Mohamed);
* the remaining words sorted, like person names, because registers reorder them
  ("Traders Nairobi" in a sorted export).

Words describing what the body *is* (Sacco, Cooperative, Association, Welfare, Youth)
are kept: "Kisumu Traders Sacco" and "Kisumu Traders Association" are different bodies.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.names import remove_org_types

from usalama.analysis.resolve.names import canonical_token, raw_tokens

# Legal-form and filler words rigour's org-type list does not drop (checked against it).
_EXTRA_LEGAL_WORDS = frozenset(
    {
        "ltd",
        "limited",
        "co",
        "company",
        "plc",
        "llc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "kampuni",
        "the",
        "and",
    }
)
# Only dropped at the end: "Group" names a structure in "Kamau Group", but is the
# distinctive word in "Group Four Security".
_TRAILING_WORDS = frozenset({"group", "k", "kenya", "ea", "africa"})
# Swahili connector in "Kampuni ya X": dropped right after "kampuni".
_CONNECTORS = frozenset({"ya", "la", "wa"})


@lru_cache(maxsize=100_000)
def org_name_parts(text: str) -> tuple[str, ...]:
    """Distinctive words of an organisation's name, in written order."""
    tokens = raw_tokens(text)
    # rigour's list covers multi-word legal forms in many languages ("public limited
    # company", "gmbh", "pty"), so it runs first, on the whole folded name
    words = remove_org_types(" ".join(tokens)).split() if tokens else []
    cleaned: list[str] = []
    for index, token in enumerate(words):
        if token in _EXTRA_LEGAL_WORDS:
            continue
        if token in _CONNECTORS and index > 0 and words[index - 1] == "kampuni":
            continue
        cleaned.append(token)
    while len(cleaned) > 1 and cleaned[-1] in _TRAILING_WORDS:
        cleaned.pop()
    # a name that is nothing but legal words ("The Company Ltd") keeps its words
    # personal names inside firm names vary like any other ("Mohammed Traders")
    return tuple(canonical_token(t) for t in (cleaned or tokens))


def org_canonical_name(text: str) -> str:
    """Sorted distinctive words: equal for legal-form and word-order variants."""
    return " ".join(sorted(set(org_name_parts(text))))
