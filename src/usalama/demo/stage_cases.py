"""Demo stage: cases across the DCI, the ODPP and the courts, with the justice chain.

Realistic delays (some arrests past the 24-hour court clock, adjournments, withdrawals,
files waiting at the ODPP), an MLA request to Uganda about the cross-agency suspect, the
hidden-path intermediary charged with laundering the planted money trail (the trail is
attached to that case, DCI-DEMO-002, as a money trace), exhibits with custody chains. Every
write goes through the cases services as the demo user whose role makes it, so the audit log
and the access rules are the real ones. Times are relative to now, so the clocks on the
dashboard are live; a case that exists is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from usalama.demo.stages import DemoContext, Tip

PREFIX = "DCI-DEMO-"
OFFENCES = (
    ("Penal Code", "296(2)", "robbery with violence"),
    ("Penal Code", "268 as read with 275", "stealing"),
    ("Penal Code", "251", "assault causing actual bodily harm"),
    ("Penal Code", "304(2) as read with 279(b)", "burglary and stealing"),
    ("Penal Code", "322(2)", "handling stolen goods"),
    ("Sexual Offences Act", "8(1) as read with 8(3)", "defilement"),
    ("Narcotic Drugs and Psychotropic Substances (Control) Act", "4(a)", "trafficking"),
    ("Penal Code", "203 as read with 204", "murder"),
)
STATIONS = ("Kasarani", "Kilimani", "Central", "Kayole", "Gigiri", "Parklands", "Embakasi")
ADJOURNMENT_REASONS = (
    "prosecution witness absent",
    "defence counsel unwell",
    "file not availed by the prosecution",
    "court did not sit (magistrate on leave)",
    "accused not produced from remand",
    "awaiting government analyst's report",
)


@dataclass
class Step:
    who: str  # demo username
    kind: str
    days_ago: float
    detail: str = ""
    note: str = ""
    accused: int | None = 0  # index into the case's accused, None for the case itself


@dataclass
class Plan:
    number: int
    title: str
    summary: str
    offences: list[tuple[str, str, str]]
    accused: list[str]  # entity ids
    complainants: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    share: tuple[str, ...] = ("ODPP", "JUD")
    station: str = "Kasarani"
    intake_refs: str = ""


def _chain(rng: random.Random, start: float, accused: int) -> list[Step]:
    """One accused's chain from an arrest ``start`` days ago, with realistic delays."""
    steps: list[Step] = []
    at = start
    if at <= 0:
        return steps
    steps.append(Step("dci.analyst", "arrested", at, accused=accused))
    late = rng.random() < 0.2
    hours = rng.uniform(26, 70) if late else rng.uniform(6, 22)
    at -= hours / 24
    if at <= 0:
        return steps
    steps.append(Step("jud.clerk", "first_appearance", at, accused=accused))
    remanded = rng.random() < 0.55
    steps.append(
        Step("jud.clerk", "remanded" if remanded else "released_on_bail", at, accused=accused)
    )
    at -= rng.uniform(5, 40)
    if at <= 0:
        return steps
    steps.append(Step("dci.analyst", "file_to_odpp", at, accused=accused))
    at -= rng.uniform(3, 90)
    if at <= 0:
        return steps
    decision = rng.choices(
        ("charge", "no_charge", "further_investigation", "diversion"), (70, 10, 15, 5)
    )[0]
    steps.append(Step("odpp.prosecutor", "charge_decision", at, decision, accused=accused))
    if decision != "charge":
        if remanded and at > 1:
            steps.append(Step("jud.clerk", "released_on_bail", at - 1, accused=accused))
        return steps
    at -= rng.uniform(1, 10)
    if at <= 0:
        return steps
    steps.append(Step("odpp.prosecutor", "charged", at, accused=accused))
    for _hearing in range(rng.randint(2, 9)):
        at -= rng.uniform(14, 60)
        if at <= 0:
            return steps
        adjourned = rng.random() < 0.45
        steps.append(
            Step(
                "jud.clerk",
                "hearing",
                at,
                "adjourned" if adjourned else "heard",
                rng.choice(ADJOURNMENT_REASONS) if adjourned else "",
                accused=accused,
            )
        )
        if remanded and rng.random() < 0.15:
            steps.append(Step("jud.clerk", "released_on_bail", at, accused=accused))
            remanded = False
    at -= rng.uniform(7, 30)
    if at <= 0:
        return steps
    verdict = rng.choices(("convicted", "acquitted", "withdrawn", "discharged"), (50, 20, 20, 10))[
        0
    ]
    steps.append(Step("jud.clerk", "judgment", at, verdict, accused=accused))
    if verdict == "convicted":
        at -= rng.uniform(1, 14)
        if at > 0:
            custodial = rng.choice(("custodial", "custodial", "non_custodial"))
            steps.append(Step("jud.clerk", "sentenced", at, custodial, accused=accused))
    if rng.random() < 0.2 and at > 20:
        steps.append(Step("odpp.prosecutor", "appeal_filed", at - 14, accused=accused))
    return steps


