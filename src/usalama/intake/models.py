"""Community reports, anonymous tips, their conversations and photos, local leaders, phone hashes.

Anonymity is a property of what is *not* here: no IP address, user agent, cookie or phone
number of an anonymous tipster is stored. A tip is found by its code (Argon2 hash, looked up
through a keyed bucket); phones appear only as keyed HMACs in :class:`PhoneHash`, which is
deliberately not linked to any tip or report.

Access: every submission has an owning agency and a handling code; staff querysets come from
``visible_to(user)`` (owning or assigned agency, desk roles) and anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency, User
from usalama.accounts.roles import Role
from usalama.accounts.sealing import EncryptedTextField
from usalama.records.grading import Handling

# Roles that work the intake queue.
TRIAGE_ROLES = frozenset({Role.DESK_OFFICER, Role.SUPERVISOR, Role.COMMANDER, Role.ANALYST})


class Status(models.TextChoices):
    NEW = "new", _("Received")
    TRIAGED = "triaged", _("Being reviewed")
    ASSIGNED = "assigned", _("Assigned to a police station")
    IN_PROGRESS = "in_progress", _("Under investigation")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Merged with another report")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    SMS = "sms", _("SMS")
    USSD = "ussd", _("USSD")
    SMSSYNC = "smssync", _("SMSSync")
    LEADER = "leader", _("Local leader")


def may_triage(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "sees_records", False)
        and user.role_set & TRIAGE_ROLES
    )


class SubmissionQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> SubmissionQuerySet:
        if not may_triage(user):
            return self.none()
        return self.filter(
            models.Q(agency_id=user.agency_id) | models.Q(assigned_agency_id=user.agency_id)
        )


class Submission(models.Model):
    category = models.CharField(max_length=40)
    description = models.TextField()
    county = models.CharField(max_length=100, blank=True)
    sub_county = models.CharField(max_length=100, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    location_text = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    suggested_category = models.CharField(max_length=40, blank=True)
    suggested_priority = models.CharField(max_length=8, blank=True)
    category_confirmed = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5, default="sw")
    verified_source = models.BooleanField(default=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    handling = models.CharField(max_length=2, choices=Handling.choices, default=Handling.H2)
    assigned_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    station = models.CharField(max_length=200, blank=True)
    public_note = models.CharField(
        max_length=500, blank=True, help_text=_("What the reporter sees with the status.")
    )
    # The policing incident this was converted to. A plain id, not a foreign key: intake and
    # policing never import each other; the delivery layer (usalama.desk) links the two and
    # the incident points back with its external id ``intake:<kind>:<id>``.
    incident_number = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    # How people name that incident: its Occurrence Book number (shown and linked on the page).
    incident_ob = models.CharField(max_length=80, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class LocalLeader(models.Model):
    """A registered chief, assistant chief or Nyumba Kumi leader: a verified source."""

    class Kind(models.TextChoices):
        CHIEF = "chief", _("Chief")
        ASSISTANT_CHIEF = "assistant_chief", _("Assistant chief")
        NYUMBA_KUMI = "nyumba_kumi", _("Nyumba Kumi leader")

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    county = models.CharField(max_length=100, blank=True)
    sub_county = models.CharField(max_length=100, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="local_leader"
    )
    phone_hmac = models.CharField(max_length=64, blank=True, db_index=True)
    pin_hash = models.CharField(max_length=200, blank=True)
    failed_pins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Report(Submission):
    """An identified report: a reference the reporter can quote; contact only if they chose it."""

    reference = models.CharField(max_length=32, unique=True)
    contact_ok = models.BooleanField(default=False)
    # Encrypted at rest with keys kept outside the data directory (accounts/sealing.py).
    contact_name = EncryptedTextField(blank=True)
    contact_phone = EncryptedTextField(blank=True)
    contact_email = EncryptedTextField(blank=True)
    leader = models.ForeignKey(
        LocalLeader, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )

    def __str__(self) -> str:
        return self.reference


class Tip(Submission):
    """An anonymous tip: found only by its code (Argon2 hash, looked up by keyed bucket)."""

    code_bucket = models.CharField(max_length=8, db_index=True)
    code_hash = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"tip #{self.pk}"


class Message(models.Model):
    class Author(models.TextChoices):
        TIPSTER = "tipster", _("Tipster")
        STAFF = "staff", _("Investigator")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    staff_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class Attachment(models.Model):
    """A photo, re-encoded without EXIF/GPS metadata; the original file name is not kept."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="intake/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"photo {self.sha256[:12]}"


class PhoneHash(models.Model):
    """A keyed HMAC of a phone number with rate-limit counters; never linked to a submission."""

    digest = models.CharField(max_length=64, unique=True)
    blocked = models.BooleanField(default=False)
    window_start = models.DateTimeField(default=timezone.now)
    window_count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.digest[:12]


class CodeThrottle(models.Model):
    """Failed code lookups per bucket (and one row, bucket ``*``, for all buckets together)."""

    bucket = models.CharField(max_length=8, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.bucket


class WebhookReceipt(models.Model):
    """A gateway message id already processed (hashed), so a replay is refused."""

    key = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key[:12]
