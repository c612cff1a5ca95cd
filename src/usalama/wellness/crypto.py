"""Wellness notes encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key is ``USALAMA_WELLNESS_KEY`` (a Fernet key) when set — keep it outside the data
directory, e.g. in the service's environment. Without it the notes use the installation's
field keys (``usalama.accounts.sealing``: ``USALAMA_KEYS_DIR`` or ``USALAMA_FIELD_KEYS``),
which are refused at start when they sit inside the data directory: a copy of the database
or of the whole data directory alone does not reveal a note.
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured

from usalama.accounts import sealing
from usalama.core.errors import UsalamaError


class WellnessKeyError(UsalamaError):
    code = "wellness_key"
    http_status = 500
    exit_code = 1


def _dedicated() -> Fernet | None:
    configured = os.environ.get("USALAMA_WELLNESS_KEY", "").strip()
    if not configured:
        return None
    try:
        return Fernet(configured.encode())
    except ValueError as error:
        raise WellnessKeyError("USALAMA_WELLNESS_KEY is not a Fernet key") from error


def seal(text: str) -> str:
    if not text:
        return ""
    dedicated = _dedicated()
    if dedicated is None:
        return sealing.seal(text)
    return dedicated.encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    if not token:
        return ""
    dedicated = _dedicated()
    try:
        if dedicated is None:
            return sealing.unseal(token)
        return dedicated.decrypt(token.encode()).decode()
    except (InvalidToken, ImproperlyConfigured) as error:
        raise WellnessKeyError(
            "a wellness note cannot be decrypted with the current key"
        ) from error
