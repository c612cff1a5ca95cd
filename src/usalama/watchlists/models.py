"""Watchlists (wanted persons, sanctions, stolen vehicles, ...), their entries, the alerts that
screening raises, subscriptions, and ANPR sightings.

Access is one gate per model, ``visible_to(user)``: a watchlist is seen by its owning agency and
by agencies it was granted to (read-only); an alert is seen by the agency it was raised for.
Writes are owner-only and go through ``services``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency
from usalama.records.grading import Handling


def _sees(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "sees_records", False))


class WatchlistQuerySet(models.QuerySet["Watchlist"]):
    def visible_to(self, user: Any) -> WatchlistQuerySet:
        if not _sees(user):
            return self.none()
        return self.filter(
            models.Q(agency_id=user.agency_id)
            | models.Q(grants__agency_id=user.agency_id, grants__revoked_at__isnull=True)
        ).distinct()

    def for_agency(self, agency_id: int) -> WatchlistQuerySet:
        """Watchlists an agency's records are screened against: owned and granted, active."""
        return self.filter(
            models.Q(agency_id=agency_id)
            | models.Q(grants__agency_id=agency_id, grants__revoked_at__isnull=True),
            active=True,
        ).distinct()


class Watchlist(models.Model):
    class Kind(models.TextChoices):
        WANTED = "wanted", _("Wanted persons")
        INTEREST = "interest", _("Persons of interest")
        SANCTIONS = "sanctions", _("Sanctions")
        VEHICLES = "vehicles", _("Stolen and wanted vehicles")
        DOCUMENTS = "documents", _("Lost and stolen travel documents")
        IDENTIFIERS = "identifiers", _("Flagged phones, accounts and wallets")

    key = models.SlugField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="watchlists")
    handling = models.CharField(max_length=2, choices=Handling.choices, default=Handling.H2)
    threshold = models.FloatField(default=0.7)
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WatchlistQuerySet.as_manager()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class WatchlistGrant(models.Model):
    """Read access for another agency (its records are then screened against this list too)."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "agency"], name="watchlist_grant_once")
        ]

    def __str__(self) -> str:
        return f"{self.watchlist} → {self.agency}"


class Entry(models.Model):
    """One FtM entity on a watchlist, with why it is there and until when."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="entries")
    entity_id = models.CharField(max_length=200)
    schema = models.CharField(max_length=64)
    caption = models.CharField(max_length=500)
    data = models.JSONField()
    reason = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    handling = models.CharField(max_length=2, choices=Handling.choices, blank=True)
    source = models.CharField(max_length=300, blank=True)
    plate_key = models.CharField(max_length=20, blank=True, db_index=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "entity_id"], name="entry_once_per_list")
        ]
        ordering = ["caption"]

    def __str__(self) -> str:
        return self.caption

    @property
    def effective_handling(self) -> str:
        return self.handling or self.watchlist.handling


class WatchlistAlertQuerySet(models.QuerySet["WatchlistAlert"]):
    def visible_to(self, user: Any) -> WatchlistAlertQuerySet:
        if not _sees(user):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class WatchlistAlert(models.Model):
    """A record (or sighting) that matched an entry or a subscription, for one agency.

    ``notice`` alerts go to a watchlist's owner when a record of *another* agency matched: they
    say which agency holds a matching record, never what the record says.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRUE_MATCH = "true_match", _("True match")
        FALSE_POSITIVE = "false_positive", _("False positive")
        NEEDS_REVIEW = "needs_review", _("Needs review")

    class Origin(models.TextChoices):
        SCREENING = "screening", _("Screening")
        ANPR = "anpr", _("Number-plate sighting")
        SUBSCRIPTION = "subscription", _("Subscription")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=12, choices=Origin.choices)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, related_name="alerts")
    subscription = models.ForeignKey(
        "Subscription", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    collection = models.ForeignKey(
        "records.Collection", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    record_entity_id = models.CharField(max_length=200, blank=True)
    record_caption = models.CharField(max_length=500, blank=True)
    record_agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    sighting = models.ForeignKey(
        "Sighting", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    notice = models.BooleanField(default=False)
    # set once the e-mail/SMS deliveries of this alert are planned (watchlists.delivery)
    delivery_planned = models.BooleanField(default=False, db_index=True)
    score = models.FloatField()
    explanation = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WatchlistAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]
        constraints = [
            # one alert per pair and recipient, ever: a pair judged a false positive is never
            # raised again, however often the record is re-imported
            models.UniqueConstraint(
                fields=["agency", "entry", "collection", "record_entity_id"],
                condition=models.Q(entry__isnull=False, sighting__isnull=True),
                name="alert_once_per_pair",
            ),
            models.UniqueConstraint(
                fields=["agency", "subscription", "collection", "record_entity_id"],
                condition=models.Q(subscription__isnull=False),
                name="alert_once_per_subscription_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_caption} ~ {self.entry or self.subscription}"


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def visible_to(self, user: Any) -> SubscriptionQuerySet:
        if not _sees(user):
            return self.none()
        return self.filter(user_id=user.pk)


class Subscription(models.Model):
    """Follow an entity, an identifier or a search: new matching records raise an alert."""

    class Kind(models.TextChoices):
        ENTITY = "entity", _("Entity")
        IDENTIFIER = "identifier", _("Identifier")
        SEARCH = "search", _("Search")
        WATCHLIST = "watchlist", _("Watchlist alerts")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=300)
    normalised = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    # besides the web inbox: a reference and a link by e-mail and/or SMS (no record content)
    by_email = models.BooleanField(default=False)
    by_sms = models.BooleanField(default=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "normalised"], name="subscribe_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class SightingQuerySet(models.QuerySet["Sighting"]):
    def visible_to(self, user: Any) -> SightingQuerySet:
        if not _sees(user):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class Sighting(models.Model):
    """One number plate read by a camera. Kept only while it has a hit, or for the retention."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    plate = models.CharField(max_length=20)
    plate_read = models.CharField(max_length=40)
    plate_key = models.CharField(max_length=20, db_index=True)
    camera_id = models.CharField(max_length=100)
    seen_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    lat = models.FloatField()
    lon = models.FloatField()
    hit = models.BooleanField(default=False)

    objects = SightingQuerySet.as_manager()

    class Meta:
        ordering = ["-seen_at"]
        indexes = [models.Index(fields=["hit", "received_at"])]

    def __str__(self) -> str:
        return f"{self.plate} @ {self.camera_id}"


class AlertContact(models.Model):
    """Where a subscriber's alert messages go: the phone for SMS (e-mail: the account's)."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="alert_contact"
    )
    phone = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.phone or '-'}"


class AlertDelivery(models.Model):
    """One message about one alert to one subscriber on one channel; retried until sent."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    alert = models.ForeignKey(WatchlistAlert, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "user", "channel"], name="deliver_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"alert {self.alert_id} -> {self.user_id} by {self.channel}: {self.status}"
