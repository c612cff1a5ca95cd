"""Demo stage: Kenyan calls for service in Nairobi and Mombasa, for the NPS commander.

Synthetic calls at real places: each station sits in a real ward (``kenya_wards.csv``,
shipped in ``usalama.data``) at that area's approximate centre, and calls cluster around a
few busy spots near it (markets, bus stages). Coordinates are written in metres in the
Kenyan projection Arc 1960 / UTM zone 37S (EPSG:21037) and loaded through the ordinary
import (``usalama incidents import`` with a mapping that names that CRS), which stores them
as latitude/longitude. Each call has answer, dispatch, arrival and clearance times that
depend on its priority, ``HISTORY_DAYS`` of history (enough for hotspots and a forecast),
and the last hours' calls are still waiting for an officer. Every call is then entered in
its station's Occurrence Book (an OB number), and a few open ones are assigned.

Idempotent: a collection that already holds calls is left as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from pyproj import Transformer

from usalama.audit.services import Actor
from usalama.core import spreadsheets
from usalama.data.geo import read_geo_csv
from usalama.demo.stages import DemoContext, Tip
from usalama.policing import incidents
from usalama.policing import services as policing
from usalama.policing.models import Incident, IncidentStatus
from usalama.records.models import Collection

ACTOR = Actor(name="demo", agency="NPS")
HISTORY_DAYS = 120
KENYA_METRES = "EPSG:21037"  # Arc 1960 / UTM zone 37S


@dataclass(frozen=True)
class Station:
    name: str
    county: str
    sub_county: str
    ward: str
    lat: float
    lon: float
    weight: float  # share of the city's calls


@dataclass(frozen=True)
class City:
    key: str
    label: str
    calls_per_day: float
    stations: tuple[Station, ...]


CITIES = (
    City(
        "nps-nairobi-calls",
        "Nairobi calls for service",
        26.0,
        (
            Station(
                "Central Police Station",
                "Nairobi",
                "Starehe",
                "Nairobi Central",
                -1.2841,
                36.8233,
                3,
            ),
            Station(
                "Kilimani Police Station",
                "Nairobi",
                "Dagoretti North",
                "Kilimani",
                -1.2921,
                36.7856,
                1.5,
            ),
            Station(
                "Kasarani Police Station", "Nairobi", "Kasarani", "Kasarani", -1.2219, 36.8992, 1.5
            ),
            Station(
                "Pangani Police Station",
                "Nairobi",
                "Kamukunji",
                "Eastleigh North",
                -1.2740,
                36.8510,
                2,
            ),
            Station("Kibera Police Station", "Nairobi", "Kibra", "Sarangombe", -1.3133, 36.7833, 2),
            Station(
                "Kayole Police Station",
                "Nairobi",
                "Embakasi Central",
                "Kayole Central",
                -1.2740,
                36.9150,
                2,
            ),
            Station(
                "Kariobangi Police Station",
                "Nairobi",
                "Embakasi North",
                "Kariobangi North",
                -1.2560,
                36.8850,
                1.5,
            ),
            Station(
                "Kamukunji Police Station", "Nairobi", "Kamukunji", "Pumwani", -1.28333, 36.85, 1.5
            ),
        ),
    ),
    City(
        "nps-mombasa-calls",
        "Mombasa calls for service",
        12.0,
        (
            Station(
                "Central Police Station Mombasa",
                "Mombasa",
                "Mvita",
                "Tononoka",
                -4.0600,
                39.6700,
                3,
            ),
            Station("Nyali Police Station", "Mombasa", "Nyali", "Kongowea", -4.0300, 39.7100, 1.5),
            Station("Likoni Police Station", "Mombasa", "Likoni", "Likoni", -4.0900, 39.6600, 1.5),
            Station(
                "Changamwe Police Station",
                "Mombasa",
                "Changamwe",
                "Changamwe",
                -4.0250,
                39.6300,
                1.5,
            ),
            Station("Kisauni Police Station", "Mombasa", "Kisauni", "Bamburi", -4.0050, 39.7000, 2),
        ),
    ),
)

# (category, call group, priority, weight)
CALL_TYPES = (
    ("Stealing", "Crime against property", "P3", 20),
    ("Motor vehicle theft", "Crime against property", "P2", 7),
    ("Burglary", "Crime against property", "P2", 9),
    ("Robbery with violence", "Crime against the person", "P1", 6),
    ("Assault", "Crime against the person", "P2", 11),
    ("Domestic violence", "Crime against the person", "P1", 6),
    ("Sexual offence", "Crime against the person", "P1", 2),
    ("Drug offence", "Public order", "P3", 6),
    ("Disturbance", "Public order", "P3", 12),
    ("Road traffic accident", "Traffic", "P2", 10),
    ("Fraud", "Economic crime", "P4", 4),
    ("Missing person", "Welfare", "P2", 3),
)
# Minutes to dispatch and to arrive, by priority (median of a log-normal draw).
DISPATCH_MINUTES = {"P1": 4.0, "P2": 12.0, "P3": 25.0, "P4": 60.0}
TRAVEL_MINUTES = {"P1": 11.0, "P2": 16.0, "P3": 22.0, "P4": 30.0}
HOUR_WEIGHTS = (2, 1.5, 1, 1, 1, 1.5, 3, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 8, 9, 9, 8, 6, 4, 3)
MAPPING = {
    "name": "usalama-demo-kenya",
    "external_id": "event",
    "category": "category",
    "call_group": "call_group",
    "call_type": "category",
    "priority": "priority",
    "station": "station",
    "beat": "ward",
    "x": "easting",
    "y": "northing",
    "crs": KENYA_METRES,
    "time_zone": "Africa/Nairobi",
    "received": "received",
    "answered": "answered",
    "dispatched": "dispatched",
    "arrived": "arrived",
    "cleared": "cleared",
}
COLUMNS = (
    "event",
    "category",
    "call_group",
    "priority",
    "station",
    "ward",
    "easting",
    "northing",
    "received",
    "answered",
    "dispatched",
    "arrived",
    "cleared",
)
WAITING_HOURS = 6  # calls of the last hours may still wait for an officer


def check_places() -> None:
    """Every station's ward is a real ward of its sub-county and county."""
    known = {
        (r["county_name"], r["constituency_name"], r["ward_name"])
        for r in read_geo_csv("kenya_wards.csv")
    }
    for city in CITIES:
        for station in city.stations:
            if (station.county, station.sub_county, station.ward) not in known:
                raise ValueError(
                    f"{station.name}: {station.ward} is not a ward of {station.sub_county}"
                )


