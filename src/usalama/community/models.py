"""Ward alerts to citizens who opted in by SMS or USSD, and public forums (barazas).

A subscriber's phone number is needed to send alerts, so it is kept — sealed
(``EncryptedTextField``: Fernet under keys kept outside the data directory) — with a keyed
HMAC beside it for lookup (opt-out, duplicates). Neither is ever shown or logged; see
docs/citizen-safety.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency, User
from usalama.accounts.sealing import EncryptedTextField


class Subscriber(models.Model):
    phone = EncryptedTextField()
    phone_digest = models.CharField(max_length=64, db_index=True)
    ward_code = models.CharField(max_length=10, db_index=True)
    language = models.CharField(max_length=2, default="sw")
    channel = models.CharField(max_length=10, default="sms")
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone_digest", "ward_code"], name="one_subscription_per_ward"
            )
        ]

    def __str__(self) -> str:  # never the number
        return f"subscriber {self.pk} · ward {self.ward_code}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: Any) -> AlertQuerySet:
        if not getattr(user, "is_authenticated", False) or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, waiting for approval")
    APPROVED = "approved", _("Approved, queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    REJECTED = "rejected", _("Rejected")


class Alert(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    message_sw = models.CharField(max_length=480, blank=True)
    message_en = models.CharField(max_length=480, blank=True)
    wards = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def text_for(self, language: str) -> str:
        preferred = self.message_en if language == "en" else self.message_sw
        return preferred or self.message_sw or self.message_en


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    gateway_id = models.CharField(max_length=100, blank=True, db_index=True)
    failure = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="one_delivery_each")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}/{self.subscriber_id}: {self.status}"


class BarazaQuerySet(models.QuerySet["Baraza"]):
    def visible_to(self, user: Any) -> BarazaQuerySet:
        if not getattr(user, "is_authenticated", False) or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class Baraza(models.Model):
    """A public forum in a ward. Everything here is published on /public/barazas/."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    ward_code = models.CharField(max_length=10, db_index=True)
    held_at = models.DateTimeField()
    place = models.CharField(max_length=200)
    convenor = models.CharField(
        max_length=200, help_text=_("An office, e.g. 'OCS Kilimani' — published.")
    )
    attendance = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = BarazaQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.place} {self.held_at:%Y-%m-%d}"


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being acted on")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred to another body")


class BarazaIssue(models.Model):
    baraza = models.ForeignKey(Baraza, on_delete=models.CASCADE, related_name="issues")
    text = models.CharField(max_length=500)
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    action = models.CharField(max_length=500, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]
