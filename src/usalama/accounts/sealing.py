"""Keys kept outside the data directory, and field-level encryption with them.

A copied database file (or a backup of the data directory) must not reveal a tipster's
contact details, nor let anyone turn the phone-number HMACs back into numbers. So the keys
live apart from the data:

- ``USALAMA_KEYS_DIR`` (default: a per-installation folder under ``~/.local/share/usalama/
  keys/``) holds ``phone_hmac_key`` and ``field_keys``, created with mode 0600 on first use;
  the environment variables ``USALAMA_PHONE_HMAC_KEY`` and ``USALAMA_FIELD_KEYS`` (comma
  separated Fernet keys, newest first) take precedence;
- the settings refuse to start when the keys directory is inside the data directory
  (:func:`refuse_keys_inside`), with a message saying what to change.

:class:`EncryptedTextField` stores text as a Fernet token (AES-128-CBC + HMAC-SHA256, with a
timestamp) under :class:`~cryptography.fernet.MultiFernet`: the newest key encrypts, every key
decrypts, and ``usalama keys rotate`` re-encrypts every such field under a new key and then
drops the old ones. Any app may use the field (the wellness notes of another branch, too).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

PHONE_KEY_FILE = "phone_hmac_key"
FIELD_KEYS_FILE = "field_keys"
# marks an encrypted value; anything else is plaintext of before
TOKEN_PREFIX = "fernet:"  # noqa: S105 - a marker, not a secret


def refuse_keys_inside(keys_dir: Path, var_dir: Path) -> None:
    """Raise if the keys would sit inside the data directory (copied with it)."""
    if keys_dir.resolve().is_relative_to(var_dir.resolve()):
        raise ImproperlyConfigured(
            f"USALAMA_KEYS_DIR ({keys_dir}) is inside the data directory ({var_dir}): a copy "
            "of the data would carry the keys that protect it. Set USALAMA_KEYS_DIR to a "
            "folder outside it (or give the keys as USALAMA_PHONE_HMAC_KEY and "
            "USALAMA_FIELD_KEYS)."
        )


def _keys_dir() -> Path:
    path = Path(settings.USALAMA_KEYS_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _read_or_create(name: str, make: Any) -> str:
    path = _keys_dir() / name
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
    return path.read_text().strip()


def phone_hmac_key() -> str:
    """The key of the phone-number HMACs (and of the tip-code lookup buckets)."""
    configured = str(getattr(settings, "USALAMA_PHONE_HMAC_KEY", "") or "")
    return configured or _read_or_create(PHONE_KEY_FILE, lambda: secrets.token_urlsafe(48))


def field_keys() -> list[str]:
    """The field-encryption keys, newest first."""
    configured = str(getattr(settings, "USALAMA_FIELD_KEYS", "") or "")
    text = configured or _read_or_create(FIELD_KEYS_FILE, lambda: Fernet.generate_key().decode())
    keys = [k.strip() for k in text.replace(",", "\n").splitlines() if k.strip()]
    if not keys:
        raise ImproperlyConfigured("no field-encryption key: USALAMA_FIELD_KEYS is empty")
    return keys


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as bad:
        raise ImproperlyConfigured(f"a field-encryption key is not a Fernet key: {bad}") from bad


def fernet() -> MultiFernet:
    return _fernet(tuple(field_keys()))


def seal(text: str) -> str:
    if not text:
        return ""
    return TOKEN_PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(stored: str) -> str:
    if not stored or not stored.startswith(TOKEN_PREFIX):
        return stored or ""  # empty, or plaintext written before encryption existed
    try:
        return fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as bad:
        raise ImproperlyConfigured(
            "an encrypted field cannot be read with the configured keys (USALAMA_KEYS_DIR / "
            "USALAMA_FIELD_KEYS): was a key removed before `usalama keys rotate` finished?"
        ) from bad


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted in the database, plain in Python. Not searchable or sortable."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unseal(value)

    def to_python(self, value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        return unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else seal(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


# Apps whose ciphertext is not an EncryptedTextField (the wellness notes) register a function
# here that re-encrypts theirs under the newest key and returns how many values it changed.
REENCRYPTORS: list[Callable[[], int]] = []


def register_reencryptor(function: Callable[[], int]) -> None:
    if function not in REENCRYPTORS:
        REENCRYPTORS.append(function)


def reencrypt_all() -> int:
    """Re-encrypt every encrypted field under the newest key, and every registered app's own
    ciphertext (:data:`REENCRYPTORS`); return how many values."""
    rotated = sum(function() for function in REENCRYPTORS)
    for model, names in encrypted_fields():
        for row in model._default_manager.values("pk", *names).iterator():
            with transaction.atomic():
                # .values() runs from_db_value: the row holds plaintext; saving seals it anew
                changes = {name: row[name] for name in names if row[name]}
                if changes:
                    model._default_manager.filter(pk=row["pk"]).update(**changes)
                    rotated += len(changes)
    return rotated


def rotate() -> tuple[int, int]:
    """Put a new key first, re-encrypt everything under it, then drop the old keys.

    Returns (values re-encrypted, old keys dropped). Refused when the keys come from the
    environment: the operator then adds the new key there (newest first) and runs rotate
    again with ``--reencrypt-only``.
    """
    if getattr(settings, "USALAMA_FIELD_KEYS", ""):
        raise ImproperlyConfigured(
            "the field keys come from USALAMA_FIELD_KEYS: put a new key (Fernet.generate_key) "
            "first in it, restart, and run `usalama keys rotate --reencrypt-only`"
        )
    old = field_keys()
    path = _keys_dir() / FIELD_KEYS_FILE
    new = Fernet.generate_key().decode()
    _write_keys(path, [new, *old])
    rotated = reencrypt_all()
    _write_keys(path, [new])
    return rotated, len(old)


def _write_keys(path: Path, keys: list[str]) -> None:
    temporary = path.with_suffix(".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    temporary.replace(path)
