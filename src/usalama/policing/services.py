"""Policing use cases: the only code here that writes, checks access and audits.

Views, the API and the CLI call these; they never touch ``Incident`` directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from usalama.accounts.models import Agency
from usalama.accounts.roles import Role
from usalama.audit.services import Actor, record
from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.policing.incidents import number_incident
from usalama.policing.mappings import Mapping, load_mapping
from usalama.policing.models import Incident
from usalama.policing.reading import read_incident_files
from usalama.policing.response import ResponseReport, response_report
from usalama.records import services as records
from usalama.records.models import Collection

# Roles that may load incident files into their own agency's collections.
IMPORT_ROLES = {Role.ANALYST, Role.SUPERVISOR, Role.DESK_OFFICER, Role.COMMANDER}
BATCH_SIZE = 2000
UPDATED_FIELDS = [
    "category",
    "call_group",
    "call_type",
    "priority",
    "latitude",
    "longitude",
    "beat",
    "station",
    "received_at",
    "answered_at",
    "dispatched_at",
    "arrived_at",
    "cleared_at",
    "time_zone",
    "source_file",
    "source_row",
    "imported_by",
    "imported_at",
]


# --- collections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentCollection:
    collection: Collection
    incidents: int
    first: dt.datetime | None
    last: dt.datetime | None


def incident_collections(user: Any) -> list[IncidentCollection]:
    """Visible collections holding incidents, with counts and date range."""
    stats = (
        Incident.objects.visible_to(user)
        .values("collection_id")
        .annotate(n=Count("id"), first=Min("received_at"), last=Max("received_at"))
    )
    by_id = {row["collection_id"]: row for row in stats}
    out = []
    for collection in records.visible_collections(user):
        row = by_id.get(collection.id)
        if row:
            out.append(IncidentCollection(collection, row["n"], row["first"], row["last"]))
    return out


def get_incident_collection(user: Any, key: str) -> Collection:
    """A collection the user may see, by key; anything else is NotFound (never 403)."""
    collection = (
        Collection.objects.visible_to(user).select_related("agency").filter(key=key).first()
    )
    if collection is None:
        raise NotFound(f"collection {key!r} not found")
    return collection


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    collection: str
    files: list[str]
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    skipped_no_time: int = 0
    no_coordinates: int = 0
    duplicates: int = 0
    mapping: str = ""
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "files": self.files,
            "mapping": self.mapping,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "skipped_no_time": self.skipped_no_time,
            "no_coordinates": self.no_coordinates,
            "duplicates": self.duplicates,
        }


def _target_collection(
    actor: Actor, user: Any, key: str, agency_code: str | None, label: str | None
) -> Collection:
    if user is not None:
        if not getattr(user, "sees_records", False) or not (user.role_set & IMPORT_ROLES):
            raise PermissionDenied(f"{user.get_username()} may not import incidents")
        agency = user.agency
        if agency_code and agency_code != agency.code:
            raise PermissionDenied(f"{user.get_username()} may import only for {agency.code}")
        existing = Collection.objects.filter(key=key).first()
        if existing is not None:
            # a grant is read-only: only the owning agency imports (refusals audited)
            return records.writable_collection(user, existing, attempted="policing.import")
    else:
        existing = Collection.objects.filter(key=key).first()
        if existing is not None:
            if agency_code and existing.agency.code != agency_code:
                raise NotFound(f"collection {key!r} not found")
            return existing
        if not agency_code:
            raise InvalidInput(f"collection {key!r} does not exist; give --agency to create it")
        found = Agency.objects.filter(code=agency_code).first()
        if found is None:
            raise NotFound(f"agency {agency_code!r} not found")
        agency = found
    return records.ensure_collection(
        actor,
        key=key,
        agency=agency,
        label=label or human_label(key, agency.code),
        summary="Calls for service / incidents",
    )


def human_label(key: str, agency_code: str) -> str:
    """'nps-portland-calls' → 'NPS Portland calls for service' (not 'Nps portland calls')."""
    words = []
    for word in key.replace("_", "-").split("-"):
        if not word:
            continue
        if word.upper() == agency_code.upper():
            words.append(agency_code.upper())
        elif word.lower() == "calls":
            words.append("calls for service")
        elif word.lower() in {"incidents", "cad", "records"}:
            words.append(word.lower() if word.lower() != "cad" else "CAD")
        else:
            words.append(word.capitalize())
    return " ".join(words) or key


def _aware(value: dt.datetime | None) -> Any:
    return None if value is None else value.replace(tzinfo=dt.UTC)


def import_incidents(
    user: Any,
    paths: Sequence[str | Path],
    collection_key: str,
    mapping: str | Mapping | dict[str, Any],
    *,
    agency_code: str | None = None,
    label: str | None = None,
) -> ImportResult:
    """Read, check and store incident files in one transaction; re-import updates in place.

    ``user`` None means the operator at the command line (a system actor); then
    ``agency_code`` names the owner of a new collection.
    """
    actor = Actor.of(user) if user is not None else Actor(name="cli", agency=agency_code or "")
    chosen = load_mapping(mapping)
    parsed = read_incident_files(paths, chosen)  # raises, naming rows, before any write
    result = ImportResult(
        collection=collection_key, files=[str(p.path.name) for p in parsed], mapping=chosen.name
    )
    now = timezone.now()
    with transaction.atomic():
        collection = _target_collection(actor, user, collection_key, agency_code, label)
        for item in parsed:
            result.rows_read += item.rows_read
            result.skipped_no_time += item.skipped_no_time
            result.no_coordinates += item.no_coordinates
            result.duplicates += item.duplicates
            ids = item.frame["external_id"].to_list()
            existing: set[str] = set()
            for start in range(0, len(ids), BATCH_SIZE):
                existing.update(
                    Incident.objects.filter(
                        collection=collection, external_id__in=ids[start : start + BATCH_SIZE]
                    ).values_list("external_id", flat=True)
                )
            objects = [
                Incident(
                    collection=collection,
                    external_id=row["external_id"],
                    category=row["category"][:200],
                    call_group=row["call_group"][:200],
                    call_type=row["call_type"][:200],
                    priority=row["priority"][:20],
                    latitude=row["latitude"],
                    longitude=row["longitude"],
                    beat=row["beat"][:100],
                    station=row["station"][:100],
                    received_at=_aware(row["received"]),
                    answered_at=_aware(row["answered"]),
                    dispatched_at=_aware(row["dispatched"]),
                    arrived_at=_aware(row["arrived"]),
                    cleared_at=_aware(row["cleared"]),
                    time_zone=chosen.time_zone,
                    source_file=row["source_file"],
                    source_row=row["source_row"],
                    imported_by=actor.name,
                    imported_at=now,
                )
                for row in item.frame.iter_rows(named=True)
            ]
            Incident.objects.bulk_create(
                objects,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["collection", "external_id"],
                update_fields=UPDATED_FIELDS,
            )
            result.updated += len(existing)
            result.created += len(objects) - len(existing)
        files = [{"name": p.path.name, "sha256": records.file_sha256(str(p.path))} for p in parsed]
        record(
            actor,
            "incidents.import",
            object_type="collection",
            object_id=collection.pk,
            details={**result.as_dict(), "files": files},
        )
    return result


# --- single incidents opened by hand (e.g. from a community report) ------------------------
REPORTED_COLLECTION_SUFFIX = "-reported-incidents"


def open_incident(
    user: Any,
    *,
    source: str,
    category: str,
    priority: str = "",
    station: str = "",
    received_at: dt.datetime,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Incident:
    """Open one incident in the user's agency's collection of reported incidents.

    ``source`` names where it came from in the caller's system (e.g. ``intake:report:12``)
    and becomes the external id, so opening it twice returns the same incident.
    """
    if not getattr(user, "sees_records", False) or not (user.role_set & IMPORT_ROLES):
        raise PermissionDenied(f"{user.get_username()} may not open incidents")
    if not source or len(source) > 200:
        raise InvalidInput("source: 1 to 200 characters")
    actor = Actor.of(user)
    agency = user.agency
    with transaction.atomic():
        collection = records.ensure_collection(
            actor,
            key=agency.code.lower() + REPORTED_COLLECTION_SUFFIX,
            agency=agency,
            label=f"{agency.code} reported incidents",
            summary="Incidents opened from community reports and tips",
        )
        incident, created = Incident.objects.get_or_create(
            collection=collection,
            external_id=source,
            defaults={
                "category": category[:200],
                "priority": priority[:20],
                "station": station[:100],
                "received_at": received_at,
                "latitude": latitude,
                "longitude": longitude,
                "source_file": source.partition(":")[0][:300],
                "source_row": 0,
                "imported_by": actor.name,
            },
        )
        if created:
            number_incident(incident, agency.code)
            record(
                actor,
                "incident.open",
                object_type="incident",
                object_id=incident.pk,
                details={
                    "collection": collection.key,
                    "source": source,
                    "ob": incident.ob_number,
                },
            )
    return incident


# --- reading incidents as frames -------------------------------------------------------------

_FRAME_FIELDS = (
    "external_id",
    "category",
    "call_group",
    "priority",
    "station",
    "beat",
    "latitude",
    "longitude",
    "received_at",
    "answered_at",
    "dispatched_at",
    "arrived_at",
    "cleared_at",
    "time_zone",
    "source_file",
)
_TIMES = {
    "received_at": "received",
    "answered_at": "answered",
    "dispatched_at": "dispatched",
    "arrived_at": "arrived",
    "cleared_at": "cleared",
}


def incidents_frame(collection: Collection, *, local_times: bool = True) -> pl.DataFrame:
    """The collection's incidents; times naive, local to each call (or UTC)."""
    rows = Incident.objects.filter(collection=collection).values_list(*_FRAME_FIELDS)
    columns: dict[str, list[Any]] = {name: [] for name in _FRAME_FIELDS}
    for row in rows.iterator(chunk_size=10_000):
        for name, value in zip(_FRAME_FIELDS, row, strict=True):
            if name in _TIMES and value is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            columns[name].append(value)
    schema: dict[str, Any] = {name: pl.String for name in _FRAME_FIELDS}
    schema.update({name: pl.Datetime("us") for name in _TIMES})
    schema.update({"latitude": pl.Float64, "longitude": pl.Float64})
    frame = pl.DataFrame(columns, schema=schema).rename(_TIMES)
    if not local_times or frame.height == 0:
        return frame
    parts = []
    for zone in frame["time_zone"].unique().to_list():
        part = frame.filter(pl.col("time_zone") == zone)
        parts.append(
            part.with_columns(
                pl.col(list(_TIMES.values()))
                .dt.replace_time_zone("UTC")
                .dt.convert_time_zone(zone)
                .dt.replace_time_zone(None)
            )
        )
    return pl.concat(parts).sort("received")


