"""Authorization-matrix rows for sharing (grants, requests for information, deconfliction) and
watchlists (lists, entries, alerts, subscriptions, ANPR).

Objects: DCI owns a collection ``dci-shared`` granted to ODPP (revoked by ``revoke``), a
request for information ODPP sent to DCI (DCI decides; ODPP, the requester, reads it), an
operation DCI registered, a watchlist granted to ODPP read-only, a watchlist alert of DCI's
(an ANPR hit) and a DCI analyst's subscription. ``acknowledge`` is the receiving agency's act,
so its path names a grant ODPP gave DCI (``sharing_received_grant_id``): DCI acknowledges, the
grantor and a stranger cannot.

``POST /api/v1/federation/hitcheck`` (a peer endpoint: token + signature) has no row here: it
answers 401 without a token, the matrix's SECRET anonymous check expects exactly 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.platform.matrix_support import ADMIN, READ, SENSOR, SIGNED_IN, WRITE, AreaContext, Rule

ALERT = {"alert_id": "watchlist_alert_id"}
PLATE = "KDA 123A"

# The grant form names its collection in the body; build() fills in the id of dci-shared.
_GRANT_BODY: dict[str, Any] = {"collection": "0", "agency": "ODPP", "purpose": "joint case"}

RULES: dict[str, Rule] = {
    # --- sharing (pages) ---------------------------------------------------------------------
    "web GET sharing/": Rule(SIGNED_IN),
    "web POST sharing/grants/new/": Rule(WRITE, body=_GRANT_BODY),
    "web POST sharing/grants/<int:grant_id>/revoke/": Rule(
        WRITE, rename={"grant_id": "sharing_grant_id"}
    ),
    "web POST sharing/grants/<int:grant_id>/acknowledge/": Rule(
        WRITE, rename={"grant_id": "sharing_received_grant_id"}
    ),
    "web GET sharing/requests/": Rule(SIGNED_IN),
    "web GET sharing/requests/new/": Rule(SIGNED_IN),
    "web POST sharing/requests/new/": Rule(
        SIGNED_IN, body={"agency": "ODPP", "subject": "Hassan", "purpose": "robbery inquiry"}
    ),
    "web GET sharing/requests/<int:request_id>/": Rule(
        READ, rename={"request_id": "sharing_request_id"}
    ),
    "web POST sharing/requests/<int:request_id>/decide/": Rule(
        WRITE,
        body={"decision": "refused", "note": "not ours to share"},
        rename={"request_id": "sharing_request_id"},
    ),
    "web GET sharing/holders/": Rule(SIGNED_IN, query={"q": "hassan"}),
    "web GET sharing/log/": Rule(SIGNED_IN),
    "web GET sharing/operations/": Rule(SIGNED_IN),
    "web POST sharing/operations/": Rule(
        SIGNED_IN,
        body={
            "name": "Night patrol",
            "place": "Eastleigh",
            "latitude": "-1.27",
            "longitude": "36.85",
            "radius_m": "500",
            "starts_at": "2031-01-01T20:00",
            "ends_at": "2031-01-02T04:00",
            "contact_phone": "+254712345678",
        },
    ),
    "web POST sharing/operations/<int:operation_id>/outcome/": Rule(
        WRITE,
        body={"arrests": "2", "seizures": "1 kg", "note": "done"},
        rename={"operation_id": "sharing_operation_id"},
    ),
    # --- watchlists (pages) ------------------------------------------------------------------
    "web GET watchlists/": Rule(SIGNED_IN),
    "web POST watchlists/": Rule(
        SIGNED_IN,
        body={"key": "web-matrix", "label": "Matrix", "kind": "wanted", "handling": "H2"},
    ),
    "web GET watchlists/<int:watchlist_id>/": Rule(READ),
    "web POST watchlists/<int:watchlist_id>/import/": Rule(WRITE, multipart=True),
    "web POST watchlists/<int:watchlist_id>/grant/": Rule(WRITE, body={"agency": "ODPP"}),
    "web GET watchlists/alerts/": Rule(SIGNED_IN),
    "web GET watchlists/alerts/<int:alert_id>/": Rule(READ, rename=ALERT),
    "web POST watchlists/alerts/<int:alert_id>/decide/": Rule(
        WRITE, body={"status": "needs_review", "note": "check"}, rename=ALERT
    ),
    "web GET watchlists/map/": Rule(SIGNED_IN),
    "web GET watchlists/map/hits.json": Rule(SIGNED_IN),
    "web GET watchlists/subscriptions/": Rule(SIGNED_IN),
    "web POST watchlists/subscriptions/": Rule(SIGNED_IN, body={"kind": "search", "value": "abdi"}),
    "web POST watchlists/subscriptions/<int:subscription_id>/delete/": Rule(WRITE),
    # --- API ---------------------------------------------------------------------------------
    "GET /api/v1/watchlists": Rule(SIGNED_IN),
    "POST /api/v1/watchlists": Rule(
        SIGNED_IN, body={"key": "api-matrix", "label": "Matrix", "kind": "wanted"}
    ),
    "GET /api/v1/watchlists/{watchlist_id}/entries": Rule(READ),
    "POST /api/v1/watchlists/{watchlist_id}/entries": Rule(
        WRITE,
        body={
            "entities": [{"id": "wl-m1", "schema": "Person", "properties": {"name": ["Juma"]}}],
            "reason": "matrix",
        },
    ),
    "GET /api/v1/alerts": Rule(SIGNED_IN),
    "POST /api/v1/alerts/{alert_id}/decision": Rule(
        WRITE, body={"status": "needs_review", "note": "check"}, rename=ALERT
    ),
    "POST /api/v1/subscriptions": Rule(SIGNED_IN, body={"kind": "search", "value": "abdi"}),
    "POST /api/v1/sensors/anpr": Rule(
        SENSOR,
        body={
            "plate": "KBZ 999Z",
            "camera_id": "cam-matrix",
            "time": "2026-01-01T10:00:00+03:00",
            "lat": -1.28,
            "lon": 36.82,
        },
    ),
    # --- sensor tokens (admin console) -------------------------------------------------------
    "web GET admin-console/sensors/": Rule(ADMIN),
    "web POST admin-console/sensors/": Rule(ADMIN, body={"name": "Matrix gantry"}),
    "web POST admin-console/sensors/<int:token_id>/revoke/": Rule(
        ADMIN, rename={"token_id": "revocable_sensor_token_id"}
    ),
}

POST_ONLY_VIEWS = {
    "admin-console/sensors/<int:token_id>/revoke/",
    "sharing/grants/new/",
    "sharing/grants/<int:grant_id>/revoke/",
    "sharing/grants/<int:grant_id>/acknowledge/",
    "sharing/requests/<int:request_id>/decide/",
    "sharing/operations/<int:operation_id>/outcome/",
    "watchlists/<int:watchlist_id>/import/",
    "watchlists/<int:watchlist_id>/grant/",
    "watchlists/alerts/<int:alert_id>/decide/",
    "watchlists/subscriptions/<int:subscription_id>/delete/",
}
GET_AND_POST_VIEWS = {
    "admin-console/sensors/",
    "sharing/requests/new/",
    "sharing/operations/",
    "watchlists/",
    "watchlists/subscriptions/",
}


def build(context: AreaContext) -> dict[str, str]:
    from django.utils import timezone

    from usalama.accounts import services as accounts
    from usalama.records import services as records
    from usalama.sharing import deconfliction
    from usalama.sharing import services as sharing
    from usalama.watchlists import services as watchlists

    dci, odpp = context.agencies["DCI"], context.agencies["ODPP"]
    analyst = context.users[("analyst", "own")]
    supervisor = context.users[("supervisor", "own")]
    odpp_analyst = context.users[("analyst", "granted")]
    odpp_supervisor = context.users[("supervisor", "granted")]

    # sharing: a DCI collection granted to ODPP, an ODPP collection granted to DCI
    shared = records.ensure_collection(
        context.actor, key="dci-shared", agency=dci, label="DCI shared", handling="H2"
    )
    given = sharing.grant_collection(
        supervisor,
        collection_id=shared.pk,
        agency_code="ODPP",
        purpose="joint case",
        conditions="no onward sharing",
    )
    _GRANT_BODY["collection"] = str(shared.pk)
    theirs = records.ensure_collection(
        context.actor, key="odpp-shared", agency=odpp, label="ODPP shared", handling="H2"
    )
    received = sharing.grant_collection(
        odpp_supervisor, collection_id=theirs.pk, agency_code="DCI", purpose="joint case"
    )
    rfi = sharing.send_request(
        odpp_analyst, originator_code="DCI", subject="Hassan", purpose="prosecution file"
    )
    start = timezone.now() + timedelta(days=30)
    operation, _alerts = deconfliction.register_operation(
        analyst,
        name="Dawn raid",
        place="Kibera",
        latitude=-1.31,
        longitude=36.78,
        radius_m=300,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        contact_phone="+254700000001",
    )

    # watchlists: a DCI list granted to ODPP, an ANPR hit alert for DCI, a subscription
    watchlist = watchlists.create_watchlist(
        analyst, key="dci-vehicles", label="DCI vehicles", kind="vehicles"
    )
    watchlists.add_entries(
        analyst,
        watchlist.pk,
        [{"id": "car-1", "schema": "Vehicle", "properties": {"registrationNumber": [PLATE]}}],
        reason="stolen",
    )
    watchlists.grant(analyst, watchlist.pk, "ODPP")
    _sighting, hits = watchlists.record_sighting(
        analyst, plate=PLATE, camera_id="cam-1", seen_at=timezone.now(), lat=-1.28, lon=36.82
    )
    subscription = watchlists.subscribe(analyst, "search", "hassan")
    # DCI's sensor token (bound to the camera the ANPR row names) and one to be revoked
    sensor = accounts.create_sensor_token(context.actor, dci, "Matrix camera", ["cam-matrix"])
    revocable = accounts.create_sensor_token(context.actor, dci, "Old gantry")
    return {
        "sensor_token": sensor.raw,
        "revocable_sensor_token_id": str(revocable.token.pk),
        "sharing_grant_id": str(given.pk),
        "sharing_received_grant_id": str(received.pk),
        "sharing_request_id": str(rfi.pk),
        "sharing_operation_id": str(operation.pk),
        "watchlist_id": str(watchlist.pk),
        "watchlist_alert_id": str(hits[0].pk),
        "subscription_id": str(subscription.pk),
    }


def fingerprint() -> list[Any]:
    from usalama.records.models import CollectionGrant, GrantAcknowledgement
    from usalama.sharing.models import InformationRequest, Operation
    from usalama.watchlists.models import (
        Entry,
        Sighting,
        Subscription,
        Watchlist,
        WatchlistAlert,
        WatchlistGrant,
    )

    return [
        list(CollectionGrant.objects.order_by("id").values_list("id", "agency_id", "revoked_at")),
        GrantAcknowledgement.objects.count(),
        list(InformationRequest.objects.order_by("id").values_list("id", "status", "grant_id")),
        list(Operation.objects.order_by("id").values_list("id", "arrests", "outcome_note")),
        list(Watchlist.objects.order_by("id").values_list("id", "agency_id")),
        list(Entry.objects.order_by("id").values_list("id", "entity_id", "active", "reason")),
        list(WatchlistGrant.objects.order_by("id").values_list("id", "agency_id", "revoked_at")),
        list(WatchlistAlert.objects.order_by("id").values_list("id", "status", "note")),
        list(Subscription.objects.order_by("id").values_list("id", "user_id")),
        Sighting.objects.count(),
    ]
