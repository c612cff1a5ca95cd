"""Train a Splink model on prepared records and score candidate pairs.

Training needs no labels: u-probabilities come from random sampling with a fixed seed
(so the same input always gives the same model), m-probabilities from expectation
maximisation over a few blocking passes, and the prior match rate from deterministic
rules. Analyst judgements, when given, add m-estimates from the pairs marked "same"
and later override the model for every judged pair (see ``pairs.apply_judgements``).
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import polars as pl
from splink import Linker, SettingsCreator
from splink.comparison_library import CustomComparison
from splink.internals.database_api import DatabaseAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from usalama.analysis.resolve import comparisons as comp
from usalama.analysis.resolve.prepare import Family, prepare_records, present_fields
from usalama.core.errors import InvalidInput

LinkType = Literal["dedupe_only", "link_only"]

# Assumed share of true matches the deterministic rules find; only shifts the prior, which
# EM then refines. 0.6 suits registers where identifiers are often missing or mistyped.
DETERMINISTIC_RECALL = 0.6
_table_counter = itertools.count()


def duckdb_backend(
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
) -> DatabaseAPI[Any]:
    """An in-memory DuckDB backend, optionally capped (for shared or small machines)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        connection.execute("SET memory_limit = ?", [memory_limit])
    if temp_directory:
        connection.execute("SET temp_directory = ?", [temp_directory])
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection)


@dataclass
class ResolutionModel:
    """A trained model bound to the records it was trained on (its Splink linker)."""

    linker: Linker
    link_type: LinkType
    records: pl.DataFrame  # the prepared records, for explanations
    comparison_names: list[str]
    judgements: pl.DataFrame | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    family: Family = "person"

    def save_json(self) -> str:
        """The Splink model (settings + trained parameters) as JSON, for audit or reuse."""
        import json

        return json.dumps(self.linker.misc.save_model_to_json(), indent=2, default=str)


def _ensure_prepared(records: pl.DataFrame, family: Family) -> pl.DataFrame:
    if "name_canonical" in records.columns:
        return records
    return prepare_records(records, family=family)


def _register(
    backend: DatabaseAPI[Any], records: pl.DataFrame, link_type: LinkType
) -> list[SplinkDataFrame]:
    suffix = next(_table_counter)
    if link_type == "dedupe_only":
        return [
            backend.register(records.to_arrow(), dataset_display_name=f"usalama_records_{suffix}")
        ]
    sources = records.get_column("source").unique(maintain_order=True).to_list()
    if len(sources) < 2:
        raise InvalidInput("linking needs records from at least two sources (column source)")
    return [
        backend.register(
            records.filter(pl.col("source") == source).to_arrow(),
            dataset_display_name=f"usalama_{suffix}_{index}",
        )
        for index, source in enumerate(sources)
    ]


def train_model(
    records: pl.DataFrame,
    labels: pl.DataFrame | None = None,
    backend: DatabaseAPI[Any] | None = None,
    *,
    link_type: LinkType = "dedupe_only",
    seed: int = 42,
    max_pairs_for_u: float = 2e6,
    max_pairs_for_em: float | None = 2e6,
    family: Family = "person",
    max_iterations: int = 20,
) -> ResolutionModel:
    """Train a person-matching model on ``records`` (standard or prepared frame).

    ``labels``: optional analyst judgements with columns ``left_id``, ``right_id`` and
    ``is_match`` (bool). ``link_type="link_only"`` compares records only across
    different ``source`` values; ``dedupe_only`` compares all records with each other.
    ``backend``: any Splink database API (DuckDB by default, ``SparkAPI`` to scale out).
    ``family``: ``"person"`` or ``"organization"`` — which name rules, comparisons and
    blocking rules apply (prepare the records with the same family).
    ``max_iterations``: the cap on each EM pass (Splink stops earlier once it converges).
    """
    prepared = _ensure_prepared(records, family)
    if prepared.height < 2:
        raise InvalidInput("need at least two records to resolve")
    present = present_fields(prepared)
    backend = backend or duckdb_backend()
    linker, tables, comparisons = _linker(
        backend, prepared, link_type, family, max_iterations=max_iterations
    )
    _estimate_prior(linker, present, family)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=seed)
    for rule in comp.training_blocking_rules(present, family, prepared):
        # Splink's EM session edits the linker's settings in place (it drops the
        # comparisons the blocking rule fixes) and only restores them on success.
        saved = linker._settings_obj.core_model_settings.copy()  # type: ignore[no-untyped-call]
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=max_pairs_for_em, estimate_without_term_frequencies=True
            )
        except ValueError as error:
            # Splink refuses an EM pass whose estimate of some level underflows to 0 (a
            # level never seen among that pass's matches); the other passes still
            # estimate that comparison, so skip this one rather than fail the run.
            linker._settings_obj.core_model_settings = saved
            logging.getLogger(__name__).warning(
                "EM pass %s skipped: %s", rule.get_blocking_rule("duckdb").blocking_rule_sql, error
            )
    _bound_prior(linker, prepared.height)
    judgements = _normalise_labels(labels, prepared) if labels is not None else None
    if judgements is not None:
        _estimate_m_from_judgements(linker, backend, judgements, tables)
    return ResolutionModel(
        linker=linker,
        link_type=link_type,
        records=prepared,
        comparison_names=[c.create_output_column_name() or "" for c in comparisons],
        judgements=judgements,
        family=family,
    )


