"""A small world for the KPI and community tests: leaders of NPS and DCI, stations placed in
wards, and incidents, tips and reports in March 2026 (Nairobi time) with known figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

PASSWORD = "correct horse battery staple 42"
KILIMANI, CENTRAL = "1371", "1439"  # wards; sub-counties 275 and 289; county 47 (Nairobi)


def add_user(world: dict[str, Any], username: str, agency: str, *roles: str) -> Any:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    made = accounts.create_user(
        Actor(name="test"),
        username=username,
        agency=world["agencies"][agency],
        roles=list(roles),
        password=PASSWORD,
    )
    world["users"][username] = made.user
    return made.user


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def incident(collection: Any, n: int, station: str, received: datetime, **times: Any) -> Any:
    from usalama.policing.models import Incident

    return Incident.objects.create(
        collection=collection,
        external_id=f"E{n}",
        category="theft",
        station=station,
        received_at=received,
        source_file="test.csv",
        source_row=n,
        imported_by="test",
        **times,
    )


def populate(world: dict[str, Any]) -> None:
    from usalama.intake.models import Report, Tip
    from usalama.kpis import services

    services.map_station("Kilimani Police Station", KILIMANI)
    services.map_station("Central Police Station", CENTRAL)
    nps, dci = world["collections"]["nps"], world["collections"]["dci"]
    m = timedelta(minutes=1)
    t1, t2, t3, t4 = at(10, 9), at(11, 9), at(12, 9), at(13, 9)
    incident(nps, 1, "Kilimani Police Station", t1, arrived_at=t1 + 10 * m, cleared_at=t1 + 90 * m)
    incident(nps, 2, "Kilimani Police Station", t2, arrived_at=t2 + 20 * m)
    incident(nps, 3, "Central Police Station", t3, arrived_at=t3 + 30 * m, status="closed")
    incident(dci, 4, "Central Police Station", t4, arrived_at=t4 + 40 * m)
    # 1 March 01:30 in Nairobi: March, although still February in UTC
    incident(nps, 5, "Kasarani Police Station", datetime(2026, 2, 28, 22, 30, tzinfo=UTC))
    # 1 April 00:30 in Nairobi: April, although still March in UTC
    incident(nps, 6, "Kilimani Police Station", datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    nps_agency = world["agencies"]["NPS"]
    place = {"county": "Nairobi", "sub_county": "Dagoretti North", "ward": "Kilimani"}
    for n, converted in enumerate([True, False, False]):
        Tip.objects.create(
            category="theft",
            description="x",
            channel="sms",
            agency=nps_agency,
            code_bucket=f"b{n}",
            code_hash="h",
            created_at=at(5 + n, 8),
            converted_at=at(6 + n, 8) if converted else None,
            **place,
        )
    Report.objects.create(
        category="theft",
        description="y",
        channel="web",
        agency=nps_agency,
        reference="R-1",
        created_at=at(7, 8),
        converted_at=at(7, 9),
        county="Mombasa",
    )
