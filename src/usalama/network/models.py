"""Saved link charts: which entities an analyst laid out where, shared within the agency."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from usalama.accounts.models import Agency


class SavedChartQuerySet(models.QuerySet["SavedChart"]):
    def visible_to(self, user: Any) -> SavedChartQuerySet:
        """Charts of the user's own agency; nobody else's (a chart reveals who was looked at)."""
        agency_id = getattr(user, "agency_id", None)
        if not getattr(user, "is_authenticated", False) or agency_id is None:
            return self.none()
        if not getattr(user, "sees_records", False):
            # an agency administrator manages people, not their analysts' charts
            return self.none()
        return self.filter(agency_id=agency_id)


class SavedChart(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="saved_charts"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="saved_charts")
    name = models.CharField(max_length=200)
    #: ``{"nodes": [{"id", "x", "y", "pinned"}...], "hidden": [...], "options": {...}}``
    layout = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SavedChartQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
