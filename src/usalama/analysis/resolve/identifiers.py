"""Entities that *are* an identifier: bank and mobile-money accounts, crypto wallets.

Two records of account 0123456789 at KCB are one account; no probabilistic model is
needed to see that, and none could learn much from it (the only fields are the number
and its issuer). So these link on the exact normalised identifier, with fixed, documented
weights instead of trained ones, and the output has the same columns as
``pairs.predict_pairs`` so the same review queue and waterfall show why a pair scored.

Input frame: ``record_id, source, kind, identifier, issuer`` (issuer = bank or provider
for accounts, blockchain for wallets; may be null). ``kind`` separates namespaces:
``bank_account``, ``mobile_money`` (the identifier is a phone number, compared in E.164)
and ``crypto_wallet``.

Weights (log2 Bayes factors; the prior is one in a thousand records):

* identifier: the same normalised number or address, +20 (an account number or wallet
  address is issued to one holder; a chance collision is far rarer than one in a million);
* issuer: same issuer +3; not recorded on one side −7 (two banks may issue the same
  number, so the pair waits for review); different issuers −30 (different accounts);
  mobile money and wallets: not compared (a number belongs to one network; an address is
  the same key on every chain that shares the format).
"""

from __future__ import annotations

import math

import polars as pl

from usalama.analysis.resolve.org_names import org_canonical_name
from usalama.analysis.resolve.prepare import normalise_phone
from usalama.core.errors import InvalidInput

PRIOR_WEIGHT = -math.log2(1000)
IDENTIFIER_WEIGHT = 20.0
ISSUER_WEIGHTS = {"same": 3.0, "missing": -7.0, "different": -30.0}
# level numbers as in predict_pairs: higher = stronger agreement, -1 = not compared
ISSUER_LEVELS = {"same": 2, "missing": -1, "different": 0}
KINDS = ("bank_account", "mobile_money", "crypto_wallet")
# a phone number belongs to one network and so to one mobile-money provider; a wallet
# address is one key whatever chain a record names
ISSUER_FREE_KINDS = frozenset({"mobile_money", "crypto_wallet"})


def _normalise_identifier(kind: str, value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if kind == "mobile_money":
        return normalise_phone(text)
    if kind == "crypto_wallet":
        # hex addresses (Ethereum-style) are case-insensitive; base58/bech32 are not
        return text.lower() if text[:2].lower() == "0x" else text
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    # one bank file keeps leading zeros, another drops them
    if cleaned.isdigit():
        return cleaned.lstrip("0") or cleaned
    return cleaned or None


def _normalise_issuer(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    # "KCB Bank Kenya Ltd" = "KCB Bank": legal forms and country suffix are not identity
    return org_canonical_name(value) or None


def identifier_pairs(frame: pl.DataFrame) -> pl.DataFrame:
    """Every pair of records of the same kind whose identifiers agree after normalising.

    Columns as ``predict_pairs``: ``left_id < right_id``, sources, ``match_probability``,
    ``match_weight`` (= prior + the weights), ``weight_identifier``, ``weight_issuer``,
    ``level_identifier``, ``level_issuer``. Pairs whose issuers differ are left out.
    """
    needed = {"record_id", "kind", "identifier"}
    if needed - set(frame.columns):
        raise InvalidInput(
            f"identifier frame lacks {', '.join(sorted(needed - set(frame.columns)))}"
        )
    rows = frame.select(
        pl.col("record_id").cast(pl.String),
        (pl.col("source") if "source" in frame.columns else pl.lit(""))
        .cast(pl.String)
        .alias("source"),
        pl.col("kind").cast(pl.String),
        pl.col("identifier").cast(pl.String),
        (pl.col("issuer") if "issuer" in frame.columns else pl.lit(None))
        .cast(pl.String)
        .alias("issuer"),
    ).filter(pl.col("kind").is_in(KINDS) & pl.col("identifier").is_not_null())
    keys = [
        (
            record_id,
            source or "",
            kind,
            _normalise_identifier(kind, ident),
            _normalise_issuer(issuer),
        )
        for record_id, source, kind, ident, issuer in rows.iter_rows()
    ]
    groups: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for record_id, source, kind, ident, issuer in keys:
        if ident:
            groups.setdefault((kind, ident), []).append((record_id, source, issuer))
    out: dict[str, list[object]] = {
        name: []
        for name in (
            "left_id",
            "right_id",
            "left_source",
            "right_source",
            "match_probability",
            "match_weight",
            "weight_identifier",
            "weight_issuer",
            "level_identifier",
            "level_issuer",
        )
    }
    for (kind, _ident), members in groups.items():
        members.sort()
        for index, (left, left_source, left_issuer) in enumerate(members):
            for right, right_source, right_issuer in members[index + 1 :]:
                if left == right:
                    continue
                if kind in ISSUER_FREE_KINDS:
                    issuer_weight, issuer_level = 0.0, -1
                else:
                    agreement = _issuer_agreement(left_issuer, right_issuer)
                    if agreement == "different":
                        continue
                    issuer_weight = ISSUER_WEIGHTS[agreement]
                    issuer_level = ISSUER_LEVELS[agreement]
                weight = PRIOR_WEIGHT + IDENTIFIER_WEIGHT + issuer_weight
                for name, value in (
                    ("left_id", left),
                    ("right_id", right),
                    ("left_source", left_source),
                    ("right_source", right_source),
                    ("match_probability", 2**weight / (1 + 2**weight)),
                    ("match_weight", weight),
                    ("weight_identifier", IDENTIFIER_WEIGHT),
                    ("weight_issuer", issuer_weight),
                    ("level_identifier", 1),
                    ("level_issuer", issuer_level),
                ):
                    out[name].append(value)
    schema = {
        "left_id": pl.String, "right_id": pl.String, "left_source": pl.String,
        "right_source": pl.String, "match_probability": pl.Float64, "match_weight": pl.Float64,
        "weight_identifier": pl.Float64, "weight_issuer": pl.Float64,
        "level_identifier": pl.Int8, "level_issuer": pl.Int8,
    }  # fmt: skip
    return pl.DataFrame(out, schema=schema).sort(
        "match_probability", "left_id", "right_id", descending=[True, False, False]
    )


def _issuer_agreement(left: str | None, right: str | None) -> str:
    if left is None or right is None:
        return "missing"
    return "same" if left == right else "different"
