"""Demo stage: sharing between agencies.

The NPS analyst has asked the DCI for its serious-crime file on one target (pending: the DCI
supervisor decides it), and an earlier request was approved: the DCI shares its
investigation files with the NPS for 30 days, which created the grant and its log lines.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from usalama.demo.stages import DemoContext, Tip
from usalama.records.models import CollectionGrant, EntityRecord
from usalama.sharing import services
from usalama.sharing.models import InformationRequest


def _caption(collection_key: str, offset: int) -> str:
    names = EntityRecord.objects.filter(
        collection__key=collection_key, schema="Person"
    ).order_by("entity_id")
    row = names[offset : offset + 1].first()
    return row.caption if row else collection_key


def populate(context: DemoContext) -> list[Tip]:
    analyst = context.users.get("nps.analyst")
    supervisor = context.users.get("dci.supervisor")
    collection = context.collections.get("dci-investigations")
    if analyst is None or supervisor is None or collection is None:
        return []
    approved_subject = _caption("dci-investigations", 0)
    if not InformationRequest.objects.filter(
        requester=analyst, subject=approved_subject
    ).exists():
        earlier = services.send_request(
            analyst,
            originator_code="DCI",
            subject=approved_subject,
            purpose="Robbery series on Mombasa Road: links of the suspect to known networks.",
        )
        if not CollectionGrant.objects.filter(
            collection=collection, agency=analyst.agency, revoked_at__isnull=True
        ).exists():
            services.decide_request(
                supervisor,
                earlier.pk,
                decision="approved",
                collection_id=collection.pk,
                conditions="For the robbery investigation only; not to be shown to suspects.",
                expires_at=timezone.now() + timedelta(days=30),
                note="Shared for 30 days.",
            )
    pending_subject = _caption("dci-serious-crime", 0)
    if not InformationRequest.objects.filter(
        requester=analyst, subject=pending_subject
    ).exists():
        services.send_request(
            analyst,
            originator_code="DCI",
            subject=pending_subject,
            purpose="Named by an informant in an extortion case in Eastleigh.",
            due_by=timezone.now() + timedelta(days=3),
        )
    return [
        Tip("nps.analyst", "Sharing → Who holds it?: search a name, then ask for it."),
        Tip("dci.supervisor", "Requests for information: approve or refuse the NPS request."),
    ]
