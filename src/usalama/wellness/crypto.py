"""Wellness notes encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key is ``USALAMA_WELLNESS_KEY`` (a Fernet key, or several comma-separated, newest first)
when set — keep it outside the data directory, e.g. in the service's environment. To rotate
it, put a new key first, restart, and run ``usalama keys rotate``: every note is re-encrypted
under the newest key (:func:`reencrypt_all`), after which the old key can be removed.
Without it the notes use the installation's field keys (``usalama.accounts.sealing``:
``USALAMA_KEYS_DIR`` or ``USALAMA_FIELD_KEYS``), which are refused at start when they sit
inside the data directory: a copy of the database or of the whole data directory alone does
not reveal a note.
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

from usalama.accounts import sealing
from usalama.core.errors import UsalamaError


class WellnessKeyError(UsalamaError):
    code = "wellness_key"
    http_status = 500
    exit_code = 1


def _dedicated() -> MultiFernet | None:
    configured = os.environ.get("USALAMA_WELLNESS_KEY", "").strip()
    if not configured:
        return None
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
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
    """Decrypt a note sealed under the wellness key(s) or, for notes written before the
    wellness key was set (``fernet:`` prefix), under the installation's field keys."""
    if not token:
        return ""
    try:
        if token.startswith(sealing.TOKEN_PREFIX):
            return sealing.unseal(token)
        dedicated = _dedicated()
        if dedicated is None:
            return sealing.unseal(token)
        return dedicated.decrypt(token.encode()).decode()
    except (InvalidToken, ImproperlyConfigured) as error:
        raise WellnessKeyError(
            "a wellness note cannot be decrypted with the current key"
        ) from error


def reencrypt_all() -> int:
    """Re-seal every referral's notes under the newest key (the wellness key's first, or the
    field keys' newest); return how many. Called by ``usalama keys rotate``."""
    from django.db import transaction

    from usalama.wellness.models import Referral

    count = 0
    for pk, sealed in Referral.objects.exclude(notes_sealed="").values_list("pk", "notes_sealed"):
        with transaction.atomic():
            Referral.objects.filter(pk=pk, notes_sealed=sealed).update(
                notes_sealed=seal(unseal(sealed))
            )
        count += 1
    return count
