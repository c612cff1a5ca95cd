"""Confidential wellness referrals, firewalled from discipline.

A referral is visible to the wellness counsellors of the officer's agency, and to the officer it
concerns — never to supervisors, internal affairs, IPOA or administrators. Notes are encrypted
at rest (``crypto``). The audit log records that a referral was read, never what it holds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency
from usalama.accounts.roles import Role

# Roles that must never read wellness records, even if someone also made them a counsellor.
FIREWALLED_ROLES = (
    Role.SUPERVISOR,
    Role.COMMANDER,
    Role.INTERNAL_AFFAIRS,
    Role.OVERSIGHT_INVESTIGATOR,
    Role.AGENCY_ADMIN,
    Role.SYSTEM_ADMIN,
)


def is_counsellor(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.agency_id
        and user.has_role(Role.WELLNESS_COUNSELLOR)
        and not user.has_role(*FIREWALLED_ROLES)
    )


class IncidentKind(models.TextChoices):
    FIREARM = "firearm", _("Use of a firearm")
    DEATH_OR_INJURY = "death_or_injury", _("Death or serious injury")
    OFFICER_INJURED = "officer_injured", _("Officer injured")
    MASS_CASUALTY = "mass_casualty", _("Mass-casualty scene")


class Origin(models.TextChoices):
    CRITICAL_INCIDENT = "critical_incident", _("Offered after a critical incident")
    SELF = "self", _("Self-referral (web)")
    USSD = "ussd", _("Self-referral (USSD)")


class Status(models.TextChoices):
    OFFERED = "offered", _("Offered")
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_CARE = "in_care", _("In care")
    CLOSED = "closed", _("Closed")


class CriticalIncident(models.Model):
    """A critical incident; recording it offers each officer involved a referral."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="critical_incidents")
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    external_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: Any) -> ReferralQuerySet:
        if is_counsellor(user):
            return self.filter(agency_id=user.agency_id)
        return self.none()

    def own(self, user: Any) -> ReferralQuerySet:
        """The officer's own referrals (offers they may accept or decline)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(officer_user_id=user.pk)


class Referral(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="wellness_referrals")
    officer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wellness_referrals",
    )
    officer_name = models.CharField(max_length=200)
    service_number = models.CharField(max_length=40, blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    incident = models.ForeignKey(
        CriticalIncident, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    notes_sealed = models.TextField(blank=True, help_text=_("Fernet-encrypted notes."))
    contact = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "service_number"],
                condition=models.Q(incident__isnull=False),
                name="referral_once_per_incident_officer",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class UssdPin(models.Model):
    """An officer's PIN for self-referral by USSD, set by the officer while signed in.

    Looked up by the service number the caller types; the PIN is stored as a Django password
    hash. Several officers (of different agencies, or someone typing another's number) may
    hold the same service number: a USSD request tries each, and whatever happens the caller
    is told the same thing, so the menu never confirms that a number is registered."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellness_ussd_pin"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    service_number = models.CharField(max_length=40, db_index=True)
    pin_hash = models.CharField(max_length=200)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"ussd pin {self.pk}"
