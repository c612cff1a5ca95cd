"""Demo stage: sharing a chosen set of entities and a case (after the cases stage).

The DCI supervisor shares three people of the DCI's serious-crime file with the FRC, and
nothing else of that file (an entity-selection grant, links among them included), and shares
one DCI case read-only with the NPS from the Sharing page (the case's own share, with a
purpose and an expiry). Both sides find them on their Sharing page; the DCI's dissemination
log shows each grant and each read.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from usalama.demo.stages import DemoContext, Tip
from usalama.records.models import EntityGrant, EntityRecord
from usalama.sharing import services

SELECTION = "Extortion ring, Eastleigh: three suspects"


def populate(context: DemoContext) -> list[Tip]:
    supervisor = context.users.get("dci.supervisor")
    if supervisor is None or "dci-serious-crime" not in context.collections:
        return []
    tips: list[Tip] = []
    if not EntityGrant.objects.filter(owner=supervisor.agency, label=SELECTION).exists():
        people = list(
            EntityRecord.objects.filter(collection__key="dci-serious-crime", schema="Person")
            .order_by("entity_id")
            .values_list("entity_id", flat=True)[1:4]
        )
        if people:
            services.grant_entities(
                supervisor,
                entity_ids=people,
                agency_code="FRC",
                purpose="Money-laundering inquiry into the proceeds of the Eastleigh extortion.",
                conditions="Not to be disclosed to the reporting institutions.",
                expires_at=timezone.now() + timedelta(days=60),
                label=SELECTION,
            )
    if EntityGrant.objects.filter(owner=supervisor.agency, label=SELECTION).exists():
        tips += [
            Tip(
                "frc.analyst",
                "Sharing: the DCI shared three suspects with the FRC: open them (only those).",
            ),
            Tip(
                "dci.supervisor",
                "Sharing → Share chosen entities: pick entities; revoke one from the Sharing page.",
            ),
        ]
    shared = [c for c in services.case_grants_given(supervisor) if c.read_only and c.active]
    if not shared:
        choices = services.case_choices(supervisor)
        if choices:
            services.grant_case(
                supervisor,
                reference=choices[0][0],
                agency_code="NPS",
                purpose="Joint patrol planning on the robbery series.",
                conditions="Read-only; do not contact the complainants.",
                expires_at=timezone.now() + timedelta(days=30),
            )
            shared = [c for c in services.case_grants_given(supervisor) if c.read_only]
    if shared:
        tips.append(
            Tip("nps.commander", f"Sharing: the DCI shared case {shared[0].label} read-only.")
        )
    return tips