def _hotspots(
    rng: random.Random, station: Station, to_metres: Transformer
) -> list[tuple[float, float, float]]:
    """A few busy spots within ~1.5 km of the station: (easting, northing, spread metres)."""
    x, y = to_metres.transform(station.lon, station.lat)
    spots = [(x, y, 450.0)]
    for _ in range(rng.randint(2, 4)):
        angle, distance = rng.uniform(0, 2 * math.pi), rng.uniform(300, 1500)
        spots.append(
            (x + distance * math.cos(angle), y + distance * math.sin(angle), rng.uniform(120, 300))
        )
    return spots


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(incidents.OB_TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def write_calls(city: City, seed: int, now: dt.datetime, folder: Path) -> Path:
    """The city's calls as a CSV in EPSG:21037 metres and Nairobi local time."""
    rng = random.Random(f"{seed}:{city.key}")
    to_metres = Transformer.from_crs("EPSG:4326", KENYA_METRES, always_xy=True)
    spots = {s.name: _hotspots(rng, s, to_metres) for s in city.stations}
    station_weights = [s.weight for s in city.stations]
    type_weights = [t[3] for t in CALL_TYPES]
    start = (now - dt.timedelta(days=HISTORY_DAYS)).astimezone(incidents.OB_TIME_ZONE)
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    path = folder / f"{city.key}.csv"
    serial = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = spreadsheets.writer(out)
        writer.writerow(COLUMNS)
        for day in range(HISTORY_DAYS + 1):
            midnight = start + dt.timedelta(days=day)
            weekend = midnight.weekday() >= 4  # Friday to Sunday are busier
            count = max(0, round(rng.gauss(city.calls_per_day * (1.2 if weekend else 1.0), 4)))
            for _ in range(count):
                hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
                received = midnight + dt.timedelta(hours=hour, seconds=rng.randrange(3600))
                if received >= now:
                    continue
                station = rng.choices(city.stations, weights=station_weights)[0]
                category, group, priority, _w = rng.choices(CALL_TYPES, weights=type_weights)[0]
                x, y, spread = (
                    rng.choice(spots[station.name])
                    if rng.random() < 0.7
                    else (*spots[station.name][0][:2], 1200.0)
                )
                serial += 1
                answered = received + dt.timedelta(seconds=rng.randint(5, 90))
                dispatched = answered + dt.timedelta(
                    minutes=rng.lognormvariate(math.log(DISPATCH_MINUTES[priority]), 0.6)
                )
                arrived = dispatched + dt.timedelta(
                    minutes=rng.lognormvariate(math.log(TRAVEL_MINUTES[priority]), 0.5)
                )
                cleared = arrived + dt.timedelta(minutes=rng.uniform(20, 150))
                recent = now - received < dt.timedelta(hours=WAITING_HOURS)
                times: list[dt.datetime | None] = [answered, dispatched, arrived, cleared]
                if recent and rng.random() < 0.6:  # still waiting for a unit
                    times = [answered, None, None, None]
                times = [t if t is None or t < now else None for t in times]
                writer.writerow(
                    [
                        f"{city.key.upper()}-{serial:06d}",
                        category,
                        group,
                        priority,
                        station.name,
                        station.ward,
                        f"{rng.gauss(x, spread):.1f}",
                        f"{rng.gauss(y, spread):.1f}",
                        _local(received),
                        *("" if t is None else _local(t) for t in times),
                    ]
                )
    return path


def populate(context: DemoContext) -> list[Tip]:
    check_places()
    commander = context.users.get("nps.commander")
    now = timezone.now().replace(second=0, microsecond=0)
    loaded = 0
    with tempfile.TemporaryDirectory(prefix="usalama-demo-calls-") as folder:
        for city in CITIES:
            if Incident.objects.filter(collection__key=city.key).exists():
                continue
            path = write_calls(city, context.seed, now, Path(folder))
            result = policing.import_incidents(
                None, [path], city.key, MAPPING, agency_code="NPS", label=city.label
            )
            loaded += result.created
            collection = Collection.objects.get(key=city.key)
            incidents.enter_in_books(ACTOR, collection)
            if commander is not None:
                _assign_some(commander, collection, context.users.get("nps.desk"))
    waiting = Incident.objects.filter(
        collection__key__in=[c.key for c in CITIES], status=IncidentStatus.OPEN
    ).count()
    return [
        Tip(
            "nps.commander",
            f"Incidents: {waiting} calls are still waiting — open the oldest, see its time in "
            "the queue and assign it; then Policing › Hotspots on Nairobi calls (units m).",
        ),
    ]


def _assign_some(commander: object, collection: Collection, officer: object | None) -> None:
    """Hand the three oldest waiting calls to the desk officer (as the commander would)."""
    if officer is None:
        return
    oldest = Incident.objects.filter(
        collection=collection, status=IncidentStatus.OPEN, cleared_at__isnull=True
    ).order_by("received_at")[:3]
    for incident in oldest:
        incidents.assign_incident(commander, incident.pk, officer.get_username())  # type: ignore[attr-defined]
