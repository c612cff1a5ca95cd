"""The East-African name rules now live in ``usalama.core.names`` so that every engine
(resolution, watchlist screening) can share them without importing another engine.
This module re-exports them for the resolution engine's existing imports."""

from usalama.core.names import (
    HONORIFICS,
    PARTICLES,
    VARIANTS,
    NameFeatures,
    canonical_name,
    canonical_token,
    canonical_token_set,
    initials,
    initials_compatible,
    name_features,
    name_initials_written,
    name_parts,
    phonetic_key,
    phonetic_keys,
    raw_tokens,
    token_set_similarity,
)

__all__ = [
    "HONORIFICS",
    "PARTICLES",
    "VARIANTS",
    "NameFeatures",
    "canonical_name",
    "canonical_token",
    "canonical_token_set",
    "initials",
    "initials_compatible",
    "name_features",
    "name_initials_written",
    "name_parts",
    "phonetic_key",
    "phonetic_keys",
    "raw_tokens",
    "token_set_similarity",
]
