"""Single sign-on through an agency's own OpenID Connect provider (``mozilla-django-oidc``).

Providers are configured per agency in a JSON file named by ``USALAMA_OIDC_PROVIDERS`` (kept
outside the repository; docs/security.md shows one). Each entry::

    {"slug": "dci-entra", "agency": "DCI", "label": "DCI Entra ID",
     "issuer": "https://login.example/dci/v2.0", "client_id": "usalama",
     "client_secret_env": "USALAMA_OIDC_DCI_SECRET",        # or "client_secret_file": "/etc/…"
     "authorization_endpoint": "…", "token_endpoint": "…", "jwks_uri": "…",
     "roles_claim": "groups", "roles": {"usalama-analysts": "analyst"},
     "mfa_acr_values": ["urn:example:mfa"]}

The client secret is never in the file, the database or the logs: it comes from an
environment variable or from a file outside the data directory and the repository. The ID
token is verified against the provider's JWKS (signature and algorithm), its issuer, its
audience (the client id), its expiry and the nonce of the login; claims come from the ID token.

Claim mapping: every value of ``roles_claim`` is looked up in ``roles``; values not in the map
are ignored (directories carry many unrelated groups); the map may only name usalama role
codes, and never ``system_admin`` (a provider cannot make a system administrator). A login
that maps to no role is refused. The user is bound to the provider's agency: the account is
found by (provider, subject), created on the first login and updated (roles, name, e-mail) on
each; a deactivated account, a local account of the same name or one of another agency is
refused. The second factor is left to the provider when the token asserts one (``amr`` holds
``mfa`` or ``otp``, or ``acr`` is one of ``mfa_acr_values``); otherwise usalama's TOTP follows.
Every outcome is audited (``login``/``login.failed`` with ``via: oidc``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from usalama.accounts.models import ExternalIdentity, User, UserRole
from usalama.accounts.roles import Role
from usalama.audit.services import SYSTEM, record

# a session key: the user id whose second factor the provider asserted at this login
PROVIDER_MFA_SESSION_KEY = "usalama_sso_mfa"
MFA_AMR = frozenset({"mfa", "otp"})
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")
_CLOCK_LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class Provider:
    slug: str
    agency: str
    label: str
    issuer: str
    client_id: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    client_secret_env: str = ""
    client_secret_file: str = ""
    sign_algo: str = "RS256"
    scopes: str = "openid email profile"
    roles_claim: str = "groups"
    roles: dict[str, str] = field(default_factory=dict)
    mfa_acr_values: tuple[str, ...] = ()
    username_claim: str = "preferred_username"

    def client_secret(self) -> str:
        if self.client_secret_env:
            secret = os.environ.get(self.client_secret_env, "")
            if not secret:
                raise ImproperlyConfigured(
                    f"sign-in provider {self.slug}: {self.client_secret_env} is not set"
                )
            return secret
        path = Path(self.client_secret_file).expanduser().resolve()
        try:
            return path.read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"sign-in provider {self.slug}: cannot read client_secret_file ({error})"
            ) from error

    def roles_for(self, claims: dict[str, Any]) -> list[str]:
        values = claims.get(self.roles_claim) or []
        if isinstance(values, str):
            values = values.split()
        if not isinstance(values, list):
            return []
        return sorted({self.roles[v] for v in values if isinstance(v, str) and v in self.roles})

    def asserts_second_factor(self, claims: dict[str, Any]) -> bool:
        amr = claims.get("amr") or []
        if isinstance(amr, list) and MFA_AMR & {str(a).lower() for a in amr}:
            return True
        acr = claims.get("acr")
        return isinstance(acr, str) and acr in self.mfa_acr_values


_REQUIRED = (
    "slug",
    "agency",
    "label",
    "issuer",
    "client_id",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
)
_KNOWN = set(Provider.__dataclass_fields__)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _provider(entry: Any, where: str) -> Provider:
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"{where}: each provider is a JSON object")
    if "client_secret" in entry:
        raise ImproperlyConfigured(
            f"{where}: a client secret is never written in this file; give client_secret_env "
            "(an environment variable) or client_secret_file (a file outside the data "
            "directory and the repository)"
        )
    missing = [name for name in _REQUIRED if not entry.get(name)]
    unknown = sorted(set(entry) - _KNOWN)
    if missing or unknown:
        raise ImproperlyConfigured(
            f"{where}: missing {', '.join(missing) or '—'}; unknown {', '.join(unknown) or '—'}"
        )
    if not _SLUG.match(str(entry["slug"])) or entry["slug"] == "callback":
        raise ImproperlyConfigured(f"{where}: slug must be lower-case letters, digits and -")
    if bool(entry.get("client_secret_env")) == bool(entry.get("client_secret_file")):
        raise ImproperlyConfigured(
            f"{where}: give exactly one of client_secret_env and client_secret_file"
        )
    if entry.get("client_secret_file"):
        secret_file = Path(str(entry["client_secret_file"])).expanduser()
        for folder in (Path(settings.VAR_DIR), Path(settings.PROJECT_DIR)):
            if _inside(secret_file, folder):
                raise ImproperlyConfigured(
                    f"{where}: client_secret_file is inside {folder}; keep it outside the "
                    "data directory and the repository"
                )
    roles = entry.get("roles") or {}
    if not isinstance(roles, dict) or not roles:
        raise ImproperlyConfigured(f"{where}: roles maps claim values to role codes")
    for value, role in roles.items():
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"{where}: {value!r} maps to unknown role {role!r}; roles are: "
                + ", ".join(Role.values)
            )
        if role == Role.SYSTEM_ADMIN:
            raise ImproperlyConfigured(f"{where}: a provider cannot grant system_admin")
    if str(entry.get("sign_algo", "RS256"))[:2] not in ("RS", "ES", "PS"):
        raise ImproperlyConfigured(f"{where}: sign_algo must be an RS, PS or ES algorithm")
    values = {**entry, "roles": dict(roles)}
    values["mfa_acr_values"] = tuple(entry.get("mfa_acr_values") or ())
    return Provider(**values)


def providers() -> dict[str, Provider]:
    """The configured providers by slug (none when ``USALAMA_OIDC_PROVIDERS`` is unset)."""
    configured = str(getattr(settings, "USALAMA_OIDC_PROVIDERS", "") or "")
    if not configured:
        return {}
    path = Path(configured).expanduser()
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"USALAMA_OIDC_PROVIDERS ({path}): {error}") from error
    if not isinstance(entries, list):
        raise ImproperlyConfigured(f"USALAMA_OIDC_PROVIDERS ({path}): a JSON list of providers")
    found: dict[str, Provider] = {}
    for number, entry in enumerate(entries, start=1):
        provider = _provider(entry, f"{path} provider {number}")
        if provider.slug in found:
            raise ImproperlyConfigured(f"{path}: two providers named {provider.slug}")
        found[provider.slug] = provider
    return found


def provider(slug: str) -> Provider | None:
    return providers().get(slug)


class SignInRefused(Exception):
    """A provider login refused; ``reason`` goes to the audit log, never to the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OidcBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The library's code flow for one provider; in ``AUTHENTICATION_BACKENDS`` only so that a
    session it started finds its user again (it authenticates nothing without a provider)."""

    def __init__(self, provider: Provider | None = None) -> None:
        self.UserModel = User
        self.provider = provider
        if provider is None:
            return
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = ""
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret()
        self.OIDC_RP_SIGN_ALGO = provider.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        overrides = {
            "OIDC_AUTHENTICATION_CALLBACK_URL": "web:sso_callback",  # one for all providers
            "OIDC_USE_NONCE": True,
            "OIDC_VERIFY_SSL": True,
            "OIDC_TIMEOUT": 10,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
        }
        if attr in overrides:
            return overrides[attr]
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if self.provider is None:
            return None  # a password login: not ours
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: Any, key: Any) -> Any:
        """The library checks the signature; the issuer, audience and expiry are checked too."""
        assert self.provider is not None
        try:
            header = jwt.get_unverified_header(payload)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation("the token's algorithm is not the provider's")
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=_CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error

    def retrieve_matching_jwk(self, token: Any) -> Any:
        try:
            return super().retrieve_matching_jwk(token)
        except (jwt.PyJWTError, KeyError) as error:
            raise SuspiciousOperation(f"no matching provider key: {error}") from error

    def get_userinfo(self, access_token: Any, id_token: Any, payload: Any) -> Any:
        return payload  # the claims of the verified ID token

    def verify_claims(self, claims: Any) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: Any) -> Any:
        assert self.provider is not None
        claims = dict(payload)
        user = sign_in_user(self.provider, claims)
        self.request.session[PROVIDER_MFA_SESSION_KEY] = (
            user.pk if self.provider.asserts_second_factor(claims) else None
        )
        return user


def _username(provider: Provider, claims: dict[str, Any]) -> str:
    wanted = str(claims.get(provider.username_claim) or claims.get("email") or claims["sub"])
    base = _USERNAME_UNSAFE.sub("_", wanted.split("@", 1)[0] if "@" in wanted else wanted)
    return f"{base[:100]}@{provider.slug}"


def sign_in_user(provider: Provider, claims: dict[str, Any]) -> User:
    """The account for these verified claims: found, created or updated; else SignInRefused."""
    from usalama.accounts.models import Agency

    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise SignInRefused("no usable subject claim")
    agency = Agency.objects.filter(code=provider.agency).first()
    if agency is None:
        raise SignInRefused(f"the provider's agency {provider.agency} does not exist")
    roles = provider.roles_for(claims)
    if not roles:
        raise SignInRefused(f"no known role in the {provider.roles_claim!r} claim")
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=provider.slug, subject=subject)
            .first()
        )
        if identity is None:
            username = _username(provider, claims)
            if User.objects.filter(username=username).exists():
                raise SignInRefused(f"the username {username} belongs to another account")
            user = User(username=username, agency=agency)
            user.set_unusable_password()  # this account signs in through its provider only
            user.save()
            identity = ExternalIdentity.objects.create(
                user=user, provider=provider.slug, subject=subject
            )
            record(
                SYSTEM,
                "user.create",
                object_type="user",
                object_id=user.pk,
                details={
                    "username": username,
                    "agency": agency.code,
                    "roles": roles,
                    "via": "oidc",
                    "provider": provider.slug,
                },
            )
        user = identity.user
        if not user.is_active:
            raise SignInRefused("the account is deactivated")
        if user.agency_id != agency.pk:
            raise SignInRefused("the account belongs to another agency")
        _update(user, identity, provider, claims, roles)
    return user


def _update(
    user: User,
    identity: ExternalIdentity,
    provider: Provider,
    claims: dict[str, Any],
    roles: list[str],
) -> None:
    had = sorted(user.roles.values_list("role", flat=True))
    if had != roles:
        user.roles.exclude(role__in=roles).delete()
        for role in set(roles) - set(had):
            UserRole.objects.create(user=user, role=role)
        record(
            SYSTEM,
            "user.roles",
            object_type="user",
            object_id=user.pk,
            details={"from": had, "to": roles, "via": "oidc", "provider": provider.slug},
        )
        vars(user).pop("_role_cache", None)  # role_set reads the new roles
    user.email = str(claims.get("email") or "")[:254]
    user.first_name = str(claims.get("given_name") or "")[:150]
    user.last_name = str(claims.get("family_name") or "")[:150]
    user.save(update_fields=["email", "first_name", "last_name"])
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])


def audit_refused(provider_slug: str, reason: str) -> None:
    record(
        SYSTEM,
        "login.failed",
        object_type="user",
        details={"via": "oidc", "provider": provider_slug[:40], "reason": reason[:200]},
    )


def audit_signed_in(user: Any, provider_slug: str, *, provider_mfa: bool) -> None:
    record(
        user,
        "login",
        object_type="user",
        object_id=user.pk,
        details={
            "second_factor": provider_mfa,
            "via": "oidc",
            "provider": provider_slug,
            "second_factor_by": "provider" if provider_mfa else "usalama",
        },
    )
