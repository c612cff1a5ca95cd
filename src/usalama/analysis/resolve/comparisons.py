"""Splink comparisons and blocking rules over the prepared frame.

Levels are built from Splink's level library (not raw DuckDB SQL) wherever possible, so
Splink generates dialect-correct SQL for DuckDB and for Spark alike. The few custom
conditions use only ``substr`` and ``=``, which both dialects share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import splink.comparison_level_library as cll
from splink import block_on
from splink.comparison_library import CustomComparison
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from usalama.analysis.resolve.prepare import Family


def name_comparison() -> CustomComparison:
    """Order-insensitive, variant-aware name comparison (see ``names.py`` for the rules)."""
    return CustomComparison(
        output_column_name="name",
        comparison_description="East-African name rules over canonical name parts",
        comparison_levels=[
            cll.NullLevel("name_canonical"),
            # term-frequency adjusted: "John Kamau" agreeing says far less than "Lemayian Sapit"
            cll.ExactMatchLevel("name_canonical", term_frequency_adjustments=True).configure(
                label_for_charts="same name parts"
            ),
            cll.ExactMatchLevel("name_phonetic_key").configure(
                label_for_charts="same name parts by sound"
            ),
            cll.And(
                cll.ArraySubsetLevel("name_tokens"), cll.ArrayIntersectLevel("name_tokens", 2)
            ).configure(label_for_charts="one name contains the other (2+ parts shared)"),
            cll.And(
                cll.ExactMatchLevel("name_initials"), cll.ArrayIntersectLevel("name_tokens", 1)
            ).configure(label_for_charts="initials agree, a part shared"),
            cll.JaroWinklerLevel("name_canonical", 0.92).configure(
                label_for_charts="sorted parts Jaro-Winkler >= 0.92"
            ),
            cll.ArrayIntersectLevel("name_phonetic", 2).configure(
                label_for_charts="2+ parts sound alike"
            ),
            cll.JaroWinklerLevel("name_canonical", 0.8).configure(
                label_for_charts="sorted parts Jaro-Winkler >= 0.8"
            ),
            cll.ArrayIntersectLevel("name_tokens", 1).configure(label_for_charts="one part shared"),
            cll.ElseLevel(),
        ],
    )


def org_name_comparison() -> CustomComparison:
    """Company and organisation names: distinctive words (``org_names.py``), no initials."""
    return CustomComparison(
        output_column_name="name",
        comparison_description="organisation names without legal-form words",
        comparison_levels=[
            cll.NullLevel("name_canonical"),
            # "Kamau Holdings" agreeing says more than "Nairobi Traders"
            cll.ExactMatchLevel("name_canonical", term_frequency_adjustments=True).configure(
                label_for_charts="same words (legal form ignored)"
            ),
            cll.ExactMatchLevel("name_phonetic_key").configure(
                label_for_charts="same words by sound"
            ),
            cll.JaroWinklerLevel("name_canonical", 0.92).configure(
                label_for_charts="sorted words Jaro-Winkler >= 0.92"
            ),
            cll.And(
                cll.ArraySubsetLevel("name_tokens"), cll.ArrayIntersectLevel("name_tokens", 2)
            ).configure(label_for_charts="one name contains the other (2+ words shared)"),
            cll.ArrayIntersectLevel("name_phonetic", 2).configure(
                label_for_charts="2+ words sound alike"
            ),
            cll.ArrayIntersectLevel("name_tokens", 1).configure(label_for_charts="one word shared"),
            cll.ElseLevel(),
        ],
    )


def date_of_birth_comparison() -> CustomComparison:
    # String levels on YYYY-MM-DD: portable SQL and tolerant of impossible typo'd dates.
    swapped = (
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
        "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
        "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
    )
    return CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same date"),
            # plain Levenshtein: a third the cost of Damerau's, and date typos are
            # substitutions far more often than transpositions
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="one digit off"),
            cll.CustomLevel(swapped, label_for_charts="day and month swapped"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="same year"),
            cll.ElseLevel(),
        ],
    )


def identifier_comparison(column: str) -> CustomComparison:
    return CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same"),
            cll.DamerauLevenshteinLevel(column, 1).configure(label_for_charts="one character off"),
            cll.ElseLevel(),
        ],
    )


def phone_comparison() -> CustomComparison:
    last_seven = "substr(phone_l, -7) = substr(phone_r, -7)"
    return CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone").configure(label_for_charts="same number"),
            cll.CustomLevel(last_seven, label_for_charts="same last seven digits"),
            cll.DamerauLevenshteinLevel("phone", 1).configure(label_for_charts="one digit off"),
            cll.ElseLevel(),
        ],
    )


def email_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="email",
        comparison_levels=[
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email").configure(label_for_charts="same address"),
            cll.ExactMatchLevel("email_user").configure(label_for_charts="same mailbox name"),
            cll.JaroWinklerLevel("email", 0.88).configure(label_for_charts="Jaro-Winkler >= 0.88"),
            cll.ElseLevel(),
        ],
    )


def address_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(label_for_charts="same address"),
            cll.JaroWinklerLevel("address", 0.92).configure(
                label_for_charts="Jaro-Winkler >= 0.92"
            ),
            cll.ArrayIntersectLevel("address_tokens", 2).configure(
                label_for_charts="2+ words shared"
            ),
            cll.JaroWinklerLevel("address", 0.75).configure(
                label_for_charts="Jaro-Winkler >= 0.75"
            ),
            cll.ElseLevel(),
        ],
    )


def short_text_comparison(column: str, *, fuzzy: bool) -> CustomComparison:
    """Postcode, town, county, nationality: exact, optionally one edit, else."""
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(label_for_charts="same"),
    ]
    if fuzzy:
        levels.append(cll.DamerauLevenshteinLevel(column, 1).configure(label_for_charts="one edit"))
    levels.append(cll.ElseLevel())
    return CustomComparison(output_column_name=column, comparison_levels=levels)


def location_comparison(present: set[str]) -> CustomComparison:
    """Town and county as one comparison: the town implies the county, so scoring them
    separately would count the same evidence twice."""
    has_town, has_county = "town" in present, "county" in present
    missing = " AND ".join(
        f"({c}_l IS NULL OR {c}_r IS NULL)"
        for c, ok in (("town", has_town), ("county", has_county))
        if ok
    )
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.CustomLevel(missing, label_for_charts="no place on one side").configure(
            is_null_level=True
        )
    ]
    if has_town:
        levels.append(cll.ExactMatchLevel("town").configure(label_for_charts="same town"))
        levels.append(
            cll.DamerauLevenshteinLevel("town", 1).configure(label_for_charts="town one edit")
        )
    if has_county:
        levels.append(cll.ExactMatchLevel("county").configure(label_for_charts="same county"))
    levels.append(cll.ElseLevel())
    return CustomComparison(output_column_name="location", comparison_levels=levels)


@dataclass(frozen=True, slots=True)
class FieldComparison:
    name: str  # output column name (also the label shown in explanations)
    needs: tuple[str, ...]  # prepared columns that must hold data for it to be used

    def build(self, family: Family = "person") -> CustomComparison:
        if self.name == "name" and family == "organization":
            return org_name_comparison()
        builders = {
            "name": name_comparison,
            "date_of_birth": date_of_birth_comparison,
            "phone": phone_comparison,
            "email": email_comparison,
            "address": address_comparison,
        }
        if self.name in builders:
            return builders[self.name]()
        if self.name in {"national_id", "passport", "kra_pin", "brs_number"}:
            return identifier_comparison(self.name)
        return short_text_comparison(self.name, fuzzy=self.name == "postcode")


FIELD_COMPARISONS: tuple[FieldComparison, ...] = (
    FieldComparison("name", ("name_canonical",)),
    FieldComparison("date_of_birth", ("dob",)),
    FieldComparison("national_id", ("national_id",)),
    FieldComparison("passport", ("passport",)),
    FieldComparison("kra_pin", ("kra_pin",)),
    FieldComparison("brs_number", ("brs_number",)),
    FieldComparison("phone", ("phone",)),
    FieldComparison("email", ("email",)),
    FieldComparison("address", ("address",)),
    FieldComparison("postcode", ("postcode",)),
    FieldComparison("nationality", ("nationality",)),
)


def comparisons_for(present: set[str], family: Family = "person") -> list[CustomComparison]:
    """Comparisons for the fields this data actually has (an all-null field adds nothing).

    For organisations the date is the incorporation date, the identifiers are the BRS
    registration number and the KRA PIN, and nationality is the country.
    """
    chosen = [f.build(family) for f in FIELD_COMPARISONS if all(c in present for c in f.needs)]
    if present & {"town", "county"}:
        chosen.append(location_comparison(present))
    return chosen


# Candidate-generating rules, each an equality join so every one scales by hashing.
# A pair is scored once even when several rules find it.
_PREDICTION_RULES: tuple[tuple[str, ...], ...] = (
    ("national_id",),
    ("passport",),
    ("kra_pin",),
    ("brs_number",),
    ("phone",),
    ("email",),
    ("name_canonical", "dob_year"),
    ("name_phon_first", "dob"),
    ("name_phon_last", "dob"),
    ("name_phon_first", "name_phon_last", "town"),
    ("name_phon_first", "name_phon_last", "postcode"),
    ("dob", "postcode"),
    ("dob", "town"),
    ("name_initials", "dob"),
    ("address",),
    ("postcode", "town"),
    ("town", "address_first_word"),
)

# Organisations have no birth date to block on; their names are rarer than people's, so
# the name alone (legal form ignored) and its sound are usable blocks.
_ORG_PREDICTION_RULES: tuple[tuple[str, ...], ...] = (
    ("brs_number",),
    ("kra_pin",),
    ("phone",),
    ("email",),
    ("name_canonical",),
    ("name_phonetic_key",),
    ("name_phon_first", "name_phon_last"),
    ("name_phon_first", "town"),
    ("address",),
)

# Rules for EM training: each leaves the other comparisons free to be estimated.
_TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("dob",),
    ("name_canonical",),
    ("national_id",),
    ("phone",),
)


def _pairs_generated(prepared: pl.DataFrame, rule: tuple[str, ...]) -> int:
    sizes = prepared.drop_nulls(list(rule)).group_by(list(rule)).len().get_column("len")
    return int((sizes * (sizes - 1) // 2).sum())


def prediction_blocking_rules(
    prepared: pl.DataFrame,
    present: set[str],
    *,
    max_pairs_per_rule: int | None = None,
    family: Family = "person",
) -> list[BlockingRuleCreator]:
    """Rules whose columns hold data, skipping any that would explode the pair count.

    A rule like postcode+town is sharp on one register and useless on another (every
    record in Nairobi 00100); counting its block sizes first costs one group-by.
    """
    limit = max_pairs_per_rule or max(2_000_000, 30 * prepared.height)
    rules = []
    for rule in _ORG_PREDICTION_RULES if family == "organization" else _PREDICTION_RULES:
        if all(c in present for c in rule) and _pairs_generated(prepared, rule) <= limit:
            rules.append(block_on(*rule))
    return rules


_ORG_TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("name_canonical",),
    ("brs_number",),
    ("kra_pin",),
    ("phone",),
)


def training_blocking_rules(
    present: set[str], family: Family = "person", prepared: pl.DataFrame | None = None
) -> list[BlockingRuleCreator]:
    """EM passes for the fields this data has; with ``prepared``, only passes that find
    some pair (Splink refuses a pass with none: a small collection may share no PIN)."""
    rules = _ORG_TRAINING_RULES if family == "organization" else _TRAINING_RULES
    usable = [rule for rule in rules if all(c in present for c in rule)]
    if prepared is not None:
        usable = [rule for rule in usable if _pairs_generated(prepared, rule) > 0]
    return [block_on(*rule) for rule in usable]


def deterministic_rules(present: set[str], family: Family = "person") -> list[BlockingRuleCreator]:
    """Rules that admit almost no false matches, used to estimate the prior match rate."""
    if family == "organization":
        # a registration number or tax PIN is issued to one body only
        org_rules = [("brs_number",), ("kra_pin",), ("name_canonical", "phone")]
        return [block_on(*rule) for rule in org_rules if all(c in present for c in rule)]
    candidates = [
        ("national_id", "dob"),
        ("name_canonical", "dob"),
        ("passport",),
        ("kra_pin", "name_canonical"),
        ("phone", "name_canonical"),
        ("email", "name_canonical"),
    ]
    return [block_on(*rule) for rule in candidates if all(c in present for c in rule)]
