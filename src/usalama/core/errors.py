"""One root exception for everything usalama raises on purpose.

The API maps these to HTTP status codes in one place (``usalama.api``) and the CLI
maps them to exit codes and a one-line message (``usalama.cli``). Each subclass says
which kind of problem it is, so callers never need to parse messages.
"""

from __future__ import annotations


class UsalamaError(Exception):
    """Root of every deliberate usalama error. ``code`` is stable and machine-readable."""

    code: str = "error"
    http_status: int = 400
    exit_code: int = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(UsalamaError):
    """The caller sent something malformed: a bad file, a bad field, a bad argument."""

    code = "invalid_input"
    http_status = 422
    exit_code = 2


class NotFound(UsalamaError):
    """The object does not exist *or is not visible to the caller* (never reveal which)."""

    code = "not_found"
    http_status = 404
    exit_code = 3


class PermissionDenied(UsalamaError):
    """The caller is known but may not do this (used where 404 would mislead, e.g. an action)."""

    code = "permission_denied"
    http_status = 403
    exit_code = 4


class AuthenticationRequired(UsalamaError):
    code = "authentication_required"
    http_status = 401
    exit_code = 4


class Conflict(UsalamaError):
    code = "conflict"
    http_status = 409
    exit_code = 5


class TooLarge(InvalidInput):
    code = "too_large"
    http_status = 413


class IntegrityFailure(UsalamaError):
    """Stored data failed an integrity check (e.g. a broken audit hash chain)."""

    code = "integrity_failure"
    http_status = 500
    exit_code = 6