# --- response times ---------------------------------------------------------------------------


@dataclass
class ResponseView:
    collection: Collection
    report: ResponseReport
    standards: dict[str, float]
    time_zones: list[str]


def _response_view(actor: Any, collection: Collection, standards: dict[str, float]) -> ResponseView:
    frame = incidents_frame(collection)
    report = response_report(frame, standards=standards)
    record(
        actor,
        "incidents.response_times",
        object_type="collection",
        object_id=collection.pk,
        details={"key": collection.key, "calls": report.calls, "standards": standards},
    )
    zones = sorted(frame["time_zone"].unique().to_list()) if frame.height else []
    return ResponseView(collection, report, standards, zones)


def response_times(
    user: Any, collection_key: str, *, standards: dict[str, float] | None = None
) -> ResponseView:
    """The dashboard's figures for a collection the user may see; audited."""
    collection = get_incident_collection(user, collection_key)
    return _response_view(user, collection, standards or {})


def operator_response_times(
    collection_key: str, *, standards: dict[str, float] | None = None
) -> ResponseView:
    """The same figures for the operator at the command line (a system actor); audited."""
    collection = Collection.objects.filter(key=collection_key).first()
    if collection is None:
        raise NotFound(f"collection {collection_key!r} not found")
    return _response_view(Actor(name="cli"), collection, standards or {})