def _linker(
    backend: DatabaseAPI[Any],
    prepared: pl.DataFrame,
    link_type: LinkType,
    family: Family,
    *,
    max_iterations: int = 20,
) -> tuple[Linker, list[SplinkDataFrame], list[CustomComparison]]:
    """An untrained Splink linker over ``prepared``, registered on ``backend``."""
    present = present_fields(prepared)
    comparisons = list(comp.comparisons_for(present, family))
    if not comparisons:
        raise InvalidInput(
            "no comparable fields: give at least a name, date of birth or identifier"
        )
    tables = _register(backend, prepared, link_type)
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        comparisons=list(comparisons),
        blocking_rules_to_generate_predictions=list(
            comp.prediction_blocking_rules(prepared, present, family=family)
        ),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=["source"],
        max_iterations=max_iterations,
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.ERROR)
    return linker, tables, comparisons


def model_on_backend(
    model: ResolutionModel, backend: DatabaseAPI[Any], records: pl.DataFrame | None = None
) -> ResolutionModel:
    """``model``'s trained parameters on another Splink backend, over its own records or
    over ``records`` (standard or prepared, with the same fields present).

    Train where it is cheap (DuckDB, one machine, a sample) and score where the data are
    (Spark): the settings are rebuilt for ``backend``'s SQL dialect from the same
    comparisons, then every level's m and u and the prior are copied, so both engines score
    with one model.
    """
    prepared = model.records if records is None else _ensure_prepared(records, model.family)
    linker, _, comparisons = _linker(backend, prepared, model.link_type, model.family)
    names = [c.create_output_column_name() or "" for c in comparisons]
    if names != model.comparison_names:
        raise InvalidInput(
            f"these records give comparisons {', '.join(names)}; "
            f"the model has {', '.join(model.comparison_names)}"
        )
    trained = model.linker._settings_obj
    target = linker._settings_obj
    for source, dest in zip(trained.comparisons, target.comparisons, strict=True):
        levels = zip(source.comparison_levels, dest.comparison_levels, strict=True)
        for level, copy in levels:
            if not level.is_null_level:
                # the raw values: "level not observed" stays what it was
                copy._m_probability = level._m_probability
                copy._u_probability = level._u_probability
    prior = trained.core_model_settings.probability_two_random_records_match
    target.core_model_settings.probability_two_random_records_match = prior
    return replace(model, linker=linker, records=prepared)


def _bound_prior(linker: Linker, rows: int) -> None:
    """Keep the prior a probability Splink can turn into a weight.

    On a handful of records (a small collection's companies) the deterministic rules or EM
    can push the match rate to 1 (every pair a match), which Splink cannot score (log of
    0). A record has at most a few duplicates, so cap the rate at a few per record.
    """
    settings = linker._settings_obj.core_model_settings
    ceiling = min(0.5, 4.0 / max(rows - 1, 1))
    prior = settings.probability_two_random_records_match
    if not 0.0 < prior <= ceiling:
        settings.probability_two_random_records_match = min(max(prior, 1e-9), ceiling)


def _estimate_prior(linker: Linker, present: set[str], family: Family) -> None:
    rules = comp.deterministic_rules(present, family)
    if not rules:
        return
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(rules), recall=DETERMINISTIC_RECALL
        )
    except ValueError:
        # the rules found more pairs than the assumed recall allows: keep Splink's default
        logging.getLogger(__name__).info("prior left at default: deterministic rules too loose")


def _normalise_labels(labels: pl.DataFrame, prepared: pl.DataFrame) -> pl.DataFrame:
    missing = {"left_id", "right_id", "is_match"} - set(labels.columns)
    if missing:
        raise InvalidInput(f"labels frame lacks column(s): {', '.join(sorted(missing))}")
    known = set(prepared.get_column("record_id").to_list())
    labels = labels.select(
        pl.col("left_id").cast(pl.String),
        pl.col("right_id").cast(pl.String),
        pl.col("is_match").cast(pl.Boolean),
    )
    unknown = [i for i in itertools.chain(labels["left_id"], labels["right_id"]) if i not in known]
    if unknown:
        raise InvalidInput(f"labels mention unknown record_id {unknown[0]!r}")
    return labels


def _estimate_m_from_judgements(
    linker: Linker,
    backend: DatabaseAPI[Any],
    judgements: pl.DataFrame,
    tables: list[SplinkDataFrame],
) -> None:
    same = judgements.filter(pl.col("is_match"))
    # m from a handful of pairs is noise; below this, judgements only override pairs
    if same.height < 10:
        return
    source_of = _source_dataset_lookup(linker, tables)
    label_table = same.select(
        pl.col("left_id").replace_strict(source_of, default=None).alias("source_dataset_l"),
        pl.col("left_id").alias("unique_id_l"),
        pl.col("right_id").replace_strict(source_of, default=None).alias("source_dataset_r"),
        pl.col("right_id").alias("unique_id_r"),
    ).rename({"unique_id_l": "record_id_l", "unique_id_r": "record_id_r"})
    registered = backend.register(
        label_table.to_arrow(), dataset_display_name=f"usalama_labels_{next(_table_counter)}"
    )
    linker.training.estimate_m_from_pairwise_labels(registered)  # type: ignore[no-untyped-call]


def _source_dataset_lookup(linker: Linker, tables: list[SplinkDataFrame]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for table in tables:
        ids = table.as_pandas_dataframe()["record_id"].astype(str)  # type: ignore[no-untyped-call]
        lookup.update(dict.fromkeys(ids, table.dataset_display_name))
    return lookup


def match_weight_to_probability(weight: float) -> float:
    bayes_factor = 2.0**weight
    return bayes_factor / (1.0 + bayes_factor)


def probability_to_match_weight(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1.0 - probability))
