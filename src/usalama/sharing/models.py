"""Requests for information, the dissemination log, notifications, H1 evidence permissions
and federation peers. Grants themselves are ``records.CollectionGrant`` (the read gate lives
there); the sharing services are the only code that creates or revokes them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency
from usalama.records.models import Collection, CollectionGrant, EntityGrant


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    NARROWED = "narrowed", _("Approved in part")
    REFUSED = "refused", _("Refused")


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def visible_to(self, user: Any) -> InformationRequestQuerySet:
        """Both sides see a request: the asking agency and the agency asked."""
        if not getattr(user, "is_authenticated", False) or not user.agency_id:
            return self.none()
        return self.filter(
            models.Q(requesting_agency_id=user.agency_id) | models.Q(originator_id=user.agency_id)
        )


class InformationRequest(models.Model):
    """An analyst asks another agency for what it holds about a subject, for a purpose."""

    requester = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    originator = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200, help_text=_("What the hit was about."))
    purpose = models.TextField()
    collection = models.ForeignKey(
        Collection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_by = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    grant = models.ForeignKey(
        CollectionGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An approval "in part" may share only the named entities instead of a collection.
    entity_grant = models.ForeignKey(
        EntityGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"RFI {self.pk}: {self.requesting_agency_id} → {self.originator_id}"

    @property
    def overdue(self) -> bool:
        return self.status == RequestStatus.PENDING and self.due_by < timezone.now()


class DisseminationKind(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REVOKED = "revoked", _("Revoked")
    READ = "read", _("Read under a grant")
    ACKNOWLEDGED = "acknowledged", _("Conditions acknowledged")
    REQUESTED = "requested", _("Request received")
    APPROVED = "approved", _("Request approved")
    REFUSED = "refused", _("Request refused")
    EVIDENCE = "evidence", _("Evidence use permitted")
    BUNDLE = "bundle", _("Sent to another installation")
    REFUSED_ONWARD = "refused_onward", _("Onward dissemination refused")


class DisseminationEvent(models.Model):
    """One line of the originator's dissemination log: who got, read or asked for what."""

    originator = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=DisseminationKind.choices)
    collection = models.ForeignKey(
        Collection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grant = models.ForeignKey(
        CollectionGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        InformationRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entity_grant = models.ForeignKey(
        EntityGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What was shared when it is not a collection: "case KE-2026-0001", "3 entities: …".
    subject = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=150)
    entity_id = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.originator_id} → {self.recipient_id}"


class Notification(models.Model):
    """An in-app notice to one user (a request to decide, a decision, a deconfliction hit)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    # The English message with %(name)s placeholders, and their values: translated when read,
    # in the reader's language, not frozen in the sender's (a notice sent in English stays
    # readable to a colleague who works in Swahili).
    message = models.CharField(max_length=500)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The notice in the active language (older notices, stored whole, as they are)."""
        if not self.params:
            return self.message
        try:
            return str(gettext(self.message) % self.params)
        except (KeyError, TypeError, ValueError):  # a catalogue entry that lost a placeholder
            return str(self.message % self.params)


class EvidencePermission(models.Model):
    """The originator lets an agency use its H1 material as evidence (whole collection)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "agency"], name="unique_evidence_perm")
        ]

    def __str__(self) -> str:
        return f"evidence use of {self.collection_id} by {self.agency_id}"


class Peer(models.Model):
    """Another usalama installation, trusted by its public keys (added explicitly)."""

    name = models.SlugField(max_length=64, unique=True)
    public_key = models.CharField(max_length=200, unique=True)
    url = models.CharField(max_length=300, blank=True)
    # The token we present to the peer's server (given to us by its operator).
    outbound_token = models.CharField(max_length=200, blank=True)
    # The hash of the token the peer presents to us (we issued it; shown once).
    inbound_token_hash = models.CharField(max_length=64, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ImportedBundle(models.Model):
    """A bundle already imported: importing it again changes nothing."""

    bundle_id = models.CharField(max_length=64, unique=True)
    sha256 = models.CharField(max_length=64)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.bundle_id


class HitCheckLog(models.Model):
    """Counts only: a hit/no-hit check asked of us, or asked by us (rate limit and audit)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    inbound = models.BooleanField()
    asked = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"hitcheck {self.peer_id} ({self.asked})"


class OperationQuerySet(models.QuerySet["Operation"]):
    def visible_to(self, user: Any) -> OperationQuerySet:
        """Only the registering agency sees its operations (deconfliction tells others only
        who to call)."""
        if not getattr(user, "is_authenticated", False) or not user.agency_id:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class Operation(models.Model):
    """A planned intelligence-led operation, registered for deconfliction."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    place = models.CharField(max_length=200, help_text=_("Ward or place name."))
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_m = models.PositiveIntegerField(default=500)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    targets = models.JSONField(default=list, blank=True)  # entity ids
    intelligence = models.JSONField(default=list, blank=True)  # collection keys that led to it
    contact = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    contact_phone = models.CharField(max_length=32)
    arrests = models.PositiveIntegerField(null=True, blank=True)
    seizures = models.CharField(max_length=500, blank=True)
    outcome_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.name


class InvestigationSubject(models.Model):
    """An agency works this (resolved) subject; another agency working it is told who to call."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    entity_id = models.CharField(max_length=200)
    canonical_id = models.CharField(max_length=200, db_index=True)
    contact = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    contact_phone = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "canonical_id"], name="unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.canonical_id}"


class DeconflictionAlert(models.Model):
    """Two agencies' work overlaps; each side's contact was given the other's only."""

    class Reason(models.TextChoices):
        PLACE_AND_TIME = "place_time", _("Same place and time")
        SUBJECT = "subject", _("Same subject")

    reason = models.CharField(max_length=12, choices=Reason.choices)
    first_agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    second_agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    # "operation:<id>" or "subject:<id>" on each side: one alert per overlapping pair.
    pair = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.pair
