"""Officer features at a date, from what was known at that date only."""

from __future__ import annotations

import datetime as dt

import polars as pl

from usalama.analysis.oversight.data import SUSTAINED, EisData, active_officers, finding_known

# Day windows over which complaints and force reports are counted.
WINDOWS = {"6m": 182, "1y": 365, "2y": 730, "5y": 1826}
NO_HISTORY_DAYS = 7305  # "never" is 20 years ago for the days-since features
CATEGORY_GROUPS = 8  # the most frequent two-character category prefixes become features

FEATURE_LABELS = {
    "alleg_6m": "allegations, last 6 months",
    "alleg_1y": "allegations, last 12 months",
    "alleg_2y": "allegations, last 2 years",
    "alleg_5y": "allegations, last 5 years",
    "alleg_all": "allegations, whole career",
    "complaints_1y": "complaints, last 12 months",
    "complaints_5y": "complaints, last 5 years",
    "force_alleg_1y": "excessive-force allegations, last 12 months",
    "force_alleg_5y": "excessive-force allegations, last 5 years",
    "force_alleg_all": "excessive-force allegations, whole career",
    "sustained_5y": "sustained findings known, last 5 years",
    "sustained_all": "sustained findings known, whole career",
    "not_sustained_all": "not-sustained findings known, whole career",
    "unfounded_all": "unfounded or exonerated findings known, whole career",
    "open_2y": "allegations with no known finding, last 2 years",
    "alleg_trend": "allegations, last 12 months minus the 12 months before",
    "days_since_complaint": "days since the last complaint",
    "force_reports_1y": "use-of-force reports, last 12 months",
    "force_reports_5y": "use-of-force reports, last 5 years",
    "firearm_5y": "firearm uses, last 5 years",
    "taser_1y": "taser uses, last 12 months",
    "taser_5y": "taser uses, last 5 years",
    "injured_5y": "force reports with the officer injured, last 5 years",
    "unit_changes_5y": "unit changes, last 5 years",
    "days_in_unit": "days in the current unit",
    "unit_alleg_rate_1y": "allegations per officer in the current unit, last 12 months",
    "unit_force_rate_1y": "excessive-force allegations per officer in the unit, last 12 months",
    "service_years": "years of service",
}


def category_groups(complaints: pl.DataFrame, top: int = CATEGORY_GROUPS) -> list[str]:
    """The ``top`` most frequent two-character category prefixes (ties broken by name)."""
    counts = (
        complaints.filter(pl.col("category_code").str.len_chars() >= 2)
        .group_by(pl.col("category_code").str.slice(0, 2).alias("group"))
        .len()
        .sort(["len", "group"], descending=[True, False])
    )
    return [str(g) for g in counts["group"].head(top).to_list()]


def feature_label(name: str) -> str:
    if name.startswith("cat_"):
        _, group, window = name.split("_", 2)
        period = "12 months" if window == "1y" else "5 years"
        return f"allegations in category {group}, last {period}"
    return FEATURE_LABELS.get(name, name)


def _days(column: str, as_of: dt.date) -> pl.Expr:
    return (pl.lit(as_of) - pl.col(column)).dt.total_days()


