"""The administration demo stage: work for the administrators and IPOA, idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from usalama.accounts.models import ApiToken, User
from usalama.audit.models import AuditEvent
from usalama.demo.stage_admin import FORMER_OFFICER, NEW_OFFICER

pytestmark = pytest.mark.django_db


def test_stage_gives_admins_and_oversight_work_and_runs_twice(db: Any) -> None:
    from usalama.administration import audit_log
    from usalama.demo.load import load_demo

    load_demo(seed=7, people=120, quiet=True)
    assert User.objects.get(username=NEW_OFFICER).is_active
    former = User.objects.get(username=FORMER_OFFICER)
    assert not former.is_active
    assert ApiToken.objects.filter(user=former, revoked_at__isnull=True).exists()
    ipoa = User.objects.get(username="ipoa.investigator")
    seen = audit_log.visible_events(ipoa).filter(actor="nps.analyst", action="search")
    assert seen.exists()
    assert audit_log.visible_events(ipoa).filter(actor="nps.analyst", action="entity.read").exists()
    events, users = AuditEvent.objects.count(), User.objects.count()
    # oversight: IPOA's receipt stage holds an SMS complaint and a police referral; the
    # counsellor has a USSD self-referral
    from usalama.oversight import services as oversight
    from usalama.wellness import services as wellness

    inbox = oversight.list_complaints(ipoa, "receipt")
    assert {"sms", "police_referral"} <= {c.channel for c in inbox}
    counsellor = User.objects.get(username="nps.wellness")
    assert any(r.origin == "ussd" for r in wellness.list_referrals(counsellor))
    public = (
        sum(c.channel in {"sms", "police_referral"} for c in inbox),
        len(wellness.list_referrals(counsellor)),
    )

    load_demo(seed=7, people=120, quiet=True)
    assert User.objects.count() == users
    again = oversight.list_complaints(ipoa, "receipt")
    assert (
        sum(c.channel in {"sms", "police_referral"} for c in again),
        len(wellness.list_referrals(counsellor)),
    ) == public
    assert AuditEvent.objects.filter(actor="nps.analyst", action="search").count() == seen.count()
    assert AuditEvent.objects.count() >= events