def response_times_csv(
    user: Any, collection_key: str, *, standards: dict[str, float] | None = None
) -> str:
    """Every table of the dashboard in one CSV (section, group, figures); audited."""
    collection = get_incident_collection(user, collection_key)
    if not records.may_export(user, collection):
        raise PermissionDenied(
            f"{collection.handling} material leaves only by its originating agency's hand"
        )
    report = response_report(incidents_frame(collection), standards=standards or {})
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(["section", "group", "calls", "measured", "median_min", "p90_min"])

    def fmt(value: Any) -> str:
        return "" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))

    for row in report.overall.iter_rows(named=True):
        writer.writerow(
            [
                "interval",
                row["interval"],
                row["calls"],
                row["measured"],
                fmt(row["median"]),
                fmt(row["p90"]),
            ]
        )
    for dimension, table in report.by.items():
        for row in table.iter_rows(named=True):
            writer.writerow(
                [
                    f"response_by_{dimension}",
                    fmt(row[dimension]),
                    row["calls"],
                    row["measured"],
                    fmt(row["median"]),
                    fmt(row["p90"]),
                ]
            )
    writer.writerow([])
    writer.writerow(["standard", "priority", "minutes", "calls", "measured", "met", "share"])
    for row in report.standards.iter_rows(named=True):
        writer.writerow(
            [
                "standard",
                row["priority"],
                fmt(row["standard_minutes"]),
                row["calls"],
                row["measured"],
                row["met"],
                fmt(row["share"]),
            ]
        )
    record(
        user,
        "incidents.export",
        object_type="collection",
        object_id=collection.pk,
        details={"key": collection.key, "what": "response_times_csv", "standards": standards or {}},
    )
    return buffer.getvalue()