def features_at(
    data: EisData, as_of: dt.date, groups: list[str], *, reconstruct: bool = True
) -> pl.DataFrame:
    """One row per officer active at ``as_of``: ``officer_id`` then the feature columns (floats).

    With ``reconstruct`` findings count only when known at ``as_of`` by the closing-date rule;
    without it they count as the input gives them (the caller blanked what was not yet known).
    """
    officers = active_officers(data.officers, as_of).select(
        "officer_id",
        ((pl.lit(as_of) - pl.col("appointed_date")).dt.total_days() / 365.25).alias(
            "service_years"
        ),
    )
    known = finding_known(as_of) if reconstruct else pl.lit(True)
    complaints = data.complaints.filter(pl.col("complaint_date") < as_of).with_columns(
        _days("complaint_date", as_of).alias("age_days"),
        pl.when(known).then(pl.col("finding")).otherwise(None).alias("finding"),
        pl.col("category_code").str.slice(0, 2).alias("group"),
    )
    window = {k: pl.col("age_days") < v for k, v in WINDOWS.items()}
    force_alleg = pl.col("use_of_force") == 1
    aggregates = [
        *(window[k].sum().alias(f"alleg_{k}") for k in WINDOWS),
        pl.len().alias("alleg_all"),
        pl.col("complaint_id").filter(window["1y"]).n_unique().alias("complaints_1y"),
        pl.col("complaint_id").filter(window["5y"]).n_unique().alias("complaints_5y"),
        (force_alleg & window["1y"]).sum().alias("force_alleg_1y"),
        (force_alleg & window["5y"]).sum().alias("force_alleg_5y"),
        force_alleg.sum().alias("force_alleg_all"),
        ((pl.col("finding") == SUSTAINED) & window["5y"]).sum().alias("sustained_5y"),
        (pl.col("finding") == SUSTAINED).sum().alias("sustained_all"),
        (pl.col("finding") == "NOT SUSTAINED").sum().alias("not_sustained_all"),
        pl.col("finding").is_in(["UNFOUNDED", "EXONERATED"]).sum().alias("unfounded_all"),
        (pl.col("finding").is_null() & window["2y"]).sum().alias("open_2y"),
        ((pl.col("age_days") >= 365) & (pl.col("age_days") < 730)).sum().alias("prev_1y"),
        pl.col("age_days").min().alias("days_since_complaint"),
        *(
            ((pl.col("group") == g) & window[w]).sum().alias(f"cat_{g}_{w}")
            for g in groups
            for w in ("1y", "5y")
        ),
    ]
    per_officer = complaints.group_by("officer_id").agg(aggregates)

    force = data.force.filter(pl.col("date") < as_of).with_columns(
        _days("date", as_of).alias("age_days")
    )
    f1, f5 = pl.col("age_days") < 365, pl.col("age_days") < WINDOWS["5y"]
    per_force = force.group_by("officer_id").agg(
        f1.sum().alias("force_reports_1y"),
        f5.sum().alias("force_reports_5y"),
        ((pl.col("firearm_used") == 1) & f5).sum().alias("firearm_5y"),
        ((pl.col("taser_used") == 1) & f1).sum().alias("taser_1y"),
        ((pl.col("taser_used") == 1) & f5).sum().alias("taser_5y"),
        ((pl.col("officer_injured") == 1) & f5).sum().alias("injured_5y"),
    )

    postings = data.units.filter(pl.col("start_date") < as_of)
    current = (
        postings.filter(pl.col("end_date").is_null() | (pl.col("end_date") >= as_of))
        .sort("start_date")
        .group_by("officer_id")
        .agg(pl.col("unit").last(), pl.col("start_date").last())
        .with_columns(_days("start_date", as_of).alias("days_in_unit"))
        .drop("start_date")
    )
    changes = (
        postings.filter(_days("start_date", as_of) < WINDOWS["5y"])
        .group_by("officer_id")
        .agg(pl.len().alias("unit_changes_5y"))
    )

    frame = (
        officers.join(per_officer, on="officer_id", how="left")
        .join(per_force, on="officer_id", how="left")
        .join(current, on="officer_id", how="left")
        .join(changes, on="officer_id", how="left")
    )
    count_columns = [
        c for c in frame.columns if c not in ("officer_id", "unit", "days_since_complaint")
    ]
    frame = frame.with_columns(
        *(pl.col(c).cast(pl.Float64).fill_null(0.0) for c in count_columns),
        pl.col("days_since_complaint").cast(pl.Float64).fill_null(float(NO_HISTORY_DAYS)),
    ).with_columns((pl.col("alleg_1y") - pl.col("prev_1y")).alias("alleg_trend"))
    unit_rates = (
        frame.filter(pl.col("unit").is_not_null())
        .group_by("unit")
        .agg(
            pl.col("alleg_1y").mean().alias("unit_alleg_rate_1y"),
            pl.col("force_alleg_1y").mean().alias("unit_force_rate_1y"),
        )
    )
    frame = frame.join(unit_rates, on="unit", how="left").with_columns(
        pl.col("unit_alleg_rate_1y").fill_null(0.0), pl.col("unit_force_rate_1y").fill_null(0.0)
    )
    return frame.select("officer_id", *feature_names(groups)).sort("officer_id")


def feature_names(groups: list[str]) -> list[str]:
    base = [name for name in FEATURE_LABELS if name != "alleg_trend"] + ["alleg_trend"]
    return base + [f"cat_{g}_{w}" for g in groups for w in ("1y", "5y")]
