"""Errors of the intake app (the API maps ``http_status``; USSD/SMS turn them into a reply)."""

from __future__ import annotations

from usalama.core.errors import Conflict, UsalamaError


class RateLimited(UsalamaError):
    code = "rate_limited"
    http_status = 429
    exit_code = 7
    retry_after: int = 0  # seconds, when known: the same number the message states


class Replayed(Conflict):
    code = "replayed"
