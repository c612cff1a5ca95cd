"""Use cases of the administration screens: an agency administrator manages the people of
their own agency; a system administrator manages every agency and its people.

Scope is checked here, once: ``managed_users(admin)`` is the only way to reach a user, so
another agency's user is simply not found (404, same as missing). Every change and every
refused change is recorded in the audit log under the acting administrator.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.accounts import services as accounts
from usalama.accounts.models import Agency, AgencyKind, ApiToken, TokenScope, User, UserRole
from usalama.accounts.roles import Role
from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

# Roles an agency administrator may hand out. Only a system administrator makes another
# system administrator (it opens every agency's people and the Django admin).
AGENCY_GRANTABLE = frozenset(Role.values) - {Role.SYSTEM_ADMIN}


def may_administer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_admin)


def may_manage_agencies(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_system_admin
    )


def _require_admin(admin: Any) -> None:
    if not may_administer(admin):
        raise PermissionDenied("this needs an administrator role")


def _refuse(admin: Any, action: str, object_type: str, object_id: str | int, why: str) -> None:
    record(
        admin,
        "admin.refused",
        object_type=object_type,
        object_id=object_id,
        details={"attempted": action, "reason": why},
    )


def managed_users(admin: Any) -> QuerySet[User]:
    """The users `admin` may see and change: their agency's, or everyone's for a system admin."""
    _require_admin(admin)
    users = User.objects.select_related("agency").prefetch_related("roles").order_by("username")
    if admin.is_system_admin:
        return users
    if admin.agency_id is None:
        return users.none()
    return users.filter(agency_id=admin.agency_id)


def get_managed_user(admin: Any, user_id: int, *, attempted: str = "user.read") -> User:
    """The user, or NotFound — also for another agency's user (refusal audited)."""
    user = managed_users(admin).filter(pk=user_id).first()
    if user is None:
        _refuse(admin, attempted, "user", user_id, "not in the administrator's agency")
        raise NotFound(f"no user {user_id}")
    return user


def grantable_roles(admin: Any) -> list[tuple[str, str]]:
    allowed = Role.values if admin.is_system_admin else AGENCY_GRANTABLE
    return [(value, str(label)) for value, label in Role.choices if value in allowed]


def _check_roles(admin: Any, roles: list[str], target_id: int | str) -> None:
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise InvalidInput(f"unknown role {unknown[0]!r}")
    if not roles:
        raise InvalidInput("choose at least one role")
    allowed = {value for value, _label in grantable_roles(admin)}
    refused = sorted(set(roles) - allowed)
    if refused:
        _refuse(admin, "user.roles", "user", target_id, f"may not grant {', '.join(refused)}")
        raise PermissionDenied(f"an agency administrator may not grant {', '.join(refused)}")


def _agency_for_new_user(admin: Any, agency_id: int | None) -> Agency:
    if not admin.is_system_admin or agency_id is None:
        if admin.agency_id is None:
            raise InvalidInput("your account belongs to no agency")
        if agency_id is not None and agency_id != admin.agency_id:
            _refuse(admin, "user.create", "agency", agency_id, "another agency")
            raise NotFound(f"no agency {agency_id}")
        agency: Agency = admin.agency
        return agency
    found = Agency.objects.filter(pk=agency_id).first()
    if found is None:
        raise NotFound(f"no agency {agency_id}")
    return found


@dataclass(frozen=True)
class Enrolment:
    """A new second factor: the secret and the otpauth:// address are shown once."""

    user: User
    secret_base32: str
    uri: str


