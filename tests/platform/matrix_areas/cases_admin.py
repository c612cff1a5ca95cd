"""Authorization-matrix rows for cases (pages and API), the justice KPIs, policing incidents,
the administration console, the audit pages and the offline base map.

The world: DCI opens a case (an accused party, an exhibit, an MLA request, a disclosure
bundle, a money trace) and shares it with ODPP; DCI has an incident in its collection
(granted to ODPP); DCI has one user and one token that only the administration rows touch.

Two case writes are, by design, not owner-only (cases/access.py, cases/evidence.py): an agency
the case is shared with records the chain events its roles record (a prosecutor's charge
decision, a clerk's hearing) and takes custody of an exhibit by signing with its login. Those
rows are ``READ`` (foreign refused), and the fingerprint leaves out what ODPP itself recorded.
Building a disclosure bundle is likewise open to a prosecutor who sees the case.

The administration rows are ``ADMIN``; a system administrator of any agency manages every
user, so the target user's state is not in the fingerprint (an agency administrator of another
agency gets 404 from ``get_managed_user``, audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.platform.matrix_support import ADMIN, PUBLIC, READ, SIGNED_IN, WRITE, AreaContext, Rule

PASSWORD = "correct horse battery staple 42"  # the matrix users' password (custody signature)

_CASE = {"reference": "case_reference"}
_EXHIBIT = {**_CASE, "exhibit_id": "case_exhibit_id"}
_MLA = {**_CASE, "request_id": "case_mla_request_id"}
_BUNDLE = {**_CASE, "bundle_id": "case_bundle_id"}
_TRACE = {**_CASE, "trace_id": "case_money_trace_id"}
_INCIDENT = {"incident_id": "matrix_incident_id"}
_USER = {"user_id": "admin_target_user_id"}
_TOKEN = {**_USER, "token_id": "admin_target_token_id"}
_AGENCY = {"agency_id": "admin_agency_id"}

RULES: dict[str, Rule] = {
    # --- cases API --------------------------------------------------------------------------
    "GET /api/v1/cases": Rule(SIGNED_IN),
    "GET /api/v1/cases/{reference}": Rule(READ, rename=_CASE),
    # a shared-with agency records its roles' events (by design): READ, foreign refused
    "POST /api/v1/cases/{reference}/events": Rule(
        READ,
        body={"kind": "reported", "occurred_at": "2026-01-05T10:00:00+03:00", "note": "matrix"},
        rename=_CASE,
    ),
    "GET /api/v1/justice/kpis": Rule(SIGNED_IN, query={"from": "2026-01-01", "to": "2026-02-01"}),
    # --- case pages -------------------------------------------------------------------------
    "web GET cases/": Rule(SIGNED_IN),
    "web POST cases/new/": Rule(SIGNED_IN, body={"title": "Matrix case", "handling": "H2"}),
    "web GET cases/justice/": Rule(SIGNED_IN),
    "web GET cases/justice/kpis.csv": Rule(SIGNED_IN),
    "web GET cases/justice/events.csv": Rule(SIGNED_IN),
    "web GET cases/<slug:reference>/": Rule(READ, rename=_CASE),
    "web POST cases/<slug:reference>/references/": Rule(
        WRITE, body={"ob_station": "Central", "ob_number": "OB/1/2026"}, rename=_CASE
    ),
    "web POST cases/<slug:reference>/events/": Rule(
        READ, body={"kind": "reported", "occurred_at": "2026-01-05 10:00"}, rename=_CASE
    ),
    "web POST cases/<slug:reference>/parties/": Rule(
        WRITE, body={"role": "complainant", "entity_id": "dci-p2"}, rename=_CASE
    ),
    "web POST cases/<slug:reference>/offences/": Rule(
        WRITE, body={"statute": "Penal Code", "section": "296(2)"}, rename=_CASE
    ),
    "web POST cases/<slug:reference>/exhibits/": Rule(
        WRITE,
        body={"number": "EX-2", "kind": "physical", "description": "a phone", "seal_number": "S2"},
        rename=_CASE,
    ),
    # a shared-with agency takes custody by signing with its login (by design): READ
    "web POST cases/<slug:reference>/exhibits/<int:exhibit_id>/custody/": Rule(
        READ, body={"purpose": "analysis", "password": PASSWORD}, rename=_EXHIBIT
    ),
    "web POST cases/<slug:reference>/share/": Rule(WRITE, body={"agency": "FRC"}, rename=_CASE),
    "web POST cases/<slug:reference>/mla/": Rule(
        WRITE,
        body={
            "direction": "outgoing",
            "requesting_state": "KE",
            "requested_state": "UG",
            "subject": "bank records",
            "legal_basis": "Mutual Legal Assistance Act, 2011",
        },
        rename=_CASE,
    ),
    "web POST cases/<slug:reference>/mla/<int:request_id>/": Rule(
        WRITE, body={"status": "acknowledged"}, rename=_MLA
    ),
    "web POST cases/<slug:reference>/notices/": Rule(
        WRITE, body={"colour": "blue", "reference": "B-1/2026", "subject": "x"}, rename=_CASE
    ),
    # the owner's investigators or a prosecutor who sees the case (by design): READ
    "web POST cases/<slug:reference>/disclosure/": Rule(READ, body={"redact": ""}, rename=_CASE),
    "web GET cases/<slug:reference>/disclosure/<int:bundle_id>.zip": Rule(READ, rename=_BUNDLE),
    # money traces on the case (usalama.desk.case_money): the owner's investigators only
    "web POST cases/<slug:reference>/money-traces/": Rule(
        WRITE,
        body={"identifier": "KE-1", "direction": "forward", "model": "haircut", "hops": "2"},
        rename=_CASE,
    ),
    "web POST cases/<slug:reference>/money-traces/<int:trace_id>/remove/": Rule(
        WRITE, rename=_TRACE
    ),
    # --- policing incidents -----------------------------------------------------------------
    "web GET policing/incidents/": Rule(SIGNED_IN),
    "web GET policing/incidents/<int:incident_id>/": Rule(READ, rename=_INCIDENT),
    "web POST policing/incidents/<int:incident_id>/assign/": Rule(
        WRITE, body={"officer": "dci.desk_officer"}, rename=_INCIDENT
    ),
    # --- administration console -------------------------------------------------------------
    "web GET admin-console/": Rule(ADMIN),
    "web GET admin-console/users/new/": Rule(ADMIN),
    "web POST admin-console/users/new/": Rule(
        ADMIN,
        body={"username": "matrix.newuser", "roles": ["analyst"], "password": "a" * 4 + PASSWORD},
    ),
    "web GET admin-console/users/<int:user_id>/": Rule(ADMIN, rename=_USER),
    "web POST admin-console/users/<int:user_id>/roles/": Rule(
        ADMIN, body={"roles": ["analyst"]}, rename=_USER
    ),
    "web POST admin-console/users/<int:user_id>/active/": Rule(
        ADMIN, body={"active": "1"}, rename=_USER
    ),
    "web POST admin-console/users/<int:user_id>/second-factor/": Rule(ADMIN, rename=_USER),
    "web POST admin-console/users/<int:user_id>/password/": Rule(
        ADMIN, body={"password": "another " + PASSWORD}, rename=_USER
    ),
    "web POST admin-console/users/<int:user_id>/tokens/<int:token_id>/revoke/": Rule(
        ADMIN, rename=_TOKEN
    ),
    "web GET admin-console/agencies/": Rule(ADMIN),
    "web POST admin-console/agencies/": Rule(
        ADMIN, body={"code": "MTRX", "name": "Matrix", "country": "KE", "kind": "partner"}
    ),
    "web GET admin-console/agencies/<int:agency_id>/": Rule(ADMIN, rename=_AGENCY),
    "web POST admin-console/agencies/<int:agency_id>/": Rule(
        ADMIN,
        body={"code": "DCI", "name": "DCI", "country": "KE", "kind": "investigations"},
        rename=_AGENCY,
    ),
    "web GET admin-console/settings/": Rule(ADMIN),
    # --- audit (administrators, supervisors, oversight: scoped in audit_log) ----------------
    "web GET audit/": Rule(SIGNED_IN),
    "web GET audit/export.csv": Rule(SIGNED_IN),
    "web POST audit/verify/": Rule(ADMIN),
    # --- the offline base map: public reference data ----------------------------------------
    "web GET geo/basemap.json": Rule(PUBLIC),
}

POST_ONLY_VIEWS = {
    "cases/new/",
    "cases/<slug:reference>/references/",
    "cases/<slug:reference>/events/",
    "cases/<slug:reference>/parties/",
    "cases/<slug:reference>/offences/",
    "cases/<slug:reference>/exhibits/",
    "cases/<slug:reference>/exhibits/<int:exhibit_id>/custody/",
    "cases/<slug:reference>/share/",
    "cases/<slug:reference>/mla/",
    "cases/<slug:reference>/mla/<int:request_id>/",
    "cases/<slug:reference>/notices/",
    "cases/<slug:reference>/disclosure/",
    "cases/<slug:reference>/money-traces/",
    "cases/<slug:reference>/money-traces/<int:trace_id>/remove/",
    "policing/incidents/<int:incident_id>/assign/",
    "admin-console/users/<int:user_id>/roles/",
    "admin-console/users/<int:user_id>/active/",
    "admin-console/users/<int:user_id>/second-factor/",
    "admin-console/users/<int:user_id>/password/",
    "admin-console/users/<int:user_id>/tokens/<int:token_id>/revoke/",
    "audit/verify/",
}
GET_AND_POST_VIEWS = {
    "admin-console/users/new/",
    "admin-console/agencies/",
    "admin-console/agencies/<int:agency_id>/",
}


def build(context: AreaContext) -> dict[str, str]:
    from usalama.accounts import services as accounts
    from usalama.cases import evidence, services
    from usalama.policing.models import Incident

    dci = context.agencies["DCI"]
    analyst = context.users[("analyst", "own")]
    case = services.open_case(analyst, title="Matrix: robbery at the market", handling="H2")
    services.add_party(analyst, case, role="accused", entity_id="dci-p1")
    services.add_offence(analyst, case, statute="Penal Code", section="296(1)")
    exhibit = evidence.add_exhibit(
        analyst, case, number="EX-1", kind="physical", description="a knife", seal_number="S1"
    )
    mla = services.add_mla_request(
        analyst,
        case,
        direction="outgoing",
        requesting_state="KE",
        requested_state="TZ",
        subject="phone records",
        legal_basis="Mutual Legal Assistance Act, 2011",
        status="sent",
        sent_on=dt.date(2026, 1, 2),
    )
    bundle = evidence.build_disclosure(analyst, case)
    trace = services.attach_money_trace(
        analyst,
        case,
        account_id=0,
        account_label="matrix account",
        direction="forward",
        model="haircut",
        hops=2,
        since=None,
        until=None,
        summary={},
    )
    services.share_case(analyst, case, "ODPP")
    incident = Incident.objects.create(
        collection=context.collection,
        external_id="matrix:incident:1",
        category="robbery",
        received_at=dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.UTC),
        source_file="matrix",
        source_row=1,
        imported_by="test",
    )
    target = accounts.create_user(
        context.actor,
        username="dci.matrix-target",
        agency=dci,
        roles=["analyst"],
        password=PASSWORD,
    ).user
    token = accounts.create_token(context.actor, target, name="matrix")
    return {
        "case_reference": case.reference,
        "case_exhibit_id": str(exhibit.pk),
        "case_mla_request_id": str(mla.pk),
        "case_bundle_id": str(bundle.pk),
        "case_money_trace_id": str(trace.pk),
        "matrix_incident_id": str(incident.pk),
        "admin_target_user_id": str(target.pk),
        "admin_target_token_id": str(token.token.pk),
        "admin_agency_id": str(dci.pk),
    }


def fingerprint() -> list[Any]:
    from usalama.cases.models import (
        Case,
        CaseMoneyTrace,
        CaseShare,
        ChainEvent,
        CustodyTransfer,
        DisclosureBundle,
        Exhibit,
        InterpolNotice,
        MlaRequest,
        Offence,
        Party,
    )
    from usalama.policing.models import Incident

    return [
        list(
            Case.objects.order_by("id").values_list(
                "id", "reference", "ob_station", "ob_number", "agency_id"
            )
        ),
        list(CaseShare.objects.order_by("id").values_list("id", "agency_id", "revoked_at")),
        Party.objects.count(),
        Offence.objects.count(),
        Exhibit.objects.count(),
        list(MlaRequest.objects.order_by("id").values_list("id", "status")),
        InterpolNotice.objects.count(),
        list(CaseMoneyTrace.objects.order_by("id").values_list("id", "account_id")),
        # what a shared-with agency records by design (its own events, custody it signs for,
        # a prosecutor's disclosure bundle) is left out; anything else counts
        ChainEvent.objects.exclude(agency__code="ODPP").count(),
        CustodyTransfer.objects.exclude(to_agency="ODPP").count(),
        DisclosureBundle.objects.exclude(created_by__startswith="odpp.").count(),
        list(Incident.objects.order_by("id").values_list("id", "status", "assigned_to_id")),
    ]
