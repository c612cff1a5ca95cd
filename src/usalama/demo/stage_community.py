"""Demo stage: ward alerts and barazas. Residents of Kilimani and Sarangombe (Kibra) opted
in by SMS (``JIUNGE``/``JOIN``), one later sent ``ACHA``; NPS's commander drafted two alerts:
one approved by NPS's supervisor and sent through the SMS gateway's sandbox (delivery
figures: a number ending in 0 is unreachable), one still waiting for approval; the desk
officer recorded two barazas with the issues raised and what was done.

Idempotent: a second run finds the alerts and barazas by title and place and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random

from django.utils import timezone

from usalama.community import channels, services
from usalama.community.models import Alert, Baraza
from usalama.data import areas
from usalama.demo.stages import DemoContext, Tip

WARDS = (("Nairobi", "Dagoretti North", "Kilimani"), ("Nairobi", "Kibra", "Sarangombe"))
SENT_TITLE = "Kilimani: road closed for the marathon"
DRAFT_TITLE = "Sarangombe: water-point thefts at night"


def _ward(county: str, sub_county: str, ward: str) -> str:
    code = areas.ward_code_for(county, sub_county, ward)
    if code is None:
        raise ValueError(f"{ward} is not a ward of {sub_county}")
    return code


def _phones(seed: int) -> list[str]:
    rng = random.Random(f"{seed}:community")
    return [f"+2547{rng.randrange(10, 99)}{rng.randrange(0, 999999):06d}" for _ in range(24)]


def populate(context: DemoContext) -> list[Tip]:
    kilimani, sarangombe = (_ward(*w) for w in WARDS)
    commander = context.users.get("nps.commander")
    supervisor = context.users.get("nps.supervisor")
    desk = context.users.get("nps.desk")
    if commander is None or supervisor is None or desk is None:
        return []
    phones = _phones(context.seed)
    for index, phone in enumerate(phones):
        language = "sw" if index % 3 else "en"  # JIUNGE or JOIN
        code = kilimani if index % 2 == 0 else sarangombe
        channels.join_sms(phone, code, language, "sms")
    channels.stop_sms(phones[-1], "", "sw", "sms")  # one resident opted out again
    if not Alert.objects.filter(title=SENT_TITLE).exists():
        alert = services.draft_alert(
            commander,
            SENT_TITLE,
            "Barabara ya Argwings Kodhek itafungwa Jumapili 6:00–12:00 kwa mbio za marathon. "
            "Tumieni barabara ya Ngong.",
            "Argwings Kodhek Road is closed on Sunday 6:00–12:00 for the marathon. Use Ngong Road.",
            [kilimani],
        )
        services.decide_alert(supervisor, alert.pk, True, "checked with traffic")
        _send_in_sandbox(alert.pk)
    if not Alert.objects.filter(title=DRAFT_TITLE).exists():
        services.draft_alert(
            commander,
            DRAFT_TITLE,
            "Wizi umeripotiwa kwenye vituo vya maji usiku. Ripoti kwa 999 au SMS SIRI.",
            "Thefts at water points at night. Report on 999 or SMS TIP.",
            [sarangombe],
        )
    _barazas(desk, kilimani, sarangombe)
    return [
        Tip("nps.commander", "Ward alerts: the marathon alert's delivery figures; draft another."),
        Tip("nps.supervisor", "Ward alerts: approve the Sarangombe draft (you did not write it)."),
        Tip("nps.desk", "Barazas: record what was done about the Sarangombe issues."),
    ]


def _send_in_sandbox(alert_id: int) -> None:
    """Send through the sandbox gateway whatever gateway the demo server will use."""
    from usalama.intake import gateways

    previous = os.environ.get("USALAMA_SMS_GATEWAY")
    os.environ["USALAMA_SMS_GATEWAY"] = "sandbox"
    gateways.get_gateway.cache_clear()
    try:
        services.send_alert(alert_id, sleep=lambda seconds: None)
    finally:
        if previous is None:
            os.environ.pop("USALAMA_SMS_GATEWAY", None)
        else:
            os.environ["USALAMA_SMS_GATEWAY"] = previous
        gateways.get_gateway.cache_clear()


def _barazas(desk: object, kilimani: str, sarangombe: str) -> None:
    today = timezone.now().replace(hour=7, minute=0, second=0, microsecond=0)
    plans = [
        (
            kilimani,
            today - dt.timedelta(days=12),
            "Kilimani chief's camp",
            "OCS Kilimani",
            64,
            [
                (
                    "Street lights out on Argwings Kodhek Road",
                    "resolved",
                    "Kenya Power repaired six lights",
                ),
                (
                    "Motorbike snatch thefts near Yaya Centre",
                    "in_progress",
                    "Two extra foot patrols at dusk",
                ),
            ],
        ),
        (
            sarangombe,
            today - dt.timedelta(days=5),
            "Olympic primary school grounds",
            "OCS Kibera",
            120,
            [
                ("Thefts at water points at night", "open", ""),
                (
                    "Slow response to calls from Laini Saba",
                    "referred",
                    "Raised with the sub-county commander",
                ),
            ],
        ),
        (kilimani, today + dt.timedelta(days=9), "Kilimani chief's camp", "OCS Kilimani", None, []),
    ]
    for ward, held_at, place, convenor, attendance, issues in plans:
        same = {"ward_code": ward, "place": place, "attendance": attendance}
        if Baraza.objects.filter(**same).exists():
            continue
        baraza = services.schedule_baraza(desk, ward, held_at, place, convenor)
        if attendance is not None:
            services.record_attendance(desk, baraza.pk, attendance)
        for text, status, action in issues:
            issue = services.add_issue(desk, baraza.pk, text)
            if status != "open":
                services.update_issue(desk, issue.pk, status, action)
