"""Matrix rows for oversight (``oversight/``, ``/api/v1/oversight/*``) and wellness
(``wellness/``, ``/api/v1/wellness/*``).

How own / granted / foreign map onto these areas
-------------------------------------------------

Complaints. The oversight services let only an oversight-kind agency own a complaint
(``ComplaintQuerySet.visible_to`` reads "own" as ``agency.kind == "oversight"``), and DCI is an
investigations agency, so DCI cannot honestly *own* one. ``build`` therefore adds IPOA (kind
oversight) with one investigator, and makes the complaint the way the app makes it:

* own (DCI): DCI's supervisor *refers* the complaint (``refer_complaint``; a police agency's
  supervisors, commanders and internal affairs refer) — IPOA owns it and shares it back with
  DCI, read-only;
* granted (ODPP): IPOA's investigator *shares* it with ODPP (``share_complaint``), read-only;
* foreign (FRC): no relation.

So the checks that bite are: FRC reads nothing (404), and neither ODPP nor DCI can move or
share the complaint (403: a share is read-only; only IPOA's investigators write). The write
bodies (``{"to_stage": "admissibility"}``, ``{"agency": "FRC"}``) succeed for IPOA's
investigator (see ``test_oversight_matrix_bodies_succeed_for_the_owner`` in
``test_oversight_access.py``), so a refusal is a refusal, not a bad body.

Early-intervention flags and model versions belong to the officer's agency: DCI here (officer
``DCI-0001`` whose own login is DCI's desk officer, a deployed model, one flag). Flags are never
shared, so ODPP is as much a stranger as FRC: both get 404.

s. 25 notifications, the complaint lists, a police referral (API and the web form
``oversight/referrals/new/``, which only a police agency's supervisors, commanders and internal
affairs may use: everyone else gets 404 on GET and an audited 403 on POST) and the public
complaint forms name no agency's object: ``SIGNED_IN`` (or ``PUBLIC`` for the citizen side).
The complaint's attachment (a PDF the referral carried) is read like the complaint: DCI and
ODPP through IPOA's shares, FRC 404. Setting one's own USSD wellness PIN is ``SIGNED_IN``.

Wellness referrals belong to the officer's agency (DCI) and are read only by that agency's
wellness counsellors — not by supervisors, IPOA, administrators, nor by any other agency (there
is no wellness grant; ODPP is a stranger here too). The generic matrix checks only that the
foreign agency is refused; ``test_wellness_firewall_in_matrix`` in ``test_oversight_access.py``
checks, in this same world, that every role in every context but DCI's counsellor gets 404.
The offer (a referral after a critical incident) is answered only by the officer it names,
DCI's desk officer.
"""

from __future__ import annotations

from typing import Any

from tests.platform.matrix_support import PUBLIC, READ, SIGNED_IN, WRITE, AreaContext, Rule

SECRET_MESSAGE = "matrix: I cannot sleep since the incident"

_COMPLAINT = {"pk": "oversight_complaint_id"}
_FLAG = {"pk": "oversight_flag_id"}
_MODEL = {"pk": "oversight_model_id"}
_REFERRAL = {"pk": "wellness_referral_id"}
_OFFER = {"pk": "wellness_offer_id"}
_ATTACHMENT = {"pk": "oversight_complaint_id", "attachment_id": "oversight_attachment_id"}
_ALLEGATION = {"pk": "oversight_complaint_id", "allegation_id": "oversight_allegation_id"}
_SUMMONS = {"pk": "oversight_complaint_id", "summons_id": "oversight_summons_id"}
MATRIX_PDF = b"%PDF-1.4\n%matrix\n%%EOF\n"
REFERRAL_BODY = {
    "officers": "",
    "description": "A suspect was beaten in the cells at Kasarani.",
    "categories": "excessive_force",
    "place": "Kasarani",
    "station": "Kasarani",
    "occurred_at": "",
}

PUBLIC_COMPLAINT = {
    "description": "An officer asked me for money at the Thika road block.",
    "category": "corruption",
    "place": "Thika road",
}
STAGE_BODY = {"to_stage": "admissibility"}
ALLEGATION_BODY = {"category": "neglect"}
FINDING_BODY = {"officer": "DCI-0001", "finding": "not_sustained"}
SUMMONS_API_BODY = {"officer": "DCI-0001", "due_at": "2030-01-01T09:00:00+03:00"}
SUMMONS_WEB_BODY = {"officer": "DCI-0001", "due": "2030-01-01"}
SHARE_BODY = {"agency": "FRC"}