def create_user(
    admin: Any,
    *,
    username: str,
    roles: list[str],
    password: str,
    agency_id: int | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Enrolment:
    """A new user of the admin's agency (a system admin may name any agency), with a TOTP device."""
    _require_admin(admin)
    agency = _agency_for_new_user(admin, agency_id)
    _check_roles(admin, roles, username)
    with transaction.atomic():
        new = accounts.create_user(
            Actor.of(admin), username=username, agency=agency, roles=roles, password=password
        )
        if email or first_name or last_name:
            new.user.email, new.user.first_name, new.user.last_name = email, first_name, last_name
            new.user.save(update_fields=["email", "first_name", "last_name"])
    assert new.totp_secret_base32 is not None and new.totp_uri is not None  # with_totp=True
    return Enrolment(new.user, new.totp_secret_base32, new.totp_uri)


def set_roles(admin: Any, user_id: int, roles: list[str]) -> User:
    user = get_managed_user(admin, user_id, attempted="user.roles")
    _check_roles(admin, roles, user_id)
    if not admin.is_system_admin and Role.SYSTEM_ADMIN in user.role_set:
        _refuse(admin, "user.roles", "user", user_id, "the user is a system administrator")
        raise PermissionDenied("only a system administrator changes a system administrator")
    if user.pk == admin.pk and not set(roles) & {Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN}:
        raise InvalidInput("you cannot remove your own administrator role")
    before = sorted(user.role_set)
    with transaction.atomic():
        UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
        for role in set(roles) - set(before):
            UserRole.objects.create(user=user, role=role)
        user.is_staff = Role.SYSTEM_ADMIN in roles
        user.save(update_fields=["is_staff"])
        record(
            admin,
            "user.roles",
            object_type="user",
            object_id=user.pk,
            details={"username": user.username, "before": before, "after": sorted(set(roles))},
        )
    vars(user).pop("_role_cache", None)
    return user


def set_active(admin: Any, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) a user: a deactivated user can neither log in nor use a token."""
    user = get_managed_user(
        admin, user_id, attempted="user.activate" if active else "user.deactivate"
    )
    if user.pk == admin.pk and not active:
        raise InvalidInput("you cannot deactivate your own account")
    if not admin.is_system_admin and Role.SYSTEM_ADMIN in user.role_set:
        _refuse(admin, "user.deactivate", "user", user_id, "the user is a system administrator")
        raise PermissionDenied("only a system administrator changes a system administrator")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        accounts.forget_cached_tokens()
        record(
            admin,
            "user.activate" if active else "user.deactivate",
            object_type="user",
            object_id=user.pk,
            details={"username": user.username},
        )
    return user


def reset_second_factor(admin: Any, user_id: int) -> Enrolment:
    """Replace every TOTP device of the user by a new one (lost phone); shown once as a QR code."""
    user = get_managed_user(admin, user_id, attempted="user.2fa_reset")
    if not admin.is_system_admin and Role.SYSTEM_ADMIN in user.role_set:
        _refuse(admin, "user.2fa_reset", "user", user_id, "the user is a system administrator")
        raise PermissionDenied("only a system administrator changes a system administrator")
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        record(
            admin,
            "user.2fa_reset",
            object_type="user",
            object_id=user.pk,
            details={"username": user.username, "devices_removed": removed},
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return Enrolment(user, secret, device.config_url)


def set_password(admin: Any, user_id: int, password: str) -> User:
    user = get_managed_user(admin, user_id, attempted="user.password")
    if not admin.is_system_admin and Role.SYSTEM_ADMIN in user.role_set:
        _refuse(admin, "user.password", "user", user_id, "the user is a system administrator")
        raise PermissionDenied("only a system administrator changes a system administrator")
    try:
        validate_password(password, user)
    except ValidationError as invalid:
        raise InvalidInput("password rejected: " + " ".join(invalid.messages)) from invalid
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(
            admin,
            "user.password",
            object_type="user",
            object_id=user.pk,
            details={"username": user.username},
        )
    return user


def user_tokens(admin: Any, user_id: int) -> QuerySet[ApiToken]:
    user = get_managed_user(admin, user_id)
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def revoke_user_token(admin: Any, user_id: int, token_id: int) -> None:
    user = get_managed_user(admin, user_id, attempted="token.revoke")
    accounts.revoke_token(Actor.of(admin), token_id, owner=user)


# --- sensor tokens (ANPR cameras) ------------------------------------------------------------


def sensor_tokens(admin: Any) -> QuerySet[ApiToken]:
    """Sensor tokens of the administrator's agency (every agency's for a system admin),
    revoked ones too, newest first."""
    _require_admin(admin)
    tokens = ApiToken.objects.filter(scope=TokenScope.SENSOR).select_related("user__agency")
    if not admin.is_system_admin:
        if admin.agency_id is None:
            return tokens.none()
        tokens = tokens.filter(user__agency_id=admin.agency_id)
    return tokens.order_by("revoked_at", "-created_at")


def issue_sensor_token(admin: Any, name: str, cameras: list[str]) -> accounts.IssuedToken:
    """A sensor token for the administrator's own agency, bound to ``cameras`` (none: any)."""
    _require_admin(admin)
    if admin.agency_id is None:
        raise InvalidInput("an administrator without an agency cannot issue sensor tokens")
    return accounts.create_sensor_token(Actor.of(admin), admin.agency, name, cameras)


def revoke_sensor_token(admin: Any, token_id: int) -> None:
    token = sensor_tokens(admin).filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        _refuse(admin, "token.revoke", "api_token", token_id, "no live sensor token of the agency")
        raise NotFound(f"no sensor token {token_id}")
    accounts.revoke_token(Actor.of(admin), token.pk)


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


# --- agencies (system administrators) --------------------------------------------------------


def _require_system_admin(admin: Any, action: str, object_id: str | int = "") -> None:
    if not may_manage_agencies(admin):
        if getattr(admin, "is_authenticated", False):
            _refuse(admin, action, "agency", object_id, "needs the system administrator role")
        raise PermissionDenied("only a system administrator manages agencies")


def list_agencies(admin: Any) -> list[tuple[Agency, int]]:
    _require_system_admin(admin, "agency.list")
    from django.db.models import Count

    agencies = Agency.objects.annotate(people=Count("users")).order_by("code")
    return [(agency, agency.people) for agency in agencies]


def create_agency(admin: Any, *, code: str, name: str, country: str, kind: str) -> Agency:
    _require_system_admin(admin, "agency.create", code)
    code = code.strip().upper()
    if kind not in AgencyKind.values:
        raise InvalidInput(f"unknown agency kind {kind!r}")
    if Agency.objects.filter(code=code).exists():
        raise InvalidInput(f"an agency with code {code!r} already exists")
    return accounts.ensure_agency(
        Actor.of(admin), code=code, name=name.strip(), country=country, kind=kind
    )


def update_agency(admin: Any, agency_id: int, *, name: str, country: str, kind: str) -> Agency:
    _require_system_admin(admin, "agency.update", agency_id)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(f"no agency {agency_id}")
    if kind not in AgencyKind.values:
        raise InvalidInput(f"unknown agency kind {kind!r}")
    before = {"name": agency.name, "country": agency.country, "kind": agency.kind}
    after = {"name": name.strip(), "country": country.upper(), "kind": kind}
    with transaction.atomic():
        agency.name, agency.country, agency.kind = after["name"], after["country"], kind
        agency.save(update_fields=["name", "country", "kind"])
        record(
            admin,
            "agency.update",
            object_type="agency",
            object_id=agency.pk,
            details={"code": agency.code, "before": before, "after": after},
        )
    return agency