def _plans(context: DemoContext, people: list[str]) -> list[Plan]:
    rng = random.Random(f"cases-{context.seed}")
    scenarios = context.world.scenarios
    suspect = scenarios["cross_agency_suspect"]["records"]["DCI"]
    intermediary = scenarios["hidden_path"]["intermediaries"][0]
    plans = [
        Plan(
            1,
            "Fraud and laundering across the Busia border",
            "Obtaining money by false pretences from traders in Nairobi; proceeds moved "
            "through M-Pesa and a Ugandan mobile line. The suspect is held three ways (DCI, "
            "FRC, UPF): see the entity page and the link chart.",
            [
                ("Penal Code", "313", "obtaining by false pretences"),
                ("Proceeds of Crime and Anti-Money Laundering Act", "3", "money laundering"),
            ],
            [suspect],
            complainants=people[:1],
            steps=[
                Step("dci.analyst", "reported", 210, accused=None),
                Step("dci.analyst", "arrested", 190),
                Step("jud.clerk", "first_appearance", 189.6),
                Step("jud.clerk", "remanded", 189.6),
                Step("dci.analyst", "file_to_odpp", 182),
                Step("odpp.prosecutor", "charge_decision", 171, "charge"),
                Step("odpp.prosecutor", "charged", 168),
                Step("jud.clerk", "hearing", 140, "adjourned", "awaiting MLA evidence from Uganda"),
                Step("jud.clerk", "hearing", 105, "adjourned", "awaiting MLA evidence from Uganda"),
                Step("jud.clerk", "hearing", 70, "heard"),
                Step("jud.clerk", "hearing", 35, "adjourned", "prosecution witness absent"),
            ],
            station="Central",
        ),
        Plan(
            2,
            "Structuring through M-Pesa into crypto",
            "FRC suspicious transaction reports: a large deposit split under KES 1,000,000 to "
            "associates' M-Pesa wallets, collected and converted to Bitcoin (see Money: the "
            "alerts and the trace). The intermediary links the OB complainant to the company.",
            [
                ("Proceeds of Crime and Anti-Money Laundering Act", "3", "money laundering"),
                ("Proceeds of Crime and Anti-Money Laundering Act", "7", "structuring"),
            ],
            [intermediary],
            steps=[
                Step("dci.analyst", "reported", 520, accused=None),
                Step("dci.analyst", "arrested", 500),
                Step("jud.clerk", "first_appearance", 498),  # 48 hours: past the clock
                Step("jud.clerk", "remanded", 498),
                Step("jud.clerk", "released_on_bail", 470),
                Step("dci.analyst", "file_to_odpp", 460),
                Step("odpp.prosecutor", "charge_decision", 430, "further_investigation"),
                Step("odpp.prosecutor", "charge_decision", 400, "charge"),
                Step("odpp.prosecutor", "charged", 396),
                Step("jud.clerk", "hearing", 350, "adjourned", "defence counsel unwell"),
                Step("jud.clerk", "hearing", 300, "heard"),
                Step(
                    "jud.clerk",
                    "hearing",
                    240,
                    "adjourned",
                    "court did not sit (magistrate on leave)",
                ),
                Step("jud.clerk", "hearing", 120, "heard"),
            ],
            station="Kilimani",
            intake_refs="",
        ),
    ]
    pool = [p for p in people[1:] if p not in (suspect, intermediary)]
    rng.shuffle(pool)
    for number in [*range(3, 17), *range(19, 35)]:
        offence = rng.choice(OFFENCES)
        count = rng.choice((1, 1, 1, 2))
        accused = [pool.pop() for _ in range(count)] if len(pool) >= count + 1 else []
        complainant = [pool.pop()] if pool else []
        reported = rng.uniform(20, 700)
        steps = [Step("dci.analyst", "reported", reported, accused=None)]
        for index in range(len(accused)):
            if rng.random() < 0.9:
                steps += _chain(rng, reported - rng.uniform(0, 15), index)
        plans.append(
            Plan(
                number,
                f"{offence[2].capitalize()}, {rng.choice(STATIONS)}",
                "",
                [offence],
                accused,
                complainant,
                steps,
                station=rng.choice(STATIONS),
            )
        )
    # now: arrested the day before yesterday, still not before a court (past the clock)
    plans.append(
        Plan(
            17,
            "Robbery with violence, Kayole",
            "Two suspects arrested after a matatu robbery.",
            [OFFENCES[0]],
            [pool.pop(), pool.pop()] if len(pool) >= 2 else [],
            [],
            [
                Step("dci.analyst", "reported", 3.2, accused=None),
                Step("dci.analyst", "arrested", 2.1, accused=0),
                Step("dci.analyst", "arrested", 1.6, accused=1),
            ],
            share=("ODPP",),
            station="Kayole",
        )
    )
    # a file at the ODPP for six weeks with no decision
    plans.append(
        Plan(
            18,
            "Handling stolen goods, Gikomba",
            "",
            [OFFENCES[4]],
            [pool.pop()] if pool else [],
            [],
            [
                Step("dci.analyst", "reported", 70, accused=None),
                Step("dci.analyst", "arrested", 66),
                Step("jud.clerk", "first_appearance", 65.5),
                Step("jud.clerk", "released_on_bail", 65.5),
                Step("dci.analyst", "file_to_odpp", 44),
            ],
            station="Central",
        )
    )
    return plans


