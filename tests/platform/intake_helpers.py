"""Shared bits of the intake tests."""

from __future__ import annotations

from typing import Any

SECRET = "gw-secret-for-tests"
USSD_URL = "/webhooks/africastalking/ussd/"
SMS_URL = "/webhooks/africastalking/sms/"
SMSSYNC_URL = "/webhooks/smssync/"
# The gateway secret travels in a header, never in the URL (intake/webhooks.py).
GATEWAY = {"HTTP_X_USALAMA_GATEWAY_SECRET": SECRET}


def configure(settings: Any) -> None:
    from django.core.cache import cache

    settings.USALAMA_GATEWAY_SECRET = SECRET
    settings.USALAMA_INTAKE_LOOKUP_DELAY = 0
    cache.clear()  # the guesser throttle's per-client counters


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


def api_status(client: Any, code: str, lang: str = "sw", **extra: Any) -> Any:
    """A tip's status through the API: the code in the body, never in the path."""
    return client.post(
        "/api/v1/public/tips/status",
        {"code": code, "lang": lang},
        content_type="application/json",
        **extra,
    )


def api_message(client: Any, code: str, text: str) -> Any:
    return client.post(
        "/api/v1/public/tips/messages",
        {"code": code, "text": text},
        content_type="application/json",
    )


def api_report_status(client: Any, reference: str, lang: str = "sw") -> Any:
    return client.post(
        "/api/v1/public/reports/status",
        {"reference": reference, "lang": lang},
        content_type="application/json",
    )


def web_status(client: Any, code: str, lang: str = "sw", text: str = "", **extra: Any) -> Any:
    """The status page: the code typed into the lookup form (POST), optionally a message."""
    from usalama.intake.forms import new_form_token

    body = {"form_token": new_form_token(), "code": code, "lang": lang}
    if text:
        body |= {"send": "1", "text": text}
    return client.post("/tip/", body, **extra)
