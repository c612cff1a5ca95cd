"""Agencies, users and their roles, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.roles import ADMIN_ROLES, DATA_ROLES, SECOND_FACTOR_ROLES, Role


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police")
    INVESTIGATIONS = "investigations", _("Investigations")
    PROSECUTION = "prosecution", _("Prosecution")
    OVERSIGHT = "oversight", _("Oversight")
    FIU = "fiu", _("Financial intelligence unit")
    PARTNER = "partner", _("Partner agency")
    JUDICIARY = "judiciary", _("Judiciary")


class Agency(models.Model):
    code = models.SlugField(max_length=32, unique=True, help_text=_("Short code, e.g. DCI."))
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. KE."))
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class User(AbstractUser):
    """A person working for exactly one agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True)

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def sees_records(self) -> bool:
        return bool(self.role_set & DATA_ROLES) and self.agency_id is not None and self.is_active

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.role_set & SECOND_FACTOR_ROLES) or self.is_staff

    @property
    def is_admin(self) -> bool:
        return bool(self.role_set & ADMIN_ROLES)

    @property
    def is_system_admin(self) -> bool:
        return Role.SYSTEM_ADMIN in self.role_set


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.role}"


TOKEN_PREFIX = "usl_"  # noqa: S105 - a visible prefix, not a secret


def hash_token(raw: str) -> str:
    """Tokens are long random strings, so one SHA-256 is enough (no password stretching)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenScope(models.TextChoices):
    API = "api", _("Full API")
    SENSOR = "sensor", _("ANPR sensor")


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="cli")
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # "api": everything the user's roles allow; "sensor": POST /api/v1/sensors/anpr only, for
    # the cameras listed (none listed: any camera of the agency)
    scope = models.CharField(max_length=12, choices=TokenScope.choices, default=TokenScope.API)
    cameras = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user.username})"

    @property
    def is_sensor(self) -> bool:
        return self.scope == TokenScope.SENSOR

    def allows_camera(self, camera_id: str) -> bool:
        return not self.cameras or camera_id in self.cameras

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ExternalIdentity(models.Model):
    """A user's identity at an agency's OpenID Connect provider (``accounts.sso``): the
    provider's slug and the ``sub`` claim, which stays the same when a name changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="unique_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject} → {self.user.username}"