RULES: dict[str, Rule] = {
    # --- oversight: API ----------------------------------------------------------------------
    "POST /api/v1/oversight/public/complaints": Rule(PUBLIC, body=PUBLIC_COMPLAINT),
    "POST /api/v1/oversight/public/follow-up": Rule(PUBLIC, body={"code": "ABCD-EFGH"}),
    "GET /api/v1/oversight/complaints": Rule(SIGNED_IN),
    "GET /api/v1/oversight/complaints/{pk}": Rule(READ, rename=_COMPLAINT),
    "POST /api/v1/oversight/complaints/{pk}/stage": Rule(WRITE, body=STAGE_BODY, rename=_COMPLAINT),
    "POST /api/v1/oversight/complaints/{pk}/share": Rule(WRITE, body=SHARE_BODY, rename=_COMPLAINT),
    "POST /api/v1/oversight/complaints/{pk}/allegations": Rule(
        WRITE, body=ALLEGATION_BODY, rename=_COMPLAINT
    ),
    "POST /api/v1/oversight/complaints/{pk}/allegations/{allegation_id}": Rule(
        WRITE, body=FINDING_BODY, rename=_ALLEGATION
    ),
    "POST /api/v1/oversight/complaints/{pk}/summonses": Rule(
        WRITE, body=SUMMONS_API_BODY, rename=_COMPLAINT
    ),
    "POST /api/v1/oversight/complaints/{pk}/summonses/{summons_id}/attended": Rule(
        WRITE, rename=_SUMMONS
    ),
    "POST /api/v1/oversight/referrals": Rule(
        SIGNED_IN,
        body={"description": "A suspect was beaten in the cells.", "place": "Kasarani"},
    ),
    "GET /api/v1/oversight/notifications": Rule(SIGNED_IN),
    "GET /api/v1/oversight/flags": Rule(SIGNED_IN),
    "GET /api/v1/oversight/flags/{pk}": Rule(READ, rename=_FLAG),
    "POST /api/v1/oversight/flags/{pk}/response": Rule(
        WRITE, body={"response": "I would welcome the support."}, rename=_FLAG
    ),
    # --- oversight: pages --------------------------------------------------------------------
    "web GET oversight/complain/": Rule(PUBLIC),
    "web POST oversight/complain/": Rule(PUBLIC, body=PUBLIC_COMPLAINT),
    "web GET oversight/complain/follow-up/": Rule(PUBLIC),
    "web POST oversight/complain/follow-up/": Rule(PUBLIC, body={"code": "ABCD-EFGH"}),
    "web GET oversight/complaints/": Rule(SIGNED_IN),
    "web GET oversight/complaints/<int:pk>/": Rule(READ, rename=_COMPLAINT),
    "web POST oversight/complaints/<int:pk>/stage/": Rule(
        WRITE, body=STAGE_BODY, rename=_COMPLAINT
    ),
    "web POST oversight/complaints/<int:pk>/allegations/": Rule(
        WRITE, body=ALLEGATION_BODY, rename=_COMPLAINT
    ),
    "web POST oversight/complaints/<int:pk>/allegations/<int:allegation_id>/": Rule(
        WRITE, body=FINDING_BODY, rename=_ALLEGATION
    ),
    "web POST oversight/complaints/<int:pk>/summonses/": Rule(
        WRITE, body=SUMMONS_WEB_BODY, rename=_COMPLAINT
    ),
    "web POST oversight/complaints/<int:pk>/summonses/<int:summons_id>/attended/": Rule(
        WRITE, rename=_SUMMONS
    ),
    "web GET oversight/complaints/<int:pk>/attachments/<int:attachment_id>/": Rule(
        READ, rename=_ATTACHMENT
    ),
    "web GET oversight/referrals/new/": Rule(SIGNED_IN),
    "web POST oversight/referrals/new/": Rule(SIGNED_IN, body=REFERRAL_BODY),
    "web GET oversight/notifications/": Rule(SIGNED_IN),
    "web POST oversight/notifications/": Rule(
        SIGNED_IN,
        body={
            "kind": "serious_injury",
            "occurred_at": "2026-12-01T10:00",
            "place": "Kasarani",
            "summary": "A suspect was injured during an arrest.",
            "officers": "",
        },
    ),
    "web GET oversight/early-intervention/": Rule(SIGNED_IN),
    "web GET oversight/early-intervention/<int:pk>/": Rule(READ, rename=_FLAG),
    "web POST oversight/early-intervention/<int:pk>/": Rule(
        WRITE, body={"status": "in_support", "note": "weekly check-in"}, rename=_FLAG
    ),
    "web GET oversight/early-intervention/models/<int:pk>/": Rule(READ, rename=_MODEL),
    "web POST oversight/early-intervention/models/<int:pk>/": Rule(
        WRITE, body={"note": "reviewed the fairness table"}, rename=_MODEL
    ),
    # --- wellness: API -----------------------------------------------------------------------
    "GET /api/v1/wellness/referrals": Rule(SIGNED_IN),
    "GET /api/v1/wellness/referrals/{pk}": Rule(READ, rename=_REFERRAL),
    "POST /api/v1/wellness/referrals/{pk}": Rule(
        WRITE, body={"status": "in_care", "note": "first session booked"}, rename=_REFERRAL
    ),
    "POST /api/v1/wellness/self-referral": Rule(
        SIGNED_IN, body={"message": "I would like to talk to someone.", "contact": ""}
    ),
    # --- wellness: pages ---------------------------------------------------------------------
    "web GET wellness/": Rule(SIGNED_IN),
    "web GET wellness/referrals/<int:pk>/": Rule(READ, rename=_REFERRAL),
    "web POST wellness/referrals/<int:pk>/": Rule(
        WRITE, body={"status": "in_care", "note": "first session booked"}, rename=_REFERRAL
    ),
    "web GET wellness/support/": Rule(SIGNED_IN),
    "web POST wellness/support/": Rule(
        SIGNED_IN, body={"message": "I would like to talk to someone.", "contact": ""}
    ),
    "web POST wellness/support/<int:pk>/answer/": Rule(WRITE, body={"accept": "1"}, rename=_OFFER),
    "web POST wellness/support/pin/": Rule(
        SIGNED_IN, body={"service_number": "DCI-0001", "pin": "470215", "pin_again": "470215"}
    ),
    "web GET wellness/critical-incidents/": Rule(SIGNED_IN),
    "web POST wellness/critical-incidents/": Rule(
        SIGNED_IN,
        body={
            "kind": "firearm",
            "occurred_at": "2026-12-01T10:00",
            "place": "Kasarani",
            "officers": "DCI-0099, Jane Wanjiru",
        },
    ),
}
POST_ONLY_VIEWS = {
    "oversight/complaints/<int:pk>/stage/",
    "oversight/complaints/<int:pk>/allegations/",
    "oversight/complaints/<int:pk>/allegations/<int:allegation_id>/",
    "oversight/complaints/<int:pk>/summonses/",
    "oversight/complaints/<int:pk>/summonses/<int:summons_id>/attended/",
    "wellness/support/pin/",
    "wellness/support/<int:pk>/answer/",
}
GET_AND_POST_VIEWS = {
    "oversight/complain/",
    "oversight/complain/follow-up/",
    "oversight/notifications/",
    "oversight/referrals/new/",
    "oversight/early-intervention/<int:pk>/",
    "oversight/early-intervention/models/<int:pk>/",
    "wellness/referrals/<int:pk>/",
    "wellness/support/",
    "wellness/critical-incidents/",
}


