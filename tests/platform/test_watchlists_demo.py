"""The demo's watchlists stage: real work for each role it serves, and idempotent."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow


def test_demo_stage_gives_alerts_and_map_hits_and_runs_twice_unchanged(db: Any) -> None:
    from usalama.accounts.models import User
    from usalama.audit.models import AuditEvent
    from usalama.demo.load import load_demo
    from usalama.watchlists import services
    from usalama.watchlists.models import Entry, Sighting, WatchlistAlert

    logins = load_demo(seed=7, people=200, quiet=True)
    tips = {login.username: login.tips for login in logins}
    for username in ("nps.analyst", "dci.analyst", "frc.analyst", "nps.commander"):
        assert tips[username], username
    nps = User.objects.get(username="nps.analyst")
    inbox = services.inbox(nps)
    assert any(not a.notice and a.origin == "screening" for a in inbox)
    assert any(a.notice for a in inbox)  # DCI records matching the shared NPS list
    assert services.inbox(User.objects.get(username="dci.analyst"))
    hits = services.map_hits(User.objects.get(username="nps.commander"))
    assert {h["plate"] for h in hits} == {"KDA 123A", "KCB 880B"}
    counts = (
        Entry.objects.count(),
        WatchlistAlert.objects.count(),
        Sighting.objects.count(),
        AuditEvent.objects.filter(action__startswith="watchlists.")
        .exclude(action__in=["watchlists.inbox", "watchlists.map"])
        .count(),
    )
    load_demo(seed=7, people=200, quiet=True)
    assert counts == (
        Entry.objects.count(),
        WatchlistAlert.objects.count(),
        Sighting.objects.count(),
        AuditEvent.objects.filter(action__startswith="watchlists.")
        .exclude(action__in=["watchlists.inbox", "watchlists.map"])
        .count(),
    )
