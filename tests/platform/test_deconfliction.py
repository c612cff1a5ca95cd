"""Deconfliction: overlapping operations and shared subjects alert both contact officers
with whom to call, and no other detail of the other agency's work crosses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from usalama.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db
START = timezone.make_aware(datetime(2026, 12, 10, 20, 0))


def _operation(user: Any, **overrides: Any) -> tuple[Any, int]:
    from usalama.sharing import deconfliction

    spec: dict[str, Any] = {
        "name": "Operation Kimbunga",
        "place": "Eastleigh North",
        "latitude": -1.2741,
        "longitude": 36.8510,
        "radius_m": 400,
        "starts_at": START,
        "ends_at": START + timedelta(hours=4),
        "contact_phone": "0712 000 111",
        "targets": ["nps-p1"],
        "intelligence": ["nps-incidents"],
    }
    spec.update(overrides)
    return deconfliction.register_operation(user, **spec)


def _notices(user: Any) -> list[str]:
    from usalama.sharing.models import Notification

    return [n.text for n in Notification.objects.filter(user=user)]


def test_overlapping_operations_alert_both_with_contact_only(world: Any) -> None:
    nps, dci = world["users"]["nps.analyst"], world["users"]["dci.analyst"]
    _op, alerts = _operation(nps)
    assert alerts == 0
    _other, alerts = _operation(
        dci,
        name="Operation Siri Nzito",
        place="eastleigh north",
        latitude=-1.2790,  # ~550 m away, circles overlap; a different ward spelling case
        longitude=36.8515,
        starts_at=START + timedelta(hours=3),
        ends_at=START + timedelta(hours=6),
        contact_phone="+254 733 999 888",
        targets=["dci-w1"],
        intelligence=["dci-intel"],
    )
    assert alerts == 1
    to_nps, to_dci = _notices(nps), _notices(dci)
    assert len(to_nps) == 1 and len(to_dci) == 1
    assert "dci.analyst" in to_nps[0] and "DCI" in to_nps[0] and "+254733999888" in to_nps[0]
    assert "nps.analyst" in to_dci[0] and "+254712000111" in to_dci[0]
    for secret in ("Siri Nzito", "dci-w1", "dci-intel", "-1.279", "23:00", "DCI intelligence"):
        assert secret not in to_nps[0]
    for secret in ("Kimbunga", "nps-p1", "nps-incidents", "-1.274", "20:00"):
        assert secret not in to_dci[0]
    # registering again raises no second alert for the same pair
    from usalama.sharing import deconfliction
    from usalama.sharing.models import DeconflictionAlert, Operation

    assert deconfliction._check_operation(Operation.objects.get(name="Operation Siri Nzito")) == 0
    assert DeconflictionAlert.objects.count() == 1


def test_no_alert_apart_in_time_or_space(world: Any) -> None:
    nps, dci = world["users"]["nps.analyst"], world["users"]["dci.analyst"]
    _operation(nps)
    _x, later = _operation(
        dci,
        starts_at=START + timedelta(hours=4),
        ends_at=START + timedelta(hours=5),
        targets=[],
        intelligence=[],
    )
    _y, elsewhere = _operation(
        dci,
        place="Kisumu Central",
        latitude=-0.0917,
        longitude=34.7680,
        targets=[],
        intelligence=[],
    )
    assert (later, elsewhere) == (0, 0)
    assert _notices(nps) == []


def test_same_subject_alerts_both(world: Any) -> None:
    from usalama.records.models import CollectionGrant, Statement
    from usalama.sharing import deconfliction

    # the DCI's person resolves to the NPS's (same canonical id), DCI sees its own record only
    Statement.objects.filter(entity_id="dci-p1").update(canonical_id="nps-p1")
    Statement.objects.filter(entity_id="nps-p1").update(canonical_id="nps-p1")
    nps, dci = world["users"]["nps.analyst"], world["users"]["dci.analyst"]
    _s, alerts = deconfliction.register_subject(nps, entity_id="nps-p1", contact_phone="0712000111")
    assert alerts == 0
    _t, alerts = deconfliction.register_subject(dci, entity_id="dci-p1", contact_phone="0733999888")
    assert alerts == 1
    assert "+254733999888" in _notices(nps)[0] and "dci-p1" not in _notices(nps)[0]
    with pytest.raises(NotFound):  # cannot register what one cannot see
        deconfliction.register_subject(dci, entity_id="nps-p2", contact_phone="0733999888")
    assert not CollectionGrant.objects.exists()


def test_outcome_links_to_intelligence_and_only_owner_records_it(world: Any) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.sharing import deconfliction

    nps, dci = world["users"]["nps.analyst"], world["users"]["dci.analyst"]
    operation, _ = _operation(nps)
    with pytest.raises(NotFound):
        deconfliction.record_outcome(dci, operation.pk, arrests=3)
    assert AuditEvent.objects.filter(action="sharing.operation.outcome.refused").exists()
    deconfliction.record_outcome(nps, operation.pk, arrests=3, seizures="2 kg heroin")
    results = deconfliction.results_by_intelligence(nps)
    assert [(r.collection, r.operations, r.arrests) for r in results] == [
        ("NPS incident records", 1, 3)
    ]
    assert deconfliction.results_by_intelligence(dci) == []


def test_bad_operations_are_refused_naming_the_field(world: Any) -> None:
    nps = world["users"]["nps.analyst"]
    with pytest.raises(InvalidInput, match="end after"):
        _operation(nps, ends_at=START)
    with pytest.raises(InvalidInput, match="phone"):
        _operation(nps, contact_phone="call me")
    with pytest.raises(InvalidInput, match="dci-intel"):
        _operation(nps, intelligence=["dci-intel"])  # not visible to the NPS


def test_operations_page_registers_and_refuses_other_agencies(world: Any) -> None:
    from tests.platform.clients import log_in as _login
    from usalama.sharing.models import Operation

    nps, dci = _login("nps.analyst"), _login("dci.analyst")
    form = {
        "form": "operation",
        "name": "Operation Mvua",
        "place": "Pumwani",
        "latitude": "-1.28",
        "longitude": "36.84",
        "radius_m": "300",
        "starts_at": "2026-12-11T08:00",
        "ends_at": "2026-12-11T12:00",
        "contact_phone": "0712000111",
        "intelligence": ["nps-incidents"],
    }
    assert nps.post("/sharing/operations/", form).status_code == 302
    operation = Operation.objects.get()
    page = nps.get("/sharing/operations/")
    assert page.status_code == 200 and b"Operation Mvua" in page.content
    assert b"Operation Mvua" not in dci.get("/sharing/operations/").content
    assert (
        dci.post(f"/sharing/operations/{operation.pk}/outcome/", {"arrests": 1}).status_code == 404
    )
    bad = nps.post("/sharing/operations/", {**form, "latitude": "north"})
    assert bad.status_code == 200 and b"Latitude" in bad.content
