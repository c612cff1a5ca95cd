"""Hypothesis properties of the pure name-variant functions."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from usalama.demo.names import (
    COMMUNITIES,
    SPELLING_VARIANTS,
    NameParts,
    initials,
    name_variant,
    spelling_variant,
    swap_order,
    typo,
)

_ALL = sorted({n for c in COMMUNITIES for n in (*c.male, *c.female, *c.surnames)})
names = st.sampled_from(_ALL)
seeds = st.integers(0, 2**32)
parts = st.builds(NameParts, names, st.none() | names, names)


@given(names, seeds)
def test_typo_is_one_edit_and_never_empty(name: str, seed: int) -> None:
    out = typo(name, random.Random(seed))
    assert out
    assert out[0] == name[0]
    assert abs(len(out) - len(name)) <= 1


@given(names, seeds)
def test_spelling_variant_is_genuine(name: str, seed: int) -> None:
    out = spelling_variant(name, random.Random(seed))
    assert out
    if name in SPELLING_VARIANTS:
        assert out in SPELLING_VARIANTS[name] and out != name
        assert name in SPELLING_VARIANTS[out]
    else:
        assert out == name


def test_distinct_names_are_not_variants() -> None:
    assert "Akinyi" not in SPELLING_VARIANTS.get("Achieng", ())
    assert "Mohammed" in SPELLING_VARIANTS["Mohamed"]


@given(parts)
def test_initials_match(p: NameParts) -> None:
    out = initials(p)
    tokens = out.split()
    assert tokens[-1] == p.surname
    expected = [f"{x[0]}." for x in (p.given, p.middle) if x]
    assert tokens[:-1] == expected
    assert initials(NameParts("Mohamed", "Abdi", "Hassan")) == "M. A. Hassan"


@given(parts)
def test_swap_keeps_the_same_names(p: NameParts) -> None:
    swapped = swap_order(p)
    assert sorted(swapped.full.split()) == sorted(p.full.split())


@given(parts, seeds)
def test_name_variant_never_empty(p: NameParts, seed: int) -> None:
    kind, out = name_variant(p, random.Random(seed))
    assert kind in {"exact", "spelling", "typo", "no_middle", "swap", "initials"}
    if out is None:
        assert kind == "initials"
    else:
        assert out.given and out.surname and out.full.strip()
