"""Incidents and calls for service, each owned by a records collection (the one access gate).

Locations are stored as WGS84 latitude/longitude whatever the source CRS was; times are
stored in UTC with the source's time zone kept beside them, so "hour of day" means the
local hour where the call happened.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import User
from usalama.records.models import Collection, visible_collection_ids


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: Any) -> IncidentQuerySet:
        return self.filter(collection_id__in=visible_collection_ids(user))


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open, waiting")
    ASSIGNED = "assigned", _("Assigned to an officer")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="incidents")
    external_id = models.CharField(
        max_length=200, help_text=_("Event number in the source system, or file:row.")
    )
    category = models.CharField(max_length=200, blank=True)
    call_group = models.CharField(max_length=200, blank=True)
    call_type = models.CharField(max_length=200, blank=True)
    priority = models.CharField(max_length=20, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    beat = models.CharField(max_length=100, blank=True)
    station = models.CharField(max_length=100, blank=True, help_text=_("Station or precinct."))
    received_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    source_file = models.CharField(max_length=300)
    source_row = models.PositiveIntegerField()
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField(default=timezone.now)
    # The Occurrence Book number of the station's book (``OB/<station>/<serial>/<dd>/<mm>/<yyyy>``,
    # see docs/policing.md); empty for incidents imported from another system's files.
    ob_number = models.CharField(max_length=80, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "external_id"], name="unique_incident_per_collection"
            ),
            models.UniqueConstraint(
                fields=["ob_number"],
                condition=~models.Q(ob_number=""),
                name="unique_ob_number",
            ),
        ]
        indexes = [models.Index(fields=["collection", "received_at"])]
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.number} ({self.category or self.call_type})"

    @property
    def number(self) -> str:
        """How people name it: the OB number, else the source system's event number."""
        return self.ob_number or self.external_id


class ForecastStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ForecastRun(models.Model):
    """A hotspot forecast computed by the background worker (``policing.forecasts``).

    Safe to run again after a crash: the result and its audit event are stored together in
    one transaction, and a run already done is never computed again."""

    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=ForecastStatus.choices, default=ForecastStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"forecast {self.pk} ({self.status})"
