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
from usalama.sharing import deconfliction, services
from usalama.sharing.models import InformationRequest, Operation


def _caption(collection_key: str, offset: int) -> str:
    names = EntityRecord.objects.filter(collection__key=collection_key, schema="Person").order_by(
        "entity_id"
    )
    row = names[offset : offset + 1].first()
    return row.caption if row else collection_key


def populate(context: DemoContext) -> list[Tip]:
    analyst = context.users.get("nps.analyst")
    supervisor = context.users.get("dci.supervisor")
    collection = context.collections.get("dci-investigations")
    if analyst is None or supervisor is None or collection is None:
        return []
    approved_subject = _caption("dci-investigations", 0)
    if not InformationRequest.objects.filter(requester=analyst, subject=approved_subject).exists():
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
    if not InformationRequest.objects.filter(requester=analyst, subject=pending_subject).exists():
        services.send_request(
            analyst,
            originator_code="DCI",
            subject=pending_subject,
            purpose="Named by an informant in an extortion case in Eastleigh.",
            due_by=timezone.now() + timedelta(days=3),
        )
    tips = _operations(context)
    return [
        *tips,
        Tip("nps.analyst", "Sharing → Who holds it?: search a name, then ask for it."),
        Tip("dci.supervisor", "Requests for information: approve or refuse the NPS request."),
    ]


def _operations(context: DemoContext) -> list[Tip]:
    """Two agencies planning raids in the same ward on the same night: both were told."""
    commander = context.users.get("nps.commander")
    supervisor = context.users.get("dci.supervisor")
    if commander is None or supervisor is None:
        return []
    night = timezone.now().replace(hour=21, minute=0, second=0, microsecond=0) + timedelta(days=2)
    plans = [
        (commander, "Operation Kimbunga", -1.2741, 36.8510, "0711 000 222", "nps-occurrence-book"),
        (
            supervisor,
            "Operation Siri Nzito",
            -1.2768,
            36.8522,
            "0722 000 333",
            "dci-investigations",
        ),
    ]
    for user, name, lat, lon, phone, intelligence in plans:
        if Operation.objects.filter(agency=user.agency, name=name).exists():
            continue
        visible = context.collections.get(intelligence)
        deconfliction.register_operation(
            user,
            name=name,
            place="Eastleigh North",
            latitude=lat,
            longitude=lon,
            radius_m=400,
            starts_at=night,
            ends_at=night + timedelta(hours=5),
            contact_phone=phone,
            intelligence=[intelligence] if visible is not None else [],
        )
    return [Tip("nps.commander", "Deconfliction: see whom to call before Operation Kimbunga.")]
