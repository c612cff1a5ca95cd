"""Status updates by SMS to reporters who chose to be contacted.

Only identified reports whose reporter gave a phone number (``contact_ok``) get an SMS; an
anonymous tipster's number is never stored, so tipsters read updates with their code. The text
carries what the status page shows (status, station once handed over, the public note) and
nothing internal. Sent after the change commits, so a rolled-back change sends nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from usalama.intake.gateways import get_gateway
from usalama.intake.models import Report, Status, Submission
from usalama.intake.services import public_station
from usalama.intake.texts import t


def status_sms(report: Report) -> str:
    with translation.override(report.language):
        label = str(Status(report.status).label)
    parts = [t("status_update", report.language, reference=report.reference, status=label)]
    station = public_station(report)  # the same rule as the status page
    if station:
        parts.append(t("station", report.language, station=station))
    if report.public_note:
        parts.append(report.public_note)
    return " ".join(parts)[:459]  # at most three SMS parts


def on_status_change(item: Submission) -> None:
    """Queue the reporter's SMS for after the commit (reports with a contact phone only)."""
    if not isinstance(item, Report) or not (item.contact_ok and item.contact_phone):
        return
    # stored as E.164 digits; gateways (Africa's Talking) want the leading "+"
    phone = item.contact_phone if item.contact_phone.startswith("+") else "+" + item.contact_phone
    text = status_sms(item)
    transaction.on_commit(lambda: get_gateway().send_sms(phone, text))
