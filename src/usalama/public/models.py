"""Stored, checked tables: the only thing the portal and its API ever serve."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COUNTS = "counts", _("Reports by place and category")
    RESPONSE = "response", _("Police response times")
    COMPLAINTS = "complaints", _("Complaints against police and outcomes")
    JUSTICE = "justice", _("Court efficiency")


class PublishedTable(models.Model):
    """One month's table of one kind, as it passed the disclosure check (rows are final)."""

    month = models.DateField(help_text=_("The first day of the month."))
    kind = models.CharField(max_length=12, choices=Kind.choices)
    k = models.PositiveSmallIntegerField(help_text=_("The threshold the table was checked at."))
    rows = models.JSONField()
    digest = models.CharField(max_length=64, help_text=_("SHA-256 of the rows as checked."))
    withheld = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "kind"], name="public_one_table_per_month")
        ]
        ordering = ["-month", "kind"]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}"
