"""Errors of the intake app (the API maps ``http_status``; USSD/SMS turn them into a reply)."""

from __future__ import annotations

from usalama.core.errors import Conflict, UsalamaError


class RateLimited(UsalamaError):
    code = "rate_limited"
    http_status = 429
    exit_code = 7


class Replayed(Conflict):
    code = "replayed"
