"""Cross-app wiring of the public SMS and USSD channels: complaints against police (oversight)
and officers' wellness self-referral (wellness) ride on the intake app's gateways.

Delivery code: intake, oversight and wellness do not import each other; this module registers
the oversight and wellness functions at intake's extension points (``usalama.intake.channels``).
Registered once, from the web app's ``ready``.
"""

from __future__ import annotations

from usalama.intake import channels
from usalama.oversight import channels as complaints
from usalama.wellness import ussd as wellness

COMPLAINT_CHOICE = "4"
WELLNESS_CHOICE = "5"


def connect() -> None:
    channels.register_sms("complaint", complaints.sms_complaint)
    channels.register_status(complaints.complaint_status)
    channels.register_ussd(
        channels.UssdItem(
            COMPLAINT_CHOICE, complaints.TEXTS["menu_item"], complaints.ussd_complaint
        )
    )
    channels.register_ussd(
        channels.UssdItem(WELLNESS_CHOICE, wellness.TEXTS["menu_item"], wellness.respond)
    )
