"""The KPI table (one value per indicator, area and month), the stations' places, and the
targets leaders set, with every change kept (who, when, old → new, why)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency, User


class StationArea(models.Model):
    """Which ward a police station sits in (incidents name their station, not their ward)."""

    station = models.CharField(max_length=100, unique=True)
    ward_code = models.CharField(max_length=10)

    class Meta:
        ordering = ["station"]

    def __str__(self) -> str:
        return f"{self.station} → {self.ward_code}"


class KpiValue(models.Model):
    indicator = models.CharField(max_length=60)
    level = models.CharField(max_length=10)
    area_code = models.CharField(max_length=100)
    period = models.CharField(max_length=7, help_text=_("Month, YYYY-MM."))
    value = models.FloatField(null=True, blank=True)
    base = models.PositiveIntegerField(
        default=0, help_text=_("How many records the value is computed from.")
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "area_code", "period"], name="unique_kpi_value"
            )
        ]
        indexes = [models.Index(fields=["indicator", "level", "period"])]
        ordering = ["indicator", "level", "area_code", "period"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.level}:{self.area_code} {self.period} = {self.value}"


class TargetQuerySet(models.QuerySet["Target"]):
    def visible_to(self, user: Any) -> TargetQuerySet:
        """An agency's targets are its own: leaders of other agencies set theirs."""
        if not getattr(user, "is_authenticated", False) or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class Target(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=60)
    level = models.CharField(max_length=10)
    area_code = models.CharField(max_length=100)
    period = models.CharField(max_length=7)
    value = models.FloatField()
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = TargetQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "indicator", "level", "area_code", "period"],
                name="unique_target",
            )
        ]
        ordering = ["indicator", "period"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.level}:{self.area_code} {self.period} → {self.value}"


class TargetChange(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="history")
    old_value = models.FloatField(null=True, blank=True)
    new_value = models.FloatField()
    reason = models.CharField(max_length=500)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"
