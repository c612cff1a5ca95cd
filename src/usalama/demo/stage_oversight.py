"""Demo stage: officers at four NPS stations, complaints in IPOA's stages, a death-in-custody
notification, an early-intervention model with its fairness table and flagged officers (with
factors), and wellness referrals after a critical incident.

Idempotent: everything is keyed (service numbers, fixed complaint references, an incident
reference, a model version), so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl
from django.utils import timezone

from usalama.audit.services import Actor
from usalama.demo.stages import DemoContext, Tip

ACTOR = Actor(name="demo")
STATIONS = ("Kilimani", "Kasarani", "Central", "Kibera")
FIRST = (
    "Juma",
    "Akinyi",
    "Otieno",
    "Wanjiru",
    "Mwangi",
    "Chebet",
    "Kiprop",
    "Njeri",
    "Omondi",
    "Achieng",
    "Kamau",
    "Wairimu",
    "Mutua",
    "Nyambura",
    "Ouma",
    "Jepkosgei",
    "Barasa",
    "Moraa",
    "Kariuki",
    "Atieno",
)
LAST = (
    "Odhiambo",
    "Kibet",
    "Maina",
    "Wekesa",
    "Ndegwa",
    "Korir",
    "Onyango",
    "Mwende",
    "Ruto",
    "Kilonzo",
)
RANKS = ("Constable", "Constable", "Constable", "Corporal", "Sergeant", "Inspector")
OFFICERS = 40
MODEL_VERSION = "eis-hgb-1 (demo)"
DESK_OFFICER = "NPS-10007"  # nps.desk's own service number: a flagged officer who can respond
DEMO_PIN = "246813"  # nps.desk's USSD wellness PIN (demo only)
SMS_COMPLAINT = "MALALAMIKO Polisi walinipiga na kuchukua pesa zangu kwenye kizuizi cha Githurai"
REFERRAL = "A detainee was beaten during questioning at Kilimani police station (IAU file 17/2026)"
# A one-page PDF: the statement attached to the demo's police referral.
STATEMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _roster(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed * 7919 + 15)
    rows = []
    for i in range(OFFICERS):
        rows.append(
            {
                "service_number": f"NPS-{10000 + i}",
                "name": f"{FIRST[i % len(FIRST)]} {LAST[(i * 3 + rng.randrange(9)) % len(LAST)]}",
                "rank": RANKS[rng.randrange(len(RANKS))],
                "gender": "F" if i % 3 == 1 else "M",
                "appointed_on": dt.date(
                    2004 + rng.randrange(18), 1 + rng.randrange(12), 1
                ).isoformat(),
                "station": STATIONS[i % len(STATIONS)],
                "unit": "General duty" if i % 5 else "Rapid response",
            }
        )
    return rows


def _history(seed: int, officers: list[Any], today: dt.date) -> Any:
    """Synthetic complaint and force history: a few officers in the rapid-response unit draw
    many more excessive-force complaints, as in the real data."""
    from usalama.analysis.oversight import EisData
    from usalama.analysis.oversight.data import (
        prepare_complaints,
        prepare_force,
        prepare_officers,
        prepare_units,
    )

    rng = random.Random(seed * 104729 + 3)
    o_rows: list[tuple[Any, ...]] = []
    c_rows: list[tuple[Any, ...]] = []
    f_rows: list[tuple[Any, ...]] = []
    u_rows: list[tuple[Any, ...]] = []
    n = 0
    for officer in officers:
        risky = officer.service_number in {
            DESK_OFFICER,
            "NPS-10010",
            "NPS-10015",
            "NPS-10020",
            "NPS-10030",
        }
        appointed = officer.appointed_on or dt.date(2010, 1, 1)
        o_rows.append(
            (officer.service_number, "1985", officer.gender, "", appointed.isoformat(), "")
        )
        u_rows.append(
            (
                officer.service_number,
                "rr" if officer.service_number[-1] == "0" else "gd",
                appointed.isoformat(),
                "",
            )
        )
        for year in range(today.year - 8, today.year + 1):
            for _ in range(rng.randint(1, 4) if risky else rng.choice((0, 0, 0, 1))):
                day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day >= today or day < appointed:
                    continue
                n += 1
                force = (risky and rng.random() < 0.55) or (not risky and rng.random() < 0.2)
                sustained = rng.random() < (0.3 if risky else 0.08)
                c_rows.append(
                    (
                        str(n),
                        str(n),
                        officer.service_number,
                        day.isoformat(),
                        "05A" if force else "01B",
                        "1" if force else "0",
                        "SUSTAINED" if sustained else "NOT SUSTAINED",
                        "",
                    )
                )
            if risky:
                f_rows.append(
                    (
                        str(len(f_rows) + 1),
                        officer.service_number,
                        dt.date(year, 6, 1).isoformat(),
                        str(int(rng.random() < 0.3)),
                        "0",
                        "0",
                    )
                )

    def frame(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")

    return EisData(
        officers=prepare_officers(
            frame(
                o_rows,
                ("officer_id", "birth_year", "gender", "race", "appointed_date", "resigned_date"),
            )
        ),
        complaints=prepare_complaints(
            frame(
                c_rows,
                (
                    "complaint_id",
                    "allegation_id",
                    "officer_id",
                    "complaint_date",
                    "category_code",
                    "use_of_force",
                    "finding",
                    "closed_date",
                ),
            )
        ),
        force=prepare_force(
            frame(
                f_rows,
                ("event_id", "officer_id", "date", "firearm_used", "taser_used", "officer_injured"),
            )
        ),
        units=prepare_units(frame(u_rows, ("officer_id", "unit", "start_date", "end_date"))),
    )


def _early_intervention(context: DemoContext, agency: Any, officers: list[Any]) -> None:
    from usalama.analysis import oversight as engine
    from usalama.oversight import services
    from usalama.oversight.models import ModelVersion

    if ModelVersion.objects.filter(agency=agency, version=MODEL_VERSION).exists():
        return
    today = dt.date(timezone.localdate().year, 1, 1)
    data = _history(context.seed, officers, timezone.localdate())
    settings = engine.ModelSettings(max_iter=60, min_samples_leaf=10, training_years=5)
    # The fairness audit: the model as it would have flagged a year ago, against what followed.
    past = today.replace(year=today.year - 1)
    _, _, before = engine.score(engine.known_at(data, past), past, settings, with_factors=False)
    flagged = engine.flag_top(
        pl.DataFrame(
            {"officer_id": [s.officer_id for s in before], "score": [s.score for s in before]}
        ),
        0.1,
    )
    outcomes = engine.outcomes_at(data, past)
    table = engine.audit(flagged, outcomes, data.officers, "gender")
    model, _, scores = engine.score(data, today, settings, reconstruct=False)
    version = services.publish_model(
        ACTOR,
        agency,
        version=MODEL_VERSION,
        as_of=today,
        metrics={"training_rows": model.training_rows, "positives": model.positives},
        fairness=[table.as_dict()],
        max_disparity=table.max_disparity(min_size=5),
    )
    if version.needs_sign_off:
        services.sign_off(
            context.users["nps.commander"],
            version.pk,
            "Demo: small groups; reviewed with the IPOA liaison. Flags offer support only.",
        )
    by_number = {o.service_number: o for o in officers}
    top = [s for s in scores[:5] if s.officer_id in by_number]
    services.add_flags(
        ACTOR,
        version,
        [
            (
                by_number[s.officer_id],
                s.score,
                [{"feature": f, "value": v} for f, v in s.top_factors],
            )
            for s in top
        ],
    )


# Complaints in each complete month the public portal publishes (``stage_public``): how many a
# month end where (an outcome group, "open" = still being handled), so the portal's complaint
# table is real, mostly above k = 5, with one small group withheld.
PUBLISHED_MONTHS = 3
MONTHLY_COMPLAINTS = {
    "open": 6,
    "inadmissible": 5,
    "prosecution": 5,
    "disciplinary_iau": 6,
    "disciplinary_npsc": 2,
    "no_further_action": 5,
}
MONTHLY_CATEGORIES = ("excessive_force", "corruption", "unlawful_arrest", "harassment", "other")
OUTCOMES = {
    "prosecution": "File sent to the ODPP; charges approved.",
    "disciplinary_iau": "Officer disciplined by the Internal Affairs Unit.",
    "disciplinary_npsc": "Officer referred to the National Police Service Commission.",
    "no_further_action": "Complainant informed; the evidence did not support the allegation.",
}


def _published_months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(PUBLISHED_MONTHS):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _monthly_complaints(context: DemoContext) -> None:
    """File the published months' complaints through the service, move each to where it ends,
    then give the complaint and its stage changes the times they happened."""
    from usalama.oversight import services
    from usalama.oversight.models import AllegationCategory, Complaint, StageChange

    ipoa = context.users["ipoa.investigator"]
    rng = random.Random(f"{context.seed}:complaints")
    now = timezone.now()
    categories = [c for c in MONTHLY_CATEGORIES if c in AllegationCategory.values]
    for first in _published_months(timezone.localdate()):
        start = timezone.make_aware(dt.datetime.combine(first, dt.time(7)))
        n = 0
        for group, count in MONTHLY_COMPLAINTS.items():
            for _ in range(count):
                n += 1
                reference = f"IPOA-P{first:%y%m}-{n:03d}"
                received = start + dt.timedelta(days=rng.uniform(0, 26), hours=rng.uniform(0, 12))
                if Complaint.objects.filter(reference=reference).exists():
                    continue
                station = rng.choice(STATIONS)
                what = group.replace("_", " ")
                complaint, _code = services.file_public_complaint(
                    description=f"Complaint about officers at {station} ({what})",
                    station=station,
                    place=station,
                    occurred_at=received - dt.timedelta(days=2),
                    category=rng.choice(categories) if categories else "other",
                    reference=reference,
                )
                if group == "inadmissible":
                    path = ["admissibility", "inadmissible"]
                elif group == "open":
                    path = ["admissibility", "preliminary"][: rng.randint(0, 2)]
                else:
                    path = ["admissibility", "preliminary", "recommendation", "outcome"]
                for stage in path:
                    services.move_stage(
                        ipoa,
                        complaint.pk,
                        stage,
                        note="demo",
                        recommendation=group if stage == "recommendation" else "",
                        outcome=OUTCOMES.get(group, "") if stage == "outcome" else "",
                    )
                Complaint.objects.filter(pk=complaint.pk).update(created_at=received)
                changes = StageChange.objects.filter(complaint_id=complaint.pk).order_by("id")
                for step, change in enumerate(changes, start=1):
                    at = min(received + dt.timedelta(days=6 * step), now - dt.timedelta(hours=1))
                    StageChange.objects.filter(pk=change.pk).update(at=at)


def populate(context: DemoContext) -> list[Tip]:
    from usalama.oversight import services
    from usalama.oversight.models import Complaint, Notification, Officer, Shift
    from usalama.wellness import services as wellness
    from usalama.wellness.models import Referral

    nps, users = context.agencies["NPS"], context.users
    rows = _roster(context.seed)
    header = list(rows[0])
    text = (
        ",".join(header)
        + "\n"
        + "\n".join(",".join(str(r[h]) for h in header) for r in rows)
        + "\n"
    )
    if not Officer.objects.filter(agency=nps, service_number=rows[0]["service_number"]).exists():
        services.import_officers(
            ACTOR, nps, text, {h: h for h in header}, source_name="demo-roster.csv"
        )
    officers = list(Officer.objects.filter(agency=nps).order_by("service_number"))
    desk = Officer.objects.get(agency=nps, service_number=DESK_OFFICER)
    if desk.user_id is None:
        desk.user = users["nps.desk"]
        desk.save(update_fields=["user"])

    incident_at = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - dt.timedelta(days=9), dt.time(22, 30))
    )
    if not Shift.objects.filter(officer__agency=nps).exists():
        for officer in officers:
            posting = officer.postings.first()
            station = posting.station if posting is not None else "Central"
            start = incident_at.replace(hour=18, minute=0) + dt.timedelta(
                hours=12 * (int(officer.service_number[-1]) % 2)
            )
            services.add_shifts(ACTOR, officer, [(station, start, start + dt.timedelta(hours=12))])

    ipoa = users["ipoa.investigator"]
    plans = [  # (reference, description, station, category, stages, recommendation, share with NPS)
        (
            "IPOA-DEMO-000001",
            "Officers beat a hawker during an evening operation at Kilimani market",
            "Kilimani",
            "excessive_force",
            ["admissibility", "preliminary", "investigation", "recommendation"],
            "disciplinary_iau",
            True,
        ),
        (
            "IPOA-DEMO-000002",
            "A man died in the cells at Kasarani police station after his arrest",
            "Kasarani",
            "death",
            ["admissibility", "preliminary", "investigation"],
            "",
            False,
        ),
        (
            "IPOA-DEMO-000003",
            "Traffic officers demanded money at a roadblock on Thika Road",
            "Kasarani",
            "corruption",
            ["admissibility"],
            "",
            False,
        ),
        (
            "IPOA-DEMO-000004",
            "I was held for two days at Central without being charged",
            "Central",
            "unlawful_arrest",
            [],
            "",
            False,
        ),
        (
            "IPOA-DEMO-000005",
            "Police shot at a crowd in Kibera; a boy was hurt",
            "Kibera",
            "serious_injury",
            ["admissibility", "preliminary", "investigation", "recommendation"],
            "prosecution",
            False,
        ),
    ]
    for reference, description, station, category, stages, recommendation, share in plans:
        if Complaint.objects.filter(reference=reference).exists():
            continue
        complaint, _code = services.file_public_complaint(
            description=description,
            station=station,
            place=station,
            occurred_at=incident_at,
            category=category,
            reference=reference,
        )
        for stage in stages:
            services.move_stage(
                ipoa,
                complaint.pk,
                stage,
                note="demo",
                recommendation=recommendation if stage == "recommendation" else "",
            )
        if share:
            services.share_complaint(ipoa, complaint.pk, "NPS")
        if category == "excessive_force":
            summons = services.issue_summons(
                ipoa, complaint.pk, officers[0].pk, incident_at + dt.timedelta(days=5)
            )
            del summons  # left unanswered: it shows as ignored
    death = "A detainee was found dead in the Kasarani police cells"
    if not Notification.objects.filter(summary=death).exists():
        services.notify(
            users["nps.commander"],
            kind="death_in_custody",
            occurred_at=incident_at,
            place="Kasarani police station",
            summary=death,
            officers=officers[1:3],
            reported_at=incident_at + dt.timedelta(hours=30),
        )  # reported late: a breach

    _early_intervention(context, nps, officers)

    wellness.record_critical_incident(
        ACTOR,
        nps,
        kind="firearm",
        occurred_at=incident_at,
        place="Kibera",
        external_ref="DEMO-CI-1",
        officers=[
            wellness.InvolvedOfficer(o.name, o.service_number, o.user_id)
            for o in (desk, officers[12])
        ],
    )
    if not Referral.objects.filter(origin="self", agency=nps).exists():
        asked = wellness.self_refer(
            users["nps.analyst"],
            message="Nightmares since the Kibera operation.",
            contact="Phone after 6 pm",
        )
        wellness.update_referral(
            users["nps.wellness"], asked.pk, status="in_care", note="First session booked."
        )
    _public_channels(nps, users, officers)
    _monthly_complaints(context)
    return [
        Tip(
            "ipoa.investigator",
            "Complaints against police: move IPOA-DEMO-000003 on; on IPOA-DEMO-000001 "
            "'Suggest officers on duty', name one on the allegation and record the finding "
            "(its summons was ignored: issue another); the s. 25 page shows a late report.",
        ),
        Tip(
            "ipoa.investigator",
            "Receipt stage: a complaint that came by SMS (MALALAMIKO) and a police referral "
            "from NPS internal affairs with two allegations and a statement attached.",
        ),
        Tip(
            "nps.iau",
            "Refer a complaint to IPOA: name the officers by service number (e.g. NPS-10005), "
            "tick the allegations, attach a statement; it lands in IPOA's receipt stage.",
        ),
        Tip(
            "nps.commander",
            "Early intervention: flagged officers with their top factors, and the model "
            "version's fairness table with your recorded sign-off.",
        ),
        Tip(
            "nps.desk",
            "Early intervention: you are flagged (an offer of support, never a sanction) — "
            "respond; Support for you: accept the counsellor offered after the Kibera shooting.",
        ),
        Tip(
            "nps.wellness",
            "Wellness referrals: two offers after the Kibera firearm incident, a "
            "self-referral in care, and a self-referral made by USSD; notes are encrypted.",
        ),
        Tip(
            "nps.desk",
            f"Support for you: your USSD wellness PIN is {DEMO_PIN} (service number "
            f"{DESK_OFFICER}); the phone menu's Wellness item never says whether they matched.",
        ),
        Tip(
            "nps.iau",
            "Complaints against police: IPOA's disciplinary recommendation IPOA-DEMO-000001; "
            "/wellness/ answers 404 to you, by design.",
        ),
    ]


def _public_channels(nps: Any, users: dict[str, Any], officers: list[Any]) -> None:
    """IPOA's inbox gets a complaint by SMS and a police referral; the counsellor a USSD
    self-referral (through the same functions the SMS and USSD gateways call)."""
    from usalama.oversight import channels, services
    from usalama.oversight.models import Complaint
    from usalama.wellness import ussd
    from usalama.wellness.models import Referral, UssdPin

    text = SMS_COMPLAINT.split(" ", 1)[1]
    if not Complaint.objects.filter(channel="sms", description=text).exists():
        channels.sms_complaint(text, "sw", "sms")
    if not Complaint.objects.filter(channel="police_referral", description=REFERRAL).exists():
        services.refer_complaint(
            users["nps.iau"],
            description=REFERRAL,
            place="Kilimani police station",
            station="Kilimani",
            occurred_at=timezone.now() - dt.timedelta(days=2),
            officers=[officers[5], officers[9]],
            categories=["excessive_force", "unlawful_arrest"],
            attachments=[("statement.pdf", STATEMENT_PDF)],
        )
    desk = users["nps.desk"]
    if not UssdPin.objects.filter(user=desk).exists():
        ussd.set_pin(desk, DESK_OFFICER, DEMO_PIN)
    if not Referral.objects.filter(origin="ussd", agency=nps).exists():
        ussd.respond([DESK_OFFICER, DEMO_PIN, "1"], "sw", lambda: None)