def build(context: AreaContext) -> dict[str, str]:
    import datetime as dt

    from django.utils import timezone

    from usalama.accounts import services as accounts
    from usalama.oversight import services as oversight
    from usalama.oversight.models import Officer, RiskFlag
    from usalama.wellness import services as wellness

    actor = context.actor
    dci = context.agencies["DCI"]
    ipoa = accounts.ensure_agency(actor, code="IPOA", name="IPOA", country="KE", kind="oversight")
    investigator = accounts.create_user(
        actor,
        username="ipoa.matrix",
        agency=ipoa,
        roles=["oversight_investigator"],
        password="correct horse battery staple 42",
        check_password=False,
    ).user
    # own: DCI refers the complaint (IPOA owns it, shares it back); granted: IPOA shares it
    # with ODPP. Both shares are read-only.
    complaint = oversight.refer_complaint(
        context.users[("supervisor", "own")],
        description="A suspect was beaten in the cells at Kasarani.",
        place="Kasarani",
        station="Kasarani",
        category="excessive_force",
        attachments=[("matrix.pdf", MATRIX_PDF)],
    )
    oversight.share_complaint(investigator, complaint.pk, "ODPP")

    # early intervention: DCI's officer (their own login is DCI's desk officer), a deployed
    # model and one flag.
    officer_user = context.users[("desk_officer", "own")]
    officer = Officer.objects.create(
        agency=dci,
        service_number="DCI-0001",
        name="Peter Otieno",
        rank="Sergeant",
        user=officer_user,
    )
    today = timezone.localdate()
    model = oversight.publish_model(
        actor,
        dci,
        version="matrix-1",
        as_of=today,
        metrics={"auc": 0.7},
        fairness=[],
        max_disparity=1.1,
    )
    oversight.add_flags(actor, model, [(officer, 0.9, [{"feature": "alleg_1y", "value": 3}])])
    flag = RiskFlag.objects.get(model=model, officer=officer)
    # a summons IPOA issued to that officer on the complaint, not yet attended
    summons = oversight.issue_summons(
        investigator, complaint.pk, officer.pk, timezone.now() + dt.timedelta(days=7)
    )

    # wellness: a self-referral by DCI's analyst, and an offer to DCI's desk officer after a
    # critical incident.
    referral = wellness.self_refer(context.users[("analyst", "own")], message=SECRET_MESSAGE)
    incident, _offered = wellness.record_critical_incident(
        actor,
        dci,
        kind="firearm",
        occurred_at=timezone.now(),
        place="Kasarani",
        officers=[
            wellness.InvolvedOfficer(
                name="Peter Otieno", service_number="DCI-0001", user_id=officer_user.pk
            )
        ],
    )
    offer = incident.referrals.get()
    return {
        "oversight_complaint_id": str(complaint.pk),
        "oversight_attachment_id": str(complaint.attachments.get().pk),
        "oversight_allegation_id": str(complaint.allegations.get().pk),
        "oversight_summons_id": str(summons.pk),
        "oversight_flag_id": str(flag.pk),
        "oversight_model_id": str(model.pk),
        "wellness_referral_id": str(referral.pk),
        "wellness_offer_id": str(offer.pk),
    }


