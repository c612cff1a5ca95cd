"""Screening: name rules, dates, nationality and identifiers; and accuracy on a generated set."""

from __future__ import annotations

from typing import Any

import pytest

from usalama.analysis.watchlist import WatchlistIndex, screen, subject_from_ftm
from usalama.analysis.watchlist.evaluate import all_scores, curve, point
from usalama.analysis.watchlist.generate import generate
from usalama.analysis.watchlist.subjects import subjects_from
from usalama.core.errors import InvalidInput


def person(eid: str, name: str, **props: Any) -> Any:
    properties = {"name": [name], **{k: [v] for k, v in props.items()}}
    return subject_from_ftm({"id": eid, "schema": "Person", "properties": properties})


WANTED = person("w1", "Mohamed Ali Hassan", birthDate="1980-02-03", nationality="so")


@pytest.mark.parametrize(
    "written",
    [
        "Hassan Muhammad Ali",  # order swap + transliteration
        "M. A. Hasan",  # initials + variant
        "Sheikh Mohamed bin Ali Hassan",  # title + particle
        "MOHAMMED ALI HASAN",
        "Mohamed Aly Hasssan",  # misspelling
    ],
)
def test_variants_of_a_wanted_name_match(written: str) -> None:
    matches = screen([person("r", written)], [WANTED])
    assert [m.entry_id for m in matches] == ["w1"]
    assert matches[0].explanation[0].startswith("name ")


def test_same_name_other_birth_year_and_nationality_is_not_a_match() -> None:
    decoy = person("r", "Mohamed Ali Hassan", birthDate="1991-02-03", nationality="ke")
    assert screen([decoy], [WANTED]) == []
    score_all = screen([decoy], [WANTED], threshold=0.0)
    assert any("differs" in reason for reason in score_all[0].explanation)


def test_different_people_sharing_one_part_do_not_match() -> None:
    assert screen([person("r", "Hussein Ali Kamau")], [WANTED]) == []


def test_identifier_matches_exactly_after_normalisation() -> None:
    entry = person("w2", "Peter Otieno", idNumber="12345678")
    record = person("r", "P. Otieno Okoth", idNumber="12 345 678")
    matches = screen([record], [entry])
    assert matches and matches[0].score >= 0.9
    assert any("id 12345678 equal" in reason for reason in matches[0].explanation)


def test_wallets_and_plates_match_without_names() -> None:
    wallet = subject_from_ftm(
        {"id": "wal", "schema": "CryptoWallet", "properties": {"publicKey": ["0xAbC123def456"]}}
    )
    seen = subject_from_ftm(
        {"id": "r", "schema": "CryptoWallet", "properties": {"publicKey": ["0xabc123DEF456"]}}
    )
    car = subject_from_ftm(
        {"id": "car", "schema": "Vehicle", "properties": {"registrationNumber": ["KDA 123A"]}}
    )
    sighted = subject_from_ftm(
        {"id": "s", "schema": "Vehicle", "properties": {"registrationNumber": ["kda i23a"]}}
    )
    matches = screen([seen, sighted], [wallet, car])
    assert {(m.record_id, m.entry_id) for m in matches} == {("r", "wal"), ("s", "car")}


def test_malformed_entity_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="'id'"):
        subject_from_ftm({"schema": "Person", "properties": {}})


def test_results_are_best_first() -> None:
    entries = [WANTED, person("w3", "Ali Hassan", nationality="so")]
    matches = screen([person("r", "Mohamed Ali Hassan", nationality="so")], entries, 0.5)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert matches[0].entry_id == "w1"


def test_accuracy_on_generated_set_meets_the_bar_at_the_default_threshold() -> None:
    """2,000 watchlist persons and 50,000 records (the size the issue asks for)."""
    test_set = generate(persons=2000, records=50_000, seed=17)
    index = WatchlistIndex(subjects_from(test_set.entries))
    scores = all_scores(subjects_from(test_set.records), index)
    at_default = point(scores, test_set.truth, 0.7)
    assert at_default.recall >= 0.95, at_default
    assert at_default.precision >= 0.95, at_default
    points = curve(scores, test_set.truth)
    recalls = [p.recall for p in points]
    assert recalls == sorted(recalls, reverse=True)  # recall falls as the threshold rises