# The magistrates' fast-track docket of the three complete months the public portal publishes
# (``stage_public``): each month, cases reported, charged and decided within it, so the
# portal's court figures (charged, judgments, convictions) are real and mostly above k.
DOCKET_MONTHS = 3
DOCKET_CASES = 4  # a month, two accused each
DOCKET_FIRST = 200  # case numbers 200 and up
VERDICTS = ("convicted", "convicted", "convicted", "acquitted", "convicted", "withdrawn")


def _published_months(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(DOCKET_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _docket(context: DemoContext, people: list[str], now: datetime) -> list[Plan]:
    rng = random.Random(f"docket-{context.seed}")
    pool = list(people[60:])  # the last first: few of them are in the cases above
    plans = []
    for m, first in enumerate(_published_months(timezone.localdate(now))):
        start = timezone.make_aware(datetime.combine(first, time(8)))

        def ago(day: float, start: datetime = start) -> float:
            return (now - (start + timedelta(days=day))).total_seconds() / 86400

        for i in range(DOCKET_CASES):
            offence = OFFENCES[(m + i) % len(OFFENCES)]
            accused = [pool.pop() for _ in range(2)] if len(pool) >= 2 else []
            day = 1 + i * 1.5 + rng.uniform(0, 1)
            steps = [Step("dci.analyst", "reported", ago(day), accused=None)]
            for a in range(len(accused)):
                verdict = VERDICTS[(m * DOCKET_CASES * 2 + i * 2 + a) % len(VERDICTS)]
                steps += [
                    Step("dci.analyst", "arrested", ago(day + 0.2), accused=a),
                    Step("jud.clerk", "first_appearance", ago(day + 0.8), accused=a),
                    Step("jud.clerk", "released_on_bail", ago(day + 0.8), accused=a),
                    Step("dci.analyst", "file_to_odpp", ago(day + 2), accused=a),
                    Step("odpp.prosecutor", "charge_decision", ago(day + 4), "charge", accused=a),
                    Step("odpp.prosecutor", "charged", ago(day + 5), accused=a),
                    Step("jud.clerk", "hearing", ago(day + 10), "heard", accused=a),
                    Step("jud.clerk", "judgment", ago(day + 15 + a), verdict, accused=a),
                ]
                if verdict == "convicted":
                    sentence_day = ago(day + 16 + a)
                    steps.append(
                        Step("jud.clerk", "sentenced", sentence_day, "non_custodial", accused=a)
                    )
            plans.append(
                Plan(
                    DOCKET_FIRST + m * 10 + i,
                    f"{offence[2].capitalize()}, {STATIONS[(m + i) % len(STATIONS)]} (fast track)",
                    "Heard on the magistrates' fast-track docket.",
                    [offence],
                    accused,
                    [],
                    steps,
                    station=STATIONS[(m + i) % len(STATIONS)],
                )
            )
    return plans


def _build(context: DemoContext, plan: Plan, now: datetime) -> None:
    from usalama.cases import evidence, services
    from usalama.demo.load import DEMO_PASSWORD

    users = context.users
    owner = users["dci.analyst"]
    with transaction.atomic():
        case = services.open_case(
            owner,
            reference=f"{PREFIX}{plan.number:03d}",
            title=plan.title,
            summary=plan.summary,
            ob_station=plan.station,
            ob_number=str(10 + plan.number * 7),
            ob_date=(now - timedelta(days=max(s.days_ago for s in plan.steps))).date(),
            dci_file=f"DCI/NRB/{plan.number:03d}",
            intake_refs=plan.intake_refs,
        )
        for statute, section, description in plan.offences:
            services.add_offence(
                owner, case, statute=statute, section=section, description=description
            )
        for entity_id in plan.complainants:
            services.add_party(owner, case, role="complainant", entity_id=entity_id)
        parties = [
            services.add_party(owner, case, role="accused", entity_id=e) for e in plan.accused
        ]
        for agency in plan.share:
            services.share_case(owner, case, agency)
        if any(s.kind in ("charge_decision", "charged") for s in plan.steps):
            services.update_references(owner, case, odpp_file=f"ODPP/NRB/{plan.number:04d}")
        if any(s.kind == "charged" for s in plan.steps):
            services.update_references(
                owner, case, court_case=f"MCCR/E{plan.number:03d}/{now.year}"
            )
        for step in sorted(plan.steps, key=lambda s: -s.days_ago):
            if step.accused is not None and step.accused >= len(parties):
                continue
            services.record_event(
                users[step.who],
                case,
                kind=step.kind,
                detail=step.detail,
                note=step.note,
                occurred_at=now - timedelta(days=step.days_ago),
                accused=parties[step.accused] if step.accused is not None else None,
            )
        if plan.number == 1:
            services.add_mla_request(
                owner,
                case,
                direction="outgoing",
                requesting_state="KE",
                requested_state="UG",
                subject=(
                    "Subscriber and mobile-money records of the Ugandan line used by M. A. Hassan"
                ),
                legal_basis="Mutual Legal Assistance Act, 2011; Harare Scheme",
                entity_id=plan.accused[0],
                status="sent",
                sent_on=(now - timedelta(days=150)).date(),
                due_on=(now - timedelta(days=60)).date(),
            )
            services.add_notice(
                owner,
                case,
                colour="blue",
                reference="2026/BLUE/0417",
                entity_id=plan.accused[0],
                subject="Location and identity of M. A. Hassan",
                issued_on=(now - timedelta(days=120)).date(),
            )
        if plan.number in (1, 2, 3):
            phone = evidence.add_exhibit(
                owner,
                case,
                number="EX-1",
                kind="physical",
                description="Mobile phone recovered at arrest, sealed",
                seal_number=f"KE-S-{40210 + plan.number}",
                seized_at=now - timedelta(days=max(s.days_ago for s in plan.steps) - 1),
            )
            statement = evidence.add_exhibit(
                owner,
                case,
                number="EX-2",
                kind="digital",
                description="M-Pesa statement obtained under a production order",
                files=[
                    (
                        f"mpesa-statement-{plan.number}.csv",
                        (
                            "date,details,amount\n"
                            f"2025-06-0{plan.number},send money,9500{plan.number}\n"
                        ).encode(),
                    )
                ],
            )
            evidence.receive_custody(
                users["dci.supervisor"],
                phone,
                purpose="forensic extraction",
                password=DEMO_PASSWORD,
            )
            evidence.receive_custody(
                users["odpp.prosecutor"],
                statement,
                purpose="charging review",
                password=DEMO_PASSWORD,
            )


def _money_trail(context: DemoContext) -> bool:
    """Attach the planted money trail (the layering scheme, forward from the cash deposit's
    bank account in the FRC ledger granted to the DCI) to DCI-DEMO-002, as its investigator.

    Idempotent: a case that has a trace keeps it. Returns whether one was attached.
    """
    from usalama.cases.models import Case
    from usalama.desk import case_money
    from usalama.money.models import Account

    case = Case.objects.filter(reference=f"{PREFIX}002").first()
    if case is None or case.money_traces.exists():
        return False
    owner = context.users["dci.analyst"]
    layering = context.world.scenarios.get("layering")
    if not layering:  # a world built without the money scenario
        return False
    seed = Account.objects.visible_to(owner).filter(entity_id=layering["source_account"]).first()
    if seed is None:  # the FRC ledger is not synced or not granted: nothing to trace
        return False
    case_money.attach(
        owner,
        case,
        account_id=seed.pk,
        identifier="",
        direction="forward",
        model="haircut",
        hops=5,
        since=None,
        until=None,
    )
    return True


def populate(context: DemoContext) -> list[Tip]:
    from usalama.cases.models import Case
    from usalama.records.models import EntityRecord

    people = list(
        EntityRecord.objects.filter(
            collection__key__in=("dci-investigations", "dci-serious-crime"), schema="Person"
        )
        .order_by("entity_id")
        .values_list("entity_id", flat=True)[:400]
    )
    now = timezone.now()
    made = 0
    for plan in _plans(context, people) + _docket(context, people, now):
        if Case.objects.filter(reference=f"{PREFIX}{plan.number:03d}").exists():
            continue
        _build(context, plan, now)
        made += 1
    if made:
        context.console.print(f"    {made} cases with their justice chain")
    if _money_trail(context):
        context.console.print(f"    {PREFIX}002: the planted money trail attached to the case")
    return [
        Tip(
            "dci.analyst",
            f"Cases → {PREFIX}017: two suspects arrested two days ago are still not before a "
            "court; register an exhibit, then share the case with JUD",
        ),
        Tip(
            "dci.supervisor",
            "Cases → Justice dashboard: who is past the 24-hour court clock now, "
            "remand days, and the KPIs (CSV export = `usalama justice kpis`)",
        ),
        Tip(
            "dci.supervisor",
            f"Cases → {PREFIX}002: the laundering charge's money trail (cash deposit → "
            "M-Pesa wallets → collector → exchange → Bitcoin) is on the case page, "
            "with a link to the full trace",
        ),
        Tip(
            "odpp.prosecutor",
            f"Justice dashboard → files at ODPP: {PREFIX}018 waits for your "
            "charge decision; record it on the case page",
        ),
        Tip(
            "jud.clerk",
            f"Cases → {PREFIX}001: record the next hearing (adjourned: awaiting MLA "
            "evidence from Uganda) or a judgment",
        ),
    ]
