"""Use cases for agencies, users, second factors and API tokens. Every write is audited."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.accounts.models import Agency, ApiToken, TokenScope, User, UserRole, hash_token
from usalama.accounts.roles import Role
from usalama.audit.services import SYSTEM, Actor, record, record_refused
from usalama.core.errors import AuthenticationRequired, InvalidInput, NotFound, PermissionDenied


def ensure_agency(actor: Actor, *, code: str, name: str, country: str, kind: str) -> Agency:
    agency, created = Agency.objects.get_or_create(
        code=code, defaults={"name": name, "country": country.upper(), "kind": kind}
    )
    if created:
        record(
            actor,
            "agency.create",
            object_type="agency",
            object_id=agency.pk,
            details={"code": code, "kind": kind, "country": country},
        )
    return agency


def get_agency(code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist as missing:
        known = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
        raise NotFound(f"no agency with code {code!r} (known: {known})") from missing


@dataclass(frozen=True)
class NewUser:
    user: User
    totp_secret_base32: str | None
    totp_uri: str | None


def create_user(
    actor: Actor,
    *,
    username: str,
    agency: Agency,
    roles: list[str],
    password: str,
    with_totp: bool = True,
    check_password: bool = True,
) -> NewUser:
    """Create a user with roles and (by default) a confirmed TOTP device."""
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise InvalidInput(f"unknown role {unknown[0]!r}; roles are: {', '.join(Role.values)}")
    if not username or len(username) > 150:
        raise InvalidInput("username must be 1 to 150 characters")
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"user {username!r} already exists")
    candidate = User(username=username, agency=agency)
    if check_password:
        try:
            validate_password(password, candidate)
        except ValidationError as invalid:
            raise InvalidInput("password rejected: " + " ".join(invalid.messages)) from invalid
    with transaction.atomic():
        candidate.set_password(password)
        candidate.is_staff = Role.SYSTEM_ADMIN in roles
        candidate.save()
        for role in roles:
            UserRole.objects.create(user=candidate, role=role)
        secret = uri = None
        if with_totp:
            device = TOTPDevice.objects.create(user=candidate, name="default", confirmed=True)
            secret = totp_secret(device)
            uri = device.config_url
        record(
            actor,
            "user.create",
            object_type="user",
            object_id=candidate.pk,
            details={"username": username, "agency": agency.code, "roles": sorted(roles)},
        )
    return NewUser(candidate, secret, uri)


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as the base32 text authenticator apps take."""
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def get_user(username: str) -> User:
    try:
        return User.objects.select_related("agency").get(username=username)
    except User.DoesNotExist as missing:
        raise NotFound(f"no user {username!r}") from missing


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


def create_token(actor: Actor, user: User, name: str = "cli") -> IssuedToken:
    """Issue a token; the raw value is returned once and only its hash is kept."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_prefix=raw[:12], key_hash=hash_token(raw)
    )
    record(
        actor,
        "token.create",
        object_type="api_token",
        object_id=token.pk,
        details={"user": user.username, "prefix": token.key_prefix},
    )
    return IssuedToken(token, raw)


def revoke_token(actor: Actor, token_id: int, owner: User | None = None) -> None:
    tokens = ApiToken.objects.filter(id=token_id, revoked_at__isnull=True)
    if owner is not None:
        tokens = tokens.filter(user=owner)
    token = tokens.first()
    if token is None:
        raise NotFound(f"token {token_id} not found")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    forget_cached_tokens()
    record(
        actor,
        "token.revoke",
        object_type="api_token",
        object_id=token.pk,
        details={"user": token.user.username},
    )


def user_for_token(raw: str) -> User:
    """The active user behind a bearer token, or AuthenticationRequired."""
    return token_for_raw(raw).user


# A sensor posts several sightings a second with one token: its lookup is kept in the server
# process for a few seconds (only sensor tokens, whose one permitted call reads nothing).
# Revoking in this process forgets it at once; other processes within SENSOR_TOKEN_CACHE_SECONDS.
SENSOR_TOKEN_CACHE_SECONDS = 5.0
_sensor_tokens: dict[str, tuple[float, ApiToken]] = {}
_sensor_tokens_lock = threading.Lock()


def token_for_raw(raw: str) -> ApiToken:
    """The active token (with its user and agency) behind a bearer value, or
    AuthenticationRequired. Marks it used (at most once a minute)."""
    if not raw or len(raw) > 200:
        raise AuthenticationRequired("invalid token")
    key_hash = hash_token(raw)
    cached = _sensor_tokens.get(key_hash)
    if cached is not None and time.monotonic() - cached[0] < SENSOR_TOKEN_CACHE_SECONDS:
        return cached[1]
    token = (
        ApiToken.objects.select_related("user__agency")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        with _sensor_tokens_lock:
            _sensor_tokens.pop(key_hash, None)
        raise AuthenticationRequired("invalid token")
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if token.is_sensor:
        with _sensor_tokens_lock:
            _sensor_tokens[key_hash] = (time.monotonic(), token)
    return token


def forget_cached_tokens() -> None:
    with _sensor_tokens_lock:
        _sensor_tokens.clear()


def sensor_account(actor: Actor, agency: Agency) -> User:
    """The agency's service account that its sensor tokens act as: no role, no password (it
    cannot sign in), so nothing but the sensor endpoint accepts it."""
    username = f"sensors.{agency.code.lower()}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, agency=agency, first_name="Sensors", last_name=agency.code)
        user.set_unusable_password()
        user.save()
        record(
            actor,
            "user.create",
            object_type="user",
            object_id=user.pk,
            details={"username": username, "agency": agency.code, "sensor_account": True},
        )
    elif user.agency_id != agency.pk:
        raise InvalidInput(f"{username} belongs to another agency")
    return user


def create_sensor_token(
    actor: Actor, agency: Agency, name: str, cameras: list[str] | tuple[str, ...] = ()
) -> IssuedToken:
    """A token that may only post ANPR sightings for ``agency``, from ``cameras`` (none: any)."""
    cleaned = sorted({c.strip()[:100] for c in cameras if c.strip()})
    if len(cleaned) > 200:
        raise InvalidInput("cameras: at most 200 per token")
    if not name.strip():
        raise InvalidInput("name: say which sensor or site the token is for")
    user = sensor_account(actor, agency)
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            key_prefix=raw[:12],
            key_hash=hash_token(raw),
            scope=TokenScope.SENSOR,
            cameras=cleaned,
        )
        record(
            actor,
            "token.create",
            object_type="api_token",
            object_id=token.pk,
            details={
                "user": user.username,
                "prefix": token.key_prefix,
                "scope": TokenScope.SENSOR,
                "cameras": cleaned,
            },
        )
    return IssuedToken(token, raw)


def refuse_token_scope(token: ApiToken, attempted: str) -> None:
    """A scoped token used outside its scope: audited, then PermissionDenied (403)."""
    record_refused(
        token.user,
        attempted[:200],
        object_type="api_token",
        object_id=token.pk,
        reason=f"a {token.scope} token may not do this",
    )
    raise PermissionDenied(f"this {token.get_scope_display()} token may not do this")


def audit_login(user: Any, *, second_factor: bool) -> None:
    record(
        user,
        "login",
        object_type="user",
        object_id=user.pk,
        details={"second_factor": second_factor},
    )


def audit_login_failed(username: str) -> None:
    record(SYSTEM, "login.failed", object_type="user", details={"username": username[:150]})
