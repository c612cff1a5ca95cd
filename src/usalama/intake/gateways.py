"""Outgoing SMS through a pluggable gateway: the console (development) or Africa's Talking.

Chosen by the environment: ``USALAMA_SMS_GATEWAY=africastalking`` with
``USALAMA_AT_USERNAME``, ``USALAMA_AT_API_KEY`` and optionally ``USALAMA_AT_SENDER_ID``;
``sandbox`` records deliveries and simulates delivery reports; anything else is the console
gateway. Gateways never log a phone number.
"""

from __future__ import annotations

import logging
import os
import uuid
from functools import cache
from typing import Protocol

log = logging.getLogger("usalama.intake.gateway")


class Gateway(Protocol):
    name: str

    def send_sms(self, to: str, message: str) -> str | None: ...


class ConsoleGateway:
    """Keeps the last messages in memory (tests read ``outbox``) and logs only their length."""

    name = "console"

    def __init__(self) -> None:
        self.outbox: list[tuple[str, str]] = []

    def send_sms(self, to: str, message: str) -> None:
        self.outbox.append((to, message))
        del self.outbox[:-100]
        log.info("console gateway: one SMS of %d characters", len(message))


class SandboxGateway:
    """Records what it would send and simulates delivery reports (like Africa's Talking's
    sandbox): every message gets an id; a number ending in 0 is unreachable (``Failed``),
    any other is ``Success``. ``take_reports`` hands the simulated reports over once."""

    name = "sandbox"

    def __init__(self) -> None:
        self.outbox: list[tuple[str, str, str]] = []
        self._reports: list[tuple[str, str]] = []

    def send_sms(self, to: str, message: str) -> str:
        message_id = f"sandbox-{uuid.uuid4().hex}"
        self.outbox.append((message_id, to, message))
        del self.outbox[:-1000]
        self._reports.append((message_id, "Failed" if to.strip().endswith("0") else "Success"))
        log.info("sandbox gateway: one SMS of %d characters", len(message))
        return message_id

    def take_reports(self) -> list[tuple[str, str]]:
        reports, self._reports = self._reports, []
        return reports


class AfricasTalkingGateway:
    name = "africastalking"

    def __init__(self, username: str, api_key: str, sender_id: str | None) -> None:
        import africastalking

        africastalking.initialize(username, api_key)
        self._sms = africastalking.SMS
        self._sender_id = sender_id

    def send_sms(self, to: str, message: str) -> str | None:
        """Send; the message id (for delivery reports) when Africa's Talking gives one."""
        try:
            response = self._sms.send(message, [to], self._sender_id)
        except Exception:  # the gateway's own errors must not fail the webhook
            log.warning("Africa's Talking: sending an SMS failed")
            return None
        try:
            return str(response["SMSMessageData"]["Recipients"][0]["messageId"])
        except (KeyError, IndexError, TypeError):
            return None


@cache
def get_gateway() -> Gateway:
    chosen = os.environ.get("USALAMA_SMS_GATEWAY", "console").lower()
    if chosen == "sandbox":
        return SandboxGateway()
    if chosen == "africastalking":
        return AfricasTalkingGateway(
            os.environ["USALAMA_AT_USERNAME"],
            os.environ["USALAMA_AT_API_KEY"],
            os.environ.get("USALAMA_AT_SENDER_ID") or None,
        )
    return ConsoleGateway()