# --- hotspots and forecasts ------------------------------------------------------------------


@dataclass
class HotspotView:
    collection: Collection
    method_requested: str
    method: str
    cell_size: float
    units: str
    train_start: dt.date
    origin: dt.date
    horizon_end: dt.date
    train_days: float
    horizon_days: float
    incidents_total: int
    incidents_located: int
    incidents_in_window: int
    study_cells: int
    categories: list[tuple[str, int]]
    call_groups: list[tuple[str, int]]
    source_files: list[str]
    cells: list[dict[str, Any]]
    geojson: dict[str, Any]
    plan: list[dict[str, Any]]
    shown_share: float
    shown_captured: int = 0
    grid_crs: str = ""  # the planar CRS the cells are laid in (for scoring the forecast later)
    grid_cell_side: float = 0.0  # the cell side in that CRS's unit

    @property
    def few_incidents(self) -> bool:
        """True when the forecast rests on too few incidents to say much (shown as a warning)."""
        return self.incidents_in_window < FEW_INCIDENTS


# Below this many incidents in the training window a forecast is mostly noise: the page says so.
FEW_INCIDENTS = 100


@functools.cache
def _places() -> tuple[tuple[str, float, float], ...]:
    from usalama.data.geo import read_geo_csv

    return tuple(
        (row["name"], float(row["lat"]), float(row["lon"]))
        for row in read_geo_csv("east_africa_places.csv")
    )


def nearest_place(lat: float, lon: float, *, within_km: float = 50.0) -> tuple[str, float] | None:
    """The nearest shipped town (GeoNames) and its distance in km, if one lies within reach."""
    best: tuple[str, float] | None = None
    for name, plat, plon in _places():
        # equirectangular distance: exact enough within a city, and fast
        x = math.radians(plon - lon) * math.cos(math.radians((plat + lat) / 2))
        y = math.radians(plat - lat)
        km = 6371.0 * math.hypot(x, y)
        if km <= within_km and (best is None or km < best[1]):
            best = (name, km)
    return best


def _date(days: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(days))


def check_forecast_params(
    *, method: str = "best", cell_size: float = 600.0, units: str = "ft",
    train_days: float = 31.0, horizon_days: float = 7.0, top: int = 50, patrol_cells: int = 10,
) -> None:  # fmt: skip
    """Refuse parameters a forecast cannot use (``InvalidInput`` naming the first)."""
    from usalama.analysis import hotspots

    if units not in ("m", "ft"):
        raise InvalidInput(f"units must be m or ft, not {units!r}")
    if not 10 <= cell_size <= 10_000:
        raise InvalidInput("cell size must be between 10 and 10,000")
    if method not in (*hotspots.METHOD_NAMES, hotspots.BEST):
        raise InvalidInput(f"unknown method {method!r}")
    if not 1 <= top <= 500:
        raise InvalidInput("top must be between 1 and 500 cells")
    # "not a <= x <= b" also refuses nan, which compares false with everything
    if not 0.5 <= horizon_days <= 365:
        raise InvalidInput("horizon must be between half a day and 365 days")
    if not 1 <= train_days <= 3650:
        raise InvalidInput("training window must be between 1 and 3,650 days")
    if not 1 <= patrol_cells <= 500:
        raise InvalidInput("patrol cells must be between 1 and 500")


