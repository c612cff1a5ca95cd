"""Shared bits of the intake tests."""

from __future__ import annotations

from typing import Any

SECRET = "gw-secret-for-tests"
USSD_URL = f"/webhooks/africastalking/ussd/{SECRET}/"
SMS_URL = f"/webhooks/africastalking/sms/{SECRET}/"
SMSSYNC_URL = f"/webhooks/smssync/{SECRET}/"


def configure(settings: Any) -> None:
    settings.USALAMA_GATEWAY_SECRET = SECRET
    settings.USALAMA_INTAKE_LOOKUP_DELAY = 0


def ussd(client: Any, session: str, phone: str, text: str, **extra: Any) -> Any:
    return client.post(
        USSD_URL,
        {
            "sessionId": session,
            "phoneNumber": phone,
            "serviceCode": "*384*7#",
            "networkCode": "63902",
            "text": text,
        },
        **extra,
    )
