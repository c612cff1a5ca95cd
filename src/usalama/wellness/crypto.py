"""Wellness notes encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key is ``USALAMA_WELLNESS_KEY`` (a Fernet key) when set — keep it outside the data
directory, e.g. in the service's environment. Without it the key is derived (HKDF-SHA256) from
the Django secret key, which also never lives in the database: a copy of the database alone
does not reveal a note.
"""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from usalama.core.errors import UsalamaError


class WellnessKeyError(UsalamaError):
    code = "wellness_key"
    http_status = 500
    exit_code = 1


def _fernet() -> Fernet:
    configured = os.environ.get("USALAMA_WELLNESS_KEY", "").strip()
    if configured:
        try:
            return Fernet(configured.encode())
        except ValueError as error:
            raise WellnessKeyError("USALAMA_WELLNESS_KEY is not a Fernet key") from error
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"usalama-wellness", info=b"notes-v1"
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(text: str) -> str:
    return "" if not text else _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise WellnessKeyError(
            "a wellness note cannot be decrypted with the current key"
        ) from error
