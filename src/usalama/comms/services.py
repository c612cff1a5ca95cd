"""Communications analysis over the records a user may see: the one gate for the pages.

Call records live as FtM statements (``Call`` and, for SMS, ``Message``) in collections; the
pages rebuild the engine's canonical CDR frame from the statements of one collection the
user may see (another agency's collection answers 404, as everywhere) and run the engine
(``usalama.analysis.comms``) on it. Cell sites belong to a collection too; only its owning
agency may load them (a grant is read-only; a refusal is audited). Every page that shows
call records is a read of sensitive data and is audited.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count

from usalama.analysis.comms import cells as cells_engine
from usalama.analysis.comms import colocate as colocate_engine
from usalama.analysis.comms import ftm, stats
from usalama.analysis.comms.cdr import CdrError
from usalama.audit.services import record
from usalama.comms.models import CellSite
from usalama.core.errors import InvalidInput
from usalama.records import services as records
from usalama.records.models import Collection, EntityRecord, Statement

COMMS_SCHEMATA = ("Call", "Message")
_PROPS = ("description", "startDate", "date", "duration")
MAX_MEETINGS_SHOWN = 100
MAX_TIMELINE = 500


@dataclass
class CommsCollection:
    collection: Collection
    calls: int
    messages: int
    cells: int


def collections(user: Any) -> list[CommsCollection]:
    """Visible collections holding call records, chats or cell sites, with counts."""
    visible = records.visible_collections(user)
    ids = [c.pk for c in visible]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        EntityRecord.objects.filter(collection_id__in=ids, schema__in=COMMS_SCHEMATA)
        .values("collection_id", "schema")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["collection_id"]][row["schema"]] = row["n"]
    cells = dict(
        CellSite.objects.filter(collection_id__in=ids)
        .values("collection_id")
        .annotate(n=Count("id"))
        .values_list("collection_id", "n")
    )
    return [
        CommsCollection(
            c, counts[c.pk].get("Call", 0), counts[c.pk].get("Message", 0), cells.get(c.pk, 0)
        )
        for c in visible
        if counts.get(c.pk) or cells.get(c.pk)
    ]


def import_cells(user: Any, collection_id: int, path: Path, file_name: str) -> int:
    """Load a cells file into a collection the user's agency owns; returns the cells stored."""
    collection = records.writable_collection(user, collection_id, attempted="comms.cells.import")
    try:
        frame, problems = cells_engine.read_cells(path)
    except CdrError as error:
        raise InvalidInput(f"{file_name}: {error}") from error
    if problems:
        first = problems[0]
        raise InvalidInput(
            f"{file_name}: {len(problems)} cell(s) could not be read, so none was stored; "
            f"first: line {first.row}, {first.field} {first.reason}"
        )
    if frame.height == 0:
        raise InvalidInput(f"{file_name}: no cell in the file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        CellSite.objects.filter(collection=collection, cell__in=frame["cell"].to_list()).delete()
        CellSite.objects.bulk_create(
            [
                CellSite(
                    collection=collection,
                    cell=row["cell"],
                    lat=row["lat"],
                    lon=row["lon"],
                    azimuth=row["azimuth"],
                    beam_width=row["beam_width"],
                    range_m=row["range"],
                    radio=(row["radio"] or "")[:10],
                    name=(row["name"] or "")[:200],
                    file_name=file_name[:300],
                    sha256=digest,
                )
                for row in frame.iter_rows(named=True)
            ],
            batch_size=1000,
        )
    record(
        user,
        "comms.cells.import",
        object_type="collection",
        object_id=collection.pk,
        details={"file": file_name, "sha256": digest, "cells": frame.height},
    )
    return frame.height


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def cdr_frame(collection: Collection) -> pl.DataFrame:
    """The collection's call records as the engine's canonical frame (one row per record)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    statements = Statement.objects.filter(
        collection=collection, schema__in=COMMS_SCHEMATA, prop__in=_PROPS
    ).values_list("entity_id", "prop", "value")
    for entity_id, prop, value in statements.iterator(chunk_size=10_000):
        found[entity_id].setdefault(prop, value)
    rows: list[dict[str, Any]] = []
    for index, (_entity_id, props) in enumerate(sorted(found.items())):
        fields = ftm.parse_description(props.get("description", ""))
        start = _parse_time(props.get("startDate") or props.get("date") or "")
        if fields is None or start is None:
            continue  # a chat message or another record: not a call record
        duration = props.get("duration", "0")
        rows.append(
            {
                "row": index,
                "a": fields["served"],
                "b": fields.get("other"),
                "start": start,
                "duration": int(float(duration)) if duration.replace(".", "", 1).isdigit() else 0,
                "type": fields["type"],
                "direction": fields["direction"],
                "cell": fields.get("cell"),
                "imei": fields.get("IMEI"),
                "imsi": fields.get("IMSI"),
            }
        )
    schema: dict[str, Any] = {
        "row": pl.Int64, "a": pl.String, "b": pl.String, "start": pl.Datetime("us", "UTC"),
        "duration": pl.Int64, "type": pl.String, "direction": pl.String, "cell": pl.String,
        "imei": pl.String, "imsi": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema).sort("start", "row")


def cell_frame(collection: Collection) -> pl.DataFrame:
    rows = CellSite.objects.filter(collection=collection).values_list(
        "cell", "lat", "lon", "azimuth", "beam_width", "range_m", "name"
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "cell": pl.String,
            "lat": pl.Float64,
            "lon": pl.Float64,
            "azimuth": pl.Float64,
            "beam_width": pl.Float64,
            "range": pl.Float64,
            "name": pl.String,
        },
        orient="row",
    )


@dataclass
class Analysis:
    collection: Collection
    records: int
    numbers: int
    window_minutes: int
    max_distance_m: float
    meetings: list[dict[str, Any]]
    handsets: list[dict[str, Any]]
    switched_numbers: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    number: str
    pair: tuple[str, str] | None
    map_data: dict[str, Any]
    unlocated: int


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def analyse(
    user: Any,
    collection_id: int,
    *,
    window_minutes: int = 15,
    max_distance_m: float = 1000.0,
    number: str = "",
    pair: tuple[str, str] | None = None,
) -> Analysis:
    """Co-location, SIM/handset changes, contacts and a timeline of one visible collection."""
    if not 1 <= window_minutes <= 24 * 60:
        raise InvalidInput("the window must be between 1 and 1440 minutes")
    if not 0 <= max_distance_m <= 50_000:
        raise InvalidInput("the distance must be between 0 and 50,000 metres")
    collection = records.get_collection(user, collection_id)  # 404 for another agency's
    cdr = cdr_frame(collection)
    sites = cell_frame(collection)
    meetings = colocate_engine.colocate(cdr, sites, window_minutes, max_distance_m) if (
        cdr.height and sites.height) else []  # fmt: skip
    handsets, numbers = stats.sim_changes(cdr) if cdr.height else (pl.DataFrame(), pl.DataFrame())
    contacts = stats.contact_edges(cdr).head(50).to_dicts() if cdr.height else []
    if pair is None and meetings:
        pair = (meetings[0].a, meetings[0].b)
    chosen = number or (pair[0] if pair else "")
    line = stats.timeline(cdr, [chosen], sites if sites.height else None) if chosen else None
    map_data = _map_data(cdr, sites, pair, window_minutes, max_distance_m)
    unlocated = (
        cdr.filter(pl.col("cell").is_null() | ~pl.col("cell").is_in(sites["cell"].to_list())).height
        if cdr.height
        else 0
    )
    record(
        user,
        "comms.analysis",
        object_type="collection",
        object_id=collection.pk,
        query=chosen,
        details={
            "records": cdr.height,
            "window_minutes": window_minutes,
            "max_distance_m": max_distance_m,
            "pair": list(pair) if pair else [],
        },
    )
    return Analysis(
        collection=collection,
        records=cdr.height,
        numbers=cdr["a"].n_unique() if cdr.height else 0,
        window_minutes=window_minutes,
        max_distance_m=max_distance_m,
        meetings=[
            {**m.as_json(), "first": m.first, "last": m.last} for m in meetings[:MAX_MEETINGS_SHOWN]
        ],
        handsets=handsets.to_dicts() if handsets.height else [],
        switched_numbers=numbers.to_dicts() if numbers.height else [],
        contacts=contacts,
        timeline=line.head(MAX_TIMELINE).to_dicts() if line is not None else [],
        number=chosen,
        pair=pair,
        map_data=map_data,
        unlocated=unlocated,
    )


def _map_data(
    cdr: pl.DataFrame,
    sites: pl.DataFrame,
    pair: tuple[str, str] | None,
    window_minutes: int,
    max_distance_m: float,
) -> dict[str, Any]:
    """Cells (with sectors) the records use, the pair's trails and their meeting places."""
    used = set(cdr["cell"].drop_nulls().to_list()) if cdr.height else set()
    cells = [
        {
            "cell": row["cell"],
            "lat": row["lat"],
            "lon": row["lon"],
            "azimuth": row["azimuth"],
            "beam": row["beam_width"],
            "range": row["range"],
            "name": row["name"] or row["cell"],
        }
        for row in sites.iter_rows(named=True)
        if row["cell"] in used
    ]
    trails: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    if pair and sites.height:
        moves = colocate_engine.trails(cdr, sites, list(pair))
        for number in pair:
            points = moves.filter(pl.col("a") == number)
            trails.append(
                {
                    "number": number,
                    "points": [
                        [r["lat"], r["lon"], _iso(r["start"])] for r in points.iter_rows(named=True)
                    ],
                }
            )
        places = _meeting_places(cdr, sites, pair, window_minutes, max_distance_m)
    return {"cells": cells, "trails": trails, "meetings": places}


def _meeting_places(
    cdr: pl.DataFrame,
    sites: pl.DataFrame,
    pair: tuple[str, str],
    window_minutes: int,
    max_distance_m: float,
) -> list[dict[str, Any]]:
    """Where the pair met: per meeting window, the midpoint of their closest two positions."""
    located = cdr.filter(pl.col("a").is_in(list(pair))).join(
        sites.select("cell", "lat", "lon"), on="cell", how="inner"
    )
    both = (
        located.with_columns((pl.col("start").dt.epoch("s") // (window_minutes * 60)).alias("w"))
        .group_by("w", "a")
        .agg(pl.col("lat"), pl.col("lon"), pl.col("start").min())
        .sort("w")
    )
    places: list[dict[str, Any]] = []
    by_window: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in both.iter_rows(named=True):
        by_window[row["w"]].append(row)
    for rows in by_window.values():
        if len(rows) != 2:
            continue
        first, second = rows
        best = min(
            (
                (colocate_engine.haversine_m(la, lo, lb, lob), la, lo, lb, lob)
                for la, lo in zip(first["lat"], first["lon"], strict=True)
                for lb, lob in zip(second["lat"], second["lon"], strict=True)
            ),
        )
        if best[0] <= max_distance_m:
            at = min(first["start"], second["start"])
            places.append(
                {"lat": (best[1] + best[3]) / 2, "lon": (best[2] + best[4]) / 2, "at": _iso(at)}
            )
    return sorted(places, key=lambda p: p["at"])