def hotspot_forecast(
    user: Any,
    collection_key: str,
    *,
    method: str = "best",
    cell_size: float = 600.0,
    units: str = "ft",
    train_days: float = 31.0,
    horizon_days: float = 7.0,
    top: int = 50,
    patrol_cells: int = 10,
    shift_start: dt.time = dt.time(8, 0),
    as_of: dt.date | None = None,
    audit: bool = True,
) -> HotspotView:
    """Forecast the window after the data with the hotspot engine; audited (a background job
    passes ``audit=False`` and records :func:`forecast_audit_details` with its result).

    ``as_of``: forecast as it would have been made on that day (UTC), from the incidents
    received before it only — what a forecast's hit rate is later measured on."""
    from usalama.analysis import hotspots

    check_forecast_params(
        method=method, cell_size=cell_size, units=units, train_days=train_days,
        horizon_days=horizon_days, top=top, patrol_cells=patrol_cells,
    )  # fmt: skip
    collection = get_incident_collection(user, collection_key)
    frame = incidents_frame(collection, local_times=False)
    located = frame.filter(pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null())
    if as_of is not None:
        cut = dt.datetime.combine(as_of, dt.time())  # the frame holds naive UTC times
        located = located.filter(pl.col("received") < cut)
    if located.height == 0:
        raise InvalidInput("no incident in this collection has a location")
    data = hotspots.prepare(
        located.select(
            pl.col("longitude").alias("x"),
            pl.col("latitude").alias("y"),
            pl.col("received").alias("time"),
        ),
        crs="EPSG:4326",
        cell_size=cell_size,
        units=units,  # type: ignore[arg-type]
    )
    span = data.end - data.start
    train = min(train_days, float(int(span)))
    if train < max(horizon_days, 1):
        raise InvalidInput(
            f"this collection spans {span:.1f} days of incidents; a forecast needs at least "
            f"{max(horizon_days, 1):g} days"
        )
    result = hotspots.forecast(data, method=method, train_days=train, horizon_days=horizon_days)
    plan = hotspots.patrol_plan(
        result, hotspots.PatrolSettings(cells=patrol_cells, shift_start=shift_start)
    )
    shown = result.cells.head(top)
    start_day = result.origin - train
    day = located["received"].dt.epoch("us").cast(pl.Float64) / 86_400_000_000
    in_window = located.filter((day >= start_day) & (day < result.origin))
    categories = Counter(in_window["category"].to_list()).most_common(8)
    groups = Counter(in_window["call_group"].to_list()).most_common(8)
    train_counts = data.study_counts(start_day, result.origin)
    cell_index = {int(c): i for i, c in enumerate(data.study_cells.tolist())}
    shown_rows = []
    for row in shown.iter_rows(named=True):
        shown_rows.append(
            {
                "rank": row["rank"],
                "cell_id": row["cell_id"],
                "score": row["score"],
                "lat": row["centroid_lat"],
                "lon": row["centroid_lon"],
                "place": nearest_place(row["centroid_lat"], row["centroid_lon"]),
                "past": int(train_counts[cell_index[int(row["cell_id"])]]),
            }
        )
    geojson = hotspots.to_geojson(shown.select("cell_id", "rank", "score", "polygon"))
    plan_rows = [
        {
            "place": nearest_place(r["centroid_lat"], r["centroid_lon"]),
            "rank": r["rank"],
            "cell_id": r["cell_id"],
            "lat": r["centroid_lat"],
            "lon": r["centroid_lon"],
            "visit_minutes": r["visit_minutes"],
            "revisit_minutes": r["revisit_minutes"],
            "visit_times": r["visit_times"],
        }
        for r in plan.iter_rows(named=True)
    ]
    view = HotspotView(
        collection=collection,
        method_requested=method,
        method=result.method,
        cell_size=cell_size,
        units=units,
        train_start=_date(start_day),
        origin=_date(result.origin),
        horizon_end=_date(result.origin + horizon_days - 1),
        train_days=train,
        horizon_days=horizon_days,
        incidents_total=frame.height,
        incidents_located=located.height,
        incidents_in_window=in_window.height,
        study_cells=int(data.study_cells.size),
        categories=[(c or "—", n) for c, n in categories],
        call_groups=[(c or "—", n) for c, n in groups],
        source_files=sorted(set(frame["source_file"].to_list())),
        cells=shown_rows,
        geojson=geojson,
        plan=plan_rows,
        shown_share=shown.height / max(1, int(data.study_cells.size)),
        shown_captured=sum(r["past"] for r in shown_rows),
        grid_crs=data.plane.planar.to_string(),
        grid_cell_side=data.grid.cell_size,
    )
    if audit:
        record(
            user,
            "incidents.forecast",
            object_type="collection",
            object_id=collection.pk,
            details=forecast_audit_details(view),
        )
    return view


def forecast_audit_details(view: HotspotView) -> dict[str, Any]:
    return {
        "key": view.collection.key,
        "method": view.method_requested,
        "method_used": view.method,
        "cell_size": view.cell_size,
        "units": view.units,
        "train_days": view.train_days,
        "horizon_days": view.horizon_days,
    }
