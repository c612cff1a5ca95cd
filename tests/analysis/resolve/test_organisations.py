"""Companies and organisations (legal forms ignored) and identifier-bearing entities.

Ground truth is a generated set of company records as registers write them: the legal
form spelled out, abbreviated or missing, upper case, "Kampuni ya ...", a typo, the BRS
number or KRA PIN missing on some records. Precision and recall are asserted as floors.
"""

from __future__ import annotations

import random
import string

import polars as pl
import pytest

from usalama.analysis.resolve import (
    cluster,
    identifier_pairs,
    org_canonical_name,
    predict_pairs,
    prepare_records,
    score_clusters,
    train_model,
)

_WORDS = [
    "Tumaini",
    "Baraka",
    "Neema",
    "Upendo",
    "Amani",
    "Jamii",
    "Faraja",
    "Mwangaza",
    "Uhuru",
    "Pwani",
    "Savanna",
    "Kilele",
    "Milele",
    "Simba",
    "Tausi",
    "Bahari",
    "Nyota",
    "Jabali",
    "Rafiki",
    "Zuri",
    "Mlima",
    "Ziwa",
    "Kamau",
    "Otieno",
    "Wanjiru",
    "Mohamed",
    "Hassan",
    "Njoroge",
    "Achieng",
    "Mutua",
    "Kiprono",
    "Chebet",
    "Wafula",
    "Nasimiyu",
    "Omondi",
    "Odhiambo",
    "Abdi",
    "Yusuf",
]
_TRADES = [
    "General Supplies",
    "Logistics",
    "Hardware",
    "Enterprises",
    "Agencies",
    "Construction",
    "Investments",
    "Holdings",
    "Motors",
    "Freight Forwarders",
    "Petroleum",
    "Fresh Produce",
    "Pharmaceuticals",
    "Security Services",
    "Properties",
    "Agrovet",
    "Forex Bureau",
    "Traders",
]


def _variant(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.2:
        return f"{name} Ltd"
    if roll < 0.3:
        return f"{name.upper()} (K) LTD."
    if roll < 0.4:
        return f"Kampuni ya {name}"
    if roll < 0.5:
        return f"{name} Co. Ltd"
    if roll < 0.6:
        return name
    if roll < 0.75:
        words = name.split()
        i = rng.randrange(len(words))
        word = words[i]
        j = rng.randrange(1, len(word))
        words[i] = word[:j] + rng.choice(string.ascii_lowercase) + word[j + 1 :]
        return " ".join(words) + " Limited"
    return f"The {name} Limited"


def _company_records(count: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_TRADES)}"
        brs = f"PVT-{rng.randrange(10**7, 10**8)}"
        pin = f"P0{rng.randrange(10**8, 10**9)}{rng.choice(string.ascii_uppercase)}"
        phone = f"07{rng.randrange(10**7, 10**8)}"
        town = rng.choice(["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret", "Garissa"])
        for copy in range(rng.choice((1, 2, 2, 3))):
            first = copy == 0
            rows.append(
                {
                    "record_id": f"c{index}-{copy}",
                    "truth": f"c{index}",
                    "source": ["brs", "kra", "dci"][copy],
                    "full_name": f"{name} Limited" if first else _variant(name, rng),
                    "brs_number": brs if first or rng.random() < 0.6 else None,
                    "kra_pin": pin if first or rng.random() < 0.4 else None,
                    "phone": phone if first or rng.random() < 0.5 else None,
                    "town": town,
                    "nationality": "ke",
                }
            )
    return pl.DataFrame(rows)


def test_company_names_ignore_legal_forms() -> None:
    same = [
        "Kamau Holdings Limited",
        "KAMAU HOLDINGS (K) LTD.",
        "Kampuni ya Kamau Holdings",
        "The Kamau Holdings Co. Ltd",
        "Holdings Kamau Ltd",
    ]
    assert {org_canonical_name(n) for n in same} == {"holdings kamau"}
    assert org_canonical_name("Acme Limited Liability Company") == org_canonical_name("Acme LLC")
    assert org_canonical_name("Safaricom Public Limited Company") == "safaricom"
    # what a body *is* stays: a Sacco is not an association of the same name
    assert org_canonical_name("Kisumu Traders Sacco") != org_canonical_name(
        "Kisumu Traders Association"
    )
    assert org_canonical_name("Mohammed Traders Ltd") == org_canonical_name("Mohamed Traders")


@pytest.mark.slow
def test_company_dedupe_precision_and_recall() -> None:
    records = _company_records(1500, seed=5)
    prepared = prepare_records(records.drop("truth"), family="organization")
    model = train_model(prepared, family="organization")
    pairs = predict_pairs(model, threshold=0.5)
    assert {"weight_name", "weight_brs_number", "weight_kra_pin"} <= set(pairs.columns)
    truth = records.select("record_id", pl.col("truth").alias("cluster_id"))
    # at the automatic-merge level: (nearly) no false merges; a name alone, with no
    # registration number, PIN or phone on one side, is not enough to merge ...
    sure = score_clusters(cluster(pairs, prepared["record_id"], 0.9), truth)
    assert sure.precision >= 0.995, sure
    assert sure.recall >= 0.8, sure
    # ... but is enough to reach the review queue (the app's lower threshold, 0.6)
    queued = score_clusters(cluster(pairs, prepared["record_id"], 0.6), truth)
    assert queued.precision >= 0.98, queued
    assert queued.recall >= 0.95, queued


def test_accounts_and_wallets_link_on_exact_identifiers() -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["a", "b", "c", "d", "e", "f", "g", "h"],
            "source": ["frc", "dci", "odpp", "frc", "dci", "frc", "dci", "odpp"],
            "kind": ["bank_account"] * 3
            + ["mobile_money", "mobile_money", "crypto_wallet", "crypto_wallet", "bank_account"],
            "identifier": [
                "001-234567",
                "1234567",
                "1234567",
                "0712 345 678",
                "+254712345678",
                "0xAbC123",
                "0xabc123",
                "1234567",
            ],
            "issuer": [
                "KCB Bank Kenya Ltd",
                "KCB Bank",
                None,
                "M-Pesa",
                "Safaricom",
                "ethereum",
                "polygon",
                "Equity Bank",
            ],
        }
    )
    pairs = identifier_pairs(frame)
    by_pair = {(r["left_id"], r["right_id"]): r for r in pairs.iter_rows(named=True)}
    # same number at the same bank (leading zeros, punctuation, legal form ignored): sure
    assert by_pair[("a", "b")]["match_probability"] > 0.999
    # bank unknown on one side: likely, but for review
    assert 0.6 < by_pair[("a", "c")]["match_probability"] < 0.95
    # a phone number in two notations; a hex address in two cases
    assert by_pair[("d", "e")]["match_probability"] > 0.99
    assert by_pair[("f", "g")]["match_probability"] > 0.99
    # the same number at another bank is another account
    assert ("a", "h") not in by_pair and ("b", "h") not in by_pair
    for row in pairs.iter_rows(named=True):
        steps = row["weight_identifier"] + row["weight_issuer"]
        assert row["match_weight"] == pytest.approx(steps - 9.965784, abs=1e-5)
