"""Outgoing SMS through a pluggable gateway: the console (development) or Africa's Talking.

Chosen by the environment: ``USALAMA_SMS_GATEWAY=africastalking`` with
``USALAMA_AT_USERNAME``, ``USALAMA_AT_API_KEY`` and optionally ``USALAMA_AT_SENDER_ID``;
anything else is the console gateway. Gateways never log a phone number.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Protocol

log = logging.getLogger("usalama.intake.gateway")


class Gateway(Protocol):
    name: str

    def send_sms(self, to: str, message: str) -> None: ...


class ConsoleGateway:
    """Keeps the last messages in memory (tests read ``outbox``) and logs only their length."""

    name = "console"

    def __init__(self) -> None:
        self.outbox: list[tuple[str, str]] = []

    def send_sms(self, to: str, message: str) -> None:
        self.outbox.append((to, message))
        del self.outbox[:-100]
        log.info("console gateway: one SMS of %d characters", len(message))


class AfricasTalkingGateway:
    name = "africastalking"

    def __init__(self, username: str, api_key: str, sender_id: str | None) -> None:
        import africastalking

        africastalking.initialize(username, api_key)
        self._sms = africastalking.SMS
        self._sender_id = sender_id

    def send_sms(self, to: str, message: str) -> None:
        try:
            self._sms.send(message, [to], self._sender_id)
        except Exception:  # the gateway's own errors must not fail the webhook
            log.warning("Africa's Talking: sending an SMS failed")


@cache
def get_gateway() -> Gateway:
    if os.environ.get("USALAMA_SMS_GATEWAY", "console").lower() == "africastalking":
        return AfricasTalkingGateway(
            os.environ["USALAMA_AT_USERNAME"],
            os.environ["USALAMA_AT_API_KEY"],
            os.environ.get("USALAMA_AT_SENDER_ID") or None,
        )
    return ConsoleGateway()
