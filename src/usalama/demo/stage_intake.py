"""Demo stage: citizen reports and anonymous tips in English and Swahili, for the NPS desk.

Submitted through the public intake services (as the web form and SMS would), so each gets
its suggested category and priority. Then the desk works some of them as a desk officer
would: a few are triaged, a few converted to incidents (which get OB numbers), and the rest
wait in the queue. Among them, the same motorbike theft reported in English and in Swahili
two minutes apart: the queue groups the two.

Idempotent: when the first demo report is already stored, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from usalama.demo.stages import DemoContext, Tip
from usalama.desk.services import convert_to_incident
from usalama.intake import services as intake
from usalama.intake import staff
from usalama.intake.models import Report


@dataclass(frozen=True)
class DemoSubmission:
    kind: str  # "report" or "tip"
    language: str
    text: str
    county: str
    sub_county: str
    ward: str
    place: str
    lat: float
    lon: float
    hours_ago: float
    then: str = ""  # "triage" or "convert" (as the desk officer), else it waits


SUBMISSIONS = (
    DemoSubmission(
        "report",
        "en",
        "My motorbike was stolen outside Kariobangi market this morning, a red Boxer "
        "KMDX 123A. I saw two young men push it towards Outering Road.",
        "Nairobi",
        "Embakasi North",
        "Kariobangi North",
        "Kariobangi market",
        -1.2560,
        36.8850,
        3.0,
    ),
    DemoSubmission(
        "report",
        "sw",
        "Pikipiki yangu imeibiwa nje ya soko la Kariobangi asubuhi hii, Boxer nyekundu "
        "KMDX 123A. Vijana wawili waliisukuma kuelekea barabara ya Outering.",
        "Nairobi",
        "Embakasi North",
        "Kariobangi North",
        "Soko la Kariobangi",
        -1.2561,
        36.8851,
        2.97,
    ),
    DemoSubmission(
        "report",
        "en",
        "Three men with a panga robbed a shop attendant at the M-Pesa kiosk near Kayole "
        "stage and ran towards Soweto. The attendant is injured.",
        "Nairobi",
        "Embakasi Central",
        "Kayole Central",
        "Kayole stage",
        -1.2742,
        36.9148,
        20.0,
        "convert",
    ),
    DemoSubmission(
        "tip",
        "sw",
        "Kuna nyumba moja Eastleigh Section 3 wanauza bangi na dawa za kulevya kwa watoto "
        "wa shule kila jioni baada ya saa kumi.",
        "Nairobi",
        "Kamukunji",
        "Eastleigh North",
        "Eastleigh Section 3",
        -1.2745,
        36.8515,
        30.0,
        "triage",
    ),
    DemoSubmission(
        "tip",
        "en",
        "A matatu tout at Kencom stage collects protection money from boda boda riders every "
        "morning and says he pays the police.",
        "Nairobi",
        "Starehe",
        "Nairobi Central",
        "Kencom stage",
        -1.2850,
        36.8240,
        44.0,
    ),
    DemoSubmission(
        "report",
        "sw",
        "Mama mmoja amepigwa na mumewe usiku wa jana Kibera Laini Saba, ana majeraha "
        "usoni na watoto wanaogopa kurudi nyumbani.",
        "Nairobi",
        "Kibra",
        "Laini saba",
        "Laini Saba",
        -1.3140,
        36.7840,
        9.0,
        "convert",
    ),
    DemoSubmission(
        "report",
        "en",
        "Burglary at our house in Nyali last night: the window grille was cut and a TV and "
        "two laptops were taken while we were away.",
        "Mombasa",
        "Nyali",
        "Kongowea",
        "Nyali, near Nakumatt",
        -4.0305,
        39.7105,
        14.0,
        "triage",
    ),
    DemoSubmission(
        "tip",
        "sw",
        "Kuna gari aina ya Probox inayobeba bunduki Likoni feri usiku, wanaficha chini ya "
        "magunia ya mkaa.",
        "Mombasa",
        "Likoni",
        "Likoni",
        "Likoni feri",
        -4.0895,
        39.6605,
        6.0,
    ),
    DemoSubmission(
        "report",
        "en",
        "Someone posing as a Safaricom agent took KES 45,000 from my M-Pesa after asking for "
        "my PIN on the phone. Changamwe.",
        "Mombasa",
        "Changamwe",
        "Changamwe",
        "Changamwe",
        -4.0255,
        39.6305,
        50.0,
    ),
    DemoSubmission(
        "report",
        "sw",
        "Ajali ya barabarani imetokea Thika Road karibu na Kasarani, matatu imegonga "
        "pikipiki, mtu mmoja amejeruhiwa vibaya.",
        "Nairobi",
        "Kasarani",
        "Kasarani",
        "Thika Road, Kasarani",
        -1.2225,
        36.8995,
        1.0,
        "convert",
    ),
    DemoSubmission(
        "tip",
        "en",
        "Cattle stolen in Ruai are being sold at Njiru market on Saturdays by the same two "
        "brokers; the brands have been burnt over.",
        "Nairobi",
        "Kasarani",
        "Njiru",
        "Njiru market",
        -1.2480,
        36.9600,
        70.0,
    ),
    DemoSubmission(
        "report",
        "sw",
        "Kelele na vurugu kila usiku kwenye baa ya Majengo Mombasa, walevi wanapigana hadi "
        "saa nane usiku.",
        "Mombasa",
        "Mvita",
        "Majengo",
        "Majengo",
        -4.0520,
        39.6700,
        26.0,
    ),
)


def populate(context: DemoContext) -> list[Tip]:
    desk = context.users.get("nps.desk")
    if desk is None:
        return []
    first = SUBMISSIONS[0]
    if not Report.objects.filter(description=first.text).exists():
        _submit_all(desk)
    waiting = len(staff.queue(desk))
    return [
        Tip(
            "nps.desk",
            f"Intake: {waiting} reports and tips in the queue — the Kariobangi motorbike "
            "theft came in twice (English and Swahili, one group); convert it to an incident.",
        )
    ]


def _submit_all(desk: object) -> None:
    now = timezone.now()
    for item in SUBMISSIONS:
        data = intake.SubmissionInput(
            category="",
            description=item.text,
            channel="web" if item.kind == "report" else "sms",
            language=item.language,
            county=item.county,
            sub_county=item.sub_county,
            ward=item.ward,
            location_text=item.place,
            lat=item.lat,
            lon=item.lon,
            occurred_at=now - dt.timedelta(hours=item.hours_ago),
        )
        if item.kind == "report":
            submitted: object = intake.submit_report(data)
        else:
            submitted, _code = intake.submit_tip(data)
        pk = submitted.pk  # type: ignore[attr-defined]
        if item.then == "triage":
            staff.triage(desk, item.kind, pk, status="triaged")
        elif item.then == "convert":
            convert_to_incident(desk, item.kind, pk)
