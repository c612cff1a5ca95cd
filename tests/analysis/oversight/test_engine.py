"""Early intervention: what was known at a date, the model against threshold rules, top factors,
tie-fair counting, and the fairness audit — on synthetic data and a slice of the Chicago data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.analysis import oversight
from usalama.analysis.oversight.features import category_groups
from usalama.core.errors import InvalidInput

from .conftest import write_world

SMALL = oversight.ModelSettings(max_iter=40, training_years=4, min_samples_leaf=5)


def test_known_at_blanks_findings_not_yet_known_and_drops_later_rows() -> None:
    complaints = pl.DataFrame(
        {
            "complaint_id": ["1", "2", "3", "4"],
            "allegation_id": ["1", "2", "3", "4"],
            "officer_id": ["a"] * 4,
            "complaint_date": [
                dt.date(2005, 1, 1),
                dt.date(2009, 6, 1),
                dt.date(2009, 6, 1),
                dt.date(2011, 2, 1),
            ],
            "category_code": ["05A"] * 4,
            "use_of_force": [1] * 4,
            "finding": ["SUSTAINED"] * 4,
            "closed_date": [None, dt.date(2010, 12, 1), dt.date(2011, 3, 1), None],
        }
    )
    empty = pl.DataFrame()
    data = oversight.EisData(
        empty,
        complaints,
        pl.DataFrame({"date": []}),
        pl.DataFrame(
            {"start_date": [], "end_date": []}, schema={"start_date": pl.Date, "end_date": pl.Date}
        ),
    )
    known = oversight.known_at(
        oversight.EisData(
            pl.DataFrame({"resigned_date": []}, schema={"resigned_date": pl.Date}),
            data.complaints,
            pl.DataFrame({"date": []}, schema={"date": pl.Date}),
            data.units,
        ),
        dt.date(2011, 1, 1),
    )
    # undated and > 730 days old: known; closed before T: known; closed after T: blank;
    # complained after T: gone
    assert known.complaints["finding"].to_list() == ["SUSTAINED", "SUSTAINED", None]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> oversight.EisData:
    return oversight.load(*write_world(tmp_path_factory.mktemp("eis")))


def test_score_ranks_the_risky_officers_first_with_factors(world: oversight.EisData) -> None:
    model, frame, scores = oversight.score(world, dt.date(2010, 1, 1), SMALL)
    assert len(scores) == frame.height == 60
    assert all(c + dt.timedelta(days=365) <= dt.date(2010, 1, 1) for c in model.training_cutoffs)
    top = {s.officer_id for s in scores[:20]}
    risky = {str(1000 + i) for i in range(60) if i % 3 == 0}
    assert len(top & risky) >= 17
    assert scores[0].top_factors, "the highest-scored officer has named factors"
    assert all(name in model.features for name, _ in scores[0].top_factors)
    assert oversight.format_factors(scores[0].top_factors).count("=") == len(scores[0].top_factors)


def test_training_uses_nothing_dated_on_or_after_the_cutoff(world: oversight.EisData) -> None:
    """Adding wild complaints after the date changes no score."""
    as_of = dt.date(2008, 1, 1)
    _, _, before = oversight.score(world, as_of, SMALL, with_factors=False)
    extra = world.complaints.head(200).with_columns(
        pl.lit(dt.date(2008, 6, 1)).alias("complaint_date"), pl.lit("SUSTAINED").alias("finding")
    )
    changed = oversight.EisData(
        world.officers, pl.concat([world.complaints, extra]), world.force, world.units
    )
    _, _, after = oversight.score(changed, as_of, SMALL, with_factors=False)
    assert [(s.officer_id, s.score) for s in before] == [(s.officer_id, s.score) for s in after]


def test_backtest_reports_every_method_and_share(world: oversight.EisData) -> None:
    result = oversight.backtest(world, [dt.date(2009, 1, 1)], settings=SMALL)
    report = result.as_dict()
    assert set(report["total"]["caught"]) == {"model", "rule_12m", "rule_5y"}  # type: ignore[call-overload]
    cut = result.cutoffs[0]
    for method in oversight.METHODS:
        assert set(cut.caught[method]) == {"1%", "2%", "5%"}
        assert cut.caught[method]["5%"] <= cut.flagged["5%"]


def test_no_history_is_a_clear_error(world: oversight.EisData) -> None:
    with pytest.raises(InvalidInput, match="nothing to learn"):
        oversight.train(world, dt.date(1999, 1, 1))


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    paths = write_world(tmp_path, officers=3)
    paths[1].write_text("officer_id,complaint_date\n1,2001-01-01\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"complaints file .* lacks column"):
        oversight.load(*paths)


def test_bad_date_is_named(tmp_path: Path) -> None:
    paths = write_world(tmp_path, officers=3)
    text = paths[0].read_text(encoding="utf-8").replace("-03-01", "-13-45", 1)
    paths[0].write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match="appointed_date"):
        oversight.load(*paths)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=1, max_size=60),
    st.sampled_from([0.01, 0.05, 0.2, 0.5, 1.0]),
)
def test_caught_in_top_is_bounded_and_tie_fair(pairs: list[tuple[int, bool]], share: float) -> None:
    scores = np.array([p[0] for p in pairs], dtype=float)
    positives = np.array([p[1] for p in pairs], dtype=float)
    k = int(np.ceil(share * len(pairs)))
    caught = oversight.caught_in_top(scores, positives, share)
    assert 0 <= caught <= min(k, positives.sum()) + 1e-9
    # independent of the order rows come in
    order = np.random.default_rng(0).permutation(len(pairs))
    assert caught == pytest.approx(oversight.caught_in_top(scores[order], positives[order], share))
    if share == 1.0:
        assert caught == pytest.approx(positives.sum())
    if len(set(scores.tolist())) == len(scores):  # no ties: an exact count
        top = np.argsort(-scores)[:k]
        assert caught == positives[top].sum()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.booleans(), st.booleans()), min_size=3, max_size=80
    )
)
def test_fairness_metrics_are_consistent(rows: list[tuple[str, bool, bool]]) -> None:
    ids = [str(i) for i in range(len(rows))]
    flagged = pl.DataFrame({"officer_id": ids, "flagged": [r[1] for r in rows]})
    outcomes = pl.DataFrame({"officer_id": ids, "adverse": [int(r[2]) for r in rows]})
    officers = pl.DataFrame({"officer_id": ids, "race": [r[0] for r in rows]})
    table = oversight.audit(flagged, outcomes, officers, "race")
    assert sum(r.officers for r in table.rows) == len(rows)
    assert table.rows[0].group == table.reference_group
    assert max(r.officers for r in table.rows) == table.rows[0].officers
    for row in table.rows:
        assert row.metrics["flag_rate"] == pytest.approx(row.flagged / row.officers)
        if row.metrics["fnr"] is not None:
            assert row.metrics["fnr"] == pytest.approx(1 - row.true_positives / row.adverse)
    for value in table.rows[0].disparity.values():
        assert value is None or value == pytest.approx(1.0)
    assert table.max_disparity(min_size=0) >= 1.0


def test_fairness_rejects_unknown_grouping() -> None:
    frame = pl.DataFrame({"officer_id": ["1"], "flagged": [True], "adverse": [1], "race": ["x"]})
    with pytest.raises(InvalidInput, match="--group"):
        oversight.audit(frame, frame, frame, "religion")


def test_age_bands() -> None:
    when = dt.date(2011, 1, 1)
    assert [oversight.age_band(y, when) for y in (1990, 1975, 1965, 1950, None)] == [
        "under 30", "30-39", "40-49", "50 and over", "unknown",
    ]  # fmt: skip


@pytest.mark.slow
def test_chicago_2010_model_beats_the_better_threshold_rule(chicago_files: list[Path]) -> None:
    """The real data, one cut-off: the top 5 % catches more adverse events than either threshold
    rule's top 5 % (the full three-year backtest is in docs/benchmarks.md)."""
    data = oversight.load(*chicago_files)
    as_of = dt.date(2010, 1, 1)
    assert (
        11_000
        < oversight.features_at(data, as_of, category_groups(data.complaints)).height
        < 13_500
    )
    result = oversight.backtest(data, [as_of], (0.05,))
    cut = result.cutoffs[0]
    assert 200 < cut.with_adverse_event < 400
    best_rule = max(cut.caught["rule_12m"]["5%"], cut.caught["rule_5y"]["5%"])
    assert cut.caught["model"]["5%"] > best_rule
