"""Federation engine: identities, sealed bundles, private set intersection (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.analysis.federation import psi
from usalama.analysis.federation.bundle import BundleRefused, open_bundle, seal
from usalama.analysis.federation.keys import BadKey, Identity, PublicIdentity

KENYA = Identity.generate()
UGANDA = Identity.generate()
TANZANIA = Identity.generate()
PAYLOAD = {"collection": {"key": "dci-intel"}, "statements": [["p1", "Person", "name", "Asha"]]}
SEALED = seal(KENYA, UGANDA.public(), PAYLOAD)
TRUSTED = {KENYA.public().text(): "kenya"}


def test_public_identity_round_trips_and_rejects_junk() -> None:
    text = KENYA.public().text()
    assert PublicIdentity.parse(text).text() == text
    signing, receiving = KENYA.private_bytes()
    assert Identity.from_private_bytes(signing, receiving).public().text() == text
    for bad in ("", "usl1.abc", "ssh-ed25519 AAAA", text[:-2]):
        with pytest.raises(BadKey):
            PublicIdentity.parse(bad)


def test_recipient_opens_what_was_sealed_for_it() -> None:
    peer, opened = open_bundle(UGANDA, SEALED, TRUSTED)
    assert peer == "kenya" and opened.sender == KENYA.public().text()
    assert opened.payload["statements"] == PAYLOAD["statements"]


def test_misaddressed_unknown_sender_and_unsigned_are_refused() -> None:
    with pytest.raises(BundleRefused, match="addressed to another"):
        open_bundle(TANZANIA, SEALED, TRUSTED)
    with pytest.raises(BundleRefused, match="not a trusted peer"):
        open_bundle(UGANDA, SEALED, {})
    unsigned = SEALED.replace(SEALED[SEALED.rindex(b'"signature":') :], b'"signature":""}')
    with pytest.raises(BundleRefused):
        open_bundle(UGANDA, unsigned, TRUSTED)
    # a stranger re-signing Kenya's bundle under Kenya's name does not verify
    forged = seal(TANZANIA, UGANDA.public(), PAYLOAD)
    forged = forged.replace(TANZANIA.public().text().encode(), KENYA.public().text().encode())
    with pytest.raises(BundleRefused, match="signature"):
        open_bundle(UGANDA, forged, TRUSTED)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_any_flipped_byte_is_refused(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(SEALED) - 1))
    mask = data.draw(st.integers(1, 255))
    tampered = bytearray(SEALED)
    tampered[position] ^= mask
    with pytest.raises(BundleRefused):
        open_bundle(UGANDA, bytes(tampered), TRUSTED)


identifiers = st.sets(st.from_regex(r"25470[0-9]{7}", fullmatch=True), max_size=30)


@settings(max_examples=25, deadline=None)
@given(ours=identifiers, theirs=identifiers, shared=identifiers)
def test_psi_returns_exactly_the_shared_identifiers(
    ours: set[str], theirs: set[str], shared: set[str]
) -> None:
    server_set = psi.build_server_set(sorted(theirs | shared))
    asker = psi.Asker(sorted(ours | shared))
    response, asked = psi.answer(server_set, asker.request())
    assert asked == len(ours | shared)
    assert asker.hits(server_set.setup, response) == sorted((ours | shared) & (theirs | shared))


def test_psi_server_key_is_reusable() -> None:
    first = psi.build_server_set(["A1", "B2"])
    again = psi.build_server_set(["A1", "B2", "C3"], key=first.key)
    asker = psi.Asker(["C3", "Z9"])
    response, _ = psi.answer(again, asker.request())
    assert asker.hits(again.setup, response) == ["C3"]