def fingerprint() -> list[Any]:
    from usalama.oversight.models import (
        Allegation,
        Attachment,
        Complaint,
        ModelVersion,
        Notification,
        Officer,
        RiskFlag,
        StageChange,
        Summons,
    )
    from usalama.wellness.models import CriticalIncident, Referral, UssdPin

    shares = Complaint.shared_with.through.objects.order_by("complaint_id", "agency_id")
    return [
        [
            list(row)
            for row in Complaint.objects.order_by("id").values_list(
                "id", "agency_id", "stage", "recommendation", "outcome"
            )
        ],
        [list(row) for row in shares.values_list("complaint_id", "agency_id")],
        [
            list(row)
            for row in Allegation.objects.order_by("id").values_list(
                "id", "officer_id", "finding", "penalty"
            )
        ],
        StageChange.objects.count(),
        [list(row) for row in Summons.objects.order_by("id").values_list("id", "attended_at")],
        Notification.objects.count(),
        Officer.objects.count(),
        [
            [pk, by, deployed]
            for pk, by, deployed in ModelVersion.objects.order_by("id").values_list(
                "id", "signed_off_by", "deployed"
            )
        ],
        [
            list(row)
            for row in RiskFlag.objects.order_by("id").values_list(
                "id", "status", "officer_response", "supervisor_note"
            )
        ],
        [
            [pk, status, sealed, updated.isoformat()]
            for pk, status, sealed, updated in Referral.objects.order_by("id").values_list(
                "id", "status", "notes_sealed", "updated_at"
            )
        ],
        CriticalIncident.objects.count(),
        Attachment.objects.count(),
        [list(row) for row in UssdPin.objects.order_by("id").values_list("id", "pin_hash")],
    ]
