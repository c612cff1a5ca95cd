"""Cases: who reads, who writes what, and every refused write audited and harmless."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.platform.cases_helpers import add_justice
from usalama.audit.models import AuditEvent
from usalama.cases import services
from usalama.cases.models import Case, ChainEvent
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def justice(world: dict[str, Any]) -> dict[str, Any]:
    return add_justice(world)


def _events(case: Case) -> int:
    return ChainEvent.objects.filter(case=case).count()


def _refusals() -> int:
    return AuditEvent.objects.filter(action="case.write_refused").count()


def test_the_owner_sees_another_agency_gets_404(justice: dict[str, Any]) -> None:
    users, case = justice["users"], justice["case"]
    assert case.reference.startswith("DCI-")
    assert services.get_case(users["dci.analyst"], case.reference) == case
    for name in ("nps.analyst", "odpp.prosecutor", "jud.clerk", "nps.wellness"):
        with pytest.raises(NotFound):
            services.get_case(users[name], case.reference)
    assert services.list_cases(users["nps.analyst"]) == []
    assert AuditEvent.objects.filter(action="case.read", object_id=case.reference).exists()


def test_owner_records_police_events_not_court_ones(justice: dict[str, Any]) -> None:
    analyst, case, accused = justice["users"]["dci.analyst"], justice["case"], justice["accused"]
    when = timezone.now() - timedelta(days=2)
    services.record_event(analyst, case, kind="arrested", occurred_at=when, accused=accused)
    before, refused = _events(case), _refusals()
    with pytest.raises(PermissionDenied):
        services.record_event(
            analyst, case, kind="judgment", detail="convicted", occurred_at=when, accused=accused
        )
    assert _events(case) == before
    assert _refusals() == refused + 1


def test_sharing_lets_each_role_record_only_its_events(justice: dict[str, Any]) -> None:
    users, case, accused = justice["users"], justice["case"], justice["accused"]
    prosecutor, clerk, analyst = users["odpp.prosecutor"], users["jud.clerk"], users["dci.analyst"]
    when = timezone.now() - timedelta(days=1)
    # not shared yet: 404, audited, nothing written
    refused = _refusals()
    with pytest.raises(NotFound):
        services.record_event(
            prosecutor,
            case,
            kind="charge_decision",
            detail="charge",
            occurred_at=when,
            accused=accused,
        )
    assert _refusals() == refused + 1 and _events(case) == 1
    services.share_case(analyst, case, "ODPP")
    services.share_case(analyst, case, "JUD")
    event = services.record_event(
        prosecutor, case, kind="charge_decision", detail="charge", occurred_at=when, accused=accused
    )
    assert event.agency.code == "ODPP" and event.recorded_by == "odpp.prosecutor"
    services.record_event(
        clerk, case, kind="judgment", detail="acquitted", occurred_at=when, accused=accused
    )
    for user, kind, detail in (
        (prosecutor, "arrested", ""),
        (prosecutor, "judgment", "convicted"),
        (clerk, "charge_decision", "charge"),
        (clerk, "arrested", ""),
    ):
        before = _events(case)
        with pytest.raises(PermissionDenied):
            services.record_event(
                user, case, kind=kind, detail=detail, occurred_at=when, accused=accused
            )
        assert _events(case) == before
    # a grant is read-only for everything else
    for write in (
        lambda u: services.share_case(u, case, "NPS"),
        lambda u: services.add_offence(u, case, statute="Penal Code", section="295"),
        lambda u: services.update_references(u, case, odpp_file="X"),
    ):
        for user in (prosecutor, clerk):
            with pytest.raises(PermissionDenied):
                write(user)
    assert Case.objects.get(pk=case.pk).odpp_file == ""
    # the foreign agency stays outside
    with pytest.raises(NotFound):
        services.record_event(
            users["nps.analyst"], case, kind="arrested", occurred_at=when, accused=accused
        )
    services.revoke_share(analyst, case, "JUD")
    with pytest.raises(NotFound):
        services.get_case(clerk, case.reference)


def test_anonymous_is_refused_as_not_found(justice: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        services.record_event(
            AnonymousUser(), justice["case"], kind="reported", occurred_at=timezone.now()
        )
    with pytest.raises(NotFound):
        services.get_case(AnonymousUser(), justice["case"].reference)


def test_bad_events_are_refused_with_the_field(justice: dict[str, Any]) -> None:
    analyst, case, accused = justice["users"]["dci.analyst"], justice["case"], justice["accused"]
    now = timezone.now()
    with pytest.raises(InvalidInput, match="kind"):
        services.record_event(analyst, case, kind="escaped", occurred_at=now, accused=accused)
    with pytest.raises(InvalidInput, match="accused"):
        services.record_event(analyst, case, kind="arrested", occurred_at=now)
    with pytest.raises(InvalidInput, match="future"):
        services.record_event(
            analyst, case, kind="arrested", occurred_at=now + timedelta(days=1), accused=accused
        )
    with pytest.raises(InvalidInput, match="detail"):
        services.record_event(
            analyst, case, kind="arrested", detail="dawn", occurred_at=now, accused=accused
        )
    with pytest.raises(InvalidInput, match="entity"):
        services.add_party(analyst, case, role="accused", entity_id="nps-p1")  # not DCI's
    with pytest.raises(InvalidInput, match="CryptoWallet"):
        services.add_party(analyst, case, role="accused", entity_id="dci-w1")


def test_event_log_matches_the_engine_file_format(justice: dict[str, Any]) -> None:
    from usalama.analysis.justice import iter_csv_lines, read_events

    analyst, case, accused = justice["users"]["dci.analyst"], justice["case"], justice["accused"]
    services.record_event(
        analyst,
        case,
        kind="arrested",
        occurred_at=timezone.now() - timedelta(days=3),
        accused=accused,
    )
    services.record_event(
        analyst,
        case,
        kind="file_to_odpp",
        occurred_at=timezone.now() - timedelta(days=2),
        accused=accused,
    )
    log = services.event_log(analyst)
    assert [e.event for e in log] == ["reported", "arrested"]  # file_to_odpp is not a KPI event
    assert read_events(list(iter_csv_lines(log))) == log
    assert services.event_log(justice["users"]["nps.analyst"]) == []


def test_dashboard_clocks_remand_and_waiting_files(justice: dict[str, Any]) -> None:
    from datetime import date

    from usalama.analysis.justice import Period

    users, case, accused = justice["users"], justice["case"], justice["accused"]
    analyst = users["dci.analyst"]
    now = timezone.now()
    other = services.add_party(analyst, case, role="accused", entity_id="dci-p2")
    services.record_event(
        analyst, case, kind="arrested", occurred_at=now - timedelta(hours=30), accused=accused
    )
    services.record_event(
        analyst, case, kind="arrested", occurred_at=now - timedelta(hours=20), accused=other
    )
    services.record_event(
        analyst, case, kind="file_to_odpp", occurred_at=now - timedelta(days=9), accused=other
    )
    today = timezone.localdate()
    period = Period.of(date(today.year - 1, 1, 1), today + timedelta(days=1), "Africa/Nairobi")
    board = services.dashboard(analyst, period, now=now, odpp_days=7)
    assert [(b.accused_id, b.appeared_at) for b in board.breaches] == [("dci-p1", None)]
    assert [w.accused.entity_id for w in board.waiting] == ["dci-p2"]
    assert services.dashboard(analyst, period, now=now, odpp_days=10).waiting == []
    services.share_case(analyst, case, "JUD")
    services.record_event(
        users["jud.clerk"],
        case,
        kind="first_appearance",
        accused=accused,
        occurred_at=now - timedelta(hours=1),
    )
    services.record_event(
        users["jud.clerk"],
        case,
        kind="remanded",
        accused=accused,
        occurred_at=now - timedelta(hours=1),
    )
    board = services.dashboard(analyst, period, now=now)
    assert [(b.accused_id, round(b.hours)) for b in board.breaches] == [("dci-p1", 29)]
    assert [r.accused_id for r in board.remands] == ["dci-p1"]
    assert board.kpis["arrests"] == 2 and board.kpis["court_within_24h_rate"] == 0.0
    # another agency's dashboard sees none of it
    assert services.dashboard(users["nps.analyst"], period, now=now).kpis["arrests"] == 0
