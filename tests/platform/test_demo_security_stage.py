"""The demo's security stage leaves one real refused attempt for the DCI's admin, once."""

from __future__ import annotations

from typing import Any


def test_stage_records_one_refusal_visible_to_the_owners_admin(world: dict[str, Any]) -> None:
    from rich.console import Console

    from usalama.accounts import services as accounts
    from usalama.audit.models import AuditEvent
    from usalama.audit.services import Actor, events_visible_to
    from usalama.demo.stage_security import populate
    from usalama.demo.stages import STAGES, DemoContext
    from usalama.records.models import CollectionGrant

    assert ("refused writes audited", "usalama.demo.stage_security:populate") in STAGES
    dci_col = world["collections"]["dci"]
    CollectionGrant.objects.create(
        collection=dci_col, agency=world["agencies"]["ODPP"], granted_by="t"
    )
    admin = accounts.create_user(
        Actor(name="t"),
        username="dci.admin",
        agency=world["agencies"]["DCI"],
        roles=["agency_admin"],
        password="correct horse battery staple 42",
    ).user
    context = DemoContext(
        seed=7,
        people=0,
        world=None,
        agencies=world["agencies"],
        collections={"dci-investigations": dci_col},
        users={"odpp.prosecutor": world["users"]["odpp.prosecutor"]},
        console=Console(quiet=True),
    )
    tips = populate(context)
    populate(context)  # idempotent
    refused = AuditEvent.objects.filter(action="access.refused", actor="odpp.prosecutor")
    assert refused.count() == 1
    assert events_visible_to(admin).filter(pk=refused.get().pk).exists()
    assert {tip.username for tip in tips} == {"odpp.prosecutor", "dci.admin"}
